"""Server-rendered HTML: the jinja2 environment, the translations and the date filters."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from meeting_server import access
from meeting_server.i18n import Translations
from meeting_server.models import User
from meeting_server.resources import data_path


class Pages:
    """The jinja2 environment and the translations, shared by every page."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(data_path("templates"))),
            autoescape=select_autoescape(default=True),
            enable_async=False,
        )
        self.translations = Translations()
        self.env.filters["vndate"] = localdate
        self.env.filters["vndatetime"] = localdatetime
        self.env.filters["overdue_words"] = overdue_words

    def language(self, request: Request) -> str:
        return self.translations.pick(request.query_params.get("lang"),
                                      request.cookies.get("lang"),
                                      request.headers.get("accept-language"))

    def api_language(self, request: Request) -> str:
        """The language of the API's error messages: the user's choice (the ``lang`` cookie),
        then ``Accept-Language``, then English (the message ids)."""
        return self.translations.pick(None, request.cookies.get("lang"),
                                      request.headers.get("accept-language"), default="en")

    def render(self, request: Request, name: str, context: dict[str, Any],
               status: int = 200) -> HTMLResponse:
        lang = self.language(request)
        translate = self.translations.gettext(lang)
        template = self.env.get_template(name)
        html = template.render(
            request=request, url_for=request.url_for, lang=lang, _=translate,
            live_strings=lambda keys: {key: translate(key) for key in keys},
            lang_url=lambda other: language_url(request, other),
            rights=rights(context.get("user")), today=request.app.context.clock.today(),
            server_now=request.app.context.clock.now_iso(), **context,
        )
        response = HTMLResponse(html, status)
        # A page is of the user it was made for: never kept by the browser's own cache (the
        # service worker keeps what it may show offline, and drops it at sign-out), and named
        # for the service worker, which drops one user's pages when another's arrive.
        response.headers["Cache-Control"] = "no-store"
        user = context.get("user")
        if user is not None:
            response.headers["X-Meeting-User"] = str(user.id)
        if request.query_params.get("lang") == lang:
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
        return response

    async def error_page(self, request: Request, status: int, code: str,
                         message: str) -> Response:
        if status == 401:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)
        if code == "second_factor_setup_required":
            return RedirectResponse("/security", 303)
        return self.render(request, "error.html",
                           {"status": status, "code": code, "message": message, "user": None},
                           status)


def rights(user: User | None) -> dict[str, bool]:
    """What the pages offer the signed-in user beyond their meetings (``access`` decides)."""
    if user is None:
        return {"administer": False, "create_meetings": False}
    return {"administer": access.may_administer(user),
            "create_meetings": access.may_create_meetings(user)}


def language_url(request: Request, lang: str) -> str:
    """This page's address in ``lang``: the path and every other parameter kept."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{request.url.path}?{urlencode([*params, ('lang', lang)])}"


def vndate(value: str | None) -> str:
    """2019-07-31 → 31/07/2019, as Vietnamese documents write dates."""
    if not value:
        return ""
    year, month, day = value[:10].split("-")
    return f"{day}/{month}/{year}"


@pass_context
def localdate(context: Context, value: str | None) -> str:
    """A date as the page's language writes it: 31/07/2019, or 31 Jul 2019 in English."""
    if not value or context.get("lang") != "en":
        return vndate(value)
    return format_date(date.fromisoformat(value[:10]), format="medium", locale="en_GB")


@pass_context
def overdue_words(context: Context, due_date: str | None, today: date) -> str:
    """How late a task is, in days: "quá hạn 12 ngày"."""
    translate = context["_"]
    days = (today - date.fromisoformat(due_date[:10])).days if due_date else 0
    if days <= 0:
        return str(translate("overdue"))
    if days == 1:
        return str(translate("overdue by 1 day"))
    return str(translate("overdue by {n} days", n=days))


@pass_context
def localdatetime(context: Context, value: str | None) -> str:
    if not value:
        return ""
    return f"{value[11:16]} {localdate(context, value)}"
