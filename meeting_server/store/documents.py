"""Agenda documents and their versions; page texts keyed by content."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from meeting_server.db import Conn, Transaction, fetchall, fetchone
from meeting_server.models import Document, DocumentVersion, PageSize

_VERSION_COLUMNS = (
    "v.document_id, v.version, v.sha256, v.filename, v.size, v.page_count,"
    " v.pdf_title, v.pdf_author, v.note, v.uploaded_by, v.uploaded_at"
)
_DOCUMENT_SQL = (
    f"SELECT d.id, d.meeting_id, d.agenda_item_id, d.title, d.created_at, {_VERSION_COLUMNS}"
    " FROM documents d JOIN document_versions v"
    " ON v.document_id = d.id AND v.version = d.current_version"
    " JOIN agenda_items a ON a.id = d.agenda_item_id"
)


def _version(row: sqlite3.Row) -> DocumentVersion:
    return DocumentVersion(row["document_id"], row["version"], row["sha256"], row["filename"],
                           row["size"], row["page_count"], row["pdf_title"],
                           row["pdf_author"], row["note"], row["uploaded_by"],
                           row["uploaded_at"])


def _document(row: sqlite3.Row) -> Document:
    return Document(row["id"], row["meeting_id"], row["agenda_item_id"], row["title"],
                    _version(row), row["created_at"])


async def list_for_meeting(conn: Conn, meeting_id: int) -> list[Document]:
    """The meeting's documents at their current version, in agenda order."""
    rows = await fetchall(
        conn, f"{_DOCUMENT_SQL} WHERE d.meeting_id = ? ORDER BY a.position, d.id", (meeting_id,)
    )
    return [_document(r) for r in rows]


async def list_for_meetings(conn: Conn, meeting_ids: Sequence[int]) -> list[Document]:
    """The documents of many meetings in one statement, at their current version, each
    meeting's in agenda order."""
    rows = await fetchall(
        conn,
        f"{_DOCUMENT_SQL} WHERE d.meeting_id IN (SELECT value FROM json_each(?))"
        " ORDER BY d.meeting_id, a.position, d.id",
        (json.dumps(list(meeting_ids)),),
    )
    return [_document(r) for r in rows]


async def get(conn: Conn, document_id: int) -> Document | None:
    row = await fetchone(conn, f"{_DOCUMENT_SQL} WHERE d.id = ?", (document_id,))
    return _document(row) if row else None


async def page_sizes(conn: Conn, document_id: int, version: int) -> str | None:
    """The version's pages as stored, a JSON array of ``[width, height, rotation]`` (points,
    as displayed): for the viewer, sent as it is."""
    row = await fetchone(conn, "SELECT page_sizes FROM document_versions"
                               " WHERE document_id = ? AND version = ?", (document_id, version))
    return str(row[0]) if row else None


async def page_size(conn: Conn, document_id: int, version: int, page: int) -> PageSize | None:
    """One page's size, read by SQLite from the stored array (1-based ``page``)."""
    row = await fetchone(
        conn,
        "SELECT json_extract(page_sizes, '$[' || ? || ']') FROM document_versions"
        " WHERE document_id = ? AND version = ?",
        (page - 1, document_id, version),
    )
    if row is None or row[0] is None:
        return None
    width, height, rotation = json.loads(row[0])
    return PageSize(width, height, rotation)


async def ids_for_item(conn: Conn, agenda_item_id: int) -> list[int]:
    rows = await fetchall(conn, "SELECT id FROM documents WHERE agenda_item_id = ? ORDER BY id",
                          (agenda_item_id,))
    return [int(r[0]) for r in rows]


async def versions(conn: Conn, document_id: int) -> list[DocumentVersion]:
    rows = await fetchall(
        conn,
        f"SELECT {_VERSION_COLUMNS} FROM document_versions v WHERE v.document_id = ?"
        " ORDER BY v.version",
        (document_id,),
    )
    return [_version(r) for r in rows]


async def version(conn: Conn, document_id: int, number: int) -> DocumentVersion | None:
    row = await fetchone(
        conn,
        f"SELECT {_VERSION_COLUMNS} FROM document_versions v"
        " WHERE v.document_id = ? AND v.version = ?",
        (document_id, number),
    )
    return _version(row) if row else None


async def create(tx: Transaction, meeting_id: int, agenda_item_id: int, title: str) -> int:
    row = await tx.fetchone(
        "INSERT INTO documents (meeting_id, agenda_item_id, title, current_version, created_at)"
        " VALUES (?, ?, ?, 0, ?) RETURNING id",
        (meeting_id, agenda_item_id, title, tx.now_iso()),
    )
    assert row is not None
    return int(row[0])


async def add_version(tx: Transaction, document_id: int, sha256: str, filename: str, size: int,
                      page_sizes: Sequence[PageSize], pdf_title: str | None,
                      pdf_author: str | None, note: str, uploaded_by: int | None) -> int:
    """Insert the next version and make it current; returns its number."""
    row = await tx.fetchone(
        "UPDATE documents SET current_version = current_version + 1 WHERE id = ?"
        " RETURNING current_version",
        (document_id,),
    )
    assert row is not None
    number = int(row[0])
    sizes = json.dumps([[p.width, p.height, p.rotation] for p in page_sizes])
    await tx.execute(
        "INSERT INTO document_versions (document_id, version, sha256, filename, size,"
        " page_count, page_sizes, pdf_title, pdf_author, note, uploaded_by, uploaded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (document_id, number, sha256, filename, size, len(page_sizes), sizes, pdf_title,
         pdf_author, note, uploaded_by, tx.now_iso()),
    )
    return number


async def store_page_texts(tx: Transaction, sha256: str, texts: Sequence[str]) -> None:
    await tx.executemany(
        "INSERT INTO page_texts (sha256, page, text) VALUES (?, ?, ?)"
        " ON CONFLICT (sha256, page) DO NOTHING",
        [(sha256, n, text) for n, text in enumerate(texts, start=1)],
    )


async def known_hashes(conn: Conn) -> set[str]:
    rows = await fetchall(conn, "SELECT DISTINCT sha256 FROM document_versions")
    return {str(r[0]) for r in rows}


async def hashes_without_text(conn: Conn) -> list[str]:
    rows = await fetchall(
        conn,
        "SELECT DISTINCT v.sha256 FROM document_versions v WHERE NOT EXISTS"
        " (SELECT 1 FROM page_texts t WHERE t.sha256 = v.sha256)",
    )
    return [str(r[0]) for r in rows]


async def has_text(conn: Conn, sha256: str) -> bool:
    row = await fetchone(conn, "SELECT 1 FROM page_texts WHERE sha256 = ? LIMIT 1", (sha256,))
    return row is not None


async def page_count_of(conn: Conn, sha256: str) -> int:
    row = await fetchone(conn, "SELECT max(page_count) FROM document_versions WHERE sha256 = ?",
                         (sha256,))
    return int(row[0]) if row and row[0] is not None else 0
