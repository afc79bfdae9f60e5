"""Page text for search, extracted in the background after a document is accepted.

An upload is answered once the PDF is checked; PDFium's text extraction (a quarter of a second
for the 117-page thesis of the corpus) runs here afterwards, one document at a time so it never
takes more than one worker slot. Text is keyed by content (SHA-256). At start-up every stored
file without text is queued again, so a crash in between loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from meeting_server.db import Database
from meeting_server.documents_files import DocumentFiles
from meeting_server.pdf import PdfError
from meeting_server.pdf.ingest import extract_texts, extract_texts_alongside
from meeting_server.pdf.worker import PdfWorker
from meeting_server.store import documents

logger = logging.getLogger(__name__)


class TextIndexer:
    def __init__(self, db: Database, files: DocumentFiles, worker: PdfWorker,
                 timeout: float) -> None:
        self.db = db
        self.files = files
        self.worker = worker
        self.timeout = timeout
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        # Text extracted while the upload was being checked, by sha256 (see `extract_early`).
        self._early: dict[str, asyncio.Future[tuple[str, ...]]] = {}

    async def start(self) -> None:
        """Queue every file that has no text yet, and start working."""
        async with self.db.read() as conn:
            for sha256 in await documents.hashes_without_text(conn):
                self._queue.put_nowait(sha256)
        self._task = asyncio.create_task(self._run(), name="text-indexer")

    def enqueue(self, sha256: str) -> None:
        self._queue.put_nowait(sha256)

    def extract_early(self, path: str, sha256: str,
                      after: asyncio.Future[None] | None = None) -> Callable[[bool], None]:
        """Start extracting the text of an upload now, in a worker child of its own, while
        the upload is checked (the same limits apply: a hostile file only harms its child),
        if two worker slots are free (one for the check, one for this), once `after` (the
        drawing of page 1) is done.
        Call the returned function with whether the file was accepted: if so, `enqueue` it
        and `index` uses this text; if not, the job is stopped and forgotten."""
        if self.worker.free_slots < 2:  # the check must not wait for this: text comes later
            return lambda accepted: None
        async def extract() -> tuple[str, ...]:
            if after is not None:  # the first page goes first: someone is waiting for it
                await asyncio.shield(after)
            texts: tuple[str, ...] = await self.worker.run(
                extract_texts_alongside, path, str(self.files.path(sha256)), self.timeout - 5,
                timeout=self.timeout)
            return texts

        job = asyncio.ensure_future(extract())

        def settle(accepted: bool) -> None:
            if accepted and sha256 not in self._early:
                self._early[sha256] = job
            else:
                job.cancel()
            job.add_done_callback(lambda done: done.cancelled() or done.exception())

        return settle

    async def wait_idle(self) -> None:
        """Wait until everything queued so far has its text."""
        await self._queue.join()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            sha256 = await self._queue.get()
            try:
                await self.index(sha256)
            except Exception:
                logger.exception("text extraction of %s failed", sha256[:12])
            finally:
                self._queue.task_done()

    async def index(self, sha256: str) -> None:
        """Extract and store the text of one file, unless it is already there or another
        instance is extracting it (``Database.claim``)."""
        async with self.db.claim(f"text {sha256}") as mine:
            if mine:
                await self._index(sha256)

    async def _index(self, sha256: str) -> None:
        async with self.db.read() as conn:
            pages = await documents.page_count_of(conn, sha256)
            if pages == 0 or await documents.has_text(conn, sha256):
                early = self._early.pop(sha256, None)
                if early is not None:
                    early.cancel()
                return
        try:
            texts = await self._texts(sha256)
        except PdfError as error:
            logger.warning("no text for %s: %s", sha256[:12], error.code)
            texts = ("",) * pages
        async with self.db.transaction() as tx:
            await documents.store_page_texts(tx, sha256, texts)

    async def _texts(self, sha256: str) -> tuple[str, ...]:
        early = self._early.pop(sha256, None)
        if early is not None:
            try:
                return await asyncio.shield(early)
            except PdfError as error:  # e.g. the file was moved to its place before it opened
                logger.info("early text of %s failed (%s); extracting again", sha256[:12],
                            error.code)
        texts: tuple[str, ...] = await self.worker.run(
            extract_texts, str(self.files.path(sha256)), self.timeout - 5, timeout=self.timeout)
        return texts
