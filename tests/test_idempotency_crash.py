"""A crash between the commit and the response of a request with an ``Idempotency-Key``.

The server runs as a child process whose middleware kills it (SIGKILL) right after the change is
committed and before the answer is sent. After a restart on the same data dir, the client's retry
with the same key gets the stored answer, and the change exists exactly once.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from conftest import PASSWORD, add_admin, command_server, make_settings, wait_for_serving

# `python -c` with this text: the real command line, with a middleware that dies before replying.
KILLED_BEFORE_REPLY = """
import os, signal, sys
from meeting_server import idempotency

async def _reply(self, send, messages):
    os.kill(os.getpid(), signal.SIGKILL)

idempotency.IdempotencyMiddleware._reply = _reply
from meeting_server.cli import main
sys.exit(main(sys.argv[1:]))
"""


async def _admin_token(url: str) -> str:
    async with httpx.AsyncClient(base_url=url) as client:
        r = await client.post("/api/session", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200, r.text
    token: str = r.json()["token"]
    return token


@pytest.mark.slow
async def test_retry_after_crash_between_commit_and_response(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    await add_admin(make_settings(data_dir))
    out_path, err_path = tmp_path / "stdout", tmp_path / "stderr"
    conclusion = {"text": "Giao Sở Nội vụ rà soát thủ tục hành chính."}
    key = {"Idempotency-Key": "conclusion-after-crash"}
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_BEFORE_REPLY, "serve", "--data-dir", str(data_dir),
             "--port", "0", "--log-level", "warning"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=err,
        )
        try:
            url, _ = await wait_for_serving(proc, out_path, err_path)
            token = await _admin_token(url)
            async with httpx.AsyncClient(base_url=url, timeout=60,
                                         headers={"Authorization": f"Bearer {token}"}) as api:
                r = await api.post("/api/meetings", json={
                    "title": "Họp giao ban", "starts_at": "2019-07-05T08:00:00+07:00"})
                assert r.status_code == 201, r.text
                meeting_id = r.json()["id"]
                with pytest.raises(httpx.TransportError):
                    await api.post(f"/api/meetings/{meeting_id}/conclusions", json=conclusion,
                                   headers=key)
            assert await asyncio.to_thread(proc.wait, 30) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
            await asyncio.to_thread(proc.wait)

    async with command_server(["serve", "--data-dir", str(data_dir)], tmp_path / "again") as (
            _, url, _, _):
        async with httpx.AsyncClient(base_url=url, timeout=60,
                                     headers={"Authorization": f"Bearer {token}"}) as api:
            retry = await api.post(f"/api/meetings/{meeting_id}/conclusions", json=conclusion,
                                   headers=key)
            state = (await api.get(f"/api/meetings/{meeting_id}")).json()
            log = (await api.get(f"/api/meetings/{meeting_id}/events?after=0")).json()
    assert retry.status_code == 201, retry.text
    assert retry.headers["idempotent-replay"] == "true"
    assert [c["id"] for c in state["conclusions"]] == [retry.json()["id"]]
    assert [e["event"] for e in log["events"]].count("conclusion.saved") == 1
