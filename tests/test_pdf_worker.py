"""PdfWorker: results, error mapping, limits, and no child left behind."""

from __future__ import annotations

import asyncio
import os
import pickle
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from meeting_server.pdf import CORRUPT_PDF, ENCRYPTED_PDF, PDF_TOO_COMPLEX, PdfError
from meeting_server.pdf.worker import PdfWorker

# The jobs run in the child: they must be top-level functions of an importable module.


def child_pid() -> int:
    return os.getpid()


def add(a: int, b: int) -> int:
    return a + b


def raise_pdf_error() -> None:
    raise PdfError(ENCRYPTED_PDF)


def raise_value_error() -> None:
    raise ValueError("something inside pypdf went wrong")


def exit_abruptly() -> None:
    os._exit(3)


def allocate_4_gib() -> int:
    return len(bytearray(4 * 1024**3))


def sleep_forever(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    while True:
        time.sleep(1)


def sleep_briefly(seconds: float) -> tuple[float, float]:
    started = time.monotonic()
    time.sleep(seconds)
    return started, time.monotonic()


@pytest.fixture
async def worker() -> AsyncIterator[PdfWorker]:
    # pytest's own script is re-run in each child as its __main__; preloading pytest keeps
    # that cheap (see PRELOAD in worker.py).
    pdf_worker = PdfWorker(timeout=60, preload=["pytest"])
    yield pdf_worker
    await pdf_worker.aclose()


def is_alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


async def wait_for_pid(pid_file: Path, job: asyncio.Future[Any]) -> int:
    """The pid the job wrote, once its child has started (it fails the test if the job ends
    before writing one)."""
    while not (pid_file.exists() and pid_file.read_text()):
        if job.done():
            raise AssertionError(f"the job ended without starting: {job.result()!r}")
        await asyncio.sleep(0.01)
    return int(pid_file.read_text())


def test_pdf_error_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(PdfError("corrupt_pdf", "custom")))

    assert isinstance(error, PdfError)
    assert (error.code, error.message) == ("corrupt_pdf", "custom")


def test_pdf_error_has_a_default_message() -> None:
    assert PdfError(ENCRYPTED_PDF).message.startswith("The PDF is password-protected")


async def test_runs_in_a_child_process_that_is_then_reaped(worker: PdfWorker) -> None:
    pid = await worker.run(child_pid)

    assert pid != os.getpid()
    assert not is_alive(pid)


async def test_passes_arguments(worker: PdfWorker) -> None:
    assert await worker.run(add, 2, 3) == 5


async def test_child_pdf_error_is_raised_as_is(worker: PdfWorker) -> None:
    with pytest.raises(PdfError) as caught:
        await worker.run(raise_pdf_error)

    assert caught.value.code == ENCRYPTED_PDF
    assert caught.value.message == PdfError(ENCRYPTED_PDF).message


async def test_other_exceptions_become_corrupt_pdf(worker: PdfWorker) -> None:
    with pytest.raises(PdfError) as caught:
        await worker.run(raise_value_error)

    assert caught.value.code == CORRUPT_PDF


async def test_a_child_that_dies_gives_corrupt_pdf(worker: PdfWorker) -> None:
    with pytest.raises(PdfError) as caught:
        await worker.run(exit_abruptly)

    assert caught.value.code == CORRUPT_PDF


async def test_memory_limit_gives_pdf_too_complex(worker: PdfWorker) -> None:
    with pytest.raises(PdfError) as caught:
        await worker.run(allocate_4_gib)

    assert caught.value.code == PDF_TOO_COMPLEX


