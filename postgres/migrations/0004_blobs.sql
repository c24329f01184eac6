-- Blobs: files too large for a row, such as the scans of pages, kept in
-- chunks so that reading one never holds it whole. A blob being written has
-- no key until its chunks are all in; the rows of a replaced blob go with it.
CREATE TABLE blobs (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	key text COLLATE "C" UNIQUE,
	size bigint NOT NULL,
	chunk integer NOT NULL CHECK (chunk > 0),
	modified timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blob_chunks (
	blob bigint NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
	n integer NOT NULL,
	data bytea NOT NULL,
	PRIMARY KEY (blob, n)
);

-- Scans are compressed already: stored out of line as they are, not
-- compressed again.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
