package sqlite_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fonds"
	"fonds/fondstest"
	"fonds/sqlite"
)

func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	return s
}

func TestStore(t *testing.T) {
	fondstest.TestStore(t, func(t *testing.T) fonds.Store {
		return open(t, filepath.Join(t.TempDir(), "fonds.db"))
	})
}

// rawDB opens the database file directly, for what the store keeps private.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("sql.Open(%s) = %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// unpackBodies writes the bodies in the database at path as they were
// written before they were packed, for a test that copies them into a
// database of an earlier version.
func unpackBodies(t *testing.T, path string) {
	t.Helper()
	if err := sqlite.UnpackBodies(rawDB(t, path)); err != nil {
		t.Fatal(err)
	}
}

// versions returns the versions recorded in schema_migrations, in order.
func versions(t *testing.T, path string) []int {
	t.Helper()
	rows, err := rawDB(t, path).Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestMigrations(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations = %v, %v, want some", files, err)
	}
	var want []int
	for i := range files {
		want = append(want, i+1)
	}
	if got := sqlite.SchemaVersion(); got != len(files) {
		t.Errorf("SchemaVersion() = %d, want %d, one a migration file", got, len(files))
	}

	// The folder is made; a fresh database gets every version.
	path := filepath.Join(t.TempDir(), "new", "folder", "fonds.db")
	open(t, path).Close()
	if got := versions(t, path); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("versions of a new database = %v, want %v", got, want)
	}

	// Reopening applies nothing and keeps the data.
	s := open(t, path)
	ctx := context.Background()
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutDocument(ctx, fondstest.NewDocument("doc", "1977-05-19")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var applied string
	if err := rawDB(t, path).QueryRow(`SELECT group_concat(applied) FROM schema_migrations`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	if _, err := s.Document(ctx, "doc"); err != nil {
		t.Errorf("Document(doc) after reopening = %v", err)
	}
	s.Close()
	var again string
	if err := rawDB(t, path).QueryRow(`SELECT group_concat(applied) FROM schema_migrations`).Scan(&again); err != nil {
		t.Fatal(err)
	}
	if got := versions(t, path); fmt.Sprint(got) != fmt.Sprint(want) || again != applied {
		t.Errorf("after reopening, versions %v applied %s, want %v applied %s", got, again, want, applied)
	}

	// A database from a newer program is refused, and left alone.
	future := len(files) + 1
	if _, err := rawDB(t, path).Exec(`INSERT INTO schema_migrations (version, applied) VALUES (?, 'later')`, future); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(path)
	if err == nil {
		s.Close()
		t.Fatalf("Open(database of version %d) = nil error, want one", future)
	}
	if !strings.Contains(err.Error(), fmt.Sprint(future)) || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open(database of version %d) = %v, want an error naming the version as newer", future, err)
	}
	if got := versions(t, path); len(got) != len(want)+1 {
		t.Errorf("versions after a refused open = %v, want %v and %d", got, want, future)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "text.db")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"", notDB, filepath.Join(file, "under-a-file.db")} {
		s, err := sqlite.Open(path)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) = nil error, want one", path)
		}
	}
}

// TestOpenUnusualPath opens a database whose path has characters that mean
// something in a URI.
func TestOpenUnusualPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a folder?x=1#y", "fonds 100%.db")
	s := open(t, path)
	defer s.Close()
	if err := s.PutCollection(context.Background(), fonds.Collection{Slug: "c", Title: "C"}); err != nil {
		t.Fatalf("PutCollection = %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file: %v", err)
	}
}

