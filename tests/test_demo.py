"""``meeting-server demo``: the demo meeting, its users with printed passwords, a running server."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import tomllib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pytest

from conftest import DEMO, serving_command

MEETING = re.compile(r"^\s+meeting id (\d+)$", re.MULTILINE)
PERSON = re.compile(r"^ {4}(\S+)\s+(\S+)\s+(admin|secretary|member)$", re.MULTILINE)


@dataclass
class Demo:
    url: str
    meeting_id: int
    people: dict[str, tuple[str, str]]  # username: (password, role)
    data_dir: Path
    output: str

    @asynccontextmanager
    async def signed_in(self, username: str) -> AsyncIterator[httpx.AsyncClient]:
        """A client signed in as ``username`` with the password the demo printed."""
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            r = await client.post("/api/session", json={"username": username,
                                                        "password": self.people[username][0]})
            assert r.status_code == 200, r.text
            client.headers["Authorization"] = f"Bearer {r.json()['token']}"
            yield client

    def with_role(self, role: str) -> str:
        [username] = [u for u, (_, r) in self.people.items() if r == role]
        return username


def agenda() -> dict[str, Any]:
    return tomllib.loads((DEMO / "agenda.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """``python -m meeting_server demo --port 0 --data-dir …/demo``, reaped at the end; one
    for the module, whose tests only read."""
    folder = tmp_path_factory.mktemp("demo")
    data_dir = folder / "demo"
    with serving_command(["demo", "--data-dir", str(data_dir)], folder) as running:
        proc, url, text, err_path = running
        meeting = MEETING.search(text)
        assert meeting, text
        people = {u: (p, r) for u, p, r in PERSON.findall(text)}
        yield Demo(url, int(meeting.group(1)), people, data_dir, text)
    # uvicorn re-raises SIGTERM after a graceful shutdown.
    assert proc.returncode in (0, -signal.SIGTERM), err_path.read_text()
    assert "Traceback" not in err_path.read_text(), err_path.read_text()


def test_demo_prints_every_user_with_role_and_password(demo: Demo) -> None:
    assert {u: r for u, (_, r) in demo.people.items()} == {
        u["username"]: u.get("role", "member") for u in agenda()["users"]}
    assert all(len(p) >= 8 for p, _ in demo.people.values())


async def secretarys_meetings(demo: Demo) -> list[dict[str, Any]]:
    async with demo.signed_in(demo.with_role("secretary")) as secretary:
        assert (await secretary.get("/api/me")).json()["role"] == "secretary"
        r = await secretary.get("/api/meetings")
    assert r.status_code == 200, r.text
    meetings: list[dict[str, Any]] = r.json()["meetings"]
    return meetings


async def test_secretary_sees_the_demo_meeting(demo: Demo) -> None:
    spec = agenda()
    [meeting] = await secretarys_meetings(demo)
    assert meeting["id"] == demo.meeting_id
    assert (meeting["title"], meeting["location"]) == (spec["meeting"]["title"],
                                                       spec["meeting"]["location"])


async def test_demo_agenda_items_have_presenters_and_durations(demo: Demo) -> None:
    [meeting] = await secretarys_meetings(demo)
    assert [(i["title"], i["presenter"], i["duration_minutes"]) for i in meeting["agenda_items"]] \
        == [(i["title"], i["presenter"], i["duration_minutes"]) for i in agenda()["items"]]


async def test_demo_documents_have_their_titles_files_and_pages(demo: Demo) -> None:
    [meeting] = await secretarys_meetings(demo)
    async with demo.signed_in(demo.with_role("secretary")) as secretary:
        for item, item_spec in zip(meeting["agenda_items"], agenda()["items"], strict=True):
            docs = item["documents"]
            assert [d["title"] for d in docs] == [d["title"] for d in item_spec["documents"]]
            for doc, doc_spec in zip(docs, item_spec["documents"], strict=True):
                assert doc["page_count"] == len(pypdf.PdfReader(DEMO / doc_spec["file"]).pages)
                r = await secretary.get(f"/api/documents/{doc['id']}")
                assert r.status_code == 200, r.text
                assert r.json()["versions"][0]["filename"] == doc_spec["file"]


async def test_demo_participants_have_their_roles(demo: Demo) -> None:
    spec = agenda()
    async with demo.signed_in(demo.with_role("secretary")) as secretary:
        state = (await secretary.get(f"/api/meetings/{demo.meeting_id}")).json()
    roles = {p["username"]: p["role"] for p in state["participants"]}
    assert roles == {p["username"]: p["role"] for p in spec["participants"]}
    assert len(state["documents"]) == sum(len(i["documents"]) for i in spec["items"])


async def test_member_participant_sees_the_demo_meeting(demo: Demo) -> None:
    spec = agenda()
    roles = {u["username"]: u.get("role", "member") for u in spec["users"]}
    username = next(p["username"] for p in spec["participants"]
                    if p["role"] == "member" and roles[p["username"]] == "member")
    async with demo.signed_in(username) as member:
        r = await member.get("/api/meetings")
        assert r.status_code == 200, r.text
        assert [m["title"] for m in r.json()["meetings"]] == [spec["meeting"]["title"]]
        r = await member.get(f"/api/meetings/{demo.meeting_id}")
        assert r.status_code == 200, r.text
        assert len(r.json()["agenda_items"]) == len(spec["items"])


async def test_login_page_is_in_vietnamese(demo: Demo) -> None:
    async with httpx.AsyncClient(base_url=demo.url) as client:
        r = await client.get("/login")
    assert r.status_code == 200
    assert 'lang="vi"' in r.text
    assert "Đăng nhập" in r.text and "Mật khẩu" in r.text


def test_demo_refuses_a_data_dir_that_holds_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    run = [sys.executable, "-m", "meeting_server"]
    subprocess.run([*run, "migrate", "--data-dir", str(data_dir)], check=True,
                   capture_output=True, timeout=60)
    result = subprocess.run([*run, "demo", "--port", "0", "--data-dir", str(data_dir)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "fresh" in result.stderr and "Serving on" not in result.stdout


def test_demo_says_it_signs_with_a_self_signed_test_certificate(demo: Demo) -> None:
    assert "SELF-SIGNED TEST certificate" in demo.output
    assert (demo.data_dir / "demo-signing.p12").is_file()
