"""A real server on loopback for each test: uvicorn on port 0, its own data dir."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from meeting_server.agenda_import import import_agenda
from meeting_server.app import create_app
from meeting_server.db import Database
from meeting_server.documents_files import DocumentFiles
from meeting_server.pdf.worker import PdfWorker
from meeting_server.services import accounts
from meeting_server.settings import Settings
from meeting_server.store import users

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
DEMO = ROOT / "agendas" / "demo"
PASSWORD = "correct horse battery"


@dataclass
class Server:
    url: str
    settings: Settings
    app: Any
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.AsyncClient(base_url=self.url, headers=headers, timeout=60, **kwargs)
        self.clients.append(client)
        return client

    async def login(self, username: str, password: str = PASSWORD) -> httpx.AsyncClient:
        """A client signed in as ``username`` with a bearer token."""
        async with httpx.AsyncClient(base_url=self.url) as anon:
            response = await anon.post("/api/session",
                                       json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        client = self.client(response.json()["token"])
        client.user = response.json()["user"]  # type: ignore[attr-defined]
        return client


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    values = {"data_dir": str(data_dir), "pdf_timeout": "20", **overrides}
    return Settings.load(environ={}, **values)


async def add_admin(settings: Settings, username: str = "admin") -> None:
    db = Database(settings.db_path)
    await db.open()
    try:
        await accounts.add_user(db, username, "Quản trị viên", "admin", None, "", PASSWORD)
    finally:
        await db.close()


async def start_server(settings: Settings) -> tuple[Server, uvicorn.Server, asyncio.Task[None]]:
    app = create_app(settings)
    config = uvicorn.Config(app, log_level="warning", ws_per_message_deflate=False,
                            lifespan="on", ws_ping_interval=20, ws_ping_timeout=20)
    server = uvicorn.Server(config)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("server stopped during start-up")
        await asyncio.sleep(0.01)
    return Server(f"http://127.0.0.1:{port}", settings, app), server, task


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def server(data_dir: Path) -> AsyncIterator[Server]:
    settings = make_settings(data_dir)
    await add_admin(settings)
    running, uv, task = await start_server(settings)
    try:
        yield running
    finally:
        for client in running.clients:
            await client.aclose()
        uv.should_exit = True
        await task


@dataclass
class World:
    """Units, people and one meeting, made through the API."""

    server: Server
    admin: httpx.AsyncClient
    secretary: httpx.AsyncClient
    chair: httpx.AsyncClient
    member: httpx.AsyncClient
    outsider: httpx.AsyncClient
    meeting_id: int
    other_meeting_id: int
    users: dict[str, int]


@pytest.fixture
async def world(server: Server) -> World:
    admin = await server.login("admin")
    for code, name in [("VPUBND", "Văn phòng UBND thành phố"), ("SNV", "Sở Nội vụ"),
                       ("STP", "Sở Tư pháp")]:
        r = await admin.post("/api/units", json={"code": code, "name": name})
        assert r.status_code == 201, r.text
    ids = {}
    for username, name, role, unit in [
        ("thuky", "Lê Thị Hoa", "secretary", "VPUBND"),
        ("pct", "Trần Văn Minh", "member", "VPUBND"),
        ("snv", "Nguyễn Văn An", "member", "SNV"),
        ("stp", "Phạm Thu Hà", "member", "STP"),
    ]:
        r = await admin.post("/api/users", json={"username": username, "name": name,
                                                 "role": role, "unit": unit,
                                                 "password": PASSWORD})
        assert r.status_code == 201, r.text
        ids[username] = r.json()["id"]
    secretary = await server.login("thuky")
    r = await secretary.post("/api/meetings", json={
        "title": "Phiên họp Ban Chỉ đạo cải cách hành chính",
        "starts_at": "2019-07-05T08:00:00+07:00", "location": "Phòng họp số 1",
        "chair_id": ids["pct"]})
    assert r.status_code == 201, r.text
    meeting_id = r.json()["id"]
    r = await secretary.post(f"/api/meetings/{meeting_id}/participants",
                             json={"user_id": ids["snv"], "role": "member"})
    assert r.status_code == 201, r.text
    r = await secretary.post("/api/meetings", json={
        "title": "Họp giao ban Sở Tư pháp", "starts_at": "2019-07-06T14:00:00+07:00"})
    other = r.json()["id"]
    r = await secretary.post(f"/api/meetings/{other}/participants",
                             json={"user_id": ids["stp"], "role": "member"})
    assert r.status_code == 201, r.text
    return World(server, admin, secretary, await server.login("pct"), await server.login("snv"),
                 await server.login("stp"), meeting_id, other, ids)


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Server]:
    """A server holding the imported demo meeting; every demo user has PASSWORD."""
    settings = make_settings(tmp_path / "data")
    await add_admin(settings, "root")
    db = Database(settings.db_path)
    await db.open()
    worker = PdfWorker(preload=["pytest"])
    try:
        await import_agenda(db, DocumentFiles(settings.data_dir), worker, DEMO,
                            settings.max_upload_bytes)
        async with db.read() as conn:
            everyone = await users.list_users(conn)
        for user in everyone:
            await accounts.update_user(db, user.id, {"password": PASSWORD})
    finally:
        await worker.aclose()
        await db.close()
    server, uv, task = await start_server(settings)
    try:
        yield server
    finally:
        for client in server.clients:
            await client.aclose()
        uv.should_exit = True
        await task


SERVING = re.compile(r"^Serving on (http://127\.0\.0\.1:\d+)/", re.MULTILINE)


async def wait_for_serving(proc: subprocess.Popen[bytes], out: Path,
                           err: Path) -> tuple[str, str]:
    """For a server run as a command: its URL and output once /health answers."""
    for _ in range(1200):
        text = out.read_text(encoding="utf-8", errors="replace")
        if found := SERVING.search(text):
            break
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {err.read_text()}")
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("server did not print its address within 60 s")
    url = found.group(1)
    async with httpx.AsyncClient(base_url=url) as client:
        for _ in range(600):
            try:
                if (await client.get("/health")).status_code == 200:
                    return url, text
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError("server did not answer /health within 30 s")


@asynccontextmanager
async def command_server(args: list[str], logs: Path
                         ) -> AsyncIterator[tuple[subprocess.Popen[bytes], str, str, Path]]:
    """``python -m meeting_server ARGS --port 0``: (process, URL, output, stderr path) once it
    answers; stopped with SIGTERM (killed if it hangs) and reaped whatever happens."""
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / "stdout", logs / "stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "meeting_server", *args, "--port", "0",
             "--log-level", "warning"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=err,
        )
        try:
            url, text = await wait_for_serving(proc, out_path, err_path)
            yield proc, url, text, err_path
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.to_thread(proc.wait, 15)
                except subprocess.TimeoutExpired:
                    proc.kill()
            await asyncio.to_thread(proc.wait)


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Any]:
    """uvloop, as in production: the default loop adds Nagle delays on loopback."""
    import uvloop

    return {"uvloop": uvloop.new_event_loop}
