"""The permission rules of ``access.py`` as plain functions: each rule, and who must not pass."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from meeting_server import access
from meeting_server.errors import Forbidden, Invalid, NotFound
from meeting_server.models import (
    Meeting,
    Publication,
    PublicationKind,
    PublicationStatus,
    Task,
    Unit,
    User,
    UserRole,
)

OFFICE = Unit(1, "VPUBND", "Văn phòng UBND thành phố")
HOME = Unit(2, "SNV", "Sở Nội vụ")
JUSTICE = Unit(3, "STP", "Sở Tư pháp")
PLANNING = Unit(4, "SKHDT", "Sở Kế hoạch và Đầu tư")


def user(role: UserRole = "member", unit: Unit | None = OFFICE, id: int = 10) -> User:
    return User(id, f"u{id}", f"User {id}", "", role, unit, True)


ADMIN = user("admin", None, 1)
SECRETARY = user("secretary", OFFICE, 2)
MEMBER = user("member", HOME, 3)
NO_UNIT = user("member", None, 4)
MEETING = Meeting(7, "Phiên họp", "2019-07-05T08:00:00+07:00", "", "scheduled", None, None,
                  "", "")
TASK = Task(5, MEETING.id, 9, "Rà soát", OFFICE, (JUSTICE,), "", date(2019, 7, 31), "",
            False, "assigned", None, "", "")


def publication(kind: PublicationKind = "notice",
                status: PublicationStatus = "published") -> Publication:
    return Publication(8, MEETING.id, kind, 1, status, {}, {}, None, None, None, None, None,
                       "", "")


# Accounts

def test_only_an_admin_passes_require_admin() -> None:
    access.require_admin(ADMIN)
    for someone in (SECRETARY, MEMBER):
        with pytest.raises(Forbidden):
            access.require_admin(someone)


def test_only_an_admin_is_offered_the_administration_pages() -> None:
    assert access.may_administer(ADMIN)
    assert not access.may_administer(SECRETARY) and not access.may_administer(MEMBER)


def test_staff_are_offered_to_create_meetings() -> None:
    assert access.may_create_meetings(ADMIN) and access.may_create_meetings(SECRETARY)
    assert not access.may_create_meetings(MEMBER)


def test_staff_are_admins_and_secretaries() -> None:
    assert access.is_staff(ADMIN) and access.is_staff(SECRETARY)
    assert not access.is_staff(MEMBER)
    access.require_staff(SECRETARY)
    with pytest.raises(Forbidden):
        access.require_staff(MEMBER)


@pytest.mark.parametrize("active,role", [(False, None), (None, "member"), (None, "secretary"),
                                         (False, "admin")])
def test_an_admin_cannot_lock_themselves_out(active: bool | None, role: str | None) -> None:
    with pytest.raises(Invalid) as raised:
        access.require_not_locked_out(ADMIN, ADMIN.id, active, role)
    assert raised.value.code == "self_lockout"


def test_an_admin_may_change_their_own_name_and_demote_others() -> None:
    access.require_not_locked_out(ADMIN, ADMIN.id, True, "admin")
    access.require_not_locked_out(ADMIN, ADMIN.id, None, None)
    access.require_not_locked_out(ADMIN, SECRETARY.id, False, "member")


def test_a_secretary_pairs_only_member_accounts() -> None:
    assert access.may_pair(SECRETARY, MEMBER)
    assert not access.may_pair(SECRETARY, ADMIN)
    assert not access.may_pair(SECRETARY, user("secretary", OFFICE, 20))
    assert access.may_pair(ADMIN, ADMIN) and access.may_pair(ADMIN, SECRETARY)
    access.require_pairing(SECRETARY, MEMBER)
    with pytest.raises(Forbidden):
        access.require_pairing(SECRETARY, ADMIN)


def test_a_member_pairs_nobody() -> None:
    assert not access.may_pair(MEMBER, MEMBER)
    with pytest.raises(Forbidden):
        access.require_pairing(MEMBER, user("member", HOME, 30))


# Meetings

def test_staff_see_every_meeting_members_only_their_own() -> None:
    for staff in (ADMIN, SECRETARY):
        assert access.meeting_access(staff, MEETING, None).role is None
    assert access.meeting_access(MEMBER, MEETING, "guest").is_participant
    with pytest.raises(NotFound):
        access.meeting_access(MEMBER, MEETING, None)


def test_a_missing_meeting_answers_like_another_one() -> None:
    with pytest.raises(NotFound) as missing:
        access.meeting_access(ADMIN, None, None)
    with pytest.raises(NotFound) as hidden:
        access.meeting_access(MEMBER, MEETING, None)
    assert (missing.value.code, missing.value.message) == (hidden.value.code,
                                                           hidden.value.message)


@pytest.mark.parametrize("who,role,manage,lead", [
    (ADMIN, None, True, True),
    (SECRETARY, None, True, True),
    (MEMBER, "secretary", True, True),
    (MEMBER, "chair", False, True),
    (MEMBER, "member", False, False),
    (MEMBER, "guest", False, False),
])
def test_who_manages_and_who_leads_a_meeting(who: User, role: str | None, manage: bool,
                                             lead: bool) -> None:
    standing = access.meeting_access(who, MEETING, role)
    assert (standing.can_manage, standing.can_lead, standing.sees_drafts) == (manage, lead, lead)
    if manage:
        standing.require_manage()
    else:
        with pytest.raises(Forbidden):
            standing.require_manage()
    if lead:
        standing.require_lead()
    else:
        with pytest.raises(Forbidden):
            standing.require_lead()


@pytest.mark.parametrize("who,role,pick", [
    (ADMIN, None, True), (SECRETARY, None, True), (MEMBER, "secretary", True),
    (MEMBER, "chair", False), (MEMBER, "member", False),
])
def test_the_secretary_picks_participants_among_the_users(who: User, role: str | None,
                                                         pick: bool) -> None:
    assert access.meeting_access(who, MEETING, role).can_pick_people is pick


def test_attendance_is_recorded_by_oneself_or_the_secretary() -> None:
    access.meeting_access(MEMBER, MEETING, "member").require_attendance(MEMBER.id)
    access.meeting_access(MEMBER, MEETING, "secretary").require_attendance(99)
    access.meeting_access(SECRETARY, MEETING, None).require_attendance(MEMBER.id)
    with pytest.raises(Forbidden):
        access.meeting_access(MEMBER, MEETING, "chair").require_attendance(99)
    # staff who take no part in the meeting have no attendance of their own
    with pytest.raises(Forbidden) as raised:
        access.meeting_access(SECRETARY, MEETING, None).require_attendance(SECRETARY.id)
    assert raised.value.code == "not_participant"


def test_an_object_of_another_meeting_is_not_found() -> None:
    standing = access.meeting_access(ADMIN, MEETING, None)
    standing.require_own(MEETING.id, "Document not found.")
    with pytest.raises(NotFound) as raised:
        standing.require_own(MEETING.id + 1, "Document not found.")
    assert raised.value.message == "Document not found."


def test_the_live_socket_admits_participants_and_staff() -> None:
    assert access.can_follow_live(MEMBER, "guest")
    assert access.can_follow_live(SECRETARY, None)
    assert not access.can_follow_live(MEMBER, None)


def test_scope_of_staff_and_members() -> None:
    assert access.scope(SECRETARY).everything
    assert access.scope(MEMBER) == access.Scope(False, MEMBER.id, HOME.id)
    assert access.scope(NO_UNIT).unit_id is None
    assert access.search_scope(MEMBER) == access.scope(MEMBER)


# Tasks

@pytest.mark.parametrize("who,role,seen", [
    (ADMIN, None, True),
    (SECRETARY, None, True),
    (user("member", OFFICE), None, True),     # the lead unit
    (user("member", JUSTICE), None, True),    # a supporting unit
    (user("member", PLANNING), "guest", True),  # a participant of the meeting
    (user("member", PLANNING), None, False),
    (NO_UNIT, None, False),
])
def test_who_sees_a_task(who: User, role: str | None, seen: bool) -> None:
    assert access.can_see_task(who, TASK, role) is seen
    if seen:
        assert access.task_access(who, TASK, MEETING, role).task is TASK
    else:
        with pytest.raises(NotFound):
            access.task_access(who, TASK, MEETING, role)


def test_a_missing_task_is_not_found() -> None:
    with pytest.raises(NotFound):
        access.task_access(ADMIN, None, None, None)


@pytest.mark.parametrize("who,role,report,manage", [
    (SECRETARY, None, True, True),
    (ADMIN, None, True, True),
    (user("member", PLANNING), "secretary", True, True),   # the meeting's secretary
    (user("member", OFFICE), None, True, False),           # the lead unit
    (user("member", JUSTICE), None, False, False),         # a supporting unit only reads
    (user("member", PLANNING), "chair", False, False),     # the chair does not report
    (user("member", JUSTICE), "member", False, False),
])
def test_who_reports_and_who_changes_a_task(who: User, role: str | None, report: bool,
                                            manage: bool) -> None:
    assert access.can_report(who, TASK, role) is report
    assert access.can_manage_task(who, role) is manage
    standing = access.task_access(who, TASK, MEETING, role)
    assert (standing.can_report, standing.can_manage) == (report, manage)
    if report:
        standing.require_report()
    else:
        with pytest.raises(Forbidden) as raised:
            standing.require_report()
        assert raised.value.code == "not_lead_unit"
    if not manage:
        with pytest.raises(Forbidden):
            standing.require_manage()


def test_only_the_secretary_cancels_a_task() -> None:
    lead = access.task_access(user("member", OFFICE), TASK, MEETING, None)
    for status in (None, "in_progress", "done"):
        lead.require_status(status)
    with pytest.raises(Forbidden):
        lead.require_status("cancelled")
    access.task_access(SECRETARY, TASK, MEETING, None).require_status("cancelled")


# Minutes and notices

@pytest.mark.parametrize("who,role,kind,status,unit_tasks,readable", [
    (SECRETARY, None, "minutes", "draft", False, True),
    (MEMBER, "chair", "minutes", "draft", False, True),
    (MEMBER, "secretary", "notice", "draft", False, True),
    (MEMBER, "member", "minutes", "draft", False, False),
    (MEMBER, None, "notice", "draft", True, False),       # a unit never reads a draft
    (MEMBER, "guest", "minutes", "published", False, True),
    (MEMBER, "member", "notice", "superseded", False, True),
    (MEMBER, None, "notice", "published", True, True),     # a unit with tasks in it
    (MEMBER, None, "minutes", "published", True, False),   # ... but not the minutes
    (MEMBER, None, "notice", "published", False, False),
    (ADMIN, None, "minutes", "published", False, True),
])
def test_who_reads_a_publication(who: User, role: str | None, kind: PublicationKind,
                                 status: PublicationStatus, unit_tasks: bool,
                                 readable: bool) -> None:
    found = publication(kind, status)
    assert access.can_read_publication(who, found, role, unit_tasks) is readable
    if not readable:
        with pytest.raises(NotFound):
            access.publication_access(who, found, MEETING, role, unit_tasks)


def test_a_unit_reader_has_no_standing_in_the_meeting() -> None:
    standing = access.publication_access(MEMBER, publication(), MEETING, None, True)
    assert standing.meeting is None and not standing.can_edit
    with pytest.raises(NotFound):
        standing.require_lead()
    standing.require_edit()  # published: the service answers 409, whoever asks


def test_only_the_chair_and_secretary_edit_and_publish_drafts() -> None:
    draft = publication("minutes", "draft")
    chair = access.publication_access(MEMBER, draft, MEETING, "chair", False)
    assert chair.can_edit and chair.require_lead().role == "chair"
    chair.require_edit()
    published = access.publication_access(MEMBER, publication("minutes"), MEETING, "member",
                                          False)
    assert not published.can_edit
    with pytest.raises(Forbidden):
        published.require_lead()


def test_a_missing_publication_is_not_found() -> None:
    args: list[Any] = [None, MEETING, None, False]
    with pytest.raises(NotFound):
        access.publication_access(ADMIN, *args)
