"""The application factory: one route table, middleware and the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from types import MappingProxyType
from typing import Any

from starlette.applications import Starlette
from starlette.convertors import register_url_convertor
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from meeting_server.context import AppContext, open_context
from meeting_server.datadir import with_secret_key
from meeting_server.errors import EXCEPTION_HANDLERS
from meeting_server.headers import SecurityHeadersMiddleware
from meeting_server.idempotency import IdempotencyMiddleware
from meeting_server.live.ws import meeting_socket
from meeting_server.resources import data_path
from meeting_server.settings import Settings
from meeting_server.validate import PathInt
from meeting_server.views import (
    admin_pages,
    api_agenda,
    api_audit,
    api_auth,
    api_consultations,
    api_dashboard,
    api_documents,
    api_floor,
    api_followup,
    api_meetings,
    api_misc,
    api_notes,
    api_notifications,
    api_people,
    api_publications,
    api_reading,
    api_search,
    api_security,
    api_tasks,
    api_votes,
    pages,
)

# Every ``{name:int}`` below is bounded to 19 digits (see PathInt); routes compile with the
# convertors registered when they are made, so this comes first.
register_url_convertor("int", PathInt())


def routes() -> list[Route | Mount | WebSocketRoute]:
    return [
        Route("/health", api_misc.health, name="health"),
        Route("/health/ready", api_misc.ready, name="ready"),
        Route("/api/openapi.json", api_misc.openapi, name="openapi"),
        Route("/api/session", api_auth.sign_in, methods=["POST"], name="sign_in"),
        Route("/api/session", api_auth.sign_out, methods=["DELETE"], name="sign_out"),
        Route("/api/me", api_auth.me, name="me"),
        Route("/api/pairing-codes", api_auth.create_pairing_code, methods=["POST"],
              name="pairing_codes"),
        Route("/api/session/pair", api_auth.pair, methods=["POST"], name="pair"),
        Route("/api/me/totp", api_security.totp_status, methods=["GET"], name="totp"),
        Route("/api/me/totp", api_security.totp_start, methods=["POST"], name="totp_start"),
        Route("/api/me/totp", api_security.totp_disable, methods=["DELETE"],
              name="totp_disable"),
        Route("/api/me/totp/confirm", api_security.totp_confirm, methods=["POST"],
              name="totp_confirm"),
        Route("/api/security-policy", api_security.get_policy, methods=["GET"],
              name="security_policy"),
        Route("/api/security-policy", api_security.set_policy, methods=["PUT"],
              name="set_security_policy"),
        Route("/api/users/{id:int}/totp", api_security.reset_user_totp, methods=["DELETE"],
              name="reset_user_totp"),
        Route("/api/audit", api_audit.audit_log, name="audit"),
        Route("/api/units", api_people.list_units, methods=["GET"], name="units"),
        Route("/api/units", api_people.create_unit, methods=["POST"], name="create_unit"),
        Route("/api/units/{id:int}", api_people.update_unit, methods=["PATCH"],
              name="update_unit"),
        Route("/api/users", api_people.list_users, methods=["GET"], name="users"),
        Route("/api/users", api_people.create_user, methods=["POST"], name="create_user"),
        Route("/api/users/{id:int}", api_people.update_user, methods=["PATCH"],
              name="update_user"),
        Route("/api/meetings", api_meetings.list_meetings, methods=["GET"], name="meetings"),
        Route("/api/meetings", api_meetings.create_meeting, methods=["POST"],
              name="create_meeting"),
        Route("/api/meetings/{id:int}", api_meetings.get_meeting, methods=["GET"],
              name="meeting"),
        Route("/api/meetings/{id:int}", api_meetings.update_meeting, methods=["PATCH"],
              name="update_meeting"),
        Route("/api/meetings/{id:int}/participants", api_meetings.add_participant,
              methods=["POST"], name="add_participant"),
        Route("/api/meetings/{id:int}/participants/{user_id:int}",
              api_meetings.remove_participant, methods=["DELETE"], name="remove_participant"),
        Route("/api/meetings/{id:int}/attendance", api_meetings.set_attendance,
              methods=["POST"], name="attendance"),
        Route("/api/meetings/{id:int}/agenda-items", api_agenda.add_item, methods=["POST"],
              name="add_agenda_item"),
        Route("/api/agenda-items/{id:int}", api_agenda.update_item, methods=["PATCH"],
              name="update_agenda_item"),
        Route("/api/agenda-items/{id:int}", api_agenda.delete_item, methods=["DELETE"],
              name="delete_agenda_item"),
        Route("/api/meetings/{id:int}/current-item", api_meetings.set_current_item,
              methods=["PUT"], name="current_item"),
        Route("/api/meetings/{id:int}/presenter", api_meetings.set_presenter,
              methods=["PUT"], name="presenter"),
        Route("/api/meetings/{id:int}/presenter", api_meetings.clear_presenter,
              methods=["DELETE"], name="clear_presenter"),
        Route("/api/meetings/{id:int}/events", api_meetings.list_events, name="events"),
        Route("/api/agenda-items/{id:int}/documents", api_documents.upload, methods=["POST"],
              name="upload_document"),
        Route("/api/documents/{id:int}/versions", api_documents.upload_version,
              methods=["POST"], name="upload_version"),
        Route("/api/documents/{id:int}", api_documents.get_document, name="document"),
        Route("/api/documents/{id:int}/pages/{page:int}", api_documents.page_image,
              name="page_image"),
        Route("/api/documents/{id:int}/page-sizes", api_documents.page_sizes,
              name="page_sizes"),
        Route("/api/documents/{id:int}/file", api_documents.download, name="document_file"),
        Route("/api/meetings/{id:int}/book", api_documents.book, name="meeting_book"),
        Route("/api/meetings/{id:int}/conclusions", api_tasks.add_conclusion, methods=["POST"],
              name="add_conclusion"),
        Route("/api/conclusions/{id:int}", api_tasks.update_conclusion, methods=["PATCH"],
              name="update_conclusion"),
        Route("/api/conclusions/{id:int}", api_tasks.delete_conclusion, methods=["DELETE"],
              name="delete_conclusion"),
        Route("/api/conclusions/{id:int}/tasks", api_tasks.add_task, methods=["POST"],
              name="add_task"),
        Route("/api/tasks", api_tasks.list_tasks, name="tasks"),
        Route("/api/tasks/{id:int}", api_tasks.get_task, methods=["GET"], name="task"),
        Route("/api/tasks/{id:int}", api_tasks.update_task, methods=["PATCH"],
              name="update_task"),
        Route("/api/tasks/{id:int}/updates", api_tasks.report_progress, methods=["POST"],
              name="task_updates"),
        Route("/api/deadline", api_tasks.preview_deadline, name="deadline"),
        Route("/api/documents/{id:int}/notes", api_notes.list_notes, name="notes"),
        Route("/api/documents/{id:int}/notes/pdf", api_notes.notes_pdf, name="notes_pdf"),
        Route("/api/documents/{id:int}/notes/{page:int}", api_notes.save_note, methods=["PUT"],
              name="save_note"),
        Route("/api/documents/{id:int}/notes/{page:int}", api_notes.delete_note,
              methods=["DELETE"], name="delete_note"),
        Route("/api/meetings/{id:int}/follow-up", api_followup.create, methods=["POST"],
              name="create_followup"),
        Route("/api/meetings/{id:int}/follow-up", api_followup.items, methods=["GET"],
              name="followup_items"),
        Route("/api/meetings/{id:int}/follow-up-candidates", api_followup.candidates,
              name="followup_candidates"),
        Route("/api/agenda-items/{id:int}/follow-up", api_followup.show, name="followup"),
        Route("/api/agenda-items/{id:int}/follow-up/decisions", api_followup.decide,
              methods=["POST"], name="followup_decide"),
        Route("/api/dashboard", api_dashboard.dashboard, name="dashboard"),
        Route("/api/users/{id:int}/leader-scope", api_dashboard.set_leader_scope,
              methods=["PUT"], name="set_leader_scope"),
        Route("/api/meetings/{id:int}/publications", api_publications.create, methods=["POST"],
              name="create_publication"),
        Route("/api/publications/{id:int}", api_publications.get, methods=["GET"],
              name="publication"),
        Route("/api/publications/{id:int}", api_publications.update, methods=["PATCH"],
              name="update_publication"),
        Route("/api/publications/{id:int}/refresh", api_publications.refresh, methods=["POST"],
              name="refresh_publication"),
        Route("/api/publications/{id:int}/publish", api_publications.publish, methods=["POST"],
              name="publish"),
        Route("/api/publications/{id:int}/pdf", api_publications.pdf, name="publication_pdf"),
        Route("/api/publications/{id:int}/html", api_publications.html, name="publication_html"),
        Route("/api/publications/{id:int}/verify", api_publications.verify,
              name="verify_publication"),
        Route("/api/meetings/{id:int}/floor", api_floor.request_floor, methods=["POST"],
              name="request_floor"),
        Route("/api/meetings/{id:int}/floor/order", api_floor.reorder, methods=["PUT"],
              name="floor_order"),
        Route("/api/meetings/{id:int}/floor/limit", api_floor.set_limit, methods=["PUT"],
              name="floor_limit"),
        Route("/api/floor/{id:int}", api_floor.withdraw, methods=["DELETE"],
              name="withdraw_floor"),
        Route("/api/floor/{id:int}/give", api_floor.give, methods=["POST"], name="give_floor"),
        Route("/api/floor/{id:int}/end", api_floor.end, methods=["POST"], name="end_floor"),
        Route("/api/meetings/{id:int}/votes", api_votes.open_vote, methods=["POST"],
              name="open_vote"),
        Route("/api/votes/{id:int}", api_votes.get_vote, methods=["GET"], name="vote"),
        Route("/api/votes/{id:int}/ballots", api_votes.cast, methods=["POST"],
              name="cast_ballot"),
        Route("/api/votes/{id:int}/close", api_votes.close, methods=["POST"],
              name="close_vote"),
        Route("/api/meetings/{id:int}/proxies", api_votes.grant_proxy, methods=["POST"],
              name="grant_proxy"),
        Route("/api/meetings/{id:int}/proxies/{user_id:int}", api_votes.revoke_proxy,
              methods=["DELETE"], name="revoke_proxy"),
        Route("/api/consultations", api_consultations.listing, methods=["GET"],
              name="consultations"),
        Route("/api/consultations", api_consultations.create, methods=["POST"],
              name="create_consultation"),
        Route("/api/consultations/{id:int}", api_consultations.get, methods=["GET"],
              name="consultation"),
        Route("/api/consultations/{id:int}/answer", api_consultations.answer, methods=["PUT"],
              name="answer_consultation"),
        Route("/api/consultations/{id:int}/reminders", api_consultations.remind,
              methods=["POST"], name="remind_consultation"),
        Route("/api/consultations/{id:int}/pdf", api_consultations.pdf,
              name="consultation_pdf"),
        Route("/api/reading", api_reading.report, methods=["POST"], name="report_reading"),
        Route("/api/meetings/{id:int}/reading", api_reading.readiness, name="reading"),
        Route("/api/notifications", api_notifications.listing, name="notifications"),
        Route("/api/notifications/read", api_notifications.mark_all_read, methods=["POST"],
              name="read_all_notifications"),
        Route("/api/notifications/{id:int}/read", api_notifications.mark_read,
              methods=["POST"], name="read_notification"),
        Route("/api/users/{id:int}/email", api_notifications.set_email, methods=["PUT"],
              name="user_email"),
        Route("/api/search", api_search.search, name="search"),
        WebSocketRoute("/ws/meetings/{id:int}", meeting_socket, name="meeting_socket"),
        Route("/login", pages.login, name="login"),
        Route("/pair", pages.pair, name="pair_page"),
        Route("/sw.js", pages.service_worker, name="service_worker"),
        Route("/", pages.home, name="home"),
        Route("/meetings/next", pages.next_meeting, name="next_meeting_page"),
        Route("/meetings/new", admin_pages.new_meeting, name="new_meeting_page"),
        Route("/admin", admin_pages.administration, name="admin_page"),
        Route("/meetings/{id:int}", pages.meeting, name="meeting_page"),
        Route("/meetings/{id:int}/documents/{doc_id:int}", pages.document,
              name="document_page"),
        Route("/meetings/{id:int}/console", pages.console, name="console_page"),
        Route("/tasks", pages.task_tracker, name="tasks_page"),
        Route("/publications/{id:int}", pages.publication, name="publication_page"),
        Route("/consultations", api_consultations.list_page, name="consultations_page"),
        Route("/consultations/{id:int}", api_consultations.page, name="consultation_page"),
        Route("/meetings/{id:int}/reading", api_reading.readiness_page, name="reading_page"),
        Route("/search", api_search.search_page, name="search_page"),
        Route("/security", api_security.security_page, name="security_page"),
        Route("/audit", api_audit.audit_page, name="audit_page"),
        Route("/dashboard", api_dashboard.dashboard_page, name="dashboard_page"),
        Mount("/static", StaticFiles(directory=str(data_path("static"))), name="static"),
    ]


class MeetingApp(Starlette):
    """The Starlette app with its :class:`AppContext`, which exists while the lifespan runs."""

    _context: AppContext | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: Each named route's path with ``{param}`` placeholders, e.g. ``/meetings/{id}``.
        self.path_formats: Mapping[str, str] = MappingProxyType({
            route.name: route.path_format for route in self.routes
            if isinstance(route, Route | WebSocketRoute)
        })

    @property
    def context(self) -> AppContext:
        if self._context is None:
            raise RuntimeError("the application is not running (its lifespan has not started)")
        return self._context


def create_app(settings: Settings) -> MeetingApp:
    """Build the application; the database and workers open in the lifespan."""
    settings = with_secret_key(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        assert isinstance(app, MeetingApp)
        async with open_context(settings) as context:
            app._context = context
            try:
                yield
            finally:
                app._context = None

    return MeetingApp(
        routes=routes(),
        middleware=[Middleware(SecurityHeadersMiddleware), Middleware(IdempotencyMiddleware)],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
