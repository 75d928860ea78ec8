-- The whole schema, version 1. Datetimes are microseconds since the Unix epoch (sortable, indexable).
-- AUTOINCREMENT: ids increase and are never reused (contract section 4).

CREATE TABLE endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    is_active INTEGER NOT NULL,
    target TEXT NOT NULL,
    -- target in lower case, for the case-insensitive search (SQLite's lower() knows ASCII only)
    target_folded TEXT NOT NULL,
    description TEXT NOT NULL,
    ssl_cert_verification INTEGER NOT NULL,
    signing_secret TEXT NOT NULL
);
-- One index per ordering; SQLite appends the rowid (id), which breaks ties.
CREATE INDEX endpoints_by_created_at ON endpoints (created_at);
CREATE INDEX endpoints_by_updated_at ON endpoints (updated_at);
CREATE INDEX endpoints_by_is_active ON endpoints (is_active);

CREATE TABLE subscriptions (
    endpoint_id INTEGER NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, event_type)
) WITHOUT ROWID;
CREATE INDEX subscriptions_by_type ON subscriptions (event_type, endpoint_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- the exact bytes every attempt of this event sends
    payload BLOB NOT NULL
);

-- Which endpoints an event was fanned out to: what resend accepts.
CREATE TABLE fanouts (
    endpoint_id INTEGER NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (endpoint_id, event_id)
) WITHOUT ROWID;

-- Sends still to make: a row lives from fan-out (or resend) until the try that ends it is recorded.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id INTEGER NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- 1 for the first try
    try_number INTEGER NOT NULL,
    -- 1: failures are retried on the schedule; 0: a resend's single try
    retries INTEGER NOT NULL,
    due_at INTEGER NOT NULL
);
CREATE INDEX deliveries_by_endpoint_due ON deliveries (endpoint_id, due_at);

CREATE TABLE attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id INTEGER NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    sent_at INTEGER NOT NULL,
    signature_header TEXT NOT NULL,
    response_code INTEGER,
    response_body TEXT,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    next_retry INTEGER
);
CREATE INDEX attempts_by_created_at ON attempts (endpoint_id, created_at);
CREATE INDEX attempts_by_sent_at ON attempts (endpoint_id, sent_at);
CREATE INDEX attempts_by_next_retry ON attempts (endpoint_id, next_retry);

-- Issued OAuth tokens (SHA-256 of the token, never the token itself). A reset keeps them.
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    kind TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
