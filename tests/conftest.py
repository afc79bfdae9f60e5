"""The app for each test on its own data dir, in-process or on loopback.

Fixture data is made once per run (xdist workers share it) through the real API into template
data dirs: the admin (``server``), the units, people and meetings of ``world``, the imported demo
meeting with its page texts (``demo``), each with sessions already signed in. Every test gets a
copy of its template (the secret key too, so the sessions stay valid) and a fresh app running
its lifespan. A test module can add its own template with :func:`derive_template`.

Clients made by :meth:`Server.client` and :meth:`Server.login` call the app in-process through
``httpx.ASGITransport``. The first use of :attr:`Server.url` or :attr:`Server.ws_url` also puts
the same app on a loopback socket (uvicorn on port 0), for WebSockets and browsers.
:func:`start_server` and :func:`command_server` run real servers, as the command line does.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import inspect
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import hypothesis
import jinja2
import jinja2.bccache
import pdfs
import pg_support
import pytest
import uvicorn

from meeting_server import i18n
from meeting_server.abbreviations import Abbreviations
from meeting_server.agenda_import import import_agenda
from meeting_server.app import MeetingApp, create_app
from meeting_server.db import fetchall, open_database
from meeting_server.live.protocol import MAX_MESSAGE_BYTES
from meeting_server.live.transport import MeetingWebSocketProtocol
from meeting_server.pdf.worker import PdfWorker
from meeting_server.publishing.render import Renderer
from meeting_server.services import accounts
from meeting_server.settings import Settings
from meeting_server.store import documents, users
from meeting_server.templating import Pages

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "agendas" / "demo"
PASSWORD = "correct horse battery"
#: Sessions signed in per user in a template, handed out by Server.login before it signs in.
SESSIONS_PER_USER = 3

# Hypothesis fails an example that takes over 200 ms: a timing assertion that a loaded
# machine fails; the tests' own timeout is the limit instead.
hypothesis.settings.register_profile("meeting-server", deadline=None)
hypothesis.settings.load_profile("meeting-server")



class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for every app of this process (keyed and checked by
    their source, as jinja2's file cache is)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def _share_compiled_templates(cls: type[Pages] | type[Renderer]) -> None:
    started = cls.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        started(self, *args, **kwargs)
        self.env.bytecode_cache = _COMPILED

    cls.__init__ = init  # type: ignore[method-assign]


# A run starts an app for nearly every test (about 2,000), each with its own jinja2 environments
# and translations, as a server process has once. What they make from the package's files is
# the same each time, so this process makes it once: the .po catalogues (25 ms of each app's
# start), the search abbreviations parsed from the same table text (7 ms; an Abbreviations is
# frozen) and the compiled templates (20 ms for each template a test's pages use).
i18n.load_catalogues = functools.cache(i18n.load_catalogues)
_parse_abbreviations = functools.lru_cache(maxsize=32)(Abbreviations.parse)
Abbreviations.parse = _parse_abbreviations  # type: ignore[method-assign]
_COMPILED = _CompiledTemplates()
_share_compiled_templates(Pages)
_share_compiled_templates(Renderer)

T = TypeVar("T")
Session = tuple[str, dict[str, Any]]  # (bearer token, the user as sign-in returned it)


class Uvicorn(uvicorn.Server):
    """uvicorn as the tests run it on loopback: it stops as soon as ``should_exit`` is set.

    uvicorn itself looks at ``should_exit`` every 0.1 s, then sleeps 0.1 s after asking the
    open connections to close and polls every 0.1 s until they have: 0.2-0.3 s after every test
    that had a server on loopback. Here each of those waits ends when its condition holds.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        self._asked = asyncio.Event()
        super().__init__(config)

    @property
    def should_exit(self) -> bool:
        return self._asked.is_set()

    @should_exit.setter
    def should_exit(self, value: bool) -> None:
        if value:
            self._asked.set()
        else:
            self._asked.clear()

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._asked.wait(), 0.1)  # uvicorn's tick, cut short

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        while (self.server_state.connections or self.server_state.tasks) and not self.force_exit:
            await asyncio.sleep(0.005)
        if not self.force_exit:
            await self.lifespan.shutdown()


