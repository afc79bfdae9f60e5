"""The audit log as administrators read it."""

from __future__ import annotations

from meeting_server import access
from meeting_server.db import Conn
from meeting_server.models import User
from meeting_server.store import audit
from meeting_server.store.audit import AuditFilter, AuditRow


async def audit_log(conn: Conn, user: User, wanted: AuditFilter) -> list[AuditRow]:
    """The rows ``wanted`` asks for, newest first; administrators only. One statement."""
    access.require_audit_reader(user)
    return await audit.find(conn, wanted)
