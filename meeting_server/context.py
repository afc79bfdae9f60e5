"""The application context: everything a request, a socket or a command works with.

One :class:`AppContext` is built by :func:`open_context` inside an ``AsyncExitStack``: each part
registers its own clean-up as soon as it is open, so a failure half-way through start-up closes
what was already opened, in reverse order. The server builds it in the app's lifespan; the
command line builds the same context (without the background jobs) for offline commands.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import anyio

from meeting_server.abbreviations import Abbreviations, table_path
from meeting_server.audit import Recorder
from meeting_server.datadir import DataDir
from meeting_server.db import Database, open_database
from meeting_server.deadlines import workdays
from meeting_server.derived import Derived
from meeting_server.documents_files import DocumentFiles
from meeting_server.housekeeping import Housekeeping
from meeting_server.live import bus
from meeting_server.live.hub import Hub
from meeting_server.live.ws import Live
from meeting_server.pdf.worker import PdfWorker
from meeting_server.publishing.fonts import serif_font
from meeting_server.publishing.render import Renderer
from meeting_server.publishing.signing import load_signing
from meeting_server.ratelimit import Limiter, MemoryLimiter
from meeting_server.ratelimit_redis import RedisLimiter
from meeting_server.resources import data_path
from meeting_server.services.notifications import Notifier
from meeting_server.settings import Settings
from meeting_server.templating import Pages
from meeting_server.textindex import TextIndexer
from meeting_server.timeutil import Clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    clock: Clock
    data: DataDir
    db: Database
    files: DocumentFiles
    worker: PdfWorker
    indexer: TextIndexer
    derived: Derived
    hub: Hub
    live: Live
    pages: Pages
    renderer: Renderer
    #: Failed sign-ins and pairing codes (meeting_server.ratelimit).
    limiter: Limiter
    #: The audit log's buffer and session activity, flushed by the housekeeping task.
    recorder: Recorder
    #: Notifications in-app and by email (meeting_server.services.notifications).
    notifier: Notifier
    #: The deployment's abbreviations for search (see meeting_server/abbreviations.py).
    abbreviations: Abbreviations = field(default_factory=Abbreviations)


async def warm_up() -> None:
    """Do at start-up what the first requests would otherwise wait for (measured on 2 cores):

    - a hop through anyio's worker threads, which Starlette's file responses (PDFs, stamped
      copies, the book) and form parsing use: anyio imports its asyncio backend on first use,
      20-25 ms that the first such response of a fresh server waited for;
    - the table of Vietnam's working days (``holidays``, 1999-2101), 150 ms that the first
      meeting created or the first deadline read waited for.
    """
    await anyio.to_thread.run_sync(lambda: None)
    workdays.table()


@asynccontextmanager
async def open_context(settings: Settings, *, background: bool = True,
                       preload: Sequence[str] = ("meeting_server.cli",)
                       ) -> AsyncIterator[AppContext]:
    """Open the database, files and workers for ``settings`` (whose secret key is set).

    With ``background`` (the server), unfinished uploads are swept, text extraction of
    documents that have none yet starts, and the housekeeping task runs (audit buffer,
    sweeps of old rows); commands run without them, so that a command next to a
    running server never removes that server's uploads in flight.
    """
    clock = Clock(settings.zone)
    async with AsyncExitStack() as stack:
        db = open_database(settings.database_url, settings.db_path, clock)
        await db.open()
        stack.push_async_callback(db.close)
        data = DataDir(settings.data_dir)
        files = DocumentFiles(data)
        if background:
            async with db.read() as conn:
                await files.sweep(conn)
        worker = PdfWorker(memory_mb=settings.pdf_memory_mb, timeout=settings.pdf_timeout,
                           preload=preload, spares=background)
        stack.push_async_callback(worker.aclose)
        await worker.start()
        if background:
            await warm_up()
        indexer = TextIndexer(db, files, worker, timeout=max(60.0, 4 * settings.pdf_timeout))
        stack.push_async_callback(indexer.close)
        if background:
            await indexer.start()
        derived = Derived(files, worker, settings.page_width, settings.page_format)
        stack.push_async_callback(derived.close)
        # With MEETING_REDIS_URL: events, revocations and sign-in limits shared (live/bus.py).
        redis_client = bus.connect(settings.redis_url) if settings.redis_url else None
        if redis_client is not None:
            stack.push_async_callback(redis_client.aclose)
        hub = Hub(queue_size=settings.ws_queue_size)
        stack.push_async_callback(hub.close_all)
        live, cluster = await bus.open_live(db, hub, redis_client, listen=background)
        if cluster is not None:
            stack.push_async_callback(cluster.close)
        limiter: Limiter = (
            MemoryLimiter(settings.signin_delay, settings.signin_max_delay)
            if redis_client is None else
            RedisLimiter(redis_client, settings.signin_delay, settings.signin_max_delay))
        recorder = Recorder(db)
        housekeeping = Housekeeping(db, recorder, settings)
        stack.push_async_callback(housekeeping.close)
        if background:
            await housekeeping.start()
        notifier = Notifier(db, settings)
        stack.push_async_callback(notifier.close)
        if background:
            await notifier.start()
        context = AppContext(
            settings=settings, clock=clock, data=data, db=db, files=files, worker=worker,
            indexer=indexer, derived=derived, hub=hub, live=live, pages=Pages(),
            renderer=Renderer(data_path("templates"),
                              load_signing(settings, serif_font().path)),
            limiter=limiter,
            recorder=recorder, notifier=notifier,
            abbreviations=Abbreviations.load(table_path(data)),
        )
        logger.info("data dir %s", settings.data_dir)
        yield context
