-- Minutes and conclusion notices: drafts built from the meeting, then frozen when published.

CREATE TABLE publications (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('minutes', 'notice')),
    version INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'superseded')),
    snapshot TEXT NOT NULL,
    fields TEXT NOT NULL,
    html TEXT,
    sha256 TEXT,
    size INTEGER,
    supersedes INTEGER REFERENCES publications(id),
    published_at TEXT,
    published_by INTEGER REFERENCES users(id),
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (meeting_id, kind, version)
);
CREATE INDEX publications_meeting ON publications(meeting_id, kind, version);
