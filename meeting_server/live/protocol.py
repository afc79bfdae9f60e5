"""The live wire format: the only place JSON for a meeting socket is made or read.

Server to client: ``event``, ``snapshot``, ``error`` and ``pong``, made by the ``encode_*``
functions. Client to server: ``hello``, ``ping`` and ``presenter.page``, read by
:func:`decode_client_message` into frozen dataclasses. A message it cannot accept raises
:class:`ProtocolError`, whose stable ``code`` is one of:

    bad_message .... not UTF-8, not JSON, not a JSON object, or over MAX_MESSAGE_BYTES
    unknown_type ... ``type`` missing or not one of the client types
    bad_field ...... a field missing or of the wrong type or range

Unknown extra fields are ignored, so clients can be newer than the server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from meeting_server.models import EVENT_NAMES

MAX_MESSAGE_BYTES: Final = 64 * 1024
_INT_LIMIT: Final = 2**63
_CLIENT_TYPES: Final = "hello, ping, presenter.page"
# What the events logged before events carried only what changed have and today's have not:
# the whole list again.
_WHOLE_LISTS: Final = {"agenda.changed": "agenda_items", "conclusion.saved": "conclusions",
                       "conclusion.deleted": "conclusions"}


class ProtocolError(Exception):
    """A client message the server cannot accept; send it back with ``encode_error``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Hello:
    last_seq: int | None


@dataclass(frozen=True, slots=True)
class Ping:
    pass


@dataclass(frozen=True, slots=True)
class PresenterPage:
    document_id: int
    page: int


ClientMessage: TypeAlias = Hello | Ping | PresenterPage


def _dumps(obj: Mapping[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode_event(seq: int, event: str, data: Mapping[str, Any], at: str, actor: int | None) -> str:
    """A logged event; ``event`` must be one of EVENT_NAMES."""
    if event not in EVENT_NAMES:
        raise ValueError(f"Unknown event name {event!r}")
    return _dumps(
        {"type": "event", "seq": seq, "event": event, "data": data, "at": at, "actor": actor}
    )


def replayable(event: str, data: Mapping[str, Any]) -> bool:
    """Whether a logged event can be sent as it is to a client that resumes: not one logged
    with the whole list again (before events carried only what changed), which today's
    clients do not apply; a replay with one is a snapshot instead."""
    key = _WHOLE_LISTS.get(event)
    return key is None or key not in data


def encode_snapshot(seq: int, state: Mapping[str, Any]) -> str:
    """The meeting's full state as of event ``seq``."""
    return _dumps({"type": "snapshot", "seq": seq, "state": state})


def encode_error(code: str, message: str) -> str:
    """An error about a client message; the socket stays open."""
    return _dumps({"type": "error", "code": code, "message": message})


_PONG: Final = _dumps({"type": "pong"})


def encode_pong() -> str:
    """The answer to a ``ping``."""
    return _PONG


def decode_client_message(text: str | bytes) -> ClientMessage:
    """Read one client message, or raise ProtocolError."""
    obj = _load(text)
    kind = obj.get("type")
    if kind == "hello":
        last_seq = obj.get("last_seq")
        return Hello(None if last_seq is None else _int_field("last_seq", last_seq, 0))
    if kind == "ping":
        return Ping()
    if kind == "presenter.page":
        return PresenterPage(
            _int_field("document_id", obj.get("document_id"), 1),
            _int_field("page", obj.get("page"), 1),
        )
    raise ProtocolError("unknown_type", f"Message type must be one of: {_CLIENT_TYPES}.")


def _load(text: str | bytes) -> dict[str, Any]:
    too_large = ProtocolError("bad_message", f"Message is over {MAX_MESSAGE_BYTES} bytes.")
    if len(text) > MAX_MESSAGE_BYTES:
        raise too_large
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("bad_message", "Message is not UTF-8.") from None
    elif len(text.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
        raise too_large
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("bad_message", "Message is not valid JSON.") from None
    if not isinstance(obj, dict):
        raise ProtocolError("bad_message", "Message must be a JSON object.")
    return obj


def _int_field(name: str, value: object, minimum: int) -> int:
    # bool is a subclass of int, and JSON true is not a number.
    if type(value) is not int or not minimum <= value < _INT_LIMIT:
        raise ProtocolError(
            "bad_field", f"{name} must be an integer from {minimum} to {_INT_LIMIT - 1}."
        )
    return value
