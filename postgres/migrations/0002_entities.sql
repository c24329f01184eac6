-- The linked edition: the entities documents mention, what documents cite
-- and the identities they are cited by. Everything here but the editors'
-- descriptions of entities is derived from the documents (by package
-- entity) as each is saved, in its transaction.

-- mentions holds one row per document and entity it mentions, with the
-- document's start date and who may see it copied from it, so that the
-- documents mentioning an entity are read in date order from an index.
CREATE TABLE mentions (
	document_id text COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	kind        text NOT NULL,
	key         text COLLATE "C" NOT NULL,
	name        text NOT NULL,
	written     text NOT NULL DEFAULT '',
	passage     text NOT NULL DEFAULT '',
	spellings   text[] NOT NULL DEFAULT '{}',
	authority   text[] NOT NULL DEFAULT '{}',
	date_start  text COLLATE "C" NOT NULL DEFAULT '',
	public      boolean NOT NULL, -- documents.status = 'published'
	released    boolean NOT NULL, -- documents.released
	state       text NOT NULL,    -- documents.state
	undated     boolean GENERATED ALWAYS AS (date_start = '') STORED,
	PRIMARY KEY (document_id, kind, key)
);
CREATE INDEX mentions_by_date ON mentions (kind, key, undated, date_start, document_id);
CREATE INDEX mentions_public_by_date ON mentions (kind, key, undated, date_start, document_id) WHERE public;
CREATE INDEX mentions_released_by_date ON mentions (kind, key, undated, date_start, document_id) WHERE released;
CREATE INDEX mentions_by_state ON mentions (kind, key, state, undated, date_start, document_id);

-- entities holds one row per entity that a document mentions or an editor
-- described: how many documents mention it (all, those the public sees,
-- those a reader sees), kept by the triggers on mentions; its names, kept
-- by the program: the fullest met in Latin letters and in Cyrillic, the
-- one shown, that one folded for prefixes, and its sort keys in the
-- English and the Russian order (collation keys computed in Go, compared
-- as bytes); and what an editor says of it.
CREATE TABLE entities (
	kind        text NOT NULL,
	key         text COLLATE "C" NOT NULL,
	met_name    text NOT NULL DEFAULT '',
	met_ru      text NOT NULL DEFAULT '',
	name        text NOT NULL DEFAULT '',
	folded      text COLLATE "C" NOT NULL DEFAULT '',
	sort_en     bytea NOT NULL DEFAULT '',
	sort_ru     bytea NOT NULL DEFAULT '',
	documents   integer NOT NULL DEFAULT 0,
	public      integer NOT NULL DEFAULT 0,
	released    integer NOT NULL DEFAULT 0,
	described   boolean NOT NULL DEFAULT false,
	editor_name text NOT NULL DEFAULT '',
	role        text NOT NULL DEFAULT '',
	dates       text NOT NULL DEFAULT '',
	note        text NOT NULL DEFAULT '',
	authority   text[] NOT NULL DEFAULT '{}',
	PRIMARY KEY (kind, key)
);
CREATE INDEX entities_en ON entities (kind, sort_en, key);
CREATE INDEX entities_public_en ON entities (kind, sort_en, key) WHERE public > 0;
CREATE INDEX entities_released_en ON entities (kind, sort_en, key) WHERE released > 0;
CREATE INDEX entities_ru ON entities (kind, sort_ru, key);
CREATE INDEX entities_public_ru ON entities (kind, sort_ru, key) WHERE public > 0;
CREATE INDEX entities_released_ru ON entities (kind, sort_ru, key) WHERE released > 0;
CREATE INDEX entities_by_key ON entities (key, kind);
CREATE INDEX entities_by_folded ON entities (folded);

-- entity_names holds the spellings of each entity met in documents and
-- how many documents write each, in all, among those the public sees and
-- among those a reader sees; folded and inverted (a person's surname
-- first) match a prefix.
CREATE TABLE entity_names (
	kind      text NOT NULL,
	key       text COLLATE "C" NOT NULL,
	name      text COLLATE "C" NOT NULL,
	folded    text COLLATE "C" NOT NULL,
	inverted  text COLLATE "C" NOT NULL DEFAULT '',
	documents integer NOT NULL,
	public    integer NOT NULL DEFAULT 0,
	released  integer NOT NULL DEFAULT 0,
	PRIMARY KEY (kind, key, name)
);
CREATE INDEX entity_names_by_frequency ON entity_names (kind, key, documents DESC, name);
CREATE INDEX entity_names_public ON entity_names (kind, key, public DESC, name) WHERE public > 0;
CREATE INDEX entity_names_released ON entity_names (kind, key, released DESC, name) WHERE released > 0;
CREATE INDEX entity_names_by_folded ON entity_names (folded, kind, key);
CREATE INDEX entity_names_by_inverted ON entity_names (inverted, kind, key);

