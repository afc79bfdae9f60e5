"""Votes: opening, ballots, closing, reading one; proxies (an absent member's vote given)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server.access import require_for_self_or_lead
from meeting_server.errors import Invalid
from meeting_server.queries import floor_votes as queries
from meeting_server.services import votes as service
from meeting_server.store.votes import (
    DEFAULT_OPTIONS,
    MAJORITY_RULES,
    QUORUM_RULES,
    THRESHOLDS,
    MajorityRule,
    QuorumRule,
    Threshold,
)
from meeting_server.validate import Fields, json_body, path_id
from meeting_server.views.common import ask, db, meeting_access, no_content, ok

MAX_OPTIONS = 10


def _options(body: Fields) -> tuple[str, ...]:
    """The options: the default three, or 2 to 10 different short texts."""
    if not body.has("options") or body.data["options"] is None:
        body.seen.add("options")
        return DEFAULT_OPTIONS
    value = body.data["options"]
    body.seen.add("options")
    if not isinstance(value, list) or not all(
            isinstance(v, str) and 0 < len(v.strip()) <= 200 and "\x00" not in v
            for v in value):
        raise Invalid("The field '{name}' must be a list of at most {limit} short texts.",
                      "invalid_field", values={"name": "options", "limit": MAX_OPTIONS},
                      field="options")
    options = tuple(v.strip() for v in value)
    if not 2 <= len(options) <= MAX_OPTIONS or len(set(options)) != len(options):
        raise Invalid("A vote needs 2 to {limit} different options.", "bad_options",
                      values={"limit": MAX_OPTIONS}, field="options")
    return options


async def open_vote(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_lead()
    body = await json_body(request)
    question = body.text("question", max_len=1000)
    item_id = body.ident("agenda_item_id", required=False, nullable=True)
    options = _options(body)
    secret = body.boolean("secret", required=False) or False
    allow_change = body.boolean("allow_change", required=False) or False
    quorum: QuorumRule = body.choice("quorum", QUORUM_RULES, required=False) or "present"
    majority: MajorityRule = body.choice("majority", MAJORITY_RULES, required=False) or "cast"
    threshold: Threshold = body.choice("threshold", THRESHOLDS, required=False) or "half"
    body.done()
    shown = await service.open_vote(db(request), access, question, item_id, options, secret,
                                    allow_change, quorum, majority, threshold)
    return ok(shown, 201)


async def get_vote(request: Request) -> Response:
    access, found = await ask(request, queries.vote, path_id(request))
    return ok(await service.get(db(request), access, found.id))


async def cast(request: Request) -> Response:
    """A ballot. Never stored by the Idempotency-Key middleware (idempotency.py): its body
    would tie the caller to the choice. A retry finds 409 ``already_voted``."""
    access, found = await ask(request, queries.vote, path_id(request))
    body = await json_body(request)
    choice = body.integer("choice", lo=0, hi=1000)
    for_user_id = body.ident("for_user_id", required=False, nullable=True)
    body.done()
    return ok(await service.cast(db(request), access, found.id, choice, for_user_id))


async def close(request: Request) -> Response:
    access, found = await ask(request, queries.vote, path_id(request))
    access.require_lead()
    return ok(await service.close(db(request), access, found.id))


async def grant_proxy(request: Request) -> Response:
    access = await meeting_access(request)
    body = await json_body(request)
    from_user_id = body.ident("from_user_id", required=False, nullable=True) or access.user.id
    to_user_id = body.ident("to_user_id")
    body.done()
    require_for_self_or_lead(access, from_user_id)
    proxy = await service.grant_proxy(db(request), access, from_user_id, to_user_id)
    return ok(proxy.as_dict(), 201)


async def revoke_proxy(request: Request) -> Response:
    access = await meeting_access(request)
    from_user_id = path_id(request, "user_id")
    require_for_self_or_lead(access, from_user_id)
    await service.revoke_proxy(db(request), access, from_user_id)
    return no_content()
