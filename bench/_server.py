"""Shared helpers for the benchmarks: a real server in its own process, on loopback port 0.

The server runs exactly as in production (`python -m meeting_server serve`, uvicorn under
uvloop, the PDF forkserver as its child), in its own process group, with a fresh data dir; the
benchmark talks to it over 127.0.0.1 only. ``stop()`` sends SIGTERM (uvicorn's graceful
shutdown), waits, and only if something of that process group is still alive kills the group.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
ENCRYPTED = "libreoffice-writer-password.pdf"
PASSWORD = "bench-password-not-secret"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0

_SERVING = re.compile(r"Serving on (http://127\.0\.0\.1:\d+)/")


class BenchError(RuntimeError):
    """Something went wrong in the benchmark itself (not a missed target)."""


def corpus_files() -> list[Path]:
    """The corpus PDFs, sorted, without the password-protected one."""
    files = sorted(p for p in CORPUS.glob("*.pdf") if p.name != ENCRYPTED)
    if not files:
        raise BenchError(f"no PDFs in {CORPUS}")
    return files


def _cli(*args: str, data_dir: Path, stdin: str | None = None) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "meeting_server", *args, "--data-dir", str(data_dir)],
        input=stdin, capture_output=True, text=True, timeout=60, cwd=ROOT, check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"meeting_server {' '.join(args)} failed: {done.stderr.strip()}")


class ServerProcess:
    """``python -m meeting_server serve --port 0`` with its own fresh data dir and an admin."""

    def __init__(self, env: dict[str, str] | None = None, label: str = "bench") -> None:
        self.env = env or {}
        self.label = label
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"meeting-{label}-")) / "data"
        self.url = ""
        self.token = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = self.data_dir.parent / "server.log"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "meeting.db"

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def start(self) -> ServerProcess:
        _cli("user", "add", "admin", "--name", "Bench Admin", "--role", "admin",
             "--password-stdin", data_dir=self.data_dir, stdin=PASSWORD + "\n")
        env = {**os.environ, "MEETING_LOG_LEVEL": "warning", **self.env}
        with open(self._log, "wb") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "meeting_server", "serve", "--host", "127.0.0.1",
                 "--port", "0", "--data-dir", str(self.data_dir)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                cwd=ROOT, start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not self.url:
            if self._proc.poll() is not None:
                raise BenchError(f"server exited during start-up:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise BenchError(f"server did not start in {START_TIMEOUT:.0f} s")
            found = _SERVING.search(self._log.read_text(errors="replace"))
            if found:
                self.url = found.group(1)
            else:
                time.sleep(0.02)
        # The socket listens before the lifespan has run: wait until the app answers.
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self._proc.poll() is not None:
                raise BenchError(f"server never became healthy:\n{self.log_tail()}")
            time.sleep(0.02)
        response = httpx.post(f"{self.url}/api/session",
                              json={"username": "admin", "password": PASSWORD}, timeout=30)
        expect(response, 200)
        self.token = response.json()["token"]
        return self

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self._log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def problems(self) -> list[str]:
        """Tracebacks or errors the server logged (it runs at log level warning)."""
        try:
            text = self._log.read_text(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines()
                if "Traceback" in line or " ERROR " in line or " CRITICAL " in line]

    def stop(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(STOP_TIMEOUT)
        if proc is not None:
            _reap_group(proc.pid)
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def __enter__(self) -> ServerProcess:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


class BareProcess:
    """A bare baseline server: ``script --flag`` in a process (and session) of its own, which
    prints ``Serving on ws://host:port/`` once it listens; stopped with SIGTERM."""

    def __init__(self, script: str, flag: str) -> None:
        self.command = [sys.executable, os.path.abspath(script), flag]
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __enter__(self) -> BareProcess:
        self.proc = subprocess.Popen(self.command, stdout=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True, cwd=ROOT,
                                     start_new_session=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("Serving on ws://"):
            self.__exit__()
            raise BenchError(f"{' '.join(self.command[1:])} did not start: {line!r}")
        self.url = line.split()[2].rstrip("/")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()


def _reap_group(pgid: int) -> None:
    """The server's children (forkserver, resource tracker) leave with it; make sure of it."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.killpg(pgid, signal.SIGKILL)
        print(f"warning: killed processes left in the server's group {pgid}", file=sys.stderr)
    except ProcessLookupError:
        pass


def expect(response: httpx.Response, status: int) -> Any:
    if response.status_code != status:
        raise BenchError(f"{response.request.method} {response.request.url.path} answered "
                         f"{response.status_code}, expected {status}: {response.text[:300]}")
    return response.json() if response.content else None


def make_meeting(client: httpx.Client, title: str, items: int = 1) -> tuple[int, list[int]]:
    """A meeting with ``items`` agenda items, through the API; returns the ids."""
    meeting = expect(client.post("/api/meetings", json={
        "title": title, "starts_at": "2019-07-05T08:00:00+07:00", "location": "Phòng họp 1"}),
        201)
    ids = []
    for n in range(items):
        item = expect(client.post(f"/api/meetings/{meeting['id']}/agenda-items",
                                  json={"title": f"Nội dung {n + 1}"}), 201)
        ids.append(item["id"])
    return meeting["id"], ids


def upload(client: httpx.Client, item_id: int, path: Path) -> dict[str, Any]:
    with open(path, "rb") as file:
        response = client.post(f"/api/agenda-items/{item_id}/documents",
                               files={"file": (path.name, file, "application/pdf")})
    result: dict[str, Any] = expect(response, 201)
    return result


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain fixed-width table; numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(row):
            numeric = bool(cell) and (cell[0].isdigit() or cell[0] in "-+.") and i > 0
            out.append(cell.rjust(widths[i]) if numeric else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])