-- entity_authorities holds the identifiers of each entity in other
-- catalogues that documents give, counted as entity_names counts.
CREATE TABLE entity_authorities (
	kind      text NOT NULL,
	key       text COLLATE "C" NOT NULL,
	uri       text COLLATE "C" NOT NULL,
	documents integer NOT NULL,
	public    integer NOT NULL DEFAULT 0,
	released  integer NOT NULL DEFAULT 0,
	PRIMARY KEY (kind, key, uri)
);
CREATE INDEX entity_authorities_by_frequency ON entity_authorities (kind, key, documents DESC, uri);
CREATE INDEX entity_authorities_public ON entity_authorities (kind, key, public DESC, uri) WHERE public > 0;
CREATE INDEX entity_authorities_released ON entity_authorities (kind, key, released DESC, uri) WHERE released > 0;

-- citations holds what each document cites, with its start date and who
-- may see it, as mentions do.
CREATE TABLE citations (
	document_id text COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	target      text COLLATE "C" NOT NULL,
	anchor      text COLLATE "C" NOT NULL DEFAULT '',
	written     text NOT NULL DEFAULT '',
	date_start  text COLLATE "C" NOT NULL DEFAULT '',
	public      boolean NOT NULL,
	released    boolean NOT NULL,
	state       text NOT NULL,
	undated     boolean GENERATED ALWAYS AS (date_start = '') STORED,
	PRIMARY KEY (document_id, target, anchor)
);
CREATE INDEX citations_by_target ON citations (target, undated, date_start, document_id);
CREATE INDEX citations_public_by_target ON citations (target, undated, date_start, document_id) WHERE public;
CREATE INDEX citations_released_by_target ON citations (target, undated, date_start, document_id) WHERE released;

-- identities holds the targets by which each document is cited. A target
-- several documents share resolves to the first the public sees, by id,
-- or else the first.
CREATE TABLE identities (
	target      text COLLATE "C" NOT NULL,
	document_id text COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	public      boolean NOT NULL,
	PRIMARY KEY (target, document_id)
);
CREATE INDEX identities_by_document ON identities (document_id);
CREATE INDEX identities_resolve ON identities (target, public DESC, document_id);

-- The counts of entities follow their mentions: a mention added, removed,
-- or seen by others than before.
CREATE FUNCTION mentions_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		UPDATE entities SET documents = documents - 1, public = public - OLD.public::int, released = released - OLD.released::int
			WHERE kind = OLD.kind AND key = OLD.key;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO entities (kind, key, documents, public, released) VALUES (NEW.kind, NEW.key, 1, NEW.public::int, NEW.released::int)
		ON CONFLICT (kind, key) DO UPDATE SET documents = entities.documents + 1,
			public = entities.public + excluded.public, released = entities.released + excluded.released;
	END IF;
	IF TG_OP = 'DELETE' THEN
		DELETE FROM entities WHERE kind = OLD.kind AND key = OLD.key AND documents <= 0 AND NOT described;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER mentions_count AFTER INSERT OR DELETE ON mentions FOR EACH ROW EXECUTE FUNCTION mentions_count();
CREATE TRIGGER mentions_count_access AFTER UPDATE OF public, released ON mentions FOR EACH ROW
	WHEN (OLD.public IS DISTINCT FROM NEW.public OR OLD.released IS DISTINCT FROM NEW.released)
	EXECUTE FUNCTION mentions_count();

-- A change of who may see a document moves the counts of the spellings and
-- identifiers of its mentions; the program never changes the visibility
-- of a mention otherwise.
CREATE FUNCTION mentions_access_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE entity_names SET public = public - OLD.public::int + NEW.public::int,
			released = released - OLD.released::int + NEW.released::int
		WHERE kind = NEW.kind AND key = NEW.key AND name = ANY (NEW.spellings);
	UPDATE entity_authorities SET public = public - OLD.public::int + NEW.public::int,
			released = released - OLD.released::int + NEW.released::int
		WHERE kind = NEW.kind AND key = NEW.key AND uri = ANY (NEW.authority);
	RETURN NULL;
END $$;

CREATE TRIGGER mentions_access_names AFTER UPDATE OF public, released ON mentions FOR EACH ROW
	WHEN (OLD.public IS DISTINCT FROM NEW.public OR OLD.released IS DISTINCT FROM NEW.released)
	EXECUTE FUNCTION mentions_access_names();

-- Who may see a document is copied into its rows of mentions, citations
-- and identities whenever it changes: by a save, a release.
CREATE FUNCTION documents_links_access() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE mentions SET public = (NEW.status = 'published'), released = NEW.released, state = NEW.state
		WHERE document_id = NEW.id;
	UPDATE citations SET public = (NEW.status = 'published'), released = NEW.released, state = NEW.state
		WHERE document_id = NEW.id;
	UPDATE identities SET public = (NEW.status = 'published') WHERE document_id = NEW.id;
	RETURN NULL;
END $$;

CREATE TRIGGER documents_links_access AFTER UPDATE OF status, released, state ON documents FOR EACH ROW
	WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.released IS DISTINCT FROM NEW.released OR OLD.state IS DISTINCT FROM NEW.state)
	EXECUTE FUNCTION documents_links_access();
