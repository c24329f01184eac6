package postgres

import (
	"context"
	"fmt"

	"fonds"
	"fonds/internal/stored"
)

var _ fonds.SettingCreator = (*Store)(nil)

// CreateSetting stores value under name unless the setting is there, and
// returns the value it holds. Of servers starting at once, the insert of
// the first to commit stands: the others wait on its row, then update
// nothing and read it.
func (s *Store) CreateSetting(ctx context.Context, name, value string) (string, error) {
	if err := stored.CheckID("setting name", name); err != nil {
		return "", fmt.Errorf("postgres: create setting: %w", err)
	}
	// The no-op update makes RETURNING give the row that was there, which
	// DO NOTHING would not.
	var v []byte
	err := s.db.QueryRow(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = settings.value RETURNING value`, name, []byte(value)).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("postgres: create setting %q: %w", name, translate(err))
	}
	return string(v), nil
}
