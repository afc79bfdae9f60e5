"""GET /health (liveness) and GET /health/ready (what the load balancer checks)."""

from __future__ import annotations

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
