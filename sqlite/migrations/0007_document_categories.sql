-- The categories of a document in a column of their own, a JSON array, so
-- that the triggers that count them and the harvesters' lists read a few
-- bytes instead of parsing the whole body of a document, which may be
-- megabytes, at each write.
ALTER TABLE documents ADD COLUMN categories TEXT NOT NULL DEFAULT '[]';
UPDATE documents SET categories = coalesce(json_extract(body, '$.categories'), '[]');

DROP TRIGGER category_count_deltas_insert;
DROP TRIGGER documents_category_insert;
DROP TRIGGER documents_category_delete;
DROP TRIGGER documents_category_update;
DROP VIEW category_count_deltas;

-- category_count_deltas is where the triggers on documents write that a
-- published document's categories come or go: the trigger on it counts
-- each of them up or down, once.
CREATE VIEW category_count_deltas (categories, delta) AS SELECT '[]', 0 WHERE false;

CREATE TRIGGER category_count_deltas_insert INSTEAD OF INSERT ON category_count_deltas
BEGIN
	INSERT INTO category_counts (category, n)
	SELECT DISTINCT value, NEW.delta FROM json_each(NEW.categories) WHERE true
	ON CONFLICT (category) DO UPDATE SET n = n + excluded.n;
	DELETE FROM category_counts WHERE n = 0
		AND category IN (SELECT value FROM json_each(NEW.categories));
END;

CREATE TRIGGER documents_category_insert AFTER INSERT ON documents WHEN NEW.status = 'published'
BEGIN
	INSERT INTO category_count_deltas VALUES (NEW.categories, 1);
END;

CREATE TRIGGER documents_category_delete AFTER DELETE ON documents WHEN OLD.status = 'published'
BEGIN
	INSERT INTO category_count_deltas VALUES (OLD.categories, -1);
END;

CREATE TRIGGER documents_category_update AFTER UPDATE OF categories, status ON documents
BEGIN
	INSERT INTO category_count_deltas SELECT OLD.categories, -1 WHERE OLD.status = 'published';
	INSERT INTO category_count_deltas SELECT NEW.categories, 1 WHERE NEW.status = 'published';
END;
