"""The data directory: its layout, the one atomic write, and the secret key.

This is the only module that knows where things live under ``DATA_DIR`` and which of them a
backup holds; :data:`LAYOUT` is that list, and ``docs/configuration.md`` shows it.

Every file the server keeps is written by :func:`atomic_writer` (or :func:`atomic_write` for
bytes in hand): a temporary file in the target's folder, fsynced, renamed over the target, and
the folder fsynced, so that after a crash or power loss a file is either whole or absent.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from meeting_server.settings import Settings

DATABASE = "meeting.db"
SECRET_KEY = "secret_key"
ABBREVIATIONS = "abbreviations.txt"
DOCUMENTS = "documents"
PUBLICATIONS = "publications"
CACHE = "cache"
TMP = "tmp"
MANIFEST = "backup-manifest.json"
DEMO_CERTIFICATE = "demo-signing.p12"


@dataclass(frozen=True)
class Entry:
    """One thing in the data dir: its path (a folder ends with ``/``), what it holds, and
    whether a backup holds it (``None``: it exists only in a backup)."""

    path: str
    what: str
    backed_up: bool | None


LAYOUT: tuple[Entry, ...] = (
    Entry(DATABASE, "The database (SQLite in WAL mode; `meeting.db-wal` and `meeting.db-shm` "
          "sit beside it while it is open).", True),
    Entry(SECRET_KEY, "The key session tokens are hashed with, made on first start (mode 0600) "
          "unless `MEETING_SECRET_KEY` is set.", True),
    Entry(ABBREVIATIONS, "This deployment's abbreviations for search (`UBND = Ủy ban nhân dân`), "
          "if it has its own; see docs/search.md.", True),
    Entry(f"{DOCUMENTS}/", "Uploaded PDFs, named by their SHA-256: `documents/ab/ab12….pdf`.",
          True),
    Entry(f"{PUBLICATIONS}/", "Published minutes and notices, named by the SHA-256 of their "
          "PDF: `publications/cd/cd34….pdf`.", True),
    Entry(f"{CACHE}/", "Page images (`cache/pages/`), stamped downloads and meeting books "
          "(`cache/stamped/`): made again on demand, safe to delete.", False),
    Entry(f"{TMP}/", "Uploads in progress; emptied when the server starts.", False),
    Entry(DEMO_CERTIFICATE, "Only from `meeting-server demo`: its self-signed test certificate "
          "for digital signatures (not for real documents).", False),
    Entry(MANIFEST, "Only in a backup, written last: every file of the backup with its size "
          "and SHA-256.", None),
)

# A content-addressed file: documents/ab/ab…(64 hex).pdf or publications/cd/cd….pdf.
_CONTENT = re.compile(rf"({DOCUMENTS}|{PUBLICATIONS})/([0-9a-f]{{2}})/\2[0-9a-f]{{62}}\.pdf")
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class DataDir:
    """The paths under one data directory. Nothing is created until :meth:`create`."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE

    @property
    def secret_key_file(self) -> Path:
        return self.root / SECRET_KEY

    @property
    def abbreviations(self) -> Path:
        return self.root / ABBREVIATIONS

    @property
    def documents(self) -> Path:
        return self.root / DOCUMENTS

    @property
    def publications(self) -> Path:
        return self.root / PUBLICATIONS

    @property
    def cache(self) -> Path:
        return self.root / CACHE

    @property
    def tmp(self) -> Path:
        return self.root / TMP

    @property
    def demo_certificate(self) -> Path:
        return self.root / DEMO_CERTIFICATE

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    def document(self, sha256: str) -> Path:
        """An uploaded PDF, by its SHA-256."""
        return self.documents / sha256[:2] / f"{_checked(sha256)}.pdf"

    def publication(self, sha256: str) -> Path:
        """A published minutes or notice, by the SHA-256 of its PDF."""
        return self.publications / sha256[:2] / f"{_checked(sha256)}.pdf"

    def pages(self, sha256: str, width: int) -> Path:
        """The folder of a document's page images at one width."""
        return self.cache / "pages" / _checked(sha256) / str(width)

    def stamped(self) -> Path:
        """The folder of stamped downloads and meeting books."""
        return self.cache / "stamped"

    def create(self) -> None:
        """Make the folders the server writes into."""
        for folder in (self.documents, self.publications, self.cache, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)

    def backed_up_files(self) -> list[str]:
        """The files besides the database that a backup holds, relative, ``/``-separated:
        the secret key and the abbreviations (if they are files here) and every document and
        publication."""
        found = [name for name, path in ((SECRET_KEY, self.secret_key_file),
                                         (ABBREVIATIONS, self.abbreviations)) if path.is_file()]
        for top in (self.documents, self.publications):
            if top.is_dir():
                found.extend(sorted(
                    relative for file in top.glob("*/*.pdf")
                    if is_backed_up(relative := file.relative_to(self.root).as_posix())))
        return found

    def secret_key(self) -> str:
        """The key in ``secret_key``, made (random, mode 0600) if there is none yet.

        Two processes starting at once agree: the file appears whole or not at all, and the
        second one keeps the first one's key.
        """
        path = self.secret_key_file
        if not path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                atomic_write(path, secrets.token_urlsafe(48).encode("ascii"), replace=False)
        key = path.read_text(encoding="utf-8").strip()
        if not key:
            from meeting_server.settings import ConfigError

            raise ConfigError(f"{path} is empty: restore it from a backup, or delete it to make "
                              "a new key (which signs everyone out)")
        return key


