"""The data dir: the atomic write, the secret key, and the list of what a backup holds."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from meeting_server.datadir import (
    LAYOUT,
    DataDir,
    atomic_write,
    atomic_writer,
    is_backed_up,
    with_secret_key,
)
from meeting_server.settings import ConfigError, Settings


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")
    atomic_write(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["file.bin"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_writer(target) as file:
        file.write(b"half of the new")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.bin"]


def test_without_replace_an_existing_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "key"
    atomic_write(target, b"first", replace=False)
    with pytest.raises(FileExistsError):
        atomic_write(target, b"second", replace=False)
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["key"]


def test_the_secret_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    key = data.secret_key()
    assert len(key) >= 64
    assert stat.S_IMODE(data.secret_key_file.stat().st_mode) == 0o600
    assert data.secret_key() == key
    settings = with_secret_key(Settings.load(environ={}, data_dir=str(data.root)))
    assert settings.secret_key == key


def test_a_key_from_the_environment_wins_and_writes_nothing(tmp_path: Path) -> None:
    settings = Settings.load(environ={"MEETING_SECRET_KEY": "from-the-environment"},
                             data_dir=str(tmp_path / "data"))
    assert with_secret_key(settings).secret_key == "from-the-environment"
    assert not (tmp_path / "data").exists()


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    root = tmp_path / "data"
    code = ("import sys; from pathlib import Path; from meeting_server.datadir import DataDir;"
            "sys.stdin.read(); print(DataDir(Path(sys.argv[1])).secret_key())")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(root)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for _ in range(8)]
    for p in procs:  # released together, once all have started
        assert p.stdin is not None
        p.stdin.write("go")
        p.stdin.close()
    outputs = []
    for p in procs:
        assert p.stdout is not None
        outputs.append(p.stdout.read().strip())
        p.stdout.close()
        p.wait(timeout=60)
    assert all(p.returncode == 0 for p in procs)
    assert len(set(outputs)) == 1 and outputs[0] == (root / "secret_key").read_text().strip()
    assert sorted(p.name for p in root.iterdir()) == ["secret_key"]


def test_an_empty_key_file_stops_the_server_naming_it(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    data.secret_key_file.write_text("")
    with pytest.raises(ConfigError, match="secret_key is empty"):
        data.secret_key()


def test_a_backup_lists_the_key_documents_and_publications_only(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    data.create()
    data.secret_key()
    document = hashlib.sha256(b"document").hexdigest()
    publication = hashlib.sha256(b"publication").hexdigest()
    for path in (data.document(document), data.publication(publication)):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"%PDF")
    (data.document(document).parent / f".{document}.pdf.x1y2.tmp").write_bytes(b"half")
    (data.documents / "notes.pdf").write_bytes(b"not content-addressed")
    data.pages(document, 1600).mkdir(parents=True)
    (data.pages(document, 1600) / "1.webp").write_bytes(b"image")
    (data.tmp / "upload.part").write_bytes(b"upload")
    data.database.write_bytes(b"")
    assert data.backed_up_files() == [
        "secret_key", f"documents/{document[:2]}/{document}.pdf",
        f"publications/{publication[:2]}/{publication}.pdf"]


def test_a_backup_holds_the_deployment_s_abbreviations(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    data.abbreviations.write_text("UBND = Ủy ban nhân dân\n", encoding="utf-8")
    assert data.backed_up_files() == ["abbreviations.txt"]


def test_the_layout_and_the_backup_rule_agree() -> None:
    kept = {e.path.rstrip("/") for e in LAYOUT if e.backed_up}
    assert kept == {"meeting.db", "secret_key", "abbreviations.txt", "documents", "publications"}
    sha = "ab" + "0" * 62
    assert is_backed_up("meeting.db") and is_backed_up(f"documents/ab/{sha}.pdf")
    assert is_backed_up("abbreviations.txt")
    for path in ("cache/pages/x/1.webp", "tmp/a.part", f"documents/cd/{sha}.pdf",
                 f"../documents/ab/{sha}.pdf", f"/documents/ab/{sha}.pdf", "backup-manifest.json"):
        assert not is_backed_up(path), path


def test_paths_refuse_what_is_not_a_sha256(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    for bad in ("../../etc/passwd", "AB" * 32, "a" * 63):
        with pytest.raises(ValueError):
            data.document(bad)
        with pytest.raises(ValueError):
            data.publication(bad)
    assert os.fspath(data.document("ab" * 32)).endswith(f"documents/ab/{'ab' * 32}.pdf")
