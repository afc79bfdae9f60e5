"""Written opinions between meetings (xin ý kiến): the API and the pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server import access
from meeting_server.queries import consultations as queries
from meeting_server.services import consultations as service
from meeting_server.store import consultations as store
from meeting_server.validate import json_body, path_id
from meeting_server.views.common import (
    app_context,
    ask,
    clock,
    content_disposition,
    db,
    ok,
    pages,
    signed_in,
)

MAX_RECIPIENTS = 500


async def create(request: Request) -> Response:
    user = await signed_in(request)
    access.require_consultation_manager(user)
    body = await json_body(request)
    title = body.text("title", max_len=300)
    question = body.text("question", max_len=10_000)
    document_id = body.ident("document_id", required=False, nullable=True)
    deadline = body.moment("deadline", clock(request))
    recipients = body.ids("recipients", limit=MAX_RECIPIENTS)
    body.done()
    assert deadline is not None
    form = service.Form(title, question, document_id, deadline,
                        tuple(dict.fromkeys(recipients)))
    created = await service.create(db(request), app_context(request).notifier, user, form)
    return ok(await ask(request, queries.detail, created, clock(request)), 201)


async def listing(request: Request) -> Response:
    return ok(await ask(request, queries.listing, clock(request)))


async def get(request: Request) -> Response:
    return ok(await ask(request, queries.detail, path_id(request), clock(request)))


async def answer(request: Request) -> Response:
    user = await signed_in(request)
    body = await json_body(request)
    choice = body.choice("answer", store.ANSWERS)
    comment = body.text("comment", required=False, max_len=10_000, allow_empty=True) or ""
    body.done()
    saved = await service.answer(db(request), user, path_id(request), choice, comment)
    return ok(saved.as_dict())


async def remind(request: Request) -> Response:
    user = await signed_in(request)
    reminded = await service.remind(db(request), app_context(request).notifier, user,
                                    path_id(request))
    return ok({"reminded": reminded})


async def pdf(request: Request) -> Response:
    found, answers = await ask(request, service.summary, path_id(request))
    context = app_context(request)
    data = await service.summary_pdf(context.renderer, context.settings, clock(request),
                                     found, answers)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(f"Tổng hợp ý kiến - {found.title}")})


# ------------------------------------------------------------------ pages


async def list_page(request: Request) -> Response:
    user = await signed_in(request)
    found = await ask(request, queries.listing, clock(request))
    manages = access.is_staff(user)
    return pages(request).render(request, "consultations.html", {
        "user": user, "consultations": found["consultations"], "manages": manages,
        "people": await ask(request, queries.people) if manages else [],
    })


async def page(request: Request) -> Response:
    user = await signed_in(request)
    found = await ask(request, queries.detail, path_id(request), clock(request))
    return pages(request).render(request, "consultation.html", {
        "user": user, "c": found, "manages": access.is_staff(user),
    })
