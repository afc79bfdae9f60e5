"""``meeting-server backup`` and ``restore``: exactly what the data dir says a backup holds.

A backup is a folder laid out like a data dir: the database (copied with ``VACUUM INTO`` in one
read transaction while the server runs and writes, then integrity-checked), the secret key,
every document and every publication (:meth:`DataDir.backed_up_files`), and
``backup-manifest.json`` listing each file with its size and SHA-256. Every file is fsynced
before the manifest is written, and the manifest is written last: a folder without one is an
unfinished backup.

Restore checks every file against the manifest while copying it into a staging folder next to
the new data dir, checks the database, and only then renames the staging folder into place; a
damaged backup leaves nothing behind. A backup folder can also be served as it is
(``serve --data-dir BACKUP``), which makes it a data dir that no longer matches its manifest.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from meeting_server import __version__
from meeting_server import db as database
from meeting_server.datadir import (
    DATABASE,
    DataDir,
    atomic_write,
    atomic_writer,
    is_backed_up,
    sync_dir,
    sync_file,
)

FORMAT = "meeting-server backup"
VERSION = 1
CHUNK = 1024 * 1024
#: On PostgreSQL, the backup holds the database as ``pg_dump --format=custom`` wrote it.
POSTGRESQL_DUMP = "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot be done; what it had made is removed."""


@dataclass(frozen=True)
class BackedUpFile:
    path: str
    size: int
    sha256: str


def backup(data: DataDir, dest: Path, database_url: str = "") -> list[BackedUpFile]:
    """Back ``data`` up into ``dest``, a new or empty folder; returns the manifest's files.
    With a PostgreSQL ``database_url`` the database is dumped with ``pg_dump`` instead."""
    postgresql = database_url.startswith(("postgresql://", "postgres://"))
    if not postgresql and not data.database.is_file():
        raise BackupError(f"no database in {data.root}")
    created = _claim(dest)
    target = DataDir(dest)
    try:
        # The database first: every file it refers to was kept before its row was committed,
        # and documents and publications are never changed, so the copies below are complete.
        if postgresql:
            _pg_tool("pg_dump", "--format=custom", "--no-owner",
                     f"--file={dest / POSTGRESQL_DUMP}", database_url)
            files = [_hash_and_sync(dest / POSTGRESQL_DUMP, POSTGRESQL_DUMP)]
        else:
            database.backup(data.database, target.database)
            files = [_hash_and_sync(target.database, DATABASE)]
        for relative in data.backed_up_files():
            try:
                files.append(_copy(data.root / relative, target.root / relative, relative))
            except FileNotFoundError:
                if not relative.startswith("documents/"):
                    raise
                # An orphaned upload swept away meanwhile: no version in the copy refers to it.
        for folder in {(target.root / f.path).parent for f in files}:
            sync_dir(folder)
        manifest = {"format": FORMAT, "version": VERSION, "meeting_server": __version__,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "files": [asdict(f) for f in files]}
        atomic_write(target.manifest, json.dumps(manifest, indent=1).encode("utf-8"),
                     mode=0o644)
    except BaseException:
        _undo(dest, created)
        raise
    return files


