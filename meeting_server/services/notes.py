"""Private notes on document pages: checked, saved and removed for their author only.

A note never goes into the meeting's event log nor on the live socket (the log is read by
every participant): it is its author's alone, and a tablet that saved it reads it back with
``GET /api/documents/{id}/notes``.
"""

from __future__ import annotations

import re
from typing import Any

from meeting_server.db import Database
from meeting_server.errors import Invalid, NotFound, TooLarge
from meeting_server.models import Document, DocumentVersion, User
from meeting_server.store import notes
from meeting_server.store.notes import PageNote

MAX_TEXT = 10_000
MAX_STROKES = 500
MAX_POINTS_PER_STROKE = 4_000  # x, y pairs
MAX_POINTS = 40_000  # pairs, all strokes of a page together
MAX_WIDTH = 50  # thousandths of the page's width
SCALE = 10_000
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def check_strokes(value: object) -> list[dict[str, Any]]:
    """Pen strokes as the tablet sends them, checked: a list of ``{"c": "#rrggbb", "w":
    1..50, "p": [x1, y1, ...]}`` with whole coordinates in 0..10000; within the limits."""
    if not isinstance(value, list):
        raise Invalid("The field 'strokes' must be a list of strokes.", "invalid_strokes",
                      field="strokes")
    if len(value) > MAX_STROKES:
        raise TooLarge("A page takes at most {n} strokes.", "too_many_strokes",
                       values={"n": MAX_STROKES})
    checked, total = [], 0
    for stroke in value:
        if not isinstance(stroke, dict) or set(stroke) - {"c", "w", "p"}:
            raise Invalid("Each stroke is an object with 'c', 'w' and 'p'.", "invalid_strokes",
                          field="strokes")
        color, width, points = stroke.get("c", "#c0392b"), stroke.get("w", 3), stroke.get("p")
        if not isinstance(color, str) or not _COLOR.fullmatch(color):
            raise Invalid("A stroke's colour must be written #rrggbb.", "invalid_strokes",
                          field="strokes")
        if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= MAX_WIDTH:
            raise Invalid("A stroke's width must be a whole number from 1 to {n}.",
                          "invalid_strokes", values={"n": MAX_WIDTH}, field="strokes")
        if (not isinstance(points, list) or not points or len(points) % 2
                or not all(isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= SCALE
                           for p in points)):
            raise Invalid("A stroke's points must be pairs of whole numbers from 0 to {n}.",
                          "invalid_strokes", values={"n": SCALE}, field="strokes")
        if len(points) // 2 > MAX_POINTS_PER_STROKE:
            raise TooLarge("A stroke takes at most {n} points.", "too_many_points",
                           values={"n": MAX_POINTS_PER_STROKE})
        total += len(points) // 2
        checked.append({"c": color.lower(), "w": width, "p": points})
    if total > MAX_POINTS:
        raise TooLarge("A page's strokes take at most {n} points.", "too_many_points",
                       values={"n": MAX_POINTS})
    return checked


async def save(db: Database, user: User, document: Document, version: DocumentVersion,
               page: int, text: str, strokes: list[dict[str, Any]]) -> PageNote | None:
    """Save the caller's note on ``page`` as written on ``version``; an empty note (no text,
    no strokes) is removed, and None returned."""
    if page > version.page_count:
        raise NotFound("The document has {pages} pages.", "page_not_found",
                       values={"pages": version.page_count})
    async with db.transaction() as tx:
        if not text and not strokes:
            await notes.delete(tx, user.id, document.id, page)
            return None
        return await notes.save(tx, user.id, document.id, page, version.version, text, strokes)


async def delete(db: Database, user: User, document: Document, page: int) -> None:
    async with db.transaction() as tx:
        if not await notes.delete(tx, user.id, document.id, page):
            raise NotFound("You have no note on this page.", "note_not_found")
