"""The sign-in rules of ``access.py`` as plain functions, and who must not pass them."""

from __future__ import annotations

import pytest

from meeting_server import access
from meeting_server.errors import Forbidden
from meeting_server.models import Unit, User, UserRole

OFFICE = Unit(1, "VPUBND", "Văn phòng UBND thành phố")


def user(role: UserRole) -> User:
    return User(1, "u", "U", "", role, OFFICE, True)


@pytest.mark.parametrize("role,idles", [("admin", True), ("secretary", True),
                                        ("member", False)])
def test_only_staff_sessions_end_when_idle(role: UserRole, idles: bool) -> None:
    assert access.idles_out(user(role)) is idles


@pytest.mark.parametrize("role,has_it,required,lacks", [
    ("secretary", False, ("secretary",), True),
    ("secretary", True, ("secretary",), False),
    ("admin", False, ("secretary",), False),
    ("member", False, ("admin", "secretary"), False),
    ("admin", False, (), False),
])
def test_a_session_lacks_a_second_factor_only_when_its_role_needs_one(
        role: UserRole, has_it: bool, required: tuple[str, ...], lacks: bool) -> None:
    assert access.lacks_second_factor(user(role), has_it, required) is lacks


@pytest.mark.parametrize("path", ["/api/me", "/api/me/totp", "/api/me/totp/confirm",
                                  "/api/session", "/security"])
def test_setting_up_a_second_factor_is_reachable(path: str) -> None:
    assert access.allowed_before_second_factor(path)


@pytest.mark.parametrize("path", ["/api/me/", "/api/meetings", "/api/me/totp/../../meetings",
                                  "/api/me/totpx", "/API/ME", "/security/", "/", "/audit",
                                  "/api/session/pair", "/api/users/1/totp", "/ws/meetings/1"])
def test_nothing_else_is_reachable_before_the_second_factor(path: str) -> None:
    assert not access.allowed_before_second_factor(path)


def test_a_required_second_factor_cannot_be_dropped() -> None:
    with pytest.raises(Forbidden):
        access.require_may_drop_second_factor(user("secretary"), ("secretary",))


def test_an_optional_second_factor_can_be_dropped() -> None:
    access.require_may_drop_second_factor(user("secretary"), ("admin",))


@pytest.mark.parametrize("role", ["secretary", "member"])
def test_only_administrators_read_the_audit_log(role: UserRole) -> None:
    assert not access.can_read_audit(user(role))
    with pytest.raises(Forbidden):
        access.require_audit_reader(user(role))


def test_an_administrator_reads_the_audit_log() -> None:
    assert access.can_read_audit(user("admin"))


def test_a_second_factor_can_be_required_only_of_staff() -> None:
    assert set(access.SECOND_FACTOR_ROLES) == {"admin", "secretary"}
