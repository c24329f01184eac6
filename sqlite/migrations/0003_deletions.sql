-- Deletions: documents withdrawn from the public (deleted, or made drafts
-- again), remembered for ever so that harvesters learn of them.
CREATE TABLE deletions (
	id         TEXT PRIMARY KEY,
	collection TEXT NOT NULL,
	datestamp  TEXT NOT NULL -- RFC 3339 in UTC, as the times of documents
) STRICT, WITHOUT ROWID;

CREATE INDEX deletions_by_datestamp ON deletions (datestamp, id);
CREATE INDEX documents_published_by_updated ON documents (updated, id) WHERE status = 'published';
