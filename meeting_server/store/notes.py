"""Private notes on document pages: one per author, document and page number."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from meeting_server.db import Conn, Transaction, fetchall, fetchone

_COLUMNS = "id, user_id, document_id, page, version, text, strokes, created_at, updated_at"


@dataclass(frozen=True)
class PageNote:
    id: int
    user_id: int
    document_id: int
    page: int
    #: The document version it was last written on.
    version: int
    text: str
    strokes: list[dict[str, Any]]
    created_at: str
    updated_at: str

    def as_dict(self, current_version: int | None = None) -> dict[str, Any]:
        """The note as its author gets it; ``from_version`` is set when it was written on an
        earlier version than ``current_version`` (the one being read)."""
        return {"id": self.id, "document_id": self.document_id, "page": self.page,
                "version": self.version, "text": self.text, "strokes": self.strokes,
                "from_version": self.version if current_version is not None
                and self.version < current_version else None,
                "created_at": self.created_at, "updated_at": self.updated_at}


def _note(row: sqlite3.Row) -> PageNote:
    return PageNote(row["id"], row["user_id"], row["document_id"], row["page"], row["version"],
                    row["text"], json.loads(row["strokes"]), row["created_at"],
                    row["updated_at"])


async def of_document(conn: Conn, user_id: int, document_id: int) -> list[PageNote]:
    """The author's notes on the document, by page."""
    rows = await fetchall(conn, f"SELECT {_COLUMNS} FROM page_notes WHERE user_id = ? AND"
                                " document_id = ? ORDER BY page", (user_id, document_id))
    return [_note(r) for r in rows]


async def get(conn: Conn, user_id: int, document_id: int, page: int) -> PageNote | None:
    row = await fetchone(conn, f"SELECT {_COLUMNS} FROM page_notes WHERE user_id = ? AND"
                               " document_id = ? AND page = ?", (user_id, document_id, page))
    return _note(row) if row else None


async def save(tx: Transaction, user_id: int, document_id: int, page: int, version: int,
               text: str, strokes: list[dict[str, Any]]) -> PageNote:
    at = tx.now_iso()
    row = await tx.fetchone(
        "INSERT INTO page_notes (user_id, document_id, page, version, text, strokes,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id, document_id, page) DO UPDATE SET version = excluded.version,"
        " text = excluded.text, strokes = excluded.strokes, updated_at = excluded.updated_at"
        f" RETURNING {_COLUMNS}",
        (user_id, document_id, page, version, text,
         json.dumps(strokes, separators=(",", ":")), at, at))
    assert row is not None
    return _note(row)


async def delete(tx: Transaction, user_id: int, document_id: int, page: int) -> bool:
    row = await tx.fetchone("DELETE FROM page_notes WHERE user_id = ? AND document_id = ? AND"
                            " page = ? RETURNING id", (user_id, document_id, page))
    return row is not None
