-- Search: the index of released documents (see search.go), derived from the
-- documents and rebuilt by a reindex. Go analyzes the texts as the embedded
-- index does (package analysis) and writes the terms as tsvector lexemes
-- prefixed by their field ('en:human', 'tr:saharov'), with their positions.

-- levenshtein_less_equal, for fuzzy words (a trusted extension).
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- One row per indexed document: what filters, facets, sorts, hits and
-- snippets read.
CREATE TABLE search_docs (
	id text COLLATE "C" PRIMARY KEY,
	hash text NOT NULL,
	restricted boolean NOT NULL DEFAULT false,
	collection text COLLATE "C" NOT NULL DEFAULT '',
	creator text COLLATE "C" NOT NULL DEFAULT '',
	type text COLLATE "C" NOT NULL DEFAULT '',
	year text COLLATE "C" NOT NULL DEFAULT '',
	decade text COLLATE "C" NOT NULL DEFAULT '',
	-- The first and last day of the date, as 1977-05-19; NULL if undated.
	start_day text COLLATE "C",
	end_day text COLLATE "C",
	languages text[] COLLATE "C" NOT NULL DEFAULT '{}',
	persons text[] COLLATE "C" NOT NULL DEFAULT '{}',
	categories text[] COLLATE "C" NOT NULL DEFAULT '{}',
	-- The number of terms of each field (in the order of lengthFields in
	-- search.go), for the norms of the scores.
	lengths integer[] NOT NULL DEFAULT '{}',
	-- What a hit shows: title, date, references, collection, page numbers.
	hit jsonb NOT NULL,
	-- The page texts and the summary, which snippets are cut from.
	pages text[] NOT NULL DEFAULT '{}',
	summary text NOT NULL DEFAULT ''
);

CREATE INDEX search_docs_date ON search_docs (start_day, id);

-- The terms of each element of a document (a page, the title, a note...),
-- a long one in chunks of positions (see search.go).
CREATE TABLE search_elements (
	doc_id text COLLATE "C" NOT NULL REFERENCES search_docs (id) ON DELETE CASCADE,
	n integer NOT NULL,
	chunk integer NOT NULL,
	terms tsvector NOT NULL,
	PRIMARY KEY (doc_id, n, chunk)
);

CREATE INDEX search_elements_terms ON search_elements USING gin (terms);

-- Every term ever indexed, which prefixes and fuzzy words are expanded to.
-- Terms of deleted documents stay: they find nothing.
CREATE TABLE search_terms (
	term text COLLATE "C" PRIMARY KEY
);
