"""Backup and restore with the real commands: a restored backup, and a backup served as it is,
serve every document, page image and publication to the sessions signed in before the backup."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pdfs
import pypdf
import pytest
from example import enter_example

from conftest import DEMO, Server, command_server

MANIFEST = "backup-manifest.json"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m meeting_server ARGS``, as an operator types it."""
    return subprocess.run([sys.executable, "-m", "meeting_server", *args],
                          env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def assert_refused(result: subprocess.CompletedProcess[str], *mentions: str) -> None:
    """Exit 1 with one ``meeting-server: ...`` line naming ``mentions``, no traceback."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    [message] = [ln for ln in result.stderr.splitlines() if ln.startswith("meeting-server: ")]
    for mention in mentions:
        assert mention in message, (mention, message)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def build_record(demo: Server) -> tuple[str, int, int, dict[str, str]]:
    """The demo meeting with tasks, an uploaded document in two versions, and a published
    minutes and notice: (the secretary's token, the meeting, the uploaded document,
    publication id -> sha256)."""
    secretary, mid, _ = await enter_example(demo)
    state = (await secretary.get(f"/api/meetings/{mid}")).json()
    item = state["agenda_items"][0]["id"]
    r = await secretary.post(f"/api/agenda-items/{item}/documents", data={"title": "Phụ lục"},
                             files={"file": ("phu-luc.pdf", pdfs.sample(pdfs.ONE_PAGE),
                                             "application/pdf")})
    assert r.status_code == 201, r.text
    uploaded = r.json()["id"]
    r = await secretary.post(f"/api/documents/{uploaded}/versions",
                             files={"file": ("phu-luc-2.pdf", pdfs.sample(pdfs.FOUR_PAGES),
                                             "application/pdf")})
    assert r.status_code == 201, r.text
    published = {}
    for kind in ("minutes", "notice"):
        r = await secretary.post(f"/api/meetings/{mid}/publications", json={"kind": kind})
        assert r.status_code == 201, r.text
        r = await secretary.patch(f"/api/publications/{r.json()['id']}",
                                  json={"number": "152", "end_time": "11:30"})
        assert r.status_code == 200, r.text
        r = await secretary.post(f"/api/publications/{r.json()['id']}/publish")
        assert r.status_code == 200, r.text
        published[str(r.json()["id"])] = r.json()["sha256"]
    token = secretary.headers["authorization"].removeprefix("Bearer ")
    return token, mid, uploaded, published


async def download_everything(url: str, token: str, mid: int) -> dict[str, Any]:
    """Every document version (stamped PDF and each page image), the book and every
    publication PDF, as the holder of ``token`` reads them; what they hold, to compare."""
    seen: dict[str, Any] = {"documents": {}, "publications": {}}
    async with httpx.AsyncClient(base_url=url, timeout=60,
                                 headers={"Authorization": f"Bearer {token}"}) as client:

        async def get(path: str, **params: int) -> httpx.Response:
            r = await client.get(path, params=params)
            assert r.status_code == 200, (path, params, r.text)
            return r

        async def version(document: int, number: int, page_count: int) -> None:
            r = await get(f"/api/documents/{document}/file", version=number)
            assert len(pypdf.PdfReader(io.BytesIO(r.content)).pages) == page_count > 0
            images = await asyncio.gather(*(
                get(f"/api/documents/{document}/pages/{n}", version=number)
                for n in range(1, page_count + 1)))
            assert all(i.headers["content-type"].startswith("image/") for i in images)

        seen["state"] = (await get(f"/api/meetings/{mid}")).json()
        jobs = []
        for listed in seen["state"]["documents"]:
            for v in (await get(f"/api/documents/{listed['id']}")).json()["versions"]:
                seen["documents"][f"{listed['id']}v{v['version']}"] = v["sha256"]
                jobs.append(version(listed["id"], v["version"], v["page_count"]))
        await asyncio.gather(*jobs)
        assert (await get(f"/api/meetings/{mid}/book")).content.startswith(b"%PDF")
        for publication in seen["state"]["publications"]:
            r = await get(f"/api/publications/{publication['id']}/pdf")
            seen["publications"][str(publication["id"])] = sha256(r.content)
    return seen


@pytest.mark.slow
async def test_backup_restore_and_serve_every_file_to_the_same_session(
        demo: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token, mid, uploaded, published = await build_record(demo)
    before = await download_everything(demo.url, token, mid)
    assert before["publications"] == published and len(published) == 2
    assert {f"{uploaded}v1", f"{uploaded}v2"} <= set(before["documents"])

    backup = tmp_path / "backup"
    # Online: the server that wrote all this is still running.
    result = await asyncio.to_thread(run, "backup", str(backup), "--data-dir",
                                     str(demo.settings.data_dir))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    listed = {f["path"] for f in manifest["files"]}
    assert {"meeting.db", "secret_key"} <= listed
    assert {f"publications/{h[:2]}/{h}.pdf" for h in published.values()} <= listed
    assert not any(p.startswith(("cache/", "tmp/")) for p in listed)

    restored = tmp_path / "restored"
    result = await asyncio.to_thread(run, "restore", str(backup), "--data-dir", str(restored))
    assert result.returncode == 0, result.stderr

    # The cache is not in a backup: each server below renders every page again (smaller).
    monkeypatch.setenv("MEETING_PAGE_WIDTH", "400")
    for data_dir in (restored, backup):  # restored, and the backup folder served as it is
        async with command_server(["serve", "--data-dir", str(data_dir)],
                                  tmp_path / f"logs-{data_dir.name}") as (_, url, _, _):
            after = await download_everything(url, token, mid)
        assert after == before


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the demo meeting imported (a secret key, its documents) and its backup,
    made once for this module."""
    root = tmp_path_factory.mktemp("prepared")
    data, backup = root / "data", root / "backup"
    result = run("import", str(DEMO), env={"MEETING_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    result = run("backup", str(backup), env={"MEETING_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def backed_up(prepared: Path, tmp_path: Path) -> tuple[Path, Path]:
    """This test's copy of the prepared data dir and its backup."""
    data, backup = tmp_path / "data", tmp_path / "backup"
    shutil.copytree(prepared / "data", data)
    shutil.copytree(prepared / "backup", backup)
    return data, backup


def test_backup_refuses_a_folder_that_is_not_empty(backed_up: tuple[Path, Path]) -> None:
    data, backup = backed_up
    before = sorted(p.relative_to(backup) for p in backup.rglob("*"))
    assert_refused(run("backup", str(backup), "--data-dir", str(data)),
                   str(backup.resolve()), "not empty")
    assert sorted(p.relative_to(backup) for p in backup.rglob("*")) == before


def _first_document(backup: Path) -> Path:
    return next(p for p in sorted((backup / "documents").rglob("*.pdf")))


def _drop_manifest(backup: Path) -> str:
    (backup / MANIFEST).unlink()
    return "unfinished"


def _delete_a_document(backup: Path) -> str:
    _first_document(backup).unlink()
    return "missing"


def _alter_a_document(backup: Path) -> str:
    document = _first_document(backup)
    data = bytearray(document.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other content
    document.write_bytes(bytes(data))
    return "SHA-256"


def _truncate_the_database(backup: Path) -> str:
    database = backup / "meeting.db"
    database.write_bytes(database.read_bytes()[:4096])
    return "size"


@pytest.mark.parametrize("damage", [_drop_manifest, _delete_a_document, _alter_a_document,
                                    _truncate_the_database])
def test_restore_refuses_a_damaged_backup_and_creates_nothing(
        backed_up: tuple[Path, Path], tmp_path: Path, damage: Any) -> None:
    _, backup = backed_up
    mention = damage(backup)
    target = tmp_path / "new" / "data"
    result = run("restore", str(backup), "--data-dir", str(target))
    assert_refused(result, mention)
    assert "damaged" in result.stderr or "unfinished" in result.stderr
    assert not (tmp_path / "new").exists()


def test_restore_refuses_a_data_dir_that_is_not_empty(backed_up: tuple[Path, Path]) -> None:
    data, backup = backed_up
    database = (data / "meeting.db").read_bytes()
    assert_refused(run("restore", str(backup), "--data-dir", str(data)), "not empty")
    assert (data / "meeting.db").read_bytes() == database


def test_restore_into_an_empty_folder_gives_the_same_files(
        backed_up: tuple[Path, Path], tmp_path: Path) -> None:
    data, backup = backed_up
    target = tmp_path / "empty"
    target.mkdir()
    result = run("restore", str(backup), "--data-dir", str(target))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    for file in manifest["files"]:
        assert sha256((target / file["path"]).read_bytes()) == file["sha256"]
        if file["path"] != "meeting.db":
            assert (target / file["path"]).read_bytes() == (data / file["path"]).read_bytes()
    assert not (target / MANIFEST).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
