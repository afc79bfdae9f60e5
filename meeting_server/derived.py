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
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path

from meeting_server.documents_files import DocumentFiles
from meeting_server.pdf import FONT_MISSING, PdfError
from meeting_server.pdf.render import (
    PageTarget,
    render_pages,
    render_pages_behind,
)
from meeting_server.pdf.stamp import BookBase, BookEntry, merge_book, stamp_book, stamp_pdf
from meeting_server.pdf.worker import PdfWorker

logger = logging.getLogger(__name__)

PREFETCH = 3
#: The widths a tablet may ask for (``?w=``), by its screen and pixel ratio; the server's
#: MEETING_PAGE_WIDTH is among them (the default, and the one drawn ahead of time).
WIDTHS = (800, 1200, 1600)
#: Thumbnails are small images of their own.
THUMB_WIDTH = 160
#: Pages drawn ahead in one worker job (one open of the PDF) in the background; small, so
#: that a tablet asking for one of them waits for a few pages at most.
BACKGROUND_CHUNK = 2
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
        self.widths = tuple(sorted({*WIDTHS, THUMB_WIDTH, width}))
        self._ahead: asyncio.Queue[tuple[str, tuple[int, ...]]] = asyncio.Queue()
        self._ahead_task: asyncio.Task[None] | None = None
        self._first: dict[str, asyncio.Future[None]] = {}  # page 1 drawn with the check

    def page_dir(self, sha256: str, width: int | None = None) -> Path:
        folder = self.files.data.pages(sha256, width or self.width)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def drawing_first(self, sha256: str,
                      drawn: asyncio.Future[None]) -> PageTarget | None:
        """Where an upload's PDFium job (``ingest_upload``, alongside pypdf's check) draws
        page 1 at the default width, or None if it is there already or being drawn. A tablet
        asking for it meanwhile waits for `drawn` (which must never fail), then draws it if it
        is missing."""
        key = f"page:{sha256}:{self.width}:1"
        if self.page_path(sha256, 1).exists() or key in self._first:
            return None
        self._first[key] = drawn
        drawn.add_done_callback(lambda _: self._first.pop(key, None))
        return PageTarget(str(self.page_dir(sha256)), self.width, self.fmt)

    def first_drawn(self, sha256: str) -> asyncio.Future[None] | None:
        """The job drawing page 1 alongside an upload's check, while it runs."""
        return self._first.get(f"page:{sha256}:{self.width}:1")

    def draw_ahead(self, sha256: str, page_count: int, first: int = 2) -> None:
        """Draw every page at the default width in the background, `first` onwards (the page
        presented, or 2 after the check drew page 1), then the pages before it, in reading
        order; two pages per job, each started only when the worker has nothing else to do,
        one document after the other: a job someone waits for waits at most for two pages."""
        # page 1 is drawn with the upload's check (and on request, should that fail)
        first = max(2, min(first, page_count))
        order = [*range(first, page_count + 1), *range(2, first)]
        for start in range(0, len(order), BACKGROUND_CHUNK):
            self._ahead.put_nowait((sha256, tuple(order[start:start + BACKGROUND_CHUNK])))
        if self._ahead_task is None or self._ahead_task.done():
            self._ahead_task = asyncio.ensure_future(self._drawing_ahead())

    async def _drawing_ahead(self) -> None:
        while not self._ahead.empty():
            await self.worker.idle()  # never in the way of a job someone waits for
            sha256, pages = self._ahead.get_nowait()
            wanted = [n for n in pages if not self.page_path(sha256, n).exists()
                      and f"page:{sha256}:{self.width}:{n}" not in self._jobs
                      and f"page:{sha256}:{self.width}:{n}" not in self._first]
            if wanted and self._failure(f"prefetch:{sha256}") is None:
                await self._prefetch(sha256, wanted)

    async def wait_drawn(self) -> None:
        """Wait until the pages queued by `draw_ahead` are drawn (for tests and benches)."""
        while self._ahead_task is not None and not self._ahead_task.done():
            await asyncio.shield(self._ahead_task)

    def stamped_dir(self) -> Path:
        folder = self.files.data.stamped()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def page_path(self, sha256: str, page: int, width: int | None = None) -> Path:
        return self.page_dir(sha256, width) / f"{page}.{self.fmt}"

    async def page(self, sha256: str, page: int, page_count: int,
                   width: int | None = None) -> Path:
        """The image of a page at `width` (one of `widths`; default: the server's), rendering
        it if needed; at the default width the next pages are prefetched too."""
        width = width or self.width
        path = self.page_path(sha256, page, width)
        key = f"page:{sha256}:{width}:{page}"
        first = self._first.get(key)
        if first is not None and not path.exists():  # being drawn alongside the upload's check
            await asyncio.shield(first)
        if not path.exists():
            await self._once(key, lambda: self._render(sha256, [page], width),
                             f"page:{sha256}:{page}")
        if width != self.width:
            return path
        following = [n for n in range(page + 1, min(page + PREFETCH, page_count) + 1)
                     if not self.page_path(sha256, n).exists()
                     and f"page:{sha256}:{width}:{n}" not in self._jobs]
        if following and self._failure(f"prefetch:{sha256}") is None:
            self._spawn(self._prefetch(sha256, following))
        return path

    async def _render(self, sha256: str, pages: list[int], width: int | None = None) -> None:
        out = self.page_dir(sha256, width)
        await self.worker.run(render_pages, str(self.files.path(sha256)), pages,
                              width or self.width, self.fmt, str(out), "")

    async def _behind(self, sha256: str, pages: list[int]) -> None:
        out = self.page_dir(sha256)
        await self.worker.run(render_pages_behind, str(self.files.path(sha256)), pages,
                              self.width, self.fmt, str(out), "")

    async def _prefetch(self, sha256: str, pages: list[int]) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        keys = [f"page:{sha256}:{self.width}:{n}" for n in pages]
        for key in keys:
            self._jobs[key] = future
        try:
            await self._behind(sha256, pages)
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

    async def book(self, digest: str, reader_key: str, entries: list[BookEntry],
                   text: str) -> Path:
        """The meeting book for one reader: the merged book of these documents (made once per
        set of versions, `digest`) followed by the reader's stamp (a small update, per reader
        and day)."""
        folder = self.stamped_dir() / "books"
        path = folder / f"{digest}-{reader_key}.pdf"
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            contents = hashlib.sha256(repr([e.documents for e in entries]).encode()).hexdigest()
            base_path = folder / f"{digest}.pdf"
            base = await self._book_base(base_path, entries, f"book:{contents}")
            await self._once(f"book:{path.name}", lambda: self._stamp_book(base_path, base, path,
                                                                        text),
                             f"book:{contents}")
        return path

    async def _book_base(self, base_path: Path, entries: list[BookEntry],
                         failure_key: str) -> BookBase:
        meta = base_path.with_suffix(".json")
        if not meta.exists():
            async def merge() -> None:
                base = await self.worker.run(merge_book, entries, str(base_path))
                await self.files.keep_bytes(meta, json.dumps(asdict(base)).encode())
            await self._once(f"book-base:{base_path.name}", merge, failure_key)
        found = json.loads(meta.read_text())
        return BookBase(found["size"], found["root"], found["info"], found["startxref"],
                        tuple((n, tuple(box), r) for n, box, r in found["forms"]),
                        found["pages"])

    async def _stamp_book(self, base_path: Path, base: BookBase, path: Path, text: str) -> None:
        await self.worker.run(stamp_book, str(base_path), base, str(path), text)

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
        if self._ahead_task is not None:
            self._ahead_task.cancel()
            await asyncio.gather(self._ahead_task, return_exceptions=True)
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
