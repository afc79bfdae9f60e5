"""The fields of what is created through the API *and* by ``meeting-server import``, checked
once: each function reads them from a :class:`~meeting_server.validate.Fields` (a JSON body, or
a table of ``agenda.toml``) with the same types, lengths and codes, and fails with the same
``Invalid`` naming the field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from meeting_server.errors import Invalid
from meeting_server.models import MEETING_ROLES, USER_ROLES, MeetingRole, UserRole
from meeting_server.timeutil import Clock
from meeting_server.validate import Fields

MAX_MEETING_TITLE = 300
MAX_LOCATION = 300
MAX_ITEM_TITLE = 500
MAX_PRESENTER = 200
MAX_MINUTES = 24 * 60
MAX_DOCUMENT_TITLE = 500
UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.@-]{1,63}$")


@dataclass(frozen=True)
class MeetingFields:
    title: str
    starts_at: datetime
    location: str


def meeting_fields(body: Fields, clock: Clock) -> MeetingFields:
    """``title``, ``starts_at`` (ISO 8601; without an offset, in the clock's zone),
    ``location`` (optional)."""
    title = body.text("title", max_len=MAX_MEETING_TITLE)
    starts_at = body.moment("starts_at", clock)
    location = body.text("location", required=False, max_len=MAX_LOCATION,
                         allow_empty=True) or ""
    assert starts_at is not None
    return MeetingFields(title, starts_at, location)


@dataclass(frozen=True)
class ItemFields:
    title: str
    presenter: str
    duration_minutes: int | None


def item_fields(body: Fields) -> ItemFields:
    """An agenda item: ``title``, ``presenter`` and ``duration_minutes`` (both optional)."""
    title = body.text("title", max_len=MAX_ITEM_TITLE)
    presenter = body.text("presenter", required=False, max_len=MAX_PRESENTER,
                          allow_empty=True) or ""
    minutes = body.integer("duration_minutes", required=False, lo=1, hi=MAX_MINUTES,
                           nullable=True)
    return ItemFields(title, presenter, minutes)


@dataclass(frozen=True)
class UnitFields:
    code: str
    name: str


def unit_fields(body: Fields) -> UnitFields:
    code = body.text("code", max_len=32)
    name = body.text("name", max_len=200)
    if not UNIT_CODE.match(code):
        raise Invalid("A unit code is letters, digits, '.', '_' or '-'.", "invalid_field",
                      field="code")
    return UnitFields(code, name)


@dataclass(frozen=True)
class UserFields:
    username: str
    name: str
    role: UserRole
    unit: str | None
    title: str


def user_fields(body: Fields) -> UserFields:
    """A user without their password: ``username``, ``name``, ``role``, ``unit`` (a unit
    code) and ``title``."""
    username = body.text("username", max_len=64).lower()
    name = body.text("name", max_len=200)
    role = body.choice("role", USER_ROLES)
    unit = body.text("unit", required=False, max_len=32, nullable=True)
    title = body.text("title", required=False, max_len=200, allow_empty=True) or ""
    if not USERNAME.match(username):
        raise Invalid("A username is 2-64 lowercase letters, digits, '.', '_', '-' or '@'.",
                      "invalid_field", field="username")
    return UserFields(username, name, role, unit, title)


def participant_role(body: Fields) -> MeetingRole:
    role: MeetingRole = body.choice("role", MEETING_ROLES)
    return role


def document_title(value: str | None, fallback: str) -> str:
    """A document's title, or its file name without ``.pdf``."""
    title = (value or "").strip() or fallback.removesuffix(".pdf").removesuffix(".PDF")
    if len(title) > MAX_DOCUMENT_TITLE or "\x00" in title:
        raise Invalid("The title must be at most {chars} characters.", "invalid_field",
                      values={"chars": MAX_DOCUMENT_TITLE}, field="title")
    return title
