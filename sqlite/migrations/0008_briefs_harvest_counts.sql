-- Briefs: each document without its texts, which is what lists and the
-- links to a document's neighbours show. Kept in a table of their own, so
-- that such a list reads the catalogue of each document (a few hundred
-- bytes, and a few more for each page) instead of its whole body, which may
-- run to megabytes over overflow pages.
CREATE TABLE document_briefs (
	id    TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
	brief TEXT NOT NULL -- the document as JSON, each witness's text null
) STRICT, WITHOUT ROWID;

INSERT INTO document_briefs (id, brief)
SELECT id, CASE WHEN json_type(body, '$.witnesses') = 'array'
	THEN json_set(body, '$.witnesses',
		json((SELECT json_group_array(json_set(value, '$.text', json('null'))) FROM json_each(body, '$.witnesses'))))
	ELSE body END
FROM documents;

-- deletion_counts holds how many deletions there are in all (kind 'all',
-- key ''), of each collection and of each category, kept by triggers, so
-- that a harvest of the whole archive, of a collection or of a category
-- learns the size of its list from two rows: these and the counts of
-- published documents.
CREATE TABLE deletion_counts (
	kind TEXT NOT NULL CHECK (kind IN ('all', 'collection', 'category')),
	key  TEXT NOT NULL,
	n    INTEGER NOT NULL,
	PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;

-- A deletion of a document published again is no record: publishing it
-- removes it, so that harvest lists are the published documents and the
-- deletions, and their counts add up. Drop any left from before.
DELETE FROM deletions WHERE EXISTS (SELECT 1 FROM documents WHERE id = deletions.id AND status = 'published');

CREATE VIEW deletion_count_deltas (collection, categories, delta) AS SELECT '', '[]', 0 WHERE false;

CREATE TRIGGER deletion_count_deltas_insert INSTEAD OF INSERT ON deletion_count_deltas
BEGIN
	INSERT INTO deletion_counts (kind, key, n)
	SELECT k, v, NEW.delta FROM (
		SELECT 'all' AS k, '' AS v
		UNION ALL SELECT 'collection', NEW.collection
		UNION ALL SELECT DISTINCT 'category', value FROM json_each(NEW.categories)) WHERE true
	ON CONFLICT (kind, key) DO UPDATE SET n = n + excluded.n;
	DELETE FROM deletion_counts WHERE n = 0;
END;

CREATE TRIGGER deletions_count_insert AFTER INSERT ON deletions
BEGIN
	INSERT INTO deletion_count_deltas VALUES (NEW.collection, NEW.categories, 1);
END;

CREATE TRIGGER deletions_count_delete AFTER DELETE ON deletions
BEGIN
	INSERT INTO deletion_count_deltas VALUES (OLD.collection, OLD.categories, -1);
END;

CREATE TRIGGER deletions_count_update AFTER UPDATE OF collection, categories ON deletions
BEGIN
	INSERT INTO deletion_count_deltas VALUES (OLD.collection, OLD.categories, -1);
	INSERT INTO deletion_count_deltas VALUES (NEW.collection, NEW.categories, 1);
END;

INSERT INTO deletion_counts (kind, key, n)
SELECT 'all', '', count(*) FROM deletions HAVING count(*) > 0
UNION ALL
SELECT 'collection', collection, count(*) FROM deletions GROUP BY collection
UNION ALL
SELECT 'category', c.value, count(DISTINCT d.id) FROM deletions d, json_each(d.categories) c GROUP BY c.value;

-- The harvest of a collection (an OAI-PMH set), read through an index in
-- datestamp order from where its page starts, as the harvest of the whole
-- archive is.
CREATE INDEX documents_published_by_collection_updated ON documents (collection, updated, id)
	WHERE status = 'published';
CREATE INDEX deletions_by_collection ON deletions (collection, datestamp, id);
