"""Streaming multipart uploads: the file goes straight to a temporary file, capped in size.

Nothing is buffered in memory but about a MiB (see WRITE_BYTES); the cap is checked against
``Content-Length`` before reading and again while the body streams, so an oversized upload is
refused (413) before it is stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from meeting_server.datadir import sync_file
from meeting_server.documents_files import DocumentFiles, TempFile
from meeting_server.errors import BadRequest, Invalid, TooLarge

MAX_FIELD_BYTES = 16 * 1024
MAX_FIELDS = 10
OVERHEAD = 64 * 1024
#: The file is written in pieces of about this size, one hop to a thread each (not one per
#: network chunk of 64 KiB: 28 hops for a 1.8 MB file, each a wait on a busy machine).
WRITE_BYTES = 1024 * 1024


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    file: TempFile | None = None
    filename: str = ""


@dataclass
class _Part:
    headers: dict[str, bytes] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    data: list[bytes] = field(default_factory=list)
    size: int = 0


def clean_filename(raw: str | None) -> str:
    """The user's file name, for display and downloads only: no path, no control characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    return name[:200] or "document.pdf"


async def receive(request: Request, files: DocumentFiles, limit: int,
                  file_field: str = "file") -> Upload:
    """Read a multipart/form-data body whose one file part is ``file_field``."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise BadRequest("Send the file as multipart/form-data.", "not_multipart")
    declared = request.headers.get("content-length")
    known = declared is not None and declared.isascii() and declared.isdigit()
    if known and (len(declared or "") > 19 or int(declared or 0) > limit + OVERHEAD):
        raise TooLarge("The file is larger than {mib} MiB.", values={"mib": limit // (1024 * 1024)})

    upload = Upload()
    parts: list[_Part] = []
    header_field = bytearray()
    header_value = bytearray()
    digest = hashlib.sha256()
    temp_path = files.new_temp_path()
    out: BinaryIO | None = None
    pending: list[bytes] = []
    file_size = 0
    written = 0  # of file_size

    def on_part_begin() -> None:
        parts.append(_Part())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        parts[-1].headers[header_field.decode("latin-1").lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        part = parts[-1]
        _, options = parse_options_header(part.headers.get("content-disposition", b""))
        part.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            part.filename = options[b"filename"].decode("utf-8", "replace")
        if len(parts) > MAX_FIELDS:
            raise BadRequest("Too many form fields.", "bad_request")
        if part.filename is not None and part.name != file_field:
            raise BadRequest("Send the file in the field '{name}'.", "bad_request",
                             values={"name": file_field})
        if part.name == file_field and upload.filename:
            raise BadRequest("Send one file per request.", "bad_request")
        if part.name == file_field:
            upload.filename = clean_filename(part.filename)

    def on_part_data(data: bytes, start: int, end: int) -> None:
        nonlocal file_size
        part = parts[-1]
        chunk = data[start:end]
        if part.name == file_field:
            file_size += len(chunk)
            if file_size > limit:
                raise TooLarge("The file is larger than {mib} MiB.",
                               values={"mib": limit // (1024 * 1024)})
            digest.update(chunk)
            pending.append(chunk)
        else:
            part.size += len(chunk)
            if part.size > MAX_FIELD_BYTES:
                raise Invalid("The field '{name}' is too long.", "invalid_field",
                              values={"name": part.name},
                              field=part.name)
            part.data.append(chunk)

    parser = MultipartParser(params[b"boundary"], {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
    })
    try:
        out = await asyncio.to_thread(open, temp_path, "wb")
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit + OVERHEAD:
                raise TooLarge("The file is larger than {mib} MiB.",
                               values={"mib": limit // (1024 * 1024)})
            try:
                parser.write(chunk)
            except (TooLarge, BadRequest, Invalid):
                raise
            except Exception:
                raise BadRequest("The multipart body is malformed.", "bad_request") from None
            if file_size - written >= WRITE_BYTES:
                await asyncio.to_thread(out.write, b"".join(pending))
                pending.clear()
                written = file_size
        parser.finalize()
        await asyncio.to_thread(_write_sync_close, out, b"".join(pending))
        out = None
    except BaseException:
        if out is not None:
            out.close()
        temp_path.unlink(missing_ok=True)
        raise
    for part in parts:
        if part.name != file_field and part.name:
            try:
                upload.fields[part.name] = unicodedata.normalize(
                    "NFC", b"".join(part.data).decode("utf-8"))
            except UnicodeDecodeError:
                temp_path.unlink(missing_ok=True)
                raise Invalid("The field '{name}' is not UTF-8 text.", "invalid_field",
                              values={"name": part.name},
                              field=part.name) from None
    if not upload.filename and not any(p.name == file_field for p in parts):
        temp_path.unlink(missing_ok=True)
        raise Invalid("The form needs a file in the field '{name}'.", "missing_field",
                      values={"name": file_field},
                      field=file_field)
    upload.file = TempFile(temp_path, digest.hexdigest(), file_size)
    return upload


def _write_sync_close(f: BinaryIO, data: bytes) -> None:
    f.write(data)
    sync_file(f)
    f.close()
