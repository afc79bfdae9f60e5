"""Settings, read once from ``MEETING_*`` variables and command-line flags.

Each field of :class:`Settings` is declared once, with :func:`setting`: its environment
variable, its command-line flag (if any), its default as text, a one-line description and the
parser that turns text into the field's value (and fails naming the variable). :data:`SETTINGS`
is made from those declarations; ``--help`` and the table in ``docs/configuration.md`` are made
from :data:`SETTINGS`, and the tests check both.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from meeting_server.datadir import DataDir

T = TypeVar("T")


class ConfigError(ValueError):
    """A setting has a value the server cannot use."""


# ------------------------------------------------------------------ parsers: (variable, text)


def _text(env: str, raw: str) -> str:
    return raw


def _int(lo: int, hi: int) -> Callable[[str, str], int]:
    def parse(env: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{env}: {raw!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise ConfigError(f"{env}: {value} is outside {lo}..{hi}")
        return value

    return parse


def _seconds(env: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{env}: {raw!r} is not a number") from None
    if not 0 < value <= 3600:
        raise ConfigError(f"{env}: {value} is outside 0..3600")
    return value


def _bool(env: str, raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{env}: {raw!r} is not true or false")


def _path(env: str, raw: str) -> Path:
    if not raw:
        raise ConfigError(f"{env} must not be empty")
    return Path(raw).expanduser().resolve()


def _zone(env: str, raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{env}: unknown time zone {raw!r}") from exc
    return raw


def _choice(*options: str) -> Callable[[str, str], str]:
    def parse(env: str, raw: str) -> str:
        if raw not in options:
            raise ConfigError(f"{env} must be one of {', '.join(options)}, not {raw!r}")
        return raw

    return parse


def _origins(env: str, raw: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if not origin.startswith(("http://", "https://")):
            raise ConfigError(f"{env}: {origin!r} is not an origin")
    return origins


def _url(env: str, raw: str) -> str:
    return raw.rstrip("/")


def _database_url(env: str, raw: str) -> str:
    if raw and not raw.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(f"{env} must start with sqlite:/// or postgresql://")
    return raw


def _lines(env: str, raw: str) -> str:
    """Text whose lines are kept: a newline, or the two characters ``\\n`` (which fit in any
    environment file), breaks the line; blanks around each line are dropped."""
    lines = [line.strip() for line in raw.replace("\\n", "\n").splitlines()]
    return "\n".join(line for line in lines if line)


def _line_list(env: str, raw: str) -> tuple[str, ...]:
    return tuple(line for line in _lines(env, raw).splitlines())


def _symbol(env: str, raw: str) -> str:
    """The issuing body's abbreviation in a document's symbol (``VP`` in ``152/TB-VP``)."""
    if not re.fullmatch(r"[A-ZĐ0-9&]+(-[A-ZĐ0-9&]+)*", raw) or len(raw) > 30:
        raise ConfigError(f"{env}: {raw!r} is not a symbol (capital letters and digits, "
                          "parts joined by '-', e.g. VP or UBND)")
    return raw


def _optional_file(env: str, raw: str) -> Path | None:
    if not raw:
        return None
    path = Path(raw).expanduser().resolve()
    if not path.is_file():
        raise ConfigError(f"{env}: {raw!r} is not a readable file")
    return path


def _redis_url(env: str, raw: str) -> str:
    """Empty (one instance), or a URL redis-py connects to: redis://, rediss:// or unix://."""
    if raw and not re.fullmatch(r"(redis|rediss|unix)://\S+", raw):
        raise ConfigError(f"{env}: {raw!r} is not a Redis URL (redis://host:6379/0, "
                          "rediss://… or unix:///path/to/redis.sock)")
    return raw


# ------------------------------------------------------------------ the declarations


@dataclass(frozen=True)
class Setting:
    """How one field of :class:`Settings` is read and documented."""

    name: str
    env: str
    flag: str | None
    default: str
    help: str
    parse: Callable[[str, str], Any] = field(default=_text, repr=False, compare=False)

    def read(self, raw: str) -> Any:
        """The field's value from text (surrounding blanks ignored); ConfigError if unusable."""
        return self.parse(self.env, raw.strip())


