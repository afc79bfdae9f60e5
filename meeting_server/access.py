"""Every permission rule of the product, as plain functions over the domain.

Nothing here knows HTTP or SQL. A rule takes the domain objects (a ``User``, a ``Meeting``, a
``Task``, a ``Publication``) and the caller's role in the meeting concerned (``None`` when they
take no part in it), as the read functions of ``meeting_server.queries`` load them, and answers
``True``/``False`` or raises the product's ``Forbidden`` (403: signed in, but not allowed) or
``NotFound`` (404: missing, *or not visible*: another meeting's objects are never admitted to
exist).

    who                                    may
    ─────────────────────────────────────  ─────────────────────────────────────────────────
    an administrator                       manage units and users (not lock themselves out)
    staff (administrators, secretaries)    see every meeting, task and publication; create
                                           meetings; list users; pair tablets (a secretary
                                           only for ``member`` accounts)
    a participant                          see the meeting and all it holds, follow it live,
                                           record their own attendance
    the meeting's secretary, staff         agenda, participants, documents, anyone's
                                           attendance, drafts of publications; change tasks
    the meeting's chair, and the above     current item, presenter, conclusions and tasks,
                                           read, edit and publish drafts
    the meeting's chair, and the above     the speakers' list (order, give, end, limit),
                                           open and close votes, record proxies
    a participant                          ask to speak and withdraw; vote if chair or
                                           member (and for an absent member as proxy)
    the meeting's secretary, staff         add the follow-up item of earlier meetings they see
    the meeting's chair, and the above     decide on the follow-up item's tasks (extend,
                                           close, reassign), whichever meeting they came from
    a participant                          read the follow-up item (it is on their agenda)
    anyone who may read a document         their own private notes on it; nobody else's
    staff, the city's chair, a unit head   the leader's dashboard (a unit head: their unit)
    the task's lead unit, task managers    report progress (only managers cancel)
    a unit with a lead or supporting role  see the task; read the meeting's published notice
    an administrator                       read the audit log; require a second factor of
                                           administrators and secretaries; remove a user's
                                           second factor
    anyone signed in                       set up their own second factor; turn it off unless
                                           the policy requires it of their role
    staff                                  send written-opinion requests (consultations), see
                                           every answer, remind, export the summary
    a person asked in a consultation       see it with their own answer only; answer until the
                                           deadline
    the meeting's secretary, staff         see who has read which document (never members,
                                           nor the chair)
    anyone signed in                       their own notifications and notification email
                                           (an administrator sets anyone's)

Sessions: a staff session idle for too long has ended (:func:`idles_out`); a session without
the second factor the policy requires may only set one up (:func:`lacks_second_factor`).

Lists and search cannot ask a rule row by row: they filter in SQL by the caller's
:class:`Scope`, and ``store/meetings.py``, ``store/tasks.py`` and ``store/search.py`` each
translate a ``Scope`` into exactly the conditions of :func:`can_see_meeting`,
:func:`can_see_task` and :func:`can_read_publication` below (their docstrings say which).
"""

from __future__ import annotations

from dataclasses import dataclass

from meeting_server.errors import Conflict, Forbidden, Invalid, NotFound
from meeting_server.models import Meeting, Publication, Task, User

STAFF_ROLES: tuple[str, ...] = ("admin", "secretary")


# ── Accounts ─────────────────────────────────────────────────────────────────────────────────

def is_admin(user: User) -> bool:
    return user.role == "admin"


def is_staff(user: User) -> bool:
    """Administrators and secretaries see and manage every meeting."""
    return user.role in STAFF_ROLES


def require_admin(user: User) -> None:
    """Units and user accounts are the administrator's."""
    if not is_admin(user):
        raise Forbidden("Only an administrator may do this.")


def require_staff(user: User) -> None:
    """Creating meetings, listing users, pairing tablets."""
    if not is_staff(user):
        raise Forbidden("Only a secretary or an administrator may do this.")


def may_administer(user: User) -> bool:
    """The pages that manage units and user accounts (and the home page that leads there)."""
    return is_admin(user)


def may_create_meetings(user: User) -> bool:
    """Who is offered "New meeting": staff."""
    return is_staff(user)


def require_not_locked_out(caller: User, user_id: int, active: bool | None,
                           role: str | None) -> None:
    """An administrator may not deactivate or demote themselves: someone must stay admin."""
    if user_id == caller.id and (active is False or (role is not None and role != "admin")):
        raise Invalid("You cannot deactivate or demote yourself.", "self_lockout")


# ── Sessions and the second factor ───────────────────────────────────────────────────────────

