-- Editing: a document's own status, embargoes and restricted documents,
-- who saved each version and why, and the audit log.
--
-- status keeps its meaning, what the public sees: 'published' for a
-- document published, released from any embargo and not restricted, so
-- that every public list, count, harvest and deletion record reads as it
-- did. Beside it:
--   state      the document's own status: draft, review, published, withdrawn;
--   released   1 when it is published and out of any embargo (as of its
--              last write or the last Release), restricted or not: what a
--              reader granted access sees;
--   restricted 1 when only such readers, and editors, may see it;
--   embargo_at the end of its embargo as the times of documents are
--              written (so text order is time order), '' when it has none.
ALTER TABLE documents ADD COLUMN state TEXT NOT NULL DEFAULT 'draft'
	CHECK (state IN ('draft', 'review', 'published', 'withdrawn'));
ALTER TABLE documents ADD COLUMN released INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN embargo_at TEXT NOT NULL DEFAULT '';

-- Read from the briefs, which hold the catalogue without the texts. The
-- documents with an embargo or a restriction are set right after this SQL,
-- by the program, which reads embargoes as the store does.
UPDATE documents SET
	state = coalesce((SELECT json_extract(brief, '$.status') FROM document_briefs b WHERE b.id = documents.id), status),
	released = (status = 'published');

-- versions describes every version of every document, the stored one
-- included: what a history lists, read without the bodies. It is a table of
-- its own because a column added to revisions or documents would come
-- after the body in each row, and reading it would read the body's pages.
CREATE TABLE versions (
	document_id TEXT NOT NULL,
	n           INTEGER NOT NULL, -- 1 for the first version
	hash        TEXT NOT NULL,
	saved       TEXT NOT NULL,    -- when it was stored, RFC 3339 in UTC
	author      TEXT NOT NULL DEFAULT '',
	message     TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,    -- the document's own status in this version
	deleted     INTEGER NOT NULL DEFAULT 0, -- 1 for the last version before a deletion
	PRIMARY KEY (document_id, n)
) STRICT, WITHOUT ROWID;

-- The versions already kept, their times and statuses read from their
-- bodies; a revision is the last before a deletion when it is the last of
-- a document that is no longer stored.
INSERT INTO versions (document_id, n, hash, saved, status, deleted)
SELECT r.document_id, r.n, r.hash, coalesce(json_extract(r.body, '$.updated'), r.created),
	coalesce(json_extract(r.body, '$.status'), 'draft'),
	NOT EXISTS (SELECT 1 FROM documents WHERE id = r.document_id)
		AND r.n = (SELECT max(n) FROM revisions WHERE document_id = r.document_id)
FROM revisions r;

INSERT INTO versions (document_id, n, hash, saved, status)
SELECT d.id, (SELECT coalesce(max(n), 0) + 1 FROM revisions WHERE document_id = d.id), d.hash, d.updated, d.state
FROM documents d;

-- The counts of documents tell three kinds apart under status: those the
-- public sees ('published'), the released restricted ones ('restricted'),
-- and the rest ('draft'), so that what a reader granted access sees is
-- counted as what the public sees is.
DROP TRIGGER documents_count_insert;
DROP TRIGGER documents_count_delete;
DROP TRIGGER documents_count_update;

CREATE TRIGGER documents_count_insert AFTER INSERT ON documents
BEGIN
	INSERT INTO document_count_deltas VALUES (NEW.collection, NEW.year, NEW.month,
		CASE WHEN NEW.status = 'published' THEN 'published' WHEN NEW.released THEN 'restricted' ELSE 'draft' END, 1);
END;

CREATE TRIGGER documents_count_delete AFTER DELETE ON documents
BEGIN
	INSERT INTO document_count_deltas VALUES (OLD.collection, OLD.year, OLD.month,
		CASE WHEN OLD.status = 'published' THEN 'published' WHEN OLD.released THEN 'restricted' ELSE 'draft' END, -1);
END;

CREATE TRIGGER documents_count_update AFTER UPDATE OF collection, year, month, status, released ON documents
WHEN OLD.collection IS NOT NEW.collection OR OLD.year IS NOT NEW.year
	OR OLD.month IS NOT NEW.month OR OLD.status IS NOT NEW.status OR OLD.released IS NOT NEW.released
BEGIN
	INSERT INTO document_count_deltas VALUES (OLD.collection, OLD.year, OLD.month,
		CASE WHEN OLD.status = 'published' THEN 'published' WHEN OLD.released THEN 'restricted' ELSE 'draft' END, -1);
	INSERT INTO document_count_deltas VALUES (NEW.collection, NEW.year, NEW.month,
		CASE WHEN NEW.status = 'published' THEN 'published' WHEN NEW.released THEN 'restricted' ELSE 'draft' END, 1);
END;

-- The lists of a reader granted access: the released documents, by date,
-- of a collection, of a year (and its months), the most recently added.
CREATE INDEX documents_released_by_date ON documents (undated, date_start, id) WHERE released = 1;
CREATE INDEX documents_released_by_collection ON documents (collection, undated, date_start, id) WHERE released = 1;
CREATE INDEX documents_released_by_year ON documents (year, undated, date_start, id) WHERE released = 1;
CREATE INDEX documents_released_by_month ON documents (year, month, undated, date_start, id) WHERE released = 1;
CREATE INDEX documents_released_by_added ON documents (created DESC, id DESC) WHERE released = 1;

-- An editor's lists of the documents in one status.
CREATE INDEX documents_by_state ON documents (state, undated, date_start, id);
CREATE INDEX documents_by_state_collection ON documents (state, collection, undated, date_start, id);

-- The published documents still under embargo, by its end: what Release
-- reads, however large the archive.
CREATE INDEX documents_embargoed ON documents (embargo_at) WHERE state = 'published' AND released = 0;

-- The audit log: every write and every sign-in, who, from where, when.
CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	time      TEXT NOT NULL, -- RFC 3339 in UTC
	user_name TEXT NOT NULL DEFAULT '',
	address   TEXT NOT NULL DEFAULT '',
	action    TEXT NOT NULL,
	target    TEXT NOT NULL DEFAULT '',
	detail    TEXT NOT NULL DEFAULT ''
) STRICT;
