"""Published minutes and notices are digitally signed (PAdES, pyHanko) with the issuing body's
certificate; ``/verify`` checks them; without a certificate they are published unsigned."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from official import official_template, poppler_pages, served_official
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from meeting_server.cli import DEMO_ISSUER, DEMO_ORGANISATION, _demo_signing
from meeting_server.datadir import DEMO_CERTIFICATE
from meeting_server.publishing.signing import load_signing
from meeting_server.settings import ConfigError, Settings

from conftest import PASSWORD, Server, Template, World

DEMO_COMMON_NAME = f"{DEMO_ORGANISATION} (THỬ NGHIỆM)"


@pytest.fixture(scope="session")
def official(tmp_path_factory: pytest.TempPathFactory, demo_template: Template) -> Template:
    return official_template(tmp_path_factory, demo_template)


@pytest.fixture
async def issuer(tmp_path: Path, official: Template) -> AsyncIterator[Server]:
    """The demo's office with its demo certificate, the meeting's notice and minutes
    published."""
    async with served_official(official, tmp_path / "data") as server:
        yield server


async def published_pdf(server: Server, kind: str = "notice") -> bytes:
    secretary = await server.login("thuky.nguyen")
    r = await secretary.get(f"/api/publications/{server.facts[kind]['id']}/pdf")
    assert r.status_code == 200, r.text
    return r.content


def demo_certificate(server: Server) -> asn1_x509.Certificate:
    _, cert, _ = pkcs12.load_key_and_certificates(
        (server.settings.data_dir / DEMO_CERTIFICATE).read_bytes(),
        server.facts["password"].encode())
    assert cert is not None
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


async def verify(server: Server, kind: str = "notice") -> dict[str, Any]:
    member = await server.login("gd.snv")
    r = await member.get(f"/api/publications/{server.facts[kind]['id']}/verify")
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    return found


@pytest.mark.parametrize("kind", ["notice", "minutes"])
async def test_pyhanko_finds_the_published_file_valid_signed_by_the_demo_certificate(
        issuer: Server, kind: str) -> None:
    pdf = await published_pdf(issuer, kind)
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    context = ValidationContext(trust_roots=[demo_certificate(issuer)], allow_fetching=False)
    status = await async_validate_pdf_signature(signature, context)
    assert status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == DEMO_COMMON_NAME


async def test_the_signature_is_pades(issuer: Server) -> None:
    [signature] = PdfFileReader(io.BytesIO(await published_pdf(issuer))).embedded_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


async def test_the_frozen_sha256_is_that_of_the_signed_file(issuer: Server) -> None:
    pdf = await published_pdf(issuer)
    assert PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert hashlib.sha256(pdf).hexdigest() == issuer.facts["notice"]["sha256"]


async def test_verify_reports_validity_signer_and_time(issuer: Server) -> None:
    found = await verify(issuer)
    assert (found["signed"], found["valid"], found["intact"], found["trusted"]) == (
        True, True, True, True)
    assert found["signer"] == DEMO_COMMON_NAME and found["sha256_matches"] is True
    assert found["signed_at"] == issuer.facts["notice"]["fields"]["signature"]["signed_at"]
    assert found["signed_at"].endswith("+07:00")


async def test_one_flipped_byte_makes_verify_report_invalid(issuer: Server) -> None:
    stored = issuer.app.context.files.publication_path(issuer.facts["notice"]["sha256"])
    data = bytearray(stored.read_bytes())
    signed_range_end = PdfFileReader(io.BytesIO(bytes(data))).embedded_signatures[0] \
        .byte_range[1]
    data[signed_range_end // 2] ^= 0x01
    stored.write_bytes(bytes(data))

    found = await verify(issuer)

    assert (found["valid"], found["intact"], found["sha256_matches"]) == (False, False, False)
    assert found["problem"]


def actual_texts(reader: pypdf.PdfReader, stream: Any) -> list[str]:
    """The /ActualText of the marked content in a form XObject and those it draws."""
    stream = stream.get_object()
    texts = []
    for operands, operator in pypdf.generic.ContentStream(stream, reader).operations:
        if operator == b"BDC" and len(operands) > 1 and "/ActualText" in operands[1]:
            texts.append(str(operands[1]["/ActualText"]))
    for inner in stream.get("/Resources", {}).get("/XObject", {}).values():
        texts.extend(actual_texts(reader, inner))
    return texts


def appearance_text(pdf: bytes) -> tuple[int, list[float], str]:
    """The signature widget's page (0-based), rectangle, and the text of its appearance."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            widget = annotation.get_object()
            if widget.get("/FT") == "/Sig" or widget.get("/Parent", {}).get("/FT") == "/Sig":
                text = "\n".join(actual_texts(reader, widget["/AP"]["/N"]))
                return index, [float(v) for v in widget["/Rect"]], text
    raise AssertionError("no signature widget")


