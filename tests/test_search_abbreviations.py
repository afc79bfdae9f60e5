"""Search the way officials type: unit codes, abbreviations and their full forms both ways,
"quí" for "quý", and a deployment's own table in its data dir."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from example import enter_example

from meeting_server.abbreviations import (
    Abbreviations,
    AbbreviationsError,
    canonical,
    shipped,
    spellings,
    table_path,
)
from meeting_server.datadir import DataDir
from meeting_server.textfold import words

from conftest import Server, Template, derive_template, running, served


async def build(demo: Server) -> dict[str, Any]:
    """The example's tasks (STTTT, VPUBND with STP, SBN with MTTQ), and a conclusion for the
    districts with a task due in the third quarter."""
    secretary, mid, created = await enter_example(demo)
    r = await secretary.post(f"/api/meetings/{mid}/conclusions", json={
        "text": "Giao UBND các quận, huyện phối hợp Sở Nội vụ rà soát thủ tục hành chính"
                " cấp huyện, hoàn thành trong quý III/2019."})
    assert r.status_code == 201, r.text
    districts = r.json()["id"]
    r = await secretary.post(f"/api/conclusions/{districts}/tasks", json={
        "title": "Hướng dẫn UBND các quận, huyện rà soát thủ tục hành chính",
        "lead_unit": "SNV", "due_text": "trong quý III"})
    assert r.status_code == 201, r.text
    example = created[0]["conclusion_id"]
    return {"tasks": {t["lead_unit"]: t["id"] for t in [*created, r.json()]},
            "conclusions": {"example": example, "districts": districts}}


@pytest.fixture(scope="session")
def abbreviated_template(tmp_path_factory: pytest.TempPathFactory,
                         demo_template: Template) -> Template:
    return derive_template(tmp_path_factory, "abbreviated", demo_template, build)


@dataclass
class Found:
    client: httpx.AsyncClient
    facts: dict[str, Any]

    async def hits(self, q: str) -> set[tuple[str, int]]:
        r = await self.client.get("/api/search", params={"q": q})
        assert r.status_code == 200, r.text
        return {(hit["kind"], hit["id"]) for hit in r.json()["results"]}

    def task(self, unit: str) -> tuple[str, int]:
        return "task", int(self.facts["tasks"][unit])

    def conclusion(self, name: str) -> tuple[str, int]:
        return "conclusion", int(self.facts["conclusions"][name])


@pytest.fixture
async def found(tmp_path: Path, abbreviated_template: Template) -> AsyncIterator[Found]:
    async with served(abbreviated_template, tmp_path / "data") as server:
        yield Found(await server.login("thuky.nguyen"), server.facts)


async def test_a_unit_code_finds_its_task_and_conclusion(found: Found) -> None:
    assert {found.task("STTTT"), found.conclusion("example")} <= await found.hits("STTTT")


async def test_the_department_s_short_name_finds_its_task(found: Found) -> None:
    assert found.task("STTTT") in await found.hits("Sở TT&TT")


async def test_vp_ubnd_finds_the_office_s_task_and_conclusion(found: Found) -> None:
    assert {found.task("VPUBND"), found.conclusion("example")} <= await found.hits("VP UBND")


async def test_ubnd_quan_huyen_finds_the_districts_task_and_conclusion(found: Found) -> None:
    assert {found.task("SNV"), found.conclusion("districts")} <= await found.hits(
        "UBND quan huyen")


async def test_the_full_form_finds_the_abbreviation(found: Found) -> None:
    assert {found.task("SNV"), found.conclusion("districts")} <= await found.hits(
        "Ủy ban nhân dân quận huyện")


async def test_qui_3_finds_the_third_quarter(found: Found) -> None:
    assert {found.task("SNV"), found.conclusion("districts")} <= await found.hits("qui 3")


async def test_a_supporting_unit_s_code_finds_the_task_it_supports(found: Found) -> None:
    assert found.task("VPUBND") in await found.hits("STP")


async def test_an_abbreviation_finds_its_full_form_in_the_documents(found: Found) -> None:
    r = await found.client.get("/api/search", params={"q": "SXD"})
    snippets = [hit["snippet"] for hit in r.json()["results"]]
    assert snippets and all("Sở Xây dựng" in " ".join(s.split()) for s in snippets)


# The table.

def test_i_and_y_are_one_spelling_after_q_k_h_l_m_t() -> None:
    assert [canonical(w) for w in ("qui", "ki", "li", "mi", "ti", "hi")] == [
        "quy", "ky", "ly", "my", "ty", "hy"]


def test_i_and_y_stay_apart_elsewhere() -> None:
    assert spellings("huy") == ["huy"] and spellings("ai") == ["ai"]


def test_the_shipped_table_has_the_officials_abbreviations() -> None:
    table = Abbreviations.load(shipped())
    for short, full in [("UBND", "Ủy ban nhân dân"), ("VP UBND", "Văn phòng UBND"),
                        ("STTTT", "Sở Thông tin và Truyền thông"), ("Sở TT&TT", "STTTT"),
                        ("Sở TTTT", "STTTT"), ("MTTQ", "Mặt trận Tổ quốc"),
                        ("HĐND", "Hội đồng nhân dân"), ("CCHC", "cải cách hành chính"),
                        ("TTHC", "thủ tục hành chính"), ("DVCTT", "dịch vụ công trực tuyến")]:
        (slot,) = table.slots(words(short))
        assert tuple(words(full)) in slot, short


def test_a_line_with_one_form_is_refused_with_its_line_number() -> None:
    with pytest.raises(AbbreviationsError, match="table:2"):
        Abbreviations.parse("UBND = Ủy ban nhân dân\nCCHC\n", "table")


def test_the_data_dir_s_own_table_wins(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    assert table_path(data) == shipped()
    data.abbreviations.write_text("SXD = Sở Xây dựng\n", encoding="utf-8")
    assert table_path(data) == data.abbreviations


async def test_a_deployment_s_own_table_is_used_by_search(
        tmp_path: Path, abbreviated_template: Template) -> None:
    folder = tmp_path / "data"
    abbreviated_template.copy(folder)
    (folder / "abbreviations.txt").write_text("HD = Hướng dẫn\n", encoding="utf-8")
    async with running(folder, abbreviated_template.sessions) as server:
        server.facts = abbreviated_template.facts
        mine = Found(await server.login("thuky.nguyen"), server.facts)
        assert mine.task("SNV") in await mine.hits("HD")
