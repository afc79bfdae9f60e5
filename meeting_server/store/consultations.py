"""Written opinions between meetings (xin ý kiến): the form, who is asked, their answers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from meeting_server.db import Conn, Transaction, fetchall, fetchone

ANSWERS = ("agree", "disagree", "comment")

_SELECT = (
    "SELECT c.id, c.title, c.question, c.document_id, d.title AS document_title,"
    " d.meeting_id AS document_meeting_id, c.deadline, c.created_by, c.created_at,"
    " (SELECT COUNT(*) FROM consultation_recipients r WHERE r.consultation_id = c.id) AS asked,"
    " (SELECT COUNT(*) FROM consultation_recipients r WHERE r.consultation_id = c.id"
    "  AND r.answer IS NOT NULL) AS answered"
    " FROM consultations c LEFT JOIN documents d ON d.id = c.document_id"
)


@dataclass(frozen=True)
class Consultation:
    id: int
    title: str
    question: str
    document_id: int | None
    document_title: str | None
    document_meeting_id: int | None
    deadline: str
    created_by: int
    created_at: str
    asked: int
    answered: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "question": self.question,
                "document_id": self.document_id, "document_title": self.document_title,
                "meeting_id": self.document_meeting_id, "deadline": self.deadline,
                "created_at": self.created_at, "asked": self.asked, "answered": self.answered}


@dataclass(frozen=True)
class Answer:
    """One person asked, and their answer (None until they give one)."""

    user_id: int
    name: str
    title: str
    unit: str | None
    answer: str | None
    comment: str
    answered_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "name": self.name, "title": self.title,
                "unit": self.unit, "answer": self.answer, "comment": self.comment,
                "answered_at": self.answered_at}


def _from_row(row: sqlite3.Row) -> Consultation:
    return Consultation(row["id"], row["title"], row["question"], row["document_id"],
                        row["document_title"], row["document_meeting_id"], row["deadline"],
                        row["created_by"], row["created_at"], row["asked"], row["answered"])


async def create(tx: Transaction, title: str, question: str, document_id: int | None,
                 deadline: str, created_by: int, recipients: Sequence[int]) -> int:
    row = await tx.fetchone(
        "INSERT INTO consultations (title, question, document_id, deadline, created_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (title, question, document_id, deadline, created_by, tx.now_iso()))
    assert row is not None
    consultation_id = int(row[0])
    for user_id in recipients:
        await tx.execute("INSERT INTO consultation_recipients (consultation_id, user_id)"
                         " VALUES (?, ?)", (consultation_id, user_id))
    return consultation_id


async def get(conn: Conn, consultation_id: int) -> Consultation | None:
    row = await fetchone(conn, f"{_SELECT} WHERE c.id = ?", (consultation_id,))
    return _from_row(row) if row else None


async def list_all(conn: Conn) -> list[Consultation]:
    rows = await fetchall(conn, f"{_SELECT} ORDER BY c.deadline DESC, c.id DESC")
    return [_from_row(r) for r in rows]


async def list_asked(conn: Conn, user_id: int) -> list[tuple[Consultation, str | None]]:
    """The consultations ``user_id`` is asked in, with their own answer."""
    rows = await fetchall(
        conn, f"SELECT * FROM ({_SELECT}) x JOIN consultation_recipients m"
        " ON m.consultation_id = x.id AND m.user_id = ? ORDER BY x.deadline DESC, x.id DESC",
        (user_id,))
    return [(_from_row(r), r["answer"]) for r in rows]


async def answers(conn: Conn, consultation_id: int, user_id: int | None = None
                  ) -> list[Answer]:
    """Everyone asked (or only ``user_id``), by unit and name."""
    sql = ("SELECT r.user_id, u.name, u.title, n.name AS unit, r.answer, r.comment,"
           " r.answered_at FROM consultation_recipients r JOIN users u ON u.id = r.user_id"
           " LEFT JOIN units n ON n.id = u.unit_id WHERE r.consultation_id = ?")
    params: list[Any] = [consultation_id]
    if user_id is not None:
        sql += " AND r.user_id = ?"
        params.append(user_id)
    rows = await fetchall(conn, sql + " ORDER BY n.name, u.name, u.id", params)
    return [Answer(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]


async def record_answer(tx: Transaction, consultation_id: int, user_id: int, answer: str,
                        comment: str) -> None:
    await tx.execute("UPDATE consultation_recipients SET answer = ?, comment = ?,"
                     " answered_at = ? WHERE consultation_id = ? AND user_id = ?",
                     (answer, comment, tx.now_iso(), consultation_id, user_id))


async def active_users(conn: Conn, user_ids: Sequence[int]) -> set[int]:
    rows = await fetchall(conn, "SELECT id FROM users WHERE active = 1 AND id IN"
                          " (SELECT value FROM json_each(?))", (json.dumps(list(user_ids)),))
    return {int(r[0]) for r in rows}


async def participants(conn: Conn, meeting_id: int, user_ids: Sequence[int]) -> set[int]:
    rows = await fetchall(conn, "SELECT user_id FROM participants WHERE meeting_id = ? AND"
                          " user_id IN (SELECT value FROM json_each(?))",
                          (meeting_id, json.dumps(list(user_ids))))
    return {int(r[0]) for r in rows}


