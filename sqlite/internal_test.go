package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestPragmas checks that the settings the DSN asks for reach every
// connection: a misspelt pragma in a DSN fails silently.
func TestPragmas(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tt := range []struct {
		pool   string
		db     *sql.DB
		pragma string
		want   string
	}{
		{"write", s.write, "journal_mode", "wal"},
		{"write", s.write, "foreign_keys", "1"},
		{"write", s.write, "synchronous", "1"}, // NORMAL
		{"write", s.write, "busy_timeout", fmt.Sprint(busyTimeout)},
		{"write", s.write, "query_only", "0"},
		{"read", s.read, "journal_mode", "wal"},
		{"read", s.read, "foreign_keys", "1"},
		{"read", s.read, "synchronous", "1"},
		{"read", s.read, "busy_timeout", fmt.Sprint(busyTimeout)},
		{"read", s.read, "query_only", "1"},
	} {
		var got string
		if err := tt.db.QueryRow("PRAGMA " + tt.pragma).Scan(&got); err != nil || got != tt.want {
			t.Errorf("%s connection: PRAGMA %s = %q, %v, want %q", tt.pool, tt.pragma, got, err, tt.want)
		}
	}
	if _, err := s.read.Exec(`DELETE FROM collections`); err == nil {
		t.Errorf("a write through a read connection succeeded, want an error")
	}
}

// TestQueryPlans checks that the lists the public pages ask for are read
// through an index in their order, not sorted whole.
func TestQueryPlans(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{
		`SELECT body FROM documents ORDER BY ` + dateOrder + ` LIMIT 20`,
		`SELECT body FROM documents WHERE status = 'published' ORDER BY ` + dateOrder + ` LIMIT 20`,
		`SELECT body FROM documents WHERE collection = 'a' ORDER BY ` + dateOrder + ` LIMIT 20`,
		`SELECT body FROM documents ORDER BY created DESC, id DESC LIMIT 20`,
		`SELECT body FROM documents WHERE status = 'published' AND (undated, date_start, id) > (0, '1977-05-19', 'x') ORDER BY ` + dateOrder + ` LIMIT 1`,
		`SELECT body FROM documents WHERE collection = 'a' AND (undated, date_start, id) < (0, '1977-05-19', 'x') ORDER BY undated DESC, date_start DESC, id DESC LIMIT 1`,
		`SELECT year, month, count(*) FROM documents WHERE year > 0 GROUP BY year, month ORDER BY year, month`,
	} {
		rows, err := s.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q)
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
		if !strings.Contains(p, "INDEX") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("plan of %s = %s, want an index and no sort", q, p)
		}
	}
}
