"""Health and the API description."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from meeting_server import __version__
from meeting_server.errors import error_body
from meeting_server.live.bus import ClusterLive
from meeting_server.store import events
from meeting_server.views.common import app_context

logger = logging.getLogger(__name__)

#: A database slower than this to answer is reported not ready.
READY_TIMEOUT = 5.0

SUMMARIES = {
    "sign_in": "Sign in with username and password; sets the session cookie",
    "sign_out": "End the current session",
    "me": "The signed-in user",
    "pairing_codes": "A one-time code and QR that sign a tablet in (secretary)",
    "pair": "Sign in with a pairing code",
    "units": "List units", "create_unit": "Add a unit (admin)",
    "users": "List users (admin, secretary)", "create_user": "Add a user (admin)",
    "update_user": "Change a user; active=false revokes their sessions (admin)",
    "meetings": "Meetings visible to the caller", "create_meeting": "Create a meeting",
    "meeting": "The meeting's full state", "update_meeting": "Change a meeting",
    "add_participant": "Add a participant or change their role",
    "remove_participant": "Remove a participant; their sockets close",
    "attendance": "Record attendance", "add_agenda_item": "Append an agenda item",
    "update_agenda_item": "Edit or move an agenda item",
    "delete_agenda_item": "Remove an agenda item",
    "current_item": "Set the item under discussion", "presenter": "Set the presenter's page",
    "events": "The meeting's event log after a seq",
    "upload_document": "Upload a PDF to an agenda item (multipart)",
    "upload_version": "Upload a new version of a document (multipart)",
    "document": "A document with its versions", "page_image": "A page as an image",
    "page_sizes": "Each page's width, height and rotation (the viewer's)",
    "document_file": "The PDF, stamped for the reader", "meeting_book": "The meeting book",
    "add_conclusion": "Record a conclusion", "update_conclusion": "Edit or move a conclusion",
    "delete_conclusion": "Delete a conclusion and its tasks",
    "add_task": "Assign a task under a conclusion", "tasks": "Tasks visible to the caller",
    "task": "A task with its progress reports", "update_task": "Change a task",
    "task_updates": "Report progress on a task",
    "deadline": "Parse Vietnamese deadline words (preview)",
    "create_publication": "Draft minutes or a notice from the meeting",
    "publication": "A publication", "update_publication": "Edit a draft (409 once published)",
    "refresh_publication": "Take the draft's snapshot again", "publish": "Publish, frozen",
    "publication_pdf": "The publication as PDF", "publication_html": "The publication as HTML",
    "verify_publication": "Check the published PDF's digital signature and SHA-256",
    "search": "Search what the caller may see, in Vietnamese with or without diacritics",
    "openapi": "This description", "health": "Liveness",
    "ready": "Readiness for a load balancer: 200 while the database answers, else 503",
    "totp": "Whether two-factor sign-in is on for the caller",
    "totp_start": "A new TOTP secret and its QR code, pending until confirmed",
    "totp_confirm": "Confirm with a code: two-factor sign-in on; the recovery codes, once",
    "totp_disable": "Turn two-factor sign-in off with a code",
    "security_policy": "Which roles must sign in with a second factor",
    "set_security_policy": "Require a second factor of admins or secretaries (admin)",
    "reset_user_totp": "Remove a user's second factor (admin)",
    "audit": "Who viewed, downloaded or published what (admin); format=csv",
}
_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def describe(routes: list[Any]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        if not isinstance(route, Route) or not (route.path.startswith("/api")
                                                or route.path.startswith("/health")):
            continue
        path = _PARAM.sub(r"{\1}", route.path)
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1}}
                  for name in _PARAM.findall(route.path)]
        for method in sorted((route.methods or set()) - {"HEAD"}):
            paths.setdefault(path, {})[method.lower()] = {
                "operationId": route.name,
                "summary": SUMMARIES.get(route.name, route.name),
                "parameters": params,
                "responses": {"default": {"description": "JSON, or the error shape",
                                          "content": {"application/json": {}}}},
            }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Paperless meeting room server", "version": __version__},
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "cookie": {"type": "apiKey", "in": "cookie", "name": "meeting_session"},
        }},
        "security": [{"bearer": []}, {"cookie": []}],
        "paths": paths,
    }


async def openapi(request: Request) -> Response:
    return JSONResponse(describe(request.app.routes))


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> Response:
    """Readiness, for a load balancer's health check: 200 while the database answers. Redis
    is reported but does not fail it: without Redis an instance still serves its own sockets
    and reads the other instances' events from the log (meeting_server/live/bus.py)."""
    context = app_context(request)
    try:
        async with asyncio.timeout(READY_TIMEOUT):
            async with context.db.read() as conn:
                await events.last_seq(conn, 0)
    except Exception as exc:
        logger.warning("Not ready: the database does not answer: %r", exc)
        return JSONResponse(error_body("not_ready", "The database does not answer."),
                            status_code=503, headers={"Retry-After": "5"})
    body = {"status": "ok", "database": "ok"}
    if isinstance(context.live, ClusterLive):
        body["redis"] = "ok" if await context.live.reachable() else "unreachable"
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
