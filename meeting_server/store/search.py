"""Full-text search over what a user may see, in the FTS5 index of migration 0005.

The index is kept by triggers (see ``migrations/0005_search.sql``); this module turns the user's
words into an FTS5 query, ranks with bm25, keeps only what the caller may see, maps page hits to
documents and versions, and cuts snippets of the original text. ``reindex`` rebuilds the index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice, product
from typing import Any

from meeting_server.abbreviations import Abbreviations
from meeting_server.access import Scope
from meeting_server.db import Conn, Transaction, dialect_of, fetchall, fetchone
from meeting_server.store import search_postgres
from meeting_server.store.tasks import visible_clause as visible_tasks_clause
from meeting_server.textfold import words as folded_words

LIMIT = 50
MAX_QUERY_CHARS = 500
MAX_WORDS = 24
MAX_FETCH = 8 * LIMIT
SNIPPET_TOKENS = 16
_OPEN, _CLOSE = "\x02", "\x03"  # char(2), char(3) in _SEARCH_SQL


@dataclass(frozen=True)
class Hit:
    """One search result. ``id`` is the agenda item, document, conclusion, task or publication;
    ``page`` and ``version`` are set for a hit in a document's text."""

    kind: str
    id: int
    meeting_id: int
    meeting_title: str
    title: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    page: int | None
    version: int | None
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "meeting_id": self.meeting_id,
            "meeting_title": self.meeting_title,
            "title": self.title,
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
            "page": self.page,
            "version": self.version,
        }


MAX_PHRASES = 24


def match_plan(words: Sequence[str], prefix: bool,
               table: Abbreviations | None = None) -> list[str]:
    """The FTS5 queries for folded words, run in turn until there are enough hits: first the
    words side by side as typed (a phrase: Vietnamese words are written as separate
    syllables, so "tien do" should find "tiến độ" before a page with "tiền" and "đô" apart),
    then the words anywhere in the same entry. With ``prefix`` the last word may be the start
    of a word (as the user types). Every word is quoted, so nothing the user types is FTS5
    syntax: ``words`` are letters and digits only.

    With a ``table`` (``abbreviations.Abbreviations``), each word or run of words may be
    written any way the table knows ("STTTT", "Sở TT&TT", "Sở Thông tin và Truyền thông";
    "quí", "quý"): the phrase is any of its spellings, and each part may be any of its own."""
    if not words:
        raise ValueError("no words to search for")
    slots: list[list[tuple[str, ...]]] = (
        table.slots(words) if table is not None else [[(w,)] for w in words])
    star = "*" if prefix and len(words[-1]) > 1 else ""

    def phrase(form: Sequence[str], starred: bool) -> str:
        return " + ".join(f'"{w}"' for w in form) + (star if starred else "")

    def either(slot: list[tuple[str, ...]], last: bool) -> str:
        forms = [phrase(form, last and len(form) == 1) for form in slot]
        return forms[0] if len(forms) == 1 else f"({' OR '.join(forms)})"

    combined = list(islice(product(*slots), MAX_PHRASES + 1))
    if len(combined) > MAX_PHRASES:
        combined = [tuple(slot[0] for slot in slots)]
    together = " OR ".join(
        phrase([w for form in forms for w in form], len(forms[-1]) == 1) for forms in combined)
    if len(slots) == 1:
        return [together]
    # FTS5 takes "a" "b" as a AND b, but needs the AND written after a parenthesis
    joint = " AND " if any(len(slot) > 1 for slot in slots) else " "
    apart = joint.join(either(slot, n == len(slots) - 1) for n, slot in enumerate(slots))
    return [together, f"({apart}) NOT ({together})"]


def parse(query: str) -> tuple[list[str], bool]:
    """The folded words of a query, and whether the last one is still being typed."""
    found = folded_words(query)
    return found, bool(found) and query[-1:].isalnum()


async def search(conn: Conn, seen: Scope, plan: Sequence[str], meeting_id: int | None = None,
                 limit: int = LIMIT) -> list[Hit]:
    """The best ``limit`` hits among what ``seen`` may see (``access.search_scope``),
    optionally in one meeting, for the
    FTS5 queries of ``match_plan``: the first query's hits first, each query's best first
    (bm25), recent meetings first on ties."""
    hits: list[Hit] = []
    current: set[int] = set()  # documents with a hit in their current version
    for match in plan:
        need = limit - len(hits)
        if need <= 0:
            break
        chosen = await _best(conn, seen, match, meeting_id, need, current)
        current |= {r["document_id"] for r in chosen
                    if r["kind"] == "page" and r["version"] == r["current_version"]}
        hits += [_hit(r) for r in chosen]
    return hits


async def _best(conn: Conn, seen: Scope, match: str, meeting_id: int | None, need: int,
                current: set[int]) -> list[sqlite3.Row]:
    fetch = need
    while True:
        rows = await _rows(conn, seen, match, meeting_id, fetch)
        chosen = _choose(rows, need, current)
        if len(chosen) >= need or len(rows) < fetch or fetch >= MAX_FETCH:
            return chosen
        fetch *= 2  # older versions were left out: look further


