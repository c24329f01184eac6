package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
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
	// Thousands of long whole values, which a tsvector of one chunk could
	// not hold.
	many := fondstest.IndexDocument("many", "1980", "A document of many categories.")
	for i := range 5000 {
		many.Categories = append(many.Categories, fmt.Sprintf("%d.%s", i, strings.Repeat("x", 250)))
	}
	many.Hash = many.ContentHash()
	if err := ix.Put(ctx, many); err != nil {
		t.Fatalf("Put of many categories: %v", err)
	}
	if res, err := ix.Search(ctx, fonds.SearchRequest{Query: "category:4999"}); err != nil || res.Total != 1 {
		t.Errorf("Search(category:4999) = %+v, %v, want the document of many categories", res, err)
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

// TestSearchPutConcurrent puts versions of one document, and of documents
// sharing words, from several goroutines at once: every Put succeeds, and
// the index holds one of the versions, whole.
func TestSearchPutConcurrent(t *testing.T) {
	ctx := context.Background()
	ix := openTestIndex(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 8 {
				d := fondstest.IndexDocument("same", "1980", fmt.Sprintf("Version %d of writer %d about grain, word%d.", i, g, g))
				other := fondstest.IndexDocument(fmt.Sprintf("other-%d-%d", g, i), "1981", "Another report about grain.")
				if err := ix.Put(ctx, d, other); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Put: %v", err)
	}
	res, err := ix.Search(ctx, fonds.SearchRequest{Query: "version"})
	if err != nil || res.Total != 1 {
		t.Fatalf("Search(version) = %+v, %v, want the one document", res, err)
	}
	if res, _ := ix.Search(ctx, fonds.SearchRequest{Query: "grain", Limit: 100}); res.Total != 65 {
		t.Errorf("Search(grain).Total = %d, want 65", res.Total)
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
