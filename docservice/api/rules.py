"""The rule profiles: which one is in force on a date, and every value it holds."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from docservice.api.context import api_blueprint, caller, dump, problems
from docservice.rules import RuleProfile
from docservice.security import policy
from docservice.services import current_services

blueprint = api_blueprint("rules", "Quy định áp dụng")


class RulesQuery(BaseModel):
    date: dt.date | None = Field(None, description="Ngày cần biết quy định áp dụng (mặc định: hôm nay)")


class ProfileSummary(BaseModel):
    key: str
    name: str
    effective_from: dt.date
    effective_to: dt.date | None


class RulesOut(BaseModel):
    date: dt.date
    in_force: RuleProfile
    profiles: list[ProfileSummary]


class ProfilePath(BaseModel):
    key: str = Field(max_length=32)


@blueprint.get("/rules", responses={200: RulesOut})
def rules_in_force(query: RulesQuery):
    """Bộ quy định áp dụng cho một ngày (thể thức, đánh số, chữ ký, túc số) và danh sách các bộ."""
    policy.require(caller(), "template.read")
    book = current_services().rules
    day = query.date or dt.date.today()
    profiles = book.profiles
    summaries = [ProfileSummary(key=p.key, name=p.name, effective_from=p.effective_from,
                                effective_to=(profiles[i + 1].effective_from - dt.timedelta(days=1))
                                if i + 1 < len(profiles) else None) for i, p in enumerate(profiles)]
    return dump(RulesOut(date=day, in_force=book.for_date(day), profiles=summaries))


@blueprint.get("/rules/<key>", responses={200: RuleProfile, **problems(404)})
def rule_profile(path: ProfilePath):
    """Toàn bộ giá trị của một bộ quy định, kèm các giá trị chưa được xác nhận (unconfirmed)."""
    from docservice.errors import NotFound

    policy.require(caller(), "template.read")
    profile = current_services().rules.get(path.key)
    if profile is None:
        raise NotFound(f"Không có bộ quy định {path.key!r}.")
    return dump(profile)
