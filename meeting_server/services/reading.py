"""Reading readiness: the viewer's reports of pages seen, and the secretary's table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from meeting_server import access
from meeting_server.db import Conn, Database
from meeting_server.models import User
from meeting_server.queries.meetings import meeting_access
from meeting_server.store import documents, meetings
from meeting_server.store import reading as store


async def report(db: Database, user: User, pages: Sequence[tuple[int, int, int]]
                 ) -> dict[str, int]:
    """Record the pages (document, version, page) the user has seen. A page of a document
    they may not read, of a version that does not exist or past its last page is ignored
    (counted, not refused: a batch queued offline must not be lost for one stale entry)."""
    async with db.transaction() as tx:
        known = {(r.document_id, r.version): r for r in await store.readable(
            tx, user.id, sorted({p[0] for p in pages}))}
        kept = []
        distinct = list(dict.fromkeys(pages))
        for document_id, version, page in distinct:
            found = known.get((document_id, version))
            if (found is not None and access.can_report_reading(user, found.role)
                    and 1 <= page <= found.page_count):
                kept.append((document_id, version, page))
        added = await store.record(tx, user.id, kept)
    return {"recorded": added, "ignored": len(distinct) - len(kept)}


async def readiness(conn: Conn, user: User, meeting_id: int) -> dict[str, Any]:
    """``GET /api/meetings/{id}/reading``, for the secretary only: per document, each
    participant's reading of its current version (pages seen of how many, first and last
    time) and whether they opened an earlier version. Four statements."""
    standing = await meeting_access(conn, user, meeting_id)
    access.require_reading(standing)
    docs = await documents.list_for_meeting(conn, meeting_id)
    people = await meetings.participants(conn, meeting_id)
    progress: dict[tuple[int, int], list[store.Progress]] = {}
    for row in await store.of_meeting(conn, meeting_id):
        progress.setdefault((row.document_id, row.user_id), []).append(row)
    shown = []
    for doc in docs:
        readers = []
        for person in people:
            rows = progress.get((doc.id, person.user.id), [])
            current = next((r for r in rows if r.version == doc.version), None)
            readers.append({
                "user_id": person.user.id, "name": person.user.name, "role": person.role,
                "opened": bool(rows), "pages_seen": current.pages if current else 0,
                "earlier_version_only": bool(rows) and current is None,
                "first_seen_at": min((r.first_seen_at for r in rows), default=None),
                "last_seen_at": max((r.last_seen_at for r in rows), default=None),
            })
        shown.append({"id": doc.id, "title": doc.title, "version": doc.version,
                      "page_count": doc.current.page_count, "readers": readers,
                      "opened": sum(1 for r in readers if r["opened"])})
    return {"meeting_id": meeting_id, "documents": shown,
            "participants": len(people)}
