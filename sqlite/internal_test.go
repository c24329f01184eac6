package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/fondstest"
	"fonds/internal/stored"
	"fonds/internal/testenv"
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
		{"read", s.read, "mmap_size", "1073741824"},
		{"read", s.read, "cache_size", "-8192"},
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
	const released = "released = 1"
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
		{released},
		{released, "collection = 'a'"},
		{released, "year = 1977"},
		{released, "year = 1977", "month = 5"},
		{"state = 'review'"},
		{"state = 'review'", "collection = 'a'"},
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
	// Lists of briefs, and lists continued after a document.
	for _, f := range []fonds.Filter{
		{Published: true, Brief: true},
		{Published: true, Collection: "a", After: "x", Brief: true},
		{Published: true, Year: 1977, Month: 5, After: "x", Brief: true},
		{Published: true, Order: fonds.ByAdded, After: "x", Brief: true},
		{Published: true, After: "x"},
		{After: "x"},
		{Order: fonds.ByAdded, After: "x"},
		{Published: true, Restricted: true, Brief: true},
		{Published: true, Restricted: true, Order: fonds.ByAdded, After: "x", Brief: true},
		{Published: true, Restricted: true, Collection: "a", After: "x", Brief: true},
		{Status: fonds.StatusReview, Brief: true},
		{Status: fonds.StatusWithdrawn, Collection: "a", After: "x", Brief: true},
		{Held: fonds.HeldEmbargoed, Order: fonds.ByAdded, Brief: true},
		{Held: fonds.HeldEmbargoed, Order: fonds.ByAdded, After: "x", Brief: true},
		{Held: fonds.HeldRestricted, Order: fonds.ByAdded, After: "x", Brief: true},
	} {
		conds, args := conditions(f)
		order := dateOrder
		if f.Order == fonds.ByAdded {
			order = "created DESC, id DESC"
			if f.After != "" {
				conds = append(conds, "(created, id) < ('2000', 'x')")
			}
		} else if f.After != "" {
			conds = append(conds, "(undated, date_start, id) > (0, '1977-05-19', 'x')")
		}
		qs = append(qs, query{bind(`SELECT `+column(f.Brief)+` FROM documents`+where(conds...)+` ORDER BY `+order+` LIMIT 20`, args), "INDEX"})
	}
	// The pages of harvests, which sort the two pages they merge.
	var merged []query
	for _, f := range []fonds.RecordFilter{
		{},
		{Collection: "a"},
		{AfterTime: time.Unix(1e9, 0), AfterID: "x"},
		{Collection: "a", AfterTime: time.Unix(1e9, 0), AfterID: "x"},
		{From: time.Unix(1e9, 0), Until: time.Unix(2e9, 0)},
	} {
		q, args := recordsQuery(f, 101)
		merged = append(merged, query{bind(q, args), "INDEX"})
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
		query{`SELECT body FROM documents WHERE ` + released + ` ORDER BY created DESC, id DESC LIMIT 20`, "documents_released_by_added"},
		query{`SELECT body FROM documents WHERE ` + released + ` AND year = 1977 AND month = 5 ORDER BY ` + dateOrder + ` LIMIT 20`, "documents_released_by_month"},
		query{bind(releaseQuery("id, embargo_at")+` ORDER BY embargo_at`, []any{"2030"}), "documents_embargoed"},
		query{bind(releaseQuery("count(*)"), []any{"2030"}), "documents_embargoed"},
		query{`SELECT n, hash, saved, author, message, status, deleted FROM versions WHERE document_id = 'x' ORDER BY n`, "PRIMARY KEY (document_id=?)"},
		query{`SELECT CAST(body AS BLOB) FROM revisions WHERE document_id = 'x' AND n = 3`, "PRIMARY KEY (document_id=? AND n=?)"},
		query{`SELECT seq, time, user_name, address, action, target, detail FROM audit WHERE seq > 5 ORDER BY seq LIMIT 100`, "INTEGER PRIMARY KEY"},
	)
	// The counts of a filter by status, read through the index of status.
	for _, f := range []fonds.Filter{{Status: fonds.StatusReview}, {Status: fonds.StatusDraft, Year: 1977, Month: 5}} {
		q, args := countQuery(f, "")
		qs = append(qs, query{bind(q, args), "documents_by_state"})
		q, args = countQuery(f, "'a'")
		// documents_by_state_collection or documents_by_state_number,
		// both by status and collection.
		qs = append(qs, query{bind(q, args), "(state=? AND collection=?)"})
	}
	// The work page's lists of one status, the newest first, read
	// through their index in that order.
	for _, st := range []fonds.Status{fonds.StatusDraft, fonds.StatusReview, fonds.StatusWithdrawn} {
		f := fonds.Filter{Status: st, Order: fonds.ByAdded, Brief: true}
		conds, args := conditions(f)
		qs = append(qs, query{bind(`SELECT `+column(true)+` FROM documents`+where(conds...)+` ORDER BY created DESC, id DESC LIMIT 50`, args), "documents_by_state_added"})
		qs = append(qs, query{bind(`SELECT `+column(true)+` FROM documents`+where(append(conds, "(created, id) < ('2000', 'x')")...)+` ORDER BY created DESC, id DESC LIMIT 50`, args), "documents_by_state_added"})
	}
	// The lists and counts of held documents, read through their own
	// indexes.
	for _, h := range []fonds.Held{fonds.HeldEmbargoed, fonds.HeldRestricted} {
		idx := "documents_held_" + string(h)
		f := fonds.Filter{Held: h, Order: fonds.ByAdded, Brief: true}
		conds, args := conditions(f)
		qs = append(qs, query{bind(`SELECT `+column(true)+` FROM documents`+where(append(conds, "(created, id) < ('2000', 'x')")...)+` ORDER BY created DESC, id DESC LIMIT 50`, args), idx})
		q, args := countQuery(f, "")
		qs = append(qs, query{bind(q, args), idx})
	}
	// The stamps a search index is compared with, read from their
	// index, not from the rows that hold the bodies.
	for _, f := range []fonds.Filter{{}, {Published: true}, {Published: true, Restricted: true}} {
		conds, args := conditions(f)
		qs = append(qs, query{bind(`SELECT id, hash, updated FROM documents`+where(conds...), args), "COVERING INDEX documents_stamps"})
	}
	// The counts, as the store asks for them.
	for _, f := range []fonds.Filter{{}, {Published: true}, {Collection: "a"}, {Published: true, Year: 1977}, {Year: 1977, Month: 5, Collection: "a"},
		{Published: true, Restricted: true}, {Published: true, Restricted: true, Year: 1977, Collection: "a"}} {
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
	check := func(q query, sorts int) {
		t.Helper()
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
		scan := false
		for _, table := range []string{"documents", "deletions"} {
			scan = scan || strings.Count(p, "SCAN "+table) > strings.Count(p, "SCAN "+table+" USING")
		}
		if !strings.Contains(p, q.want) || strings.Count(p, "TEMP B-TREE") > sorts || scan {
			t.Errorf("plan of %s = %s, want %s and neither a sort of more than a page nor a scan of the table", q.q, p, q.want)
		}
	}
	for _, q := range qs {
		check(q, 0)
	}
	for _, q := range merged {
		check(q, 2)
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

// TestPutAllocations puts a document of some megabytes and counts what the
// put allocates: one encoding of the document and little besides, not two
// encodings, a copy of the body as a string, and the stored version read
// and decoded.
func TestPutAllocations(t *testing.T) {
	if testenv.Race {
		t.Skip("the race detector allocates besides, and empties pools at random")
	}
	s, err := Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	d := fondstest.NewFullDocument("big", "1977-05-19")
	for range 9 {
		d.Witnesses[0].Text = append(d.Witnesses[0].Text, d.Witnesses[0].Text...)
	}
	body, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	size := uint64(len(body))
	for _, tt := range []struct {
		name string
		edit func()
		want fonds.PutResult
	}{
		{"added", func() {}, fonds.Added},
		{"unchanged", func() {}, fonds.Unchanged},
		{"updated", func() { d.Summary = "Changed." }, fonds.Updated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.edit()
			var before, after runtime.MemStats
			// Two collections empty the pools, encoding/json's among
			// them: the encoding starts from nothing, as it may.
			runtime.GC()
			runtime.GC()
			runtime.ReadMemStats(&before)
			res, err := s.PutDocument(ctx, d)
			runtime.ReadMemStats(&after)
			if err != nil || res != tt.want {
				t.Fatalf("PutDocument(%s) = %v, %v, want %v", tt.name, res, err, tt.want)
			}
			// One encoding: the buffer that grows to hold it, by doubling
			// (about three times the body in all), and the body copied
			// out of it. Before, a put allocated 7 to 10 times the body.
			// Besides, the links derived from its texts (package entity:
			// its mentions and citations) cost about five times the body.
			got := after.TotalAlloc - before.TotalAlloc
			if limit := 11 * size; got > limit {
				t.Errorf("PutDocument(%s) of %d KB allocated %d KB, want at most %d KB", tt.name, size>>10, got>>10, limit>>10)
			}
		})
	}
}

// TestAuditBounds checks that the audit log and the versions keep no more
// of a text than their bounds, however long the text given.
func TestAuditBounds(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	long := strings.Repeat("ж", 100000)
	e := fonds.AuditEntry{User: long, Address: long, Action: long, Target: long, Detail: long}
	if err := s.Audit(ctx, &e); err != nil {
		t.Fatal(err)
	}
	es, err := s.AuditEntries(ctx, 0, 1)
	if err != nil || len(es) != 1 {
		t.Fatalf("AuditEntries(0, 1) = %v, %v", es, err)
	}
	for _, f := range []struct {
		name string
		v    string
		max  int
	}{{"User", es[0].User, stored.MaxName}, {"Address", es[0].Address, stored.MaxName}, {"Action", es[0].Action, stored.MaxName},
		{"Target", es[0].Target, stored.MaxTarget}, {"Detail", es[0].Detail, stored.MaxDetail}} {
		if len(f.v) > f.max || len(f.v) < f.max-4 {
			t.Errorf("AuditEntry.%s kept %d bytes of %d, want at most %d", f.name, len(f.v), len(long), f.max)
		}
	}
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveDocument(ctx, fondstest.NewDocument("doc", "1977-05-19"), fonds.Save{Author: long, Message: long}); err != nil {
		t.Fatal(err)
	}
	vs, err := s.History(ctx, "doc")
	if err != nil || len(vs) != 1 || len(vs[0].Author) > stored.MaxName || len(vs[0].Message) > stored.MaxDetail {
		t.Errorf("History(doc) = %d versions, %v, want one with its author and message bounded", len(vs), err)
	}
}

// UnpackBodies writes the bodies of the documents with the ids (every
// document when none is given), and of their revisions, as a store wrote
// them before bodies were packed: JSON in body, packed NULL.
func UnpackBodies(db *sql.DB, ids ...string) error {
	type row struct {
		id   string
		n    int // 0 for the document, n for its revision n
		body []byte
	}
	rows, err := db.Query(`SELECT id, 0, packed FROM documents WHERE packed IS NOT NULL
		UNION ALL SELECT document_id, n, packed FROM revisions WHERE packed IS NOT NULL`)
	if err != nil {
		return err
	}
	var todo []row
	for rows.Next() {
		var r row
		var packed []byte
		if err := rows.Scan(&r.id, &r.n, &packed); err != nil {
			rows.Close()
			return err
		}
		if len(ids) > 0 && !slices.Contains(ids, r.id) {
			continue
		}
		if r.body, err = unpack(packed); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, r)
	}
	rows.Close()
	for _, r := range todo {
		q, args := `UPDATE documents SET body = CAST(? AS TEXT), packed = NULL WHERE id = ?`, []any{r.body, r.id}
		if r.n > 0 {
			q = `UPDATE revisions SET body = CAST(? AS TEXT), packed = NULL WHERE document_id = ? AND n = ?`
			args = append(args, r.n)
		}
		if _, err := db.Exec(q, args...); err != nil {
			return err
		}
	}
	return nil
}
