-- Stamps: the id, hash and update time of every document, with the columns
-- its filters read, so that the list a search index is compared with at
-- each start of a server is read from this index, a few megabytes, and not
-- from the rows of documents, which hold every body: a scan of those read
-- the whole file into memory.
CREATE INDEX documents_stamps ON documents (id, hash, updated, released, status);
