"""A data dir shared by several instances (a shared volume): document files stay
content-addressed, and instances starting together agree on the secret key."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from meeting_server.datadir import DataDir
from meeting_server.db import Database
from meeting_server.documents_files import SWEEP_AGE, DocumentFiles

# Each process waits for the file ``go`` to appear, so that all of them race.
_RACE = """
import hashlib, os, sys, time
from pathlib import Path
from meeting_server.datadir import DataDir
root, what, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
while not (root.parent / "go").exists():
    time.sleep(0.001)
data = DataDir(root)
if what == "key":
    print(data.secret_key())
else:
    from meeting_server.documents_files import DocumentFiles, TempFile
    files = DocumentFiles(data)
    content = sys.argv[4].encode() * 50_000
    digest = hashlib.sha256(content).hexdigest()
    for _ in range(n):
        temp = files.new_temp_path()
        temp.write_bytes(content)
        files.keep_sync(TempFile(temp, digest, len(content)))
    print(digest)
"""


def _race(root: Path, what: str, processes: int, *extra: str) -> list[str]:
    root.parent.mkdir(parents=True, exist_ok=True)
    procs = [subprocess.Popen([sys.executable, "-c", _RACE, str(root), what, "20", *extra],
                              stdout=subprocess.PIPE, text=True) for _ in range(processes)]
    (root.parent / "go").touch()
    outputs = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        outputs.append(out.strip())
    return outputs


def test_instances_starting_together_agree_on_the_secret_key(tmp_path: Path) -> None:
    keys = _race(tmp_path / "shared" / "data", "key", 4)
    assert len(set(keys)) == 1 and len(keys[0]) >= 32
    assert (tmp_path / "shared" / "data" / "secret_key").read_text().strip() == keys[0]


def test_instances_keeping_the_same_document_never_write_other_bytes(tmp_path: Path) -> None:
    root = tmp_path / "shared" / "data"
    digests = _race(root, "document", 4, "Tờ trình số 12/TTr-UBND. ")
    assert len(set(digests)) == 1
    kept = list((root / "documents").glob("*/*.pdf"))
    assert [p.stem for p in kept] == digests[:1]
    assert hashlib.sha256(kept[0].read_bytes()).hexdigest() == digests[0]
    leftovers = [p for p in (root / "documents").rglob("*") if p.is_file() and p not in kept]
    assert leftovers == []
    assert list((root / "tmp").iterdir()) == []


async def test_start_up_sweep_leaves_another_instances_upload_in_flight(tmp_path: Path) -> None:
    """An instance starting on a shared data dir sweeps unfinished uploads and files no
    version refers to, but not those of the last SWEEP_AGE: another instance may have kept a
    file whose row it has not committed yet, or be receiving an upload."""
    data = DataDir(tmp_path / "data")
    files = DocumentFiles(data)
    orphan = data.document("ab" + "0" * 62)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.7 kept before its row")
    upload = data.tmp / "upload.part"
    upload.write_bytes(b"arriving")
    db = Database(data.database)
    await db.open()
    try:
        async with db.read() as conn:
            await files.sweep(conn)
        assert orphan.exists() and upload.exists()
        old = time.time() - SWEEP_AGE - 60
        for path in (orphan, upload):
            os.utime(path, (old, old))
        async with db.read() as conn:
            await files.sweep(conn)
        assert not orphan.exists() and not upload.exists()
    finally:
        await db.close()
