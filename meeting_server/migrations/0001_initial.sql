-- Units, users, sign-in, meetings, agenda, attendance, the event log and idempotency keys.
-- Times are ISO 8601 strings with an offset.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('admin', 'secretary', 'member')),
    unit_id INTEGER REFERENCES units(id),
    password_hash TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'in_progress', 'ended')),
    chair_id INTEGER REFERENCES users(id),
    current_item_id INTEGER REFERENCES agenda_items(id) ON DELETE SET NULL,
    presenter_document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    presenter_version INTEGER,
    presenter_page INTEGER,
    last_seq INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE participants (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('chair', 'secretary', 'member', 'guest')),
    attendance TEXT NOT NULL DEFAULT 'unknown'
        CHECK (attendance IN ('present', 'online', 'absent', 'unknown')),
    absence_reason TEXT,
    attendance_at TEXT,
    added_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
) WITHOUT ROWID;
CREATE INDEX participants_user ON participants(user_id);

CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    presenter TEXT NOT NULL DEFAULT '',
    duration_minutes INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, position);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    agenda_item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX documents_item ON documents(agenda_item_id, id);
CREATE INDEX documents_meeting ON documents(meeting_id);

CREATE TABLE document_versions (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    size INTEGER NOT NULL,
    page_count INTEGER NOT NULL,
    page_sizes TEXT NOT NULL,
    pdf_title TEXT,
    pdf_author TEXT,
    note TEXT NOT NULL DEFAULT '',
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
) WITHOUT ROWID;
CREATE INDEX document_versions_sha ON document_versions(sha256);

CREATE TABLE page_texts (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (sha256, page)
) WITHOUT ROWID;

CREATE TABLE events (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    data TEXT NOT NULL,
    at TEXT NOT NULL,
    actor_id INTEGER,
    PRIMARY KEY (meeting_id, seq)
) WITHOUT ROWID;

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
