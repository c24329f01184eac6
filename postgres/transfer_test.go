package postgres_test

import (
	"path/filepath"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/sqlite"
)

// TestTransfer moves a filled PostgreSQL store to SQLite and back.
func TestTransfer(t *testing.T) {
	fondstest.TestTransfer(t, func(t *testing.T) fonds.Store {
		s, _ := open(t)
		return s
	}, func(t *testing.T) fonds.Store {
		s, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
