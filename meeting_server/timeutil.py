"""Times as the API shows them: ISO 8601 with the offset of the configured zone.

The zone is a setting, so "now" comes from a :class:`Clock` that the application context (and the
database, for the timestamps written in a transaction) carries; nothing here is global.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DEFAULT_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Clock:
    """The wall clock in the zone of meetings, deadlines and timestamps."""

    zone: ZoneInfo = DEFAULT_ZONE

    def now(self) -> datetime:
        return datetime.now(self.zone).replace(microsecond=0)

    def now_iso(self) -> str:
        return self.now().isoformat()

    def today(self) -> date:
        return self.now().date()

    def parse_datetime(self, text: str) -> datetime:
        """Parse ISO 8601; a time without an offset is taken in this clock's zone."""
        value = datetime.fromisoformat(text)
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        return value.astimezone(self.zone)


def utc_now() -> datetime:
    """An aware "now" for comparing with stored timestamps, whatever their offset."""
    return datetime.now(UTC)


def parse_date(text: str) -> date:
    if len(text) != 10:
        raise ValueError("expected YYYY-MM-DD")
    return date.fromisoformat(text)