#: The global roles an administrator may require a second factor of.
SECOND_FACTOR_ROLES: tuple[str, ...] = STAFF_ROLES
#: What a session lacking a required second factor may still reach: who am I, setting one
#: up, signing out, and the page that does it.
BEFORE_SECOND_FACTOR: frozenset[str] = frozenset({
    "/api/me", "/api/me/totp", "/api/me/totp/confirm", "/api/session", "/security",
})


def idles_out(user: User) -> bool:
    """Staff sessions (the console, on a shared laptop) end after a time without requests;
    tablets in the room stay signed in for the whole meeting."""
    return is_staff(user)


def lacks_second_factor(user: User, session_has_it: bool, required_roles: tuple[str, ...]
                        ) -> bool:
    """The policy requires a second factor of the user's role and the session was opened
    without one."""
    return user.role in required_roles and not session_has_it


def allowed_before_second_factor(path: str) -> bool:
    return path in BEFORE_SECOND_FACTOR


def require_may_drop_second_factor(user: User, required_roles: tuple[str, ...]) -> None:
    """Turning one's second factor off is refused while the policy requires it of one's role."""
    if user.role in required_roles:
        raise Forbidden("Two-factor sign-in is required for your role.",
                        "second_factor_required")


def can_read_audit(user: User) -> bool:
    """The audit log (who viewed, downloaded, published what) is the administrators'."""
    return is_admin(user)


def require_audit_reader(user: User) -> None:
    if not can_read_audit(user):
        raise Forbidden("Only an administrator may read the audit log.")


def may_pair(creator: User, target: User) -> bool:
    """A pairing code signs a tablet in as ``target``: staff mint them, but a secretary only for
    ``member`` accounts (a code for an administrator would be a way to become one)."""
    return is_staff(creator) and (target.role == "member" or is_admin(creator))


def require_pairing(creator: User, target: User) -> None:
    require_staff(creator)
    if not may_pair(creator, target):
        raise Forbidden("Only an administrator may pair a tablet for this account.")


# ── What a user sees across meetings ─────────────────────────────────────────────────────────

@dataclass(frozen=True)
class Scope:
    """What ``user_id`` may see, as list and search queries filter it.

    ``everything``: staff see every meeting and all it holds. Otherwise the user sees the
    meetings they take part in (and all they hold), the tasks whose lead or supporting unit is
    ``unit_id``, and the published notices of meetings where ``unit_id`` has such a task.
    """

    everything: bool
    user_id: int
    unit_id: int | None


def scope(user: User) -> Scope:
    return Scope(is_staff(user), user.id, user.unit.id if user.unit else None)


def can_see_meeting(user: User, role: str | None) -> bool:
    """Staff see every meeting; anyone else the meetings they take part in."""
    return scope(user).everything or role is not None


def _manages(user: User, role: str | None) -> bool:
    return is_staff(user) or role == "secretary"


def _leads(user: User, role: str | None) -> bool:
    return _manages(user, role) or role == "chair"


@dataclass(frozen=True)
class Access:
    """A user's standing in one meeting they may see; ``role`` is None for staff who take no
    part in it."""

    user: User
    meeting: Meeting
    role: str | None

    @property
    def is_participant(self) -> bool:
        return self.role is not None

    @property
    def can_manage(self) -> bool:
        """Secretary work: agenda, participants, documents, publications, anyone's
        attendance, tasks."""
        return _manages(self.user, self.role)

    @property
    def can_lead(self) -> bool:
        """Chair or secretary: current item, presenter, conclusions and their tasks."""
        return _leads(self.user, self.role)

    @property
    def sees_drafts(self) -> bool:
        """Drafts of the minutes and the notice are for the chair and the secretary."""
        return self.can_lead

    @property
    def can_pick_people(self) -> bool:
        """The secretary adds participants, so sees the active users to choose among (their
        names, titles and units), as staff do through GET /api/users."""
        return self.can_manage

    def require_manage(self) -> None:
        if not self.can_manage:
            raise Forbidden("Only the meeting's secretary may do this.")

    def require_lead(self) -> None:
        if not self.can_lead:
            raise Forbidden("Only the chair or the secretary may do this.")

    def require_attendance(self, user_id: int) -> None:
        """A participant records their own attendance; the secretary records anyone's."""
        if user_id != self.user.id:
            self.require_manage()
        elif not self.is_participant:
            raise Forbidden("Only participants record their own attendance.",
                            "not_participant")

    def require_own(self, meeting_id: int, not_found: str) -> None:
        """An object reached through this meeting must be of this meeting (else 404 with the
        message ``not_found``)."""
        if meeting_id != self.meeting.id:
            raise NotFound(not_found)


