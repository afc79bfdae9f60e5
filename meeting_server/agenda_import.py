"""``meeting-server import AGENDA_DIR``: a meeting from an ``agenda.toml`` and its PDFs.

Every field is checked as the API checks the same field (the functions of
``meeting_server.inputs``, over ``validate.Fields``: types, lengths, codes, unknown fields),
and a refusal names the file, the line and the field (``agenda.toml:12: items[2].title: ...``),
never a traceback. Every PDF is checked in the worker before anything is written; a damaged,
encrypted or missing file stops the import with a message naming it. Everything is written in
one transaction: a failure creates nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from meeting_server import inputs
from meeting_server.db import Database
from meeting_server.documents_files import DocumentFiles, TempFile
from meeting_server.errors import HTTPError
from meeting_server.models import Meeting
from meeting_server.pdf.ingest import MAX_PAGES, PdfInfo
from meeting_server.pdf.worker import PdfWorker
from meeting_server.services import accounts
from meeting_server.services import agenda as agenda_service
from meeting_server.services import documents as document_service
from meeting_server.services import meetings as meeting_service
from meeting_server.store import documents, users
from meeting_server.textfold import nfc
from meeting_server.timeutil import Clock
from meeting_server.validate import Fields


class ImportError_(Exception):
    """The agenda folder cannot be imported; the message says why."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    temp: TempFile
    info: PdfInfo


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            yield chunk


Where = tuple[str | int, ...]
_TABLES = ("meeting", "units", "users", "participants", "items")


class TomlLines:
    """Which line of ``agenda.toml`` holds each table and key, found by reading its headers
    (``[meeting]``, ``[[items]]``, ``[[items.documents]]``) and ``key =`` lines."""

    def __init__(self, text: str) -> None:
        self.found: dict[Where, int] = {}
        counts: dict[Where, int] = {}
        table: Where = ()
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("[["):
                parts = stripped[2:].split("]]")[0].strip().split(".")
                parent: Where = ()
                for part in parts[:-1]:
                    parent = (*parent, part, counts.get((*parent, part), 1) - 1)
                key = (*parent, parts[-1])
                counts[key] = counts.get(key, 0) + 1
                table = (*key, counts[key] - 1)
                self.found.setdefault(key, number)
                self.found.setdefault(table, number)
            elif stripped.startswith("["):
                table = tuple(stripped[1:].split("]")[0].strip().split("."))
                self.found.setdefault(table, number)
            elif "=" in stripped and not stripped.startswith("#"):
                name = stripped.split("=", 1)[0].strip().strip('"')
                self.found.setdefault((*table, name), number)

    def line(self, where: Where) -> int | None:
        """The line of ``where``, or of the nearest table around it."""
        while where:
            if where in self.found:
                return self.found[where]
            where = where[:-1]
        return None


def describe(where: Where) -> str:
    """``items[2].documents[1].file``, counting from 1 as a reader does."""
    text = ""
    for part in where:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True)
class Agenda:
    """An ``agenda.toml`` read and checked: its fields as the API would take them."""

    path: Path
    lines: TomlLines
    data: dict[str, Any]

    def error(self, where: Where, message: str) -> ImportError_:
        line = self.lines.line(where)
        at = f"{self.path}:{line}" if line else str(self.path)
        return ImportError_(f"{at}: {describe(where)}: {message}")