# FTS5 sorts by rank itself (the ORDER BY is "consumed"), so the joins, the visibility test and
# snippet() run only for the rows that are returned, not for every match.
_SEARCH_SQL = """
SELECT f.rank AS score, s.kind, s.ref, s.page, s.title,
       CASE WHEN s.kind = 'conclusion' THEN substr(s.body, 1, 200) END AS text,
       d.id AS document_id, d.title AS document_title, v.version, d.current_version,
       m.id AS meeting_id, m.title AS meeting_title, m.starts_at,
       snippet(search_fts, -1, char(2), char(3), '…', {tokens}) AS snippet
FROM search_fts f
JOIN search_docs s ON s.id = f.rowid
LEFT JOIN document_versions v ON s.kind = 'page' AND v.sha256 = s.sha256
LEFT JOIN documents d ON d.id = v.document_id
JOIN meetings m ON m.id = coalesce(d.meeting_id, s.meeting_id)
WHERE search_fts MATCH ?{conditions}
ORDER BY f.rank
LIMIT ?
"""

# The SQL of access.search_scope for a member: objects of the meetings they take part in
# (access.can_see_meeting); tasks by access.can_see_task; published minutes and notices by
# access.can_read_publication (the meeting's participants, and for a notice the units with
# tasks in the meeting; drafts are never indexed).
_MEMBER_SQL = """
 AND CASE s.kind
   WHEN 'task' THEN EXISTS (SELECT 1 FROM tasks t WHERE t.id = s.ref AND {tasks})
   WHEN 'publication' THEN m.id IN (SELECT meeting_id FROM participants WHERE user_id = ?)
     OR EXISTS (SELECT 1 FROM publications p JOIN tasks t ON t.meeting_id = p.meeting_id
                WHERE p.id = s.ref AND p.kind = 'notice' AND (t.lead_unit_id = ?
                  OR EXISTS (SELECT 1 FROM task_support_units x
                             WHERE x.task_id = t.id AND x.unit_id = ?)))
   ELSE m.id IN (SELECT meeting_id FROM participants WHERE user_id = ?)
 END"""


async def _rows(conn: Conn, seen: Scope, match: str, meeting_id: int | None,
                fetch: int) -> list[Any]:
    conditions = ""
    params: list[Any] = [match]
    if meeting_id is not None:
        conditions += " AND m.id = ?"
        params.append(meeting_id)
    if not seen.everything:
        tasks_clause, tasks_params = visible_tasks_clause(seen)
        conditions += _MEMBER_SQL.format(tasks=tasks_clause)
        params += [*tasks_params, seen.user_id, seen.unit_id, seen.unit_id, seen.user_id]
    if dialect_of(conn) == "postgresql":
        return await search_postgres.rows(conn, match, conditions, params[1:], fetch,
                                          SNIPPET_TOKENS, (_OPEN, _CLOSE))
    params.append(fetch)
    sql = _SEARCH_SQL.format(tokens=SNIPPET_TOKENS, conditions=conditions)
    return await fetchall(conn, sql, params)


def _choose(rows: Sequence[sqlite3.Row], limit: int,
            current: set[int]) -> list[sqlite3.Row]:
    """Page hits of one version per document: the current one, unless only older ones match
    (then the newest of those; ``current`` are documents whose current version matched an
    earlier query); ties broken by the meeting's date, newest first."""
    versions: dict[int, set[int]] = {}
    latest: dict[int, int] = {}
    for r in rows:
        if r["kind"] == "page":
            versions.setdefault(r["document_id"], set()).add(r["version"])
            latest[r["document_id"]] = r["current_version"]
    shown = {doc: latest[doc] if doc in current or latest[doc] in found else max(found)
             for doc, found in versions.items()}
    kept = [r for r in rows if r["kind"] != "page" or r["version"] == shown[r["document_id"]]]
    kept.sort(key=lambda r: str(r["starts_at"]), reverse=True)
    kept.sort(key=lambda r: float(r["score"]))
    return kept[:limit]


def _marked(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Plain text and the spans FTS5 marked in it."""
    first, *pieces = text.split(_OPEN)
    plain = [first.replace(_CLOSE, "")]
    length = len(plain[0])
    spans: list[tuple[int, int]] = []
    for piece in pieces:
        marked, _, rest = piece.partition(_CLOSE)
        rest = rest.replace(_CLOSE, "")
        if marked:
            spans.append((length, length + len(marked)))
        plain += [marked, rest]
        length += len(marked) + len(rest)
    return "".join(plain), tuple(spans)


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def _hit(r: sqlite3.Row) -> Hit:
    snippet, highlights = _marked(str(r["snippet"] or ""))
    kind = str(r["kind"])
    page = version = None
    if kind == "page":
        kind, object_id, title = "document", int(r["document_id"]), str(r["document_title"])
        page, version = int(r["page"]), int(r["version"])
    else:
        object_id = int(r["ref"])
        title = _shorten(str(r["text"])) if kind == "conclusion" else str(r["title"])
    return Hit(kind, object_id, int(r["meeting_id"]), str(r["meeting_title"]), title,
               snippet, highlights, page, version, float(r["score"]))


async def reindex(tx: Transaction) -> int:
    """Rebuild the index from the source tables; returns the number of entries."""
    if dialect_of(tx) == "postgresql":
        for statement in search_postgres.reindex_sql():
            await tx.execute(statement)
        row = await fetchone(tx, "SELECT count(*) FROM search_docs")
        return int(row[0]) if row else 0
    await tx.execute("INSERT INTO search_rebuilding (flag) VALUES (1)")
    await tx.execute("DELETE FROM search_docs")
    await tx.execute("DELETE FROM search_rebuilding")
    await tx.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
    await tx.execute("INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)"
                     " SELECT * FROM search_source")
    await tx.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
    row = await fetchone(tx, "SELECT count(*) FROM search_docs")
    return int(row[0]) if row else 0
