"""A test client of the live protocol that applies events the way a tablet does."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import floor_votes_client
from websockets.asyncio.client import ClientConnection, connect

#: How long to wait for a message before failing: far more than a loaded machine needs.
WAIT = 60.0


def placed(items: list[dict[str, Any]], item: dict[str, Any] | None, key: str
           ) -> list[dict[str, Any]]:
    """``items`` with ``item`` (if any) put at its ``key`` (``position``, ``number``) and the
    others numbered 1..n around it, in their order: what the server does."""
    others = sorted((i for i in items if item is None or i["id"] != item["id"]),
                    key=lambda i: (i[key], i["id"]))
    if item is not None:
        others.insert(max(0, min(item[key] - 1, len(others))), item)
    return [i if i[key] == n else {**i, key: n} for n, i in enumerate(others, start=1)]


def apply(state: dict[str, Any], event: dict[str, Any]) -> None:
    """Apply one event to a meeting state (the same rules as static/live.js)."""
    name, data = event["event"], event["data"]
    if name == "meeting.updated":
        state["meeting"], state["notice_due"] = data["meeting"], data["notice_due"]
        state["notice_late"] = data["notice_late"]
    elif name == "agenda.changed":
        state["agenda_items"] = placed(state["agenda_items"], data["agenda_item"], "position")
    elif name == "agenda.item_deleted":
        gone = data["agenda_item_id"]
        state["agenda_items"] = placed([i for i in state["agenda_items"] if i["id"] != gone],
                                       None, "position")
        state["documents"] = [d for d in state["documents"]
                              if d["id"] not in data["document_ids"]]
        if state["current_item_id"] == gone:
            state["current_item_id"] = None
        state["conclusions"] = [{**c, "agenda_item_id": None} if c["agenda_item_id"] == gone
                                else c for c in state["conclusions"]]
        floor_votes_client.item_deleted(state, gone)
    elif name == "agenda.current":
        state["current_item_id"] = data["current_item_id"]
        state["meeting"] = {**state["meeting"], "current_item_at":
                            event["at"] if data["current_item_id"] is not None else None}
    elif name == "presenter.page":
        state["presenter"] = None if data["document_id"] is None else data
    elif name in ("document.published", "document.version"):
        docs = [d for d in state["documents"] if d["id"] != data["document"]["id"]]
        state["documents"] = docs + [data["document"]]
    elif name in ("attendance.changed", "participant.added"):
        people = [p for p in state["participants"]
                  if p["user_id"] != data["participant"]["user_id"]]
        state["participants"] = people + [data["participant"]]
    elif name == "participant.removed":
        state["participants"] = [p for p in state["participants"]
                                 if p["user_id"] != data["user_id"]]
    elif name == "conclusion.saved":
        state["conclusions"] = placed(state["conclusions"], data["conclusion"], "number")
    elif name == "conclusion.deleted":
        state["conclusions"] = placed([c for c in state["conclusions"]
                                       if c["id"] != data["conclusion_id"]], None, "number")
        state["tasks"] = [t for t in state["tasks"] if t["id"] not in data["task_ids"]]
    elif name in ("task.assigned", "task.updated"):
        state["tasks"] = [t for t in state["tasks"] if t["id"] != data["task"]["id"]]
        state["tasks"].append(data["task"])
    elif name == "publication.published":
        kept = []
        for p in state["publications"]:
            if p["id"] == data["publication"]["id"]:
                continue
            if p["id"] == data["superseded_id"]:
                p = {**p, "status": "superseded", "superseded_by": data["publication"]["id"]}
            kept.append(p)
        state["publications"] = kept + [data["publication"]]
    elif name in ("followup.created", "followup.decided"):
        pass  # the follow-up item is read apart (GET /api/agenda-items/{id}/follow-up)
    elif not floor_votes_client.apply(state, event):
        raise AssertionError(f"unknown event {name}")


def normalised(state: dict[str, Any]) -> dict[str, Any]:
    """Lists in a canonical order, so two states compare equal whatever the arrival order."""
    out = dict(state)
    out["documents"] = sorted(state["documents"], key=lambda d: d["id"])
    out["participants"] = sorted(state["participants"], key=lambda p: p["user_id"])
    out["agenda_items"] = sorted(state["agenda_items"], key=lambda i: i["position"])
    out["tasks"] = sorted(state["tasks"], key=lambda t: t["id"])
    out["publications"] = sorted(state["publications"], key=lambda p: p["id"])
    return out


class Tablet:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.state: dict[str, Any] | None = None
        self.seq: int | None = None
        self.events: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, ws_url: str, meeting_id: int, token: str,
                   last_seq: int | None = None, **kwargs: Any) -> Tablet:
        ws = await connect(f"{ws_url}/ws/meetings/{meeting_id}", compression=None,
                           additional_headers={"Authorization": f"Bearer {token}"}, **kwargs)
        tablet = cls(ws)
        await ws.send(json.dumps({"type": "hello", "last_seq": last_seq}))
        return tablet

    async def receive(self, timeout: float = WAIT) -> dict[str, Any]:
        message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        if message["type"] == "snapshot":
            self.state, self.seq = message["state"], message["seq"]
        elif message["type"] == "event":
            self.events.append(message)
            if self.seq is None or message["seq"] > self.seq:
                if self.state is not None:
                    apply(self.state, message)
                self.seq = message["seq"]
        elif message["type"] == "error":
            self.errors.append(message)
        return message  # type: ignore[no-any-return]

    async def until_seq(self, seq: int, timeout: float = WAIT) -> None:
        while self.seq is None or self.seq < seq:
            await self.receive(timeout)

    async def close(self) -> None:
        await self.ws.close()
