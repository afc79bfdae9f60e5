"""The pages that set up meetings and accounts: administration, and a new meeting."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server.models import USER_ROLES
from meeting_server.queries import dashboard as dashboard_queries
from meeting_server.queries import people as people_queries
from meeting_server.views.common import ask, clock, pages, signed_in


async def administration(request: Request) -> Response:
    """``/admin``: units and user accounts, added, renamed, edited and deactivated here."""
    found = await ask(request, people_queries.administration)
    return pages(request).render(request, "admin.html", {
        "user": await signed_in(request), "units": found.units, "users": found.users,
        "roles": USER_ROLES, "leaders": await ask(request, dashboard_queries.leaders),
    })


async def new_meeting(request: Request) -> Response:
    """``/meetings/new``: the form that creates a meeting, then opens its console."""
    people = await ask(request, people_queries.meeting_form)
    return pages(request).render(request, "meeting_new.html", {
        "user": await signed_in(request), "people": people,
        "default_day": clock(request).today().isoformat(),
    })
