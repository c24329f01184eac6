-- Counts kept as documents are written, a feed of changes, settings, and
-- the SHA-256 of every stored version.

-- document_counts holds how many documents there are of each collection,
-- year, month and status, and the sums over all collections ('', since no
-- slug is empty), all months (-1) and all years (-1, with month -1): every
-- count a filter asks for is then one or two rows read through the primary
-- key, however many documents there are. Triggers keep it in step with
-- documents in the transaction of each write.
CREATE TABLE document_counts (
	collection TEXT NOT NULL,
	year       INTEGER NOT NULL,
	month      INTEGER NOT NULL,
	status     TEXT NOT NULL,
	n          INTEGER NOT NULL,
	PRIMARY KEY (collection, year, month, status)
) STRICT, WITHOUT ROWID;

-- document_count_deltas is where the triggers on documents write a change
-- of one document's count: the trigger on it adds the change to the row of
-- the document's own key and to the five sums it is part of, so that the
-- rule of which sums there are is written once.
CREATE VIEW document_count_deltas (collection, year, month, status, delta) AS
	SELECT '', 0, 0, '', 0 WHERE false;

CREATE TRIGGER document_count_deltas_insert INSTEAD OF INSERT ON document_count_deltas
BEGIN
	INSERT INTO document_counts (collection, year, month, status, n)
	SELECT c, y, m, NEW.status, NEW.delta FROM (
		SELECT NEW.collection AS c, NEW.year AS y, NEW.month AS m
		UNION ALL SELECT NEW.collection, NEW.year, -1
		UNION ALL SELECT NEW.collection, -1, -1
		UNION ALL SELECT '', NEW.year, NEW.month
		UNION ALL SELECT '', NEW.year, -1
		UNION ALL SELECT '', -1, -1) WHERE true
	ON CONFLICT (collection, year, month, status) DO UPDATE SET n = n + excluded.n;
	-- A key without documents has no row, so that lists of counts list
	-- only what there is.
	DELETE FROM document_counts WHERE n = 0 AND status = NEW.status
		AND collection IN (NEW.collection, '') AND year IN (NEW.year, -1) AND month IN (NEW.month, -1);
END;

CREATE TRIGGER documents_count_insert AFTER INSERT ON documents
BEGIN
	INSERT INTO document_count_deltas VALUES (NEW.collection, NEW.year, NEW.month, NEW.status, 1);
END;

CREATE TRIGGER documents_count_delete AFTER DELETE ON documents
BEGIN
	INSERT INTO document_count_deltas VALUES (OLD.collection, OLD.year, OLD.month, OLD.status, -1);
END;

CREATE TRIGGER documents_count_update AFTER UPDATE OF collection, year, month, status ON documents
WHEN OLD.collection IS NOT NEW.collection OR OLD.year IS NOT NEW.year
	OR OLD.month IS NOT NEW.month OR OLD.status IS NOT NEW.status
BEGIN
	INSERT INTO document_count_deltas VALUES (OLD.collection, OLD.year, OLD.month, OLD.status, -1);
	INSERT INTO document_count_deltas VALUES (NEW.collection, NEW.year, NEW.month, NEW.status, 1);
END;

-- The counts of the documents already stored.
INSERT INTO document_counts (collection, year, month, status, n)
SELECT collection, year, month, status, count(*) FROM documents GROUP BY collection, year, month, status
UNION ALL
SELECT collection, year, -1, status, count(*) FROM documents GROUP BY collection, year, status
UNION ALL
SELECT collection, -1, -1, status, count(*) FROM documents GROUP BY collection, status
UNION ALL
SELECT '', year, month, status, count(*) FROM documents GROUP BY year, month, status
UNION ALL
SELECT '', year, -1, status, count(*) FROM documents GROUP BY year, status
UNION ALL
SELECT '', -1, -1, status, count(*) FROM documents GROUP BY status;

-- The lists of the public pages, each read through an index in its order
-- from where it starts: published documents of a collection, of a year, of
-- a month, and the most recently added.
CREATE INDEX documents_published_by_collection ON documents (collection, undated, date_start, id)
	WHERE status = 'published';
CREATE INDEX documents_published_by_year ON documents (year, undated, date_start, id)
	WHERE status = 'published';
CREATE INDEX documents_published_by_month ON documents (year, month, undated, date_start, id)
	WHERE status = 'published';
CREATE INDEX documents_published_by_added ON documents (created DESC, id DESC)
	WHERE status = 'published';
-- The list of a year with drafts, for editors and the API. The counts no
-- longer read documents by month; a list of a month with drafts reads its
-- year's.
DROP INDEX documents_by_month;
CREATE INDEX documents_by_year ON documents (year, undated, date_start, id);

CREATE INDEX collections_by_title ON collections (title, slug);

-- changes is the feed of writes that other processes follow: one row per
-- document, the sequence number of its latest write (a put that changed it,
-- or its deletion), so that the feed is as long as the archive, not as its
-- history. AUTOINCREMENT never gives a number twice, even after the row
-- holding the largest is replaced.
CREATE TABLE changes (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	document_id TEXT NOT NULL UNIQUE
) STRICT;

-- A write of body is a write of the document (the update of its checksum
-- alone is not).
CREATE TRIGGER documents_change_insert AFTER INSERT ON documents
BEGIN
	DELETE FROM changes WHERE document_id = NEW.id;
	INSERT INTO changes (document_id) VALUES (NEW.id);
END;

CREATE TRIGGER documents_change_update AFTER UPDATE OF body ON documents
BEGIN
	DELETE FROM changes WHERE document_id = NEW.id;
	INSERT INTO changes (document_id) VALUES (NEW.id);
END;

CREATE TRIGGER documents_change_delete AFTER DELETE ON documents
BEGIN
	DELETE FROM changes WHERE document_id = OLD.id;
	INSERT INTO changes (document_id) VALUES (OLD.id);
END;

-- The documents already stored are changes every follower has yet to see.
INSERT INTO changes (document_id) SELECT id FROM documents ORDER BY updated, id;

CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- The SHA-256 of each stored body, in hex, written with it: what Verify
-- compares the body with. NULL until the program fills it in for the rows
-- written before this migration.
ALTER TABLE documents ADD COLUMN sha256 TEXT;
ALTER TABLE revisions ADD COLUMN sha256 TEXT;
