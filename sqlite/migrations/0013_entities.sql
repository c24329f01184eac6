-- The linked edition: the entities documents mention, what documents cite
-- and the identities they are cited by, the numbers and chapters of the
-- documents of volumes.
--
-- Everything here but the editors' descriptions of entities is derived
-- from the documents (by package entity) as each is saved, in its
-- transaction; the program derives it again from every stored document
-- when the rules change (the setting entity.version), and so fills it in
-- for the documents stored before this migration.

-- A document's number in its volume and its chapter. number and section
-- come after the body in a row, so every list that filters or orders by
-- them reads them from an index, never from the row.
ALTER TABLE documents ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN section TEXT NOT NULL DEFAULT '';
-- Number order puts documents without a number last, as date order puts
-- undated ones last.
ALTER TABLE documents ADD COLUMN unnumbered INTEGER NOT NULL GENERATED ALWAYS AS (number = 0) VIRTUAL;

-- A volume's documents by number: of every status, the public's, a
-- reader's, one status's.
CREATE INDEX documents_by_number ON documents (collection, unnumbered, number, undated, date_start, id);
CREATE INDEX documents_published_by_number ON documents (collection, unnumbered, number, undated, date_start, id)
	WHERE status = 'published';
CREATE INDEX documents_released_by_number ON documents (collection, unnumbered, number, undated, date_start, id)
	WHERE released = 1;
-- The chapter closes it, so that an editor's list of a chapter filters by
-- it without reading rows.
CREATE INDEX documents_by_state_number ON documents (state, collection, unnumbered, number, undated, date_start, id, section);

-- A chapter's documents by number. A chapter is short: the lists of a
-- reader and of one status filter it by the columns the index carries,
-- without reading the rows.
CREATE INDEX documents_by_section ON documents (collection, section, unnumbered, number, undated, date_start, id, released, state);
CREATE INDEX documents_published_by_section ON documents (collection, section, unnumbered, number, undated, date_start, id)
	WHERE status = 'published';

-- sections holds the chapters of each collection that the public sees:
-- how many of their documents it sees, and the smallest number among
-- them, kept by triggers as documents are written.
CREATE TABLE sections (
	collection TEXT NOT NULL,
	title      TEXT NOT NULL,
	first      INTEGER NOT NULL, -- 0 when none of its documents has a number
	n          INTEGER NOT NULL,
	PRIMARY KEY (collection, title)
) STRICT, WITHOUT ROWID;

-- section_deltas is where the triggers on documents write that a public
-- document comes into a chapter or leaves it (delta 1 or -1): the trigger
-- on it counts it and finds the chapter's first number again, through the
-- index of the chapter's public documents by number.
CREATE VIEW section_deltas (collection, title, delta) AS SELECT '', '', 0 WHERE false;

CREATE TRIGGER section_deltas_insert INSTEAD OF INSERT ON section_deltas
BEGIN
	INSERT INTO sections (collection, title, first, n) VALUES (NEW.collection, NEW.title, 0, NEW.delta)
	ON CONFLICT (collection, title) DO UPDATE SET n = n + excluded.n;
	DELETE FROM sections WHERE collection = NEW.collection AND title = NEW.title AND n <= 0;
	UPDATE sections SET first = coalesce((SELECT number FROM documents INDEXED BY documents_published_by_section
			WHERE collection = NEW.collection AND section = NEW.title AND status = 'published' AND unnumbered = 0
			ORDER BY number LIMIT 1), 0)
		WHERE collection = NEW.collection AND title = NEW.title;
END;

CREATE TRIGGER documents_section_insert AFTER INSERT ON documents
WHEN NEW.section <> '' AND NEW.status = 'published'
BEGIN
	INSERT INTO section_deltas VALUES (NEW.collection, NEW.section, 1);
END;

CREATE TRIGGER documents_section_delete AFTER DELETE ON documents
WHEN OLD.section <> '' AND OLD.status = 'published'
BEGIN
	INSERT INTO section_deltas VALUES (OLD.collection, OLD.section, -1);
END;

CREATE TRIGGER documents_section_update AFTER UPDATE OF collection, section, number, status ON documents
WHEN (OLD.section <> '' AND OLD.status = 'published' OR NEW.section <> '' AND NEW.status = 'published')
	AND (OLD.collection IS NOT NEW.collection OR OLD.section IS NOT NEW.section
		OR OLD.number IS NOT NEW.number OR OLD.status IS NOT NEW.status)
