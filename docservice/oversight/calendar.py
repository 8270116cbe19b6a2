"""Dates committees count with: a cell's meeting day in a month, and working days in Việt Nam.

Working days are Monday to Friday that are not public holidays; the holidays (lunar Tết included, and the
days the government moves) come from the ``holidays`` package's Việt Nam calendar. A Saturday made a working
day in exchange for a bridge day is not known to it and counts as a weekend day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass

import holidays

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
ORDINALS_VI = {1: "thứ nhất", 2: "thứ hai", 3: "thứ ba", 4: "thứ tư", 5: "thứ năm", -1: "cuối cùng"}


@dataclass(frozen=True)
class Schedule:
    """A regular meeting rule: ``day`` of the month, or the ``nth`` ``weekday`` (0 = Monday; nth -1 = last),
    and the days of grace after the due day before the meeting counts as late."""

    day: int | None = 7
    weekday: int | None = None
    nth: int | None = None
    grace_days: int = 2
    source: str = "profile"  # "own", "inherited" (from an ancestor's rule) or "profile" (the default)

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - a few rules, asked for the same months again and again
    def due(self, year: int, month: int) -> dt.date:
        """The due day in a month; a day past the month's end falls on its last day (the 31st in June → 30)."""
        last = calendar.monthrange(year, month)[1]
        if self.weekday is None or self.nth is None:
            return dt.date(year, month, min(self.day or 1, last))
        days = [dt.date(year, month, d) for d in range(1, last + 1)
                if dt.date(year, month, d).weekday() == self.weekday]
        return days[-1] if self.nth == -1 or self.nth > len(days) else days[self.nth - 1]

    @functools.lru_cache(maxsize=8192)  # noqa: B019
    def deadline(self, year: int, month: int) -> dt.date:
        """The last day that still counts as on time (never past the month's end)."""
        due = self.due(year, month)
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        return min(due + dt.timedelta(days=self.grace_days), end)

    def describe(self) -> str:
        """``ngày 7 hằng tháng, chậm nhất 2 ngày`` / ``Thứ Năm thứ nhất hằng tháng, …``."""
        when = (f"ngày {self.day} hằng tháng" if self.weekday is None or self.nth is None
                else f"{WEEKDAYS_VI[self.weekday]} {ORDINALS_VI.get(self.nth, str(self.nth))} hằng tháng")
        return f"{when}, chậm nhất {self.grace_days} ngày"

    def as_dict(self) -> dict[str, object]:
        return {"day": self.day if self.nth is None else None, "weekday": self.weekday, "nth": self.nth,
                "grace_days": self.grace_days, "source": self.source, "text": self.describe()}


@functools.lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(is_working_day(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1))


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, on the same day or the month's last (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
