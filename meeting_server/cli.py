"""The ``meeting-server`` command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from meeting_server.errors import HTTPError
from meeting_server.settings import SETTINGS, ConfigError, Settings

if TYPE_CHECKING:
    from meeting_server.context import AppContext
    from meeting_server.models import Meeting

logger = logging.getLogger("meeting_server")

# The demo city of agendas/demo (fictional), for the header of its minutes and notices.
DEMO_ISSUER = {"issuer_parent": "UBND THÀNH PHỐ SÔNG LAM", "issuer": "VĂN PHÒNG",
               "issuer_symbol": "VP", "place": "Sông Lam"}
DEMO_ORGANISATION = "Văn phòng UBND thành phố Sông Lam"


def _settings_epilog() -> str:
    lines = ["settings (environment variables; a flag, where shown, wins):"]
    for s in SETTINGS:
        flag = f" ({s.flag})" if s.flag else ""
        default = f" [default: {s.default}]" if s.default else ""
        lines.append(f"  {s.env}{flag}\n      {s.help}{default}")
    return "\n".join(lines)


def _add_setting_flags(parser: argparse.ArgumentParser, names: Sequence[str]) -> None:
    for s in SETTINGS:
        if s.flag and s.name in names:
            parser.add_argument(s.flag, dest=s.name, default=None, help=f"{s.help} (env {s.env})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="meeting-server",
        description="Paperless meeting room server (phòng họp không giấy).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_settings_epilog(),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    every = [s.name for s in SETTINGS if s.flag]

    serve = commands.add_parser("serve", help="run the server (migrates first)",
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=_settings_epilog())
    _add_setting_flags(serve, every)

    demo = commands.add_parser("demo", help="a fresh data dir with the demo meeting, and serve it",
                               formatter_class=argparse.RawDescriptionHelpFormatter,
                               epilog=_settings_epilog())
    _add_setting_flags(demo, every)
    demo.add_argument("--keep", action="store_true",
                      help="keep the temporary data dir when the demo stops (without --data-dir "
                           "it is made for the demo, and removed when it stops)")

    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    _add_setting_flags(migrate, ["data_dir"])

    unit = commands.add_parser("unit", help="manage units (departments)")
    unit_commands = unit.add_subparsers(dest="unit_command", metavar="ACTION", required=True)
    unit_add = unit_commands.add_parser("add", help="add a unit")
    unit_add.add_argument("code")
    unit_add.add_argument("--name", required=True)
    _add_setting_flags(unit_add, ["data_dir"])

    user = commands.add_parser("user", help="manage users")
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    user_add = user_commands.add_parser("add", help="add a user")
    user_add.add_argument("username")
    user_add.add_argument("--name", required=True)
    user_add.add_argument("--role", required=True, choices=["admin", "secretary", "member"])
    user_add.add_argument("--unit", help="unit code")
    user_add.add_argument("--title", default="")
    user_add.add_argument("--password-stdin", action="store_true",
                          help="read the password from standard input (else one is generated)")
    _add_setting_flags(user_add, ["data_dir"])

    imp = commands.add_parser("import", help="create a meeting from an agenda folder")
    imp.add_argument("agenda_dir", type=Path, metavar="AGENDA_DIR")
    _add_setting_flags(imp, ["data_dir"])

    reindex = commands.add_parser("reindex", help="rebuild the search index")
    _add_setting_flags(reindex, ["data_dir"])

    backup = commands.add_parser(
        "backup", help="online backup of the database, secret key, documents and publications "
        "into a new or empty folder")
    backup.add_argument("dest", type=Path, metavar="DEST")
    _add_setting_flags(backup, ["data_dir"])

    restore = commands.add_parser(
        "restore", help="check a backup and make it the (new or empty) data dir")
    restore.add_argument("source", type=Path, metavar="BACKUP")
    _add_setting_flags(restore, ["data_dir"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "serve"
    overrides = {s.name: getattr(args, s.name, None) for s in SETTINGS}
    temporary: Path | None = None  # the demo's own data dir, made here
    if command == "demo":
        if overrides.get("data_dir") is None:
            temporary = Path(tempfile.mkdtemp(prefix="meeting-demo-"))
            overrides["data_dir"] = str(temporary)
        for name, value in DEMO_ISSUER.items():
            if f"MEETING_{name.upper()}" not in os.environ:
                overrides[name] = value
    try:
        settings = Settings.load(**overrides)
    except ConfigError as exc:
        print(f"meeting-server: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if command == "serve":
            return serve(settings)
        if command == "demo":
            return demo(settings, temporary, args.keep)
        return asyncio.run(_offline(command, args, settings))
    except (CommandError, HTTPError) as exc:
        print(f"meeting-server: {exc}", file=sys.stderr)
        return 1


class CommandError(Exception):
    pass


def serve(settings: Settings, banner: str = "") -> int:
    import uvicorn

    from meeting_server.app import create_app
    from meeting_server.live import pauses
    from meeting_server.live.protocol import MAX_MESSAGE_BYTES
    from meeting_server.live.transport import MeetingWebSocketProtocol

    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this: a tablet that stops reading fills 256 KiB, not megabytes,
    # of kernel buffer before its queue in the hub fills and it is closed with 1013.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 256 * 1024)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        raise CommandError(f"cannot listen on {settings.host}:{settings.port}: {exc}") from None
    sock.listen(2048)  # connections wait in the queue while the app starts
    port = sock.getsockname()[1]
    host = settings.host if ":" not in settings.host else f"[{settings.host}]"
    print(f"{banner}Serving on http://{host}:{port}/ (data dir {settings.data_dir})", flush=True)
    # A frame over the protocol's limit is refused by uvicorn from its header (close 1009),
    # before its payload is read.
    config = uvicorn.Config(
        create_app(settings), log_level=settings.log_level, ws_per_message_deflate=False,
        ws_max_size=MAX_MESSAGE_BYTES, ws_ping_interval=20.0, ws_ping_timeout=20.0,
        ws=MeetingWebSocketProtocol, timeout_graceful_shutdown=5, server_header=False,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
    pauses.Server(config).run(sockets=[sock])  # gc.freeze() once started (live/pauses.py)
    return 0


def demo(settings: Settings, temporary: Path | None = None, keep: bool = False) -> int:
    """The demo meeting on a fresh data dir, served; ``temporary``: a data dir made for it,
    removed when the demo stops unless ``keep``."""
    try:
        return _demo(settings, temporary, keep)
    except _Stopped:
        pass
    finally:
        if temporary is not None and not keep:
            shutil.rmtree(temporary, ignore_errors=True)
    # Stopped by SIGTERM, once the data dir is gone: end as the signal ends a process.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)
    return 0


class _Stopped(Exception):
    """SIGTERM while the demo serves: unwinds to remove its data dir (the default action would
    end the process at once)."""


def _stop(signum: int, frame: object) -> None:
    raise _Stopped()


def _demo(settings: Settings, temporary: Path | None, keep: bool) -> int:
    from meeting_server.resources import data_path

    if (settings.data_dir / "meeting.db").exists():
        raise CommandError(f"{settings.data_dir} already holds data; demo needs a fresh dir")
    folder = data_path("agendas/demo")
    settings, signing = _demo_signing(settings)
    meeting_id, people = asyncio.run(_demo_setup(settings, folder))
    lines = ["", "Demo meeting ready / Cuộc họp mẫu đã sẵn sàng:",
             f"  meeting id {meeting_id}", "  users (username / password / role):"]
    for username, password, role in people:
        lines.append(f"    {username:<14} {password}  {role}")
    if temporary is None:
        where = f"  data dir {settings.data_dir}"
    elif keep:
        where = f"  data dir {temporary} (kept when the demo stops / giữ lại khi dừng)"
    else:
        where = (f"  data dir {temporary} (removed when the demo stops; --keep keeps it /"
                 " xóa khi dừng, --keep để giữ lại)")
        # uvicorn ends a SIGTERM by raising it again once it has shut down: here that unwinds
        signal.signal(signal.SIGTERM, _stop)
    print("\n".join([*lines, *signing, where]) + "\n", flush=True)
    return serve(settings)


def _demo_signing(settings: Settings) -> tuple[Settings, list[str]]:
    """Unless a certificate is configured, a self-signed test one in the data dir, so that the
    demo's publications are signed; and the lines that say so."""
    if settings.signing_certificate is not None:
        return settings, [f"  publications are signed with {settings.signing_certificate}"]
    from dataclasses import replace

    from meeting_server.datadir import DataDir
    from meeting_server.publishing.demo_certificate import make_demo_certificate

    path = DataDir(settings.data_dir).demo_certificate
    password = make_demo_certificate(path, DEMO_ORGANISATION, DEMO_ISSUER["place"])
    return replace(settings, signing_certificate=path, signing_password=password), [
        "  digital signatures: a SELF-SIGNED TEST certificate, for trying the demo only /",
        "  chữ ký số: chứng thư tự ký để THỬ NGHIỆM, không có giá trị pháp lý:",
        f"    {path} (password {password})"]


