"""Reading request input: JSON bodies, fields, ids. Every failure is a clear 4xx."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from starlette.convertors import IntegerConvertor
from starlette.requests import Request

from meeting_server.errors import BadRequest, Invalid, NotFound, TooLarge
from meeting_server.textfold import nfc
from meeting_server.timeutil import Clock, parse_date

MAX_JSON_BYTES = 256 * 1024
MAX_ID = 2**63 - 1
_MISSING = object()
# A \u escape of a surrogate (a pair is fine, a lone one is not text): only then is the parsed
# body searched for lone surrogates.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class PathInt(IntegerConvertor):
    """Starlette's ``int`` path convertor, at most 19 digits: a longer id matches no route
    (404) instead of reaching ``int()``, which refuses more than 4,300 digits."""

    regex = "[0-9]{1,19}"


def whole_number(raw: str) -> int | None:
    """``raw`` as a whole number of at most 19 ASCII digits (any id, seq or version fits), else
    None: ``int()`` would take "²" or "١٢", and raises past 4,300 digits."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 19:
        return int(raw)
    return None


def path_id(request: Request, name: str = "id") -> int:
    """An integer id from the path; out-of-range ids are simply not found."""
    value = request.path_params[name]
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise NotFound("Not found.")
    return value


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not (declared.isascii() and declared.isdigit()):
            raise BadRequest("Invalid Content-Length header.", "bad_request")
        if len(declared) > 19 or int(declared) > limit:
            raise TooLarge("The request body is over {kib} KiB.", values={"kib": limit // 1024})
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise TooLarge("The request body is over {kib} KiB.", values={"kib": limit // 1024})
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(request: Request) -> Fields:
    raw = await read_body(request, MAX_JSON_BYTES)
    if not raw.strip():
        raise BadRequest("The request needs a JSON object body.", "malformed_json")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        # ValueError: not UTF-8, not JSON, or an integer over Python's 4,300 digits
        raise BadRequest("The request body is not valid JSON.", "malformed_json") from None
    if not isinstance(value, dict):
        raise BadRequest("The request body must be a JSON object.", "malformed_json")
    if _SURROGATE_ESCAPE.search(raw):
        _refuse_lone_surrogates(value)
    return Fields(nfc(value))


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_lone_surrogates(body: dict[str, Any]) -> None:
    """422 ``invalid_field`` when a string or a key anywhere in ``body`` has a lone surrogate
    (``"\\ud800"`` is valid JSON, but not text that can be stored or shown)."""
    for key, value in body.items():
        field = key.encode("utf-8", "backslashreplace").decode("utf-8")
        stack: list[Any] = [key, value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                if not _is_text(item):
                    raise Invalid("The field '{field}' is not valid Unicode text.",
                                  "invalid_field", values={"field": field}, field=field)
            elif isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)


class Fields:
    """Typed access to a JSON object's fields; unknown fields are refused by ``done()``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.seen: set[str] = set()

    def has(self, name: str) -> bool:
        return name in self.data

    def _get(self, name: str, required: bool) -> Any:
        self.seen.add(name)
        value = self.data.get(name, _MISSING)
        if value is _MISSING and required:
            raise Invalid("The field '{name}' is required.", "missing_field",
                          values={"name": name}, field=name)
        return value

    def text(self, name: str, *, required: bool = True, max_len: int = 500,
             allow_empty: bool = False, nullable: bool = False) -> Any:
        value = self._get(name, required)
        if value is _MISSING or (value is None and nullable):
            return None
        if not isinstance(value, str):
            raise Invalid("The field '{name}' must be a string.", "invalid_field",
                          values={"name": name}, field=name)
        value = value.strip()
        if "\x00" in value:
            raise Invalid("The field '{name}' contains a NUL character.", "invalid_field",
                          values={"name": name}, field=name)
        if not value and not allow_empty:
            raise Invalid("The field '{name}' must not be empty.", "invalid_field",
                          values={"name": name}, field=name)
        if len(value) > max_len:
            raise Invalid("The field '{name}' is longer than {n} characters.",
                          "invalid_field", values={"name": name, "n": max_len}, field=name)
        return value

    def integer(self, name: str, *, required: bool = True, lo: int = 0, hi: int = MAX_ID,
                nullable: bool = False) -> Any:
        value = self._get(name, required)
        if value is _MISSING or (value is None and nullable):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid("The field '{name}' must be a whole number.", "invalid_field",
                          values={"name": name}, field=name)
        if not lo <= value <= hi:
            raise Invalid("The field '{name}' must be between {lo} and {hi}.", "invalid_field",
                          values={"name": name, "lo": lo, "hi": hi}, field=name)
        return value

    def ident(self, name: str, *, required: bool = True, nullable: bool = False) -> Any:
        return self.integer(name, required=required, lo=1, nullable=nullable)

    def ids(self, name: str, *, limit: int, required: bool = True, nullable: bool = False,
            allow_empty: bool = False) -> Any:
        """A list of at most ``limit`` ids (whole numbers from 1 to :data:`MAX_ID`), as given."""
        value = self._get(name, required)
        if value is _MISSING or (value is None and nullable):
            return None
        if (not isinstance(value, list) or len(value) > limit or not (value or allow_empty)
                or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_ID
                           for v in value)):
            raise Invalid("The field '{name}' must be a list of ids.", "invalid_field",
                          values={"name": name}, field=name)
        return value

    def choice(self, name: str, choices: tuple[str, ...], *, required: bool = True) -> Any:
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if value not in choices:
            raise Invalid("The field '{name}' must be one of: {choices}.",
                          "invalid_field", values={"name": name, "choices": ", ".join(choices)},
                          field=name)
        return value

    def boolean(self, name: str, *, required: bool = True) -> Any:
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            raise Invalid("The field '{name}' must be true or false.", "invalid_field",
                          values={"name": name}, field=name)
        return value

    def moment(self, name: str, clock: Clock, *, required: bool = True) -> datetime | None:
        """A date and time; one without an offset is taken in ``clock``'s zone."""
        value = self.text(name, required=required, max_len=40)
        if value is None:
            return None
        try:
            return clock.parse_datetime(value)
        except ValueError:
            raise Invalid("The field '{name}' is not a valid ISO 8601 date and time.",
                          "invalid_field", values={"name": name}, field=name) from None

    def day(self, name: str, *, required: bool = True, nullable: bool = False) -> date | None:
        value = self.text(name, required=required, max_len=10, nullable=nullable)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError:
            raise Invalid("The field '{name}' is not a valid date (YYYY-MM-DD).",
                          "invalid_field", values={"name": name}, field=name) from None

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise Invalid("Unknown field '{name}'.", "unknown_field", values={"name": unknown[0]},
                          field=unknown[0])