class Server:
    """A running app and the clients a test made for it (closed at the end of the test)."""

    def __init__(self, settings: Settings, app: MeetingApp, url: str | None = None,
                 sessions: dict[str, list[Session]] | None = None) -> None:
        self.settings = settings
        self.app = app
        self.clients: list[httpx.AsyncClient] = []
        #: What the template recorded (the ``world`` fixture's meeting and user ids).
        self.facts: dict[str, Any] = {}
        self._url = url
        self._in_process = url is None
        self._sessions = {user: list(found) for user, found in (sessions or {}).items()}
        self._uvicorn: uvicorn.Server | None = None
        self._serving: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``; an in-process app starts listening on first use."""
        if self._url is None:
            self._url = self._listen()
        return self._url

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")

    @property
    def base_url(self) -> str:
        """What the clients of :meth:`client` call: also the Origin of their pages."""
        return "http://testserver" if self._in_process else self.url

    def _listen(self) -> str:
        # Listening at once queues connections until uvicorn accepts them; the app's lifespan
        # is already running, so uvicorn does not run it again.
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        config = uvicorn.Config(self.app, log_level="warning", ws_per_message_deflate=False,
                                ws_max_size=MAX_MESSAGE_BYTES, lifespan="off",
                                ws_ping_interval=20, ws_ping_timeout=20,
                                ws=MeetingWebSocketProtocol)
        self._uvicorn = Uvicorn(config)
        self._serving = asyncio.get_running_loop().create_task(
            self._uvicorn.serve(sockets=[sock]))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if self._in_process:
            kwargs.setdefault("transport", httpx.ASGITransport(app=self.app))
        client = httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=60,
                                   **kwargs)
        self.clients.append(client)
        return client

    async def login(self, username: str, password: str = PASSWORD) -> httpx.AsyncClient:
        """A client signed in as ``username`` with a bearer token, each time a new session.

        A session signed in when the template was made is used while one is left and still
        valid; otherwise this signs in through ``POST /api/session``.
        """
        left = self._sessions.get(username, []) if password == PASSWORD else []
        while left:
            token, _ = left.pop(0)
            client = self.client(token)
            me = await client.get("/api/me")
            if me.status_code == 200:
                client.user = me.json()  # type: ignore[attr-defined]
                return client
        token, user = await self.sign_in(username, password)
        client = self.client(token)
        client.user = user  # type: ignore[attr-defined]
        return client

    async def sign_in(self, username: str, password: str = PASSWORD) -> Session:
        async with self.client() as anon:
            response = await anon.post("/api/session",
                                       json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return response.json()["token"], response.json()["user"]

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()
        if self._uvicorn is not None and self._serving is not None:
            self._uvicorn.should_exit = True
            await self._serving


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    values = {"data_dir": str(data_dir), "pdf_timeout": "20", **overrides}
    url = pg_support.url_of(data_dir)  # a data dir of a test on PostgreSQL (see backend)
    if url is not None:
        values.setdefault("database_url", url)
    return Settings.load(environ={}, **values)


async def add_admin(settings: Settings, username: str = "admin") -> None:
    db = open_database(settings.database_url, settings.db_path)
    await db.open()
    try:
        await accounts.add_user(db, username, "Quản trị viên", "admin", None, "", PASSWORD)
    finally:
        await db.close()


async def start_server(settings: Settings, send_buffer: int = 256 * 1024
                       ) -> tuple[Server, uvicorn.Server, asyncio.Task[None]]:
    """uvicorn on a loopback port, running the app's lifespan; clients go over the socket.
    Each connection's kernel send buffer is ``send_buffer`` bytes, as ``serve`` sets it."""
    app = create_app(settings)
    config = uvicorn.Config(app, log_level="warning", ws_per_message_deflate=False,
                            ws_max_size=MAX_MESSAGE_BYTES, lifespan="on",
                            ws_ping_interval=20, ws_ping_timeout=20, ws=MeetingWebSocketProtocol)
    server = Uvicorn(config)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("server stopped during start-up")
        await asyncio.sleep(0.01)
    return Server(settings, app, f"http://127.0.0.1:{port}"), server, task


@asynccontextmanager
async def running(data_dir: Path, sessions: dict[str, list[Session]] | None = None,
                  **overrides: Any) -> AsyncIterator[Server]:
    """The app on ``data_dir`` with its lifespan entered: an in-process :class:`Server`."""
    settings = make_settings(data_dir, **overrides)
    app = create_app(settings)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(app.router.lifespan_context(app))
        server = Server(settings, app, sessions=sessions)
        stack.push_async_callback(server.aclose)
        yield server


