"""Document files on disk: content-addressed by SHA-256, written atomically, with caches.

    DATA_DIR/documents/ab/ab12….pdf        the uploaded PDFs, named by their SHA-256
    DATA_DIR/cache/pages/ab12…/W/N.webp    page images per content, width and page
    DATA_DIR/cache/stamped/…               stamped downloads and meeting books per reader
    DATA_DIR/tmp/                          uploads in progress (emptied at start)
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from meeting_server.db import Conn
from meeting_server.errors import TooLarge
from meeting_server.store import documents

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TempFile:
    path: Path
    sha256: str
    size: int


class DocumentFiles:
    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "documents"
        self.tmp = data_dir / "tmp"
        self.cache = data_dir / "cache"
        for folder in (self.root, self.tmp, self.cache):
            folder.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / f"{sha256}.pdf"

    def publication_path(self, sha256: str) -> Path:
        """Published minutes and notices, named by the SHA-256 of their PDF."""
        return self.root.parent / "publications" / sha256[:2] / f"{sha256}.pdf"

    async def keep_bytes(self, final: Path, data: bytes) -> None:
        """Write ``data`` to ``final`` atomically (temporary file, fsync, rename)."""
        await asyncio.to_thread(self._keep_bytes_sync, final, data)

    def _keep_bytes_sync(self, final: Path, data: bytes) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = self.new_temp_path()
        with open(temp, "wb") as f:
            f.write(data)
            _flush_and_sync(f)
        os.replace(temp, final)
        _sync_dir(final.parent)

    def new_temp_path(self, suffix: str = ".part") -> Path:
        return self.tmp / f"{secrets.token_hex(16)}{suffix}"

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
                    raise TooLarge(f"The file is larger than {limit // (1024 * 1024)} MiB.")
                digest.update(chunk)
                await asyncio.to_thread(f.write, chunk)
            await asyncio.to_thread(_flush_and_sync, f)
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
        os.replace(temp.path, final)
        _sync_dir(final.parent)
        return final

    async def keep(self, temp: TempFile) -> Path:
        return await asyncio.to_thread(self.keep_sync, temp)

    def discard(self, temp: TempFile) -> None:
        temp.path.unlink(missing_ok=True)

    def page_dir(self, sha256: str, width: int) -> Path:
        folder = self.cache / "pages" / sha256 / str(width)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def stamped_dir(self) -> Path:
        folder = self.cache / "stamped"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    async def sweep(self, conn: Conn) -> None:
        """Remove unfinished uploads and files no version refers to (run at start-up)."""
        known = await documents.known_hashes(conn)
        await asyncio.to_thread(self._sweep_sync, known)

    def _sweep_sync(self, known: set[str]) -> None:
        for leftover in self.tmp.iterdir():
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        for folder in self.root.iterdir():
            for file in folder.glob("*.pdf") if folder.is_dir() else ():
                if file.stem not in known:
                    logger.warning("removing orphaned document file %s", file.name)
                    file.unlink(missing_ok=True)


def _flush_and_sync(f: object) -> None:
    f.flush()  # type: ignore[attr-defined]
    os.fsync(f.fileno())  # type: ignore[attr-defined]


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
