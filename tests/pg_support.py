"""A real PostgreSQL for the tests: Debian's server, started once per test run.

The first process of the run that needs it (an xdist worker, or pytest itself with ``-n 0``)
runs ``initdb`` and ``pg_ctl start`` on loopback at a free port, under a file lock in the
run's temp base, and leaves a marker file with the port there; the others read the marker.
pytest's main process stops it at the end of the run (``stop``). PostgreSQL refuses to run
as root, so as root the server runs as the ``postgres`` user (``runuser``) in a folder of its
own. It is made for tests: no fsync, trust authentication on loopback only.

Each test's data dir on PostgreSQL has its own database, named after the folder: a template's
database is copied with ``CREATE DATABASE … TEMPLATE`` (a file copy, fast), and a test's
database is dropped when the test ends. ``URL_FILE`` in a data dir holds its database's URL.

When PostgreSQL cannot be started the tests that need it are skipped with the reason, unless
``MEETING_TEST_POSTGRES=required`` (set by ``.ci/run``): then they fail.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

#: In a data dir: the URL of its PostgreSQL database (no such file: SQLite).
URL_FILE = "postgresql-url"
REQUIRED = os.environ.get("MEETING_TEST_POSTGRES", "") == "required"


def binaries() -> Path | None:
    """The newest Debian PostgreSQL server's bin folder, if one is installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else None


@dataclass(frozen=True)
class Cluster:
    port: int
    folder: Path
    bin: Path

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, *statements: str) -> list[str]:
        """The command running statements in the ``postgres`` database, each on its own (not
        in one transaction)."""
        commands = [arg for statement in statements for arg in ("-c", statement)]
        return [str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", str(self.port), "-U", "postgres", "-d", "postgres", *commands]

    def sql(self, *statements: str) -> None:
        """Run statements in the ``postgres`` database (CREATE/DROP DATABASE) in one psql."""
        subprocess.run(self.psql(*statements), check=True, capture_output=True, text=True)


def _as_postgres() -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(cluster: Cluster) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", cluster.port), timeout=2):
            return True
    except OSError:
        return False


def _start(bin_dir: Path) -> Cluster:
    folder = Path(tempfile.mkdtemp(prefix="meeting-test-pg-"))
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data = folder / "data"
    run = _as_postgres()
    subprocess.run([*run, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
                   check=True, capture_output=True, text=True)
    port = _free_port()
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
               " -c synchronous_commit=off -c full_page_writes=off -c max_connections=400"
               " -c shared_buffers=64MB")
    started = subprocess.run([*run, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                              "-l", str(folder / "server.log"), "-w", "-t", "60", "start"],
                             capture_output=True, text=True)
    if started.returncode != 0:
        log = (folder / "server.log").read_text(errors="replace") if (
            folder / "server.log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {started.stderr}{log[-2000:]}")
    return Cluster(port, folder, bin_dir)


def _marker(base: Path) -> Path:
    return base / "postgresql.json"


def cluster(base: Path) -> Cluster:
    """The run's PostgreSQL (started by the first caller); ``base`` is the run's temp base,
    shared by the xdist workers. Skips, or fails when required, if it cannot start."""
    bin_dir = binaries()
    try:
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        with (base / "postgresql.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            marker = _marker(base)
            if marker.exists():
                saved = json.loads(marker.read_text())
                found = Cluster(saved["port"], Path(saved["folder"]), bin_dir)
                if _alive(found):
                    return found
            found = _start(bin_dir)
            marker.write_text(json.dumps({"port": found.port, "folder": str(found.folder)}))
            return found
    except (RuntimeError, OSError, KeyError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        message = f"PostgreSQL could not be started: {exc} {detail}".strip()
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)


def stop(base: Path) -> None:
    """Stop the run's PostgreSQL, if it was started, and remove its folder."""
    marker = _marker(base)
    bin_dir = binaries()
    if not marker.exists() or bin_dir is None:
        return
    saved = json.loads(marker.read_text())
    folder = Path(saved["folder"])
    subprocess.run([*_as_postgres(), str(bin_dir / "pg_ctl"), "-D", str(folder / "data"),
                    "-m", "immediate", "-w", "stop"], capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)
    marker.unlink()


def database_name(data_dir: Path) -> str:
    return "t_" + hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:24]


#: This process's cluster, once a test on PostgreSQL asked for it.
current: Cluster | None = None

#: Databases made for tests' data dirs in this process, dropped when the test ends.
made: list[str] = []


#: Copies of templates made ahead, while the test before runs: (template, name, psql).
_spares: list[tuple[str, str, subprocess.Popen[bytes]]] = []


def new_database(found: Cluster, data_dir: Path, template: Path | None = None) -> str:
    """A database for ``data_dir`` (empty, or a copy of ``template``'s); its URL is written in
    the data dir, which must exist. A copy of a template is the one made ahead for it, renamed
    (a copy takes ~0.25 s, a rename nothing), and the next one is started."""
    name = database_name(data_dir)
    statements = [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"]  # a failed attempt's
    if template is None:
        statements.append(f"CREATE DATABASE {name}")
    else:
        source = database_name(template)
        spare = _take_spare(source)
        # A copy of the template's files: with fsync off, quicker than WAL_LOG.
        statements.append(f"ALTER DATABASE {spare} RENAME TO {name}" if spare else
                          f"CREATE DATABASE {name} TEMPLATE {source} STRATEGY FILE_COPY")
    found.sql(*statements)
    if template is not None and not data_dir.name.startswith("template-"):
        spare_name = f"s_{os.getpid()}_{next(_counter)}"
        _spares.append((source, spare_name, subprocess.Popen(
            found.psql(f"CREATE DATABASE {spare_name} TEMPLATE {source} STRATEGY FILE_COPY"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)))
    if not data_dir.name.startswith("template-"):
        made.append(name)
    url = found.url(name)
    (data_dir / URL_FILE).write_text(url, encoding="utf-8")
    return url


_counter = itertools.count()


def _take_spare(source: str) -> str | None:
    """The name of a finished copy of ``source`` made ahead (waiting for it if it is still
    being made), or None."""
    for entry in list(_spares):
        template, spare, proc = entry
        if template == source:
            _spares.remove(entry)
            _, error = proc.communicate()
            if proc.returncode == 0:
                return spare
            raise RuntimeError(f"copying a template database failed: {error.decode()}")
    return None


def url_of(data_dir: Path) -> str | None:
    """The PostgreSQL URL of a data dir, None for SQLite."""
    path = data_dir / URL_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


_dropping: list[subprocess.Popen[bytes]] = []


def drop_made(found: Cluster) -> None:
    """Drop the databases made for the test that ended without waiting: the next test need
    not wait for it (each test's database has a name of its own); the drops are reaped by
    later calls and at the end."""
    names, made[:] = list(made), []
    _reap(wait=False)
    _dropping.append(subprocess.Popen(
        found.psql(*(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)" for n in names)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))


def _reap(wait: bool) -> None:
    for dropper in list(_dropping):
        if wait or dropper.poll() is not None:
            _, error = dropper.communicate()
            _dropping.remove(dropper)
            if dropper.returncode != 0:
                raise RuntimeError(f"dropping a test database failed: {error.decode()}")


def wait_dropped() -> None:
    """Wait for the drops and the copies made ahead still running (before the cluster is
    stopped with its databases)."""
    _reap(wait=True)
    while _spares:
        _spares.pop()[2].communicate()
