"""Every setting is documented, listed by --help, and validated at start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from meeting_server.settings import SETTINGS, ConfigError, Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_docs_configuration_md() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in text]
    assert missing == []


def test_every_setting_is_listed_by_serve_help() -> None:
    out = subprocess.run([sys.executable, "-m", "meeting_server", "serve", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert [s.env for s in SETTINGS if s.env not in out] == []
    assert [s.flag for s in SETTINGS if s.flag and s.flag not in out] == []


def test_every_dataclass_field_has_a_setting() -> None:
    from dataclasses import fields

    assert {f.name for f in fields(Settings)} == {s.name for s in SETTINGS}


def test_defaults(tmp_path: Path) -> None:
    settings = Settings.load(environ={"MEETING_DATA_DIR": str(tmp_path)})
    assert settings.time_zone == "Asia/Ho_Chi_Minh"
    assert settings.max_upload_mb == 200
    assert settings.data_dir == tmp_path


def test_flags_win_over_environment(tmp_path: Path) -> None:
    settings = Settings.load(environ={"MEETING_PORT": "9000"}, port="9100", data_dir=str(tmp_path))
    assert settings.port == 9100


@pytest.mark.parametrize("env,value", [
    ("MEETING_PORT", "eighty"), ("MEETING_PORT", "70000"), ("MEETING_TIME_ZONE", "Mars/Base"),
    ("MEETING_MAX_UPLOAD_MB", "0"), ("MEETING_COOKIE_SECURE", "maybe"),
    ("MEETING_ALLOWED_ORIGINS", "evil.example"), ("MEETING_PAGE_FORMAT", "gif"),
])
def test_bad_values_fail_fast_naming_the_variable(env: str, value: str) -> None:
    with pytest.raises(ConfigError, match=env):
        Settings.load(environ={env: value})


def test_bad_setting_stops_the_command_with_exit_2() -> None:
    result = subprocess.run([sys.executable, "-m", "meeting_server", "migrate"],
                            env={"MEETING_PORT": "x", "PATH": ""}, capture_output=True, text=True)
    assert result.returncode == 2 and "MEETING_PORT" in result.stderr