def meeting_access(user: User, meeting: Meeting | None, role: str | None) -> Access:
    """The user's access to ``meeting`` (with their ``role`` in it), or NotFound when it does
    not exist or they may not see it: the same answer, so nothing is revealed."""
    if meeting is None or not can_see_meeting(user, role):
        raise NotFound("Meeting not found.")
    return Access(user, meeting, role)


def search_scope(user: User) -> Scope:
    """What search may return: agenda items, documents and conclusions of the meetings the user
    sees (:func:`can_see_meeting`), the tasks they see (:func:`can_see_task`), and the published
    minutes and notices they may read (:func:`can_read_publication`; drafts are never indexed).
    ``store/search.py`` filters its hits by this scope, kind by kind."""
    return scope(user)


def can_follow_live(user: User, role: str | None) -> bool:
    """The live socket's handshake: a participant, or staff (as for reading the meeting)."""
    return can_see_meeting(user, role)


# ── The speakers' list and votes ─────────────────────────────────────────────────────────────

#: Who votes: the chair and the members (not the secretary, not guests). An absent one may
#: give their vote to another for the meeting (a proxy), who then casts both.
VOTING_ROLES: tuple[str, ...] = ("chair", "member")


def can_vote(role: str | None) -> bool:
    return role in VOTING_ROLES


def require_for_self_or_lead(access: Access, user_id: int) -> None:
    """A participant asks to speak, withdraws, gives their vote, for themselves; the chair and
    the secretary do it for anyone. Ordering the list, giving and ending the floor, opening
    and closing votes are the chair's and the secretary's (``Access.require_lead``)."""
    if user_id != access.user.id:
        access.require_lead()
    elif not access.is_participant:
        raise Forbidden("Only participants do this for themselves.", "not_participant")


# ── Tasks ────────────────────────────────────────────────────────────────────────────────────

def can_see_task(user: User, task: Task, role: str | None) -> bool:
    """Staff see every task; a member those whose lead or supporting unit is theirs, and those
    of the meetings they take part in (``role``: theirs in the task's meeting)."""
    seen = scope(user)
    if seen.everything or role is not None:
        return True
    return seen.unit_id is not None and seen.unit_id in (
        task.lead_unit.id, *(u.id for u in task.support_units))


def can_manage_task(user: User, role: str | None) -> bool:
    """Changing a task (and cancelling it) is the secretary's: staff or the meeting's."""
    return _manages(user, role)


def can_report(user: User, task: Task, role: str | None) -> bool:
    """Progress is reported by the lead unit's people and by the secretary."""
    if user.unit is not None and user.unit.id == task.lead_unit.id:
        return True
    return can_manage_task(user, role)


@dataclass(frozen=True)
class TaskAccess:
    """A user's standing towards one task they may see; ``role`` is theirs in its meeting."""

    user: User
    task: Task
    meeting: Meeting
    role: str | None

    @property
    def can_manage(self) -> bool:
        return can_manage_task(self.user, self.role)

    @property
    def can_report(self) -> bool:
        return can_report(self.user, self.task, self.role)

    def require_manage(self) -> None:
        if not self.can_manage:
            raise Forbidden("Only the secretary may change a task.")

    def require_report(self) -> None:
        if not self.can_report:
            raise Forbidden("Only the lead unit or the secretary reports progress on this "
                            "task.", "not_lead_unit")

    def require_status(self, status: str | None) -> None:
        """A progress report may move the status, but only the secretary cancels."""
        if status == "cancelled" and not self.can_manage:
            raise Forbidden("Only the secretary may cancel a task.")


def task_access(user: User, task: Task | None, meeting: Meeting | None,
                role: str | None) -> TaskAccess:
    """The user's standing towards ``task``, or NotFound when it is missing or not theirs."""
    if task is None or meeting is None or not can_see_task(user, task, role):
        raise NotFound("Task not found.")
    return TaskAccess(user, task, meeting, role)


# ── Minutes and notices ──────────────────────────────────────────────────────────────────────

def tracks_notices(user: User) -> bool:
    """The home page lists the conclusion notices due and late to staff, who issue them."""
    return is_staff(user)


def can_read_publication(user: User, publication: Publication, role: str | None,
                         unit_has_tasks: bool) -> bool:
    """A draft is for the meeting's chair and secretary (and staff); a published version for
    whoever sees the meeting, and a notice also for the units with tasks in the meeting
    (``unit_has_tasks``: the user's unit leads or supports one of them)."""
    if publication.status == "draft":
        return _leads(user, role)
    return can_see_meeting(user, role) or (publication.kind == "notice" and unit_has_tasks)


