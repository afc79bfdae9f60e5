"""Notifications of new tasks, approaching and passed deadlines, published notices, requests
for written opinions and their reminders, and documents not yet read before a meeting.

The :class:`Notifier` runs in the background (started with the app context, like
``housekeeping``): every ``MEETING_NOTIFY_SECONDS``, or as soon as :meth:`Notifier.wake` is
called, it

1. *generates*: in one transaction, works out every notification due now and inserts those
   not there yet (``store.notifications.add``: one row per kind, subject, recipient and
   occurrence, so a restart or a second instance never repeats one);
2. *delivers*: claims the emails to send in a transaction, sends each through the SMTP server
   (``meeting_server.mailer``), and marks it sent (or pending again after a failure).

Times come from the database's clock (``tx.clock``), which tests set. What is shown in the
app and emailed is worded here, in Vietnamese and English, from each notification's data.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from meeting_server.db import Database
from meeting_server.housekeeping import Periodic
from meeting_server.mailer import Mailer, MailError, Refused
from meeting_server.settings import Settings
from meeting_server.store import notifications as store
from meeting_server.store import notifier as candidates
from meeting_server.store.notifications import Notification, Wanted

logger = logging.getLogger(__name__)

#: kind → (Vietnamese subject, Vietnamese text, English subject, English text).
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "task_assigned": (
        "Nhiệm vụ mới: {title}",
        "{unit} được giao nhiệm vụ: {title}. Thời hạn: {due}.",
        "New task: {title}",
        "{unit} has been assigned a task: {title}. Deadline: {due}."),
    "task_due_soon": (
        "Nhiệm vụ sắp đến hạn ngày {due}: {title}",
        "Nhiệm vụ “{title}” đến hạn ngày {due} (còn {days} ngày).",
        "Task due on {due}: {title}",
        "The task “{title}” is due on {due} ({days} days left)."),
    "task_overdue": (
        "Nhiệm vụ quá hạn: {title}",
        "Nhiệm vụ “{title}” đã quá hạn (hạn ngày {due}).",
        "Task overdue: {title}",
        "The task “{title}” is overdue (it was due on {due})."),
    "notice_published": (
        "Thông báo kết luận đã ban hành: {meeting}",
        "Thông báo kết luận cuộc họp “{meeting}” đã được ban hành.",
        "Conclusion notice issued: {meeting}",
        "The conclusion notice of the meeting “{meeting}” has been issued."),
    "consultation_request": (
        "Xin ý kiến: {title}",
        "Đề nghị đồng chí cho ý kiến về “{title}”. Hạn trả lời: {deadline}.",
        "Request for your opinion: {title}",
        "Your written opinion is requested on “{title}”. Answer by {deadline}."),
    "consultation_reminder": (
        "Nhắc trả lời xin ý kiến: {title}",
        "Đồng chí chưa trả lời phiếu xin ý kiến “{title}”. Hạn trả lời: {deadline}.",
        "Reminder: your opinion on {title}",
        "You have not yet answered the request for opinion “{title}”. Answer by {deadline}."),
    "reading_reminder": (
        "Nhắc đọc tài liệu cuộc họp: {meeting}",
        "Cuộc họp “{meeting}” bắt đầu lúc {starts}; đồng chí chưa mở {documents} tài liệu "
        "của cuộc họp.",
        "Reminder: read the documents of {meeting}",
        "The meeting “{meeting}” starts at {starts}; you have not opened {documents} of its "
        "documents."),
}


def wording(kind: str, data: dict[str, Any], lang: str) -> tuple[str, str]:
    """(subject, text) of a notification in ``lang`` (``vi`` or ``en``)."""
    vi_subject, vi_text, en_subject, en_text = MESSAGES[kind]
    subject, text = (vi_subject, vi_text) if lang == "vi" else (en_subject, en_text)
    return subject.format(**data), text.format(**data)


def day_words(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "thường xuyên"


def moment_words(iso: str) -> str:
    """``2019-07-05T08:00:00+07:00`` as ``08:00 05/07/2019``."""
    return f"{iso[11:16]} {iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def email_text(found: Notification, base_url: str) -> tuple[str, str]:
    """The email of a notification: subject in Vietnamese, text in Vietnamese then English."""
    subject, vi = wording(found.kind, found.data, "vi")
    _, en = wording(found.kind, found.data, "en")
    url = base_url + found.link
    return subject, (f"{vi}\nXem tại: {url}\n\n—\n{en}\nOpen: {url}\n\n"
                     "Thư tự động của hệ thống phòng họp không giấy; xin đừng trả lời thư này.\n"
                     "An automatic message of the paperless meeting system; please do not "
                     "reply.\n")


# ------------------------------------------------------------------ what is due now


async def due_now(db: Database, settings: Settings) -> int:
    """Insert every notification due at the database clock's now; how many were new."""
    async with db.transaction() as tx:
        now = tx.clock.now()
        today = now.date()
        since = await store.started_at(tx)
        wanted: list[Wanted] = []
        created = await candidates.open_tasks(tx, since, None)
        due = await candidates.open_tasks(
            tx, None, today + timedelta(days=settings.notify_due_days))
        people = await candidates.task_people(tx, sorted({t.id for t in [*created, *due]}))
        for task in created:
            data = {"title": task.title, "unit": task.lead_unit, "due": day_words(task.due_date)}
            wanted += [Wanted("task_assigned", task.id, user, "", data, "/tasks")
                       for user in people.get(task.id, [])]
        for task in due:
            assert task.due_date is not None
            days = (task.due_date - today).days
            kind = "task_overdue" if days < 0 else "task_due_soon"
            data = {"title": task.title, "due": day_words(task.due_date), "days": str(days)}
            wanted += [Wanted(kind, task.id, user, task.due_date.isoformat(), data, "/tasks")
                       for user in people.get(task.id, [])]
        for notice in await candidates.published_notices(tx, since):
            data = {"meeting": notice.meeting_title}
            wanted += [Wanted("notice_published", notice.id, user, "", data,
                              f"/publications/{notice.id}") for user in notice.recipients]
        wanted += await _consultation_reminders(tx, now, settings.consultation_remind_days)
        if settings.reading_remind_hours:
            wanted += await _reading_reminders(tx, now, settings.reading_remind_hours)
        return await store.add(tx, wanted, email=bool(settings.smtp_host))


