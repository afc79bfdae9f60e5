"""Written opinions (xin ý kiến): sending the form, answering, reminding, the summary PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from meeting_server import access
from meeting_server.db import Conn, Database
from meeting_server.errors import Conflict, Invalid, NotFound
from meeting_server.models import User
from meeting_server.publishing.render import Renderer
from meeting_server.services.notifications import Notifier, moment_words
from meeting_server.settings import Settings
from meeting_server.store import consultations as store
from meeting_server.store import documents, notifications
from meeting_server.store import notifier as candidates
from meeting_server.store.consultations import Answer, Consultation
from meeting_server.store.notifications import Wanted
from meeting_server.timeutil import Clock


@dataclass(frozen=True)
class Form:
    title: str
    question: str
    document_id: int | None
    deadline: datetime
    recipients: tuple[int, ...]


def is_open(consultation: Consultation, clock: Clock) -> bool:
    return clock.now() < clock.parse_datetime(consultation.deadline)


def _link(consultation_id: int) -> str:
    return f"/consultations/{consultation_id}"


async def create(db: Database, notifier: Notifier, user: User, form: Form) -> int:
    """Send the form: each person asked is notified (in-app, and by email if they have an
    address). 422 for a deadline past, unknown people, or a document some of them may not
    read."""
    access.require_consultation_manager(user)
    async with db.transaction() as tx:
        if form.deadline <= tx.clock.now():
            raise Invalid("The deadline must be in the future.", "deadline_passed",
                          field="deadline")
        known = await store.active_users(tx, form.recipients)
        if known != set(form.recipients):
            raise Invalid("Some of the people chosen do not exist or are inactive.",
                          "unknown_user", field="recipients")
        if form.document_id is not None:
            document = await documents.get(tx, form.document_id)
            if document is None:
                raise Invalid("Document not found.", "unknown_document", field="document_id")
            readers = await store.participants(tx, document.meeting_id, form.recipients)
            if readers != set(form.recipients):
                raise Invalid("Everyone asked about a document must take part in its meeting.",
                              "not_participant", field="recipients")
        deadline = form.deadline.isoformat()
        consultation_id = await store.create(tx, form.title, form.question, form.document_id,
                                             deadline, user.id, form.recipients)
        data = {"title": form.title, "deadline": moment_words(deadline)}
        await notifications.add(tx, [
            Wanted("consultation_request", consultation_id, r, "", data,
                   _link(consultation_id)) for r in form.recipients],
            email=notifier.mailer.enabled)
    notifier.wake()
    return consultation_id


async def answer(db: Database, user: User, consultation_id: int, choice: str,
                 comment: str) -> Answer:
    """Record (or change, until the deadline) the caller's answer."""
    async with db.transaction() as tx:
        found = await store.get(tx, consultation_id)
        mine = await store.answers(tx, consultation_id, user.id) if found else []
        if found is None or not access.can_see_consultation(user, bool(mine)):
            raise NotFound("Consultation not found.")
        access.require_answer(bool(mine), is_open(found, tx.clock))
        if choice == "comment" and not comment:
            raise Invalid("Write your comments.", "comment_required", field="comment")
        await store.record_answer(tx, consultation_id, user.id, choice, comment)
        saved = await store.answers(tx, consultation_id, user.id)
    return saved[0]


async def remind(db: Database, notifier: Notifier, user: User, consultation_id: int) -> int:
    """Remind now those who have not answered; how many were reminded."""
    async with db.transaction() as tx:
        found = await _managed(tx, user, consultation_id)
        if not is_open(found, tx.clock):
            raise Conflict("The deadline for answers has passed.",
                                  "consultation_closed")
        late = await candidates.unanswered(tx, consultation_id=consultation_id)
        data = {"title": found.title, "deadline": moment_words(found.deadline)}
        occurrence = f"manual:{tx.now_iso()}"
        added = await notifications.add(tx, [
            Wanted("consultation_reminder", found.id, row.user_id, occurrence, data,
                   _link(found.id)) for row in late], email=notifier.mailer.enabled)
    notifier.wake()
    return added


def tally(answers: Sequence[Answer]) -> dict[str, int]:
    counts = {choice: 0 for choice in store.ANSWERS}
    for a in answers:
        if a.answer is not None:
            counts[a.answer] += 1
    return {**counts, "unanswered": sum(a.answer is None for a in answers),
            "asked": len(answers)}


async def summary(conn: Conn, user: User, consultation_id: int
                  ) -> tuple[Consultation, list[Answer]]:
    """The consultation and every answer: the secretary's summary table."""
    found = await _managed(conn, user, consultation_id)
    return found, await store.answers(conn, consultation_id)


async def _managed(conn: Conn, user: User, consultation_id: int) -> Consultation:
    """The consultation, for its manager: 404 for whoever may not see it (as every other
    request about it answers them, so that a 403 never tells them it exists), 403 for someone
    asked, who knows of it but may not manage it."""
    found = await store.get(conn, consultation_id)
    asked = bool(await store.answers(conn, consultation_id, user.id)) if (
        found is not None and not access.is_staff(user)) else False
    if found is None or not access.can_see_consultation(user, asked):
        raise NotFound("Consultation not found.")
    access.require_consultation_manager(user)
    return found


async def summary_pdf(renderer: Renderer, settings: Settings, clock: Clock,
                      consultation: Consultation, answers: Sequence[Answer]) -> bytes:
    """The summary table as a PDF, headed as Nghị định 30/2020 asks (the issuing body, the
    national motto, the place and date), in the publications' serif."""
    fields: dict[str, Any] = {"issuer_parent": settings.issuer_parent,
                              "issuer": settings.issuer, "place": settings.place,
                              "date": clock.today().isoformat(), "number": ""}
    html = renderer.env.get_template("publications/consultation.html").render(
        fields=fields, status="final", consultation=consultation, answers=answers,
        counts=tally(answers), deadline=moment_words(consultation.deadline),
        printed=moment_words(clock.now_iso()))
    return (await renderer.pdf(html)).data
