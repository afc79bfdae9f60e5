-- The audit log (who viewed, downloaded, published what), and what signing in needs beyond a
-- password: two-factor sign-in (TOTP) with recovery codes, the administrator's policy of who
-- must use it, and the sessions' second factor and last activity (for the idle timeout of
-- staff sessions). See docs/security.md.

-- Rows are written in batches (meeting_server/audit.py) and swept after MEETING_AUDIT_DAYS.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL CHECK (action IN ('view', 'download', 'publish', 'sign_in')),
    object_kind TEXT NOT NULL,
    object_id INTEGER,
    meeting_id INTEGER,
    detail TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_user ON audit_log(user_id, id);
CREATE INDEX audit_log_meeting ON audit_log(meeting_id, id);

-- The TOTP secret is sealed with the server's secret key (auth.seal): a copy of the database
-- alone cannot make codes. totp_pending is an enrolment not confirmed yet; totp_last_step the
-- time step of the last code accepted, so that no code is accepted twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

-- Each one signs in once instead of a TOTP code; stored as a keyed hash.
CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- One row: the global roles that must sign in with a second factor (a JSON list).
CREATE TABLE security_policy (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    second_factor_roles TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT,
    updated_by INTEGER REFERENCES users(id)
);
INSERT INTO security_policy (id) VALUES (1);

-- second_factor: the session was opened with a TOTP or recovery code (or enrolled in it).
-- last_seen_at: the last request, flushed in batches; NULL means created_at.
ALTER TABLE sessions ADD COLUMN second_factor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
