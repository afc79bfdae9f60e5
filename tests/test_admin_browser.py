"""Issue 12: the administrator's pages (units and users), the administrator's own home page, and
the errors of these pages in Vietnamese, inline."""

from __future__ import annotations

import re

from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    chromium,
    server_in_the_sessions_loop,
    world_in_the_sessions_loop,
)
from playwright.async_api import expect
from screens import (  # noqa: F401 (screens: a fixture)
    BROWSER_TESTS,
    LAPTOP,
    Screens,
    screens_of_the_test,
)

from conftest import PASSWORD, World

pytestmark = BROWSER_TESTS


async def test_an_administrators_home_page_is_not_a_members(
        world: World, screens: Screens) -> None:
    admin = await screens.open("admin", "/", LAPTOP)
    panel = admin.page.locator("#admin-panel")
    await expect(panel).to_contain_text("Quản trị hệ thống")
    await expect(panel.get_by_role("link", name="Đơn vị và người dùng")).to_have_attribute(
        "href", re.compile(r"/admin$"))
    await expect(admin.page.get_by_role("heading", name="Tất cả cuộc họp")).to_be_visible()
    member = await screens.open("snv", "/")
    await expect(member.page.locator("#admin-panel")).to_have_count(0)
    await expect(member.page.get_by_role("heading", name="Cuộc họp của tôi")).to_be_visible()
    await expect(member.page.get_by_role("link", name="Tạo cuộc họp mới")).to_have_count(0)
    await expect(member.page.get_by_role("link", name="Quản trị")).to_have_count(0)


async def test_a_unit_is_added_and_renamed(world: World, screens: Screens) -> None:
    admin = await screens.open("admin", "/admin", LAPTOP)
    form = admin.page.locator("#unit-form")
    await form.get_by_label("Mã").fill("STTTT")
    await form.get_by_label("Tên").fill("Sở Thông tin")
    await form.get_by_role("button", name="Thêm đơn vị").click()
    row = admin.page.locator("#units tr").filter(has_text="STTTT")
    await expect(row).to_contain_text("Sở Thông tin")
    await row.get_by_role("button", name="Sửa").click()
    await row.get_by_label("Tên").fill("Sở Thông tin và Truyền thông")
    await row.get_by_role("button", name="Lưu").click()
    await expect(admin.page.locator("#units tr").filter(has_text="STTTT")).to_contain_text(
        "Sở Thông tin và Truyền thông")
    units = (await world.admin.get("/api/units")).json()["units"]
    assert {"code": "STTTT", "name": "Sở Thông tin và Truyền thông"} in [
        {"code": u["code"], "name": u["name"]} for u in units]


async def test_a_deactivated_unit_is_no_longer_offered(world: World, screens: Screens) -> None:
    admin = await screens.open("admin", "/admin", LAPTOP)
    row = admin.page.locator("#units tr").filter(has_text="STP")
    await row.get_by_role("button", name="Ngừng hoạt động").click()
    await row.get_by_role("button", name="Bấm lần nữa để ngừng hoạt động").click()
    row = admin.page.locator("#units tr").filter(has_text="STP")
    await expect(row.locator(".status")).to_have_text("ngừng hoạt động")
    await expect(row.get_by_role("button", name="Cho hoạt động lại")).to_be_visible()
    offered = await admin.page.locator("#user-form select[name=unit] option").evaluate_all(
        "(options) => options.map((o) => o.value)")
    assert "STP" not in offered and "SNV" in offered
    secretary = await screens.open("thuky", f"/meetings/{world.meeting_id}/console", LAPTOP)
    leads = await secretary.page.locator("#task-form select[name=lead_unit] option").evaluate_all(
        "(options) => options.map((o) => o.value)")
    assert "STP" not in leads and "SNV" in leads


async def test_a_user_is_added_edited_and_deactivated(world: World, screens: Screens) -> None:
    admin = await screens.open("admin", "/admin", LAPTOP)
    form = admin.page.locator("#user-form")
    await form.get_by_label("Tên đăng nhập").fill("gd.snv")
    await form.get_by_label("Họ và tên").fill("Đỗ Minh Quân")
    await form.get_by_label("Đơn vị").select_option("SNV")
    await form.get_by_label("Mật khẩu").fill(PASSWORD)
    await form.get_by_role("button", name="Thêm người dùng").click()
    row = admin.page.locator("#users tr").filter(has_text="gd.snv")
    await expect(row).to_contain_text("Đỗ Minh Quân")
    await row.get_by_role("button", name="Sửa").click()
    await row.get_by_label("Chức vụ").fill("Giám đốc Sở Nội vụ")
    await row.get_by_role("button", name="Lưu").click()
    row = admin.page.locator("#users tr").filter(has_text="gd.snv")
    await expect(row).to_contain_text("Giám đốc Sở Nội vụ")
    await row.get_by_role("button", name="Khóa tài khoản").click()
    await row.get_by_role("button", name="Bấm lần nữa để khóa").click()
    await expect(admin.page.locator("#users tr").filter(has_text="gd.snv").locator(
        ".status")).to_have_text("Đã khóa")
    async with world.server.client() as anonymous:
        r = await anonymous.post("/api/session",
                                 json={"username": "gd.snv", "password": PASSWORD})
    assert r.status_code == 401


async def test_the_administration_pages_explain_refusals_in_vietnamese(
        world: World, screens: Screens) -> None:
    admin = await screens.open("admin", "/admin", LAPTOP)
    admin.allowed.append("409 (Conflict)")
    form = admin.page.locator("#unit-form")
    await form.get_by_label("Mã").fill("SNV")
    await form.get_by_label("Tên").fill("Sở Nội vụ (trùng)")
    await form.get_by_role("button", name="Thêm đơn vị").click()
    await expect(form.get_by_role("alert")).to_have_text("Đã có đơn vị mang mã 'SNV'.")
    users = admin.page.locator("#user-form")
    await users.get_by_label("Tên đăng nhập").fill("snv")
    await users.get_by_label("Họ và tên").fill("Người trùng tên")
    await users.get_by_label("Mật khẩu").fill(PASSWORD)
    await users.get_by_role("button", name="Thêm người dùng").click()
    await expect(users.get_by_role("alert")).to_have_text("Tên đăng nhập 'snv' đã có người dùng.")


async def test_a_wrong_pairing_code_is_explained_in_vietnamese(
        world: World, screens: Screens) -> None:
    tablet = await screens.open(None, "/pair?code=ABCD-EFGH")
    tablet.allowed.append("401 (Unauthorized)")
    await expect(tablet.page.get_by_role("alert")).to_have_text(
        "Mã không đúng, đã dùng hoặc đã hết hạn. Vui lòng xin thư ký mã mới.")
