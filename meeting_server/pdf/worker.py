"""Run PDF jobs in short-lived child processes with memory, CPU and wall-clock limits.

Each job is a fresh child forked from a multiprocessing forkserver that has already imported
pypdf, pypdfium2 and the job modules, so a job starts in milliseconds and a hostile file can
only ever take down its own child. One child per slot is kept started ahead, waiting for its
job (a spare): the next jobs skip even those milliseconds (15-75 ms on a busy machine; an
upload starts two jobs at once), and a new spare is started, off the event loop, as soon as
one is taken. A spare runs one job only.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
import resource
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, NamedTuple, TypeVar, cast

from meeting_server.pdf import CORRUPT_PDF, PDF_TOO_COMPLEX, PdfError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Modules the forkserver imports once, so that each child starts with them loaded. Python 3.11
# ignores "__main__" here and re-runs the main script in every child: start the server with
# `python -m ...` (nothing re-run) or name the script's imports in `preload`.
PRELOAD = (
    "__main__",
    "pypdf",
    "pypdfium2",
    "meeting_server.pdf.worker",
    "meeting_server.pdf.ingest",
    "meeting_server.pdf.render",
    "meeting_server.pdf.stamp",
)

# How long a child may take to exit after it has sent its result, before it is killed.
_EXIT_GRACE = 2.0
# How long to wait for the forkserver to report a killed child's exit status.
_REAP_TIMEOUT = 10.0
_LIMIT_SIGNALS = {-signal.SIGKILL, -signal.SIGXCPU}
#: The process whose forkserver has been started and checked by `_warm_up`: the forkserver
#: is one per process (it imports what the first worker asked for), so later workers of the
#: same process skip the check's child (a fork and ~30 ms of CPU each; tests start thousands).
_warmed_in: int | None = None

class _Spare(NamedTuple):
    """A child started ahead: it waits for one job on `jobs` and answers on `results`."""

    proc: BaseProcess
    jobs: Connection
    results: Connection


class PdfWorker:
    """Runs picklable top-level functions in limited child processes, `concurrency` at a time.

    `memory_mb` caps each child's address space (RLIMIT_AS), `timeout` is the default
    wall-clock limit per job in seconds; CPU time is capped a little above it as a backstop.
    `preload` names more modules for the forkserver to import (see PRELOAD). With `spares` (a
    server) one child per slot is kept started ahead; a command running a job or two forks
    each child when its job comes.
    """

    def __init__(
        self,
        memory_mb: int = 1024,
        timeout: float = 20.0,
        concurrency: int = 2,
        preload: Sequence[str] = (),
        spares: bool = True,
    ) -> None:
        if memory_mb <= 0 or timeout <= 0 or concurrency <= 0:
            raise ValueError("memory_mb, timeout and concurrency must be positive")
        self.memory_mb = memory_mb
        self.timeout = timeout
        self._preload = [*PRELOAD, *preload]
        self._context = multiprocessing.get_context("forkserver")
        # The forkserver is one per process: the first worker to start it decides what it loads.
        self._context.set_forkserver_preload(self._preload)
        self._slots = asyncio.Semaphore(concurrency)
        self._concurrency = concurrency
        self._wanted = 0  # jobs running or waiting for a slot
        self._idle = asyncio.Event()  # set while no job runs or waits
        self._idle.set()
        self._running: set[BaseProcess] = set()
        self._cleanups: set[asyncio.Future[None]] = set()
        self._closed = False
        self._warm = asyncio.Lock()
        self._warmed = False
        self._keep_spares = spares
        self._spares: list[_Spare] = []
        self._starting: set[asyncio.Future[None]] = set()  # spares being started

    async def start(self) -> None:
        """Start the forkserver now; it imports pypdf and pypdfium2, about half a second.

        `run` calls this on first use; call it from the app's start-up to take the delay there.
        """
        global _warmed_in
        async with self._warm:
            if not self._warmed:
                if _warmed_in != os.getpid():  # one first child per process, not per worker
                    await asyncio.to_thread(_warm_up, self._context, self._preload)
                    _warmed_in = os.getpid()
                self._warmed = True
                self._replenish()

    @property
    def free_slots(self) -> int:
        """How many jobs could start at once now, none waiting before them."""
        return max(0, self._concurrency - self._wanted)

    async def idle(self) -> None:
        """Wait until no job runs or waits (for background work that must not take a slot
        someone is waiting for)."""
        while self._wanted:
            self._idle.clear()
            await self._idle.wait()

    async def run(self, func: Callable[..., T], *args: Any, timeout: float | None = None,
                  on_part: Callable[[Any], None] | None = None,
                  on_start: Callable[[], None] | None = None) -> T:
        """Run `func(*args)` in a fresh child process and return its result.

        With `on_part`, the child calls `func(*args, send_part)`: each value it gives
        `send_part` is passed to `on_part` here (on the event loop) as soon as it arrives, before
        the result (an upload's check, then its text). `on_start` is called when the job has
        its slot and goes to a child: its time limits run from then, not from the call.

        Raises the child's `PdfError` as is; a timeout or memory exhaustion becomes
        `pdf_too_complex`, any other failure `corrupt_pdf`.
        """
        if self._closed:
            raise RuntimeError("PdfWorker is closed")
        await self.start()
        limit = self.timeout if timeout is None else timeout
        name = getattr(func, "__qualname__", repr(func))
        self._wanted += 1
        try:
            async with self._slots:
                if self._closed:
                    raise RuntimeError("PdfWorker is closed")
                if on_start is not None:
                    on_start()
                kind, value = await self._run_child(func, args, limit, name, on_part)
        finally:
            self._wanted -= 1
            if not self._wanted:
                self._idle.set()
        if kind == "ok":
            return cast(T, value)
        if kind == "error" and isinstance(value, PdfError):
            raise value
        logger.warning("PDF job %s failed in the child: %s", name, value)
        raise PdfError(PDF_TOO_COMPLEX if kind == "limit" else CORRUPT_PDF)

    async def aclose(self) -> None:
        """Kill running children and wait until they are reaped."""
        self._closed = True
        if self._starting:
            await asyncio.gather(*self._starting, return_exceptions=True)
        self._drop_spares()
        for proc in list(self._running):
            _kill(proc)
        if self._cleanups:
            await asyncio.gather(*self._cleanups, return_exceptions=True)

    def close(self) -> None:
        """Kill running children without waiting (for use outside an event loop)."""
        self._closed = True
        for spare in self._spares:
            _kill(spare.proc)
        for proc in list(self._running):
            _kill(proc)

    async def _run_child(
        self, func: Callable[..., Any], args: tuple[Any, ...], limit: float, name: str,
        on_part: Callable[[Any], None] | None = None,
    ) -> tuple[str, Any]:
        job = (self.memory_mb, math.ceil(limit) + 1, func, args, on_part is not None)
        started = self._take_spare(job)
        proc: BaseProcess
        if started is None:
            receiver, sender = self._context.Pipe(duplex=False)
            proc = self._context.Process(target=_child_main, args=(sender, *job), daemon=True)
            try:
                # A few milliseconds: the warm forkserver forks and answers with the pid.
                proc.start()
            except BaseException:
                receiver.close()
                raise
            finally:
                sender.close()
        else:
            proc, receiver = started
        self._running.add(proc)
        answered = False
        try:
            message = await _receive(proc, receiver, limit, name, on_part)
            answered = True
            return message
        finally:
            cleanup = asyncio.ensure_future(self._reap(proc, receiver, answered))
            self._cleanups.add(cleanup)
            cleanup.add_done_callback(self._cleanups.discard)
            await asyncio.shield(cleanup)

    def _take_spare(self, job: tuple[Any, ...]) -> tuple[BaseProcess, Connection] | None:
        """Hand `job` to a spare child, if there is one alive; start the next spare."""
        spare = self._spares.pop(0) if self._spares else None
        self._replenish()
        if spare is None:
            return None
        try:
            spare.jobs.send(job)
        except (OSError, ValueError):  # the spare died meanwhile (killed from outside)
            self._running.add(spare.proc)
            self._cleanup(spare.proc, spare.results)
            return None
        finally:
            spare.jobs.close()
        return spare.proc, spare.results

    def _replenish(self) -> None:
        """Start spare children, off the event loop, until there is one per slot (counting
        those starting)."""
        while (self._keep_spares and not self._closed
               and len(self._spares) + len(self._starting) < self._concurrency):

            async def start() -> None:
                spare = await asyncio.to_thread(_start_spare, self._context)
                self._spares.append(spare)
                if self._closed:
                    self._drop_spares()

            starting = asyncio.ensure_future(start())
            self._starting.add(starting)
            starting.add_done_callback(self._starting.discard)
            starting.add_done_callback(lambda done: done.cancelled() or done.exception())

    def _drop_spares(self) -> None:
        spares, self._spares = self._spares, []
        for spare in spares:
            spare.jobs.close()
            self._running.add(spare.proc)
            self._cleanup(spare.proc, spare.results)

    def _cleanup(self, proc: BaseProcess, receiver: Connection) -> None:
        cleanup = asyncio.ensure_future(self._reap(proc, receiver, False))
        self._cleanups.add(cleanup)
        cleanup.add_done_callback(self._cleanups.discard)

    async def _reap(self, proc: BaseProcess, receiver: Connection, answered: bool) -> None:
        try:
            if not (answered and await _wait_exit(proc, _EXIT_GRACE)):
                _kill(proc)
                if not await _wait_exit(proc, _REAP_TIMEOUT):
                    logger.error("PDF child pid %s was not reaped", proc.pid)
                    return
            proc.close()
        finally:
            self._running.discard(proc)
            receiver.close()


async def _receive(
    proc: BaseProcess, receiver: Connection, limit: float, name: str,
    on_part: Callable[[Any], None] | None = None,
) -> tuple[str, Any]:
    deadline = asyncio.get_running_loop().time() + limit
    while True:
        message = await _receive_one(proc, receiver, deadline, limit, name)
        if message[0] != "part" or on_part is None:
            return message
        on_part(message[1])


async def _receive_one(
    proc: BaseProcess, receiver: Connection, deadline: float, limit: float, name: str
) -> tuple[str, Any]:
    left = deadline - asyncio.get_running_loop().time()
    if left <= 0 or not await _wait_readable(receiver.fileno(), left):
        logger.warning("PDF job %s timed out after %.1f s; killing pid %s", name, limit, proc.pid)
        _kill(proc)
        return ("limit", f"timed out after {limit:.1f} s")
    try:
        # uvloop leaves a watched fd non-blocking; the result may still be arriving, so read it
        # whole, blocking, off the loop.
        os.set_blocking(receiver.fileno(), True)
        message: tuple[str, Any] = await asyncio.to_thread(receiver.recv)
    except (EOFError, OSError):
        await _wait_exit(proc, _EXIT_GRACE)
        code = proc.exitcode
        logger.warning("PDF job %s died without a result (exit code %s)", name, code)
        return ("limit" if code in _LIMIT_SIGNALS else "crash", f"exit code {code}")
    except Exception as exc:  # a result that cannot be unpickled here
        _kill(proc)
        return ("crash", f"unreadable result: {exc!r}")
    return message


def _report_missing(sender: Connection, modules: list[str]) -> None:
    sender.send([name for name in modules if name != "__main__" and name not in sys.modules])
    sender.close()


def _warm_up(context: Any, modules: list[str]) -> None:
    """Start the forkserver (if this process has none yet) with a first child, off the event
    loop; later children are started from the loop: with the forkserver up that takes
    milliseconds, so a second worker in the same process pays only for this one child.
    """
    receiver, sender = context.Pipe(duplex=False)
    with receiver:
        proc = context.Process(target=_report_missing, args=(sender, modules), daemon=True)
        proc.start()
        sender.close()
        try:
            missing: list[str] = receiver.recv() if receiver.poll(60) else []
        except EOFError:
            raise RuntimeError("The PDF worker's first child process failed") from None
        finally:
            proc.join(10)
            if proc.exitcode is None:
                proc.kill()
                proc.join()
            proc.close()
    if missing:
        logger.warning(
            "The PDF forkserver could not import %s; every job will import them. "
            "Install the package or start the server from the project directory.",
            ", ".join(missing),
        )


def _kill(proc: BaseProcess) -> None:
    try:
        if proc.exitcode is None:
            proc.kill()
    except (ProcessLookupError, ValueError):
        pass  # already gone, or already closed


async def _wait_readable(fd: int, timeout: float) -> bool:
    """Wait without blocking the loop until `fd` is readable; False on timeout."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def on_readable() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, on_readable)
    try:
        await asyncio.wait_for(ready, timeout)
        return True
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)


