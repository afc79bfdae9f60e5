"""Text typed with combining marks (NFD, as some keyboards send it) is stored in NFC: from JSON
bodies, from agenda files and from the form fields of uploads, and then searched like the rest."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pdfs

from meeting_server.agenda_import import read_agenda
from meeting_server.textfold import nfc

from conftest import World

TITLE = "Rà soát thủ tục hành chính liên thông"
DECOMPOSED = unicodedata.normalize("NFD", TITLE)


def test_the_decomposed_title_differs_from_the_composed_one() -> None:
    assert DECOMPOSED != TITLE and unicodedata.normalize("NFC", DECOMPOSED) == TITLE


def test_nfc_walks_lists_and_dicts_keys_included() -> None:
    assert nfc({DECOMPOSED: [DECOMPOSED, 1, None]}) == {TITLE: [TITLE, 1, None]}


async def test_a_json_body_is_stored_in_nfc(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/conclusions",
                                   json={"text": DECOMPOSED})
    assert r.status_code == 201 and r.json()["text"] == TITLE


async def test_text_stored_from_nfd_is_found_by_nfc_words(world: World) -> None:
    await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                               json={"title": DECOMPOSED})
    r = await world.secretary.get("/api/search", params={"q": "thủ tục hành chính liên thông"})
    assert [hit["title"] for hit in r.json()["results"]] == [TITLE]


async def test_a_task_s_deadline_words_are_stored_in_nfc(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/conclusions",
                                   json={"text": "Kết luận"})
    r = await world.secretary.post(f"/api/conclusions/{r.json()['id']}/tasks", json={
        "title": DECOMPOSED, "lead_unit": "SNV",
        "due_text": unicodedata.normalize("NFD", "trong tháng 8")})
    assert (r.json()["title"], r.json()["due_text"]) == (TITLE, "trong tháng 8")


async def test_an_upload_s_title_is_stored_in_nfc(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Tài liệu"})
    r = await world.secretary.post(
        f"/api/agenda-items/{r.json()['id']}/documents",
        files={"file": ("a.pdf", pdfs.sample(pdfs.FOUR_PAGES), "application/pdf")},
        data={"title": DECOMPOSED})
    assert r.status_code == 201 and r.json()["title"] == TITLE


def test_an_agenda_file_is_read_in_nfc(tmp_path: Path) -> None:
    (tmp_path / "agenda.toml").write_text(
        f'[meeting]\ntitle = "{DECOMPOSED}"\nstarts_at = "2019-07-05T08:00:00+07:00"\n',
        encoding="utf-8")
    assert read_agenda(tmp_path)["meeting"]["title"] == TITLE
