package bleve

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fonds"
)

// varietyWords returns n distinct invented words of 3 to 10 letters,
// Latin and Cyrillic, so that every two-letter prefix begins hundreds of
// them: the vocabulary a prefix query expands over.
func varietyWords(n int, r *rand.Rand) []string {
	latin := []rune("abcdefghijklmnopqrstuvwxyz")
	cyrillic := []rune("абвгдежзиклмнопрстуфхцчшщыэюя")
	seen := make(map[string]bool, n)
	words := make([]string, 0, n)
	for len(words) < n {
		alpha := latin
		if len(words)%4 == 3 {
			alpha = cyrillic
		}
		w := make([]rune, 3+r.IntN(8))
		for i := range w {
			w[i] = alpha[r.IntN(len(alpha))]
		}
		if s := string(w); !seen[s] {
			seen[s] = true
			words = append(words, s)
		}
	}
	return words
}

// varietyDocuments returns n documents of about 300 words each drawn from
// a vocabulary of the given size.
func varietyDocuments(n, vocabulary int, seed uint64) []*fonds.Document {
	r := rand.New(rand.NewPCG(seed, 1))
	words := varietyWords(vocabulary, r)
	docs := make([]*fonds.Document, n)
	for i := range docs {
		var b strings.Builder
		for j := range 300 {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		d := &fonds.Document{
			ID:         fmt.Sprintf("var-%05d", i),
			Collection: "variety",
			Date:       fonds.Date{Start: "1977-01-01", End: "1977-01-01", Precision: fonds.PrecisionDay},
			Title:      words[r.IntN(len(words))] + " " + words[r.IntN(len(words))],
			Languages:  []string{"en"},
			Pages:      []fonds.Page{{N: 1}},
			Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal, Text: fonds.Text{{
				Kind:  fonds.BlockParagraph,
				Spans: []fonds.Span{{Kind: fonds.SpanPageBreak, Page: 1}, {Kind: fonds.SpanText, Text: b.String()}},
			}}}},
			Status: fonds.StatusPublished,
		}
		d.Hash = fmt.Sprintf("%064x", i)
		docs[i] = d
	}
	return docs
}

// widePrefixQuery returns 64 two-letter prefixes joined by OR.
func widePrefixQuery() string {
	var parts []string
	for i := range 64 {
		parts = append(parts, string(rune('a'+i/8))+string(rune('a'+i%8))+"*")
	}
	return strings.Join(parts, " OR ")
}

// bigDocument returns a published document of one page of about size bytes
// in which every other word is "committee".
func bigDocument(id string, size int) *fonds.Document {
	var b strings.Builder
	words := []string{"report", "ministry", "delegation", "exile", "press"}
	for i := 0; b.Len() < size; i++ {
		b.WriteString("committee ")
		b.WriteString(words[i%len(words)])
		b.WriteString(". ")
	}
	d := &fonds.Document{
		ID:         id,
		Collection: "big",
		Date:       fonds.Date{Start: "1977-01-01", End: "1977-01-01", Precision: fonds.PrecisionDay},
		Title:      "A long report",
		Languages:  []string{"en"},
		Pages:      []fonds.Page{{N: 1}},
		Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal, Text: fonds.Text{{
			Kind:  fonds.BlockParagraph,
			Spans: []fonds.Span{{Kind: fonds.SpanPageBreak, Page: 1}, {Kind: fonds.SpanText, Text: b.String()}},
		}}}},
		Status: fonds.StatusPublished,
		Hash:   fmt.Sprintf("%064x", size),
	}
	return d
}

// wideFuzzyQuery returns 64 four-letter words, each within two edits of
// most short words, joined by OR.
func wideFuzzyQuery() string {
	var parts []string
	for i := range 64 {
		parts = append(parts, string(rune('a'+i/8))+string(rune('a'+i%8))+"ab~2")
	}
	return strings.Join(parts, " OR ")
}

