-- Private notes on document pages, the follow-up item of a meeting with the chair's decisions
-- on earlier tasks, and who sees the leader's dashboard. See docs/notes.md, docs/tasks.md and
-- docs/dashboard.md.

-- A note is its author's alone: one per author, document and page number, kept across the
-- document's versions; version is the one it was last written on ("từ phiên bản N" when the
-- reader is on a later one). strokes: a JSON list of {"c": "#rrggbb", "w": width,
-- "p": [x1, y1, x2, y2, ...]} with coordinates in 0..10000 of the page's width and height.
CREATE TABLE page_notes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page INTEGER NOT NULL CHECK (page >= 1),
    version INTEGER NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    strokes TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (user_id, document_id, page)
);
CREATE INDEX page_notes_document ON page_notes(document_id);

-- The agenda item "Kiểm điểm việc thực hiện kết luận" of a meeting, generated from the open
-- tasks of the earlier meetings the secretary picked (source_meeting_ids: a JSON list).
CREATE TABLE followup_items (
    agenda_item_id INTEGER PRIMARY KEY REFERENCES agenda_items(id) ON DELETE CASCADE,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    source_meeting_ids TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX followup_items_meeting ON followup_items(meeting_id);

-- The chair's decisions on those tasks, with what each changed (before and after): extend
-- (a new due date), close (done or cancelled), reassign (another lead unit).
CREATE TABLE followup_decisions (
    id INTEGER PRIMARY KEY,
    agenda_item_id INTEGER NOT NULL REFERENCES followup_items(agenda_item_id) ON DELETE CASCADE,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    decision TEXT NOT NULL CHECK (decision IN ('extend', 'close', 'reassign')),
    note TEXT NOT NULL DEFAULT '',
    previous_due_date TEXT,
    due_date TEXT,
    previous_status TEXT,
    status TEXT,
    previous_lead_unit_id INTEGER REFERENCES units(id),
    lead_unit_id INTEGER REFERENCES units(id),
    decided_by INTEGER REFERENCES users(id),
    decided_at TEXT NOT NULL
);
CREATE INDEX followup_decisions_item ON followup_decisions(agenda_item_id, id);
CREATE INDEX followup_decisions_task ON followup_decisions(task_id);

-- Who sees the leader's dashboard beyond staff: the city's chair ('city': every unit) and the
-- heads of units ('unit': their own unit's figures).
CREATE TABLE leader_scopes (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('city', 'unit')),
    updated_at TEXT NOT NULL
);
