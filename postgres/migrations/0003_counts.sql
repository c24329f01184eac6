-- document_counts holds how many documents there are of each collection,
-- year, month and access, and the sums of them over months (month -1),
-- over years (year -1 and month -1) and over collections (the collection
-- ''), so that a list's size and the counts of a timeline are read from
-- a few rows rather than counted. access is 'published' for what the
-- public sees, 'restricted' for what only a reader does, 'draft' for the
-- rest. Writers change it under the lock of the feed's order, at the end
-- of their transaction, so that they never wait for each other's rows in
-- a different order.
CREATE TABLE document_counts (
	collection text COLLATE "C" NOT NULL,
	year       integer NOT NULL,
	month      integer NOT NULL,
	access     text NOT NULL,
	n          bigint NOT NULL,
	PRIMARY KEY (collection, year, month, access)
);

INSERT INTO document_counts (collection, year, month, access, n)
SELECT coalesce(collection, ''), coalesce(year, -1), coalesce(month, -1), access, count(*)
FROM (SELECT collection, year, month,
		CASE WHEN status = 'published' THEN 'published' WHEN released THEN 'restricted' ELSE 'draft' END AS access
	FROM documents) d
GROUP BY GROUPING SETS ((collection, year, month, access), (collection, year, access), (collection, access),
	(year, month, access), (year, access), (access));
