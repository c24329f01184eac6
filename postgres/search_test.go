package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fonds"
	"fonds/fondstest"
)

// openTestIndex returns the index of a new, empty database.
func openTestIndex(t *testing.T) fonds.Index {
	t.Helper()
	s, err := Open(context.Background(), testDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ix, err := s.Index()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestSearchIndex(t *testing.T) {
	fondstest.TestIndex(t, openTestIndex)
}

func TestSearchRelevance(t *testing.T) {
	ix := openTestIndex(t)
	defer ix.Close()
	fondstest.TestRelevance(t, ix)
}

// TestSearchHostile checks that no query typed, however malformed, long or
// wide, makes a search fail but by its timeout, and that a long element is
// indexed in chunks and found.
func TestSearchHostile(t *testing.T) {
	ctx := context.Background()
	ix := openTestIndex(t)
	long := strings.Repeat("wheat barley oats rye ", 5000) + "quinoa"
	d := fondstest.IndexDocument("long", "1980", long)
	if err := ix.Put(ctx, fondstest.IndexCorpus()...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, d); err != nil {
		t.Fatalf("Put of a long text: %v", err)
	}
	res, err := ix.Search(ctx, fonds.SearchRequest{Query: "quinoa", Highlight: true})
	if err != nil || len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Snippet, "<mark>quinoa</mark>") {
		t.Errorf("Search(quinoa) = %+v, %v, want the long document with quinoa marked", res, err)
	}
	queries := []string{
		`a*`, `*`, `"`, `'`, `\`, `''''`, `a' | b`, `x:y:z`, `ref:*`, `ref:"`, `category:`, `title:"`,
		`from:abc`, `to:1977-13`, `year:99999`, `decade:x`, strings.Repeat("a~ ", 200), strings.Repeat("(", 300),
		strings.Repeat("x", 5000) + "~", "\x00", "é*~2", `"` + strings.Repeat("the ", 300) + `"`, "-a -b -c",
		"OR OR OR", "lang:", "person:*", "credit:~", "Pb 56/68*", strings.Repeat("сахаров* ", 100),
	}
	for _, q := range queries {
		_, err := ix.Search(ctx, fonds.SearchRequest{Query: q, Highlight: true, Facets: fonds.AllFacets})
		if err != nil && !errors.Is(err, fonds.ErrInvalid) && !errors.Is(err, fonds.ErrTimeout) {
			t.Errorf("Search(%.40q): %v, want results or an invalid request", q, err)
		}
	}
}

// FuzzSearch searches the contract corpus for any query: no error but a
// refused request or a timeout.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{"Sakharov", `"human rights"`, "dissid*", "ambasadors~", "ref:Pb", "-x OR y", "year:1977 to:1980"} {
		f.Add(q)
	}
	ctx := context.Background()
	s, err := Open(ctx, testDatabase(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	ix, err := s.Index()
	if err != nil {
		f.Fatal(err)
	}
	if err := ix.Put(ctx, fondstest.IndexCorpus()...); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, err := ix.Search(ctx, fonds.SearchRequest{Query: q, Highlight: true, Facets: fonds.AllFacets})
		if err != nil && !errors.Is(err, fonds.ErrInvalid) && !errors.Is(err, fonds.ErrTimeout) {
			t.Errorf("Search(%q): %v", q, err)
		}
	})
}
