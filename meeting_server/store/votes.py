"""Votes, who has voted, the counters of the options, and proxies.

A secret vote's ballot is a row in ``vote_voters`` without a choice (who has voted) and one
added to a counter in ``vote_tallies`` (how): nothing stored ties the two (docs/voting.md).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from meeting_server.db import Conn, Transaction, fetchall, fetchone
from meeting_server.textfold import fold

QuorumRule = Literal["none", "present", "members"]
MajorityRule = Literal["cast", "present", "members"]
Threshold = Literal["half", "two_thirds"]
VoteStatus = Literal["open", "closed"]
QUORUM_RULES: Final[tuple[QuorumRule, ...]] = get_args(QuorumRule)
MAJORITY_RULES: Final[tuple[MajorityRule, ...]] = get_args(MajorityRule)
THRESHOLDS: Final[tuple[Threshold, ...]] = get_args(Threshold)
#: The options when none are given: agree, disagree, no opinion.
DEFAULT_OPTIONS: Final[tuple[str, ...]] = ("Đồng ý", "Không đồng ý", "Không có ý kiến")


@dataclass(frozen=True)
class Vote:
    id: int
    meeting_id: int
    agenda_item_id: int | None
    question: str
    options: tuple[str, ...]
    secret: bool
    allow_change: bool
    quorum: QuorumRule
    majority: MajorityRule
    threshold: Threshold
    status: VoteStatus
    #: Who may vote (the chair and members when it opened), and who of them counted as
    #: present then (in the room, online, or absent but represented by a present proxy).
    eligible: tuple[int, ...]
    present: tuple[int, ...]
    result: dict[str, Any] | None
    opened_at: str
    closed_at: str | None

    def as_dict(self, voted: list[int]) -> dict[str, Any]:
        """The vote as everyone sees it: while open, who has voted and how many, never how."""
        return {"id": self.id, "meeting_id": self.meeting_id,
                "agenda_item_id": self.agenda_item_id, "question": self.question,
                "options": list(self.options), "secret": self.secret,
                "allow_change": self.allow_change, "quorum": self.quorum,
                "majority": self.majority, "threshold": self.threshold,
                "status": self.status, "eligible": list(self.eligible),
                "present": list(self.present), "voted": sorted(voted), "cast": len(voted),
                "result": self.result, "opened_at": self.opened_at,
                "closed_at": self.closed_at}


@dataclass(frozen=True)
class Proxy:
    meeting_id: int
    from_user_id: int
    to_user_id: int
    created_at: str

    def as_dict(self) -> dict[str, Any]:
        return {"from_user_id": self.from_user_id, "to_user_id": self.to_user_id,
                "created_at": self.created_at}


_COLUMNS = ("id, meeting_id, agenda_item_id, question, options, secret, allow_change, quorum,"
            " majority, threshold, status, eligible, present, result, opened_at, closed_at")


def _vote(row: sqlite3.Row) -> Vote:
    return Vote(row["id"], row["meeting_id"], row["agenda_item_id"], row["question"],
                tuple(json.loads(row["options"])), bool(row["secret"]),
                bool(row["allow_change"]), row["quorum"], row["majority"], row["threshold"],
                row["status"], tuple(json.loads(row["eligible"])),
                tuple(json.loads(row["present"])),
                json.loads(row["result"]) if row["result"] else None, row["opened_at"],
                row["closed_at"])


async def get(conn: Conn, vote_id: int) -> Vote | None:
    row = await fetchone(conn, f"SELECT {_COLUMNS} FROM votes WHERE id = ?", (vote_id,))
    return _vote(row) if row else None


async def list_for(conn: Conn, meeting_id: int) -> list[Vote]:
    rows = await fetchall(conn, f"SELECT {_COLUMNS} FROM votes WHERE meeting_id = ?"
                          " ORDER BY id", (meeting_id,))
    return [_vote(r) for r in rows]


async def create(tx: Transaction, meeting_id: int, agenda_item_id: int | None, question: str,
                 options: tuple[str, ...], secret: bool, allow_change: bool,
                 quorum: QuorumRule, majority: MajorityRule, threshold: Threshold,
                 eligible: list[int], present: list[int], actor: int) -> int:
    row = await tx.fetchone(
        "INSERT INTO votes (meeting_id, agenda_item_id, question, options, secret,"
        " allow_change, quorum, majority, threshold, status, eligible, present, opened_by,"
        " opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id",
        (meeting_id, agenda_item_id, question, json.dumps(list(options), ensure_ascii=False),
         int(secret), int(allow_change), quorum, majority, threshold, json.dumps(eligible),
         json.dumps(present), actor, tx.now_iso()),
    )
    assert row is not None
    vote_id = int(row["id"])
    # Every counter exists from the start, at 0: a ballot only ever updates one.
    await tx.executemany(
        "INSERT INTO vote_tallies (vote_id, choice, count) VALUES (?, ?, 0)",
        [(vote_id, n) for n in range(len(options))])
    return vote_id


async def voted(conn: Conn, vote_id: int) -> list[int]:
    """Who has voted (their own ballot or one cast for them by their proxy)."""
    rows = await fetchall(conn, "SELECT user_id FROM vote_voters WHERE vote_id = ?"
                          " ORDER BY user_id", (vote_id,))
    return [int(r["user_id"]) for r in rows]


async def voted_in_meeting(conn: Conn, meeting_id: int) -> dict[int, list[int]]:
    rows = await fetchall(
        conn, "SELECT v.vote_id, v.user_id FROM vote_voters v JOIN votes o ON o.id = v.vote_id"
        " WHERE o.meeting_id = ? ORDER BY v.vote_id, v.user_id", (meeting_id,))
    found: dict[int, list[int]] = {}
    for r in rows:
        found.setdefault(int(r["vote_id"]), []).append(int(r["user_id"]))
    return found


async def named_choice(conn: Conn, vote_id: int, user_id: int) -> tuple[bool, int | None]:
    """Whether ``user_id`` has voted, and their choice (None in a secret vote)."""
    row = await fetchone(conn, "SELECT choice FROM vote_voters WHERE vote_id = ? AND"
                         " user_id = ?", (vote_id, user_id))
    if row is None:
        return False, None
    return True, row["choice"]


async def cast(tx: Transaction, vote: Vote, user_id: int, cast_by: int, choice: int) -> bool:
    """Record that ``user_id`` voted and count ``choice``; False when they had voted already.
    In a secret vote the voter's row keeps no choice."""
    row = await tx.fetchone(
        "INSERT INTO vote_voters (vote_id, user_id, cast_by, choice) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (vote_id, user_id) DO NOTHING RETURNING user_id",
        (vote.id, user_id, cast_by, None if vote.secret else choice))
    if row is None:
        return False
    await _count(tx, vote.id, choice, 1)
    return True


