"""``kill -9`` at any moment loses no acknowledged write (DESIGN: "nothing is lost").

The real server runs as a child process; eight clients write as fast as it answers, and the server
is SIGKILLed mid-burst. After a restart on the same data dir every write that got a 2xx is there,
the database is intact and the meeting's event log is gap-free.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from conftest import PASSWORD, command_server

CLIENTS = 8
ACKNOWLEDGED_BEFORE_KILL = 500


@dataclass
class ServerProcess:
    proc: subprocess.Popen[bytes]
    url: str
    stderr: Path


@asynccontextmanager
async def serve(data_dir: Path, logs: Path) -> AsyncIterator[ServerProcess]:
    """``python -m meeting_server serve --port 0``; killed and reaped whatever happens."""
    async with command_server(["serve", "--data-dir", str(data_dir)], logs) as running:
        proc, url, _, err_path = running
        yield ServerProcess(proc, url, err_path)


async def sign_in(url: str, username: str) -> str:
    async with httpx.AsyncClient(base_url=url) as client:
        r = await client.post("/api/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    token: str = r.json()["token"]
    return token


@dataclass
class Acknowledged:
    """Every write that got a 2xx, by kind, with what identifies it afterwards."""

    items: dict[int, str] = field(default_factory=dict)
    absences: set[str] = field(default_factory=set)
    current_items: set[int] = field(default_factory=set)
    current_item_writes: int = 0
    refused: list[str] = field(default_factory=list)
    cut_off: int = 0

    @property
    def count(self) -> int:
        return len(self.items) + len(self.absences) + self.current_item_writes


async def burst(server: ServerProcess, token: str, meeting_id: int,
                members: list[int]) -> Acknowledged:
    """Write from CLIENTS clients at once; SIGKILL the server once enough are acknowledged."""
    acked = Acknowledged()
    killed = asyncio.Event()

    def maybe_kill() -> None:
        if acked.count >= ACKNOWLEDGED_BEFORE_KILL and not killed.is_set():
            os.kill(server.proc.pid, signal.SIGKILL)
            killed.set()

    async def write(client: httpx.AsyncClient, n: int, i: int) -> None:
        kind = i % 4
        if kind in (0, 1) or not acked.items:
            title = f"Mục {n}-{i}: báo cáo tiến độ"
            r = await client.post(f"/api/meetings/{meeting_id}/agenda-items",
                                  json={"title": title, "duration_minutes": 5})
            if r.status_code == 201:
                assert r.json()["title"] == title
                acked.items[r.json()["id"]] = title
        elif kind == 2:
            reason = f"Đi công tác {n}-{i}"
            r = await client.post(f"/api/meetings/{meeting_id}/attendance", json={
                "user_id": members[i % len(members)], "status": "absent", "reason": reason})
            if r.status_code == 200:
                acked.absences.add(reason)
        else:
            item_id = sorted(acked.items)[(n * 7 + i) % len(acked.items)]
            r = await client.put(f"/api/meetings/{meeting_id}/current-item",
                                 json={"agenda_item_id": item_id})
            if r.status_code == 200:
                acked.current_items.add(item_id)
                acked.current_item_writes += 1
        if r.status_code >= 300:
            acked.refused.append(f"{r.request.method} {r.request.url.path}: {r.text}")

    async def writer(n: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as client:
            i = 0
            while not killed.is_set():
                i += 1
                try:
                    await write(client, n, i)
                except httpx.TransportError:
                    acked.cut_off += 1  # in flight when the server died
                    return
                maybe_kill()

    await asyncio.wait_for(asyncio.gather(*(writer(n) for n in range(CLIENTS))), 120)
    assert killed.is_set()
    return acked


def database_facts(db_path: Path, meeting_id: int) -> dict[str, Any]:
    with closing(sqlite3.connect(db_path)) as conn:
        events = conn.execute("SELECT seq, event, data FROM events WHERE meeting_id = ?"
                              " ORDER BY seq", (meeting_id,)).fetchall()
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchall(),
            "foreign_keys": conn.execute("PRAGMA foreign_key_check").fetchall(),
            "last_seq": conn.execute("SELECT last_seq FROM meetings WHERE id = ?",
                                     (meeting_id,)).fetchone()[0],
            "seqs": [seq for seq, _, _ in events],
            "absences": {json.loads(data)["participant"]["absence_reason"]
                         for _, name, data in events if name == "attendance.changed"},
            "current_items": {json.loads(data)["current_item_id"]
                              for _, name, data in events if name == "agenda.current"},
        }


async def test_kill_9_mid_burst_loses_no_acknowledged_write(tmp_path: Path) -> None:
    data = tmp_path / "data"
    added = subprocess.run(
        [sys.executable, "-m", "meeting_server", "user", "add", "admin", "--name",
         "Quản trị viên", "--role", "admin", "--password-stdin", "--data-dir", str(data)],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=60,
    )
    assert added.returncode == 0, added.stderr

    async with serve(data, tmp_path / "run1") as first:
        token = await sign_in(first.url, "admin")
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=first.url, headers=headers) as admin:
            r = await admin.post("/api/meetings", json={
                "title": "Phiên họp thường kỳ tháng 7", "starts_at": "2019-07-05T08:00:00+07:00",
                "location": "Phòng họp số 1"})
            assert r.status_code == 201, r.text
            meeting_id = r.json()["id"]
            members = []
            for username, name in [("snv", "Nguyễn Văn An"), ("stp", "Phạm Thu Hà"),
                                   ("stttt", "Hoàng Đức Thắng")]:
                r = await admin.post("/api/users", json={
                    "username": username, "name": name, "role": "member", "password": PASSWORD})
                assert r.status_code == 201, r.text
                members.append(r.json()["id"])
                r = await admin.post(f"/api/meetings/{meeting_id}/participants",
                                     json={"user_id": members[-1], "role": "member"})
                assert r.status_code == 201, r.text
        acked = await burst(first, token, meeting_id, members)
        await asyncio.to_thread(first.proc.wait, 10)
        assert first.proc.returncode == -signal.SIGKILL
    assert acked.refused == []
    assert acked.count >= ACKNOWLEDGED_BEFORE_KILL
    assert acked.cut_off >= 1, "no request was in flight when the server was killed"

    async with serve(data, tmp_path / "run2") as second:
        token = await sign_in(second.url, "admin")
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=second.url, headers=headers) as admin:
            r = await admin.get(f"/api/meetings/{meeting_id}")
            assert r.status_code == 200, r.text
            state = r.json()
            stored = {i["id"]: i["title"] for i in state["agenda_items"]}
            missing = {i: t for i, t in acked.items.items() if stored.get(i) != t}
            assert missing == {}
            positions = [i["position"] for i in state["agenda_items"]]
            assert positions == list(range(1, len(positions) + 1))

            facts = await asyncio.to_thread(database_facts, data / "meeting.db", meeting_id)
            assert facts["integrity"] == [("ok",)]
            assert facts["foreign_keys"] == []
            assert facts["seqs"] == list(range(1, facts["last_seq"] + 1))
            assert acked.absences <= facts["absences"]
            assert acked.current_items <= facts["current_items"]

            r = await admin.get(f"/api/meetings/{meeting_id}/events",
                                params={"after": facts["last_seq"]})
            assert r.json() == {"events": [], "last_seq": facts["last_seq"]}
            # The log goes on from where it stopped.
            r = await admin.post(f"/api/meetings/{meeting_id}/agenda-items",
                                 json={"title": "Sau khi khởi động lại"})
            assert r.status_code == 201, r.text
            r = await admin.get(f"/api/meetings/{meeting_id}/events",
                                params={"after": facts["last_seq"]})
            assert [e["seq"] for e in r.json()["events"]] == [facts["last_seq"] + 1]
