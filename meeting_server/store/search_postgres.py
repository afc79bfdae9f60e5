"""Search on PostgreSQL: what ``store.search`` does with FTS5, over ``search_docs.folded``.

The index holds the same folded words as SQLite's (``vn_fold``/``vn_words`` in
``migrations/postgresql/0009_initial.sql`` fold as ``textfold`` does). The FTS5 queries of
``search.match_plan`` are turned into tsquery text (``"a" + "b"`` → ``a <-> b``, a trailing
``*`` → ``:*``, ``OR`` → ``|``, ``AND`` or a space → ``&``, ``NOT`` → ``& !``); ranks come from
``ts_rank`` with the title weighing four times the body (as ``bm25(4.0, 1.0)``); the snippet
is cut here from the original text, marking the words that matched, as FTS5's ``snippet()``
does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from meeting_server.db import Conn, Row, fetchall
from meeting_server.textfold import fold

_TOKEN = re.compile(r'"([^"]*)"(\*?)|(\()|(\))|(\+)|\b(OR|AND|NOT)\b|(\S)')


def tsquery(match: str) -> str:
    """The tsquery text of an FTS5 query made by ``search.match_plan``."""
    out: list[str] = []
    need_operator = False
    for quoted, star, opening, closing, plus, keyword, other in _TOKEN.findall(match):
        if quoted or star:
            if need_operator:
                out.append("&")
            out.append(quoted + (":*" if star else ""))
            need_operator = True
        elif plus:
            out.append("<->")
            need_operator = False
        elif opening:
            if need_operator:
                out.append("&")
            out.append("(")
            need_operator = False
        elif closing:
            out.append(")")
            need_operator = True
        elif keyword == "OR":
            out.append("|")
            need_operator = False
        elif keyword == "AND":
            out.append("&")
            need_operator = False
        elif keyword == "NOT":
            out.append("& !")
            need_operator = False
        elif other == "*" and out:
            out[-1] += ":*"
    return " ".join(out)


_PHRASE = re.compile(r'"[^"]*"(?:\s*\+\s*"[^"]*")*\*?')


def phrases(match: str) -> set[tuple[tuple[str, ...], bool]]:
    """The phrases of an FTS5 query (its words side by side), each with whether its last
    word is a prefix."""
    return {(tuple(re.findall(r'"([^"]*)"', found)), found.endswith("*"))
            for found in _PHRASE.findall(match)}


_SEARCH_SQL = """
SELECT -ts_rank('{{0.25, 0.25, 0.25, 1.0}}', s.folded, q.query) AS score, s.kind, s.ref,
       s.page, s.title, s.body,
       CASE WHEN s.kind = 'conclusion' THEN substr(s.body, 1, 200) END AS text,
       d.id AS document_id, d.title AS document_title, v.version, d.current_version,
       m.id AS meeting_id, m.title AS meeting_title, m.starts_at
FROM (SELECT to_tsquery('simple', ?) AS query) q
JOIN search_docs s ON s.folded @@ q.query
LEFT JOIN document_versions v ON s.kind = 'page' AND v.sha256 = s.sha256
LEFT JOIN documents d ON d.id = v.document_id
JOIN meetings m ON m.id = coalesce(d.meeting_id, s.meeting_id)
WHERE 1 = 1{conditions}
ORDER BY score, m.starts_at DESC
LIMIT ?
"""


async def rows(conn: Conn, match: str, conditions: str, params: list[Any], fetch: int,
               tokens: int, marks: tuple[str, str]) -> list[dict[str, Any]]:
    """The hits as ``store.search`` reads them (score, kind, …, snippet)."""
    found = await fetchall(conn, _SEARCH_SQL.format(conditions=conditions),
                           [tsquery(match), *params, fetch])
    wanted = phrases(match)
    return [_with_snippet(r, wanted, tokens, marks) for r in found]


Phrases = set[tuple[tuple[str, ...], bool]]


def _with_snippet(row: Row, wanted: Phrases, tokens: int,
                  marks: tuple[str, str]) -> dict[str, Any]:
    found = dict(row)
    best = ""
    best_hits = -1
    for text in (str(found["title"] or ""), str(found.pop("body") or "")):
        hits, cut = snippet(text, wanted, tokens, marks)
        if hits > best_hits:
            best, best_hits = cut, hits
    found["snippet"] = best
    return found


def _words(text: str) -> list[tuple[int, int, str]]:
    """Each word of ``text`` (letters and digits, as ``textfold.words`` cuts them): its start,
    end and folded form, the positions in ``text`` itself."""
    found: list[tuple[int, int, str]] = []
    start = None
    folded: list[str] = []
    for i, char in enumerate(text):
        if char.isalnum():
            if start is None:
                start, folded = i, []
            folded.append(fold(char))
        elif start is not None:
            found.append((start, i, "".join(folded)))
            start = None
    if start is not None:
        found.append((start, len(text), "".join(folded)))
    return found


def snippet(text: str, wanted: Phrases, tokens: int,
            marks: tuple[str, str]) -> tuple[int, str]:
    """The ``tokens`` words of ``text`` with the most phrases of the query, the phrases'
    words between ``marks``, with "…" where text was left out; and how many phrases are
    in it."""
    words = _words(text)
    if not words:
        return 0, ""
    # Each place a phrase is found: (phrase number, first word, last word).
    found: list[tuple[int, int, int]] = []
    for number, (phrase, prefix) in enumerate(sorted(wanted)):
        size = len(phrase)
        for at in range(len(words) - size + 1):
            if all(words[at + k][2] == w or (prefix and k == size - 1
                                              and words[at + k][2].startswith(w))
                   for k, w in enumerate(phrase)):
                found.append((number, at, at + size - 1))
    # The window with the most different phrases (then the most places), moved so that its
    # phrases are in its middle, as FTS5 places a snippet.
    first, best = 0, (-1, -1)
    for start in range(max(1, len(words) - tokens + 1)):
        inside = [f for f in found if f[1] >= start and f[2] < start + tokens]
        score = (len({f[0] for f in inside}), len(inside))
        if score > best:
            first, best = start, score
    inside = [f for f in found if f[1] >= first and f[2] < first + tokens]
    if inside:
        low, high = min(f[1] for f in inside), max(f[2] for f in inside)
        spare = tokens - (high - low + 1)
        first = max(0, min(low - spare // 2, len(words) - tokens))
    last = min(len(words), first + tokens) - 1
    # A phrase is marked as one span, as FTS5 marks it.
    spans: list[list[int]] = []
    for _, low, high in sorted((f for f in found if first <= f[1] and f[2] <= last),
                               key=lambda f: f[1]):
        if spans and low <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], high)
        else:
            spans.append([low, high])
    begin = 0 if first == 0 else words[first][0]
    end = len(text) if last == len(words) - 1 else words[last][1]
    out = ["…" if first > 0 else ""]
    at = begin
    for low, high in spans:
        s, e = words[low][0], words[high][1]
        out += [text[at:s], marks[0], text[s:e], marks[1]]
        at = e
    out.append(text[at:end])
    if end < len(text):
        out.append("…")
    return best[0], "".join(out)


def reindex_sql() -> Sequence[str]:
    """The statements that rebuild the index from the source tables."""
    return ("DELETE FROM search_docs",
            "INSERT INTO search_docs (kind, ref, sha256, page, meeting_id, title, body)"
            " SELECT * FROM search_source")
