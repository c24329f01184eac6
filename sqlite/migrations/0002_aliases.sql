-- Aliases: other paths a document was published at (the URL of the
-- WordPress post it came from), which the site redirects to its permalink.
CREATE TABLE aliases (
	path        TEXT PRIMARY KEY,
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX aliases_by_document ON aliases (document_id);
