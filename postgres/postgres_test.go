package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/postgres"

	"github.com/jackc/pgx/v5"
)

// newDatabase creates an empty database, dropped when the test ends, and
// returns its URL (see testDatabase).
func newDatabase(t testing.TB) string { return postgres.TestDatabase(t) }

// open opens a store on a new database, closed when the test ends.
func open(t testing.TB) (*postgres.Store, string) {
	t.Helper()
	dbURL := newDatabase(t)
	s, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dbURL
}

func schemaVersions(t *testing.T, dbURL string) []int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestOpen(t *testing.T) {
	s, dbURL := open(t)
	s.Close()
	// Opened again, a migrated database is left as it is.
	s, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("Open() again = %v", err)
	}
	s.Close()
	vs := schemaVersions(t, dbURL)
	if len(vs) != postgres.SchemaVersion() || vs[len(vs)-1] != postgres.SchemaVersion() {
		t.Errorf("schema_migrations = %v, want 1 to %d once each", vs, postgres.SchemaVersion())
	}
}

// TestOpenConcurrent opens one new database from several stores at once,
// as servers started together do: each migration is applied once.
func TestOpenConcurrent(t *testing.T) {
	dbURL := newDatabase(t)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), dbURL)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open() %d of %d at once = %v", i+1, n, err)
		}
	}
	if vs := schemaVersions(t, dbURL); len(vs) != postgres.SchemaVersion() {
		t.Errorf("schema_migrations = %v, want 1 to %d once each", vs, postgres.SchemaVersion())
	}
}

func TestOpenNewer(t *testing.T) {
	_, dbURL := open(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES (9999)`); err != nil {
		t.Fatal(err)
	}
	if s, err := postgres.Open(ctx, dbURL); err == nil {
		s.Close()
		t.Errorf("Open() of a database of a newer schema = nil error")
	}
}

func TestOpenBadURL(t *testing.T) {
	if _, err := postgres.Open(context.Background(), "postgres://%zz"); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("Open(bad URL) = %v, want %v", err, fonds.ErrInvalid)
	}
}

func TestStore(t *testing.T) {
	fondstest.TestStore(t, func(t *testing.T) fonds.Store {
		s, _ := open(t)
		return s
	})
}

func TestUserStore(t *testing.T) {
	fondstest.TestUserStore(t, func(t *testing.T) fonds.UserStore {
		s, _ := open(t)
		return s
	})
}

// TestDerive checks that a store opened on a database whose links were
// derived by other rules (an older program) derives them again from the
// documents.
func TestDerive(t *testing.T) {
	ctx := context.Background()
	s, dbURL := open(t)
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} {
		if _, err := s.PutDocument(ctx, fondstest.NewFullDocument(id, "1977-05-19")); err != nil {
			t.Fatal(err)
		}
	}
	want, err := s.Entities(ctx, fonds.EntityFilter{})
	if err != nil || len(want) == 0 {
		t.Fatalf("Entities() = %v, %v, want some", want, err)
	}
	s.Close()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{`DELETE FROM mentions`, `DELETE FROM entity_names`, `DELETE FROM entity_authorities`,
		`DELETE FROM entities`, `UPDATE settings SET value = '0' WHERE name = 'entity.version'`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s, err = postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("Open() again = %v", err)
	}
	defer s.Close()
	if got, err := s.Entities(ctx, fonds.EntityFilter{}); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Entities() derived again = %+v, %v, want %+v", got, err, want)
	}
}

// TestCountsFilled checks that the migration that adds the counts of
// documents fills them from the documents already stored.
func TestCountsFilled(t *testing.T) {
	ctx := context.Background()
	s, dbURL := open(t)
	for _, c := range []string{"a", "b"} {
		if err := s.PutCollection(ctx, fonds.Collection{Slug: c, Title: c}); err != nil {
			t.Fatal(err)
		}
	}
	for i, date := range []string{"1977-05-19", "1977-06-01", "1978", "", "1977-05-20"} {
		d := fondstest.NewDocument(fmt.Sprintf("d%d", i), date)
		d.Collection = []string{"a", "b"}[i%2]
		switch i {
		case 1:
			d.Status = fonds.StatusDraft
		case 2:
			d.Restricted = true
		}
		if _, err := s.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	type view struct {
		Collections []fonds.Collection
		Dates       []fonds.DateCount
		Total       int
	}
	read := func(s *postgres.Store) []view {
		var vs []view
		for _, f := range []fonds.Filter{{}, {Published: true}, {Published: true, Restricted: true}, {Year: 1977}, {ExceptCollection: "a"}} {
			var v view
			var err error
			if v.Collections, err = s.Collections(ctx, f); err != nil {
				t.Fatal(err)
			}
			if v.Dates, err = s.DateCounts(ctx, f); err != nil {
				t.Fatal(err)
			}
			if _, v.Total, err = s.Documents(ctx, f); err != nil {
				t.Fatal(err)
			}
			vs = append(vs, v)
		}
		return vs
	}
	want := read(s)
	s.Close()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP TABLE document_counts; DELETE FROM schema_migrations WHERE version = 3`); err != nil {
		t.Fatal(err)
	}
	s, err = postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("Open() again = %v", err)
	}
	defer s.Close()
	if got := read(s); !reflect.DeepEqual(got, want) {
		t.Errorf("counts filled by the migration = %+v, want %+v", got, want)
	}
}

// TestTwoStores saves one document from two stores on one database at
// once, as two servers behind one address do: every save is kept as its
// own version, and each store's change feed and history show the other's
// writes.
func TestTwoStores(t *testing.T) {
	ctx := context.Background()
	a, dbURL := open(t)
	b, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	const saves = 20
	var wg sync.WaitGroup
	for i := range saves {
		s := []*postgres.Store{a, b}[i%2]
		wg.Go(func() {
			d := fondstest.NewDocument("shared", "1977-05-19")
			d.Title = fmt.Sprintf("Save %d", i)
			if _, err := s.SaveDocument(ctx, d, fonds.Save{Author: fmt.Sprintf("server%d", i%2)}); err != nil {
				t.Errorf("save %d: SaveDocument(shared) = %v", i, err)
			}
		})
	}
	wg.Wait()
	for name, s := range map[string]*postgres.Store{"a": a, "b": b} {
		if vs, err := s.History(ctx, "shared"); err != nil || len(vs) != saves {
			t.Errorf("store %s: History(shared) = %d versions, %v, want %d", name, len(vs), err, saves)
		}
		if cs, err := s.Changes(ctx, 0, 10); err != nil || len(cs) != 1 || cs[0].ID != "shared" {
			t.Errorf("store %s: Changes(0) = %+v, %v, want shared once", name, cs, err)
		}
		if es, err := s.AuditEntries(ctx, 0, 100); err != nil || len(es) != saves {
			t.Errorf("store %s: AuditEntries(0) = %d entries, %v, want %d", name, len(es), err, saves)
		}
	}
	if c, err := b.Collection(ctx, fondstest.Collection); err != nil || c.Count != 1 {
		t.Errorf("Collection(%s) = %+v, %v, want a count of 1", fondstest.Collection, c, err)
	}
}
