"""Files derived from documents, made once in the worker and cached on disk.

Page images (per content, width and page) and stamped copies (per reader, content and day), in
the data dir's cache (see :class:`~meeting_server.datadir.DataDir`). Concurrent requests for the
same file share one worker job. A file the worker could not make (a PDF that pypdf cannot stamp,
a page PDFium cannot draw) raises its :class:`PdfError` again, without a worker job, for the next
FAILURE_SECONDS: whoever asks again does not take a worker from the room.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from meeting_server.documents_files import DocumentFiles
from meeting_server.pdf import FONT_MISSING, PdfError
from meeting_server.pdf.render import render_pages
from meeting_server.pdf.stamp import BookEntry, build_book, stamp_pdf
from meeting_server.pdf.worker import PdfWorker

logger = logging.getLogger(__name__)

PREFETCH = 3
#: How long a failure to make a file is remembered, and how many failures at most.
FAILURE_SECONDS = 3600.0
MAX_FAILURES = 10_000


class Derived:
    def __init__(self, files: DocumentFiles, worker: PdfWorker, width: int, fmt: str) -> None:
        self.files = files
        self.worker = worker
        self.width = width
        self.fmt = fmt
        self._jobs: dict[str, asyncio.Future[None]] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._failed: dict[str, tuple[float, PdfError]] = {}  # key: (until, error)

    def page_dir(self, sha256: str) -> Path:
        folder = self.files.data.pages(sha256, self.width)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def stamped_dir(self) -> Path:
        folder = self.files.data.stamped()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def page_path(self, sha256: str, page: int) -> Path:
        return self.page_dir(sha256) / f"{page}.{self.fmt}"

    async def page(self, sha256: str, page: int, page_count: int) -> Path:
        """The image of a page, rendering it (and prefetching the next ones) if needed."""
        path = self.page_path(sha256, page)
        if not path.exists():
            key = f"page:{sha256}:{page}"
            await self._once(key, lambda: self._render(sha256, [page]), key)
        following = [n for n in range(page + 1, min(page + PREFETCH, page_count) + 1)
                     if not self.page_path(sha256, n).exists()
                     and f"page:{sha256}:{n}" not in self._jobs]
        if following and self._failure(f"prefetch:{sha256}") is None:
            self._spawn(self._prefetch(sha256, following))
        return path

    async def _render(self, sha256: str, pages: list[int]) -> None:
        out = self.page_dir(sha256)
        await self.worker.run(render_pages, str(self.files.path(sha256)), pages, self.width,
                              self.fmt, str(out), "")

    async def _prefetch(self, sha256: str, pages: list[int]) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        keys = [f"page:{sha256}:{n}" for n in pages]
        for key in keys:
            self._jobs[key] = future
        try:
            await self._render(sha256, pages)
            future.set_result(None)
        except Exception as exc:
            logger.info("prefetch of %s pages %s failed: %s", sha256[:12], pages, exc)
            if isinstance(exc, PdfError):  # each page is still made when it is asked for
                self._remember(f"prefetch:{sha256}", exc)
            future.set_exception(exc)
            future.exception()
        finally:
            for key in keys:
                self._jobs.pop(key, None)

    async def stamped(self, sha256: str, reader_key: str, text: str) -> Path:
        path = self.stamped_dir() / sha256[:2] / f"{sha256}-{reader_key}.pdf"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            await self._once(f"stamp:{path.name}", lambda: self._stamp(sha256, path, text),
                             f"stamp:{sha256}")
        return path

    async def _stamp(self, sha256: str, path: Path, text: str) -> None:
        await self.worker.run(stamp_pdf, str(self.files.path(sha256)), str(path), text)

    async def book(self, key: str, entries: list[BookEntry], text: str) -> Path:
        path = self.stamped_dir() / "books" / f"{key}.pdf"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            contents = hashlib.sha256(repr([e.documents for e in entries]).encode()).hexdigest()
            await self._once(f"book:{key}", lambda: self._book(entries, path, text),
                             f"book:{contents}")
        return path

    async def _book(self, entries: list[BookEntry], path: Path, text: str) -> None:
        await self.worker.run(build_book, entries, str(path), text)

    async def _once(self, key: str, make: Callable[[], Awaitable[None]],
                    failure_key: str) -> None:
        """Run ``make`` once for concurrent callers with the same key; a PdfError is
        remembered under ``failure_key`` (what the failure depends on: the content)."""
        failed = self._failure(failure_key)
        if failed is not None:
            raise failed
        running = self._jobs.get(key)
        if running is not None:
            await asyncio.shield(running)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._jobs[key] = future
        try:
            await make()
            future.set_result(None)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            if isinstance(exc, PdfError):
                self._remember(failure_key, exc)
            future.set_exception(exc)
            future.exception()
            raise
        finally:
            self._jobs.pop(key, None)

    def _failure(self, key: str) -> PdfError | None:
        """A fresh copy of the failure remembered under ``key``, if it is recent."""
        found = self._failed.get(key)
        if found is None:
            return None
        until, error = found
        if time.monotonic() > until:
            del self._failed[key]
            return None
        return PdfError(error.code, error.message)

    def _remember(self, key: str, error: PdfError) -> None:
        if error.code == FONT_MISSING:  # the server's set-up, not the file: try again
            return
        self._failed.pop(key, None)
        self._failed[key] = (time.monotonic() + FAILURE_SECONDS, error)
        while len(self._failed) > MAX_FAILURES:
            del self._failed[next(iter(self._failed))]

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
