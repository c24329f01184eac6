package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/internal/pgtest"
	"fonds/postgres"
	"fonds/sqlite"
)

// TestTransfer moves a filled SQLite store to PostgreSQL and back.
func TestTransfer(t *testing.T) {
	fondstest.TestTransfer(t, func(t *testing.T) fonds.Store {
		s, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}, func(t *testing.T) fonds.Store {
		s, err := postgres.Open(context.Background(), pgtest.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
