package sqlite

import (
	"context"
	"fmt"

	"fonds"
	"fonds/internal/stored"
)

var _ fonds.SettingCreator = (*Store)(nil)

// CreateSetting stores value under name unless the setting is there, and
// returns the value it holds. The insert and the read are one statement,
// so of two processes on the database the second gets the first's value.
func (s *Store) CreateSetting(ctx context.Context, name, value string) (string, error) {
	if err := stored.CheckID("setting name", name); err != nil {
		return "", fmt.Errorf("sqlite: create setting: %w", err)
	}
	db, err := s.writer()
	if err != nil {
		return "", fmt.Errorf("sqlite: create setting %q: %w", name, err)
	}
	// The no-op update makes RETURNING give the row that was there.
	var v string
	err = db.QueryRowContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = settings.value RETURNING value`, name, value).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("sqlite: create setting %q: %w", name, translate(err))
	}
	return v, nil
}
