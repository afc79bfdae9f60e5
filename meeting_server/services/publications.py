"""Drafts of minutes and notices built from the meeting, and their frozen publication."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime
from typing import Any

from meeting_server.access import Access
from meeting_server.db import Database, Transaction
from meeting_server.documents_files import DocumentFiles
from meeting_server.errors import Conflict, Invalid, NotFound
from meeting_server.models import Publication
from meeting_server.publishing.context import default_fields, record_times, snapshot
from meeting_server.publishing.forms import says_as_above
from meeting_server.publishing.render import TITLES, Renderer, document_number
from meeting_server.settings import Settings
from meeting_server.store import events, publications, state


async def _record(db: Database, access: Access) -> dict[str, Any]:
    async with db.read() as conn:
        return snapshot(await state.meeting_state(conn, access.meeting, include_drafts=False,
                                                  today=db.clock.today()))


async def create_draft(db: Database, settings: Settings, access: Access,
                       kind: str) -> Publication:
    """A new draft; after a publication it is the next version, a document of its own: it
    starts from the published fields, without their number, and says which one it replaces."""
    record = await _record(db, access)
    async with db.transaction() as tx:
        latest = await publications.latest(tx, access.meeting.id, kind)
        if latest is not None and latest.status == "draft":
            raise Conflict("A draft of this document already exists (id {id}).",
                           "draft_exists", values={"id": latest.id}, id=latest.id)
        fields = default_fields(kind, record, settings, tx.clock.today())
        if latest is not None:
            fields = {**fields, **latest.fields, "date": fields["date"], "number": "",
                      "signature": None, "replaces": _replaced(latest)}
            fields["opinions"] = {str(i["id"]): latest.fields.get("opinions", {}).get(
                str(i["id"]), "") for i in record["agenda"]}
        publication_id = await publications.create(
            tx, access.meeting.id, kind, record, fields, latest.id if latest else None,
            access.user.id)
        created = await publications.get(tx, publication_id)
    assert created is not None
    return created


def _replaced(published: Publication) -> dict[str, str]:
    """What a correction says of the document it replaces: its number and date."""
    number = document_number(published.fields) if published.fields.get("number") else ""
    return {"number": number.strip() or f"(bản {published.version})",
            "date": str(published.fields.get("date") or (published.published_at or "")[:10])}


def _draft_only(publication: Publication) -> None:
    if publication.status != "draft":
        raise Conflict("A published document never changes; make a new version to correct it.",
                       "published")


async def update_fields(db: Database, publication: Publication,
                        changes: dict[str, Any]) -> Publication:
    _draft_only(publication)
    fields = {**publication.fields, **changes}
    if "opinions" in changes:
        fields["opinions"] = {**publication.fields.get("opinions", {}), **changes["opinions"]}
    async with db.transaction() as tx:
        current = await publications.get(tx, publication.id)
        assert current is not None
        _draft_only(current)
        await publications.update_draft(tx, publication.id, fields=fields)
        updated = await publications.get(tx, publication.id)
    assert updated is not None
    return updated


async def refresh(db: Database, access: Access, publication: Publication) -> Publication:
    """Take the snapshot again from the meeting as it stands now."""
    _draft_only(publication)
    record = await _record(db, access)
    fields = dict(publication.fields)
    if publication.kind == "minutes":
        # A time the secretary left as the record gave it follows the record (the meeting has
        # since been started or ended in the console); one they corrected stays.
        before, now = record_times(publication.snapshot), record_times(record)
        for name, value in now.items():
            if str(fields.get(name) or "") in ("", before[name]):
                fields[name] = value
    fields["opinions"] = {str(i["id"]): fields.get("opinions", {}).get(str(i["id"]), "")
                          for i in record["agenda"]}
    async with db.transaction() as tx:
        await publications.update_draft(tx, publication.id, snapshot=record, fields=fields)
        updated = await publications.get(tx, publication.id)
    assert updated is not None
    _draft_only(updated)
    return updated




def require_complete(publication: Publication) -> None:
    """What the decree needs before a document is issued: a notice has its number and its
    signer; the minutes say when the meeting ended; "Như trên" only under a "Kính gửi"."""
    fields = publication.fields
    if publication.kind == "notice":
        if not str(fields.get("number", "")).strip():
            raise Invalid("The notice has no number; give it one (e.g. 152).",
                          "missing_field", field="number")
        if not str(fields.get("signer_name", "")).strip():
            raise Invalid("The notice has no signer; give the signer's name.",
                          "missing_field", field="signer.name")
        if not str(fields.get("signer_title", "")).strip():
            raise Invalid("Give the signer's position.", "missing_field", field="signer.title")
    else:
        end = str(fields.get("end_time", "")).strip()
        if not end:
            raise Invalid("The minutes need the time the meeting ended.", "missing_field",
                          field="end_time")
        start = str(fields.get("start_time") or "").strip() or record_times(
            publication.snapshot)["start_time"]
        if end < start and not publication.snapshot.get("end_date_text"):
            raise Invalid("The meeting cannot end ({end}) before it starts ({start}).",
                          "invalid_field", values={"end": end, "start": start},
                          field="end_time")
    if says_as_above(fields.get("recipients", [])) and not str(
            fields.get("addressees", "")).strip():
        raise Invalid("'Như trên' (as above) needs a 'Kính gửi' line to refer to.",
                      "invalid_field", field="recipients")


def metadata(publication: Publication, at: datetime) -> dict[str, str]:
    """The PDF's document information (and XMP): title, the issuing body as author, the
    summary as subject; ``at`` is its creation time."""
    fields, record = publication.fields, publication.snapshot
    number = document_number(fields) if fields.get("number") else ""
    chair = " ".join(f"{record['chair']['title']} {record['chair']['name']}".split())
    subject = (f"Kết luận của {chair} tại {record['occasion']}" if publication.kind == "notice"
               else f"Biên bản {record['occasion']}")
    issuer = " ".join(f"{fields.get('issuer', '')} {fields.get('issuer_parent', '')}".split())
    title = TITLES[publication.kind] + (f" số {number}" if number else "")
    return {"title": f"{title} — {record['title']}", "author": issuer, "subject": subject,
            "keywords": ", ".join(k for k in (TITLES[publication.kind], number) if k),
            "created": at.isoformat()}


async def publish(db: Database, files: DocumentFiles, renderer: Renderer, access: Access,
                  publication: Publication) -> Publication:
    """Freeze the draft: its HTML and PDF (signed, when a certificate is configured) are
    stored and never change again; the frozen ``sha256`` is that of the signed file."""
    _draft_only(publication)
    require_complete(publication)
    async with db.read() as conn:
        await _require_free_number(conn, publication)
    at = db.clock.now()
    html = renderer.document(publication.kind, publication.snapshot, publication.fields,
                             "published", publication.version, metadata(publication, at))
    rendered = await renderer.pdf(html)
    fields = {**publication.fields, "signature": None}
    pdf = rendered.data
    if renderer.signing is not None:
        number = document_number(publication.fields) if publication.fields.get("number") \
            else ""
        reason = f"Ban hành {TITLES[publication.kind].lower()} {number}".strip()
        pdf = await asyncio.to_thread(renderer.signing.sign, rendered, at, reason,
                                      str(publication.fields.get("place", "")))
        fields["signature"] = {"signer": renderer.signing.organisation,
                               "signed_at": at.isoformat(), "level": "PAdES B-B"}
    sha256 = hashlib.sha256(pdf).hexdigest()
    await files.keep_bytes(files.publication_path(sha256), pdf)
    async with db.transaction() as tx:
        return await issue(tx, publication.id, html, sha256, len(pdf), access.user.id, fields)


async def issue(tx: Transaction, publication_id: int, html: str, sha256: str, size: int,
                actor: int, fields: dict[str, Any]) -> Publication:
    """Record the draft as published with its frozen file, unless it is no longer a draft or
    its number has been given meanwhile (409). The number is checked and given under a lock
    per symbol and year, so two instances publishing the same number at once cannot both
    give it: the second waits for the first's commit, then finds the number taken."""
    current = await publications.get(tx, publication_id)
    if current is None:
        raise NotFound("Publication not found.")
    _draft_only(current)
    await tx.lock(number_lock(current.fields))
    await _require_free_number(tx, current)
    await publications.publish(tx, publication_id, html, sha256, size, actor, fields)
    if current.supersedes is not None:
        await publications.supersede(tx, current.supersedes)
    published = await publications.get(tx, publication_id)
    assert published is not None
    await events.append(tx, current.meeting_id, "publication.published", {
        "publication": published.summary(), "superseded_id": current.supersedes,
    }, actor)
    return published


def number_lock(fields: dict[str, Any]) -> str:
    """The lock held while a number is checked and given: one per symbol and year."""
    return f"publication number {fields.get('symbol', '')} {str(fields.get('date', ''))[:4]}"


async def _require_free_number(conn: Any, publication: Publication) -> None:
    """A number is given once a year per symbol: a correction gets a number of its own."""
    fields = publication.fields
    number, symbol = str(fields.get("number") or ""), str(fields.get("symbol") or "")
    if not number.isdigit() or not symbol:
        return
    taken = await publications.number_taken(conn, symbol, int(number),
                                            str(fields.get("date", ""))[:4], publication.id)
    if taken is not None:
        raise Conflict("The number {number} is already taken by another document (id {id}).",
                       "number_taken", values={"number": document_number(fields), "id": taken},
                       field="number", id=taken)
