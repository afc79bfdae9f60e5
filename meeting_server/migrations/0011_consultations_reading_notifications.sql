-- Written opinions between meetings (xin ý kiến), reading readiness, notifications.

-- A consultation: the secretary asks chosen members for their opinion on a question, or on a
-- document, by a deadline (ISO 8601 with offset).
CREATE TABLE consultations (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    question TEXT NOT NULL,
    document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    deadline TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);

-- Who is asked, and their answer (NULL until they answer; editable until the deadline).
CREATE TABLE consultation_recipients (
    consultation_id INTEGER NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    answer TEXT CHECK (answer IN ('agree', 'disagree', 'comment')),
    comment TEXT NOT NULL DEFAULT '',
    answered_at TEXT,
    PRIMARY KEY (consultation_id, user_id)
);
CREATE INDEX consultation_recipients_user ON consultation_recipients(user_id);

-- Reading readiness: each page of each version of a document a user has seen, and when first.
-- Read by the secretary only (access.can_see_reading).
CREATE TABLE reading_pages (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    version INTEGER NOT NULL,
    page INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (document_id, user_id, version, page)
);
CREATE INDEX reading_pages_user ON reading_pages(user_id, document_id);

-- Where a user's notifications are emailed (none: in-app only).
CREATE TABLE user_emails (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Each notification exists once per (kind, subject, recipient, occurrence): the scheduler
-- inserts with ON CONFLICT DO NOTHING, so a restart or a second instance never repeats one.
-- email_status: pending → sending (claimed at email_claimed_at) → sent, or back to pending
-- after a failure until the attempts run out (failed); 'none' when there is nothing to send.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    recipient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    email_status TEXT NOT NULL DEFAULT 'none'
        CHECK (email_status IN ('none', 'pending', 'sending', 'sent', 'failed')),
    email_to TEXT,
    email_claimed_at TEXT,
    email_attempts INTEGER NOT NULL DEFAULT 0,
    emailed_at TEXT,
    UNIQUE (kind, subject_id, recipient_id, occurrence)
);
CREATE INDEX notifications_recipient ON notifications(recipient_id, id);
CREATE INDEX notifications_email ON notifications(email_status, id);

-- The scheduler's own facts, such as when it first ran: tasks and notices from before then are
-- not announced as new.
CREATE TABLE notifier_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