async def test_the_appearance_names_the_office_and_the_time(issuer: Server) -> None:
    _, _, text = appearance_text(await published_pdf(issuer))
    signed_at = issuer.facts["notice"]["fields"]["signature"]["signed_at"]
    day, clock = signed_at[:10].split("-"), signed_at[11:19]
    assert "Ký bởi: Văn phòng UBND thành phố" in text and "(THỬ NGHIỆM)" in text
    assert f"Thời gian ký: {day[2]}.{day[1]}.{day[0]} {clock} +07:00" in text


async def test_the_appearance_stands_between_the_signers_position_and_name(
        issuer: Server, tmp_path: Path) -> None:
    pdf = await published_pdf(issuer)
    index, (x1, y1, x2, y2), _ = appearance_text(pdf)
    page = poppler_pages(pdf, tmp_path / "pages")[index]
    position = next(w for w in page.words if w.text == "CHÁNH")
    name = next(w for w in page.words if w.text == "Huy")
    top, bottom = page.height - y2, page.height - y1  # from the top, as poppler measures
    assert position.y_max <= top + 1 and bottom <= name.y_min + 1
    assert x1 < position.x_min and name.x_max < x2


async def test_a_draft_has_no_signature_to_check(issuer: Server) -> None:
    secretary = await issuer.login("thuky.nguyen")
    r = await secretary.post(f"/api/meetings/{issuer.facts['meeting_id']}/publications",
                             json={"kind": "notice"})
    r = await secretary.get(f"/api/publications/{r.json()['id']}/verify")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_published"


async def test_the_page_of_a_signed_notice_says_who_signed(issuer: Server) -> None:
    client = issuer.client()
    r = await client.post("/api/session", json={"username": "gd.snv", "password": PASSWORD})
    assert r.status_code == 200
    page = (await client.get(f"/publications/{issuer.facts['notice']['id']}")).text
    assert f"Đã ký số bởi {DEMO_COMMON_NAME}" in page


async def unsigned_minutes(world: World) -> str:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "minutes"})
    url = f"/api/publications/{r.json()['id']}"
    await world.secretary.patch(url, json={"end_time": "10:00"})
    r = await world.secretary.post(f"{url}/publish")
    assert r.status_code == 200, r.text
    return url


async def test_without_a_certificate_the_document_is_published_unsigned(world: World) -> None:
    url = await unsigned_minutes(world)
    pdf = (await world.member.get(f"{url}/pdf")).content
    assert PdfFileReader(io.BytesIO(pdf)).embedded_signatures == []
    found = (await world.member.get(f"{url}/verify")).json()
    assert (found["signed"], found["valid"], found["sha256_matches"]) == (False, False, True)


async def test_the_page_says_a_document_is_not_signed(world: World) -> None:
    url = await unsigned_minutes(world)
    client = world.server.client()
    await client.post("/api/session", json={"username": "snv", "password": PASSWORD})
    page = (await client.get(url.replace("/api", ""))).text
    assert "Văn bản không có chữ ký số" in page


async def test_a_draft_says_it_will_be_published_unsigned(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "minutes"})
    client = world.server.client()
    await client.post("/api/session", json={"username": "thuky", "password": PASSWORD})
    page = (await client.get(f"/publications/{r.json()['id']}")).text
    assert "ban hành không có chữ ký số" in page


def test_a_wrong_password_is_refused_naming_the_settings(official: Template) -> None:
    settings = Settings.load(environ={}, signing_certificate=str(
        official.path / DEMO_CERTIFICATE), signing_password="not the password")
    with pytest.raises(ConfigError, match="MEETING_SIGNING_PASSWORD"):
        load_signing(settings, None)


def test_a_missing_certificate_file_is_refused_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MEETING_SIGNING_CERTIFICATE"):
        Settings.load(environ={"MEETING_SIGNING_CERTIFICATE": str(tmp_path / "none.p12")})


def test_the_demo_makes_a_test_certificate_and_says_so(tmp_path: Path) -> None:
    settings = Settings.load(environ={}, data_dir=str(tmp_path), **DEMO_ISSUER)
    signed, said = _demo_signing(settings)
    assert signed.signing_certificate == tmp_path / DEMO_CERTIFICATE
    assert "SELF-SIGNED TEST certificate" in "\n".join(said)
    signing = load_signing(signed, None)
    assert signing is not None and signing.organisation == DEMO_COMMON_NAME
