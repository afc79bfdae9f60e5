"""GET /health (liveness) and GET /health/ready (what the load balancer checks)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Server


async def test_ready_while_the_database_answers(server: Server) -> None:
    async with server.client() as client:
        r = await client.get("/health/ready")

    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}
    assert r.headers["cache-control"] == "no-store"


async def test_not_ready_once_the_database_is_gone_but_still_alive(server: Server) -> None:
    await server.app.context.db.close()
    async with server.client() as client:
        ready = await client.get("/health/ready")
        alive = await client.get("/health")

    assert ready.status_code == 503
    assert ready.json()["error"]["code"] == "not_ready"
    assert ready.headers["retry-after"] == "5"
    assert alive.status_code == 200


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(query=st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
       body=st.binary(max_size=64),
       method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE"]))
async def test_health_routes_never_answer_500_to_odd_requests(
        server: Server, query: str, body: bytes, method: str) -> None:
    # Outside /api, so not in test_fuzz.py's table: the same check here.
    async with server.client() as client:
        for path in ("/health", "/health/ready"):
            r = await client.request(method, path, params={"q": query}, content=body)
            assert r.status_code in ((200,) if method in ("GET", "HEAD") else (405,)), (
                path, method, r.status_code, r.text[:200])
            if r.status_code == 405:
                assert r.json()["error"]["code"]
