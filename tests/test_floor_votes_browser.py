"""Issue 18's acceptance for the speakers' list and votes (Chromium through Playwright).

Screens: the chair's console on a laptop and three members' tablets, each its own browser
context on its own link. Two members ask to speak, the chair gives them the floor in order, and
every tablet shows the speaker and their time counting down; then a named and a secret vote
with a quorum, voted from the tablets: the results are right, the secret vote's rows hold no
voter ↔ choice link, and the minutes' PDF lists the speakers and the results.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import unicodedata

from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    Tablet,
    chromium,
    server_in_the_sessions_loop,
    world_in_the_sessions_loop,
)
from playwright.async_api import expect
from pypdf import PdfReader
from screens import (  # noqa: F401 (screens: a fixture)
    BROWSER_TESTS,
    LAPTOP,
    Screens,
    screens_of_the_test,
)

from conftest import PASSWORD, World

pytestmark = BROWSER_TESTS

NAMED = "Thông qua Đề án chuyển đổi số năm 2026"
SECRET = "Giới thiệu nhân sự Tổ trưởng Tổ công tác"


async def prepare(world: World) -> dict[str, int]:
    """A third member, everyone present, and the item under discussion (set up through the
    API: the pages doing these are tested elsewhere)."""
    mid = world.meeting_id
    r = await world.admin.post("/api/users", json={
        "username": "sct", "name": "Đỗ Văn Cường", "role": "member", "unit": "STP",
        "password": PASSWORD})
    assert r.status_code == 201, r.text
    ids = {**world.users, "sct": r.json()["id"]}
    for username in ("stp", "sct"):
        r = await world.secretary.post(f"/api/meetings/{mid}/participants",
                                       json={"user_id": ids[username], "role": "member"})
        assert r.status_code == 201, r.text
    for username in ("pct", "snv", "stp", "sct"):
        r = await world.secretary.post(f"/api/meetings/{mid}/attendance",
                                       json={"user_id": ids[username], "status": "present"})
        assert r.status_code == 200, r.text
    r = await world.secretary.post(f"/api/meetings/{mid}/agenda-items",
                                   json={"title": "Đề án chuyển đổi số"})
    ids["item"] = r.json()["id"]
    r = await world.chair.put(f"/api/meetings/{mid}/current-item",
                              json={"agenda_item_id": ids["item"]})
    assert r.status_code == 200, r.text
    return ids


async def vote_on(tablet: Tablet, question: str, option: str) -> None:
    card = tablet.page.locator("#votes article.vote").filter(has_text=question)
    await card.get_by_role("button", name=option, exact=True).click()
    await expect(card.locator(".vote-done")).to_be_visible()


async def open_vote(console: Tablet, question: str, secret: bool, quorum: str) -> None:
    page = console.page
    form = page.locator("#vote-form")
    if not await form.is_visible():
        await page.get_by_text("Tổ chức biểu quyết").click()
    await form.get_by_label("Nội dung biểu quyết").fill(question)
    if secret:
        await form.get_by_label("Bỏ phiếu kín").check()
    await form.get_by_label("Số thành viên tham gia tối thiểu").select_option(quorum)
    await form.get_by_role("button", name="Bắt đầu biểu quyết").click()
    await expect(page.locator("#votes article.vote-open").filter(has_text=question)
                 ).to_be_visible()


async def close_vote(console: Tablet, question: str) -> None:
    card = console.page.locator("#votes article.vote").filter(has_text=question)
    await card.get_by_role("button", name="Kết thúc biểu quyết").click()
    await expect(card.locator(".vote-result")).to_be_visible()


async def test_speakers_and_votes_from_the_tablets(world: World, screens: Screens) -> None:
    ids = await prepare(world)
    mid = world.meeting_id
    console = await screens.open("pct", f"/meetings/{mid}/console", LAPTOP)
    tablets = {u: await screens.open(u, f"/meetings/{mid}") for u in ("snv", "stp", "sct")}
    for screen in (console, *tablets.values()):
        await screen.wait_live()

    # Two members ask to speak, in this order.
    for username in ("snv", "stp"):
        page = tablets[username].page
        await page.get_by_role("button", name="Đăng ký phát biểu").click()
        await expect(page.get_by_role("button", name="Rút đăng ký phát biểu")).to_be_visible()
        await expect(page.locator("#floor-ask")).to_be_hidden()
    queue = console.page.locator("#floor-queue li")
    await expect(queue).to_have_count(2)
    await expect(queue.nth(0)).to_contain_text("Nguyễn Văn An")
    await expect(queue.nth(1)).to_contain_text("Phạm Thu Hà")

    # The chair gives the floor in order; every tablet shows the speaker and the time left.
    for name in ("Nguyễn Văn An", "Phạm Thu Hà"):
        await queue.first.get_by_role("button", name="Mời phát biểu").click()
        for screen in (console, *tablets.values()):
            await expect(screen.page.locator("#floor-speaker-name")).to_have_text(
                f"Đang phát biểu: {name}" + (" (Sở Nội vụ)" if name == "Nguyễn Văn An"
                                             else " (Sở Tư pháp)"))
            await expect(screen.page.locator("#floor-timer")).to_have_text(
                re.compile(r"^Còn [23]:[0-5]\d$"))
    await expect(queue).to_have_count(0)
    # it counts down, on the server's clock
    timer = tablets["sct"].page.locator("#floor-timer")
    first = int(await timer.get_attribute("data-left") or "0")
    assert 120 < first <= 180  # the second speaker was given 3 minutes a moment ago
    await expect(timer).not_to_have_attribute("data-left", str(first))
    await console.page.get_by_role("button", name="Kết thúc phát biểu").click()
    for screen in tablets.values():
        await expect(screen.page.locator("#floor-speaker")).to_be_hidden()
        await expect(screen.page.locator("#floor-spoken")).to_have_text(
            "Đã phát biểu: Nguyễn Văn An, Phạm Thu Hà")

    # The chair puts a member on the list from the console, who sees it and withdraws.
    add = console.page.locator("#floor-add-form")
    await add.get_by_label("Đưa vào danh sách").select_option(label="Đỗ Văn Cường")
    await add.get_by_role("button", name="Thêm vào danh sách phát biểu").click()
    await expect(queue).to_have_count(1)
    sct = tablets["sct"].page
    await expect(sct.locator("#floor-queue li")).to_contain_text("Đỗ Văn Cường")
    await sct.get_by_role("button", name="Rút đăng ký phát biểu").click()
    await expect(queue).to_have_count(0)
    await expect(sct.get_by_role("button", name="Đăng ký phát biểu")).to_be_visible()

    # A named vote, quorum of those present: 3 agree, 1 disagrees.
    await open_vote(console, NAMED, secret=False, quorum="present")
    for username, option in [("snv", "Đồng ý"), ("stp", "Đồng ý"), ("sct", "Không đồng ý")]:
        await vote_on(tablets[username], NAMED, option)
    await vote_on(console, NAMED, "Đồng ý")
    for screen in (console, *tablets.values()):
        card = screen.page.locator("#votes article.vote").filter(has_text=NAMED)
        await expect(card.locator(".vote-count")).to_have_text("Đã biểu quyết: 4/4")
    await close_vote(console, NAMED)
    for screen in tablets.values():
        card = screen.page.locator("#votes article.vote").filter(has_text=NAMED)
        await expect(card.locator(".vote-outcome")).to_have_text("Thông qua")
        await expect(card.locator(".vote-motion")).to_have_text(
            "Phương án được biểu quyết: “Đồng ý”, cần 3 phiếu")
        await expect(card.locator(".vote-counts li").first).to_have_text(
            "Đồng ý: 3 phiếu (75%)")

    # A secret vote, quorum of all members: the chair does not vote; 2 agree of 3 cast.
    await open_vote(console, SECRET, secret=True, quorum="members")
    for username, option in [("snv", "Đồng ý"), ("stp", "Không đồng ý"), ("sct", "Đồng ý")]:
        await vote_on(tablets[username], SECRET, option)
        card = tablets[username].page.locator("#votes article.vote").filter(has_text=SECRET)
        await expect(card.locator(".vote-option")).to_have_count(0)  # no second ballot
    await close_vote(console, SECRET)
    card = tablets["stp"].page.locator("#votes article.vote").filter(has_text=SECRET)
    await expect(card.locator(".vote-counts li")).to_have_text([
        "Đồng ý: 2 phiếu (66,7%)", "Không đồng ý: 1 phiếu (33,3%)",
        "Không có ý kiến: 0 phiếu (0%)"])
    await expect(card.locator(".vote-outcome")).to_have_text("Thông qua")
    await expect(card).to_contain_text("Đủ số thành viên tham gia")
    await expect(card.locator(".vote-named")).to_have_count(0)

    state = (await world.secretary.get(f"/api/meetings/{mid}")).json()
    named, secret = sorted(state["votes"], key=lambda v: v["id"])
    assert named["result"]["counts"] == [3, 1, 0] and named["result"]["passed"]
    assert secret["result"]["counts"] == [2, 1, 0] and secret["result"]["quorum_met"]
    assert secret["result"]["passed"] and "ballots" not in secret["result"]

    # The secret vote's rows: who voted, without a choice; counters without a voter; events
    # and stored Idempotency-Key answers say nothing of the choices.
    conn = sqlite3.connect(world.server.settings.data_dir / "meeting.db")
    try:
        voters = conn.execute("SELECT user_id, cast_by, choice FROM vote_voters"
                              " WHERE vote_id = ? ORDER BY user_id", (secret["id"],)).fetchall()
        assert voters == sorted((ids[u], ids[u], None) for u in ("snv", "stp", "sct"))
        columns = [r[1] for r in conn.execute("PRAGMA table_info(vote_tallies)")]
        assert columns == ["vote_id", "choice", "count"]
        events = [json.loads(r[0]) for r in conn.execute(
            "SELECT data FROM events WHERE meeting_id = ? AND event = 'vote.cast'", (mid,))]
        assert all(set(e) == {"vote_id", "user_id", "cast"} for e in events)
        # the tablets send every change with a key; ballots' answers are never stored
        answers = [json.loads(bytes(r[0]) or b"null") for r in conn.execute(
            "SELECT body FROM idempotency_keys")]
        assert any(isinstance(a, dict) and a.get("question") == SECRET for a in answers)
        assert not any(isinstance(a, dict) and set(a) == {"vote_id", "user_id", "cast"}
                       for a in answers)
    finally:
        conn.close()

    # The minutes' PDF lists the speakers and the results.
    r = await world.secretary.post(f"/api/meetings/{mid}/publications", json={"kind": "minutes"})
    assert r.status_code == 201, r.text
    pdf = await world.secretary.get(f"/api/publications/{r.json()['id']}/pdf")
    assert pdf.status_code == 200
    text = " ".join(unicodedata.normalize("NFC", page.extract_text() or "")
                    for page in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = " ".join(text.split())
    assert "Đại biểu phát biểu theo đăng ký: Nguyễn Văn An" in flat
    assert "Phạm Thu Hà" in flat
    assert NAMED in flat and SECRET in flat
    assert "Đồng ý: 3/4 phiếu (75%)" in flat
    assert "Đồng ý: 2/3 phiếu (66,7%)" in flat
    assert "bỏ phiếu kín" in flat
    assert flat.count("Kết quả: thông qua") == 2


async def test_a_proxy_recorded_on_the_console_votes_from_the_holders_tablet(
        world: World, screens: Screens) -> None:
    ids = await prepare(world)
    mid = world.meeting_id
    r = await world.secretary.post(f"/api/meetings/{mid}/attendance", json={
        "user_id": ids["sct"], "status": "absent", "reason": "Đi công tác"})
    assert r.status_code == 200, r.text
    console = await screens.open("pct", f"/meetings/{mid}/console", LAPTOP)
    holder = await screens.open("snv", f"/meetings/{mid}")
    await console.wait_live()
    await holder.wait_live()

    page = console.page
    await page.get_by_text("Ủy quyền biểu quyết", exact=True).click()
    form = page.locator("#proxy-form")
    await form.get_by_label("Thành viên vắng mặt").select_option(label="Đỗ Văn Cường")
    await form.get_by_label("ủy quyền biểu quyết cho").select_option(label="Nguyễn Văn An")
    await form.get_by_role("button", name="Ghi nhận ủy quyền").click()
    await expect(page.locator("#proxies li")).to_have_text(
        re.compile("^Đỗ Văn Cường ủy quyền biểu quyết cho Nguyễn Văn An"))

    await open_vote(console, NAMED, secret=False, quorum="present")
    card = holder.page.locator("#votes article.vote").filter(has_text=NAMED)
    await expect(card).to_contain_text("Biểu quyết thay Đỗ Văn Cường (ủy quyền)")
    await expect(card.locator(".vote-options")).to_have_count(2)  # their own, and the proxy's
    await card.locator(".vote-options").first.get_by_role("button", name="Đồng ý",
                                                          exact=True).click()
    await expect(card.locator(".vote-done")).to_be_visible()
    await card.locator(".vote-options").get_by_role("button", name="Không đồng ý",
                                                    exact=True).click()
    await expect(card.locator(".vote-count")).to_have_text("Đã biểu quyết: 2/4")
    await expect(card.locator(".vote-options")).to_have_count(0)
    await close_vote(console, NAMED)
    await expect(card.locator(".vote-named")).to_have_text(
        "Đỗ Văn Cường: Không đồng ý; Nguyễn Văn An: Đồng ý")
    state = (await world.secretary.get(f"/api/meetings/{mid}")).json()
    [vote] = state["votes"]
    assert vote["present"] == sorted(ids[u] for u in ("pct", "snv", "stp", "sct"))
    [by_proxy] = [b for b in vote["result"]["ballots"] if b["user_id"] == ids["sct"]]
    assert by_proxy["cast_by"] == ids["snv"]
