"""Document files on disk: content-addressed by SHA-256, written atomically.

Where they live is :class:`~meeting_server.datadir.DataDir`'s business (documents, publications,
the cache and the temporary folder); this module receives uploads into the temporary folder,
moves checked files to their content address, and sweeps what nothing refers to.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from meeting_server.datadir import DataDir, atomic_write, move_into_place, sync_file
from meeting_server.db import Conn
from meeting_server.errors import TooLarge
from meeting_server.store import documents

logger = logging.getLogger(__name__)

#: Seconds after which an unfinished upload or a file no version refers to is swept.
SWEEP_AGE = 3600.0


def _older(path: Path, before: float) -> bool:
    try:
        return path.stat().st_mtime < before
    except FileNotFoundError:
        return False


@dataclass(frozen=True)
class TempFile:
    path: Path
    sha256: str
    size: int


class DocumentFiles:
    def __init__(self, data: DataDir) -> None:
        self.data = data
        self.data.create()

    def path(self, sha256: str) -> Path:
        return self.data.document(sha256)

    def publication_path(self, sha256: str) -> Path:
        """Published minutes and notices, named by the SHA-256 of their PDF."""
        return self.data.publication(sha256)

    async def keep_bytes(self, final: Path, data: bytes) -> None:
        """Write ``data`` to ``final`` atomically (temporary file, fsync, rename)."""
        await asyncio.to_thread(self._keep_bytes_sync, final, data)

    def _keep_bytes_sync(self, final: Path, data: bytes) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(final, data)

    def new_temp_path(self, suffix: str = ".part") -> Path:
        return self.data.tmp / f"{secrets.token_hex(16)}{suffix}"

    async def receive(self, chunks: AsyncIterator[bytes], limit: int) -> TempFile:
        """Write a stream to a temporary file, hashing it; TooLarge past ``limit`` bytes."""
        path = self.new_temp_path()
        digest = hashlib.sha256()
        size = 0
        f = await asyncio.to_thread(open, path, "wb")
        try:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge("The file is larger than {mib} MiB.",
                                   values={"mib": limit // (1024 * 1024)})
                digest.update(chunk)
                await asyncio.to_thread(f.write, chunk)
            await asyncio.to_thread(sync_file, f)
        except BaseException:
            f.close()
            path.unlink(missing_ok=True)
            raise
        f.close()
        return TempFile(path, digest.hexdigest(), size)

    def keep_sync(self, temp: TempFile) -> Path:
        """Move a checked temporary file to its content address (fsynced, atomic)."""
        final = self.path(temp.sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            temp.path.unlink(missing_ok=True)
            return final
        move_into_place(temp.path, final)
        return final

    async def keep(self, temp: TempFile) -> Path:
        return await asyncio.to_thread(self.keep_sync, temp)

    def discard(self, temp: TempFile) -> None:
        temp.path.unlink(missing_ok=True)

    async def sweep(self, conn: Conn) -> None:
        """Remove unfinished uploads and files no version refers to (run at start-up)."""
        known = await documents.known_hashes(conn)
        await asyncio.to_thread(self._sweep_sync, known)

    def _sweep_sync(self, known: set[str]) -> None:
        # On a data dir shared by several instances, what is younger than SWEEP_AGE may be
        # another instance's upload in flight (a file is kept before its row is committed).
        before = time.time() - SWEEP_AGE
        for leftover in self.data.tmp.iterdir():
            if not _older(leftover, before):
                continue
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        for top in (self.data.documents, self.data.publications):
            for unfinished in top.glob("*/.*.tmp"):  # an atomic write cut short by a crash
                if _older(unfinished, before):
                    unfinished.unlink(missing_ok=True)
        for file in self.data.documents.glob("*/*.pdf"):
            if file.stem not in known and _older(file, before):
                logger.warning("removing orphaned document file %s", file.name)
                file.unlink(missing_ok=True)