def setting(env: str, flag: str | None, default: str, help: str, *,
            parse: Callable[[str, str], T], secret: bool = False) -> T:
    """Declare a field of :class:`Settings`. The default is text, parsed like any value; a
    ``secret`` is left out of the settings' ``repr`` (and so out of logs and tracebacks)."""
    spec = Setting("", env, flag, default, help, parse)
    return cast(T, field(repr=not secret, metadata={"setting": spec}))


@dataclass(frozen=True)
class Settings:
    """Every setting, made by :meth:`load`."""

    data_dir: Path = setting(
        "MEETING_DATA_DIR", "--data-dir", "./var",
        "Directory for the database, documents, publications and caches.", parse=_path)
    database_url: str = setting(
        "MEETING_DATABASE_URL", None, "",
        "Where the database is: empty for SQLite in the data dir, sqlite:///PATH, or "
        "postgresql://USER:PASSWORD@HOST:PORT/NAME for PostgreSQL (docs/deployment.md).",
        parse=_database_url, secret=True)
    host: str = setting("MEETING_HOST", "--host", "127.0.0.1", "Interface to listen on.",
                        parse=_text)
    port: int = setting("MEETING_PORT", "--port", "8000", "TCP port to listen on.",
                        parse=_int(0, 65535))
    secret_key: str = setting(
        "MEETING_SECRET_KEY", None, "",
        "Key for hashing session tokens; generated into DATA_DIR/secret_key when empty.",
        parse=_text, secret=True)
    time_zone: str = setting("MEETING_TIME_ZONE", "--time-zone", "Asia/Ho_Chi_Minh",
                             "Time zone of meetings, deadlines and timestamps.", parse=_zone)
    max_upload_mb: int = setting("MEETING_MAX_UPLOAD_MB", "--max-upload-mb", "200",
                                 "Largest accepted document upload, in MiB.",
                                 parse=_int(1, 100_000))
    allowed_origins: tuple[str, ...] = setting(
        "MEETING_ALLOWED_ORIGINS", "--allowed-origins", "",
        "Comma-separated extra origins allowed to use the session cookie.", parse=_origins)
    public_url: str = setting(
        "MEETING_PUBLIC_URL", "--public-url", "",
        "Public base URL (for pairing links and the Origin check behind a proxy).", parse=_url)
    session_days: int = setting("MEETING_SESSION_DAYS", None, "30",
                                "Days a sign-in stays valid.", parse=_int(1, 3650))
    cookie_secure: bool = setting("MEETING_COOKIE_SECURE", None, "false",
                                  "Mark the session cookie Secure (set to true behind HTTPS).",
                                  parse=_bool)
    forwarded_allow_ips: str = setting(
        "MEETING_FORWARDED_ALLOW_IPS", None, "127.0.0.1",
        "Comma-separated proxy addresses whose X-Forwarded-For names the client (sign-in "
        "limits count client addresses); * trusts any.", parse=_text)
    signin_account_failures: int = setting(
        "MEETING_SIGNIN_ACCOUNT_FAILURES", None, "5",
        "Failed sign-ins to one account (from one address) before each further try must wait.",
        parse=_int(1, 10_000))
    signin_address_failures: int = setting(
        "MEETING_SIGNIN_ADDRESS_FAILURES", None, "20",
        "Failed sign-ins or pairing codes from one address before each further try must wait.",
        parse=_int(1, 100_000))
    signin_delay: float = setting(
        "MEETING_SIGNIN_DELAY", None, "1",
        "Seconds of the first wait after those failures; it doubles with each further one.",
        parse=_seconds)
    signin_max_delay: float = setting(
        "MEETING_SIGNIN_MAX_DELAY", None, "900",
        "Longest wait in seconds; failures are forgotten twice this long after the last.",
        parse=_seconds)
    staff_idle_minutes: int = setting(
        "MEETING_STAFF_IDLE_MINUTES", None, "30",
        "Minutes without a request after which an admin's or secretary's session (the "
        "console) ends.", parse=_int(1, 7 * 24 * 60))
    audit_days: int = setting("MEETING_AUDIT_DAYS", None, "365",
                              "Days the audit log keeps a row (views, downloads, publishing).",
                              parse=_int(1, 36_500))
    audit_flush_seconds: float = setting(
        "MEETING_AUDIT_FLUSH_SECONDS", None, "5",
        "Seconds between writes of the buffered audit rows and session activity.",
        parse=_seconds)
    sweep_minutes: int = setting(
        "MEETING_SWEEP_MINUTES", None, "60",
        "Minutes between sweeps of old idempotency keys, pairing codes, sessions and audit "
        "rows.", parse=_int(1, 24 * 60))
    page_width: int = setting("MEETING_PAGE_WIDTH", None, "1600",
                              "Width in pixels of page images for a portrait page.",
                              parse=_int(200, 6000))
    page_format: str = setting("MEETING_PAGE_FORMAT", None, "webp",
                               "Page image format: webp or png.", parse=_choice("webp", "png"))
    pdf_memory_mb: int = setting("MEETING_PDF_MEMORY_MB", None, "1024",
                                 "Address-space limit of a PDF worker process, in MiB.",
                                 parse=_int(128, 65536))
    pdf_timeout: float = setting("MEETING_PDF_TIMEOUT", None, "30",
                                 "Seconds a PDF worker job may run before it is killed.",
                                 parse=_seconds)
    max_pdf_pages: int = setting(
        "MEETING_MAX_PDF_PAGES", None, "2000",
        "Most pages an uploaded PDF may have (more: 422 too_many_pages).",
        parse=_int(1, 100_000))
    ws_queue_size: int = setting(
        "MEETING_WS_QUEUE_SIZE", None, "256",
        "Messages buffered per WebSocket client before it is dropped (close 1013).",
        parse=_int(8, 100_000))
    ws_replay_events: int = setting(
        "MEETING_WS_REPLAY_EVENTS", None, "1000",
        "Most missed events a reconnecting tablet is sent one by one; more, and it gets a "
        "snapshot.", parse=_int(1, 100_000))
    ws_replay_kb: int = setting(
        "MEETING_WS_REPLAY_KB", None, "1024",
        "Most KiB of missed events a reconnecting tablet is sent one by one; more, and it gets "
        "a snapshot.", parse=_int(16, 1_048_576))
    redis_url: str = setting(
        "MEETING_REDIS_URL", None, "",
        "Redis that several instances share (redis://host:6379/0): committed events, "
        "revocations and sign-in limits go through it. Empty: one instance, nothing shared.",
        parse=_redis_url, secret=True)
    speaking_seconds: int = setting(
        "MEETING_SPEAKING_SECONDS", None, "180",
        "Default time a speaker is given, in seconds; the chair may set another per meeting.",
        parse=_int(10, 3600))
    issuer_parent: str = setting(
        "MEETING_ISSUER_PARENT", None, "ỦY BAN NHÂN DÂN THÀNH PHỐ",
        "Governing body at the top of publications; a newline (or \\n) starts a new line.",
        parse=_lines)
    issuer: str = setting(
        "MEETING_ISSUER", None, "VĂN PHÒNG",
        "Issuing body under it, bold, with the short rule; a newline (or \\n) starts a new "
        "line.", parse=_lines)
    issuer_symbol: str = setting(
        "MEETING_ISSUER_SYMBOL", None, "VP",
        "The issuing body's abbreviation in document symbols: Số: 152/TB-VP.", parse=_symbol)
    issuer_head: str = setting(
        "MEETING_ISSUER_HEAD", None, "Chánh Văn phòng",
        "Position of the issuing body's head; the signer's authority (KT., TL., TUQ.) is "
        "derived from it.", parse=_text)
    issuer_collective: str = setting(
        "MEETING_ISSUER_COLLECTIVE", None, "",
        "For a collective body (e.g. ỦY BAN NHÂN DÂN), its name after TM. in the signer "
        "block; empty for a body led by its head.", parse=_text)
    place: str = setting("MEETING_PLACE", None, "Thành phố",
                         "Place name of the date line on publications.", parse=_text)
    drafting_unit: str = setting(
        "MEETING_DRAFTING_UNIT", None, "TH",
        "Abbreviation of the drafting unit in the last recipient line: Lưu: VT, TH.",
        parse=_text)
    leadership_recipients: tuple[str, ...] = setting(
        "MEETING_LEADERSHIP_RECIPIENTS", None, "Chủ tịch, các Phó Chủ tịch UBND thành phố",
        "Recipient lines of the leadership on every notice; one per line (newline or \\n).",
        parse=_line_list)
    signing_certificate: Path | None = setting(
        "MEETING_SIGNING_CERTIFICATE", None, "",
        "PKCS#12 file (.p12, .pfx) of the issuing body's certificate; published PDFs are "
        "signed with it (PAdES). Empty: published unsigned.", parse=_optional_file)
    signing_password: str = setting(
        "MEETING_SIGNING_PASSWORD", None, "",
        "Password of the PKCS#12 file.", parse=_text, secret=True)
    smtp_host: str = setting(
        "MEETING_SMTP_HOST", None, "",
        "SMTP server that notification emails go through; empty: notifications in-app only.",
        parse=_text)
    smtp_port: int = setting("MEETING_SMTP_PORT", None, "587", "Port of the SMTP server.",
                             parse=_int(1, 65535))
    smtp_username: str = setting("MEETING_SMTP_USERNAME", None, "",
                                 "User name for the SMTP server; empty: no login.",
                                 parse=_text)
    smtp_password: str = setting("MEETING_SMTP_PASSWORD", None, "",
                                 "Password for the SMTP server.", parse=_text, secret=True)
    smtp_from: str = setting(
        "MEETING_SMTP_FROM", None, "Phòng họp không giấy <no-reply@localhost>",
        "From address of notification emails.", parse=_text)
    smtp_security: str = setting(
        "MEETING_SMTP_SECURITY", None, "starttls",
        "starttls (upgrade the connection), tls (TLS from the start) or none.",
        parse=_choice("starttls", "tls", "none"))
    notify_seconds: float = setting(
        "MEETING_NOTIFY_SECONDS", None, "60",
        "Seconds between runs of the notifier (deadlines, reminders, emails).",
        parse=_seconds)
    notify_due_days: int = setting(
        "MEETING_NOTIFY_DUE_DAYS", None, "3",
        "Days before a task's deadline that its units are told it is approaching.",
        parse=_int(0, 365))
    consultation_remind_days: int = setting(
        "MEETING_CONSULTATION_REMIND_DAYS", None, "1",
        "Days before a consultation's deadline that those who have not answered are reminded "
        "(0: on the day).", parse=_int(0, 60))
    reading_remind_hours: int = setting(
        "MEETING_READING_REMIND_HOURS", None, "24",
        "Hours before a meeting that participants who have not opened its documents are "
        "reminded (0: never).", parse=_int(0, 24 * 14))
    log_level: str = setting("MEETING_LOG_LEVEL", "--log-level", "info",
                             "Logging level: debug, info, warning or error.",
                             parse=_choice("debug", "info", "warning", "error"))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def db_path(self) -> Path:
        return DataDir(self.data_dir).database

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> Settings:
        """Read settings from ``environ`` (default ``os.environ``); non-None overrides win."""
        unknown = sorted(set(overrides) - {s.name for s in SETTINGS})
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(unknown)}")
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for s in SETTINGS:
            override = overrides.get(s.name)
            values[s.name] = s.read(str(override) if override is not None
                                    else env.get(s.env, s.default))
        return cls(**values)


SETTINGS: tuple[Setting, ...] = tuple(
    replace(f.metadata["setting"], name=f.name) for f in fields(Settings))


def markdown_table() -> str:
    """:data:`SETTINGS` as the Markdown table of ``docs/configuration.md``."""
    rows = ["| variable | flag | default | what |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        flag = f"`{s.flag}`" if s.flag else "—"
        default = f"`{s.default}`" if s.default else "(empty)"
        rows.append(f"| `{s.env}` | {flag} | {default} | {s.help} |")
    return "\n".join(rows)
