"""Search as its views show it: hits among what the caller may see."""

from __future__ import annotations

from meeting_server import access
from meeting_server.abbreviations import Abbreviations
from meeting_server.db import Conn
from meeting_server.errors import Invalid
from meeting_server.models import Meeting, User
from meeting_server.store import meetings
from meeting_server.store import search as store


async def search(conn: Conn, user: User, text: str, meeting_id: int | None,
                 table: Abbreviations | None = None) -> list[store.Hit]:
    """``GET /api/search``: at most ``store.LIMIT`` hits for ``text`` among what the caller
    may see (``access.search_scope``), best first, the words written any way ``table`` knows.
    One statement per query of the match plan (at most two, each repeated while older
    document versions crowd out the hits)."""
    words, typing = store.parse(text)
    if len(words) > store.MAX_WORDS:
        raise Invalid("Search for at most {words} words.", "query_too_long",
                      values={"words": store.MAX_WORDS})
    if not words:
        return []
    plan = store.match_plan(words, prefix=typing, table=table)
    return await store.search(conn, access.search_scope(user), plan, meeting_id)


async def search_page(conn: Conn, user: User, text: str, meeting_id: int | None,
                      table: Abbreviations | None = None
                      ) -> tuple[list[store.Hit], list[Meeting]]:
    """The search page: the hits, and the meetings the caller may narrow the search to."""
    hits = await search(conn, user, text, meeting_id, table)
    return hits, await meetings.list_visible(conn, access.scope(user))