def is_backed_up(relative: str) -> bool:
    """Whether a backup holds the file at this relative, ``/``-separated path."""
    return (relative in (DATABASE, SECRET_KEY, ABBREVIATIONS)
            or _CONTENT.fullmatch(relative) is not None)


def with_secret_key(settings: Settings) -> Settings:
    """``settings`` with ``secret_key`` set: ``MEETING_SECRET_KEY`` if given, else the key in
    ``DATA_DIR/secret_key``, made on first use. The app factory and every command that signs
    anyone in call this once, before anything else reads the key."""
    if settings.secret_key:
        return settings
    return dataclasses.replace(settings, secret_key=DataDir(settings.data_dir).secret_key())


@contextlib.contextmanager
def atomic_writer(path: Path | str, *, replace: bool = True, mode: int = 0o600,
                  sync_folder: bool = True) -> Iterator[IO[bytes]]:
    """A binary file to write ``path`` through; it appears whole when the block ends without
    an exception, and not at all otherwise.

    The data goes to a temporary file in the same folder, which is fsynced and renamed over
    ``path``; then the folder is fsynced (unless ``sync_folder`` is false, for a caller that
    writes many files in one folder and calls :func:`sync_dir` once). With ``replace`` false
    an existing ``path`` is kept and :class:`FileExistsError` raised.
    """
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            os.fchmod(file.fileno(), mode)
            yield file
            sync_file(file)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
            os.unlink(temporary)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    if sync_folder:
        sync_dir(path.parent)


def atomic_write(path: Path | str, data: bytes, *, replace: bool = True,
                 mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` so that it is whole or absent after a crash (see
    :func:`atomic_writer`)."""
    with atomic_writer(path, replace=replace, mode=mode) as file:
        file.write(data)


def move_into_place(temporary: Path, path: Path) -> None:
    """Rename an already fsynced file (one of :func:`sync_file`) to ``path``, durably."""
    os.replace(temporary, path)
    sync_dir(path.parent)


def sync_file(file: IO[bytes]) -> None:
    """Flush ``file`` and fsync it: its data is on disk when this returns."""
    file.flush()
    os.fsync(file.fileno())


def sync_dir(folder: Path | str) -> None:
    """Fsync a folder, so that the names created or renamed in it survive a crash."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def markdown_table() -> str:
    """The layout as the Markdown table of ``docs/configuration.md``."""
    rows = ["| path | what | in a backup |", "| --- | --- | --- |"]
    for entry in LAYOUT:
        kept = {True: "yes", False: "no", None: "—"}[entry.backed_up]
        rows.append(f"| `{entry.path}` | {entry.what} | {kept} |")
    return "\n".join(rows)


def _checked(sha256: str) -> str:
    if len(sha256) != 64 or not _HEX.issuperset(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256
