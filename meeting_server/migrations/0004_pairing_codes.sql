-- One-time codes that sign a tablet in as a participant, shown as a QR code by the secretary.

CREATE TABLE pairing_codes (
    code_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
) WITHOUT ROWID;
CREATE INDEX pairing_codes_user ON pairing_codes(user_id);
