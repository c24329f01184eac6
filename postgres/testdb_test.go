package postgres

import (
	"testing"

	"fonds/internal/pgtest"
)

// testDatabase returns the URL of a PostgreSQL database of the test's own
// (see pgtest.Database).
func testDatabase(t testing.TB) string {
	t.Helper()
	return pgtest.Database(t)
}
