"""Vietnamese deadline phrases: dates, recurring schedules and ongoing work; working days.

``parse_deadline(text, meeting_date)`` is a pure function that returns a :class:`Deadline` or
raises :class:`DeadlineError` (code ``bad_deadline``), whatever the text: a phrase it does not
fully understand is refused with a message that says what was not understood, never guessed.
docs/tasks.md lists every form understood and every refusal with its message.
"""

from __future__ import annotations

from meeting_server.deadlines.model import (
    EXAMPLES,
    ONGOING_WORDING,
    REASONS,
    Deadline,
    DeadlineError,
    DeadlineKind,
    date_wording,
    short_date,
    task_wording,
    wording_of,
)
from meeting_server.deadlines.parse import MAX_LENGTH, parse_deadline
from meeting_server.deadlines.schedule import Schedule
from meeting_server.deadlines.workdays import (
    MAX_YEAR,
    MIN_YEAR,
    add_working_days,
    is_working_day,
    tet,
    working_day_on_or_after,
)

__all__ = [
    "EXAMPLES", "MAX_LENGTH", "MAX_YEAR", "MIN_YEAR", "ONGOING_WORDING", "REASONS", "Deadline",
    "DeadlineError", "DeadlineKind", "Schedule", "add_working_days", "date_wording",
    "is_working_day", "parse_deadline", "short_date", "task_wording", "tet",
    "working_day_on_or_after", "wording_of",
]
