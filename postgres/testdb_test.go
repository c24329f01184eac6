package postgres

import (
	"net/url"
	"testing"

	"fonds/internal/pgtest"
)

// testDatabase returns the URL of a PostgreSQL database of the test's own
// (see pgtest.Database).
func testDatabase(t testing.TB) string {
	t.Helper()
	return pgtest.Database(t)
}

// TestNoJIT opens the store's connections without JIT compilation, unless
// the URL asks for it.
func TestNoJIT(t *testing.T) {
	ctx := t.Context()
	off := testDatabase(t)
	u, err := url.Parse(off)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("jit", "on")
	u.RawQuery = q.Encode()
	for _, c := range []struct{ url, want string }{{off, "off"}, {u.String(), "on"}} {
		s, err := Open(ctx, c.url)
		if err != nil {
			t.Fatal(err)
		}
		var jit string
		err = s.db.QueryRow(ctx, `SHOW jit`).Scan(&jit)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if jit != c.want {
			t.Errorf("%s: jit is %s, want %s", c.url, jit, c.want)
		}
	}
}