async def test_timeout_gives_pdf_too_complex_and_kills_the_child(
    worker: PdfWorker, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    with pytest.raises(PdfError) as caught:
        await worker.run(sleep_forever, str(pid_file), timeout=1.0)

    assert caught.value.code == PDF_TOO_COMPLEX
    assert not is_alive(int(pid_file.read_text()))


async def test_a_running_job_does_not_block_the_loop(worker: PdfWorker, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    job = asyncio.ensure_future(worker.run(sleep_forever, str(pid_file), timeout=60))
    await wait_for_pid(pid_file, job)

    for _ in range(20):  # the loop goes round while the child runs
        await asyncio.sleep(0.01)
        assert not job.done()

    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job


async def test_cancelling_a_run_kills_its_child(worker: PdfWorker, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    job = asyncio.create_task(worker.run(sleep_forever, str(pid_file)))
    pid = await wait_for_pid(pid_file, job)

    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job

    assert not is_alive(pid)


async def test_aclose_kills_running_children(tmp_path: Path) -> None:
    pdf_worker = PdfWorker(timeout=60, preload=["pytest"])
    pid_file = tmp_path / "pid"
    job = asyncio.create_task(pdf_worker.run(sleep_forever, str(pid_file)))
    pid = await wait_for_pid(pid_file, job)

    await pdf_worker.aclose()

    with pytest.raises(PdfError):
        await job
    assert not is_alive(pid)
    with pytest.raises(RuntimeError):
        await pdf_worker.run(child_pid)


async def test_concurrency_is_limited() -> None:
    pdf_worker = PdfWorker(concurrency=2, preload=["pytest"])
    try:
        spans = await asyncio.gather(*(pdf_worker.run(sleep_briefly, 0.3) for _ in range(5)))
    finally:
        await pdf_worker.aclose()

    # the children's own monotonic clocks (system-wide): never more than two at once
    edges = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    running, most = 0, 0
    for _, change in edges:
        running += change
        most = max(most, running)
    assert most == 2


def parts_then_result(count: int, send_part: Any) -> int:
    for number in range(count):
        send_part(number)
    return count


async def test_parts_arrive_before_the_result_in_order(worker: PdfWorker) -> None:
    parts: list[int] = []

    result = await worker.run(parts_then_result, 3, on_part=parts.append)

    assert parts == [0, 1, 2] and result == 3


async def test_a_job_runs_in_the_child_started_ahead_and_another_is_started() -> None:
    pdf_worker = PdfWorker(timeout=60, preload=["pytest"])
    try:
        await pdf_worker.start()
        while len(pdf_worker._spares) < 2:  # one per slot, started off the event loop
            await asyncio.sleep(0.005)
        spares = [spare.proc.pid for spare in pdf_worker._spares if spare.proc.pid]
        assert len(spares) == 2

        # two jobs at once (an upload's) each run in a child started ahead
        assert sorted(await asyncio.gather(pdf_worker.run(child_pid),
                                           pdf_worker.run(child_pid))) == sorted(spares)

        while len(pdf_worker._spares) < 2:  # and two more are started
            await asyncio.sleep(0.005)
        following = pdf_worker._spares[0].proc.pid
        assert following is not None
        assert following not in spares and await pdf_worker.run(child_pid) == following
        # the job's limits hold in a child started ahead of it
        with pytest.raises(PdfError) as caught:
            await pdf_worker.run(allocate_4_gib)
        assert caught.value.code == PDF_TOO_COMPLEX
    finally:
        await pdf_worker.aclose()
    assert pdf_worker._spares == []
    assert not any(is_alive(pid) for pid in [*spares, following])


async def test_a_job_is_started_when_it_gets_a_slot_not_when_asked(tmp_path: Path) -> None:
    # an upload's check is timed from on_start: waiting behind other jobs is not a slow file
    pdf_worker = PdfWorker(timeout=60, concurrency=1, preload=["pytest"])
    try:
        pid_file = tmp_path / "pid"
        first = asyncio.ensure_future(pdf_worker.run(sleep_forever, str(pid_file)))
        pid = await wait_for_pid(pid_file, first)
        started: list[int] = []
        second = asyncio.ensure_future(
            pdf_worker.run(child_pid, on_start=lambda: started.append(1)))
        while pdf_worker._wanted < 2:  # the second waits for the one slot
            await asyncio.sleep(0.005)
        assert not started and not second.done()  # queued behind the first: not started

        first.cancel()  # its child is killed; the second goes to a child then
        assert await second != pid and started == [1]
    finally:
        await pdf_worker.aclose()
