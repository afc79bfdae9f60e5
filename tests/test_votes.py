"""Voting: named and secret votes, quorum and majority, proxies, who may do what, the events
a tablet resumes from, and that the database holds no link from a secret ballot to its voter."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from liveclient import Tablet, normalised

from meeting_server.services.votes import result_of
from meeting_server.store.votes import Vote

from conftest import Server, Template, World, served


def token(client: httpx.AsyncClient) -> str:
    return client.headers["authorization"].split()[1]


async def three_voters(world: World) -> list[httpx.AsyncClient]:
    """The chair, and two members (snv, and stp added), all present."""
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/participants",
                                   json={"user_id": world.users["stp"], "role": "member"})
    assert r.status_code == 201, r.text
    voters = [world.chair, world.member, world.outsider]
    for client in voters:
        r = await client.post(f"/api/meetings/{world.meeting_id}/attendance",
                              json={"status": "present"})
        assert r.status_code == 200, r.text
    return voters


async def open_vote(world: World, **body: Any) -> dict[str, Any]:
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/votes",
                               json={"question": "Thông qua Tờ trình số 12/TTr-SNV?", **body})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def ballot(client: httpx.AsyncClient, vote_id: int, choice: int, **body: Any
                 ) -> httpx.Response:
    return await client.post(f"/api/votes/{vote_id}/ballots", json={"choice": choice, **body})


async def close(world: World, vote_id: int) -> dict[str, Any]:
    r = await world.chair.post(f"/api/votes/{vote_id}/close")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_a_named_vote_counts_and_names_the_ballots(world: World) -> None:
    chair, member, stp = await three_voters(world)
    vote = await open_vote(world)
    assert vote["options"] == ["Đồng ý", "Không đồng ý", "Không có ý kiến"]
    assert vote["status"] == "open" and vote["cast"] == 0 and vote["result"] is None
    assert len(vote["eligible"]) == 3 and len(vote["present"]) == 3
    for client, choice in [(chair, 0), (member, 0), (stp, 1)]:
        r = await ballot(client, vote["id"], choice)
        assert r.status_code == 200, r.text
        assert "choice" not in r.json()
    # while open, the state says how many voted, never how
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    [shown] = state["votes"]
    assert shown["cast"] == 3 and shown["result"] is None
    assert sorted(shown["voted"]) == sorted(world.users[u] for u in ("pct", "snv", "stp"))

    result = (await close(world, vote["id"]))["result"]
    assert result["counts"] == [2, 1, 0]
    assert result["percentages"] == [66.7, 33.3, 0.0]
    assert result["quorum_met"] and result["passed"]
    assert {(b["name"], b["choice"]) for b in result["ballots"]} == {
        ("Trần Văn Minh", 0), ("Nguyễn Văn An", 0), ("Phạm Thu Hà", 1)}
    late = await ballot(member, vote["id"], 1)
    assert late.status_code == 409 and late.json()["error"]["code"] == "vote_closed"


async def test_a_named_vote_may_be_changed_until_it_closes_when_it_allows(world: World
                                                                           ) -> None:
    chair, member, stp = await three_voters(world)
    vote = await open_vote(world, allow_change=True)
    assert (await ballot(member, vote["id"], 1)).status_code == 200
    assert (await ballot(member, vote["id"], 0)).status_code == 200
    mine = (await member.get(f"/api/votes/{vote['id']}")).json()["my_ballot"]
    assert mine == {"voted": True, "choice": 0}
    result = (await close(world, vote["id"]))["result"]
    assert result["counts"] == [1, 0, 0] and result["cast"] == 1

    fixed = await open_vote(world)
    assert (await ballot(member, fixed["id"], 1)).status_code == 200
    again = await ballot(member, fixed["id"], 0)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_voted"


async def test_a_secret_vote_cannot_allow_changes(world: World) -> None:
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/votes", json={
        "question": "Q", "secret": True, "allow_change": True})
    assert r.status_code == 422 and r.json()["error"]["code"] == "secret_no_change"


async def test_a_secret_vote_keeps_no_choice_with_the_voter(world: World) -> None:
    chair, member, stp = await three_voters(world)
    vote = await open_vote(world, secret=True, options=["Phương án A", "Phương án B"])
    for client, choice in [(chair, 0), (member, 1), (stp, 1)]:
        assert (await ballot(client, vote["id"], choice)).status_code == 200
    again = await ballot(member, vote["id"], 1)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_voted"
    assert (await member.get(f"/api/votes/{vote['id']}")).json()["my_ballot"] == {
        "voted": True, "choice": None}
    result = (await close(world, vote["id"]))["result"]
    assert result["counts"] == [1, 2] and "ballots" not in result
    assert not result["passed"]  # 1 of 3 for the first option


async def test_quorum_of_those_present_and_of_all_members(world: World) -> None:
    chair, member, stp = await three_voters(world)
    r = await world.outsider.post(f"/api/meetings/{world.meeting_id}/attendance",
                                  json={"status": "absent", "reason": "Đi công tác"})
    assert r.status_code == 200
    present = await open_vote(world, quorum="present")
    members = await open_vote(world, quorum="members")
    assert len(present["present"]) == 2 and len(present["eligible"]) == 3
    for vote in (present, members):
        assert (await ballot(chair, vote["id"], 0)).status_code == 200
    # 1 of 2 present is not more than half; 1 of 3 members neither
    assert not (await close(world, present["id"]))["result"]["quorum_met"]
    assert not (await close(world, members["id"]))["result"]["quorum_met"]

    again = await open_vote(world, quorum="present")
    assert (await ballot(chair, again["id"], 0)).status_code == 200
    assert (await ballot(member, again["id"], 2)).status_code == 200
    result = (await close(world, again["id"]))["result"]
    # 2 of 2 present: quorum; 1 of 2 cast agree is not more than half: failed
    assert result["quorum_met"] and result["quorum_needed"] == 2
    assert result["majority_needed"] == 2 and not result["passed"]


def a_vote(quorum: str, majority: str, threshold: str, eligible: int, present: int) -> Vote:
    return Vote(1, 1, None, "Q", ("Đồng ý", "Không đồng ý", "Không có ý kiến"), False, False,
                quorum, majority, threshold, "open",  # type: ignore[arg-type]
                tuple(range(eligible)), tuple(range(present)), None, "", None)


@pytest.mark.parametrize(("quorum", "majority", "threshold", "counts", "passed"), [
    ("none", "cast", "half", [3, 2, 0], True),       # 3 of 5 cast
    ("none", "cast", "half", [3, 2, 1], False),      # 3 of 6 cast is not more than half
    ("none", "present", "half", [4, 0, 0], False),   # 4 of 8 present
    ("none", "present", "half", [5, 0, 0], True),
    ("none", "members", "half", [5, 0, 0], False),   # 5 of 10 members
    ("none", "members", "two_thirds", [7, 0, 0], True),  # 7 >= 20/3
    ("none", "members", "two_thirds", [6, 0, 0], False),
    ("present", "cast", "half", [2, 1, 1], False),   # 4 cast of 8 present: no quorum
    ("present", "cast", "half", [3, 1, 1], True),
    ("members", "cast", "half", [4, 1, 0], False),   # 5 of 10 members: no quorum
])
def test_majority_and_quorum_rules(quorum: str, majority: str, threshold: str,
                                   counts: list[int], passed: bool) -> None:
    result = result_of(a_vote(quorum, majority, threshold, eligible=10, present=8), counts,
                       None)
    assert result["passed"] is passed


async def test_a_proxy_casts_the_absent_members_vote_too(world: World) -> None:
    chair, member, stp = await three_voters(world)
    mid = world.meeting_id
    # present: cannot give their vote
    r = await world.secretary.post(f"/api/meetings/{mid}/proxies",
                                   json={"from_user_id": world.users["stp"],
                                         "to_user_id": world.users["snv"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "present"
    await world.outsider.post(f"/api/meetings/{mid}/attendance",
                              json={"status": "absent", "reason": "Ốm"})
    # stp gives their vote to snv themselves
    r = await world.outsider.post(f"/api/meetings/{mid}/proxies",
                                  json={"to_user_id": world.users["snv"]})
    assert r.status_code == 201, r.text
    state = (await world.member.get(f"/api/meetings/{mid}")).json()
    assert state["proxies"] == [{"from_user_id": world.users["stp"],
                                 "to_user_id": world.users["snv"],
                                 "created_at": r.json()["created_at"]}]
    # no chains
    r = await world.secretary.post(f"/api/meetings/{mid}/proxies",
                                   json={"from_user_id": world.users["snv"],
                                         "to_user_id": world.users["pct"]})
    assert r.status_code == 409  # snv is present anyway

    vote = await open_vote(world)
    assert len(vote["present"]) == 3  # stp represented
    assert (await ballot(member, vote["id"], 0)).status_code == 200
    assert (await ballot(member, vote["id"], 1, for_user_id=world.users["stp"])
            ).status_code == 200
    # the one who gave their vote does not vote; the chair does not hold it
    r = await ballot(stp, vote["id"], 0)
    assert r.status_code == 409 and r.json()["error"]["code"] == "vote_delegated"
    r = await ballot(chair, vote["id"], 0, for_user_id=world.users["stp"])
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_proxy"
    result = (await close(world, vote["id"]))["result"]
    assert result["counts"] == [1, 1, 0]
    [by_proxy] = [b for b in result["ballots"] if b["user_id"] == world.users["stp"]]
    assert by_proxy["cast_by"] == world.users["snv"]

    assert (await world.member.delete(f"/api/meetings/{mid}/proxies/{world.users['stp']}")
            ).status_code == 403
    assert (await world.secretary.delete(f"/api/meetings/{mid}/proxies/{world.users['stp']}")
            ).status_code == 204


async def test_permissions_of_votes(world: World) -> None:
    mid = world.meeting_id
    r = await world.member.post(f"/api/meetings/{mid}/votes", json={"question": "Q"})
    assert r.status_code == 403
    vote = await open_vote(world)
    assert (await world.member.post(f"/api/votes/{vote['id']}/close")).status_code == 403
    # not in the meeting: not found; the secretary does not vote
    assert (await ballot(world.outsider, vote["id"], 0)).status_code == 404
    assert (await world.outsider.get(f"/api/votes/{vote['id']}")).status_code == 404
    r = await ballot(world.secretary, vote["id"], 0)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_eligible"
    r = await ballot(world.member, vote["id"], 3)
    assert r.status_code == 422
    r = await world.chair.post(f"/api/meetings/{mid}/votes",
                               json={"question": "Q", "options": ["Một"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_options"
    r = await world.chair.post(f"/api/meetings/{mid}/votes",
                               json={"question": "Q", "quorum": "most"})
    assert r.status_code == 422
    # a member may not give someone else's vote, nor take it; a guest does not vote
    r = await world.member.post(f"/api/meetings/{mid}/proxies",
                                json={"from_user_id": world.users["pct"],
                                      "to_user_id": world.users["snv"]})
    assert r.status_code == 403
    await world.secretary.post(f"/api/meetings/{mid}/participants",
                               json={"user_id": world.users["stp"], "role": "guest"})
    with_guest = await open_vote(world)
    assert world.users["stp"] not in with_guest["eligible"]
    r = await ballot(world.outsider, with_guest["id"], 0)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_eligible"
    r = await world.secretary.post(f"/api/meetings/{mid}/proxies",
                                   json={"from_user_id": world.users["stp"],
                                         "to_user_id": world.users["snv"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_eligible"


async def test_vote_events_resume_to_the_state(world: World) -> None:
    chair, member, stp = await three_voters(world)
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await tablet.receive()
    await tablet.close()
    resume_from = tablet.seq
    mid = world.meeting_id
    await world.outsider.post(f"/api/meetings/{mid}/attendance",
                              json={"status": "absent", "reason": "Ốm"})
    await world.secretary.post(f"/api/meetings/{mid}/proxies",
                               json={"from_user_id": world.users["stp"],
                                     "to_user_id": world.users["pct"]})
    named = await open_vote(world)
    secret = await open_vote(world, secret=True)
    await ballot(member, named["id"], 0)
    await ballot(chair, secret["id"], 1)
    await ballot(chair, secret["id"], 2, for_user_id=world.users["stp"])
    await close(world, named["id"])
    await world.secretary.delete(f"/api/meetings/{mid}/proxies/{world.users['stp']}")
    last = (await world.member.get(f"/api/meetings/{mid}/events")).json()["last_seq"]

    again = await Tablet.open(world.server.ws_url, mid, token(world.member),
                              last_seq=resume_from)
    again.state, again.seq = tablet.state, tablet.seq
    await again.until_seq(last)
    assert {"vote.opened", "vote.cast", "vote.closed", "proxy.granted", "proxy.revoked"} <= {
        e["event"] for e in again.events}
    state = (await world.member.get(f"/api/meetings/{mid}")).json()
    assert normalised(again.state or {}) == normalised(state)
    await again.close()


# ── No link from a secret ballot to its voter, anywhere in the database ─────────────────────

ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")


def dump(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (with its rowid where it has one, in storage order), times
    blanked: what anyone reading the database file could learn."""
    conn = sqlite3.connect(database)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables:
            try:
                rows = conn.execute(f'SELECT rowid, * FROM "{table}"').fetchall()
            except sqlite3.OperationalError:  # WITHOUT ROWID
                rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            out[table] = [tuple(ISO_TIME.sub("T", v) if isinstance(v, str) else v
                                for v in row) for row in rows]
        return out
    finally:
        conn.close()


