"""Follow-through: the generated agenda item "Kiểm điểm việc thực hiện kết luận" of a new
meeting, and the chair's decisions on the earlier tasks it lists (extend, close, reassign).

A decision changes the task (``task.updated`` in the task's own meeting, as any change of
it) and is recorded with what it changed, before and after, in ``followup_decisions`` and as
``followup.decided`` in the new meeting's log, in one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from meeting_server import access as rules
from meeting_server.access import Access
from meeting_server.audit import AuditEntry
from meeting_server.db import Database, Transaction
from meeting_server.deadlines import date_wording
from meeting_server.errors import Invalid
from meeting_server.models import CLOSED_STATUSES, AgendaItem, Task
from meeting_server.services.agenda import add_item_in
from meeting_server.services.conclusions import status_changes, unit_ids
from meeting_server.store import audit as audit_store
from meeting_server.store import events, followup, meetings, tasks
from meeting_server.store.followup import FollowupItem
from meeting_server.store.tasks import Due

TITLE = "Kiểm điểm việc thực hiện kết luận"
DECISIONS: tuple[str, ...] = ("extend", "close", "reassign")
MAX_SOURCES = 50


async def _sources(tx: Transaction, standing: Access, asked: list[int] | None) -> list[int]:
    """The earlier meetings to follow up: those asked for, or by default every meeting before
    this one that still has open tasks; either way only meetings the caller may follow up
    from (``access.may_follow_up_from``: those they see)."""
    this = standing.meeting
    if asked is None:
        earlier = await followup.earlier_with_open_tasks(tx, this)
        roles = await meetings.roles_in(tx, earlier, standing.user.id)
        found = [mid for mid in earlier
                 if mid in roles and rules.may_follow_up_from(standing.user, roles[mid])]
        if not found:
            raise Invalid("No earlier meeting has open tasks to follow up.",
                          "nothing_to_follow_up")
        return found
    roles = await meetings.roles_in(tx, asked, standing.user.id)
    for mid in asked:
        if (mid not in roles or mid == this.id
                or not rules.may_follow_up_from(standing.user, roles[mid])):
            raise Invalid("No such earlier meeting: {id}.", "unknown_meeting",
                          values={"id": mid}, field="meeting_ids")
    return list(dict.fromkeys(asked))


async def create(db: Database, standing: Access, asked: list[int] | None
                 ) -> tuple[AgendaItem, FollowupItem]:
    """Append the follow-up item to the meeting's agenda (``agenda.changed``) and log what it
    follows up (``followup.created``)."""
    async with db.transaction() as tx:
        sources = await _sources(tx, standing, asked)
        item = await add_item_in(tx, standing.meeting.id, TITLE, "", None, standing.user.id)
        made = await followup.create_item(tx, item.id, standing.meeting.id, sources,
                                          standing.user.id)
        await events.append(tx, standing.meeting.id, "followup.created",
                            {"agenda_item_id": item.id, "source_meeting_ids": sources},
                            standing.user.id)
        return item, made


def decision_summary(recorded: dict[str, Any]) -> str:
    """A decision as its audit row's detail: ``extend; due_date 2019-08-01 → 2030-01-10``
    (what it changed, before and after): the row outlives the follow-up item."""
    changes = [f"{name} {recorded[f'previous_{name}']} → {recorded[name]}"
               for name in ("due_date", "status", "lead_unit")
               if recorded[name] is not None and recorded[name] != recorded[f"previous_{name}"]]
    return "; ".join([recorded["decision"], *changes])


def _before(task: Task) -> dict[str, Any]:
    return {"due_date": task.due_date.isoformat() if task.due_date else None,
            "status": task.status, "lead_unit_id": task.lead_unit.id}


async def decide(db: Database, standing: Access, item: FollowupItem, task: Task,
                 decision: str, note: str, due_date: date | None, lead_unit: str | None,
                 status: str | None, address: str = "") -> tuple[dict[str, Any], Task]:
    """Record the chair's ``decision`` on ``task`` and change the task accordingly: extend
    (``due_date``), close (``status`` done or cancelled, done by default), reassign
    (``lead_unit``, and a new ``due_date`` if given). Its audit row (action ``decide``, from
    ``address``) is written in the same transaction, not through the buffered recorder: it is
    the record that outlives the follow-up item, so a crash must not lose it while keeping the
    decision."""
    if task.meeting_id not in item.source_meeting_ids:
        raise Invalid("This task is not followed up in this item.", "not_followed_up",
                      field="task_id")
    async with db.transaction() as tx:
        changes: dict[str, Any] = {}
        after: dict[str, Any] = {}
        if decision in ("extend", "reassign") and due_date is not None:
            if due_date < tx.clock.today():
                raise Invalid("The new deadline must not be in the past.", "bad_deadline",
                              field="due_date")
            changes.update(Due(due_date, task.due_text, False,
                               wording=date_wording(due_date)).columns())
            changes["due_text"] = ""
            after["due_date"] = due_date.isoformat()
        if decision == "extend":
            if due_date is None:
                raise Invalid("Give the new deadline.", "missing_field", field="due_date")
            if task.status in CLOSED_STATUSES:
                changes.update(status_changes(tx, task, "in_progress"))
                after["status"] = "in_progress"
        elif decision == "close":
            closing = status or "done"
            changes.update(status_changes(tx, task, closing))
            after["status"] = closing
        else:
            if lead_unit is None:
                raise Invalid("Give the unit the task goes to.", "missing_field",
                              field="lead_unit")
            (unit_id,) = await unit_ids(tx, [lead_unit], "lead_unit")
            changes["lead_unit_id"] = unit_id
            after["lead_unit_id"] = unit_id
            support = [u.id for u in task.support_units if u.id != unit_id]
            if len(support) != len(task.support_units):
                await tasks.set_support_units(tx, task.id, support)
        if changes:
            await tasks.update(tx, task.id, changes)
        changed = await tasks.get(tx, task.id)
        assert changed is not None
        today = tx.clock.today()
        await events.append(tx, task.meeting_id, "task.updated",
                            {"task": changed.as_dict(today)}, standing.user.id)
        decision_id = await followup.add_decision(tx, item, task.id, decision, note,
                                                  _before(task), after, standing.user.id)
        recorded = await followup.get_decision(tx, decision_id)
        assert recorded is not None
        data = {**recorded.as_dict(), "task": changed.as_dict(today)}
        await audit_store.add(tx, [AuditEntry(
            tx.now_iso(), standing.user.id, "decide", "task", task.id, item.meeting_id,
            decision_summary(data)[:200], address)])
        await events.append(tx, item.meeting_id, "followup.decided",
                            {"agenda_item_id": item.agenda_item_id, "decision": data},
                            standing.user.id)
        return data, changed
