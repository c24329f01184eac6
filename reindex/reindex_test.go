package reindex_test

import (
	"context"
	"path/filepath"
	"testing"

	"fonds"
	"fonds/bleve"
	"fonds/fondstest"
	"fonds/reindex"
	"fonds/sqlite"
)

// TestSync puts the store and the index out of step in every way a crash or
// an edit can, and checks that Sync brings them back.
func TestSync(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(filepath.Join(dir, "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ix, err := bleve.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := store.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	put := func(d *fonds.Document) {
		t.Helper()
		if _, err := store.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// In the store and the index: unchanged, changed later, drafted later,
	// deleted later. In the store only: a document the index never got.
	same := fondstest.NewDocument("same", "1970-01-02")
	changed := fondstest.NewDocument("changed", "1971-01-02")
	drafted := fondstest.NewDocument("drafted", "1972-01-02")
	deleted := fondstest.NewDocument("deleted", "1973-01-02")
	for _, d := range []*fonds.Document{same, changed, drafted, deleted} {
		put(d)
	}
	if rep, err := reindex.Sync(ctx, store, ix, nil); err != nil || rep.Indexed != 4 || rep.Removed != 0 {
		t.Fatalf("first Sync = %v, %v; want 4 indexed", rep, err)
	}
	changed.Title = "Changed title"
	put(changed)
	drafted.Status = fonds.StatusDraft
	put(drafted)
	if err := store.DeleteDocument(ctx, "deleted"); err != nil {
		t.Fatal(err)
	}
	put(fondstest.NewDocument("missing", "1974-01-02"))

	var calls int
	rep, err := reindex.Sync(ctx, store, ix, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Indexed != 2 || rep.Removed != 2 || rep.Total != 3 || calls == 0 {
		t.Errorf("Sync = %+v (progress called %d times), want 2 indexed (changed, missing), 2 removed, 3 in all", rep, calls)
	}
	stamps, err := ix.Stamps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := store.Stamps(ctx, reindex.Released)
	if err != nil {
		t.Fatal(err)
	}
	if len(stamps) != len(want) {
		t.Errorf("index stamps = %v, want %v", stamps, want)
	}
	for id, s := range want {
		if stamps[id] != s.Hash {
			t.Errorf("index holds %s at %q, want %q", id, stamps[id], s.Hash)
		}
	}
	if rep, err := reindex.Sync(ctx, store, ix, nil); err != nil || rep.Indexed != 0 || rep.Removed != 0 {
		t.Errorf("Sync of an index in step = %v, %v; want nothing done", rep, err)
	}
}
