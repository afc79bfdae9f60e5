"""Minutes and notices as their views show them, with the caller's standing."""

from __future__ import annotations

from dataclasses import dataclass

from meeting_server import access
from meeting_server.access import PublicationAccess
from meeting_server.db import Conn
from meeting_server.models import User
from meeting_server.store import publications


async def publication_access(conn: Conn, user: User, publication_id: int) -> PublicationAccess:
    """The publication and the caller's standing towards it, or NotFound when it is missing
    or they may not read it (``access.publication_access``). One statement."""
    found = await publications.with_reader(conn, publication_id, user.id,
                                           user.unit.id if user.unit else None)
    if found is None:
        return access.publication_access(user, None, None, None, False)
    return access.publication_access(user, *found)


async def frozen_html(conn: Conn, user: User, publication_id: int
                      ) -> tuple[PublicationAccess, str | None]:
    """``GET /api/publications/{id}/html``: the standing, and the frozen HTML of a published
    version (None for a draft, which is rendered afresh). One or two statements."""
    standing = await publication_access(conn, user, publication_id)
    if standing.publication.status == "draft":
        return standing, None
    return standing, await publications.html(conn, publication_id)


@dataclass(frozen=True)
class PublicationPage:
    standing: PublicationAccess
    #: For a draft its editors see: the next number of its symbol in its year.
    suggested_number: int | None


async def publication_page(conn: Conn, user: User, publication_id: int) -> PublicationPage:
    """The publication page: the standing, and the number the secretary is offered. One or
    two statements."""
    standing = await publication_access(conn, user, publication_id)
    fields = standing.publication.fields
    if not standing.can_edit or not fields.get("symbol"):
        return PublicationPage(standing, None)
    year = str(fields.get("date", ""))[:4]
    return PublicationPage(standing, await publications.next_number(conn, fields["symbol"],
                                                                    year))
