"""Who sees the leader's dashboard beyond staff: the city's chair and the heads of units."""

from __future__ import annotations

from meeting_server.db import Conn, Transaction, fetchall


async def set_scope(tx: Transaction, user_id: int, scope: str | None) -> None:
    if scope is None:
        await tx.execute("DELETE FROM leader_scopes WHERE user_id = ?", (user_id,))
        return
    await tx.execute(
        "INSERT INTO leader_scopes (user_id, scope, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET scope = excluded.scope,"
        " updated_at = excluded.updated_at", (user_id, scope, tx.now_iso()))


async def all_scopes(conn: Conn) -> dict[int, str]:
    rows = await fetchall(conn, "SELECT user_id, scope FROM leader_scopes")
    return {int(r[0]): str(r[1]) for r in rows}
