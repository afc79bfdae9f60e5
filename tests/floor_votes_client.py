"""The speakers' list and votes in a meeting state: the events applied as static/floor.js and
static/votes.js apply them (liveclient.apply hands these over)."""

from __future__ import annotations

from typing import Any

STATUS_ORDER = {"done": 0, "speaking": 1, "waiting": 2}


def _sorted(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(requests, key=lambda r: (STATUS_ORDER[r["status"]], r["position"] or 0,
                                           r["started_at"] or "", r["id"]))


def apply(state: dict[str, Any], event: dict[str, Any]) -> bool:
    """Apply a ``floor.*``, ``vote.*`` or ``proxy.*`` event; False for any other."""
    name, data = event["event"], event["data"]
    floor = state["floor"]
    if name in ("floor.requested", "floor.given", "floor.ended"):
        changed = data["request"]
        requests = [r for r in floor["requests"] if r["id"] != changed["id"]]
        if name == "floor.given":  # the waiting move up
            requests = _renumber(requests)
        floor["requests"] = _sorted([*requests, changed])
    elif name == "floor.withdrawn":
        floor["requests"] = _sorted(_renumber(
            [r for r in floor["requests"] if r["id"] != data["request_id"]]))
    elif name == "floor.reordered":
        at = {rid: n for n, rid in enumerate(data["order"], start=1)}
        floor["requests"] = _sorted([{**r, "position": at[r["id"]]} if r["id"] in at else r
                                     for r in floor["requests"]])
    elif name == "floor.limit_set":
        floor["limit_seconds"] = data["limit_seconds"]
    elif name in ("vote.opened", "vote.closed"):
        state["votes"] = sorted([v for v in state["votes"] if v["id"] != data["vote"]["id"]]
                                + [data["vote"]], key=lambda v: v["id"])
    elif name == "vote.cast":
        state["votes"] = [
            {**v, "voted": sorted({*v["voted"], data["user_id"]}), "cast": data["cast"]}
            if v["id"] == data["vote_id"] else v for v in state["votes"]]
    elif name == "proxy.granted":
        state["proxies"] = sorted(
            [p for p in state["proxies"] if p["from_user_id"] != data["proxy"]["from_user_id"]]
            + [data["proxy"]], key=lambda p: p["from_user_id"])
    elif name == "proxy.revoked":
        state["proxies"] = [p for p in state["proxies"]
                            if p["from_user_id"] != data["from_user_id"]]
    else:
        return False
    return True


def _renumber(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The waiting numbered 1..n in their order, as the server keeps them."""
    waiting = sorted((r for r in requests if r["status"] == "waiting"),
                     key=lambda r: (r["position"], r["id"]))
    at = {r["id"]: n for n, r in enumerate(waiting, start=1)}
    return [{**r, "position": at[r["id"]]} if r["id"] in at else r for r in requests]


def item_deleted(state: dict[str, Any], gone: int) -> None:
    """``agenda.item_deleted``: requests to speak and votes on the item stay, without it."""
    state["floor"]["requests"] = [{**r, "agenda_item_id": None} if r["agenda_item_id"] == gone
                                  else r for r in state["floor"]["requests"]]
    state["votes"] = [{**v, "agenda_item_id": None} if v["agenda_item_id"] == gone else v
                      for v in state["votes"]]
