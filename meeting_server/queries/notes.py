"""The caller's own private notes on a document: nobody else's, whatever their role."""

from __future__ import annotations

from meeting_server.db import Conn
from meeting_server.models import Document, DocumentVersion, User
from meeting_server.queries.documents import document_version
from meeting_server.store import notes
from meeting_server.store.notes import PageNote


async def my_notes(conn: Conn, user: User, document_id: int, number: int | None
                   ) -> tuple[Document, DocumentVersion, list[PageNote]]:
    """The document (404 unless the caller may read it), the version read (the current one by
    default) and the caller's notes on it. Three or four statements."""
    document, version, _ = await document_version(conn, user, document_id, number)
    return document, version, await notes.of_document(conn, user.id, document.id)
