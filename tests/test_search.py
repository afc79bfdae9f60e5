"""Search: Vietnamese with and without diacritics, pages, versions, visibility, safe queries."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pdfs
import pytest
from example import enter_example
from pypdf import PdfReader

from meeting_server.abbreviations import Abbreviations, shipped
from meeting_server.store import search as store
from meeting_server.textfold import fold, words

from conftest import DEMO, Server, Template, derive_template, served


@dataclass
class Searchable:
    """The demo meeting with the example's conclusion and tasks, a progress report and a
    published notice; and another meeting with the same words that gd.snv does not attend."""

    server: Server
    secretary: httpx.AsyncClient
    member: httpx.AsyncClient
    meeting_id: int
    other_id: int
    tasks: list[dict[str, Any]]
    notice_id: int


async def results(client: httpx.AsyncClient, q: str, **params: Any) -> list[dict[str, Any]]:
    r = await client.get("/api/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["results"]
    return found


async def build_searchable(demo: Server) -> dict[str, Any]:
    secretary, mid, created = await enter_example(demo)
    r = await secretary.post(f"/api/tasks/{created[1]['id']}/updates", json={
        "note": "Đã trình 32/40 bộ thủ tục, bảo đảm tiến độ đề ra.", "status": "in_progress"})
    assert r.status_code == 201, r.text
    notice = (await secretary.post(f"/api/meetings/{mid}/publications",
                                   json={"kind": "notice"})).json()
    r = await secretary.patch(f"/api/publications/{notice['id']}", json={"number": "125"})
    assert r.status_code == 200, r.text
    r = await secretary.post(f"/api/publications/{notice['id']}/publish")
    assert r.status_code == 200, r.text
    other = (await secretary.post("/api/meetings", json={
        "title": "Họp Tổ công tác cải cách hành chính và đối thoại",
        "starts_at": "2019-08-01T08:00:00+07:00"})).json()["id"]
    item = (await secretary.post(f"/api/meetings/{other}/agenda-items", json={
        "title": "Tiến độ cải cách hành chính, dịch vụ công và đối thoại với người dân",
        "presenter": "Sở Tư pháp; Ủy ban Mặt trận Tổ quốc"})).json()["id"]
    source = DEMO / "01-bao-cao-cchc-snv.pdf"  # the same file as a demo document
    r = await secretary.post(f"/api/agenda-items/{item}/documents",
                             files={"file": (source.name, source.read_bytes(),
                                             "application/pdf")},
                             data={"title": "Báo cáo tiến độ cải cách hành chính (bản sao)"})
    assert r.status_code == 201, r.text
    r = await secretary.post(f"/api/meetings/{other}/conclusions", json={
        "text": "Kết luận: đẩy nhanh tiến độ rà soát thủ tục hành chính liên thông."})
    r = await secretary.post(f"/api/conclusions/{r.json()['id']}/tasks", json={
        "title": "Rà soát dịch vụ công trực tuyến và khảo sát mức độ hài lòng",
        "lead_unit": "STP", "due_text": "trong tháng 9"})
    assert r.status_code == 201, r.text
    await demo.app.context.indexer.wait_idle()
    return {"meeting_id": mid, "other_id": other, "tasks": created, "notice_id": notice["id"]}


@pytest.fixture(scope="session")
def searchable_template(tmp_path_factory: pytest.TempPathFactory,
                        demo_template: Template) -> Template:
    return derive_template(tmp_path_factory, "searchable", demo_template, build_searchable)


@pytest.fixture
async def searchable(tmp_path: Path,
                     searchable_template: Template) -> AsyncIterator[Searchable]:
    async with served(searchable_template, tmp_path / "data") as server:
        facts = server.facts
        yield Searchable(server, await server.login("thuky.nguyen"), await server.login("gd.snv"),
                         facts["meeting_id"], facts["other_id"], facts["tasks"],
                         facts["notice_id"])


def demo_pages() -> dict[str, list[str]]:
    """The folded text of every page of the demo PDFs, as pypdf reads it."""
    return {path.name: [" ".join(words(page.extract_text())) for page in PdfReader(path).pages]
            for path in sorted(DEMO.glob("*.pdf"))}


# (query, kind, words of the title, PDF whose page should be found or None)
TABLE = [
    ("cải cách hành chính", "agenda_item", "kết quả cải cách hành chính", None),
    ("cai cach hanh chinh", "agenda_item", "kết quả cải cách hành chính", None),
    ("tiến độ", "document", "báo cáo số 125", "01-bao-cao-cchc-snv.pdf"),
    ("tien do", "document", "báo cáo số 125", "01-bao-cao-cchc-snv.pdf"),
    ("tiến độ", "task", "40 bộ thủ tục hành chính", None),
    ("tien do", "task", "40 bộ thủ tục hành chính", None),
    ("Sở Tư pháp", "agenda_item", "công bố 40 bộ", None),
    ("so tu phap", "agenda_item", "công bố 40 bộ", None),
    ("đối thoại", "agenda_item", "tiếp công dân và đối thoại", None),
    ("doi thoai", "document", "hội nghị đối thoại", None),
    ("dịch vụ công", "agenda_item", "dịch vụ công trực tuyến", None),
    ("dich vu cong", "task", "rà soát dịch vụ công", None),
    ("thủ tục hành chính liên thông", "agenda_item", "công bố 40 bộ thủ tục", None),
    ("thu tuc hanh chinh lien thong", "document", "tờ trình số 57", None),
    ("mức độ hài lòng", "agenda_item", "khảo sát mức độ hài lòng", None),
    ("muc do hai long", "task", "khảo sát mức độ hài lòng", None),
    ("kết luận", "conclusion", "phó chủ tịch", None),
    ("ket luan cong tac cai cach", "conclusion", "phó chủ tịch", None),
    ("Thông báo kết luận", "publication", "thông báo kết luận số 125", None),
    ("thong bao ket luan", "publication", "thông báo kết luận", None),
    ("Mặt trận Tổ quốc", "task", "khảo sát mức độ hài lòng", None),
    ("mat tran to quoc", "document", "kế hoạch phối hợp số 12",
     "04a-ke-hoach-khao-sat-snv-mttq.pdf"),
    ("phiếu khảo sát", "document", "mẫu phiếu khảo sát", None),
    ("phieu khao sat", "document", "mẫu phiếu khảo sát", None),
    ("tiếp công dân", "agenda_item", "tiếp công dân", None),
    ("tiep cong dan", "document", "báo cáo số 86", "05a-bao-cao-tiep-cong-dan.pdf"),
    ("Tờ trình", "document", "tờ trình số 57", None),
    ("to trinh so 57", "document", "tờ trình số 57", None),
    ("đơn thư", "document", "xử lý đơn thư", "05a-bao-cao-tiep-cong-dan.pdf"),
    ("don thu", "document", "xử lý đơn thư", None),
    ("Hội đồng", "document", "báo cáo số 125", "01-bao-cao-cchc-snv.pdf"),
    ("hoi dong", "document", "báo cáo số 125", "01-bao-cao-cchc-snv.pdf"),
    ("phòng họp không giấy", "document", "báo cáo số 125", "01-bao-cao-cchc-snv.pdf"),
    ("phong hop khong giay", "document", "báo cáo số 125", "01-bao-cao-cchc-snv.pdf"),
    ("chứng thư số", "document", "báo cáo số 125", "01-bao-cao-cchc-snv.pdf"),
    ("chung thu so", "document", "báo cáo số 125", "01-bao-cao-cchc-snv.pdf"),
    ("bảo đảm tiến độ đề ra", "task", "40 bộ thủ tục", None),
    ("bao dam tien do de ra", "task", "40 bộ thủ tục", None),
    ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "document", "báo cáo số 125",
     "01-bao-cao-cchc-snv.pdf"),
    ("doi tho", "agenda_item", "đối thoại", None),  # still typing: "tho" starts "thoại"
    ("hai lo", "agenda_item", "hài lòng", None),
]


SHIPPED = Abbreviations.load(shipped())


def written_otherwise(query: str, text: str) -> bool:
    """Whether folded ``text`` has the query in another form the abbreviations know (a page
    with "MTTQ" for "Mặt trận Tổ quốc")."""
    slots = SHIPPED.slots(words(query))
    return len(slots) == 1 and any(f" {' '.join(form)} " in f" {text} " for form in slots[0])


def contains(title: str, expected: str) -> bool:
    return " ".join(words(expected)) in " ".join(words(title))


async def test_vietnamese_queries_with_and_without_diacritics(searchable: Searchable) -> None:
    assert len(TABLE) >= 30
    pages = demo_pages()
    problems = []
    for query, kind, title, pdf in TABLE:
        found = await results(searchable.member, query)
        others = [r for r in found if r["meeting_id"] != searchable.meeting_id]
        if others:
            problems.append(f"{query!r}: another meeting's {others[0]}")
        matching = [r for r in found if r["kind"] == kind and contains(r["title"], title)]
        if not matching:
            problems.append(f"{query!r}: no {kind} titled {title!r} in "
                            f"{[(r['kind'], r['title']) for r in found]}")
        elif pdf is not None:
            *whole, last = words(query)  # the last word is a prefix: still being typed
            expected = {n for n, text in enumerate(pages[pdf], start=1)
                        if set(whole) <= set(text.split())
                        and any(w.startswith(last) for w in text.split())
                        or written_otherwise(query, text)}
            got = {r["page"] for r in matching if r["page"]}
            if not got or not got <= expected:
                problems.append(f"{query!r}: pages {got}, expected some of {expected}")
    assert problems == []


async def test_staff_see_the_other_meeting_too(searchable: Searchable) -> None:
    found = await results(searchable.secretary, "cai cach hanh chinh")
    assert {r["meeting_id"] for r in found} == {searchable.meeting_id, searchable.other_id}
    copy = [r for r in found if r["kind"] == "document" and r["page"]
            and r["meeting_id"] == searchable.other_id]
    assert copy and all(r["title"].endswith("(bản sao)") for r in copy)


async def test_snippets_keep_the_diacritics_and_mark_the_words(searchable: Searchable) -> None:
    found = await results(searchable.member, "tien do de ra")
    task = next(r for r in found if r["kind"] == "task")
    assert "tiến độ đề ra" in task["snippet"]
    marked = " ".join(task["snippet"][a:b] for a, b in task["highlights"]).split()
    assert {"tiến", "độ", "đề", "ra"} <= set(marked)


async def test_words_side_by_side_rank_first(searchable: Searchable) -> None:
    found = await results(searchable.member, "tien do ")
    assert len(found) > 3
    assert "tien do" in " ".join(words(found[0]["snippet"]))


async def test_meeting_filter(searchable: Searchable) -> None:
    found = await results(searchable.secretary, "tien do", meeting_id=searchable.other_id)
    assert found and {r["meeting_id"] for r in found} == {searchable.other_id}


async def test_meeting_filter_on_a_meeting_the_caller_cannot_see(searchable: Searchable) -> None:
    assert await results(searchable.member, "tien do", meeting_id=searchable.other_id) == []


async def test_every_result_is_readable_by_the_caller(searchable: Searchable) -> None:
    paths = {"agenda_item": "/api/meetings/{meeting_id}",
             "conclusion": "/api/meetings/{meeting_id}", "document": "/api/documents/{id}",
             "task": "/api/tasks/{id}", "publication": "/api/publications/{id}"}
    seen = set()
    for query in ("cai cach", "tien do", "doi thoai", "ket luan", "so tu phap", "thu tuc"):
        for r in await results(searchable.member, query):
            seen.add(r["kind"])
            response = await searchable.member.get(paths[r["kind"]].format(**r))
            assert response.status_code == 200, (query, r)
    assert seen == set(paths)


async def test_units_find_their_tasks_and_notices_but_not_the_meeting(
        searchable: Searchable) -> None:
    justice = await searchable.server.login("pgd.stp")
    me = (await justice.get("/api/me")).json()["id"]
    await searchable.secretary.delete(f"/api/meetings/{searchable.meeting_id}/participants/{me}")
    found = await results(justice, "so tu phap")
    assert {r["kind"] for r in found} == {"task", "publication"}
    assert {r["meeting_id"] for r in found if r["kind"] == "task"} == {
        searchable.meeting_id, searchable.other_id}
    assert [r["id"] for r in found if r["kind"] == "publication"] == [searchable.notice_id]


async def test_drafts_are_not_found_until_published(searchable: Searchable) -> None:
    mid = searchable.meeting_id
    draft = (await searchable.secretary.post(f"/api/meetings/{mid}/publications",
                                             json={"kind": "minutes"})).json()
    await searchable.secretary.patch(f"/api/publications/{draft['id']}", json={
        "introduction": "Biên bản ghi nhớ xylophon.", "end_time": "11:30"})
    assert await results(searchable.secretary, "xylophon") == []
    await searchable.secretary.post(f"/api/publications/{draft['id']}/publish")
    found = await results(searchable.member, "xylophon")
    assert [(r["kind"], r["id"]) for r in found] == [("publication", draft["id"])]


async def test_a_correction_replaces_the_superseded_notice(searchable: Searchable) -> None:
    mid = searchable.meeting_id
    second = (await searchable.secretary.post(f"/api/meetings/{mid}/publications",
                                              json={"kind": "notice"})).json()
    await searchable.secretary.patch(f"/api/publications/{second['id']}", json={"number": "126"})
    await searchable.secretary.post(f"/api/publications/{second['id']}/publish")
    found = await results(searchable.member, "thong bao ket luan")
    assert [r["id"] for r in found if r["kind"] == "publication"] == [second["id"]]


async def edit_the_conclusion(searchable: Searchable) -> int:
    mid = searchable.meeting_id
    state = (await searchable.secretary.get(f"/api/meetings/{mid}")).json()
    conclusion: int = state["conclusions"][0]["id"]
    r = await searchable.secretary.patch(f"/api/conclusions/{conclusion}",
                                         json={"text": "Giao Sở Nội vụ tổng hợp ý kiến."})
    assert r.status_code == 200, r.text
    return conclusion


async def test_an_edited_conclusion_is_found_by_its_new_words(searchable: Searchable) -> None:
    conclusion = await edit_the_conclusion(searchable)

    found = await results(searchable.member, "tong hop y kien")

    assert [r["id"] for r in found if r["kind"] == "conclusion"] == [conclusion]


async def test_an_edited_conclusion_is_not_found_by_its_old_words(searchable: Searchable) -> None:
    await edit_the_conclusion(searchable)

    found = await results(searchable.member, "ket luan ve cong tac")

    assert [r for r in found if r["kind"] == "conclusion"] == []


async def test_a_deleted_item_and_its_documents_are_not_found(searchable: Searchable) -> None:
    mid = searchable.meeting_id
    state = (await searchable.secretary.get(f"/api/meetings/{mid}")).json()
    item = state["agenda_items"][-1]
    assert "đối thoại" in item["title"]
    r = await searchable.secretary.delete(f"/api/agenda-items/{item['id']}")
    assert r.status_code == 204, r.text
    found = await results(searchable.member, "doi thoai")
    assert [r for r in found if r["kind"] in ("agenda_item", "document")] == []


async def test_hits_in_an_older_version_point_to_it(demo: Server) -> None:
    secretary = await demo.login("thuky.nguyen")
    mid = (await secretary.get("/api/meetings")).json()["meetings"][0]["id"]
    item = (await secretary.post(f"/api/meetings/{mid}/agenda-items",
                                 json={"title": "Phiên bản"})).json()["id"]
    first, second = DEMO / "04b-phieu-khao-sat.pdf", DEMO / "05b-du-thao-ke-hoach-doi-thoai.pdf"
    doc = (await secretary.post(f"/api/agenda-items/{item}/documents", files={
        "file": (first.name, first.read_bytes(), "application/pdf")},
        data={"title": "Tài liệu sửa đổi"})).json()
    r = await secretary.post(f"/api/documents/{doc['id']}/versions", files={
        "file": (second.name, second.read_bytes(), "application/pdf")})
    assert r.status_code == 201, r.text
    await demo.app.context.indexer.wait_idle()
    texts = [set(" ".join(words(p.extract_text())).split())
             for path in (first, second) for p in PdfReader(path).pages[:1]]
    only_first = sorted(w for w in texts[0] - texts[1] if len(w) > 4 and not w.isdigit())[0]
    both = sorted(w for w in texts[0] & texts[1] if len(w) > 4 and not w.isdigit())[0]
    hits = [r for r in await results(secretary, only_first + " ") if r["id"] == doc["id"]]
    assert hits and {r["version"] for r in hits} == {1}
    hits = [r for r in await results(secretary, both + " ") if r["id"] == doc["id"]]
    assert hits and {r["version"] for r in hits if r["page"]} == {2}


async def test_a_word_on_one_page_of_a_long_document_finds_that_page(demo: Server) -> None:
    page = 58
    word = pdfs.long_word(page)  # on that page only (test_pdfs)
    secretary = await demo.login("thuky.nguyen")
    mid = (await secretary.get("/api/meetings")).json()["meetings"][0]["id"]
    item = (await secretary.post(f"/api/meetings/{mid}/agenda-items",
                                 json={"title": "Tài liệu tham khảo"})).json()["id"]
    doc = (await secretary.post(f"/api/agenda-items/{item}/documents", files={
        "file": (pdfs.LONG, pdfs.sample(pdfs.LONG), "application/pdf")})).json()
    await demo.app.context.indexer.wait_idle()
    found = await results(secretary, word)
    assert [(r["kind"], r["id"], r["page"]) for r in found] == [("document", doc["id"], page)]
    assert found[0]["url"] == f"/meetings/{mid}/documents/{doc['id']}?version=1&page={page}"
    assert word in fold(found[0]["snippet"])


HOSTILE = [
    '"', '""', "'", "(", ")", "*", "-", "^", ":", "+", "NEAR(", "NEAR(tiến độ, 2)",
    "title:tiến", "body:x", "tiến AND", "OR", "NOT độ", 'tiến" OR "độ', "{title body}: x",
    "a" * 400, "\x00", "%", "\\", "đ*", "* *", "tiến -độ", "tiến độ\u200b", "🙂 tiến",
]


async def test_any_text_is_a_search_not_an_error(searchable: Searchable) -> None:
    for query in HOSTILE:
        r = await searchable.member.get("/api/search", params={"q": query})
        assert r.status_code == 200, (query, r.text)
        assert isinstance(r.json()["results"], list)


async def test_query_syntax_is_taken_as_words(searchable: Searchable) -> None:
    found = await results(searchable.member, '"tiến độ" (đề* ra)')
    assert any(r["kind"] == "task" for r in found)


async def test_empty_query_finds_nothing(demo: Server) -> None:
    client = await demo.login("gd.snv")
    for query in ("", "   ", "?!.,;", None):
        r = await client.get("/api/search", params={} if query is None else {"q": query})
        assert r.status_code == 200 and r.json() == {"results": []}


async def test_too_long_queries_are_422(demo: Server) -> None:
    client = await demo.login("gd.snv")
    for query in ("tiến độ " * 100, "x" * 60_000, "a " * (store.MAX_WORDS + 1)):
        r = await client.get("/api/search", params={"q": query})
        assert r.status_code == 422 and r.json()["error"]["code"] == "query_too_long"


async def test_a_megabyte_query_is_refused_by_the_http_server(demo: Server) -> None:
    client = await demo.login("gd.snv")
    host, port = demo.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET /api/search?q={'x' * 1_000_000} HTTP/1.1\r\nHost: {host}\r\n"
                 f"Authorization: {client.headers['authorization']}\r\n\r\n".encode())
    await writer.drain()
    status = await reader.readline()
    writer.close()
    assert status.split()[1] in (b"400", b"414", b"422")


async def test_bad_meeting_id_is_400(demo: Server) -> None:
    client = await demo.login("gd.snv")
    for raw in ("x", "-1", "0", "1.5", str(2**63), "²", "١"):
        r = await client.get("/api/search", params={"q": "tien", "meeting_id": raw})
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_query"


async def test_anonymous_search_is_401(demo: Server) -> None:
    assert (await demo.client().get("/api/search", params={"q": "tien"})).status_code == 401


async def test_at_most_50_results(demo: Server) -> None:
    client = await demo.login("thuky.nguyen")
    mid = (await client.get("/api/meetings")).json()["meetings"][0]["id"]
    for n in range(store.LIMIT + 5):
        r = await client.post(f"/api/meetings/{mid}/agenda-items",
                              json={"title": f"Báo cáo chuyên đề số {n + 1} của thành phố"})
        assert r.status_code == 201
    assert len(await results(client, "thanh pho")) == store.LIMIT


async def search_page(searchable: Searchable) -> str:
    mid = searchable.meeting_id
    await searchable.secretary.post(f"/api/meetings/{mid}/conclusions", json={
        "text": "<script>alert('tiến độ')</script> & <b>đối thoại</b>"})
    r = await searchable.member.get("/search", params={"q": "tien do"})
    assert r.status_code == 200
    assert "Tìm kiếm" in r.text or "Search" in r.text
    return r.text


async def test_search_page_escapes_what_users_wrote(searchable: Searchable) -> None:
    html = await search_page(searchable)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


async def test_search_page_marks_the_words(searchable: Searchable) -> None:
    html = await search_page(searchable)
    assert re.search(r"<mark>tiến( |</mark>\s*<mark>)độ</mark>", html)


async def test_search_page_links_to_documents_and_tasks(searchable: Searchable) -> None:
    html = await search_page(searchable)
    assert f'href="/meetings/{searchable.meeting_id}/documents/' in html
    assert 'href="/tasks?unit=#task-' in html


async def test_search_page_needs_sign_in(demo: Server) -> None:
    r = await demo.client().get("/search", params={"q": "tien do"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


async def test_reindex_gives_the_same_answers(searchable: Searchable) -> None:
    before = await results(searchable.member, "cai cach hanh chinh")
    async with searchable.server.app.context.db.transaction() as tx:
        count = await store.reindex(tx)
    assert count > 0
    after = await results(searchable.member, "cai cach hanh chinh")
    assert [(r["kind"], r["id"], r["page"]) for r in after] == [
        (r["kind"], r["id"], r["page"]) for r in before]
    conn = sqlite3.connect(searchable.server.settings.db_path)
    try:
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def test_match_plan_quotes_every_word_and_tries_the_phrase_first() -> None:
    assert store.match_plan(["tien"], prefix=False) == ['"tien"']
    assert store.match_plan(["tien"], prefix=True) == ['"tien"*']
    assert store.match_plan(["tien", "do"], prefix=True) == [
        '"tien" + "do"*', '("tien" "do"*) NOT ("tien" + "do"*)']
    assert store.match_plan(["tien", "d"], prefix=True) == [
        '"tien" + "d"', '("tien" "d") NOT ("tien" + "d")']


def test_parse_knows_when_the_last_word_is_being_typed() -> None:
    assert store.parse("Tiến độ") == (["tien", "do"], True)
    assert store.parse("Tiến độ ") == (["tien", "do"], False)
    assert store.parse("tiến độ.") == (["tien", "do"], False)
    assert store.parse("?!") == ([], False)


def test_demo_pdfs_are_where_the_table_expects_them() -> None:
    assert {pdf for *_, pdf in TABLE if pdf} <= {p.name for p in Path(DEMO).glob("*.pdf")}
