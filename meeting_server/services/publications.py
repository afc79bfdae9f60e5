"""Drafts of minutes and notices built from the meeting, and their frozen publication."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from meeting_server.access import Access
from meeting_server.db import Database
from meeting_server.documents_files import DocumentFiles
from meeting_server.errors import Conflict
from meeting_server.models import Publication
from meeting_server.publishing.context import default_fields, snapshot
from meeting_server.publishing.render import TITLES, Renderer
from meeting_server.settings import Settings
from meeting_server.store import events, publications, state


async def _record(db: Database, access: Access) -> dict[str, Any]:
    async with db.read() as conn:
        return snapshot(await state.meeting_state(conn, access.meeting, include_drafts=False,
                                                  today=db.clock.today()))


async def create_draft(db: Database, settings: Settings, access: Access,
                       kind: str) -> Publication:
    """A new draft; after a publication it is the next version, starting from its fields."""
    record = await _record(db, access)
    async with db.transaction() as tx:
        latest = await publications.latest(tx, access.meeting.id, kind)
        if latest is not None and latest.status == "draft":
            raise Conflict(f"A draft of this {kind} already exists (id {latest.id}).",
                           "draft_exists", id=latest.id)
        if latest is not None:
            fields = {**latest.fields, "date": tx.clock.today().isoformat()}
            fields["opinions"] = {str(i["id"]): latest.fields.get("opinions", {}).get(
                str(i["id"]), "") for i in record["agenda"]}
        else:
            fields = default_fields(kind, record, settings, tx.clock.today())
        publication_id = await publications.create(
            tx, access.meeting.id, kind, record, fields, latest.id if latest else None,
            access.user.id)
        created = await publications.get(tx, publication_id)
    assert created is not None
    return created


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
    fields["opinions"] = {str(i["id"]): fields.get("opinions", {}).get(str(i["id"]), "")
                          for i in record["agenda"]}
    async with db.transaction() as tx:
        await publications.update_draft(tx, publication.id, snapshot=record, fields=fields)
        updated = await publications.get(tx, publication.id)
    assert updated is not None
    _draft_only(updated)
    return updated


def metadata(publication: Publication, at: datetime) -> dict[str, str]:
    """The PDF's document information; ``at`` is its creation time."""
    chair = publication.snapshot["chair"]
    offset = at.strftime("%z") or "+0000"
    stamp = at.strftime("D:%Y%m%d%H%M%S") + f"{offset[0]}{offset[1:3]}'{offset[3:5]}'"
    return {"Title": f"{TITLES[publication.kind]} — {publication.snapshot['title']}",
            "Author": f"{publication.fields.get('issuer', '')} — {chair['name']}".strip(" —"),
            "Subject": publication.snapshot["title"], "Creator": "meeting-server",
            "CreationDate": stamp, "ModDate": stamp}


async def publish(db: Database, files: DocumentFiles, renderer: Renderer, access: Access,
                  publication: Publication) -> Publication:
    """Freeze the draft: its HTML and PDF are stored and never change again."""
    _draft_only(publication)
    html = renderer.document(publication.kind, publication.snapshot, publication.fields,
                             "published", publication.version)
    pdf = await renderer.pdf(html, metadata(publication, db.clock.now()))
    sha256 = hashlib.sha256(pdf).hexdigest()
    await files.keep_bytes(files.publication_path(sha256), pdf)
    async with db.transaction() as tx:
        current = await publications.get(tx, publication.id)
        assert current is not None
        _draft_only(current)
        await publications.publish(tx, publication.id, html, sha256, len(pdf), access.user.id)
        if publication.supersedes is not None:
            await publications.supersede(tx, publication.supersedes)
        published = await publications.get(tx, publication.id)
        assert published is not None
        await events.append(tx, publication.meeting_id, "publication.published", {
            "publication": published.summary(), "superseded_id": publication.supersedes,
        }, access.user.id)
    return published
