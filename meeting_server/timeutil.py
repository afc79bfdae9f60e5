"""Times as the API shows them: ISO 8601 with the offset of the configured zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

_zone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")


def set_zone(zone: ZoneInfo) -> None:
    global _zone
    _zone = zone


def zone() -> ZoneInfo:
    return _zone


def now() -> datetime:
    return datetime.now(_zone).replace(microsecond=0)


def now_iso() -> str:
    return now().isoformat()


def parse_datetime(text: str) -> datetime:
    """Parse ISO 8601; a time without an offset is taken in the configured zone."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone)
    return value.astimezone(_zone)


def parse_date(text: str) -> date:
    if len(text) != 10:
        raise ValueError("expected YYYY-MM-DD")
    return date.fromisoformat(text)