BEGIN
	INSERT INTO section_deltas SELECT OLD.collection, OLD.section, -1 WHERE OLD.section <> '' AND OLD.status = 'published';
	INSERT INTO section_deltas SELECT NEW.collection, NEW.section, 1 WHERE NEW.section <> '' AND NEW.status = 'published';
END;

-- mentions holds one row per document and entity it mentions: the
-- document's first use of the name and the passage around it, the
-- spellings and authority identifiers it gives (JSON arrays), and, copied
-- from the document, its start date and who may see it, so that the
-- documents mentioning an entity are read in date order from an index,
-- for the public, a reader or one status, without reading documents.
CREATE TABLE mentions (
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL,
	key         TEXT NOT NULL,
	name        TEXT NOT NULL,
	written     TEXT NOT NULL DEFAULT '',
	passage     TEXT NOT NULL DEFAULT '',
	spellings   TEXT NOT NULL DEFAULT '[]',
	authority   TEXT NOT NULL DEFAULT '[]',
	date_start  TEXT NOT NULL DEFAULT '',
	public      INTEGER NOT NULL, -- documents.status = 'published'
	released    INTEGER NOT NULL, -- documents.released
	state       TEXT NOT NULL,    -- documents.state
	undated     INTEGER NOT NULL GENERATED ALWAYS AS (date_start = '') VIRTUAL,
	UNIQUE (document_id, kind, key)
) STRICT;

CREATE INDEX mentions_by_date ON mentions (kind, key, undated, date_start, document_id);
CREATE INDEX mentions_public_by_date ON mentions (kind, key, undated, date_start, document_id) WHERE public = 1;
CREATE INDEX mentions_released_by_date ON mentions (kind, key, undated, date_start, document_id) WHERE released = 1;
CREATE INDEX mentions_by_state ON mentions (kind, key, state, undated, date_start, document_id);

