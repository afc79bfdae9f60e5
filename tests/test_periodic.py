"""The background loop of housekeeping and the notifier: runs at once, again when woken or
after its interval, survives a failing run, and stops when closed."""

from __future__ import annotations

import asyncio

import pytest

from meeting_server.housekeeping import Periodic

from conftest import eventually


async def test_runs_at_start_and_again_when_woken() -> None:
    runs: list[int] = []

    async def work() -> None:
        runs.append(1)

    periodic = Periodic("test", 3600, work)  # the interval never passes in this test
    periodic.start()
    try:
        await eventually(lambda: len(runs) == 1)
        periodic.wake.set()
        await eventually(lambda: len(runs) == 2)
    finally:
        await periodic.close()
    assert len(runs) == 2


async def test_a_failing_run_is_logged_and_tried_again_after_the_interval(
        caplog: pytest.LogCaptureFixture) -> None:
    runs: list[int] = []

    async def work() -> None:
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("database gone")

    periodic = Periodic("test", 0.05, work)
    periodic.start()
    try:
        await eventually(lambda: len(runs) >= 2)
    finally:
        await periodic.close()
    failed = [r for r in caplog.records if r.getMessage() == "test failed; trying again at the"
              " next interval"]
    assert len(failed) == 1 and failed[0].exc_info is not None


async def test_close_lets_a_run_in_progress_finish_and_stops() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[int] = []

    async def work() -> None:
        started.set()
        await release.wait()
        finished.append(1)

    periodic = Periodic("test", 0.01, work)
    periodic.start()
    await started.wait()
    closing = asyncio.ensure_future(periodic.close())
    await asyncio.sleep(0)
    assert not closing.done()
    release.set()
    await closing
    assert finished == [1]  # finished, and not run again after close
