"""For the tests of notifications, written opinions and reading: a stopped clock, a real SMTP
server on loopback (aiosmtpd in the test's event loop) and an app that sends email to it."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from meeting_server.timeutil import Clock

from conftest import Server, Template, running


@dataclass(frozen=True)
class StoppedClock(Clock):
    """The wall clock stopped at ``at``."""

    at: datetime = datetime(2030, 1, 1, 9)

    def now(self) -> datetime:
        return self.at.replace(tzinfo=self.zone)


def set_now(server: Server, at: datetime) -> None:
    """Make ``at`` (in the server's zone) now for the running app: its context's clock and its
    database's (which the notifier reads)."""
    app = server.app
    clock = StoppedClock(app.context.clock.zone, at)
    app._context = replace(app.context, clock=clock)
    app.context.db.clock = clock


@dataclass
class Sink:
    """A real SMTP server on 127.0.0.1 that keeps every message it is given."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    #: Addresses the server refuses (550), as a mailbox that does not exist.
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


@asynccontextmanager
async def smtp_sink() -> AsyncIterator[Sink]:
    sink = Sink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="sink.test"), "127.0.0.1", 0)
    sink.port = server.sockets[0].getsockname()[1]
    try:
        yield sink
    finally:
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def mailing(template: Template, data_dir: Path, sink: Sink,
                  **overrides: Any) -> AsyncIterator[Server]:
    """A copy of ``template`` running in-process, emailing through ``sink``."""
    template.copy(data_dir)
    settings: dict[str, Any] = {"smtp_host": "127.0.0.1", "smtp_port": str(sink.port),
                                "smtp_security": "none", "public_url": "https://hop.example.vn",
                                **overrides}
    async with running(data_dir, template.sessions, **settings) as server:
        server.facts = template.facts
        yield server
