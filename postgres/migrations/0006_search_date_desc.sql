-- Newest first: a search without words lists the documents by
-- start_day DESC NULLS LAST, id (see browse in searcheval.go), an order a
-- scan of search_docs_date either way does not give, which sorted the
-- whole table for each page. With this index a page is read in order.
CREATE INDEX search_docs_date_desc ON search_docs (start_day DESC NULLS LAST, id);