# ----------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class Template:
    """A data dir made once, its signed-in sessions by username, and what the tests look up."""

    path: Path
    sessions: dict[str, list[Session]]
    facts: dict[str, Any] = field(default_factory=dict)

    def copy(self, data_dir: Path) -> None:
        shutil.copytree(self.path, data_dir)
        if pg_support.url_of(self.path) is not None:  # its database too
            assert pg_support.current is not None
            pg_support.new_database(pg_support.current, data_dir, template=self.path)

    def save(self) -> None:
        record = {"sessions": self.sessions, "facts": self.facts}
        self.path.with_suffix(".json").write_text(json.dumps(record), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Template | None:
        record = path.with_suffix(".json")
        if not record.exists():
            return None
        saved = json.loads(record.read_text(encoding="utf-8"))
        sessions = {user: [(token, who) for token, who in found]
                    for user, found in saved["sessions"].items()}
        return cls(path, sessions, saved["facts"])


def shared_template(factory: pytest.TempPathFactory, name: str,
                    make: Callable[[Path], Template]) -> Template:
    """The template ``name``, made by ``make(folder)`` once for the whole run: with xdist the
    first worker to ask makes it, the others wait for it and use the same folder."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / f"template-{name}"
    with (root / f"template-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = Template.load(folder)
        if found is None:
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            found = make(folder)
            found.save()
        return found


def derive_template(factory: pytest.TempPathFactory, name: str, base: Template,
                    build: Callable[[Server], Awaitable[dict[str, Any]]]) -> Template:
    """The template ``name``: a copy of ``base`` changed once by ``build(server)``, whose
    answer becomes the facts; for a session-scoped fixture many tests start from."""

    if pg_support.url_of(base.path) is not None:
        name += "-postgresql"

    def make(folder: Path) -> Template:
        async def change() -> Template:
            base.copy(folder)
            async with running(folder, base.sessions) as server:
                facts = await build(server)
            return Template(folder, base.sessions, facts)

        return in_a_thread(change)

    return shared_template(factory, name, make)


@asynccontextmanager
async def served(template: Template, data_dir: Path) -> AsyncIterator[Server]:
    """A copy of the template in ``data_dir``, running in-process, with the template's facts."""
    template.copy(data_dir)
    async with running(data_dir, template.sessions) as server:
        server.facts = template.facts
        yield server


def in_a_thread(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine on its own event loop, whether or not one is running here."""

    async def main() -> T:
        return await make()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


async def sign_in_everyone(server: Server, usernames: list[str]) -> dict[str, list[Session]]:
    signed = await asyncio.gather(*(server.sign_in(u) for u in usernames
                                    for _ in range(SESSIONS_PER_USER)))
    return {u: list(signed[i * SESSIONS_PER_USER:(i + 1) * SESSIONS_PER_USER])
            for i, u in enumerate(usernames)}


async def make_admin_template(folder: Path) -> Template:
    await add_admin(make_settings(folder))
    async with running(folder) as server:
        sessions = await sign_in_everyone(server, ["admin"])
    return Template(folder, sessions)


async def make_world_template(folder: Path, admin: Template) -> Template:
    admin.copy(folder)
    async with running(folder) as server:
        client = server.client(admin.sessions["admin"][0][0])
        for code, name in [("VPUBND", "Văn phòng UBND thành phố"), ("SNV", "Sở Nội vụ"),
                           ("STP", "Sở Tư pháp")]:
            r = await client.post("/api/units", json={"code": code, "name": name})
            assert r.status_code == 201, r.text
        ids = {}
        for username, name, role, unit in [
            ("thuky", "Lê Thị Hoa", "secretary", "VPUBND"),
            ("pct", "Trần Văn Minh", "member", "VPUBND"),
            ("snv", "Nguyễn Văn An", "member", "SNV"),
            ("stp", "Phạm Thu Hà", "member", "STP"),
        ]:
            r = await client.post("/api/users", json={"username": username, "name": name,
                                                      "role": role, "unit": unit,
                                                      "password": PASSWORD})
            assert r.status_code == 201, r.text
            ids[username] = r.json()["id"]
        sessions = {**admin.sessions,
                    **await sign_in_everyone(server, ["thuky", "pct", "snv", "stp"])}
        secretary = server.client(sessions["thuky"][0][0])
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
        assert r.status_code == 201, r.text
        other = r.json()["id"]
        r = await secretary.post(f"/api/meetings/{other}/participants",
                                 json={"user_id": ids["stp"], "role": "member"})
        assert r.status_code == 201, r.text
    return Template(folder, sessions,
                    {"meeting_id": meeting_id, "other_meeting_id": other, "users": ids})


async def make_demo_template(folder: Path) -> Template:
    await add_admin(make_settings(folder), "root")
    async with running(folder) as server:
        context = server.app.context
        await import_agenda(context.db, context.files, context.worker, DEMO,
                            context.settings.max_upload_bytes)
        async with context.db.read() as conn:
            everyone = await users.list_users(conn)
            for sha256 in await documents.hashes_without_text(conn):
                context.indexer.enqueue(sha256)
        await asyncio.gather(*(accounts.update_user(context.db, user.id, {"password": PASSWORD})
                               for user in everyone if user.username != "root"))
        await context.indexer.wait_idle()
        sessions = await sign_in_everyone(server, [user.username for user in everyone])
    return Template(folder, sessions)


def run_base(factory: pytest.TempPathFactory) -> Path:
    """The run's temp base, shared by the xdist workers."""
    root = factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


# Which tests run on PostgreSQL too. The rule: a test runs on both backends when what it checks
# is decided by the SQL the app runs: what is stored and read back (NUL, surrogates, NFC, numbers
# past 64 bits), counted, numbered, ordered, searched, rolled back, or published as an event;
# permissions too, as they are SQL. A test runs on SQLite only when what it checks is decided
# before the database or beside it: PDF parsing, page images, stamping and merging, signing,
# files on disk, HTTP headers, the language of messages, URL checks, pure functions. Such tests
# in the modules below carry ``@pytest.mark.backend_free`` (docs/testing.md lists them).
#
# Test modules whose tests that use the app (server, world, demo) run on both backends, as
# ``test_x[sqlite]`` and ``test_x[postgresql]``, but for their ``backend_free`` tests; their
# browser tests stay on SQLite.
# Modules wholly on SQLite by that rule: test_error_language (the language of messages),
# test_headers_and_exports (headers, the PDF fetcher, spreadsheet cells), test_login_safety
# (``next=`` and Origin checks), test_signing (PAdES signatures on the published PDF).
POSTGRESQL_MODULES = {
    "test_access", "test_audit", "test_auth", "test_bad_input", "test_console_opinions",
    "test_deadline_docs", "test_deadlines", "test_documents",
    "test_event_log", "test_forms", "test_hub",
    "test_import_validation", "test_live",
    "test_meeting_pages", "test_meetings_api", "test_nfc", "test_pages", "test_pairing",
    "test_permissions", "test_protocol", "test_publication_rules", "test_publications",
    "test_recurring_tasks", "test_second_factor", "test_secrets_at_rest",
    "test_security_rules", "test_signin_limits", "test_tasks",
    "test_unusable_pdfs", "test_postgresql", "test_search", "test_search_abbreviations",
    "test_search_after_upload", "test_bus", "test_redis_limits",
    "test_floor", "test_votes", "test_consultations", "test_reading", "test_notifications",
    "test_followup",
}


_SQLITE_FILE = re.compile(r"\bsqlite3\b|\bdb_path\b|meeting\.db")


def _reads_the_sqlite_file(metafunc: pytest.Metafunc) -> bool:
    """Whether the test (or a function of its module that it calls) opens the SQLite file
    itself: such a test checks SQLite and runs on it only."""
    source = inspect.getsource(metafunc.function)
    if _SQLITE_FILE.search(source):
        return True
    return any(re.search(rf"\b{name}\(", source) for name in _sqlite_helpers(metafunc.module))


@functools.cache
def _sqlite_helpers(module: Any) -> tuple[str, ...]:
    """The functions of a test module that open the SQLite file (read once per module: reading
    every function's source again for each test took seconds of each worker's collection)."""
    return tuple(name for name, value in vars(module).items()
                 if inspect.isfunction(value) and value.__module__ == module.__name__
                 and not name.startswith("test_")
                 and _SQLITE_FILE.search(inspect.getsource(value)))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if ("backend" in metafunc.fixturenames and module in POSTGRESQL_MODULES
            and metafunc.definition.get_closest_marker("browser") is None
            and metafunc.definition.get_closest_marker("backend_free") is None
            and not any(m.name == "parametrize" and "backend" in str(m.args[0])
                        for m in metafunc.definition.iter_markers())
            and not _reads_the_sqlite_file(metafunc)):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True,
                             scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database the test's app runs on: "sqlite", or "postgresql" (a real server, see
    tests/pg_support.py) for the tests of POSTGRESQL_MODULES."""
    name: str = getattr(request, "param", "sqlite")
    if name == "postgresql" and pg_support.current is None:
        pg_support.current = pg_support.cluster(run_base(tmp_path_factory))
    return name


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """The databases of this test's data dirs go when it ends (after its app stopped)."""
    yield
    if pg_support.current is not None and pg_support.made:
        pg_support.drop_made(pg_support.current)


def pytest_sessionfinish(session: pytest.Session) -> None:
    pg_support.wait_dropped()
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        factory = session.config._tmp_path_factory  # type: ignore[attr-defined]
        pg_support.stop(run_base(factory))


def backend_template(factory: pytest.TempPathFactory, name: str, backend: str,
                     make: Callable[[Path], Template], fresh: bool = True) -> Template:
    """``shared_template`` for the backend: on PostgreSQL a ``fresh`` template's folder has a
    database of its own before ``make`` runs (one made from a copy has the copy's)."""
    if backend == "sqlite":
        return shared_template(factory, name, make)

    def made(folder: Path) -> Template:
        assert pg_support.current is not None
        if fresh:
            folder.mkdir(parents=True)
            pg_support.new_database(pg_support.current, folder)
        return make(folder)

    return shared_template(factory, f"{name}-postgresql", made)


@pytest.fixture(scope="session")
def admin_template(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Template:
    return backend_template(tmp_path_factory, "admin", backend,
                            lambda folder: in_a_thread(lambda: make_admin_template(folder)))


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory, backend: str,
                   admin_template: Template) -> Template:
    return backend_template(
        tmp_path_factory, "world", backend,
        lambda folder: in_a_thread(lambda: make_world_template(folder, admin_template)),
        fresh=False)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Template:
    return backend_template(tmp_path_factory, "demo", backend,
                            lambda folder: in_a_thread(lambda: make_demo_template(folder)))


@pytest.fixture(scope="session", autouse=True)
def pdf_forkserver() -> None:
    """Start this process's PDF forkserver with pytest loaded, before any app does.

    The first worker decides what the forkserver imports, and every child re-runs the main
    script (pytest's) as Python 3.11 does: without pytest loaded each PDF job would import it.
    """
    worker = PdfWorker(preload=["pytest", "meeting_server.cli"])

    async def warm() -> None:
        await worker.start()
        await worker.aclose()

    in_a_thread(warm)


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding every sample PDF of :mod:`pdfs`, under its name there."""
    return pdfs.write_samples(tmp_path_factory.mktemp("pdfs"))


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@asynccontextmanager
async def fixture_server(request: pytest.FixtureRequest, data_dir: Path) -> AsyncIterator[Server]:
    """The ``server`` fixture: the ``world`` template when the test uses ``world`` too."""
    name = "world_template" if "world" in request.fixturenames else "admin_template"
    template: Template = request.getfixturevalue(name)
    async with served(template, data_dir) as started:
        yield started


@pytest.fixture
async def server(request: pytest.FixtureRequest, data_dir: Path,
                 backend: str) -> AsyncIterator[Server]:
    """The app with one admin (``admin``, PASSWORD); the ``world`` fixture's data when the test
    uses ``world`` too; on the test's ``backend``."""
    async with fixture_server(request, data_dir) as started:
        yield started


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

    @classmethod
    async def of(cls, server: Server) -> World:
        """The world of a server started from the world template, its people signed in."""
        facts = server.facts
        return cls(server, await server.login("admin"), await server.login("thuky"),
                   await server.login("pct"), await server.login("snv"),
                   await server.login("stp"), facts["meeting_id"], facts["other_meeting_id"],
                   dict(facts["users"]))


@pytest.fixture
async def world(server: Server) -> World:
    return await World.of(server)


@pytest.fixture
async def demo(tmp_path: Path, demo_template: Template) -> AsyncIterator[Server]:
    """A server holding the imported demo meeting with its page texts; every demo user has
    PASSWORD, the admin is ``root``."""
    async with served(demo_template, tmp_path / "data") as started:
        yield started


async def db_rows(server: Server, sql: str, params: tuple[Any, ...] = ()
                  ) -> list[tuple[Any, ...]]:
    """Rows read through the app's database (SQLite or PostgreSQL, see ``backend``): for
    tests that check what was, or was not, written."""
    async with server.app.context.db.read() as conn:
        return [tuple(row) for row in await fetchall(conn, sql, params)]


async def db_execute(server: Server, sql: str, params: tuple[Any, ...] = ()) -> None:
    """A change written through the app's database, as another writer would make it (tests
    that age rows, for example)."""
    async with server.app.context.db.transaction() as tx:
        await tx.execute(sql, params)


async def eventually(condition: Callable[[], bool], interval: float = 0.05) -> None:
    """Wait until ``condition()`` holds, however long a loaded machine takes (the test's
    timeout is the limit): for tests that wait on a condition instead of sleeping."""
    while not condition():
        await asyncio.sleep(interval)


# ----------------------------------------------------------------------------- commands


SERVING = re.compile(r"^Serving on (http://127\.0\.0\.1:\d+)/", re.MULTILINE)
ServingCommand = tuple[subprocess.Popen[bytes], str, str, Path]


def serving_url(proc: subprocess.Popen[bytes], out: Path, err: Path) -> tuple[str, str]:
    """For a server run as a command: its URL and output once /health answers (blocking)."""

    def running() -> None:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {err.read_text()}")

    while not (found := SERVING.search(out.read_text(encoding="utf-8", errors="replace"))):
        running()
        time.sleep(0.05)
    text = out.read_text(encoding="utf-8", errors="replace")
    with httpx.Client(base_url=found.group(1)) as client:
        while True:
            try:
                if client.get("/health").status_code == 200:
                    return found.group(1), text
            except httpx.TransportError:
                pass
            running()
            time.sleep(0.05)


async def wait_for_serving(proc: subprocess.Popen[bytes], out: Path,
                           err: Path) -> tuple[str, str]:
    """For a server run as a command: its URL and output once /health answers."""
    return await asyncio.to_thread(serving_url, proc, out, err)


def start_command(args: list[str], logs: Path) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """``python -m meeting_server ARGS --port 0`` with its output in ``logs``."""
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / "stdout", logs / "stderr"
    env = dict(os.environ)
    if "--data-dir" in args:  # a data dir of a test on PostgreSQL: its database
        url = pg_support.url_of(Path(args[args.index("--data-dir") + 1]))
        if url is not None:
            env["MEETING_DATABASE_URL"] = url
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "meeting_server", *args, "--port", "0",
             "--log-level", "warning"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
        )
    return proc, out_path, err_path


def stop_command(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, SIGKILL if it hangs, and reaped whatever happens."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.wait()


@asynccontextmanager
async def command_server(args: list[str], logs: Path) -> AsyncIterator[ServingCommand]:
    """``python -m meeting_server ARGS --port 0``: (process, URL, output, stderr path) once it
    answers; stopped with SIGTERM (killed if it hangs) and reaped whatever happens."""
    proc, out_path, err_path = start_command(args, logs)
    try:
        url, text = await wait_for_serving(proc, out_path, err_path)
        yield proc, url, text, err_path
    finally:
        await asyncio.to_thread(stop_command, proc)


@contextmanager
def serving_command(args: list[str], logs: Path) -> Iterator[ServingCommand]:
    """:func:`command_server` for a synchronous (module- or session-scoped) fixture."""
    proc, out_path, err_path = start_command(args, logs)
    try:
        url, text = serving_url(proc, out_path, err_path)
        yield proc, url, text, err_path
    finally:
        stop_command(proc)


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Any]:
    """uvloop, as in production: the default loop adds Nagle delays on loopback."""
    import uvloop

    return {"uvloop": uvloop.new_event_loop}
