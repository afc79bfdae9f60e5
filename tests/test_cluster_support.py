"""The cluster tests' services: in CI (MEETING_TEST_POSTGRES=required) a service that cannot
start fails the test; elsewhere it skips it."""

from __future__ import annotations

import os
import shutil

import cluster_support
import pytest


def missing_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # not root: nothing is installed


def test_a_missing_service_fails_the_test_when_required(monkeypatch: pytest.MonkeyPatch) -> None:
    missing_program(monkeypatch)
    monkeypatch.setenv("MEETING_TEST_POSTGRES", "required")

    with pytest.raises(pytest.fail.Exception, match="redis-server is not installed"):
        cluster_support.program("redis-server", "redis-server")


def test_a_missing_service_skips_the_test_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    missing_program(monkeypatch)
    monkeypatch.delenv("MEETING_TEST_POSTGRES", raising=False)

    with pytest.raises(pytest.skip.Exception, match="haproxy is not installed"):
        cluster_support.program("haproxy", "haproxy")
