"""Publications: drafts with their snapshot and editable fields, and frozen versions."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from meeting_server.db import Conn, Transaction, fetchall, fetchone
from meeting_server.models import Meeting, Publication
from meeting_server.store import meetings

_COLUMNS = (
    "p.id, p.meeting_id, p.kind, p.version, p.status, p.snapshot, p.fields, p.sha256,"
    " p.size, p.supersedes, p.published_at, p.created_at, p.updated_at,"
    " (SELECT n.id FROM publications n WHERE n.supersedes = p.id AND n.status != 'draft')"
    " AS superseded_by"
)
_SELECT = f"SELECT {_COLUMNS} FROM publications p"


def _publication(row: sqlite3.Row) -> Publication:
    return Publication(row["id"], row["meeting_id"], row["kind"], row["version"], row["status"],
                       json.loads(row["snapshot"]), json.loads(row["fields"]), row["sha256"],
                       row["size"], row["supersedes"], row["superseded_by"],
                       row["published_at"], row["created_at"], row["updated_at"])


async def get(conn: Conn, publication_id: int) -> Publication | None:
    row = await fetchone(conn, f"{_SELECT} WHERE p.id = ?", (publication_id,))
    return _publication(row) if row else None


async def list_for(conn: Conn, meeting_id: int, drafts: bool) -> list[Publication]:
    clause = "" if drafts else " AND p.status != 'draft'"
    rows = await fetchall(conn, f"{_SELECT} WHERE p.meeting_id = ?{clause}"
                                " ORDER BY p.kind, p.version", (meeting_id,))
    return [_publication(r) for r in rows]


async def html(conn: Conn, publication_id: int) -> str | None:
    row = await fetchone(conn, "SELECT html FROM publications WHERE id = ?", (publication_id,))
    return str(row[0]) if row and row[0] is not None else None


async def create(tx: Transaction, meeting_id: int, kind: str, snapshot: dict[str, Any],
                 fields: dict[str, Any], supersedes: int | None, created_by: int) -> int:
    await tx.lock_meeting(meeting_id)
    at = tx.now_iso()
    row = await tx.fetchone(
        "INSERT INTO publications (meeting_id, kind, version, snapshot, fields, supersedes,"
        " created_by, created_at, updated_at) VALUES (?, ?, (SELECT coalesce(max(version), 0) + 1"
        " FROM publications WHERE meeting_id = ? AND kind = ?), ?, ?, ?, ?, ?, ?) RETURNING id",
        (meeting_id, kind, meeting_id, kind, json.dumps(snapshot, ensure_ascii=False),
         json.dumps(fields, ensure_ascii=False), supersedes, created_by, at, at),
    )
    assert row is not None
    return int(row[0])


async def update_draft(tx: Transaction, publication_id: int, *, fields: dict[str, Any] | None
                       = None, snapshot: dict[str, Any] | None = None) -> None:
    changes: dict[str, str] = {}
    if fields is not None:
        changes["fields"] = json.dumps(fields, ensure_ascii=False)
    if snapshot is not None:
        changes["snapshot"] = json.dumps(snapshot, ensure_ascii=False)
    assignments = "".join(f"{column} = ?, " for column in changes)
    await tx.execute(f"UPDATE publications SET {assignments}updated_at = ? WHERE id = ?"
                     " AND status = 'draft'", (*changes.values(), tx.now_iso(), publication_id))


async def publish(tx: Transaction, publication_id: int, html_text: str, sha256: str, size: int,
                  published_by: int, fields: dict[str, Any]) -> None:
    """Freeze the draft with its final ``fields`` (what publishing added: the signature)."""
    at = tx.now_iso()
    await tx.execute(
        "UPDATE publications SET status = 'published', html = ?, sha256 = ?, size = ?,"
        " fields = ?, published_at = ?, published_by = ?, updated_at = ?"
        " WHERE id = ? AND status = 'draft'",
        (html_text, sha256, size, json.dumps(fields, ensure_ascii=False), at, published_by, at,
         publication_id),
    )


# A document's number is its registration number of the year: the same symbol (TB-VP) and
# year never give it twice. Drafts hold no number yet; published and superseded ones do.
_NUMBERED = (
    " FROM publications WHERE status != 'draft' AND json_extract(fields, '$.symbol') = ?"
    " AND substr(json_extract(fields, '$.date'), 1, 4) = ?"
)


async def number_taken(conn: Conn, symbol: str, number: int, year: str,
                       except_id: int) -> int | None:
    """The publication, other than ``except_id``, already issued as ``number``/``symbol`` in
    ``year``, if any."""
    row = await fetchone(
        conn, f"SELECT id{_NUMBERED} AND CAST(json_extract(fields, '$.number') AS INTEGER) = ?"
              " AND id != ? LIMIT 1", (symbol, year, number, except_id))
    return int(row[0]) if row else None


async def next_number(conn: Conn, symbol: str, year: str) -> int:
    """One more than the highest number issued with ``symbol`` in ``year`` (1 for the first)."""
    row = await fetchone(
        conn, f"SELECT coalesce(max(CAST(json_extract(fields, '$.number') AS INTEGER)), 0) + 1"
              f"{_NUMBERED}", (symbol, year))
    return int(row[0]) if row else 1


async def first_notices(conn: Conn, meeting_ids: list[int]) -> dict[int, str]:
    """For each of the meetings that has one, when its conclusion notice was first published."""
    rows = await fetchall(
        conn, "SELECT meeting_id, min(published_at) FROM publications WHERE kind = 'notice'"
              " AND published_at IS NOT NULL AND meeting_id IN (SELECT value FROM json_each(?))"
              " GROUP BY meeting_id", (json.dumps(meeting_ids),))
    return {int(r[0]): str(r[1]) for r in rows}


async def supersede(tx: Transaction, publication_id: int) -> None:
    await tx.execute("UPDATE publications SET status = 'superseded', updated_at = ?"
                     " WHERE id = ? AND status = 'published'", (tx.now_iso(), publication_id))


async def latest(conn: Conn, meeting_id: int, kind: str) -> Publication | None:
    row = await fetchone(conn, f"{_SELECT} WHERE p.meeting_id = ? AND p.kind = ?"
                               " ORDER BY p.version DESC LIMIT 1", (meeting_id, kind))
    return _publication(row) if row else None


async def with_reader(conn: Conn, publication_id: int, user_id: int, unit_id: int | None
                      ) -> tuple[Publication, Meeting, str | None, bool] | None:
    """The publication, its meeting, the user's role in the meeting, and whether ``unit_id``
    leads or supports a task of the meeting: what ``access.publication_access`` decides on,
    in one statement."""
    row = await fetchone(
        conn,
        f"SELECT {_COLUMNS}, {meetings.columns_as('m')}, r.role AS reader_role,"
        " EXISTS (SELECT 1 FROM tasks t WHERE t.meeting_id = p.meeting_id AND"
        " (t.lead_unit_id = ? OR EXISTS (SELECT 1 FROM task_support_units s"
        " WHERE s.task_id = t.id AND s.unit_id = ?))) AS unit_has_tasks"
        " FROM publications p JOIN meetings m ON m.id = p.meeting_id"
        " LEFT JOIN participants r ON r.meeting_id = p.meeting_id AND r.user_id = ?"
        " WHERE p.id = ?",
        (unit_id, unit_id, user_id, publication_id),
    )
    if row is None:
        return None
    return (_publication(row), meetings.meeting_from_row(row, "m"), row["reader_role"],
            bool(row["unit_has_tasks"]))
