-- The first schema: collections, documents and their revisions.
--
-- A document is kept whole as JSON in body; the other columns of documents
-- copy from it what the filters and orders of the store need.

CREATE TABLE collections (
	slug        TEXT PRIMARY KEY,
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE documents (
	id         TEXT PRIMARY KEY,
	collection TEXT NOT NULL REFERENCES collections (slug),
	date_start TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD, '' when undated
	date_end   TEXT NOT NULL DEFAULT '',
	year       INTEGER NOT NULL DEFAULT 0, -- 0 when undated
	month      INTEGER NOT NULL DEFAULT 0, -- 0 when undated or known only to the year
	status     TEXT NOT NULL CHECK (status IN ('draft', 'published')),
	title      TEXT NOT NULL DEFAULT '',
	hash       TEXT NOT NULL,
	origin     TEXT NOT NULL DEFAULT '',
	created    TEXT NOT NULL,             -- RFC 3339 in UTC, nine fraction digits, so text order is time order
	updated    TEXT NOT NULL,
	body       TEXT NOT NULL,             -- the whole document as JSON
	-- Date order puts undated documents last: undated is 0 for a dated
	-- document and 1 for an undated one. As a column, not an expression,
	-- it lets a row value like (undated, date_start, id) > (?, ?, ?) seek
	-- in the indexes below.
	undated    INTEGER NOT NULL GENERATED ALWAYS AS (date_start = '') VIRTUAL
) STRICT;

CREATE INDEX documents_by_date ON documents (undated, date_start, id);
CREATE INDEX documents_published_by_date ON documents (undated, date_start, id)
	WHERE status = 'published';
CREATE INDEX documents_by_collection ON documents (collection, undated, date_start, id);
CREATE INDEX documents_by_month ON documents (year, month);
CREATE INDEX documents_by_added ON documents (created DESC, id DESC);

-- Revisions have no foreign key to documents: they outlive a deleted document.
CREATE TABLE revisions (
	document_id TEXT NOT NULL,
	n           INTEGER NOT NULL, -- 1 for the first version, counting up
	hash        TEXT NOT NULL,
	created     TEXT NOT NULL,    -- when this version was replaced
	body        TEXT NOT NULL,
	PRIMARY KEY (document_id, n)
) STRICT, WITHOUT ROWID;