async def _wait_exit(proc: BaseProcess, timeout: float) -> bool:
    """Wait until the forkserver reports the child's exit status; True once it is reaped."""
    if proc.exitcode is None and await _wait_readable(proc.sentinel, timeout):
        proc.join(0)
    return proc.exitcode is not None


def _start_spare(context: Any) -> _Spare:
    """Start a child that waits for its job (see `_spare_main`); blocking."""
    job_receiver, job_sender = context.Pipe(duplex=False)
    receiver, sender = context.Pipe(duplex=False)
    proc = context.Process(target=_spare_main, args=(job_receiver, sender), daemon=True)
    try:
        proc.start()
    except BaseException:
        job_sender.close()
        receiver.close()
        raise
    finally:
        job_receiver.close()
        sender.close()
    return _Spare(proc, job_sender, receiver)


def _spare_main(jobs: Connection, sender: Connection) -> None:
    try:
        job = jobs.recv()
    except EOFError:  # the worker closed before giving this child a job
        return
    jobs.close()
    _child_main(sender, *job)


def _child_main(
    sender: Connection,
    memory_mb: int,
    cpu_seconds: int,
    func: Callable[..., Any],
    args: tuple[Any, ...],
    streaming: bool = False,
) -> None:
    _limit_self(memory_mb, cpu_seconds)
    message: tuple[str, Any]
    if streaming:
        args = (*args, lambda value: sender.send(("part", value)))
    try:
        message = ("ok", func(*args))
    except PdfError as exc:
        message = ("error", exc)
    except MemoryError:
        message = ("limit", "MemoryError")
    except BaseException as exc:  # noqa: B036 - anything else is reported as a damaged file
        message = ("crash", f"{type(exc).__name__}: {exc}")
    try:
        sender.send(message)
    except MemoryError:
        sender.send(("limit", "MemoryError while sending the result"))
    except Exception as exc:  # an unpicklable result
        sender.send(("crash", f"cannot send the result: {type(exc).__name__}: {exc}"))
    sender.close()


def _limit_self(memory_mb: int, cpu_seconds: int) -> None:
    _set_limit(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    _set_limit(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 2)
    _set_limit(resource.RLIMIT_CORE, 0)
    # Warnings about malformed files are expected here and nobody would read them.
    for noisy in ("pypdf", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    warnings.simplefilter("ignore")


def _set_limit(which: int, soft: int, hard: int | None = None) -> None:
    _, current_hard = resource.getrlimit(which)
    wanted_hard = soft if hard is None else hard
    if current_hard != resource.RLIM_INFINITY:
        wanted_hard = min(wanted_hard, current_hard)
        soft = min(soft, current_hard)
    resource.setrlimit(which, (soft, wanted_hard))
