package postgres

import (
	"context"
	"fmt"
	"time"

	"fonds"
	"fonds/internal/stored"

	"github.com/jackc/pgx/v5"
)

// Records returns the page of records the filter admits, in order of
// datestamp then id, and how many it admits in all, or -1.
//
// The records of harvesters are the public documents, at the time they were
// last changed, and the deletions, at the time they were withdrawn. Each is
// read through an index in datestamp order from where the page starts, no
// more than a page, and the two merged; the bodies are read for the page
// alone.
func (s *Store) Records(ctx context.Context, f fonds.RecordFilter) ([]fonds.Record, int, error) {
	if f.Limit < 0 {
		return nil, 0, fmt.Errorf("postgres: records: %w: negative limit %d", fonds.ErrInvalid, f.Limit)
	}
	recs := []fonds.Record{}
	total := -1
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		if total, err = recordCount(ctx, tx, f); err != nil {
			return err
		}
		var a args
		docs := recordConditions(f, "updated", &a)
		dels := recordConditions(f, "datestamp", &a)
		lim := a.add(limit(f.Limit))
		q := `SELECT r.id, r.collection, r.datestamp, r.deleted, coalesce(p.categories, r.categories), p.body
			FROM (
				(SELECT id, collection, updated AS datestamp, false AS deleted, NULL::text[] AS categories
					FROM documents` + where(append([]string{"status = 'published'"}, docs...)...) + `
					ORDER BY updated, id LIMIT ` + lim + `)
				UNION ALL
				(SELECT id, collection, datestamp, true, categories
					FROM deletions` + where(append([]string{"NOT EXISTS (SELECT 1 FROM documents p WHERE p.id = deletions.id AND p.status = 'published')"}, dels...)...) + `
					ORDER BY datestamp, id LIMIT ` + lim + `)
				ORDER BY datestamp, id LIMIT ` + lim + `) r
			LEFT JOIN documents p ON NOT r.deleted AND p.id = r.id
			ORDER BY r.datestamp, r.id`
		rows, err := tx.Query(ctx, q, a...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r fonds.Record
			var body []byte
			if err := rows.Scan(&r.ID, &r.Collection, &r.Datestamp, &r.Deleted, &r.Categories, &body); err != nil {
				return err
			}
			r.Datestamp = r.Datestamp.UTC()
			if len(r.Categories) == 0 {
				r.Categories = nil
			}
			if !r.Deleted {
				if r.Document, err = stored.Decode(body); err != nil {
					return err
				}
			}
			recs = append(recs, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: records: %w", translate(err))
	}
	return recs, total, nil
}

// recordConditions returns the conditions selecting the rows of documents
// or of deletions that f admits, stamp the column of their datestamp, their
// arguments added to a.
func recordConditions(f fonds.RecordFilter, stamp string, a *args) []string {
	var conds []string
	if !f.From.IsZero() {
		conds = append(conds, stamp+" >= "+a.add(f.From))
	}
	if !f.Until.IsZero() {
		conds = append(conds, stamp+" <= "+a.add(f.Until))
	}
	if f.Collection != "" {
		conds = append(conds, "collection = "+a.add(f.Collection))
	}
	if f.Category != "" {
		conds = append(conds, "categories @> ARRAY["+a.add(text(f.Category))+"::text]")
	}
	if f.ID != "" {
		conds = append(conds, "id = "+a.add(f.ID))
	}
	if !f.AfterTime.IsZero() {
		conds = append(conds, "("+stamp+", id) > ("+a.add(f.AfterTime)+", "+a.add(f.AfterID)+")")
	}
	return conds
}

// recordCount returns how many records f admits when f selects the whole
// archive, a collection, a category or an id, and -1 otherwise: to count a
// list bounded by dates would cost each page of a harvest the whole list.
func recordCount(ctx context.Context, tx pgx.Tx, f fonds.RecordFilter) (int, error) {
	filters := 0
	for _, set := range []bool{!f.From.IsZero() || !f.Until.IsZero(), f.Collection != "", f.Category != "", f.ID != ""} {
		if set {
			filters++
		}
	}
	if filters > 1 || !f.From.IsZero() || !f.Until.IsZero() {
		return -1, nil
	}
	var a args
	conds := recordConditions(fonds.RecordFilter{Collection: f.Collection, Category: f.Category, ID: f.ID}, "", &a)
	// The public documents of the archive or of a collection are read
	// from their counts; those of a category or an id, and the deletions,
	// counted through their indexes.
	published := `SELECT count(*) FROM documents` + where(append([]string{"status = 'published'"}, conds...)...)
	if f.Category == "" && f.ID == "" {
		published = `SELECT coalesce(sum(n), 0) FROM document_counts
			WHERE collection = ` + a.add(f.Collection) + ` AND year = -1 AND month = -1 AND access = 'published'`
	}
	q := `SELECT (` + published + `) +
		(SELECT count(*) FROM deletions` + where(append([]string{"NOT EXISTS (SELECT 1 FROM documents p WHERE p.id = deletions.id AND p.status = 'published')"}, conds...)...) + `)`
	var n int
	err := tx.QueryRow(ctx, q, a...).Scan(&n)
	return n, err
}

// Categories returns the categories of the public documents, sorted.
func (s *Store) Categories(ctx context.Context) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT c COLLATE "C" FROM documents, unnest(categories) c
		WHERE status = 'published' ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("postgres: categories: %w", translate(err))
	}
	cats, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: categories: %w", translate(err))
	}
	if cats == nil {
		cats = []string{}
	}
	return cats, nil
}

// EarliestDatestamp returns the datestamp of the oldest record, or the zero
// time when there is none.
func (s *Store) EarliestDatestamp(ctx context.Context) (time.Time, error) {
	var t *time.Time
	err := s.db.QueryRow(ctx, `SELECT least(
		(SELECT min(updated) FROM documents WHERE status = 'published'),
		(SELECT min(datestamp) FROM deletions d
			WHERE NOT EXISTS (SELECT 1 FROM documents WHERE id = d.id AND status = 'published')))`).Scan(&t)
	if err != nil {
		return time.Time{}, fmt.Errorf("postgres: earliest datestamp: %w", translate(err))
	}
	if t == nil {
		return time.Time{}, nil
	}
	return t.UTC(), nil
}
