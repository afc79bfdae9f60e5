"""Real Redis, HAProxy and ``meeting-server serve`` processes on loopback, for the cluster tests.

Each service is the test's own process, on a free loopback port, with its files in the test's
temp dir, and is killed at the end whatever happens. A missing program is installed from
Debian (``apt-get install -y redis-server haproxy``) when running as root. If a service still
cannot start, the test is skipped, unless ``MEETING_TEST_POSTGRES=required`` (CI), where it
fails: in CI these tests must run.

HAProxy runs with ``deploy/haproxy.cfg`` as shipped (its addresses come from the environment),
so the configuration docs/deployment.md shows is the one these tests pass through.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
#: Long enough for a loaded two-core machine; waits end on conditions, not on this.
START_TIMEOUT = 60.0


def required() -> bool:
    """CI sets MEETING_TEST_POSTGRES=required: services that cannot start fail the test."""
    return os.environ.get("MEETING_TEST_POSTGRES", "") == "required"


def unavailable(reason: str) -> NoReturn:
    if required():
        pytest.fail(f"{reason} (MEETING_TEST_POSTGRES=required)")
    pytest.skip(reason)


def program(name: str, package: str) -> str:
    """The path of ``name``; installed from Debian's ``package`` first if missing (as root)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        unavailable(f"{name} is not installed (Debian package {package})")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(ready: object, proc: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            unavailable(f"{what} exited with {proc.returncode}: "
                        f"{log.read_text(errors='replace')[-2000:]}")
        if callable(ready) and ready():
            return
        if time.monotonic() > deadline:
            unavailable(f"{what} did not start in {START_TIMEOUT:.0f} s")
        time.sleep(0.02)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.wait()


def _answers(port: int, probe: bytes, expect: bytes) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(probe)
            return expect in sock.recv(64)
    except OSError:
        return False


class RedisServer:
    """``redis-server`` on a loopback port, nothing saved; stop, kill and start it again."""

    def __init__(self, folder: Path) -> None:
        self.binary = program("redis-server", "redis-server")
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = self.folder / "redis.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", str(self.folder),
                 "--protected-mode", "yes"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        _wait(lambda: _answers(self.port, b"PING\r\n", b"+PONG"), self.proc, "redis-server",
              log)

    def kill(self) -> None:
        """SIGKILL (a crash: everything it held is gone)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)


@contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class HAProxy:
    """HAProxy with ``deploy/haproxy.cfg`` in front of ``backends`` (``host:port`` each)."""

    def __init__(self, folder: Path, instance_a: str, instance_b: str) -> None:
        self.binary = program("haproxy", "haproxy")
        self.folder = folder
        self.port = free_port()
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "FRONT_BIND": f"127.0.0.1:{self.port}",
                    "INSTANCE_A": instance_a, "INSTANCE_B": instance_b}
        self.proc: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        check = subprocess.run([self.binary, "-c", "-f", str(HAPROXY_CFG)], env=self.env,
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, f"deploy/haproxy.cfg is not valid: {check.stderr}"
        log = self.folder / "haproxy.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [self.binary, "-db", "-f", str(HAPROXY_CFG)], env=self.env,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)

        def ready() -> bool:
            try:
                return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        _wait(ready, self.proc, "haproxy", log)

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)


@contextmanager
def haproxy(folder: Path, instance_a: str, instance_b: str) -> Iterator[HAProxy]:
    proxy = HAProxy(folder, instance_a, instance_b)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


class Instance:
    """``python -m meeting_server serve`` on a loopback port, with ``env`` added."""

    def __init__(self, name: str, folder: Path, env: Mapping[str, str]) -> None:
        self.name = name
        self.folder = folder
        self.port = free_port()
        self.env = {**os.environ, **env}
        self.proc: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> None:
        log = self.folder / f"{self.name}.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "meeting_server", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", "warning"],
                env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)

        def ready() -> bool:
            try:
                return httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        _wait(ready, self.proc, f"meeting-server {self.name}", log)

    def kill(self) -> None:
        """``kill -9``."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)