def restore(source: Path, data: DataDir, database_url: str = "") -> list[BackedUpFile]:
    """Check the backup in ``source`` and make it the data dir ``data`` (new or empty); a
    PostgreSQL backup's database goes into the (empty) database of ``database_url``."""
    files = read_manifest(source)
    dumped = any(f.path == POSTGRESQL_DUMP for f in files)
    if dumped != database_url.startswith(("postgresql://", "postgres://")):
        raise BackupError("this backup holds a PostgreSQL database: set MEETING_DATABASE_URL "
                          "to an empty database" if dumped else "this backup holds a SQLite "
                          "database: restore it without MEETING_DATABASE_URL")
    for file in files:
        path = source / file.path
        if not path.is_file():
            raise BackupError(f"{path} is missing: the backup is damaged")
        if path.stat().st_size != file.size:
            raise BackupError(f"{path} is not the size the manifest says: the backup is damaged")
    wal = source / f"{DATABASE}-wal"
    if wal.exists() and wal.stat().st_size > 0:
        raise BackupError(f"{wal} exists: the backup is open in a server, or was served "
                          "and is no longer the backup its manifest describes")
    if data.root.exists() and (not data.root.is_dir() or any(data.root.iterdir())):
        raise BackupError(f"{data.root} is not empty; restore needs a new or empty data dir")
    created = _missing_ancestor(data.root)
    data.root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{data.root.name}.restore-", dir=data.root.parent))
    try:
        for file in files:
            copied = _copy(source / file.path, staging / file.path, file.path)
            if copied != file:
                raise BackupError(f"{source / file.path} does not match its SHA-256 in the "
                                  "manifest: the backup is damaged")
        for folder in {(staging / f.path).parent for f in files}:
            sync_dir(folder)
        if dumped:
            _restore_postgresql(staging / POSTGRESQL_DUMP, database_url)
            (staging / POSTGRESQL_DUMP).unlink()
        else:
            _check_database(staging / DATABASE)
        if data.root.exists():
            data.root.rmdir()
        staging.rename(data.root)
        sync_dir(data.root.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        raise
    return files


def read_manifest(source: Path) -> list[BackedUpFile]:
    """The files a backup's manifest lists; BackupError if it is missing or malformed."""
    path = DataDir(source).manifest
    if not source.is_dir():
        raise BackupError(f"{source} is not a folder")
    if not path.is_file():
        raise BackupError(f"{path} is missing: {source} is not a backup, or an unfinished one")
    try:
        manifest: Any = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError("not a meeting-server backup manifest")
        if manifest.get("version") != VERSION:
            raise ValueError(f"version {manifest.get('version')!r}; this server reads {VERSION}")
        files = [BackedUpFile(str(f["path"]), int(f["size"]), str(f["sha256"]))
                 for f in manifest["files"]]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise BackupError(f"{path} is unreadable: {exc}") from None
    paths = [f.path for f in files]
    strange = [p for p in paths if not is_backed_up(p) and p != POSTGRESQL_DUMP]
    if strange:
        raise BackupError(f"{path} lists files a backup never holds: {', '.join(strange[:3])}")
    if len(set(paths)) != len(paths) or (DATABASE in paths) == (POSTGRESQL_DUMP in paths):
        raise BackupError(f"{path} lists a file twice, or no database")
    return files


def _claim(dest: Path) -> bool:
    """Check that ``dest`` is a new or empty folder and make it; whether it was made here."""
    if dest.exists() and not dest.is_dir():
        raise BackupError(f"{dest} is a file, not a folder")
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty")
    created = not dest.exists()
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    return created


def _undo(dest: Path, created: bool) -> None:
    if created:
        shutil.rmtree(dest, ignore_errors=True)
        return
    for child in dest.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _missing_ancestor(path: Path) -> Path | None:
    """The outermost of ``path`` and its parents that does not exist yet."""
    missing = None
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing = folder
    return missing


def _copy(source: Path, target: Path, relative: str) -> BackedUpFile:
    """Copy a file atomically (fsynced; its folder is synced by the caller), hashing it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reader, atomic_writer(target, sync_folder=False) as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            writer.write(chunk)
    return BackedUpFile(relative, size, digest.hexdigest())


def _hash_and_sync(path: Path, relative: str) -> BackedUpFile:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        sync_file(reader)
    return BackedUpFile(relative, size, digest.hexdigest())


def _check_database(path: Path) -> None:
    """``integrity_check`` of a restored database, and a schema this server knows."""
    newest = len(database.migration_files())
    result, version = database.check(path)
    if result != "ok":
        raise BackupError(f"the backup's database fails integrity_check: {result}")
    if version > newest:
        raise BackupError(f"the backup's database has schema version {version}; this "
                          f"meeting-server knows up to {newest}: restore it with a newer one")


def _pg_tool(name: str, *args: str) -> None:
    """Run ``pg_dump`` or ``pg_restore`` (Debian's ``postgresql-client``); BackupError with
    what it said if it fails."""
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if found is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    done = subprocess.run([found, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{name} failed: {done.stderr.strip()[-2000:]}")


def _restore_postgresql(dump: Path, url: str) -> None:
    """Load a dump into the database of ``url``, which must hold no tables yet."""
    import asyncio

    import asyncpg

    async def tables() -> int:
        conn = await asyncpg.connect(url)
        try:
            return int(await conn.fetchval(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"))
        finally:
            await conn.close()

    if asyncio.run(tables()):
        raise BackupError("the database of MEETING_DATABASE_URL is not empty; restore needs "
                          "a new, empty database (createdb)")
    _pg_tool("pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
             f"--dbname={url}", str(dump))