async def _demo_setup(settings: Settings, folder: Path) -> tuple[int, list[tuple[str, str, str]]]:
    from meeting_server.context import open_context
    from meeting_server.datadir import with_secret_key
    from meeting_server.services import accounts
    from meeting_server.store import users

    async with open_context(with_secret_key(settings), background=False) as context:
        meeting = await _import(context, folder)
        people: list[tuple[str, str, str]] = []
        async with context.db.read() as conn:
            everyone = await users.list_users(conn)
        for user in everyone:
            password = secrets.token_urlsafe(6)
            await accounts.update_user(context.db, user.id, {"password": password})
            people.append((user.username, password, user.role))
        return meeting.id, people


async def _offline(command: str, args: argparse.Namespace, settings: Settings) -> int:
    from meeting_server import db as database
    from meeting_server.services import accounts

    if command == "migrate":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        found = database.open_database(settings.database_url, settings.db_path)
        if found.dialect == "sqlite":
            version = database.apply_migrations(found.path)
        else:
            from meeting_server import db_postgres

            version = await db_postgres.apply_migrations(settings.database_url)
        print(f"database at schema version {version}")
        return 0
    if command == "backup":
        return await asyncio.to_thread(_backup, settings, args.dest)
    if command == "restore":
        return await asyncio.to_thread(_restore, settings, args.source)
    if command == "reindex":
        return await _reindex(settings)
    if command == "import":
        _check_agenda(args.agenda_dir)  # a refused agenda.toml: answered before anything opens
    from meeting_server.context import open_context
    from meeting_server.datadir import with_secret_key

    async with open_context(with_secret_key(settings), background=False) as context:
        db = context.db
        if command == "unit":
            unit = await accounts.add_unit(db, args.code, args.name)
            print(f"unit {unit.code} added (id {unit.id})")
        elif command == "user":
            password = _read_password() if args.password_stdin else secrets.token_urlsafe(9)
            user = await accounts.add_user(db, args.username.lower(), args.name, args.role,
                                           args.unit, args.title, password)
            print(f"user {user.username} added (id {user.id})")
            if not args.password_stdin:
                print(f"password: {password}")
        elif command == "import":
            meeting = await _import(context, args.agenda_dir)
            print(f"meeting {meeting.id} imported: {meeting.title}")
    return 0


