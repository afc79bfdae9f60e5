-- The chair's follow-up decisions (extend, close, reassign a task: docs/tasks.md) go into the
-- audit log as action 'decide'. SQLite cannot change a CHECK in place, so the table is made
-- again with the longer list and its rows copied (ids kept), then its indexes.
CREATE TABLE audit_log_new (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL CHECK (action IN ('view', 'download', 'publish', 'sign_in', 'decide')),
    object_kind TEXT NOT NULL,
    object_id INTEGER,
    meeting_id INTEGER,
    detail TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_log_new (id, at, user_id, action, object_kind, object_id, meeting_id, detail,
                           address)
    SELECT id, at, user_id, action, object_kind, object_id, meeting_id, detail, address
    FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_user ON audit_log(user_id, id);
CREATE INDEX audit_log_meeting ON audit_log(meeting_id, id);
