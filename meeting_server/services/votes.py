"""Voting: opening a vote, ballots (one per voter), closing with the result, proxies.

The rules (docs/voting.md): the chair and the members may vote (not the secretary, not guests);
a quorum is more than half of the eligible members present (``present``) or of all of them
(``members``), counted in ballots cast; an option passes with more than half (or at least two
thirds) of the ballots cast, of those present, or of all members. The first option is the one
put to the vote ("Đồng ý" by default): the vote passes when it reaches the majority and the
quorum is met.
"""

from __future__ import annotations

import math
from typing import Any

from meeting_server.access import VOTING_ROLES, Access
from meeting_server.db import Database, Transaction
from meeting_server.errors import Conflict, Forbidden, Invalid, NotFound
from meeting_server.services.conclusions import check_item
from meeting_server.store import events, meetings, votes
from meeting_server.store.votes import MajorityRule, Proxy, QuorumRule, Threshold, Vote

ATTENDING = ("present", "online")


def _needed(base: int, threshold: str) -> int:
    """Ballots needed out of ``base``: more than half, or at least two thirds."""
    if base <= 0:
        return 1
    return base // 2 + 1 if threshold == "half" else math.ceil(2 * base / 3)


def result_of(vote: Vote, counts: list[int], named: list[dict[str, Any]] | None
              ) -> dict[str, Any]:
    """The result frozen when the vote closes: counts, shares of the ballots cast, whether the
    quorum was met and whether the first option passed, and the rules' numbers."""
    cast = sum(counts)
    eligible, present = len(vote.eligible), len(vote.present)
    bases = {"present": present, "members": eligible, "cast": cast}
    quorum_needed = 0 if vote.quorum == "none" else _needed(bases[vote.quorum], "half")
    quorum_met = cast >= quorum_needed
    majority_base = bases[vote.majority]
    majority_needed = _needed(majority_base, vote.threshold)
    passed = quorum_met and counts[0] >= majority_needed
    out: dict[str, Any] = {
        "counts": counts,
        "percentages": [round(100 * c / cast, 1) if cast else 0.0 for c in counts],
        "cast": cast, "eligible": eligible, "present": present,
        "quorum_needed": quorum_needed, "quorum_met": quorum_met,
        "majority_base": majority_base, "majority_needed": majority_needed,
        "passed": passed,
    }
    if named is not None:
        out["ballots"] = named
    return out


async def open_vote(db: Database, access: Access, question: str, agenda_item_id: int | None,
                    options: tuple[str, ...], secret: bool, allow_change: bool,
                    quorum: QuorumRule, majority: MajorityRule, threshold: Threshold
                    ) -> dict[str, Any]:
    if secret and allow_change:
        raise Invalid("A secret vote cannot be changed once cast: nothing links a ballot to "
                      "its voter.", "secret_no_change", field="allow_change")
    async with db.transaction() as tx:
        meeting_id = access.meeting.id
        await check_item(tx, meeting_id, agenda_item_id)
        people = await meetings.participants(tx, meeting_id)
        voters = {p.user.id: p for p in people if p.role in VOTING_ROLES and p.user.active}
        if not voters:
            raise Invalid("Nobody in this meeting may vote (the chair and members vote).",
                          "no_voters")
        attending = {u for u, p in voters.items() if p.attendance in ATTENDING}
        represented = {p.from_user_id for p in await votes.proxies(tx, meeting_id)
                       if p.to_user_id in attending and p.from_user_id in voters}
        vote_id = await votes.create(tx, meeting_id, agenda_item_id, question, options, secret,
                                     allow_change, quorum, majority, threshold,
                                     sorted(voters), sorted(attending | represented),
                                     access.user.id)
        vote = await votes.get(tx, vote_id)
        assert vote is not None
        shown = vote.as_dict([])
        await events.append(tx, meeting_id, "vote.opened", {"vote": shown}, access.user.id)
        return shown


def _own(access: Access, vote: Vote | None) -> Vote:
    if vote is None or vote.meeting_id != access.meeting.id:
        raise NotFound("No such vote.")
    return vote


async def _voter(tx: Transaction, access: Access, vote: Vote, for_user_id: int | None) -> int:
    """Whose ballot the caller casts: their own, or that of an absent participant who gave
    them their vote (a proxy)."""
    me = access.user.id
    if me not in vote.eligible:
        raise Forbidden("Only the chair and the members of the meeting vote.", "not_eligible")
    given = {p.from_user_id: p for p in await votes.proxies(tx, vote.meeting_id)}
    if for_user_id is None or for_user_id == me:
        if me in given:
            raise Conflict("You gave your vote to another participant; they vote for you.",
                           "vote_delegated")
        return me
    proxy = given.get(for_user_id)
    if proxy is None or proxy.to_user_id != me or for_user_id not in vote.eligible:
        raise Forbidden("You do not hold this participant's vote.", "not_proxy")
    return for_user_id