def _check_agenda(folder: Path) -> None:
    from meeting_server.agenda_import import ImportError_, load_agenda

    try:
        load_agenda(folder)
    except ImportError_ as exc:
        raise CommandError(f"import failed, nothing was imported: {exc}") from None


async def _reindex(settings: Settings) -> int:
    from meeting_server.db import open_database
    from meeting_server.store import search
    from meeting_server.timeutil import Clock

    db = open_database(settings.database_url, settings.db_path, Clock(settings.zone))
    await db.open()
    try:
        async with db.transaction() as tx:
            count = await search.reindex(tx)
    finally:
        await db.close()
    print(f"search index rebuilt: {count} entries")
    return 0


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass()
    if len(password) < 8:
        raise CommandError("a password needs at least 8 characters")
    return password


async def _import(context: AppContext, folder: Path) -> Meeting:
    from meeting_server.agenda_import import ImportError_, import_agenda
    from meeting_server.store import documents

    try:
        meeting = await import_agenda(context.db, context.files, context.worker, folder,
                                      context.settings.max_upload_bytes,
                                      context.settings.max_pdf_pages)
    except ImportError_ as exc:
        raise CommandError(f"import failed, nothing was imported: {exc}") from None
    async with context.db.read() as conn:
        pending = await documents.hashes_without_text(conn)
    for sha256 in pending:
        await context.indexer.index(sha256)
    return meeting


def _backup(settings: Settings, dest: Path) -> int:
    from meeting_server.backup import BackupError, backup
    from meeting_server.datadir import DataDir

    dest = dest.resolve()
    try:
        files = backup(DataDir(settings.data_dir), dest, settings.database_url)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    size = sum(f.size for f in files)
    print(f"backup written to {dest}: {len(files)} files, {size / 2**20:.1f} MiB "
          "(integrity_check ok, manifest written)")
    if not any(f.path == "secret_key" for f in files):
        print("note: no secret_key file in the data dir (MEETING_SECRET_KEY is set?): keep that "
              "key with the backup, or everyone signs in again after a restore")
    return 0


def _restore(settings: Settings, source: Path) -> int:
    from meeting_server.backup import BackupError, restore
    from meeting_server.datadir import DataDir

    source = source.resolve()
    try:
        files = restore(source, DataDir(settings.data_dir), settings.database_url)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(f"restored {len(files)} files from {source} into {settings.data_dir} "
          "(manifest and integrity_check ok)")
    return 0
