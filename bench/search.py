"""Search latency: the server's ``GET /api/search`` against a bare SQLite FTS5 query.

Run from the repository root with the venv active::

    python bench/search.py

Setup: a fresh data dir with 10,000 pages of Vietnamese administrative text (50 meetings, each
with 4 agenda items, a 50-page document per item about one of 8 topics, a conclusion and a task
per item), generated from a fixed seed and written with plain SQL, so that the triggers of
migration 0005 index it exactly as they index uploads. Then ``python -m meeting_server serve``
starts on it in its own process (see ``_server.py``), with an admin, who sees everything, and a
member who takes part in 10 of the 50 meetings.

*Server*: ``GET /api/search?q=...`` over one keep-alive connection (httpx), until the JSON is
parsed: sign-in check, the FTS5 queries, visibility, pages mapped to documents, snippets, JSON.
*Bare*: in this process, one ``sqlite3`` connection to the same database file runs the same FTS5
queries -- ``store.match_plan`` of the query: the words as a phrase, then, while there are fewer
than 50 rows, the words anywhere -- each ranked by bm25, with snippets::

    SELECT rowid, snippet(search_fts, -1, '[', ']', '…', 16) FROM search_fts
    WHERE search_fts MATCH ? ORDER BY rank LIMIT ?

Both sides run the same fixed list of queries (with and without diacritics, common and rare
words, a word still being typed, a miss), interleaved, after one untimed warm-up pass.
Targets: server p95 under 30 ms, and server p95 within 1.5x bare p95 + 2 ms.

Exits non-zero only on errors; a missed target is printed as MISSED.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from _server import (
    BenchError,
    ServerProcess,
    expect,
    median,
    percentile,
    table,
    verdict,
)

from meeting_server.db import apply_migrations
from meeting_server.store import search as store

MEETINGS = 50
ITEMS = 4
PAGES = 50  # per document: MEETINGS * ITEMS * PAGES = 10,000 pages
MEMBER_MEETINGS = 10
ROUNDS = 10
P95_TARGET = 0.030
RATIO_TARGET = 1.5
SLACK = 0.002
SEED = 8
MEMBER_PASSWORD = "bench-member-not-secret"
BARE_SQL = ("SELECT rowid, snippet(search_fts, -1, '[', ']', '…', 16) FROM search_fts"
            " WHERE search_fts MATCH ? ORDER BY rank LIMIT ?")

QUERIES = [
    "cải cách hành chính", "cai cach hanh chinh", "thủ tục hành chính", "thu tuc hanh chinh",
    "dịch vụ công trực tuyến", "dich vu cong truc tuyen", "tiến độ", "tien do",
    "Sở Tư pháp", "so tu phap", "đối thoại với người dân", "doi thoai voi nguoi dan",
    "mức độ hài lòng", "muc do hai long", "một cửa liên thông", "mot cua lien thong",
    "chứng thư số", "chung thu so", "tinh giản biên chế", "tinh gian bien che",
    "hồ sơ trễ hạn", "ho so tre han", "giải phóng mặt bằng", "giai phong mat bang",
    "phường Bến Thủy", "phuong ben thuy", "bưởi Phúc Trạch", "buoi phuc trach",
    "thành phố", "thanh pho", "ngân sách", "ngan sach", "kế hoạch", "ke hoach",
    "thu tuc hanh ch", "doi tho", "tiem chung", "đầu tư công", "Nghị định số 61/2018/NĐ-CP",
    "không có trong văn bản nào xyzzy",
]

# Every document is about one topic: most of its sentences come from the topic's phrases, the
# rest from what every administrative text says.
TOPICS = {
    "cải cách hành chính": [
        "cải cách hành chính", "thủ tục hành chính", "cơ chế một cửa, một cửa liên thông",
        "kỷ luật, kỷ cương hành chính", "chỉ số cải cách hành chính (PAR INDEX)",
        "hồ sơ trễ hạn và thư xin lỗi", "Trung tâm Phục vụ hành chính công",
        "cơ sở dữ liệu quốc gia về thủ tục hành chính", "rà soát, đơn giản hóa thủ tục"],
    "chuyển đổi số": [
        "dịch vụ công trực tuyến mức độ 3, mức độ 4", "chứng thư số", "chuyển đổi số",
        "hệ thống quản lý văn bản và điều hành", "phòng họp không giấy", "an toàn thông tin",
        "Cổng dịch vụ công", "hạ tầng, nền tảng dùng chung", "chữ ký số"],
    "tổ chức bộ máy": [
        "tinh giản biên chế", "sắp xếp tổ chức bộ máy", "đơn vị sự nghiệp công lập",
        "vị trí việc làm", "thi tuyển công chức", "đào tạo, bồi dưỡng cán bộ",
        "sáp nhập thôn, tổ dân phố", "người hoạt động không chuyên trách"],
    "tiếp công dân": [
        "tiếp công dân", "đối thoại với người dân, doanh nghiệp", "xử lý đơn thư khiếu nại, tố cáo",
        "vụ việc đông người, phức tạp", "Luật Tiếp công dân", "hòa giải ở cơ sở",
        "mức độ hài lòng của người dân, tổ chức", "phiếu khảo sát"],
    "tài chính": [
        "ngân sách nhà nước", "dự toán thu, chi ngân sách", "thu tiền sử dụng đất",
        "tự chủ tài chính", "tiết kiệm chi thường xuyên", "quyết toán vốn", "nợ đọng thuế"],
    "đầu tư": [
        "đầu tư công", "giải ngân vốn đầu tư", "giải phóng mặt bằng", "dự án trọng điểm",
        "nhà đầu tư", "khu công nghiệp", "bồi thường, hỗ trợ, tái định cư", "hợp tác công tư"],
    "đô thị": [
        "quy hoạch đô thị", "trật tự xây dựng", "chỉnh trang đô thị", "cấp phép xây dựng",
        "hạ tầng kỹ thuật", "thoát nước đô thị", "cây xanh, chiếu sáng", "nhà ở xã hội"],
    "y tế, giáo dục": [
        "tiêm chủng mở rộng", "phòng, chống dịch bệnh", "bảo hiểm y tế", "trạm y tế xã",
        "trường học đạt chuẩn quốc gia", "tuyển sinh đầu cấp", "sách giáo khoa", "học bạ số"],
}
GENERAL = [
    "kế hoạch năm 2019", "chương trình công tác", "chế độ báo cáo", "công tác phối hợp",
    "kiểm tra, giám sát", "thông tin, tuyên truyền", "nhiệm vụ trọng tâm", "tiến độ thực hiện",
]
SUBJECTS = [
    "Ủy ban nhân dân thành phố", "Sở Nội vụ", "Sở Tư pháp", "Sở Thông tin và Truyền thông",
    "Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Văn phòng UBND thành phố", "Ban Chỉ đạo",
    "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Ủy ban Mặt trận Tổ quốc thành phố",
    "Ủy ban nhân dân các quận, huyện", "Ủy ban nhân dân xã, phường, thị trấn",
    "Hội đồng nhân dân thành phố", "Thanh tra thành phố", "Công an thành phố",
    "các sở, ban, ngành", "Ban Quản lý dự án", "Ban Tiếp công dân",
]
VERBS = [
    "đã ban hành văn bản về", "tiếp tục triển khai", "chủ trì, phối hợp thực hiện",
    "rà soát, đánh giá", "đẩy nhanh", "tổ chức kiểm tra", "tăng cường", "báo cáo kết quả",
    "kiện toàn", "hướng dẫn thực hiện", "tổng hợp ý kiến về", "đề xuất sửa đổi, bổ sung",
    "công khai", "bảo đảm kinh phí cho", "xây dựng phương án", "đôn đốc, theo dõi",
]
TAILS = [
    "trong 6 tháng đầu năm 2019", "theo đúng quy định", "trước ngày 15 tháng 8 năm 2019",
    "trong tháng 7", "thường xuyên", "và báo cáo Ủy ban nhân dân thành phố",
    "theo Nghị định số 61/2018/NĐ-CP", "theo Kế hoạch số 28/KH-UBND",
    "bảo đảm chất lượng, hiệu quả", "đạt tỷ lệ 98,3%", "với 1.743 hồ sơ",
]
PLACES = [
    "phường Bến Thủy", "xã Hưng Lộc", "phường Trường Thi", "xã Nghi Phú", "phường Đông Vĩnh",
    "huyện Nam Đàn", "thị trấn Quán Hành", "xã Hưng Đông",
]
RARE = ["bưởi Phúc Trạch", "làng sen Kim Liên", "cảng Cửa Lò", "chợ Vinh"]


def sentence(rng: random.Random, topic: str) -> str:
    what = rng.choice(TOPICS[topic]) if rng.random() < 0.75 else rng.choice(GENERAL)
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {what}"
    if rng.random() < 0.5:
        text += f" {rng.choice(TAILS)}"
    if rng.random() < 0.1:
        text += f" tại {rng.choice(PLACES)}"
    if rng.random() < 0.003:
        text += f", gắn với {rng.choice(RARE)}"
    return text[0].upper() + text[1:] + "."


def page_text(rng: random.Random, topic: str, document: int, page: int) -> str:
    lines = [f"Báo cáo số {document}/BC-UBND về {topic} — trang {page}"]
    while sum(len(line) for line in lines) < 2000:
        lines.append(" ".join(sentence(rng, topic) for _ in range(rng.randint(1, 3))))
    return "\n".join(lines)


def build(db_path: Path) -> tuple[int, float]:
    """The meetings, agenda, documents and 10,000 page texts; returns (pages, seconds)."""
    started = time.perf_counter()
    apply_migrations(db_path)
    rng = random.Random(SEED)
    conn = sqlite3.connect(db_path, isolation_level=None)
    at = "2019-07-05T08:00:00+07:00"
    pages = 0
    try:
        conn.execute("BEGIN IMMEDIATE")
        units = ["SNV", "STP", "STTTT", "SKHDT", "STC", "VPUBND"]
        for code in units:
            conn.execute("INSERT INTO units (code, name, created_at) VALUES (?, ?, ?)",
                         (code, f"Đơn vị {code}", at))
        for m in range(1, MEETINGS + 1):
            starts = f"2019-{1 + m % 12:02d}-{1 + m % 27:02d}T08:00:00+07:00"
            meeting = conn.execute(
                "INSERT INTO meetings (title, starts_at, location, created_at, updated_at)"
                " VALUES (?, ?, 'Phòng họp số 1', ?, ?) RETURNING id",
                (f"Phiên họp số {m} về {rng.choice(list(TOPICS))}", starts, at, at)).fetchone()[0]
            for i in range(1, ITEMS + 1):
                topic = rng.choice(list(TOPICS))
                item = conn.execute(
                    "INSERT INTO agenda_items (meeting_id, position, title, presenter, created_at)"
                    " VALUES (?, ?, ?, ?, ?) RETURNING id",
                    (meeting, i, f"Tình hình {rng.choice(TOPICS[topic])}", rng.choice(SUBJECTS),
                     at),
                ).fetchone()[0]
                number = (m - 1) * ITEMS + i
                texts = [page_text(rng, topic, number, p) for p in range(1, PAGES + 1)]
                sha = hashlib.sha256("\f".join(texts).encode()).hexdigest()
                document = conn.execute(
                    "INSERT INTO documents (meeting_id, agenda_item_id, title, current_version,"
                    " created_at) VALUES (?, ?, ?, 1, ?) RETURNING id",
                    (meeting, item, f"Báo cáo số {number}/BC-UBND về {topic}", at),
                ).fetchone()[0]
                conn.execute(
                    "INSERT INTO document_versions (document_id, version, sha256, filename, size,"
                    " page_count, page_sizes, uploaded_at) VALUES (?, 1, ?, ?, 0, ?, ?, ?)",
                    (document, sha, f"bao-cao-{number}.pdf", PAGES,
                     "[" + ",".join(["[595.3, 841.9, 0]"] * PAGES) + "]", at))
                conn.executemany("INSERT INTO page_texts (sha256, page, text) VALUES (?, ?, ?)",
                                 [(sha, p, t) for p, t in enumerate(texts, start=1)])
                pages += len(texts)
                conclusion = conn.execute(
                    "INSERT INTO conclusions (meeting_id, agenda_item_id, number, text, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                    (meeting, item, i, sentence(rng, topic), at, at)).fetchone()[0]
                conn.execute(
                    "INSERT INTO tasks (meeting_id, conclusion_id, title, lead_unit_id, due_date,"
                    " due_text, created_at, updated_at) VALUES (?, ?, ?, ?, '2019-08-15',"
                    " 'trước ngày 15/8', ?, ?)",
                    (meeting, conclusion, sentence(rng, topic), rng.randint(1, len(units)), at,
                     at))
        conn.execute("COMMIT")
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
    finally:
        conn.close()
    return pages, time.perf_counter() - started


def add_member(client: httpx.Client) -> httpx.Client:
    """A member of SNV who takes part in the first MEMBER_MEETINGS meetings; signed in."""
    user = expect(client.post("/api/users", json={
        "username": "member", "name": "Thành viên", "role": "member", "unit": "SNV",
        "password": MEMBER_PASSWORD}), 201)
    for meeting in range(1, MEMBER_MEETINGS + 1):
        expect(client.post(f"/api/meetings/{meeting}/participants",
                           json={"user_id": user["id"], "role": "member"}), 201)
    token = expect(client.post("/api/session", json={
        "username": "member", "password": MEMBER_PASSWORD}), 200)["token"]
    return httpx.Client(base_url=str(client.base_url), timeout=30,
                        headers={"Authorization": f"Bearer {token}"})


def timed(call: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    count = call()
    return time.perf_counter() - started, count


def measure(server: httpx.Client, bare: sqlite3.Connection
            ) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, int]]:
    """Interleaved, after one warm-up pass: server and bare times per query, hits per query."""
    server_times: dict[str, list[float]] = {q: [] for q in QUERIES}
    bare_times: dict[str, list[float]] = {q: [] for q in QUERIES}
    hits: dict[str, int] = {}

    def via_server(query: str) -> int:
        response = server.get("/api/search", params={"q": query})
        return len(expect(response, 200)["results"])

    def via_sqlite(query: str) -> int:
        found, typing = store.parse(query)
        count = 0
        for match in store.match_plan(found, typing):
            if count >= store.LIMIT:
                break
            count += len(bare.execute(BARE_SQL, (match, store.LIMIT - count)).fetchall())
        return count

    for query in QUERIES:  # warm-up, and a check that both sides run
        hits[query] = via_server(query)
        via_sqlite(query)
    for _ in range(ROUNDS):
        for query in QUERIES:
            bare_times[query].append(timed(lambda: via_sqlite(query))[0])  # noqa: B023
            server_times[query].append(timed(lambda: via_server(query))[0])  # noqa: B023
    return server_times, bare_times, hits


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def report(label: str, server_times: dict[str, list[float]],
           bare_times: dict[str, list[float]]) -> tuple[list[str], bool]:
    every_server = [t for times in server_times.values() for t in times]
    every_bare = [t for times in bare_times.values() for t in times]
    s95, b95 = percentile(every_server, 0.95), percentile(every_bare, 0.95)
    ok = s95 < P95_TARGET and s95 <= RATIO_TARGET * b95 + SLACK
    row = [label, ms(median(every_server)), ms(s95), ms(median(every_bare)), ms(b95),
           f"{s95 / b95:.2f}", ms(RATIO_TARGET * b95 + SLACK), verdict(ok)]
    return row, ok


def slowest(server_times: dict[str, list[float]], bare_times: dict[str, list[float]],
            hits: dict[str, int], count: int = 6) -> str:
    ranked = sorted(QUERIES, key=lambda q: median(server_times[q]), reverse=True)[:count]
    return table(["query", "hits", "server p50", "bare p50"],
                 [[q, hits[q], ms(median(server_times[q])), ms(median(bare_times[q]))]
                  for q in ranked])


def main() -> int:
    started = time.perf_counter()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"bench/search.py — {MEETINGS * ITEMS * PAGES} pages; {os.cpu_count()} CPUs, "
          f"load average {load}; SQLite {sqlite3.sqlite_version}")
    server = ServerProcess(label="search")
    try:
        server.data_dir.mkdir(parents=True)
        pages, seconds = build(server.db_path)
        size = sum(p.stat().st_size for p in server.data_dir.glob("meeting.db*"))
        print(f"built {pages} pages in {seconds:.1f} s (database {size / 2**20:.0f} MiB)")
        server.start()
        bare = sqlite3.connect(f"file:{server.db_path}?mode=ro", uri=True)
        rows, oks, details = [], [], []
        with httpx.Client(base_url=server.url, headers=server.headers(), timeout=30) as admin, \
                add_member(admin) as member:
            for label, client in (("admin (sees all)", admin),
                                  (f"member ({MEMBER_MEETINGS} of {MEETINGS} meetings)",
                                   member)):
                server_times, bare_times, hits = measure(client, bare)
                row, ok = report(label, server_times, bare_times)
                rows.append(row)
                oks.append(ok)
                details.append(f"slowest for the {label}:\n"
                               + slowest(server_times, bare_times, hits))
                if label.startswith("admin"):
                    missing = [q for q, n in hits.items() if n == 0 and "xyzzy" not in q]
                    if missing:
                        raise BenchError(f"no results for {missing}")
        bare.close()
        problems = server.problems()
        if problems:
            raise BenchError(f"the server logged errors: {problems[:3]}")
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        server.stop()
    print(f"\n{len(QUERIES)} queries x {ROUNDS} rounds per side, interleaved (ms)")
    print(table(["caller", "server p50", "server p95", "bare p50", "bare p95", "p95 ratio",
                 "limit 1.5x+2", "target"], rows))
    for detail in details:
        print(f"\n{detail}")
    print(f"\nTargets: server p95 < {P95_TARGET * 1000:.0f} ms and server p95 <= "
          f"{RATIO_TARGET}x bare p95 + {SLACK * 1000:.0f} ms: "
          f"{verdict(all(oks))} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
