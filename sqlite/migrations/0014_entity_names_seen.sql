-- The spellings and identifiers of an entity are counted, like the entity
-- itself, among the documents the public sees and those a reader sees, so
-- that a public page shows only the spellings public documents write.
ALTER TABLE entity_names ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entity_names ADD COLUMN released INTEGER NOT NULL DEFAULT 0;
-- inverted is a person's spelling with the surname first, folded, as the
-- name shown is in entities.folded: a prefix matches either form of a
-- spelling the viewer's documents write (the program fills it).
ALTER TABLE entity_names ADD COLUMN inverted TEXT NOT NULL DEFAULT '';
ALTER TABLE entity_authorities ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entity_authorities ADD COLUMN released INTEGER NOT NULL DEFAULT 0;

UPDATE entity_names SET public = c.public, released = c.released
FROM (SELECT m.kind, m.key, j.value AS name, sum(m.public) AS public, sum(m.released) AS released
	FROM mentions m, json_each(m.spellings) j GROUP BY m.kind, m.key, j.value) AS c
WHERE entity_names.kind = c.kind AND entity_names.key = c.key AND entity_names.name = c.name;

UPDATE entity_authorities SET public = c.public, released = c.released
FROM (SELECT m.kind, m.key, j.value AS uri, sum(m.public) AS public, sum(m.released) AS released
	FROM mentions m, json_each(m.authority) j GROUP BY m.kind, m.key, j.value) AS c
WHERE entity_authorities.kind = c.kind AND entity_authorities.key = c.key AND entity_authorities.uri = c.uri;

-- The spellings and identifiers of an entity that the public sees, and
-- those a reader sees, the most frequent first.
CREATE INDEX entity_names_public ON entity_names (kind, key, public DESC, name) WHERE public > 0;
CREATE INDEX entity_names_released ON entity_names (kind, key, released DESC, name) WHERE released > 0;
CREATE INDEX entity_names_by_inverted ON entity_names (inverted, kind, key);
CREATE INDEX entity_authorities_public ON entity_authorities (kind, key, public DESC, uri) WHERE public > 0;
CREATE INDEX entity_authorities_released ON entity_authorities (kind, key, released DESC, uri) WHERE released > 0;

-- A save writes the spellings of its mentions with their counts (the
-- program adds and takes away); a change of who may see a document, which
-- the trigger documents_links_access copies into its mentions, moves them
-- between the counts here. The program never changes the visibility of a
-- mention itself.
CREATE TRIGGER mentions_access_names AFTER UPDATE OF public, released ON mentions
WHEN OLD.public IS NOT NEW.public OR OLD.released IS NOT NEW.released
BEGIN
	UPDATE entity_names SET public = public - OLD.public + NEW.public, released = released - OLD.released + NEW.released
		WHERE kind = NEW.kind AND key = NEW.key AND name IN (SELECT value FROM json_each(NEW.spellings));
	UPDATE entity_authorities SET public = public - OLD.public + NEW.public, released = released - OLD.released + NEW.released
		WHERE kind = NEW.kind AND key = NEW.key AND uri IN (SELECT value FROM json_each(NEW.authority));
END;
