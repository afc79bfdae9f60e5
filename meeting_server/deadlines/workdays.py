"""Working days in Vietnam: weekends, public holidays (Tết included) and make-up Saturdays.

Working days skip Saturdays, Sundays and the public holidays the ``holidays`` package knows for
Vietnam, Tết and substitute days off included; Saturdays it lists as make-up working days (làm
bù, e.g. 2019-05-04) count as working days. The same package gives the date of Tết Nguyên đán
by the Vietnamese lunar calendar (UTC+7, which differs from the Chinese one in some years).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

MIN_YEAR = 2000
MAX_YEAR = 2100


@cache
def table() -> holidays.HolidayBase:
    """Vietnam's holidays and make-up days, 1999-2101, built on first use (150 ms; the server
    builds it at start-up). One table for all years, so make-up days that cross a new year are
    known; never expanded afterwards, so lookups do not mutate it."""
    return holidays.country_holidays("VN", years=range(MIN_YEAR - 1, MAX_YEAR + 2), expand=False)


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day in Vietnam (outside 1999–2101: whether it is a weekday)."""
    return bool(table().is_working_day(day))


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_day_on_or_after(day: date) -> date:
    """``day`` if it is a working day, else the next one: how a period counted in calendar
    days, weeks, months or years ends (Bộ luật Dân sự 2015, art. 148(5))."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def tet(year: int) -> date | None:
    """The first day of Tết Nguyên đán that falls in ``year``, by the Vietnamese calendar."""
    if not MIN_YEAR - 1 <= year <= MAX_YEAR + 1:
        return None
    found = table().get_named("Lunar New Year", lookup="exact")
    return next((day for day in found if day.year == year), None)
