"""The demo meeting recorded in full and its notice and minutes published, signed with a demo
certificate, as the demo's office (Văn phòng UBND thành phố Sông Lam) would issue them.

:func:`official_template` makes it once per run; :func:`served_official` runs a copy of it
with the same settings (the demo's issuer, place and certificate).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pg_support
import pytest
from example import enter_example

from meeting_server.cli import DEMO_ISSUER, DEMO_ORGANISATION
from meeting_server.datadir import DEMO_CERTIFICATE
from meeting_server.publishing.demo_certificate import make_demo_certificate

from conftest import Server, Template, in_a_thread, running, shared_template

#: The three tasks of tests/example.py and those below, with their deadlines as recorded.
DEADLINES = ("trước ngày 15/8", "trong tháng 7", "thường xuyên", "trước ngày 31/7",
             "trong tháng 8", "trước ngày 15/9")
ABSENT_UNIT = "Sở Kế hoạch và Đầu tư"
ABSENCE_REASON = "đi công tác tại Hà Nội"
OPINION = ("Giám đốc Sở Tư pháp đề nghị rà soát lại thời hạn giải quyết của 12 thủ tục liên "
           "thông trước khi công bố.")


def official_settings(data_dir: Path, password: str) -> dict[str, str]:
    return {**DEMO_ISSUER, "signing_certificate": str(data_dir / DEMO_CERTIFICATE),
            "signing_password": password}


async def record_the_meeting(server: Server) -> dict[str, Any]:
    """Attendance (one absent with a reason, one online), four conclusions with six tasks, the
    participants' opinions; the notice (152/TB-VP of 09/07/2019) and the minutes published."""
    secretary, mid, _ = await enter_example(server)
    state = (await secretary.get(f"/api/meetings/{mid}")).json()
    items = [item["id"] for item in state["agenda_items"]]
    for person in state["participants"]:
        status = {"gd.skhdt": "absent", "pct.mttq": "online"}.get(person["username"], "present")
        body: dict[str, Any] = {"status": status, "user_id": person["user_id"]}
        if status == "absent":
            body["reason"] = ABSENCE_REASON
        r = await secretary.post(f"/api/meetings/{mid}/attendance", json=body)
        assert r.status_code == 200, r.text
    for item, text, tasks in [
        (items[0], "Đánh giá cao kết quả cải cách hành chính 6 tháng đầu năm 2019 của các sở, "
         "ngành; tuy nhiên tỷ lệ hồ sơ giải quyết trễ hạn trong lĩnh vực đất đai, xây dựng còn "
         "cao, cần chấn chỉnh kịp thời.",
         [{"title": "Tổng hợp danh sách hồ sơ trễ hạn theo từng lĩnh vực, đề xuất biện pháp "
           "khắc phục, báo cáo UBND thành phố", "lead_unit": "SNV",
           "support_units": ["VPUBND"], "due_text": "trước ngày 31/7"}]),
        (items[3], "Thống nhất tổ chức khảo sát mức độ hài lòng của người dân, tổ chức đối với "
         "sự phục vụ của cơ quan hành chính nhà nước năm 2019 theo Kế hoạch phối hợp số "
         "12/KHPH-SNV-MTTQ; phiếu khảo sát cần ngắn gọn, dễ hiểu.",
         [{"title": "Hoàn thiện mẫu phiếu, tổ chức khảo sát tại bộ phận một cửa các cấp",
           "lead_unit": "SNV", "support_units": ["MTTQ", "STTTT"],
           "due_text": "trong tháng 8"}]),
        (items[4], "Thống nhất tổ chức Hội nghị đối thoại giữa Chủ tịch UBND thành phố với "
         "người dân, doanh nghiệp năm 2019 vào quý III; nội dung đối thoại tập trung vào thủ "
         "tục hành chính về đất đai, đầu tư, xây dựng.",
         [{"title": "Xây dựng kế hoạch tổ chức Hội nghị đối thoại, trình Chủ tịch UBND thành "
           "phố phê duyệt", "lead_unit": "VPUBND", "support_units": ["STP"],
           "due_text": "trước ngày 15/9"}]),
    ]:
        r = await secretary.post(f"/api/meetings/{mid}/conclusions",
                                 json={"text": text, "agenda_item_id": item})
        assert r.status_code == 201, r.text
        for task in tasks:
            r = await secretary.post(f"/api/conclusions/{r.json()['id']}/tasks", json=task)
            assert r.status_code == 201, r.text
    notice = await publish(secretary, mid, "notice", {"number": "152", "date": "2019-07-09"})
    minutes = await publish(secretary, mid, "minutes", {
        "number": "15", "end_time": "11:30", "opinions": {str(items[2]): OPINION}})
    return {"meeting_id": mid, "notice": notice, "minutes": minutes}


