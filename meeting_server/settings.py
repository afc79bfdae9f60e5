"""Settings, read once from ``MEETING_*`` variables and command-line flags.

Every field of :class:`Settings` is listed in :data:`SETTINGS` with its environment variable, its
command-line flag (if any), its default and a one-line description; ``serve --help`` and
``docs/configuration.md`` are both checked against that table by the tests.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(ValueError):
    """A setting has a value the server cannot use."""


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    flag: str | None
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "MEETING_DATA_DIR", "--data-dir", "./var",
            "Directory for the database, documents and caches."),
    Setting("host", "MEETING_HOST", "--host", "127.0.0.1", "Interface to listen on."),
    Setting("port", "MEETING_PORT", "--port", "8000", "TCP port to listen on."),
    Setting("secret_key", "MEETING_SECRET_KEY", None, "",
            "Key for hashing session tokens; generated into DATA_DIR/secret_key when empty."),
    Setting("time_zone", "MEETING_TIME_ZONE", "--time-zone", "Asia/Ho_Chi_Minh",
            "Time zone of meetings, deadlines and timestamps."),
    Setting("max_upload_mb", "MEETING_MAX_UPLOAD_MB", "--max-upload-mb", "200",
            "Largest accepted document upload, in MiB."),
    Setting("allowed_origins", "MEETING_ALLOWED_ORIGINS", "--allowed-origins", "",
            "Comma-separated extra origins allowed to use the session cookie."),
    Setting("public_url", "MEETING_PUBLIC_URL", "--public-url", "",
            "Public base URL (for pairing links and the Origin check behind a proxy)."),
    Setting("session_days", "MEETING_SESSION_DAYS", None, "30",
            "Days a sign-in stays valid."),
    Setting("cookie_secure", "MEETING_COOKIE_SECURE", None, "false",
            "Mark the session cookie Secure (set to true behind HTTPS)."),
    Setting("page_width", "MEETING_PAGE_WIDTH", None, "1600",
            "Width in pixels of page images for a portrait page."),
    Setting("page_format", "MEETING_PAGE_FORMAT", None, "webp",
            "Page image format: webp or png."),
    Setting("pdf_memory_mb", "MEETING_PDF_MEMORY_MB", None, "1024",
            "Address-space limit of a PDF worker process, in MiB."),
    Setting("pdf_timeout", "MEETING_PDF_TIMEOUT", None, "30",
            "Seconds a PDF worker job may run before it is killed."),
    Setting("ws_queue_size", "MEETING_WS_QUEUE_SIZE", None, "256",
            "Messages buffered per WebSocket client before it is dropped (close 1013)."),
    Setting("issuer_parent", "MEETING_ISSUER_PARENT", None, "ỦY BAN NHÂN DÂN THÀNH PHỐ",
            "Governing body on publications (first header line)."),
    Setting("issuer", "MEETING_ISSUER", None, "VĂN PHÒNG",
            "Issuing body on publications (second header line, bold)."),
    Setting("place", "MEETING_PLACE", None, "Thành phố",
            "Place name of the date line on publications."),
    Setting("log_level", "MEETING_LOG_LEVEL", "--log-level", "info",
            "Logging level: debug, info, warning or error."),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = ""
    time_zone: str = "Asia/Ho_Chi_Minh"
    max_upload_mb: int = 200
    allowed_origins: tuple[str, ...] = ()
    public_url: str = ""
    session_days: int = 30
    cookie_secure: bool = False
    page_width: int = 1600
    page_format: str = "webp"
    pdf_memory_mb: int = 1024
    pdf_timeout: float = 30.0
    ws_queue_size: int = 256
    issuer_parent: str = "ỦY BAN NHÂN DÂN THÀNH PHỐ"
    issuer: str = "VĂN PHÒNG"
    place: str = "Thành phố"
    log_level: str = "info"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def db_path(self) -> Path:
        return self.data_dir / "meeting.db"

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> Settings:
        """Read settings from ``environ`` (default ``os.environ``); non-None overrides win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            override = overrides.get(setting.name)
            raw = str(override) if override is not None else env.get(setting.env, setting.default)
            values[setting.name] = _PARSERS.get(setting.name, _text)(setting, raw.strip())
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"MEETING_TIME_ZONE: unknown time zone {self.time_zone!r}") from exc
        if self.page_format not in ("webp", "png"):
            raise ConfigError("MEETING_PAGE_FORMAT must be 'webp' or 'png'")
        if self.log_level not in ("debug", "info", "warning", "error"):
            raise ConfigError("MEETING_LOG_LEVEL must be debug, info, warning or error")
        for origin in self.allowed_origins:
            if not origin.startswith(("http://", "https://")):
                raise ConfigError(f"MEETING_ALLOWED_ORIGINS: {origin!r} is not an origin")

    def with_secret(self) -> Settings:
        """Return settings whose ``secret_key`` is set, generating and keeping one if needed."""
        if self.secret_key:
            return self
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
                f.flush()
                os.fsync(f.fileno())
        key = path.read_text().strip()
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["secret_key"] = key
        return Settings(**values)


def _text(setting: Setting, raw: str) -> str:
    return raw


def _int(lo: int, hi: int) -> Callable[[Setting, str], int]:
    def parse(setting: Setting, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{setting.env}: {raw!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise ConfigError(f"{setting.env}: {value} is outside {lo}..{hi}")
        return value

    return parse


def _float(setting: Setting, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{setting.env}: {raw!r} is not a number") from None
    if not 0 < value <= 3600:
        raise ConfigError(f"{setting.env}: {value} is outside 0..3600")
    return value


def _bool(setting: Setting, raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{setting.env}: {raw!r} is not true or false")


def _path(setting: Setting, raw: str) -> Path:
    if not raw:
        raise ConfigError(f"{setting.env} must not be empty")
    return Path(raw).expanduser().resolve()


def _origins(setting: Setting, raw: str) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


_PARSERS: dict[str, Callable[[Setting, str], Any]] = {
    "data_dir": _path,
    "port": _int(0, 65535),
    "max_upload_mb": _int(1, 100_000),
    "session_days": _int(1, 3650),
    "cookie_secure": _bool,
    "page_width": _int(200, 6000),
    "pdf_memory_mb": _int(128, 65536),
    "pdf_timeout": _float,
    "ws_queue_size": _int(8, 100_000),
    "allowed_origins": _origins,
    "public_url": lambda s, raw: raw.rstrip("/"),
}
