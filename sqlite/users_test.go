package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/fondstest"
	"fonds/sqlite"
)

func TestUserStore(t *testing.T) {
	fondstest.TestUserStore(t, func(t *testing.T) fonds.UserStore {
		s := open(t, filepath.Join(t.TempDir(), "fonds.db"))
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close() = %v", err)
			}
		})
		return s
	})
}

// loginFailureRows returns how many failures the database holds in all.
func loginFailureRows(t *testing.T, path string) int {
	t.Helper()
	var n int
	if err := rawDB(t, path).QueryRow(`SELECT count(*) FROM login_failures`).Scan(&n); err != nil {
		t.Fatalf("count login_failures: %v", err)
	}
	return n
}

// TestLoginFailuresSweep checks that the failures of keys never asked about
// again are forgotten a few at a time by the calls about other keys, and
// only once they are older than the calls' since.
func TestLoginFailuresSweep(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fonds.db")
	s := open(t, path)
	defer s.Close()
	ctx := context.Background()
	past := time.Now().Add(-time.Hour)
	const keys = 40
	for i := range keys {
		if _, err := s.LoginFailures(ctx, past, true, fmt.Sprintf("addr:198.51.100.%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// Calls whose since is before them keep them all.
	for range 3 {
		if _, err := s.LoginFailures(ctx, past, false, "user:alice"); err != nil {
			t.Fatal(err)
		}
	}
	if n := loginFailureRows(t, path); n != keys {
		t.Fatalf("failures after calls about another key, all recent = %d, want %d", n, keys)
	}
	// One call whose since is after them forgets some, not all at once.
	future := time.Now().Add(time.Hour)
	if _, err := s.LoginFailures(ctx, future, false, "user:alice"); err != nil {
		t.Fatal(err)
	}
	if n := loginFailureRows(t, path); n == 0 || n == keys {
		t.Fatalf("failures after one call about another key, all old = %d, want between 0 and %d", n, keys)
	}
	for range keys {
		if _, err := s.LoginFailures(ctx, future, false, "user:alice"); err != nil {
			t.Fatal(err)
		}
	}
	if n := loginFailureRows(t, path); n != 0 {
		t.Errorf("failures after %d calls about another key, all old = %d, want 0", keys+1, n)
	}
}

// TestUsersPlans checks that what the user store asks reads its tables
// through an index, never the whole table: the cost of a sign-in and of
// every request's session does not grow with the sessions and failures
// kept.
func TestUsersPlans(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fonds.db")
	open(t, path).Close()
	db := rawDB(t, path)
	for _, q := range []string{
		`SELECT name FROM users WHERE name = 'alice'`,
		`SELECT id, user FROM sessions WHERE id = 'x'`,
		`DELETE FROM sessions WHERE user = 'alice'`,
		`DELETE FROM sessions WHERE seen < 'x'`,
		`DELETE FROM login_failures WHERE key = 'k' AND at < 'x'`,
		`SELECT count(*) FROM login_failures WHERE key = 'k' AND at >= 'x'`,
		`DELETE FROM login_failures WHERE rowid IN
			(SELECT rowid FROM login_failures WHERE at < 'x' ORDER BY at LIMIT 16)`,
	} {
		rows, err := db.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", q, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if strings.Count(p, "SCAN ") > strings.Count(p, "SCAN CONSTANT") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("plan of %s = %s, want neither a scan of a table nor a sort", q, p)
		}
	}
}

// TestUsersReadOnly checks that a read-only store reads users and sessions
// and refuses every write with fonds.ErrReadOnly.
func TestUsersReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fonds.db")
	w := open(t, path)
	ctx := context.Background()
	u := &fonds.User{Name: "alice", Role: fonds.RoleAdmin, PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA"}
	if err := w.PutUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	id := strings.Repeat("ab", 32)
	if err := w.PutSession(ctx, &fonds.Session{ID: id, User: "alice", CSRF: "c"}); err != nil {
		t.Fatal(err)
	}
	w.Close()

	r, err := sqlite.OpenReadOnly(path)
	if err != nil {
		t.Fatalf("OpenReadOnly(%s) = %v", path, err)
	}
	defer r.Close()
	if got, err := r.User(ctx, "alice"); err != nil || got.Role != fonds.RoleAdmin {
		t.Errorf("User(alice) read-only = %+v, %v, want the admin", got, err)
	}
	if us, err := r.Users(ctx); err != nil || len(us) != 1 {
		t.Errorf("Users() read-only = %d users, %v, want 1", len(us), err)
	}
	if _, err := r.Session(ctx, id); err != nil {
		t.Errorf("Session() read-only = %v", err)
	}
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"PutUser", r.PutUser(ctx, u)},
		{"PutSession", r.PutSession(ctx, &fonds.Session{ID: id, User: "alice", CSRF: "c"})},
		{"DeleteSessions", r.DeleteSessions(ctx, id, "", time.Time{})},
		{"LoginFailures", func() error { _, err := r.LoginFailures(ctx, time.Now(), true, "user:alice"); return err }()},
	} {
		if !errors.Is(tt.err, fonds.ErrReadOnly) {
			t.Errorf("%s on a read-only store = %v, want %v", tt.name, tt.err, fonds.ErrReadOnly)
		}
	}
}

// TestUsersFull checks that failed sign-ins recorded on a full disk are an
// error wrapping fonds.ErrNoSpace, and that the store still counts those it
// has.
func TestUsersFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fonds.db")
	open(t, path).Close()
	s, err := sqlite.Open(path, sqlite.MaxPageCount(1))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	since := time.Now().Add(-time.Hour)
	var full error
	for i := 0; i < 100000 && full == nil; i++ {
		_, full = s.LoginFailures(ctx, since, true, fmt.Sprintf("addr:%d:%s", i, strings.Repeat("x", 250)))
	}
	if !errors.Is(full, fonds.ErrNoSpace) {
		t.Fatalf("LoginFailures() on a full database = %v, want %v", full, fonds.ErrNoSpace)
	}
	if n, err := s.LoginFailures(ctx, since, false, "addr:0:"+strings.Repeat("x", 250)); err != nil || n != 1 {
		t.Errorf("LoginFailures(the first key) on a full database = %d, %v, want 1", n, err)
	}
}