async def publish(secretary: Any, meeting_id: int, kind: str,
                  fields: dict[str, Any]) -> dict[str, Any]:
    r = await secretary.post(f"/api/meetings/{meeting_id}/publications", json={"kind": kind})
    assert r.status_code == 201, r.text
    url = f"/api/publications/{r.json()['id']}"
    r = await secretary.patch(url, json=fields)
    assert r.status_code == 200, r.text
    r = await secretary.post(f"{url}/publish")
    assert r.status_code == 200, r.text
    published: dict[str, Any] = r.json()
    return published


def official_template(factory: pytest.TempPathFactory, demo: Template) -> Template:
    """The demo template with its demo certificate and the meeting recorded and published."""

    def make(folder: Path) -> Template:
        async def build() -> Template:
            demo.copy(folder)
            password = make_demo_certificate(folder / DEMO_CERTIFICATE, DEMO_ORGANISATION,
                                             DEMO_ISSUER["place"])
            async with running(folder, demo.sessions,
                               **official_settings(folder, password)) as server:
                facts = await record_the_meeting(server)
            return Template(folder, demo.sessions, {**facts, "password": password})

        return in_a_thread(build)

    # one per backend: the demo's copy on PostgreSQL has a database of its own
    name = "official-postgresql" if pg_support.url_of(demo.path) is not None else "official"
    return shared_template(factory, name, make)


@asynccontextmanager
async def served_official(template: Template, data_dir: Path) -> AsyncIterator[Server]:
    template.copy(data_dir)
    settings = official_settings(data_dir, template.facts["password"])
    async with running(data_dir, template.sessions, **settings) as server:
        server.facts = template.facts
        yield server


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class Page:
    """One page of a PDF as poppler reads it: its text (``pdftotext -layout``), its words
    with their boxes in points from the top left, its size, and its image (``pdftoppm``)."""

    number: int
    text: str
    words: list[Word]
    width: float
    height: float
    image: Path

    @property
    def flat(self) -> str:
        """The text with runs of blanks made one space (lines kept)."""
        return "\n".join(" ".join(line.split()) for line in self.text.splitlines())


def poppler_pages(pdf: bytes, folder: Path) -> list[Page]:
    """Every page rendered to PNG by pdftoppm, with poppler's text layer of it."""
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "install poppler-utils"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(source), str(folder / "page")],
                   check=True, capture_output=True)
    images = sorted(folder.glob("page-*.png"))
    pages = []
    for number, image in enumerate(images, start=1):
        text = _poppler(["pdftotext", "-layout", "-f", str(number), "-l", str(number)], source)
        boxes = _poppler(["pdftotext", "-bbox", "-f", str(number), "-l", str(number)], source)
        pages.append(Page(number, text, _words(boxes), *_size(boxes), image))
    return pages


def _poppler(command: list[str], source: Path) -> str:
    return subprocess.run([*command, str(source), "-"], check=True, capture_output=True,
                          text=True).stdout


def _size(bbox_html: str) -> tuple[float, float]:
    found = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', bbox_html)
    assert found, bbox_html[:500]
    return float(found[1]), float(found[2])


def _words(bbox_html: str) -> list[Word]:
    pattern = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="([\d.]+)">(.*?)</word>')
    return [Word(html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4]))
            for m in pattern.finditer(bbox_html)]
