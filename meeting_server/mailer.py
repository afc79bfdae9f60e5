"""Email through the configured SMTP server (aiosmtplib): plain text, UTF-8, Vietnamese first."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import aiosmtplib

from meeting_server.settings import Settings

logger = logging.getLogger(__name__)

#: Seconds an SMTP conversation may take before the email is tried again later.
TIMEOUT = 30.0


class MailError(Exception):
    """The SMTP server could not be reached, or the conversation broke."""


class Refused(MailError):
    """The server refused this one email (its address, say); the connection goes on."""


def message(sender: str, to: str, subject: str, text: str, when: datetime) -> EmailMessage:
    """A plain-text email in UTF-8 (quoted-printable: readable even by a simple client)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(when)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    mail["Message-ID"] = make_msgid(domain=domain)
    mail.set_content(text, charset="utf-8", cte="quoted-printable")
    return mail


def valid_address(text: str) -> bool:
    """An address such as ``ten@so.gov.vn`` (no display name, no spaces)."""
    if len(text) > 254 or any(c.isspace() for c in text) or text.count("@") != 1:
        return False
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError):
        return False
    return bool(address.username and "." in address.domain)


class Mailer:
    """Sends what the notifier hands it; ``enabled`` only when an SMTP host is configured."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def enabled(self) -> bool:
        return bool(self.settings.smtp_host)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """One SMTP conversation (connected, upgraded to TLS and logged in as configured) for
        a batch of emails; MailError if the server cannot be reached or refuses the login."""
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_username or None,
            password=s.smtp_password or None, use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls", timeout=TIMEOUT)
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise MailError(str(exc)) from exc
        try:
            yield Connection(client, s.smtp_from)
        finally:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()


class Connection:
    def __init__(self, client: aiosmtplib.SMTP, sender: str) -> None:
        self.client = client
        self.sender = sender

    async def send(self, to: str, subject: str, text: str, when: datetime) -> None:
        try:
            await self.client.send_message(message(self.sender, to, subject, text, when))
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPSenderRefused,
                aiosmtplib.SMTPDataError) as exc:
            raise Refused(str(exc)) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise MailError(str(exc)) from exc
