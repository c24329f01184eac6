package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"fonds"
)

// earliestQuery selects the datestamp of the oldest record: the earlier of
// the oldest published document and the oldest deletion, each read from the
// start of an index in datestamp order.
const earliestQuery = `SELECT min(t) FROM (
	SELECT min(updated) AS t FROM documents WHERE status = 'published'
	UNION ALL
	SELECT * FROM (SELECT d.datestamp FROM deletions d
		WHERE NOT EXISTS (SELECT 1 FROM documents WHERE id = d.id AND status = 'published')
		ORDER BY d.datestamp LIMIT 1))`

// Records returns the page of records the filter admits, in order of
// datestamp then id, and how many it admits in all.
func (s *Store) Records(ctx context.Context, f fonds.RecordFilter) ([]fonds.Record, int, error) {
	recs, total, err := s.records(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: records: %w", translate(err))
	}
	return recs, total, nil
}

func (s *Store) records(ctx context.Context, f fonds.RecordFilter) ([]fonds.Record, int, error) {
	if f.Limit < 0 {
		return nil, 0, fmt.Errorf("%w: negative limit %d", fonds.ErrInvalid, f.Limit)
	}
	limit := f.Limit
	if limit == 0 {
		limit = -1
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	total, err := recordCount(ctx, tx, f)
	if err != nil {
		return nil, 0, err
	}
	q, args := recordsQuery(f, limit)
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	recs := []fonds.Record{}
	for rows.Next() {
		var r fonds.Record
		var stamp string
		var body sql.RawBytes
		var cats string
		if err := rows.Scan(&r.ID, &r.Collection, &stamp, &r.Deleted, &cats, &body); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal([]byte(cats), &r.Categories); err != nil {
			return nil, 0, fmt.Errorf("categories of %s: %w", r.ID, err)
		}
		if r.Datestamp, err = parseTime(stamp); err != nil {
			return nil, 0, err
		}
		if !r.Deleted {
			if r.Document, err = decodeBody(body); err != nil {
				return nil, 0, err
			}
		}
		recs = append(recs, r)
	}
	return recs, total, rows.Err()
}

// recordsQuery returns the query of the page of records f admits, at most
// limit (-1 for no limit), and its arguments.
//
// The records of harvesters are the published documents, at the time they
// were last changed, and the deletions, at the time they were withdrawn. (A
// document made a draft is in neither: drafts are never shown, and its
// withdrawal is among the deletions.) Each is read through an index in
// datestamp order from where the page starts, no more than a page, and the
// two merged; the body and categories of a document are read for the page
// alone.
func recordsQuery(f fonds.RecordFilter, limit int) (string, []any) {
	docs, docArgs := recordConditions(f, "updated")
	dels, delArgs := recordConditions(f, "datestamp")
	q := `SELECT r.id, r.collection, r.datestamp, r.deleted, coalesce(p.categories, r.categories), ` + bodyOf("p") + `
		FROM (SELECT * FROM (
			SELECT * FROM (SELECT id, collection, updated AS datestamp, 0 AS deleted, NULL AS categories
				FROM documents` + where(append([]string{"status = 'published'"}, docs...)...) + `
				ORDER BY updated, id LIMIT ?)
			UNION ALL
			SELECT * FROM (SELECT id, collection, datestamp, 1, categories
				FROM deletions` + where(append([]string{"NOT EXISTS (SELECT 1 FROM documents p WHERE p.id = deletions.id AND p.status = 'published')"}, dels...)...) + `
				ORDER BY datestamp, id LIMIT ?))
			ORDER BY datestamp, id LIMIT ?) r
		LEFT JOIN documents p ON r.deleted = 0 AND p.id = r.id
		ORDER BY r.datestamp, r.id`
	args := append(append(append(docArgs, limit), delArgs...), limit, limit)
	return q, args
}

// recordConditions returns the conditions selecting the rows of documents
// or of deletions that f admits, stamp the column of their datestamp, and
// their arguments.
func recordConditions(f fonds.RecordFilter, stamp string) ([]string, []any) {
	var conds []string
	var args []any
	if !f.From.IsZero() {
		conds = append(conds, stamp+" >= ?")
		args = append(args, formatTime(f.From))
	}
	if !f.Until.IsZero() {
		conds = append(conds, stamp+" <= ?")
		args = append(args, formatTime(f.Until))
	}
	if f.Collection != "" {
		conds = append(conds, "collection = ?")
		args = append(args, f.Collection)
	}
	if f.Category != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM json_each(categories) WHERE value = ?)")
		args = append(args, f.Category)
	}
	if f.ID != "" {
		conds = append(conds, "id = ?")
		args = append(args, f.ID)
	}
	if !f.AfterTime.IsZero() {
		conds = append(conds, "("+stamp+", id) > (?, ?)")
		args = append(args, formatTime(f.AfterTime), f.AfterID)
	}
	return conds, args
}

