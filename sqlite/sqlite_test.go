package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

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
