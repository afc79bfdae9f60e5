"""Agenda documents: check an upload in the worker, keep the file, record the version."""

from __future__ import annotations

from meeting_server.db import Database, Transaction
from meeting_server.documents_files import DocumentFiles, TempFile
from meeting_server.errors import HTTPError, Invalid, UnsupportedType
from meeting_server.models import AgendaItem, Document, EventName, PageSize
from meeting_server.pdf import TOO_MANY_PAGES, PdfError
from meeting_server.pdf.ingest import MAX_PAGES, PdfInfo, inspect_pdf
from meeting_server.pdf.worker import PdfWorker
from meeting_server.store import documents, events


def http_error(error: PdfError) -> HTTPError:
    """The API error for a refused PDF: 415 for what is not a PDF at all, else 422."""
    if error.code == "not_pdf":
        return UnsupportedType(error.message, error.code)
    return Invalid(error.message, error.code)


async def inspect(worker: PdfWorker, files: DocumentFiles, temp: TempFile,
                  max_pages: int = MAX_PAGES) -> PdfInfo:
    """Check the upload in an isolated worker; a refused file is deleted at once."""
    try:
        if temp.size == 0:
            raise PdfError("empty_file", "The file is empty.")
        info: PdfInfo = await worker.run(inspect_pdf, str(temp.path), max_pages)
        return info
    except PdfError as error:
        files.discard(temp)
        if error.code == TOO_MANY_PAGES:
            raise Invalid("The PDF has more than {max} pages; split it into several documents.",
                          TOO_MANY_PAGES, values={"max": max_pages}) from None
        raise http_error(error) from None
    except BaseException:
        files.discard(temp)
        raise


def page_sizes(info: PdfInfo) -> list[PageSize]:
    return [PageSize(round(p.width_pt, 2), round(p.height_pt, 2), p.rotation) for p in info.pages]


async def _record_version(tx: Transaction, document_id: int, temp: TempFile, info: PdfInfo,
                          filename: str, note: str, actor: int | None) -> None:
    await documents.add_version(tx, document_id, temp.sha256, filename, temp.size,
                                page_sizes(info), info.title, info.author, note, actor)


async def publish(db: Database, files: DocumentFiles, item: AgendaItem, title: str,
                  filename: str, temp: TempFile, info: PdfInfo, actor: int | None) -> Document:
    """Keep the checked file and add a document (version 1) to the agenda item."""
    await files.keep(temp)
    async with db.transaction() as tx:
        return await publish_in(tx, item, title, filename, temp, info, actor)


async def publish_in(tx: Transaction, item: AgendaItem, title: str, filename: str,
                     temp: TempFile, info: PdfInfo, actor: int | None) -> Document:
    """Add the document inside ``tx``; its file must already be kept."""
    document_id = await documents.create(tx, item.meeting_id, item.id, title)
    await _record_version(tx, document_id, temp, info, filename, "", actor)
    return await _logged(tx, document_id, "document.published", actor)


async def add_version(db: Database, files: DocumentFiles, document: Document, filename: str,
                      note: str, temp: TempFile, info: PdfInfo, actor: int | None) -> Document:
    await files.keep(temp)
    async with db.transaction() as tx:
        await _record_version(tx, document.id, temp, info, filename, note, actor)
        return await _logged(tx, document.id, "document.version", actor)


async def _logged(tx: Transaction, document_id: int, name: EventName,
                  actor: int | None) -> Document:
    document = await documents.get(tx, document_id)
    assert document is not None
    await events.append(tx, document.meeting_id, name, {"document": document.as_dict()}, actor)
    return document