async def cast(db: Database, access: Access, vote_id: int, choice: int,
               for_user_id: int | None) -> dict[str, Any]:
    """One ballot. A named vote that allows it may be changed until it closes; a second ballot
    is otherwise refused (409 ``already_voted``), the first one standing. The answer never
    says what was chosen."""
    async with db.transaction() as tx:
        vote = _own(access, await votes.get(tx, vote_id))
        if vote.status != "open":
            raise Conflict("This vote is closed.", "vote_closed")
        if not 0 <= choice < len(vote.options):
            raise Invalid("The choice must be one of the vote's options, 0 to {last}.",
                          "invalid_field", values={"last": len(vote.options) - 1},
                          field="choice")
        voter = await _voter(tx, access, vote, for_user_id)
        if await votes.cast(tx, vote, voter, access.user.id, choice):
            voted = await votes.voted(tx, vote.id)
            await events.append(tx, vote.meeting_id, "vote.cast",
                                {"vote_id": vote.id, "user_id": voter, "cast": len(voted)},
                                access.user.id)
            return {"vote_id": vote.id, "user_id": voter, "cast": len(voted)}
        _, before = await votes.named_choice(tx, vote.id, voter)
        if vote.secret or before is None or (before != choice and not vote.allow_change):
            raise Conflict("This ballot has been cast already.", "already_voted")
        if before != choice:
            await votes.change(tx, vote, voter, access.user.id, before, choice)
        return {"vote_id": vote.id, "user_id": voter, "cast": len(await votes.voted(tx, vote.id))}


async def close(db: Database, access: Access, vote_id: int) -> dict[str, Any]:
    async with db.transaction() as tx:
        vote = _own(access, await votes.get(tx, vote_id))
        if vote.status != "open":
            raise Conflict("This vote is closed.", "vote_closed")
        counts = await votes.tallies(tx, vote)
        named = None if vote.secret else await votes.named_ballots(tx, vote.id)
        await votes.close(tx, vote.id, result_of(vote, counts, named))
        closed = await votes.get(tx, vote.id)
        assert closed is not None
        shown = closed.as_dict(await votes.voted(tx, vote.id))
        await events.append(tx, vote.meeting_id, "vote.closed", {"vote": shown},
                            access.user.id)
        return shown


async def get(db: Database, access: Access, vote_id: int) -> dict[str, Any]:
    """The vote, with whether the caller has voted (and, in a named vote, their choice)."""
    async with db.read() as conn:
        vote = _own(access, await votes.get(conn, vote_id))
        has, choice = await votes.named_choice(conn, vote.id, access.user.id)
        return {**vote.as_dict(await votes.voted(conn, vote.id)), "my_ballot":
                {"voted": has, "choice": choice}}


async def grant_proxy(db: Database, access: Access, from_user_id: int, to_user_id: int
                      ) -> Proxy:
    """``from_user_id``, absent, gives their vote to ``to_user_id`` for this meeting's votes."""
    async with db.transaction() as tx:
        meeting_id = access.meeting.id
        people = {p.user.id: p for p in await meetings.participants(tx, meeting_id)}
        giver, holder = people.get(from_user_id), people.get(to_user_id)
        if giver is None or giver.role not in VOTING_ROLES:
            raise Invalid("Only the chair or a member can give their vote.", "not_eligible",
                          field="from_user_id")
        if holder is None or holder.role not in VOTING_ROLES or from_user_id == to_user_id:
            raise Invalid("The vote can be given only to another member of the meeting.",
                          "not_eligible", field="to_user_id")
        if giver.attendance in ATTENDING:
            raise Conflict("A participant who is present votes themselves.", "present")
        given = {p.from_user_id: p.to_user_id for p in await votes.proxies(tx, meeting_id)}
        if to_user_id in given or from_user_id in given.values():
            raise Conflict("A vote given cannot be passed on: the proxy must vote themselves.",
                           "proxy_chain")
        proxy = await votes.grant(tx, meeting_id, from_user_id, to_user_id, access.user.id)
        await events.append(tx, meeting_id, "proxy.granted", {"proxy": proxy.as_dict()},
                            access.user.id)
        return proxy


async def revoke_proxy(db: Database, access: Access, from_user_id: int) -> None:
    async with db.transaction() as tx:
        if not await votes.revoke(tx, access.meeting.id, from_user_id):
            raise NotFound("This participant has not given their vote.")
        await events.append(tx, access.meeting.id, "proxy.revoked",
                            {"from_user_id": from_user_id}, access.user.id)
