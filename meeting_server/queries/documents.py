"""Agenda items and documents as their views show them, with the caller's access."""

from __future__ import annotations

from dataclasses import dataclass

from meeting_server.access import Access
from meeting_server.db import Conn
from meeting_server.errors import NotFound
from meeting_server.models import AgendaItem, Document, DocumentVersion, PageSize, User
from meeting_server.queries.meetings import meeting_access
from meeting_server.store import agenda, documents


async def item_access(conn: Conn, user: User, item_id: int) -> tuple[AgendaItem, Access]:
    """The agenda item and the caller's access to its meeting (404 if not theirs). Two
    statements."""
    item = await agenda.get(conn, item_id)
    if item is None:
        raise NotFound("Agenda item not found.")
    return item, await meeting_access(conn, user, item.meeting_id)


async def document_access(conn: Conn, user: User, document_id: int
                          ) -> tuple[Document, Access]:
    """The document and the caller's access to its meeting (404 if not theirs). Two
    statements."""
    document = await documents.get(conn, document_id)
    if document is None:
        raise NotFound("Document not found.")
    return document, await meeting_access(conn, user, document.meeting_id)


async def document_detail(conn: Conn, user: User, document_id: int
                          ) -> tuple[Document, list[DocumentVersion]]:
    """``GET /api/documents/{id}``: the document and all its versions. Three statements."""
    document, _ = await document_access(conn, user, document_id)
    return document, await documents.versions(conn, document.id)


async def document_version(conn: Conn, user: User, document_id: int, number: int | None
                           ) -> tuple[Document, DocumentVersion, Access]:
    """A page image or a download: the document, the version asked for (the current one when
    ``number`` is None) and the caller's access. Two or three statements."""
    document, standing = await document_access(conn, user, document_id)
    if number is None:
        return document, document.current, standing
    found = await documents.version(conn, document.id, number)
    if found is None:
        raise NotFound("No such version of the document.")
    return document, found, standing


async def page_sizes(conn: Conn, user: User, document_id: int, number: int | None
                     ) -> tuple[DocumentVersion, str]:
    """``GET /api/documents/{id}/page-sizes``: the version asked for (else the current one) and
    its pages' sizes as stored (a JSON array). Three or four statements."""
    _, version, _ = await document_version(conn, user, document_id, number)
    sizes = await documents.page_sizes(conn, document_id, version.version)
    assert sizes is not None
    return version, sizes


@dataclass(frozen=True)
class DocumentPage:
    access: Access
    document: Document
    versions: list[DocumentVersion]
    #: The version shown (the one asked for if it exists, else the current one), its page
    #: shown (within it) and that page's size; the others' sizes the viewer asks for apart.
    shown: DocumentVersion
    page: int
    size: PageSize | None


async def document_page(conn: Conn, user: User, meeting_id: int, document_id: int,
                        number: int | None, page: int) -> DocumentPage:
    """The document viewer: the meeting's document with its versions, the version ``number``
    (else the current one) at ``page`` (within it) and that page's size. Four statements."""
    standing = await meeting_access(conn, user, meeting_id)
    found = await documents.get(conn, document_id)
    if found is None:
        raise NotFound("Document not found.")
    standing.require_own(found.meeting_id, "Document not found.")
    versions = await documents.versions(conn, document_id)
    shown = next((v for v in versions if v.version == number), found.current)
    page = max(1, min(page, shown.page_count))
    size = await documents.page_size(conn, document_id, shown.version, page)
    return DocumentPage(standing, found, versions, shown, page, size)


async def book(conn: Conn, user: User, meeting_id: int
               ) -> tuple[Access, list[AgendaItem], list[Document]]:
    """The meeting book: the agenda and its documents in order. Three statements."""
    standing = await meeting_access(conn, user, meeting_id)
    return (standing, await agenda.list_for(conn, meeting_id),
            await documents.list_for_meeting(conn, meeting_id))
