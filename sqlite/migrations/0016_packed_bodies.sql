-- Packed bodies: a document's body, and a revision's, is kept compressed
-- (zlib) in packed, and body is then empty. The JSON of a document is most
-- of the store, and compresses to less than half; SQLite, unlike
-- PostgreSQL, compresses nothing itself. A row written before keeps its
-- JSON in body and packed NULL: readers take coalesce(packed, body), and the
-- next save of the document packs it.
--
-- Being the last column, packed also comes after every column a list
-- filters or orders by, which no longer sit behind the body's pages.
ALTER TABLE documents ADD COLUMN packed BLOB;
ALTER TABLE revisions ADD COLUMN packed BLOB;
