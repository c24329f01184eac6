package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
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
// through an index in their order, not sorted whole, and that every count
// is read from document_counts through its key: work that grows with the
// page and the number of collections or months, not with the archive.
func TestQueryPlans(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const published = "status = 'published'"
	type query struct {
		q    string
		want string // in the plan
	}
	var qs []query
	// The lists and neighbours of every filter the pages and the API use.
	for _, conds := range [][]string{
		nil,
		{published},
		{"collection = 'a'"},
		{published, "collection = 'a'"},
		{"year = 1977"},
		{published, "year = 1977"},
		{"year = 1977", "month = 5"},
		{published, "year = 1977", "month = 5"},
	} {
		w := where(conds...)
		and := where(append(conds, "(undated, date_start, id) > (0, '1977-05-19', 'x')")...)
		before := where(append(conds, "(undated, date_start, id) < (0, '1977-05-19', 'x')")...)
		qs = append(qs,
			query{`SELECT body FROM documents` + w + ` ORDER BY ` + dateOrder + ` LIMIT 20`, "INDEX"},
			query{`SELECT body FROM documents` + and + ` ORDER BY ` + dateOrder + ` LIMIT 1`, "INDEX"},
			query{`SELECT body FROM documents` + before + ` ORDER BY undated DESC, date_start DESC, id DESC LIMIT 1`, "INDEX"},
		)
	}
	qs = append(qs,
		query{`SELECT body FROM documents ORDER BY created DESC, id DESC LIMIT 20`, "INDEX"},
		query{`SELECT body FROM documents WHERE ` + published + ` ORDER BY created DESC, id DESC LIMIT 20`, "documents_published_by_added"},
		query{`SELECT body FROM documents WHERE ` + published + ` AND collection = 'a' ORDER BY ` + dateOrder + ` LIMIT 20`, "documents_published_by_collection"},
		query{`SELECT body FROM documents WHERE ` + published + ` AND year = 1977 ORDER BY ` + dateOrder + ` LIMIT 20`, "documents_published_by_year"},
		query{`SELECT body FROM documents WHERE ` + published + ` AND year = 1977 AND month = 5 ORDER BY ` + dateOrder + ` LIMIT 20`, "documents_published_by_month"},
		query{`SELECT seq, document_id FROM changes WHERE seq > 5 ORDER BY seq LIMIT 100`, "INTEGER PRIMARY KEY"},
		query{`SELECT coalesce(max(seq), 0) FROM changes`, "SEARCH changes"},
		query{earliestQuery, "deletions_by_datestamp"},
		query{`SELECT category FROM category_counts ORDER BY category`, "SCAN category_counts"},
	)
	// The counts, as the store asks for them.
	for _, f := range []fonds.Filter{{}, {Published: true}, {Collection: "a"}, {Published: true, Year: 1977}, {Year: 1977, Month: 5, Collection: "a"}} {
		conds, args := countConditions(f)
		q := `SELECT coalesce(sum(n), 0) FROM document_counts` + where(append([]string{"collection = ?"}, conds...)...)
		qs = append(qs, query{bind(q, append([]any{f.Collection}, args...)), "PRIMARY KEY (collection=? AND year=? AND month=?"})
		q = `SELECT c.slug, (SELECT sum(n) FROM document_counts` + where(append([]string{"collection = c.slug"}, conds...)...) + `) FROM collections c ORDER BY c.title, c.slug`
		qs = append(qs, query{bind(q, args), "PRIMARY KEY (collection=? AND year=? AND month=?"})
	}
	qs = append(qs,
		query{`SELECT c.slug, coalesce((SELECT n FROM document_counts WHERE collection = c.slug AND year = -1 AND month = -1 AND status = 'published'), 0) FROM collections c WHERE c.slug = 'a'`,
			"PRIMARY KEY (collection=? AND year=? AND month=? AND status=?)"},
		query{`SELECT year, month, sum(n) FROM document_counts WHERE collection = 'a' AND year > 0 AND month >= 0 AND ` + published + ` GROUP BY year, month ORDER BY year, month`,
			"PRIMARY KEY (collection=? AND year>?)"},
		query{`SELECT year, month, sum(n) FROM document_counts WHERE collection = '' AND year > 0 AND month >= 0 AND year = 1977 GROUP BY year, month ORDER BY year, month`,
			"PRIMARY KEY (collection=? AND year=? AND month>?)"},
	)
	for _, q := range qs {
		rows, err := s.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q.q)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", q.q, err)
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
		scan := strings.Contains(p, "SCAN documents") && !strings.Contains(p, "SCAN documents USING")
		if !strings.Contains(p, q.want) || strings.Contains(p, "TEMP B-TREE") || scan {
			t.Errorf("plan of %s = %s, want %s and neither a sort nor a scan of the table", q.q, p, q.want)
		}
	}
}

// bind writes the arguments into q in place of its placeholders, for
// EXPLAIN, which is run without them.
func bind(q string, args []any) string {
	for _, a := range args {
		v := fmt.Sprint(a)
		if s, ok := a.(string); ok {
			v = "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
		q = strings.Replace(q, "?", v, 1)
	}
	return q
}

// TestImmutable opens a database as OpenReadOnly does where its folder
// cannot be written, which a test run as root cannot make: it reads, refuses
// writes, and makes no file beside the database.
func TestImmutable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fonds.db")
	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := w.PutCollection(ctx, fonds.Collection{Slug: "c", Title: "C"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Closing the last connection checkpoints the log and removes it.
	before, err := os.ReadDir(dir)
	if err != nil || len(before) != 1 {
		t.Fatalf("folder after closing = %v, %v, want only the database", before, err)
	}

	s, err := openReadOnly(path, true)
	if err != nil {
		t.Fatalf("openReadOnly(immutable) = %v", err)
	}
	defer s.Close()
	if c, err := s.Collection(ctx, "c"); err != nil || c.Title != "C" {
		t.Errorf("Collection(c) immutable = %+v, %v", c, err)
	}
	if err := s.PutCollection(ctx, fonds.Collection{Slug: "d", Title: "D"}); !errors.Is(err, fonds.ErrReadOnly) {
		t.Errorf("PutCollection immutable = %v, want %v", err, fonds.ErrReadOnly)
	}
	// Even past the store's own check, SQLite refuses, and the refusal is
	// an ErrReadOnly.
	if _, err := s.read.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	_, err = s.read.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ('a', 'b')`)
	if err := translate(err); !errors.Is(err, fonds.ErrReadOnly) {
		t.Errorf("INSERT through an immutable connection = %v, want %v", err, fonds.ErrReadOnly)
	}
	after, err := os.ReadDir(dir)
	if err != nil || len(after) != 1 {
		t.Errorf("folder while open immutable = %v, %v, want only the database", after, err)
	}
}
