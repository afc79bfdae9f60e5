"""Frozen dataclasses of the domain, and their JSON shapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any, Final, Literal, get_args

from meeting_server.deadlines import Schedule, wording_of

# The closed vocabularies of the domain: mypy checks every literal written where these are
# expected (an event appended with a misspelt name does not type-check); the tuples, made from
# the same definitions, check what comes from outside (JSON bodies, agenda files, the database).
UserRole = Literal["admin", "secretary", "member"]
MeetingRole = Literal["chair", "secretary", "member", "guest"]
MeetingStatus = Literal["scheduled", "in_progress", "ended"]
AttendanceStatus = Literal["present", "online", "absent", "unknown"]
TaskStatus = Literal["assigned", "in_progress", "done", "cancelled"]
PublicationKind = Literal["minutes", "notice"]
PublicationStatus = Literal["draft", "published", "superseded"]
EventName = Literal[
    "meeting.updated", "agenda.changed", "agenda.item_deleted", "agenda.current",
    "presenter.page",
    "document.published", "document.version", "attendance.changed", "participant.added",
    "participant.removed", "conclusion.saved", "conclusion.deleted", "task.assigned",
    "task.updated", "publication.published",
    "floor.requested", "floor.withdrawn", "floor.reordered", "floor.given", "floor.ended",
    "floor.limit_set", "vote.opened", "vote.cast", "vote.closed", "proxy.granted",
    "proxy.revoked",
    "followup.created", "followup.decided",
]
USER_ROLES: Final[tuple[UserRole, ...]] = get_args(UserRole)
MEETING_ROLES: Final[tuple[MeetingRole, ...]] = get_args(MeetingRole)
MEETING_STATUSES: Final[tuple[MeetingStatus, ...]] = get_args(MeetingStatus)
ATTENDANCE_STATUSES: Final[tuple[AttendanceStatus, ...]] = get_args(AttendanceStatus)
EVENT_NAMES: Final[frozenset[EventName]] = frozenset(get_args(EventName))


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name: str
    #: A deactivated unit keeps its tasks and users but is given no new ones.
    active: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "name": self.name, "active": self.active}


@dataclass(frozen=True)
class User:
    id: int
    username: str
    name: str
    title: str
    role: UserRole
    unit: Unit | None
    active: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "name": self.name,
            "title": self.title,
            "role": self.role,
            "unit": self.unit.code if self.unit else None,
            "unit_name": self.unit.name if self.unit else None,
            "active": self.active,
        }


@dataclass(frozen=True)
class Meeting:
    id: int
    title: str
    starts_at: str
    location: str
    status: MeetingStatus
    chair_id: int | None
    current_item_id: int | None
    created_at: str
    updated_at: str
    #: When it was started and ended (None before), and since when the current item has been
    #: under discussion: the timers of the console and the tablets.
    started_at: str | None = None
    ended_at: str | None = None
    current_item_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "starts_at": self.starts_at,
            "location": self.location,
            "status": self.status,
            "chair_id": self.chair_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "current_item_at": self.current_item_at,
        }


@dataclass(frozen=True)
class Presenter:
    document_id: int
    version: int
    page: int

    def as_dict(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "version": self.version, "page": self.page}


@dataclass(frozen=True)
class Participant:
    meeting_id: int
    user: User
    role: MeetingRole
    attendance: AttendanceStatus
    absence_reason: str | None
    attendance_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user.id,
            "username": self.user.username,
            "name": self.user.name,
            "title": self.user.title,
            "unit": self.user.unit.code if self.user.unit else None,
            "unit_name": self.user.unit.name if self.user.unit else None,
            "role": self.role,
            "attendance": self.attendance,
            "absence_reason": self.absence_reason,
            "attendance_at": self.attendance_at,
        }


@dataclass(frozen=True)
class AgendaItem:
    id: int
    meeting_id: int
    position: int
    title: str
    presenter: str
    duration_minutes: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "meeting_id": self.meeting_id,
            "position": self.position,
            "title": self.title,
            "presenter": self.presenter,
            "duration_minutes": self.duration_minutes,
        }


@dataclass(frozen=True)
class PageSize:
    width: float
    height: float
    rotation: int

    def as_dict(self) -> dict[str, Any]:
        return {"width": self.width, "height": self.height, "rotation": self.rotation}


@dataclass(frozen=True)
class DocumentVersion:
    """A version as listed; its pages' sizes are read apart (``store.documents.page_sizes``),
    when a viewer asks for them: a 2,000-page document's would weigh on every list."""

    document_id: int
    version: int
    sha256: str
    filename: str
    size: int
    page_count: int
    pdf_title: str | None
    pdf_author: str | None
    note: str
    uploaded_by: int | None
    uploaded_at: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "sha256": self.sha256,
            "filename": self.filename,
            "size": self.size,
            "page_count": self.page_count,
            "pdf_title": self.pdf_title,
            "pdf_author": self.pdf_author,
            "note": self.note,
            "uploaded_by": self.uploaded_by,
            "uploaded_at": self.uploaded_at,
        }


