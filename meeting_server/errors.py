"""The one exception hierarchy of the server, and the handlers that render it.

    HTTPError(status, code, message)
    ├── BadRequest ........ 400  malformed request (bad JSON, bad header)
    ├── NotSignedIn ....... 401  no valid session or token
    ├── Forbidden ......... 403  signed in, but not allowed
    ├── NotFound .......... 404  missing, or not visible to the caller
    ├── Conflict .......... 409  the object's state forbids the change
    ├── TooLarge .......... 413  body or upload over its limit
    ├── UnsupportedType ... 415  a file of the wrong kind
    ├── Invalid ........... 422  well-formed but invalid input
    └── TooManyRequests ... 429  too many failed attempts; Retry-After says when to try again

API paths get ``{"error": {"code", "message"}}``; pages get an HTML error page.

A message is English, the message id of the interface catalogue (``meeting_server.i18n``), with
``{name}`` placeholders filled from ``values``; it is shown in the caller's language: a page's
(``?lang=``, the ``lang`` cookie, ``Accept-Language``), and for the API the ``lang`` cookie, then
``Accept-Language``, then English. The ``code`` never changes with the language.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from meeting_server.i18n import Translations, grouped, is_quantity

logger = logging.getLogger(__name__)

_VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


class HTTPError(Exception):
    status = 500
    default_code = "server_error"

    def __init__(self, message: str, code: str | None = None, *,
                 values: Mapping[str, object] | None = None, **extra: Any) -> None:
        self.template = message
        self.values = dict(values or {})
        self.message = message.format(**self.values) if self.values else message
        super().__init__(self.message)
        self.code = code or self.default_code
        self.extra = extra

    def localized(self, translations: Translations, lang: str) -> str:
        """The message in ``lang``: its catalogue entry; a message written in both languages
        ("Vietnamese / English", as deadline phrases are refused) gives its half."""
        catalogue = translations.catalogues.get(lang, {})
        if self.template not in catalogue and " / " in self.message:
            vi, _, en = self.message.partition(" / ")
            if _VIETNAMESE.search(vi):
                return vi if lang == "vi" else en
        values = {name: grouped(value, lang)
                  if isinstance(value, int) and not isinstance(value, bool) and is_quantity(name)
                  else value for name, value in self.values.items()}
        return translations.gettext(lang)(self.template, **values)


class BadRequest(HTTPError):
    status = 400
    default_code = "bad_request"


class NotSignedIn(HTTPError):
    status = 401
    default_code = "not_signed_in"


class Forbidden(HTTPError):
    status = 403
    default_code = "forbidden"


class NotFound(HTTPError):
    status = 404
    default_code = "not_found"


class Conflict(HTTPError):
    status = 409
    default_code = "conflict"


class TooLarge(HTTPError):
    status = 413
    default_code = "too_large"


class UnsupportedType(HTTPError):
    status = 415
    default_code = "unsupported_type"


class Invalid(HTTPError):
    status = 422
    default_code = "invalid"


class TooManyRequests(HTTPError):
    status = 429
    default_code = "too_many_attempts"

    def __init__(self, message: str, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code, retry_after=retry_after)
        self.retry_after = retry_after


_STARLETTE_CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.startswith("/ws/") or path.startswith("/health")


async def _render(request: Request, status: int, code: str, error: HTTPError,
                  extra: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    pages = request.app.context.pages
    if _wants_json(request):
        message = error.localized(pages.translations, pages.api_language(request))
        return JSONResponse(error_body(code, message, **extra), status, headers=headers)
    message = error.localized(pages.translations, pages.language(request))
    response: Response = await pages.error_page(request, status, code, message)
    return response


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPError)
    headers = ({"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests)
               else None)
    return await _render(request, exc.status, exc.code, exc, exc.extra, headers)


async def handle_starlette_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _STARLETTE_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else "Request failed."
    if exc.status_code == 404:
        message = "Not found."
    return await _render(request, exc.status_code, code, HTTPError(message, code), {})


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    message = "Internal server error."
    context = getattr(request.app, "_context", None)
    if context is not None:
        pages = context.pages
        message = pages.translations.gettext(pages.api_language(request))(message)
    return JSONResponse(error_body("server_error", message), 500)


EXCEPTION_HANDLERS = {
    HTTPError: handle_http_error,
    HTTPException: handle_starlette_http,
    Exception: handle_unexpected,
}
