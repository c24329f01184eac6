-- The work page's lists of drafts, of documents waiting for review and of
-- withdrawn ones, the most recently added first: read a page at a time
-- from this index, not sorted whole from documents_by_state, which is in
-- order of date, for each page.
CREATE INDEX documents_by_state_added ON documents (state, created DESC, id DESC);
