-- Accounts, their sessions and the record of failed sign-ins: what a server
-- would otherwise hold in memory, kept here so that several servers on one
-- database share it.

CREATE TABLE users (
	name          TEXT PRIMARY KEY,
	full_name     TEXT NOT NULL,
	email         TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('reader', 'contributor', 'editor', 'admin')),
	disabled      INTEGER NOT NULL CHECK (disabled IN (0, 1)),
	password_hash TEXT NOT NULL CHECK (password_hash <> ''),
	created       TEXT NOT NULL,
	updated       TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- A session's id is the hash of its cookie's token, never the token, so
-- that a copy of the database signs no one in.
CREATE TABLE sessions (
	id      TEXT PRIMARY KEY,
	user    TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
	csrf    TEXT NOT NULL,
	address TEXT NOT NULL,
	created TEXT NOT NULL,
	seen    TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Signing a user out everywhere, and expiring idle sessions, each read the
-- sessions they delete through an index.
CREATE INDEX sessions_user ON sessions (user);
CREATE INDEX sessions_seen ON sessions (seen);

-- One row per failed sign-in under each key it counts against (the
-- account, the address). Two failures at the same time are two rows.
CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at  TEXT NOT NULL
) STRICT;

-- Counting and forgetting the failures of a key reads only that key's;
-- sweeping out those of keys never asked about again reads the oldest.
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
