"""Conclusions and their follow-up tasks, each change logged for the tablets."""

from __future__ import annotations

from datetime import date
from typing import Any

from meeting_server.access import Access
from meeting_server.db import Database, Transaction
from meeting_server.errors import Invalid
from meeting_server.models import Conclusion, EventName, Task, User
from meeting_server.store import agenda, conclusions, events, tasks, users


async def check_item(tx: Transaction, meeting_id: int, item_id: int | None) -> None:
    if item_id is None:
        return
    item = await agenda.get(tx, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise Invalid("No such agenda item in this meeting.", "unknown_agenda_item",
                      field="agenda_item_id")


async def add_conclusion(db: Database, access: Access, text: str,
                         agenda_item_id: int | None) -> Conclusion:
    async with db.transaction() as tx:
        return await add_conclusion_in(tx, access.meeting.id, text, agenda_item_id,
                                       access.user.id)


async def add_conclusion_in(tx: Transaction, meeting_id: int, text: str,
                            agenda_item_id: int | None, actor: int) -> Conclusion:
    """Record the conclusion, numbered after the others, inside ``tx``."""
    await check_item(tx, meeting_id, agenda_item_id)
    saved = await conclusions.append(tx, meeting_id, text, agenda_item_id, actor)
    await _saved(tx, saved, actor)
    return saved


async def _saved(tx: Transaction, conclusion: Conclusion, actor: int) -> Conclusion:
    """Log the conclusion as it now is; a tablet puts it at its number and numbers the others
    around it, as the store did (the event never lists them all)."""
    current = await conclusions.get(tx, conclusion.id)
    assert current is not None
    await events.append(tx, conclusion.meeting_id, "conclusion.saved",
                        {"conclusion": current.as_dict()}, actor)
    return current


async def update_conclusion(db: Database, access: Access, conclusion: Conclusion,
                            changes: dict[str, Any], number: int | None) -> Conclusion:
    async with db.transaction() as tx:
        if "agenda_item_id" in changes:
            await check_item(tx, conclusion.meeting_id, changes["agenda_item_id"])
        if changes:
            await conclusions.update(tx, conclusion.id, changes)
        if number is not None:
            await conclusions.move(tx, conclusion, number)
        return await _saved(tx, conclusion, access.user.id)


async def delete_conclusion(db: Database, access: Access, conclusion: Conclusion) -> None:
    async with db.transaction() as tx:
        removed = [t.id for t in await tasks.list_for_conclusion(tx, conclusion.id)]
        await conclusions.delete(tx, conclusion)
        await events.append(tx, conclusion.meeting_id, "conclusion.deleted",
                            {"conclusion_id": conclusion.id, "task_ids": removed},
                            access.user.id)


async def unit_ids(tx: Transaction, codes: list[str], field: str,
                   keep: frozenset[int] = frozenset()) -> list[int]:
    """The ids of the units ``codes``, each active unless it is in ``keep`` (the task's)."""
    found = []
    for code in codes:
        unit = await users.unit_by_code(tx, code)
        if unit is None:
            raise Invalid("No unit with code '{code}'.", "unknown_unit",
                          values={"code": code}, field=field)
        if not unit.active and unit.id not in keep:
            raise Invalid("The unit '{code}' is deactivated; choose another.", "inactive_unit",
                          values={"code": code}, field=field)
        found.append(unit.id)
    return found


async def add_task(db: Database, access: Access, conclusion: Conclusion, title: str,
                   lead_unit: str, support_units: list[str], responsible: str,
                   due: tasks.Due) -> Task:
    async with db.transaction() as tx:
        (lead_id,) = await unit_ids(tx, [lead_unit], "lead_unit")
        support = [u for u in await unit_ids(tx, support_units, "support_units") if u != lead_id]
        task_id = await tasks.create(tx, conclusion.meeting_id, conclusion.id, title, lead_id,
                                     support, responsible, due, access.user.id)
        return await _logged(tx, task_id, "task.assigned", access.user.id)


async def _logged(tx: Transaction, task_id: int, name: EventName, actor: int) -> Task:
    task = await tasks.get(tx, task_id)
    assert task is not None
    await events.append(tx, task.meeting_id, name, {"task": task.as_dict(tx.clock.today())}, actor)
    return task


def status_changes(tx: Transaction, task: Task, status: str) -> dict[str, Any]:
    """The columns a status change sets: done records when, anything else clears it."""
    if status == task.status:
        return {}
    return {"status": status, "completed_at": tx.now_iso() if status == "done" else None}


async def update_task(db: Database, user: User, task: Task, changes: dict[str, Any]) -> Task:
    """Change a task; ``changes["due"]`` (a ``tasks.Due``) replaces its deadline: a new
    schedule is due at its first occurrence no report was made for."""
    async with db.transaction() as tx:
        changes = dict(changes)
        if "due" in changes:
            due: tasks.Due = changes.pop("due")
            changes.update(due.columns())
            if due.schedule is not None:
                changes["due_date"] = due.schedule.next_due(await tasks.reported(tx, task.id))
        given = frozenset([task.lead_unit.id, *(u.id for u in task.support_units)])
        if "lead_unit" in changes:
            (changes["lead_unit_id"],) = await unit_ids(tx, [changes.pop("lead_unit")],
                                                        "lead_unit", given)
        if "support_units" in changes:
            ids = await unit_ids(tx, changes.pop("support_units"), "support_units", given)
            lead = changes.get("lead_unit_id", task.lead_unit.id)
            await tasks.set_support_units(tx, task.id, [u for u in ids if u != lead])
        if "status" in changes:
            changes.update(status_changes(tx, task, changes.pop("status")))
        if changes:
            await tasks.update(tx, task.id, changes)
        return await _logged(tx, task.id, "task.updated", user.id)


async def report_progress(db: Database, user: User, task: Task, note: str,
                          status: str | None, occurrence: date | None = None
                          ) -> tuple[Task, int, date | None]:
    """A progress report. On a recurring task it is the report for one occurrence: by default
    the one due (the first no report was made for), or an earlier one; the task is then due
    at the next occurrence without a report."""
    async with db.transaction() as tx:
        changes: dict[str, Any] = {}
        if task.schedule is None:
            if occurrence is not None:
                raise Invalid("Only a recurring task is reported on by occurrence.",
                              "not_recurring", field="occurrence")
        else:
            done = await tasks.reported(tx, task.id)
            due = task.schedule.next_due(done)
            occurrence = due if occurrence is None else occurrence
            if occurrence > due or not task.schedule.is_occurrence(occurrence):
                raise Invalid("{occurrence} is not an occurrence of this task that is due yet;"
                              " the next one is {due}.", "bad_occurrence",
                              values={"occurrence": f"{occurrence:%d/%m/%Y}",
                                      "due": f"{due:%d/%m/%Y}"}, field="occurrence")
            following = task.schedule.next_due(done | {occurrence})
            if following != task.due_date:
                changes["due_date"] = following
        update_id = await tasks.add_update(tx, task.id, user.id, note, status, occurrence)
        if status is not None and status != task.status:
            changes.update(status_changes(tx, task, status))
        if changes:
            await tasks.update(tx, task.id, changes)
        return await _logged(tx, task.id, "task.updated", user.id), update_id, occurrence
