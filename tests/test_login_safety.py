"""Signing in cannot be abused from elsewhere: ``/login?next=`` stays on this site, and a
foreign page cannot sign the browser in (login CSRF)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest

from meeting_server.redirects import same_origin_path

from conftest import PASSWORD, Server

HOSTILE = ["/%5Cevil.example", "/\\evil.example", "/%09/evil.example", "/\t/evil.example",
           "//evil.example", "\\\\evil.example", "/\\/evil.example", "https://evil.example",
           "/\n/evil.example", "/\r\n/evil.example", "///evil.example", "javascript:alert(1)",
           " /evil", "/%2F%2Fevil.example", "\\/evil.example"]
NEXT = re.compile(r'data-next="([^"]*)"')


async def next_of_login_page(server: Server, value: str) -> str:
    page = await server.client().get("/login", params={"next": value})
    found = NEXT.search(page.text)
    assert found is not None
    return html.unescape(found.group(1))


@pytest.mark.parametrize("value", HOSTILE)
async def test_next_never_leaves_the_site(server: Server, value: str) -> None:
    shown = await next_of_login_page(server, value)

    assert shown.startswith("/") and not shown.startswith("//")
    assert not any(c in shown for c in "\\\t\r\n ")
    assert urlsplit(shown).netloc == ""


async def test_next_keeps_a_path_of_the_site(server: Server) -> None:
    assert await next_of_login_page(server, "/meetings/1/documents/2?page=3") == \
        "/meetings/1/documents/2?page=3"


@pytest.mark.parametrize("value,expected", [
    ("/%5Cevil.example", "/%5Cevil.example"), ("/\\evil.example", "/%5Cevil.example"),
    ("/\t/evil.example", "/%09/evil.example"), ("//x", "/"), ("\\\\x", "/"), ("", "/"),
    ("/tasks?unit=SNV", "/tasks?unit=SNV"), ("/tìm kiếm", "/t%C3%ACm%20ki%E1%BA%BFm"),
])
def test_same_origin_path(value: str, expected: str) -> None:
    assert same_origin_path(value) == expected


async def test_sign_in_from_a_foreign_page_is_refused(server: Server) -> None:
    r = await server.client().post("/api/session",
                                   json={"username": "admin", "password": PASSWORD},
                                   headers={"Origin": "https://evil.example"})

    assert r.status_code == 403 and r.json()["error"]["code"] == "bad_origin"
    assert "set-cookie" not in r.headers


async def test_sign_in_from_a_cross_site_form_without_origin_is_refused(server: Server) -> None:
    r = await server.client().post("/api/session",
                                   json={"username": "admin", "password": PASSWORD},
                                   headers={"Sec-Fetch-Site": "cross-site"})

    assert r.status_code == 403


async def test_sign_in_from_our_own_page_is_accepted(server: Server) -> None:
    r = await server.client().post("/api/session",
                                   json={"username": "admin", "password": PASSWORD},
                                   headers={"Origin": server.base_url})

    assert r.status_code == 200


async def test_pairing_from_a_foreign_page_is_refused(server: Server) -> None:
    r = await server.client().post("/api/session/pair", json={"code": "ABCD-EFGH"},
                                   headers={"Origin": "https://evil.example"})

    assert r.status_code == 403 and r.json()["error"]["code"] == "bad_origin"