// TestTwoStoresOneFile writes through two stores on one file at once, as
// two processes would (a server and an import): their write transactions
// take the lock from the start, so neither fails on the other's lock.
func TestTwoStoresOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fonds.db")
	a, b := open(t, path), open(t, path)
	defer a.Close()
	defer b.Close()
	ctx := context.Background()
	if err := a.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	const each = 20
	errs := make(chan error, 2*each)
	var wg sync.WaitGroup
	for name, s := range map[string]*sqlite.Store{"a": a, "b": b} {
		wg.Go(func() {
			for i := range each {
				// Both change the shared document, each adds its own.
				shared := fondstest.NewDocument("shared", "1977-05-19")
				shared.Summary = fmt.Sprintf("Written by %s, %d.", name, i)
				for _, d := range []*fonds.Document{shared, fondstest.NewDocument(fmt.Sprintf("%s-%d", name, i), "1977")} {
					if _, err := s.PutDocument(ctx, d); err != nil {
						errs <- fmt.Errorf("store %s: PutDocument(%s) = %v", name, d.ID, err)
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if _, total, err := a.Documents(ctx, fonds.Filter{}); err != nil || total != 2*each+1 {
		t.Errorf("Documents() = total %d, %v, want %d", total, err, 2*each+1)
	}
	revs, err := b.Revisions(ctx, "shared")
	if err != nil || len(revs) != 2*each-1 {
		t.Errorf("Revisions(shared) = %d, %v, want %d", len(revs), err, 2*each-1)
	}
}

// crashEnv names the environment variable that makes TestCrashWriter, run
// in a child process, write documents to the database it names.
const crashEnv = "FONDS_SQLITE_CRASH_DB"

// TestCrashWriter is not a test of its own: TestCrash runs it in a child
// process, which puts and changes documents until it is killed, telling on
// stdout each one it has committed.
func TestCrashWriter(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("runs only as the child process of TestCrash")
	}
	s := open(t, path)
	ctx := context.Background()
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	// Bounded, so that a child whose parent died stops by itself.
	for i := range 100000 {
		d := fondstest.NewFullDocument(fmt.Sprintf("doc-%03d", i%50), "1977-05-19")
		d.Summary = fmt.Sprintf("Version %d.", i)
		if _, err := s.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("put %d\n", i)
	}
}

// TestCrash kills a process in the middle of writing, and checks that the
// database it leaves is whole: every transaction is all there or not at all.
func TestCrash(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the child process")
	}
	path := filepath.Join(t.TempDir(), "fonds.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once it has committed enough to have made revisions.
	const enough = 120
	committed := 0
	lines := bufio.NewScanner(out)
	for committed < enough && lines.Scan() {
		if strings.HasPrefix(lines.Text(), "put ") {
			committed++
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill the writer: %v", err)
	}
	cmd.Wait()
	if committed < enough {
		t.Fatalf("the writer stopped after %d documents, before it was killed", committed)
	}

	// The database opens and SQLite finds it whole.
	s := open(t, path)
	defer s.Close()
	db := rawDB(t, path)
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v, want ok", check, err)
	}
	var fk int
	if err := db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil || fk != 0 {
		t.Errorf("foreign_key_check found %d violations, %v", fk, err)
	}

	// Every document is whole: its stored hash is the hash of what it says.
	ctx := context.Background()
	docs, total, err := s.Documents(ctx, fonds.Filter{})
	if err != nil {
		t.Fatalf("Documents() = %v", err)
	}
	if total != 50 || len(docs) != 50 {
		t.Errorf("Documents() = %d documents, total %d, want 50", len(docs), total)
	}
	revisions := 0
	for _, d := range docs {
		if d.Hash != d.ContentHash() {
			t.Errorf("document %s: Hash %s, want its ContentHash %s", d.ID, d.Hash, d.ContentHash())
		}
		var hash string
		if err := db.QueryRow(`SELECT hash FROM documents WHERE id = ?`, d.ID).Scan(&hash); err != nil || hash != d.Hash {
			t.Errorf("document %s: hash column %q, %v, want %s", d.ID, hash, err, d.Hash)
		}
		revs, err := s.Revisions(ctx, d.ID)
		if err != nil {
			t.Errorf("Revisions(%s) = %v", d.ID, err)
		}
		for _, r := range revs {
			if r.Hash != r.Document.ContentHash() || r.Hash != r.Document.Hash {
				t.Errorf("revision %d of %s: Hash %s, want its document's ContentHash %s", r.N, d.ID, r.Hash, r.Document.ContentHash())
			}
		}
		revisions += len(revs)
	}
	// Each put after the first fifty left a revision. The writer may have
	// committed more than the parent read before killing it.
	if puts := len(docs) + revisions; puts < committed {
		t.Errorf("%d documents and %d revisions, want at least the %d puts the writer told", len(docs), revisions, committed)
	}
}

func TestPutDocumentErrors(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "fonds.db"))
	defer s.Close()
	ctx := context.Background()
	_, err := s.PutDocument(ctx, fondstest.NewDocument("doc", "1977-05-19"))
	if !errors.Is(err, fonds.ErrInvalid) || !strings.Contains(err.Error(), fondstest.Collection) {
		t.Errorf("PutDocument(in a missing collection) = %v, want %v naming the collection", err, fonds.ErrInvalid)
	}
	if _, err := s.PutDocument(ctx, nil); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutDocument(nil) = %v, want %v", err, fonds.ErrInvalid)
	}
}

// BenchmarkPutDocument puts documents of a real record's size and shape:
// new ones, changed ones (each keeping a revision) and unchanged ones.
func BenchmarkPutDocument(b *testing.B) {
	for _, bb := range []struct {
		name   string
		result fonds.PutResult
	}{
		{"Added", fonds.Added},
		{"Updated", fonds.Updated},
		{"Unchanged", fonds.Unchanged},
	} {
		b.Run(bb.name, func(b *testing.B) {
			s := open(b, filepath.Join(b.TempDir(), "fonds.db"))
			defer s.Close()
			ctx := context.Background()
			if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
				b.Fatal(err)
			}
			d := fondstest.NewFullDocument("1977-05-19-st-12-34", "1977-05-19")
			if _, err := s.PutDocument(ctx, d); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				switch bb.result {
				case fonds.Added:
					d.ID = fmt.Sprintf("doc-%d", i)
				case fonds.Updated:
					d.Summary = fmt.Sprintf("Version %d.", i)
				}
				res, err := s.PutDocument(ctx, d)
				if err != nil || res != bb.result {
					b.Fatalf("PutDocument(%s) = %q, %v, want %q", d.ID, res, err, bb.result)
				}
			}
		})
	}
}