@dataclass(frozen=True)
class PublicationAccess:
    """A user's standing towards one publication they may read; ``meeting`` is None when they
    read it only as a unit with tasks in the meeting."""

    user: User
    publication: Publication
    meeting: Access | None

    @property
    def can_edit(self) -> bool:
        """Whether the page offers editing: a draft, for the chair and the secretary."""
        return (self.publication.status == "draft" and self.meeting is not None
                and self.meeting.can_lead)

    def require_lead(self) -> Access:
        """Refreshing and publishing are the chair's and the secretary's."""
        if self.meeting is None:
            raise NotFound("Publication not found.")
        self.meeting.require_lead()
        return self.meeting

    def require_edit(self) -> None:
        """Editing a draft is the chair's and the secretary's; a published version is refused
        as such (409), whoever asks."""
        if self.publication.status == "draft":
            self.require_lead()


def publication_access(user: User, publication: Publication | None, meeting: Meeting | None,
                       role: str | None, unit_has_tasks: bool) -> PublicationAccess:
    """The user's standing towards ``publication`` of ``meeting``, or NotFound."""
    if publication is None or meeting is None or not can_read_publication(
            user, publication, role, unit_has_tasks):
        raise NotFound("Publication not found.")
    standing = Access(user, meeting, role) if can_see_meeting(user, role) else None
    return PublicationAccess(user, publication, standing)


# ── Private notes, the follow-up item, the leader's dashboard ────────────────────────────────
# Private notes have no rule to ask: every read and write of a note is its author's own
# (``store/notes.py`` selects by the caller's id), on a document the caller may read; no role,
# staff included, reaches another user's notes.

def may_follow_up_from(user: User, role: str | None) -> bool:
    """The earlier meetings a follow-up item may take its tasks from: those the secretary
    creating it may see (``role``: theirs in the earlier meeting)."""
    return can_see_meeting(user, role)


LEADER_SCOPES: tuple[str, ...] = ("city", "unit")


@dataclass(frozen=True)
class DashboardScope:
    """The units whose figures the leader's dashboard shows: every unit (``unit_id`` None),
    or one."""

    unit_id: int | None


def dashboard_scope(user: User, leader_scope: str | None) -> DashboardScope:
    """Staff and the city's chair (``leader_scope`` 'city') see every unit; the head of a
    unit ('unit') their own unit only; anyone else is refused (403)."""
    if is_staff(user) or leader_scope == "city":
        return DashboardScope(None)
    if leader_scope == "unit" and user.unit is not None:
        return DashboardScope(user.unit.id)
    raise Forbidden("Only the city's leaders and the heads of units see the dashboard.",
                    "not_leader")


def may_see_dashboard(user: User, leader_scope: str | None) -> bool:
    """Whether the pages offer the dashboard."""
    return is_staff(user) or leader_scope == "city" or (
        leader_scope == "unit" and user.unit is not None)


def require_leader_scope_change(caller: User, target: User | None, scope: str | None) -> None:
    """Leaders are named by an administrator; a unit head must belong to a unit."""
    require_admin(caller)
    if target is None:
        raise NotFound("User not found.")
    if scope == "unit" and target.unit is None:
        raise Invalid("A unit head must belong to a unit.", "no_unit", field="scope")


# ── Written opinions (consultations) and reading readiness ───────────────────────────────────

def require_consultation_manager(user: User) -> None:
    """Sending a consultation, its summary, its reminders and its PDF are the secretary's."""
    if not is_staff(user):
        raise Forbidden("Only a secretary may manage requests for written opinions.")


def can_see_consultation(user: User, asked: bool) -> bool:
    """Staff see every consultation; a member those they are asked in (``asked``), and of
    those only their own answer, never the others'."""
    return is_staff(user) or asked


def require_answer(asked: bool, open_now: bool) -> None:
    """Only those asked answer, and only until the deadline."""
    if not asked:
        raise Forbidden("Only the people asked may answer.", "not_asked")
    if not open_now:
        raise Conflict("The deadline for answers has passed.", "consultation_closed")


def can_see_reading(standing: Access) -> bool:
    """Who opened which document and how far they read is for the meeting's secretary (and
    staff) only: a member never sees anyone's reading, their own included through this."""
    return standing.can_manage


def require_reading(standing: Access) -> None:
    if not can_see_reading(standing):
        raise Forbidden("Only the meeting's secretary may see who has read the documents.")


def can_report_reading(user: User, role: str | None) -> bool:
    """Pages seen are reported by whoever may read the document."""
    return can_see_meeting(user, role)


def require_email_setter(caller: User, user_id: int) -> None:
    """Where notifications are emailed is set by the user, or by an administrator."""
    if user_id != caller.id and not is_admin(caller):
        raise Forbidden("Only an administrator may set another user's email address.")
