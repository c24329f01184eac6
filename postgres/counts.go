package postgres

import (
	"fonds"
)

// The access of a document as document_counts counts it.
const (
	accessPublic     = "published"
	accessRestricted = "restricted"
	accessDraft      = "draft"
)

// accessOf returns the access of a document whose public status is
// status and that is released or not.
func accessOf(status string, released bool) string {
	switch {
	case status == string(fonds.StatusPublished):
		return accessPublic
	case released:
		return accessRestricted
	}
	return accessDraft
}

// countKey is a row of document_counts.
type countKey struct {
	collection  string
	year, month int
	access      string
}

// counts are the changes a write makes to document_counts.
type counts map[countKey]int

// add counts by (1 or -1) a document of the collection, year, month and
// access, in its own row and in the sums over months, years and
// collections.
func (cs counts) add(collection string, year, month int, access string, by int) {
	for _, c := range []string{collection, ""} {
		cs[countKey{c, year, month, access}] += by
		cs[countKey{c, year, -1, access}] += by
		cs[countKey{c, -1, -1, access}] += by
	}
}

// apply writes the counts in tx. It is called under the lock of the
// feed's order (see written), so that writers change the rows one at a
// time.
func (cs counts) apply(p *pending) {
	for k, n := range cs {
		if n != 0 {
			p.queue(`INSERT INTO document_counts (collection, year, month, access, n) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (collection, year, month, access) DO UPDATE SET n = document_counts.n + excluded.n`,
				k.collection, k.year, k.month, k.access, n)
		}
	}
}

// counted reports whether document_counts counts what f admits: not the
// documents of one status, nor those held from the public, nor those of a
// range of dates or of a chapter, which it does not tell apart. Those are
// counted from the documents, through the index that lists them.
func counted(f fonds.Filter) bool {
	return f.Status == "" && f.Held == "" && f.From == "" && f.To == "" && f.Section == ""
}

// countsAccess returns the condition on the access of document_counts
// that f asks for, or "" for all.
func countsAccess(f fonds.Filter) string {
	switch {
	case f.Published && f.Restricted:
		return "access IN ('published', 'restricted')"
	case f.Published:
		return "access = 'published'"
	}
	return ""
}

// countsSum returns the query of the number of documents of the
// collection coll (an expression; the empty string for all) that f, which counted
// admits, admits, its arguments added to a; ExceptCollection ignored.
func countsSum(f fonds.Filter, coll string, a *args) string {
	year, month := -1, -1
	if f.Year != 0 {
		year = f.Year
		if f.Month != 0 {
			month = f.Month
		}
	}
	conds := []string{"collection = " + coll, "year = " + a.add(year), "month = " + a.add(month)}
	if c := countsAccess(f); c != "" {
		conds = append(conds, c)
	}
	return `SELECT coalesce(sum(n), 0) FROM document_counts` + where(conds...)
}

// totalQuery returns the query of how many documents f admits, and its
// arguments: read from document_counts when it counts them, else counted
// from the documents.
func totalQuery(f fonds.Filter) (string, args) {
	var a args
	if !counted(f) {
		return `SELECT count(*) FROM documents` + where(conditions(f, &a)...), a
	}
	e := f.ExceptCollection
	switch {
	case e != "" && f.Collection == e:
		return `SELECT 0`, nil
	case e != "" && f.Collection == "":
		all := countsSum(f, "''", &a)
		return `SELECT (` + all + `) - (` + countsSum(f, a.add(e), &a) + `)`, a
	}
	q := countsSum(f, a.add(f.Collection), &a)
	return q, a
}

// dateCountsQuery returns the query of DateCounts for a filter counted
// admits, and its arguments, or "" when f admits none.
func dateCountsQuery(f fonds.Filter) (string, args) {
	var a args
	coll := f.Collection
	sum := "sum(n)"
	conds := []string{"", "year > 0", "month >= 0"}
	switch e := f.ExceptCollection; {
	case e != "" && coll == e:
		return "", nil
	case e != "" && coll == "":
		// The sums of all collections less those of the one left out.
		conds[0] = "collection IN ('', " + a.add(e) + ")"
		sum = "sum(CASE WHEN collection = '' THEN n ELSE -n END)"
	default:
		conds[0] = "collection = " + a.add(coll)
	}
	if c := countsAccess(f); c != "" {
		conds = append(conds, c)
	}
	if f.Year != 0 {
		conds = append(conds, "year = "+a.add(f.Year))
		if f.Month != 0 {
			conds = append(conds, "month = "+a.add(f.Month))
		}
	}
	return `SELECT year, month, ` + sum + ` FROM document_counts` + where(conds...) +
		` GROUP BY year, month HAVING ` + sum + ` > 0 ORDER BY year, month`, a
}