// BenchmarkDocument reads a document of a real record's size and shape
// from a store of a thousand, by one reader and by several at once.
func BenchmarkDocument(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "fonds.db"))
	defer s.Close()
	ctx := context.Background()
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		b.Fatal(err)
	}
	const n = 1000
	for i := range n {
		d := fondstest.NewFullDocument(fmt.Sprintf("doc-%04d", i), fmt.Sprintf("%d-05-19", 1900+i%100))
		if _, err := s.PutDocument(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if _, err := s.Document(ctx, fmt.Sprintf("doc-%04d", i%n)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i++
				if _, err := s.Document(ctx, fmt.Sprintf("doc-%04d", i%n)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// fill puts n documents into s, in collection fondstest.Collection, which it
// creates, each changed once so that it has a revision.
func fill(t testing.TB, s *sqlite.Store, prefix string, n int) {
	t.Helper()
	ctx := context.Background()
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		d := fondstest.NewDocument(fmt.Sprintf("%s-%d", prefix, i), "1977-05-19")
		if _, err := s.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
		d.Summary = "Changed."
		if _, err := s.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
}

// verify returns what Verify reports of s.
func verify(t *testing.T, s *sqlite.Store) (int, []string) {
	t.Helper()
	var problems []string
	n, err := s.Verify(context.Background(), func(p string) { problems = append(problems, p) })
	if err != nil {
		t.Fatalf("Verify() = %v", err)
	}
	return n, problems
}

// TestVerifyFindsDamage changes a byte of stored text behind the store's
// back, in a current version and in a revision kept as JSON (as a store
// wrote them before bodies were packed), and cuts the end of a packed body,
// and checks that Verify names each.
func TestVerifyFindsDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fonds.db")
	s := open(t, path)
	defer s.Close()
	fill(t, s, "doc", 3)
	if n, problems := verify(t, s); n != 6 || len(problems) != 0 {
		t.Fatalf("Verify() = %d, %q, want 6 and no problems", n, problems)
	}
	db := rawDB(t, path)
	if err := sqlite.UnpackBodies(db, "doc-1", "doc-2"); err != nil {
		t.Fatal(err)
	}
	if n, problems := verify(t, s); n != 6 || len(problems) != 0 {
		t.Fatalf("Verify() of bodies unpacked = %d, %q, want 6 and no problems", n, problems)
	}
	for _, q := range []string{
		`UPDATE documents SET body = replace(body, 'Changed.', 'Chanced.') WHERE id = 'doc-1'`,
		`UPDATE revisions SET body = replace(body, 'first paragraph', 'first paragrapH') WHERE document_id = 'doc-2' AND n = 1`,
		`UPDATE documents SET packed = substr(packed, 1, length(packed) - 4) WHERE id = 'doc-0'`,
	} {
		if res, err := db.Exec(q); err != nil {
			t.Fatal(err)
		} else if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("%s changed %d rows, want 1", q, n)
		}
	}
	n, problems := verify(t, s)
	if n != 6 || len(problems) != 3 {
		t.Fatalf("Verify() after damage = %d, %q, want 6 and three problems", n, problems)
	}
	for i, want := range []string{`document "doc-0", current version`, `document "doc-1", current version`, `document "doc-2", revision 1`} {
		if !strings.HasPrefix(problems[i], want) {
			t.Errorf("Verify() problem %d = %q, want it to start %q", i, problems[i], want)
		}
	}
}

// TestMigrationFillsSums opens a database of schema version 4, with
// documents and revisions, and checks that the migration gives it counts,
// changes and checksums that agree with what it holds.
func TestMigrationFillsSums(t *testing.T) {
	dir := t.TempDir()
	// The documents, written by the current store.
	src := filepath.Join(dir, "src.db")
	s := open(t, src)
	fill(t, s, "doc", 5)
	d := fondstest.NewDocument("draft", "")
	d.Status = fonds.StatusDraft
	d.Categories = []string{"hidden"}
	if _, err := s.PutDocument(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	filed := fondstest.NewDocument("doc-1", "1977-05-19")
	filed.Summary = "Changed."
	filed.Categories = []string{"5", "2.1", "5"}
	if _, err := s.PutDocument(context.Background(), filed); err != nil {
		t.Fatal(err)
	}
	// Documents whose briefs the migration makes: one with texts and
	// pages, one with neither; and a deletion.
	full := fondstest.NewFullDocument("full", "1977-05-19")
	full.Collection = "other"
	bare := fondstest.NewDocument("bare", "")
	bare.Witnesses = nil
	gone := fondstest.NewDocument("gone", "")
	gone.Categories = []string{"7"}
	if err := s.PutCollection(context.Background(), fonds.Collection{Slug: "other", Title: "Other"}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*fonds.Document{full, bare, gone} {
		if _, err := s.PutDocument(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteDocument(context.Background(), "gone"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	unpackBodies(t, src)

	// A database of version 4 holding them.
	old := filepath.Join(dir, "old.db")
	db := rawDB(t, old)
	files, err := filepath.Glob(filepath.Join("migrations", "000[1-4]_*.sql"))
	if err != nil || len(files) != 4 {
		t.Fatalf("migrations 1 to 4 = %v, %v", files, err)
	}
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(b)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL) STRICT;
			INSERT INTO schema_migrations VALUES (?, 'then')`, i+1); err != nil {
			t.Fatal(err)
		}
	}
	const cols = `id, collection, date_start, date_end, year, month, status, title, hash, origin, created, updated, body`
	if _, err := db.Exec(`ATTACH ? AS src;
		INSERT INTO collections SELECT * FROM src.collections;
		INSERT INTO documents (`+cols+`) SELECT `+cols+` FROM src.documents;
		INSERT INTO revisions (document_id, n, hash, created, body) SELECT document_id, n, hash, created, body FROM src.revisions;
		INSERT INTO deletions (id, collection, datestamp, categories) SELECT id, collection, datestamp, categories FROM src.deletions;
		-- A deletion of a document published again, which the migration drops.
		INSERT INTO deletions (id, collection, datestamp) VALUES ('doc-2', 'test', '2000-01-01T00:00:00.000000000Z');
		DETACH src`, src); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s = open(t, old)
	defer s.Close()
	ctx := context.Background()
	if n, problems := verify(t, s); n != 15 || len(problems) != 0 {
		t.Errorf("Verify() after the migration = %d, %q, want 15 and no problems", n, problems)
	}
	if cats, err := s.Categories(ctx); err != nil || fmt.Sprint(cats) != "[2.1 5]" {
		t.Errorf("Categories() after the migration = %v, %v, want [2.1 5]", cats, err)
	}
	if _, total, err := s.Documents(ctx, fonds.Filter{}); err != nil || total != 8 {
		t.Errorf("Documents() total = %d, %v, want 8", total, err)
	}
	// The briefs the migration made are those the store writes.
	all, _, err := s.Documents(ctx, fonds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	briefs, _, err := s.Documents(ctx, fonds.Filter{Brief: true})
	if err != nil || len(briefs) != len(all) {
		t.Fatalf("Documents(brief) = %d documents, %v, want %d", len(briefs), err, len(all))
	}
	for i, d := range all {
		want, _ := json.Marshal(d.Brief())
		got, _ := json.Marshal(briefs[i])
		if string(got) != string(want) {
			t.Errorf("brief of %s after the migration =\n%s\nwant\n%s", d.ID, got, want)
		}
	}
	// The counts of deletions: gone's, not doc-2's.
	for _, tt := range []struct {
		f    fonds.RecordFilter
		want int
	}{
		{fonds.RecordFilter{}, 8},
		{fonds.RecordFilter{Collection: fondstest.Collection}, 7},
		{fonds.RecordFilter{Category: "7"}, 1},
		{fonds.RecordFilter{Category: "5"}, 2},
	} {
		if _, total, err := s.Records(ctx, tt.f); err != nil || total != tt.want {
			t.Errorf("Records(%+v) total = %d, %v, want %d", tt.f, total, err, tt.want)
		}
	}
	if _, total, err := s.Documents(ctx, fonds.Filter{Published: true, Year: 1977, Month: 5}); err != nil || total != 6 {
		t.Errorf("Documents(published, May 1977) total = %d, %v, want 6", total, err)
	}
	if c, err := s.Collection(ctx, fondstest.Collection); err != nil || c.Count != 6 {
		t.Errorf("Collection(%s) = %+v, %v, want Count 6", fondstest.Collection, c, err)
	}
	if cs, err := s.Changes(ctx, 0, 100); err != nil || len(cs) != 8 {
		t.Errorf("Changes(0) = %v, %v, want the 8 documents", cs, err)
	}
}

// TestMigrationFillsEditing copies documents into a database of version 8,
// as the store kept them before editing (status the document's own, no
// versions), among them a restricted one and one under embargo, both
// public then; and checks that the migration gives them their history,
// hides both, tells harvesters so, and lets Release publish the embargoed.
func TestMigrationFillsEditing(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	src := filepath.Join(dir, "src.db")
	s := open(t, src)
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	pub := fondstest.NewDocument("pub", "1977-05-18")
	res := fondstest.NewDocument("res", "1977-05-19")
	res.Restricted = true
	emb := fondstest.NewDocument("emb", "1977-05-20")
	emb.Embargo = "2100-01-01"
	gone := fondstest.NewDocument("gone", "1977-05-21")
	for _, d := range []*fonds.Document{pub, res, emb, gone} {
		if _, err := s.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	first := *pub
	pub.Summary = "Changed."
	if _, err := s.PutDocument(ctx, pub); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDocument(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	unpackBodies(t, src)

	old := filepath.Join(dir, "old.db")
	db := rawDB(t, old)
	files, err := filepath.Glob(filepath.Join("migrations", "000[1-8]_*.sql"))
	if err != nil || len(files) != 8 {
		t.Fatalf("migrations 1 to 8 = %v, %v", files, err)
	}
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(b)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL) STRICT;
			INSERT INTO schema_migrations VALUES (?, 'then')`, i+1); err != nil {
			t.Fatal(err)
		}
	}
	const cols = `id, collection, date_start, date_end, year, month, title, hash, origin, created, updated, body, sha256, categories`
	if _, err := db.Exec(`ATTACH ? AS src;
		INSERT INTO collections SELECT * FROM src.collections;
		INSERT INTO documents (`+cols+`, status) SELECT `+cols+`, json_extract(body, '$.status') FROM src.documents;
		INSERT INTO document_briefs SELECT * FROM src.document_briefs;
		INSERT INTO revisions (document_id, n, hash, created, body, sha256)
			SELECT document_id, n, hash, created, body, sha256 FROM src.revisions;
		INSERT INTO deletions (id, collection, datestamp, categories) SELECT id, collection, datestamp, categories FROM src.deletions;
		DETACH src`, src); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s = open(t, old)
	defer s.Close()
	if n, problems := verify(t, s); n != 5 || len(problems) != 0 {
		t.Errorf("Verify() after the migration = %d, %q, want 5 and no problems", n, problems)
	}
	vs, err := s.History(ctx, "pub")
	if err != nil || len(vs) != 2 || vs[0].Hash != first.Hash || !vs[0].Saved.Equal(first.Updated) ||
		vs[0].Status != fonds.StatusPublished || vs[0].Current || !vs[1].Current || !vs[1].Saved.Equal(pub.Updated) {
		t.Errorf("History(pub) after the migration = %+v, %v, want its two versions, saved %v and %v", vs, err, first.Updated, pub.Updated)
	}
	if vs, err := s.History(ctx, "gone"); err != nil || len(vs) != 1 || !vs[0].Deleted || vs[0].Current {
		t.Errorf("History(gone) after the migration = %+v, %v, want one version, deleted", vs, err)
	}
	for _, tt := range []struct {
		f    fonds.Filter
		want string
	}{
		{fonds.Filter{Published: true}, "[pub]"},
		{fonds.Filter{Published: true, Restricted: true}, "[pub res]"},
		{fonds.Filter{Status: fonds.StatusPublished}, "[pub res emb]"},
	} {
		docs, total, err := s.Documents(ctx, tt.f)
		var ids []string
		for _, d := range docs {
			ids = append(ids, d.ID)
		}
		if err != nil || fmt.Sprint(ids) != tt.want || total != len(docs) {
			t.Errorf("Documents(%+v) after the migration = %v (%d), %v, want %s", tt.f, ids, total, err, tt.want)
		}
	}
	cs, err := s.Collections(ctx, fonds.Filter{Published: true, Restricted: true})
	if err != nil || len(cs) != 1 || cs[0].Count != 2 {
		t.Errorf("Collections(published, restricted) after the migration = %+v, %v, want a count of 2", cs, err)
	}
	recs, total, err := s.Records(ctx, fonds.RecordFilter{})
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%s %v", r.ID, r.Deleted))
	}
	slices.Sort(got)
	if want := "[emb true gone true pub false res true]"; err != nil || fmt.Sprint(got) != want || total != 4 {
		t.Errorf("Records() after the migration = %v (%d), %v, want %s", got, total, err, want)
	}
	if n, err := s.Release(ctx, end); err != nil || n != 1 {
		t.Errorf("Release(%v) = %d, %v, want 1", end, n, err)
	}
	if recs, _, err := s.Records(ctx, fonds.RecordFilter{ID: "emb"}); err != nil || len(recs) != 1 || recs[0].Deleted || !recs[0].Datestamp.Equal(end) {
		t.Errorf("Records(emb) after Release = %+v, %v, want it published at %v", recs, err, end)
	}
	if n, problems := verify(t, s); n != 5 || len(problems) != 0 {
		t.Errorf("Verify() after Release = %d, %q, want 5 and no problems", n, problems)
	}
}

// TestBackup backs up a store while another writes to it, and checks that
// the backup is a whole database that holds what was committed before it
// began, and that no temporary file is left.
func TestBackup(t *testing.T) {
	dir := t.TempDir()
	s := open(t, filepath.Join(dir, "data", "fonds.db"))
	defer s.Close()
	fill(t, s, "doc", 20)
	ctx := context.Background()

	out := filepath.Join(dir, "backups")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(out, "fonds.db")
	if err := os.WriteFile(target, []byte("an older backup"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		var err error
		for i := range 50 {
			if _, err = s.PutDocument(ctx, fondstest.NewDocument(fmt.Sprintf("during-%d", i), "1980")); err != nil {
				break
			}
		}
		done <- err
	}()
	for range 3 {
		if err := s.Backup(ctx, target); err != nil {
			t.Fatalf("Backup(%s) = %v", target, err)
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("PutDocument during the backup = %v", err)
	}
	entries, err := os.ReadDir(out)
	if err != nil || len(entries) != 1 || entries[0].Name() != "fonds.db" {
		t.Errorf("backup folder holds %v, %v, want only fonds.db", entries, err)
	}

	b := open(t, target)
	defer b.Close()
	if n, problems := verify(t, b); n < 40 || len(problems) != 0 {
		t.Errorf("Verify(backup) = %d, %q, want at least 40 versions and no problems", n, problems)
	}
	docs, total, err := b.Documents(ctx, fonds.Filter{})
	if err != nil || total < 20 || total != len(docs) {
		t.Errorf("Documents(backup) = %d, total %d, %v, want at least 20, as many as counted", len(docs), total, err)
	}

	// A backup into a folder that does not exist fails, and leaves nothing.
	if err := s.Backup(ctx, filepath.Join(dir, "missing", "fonds.db")); err == nil {
		t.Errorf("Backup(into a missing folder) = nil error")
	}
}

// TestOpenReadOnly reads a database through OpenReadOnly, and checks that
// every write is refused with fonds.ErrReadOnly and that the file is not
// changed.
func TestOpenReadOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fonds.db")
	w := open(t, path)
	fill(t, w, "doc", 3)
	ctx := context.Background()
	if err := w.PutSetting(ctx, "title", "Archive"); err != nil {
		t.Fatal(err)
	}

	r, err := sqlite.OpenReadOnly(path)
	if err != nil {
		t.Fatalf("OpenReadOnly(%s) = %v", path, err)
	}
	defer r.Close()
	if _, total, err := r.Documents(ctx, fonds.Filter{}); err != nil || total != 3 {
		t.Errorf("Documents() read-only = total %d, %v, want 3", total, err)
	}
	// It follows what the writer writes.
	if _, err := w.PutDocument(ctx, fondstest.NewDocument("later", "1980")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Document(ctx, "later"); err != nil {
		t.Errorf("Document(later) read-only, after the writer put it = %v", err)
	}
	if v, err := r.Setting(ctx, "title"); err != nil || v != "Archive" {
		t.Errorf("Setting(title) read-only = %q, %v, want Archive", v, err)
	}
	w.Close()

	sum := func() string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%x", sha256.Sum256(b))
	}
	before := sum()
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"PutCollection", r.PutCollection(ctx, fonds.Collection{Slug: "new", Title: "New"})},
		{"PutDocument", func() error { _, err := r.PutDocument(ctx, fondstest.NewDocument("new", "1977")); return err }()},
		{"DeleteDocument", r.DeleteDocument(ctx, "doc-1")},
		{"PutSetting", r.PutSetting(ctx, "title", "Other")},
	} {
		if !errors.Is(tt.err, fonds.ErrReadOnly) {
			t.Errorf("%s on a read-only store = %v, want %v", tt.name, tt.err, fonds.ErrReadOnly)
		}
	}
	if n, problems := verify(t, r); n != 7 || len(problems) != 0 {
		t.Errorf("Verify() read-only = %d, %q, want 7 and no problems", n, problems)
	}
	if err := r.Backup(ctx, filepath.Join(dir, "backup.db")); err != nil {
		t.Errorf("Backup() of a read-only store = %v", err)
	}
	if after := sum(); after != before {
		t.Errorf("the database file changed under a read-only store")
	}

	for _, bad := range []string{filepath.Join(dir, "missing.db"), dir, ""} {
		if s, err := sqlite.OpenReadOnly(bad); err == nil {
			s.Close()
			t.Errorf("OpenReadOnly(%q) = nil error, want one", bad)
		}
		if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
			t.Errorf("OpenReadOnly(%q) made a file", bad)
		}
	}
}

// TestNoSpace fills a database to its page limit, and checks that the write
// that does not fit fails with fonds.ErrNoSpace, and leaves the database
// whole, with everything written before it.
func TestNoSpace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fonds.db")
	s, err := sqlite.Open(path, sqlite.MaxPageCount(200))
	if err != nil {
		t.Fatalf("Open(MaxPageCount(200)) = %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	put := 0
	for ; put < 1000; put++ {
		_, err = s.PutDocument(ctx, fondstest.NewFullDocument(fmt.Sprintf("doc-%d", put), "1977-05-19"))
		if err != nil {
			break
		}
	}
	if !errors.Is(err, fonds.ErrNoSpace) {
		t.Fatalf("PutDocument after %d documents = %v, want %v", put, err, fonds.ErrNoSpace)
	}
	if put == 0 {
		t.Fatalf("the first PutDocument failed: the limit is too small for the test")
	}
	if err := s.PutSetting(ctx, "big", strings.Repeat("x", 1<<20)); !errors.Is(err, fonds.ErrNoSpace) {
		t.Errorf("PutSetting(1 MB) on a full database = %v, want %v", err, fonds.ErrNoSpace)
	}
	if _, total, err := s.Documents(ctx, fonds.Filter{}); err != nil || total != put {
		t.Errorf("Documents() of a full database = total %d, %v, want %d", total, err, put)
	}
	if n, problems := verify(t, s); n != put || len(problems) != 0 {
		t.Errorf("Verify() of a full database = %d, %q, want %d and no problems", n, problems, put)
	}
}

// writerEnv names the environment variable that makes TestChildWriter, run
// in a child process, write documents to the database it names.
const writerEnv = "FONDS_SQLITE_WRITER_DB"

// writerCount is how many documents the child writer adds.
const writerCount = 150

// TestChildWriter is not a test of its own: TestTwoProcesses runs it in a
// child process, which adds documents and changes a shared one.
func TestChildWriter(t *testing.T) {
	path := os.Getenv(writerEnv)
	if path == "" {
		t.Skip("runs only as the child process of TestTwoProcesses")
	}
	s := open(t, path)
	defer s.Close()
	ctx := context.Background()
	for i := range writerCount {
		for _, d := range []*fonds.Document{fondstest.NewDocument(fmt.Sprintf("child-%d", i), "1977"), fondstest.NewDocument("shared", "1977")} {
			d.Summary = fmt.Sprintf("Written by the child, %d.", i)
			if _, err := s.PutDocument(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestTwoProcesses writes to one database from this process and a child at
// once, reading as it goes, and checks that neither fails and nothing is
// lost: every document is there, counted and in the change feed.
func TestTwoProcesses(t *testing.T) {
	if os.Getenv(writerEnv) != "" {
		t.Skip("in the child process")
	}
	path := filepath.Join(t.TempDir(), "fonds.db")
	s := open(t, path)
	defer s.Close()
	ctx := context.Background()
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), writerEnv+"="+path)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Start writing once the child has, so that the two write at once.
	for i := 0; ; i++ {
		if seq, err := s.LastChange(ctx); err != nil || seq > 0 {
			break
		}
		if i == 3000 {
			cmd.Wait()
			t.Fatalf("the child wrote nothing:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	var seen int64
	ids := make(map[string]bool)
	follow := func() {
		cs, err := s.Changes(ctx, seen, 50)
		if err != nil {
			t.Errorf("Changes(%d) = %v", seen, err)
			return
		}
		for _, c := range cs {
			ids[c.ID] = true
			seen = c.Seq
		}
	}
	for i := range writerCount {
		for _, d := range []*fonds.Document{fondstest.NewDocument(fmt.Sprintf("parent-%d", i), "1980"), fondstest.NewDocument("shared", "1977")} {
			d.Summary = fmt.Sprintf("Written by the parent, %d.", i)
			if _, err := s.PutDocument(ctx, d); err != nil {
				t.Fatalf("PutDocument(%s) = %v", d.ID, err)
			}
		}
		if _, _, err := s.Documents(ctx, fonds.Filter{Limit: 10}); err != nil {
			t.Errorf("Documents() = %v", err)
		}
		follow()
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child writer: %v\n%s", err, out.String())
	}
	for {
		n := len(ids)
		follow()
		if len(ids) == n {
			break
		}
	}

	want := 2*writerCount + 1
	if _, total, err := s.Documents(ctx, fonds.Filter{}); err != nil || total != want {
		t.Errorf("Documents() total = %d, %v, want %d", total, err, want)
	}
	if docs, _, err := s.Documents(ctx, fonds.Filter{}); err != nil || len(docs) != want {
		t.Errorf("Documents() = %d documents, %v, want %d", len(docs), err, want)
	}
	if revs, err := s.Revisions(ctx, "shared"); err != nil || len(revs) != 2*writerCount-1 {
		t.Errorf("Revisions(shared) = %d, %v, want %d", len(revs), err, 2*writerCount-1)
	}
	if len(ids) != want {
		t.Errorf("the change feed named %d documents, want %d", len(ids), want)
	}
	if n, problems := verify(t, s); n != want+2*writerCount-1 || len(problems) != 0 {
		t.Errorf("Verify() = %d, %q, want %d and no problems", n, problems, want+2*writerCount-1)
	}
}

// TestRecordCounts checks that the sizes of harvest lists the counts can
// tell are told, exactly, and that the others are not (-1): counting a list
// bounded by dates would cost each of its pages the whole list.
func TestRecordCounts(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "fonds.db"))
	defer s.Close()
	ctx := context.Background()
	for _, c := range []string{"a", "b"} {
		if err := s.PutCollection(ctx, fonds.Collection{Slug: c, Title: c}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		d := fondstest.NewDocument(fmt.Sprintf("d%d", i), "1977-05-19")
		d.Collection = []string{"a", "b"}[i%2]
		d.Categories = [][]string{{"1"}, {"1", "2"}, nil}[i%3]
		if _, err := s.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
		switch i % 4 {
		case 1: // withdrawn
			d.Status = fonds.StatusDraft
			if _, err := s.PutDocument(ctx, d); err != nil {
				t.Fatal(err)
			}
		case 2:
			if err := s.DeleteDocument(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	// d0-d9 are all records: published or withdrawn. Of a: d0 d2 d4 d6 d8;
	// under 1: all but d2 d5 d8; under 2: d1 d4 d7.
	for _, tt := range []struct {
		f    fonds.RecordFilter
		want int
	}{
		{fonds.RecordFilter{}, 10},
		{fonds.RecordFilter{Limit: 1}, 10},
		{fonds.RecordFilter{Collection: "a"}, 5},
		{fonds.RecordFilter{Collection: "c"}, 0},
		{fonds.RecordFilter{Category: "1"}, 7},
		{fonds.RecordFilter{Category: "2"}, 3},
		{fonds.RecordFilter{ID: "d1"}, 1},
		{fonds.RecordFilter{ID: "d1", Collection: "a"}, -1},
		{fonds.RecordFilter{From: time.Unix(1, 0)}, -1},
		{fonds.RecordFilter{Until: time.Now().Add(time.Hour), Collection: "a"}, -1},
		{fonds.RecordFilter{Collection: "a", Category: "1"}, -1},
	} {
		recs, total, err := s.Records(ctx, tt.f)
		if err != nil || total != tt.want {
			t.Errorf("Records(%+v) total = %d, %v, want %d", tt.f, total, err, tt.want)
		}
		if tt.want >= 0 && tt.f.Limit == 0 && len(recs) != tt.want {
			t.Errorf("Records(%+v) = %d records, want %d", tt.f, len(recs), tt.want)
		}
	}
}

// TestPackedBodies checks that a store keeps bodies packed, smaller than
// their JSON; that one written before packing (JSON in body) reads the
// same, in a document, a list and a revision; and that its next save packs
// it.
func TestPackedBodies(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fonds.db")
	s := open(t, path)
	defer s.Close()
	fill(t, s, "doc", 2)
	db := rawDB(t, path)
	var plain, packed int
	if err := db.QueryRow(`SELECT sum(length(CAST(body AS BLOB))), sum(length(packed)) FROM documents`).Scan(&plain, &packed); err != nil {
		t.Fatal(err)
	}
	if plain != 0 || packed == 0 {
		t.Fatalf("bodies: %d bytes as JSON, %d packed; want all packed", plain, packed)
	}
	read := func() (*fonds.Document, []*fonds.Document, []fonds.Revision) {
		t.Helper()
		d, err := s.Document(ctx, "doc-1")
		if err != nil {
			t.Fatal(err)
		}
		list, _, err := s.Documents(ctx, fonds.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		revs, err := s.Revisions(ctx, "doc-1")
		if err != nil {
			t.Fatal(err)
		}
		return d, list, revs
	}
	d, list, revs := read()
	if err := sqlite.UnpackBodies(db); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT sum(length(CAST(body AS BLOB))), coalesce(sum(length(packed)), 0) FROM documents`).Scan(&plain, &packed); err != nil {
		t.Fatal(err)
	}
	if plain <= packed || packed != 0 {
		t.Fatalf("bodies unpacked: %d bytes as JSON, %d packed", plain, packed)
	}
	d2, list2, revs2 := read()
	if !reflect.DeepEqual(d, d2) || !reflect.DeepEqual(list, list2) || !reflect.DeepEqual(revs, revs2) {
		t.Fatalf("a body kept as JSON reads otherwise than packed:\n%+v\n%+v", d, d2)
	}
	if n, problems := verify(t, s); n != 4 || len(problems) != 0 {
		t.Fatalf("Verify() of bodies as JSON = %d, %q", n, problems)
	}
	d2.Summary = "Changed again."
	if _, err := s.PutDocument(ctx, d2); err != nil {
		t.Fatal(err)
	}
	var kept string
	if err := db.QueryRow(`SELECT CAST(body AS TEXT) || '|' || typeof(packed) FROM documents WHERE id = 'doc-1'`).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if kept != "|blob" {
		t.Errorf("body after a save = %q, want it packed", kept)
	}
	if n, problems := verify(t, s); n != 5 || len(problems) != 0 {
		t.Fatalf("Verify() after the save = %d, %q", n, problems)
	}
}