async def secret_vote_run(server: Server, choices: dict[str, int]) -> None:
    """The same meeting and the same secret vote, each voter choosing ``choices[username]``,
    ballots cast in the same order, with the same Idempotency-Keys."""
    world = await World.of(server)
    clients = dict(zip(("pct", "snv", "stp"), await three_voters(world), strict=True))
    vote = await open_vote(world, secret=True)
    for n, username in enumerate(("pct", "snv", "stp")):
        r = await clients[username].post(f"/api/votes/{vote['id']}/ballots",
                                         json={"choice": choices[username]},
                                         headers={"Idempotency-Key": f"ballot-{n}"})
        assert r.status_code == 200, r.text
    result = (await close(world, vote["id"]))["result"]
    assert result["counts"] == [1, 1, 1]


async def test_the_database_is_the_same_whoever_chose_what_in_a_secret_vote(
        tmp_path: Path, world_template: Template) -> None:
    """Two runs in which the three voters choose differently (the same three choices, each
    voter another one): if any table, row, storage order, event, idempotency or audit record
    tied a voter to a choice, the two databases would differ."""
    first, second = tmp_path / "first", tmp_path / "second"
    async with served(world_template, first) as server:
        await secret_vote_run(server, {"pct": 0, "snv": 1, "stp": 2})
    async with served(world_template, second) as server:
        await secret_vote_run(server, {"pct": 2, "snv": 0, "stp": 1})
    a, b = dump(first / "meeting.db"), dump(second / "meeting.db")
    assert a["vote_tallies"] and a["vote_voters"]
    assert all(row[-1] is None for row in a["vote_voters"])  # the choice column
    differing = sorted(t for t in a if a[t] != b.get(t))
    assert differing == [], {t: (a[t], b.get(t)) for t in differing}


