"""``meeting-server import AGENDA_DIR``: a meeting from an ``agenda.toml`` and its PDFs.

Every PDF is checked in the worker before anything is written; a damaged, encrypted or missing
file stops the import with a message naming it, and nothing is imported.
"""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meeting_server.db import Database
from meeting_server.documents_files import DocumentFiles, TempFile
from meeting_server.errors import HTTPError
from meeting_server.models import MEETING_ROLES, USER_ROLES, Meeting
from meeting_server.pdf.ingest import MAX_PAGES, PdfInfo
from meeting_server.pdf.worker import PdfWorker
from meeting_server.services import accounts
from meeting_server.services import agenda as agenda_service
from meeting_server.services import documents as document_service
from meeting_server.services import meetings as meeting_service
from meeting_server.store import documents, users
from meeting_server.textfold import nfc
from meeting_server.timeutil import Clock


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


def read_agenda(folder: Path) -> dict[str, Any]:
    path = folder / "agenda.toml"
    if not path.is_file():
        raise ImportError_(f"{path}: no agenda.toml in the folder")
    try:
        data: dict[str, Any] = nfc(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ImportError_(f"{path}: {exc}") from None
    meeting = data.get("meeting")
    if not isinstance(meeting, dict) or not meeting.get("title") or not meeting.get("starts_at"):
        raise ImportError_(f"{path}: [meeting] needs title and starts_at")
    try:
        Clock().parse_datetime(str(meeting["starts_at"]))
    except ValueError:
        raise ImportError_(f"{path}: starts_at is not an ISO 8601 date and time") from None
    for user in data.get("users", []):
        if user.get("role", "member") not in USER_ROLES:
            raise ImportError_(f"{path}: user {user.get('username')!r} has an unknown role")
    for person in data.get("participants", []):
        if person.get("role") not in MEETING_ROLES:
            raise ImportError_(f"{path}: participant {person.get('username')!r}: bad role")
    return data


async def import_agenda(db: Database, files: DocumentFiles, worker: PdfWorker,
                        folder: Path, max_bytes: int, max_pages: int = MAX_PAGES) -> Meeting:
    data = read_agenda(folder)
    checked: dict[str, CheckedFile] = {}
    try:
        for item in data.get("items", []):
            for doc in item.get("documents", []):
                name = str(doc.get("file", ""))
                path = (folder / name).resolve()
                if not name or folder.resolve() not in path.parents or not path.is_file():
                    raise ImportError_(f"{folder / name}: file not found")
                if name in checked:
                    continue
                try:
                    temp = await files.receive(_chunks(path), max_bytes)
                    info = await document_service.inspect(worker, files, temp, max_pages)
                except HTTPError as error:
                    raise ImportError_(f"{path}: {error.message} ({error.code})") from None
                checked[name] = CheckedFile(name, temp, info)
        for entry in checked.values():
            await files.keep(entry.temp)
        try:
            return await _write(db, data, checked)
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


async def _write(db: Database, data: dict[str, Any], checked: dict[str, CheckedFile]) -> Meeting:
    """Everything of the agenda through the services, in one transaction: all or nothing.

    Units and users that already exist (by code, by username) are used as they are.
    """
    spec = data["meeting"]
    async with db.transaction() as tx:
        for unit in data.get("units", []):
            if await users.unit_by_code(tx, str(unit["code"])) is None:
                await accounts.add_unit_in(tx, str(unit["code"]), str(unit["name"]))
        for person in data.get("users", []):
            if await users.user_by_username(tx, str(person["username"])) is not None:
                continue
            try:
                await accounts.add_user_in(
                    tx, str(person["username"]), str(person["name"]),
                    str(person.get("role", "member")),
                    str(person["unit"]) if person.get("unit") else None,
                    str(person.get("title", "")), None)
            except HTTPError as error:
                raise ImportError_(f"user {person['username']!r}: {error.message}") from None
        chair = await users.user_by_username(tx, spec["chair"]) if spec.get("chair") else None
        if spec.get("chair") and chair is None:
            raise ImportError_(f"chair {spec['chair']!r} is not a user")
        meeting = await meeting_service.create_meeting_in(
            tx, None, str(spec["title"]), tx.clock.parse_datetime(str(spec["starts_at"])),
            str(spec.get("location", "")), chair.id if chair else None)
        for person in data.get("participants", []):
            user = await users.user_by_username(tx, str(person["username"]))
            if user is None:
                raise ImportError_(f"participant {person['username']!r} is not a user")
            await meeting_service.add_participant_in(tx, meeting.id, user.id, person["role"],
                                                     None)
        for item_spec in data.get("items", []):
            item = await agenda_service.add_item_in(
                tx, meeting.id, str(item_spec["title"]), str(item_spec.get("presenter", "")),
                item_spec.get("duration_minutes"), None)
            for doc in item_spec.get("documents", []):
                entry = checked[str(doc["file"])]
                await document_service.publish_in(tx, item, str(doc.get("title") or entry.name),
                                                  entry.name, entry.temp, entry.info, None)
        return meeting
