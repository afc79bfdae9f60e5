from __future__ import annotations

import json
from typing import Any

import pytest

from meeting_server.live.protocol import (
    MAX_MESSAGE_BYTES,
    Hello,
    Ping,
    PresenterPage,
    ProtocolError,
    decode_client_message,
    encode_error,
    encode_event,
    encode_pong,
    encode_snapshot,
    replayable,
)
from meeting_server.models import EVENT_NAMES


def decode_error(text: str | bytes) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        decode_client_message(text)
    return info.value


def test_event_names_are_those_of_the_design() -> None:
    # and agenda.item_deleted: events say what changed, a removal its id (docs/live-protocol.md)
    assert EVENT_NAMES == {
        "meeting.updated",
        "agenda.changed",
        "agenda.item_deleted",
        "agenda.current",
        "presenter.page",
        "document.published",
        "document.version",
        "attendance.changed",
        "participant.added",
        "participant.removed",
        "conclusion.saved",
        "conclusion.deleted",
        "task.assigned",
        "task.updated",
        "publication.published",
        # the speakers' list and votes (docs/voting.md)
        "floor.requested", "floor.withdrawn", "floor.reordered", "floor.given", "floor.ended",
        "floor.limit_set", "vote.opened", "vote.cast", "vote.closed", "proxy.granted",
        "proxy.revoked",
        # the follow-up item (docs/tasks.md)
        "followup.created", "followup.decided",
    }


def test_an_event_logged_with_the_whole_list_again_is_not_replayed() -> None:
    saved = {"id": 1, "number": 1, "text": "Kết luận"}
    assert not replayable("conclusion.saved", {"conclusion": saved, "conclusions": [saved]})
    assert replayable("conclusion.saved", {"conclusion": saved})


def test_encode_event() -> None:
    text = encode_event(7, "conclusion.saved", {"text": "Tiến độ"}, "2025-07-01T09:00:00+07:00", 3)
    assert json.loads(text) == {
        "type": "event",
        "seq": 7,
        "event": "conclusion.saved",
        "data": {"text": "Tiến độ"},
        "at": "2025-07-01T09:00:00+07:00",
        "actor": 3,
    }


def test_encode_is_compact_and_keeps_vietnamese() -> None:
    text = encode_event(1, "agenda.current", {"title": "Cải cách"}, "t", None)
    assert " " not in text.replace("Cải cách", "")
    assert "Cải cách" in text
    assert '"actor":null' in text


def test_encode_event_refuses_an_unknown_name() -> None:
    with pytest.raises(ValueError):
        encode_event(1, "agenda.cahnged", {}, "t", None)


def test_encode_refuses_nan() -> None:
    with pytest.raises(ValueError):
        encode_snapshot(1, {"x": float("nan")})


def test_encode_snapshot() -> None:
    state: dict[str, Any] = {"meeting": {"id": 1}, "presenter": None}
    assert json.loads(encode_snapshot(4, state)) == {"type": "snapshot", "seq": 4, "state": state}


def test_encode_error() -> None:
    assert json.loads(encode_error("bad_field", "page")) == {
        "type": "error",
        "code": "bad_field",
        "message": "page",
    }


def test_encode_pong() -> None:
    assert encode_pong() == '{"type":"pong"}'


def test_decode_hello() -> None:
    assert decode_client_message('{"type":"hello","last_seq":12}') == Hello(12)


def test_decode_hello_with_null_last_seq() -> None:
    assert decode_client_message('{"type":"hello","last_seq":null}') == Hello(None)


def test_decode_hello_without_last_seq() -> None:
    assert decode_client_message('{"type":"hello"}') == Hello(None)


def test_decode_hello_bounds() -> None:
    assert decode_client_message('{"type":"hello","last_seq":0}') == Hello(0)
    text = json.dumps({"type": "hello", "last_seq": 2**63 - 1})
    assert decode_client_message(text) == Hello(2**63 - 1)


def test_decode_ping() -> None:
    assert decode_client_message('{"type":"ping"}') == Ping()


def test_decode_presenter_page() -> None:
    text = '{"type":"presenter.page","document_id":5,"page":2}'
    assert decode_client_message(text) == PresenterPage(document_id=5, page=2)


def test_decode_bytes() -> None:
    assert decode_client_message(b'{"type":"ping"}') == Ping()


def test_decode_ignores_unknown_fields() -> None:
    assert decode_client_message('{"type":"ping","id":"abc"}') == Ping()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        '{"type":"ping"',
        "[1, 2]",
        '"ping"',
        "42",
        "null",
        "[" * 30_000 + "]" * 30_000,
        '{"type":"hello","last_seq":' + "9" * 5000 + "}",
        b"\xff\xfe",
    ],
)
def test_bad_message(text: str | bytes) -> None:
    assert decode_error(text).code == "bad_message"


def test_message_at_the_size_limit_is_read() -> None:
    head = '{"type":"ping","pad":"'
    text = head + "x" * (MAX_MESSAGE_BYTES - len(head) - 2) + '"}'
    assert len(text) == MAX_MESSAGE_BYTES
    assert decode_client_message(text) == Ping()


def test_message_over_the_size_limit_is_refused() -> None:
    text = '{"type":"ping","pad":"' + "x" * MAX_MESSAGE_BYTES + '"}'
    assert decode_error(text).code == "bad_message"
    assert decode_error(text.encode()).code == "bad_message"


def test_size_limit_counts_utf8_bytes() -> None:
    text = '{"type":"ping","pad":"' + "ệ" * (MAX_MESSAGE_BYTES // 3) + '"}'
    assert len(text) < MAX_MESSAGE_BYTES
    assert decode_error(text).code == "bad_message"


@pytest.mark.parametrize(
    "text",
    [
        "{}",
        '{"type":"pong"}',
        '{"type":"HELLO"}',
        '{"type":null}',
        '{"type":["ping"]}',
        '{"kind":"ping"}',
    ],
)
def test_unknown_type(text: str) -> None:
    assert decode_error(text).code == "unknown_type"


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "hello", "last_seq": True},
        {"type": "hello", "last_seq": -1},
        {"type": "hello", "last_seq": 2**63},
        {"type": "hello", "last_seq": 1.0},
        {"type": "hello", "last_seq": "3"},
        {"type": "presenter.page", "page": 1},
        {"type": "presenter.page", "document_id": 0, "page": 1},
        {"type": "presenter.page", "document_id": False, "page": 1},
        {"type": "presenter.page", "document_id": 1},
        {"type": "presenter.page", "document_id": 1, "page": 0},
        {"type": "presenter.page", "document_id": 1, "page": "2"},
        {"type": "presenter.page", "document_id": 1, "page": None},
        {"type": "presenter.page", "document_id": 1, "page": 2**63},
    ],
)
def test_bad_field(fields: dict[str, Any]) -> None:
    error = decode_error(json.dumps(fields))
    assert error.code == "bad_field"
    assert error.message


def test_error_round_trip() -> None:
    error = decode_error('{"type":"presenter.page","document_id":1,"page":0}')
    sent = json.loads(encode_error(error.code, error.message))
    assert sent["type"] == "error"
    assert sent["code"] == "bad_field"
    assert "page" in sent["message"]
