"""Reading readiness: the pages of each document version that each reader has seen."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from meeting_server.db import Conn, Transaction, fetchall


@dataclass(frozen=True)
class Readable:
    """A document version the reporting user may have seen: its meeting, their role in it
    (None: none) and its page count."""

    document_id: int
    meeting_id: int
    role: str | None
    version: int
    page_count: int


async def readable(conn: Conn, user_id: int, document_ids: Sequence[int]) -> list[Readable]:
    """Every version of ``document_ids`` with the user's role in its meeting. One statement."""
    rows = await fetchall(
        conn, "SELECT d.id, d.meeting_id, p.role, v.version, v.page_count FROM documents d"
        " JOIN document_versions v ON v.document_id = d.id LEFT JOIN participants p"
        " ON p.meeting_id = d.meeting_id AND p.user_id = ? WHERE d.id IN"
        " (SELECT value FROM json_each(?))", (user_id, json.dumps(list(document_ids))))
    return [Readable(int(r[0]), int(r[1]), r[2], int(r[3]), int(r[4])) for r in rows]


async def record(tx: Transaction, user_id: int, pages: Sequence[tuple[int, int, int]]) -> int:
    """Note (document, version, page) as seen by the user; a page seen before keeps its first
    time. How many pages were new."""
    now = tx.now_iso()
    added = await tx.insert_rows(
        "INSERT INTO reading_pages (document_id, user_id, version, page, seen_at)",
        [(document_id, user_id, version, page, now) for document_id, version, page in pages],
        "ON CONFLICT (document_id, user_id, version, page) DO NOTHING RETURNING page")
    return len(added)


@dataclass(frozen=True)
class Progress:
    document_id: int
    user_id: int
    version: int
    pages: int
    first_seen_at: str
    last_seen_at: str


async def of_meeting(conn: Conn, meeting_id: int) -> list[Progress]:
    """Pages seen per document, reader and version in the meeting. One statement."""
    rows = await fetchall(
        conn, "SELECT r.document_id, r.user_id, r.version, COUNT(*), MIN(r.seen_at),"
        " MAX(r.seen_at) FROM reading_pages r JOIN documents d ON d.id = r.document_id"
        " WHERE d.meeting_id = ? GROUP BY r.document_id, r.user_id, r.version", (meeting_id,))
    return [Progress(int(r[0]), int(r[1]), int(r[2]), int(r[3]), str(r[4]), str(r[5]))
            for r in rows]
