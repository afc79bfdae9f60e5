"""Page text for search, extracted in the background after a document is accepted.

An upload's own worker job reads its text right after the check (see `adopt`); any other file
(an agenda import, a crash in between) is read here by PDFium (a quarter of a second for the
117-page thesis of the corpus), one document at a time so it never takes more than one worker
slot. Text is keyed by content (SHA-256). At start-up every stored file without text is queued
again, so a crash in between loses nothing.
"""

from __future__ import annotations

import asyncio
import logging

from meeting_server.db import Database
from meeting_server.documents_files import DocumentFiles
from meeting_server.pdf import PdfError
from meeting_server.pdf.ingest import extract_texts
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
        # Text extracted while the upload was being checked, by sha256 (see `adopt`).
        self._early: dict[str, asyncio.Future[tuple[str, ...]]] = {}

    async def start(self) -> None:
        """Queue every file that has no text yet, and start working."""
        async with self.db.read() as conn:
            for sha256 in await documents.hashes_without_text(conn):
                self._queue.put_nowait(sha256)
        self._task = asyncio.create_task(self._run(), name="text-indexer")

    def enqueue(self, sha256: str) -> None:
        self._queue.put_nowait(sha256)

    def adopt(self, sha256: str, texts: asyncio.Future[tuple[str, ...]]) -> None:
        """Use `texts`, read by an accepted upload's worker job (``ingest_upload``), when
        `index` comes to `sha256` (call `enqueue` too)."""
        if sha256 in self._early:
            texts.cancel()
        else:
            self._early[sha256] = texts

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
