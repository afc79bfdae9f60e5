-- The speakers' list (đăng ký phát biểu) and voting (biểu quyết).
--
-- A secret vote keeps no link from a ballot to its voter: vote_voters says who has voted (to
-- refuse a second ballot), with no choice; vote_tallies holds one counter per option, made
-- when the vote opens (so no row's order or id tells which option was chosen first), and a
-- ballot only adds one to a counter. No row per ballot, no time of a ballot. A named vote
-- keeps each voter's choice in vote_voters. See docs/voting.md.

CREATE TABLE floor_limits (
    meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    limit_seconds INTEGER NOT NULL
);

CREATE TABLE floor_requests (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    agenda_item_id INTEGER REFERENCES agenda_items(id) ON DELETE SET NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    status TEXT NOT NULL,
    position INTEGER,
    note TEXT NOT NULL DEFAULT '',
    limit_seconds INTEGER,
    requested_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT
);
CREATE INDEX floor_requests_meeting ON floor_requests (meeting_id, status);

CREATE TABLE votes (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    agenda_item_id INTEGER REFERENCES agenda_items(id) ON DELETE SET NULL,
    question TEXT NOT NULL,
    options TEXT NOT NULL,
    secret INTEGER NOT NULL,
    allow_change INTEGER NOT NULL,
    quorum TEXT NOT NULL,
    majority TEXT NOT NULL,
    threshold TEXT NOT NULL,
    status TEXT NOT NULL,
    eligible TEXT NOT NULL,
    present TEXT NOT NULL,
    result TEXT,
    opened_by INTEGER REFERENCES users(id),
    opened_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX votes_meeting ON votes (meeting_id);

CREATE TABLE vote_voters (
    vote_id INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    cast_by INTEGER NOT NULL REFERENCES users(id),
    choice INTEGER,
    PRIMARY KEY (vote_id, user_id)
);

CREATE TABLE vote_tallies (
    vote_id INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,
    choice INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (vote_id, choice)
);

CREATE TABLE vote_proxies (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    from_user_id INTEGER NOT NULL REFERENCES users(id),
    to_user_id INTEGER NOT NULL REFERENCES users(id),
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, from_user_id)
);