// TestWideQueries searches queries of 64 prefixes or fuzzy words over an
// index of a varied vocabulary, in which each stands for dozens of words in
// each field: they search no more words than the index's bound, and find
// what those words find.
func TestWideQueries(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	if err := ix.Put(ctx, varietyDocuments(600, 30000, 1)...); err != nil {
		t.Fatal(err)
	}
	// The words searched are counted, not the time: a slow machine must
	// not stop the searches at their deadline.
	ix.Timeout = time.Hour
	for _, tt := range []struct{ name, query string }{
		{"prefixes", widePrefixQuery()},
		{"fuzzy", wideFuzzyQuery()},
		{"fields", "title:ab* OR person:ab* OR ref:ab* OR category:ab* OR ab~1 OR ba~2 OR ab* OR ba*"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if n := utf8.RuneCountInString(tt.query); n > 1000 {
				t.Fatalf("query of %d characters, want at most 1,000", n)
			}
			// Unbounded but for the bound per field, the query stands
			// for more words than the default bound: it is the query
			// the bound is for.
			ix.MaxExpansion = 1 << 30
			_, b, err := ix.search(ctx, fonds.SearchRequest{Query: tt.query})
			ix.MaxExpansion = 0
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := b.Used(); n <= DefaultMaxExpansion && tt.name != "fields" {
				t.Fatalf("unbounded, Search(%q) stands for %d words, want more than %d", tt.query, n, DefaultMaxExpansion)
			}

			res, b, err := ix.search(ctx, fonds.SearchRequest{Query: tt.query, Highlight: true, Facets: fonds.AllFacets})
			if err != nil {
				t.Fatalf("Search(%q) = %v", tt.query, err)
			}
			n, cut := b.Used()
			if n > DefaultMaxExpansion {
				t.Errorf("Search(%q) stands for %d words, want at most %d", tt.query, n, DefaultMaxExpansion)
			}
			if !cut || !strings.Contains(res.Interpreted, noteExpansion) {
				t.Errorf("Search(%q) interpreted = %q, want the words left out said", tt.query, res.Interpreted)
			}
			if res.Total == 0 || len(res.Hits) == 0 {
				t.Errorf("Search(%q) found nothing", tt.query)
			}
		})
	}
}

// TestSearchStopped searches a big document with very many matches, with
// highlighting, with a context done or a deadline past: the search stops
// with a fonds.ErrTimeout.
func TestSearchStopped(t *testing.T) {
	ix := openTemp(t)
	defer ix.Close()
	if err := ix.Put(context.Background(), bigDocument("big", 2<<20)); err != nil {
		t.Fatal(err)
	}
	ix.Timeout = time.Hour
	req := fonds.SearchRequest{Query: "committee OR comm*", Highlight: true, Facets: fonds.AllFacets}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name    string
		ctx     context.Context
		timeout time.Duration
		want    error
	}{
		{"cancelled", cancelled, 0, context.Canceled},
		{"deadline", context.Background(), time.Nanosecond, context.DeadlineExceeded},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ix.Timeout = tt.timeout
			defer func() { ix.Timeout = time.Hour }()
			res, err := ix.Search(tt.ctx, req)
			if !errors.Is(err, fonds.ErrTimeout) || !errors.Is(err, tt.want) {
				t.Errorf("Search(%q) = %v, %v, want an error that is ErrTimeout and %v", req.Query, res, err, tt.want)
			}
		})
	}
	t.Run("answered", func(t *testing.T) {
		res, err := ix.Search(context.Background(), req)
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("Search(%q) = %v, %v, want the document", req.Query, res, err)
		}
		s := res.Hits[0].Snippet
		if !strings.Contains(s, "<mark>committee</mark>") {
			t.Errorf("snippet = %q, want committee marked", s)
		}
		text := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
		if n := utf8.RuneCountInString(text); n > snippetSize+2 {
			t.Errorf("snippet of %d characters, want at most %d", n, snippetSize+2)
		}
	})
}

// BenchmarkSnippet searches, with highlighting, a document of 1 MB and one
// of 10 MB in which every other word matches: the time per megabyte is the
// same at both sizes.
func BenchmarkSnippet(b *testing.B) {
	ctx := context.Background()
	for _, mb := range []int{1, 10} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			dir := b.TempDir()
			ix, err := Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			if err := ix.Put(ctx, bigDocument("big", mb<<20)); err != nil {
				b.Fatal(err)
			}
			// Reopened, as written to disk, for the search alone to be
			// timed.
			ix.Close()
			if ix, err = Open(dir); err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			req := fonds.SearchRequest{Query: "committee", Highlight: true}
			b.ResetTimer()
			for b.Loop() {
				if _, err := ix.Search(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(mb)/1e6, "ms/MB")
		})
	}
}

// BenchmarkWidePrefixes searches 64 two-letter prefixes over 2,000
// documents of a vocabulary of 100,000 words.
func BenchmarkWidePrefixes(b *testing.B) {
	ctx := context.Background()
	ix, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(ctx, varietyDocuments(2000, 100000, 1)...); err != nil {
		b.Fatal(err)
	}
	req := fonds.SearchRequest{Query: widePrefixQuery(), Highlight: true, Facets: fonds.AllFacets}
	b.ResetTimer()
	for b.Loop() {
		if _, err := ix.Search(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
