"""docs/deployment.md, deploy/compose.yaml and deploy/haproxy.cfg agree with the code.

The HAProxy configuration itself is exercised by tests/test_cluster.py; the compose file cannot
run here (no container engine), so what it shares with the tested setup is checked as text.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import Route

from meeting_server.app import routes
from meeting_server.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
COMPOSE = (ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8")
HAPROXY = (ROOT / "deploy" / "haproxy.cfg").read_text(encoding="utf-8")
KNOWN = {s.env for s in SETTINGS}


def test_every_setting_the_deployment_names_exists() -> None:
    named = set(re.findall(r"\bMEETING_(?!TEST_)[A-Z_]+\b", DOC + COMPOSE))
    assert named and named <= KNOWN, named - KNOWN


def test_haproxy_checks_a_route_the_app_has() -> None:
    checked = re.findall(r"http-check send meth GET uri (\S+)", HAPROXY)
    paths = {r.path for r in routes() if isinstance(r, Route)}
    assert checked == ["/health/ready"] and set(checked) <= paths


def test_compose_runs_the_tested_haproxy_config_with_its_variables() -> None:
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in COMPOSE
    variables = set(re.findall(r"presetenv (\w+)", HAPROXY))
    assert variables == {"FRONT_BIND", "INSTANCE_A", "INSTANCE_B"}
    for name in variables:
        assert f'"${{{name}}}"' in HAPROXY
        assert re.search(rf"^\s+{name}: \S+", COMPOSE, re.MULTILINE), name


def test_compose_instances_share_the_database_redis_data_and_key() -> None:
    for setting in ("MEETING_DATABASE_URL", "MEETING_REDIS_URL", "MEETING_SECRET_KEY",
                    "MEETING_DATA_DIR"):
        # once, in the anchor that migrate and both instances merge
        assert len(re.findall(rf"^\s+{setting}:", COMPOSE, re.MULTILINE)) == 1, setting
    assert COMPOSE.count("<<: *meeting") == 3  # migrate, app-a, app-b
    assert re.search(r"^  app-a:\n(?:    .*\n)*?    <<: \*meeting", COMPOSE, re.MULTILINE)


def test_the_doc_shows_the_shipped_files() -> None:
    for path in ("deploy/haproxy.cfg", "deploy/compose.yaml", "deploy/Dockerfile"):
        assert (ROOT / path).is_file()
        assert path in DOC
