package sqlite

import (
	"context"
	"fmt"

	"fonds"
	"fonds/internal/stored"
)

// Changes returns the changes with Seq greater than after, oldest first, at
// most limit.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]fonds.Change, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("sqlite: changes: %w: limit %d is not positive", fonds.ErrInvalid, limit)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT seq, document_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: changes: %w", translate(err))
	}
	defer rows.Close()
	cs := []fonds.Change{}
	for rows.Next() {
		var c fonds.Change
		if err := rows.Scan(&c.Seq, &c.ID); err != nil {
			return nil, fmt.Errorf("sqlite: changes: %w", err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: changes: %w", translate(err))
	}
	return cs, nil
}

// LastChange returns the Seq of the latest change, 0 when there is none. The
// latest change of a document replaces its earlier ones, so the largest Seq
// in the table is the latest given.
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("sqlite: last change: %w", translate(err))
	}
	return seq, nil
}

// Setting returns the value of the named setting, or fonds.ErrNotFound.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var v string
	if err := s.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v); err != nil {
		return "", fmt.Errorf("sqlite: setting %q: %w", name, translate(err))
	}
	return v, nil
}

// PutSetting sets the named setting to value.
func (s *Store) PutSetting(ctx context.Context, name, value string) error {
	if err := stored.CheckID("setting name", name); err != nil {
		return fmt.Errorf("sqlite: put setting: %w", err)
	}
	db, err := s.writer()
	if err != nil {
		return fmt.Errorf("sqlite: put setting %q: %w", name, err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	if err != nil {
		return fmt.Errorf("sqlite: put setting %q: %w", name, translate(err))
	}
	return nil
}
