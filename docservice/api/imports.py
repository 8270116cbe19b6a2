"""Bulk imports started from the web: a folder under the server's import root, run by the job worker.

The job is visible to the archivist who started it and to admins whose scope covers its organisation.
Items whose record the caller may not see (a file the importer found marked MẬT, say) are left out of
what anyone but the starter is shown — names, counts and reasons alike.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from docservice.api.context import api_blueprint, caller, dump, paginate, problems
from docservice.api.schemas import IdPath, Page
from docservice.archive import importer
from docservice.db.models import ImportItem, Job, Organization, Record, Role
from docservice.errors import NotFound
from docservice.security import policy
from docservice.services import current_services

blueprint = api_blueprint("imports", "Nhập hàng loạt")
Outcome = Literal["imported", "already_present", "needs_review", "refused"]


class ImportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    directory: str = Field(min_length=1, max_length=1000, description="Thư mục, tính từ thư mục nhập của máy chủ")
    manifest: str | None = Field(None, max_length=1000, description="Tệp CSV kê khai, tính từ thư mục nhập")
    organization_id: int | None = Field(None, ge=1, le=2**31 - 1,
                                        description="Tổ chức cho tệp không đọc được nơi ban hành (mặc định: của bạn)")


class ImportOut(BaseModel):
    id: int
    status: str = Field(description="queued | running | done | failed")
    directory: str
    organization_id: int
    total: int | None = Field(description="PDFs found in the folder (once started)")
    progress: int = Field(description="files finished so far")
    counts: dict[str, int]
    error: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class ImportPage(BaseModel):
    items: list[ImportOut]
    total: int
    page: int
    per_page: int


class ImportItemOut(BaseModel):
    file: str
    sha256: str | None
    outcome: Outcome
    reason: str | None
    record_id: int | None


class ImportItemPage(BaseModel):
    items: list[ImportItemOut]
    total: int
    page: int
    per_page: int


class ItemQuery(Page):
    outcome: Outcome | None = None


def _relative(job: Job) -> str:
    root = current_services().settings.import_root
    directory = Path(job.params["directory"])
    return str(directory.relative_to(root)) if root and root in (directory, *directory.parents) else directory.name


def visible_jobs(principal: policy.Principal):
    """Import jobs of organisations in scope: one's own, or anyone's for an admin."""
    stmt = select(Job).join(Organization, Organization.id == Job.organization_id).where(
        Job.kind == "import", policy.in_scope(principal))
    if principal.role is not Role.admin:
        stmt = stmt.where(Job.created_by == principal.user_id)
    return stmt


def items_shown(principal: policy.Principal, job: Job):
    """The job's items the caller may be shown: all for its starter, else those of visible records."""
    stmt = select(ImportItem).where(ImportItem.job_id == job.id)
    if job.created_by != principal.user_id:
        visible = policy.visible(Record, principal).with_only_columns(Record.id)
        stmt = stmt.where((ImportItem.record_id.is_(None) & (ImportItem.outcome == "refused"))
                          | ImportItem.record_id.in_(visible))
    return stmt


def import_out(session, principal: policy.Principal, job: Job) -> ImportOut:
    shown = items_shown(principal, job).subquery()
    rows = session.execute(select(shown.c.outcome, func.count()).group_by(shown.c.outcome)).all()
    found = dict(rows)
    own = job.created_by == principal.user_id
    return ImportOut(id=job.id, status=job.status, directory=_relative(job), organization_id=job.organization_id,
                     total=job.total if own else None, progress=job.progress if own else sum(found.values()),
                     counts={o: found.get(o, 0) for o in importer.OUTCOMES}, error=job.error,
                     created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at)


def job_or_404(session, principal: policy.Principal, job_id: int) -> Job:
    job = session.scalar(visible_jobs(principal).where(Job.id == job_id))
    if job is None:
        raise NotFound("Không tìm thấy lần nhập này.")
    return job


@blueprint.post("/imports", responses={202: ImportOut, **problems(403, 409)})
def create_import(body: ImportCreate):
    """Nhập hàng loạt một thư mục PDF trên máy chủ (chạy nền; không trùng; tiếp tục được nếu bị ngắt)."""
    svc, principal = current_services(), caller()
    job = importer.start_web_import(svc, principal, directory=body.directory, manifest=body.manifest,
                                    organization_id=body.organization_id)
    with svc.catalogue.reader() as session:
        return dump(import_out(session, principal, session.get(Job, job.id)), 202)


@blueprint.get("/imports", responses={200: ImportPage})
def list_imports(query: Page):
    """Các lần nhập hàng loạt (mới trước)."""
    principal = caller()
    policy.require(principal, "import.run")
    with current_services().catalogue.reader() as session:
        jobs, total = paginate(session, visible_jobs(principal).order_by(Job.id.desc()), query)
        return dump(ImportPage(items=[import_out(session, principal, j) for j in jobs], total=total, page=query.page,
                               per_page=query.per_page))


@blueprint.get("/imports/<int:id>", responses={200: ImportOut})
def get_import(path: IdPath):
    """Tiến độ và kết quả một lần nhập."""
    principal = caller()
    policy.require(principal, "import.run")
    with current_services().catalogue.reader() as session:
        return dump(import_out(session, principal, job_or_404(session, principal, path.id)))


@blueprint.get("/imports/<int:id>/items", responses={200: ImportItemPage})
def import_items(path: IdPath, query: ItemQuery):
    """Từng tệp của lần nhập và kết quả (lọc theo outcome), kèm lý do bị từ chối."""
    principal = caller()
    policy.require(principal, "import.run")
    with current_services().catalogue.reader() as session:
        job = job_or_404(session, principal, path.id)
        items, total = items_page(session, principal, job, query.outcome, query)
        return dump(ImportItemPage(items=items, total=total, page=query.page, per_page=query.per_page))


def items_page(session, principal: policy.Principal, job: Job, outcome: str | None,
               page: Page) -> tuple[list[ImportItemOut], int]:
    """One page of the job's items the caller may be shown, with the record id only where visible."""
    stmt = items_shown(principal, job)
    if outcome:
        stmt = stmt.where(ImportItem.outcome == outcome)
    rows, total = paginate(session, stmt.order_by(ImportItem.id), page)
    visible = set(session.scalars(policy.visible(Record, principal).with_only_columns(Record.id).where(
        Record.id.in_([r.record_id for r in rows if r.record_id]))))
    return [ImportItemOut(file=r.path, sha256=r.sha256, outcome=r.outcome, reason=r.reason,
                          record_id=r.record_id if r.record_id in visible else None) for r in rows], total