async def _consultation_reminders(tx: Any, now: datetime, days: int) -> list[Wanted]:
    """Those who have not answered, once the deadline is ``days`` away (or nearer)."""
    wanted = []
    # Deadlines are stored in the clock's zone (fields.moment), so the text compares as time.
    for row in await candidates.unanswered(tx, after=now.isoformat()):
        deadline = tx.clock.parse_datetime(row.deadline)
        remind_from = datetime.combine(deadline.date() - timedelta(days=days),
                                       datetime.min.time(), deadline.tzinfo)
        if remind_from <= now < deadline:
            wanted.append(Wanted("consultation_reminder", row.consultation_id, row.user_id,
                                 f"auto:{row.deadline}",
                                 {"title": row.title, "deadline": moment_words(row.deadline)},
                                 f"/consultations/{row.consultation_id}"))
    return wanted


async def _reading_reminders(tx: Any, now: datetime, hours: int) -> list[Wanted]:
    """Participants who have not opened every document of a meeting starting within
    ``hours``."""
    soon = [m for m in await candidates.scheduled_meetings(tx)
            if now < tx.clock.parse_datetime(m[2]) <= now + timedelta(hours=hours)]
    if not soon:
        return []
    return [Wanted("reading_reminder", row.meeting_id, row.user_id, row.starts_at,
                   {"meeting": row.title, "starts": moment_words(row.starts_at),
                    "documents": row.documents}, f"/meetings/{row.meeting_id}")
            for row in await candidates.unread(tx, soon)]


# ------------------------------------------------------------------ the background task


@dataclass(frozen=True)
class RunResult:
    added: int
    sent: int
    failed: int


class Notifier:
    """The background notifier (see the module's docstring)."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.mailer = Mailer(settings)
        self.base_url = settings.public_url or f"http://{settings.host}:{settings.port}"
        self._run_lock = asyncio.Lock()
        self._periodic = Periodic("notifier", settings.notify_seconds, self.run_once)

    async def start(self) -> None:
        self._periodic.start()

    def wake(self) -> None:
        """Run now (after a change that others should hear of soon)."""
        self._periodic.wake.set()

    async def run_once(self) -> RunResult:
        """Generate what is due, then send the emails waiting (one run at a time)."""
        async with self._run_lock:
            added = await due_now(self.db, self.settings)
            sent, failed = await self.deliver() if self.mailer.enabled else (0, 0)
            return RunResult(added, sent, failed)

    async def deliver(self) -> tuple[int, int]:
        """Send the pending emails in batches, each batch over one SMTP connection and marked
        in one transaction. An instance that dies mid-batch leaves its claims to go stale, and
        that batch is sent again: an email may arrive twice, never not at all."""
        sent = failed = 0
        while True:
            async with self.db.transaction() as tx:
                claimed = await store.claim(tx, tx.clock.now())
            if not claimed:
                return sent, failed
            done, refused, untried = await self._send(claimed)
            async with self.db.transaction() as tx:
                for mark, ids in ((store.sent, done), (store.not_sent, refused),
                                  (store.release, untried)):
                    if ids:
                        await mark(tx, ids)
            sent, failed = sent + len(done), failed + len(refused) + len(untried)
            if untried:
                return sent, failed  # the server is failing: try again at the next run

    async def _send(self, claimed: list[Notification]
                    ) -> tuple[list[int], list[int], list[int]]:
        """(sent, refused by the server, not tried because the connection failed)."""
        done: list[int] = []
        refused: list[int] = []
        try:
            async with self.mailer.connection() as smtp:
                for found in claimed:
                    assert found.email_to is not None
                    subject, text = email_text(found, self.base_url)
                    try:
                        await smtp.send(found.email_to, subject, text, self.db.clock.now())
                    except Refused as exc:
                        logger.warning("email %s to %s refused: %s", found.id, found.email_to,
                                       exc)
                        refused.append(found.id)
                        continue
                    done.append(found.id)
        except MailError as exc:
            logger.warning("emails not sent: %s", exc)
        tried = {*done, *refused}
        return done, refused, [n.id for n in claimed if n.id not in tried]

    async def close(self) -> None:
        await self._periodic.close()
