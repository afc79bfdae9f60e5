"""``meeting-server demo`` without ``--data-dir`` makes its own data dir and removes it when it
stops, or keeps it with ``--keep``; either way it says where it is."""

from __future__ import annotations

import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import serving_command


@pytest.fixture
def temp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """TMPDIR for the command: where it makes its data dir (a short path: the PDF worker's
    socket goes there too)."""
    folder = Path(tempfile.mkdtemp(prefix="demo-", dir="/tmp"))
    monkeypatch.setenv("TMPDIR", str(folder))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize("keep", [False, True], ids=["removed", "kept"])
def test_the_demos_own_data_dir_goes_when_it_stops_unless_kept(
        tmp_path: Path, temp: Path, keep: bool) -> None:
    with serving_command(["demo", *(["--keep"] if keep else [])], tmp_path / "logs") as running:
        proc, _, text, err = running
        [made] = temp.glob("meeting-demo-*")
        assert (made / "meeting.db").exists()
        said = "kept when the demo stops" if keep else "removed when the demo stops"
        assert f"data dir {made} ({said}" in text, text
    assert proc.returncode in (0, -signal.SIGTERM), err.read_text()
    assert "Traceback" not in err.read_text(), err.read_text()
    assert made.exists() is keep
