"""Every setting is documented, listed by --help, and validated at start."""

from __future__ import annotations

import importlib.util
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


def test_generated_tables_in_the_docs_are_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    for path in generate.FILES:
        text = path.read_text(encoding="utf-8")
        assert "<!-- generated: " in text
        assert generate.generate(text) == text, f"run python docs/generate.py ({path.name})"


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


def test_every_default_is_a_valid_value() -> None:
    settings = Settings.load(environ={})
    assert settings.data_dir == (Path.cwd() / "var").resolve()
    assert settings.allowed_origins == () and settings.pdf_timeout == 30.0
    assert settings.cookie_secure is False and settings.port == 8000


def test_the_secret_key_stays_out_of_repr() -> None:
    settings = Settings.load(environ={"MEETING_SECRET_KEY": "s3cr3t-key-value"})
    assert settings.secret_key == "s3cr3t-key-value"
    assert "s3cr3t" not in repr(settings)


def test_an_unknown_override_is_refused() -> None:
    with pytest.raises(TypeError, match="data_dri"):
        Settings.load(environ={}, data_dri="/tmp/x")


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