// recordCount returns how many records f admits, read from the counts
// kept of published documents and of deletions where they tell it (the
// whole archive, a collection, a category), or from the one record an id
// may have, and -1 otherwise: to count a list bounded by dates would cost
// each page of a harvest the whole list.
func recordCount(ctx context.Context, tx *sql.Tx, f fonds.RecordFilter) (int, error) {
	var q string
	var qargs []any
	filters := 0
	for _, set := range []bool{!f.From.IsZero() || !f.Until.IsZero(), f.Collection != "", f.Category != "", f.ID != ""} {
		if set {
			filters++
		}
	}
	switch {
	case filters > 1 || !f.From.IsZero() || !f.Until.IsZero():
		return -1, nil
	case f.ID != "":
		q = `SELECT (SELECT count(*) FROM documents WHERE id = ?1 AND status = 'published') +
			(SELECT count(*) FROM deletions d WHERE id = ?1
				AND NOT EXISTS (SELECT 1 FROM documents WHERE id = d.id AND status = 'published'))`
		qargs = []any{f.ID}
	case f.Category != "":
		q = `SELECT coalesce((SELECT n FROM category_counts WHERE category = ?1), 0) +
			coalesce((SELECT n FROM deletion_counts WHERE kind = 'category' AND key = ?1), 0)`
		qargs = []any{f.Category}
	case f.Collection != "":
		q = `SELECT coalesce((SELECT n FROM document_counts
				WHERE collection = ?1 AND year = -1 AND month = -1 AND status = 'published'), 0) +
			coalesce((SELECT n FROM deletion_counts WHERE kind = 'collection' AND key = ?1), 0)`
		qargs = []any{f.Collection}
	default:
		q = `SELECT coalesce((SELECT n FROM document_counts
				WHERE collection = '' AND year = -1 AND month = -1 AND status = 'published'), 0) +
			coalesce((SELECT n FROM deletion_counts WHERE kind = 'all' AND key = ''), 0)`
	}
	var n int
	err := tx.QueryRowContext(ctx, q, qargs...).Scan(&n)
	return n, err
}

// Categories returns the categories of the published documents, sorted.
func (s *Store) Categories(ctx context.Context) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT category FROM category_counts ORDER BY category`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: categories: %w", translate(err))
	}
	defer rows.Close()
	cats := []string{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("sqlite: categories: %w", err)
		}
		cats = append(cats, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: categories: %w", translate(err))
	}
	return cats, nil
}

// EarliestDatestamp returns the datestamp of the oldest record.
func (s *Store) EarliestDatestamp(ctx context.Context) (time.Time, error) {
	var stamp sql.NullString
	err := s.read.QueryRowContext(ctx, earliestQuery).Scan(&stamp)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: earliest datestamp: %w", translate(err))
	}
	if !stamp.Valid {
		return time.Time{}, nil
	}
	t, err := parseTime(stamp.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: earliest datestamp: %w", err)
	}
	return t, nil
}
