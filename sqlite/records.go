package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"fonds"
)

// recordsQuery selects the records of harvesters: published documents at
// the time they were last changed, and deletions at the time they were
// withdrawn. A document made a draft is in neither: drafts are never shown,
// and its withdrawal is among the deletions.
const recordsQuery = `SELECT id, collection, updated AS datestamp, 0 AS deleted, body, categories
	FROM documents WHERE status = 'published'
	UNION ALL
	SELECT d.id, d.collection, d.datestamp, 1, NULL, d.categories
	FROM deletions d WHERE NOT EXISTS (SELECT 1 FROM documents WHERE id = d.id AND status = 'published')`

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
	var conds []string
	var args []any
	if !f.From.IsZero() {
		conds = append(conds, "datestamp >= ?")
		args = append(args, formatTime(f.From))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "datestamp <= ?")
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
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var total int
	q := `SELECT count(*) FROM (` + recordsQuery + `)` + where(conds...)
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if !f.AfterTime.IsZero() {
		conds = append(conds, "(datestamp, id) > (?, ?)")
		args = append(args, formatTime(f.AfterTime), f.AfterID)
	}
	limit := f.Limit
	if limit == 0 {
		limit = -1
	}
	q = `SELECT id, collection, datestamp, deleted, body, categories FROM (` + recordsQuery + `)` + where(conds...) +
		` ORDER BY datestamp, id LIMIT ?`
	rows, err := tx.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	recs := []fonds.Record{}
	for rows.Next() {
		var r fonds.Record
		var stamp string
		var body sql.NullString
		var cats string
		if err := rows.Scan(&r.ID, &r.Collection, &stamp, &r.Deleted, &body, &cats); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal([]byte(cats), &r.Categories); err != nil {
			return nil, 0, fmt.Errorf("categories of %s: %w", r.ID, err)
		}
		if r.Datestamp, err = parseTime(stamp); err != nil {
			return nil, 0, err
		}
		if !r.Deleted {
			if r.Document, err = decode(body.String); err != nil {
				return nil, 0, err
			}
		}
		recs = append(recs, r)
	}
	return recs, total, rows.Err()
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