async def test_the_comparison_would_see_a_named_votes_choices(
        tmp_path: Path, world_template: Template) -> None:
    """The same comparison on a named vote finds the difference: it can fail."""
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, choices in [(first, (0, 1, 2)), (second, (2, 0, 1))]:
        async with served(world_template, folder) as server:
            world = await World.of(server)
            voters = await three_voters(world)
            vote = await open_vote(world)
            for client, choice in zip(voters, choices, strict=True):
                assert (await ballot(client, vote["id"], choice)).status_code == 200
    a, b = dump(first / "meeting.db"), dump(second / "meeting.db")
    assert a["vote_voters"] != b["vote_voters"]


async def test_the_minutes_print_the_speakers_and_the_results(world: World) -> None:
    chair, member, stp = await three_voters(world)
    mid = world.meeting_id
    r = await world.secretary.post(f"/api/meetings/{mid}/agenda-items",
                                   json={"title": "Dự thảo Đề án chuyển đổi số"})
    item_id = r.json()["id"]
    await world.chair.put(f"/api/meetings/{mid}/current-item", json={"agenda_item_id": item_id})
    asked = (await member.post(f"/api/meetings/{mid}/floor", json={})).json()
    await world.chair.post(f"/api/floor/{asked['id']}/give")
    await world.chair.post(f"/api/floor/{asked['id']}/end")
    named = await open_vote(world, agenda_item_id=item_id, quorum="members")
    for client, choice in [(chair, 0), (member, 0), (stp, 2)]:
        await ballot(client, named["id"], choice)
    await close(world, named["id"])
    secret = await open_vote(world, secret=True, question="Nhân sự Trưởng ban")
    for client, choice in [(chair, 1), (member, 1), (stp, 0)]:
        await ballot(client, secret["id"], choice)
    await close(world, secret["id"])

    r = await world.secretary.post(f"/api/meetings/{mid}/publications", json={"kind": "minutes"})
    assert r.status_code == 201, r.text
    html = (await world.secretary.get(f"/api/publications/{r.json()['id']}/html")).text
    assert "Đại biểu phát biểu theo đăng ký: Nguyễn Văn An" in html
    assert "Thông qua Tờ trình số 12/TTr-SNV?" in html
    assert "Đồng ý: 2/3 phiếu (66,7%)" in html
    assert "Kết quả: thông qua" in html
    assert "Biểu quyết của từng thành viên" in html
    assert "Nhân sự Trưởng ban" in html and "bỏ phiếu kín" in html
    assert "Kết quả: không thông qua" in html


async def test_the_vote_form_says_the_first_option_is_the_one_put_to_the_vote(world: World
                                                                               ) -> None:
    """A chair who lists two candidates must read, before opening the vote, that the rule
    applies to the first one only (the tester's election of "Lê Quang Huy" or "Phạm Thị Lan")."""
    page = (await world.chair.get(f"/meetings/{world.meeting_id}")).text
    assert "Phương án đầu tiên là phương án được đưa ra biểu quyết" in page
    assert 'aria-describedby="vote-first-option"' in page
    strings = re.search(r'id="votes-strings">(.*?)</script>', page, re.S)
    assert strings is not None  # the result's line, under "Thông qua" or "Không thông qua"
    assert json.loads(strings.group(1))["Put to the vote: “{option}”, needing {n} ballots"] == (
        "Phương án được biểu quyết: “{option}”, cần {n} phiếu")
    english = (await world.chair.get(f"/meetings/{world.meeting_id}?lang=en")).text
    assert "The first option is the one put to the vote" in english
