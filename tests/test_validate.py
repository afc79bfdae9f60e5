"""Fields.ids: the one check of a list of ids in a request body (speakers' order, the people
asked for an opinion, the meetings a follow-up item is made from)."""

from __future__ import annotations

from typing import Any

import pytest

from meeting_server.errors import Invalid
from meeting_server.validate import MAX_ID, Fields


def test_a_list_of_ids_is_returned_as_given() -> None:
    assert Fields({"order": [3, 1, MAX_ID]}).ids("order", limit=3) == [3, 1, MAX_ID]


@pytest.mark.parametrize("value", [
    [True], [0], [-1], [MAX_ID + 1], [1.0], ["1"], [None], [[1]], 1, "1, 2", {"1": 1}, None,
    [1, 2, 3, 4],  # over the limit
    [],  # empty, not allowed here
])
def test_anything_else_is_refused_in_the_error_shape(value: Any) -> None:
    with pytest.raises(Invalid) as refused:
        Fields({"order": value}).ids("order", limit=3)
    assert refused.value.code == "invalid_field" and refused.value.extra == {"field": "order"}
    assert refused.value.values == {"name": "order"}


def test_empty_missing_and_null_when_allowed() -> None:
    assert Fields({"order": []}).ids("order", limit=3, allow_empty=True) == []
    assert Fields({}).ids("order", limit=3, required=False) is None
    assert Fields({"order": None}).ids("order", limit=3, nullable=True) is None
    with pytest.raises(Invalid) as missing:
        Fields({}).ids("order", limit=3)
    assert missing.value.code == "missing_field"