def _plain(value: Any) -> Any:
    """TOML dates and times as the ISO 8601 text a JSON body would carry."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_agenda(folder: Path) -> Agenda:
    """Read and check ``folder/agenda.toml``; ImportError_ naming the line and field."""
    path = folder / "agenda.toml"
    if not path.is_file():
        raise ImportError_(f"{path}: no agenda.toml in the folder")
    try:
        text = path.read_text(encoding="utf-8")
        raw: dict[str, Any] = _plain(nfc(tomllib.loads(text)))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ImportError_(f"{path}: {exc}") from None
    agenda = Agenda(path, TomlLines(text), {})
    agenda.data.update(_check(agenda, raw))
    return agenda


def read_agenda(folder: Path) -> dict[str, Any]:
    """The checked fields of ``folder/agenda.toml`` (see :func:`load_agenda`)."""
    return load_agenda(folder).data


@contextmanager
def _table(agenda: Agenda, where: Where, value: Any) -> Iterator[Fields]:
    """The table at ``where`` as ``Fields``; a refusal names its line and field."""
    if not isinstance(value, dict):
        raise agenda.error(where, "must be a table")
    fields = Fields(value)
    try:
        yield fields
        fields.done()
    except HTTPError as error:
        field = error.extra.get("field")
        raise agenda.error((*where, field) if field else where, error.message) from None


def _array(agenda: Agenda, raw: dict[str, Any], where: Where, name: str) -> list[Any]:
    value = raw.get(name, [])
    if not isinstance(value, list):
        raise agenda.error((*where, name), "must be an array of tables ([[...]])")
    return value


def _check(agenda: Agenda, raw: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(raw) - set(_TABLES))
    if unknown:
        raise agenda.error((unknown[0],), f"unknown table; known: {', '.join(_TABLES)}")
    clock = Clock()
    with _table(agenda, ("meeting",), raw.get("meeting")) as body:
        meeting = inputs.meeting_fields(body, clock)
        chair = body.text("chair", required=False, max_len=64, nullable=True)
    checked: dict[str, Any] = {"meeting": {
        "title": meeting.title, "starts_at": meeting.starts_at.isoformat(),
        "location": meeting.location, "chair": chair.lower() if chair else None}}
    checked["units"] = []
    for n, value in enumerate(_array(agenda, raw, (), "units")):
        with _table(agenda, ("units", n), value) as body:
            unit = inputs.unit_fields(body)
        checked["units"].append({"code": unit.code, "name": unit.name, "where": ("units", n)})
    checked["users"] = []
    for n, value in enumerate(_array(agenda, raw, (), "users")):
        if isinstance(value, dict) and "role" not in value:
            value = {**value, "role": "member"}
        with _table(agenda, ("users", n), value) as body:
            user = inputs.user_fields(body)
        checked["users"].append({"username": user.username, "name": user.name,
                                 "role": user.role, "unit": user.unit, "title": user.title,
                                 "where": ("users", n)})
    checked["participants"] = []
    for n, value in enumerate(_array(agenda, raw, (), "participants")):
        with _table(agenda, ("participants", n), value) as body:
            username = body.text("username", max_len=64).lower()
            role = inputs.participant_role(body)
        checked["participants"].append({"username": username, "role": role,
                                        "where": ("participants", n)})
    checked["items"] = []
    for n, value in enumerate(_array(agenda, raw, (), "items")):
        with _table(agenda, ("items", n), value) as body:
            item = inputs.item_fields(body)
            body.seen.add("documents")
        docs = []
        for m, doc in enumerate(_array(agenda, value, ("items", n), "documents")):
            with _table(agenda, ("items", n, "documents", m), doc) as body:
                file = body.text("file", max_len=500)
                title = inputs.document_title(
                    body.text("title", required=False, max_len=500, allow_empty=True,
                              nullable=True), Path(file).name)
            docs.append({"file": file, "title": title,
                         "where": ("items", n, "documents", m)})
        checked["items"].append({"title": item.title, "presenter": item.presenter,
                                 "duration_minutes": item.duration_minutes, "documents": docs,
                                 "where": ("items", n)})
    return checked


async def import_agenda(db: Database, files: DocumentFiles, worker: PdfWorker,
                        folder: Path, max_bytes: int, max_pages: int = MAX_PAGES) -> Meeting:
    agenda = load_agenda(folder)
    checked: dict[str, CheckedFile] = {}
    try:
        for item in agenda.data["items"]:
            for doc in item["documents"]:
                name = doc["file"]
                path = (folder / name).resolve()
                if folder.resolve() not in path.parents or not path.is_file():
                    raise agenda.error((*doc["where"], "file"), f"{folder / name}: not found")
                if name in checked:
                    continue
                try:
                    temp = await files.receive(_chunks(path), max_bytes)
                    info = await document_service.inspect(worker, files, temp, max_pages)
                except HTTPError as error:
                    raise agenda.error((*doc["where"], "file"),
                                       f"{path}: {error.message} ({error.code})") from None
                checked[name] = CheckedFile(name, temp, info)
        for entry in checked.values():
            await files.keep(entry.temp)
        try:
            return await _write(db, agenda, checked)
        except BaseException:
            await _remove_unreferenced(db, files, [e.temp.sha256 for e in checked.values()])
            raise
    finally:
        for entry in checked.values():
            files.discard(entry.temp)


async def _remove_unreferenced(db: Database, files: DocumentFiles, hashes: list[str]) -> None:
    """Delete the files this import kept that no document version refers to."""
    async with db.read() as conn:
        known = await documents.known_hashes(conn)
    for sha256 in hashes:
        if sha256 not in known:
            files.path(sha256).unlink(missing_ok=True)


async def _write(db: Database, agenda: Agenda, checked: dict[str, CheckedFile]) -> Meeting:
    """Everything of the agenda through the services, in one transaction: all or nothing.

    Units and users that already exist (by code, by username) are used as they are.
    """
    data = agenda.data
    spec = data["meeting"]
    async with db.transaction() as tx:
        for unit in data["units"]:
            if await users.unit_by_code(tx, unit["code"]) is None:
                await accounts.add_unit_in(tx, unit["code"], unit["name"])
        for person in data["users"]:
            if await users.user_by_username(tx, person["username"]) is not None:
                continue
            try:
                await accounts.add_user_in(tx, person["username"], person["name"],
                                           person["role"], person["unit"], person["title"], None)
            except HTTPError as error:
                field = error.extra.get("field")
                where = (*person["where"], field) if field else person["where"]
                raise agenda.error(where, error.message) from None
        chair = await users.user_by_username(tx, spec["chair"]) if spec["chair"] else None
        if spec["chair"] and chair is None:
            raise agenda.error(("meeting", "chair"), f"{spec['chair']!r} is not a user")
        meeting = await meeting_service.create_meeting_in(
            tx, None, spec["title"], tx.clock.parse_datetime(spec["starts_at"]),
            spec["location"], chair.id if chair else None)
        for person in data["participants"]:
            user = await users.user_by_username(tx, person["username"])
            if user is None:
                raise agenda.error((*person["where"], "username"),
                                   f"{person['username']!r} is not a user")
            await meeting_service.add_participant_in(tx, meeting.id, user.id, person["role"],
                                                     None)
        for item_spec in data["items"]:
            item = await agenda_service.add_item_in(
                tx, meeting.id, item_spec["title"], item_spec["presenter"],
                item_spec["duration_minutes"], None)
            for doc in item_spec["documents"]:
                entry = checked[doc["file"]]
                await document_service.publish_in(tx, item, doc["title"], entry.name,
                                                  entry.temp, entry.info, None)
        return meeting
