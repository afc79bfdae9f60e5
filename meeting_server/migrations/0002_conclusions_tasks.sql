-- Conclusions of a meeting and the follow-up tasks assigned to units, with progress reports.

CREATE TABLE conclusions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    agenda_item_id INTEGER REFERENCES agenda_items(id) ON DELETE SET NULL,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX conclusions_meeting ON conclusions(meeting_id, number);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    conclusion_id INTEGER NOT NULL REFERENCES conclusions(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    lead_unit_id INTEGER NOT NULL REFERENCES units(id),
    responsible TEXT NOT NULL DEFAULT '',
    due_date TEXT,
    due_text TEXT NOT NULL DEFAULT '',
    ongoing INTEGER NOT NULL DEFAULT 0 CHECK (ongoing IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'assigned'
        CHECK (status IN ('assigned', 'in_progress', 'done', 'cancelled')),
    completed_at TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ongoing = 1 OR due_date IS NOT NULL)
);
CREATE INDEX tasks_meeting ON tasks(meeting_id);
CREATE INDEX tasks_conclusion ON tasks(conclusion_id);
CREATE INDEX tasks_lead_unit ON tasks(lead_unit_id, status);
CREATE INDEX tasks_due ON tasks(due_date);

CREATE TABLE task_support_units (
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (task_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX task_support_units_unit ON task_support_units(unit_id);

CREATE TABLE task_updates (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users(id),
    note TEXT NOT NULL,
    status TEXT CHECK (status IN ('assigned', 'in_progress', 'done', 'cancelled')),
    created_at TEXT NOT NULL
);
CREATE INDEX task_updates_task ON task_updates(task_id, id);