async def change(tx: Transaction, vote: Vote, user_id: int, cast_by: int, before: int,
                 choice: int) -> None:
    """A named vote's ballot changed (only while open, when the vote allows it)."""
    assert not vote.secret
    await tx.execute("UPDATE vote_voters SET choice = ?, cast_by = ? WHERE vote_id = ? AND"
                     " user_id = ?", (choice, cast_by, vote.id, user_id))
    await _count(tx, vote.id, before, -1)
    await _count(tx, vote.id, choice, 1)


async def _count(tx: Transaction, vote_id: int, choice: int, by: int) -> None:
    await tx.execute("UPDATE vote_tallies SET count = count + ? WHERE vote_id = ? AND"
                     " choice = ?", (by, vote_id, choice))


async def tallies(conn: Conn, vote: Vote) -> list[int]:
    rows = await fetchall(conn, "SELECT choice, count FROM vote_tallies WHERE vote_id = ?",
                          (vote.id,))
    counts = [0] * len(vote.options)
    for r in rows:
        counts[int(r["choice"])] = int(r["count"])
    return counts


async def named_ballots(conn: Conn, vote_id: int) -> list[dict[str, Any]]:
    """A named vote's ballots: who chose what, and who cast it (a proxy, or themselves), by
    name as Vietnamese is read (đ after d, marks folded), the same on every backend."""
    rows = await fetchall(
        conn, "SELECT v.user_id, u.name, v.choice, v.cast_by FROM vote_voters v"
        " JOIN users u ON u.id = v.user_id WHERE v.vote_id = ? ORDER BY v.user_id",
        (vote_id,))
    found = [{"user_id": int(r["user_id"]), "name": r["name"], "choice": r["choice"],
              "cast_by": int(r["cast_by"])} for r in rows]
    return sorted(found, key=lambda b: (fold(b["name"]), b["user_id"]))


async def close(tx: Transaction, vote_id: int, result: dict[str, Any]) -> None:
    await tx.execute("UPDATE votes SET status = 'closed', result = ?, closed_at = ?"
                     " WHERE id = ?",
                     (json.dumps(result, ensure_ascii=False), tx.now_iso(), vote_id))


# ── Proxies ──────────────────────────────────────────────────────────────────────────────────

async def proxies(conn: Conn, meeting_id: int) -> list[Proxy]:
    rows = await fetchall(conn, "SELECT meeting_id, from_user_id, to_user_id, created_at"
                          " FROM vote_proxies WHERE meeting_id = ? ORDER BY from_user_id",
                          (meeting_id,))
    return [Proxy(r["meeting_id"], r["from_user_id"], r["to_user_id"], r["created_at"])
            for r in rows]


async def grant(tx: Transaction, meeting_id: int, from_user_id: int, to_user_id: int,
                actor: int) -> Proxy:
    at = tx.now_iso()
    await tx.execute(
        "INSERT INTO vote_proxies (meeting_id, from_user_id, to_user_id, created_by,"
        " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (meeting_id, from_user_id) DO UPDATE"
        " SET to_user_id = excluded.to_user_id, created_by = excluded.created_by,"
        " created_at = excluded.created_at",
        (meeting_id, from_user_id, to_user_id, actor, at))
    return Proxy(meeting_id, from_user_id, to_user_id, at)


async def revoke(tx: Transaction, meeting_id: int, from_user_id: int) -> bool:
    row = await tx.fetchone("DELETE FROM vote_proxies WHERE meeting_id = ? AND from_user_id = ?"
                            " RETURNING from_user_id", (meeting_id, from_user_id))
    return row is not None


async def state(conn: Conn, meeting_id: int) -> dict[str, Any]:
    """The votes and proxies as the meeting state carries them."""
    found = await list_for(conn, meeting_id)
    voters = await voted_in_meeting(conn, meeting_id)
    return {"votes": [v.as_dict(voters.get(v.id, [])) for v in found],
            "proxies": [p.as_dict() for p in await proxies(conn, meeting_id)]}