@dataclass(frozen=True)
class Document:
    id: int
    meeting_id: int
    agenda_item_id: int
    title: str
    current: DocumentVersion
    created_at: str

    @property
    def version(self) -> int:
        return self.current.version

    def as_dict(self) -> dict[str, Any]:
        """The document as listed in the meeting state: its current version's facts."""
        return {
            "id": self.id,
            "meeting_id": self.meeting_id,
            "agenda_item_id": self.agenda_item_id,
            "title": self.title,
            "version": self.current.version,
            "page_count": self.current.page_count,
            "sha256": self.current.sha256,
            "filename": self.current.filename,
            "size": self.current.size,
            "uploaded_at": self.current.uploaded_at,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Event:
    meeting_id: int
    seq: int
    event: EventName
    data: dict[str, Any]
    at: str
    actor: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "event": self.event, "data": self.data, "at": self.at,
                "actor": self.actor}


TASK_STATUSES: Final[tuple[TaskStatus, ...]] = get_args(TaskStatus)
CLOSED_STATUSES: Final[tuple[TaskStatus, ...]] = ("done", "cancelled")


@dataclass(frozen=True)
class Conclusion:
    id: int
    meeting_id: int
    agenda_item_id: int | None
    number: int
    text: str
    created_at: str
    updated_at: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "meeting_id": self.meeting_id,
                "agenda_item_id": self.agenda_item_id, "number": self.number,
                "text": self.text, "created_at": self.created_at,
                "updated_at": self.updated_at}


@dataclass(frozen=True)
class Task:
    id: int
    meeting_id: int
    conclusion_id: int
    title: str
    lead_unit: Unit
    support_units: tuple[Unit, ...]
    responsible: str
    due_date: date | None
    due_text: str
    ongoing: bool
    status: TaskStatus
    completed_at: str | None
    created_at: str
    updated_at: str
    due_time: time | None = None
    schedule: Schedule | None = None  # a recurring deadline; due_date is its next occurrence
    due_wording: str = ""  # as the notice prints it ('' before migration 0006)

    @property
    def deadline_kind(self) -> str:
        return "ongoing" if self.ongoing else "schedule" if self.schedule else "date"

    @property
    def deadline(self) -> str:
        """The deadline as the conclusion notice prints it, once."""
        return self.due_wording or wording_of(self.due_date, self.due_time, self.schedule,
                                              self.ongoing)

    def overdue(self, today: date) -> bool:
        """Past its deadline (for a schedule: an occurrence no report was made for) and still
        open; an ongoing task never is."""
        return (not self.ongoing and self.due_date is not None and self.due_date < today
                and self.status not in CLOSED_STATUSES)

    def as_dict(self, today: date) -> dict[str, Any]:
        return {
            "id": self.id,
            "meeting_id": self.meeting_id,
            "conclusion_id": self.conclusion_id,
            "title": self.title,
            "lead_unit": self.lead_unit.code,
            "lead_unit_name": self.lead_unit.name,
            "support_units": [u.code for u in self.support_units],
            "support_unit_names": [u.name for u in self.support_units],
            "responsible": self.responsible,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
            "due_text": self.due_text,
            "ongoing": self.ongoing,
            "deadline_kind": self.deadline_kind,
            "schedule": {"rrule": self.schedule.rule, "start": self.schedule.start.isoformat()}
            if self.schedule else None,
            "deadline": self.deadline,
            "status": self.status,
            "overdue": self.overdue(today),
            "completed_at": self.completed_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class TaskUpdate:
    id: int
    task_id: int
    author_id: int | None
    author_name: str | None
    note: str
    status: TaskStatus | None
    created_at: str
    occurrence: date | None = None  # for a recurring task: the due date reported on

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "task_id": self.task_id, "author_id": self.author_id,
                "author_name": self.author_name, "note": self.note, "status": self.status,
                "created_at": self.created_at,
                "occurrence": self.occurrence.isoformat() if self.occurrence else None}


PUBLICATION_KINDS: Final[tuple[PublicationKind, ...]] = get_args(PublicationKind)


@dataclass(frozen=True)
class Publication:
    id: int
    meeting_id: int
    kind: PublicationKind
    version: int
    status: PublicationStatus
    snapshot: dict[str, Any]
    fields: dict[str, Any]
    sha256: str | None
    size: int | None
    supersedes: int | None
    superseded_by: int | None
    published_at: str | None
    created_at: str
    updated_at: str

    def summary(self) -> dict[str, Any]:
        """As listed in the meeting state."""
        return {"id": self.id, "kind": self.kind, "version": self.version,
                "status": self.status, "sha256": self.sha256,
                "published_at": self.published_at, "supersedes": self.supersedes,
                "superseded_by": self.superseded_by}

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary(), "meeting_id": self.meeting_id, "size": self.size,
                "fields": self.fields, "snapshot": self.snapshot,
                "created_at": self.created_at, "updated_at": self.updated_at}
