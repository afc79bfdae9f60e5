"""Agenda documents: check an upload in the worker, keep the file, record the version."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from meeting_server.db import Database, Transaction
from meeting_server.derived import Derived
from meeting_server.documents_files import DocumentFiles, TempFile
from meeting_server.errors import HTTPError, Invalid, UnsupportedType
from meeting_server.models import AgendaItem, Document, EventName, PageSize
from meeting_server.pdf import CORRUPT_PDF, PDF_TOO_COMPLEX, TOO_MANY_PAGES, PdfError
from meeting_server.pdf.ingest import (
    MAX_PAGES,
    PdfInfo,
    check_structure,
    ingest_upload,
    inspect_pdf,
)
from meeting_server.pdf.render import PageTarget
from meeting_server.pdf.worker import PdfWorker
from meeting_server.store import documents, events
from meeting_server.textindex import TextIndexer


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


async def ingest(worker: PdfWorker, files: DocumentFiles, temp: TempFile, max_pages: int,
                 derived: Derived, indexer: TextIndexer,
                 ) -> tuple[PdfInfo, Callable[[bool], None]]:
    """Check the upload in two worker jobs started together, each in a process of its own:
    pypdf reads the structure it will need to stamp and merge (``check_structure``) while
    PDFium opens the file once, draws page 1 and then reads every page's text
    (``ingest_upload``). Return the check as soon as both agree, before the text, and a
    function to call with whether the file was then accepted: if so the text goes to the
    indexer (call its `enqueue`), if not the PDFium job is stopped and page 1 deleted. A
    refused file is deleted at once; pypdf's refusal comes first, then PDFium's. The check has
    the worker's time limit, the text the indexer's, each from when its job leaves the queue
    for a child: a check waiting behind other uploads' text is not a file taking too long."""
    loop = asyncio.get_running_loop()
    counted: asyncio.Future[int] = loop.create_future()
    started: asyncio.Future[float] = loop.create_future()  # when the PDFium job got a child
    drawn: asyncio.Future[None] = loop.create_future()
    structure: asyncio.Future[PdfInfo] | None = None
    job: asyncio.Future[tuple[str, ...]] | None = None
    target = None

    def on_drawn() -> None:
        if not drawn.done():
            drawn.set_result(None)

    def on_start() -> None:
        if not started.done():
            started.set_result(loop.time())

    def on_part(count: int) -> None:
        if not counted.done():
            counted.set_result(count)
        on_drawn()

    try:
        if temp.size == 0:
            raise PdfError("empty_file", "The file is empty.")
        # pypdf's job first: of one free slot it takes it first, and is done in a tenth of a
        # second (its own limit is the worker's)
        structure = asyncio.ensure_future(worker.run(check_structure, str(temp.path),
                                                     max_pages))
        structure.add_done_callback(lambda done: done.cancelled() or done.exception())
        target = derived.drawing_first(temp.sha256, drawn)
        job = asyncio.ensure_future(worker.run(
            ingest_upload, str(temp.path), max_pages, target, indexer.timeout - 5,
            timeout=indexer.timeout, on_part=on_part, on_start=on_start))
        job.add_done_callback(lambda done: on_drawn())
        job.add_done_callback(lambda done: done.cancelled() or done.exception())
        info = await structure
        await asyncio.wait((started, job), return_when=asyncio.FIRST_COMPLETED)
        if started.done():  # page 1 within the worker's limit from the job's start
            left = started.result() + worker.timeout - loop.time()
            await asyncio.wait((counted, job), timeout=max(0.0, left),
                               return_when=asyncio.FIRST_COMPLETED)
        if not counted.done():
            if job.done():
                job.result()  # the job's PdfError: the file is refused
            raise PdfError(PDF_TOO_COMPLEX)  # the check took longer than the worker's limit
        if counted.result() != info.page_count:  # the two libraries read different documents
            raise PdfError(CORRUPT_PDF)
    except BaseException as error:
        files.discard(temp)
        for running in (structure, job):
            if running is not None:
                running.cancel()  # its child is killed
        if job is None:
            _forget_first(target)
        else:  # page 1 goes once its job is gone, even if this request is cancelled meanwhile
            job.add_done_callback(lambda _: _forget_first(target))
        if not isinstance(error, PdfError):
            raise
        if job is not None:  # refused: the answer waits until page 1 is deleted for good
            await asyncio.gather(job, return_exceptions=True)
        if error.code == TOO_MANY_PAGES:
            raise Invalid("The PDF has more than {max} pages; split it into several documents.",
                          TOO_MANY_PAGES, values={"max": max_pages}) from None
        raise http_error(error) from None
    texts = job

    def settle(accepted: bool) -> None:
        if accepted:
            indexer.adopt(temp.sha256, texts)
        else:
            texts.cancel()
            texts.add_done_callback(lambda _: _forget_first(target))

    return info, settle


def _forget_first(target: PageTarget | None) -> None:
    if target is not None:
        Path(target.path()).unlink(missing_ok=True)


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
