"""PdfWorker: results, error mapping, limits, and no child left behind."""

from __future__ import annotations

import asyncio
import os
import pickle
import time
from collections.abc import AsyncIterator
from pathlib import Path

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
    pdf_worker = PdfWorker(timeout=10, preload=["pytest"])
    yield pdf_worker
    await pdf_worker.aclose()


def is_alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


async def wait_for_pid(pid_file: Path) -> int:
    for _ in range(200):
        if pid_file.exists() and pid_file.read_text():
            return int(pid_file.read_text())
        await asyncio.sleep(0.01)
    raise AssertionError("the job never started")


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


async def test_timeout_kills_the_child_without_blocking_the_loop(
    worker: PdfWorker, tmp_path: Path
) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    pid_file = tmp_path / "pid"
    with pytest.raises(PdfError) as caught:
        await worker.run(sleep_forever, str(pid_file), timeout=1.0)
    ticking.cancel()

    assert caught.value.code == PDF_TOO_COMPLEX
    assert ticks >= 10  # 1 s at 50 ms per tick, had the loop never been blocked: 20
    assert not is_alive(int(pid_file.read_text()))


async def test_cancelling_a_run_kills_its_child(worker: PdfWorker, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    job = asyncio.create_task(worker.run(sleep_forever, str(pid_file)))
    pid = await wait_for_pid(pid_file)

    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job

    assert not is_alive(pid)


async def test_aclose_kills_running_children(tmp_path: Path) -> None:
    pdf_worker = PdfWorker(timeout=10, preload=["pytest"])
    pid_file = tmp_path / "pid"
    job = asyncio.create_task(pdf_worker.run(sleep_forever, str(pid_file)))
    pid = await wait_for_pid(pid_file)

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
