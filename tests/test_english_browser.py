"""Issue 12's words: the English interface shows no message id (a key such as "in_progress",
"chair" or "publication draft") on any page, and switching the language keeps the address."""

from __future__ import annotations

import re

from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    Tablet,
    chromium,
    server_in_the_sessions_loop,
    world_in_the_sessions_loop,
)
from playwright.async_api import expect
from screens import (  # noqa: F401 (screens: a fixture)
    BROWSER_TESTS,
    LAPTOP,
    Screens,
    conclusion_with_task,
    document,
    item,
    screens_of_the_test,
)
from test_i18n import KEYS

from conftest import World

pytestmark = BROWSER_TESTS

#: An identifier as code writes it: what a page shows when it prints a key.
IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b")



def message_ids(text: str) -> list[str]:
    """The keys shown in ``text``: a whole piece of it (between separators) that is a key, or
    anything written like an identifier."""
    pieces = {piece.strip() for piece in re.split(r"[·:\n,()|/–—]", text)}
    return sorted({p for p in pieces if p in KEYS} | set(IDENTIFIER.findall(text)))


async def english(screens: Screens, username: str | None) -> Tablet:
    screen = await screens.open(username, "/login?lang=en", LAPTOP)  # the choice, as a cookie
    return screen


async def walk(screen: Tablet, paths: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        await screen.page.goto(screen.url(path))
        assert await screen.page.get_attribute("html", "lang") == "en", path
        if await screen.page.locator("[data-live-meeting]").count():
            await screen.wait_live()  # what live.js writes is walked too
        # Names that are not words (usernames, unit codes) are marked translate="no".
        text = await screen.page.evaluate("""() => {
            for (const name of document.querySelectorAll('[translate="no"]')) name.textContent = "";
            return document.body.innerText;
        }""")
        found[path] = message_ids(text)
    return found


async def test_every_page_in_english_shows_no_message_id(
        world: World, screens: Screens) -> None:
    mid = world.meeting_id
    doc = await document(world, await item(world, duration_minutes=15), "Progress report")
    _, task = await conclusion_with_task(world)  # overdue: due on 31/07/2019
    r = await world.member.post(f"/api/tasks/{task}/updates",
                                json={"note": "Started.", "status": "in_progress"})
    assert r.status_code == 201, r.text
    for body in ({"status": "present", "user_id": world.users["snv"]},
                 {"status": "absent", "reason": "Công tác", "user_id": world.users["pct"]}):
        r = await world.secretary.post(f"/api/meetings/{mid}/attendance", json=body)
        assert r.status_code == 200, r.text
    r = await world.secretary.patch(f"/api/meetings/{mid}", json={"status": "in_progress"})
    assert r.status_code == 200, r.text
    r = await world.secretary.post(f"/api/meetings/{mid}/publications", json={"kind": "minutes"})
    assert r.status_code == 201, r.text
    publication = r.json()["id"]

    anonymous = await english(screens, None)
    anonymous.allowed.append("404 (Not Found)")
    shown = await walk(anonymous, ["/login", "/pair"])
    admin = await english(screens, "admin")
    admin.allowed.append("404 (Not Found)")
    shown |= {f"admin {k}": v for k, v in (await walk(admin, [
        "/", "/admin", "/meetings/new", "/tasks", "/tasks?status=in_progress", "/search?q=report",
        f"/meetings/{mid}", f"/meetings/{mid}/documents/{doc}", f"/meetings/{mid}/console",
        f"/publications/{publication}", "/meetings/999999",
    ])).items()}
    member = await english(screens, "snv")
    shown |= {f"member {k}": v for k, v in (await walk(member, [
        "/", "/tasks", f"/meetings/{mid}"])).items()}
    assert {page: ids for page, ids in shown.items() if ids} == {}


async def test_switching_the_language_keeps_the_address(world: World, screens: Screens) -> None:
    member = await screens.open("snv", "/search?q=tien+do")
    await member.page.get_by_role("link", name="English").click()
    await member.page.wait_for_url(re.compile(r"/search\?q=tien\+do&lang=en$"))
    await expect(member.page.get_by_role("searchbox", name="Search").first).to_be_visible()
    await expect(member.page.locator("main input[name=q]")).to_have_value("tien do")
    await member.page.get_by_role("link", name="Tiếng Việt").click()
    await member.page.wait_for_url(re.compile(r"/search\?q=tien\+do&lang=vi$"))
