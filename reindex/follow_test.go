package reindex_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fonds"
	"fonds/bleve"
	"fonds/fondstest"
	"fonds/reindex"
	"fonds/sqlite"
)

// TestFollower writes to the store through a second connection, as another
// process would, and checks that each Step brings the index in step: added,
// changed, drafted and deleted documents.
func TestFollower(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "fonds.db")
	server, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	other, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ix, err := bleve.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := other.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	seq, err := server.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := reindex.NewFollower(server, ix, seq)
	put := func(d *fonds.Document) {
		t.Helper()
		if _, err := other.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	indexed := func() map[string]string {
		t.Helper()
		if err := f.Step(ctx); err != nil {
			t.Fatalf("Step: %v", err)
		}
		stamps, err := ix.Stamps(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return stamps
	}

	a := fondstest.NewDocument("a", "1970-01-02")
	b := fondstest.NewDocument("b", "1971-01-02")
	put(a)
	put(b)
	if got := indexed(); len(got) != 2 || got["a"] != a.Hash || got["b"] != b.Hash {
		t.Fatalf("after two adds, the index holds %v", got)
	}
	a.Title = "Changed"
	put(a)
	b.Status = fonds.StatusDraft
	put(b)
	if got := indexed(); len(got) != 1 || got["a"] != a.Hash {
		t.Fatalf("after a change and a draft, the index holds %v", got)
	}
	if err := other.DeleteDocument(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if got := indexed(); len(got) != 0 {
		t.Fatalf("after a delete, the index holds %v", got)
	}
	last, err := server.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if f.Seen() != last {
		t.Errorf("Seen() = %d, want the last change %d", f.Seen(), last)
	}
	// A step with nothing new changes nothing.
	if got := indexed(); len(got) != 0 || f.Seen() != last {
		t.Errorf("an idle step: index %v, seen %d", got, f.Seen())
	}
}

// TestFollowerManyChanges checks that a step reads a long feed in batches
// and misses none.
func TestFollowerManyChanges(t *testing.T) {
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
	f := reindex.NewFollower(store, ix, 0)
	const n = 1234
	for i := range n {
		d := fondstest.NewDocument(fmt.Sprintf("doc-%04d", i), "1977-05-19")
		if _, err := store.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Step(ctx); err != nil {
		t.Fatal(err)
	}
	stamps, err := ix.Stamps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(stamps) != n {
		t.Errorf("after one step over %d changes, %d indexed", n, len(stamps))
	}
}

// TestFollowerAccess checks what the follower indexes of each status: a
// restricted document (which only a search for restricted documents
// finds), no draft, document in review or withdrawn one, and a document
// under embargo only once the store has released it.
func TestFollowerAccess(t *testing.T) {
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
	f := reindex.NewFollower(store, ix, 0)
	put := func(d *fonds.Document) {
		t.Helper()
		if _, err := store.PutDocument(ctx, d); err != nil {
			t.Fatalf("PutDocument(%s): %v", d.ID, err)
		}
	}
	step := func() map[string]string {
		t.Helper()
		if err := f.Step(ctx); err != nil {
			t.Fatalf("Step: %v", err)
		}
		stamps, err := ix.Stamps(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return stamps
	}
	found := func(restricted bool) []string {
		t.Helper()
		res, err := ix.Search(ctx, fonds.SearchRequest{Restricted: restricted, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids)
		return ids
	}

	put(fondstest.NewDocument("public", "1970-01-02"))
	restricted := fondstest.NewDocument("restricted", "1971-01-02")
	restricted.Restricted = true
	put(restricted)
	for _, st := range []fonds.Status{fonds.StatusDraft, fonds.StatusReview} {
		d := fondstest.NewDocument(string(st), "1972-01-02")
		d.Status = st
		put(d)
	}
	withdrawn := fondstest.NewDocument("withdrawn", "1973-01-02")
	put(withdrawn)
	step()
	withdrawn.Status = fonds.StatusWithdrawn
	put(withdrawn)
	// An embargo a second away, whose end the test waits for.
	until := time.Now().Add(time.Second).Truncate(time.Second).Add(time.Second)
	embargoed := fondstest.NewDocument("embargoed", "1974-01-02")
	embargoed.Embargo = until.UTC().Format(time.RFC3339)
	put(embargoed)
	if _, err := store.Release(ctx, time.Now()); err != nil {
		t.Fatalf("Release: %v", err)
	}
	got := slices.Sorted(maps.Keys(step()))
	if want := []string{"public", "restricted"}; !slices.Equal(got, want) {
		t.Errorf("indexed %v, want %v", got, want)
	}
	if got, want := found(false), []string{"public"}; !slices.Equal(got, want) {
		t.Errorf("Search() = %v, want %v", got, want)
	}
	if got, want := found(true), []string{"public", "restricted"}; !slices.Equal(got, want) {
		t.Errorf("Search(Restricted) = %v, want %v", got, want)
	}

	time.Sleep(time.Until(until))
	n, err := store.Release(ctx, time.Now())
	if err != nil || n != 1 {
		t.Fatalf("Release after the embargo = %d, %v; want 1", n, err)
	}
	if got, want := found(false), []string{"public"}; !slices.Equal(got, want) {
		t.Fatalf("before the follower's step, Search() = %v, want %v", got, want)
	}
	step()
	if got, want := found(false), []string{"embargoed", "public"}; !slices.Equal(got, want) {
		t.Errorf("after Release and a step, Search() = %v, want %v", got, want)
	}
	want, err := store.Stamps(ctx, reindex.Released)
	if err != nil {
		t.Fatal(err)
	}
	if have := step(); len(have) != len(want) {
		t.Errorf("the index holds %v, the store releases %v", have, want)
	}
}
