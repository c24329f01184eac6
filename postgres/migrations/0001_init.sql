-- The schema of the store, as the SQLite store's migrations 1 to 12 left
-- it, in PostgreSQL's terms. Text that lists are ordered by (ids, dates,
-- slugs, titles) compares byte by byte (COLLATE "C"), as SQLite's does, so
-- that both stores give one order whatever the database's locale.

CREATE TABLE collections (
	slug        text COLLATE "C" PRIMARY KEY,
	title       text COLLATE "C" NOT NULL,
	description text NOT NULL DEFAULT ''
);

CREATE TABLE documents (
	id          text COLLATE "C" PRIMARY KEY,
	collection  text COLLATE "C" NOT NULL REFERENCES collections (slug),
	date_start  text COLLATE "C" NOT NULL DEFAULT '', -- YYYY-MM-DD, '' when undated
	date_end    text NOT NULL DEFAULT '',
	year        integer NOT NULL DEFAULT 0, -- 0 when undated
	month       integer NOT NULL DEFAULT 0, -- 0 when undated or known only to the year
	-- status is what the public sees: 'published' for a document released
	-- and not restricted, 'draft' otherwise; state is the document's own.
	status      text NOT NULL CHECK (status IN ('draft', 'published')),
	state       text NOT NULL CHECK (state IN ('draft', 'review', 'published', 'withdrawn')),
	released    boolean NOT NULL, -- published and out of any embargo
	restricted  boolean NOT NULL,
	embargo_at  timestamptz,      -- the end of a readable embargo
	title       text NOT NULL DEFAULT '',
	hash        text NOT NULL,
	origin      text NOT NULL DEFAULT '',
	created     timestamptz NOT NULL,
	updated     timestamptz NOT NULL,
	number      integer NOT NULL DEFAULT 0,
	section     text NOT NULL DEFAULT '',
	categories  text[] NOT NULL DEFAULT '{}',
	-- body is the whole document as JSON, kept as the bytes written, whose
	-- SHA-256 is sha256: jsonb would not give them back.
	body        bytea NOT NULL,
	sha256      text NOT NULL,
	brief       bytea NOT NULL, -- the document without its texts, as JSON
	undated     boolean GENERATED ALWAYS AS (date_start = '') STORED,
	unnumbered  boolean GENERATED ALWAYS AS (number = 0) STORED
);

CREATE INDEX documents_by_date ON documents (undated, date_start, id);
CREATE INDEX documents_public_by_date ON documents (undated, date_start, id) WHERE status = 'published';
CREATE INDEX documents_released_by_date ON documents (undated, date_start, id) WHERE released;
CREATE INDEX documents_by_collection ON documents (collection, undated, date_start, id);
CREATE INDEX documents_public_by_collection ON documents (collection, undated, date_start, id) WHERE status = 'published';
CREATE INDEX documents_by_number ON documents (collection, unnumbered, number, undated, date_start, id);
CREATE INDEX documents_by_month ON documents (year, month);
CREATE INDEX documents_by_added ON documents (created DESC, id DESC);
CREATE INDEX documents_by_state ON documents (state, undated, date_start, id);
CREATE INDEX documents_public_by_updated ON documents (updated, id) WHERE status = 'published';
CREATE INDEX documents_embargoed ON documents (embargo_at) WHERE state = 'published' AND NOT released;
CREATE INDEX documents_by_category ON documents USING gin (categories) WHERE status = 'published';

CREATE TABLE revisions (
	document_id text COLLATE "C" NOT NULL,
	n           integer NOT NULL, -- 1 for the first version, counting up
	hash        text NOT NULL,
	created     timestamptz NOT NULL, -- when this version was replaced
	body        bytea NOT NULL,
	sha256      text NOT NULL,
	PRIMARY KEY (document_id, n)
);

CREATE TABLE versions (
	document_id text COLLATE "C" NOT NULL,
	n           integer NOT NULL,
	hash        text NOT NULL,
	saved       timestamptz NOT NULL,
	author      text NOT NULL DEFAULT '',
	message     text NOT NULL DEFAULT '',
	status      text NOT NULL, -- the document's own status in this version
	deleted     boolean NOT NULL DEFAULT false, -- the last version before a deletion
	PRIMARY KEY (document_id, n)
);

CREATE TABLE aliases (
	path        text PRIMARY KEY,
	document_id text COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE
);
CREATE INDEX aliases_by_document ON aliases (document_id);

-- deletions are the documents withdrawn from the public, which harvesters
-- are told were deleted, until they are public again.
CREATE TABLE deletions (
	id         text COLLATE "C" PRIMARY KEY,
	collection text NOT NULL,
	datestamp  timestamptz NOT NULL,
	categories text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX deletions_by_datestamp ON deletions (datestamp, id);

-- changes is the feed of writes: one row per document, at its latest
-- write. Writers number their change under a lock held to their commit,
-- so that numbers are given in the order of commits and a follower that
-- read up to one misses none committed before it.
CREATE SEQUENCE changes_seq;
CREATE TABLE changes (
	seq         bigint PRIMARY KEY,
	document_id text COLLATE "C" NOT NULL UNIQUE
);

-- A setting's value is bytes: any string, a NUL in it too, which text
-- cannot hold.
CREATE TABLE settings (
	name  text PRIMARY KEY,
	value bytea NOT NULL
);

CREATE TABLE audit (
	seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	time      timestamptz NOT NULL,
	user_name text NOT NULL DEFAULT '',
	address   text NOT NULL DEFAULT '',
	action    text NOT NULL,
	target    text NOT NULL DEFAULT '',
	detail    text NOT NULL DEFAULT ''
);

CREATE TABLE users (
	name          text COLLATE "C" PRIMARY KEY,
	full_name     text NOT NULL,
	email         text NOT NULL,
	role          text NOT NULL CHECK (role IN ('reader', 'contributor', 'editor', 'admin')),
	disabled      boolean NOT NULL,
	password_hash text NOT NULL CHECK (password_hash <> ''),
	created       timestamptz NOT NULL,
	updated       timestamptz NOT NULL
);

CREATE TABLE sessions (
	id        text PRIMARY KEY,
	user_name text NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
	csrf      text NOT NULL,
	address   text NOT NULL,
	created   timestamptz NOT NULL,
	seen      timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_seen ON sessions (seen);

CREATE TABLE login_failures (
	key text NOT NULL,
	at  timestamptz NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
