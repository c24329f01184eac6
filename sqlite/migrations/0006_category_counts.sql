-- category_counts holds how many published documents are filed under each
-- category, kept by triggers as documents are written, so that the list of
-- categories is read, not gathered from every document.
CREATE TABLE category_counts (
	category TEXT PRIMARY KEY,
	n        INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- category_count_deltas is where the triggers on documents write that a
-- published version (its body) comes or goes: the trigger on it counts the
-- version's categories up or down, each once.
CREATE VIEW category_count_deltas (body, delta) AS SELECT '', 0 WHERE false;

CREATE TRIGGER category_count_deltas_insert INSTEAD OF INSERT ON category_count_deltas
BEGIN
	INSERT INTO category_counts (category, n)
	SELECT DISTINCT value, NEW.delta FROM json_each(NEW.body, '$.categories') WHERE true
	ON CONFLICT (category) DO UPDATE SET n = n + excluded.n;
	DELETE FROM category_counts WHERE n = 0
		AND category IN (SELECT value FROM json_each(NEW.body, '$.categories'));
END;

CREATE TRIGGER documents_category_insert AFTER INSERT ON documents WHEN NEW.status = 'published'
BEGIN
	INSERT INTO category_count_deltas VALUES (NEW.body, 1);
END;

CREATE TRIGGER documents_category_delete AFTER DELETE ON documents WHEN OLD.status = 'published'
BEGIN
	INSERT INTO category_count_deltas VALUES (OLD.body, -1);
END;

CREATE TRIGGER documents_category_update AFTER UPDATE OF body, status ON documents
BEGIN
	INSERT INTO category_count_deltas SELECT OLD.body, -1 WHERE OLD.status = 'published';
	INSERT INTO category_count_deltas SELECT NEW.body, 1 WHERE NEW.status = 'published';
END;

INSERT INTO category_counts (category, n)
SELECT c.value, count(DISTINCT d.id) FROM documents d, json_each(d.body, '$.categories') c
WHERE d.status = 'published' GROUP BY c.value;