-- entities holds one row per entity that a document mentions or an editor
-- described. The triggers on mentions keep its counts of the documents
-- mentioning it: all, those the public sees, those a reader sees. The
-- program keeps its names (the fullest met in Latin letters, and in
-- Cyrillic), the name it shows (the editor's, or else the one met), that
-- name folded for matching a prefix, and its sort keys in the English and
-- the Russian order (collation keys, compared as bytes).
CREATE TABLE entities (
	kind      TEXT NOT NULL,
	key       TEXT NOT NULL,
	met_name  TEXT NOT NULL DEFAULT '',
	met_ru    TEXT NOT NULL DEFAULT '',
	name      TEXT NOT NULL DEFAULT '',
	folded    TEXT NOT NULL DEFAULT '',
	sort_en   BLOB NOT NULL DEFAULT x'',
	sort_ru   BLOB NOT NULL DEFAULT x'',
	documents INTEGER NOT NULL DEFAULT 0,
	public    INTEGER NOT NULL DEFAULT 0,
	released  INTEGER NOT NULL DEFAULT 0,
	-- What an editor says of it (DescribeEntity), kept when no document
	-- mentions it any more.
	described   INTEGER NOT NULL DEFAULT 0,
	editor_name TEXT NOT NULL DEFAULT '',
	role        TEXT NOT NULL DEFAULT '',
	dates       TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	authority   TEXT NOT NULL DEFAULT '[]',
	PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;

-- The lists of entities of a kind in each order: every one, those a
-- document the public sees mentions, those a document a reader sees does.
CREATE INDEX entities_en ON entities (kind, sort_en, key);
CREATE INDEX entities_public_en ON entities (kind, sort_en, key) WHERE public > 0;
CREATE INDEX entities_released_en ON entities (kind, sort_en, key) WHERE released > 0;
CREATE INDEX entities_ru ON entities (kind, sort_ru, key);
CREATE INDEX entities_public_ru ON entities (kind, sort_ru, key) WHERE public > 0;
CREATE INDEX entities_released_ru ON entities (kind, sort_ru, key) WHERE released > 0;
-- Matching a prefix against keys of every kind, and against the names shown.
CREATE INDEX entities_by_key ON entities (key, kind);
CREATE INDEX entities_by_folded ON entities (folded);

CREATE TRIGGER mentions_insert AFTER INSERT ON mentions
BEGIN
	INSERT INTO entities (kind, key, documents, public, released) VALUES (NEW.kind, NEW.key, 1, NEW.public, NEW.released)
	ON CONFLICT (kind, key) DO UPDATE SET documents = documents + 1,
		public = public + excluded.public, released = released + excluded.released;
END;

CREATE TRIGGER mentions_delete AFTER DELETE ON mentions
BEGIN
	UPDATE entities SET documents = documents - 1, public = public - OLD.public, released = released - OLD.released
		WHERE kind = OLD.kind AND key = OLD.key;
	DELETE FROM entities WHERE kind = OLD.kind AND key = OLD.key AND documents <= 0 AND described = 0;
END;

CREATE TRIGGER mentions_access AFTER UPDATE OF public, released ON mentions
WHEN OLD.public IS NOT NEW.public OR OLD.released IS NOT NEW.released
BEGIN
	UPDATE entities SET public = public - OLD.public + NEW.public, released = released - OLD.released + NEW.released
		WHERE kind = NEW.kind AND key = NEW.key;
END;

-- entity_names holds the spellings of each entity met in documents, and
-- how many documents write each; folded is the spelling in lower case,
-- for matching a prefix.
CREATE TABLE entity_names (
	kind      TEXT NOT NULL,
	key       TEXT NOT NULL,
	name      TEXT NOT NULL,
	folded    TEXT NOT NULL,
	documents INTEGER NOT NULL,
	PRIMARY KEY (kind, key, name)
) STRICT, WITHOUT ROWID;

CREATE INDEX entity_names_by_frequency ON entity_names (kind, key, documents DESC, name);
CREATE INDEX entity_names_by_folded ON entity_names (folded, kind, key);

-- entity_authorities holds the identifiers of each entity in other
-- catalogues that documents give, and how many give each.
CREATE TABLE entity_authorities (
	kind      TEXT NOT NULL,
	key       TEXT NOT NULL,
	uri       TEXT NOT NULL,
	documents INTEGER NOT NULL,
	PRIMARY KEY (kind, key, uri)
) STRICT, WITHOUT ROWID;

CREATE INDEX entity_authorities_by_frequency ON entity_authorities (kind, key, documents DESC, uri);

-- citations holds what each document cites, with the document's start
-- date and who may see it, as mentions do, so that the documents citing a
-- target are read in date order from an index.
CREATE TABLE citations (
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	target      TEXT NOT NULL,
	anchor      TEXT NOT NULL DEFAULT '',
	written     TEXT NOT NULL DEFAULT '',
	date_start  TEXT NOT NULL DEFAULT '',
	public      INTEGER NOT NULL,
	released    INTEGER NOT NULL,
	state       TEXT NOT NULL,
	undated     INTEGER NOT NULL GENERATED ALWAYS AS (date_start = '') VIRTUAL,
	UNIQUE (document_id, target, anchor)
) STRICT;

CREATE INDEX citations_by_target ON citations (target, undated, date_start, document_id);
CREATE INDEX citations_public_by_target ON citations (target, undated, date_start, document_id) WHERE public = 1;
CREATE INDEX citations_released_by_target ON citations (target, undated, date_start, document_id) WHERE released = 1;

-- identities holds the targets by which each document is cited. Several
-- documents may share one (an archival reference): a target resolves to
-- the first the public sees, by id, or else the first.
CREATE TABLE identities (
	target      TEXT NOT NULL,
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	public      INTEGER NOT NULL,
	PRIMARY KEY (target, document_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX identities_by_document ON identities (document_id);
CREATE INDEX identities_resolve ON identities (target, public DESC, document_id);

-- Who may see a document is copied into its rows of mentions, citations
-- and identities whenever it changes: by a save, a Release.
CREATE TRIGGER documents_links_access AFTER UPDATE OF status, released, state ON documents
WHEN OLD.status IS NOT NEW.status OR OLD.released IS NOT NEW.released OR OLD.state IS NOT NEW.state
BEGIN
	UPDATE mentions SET public = (NEW.status = 'published'), released = NEW.released, state = NEW.state
		WHERE document_id = NEW.id;
	UPDATE citations SET public = (NEW.status = 'published'), released = NEW.released, state = NEW.state
		WHERE document_id = NEW.id;
	UPDATE identities SET public = (NEW.status = 'published') WHERE document_id = NEW.id;
END;
