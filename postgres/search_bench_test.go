package postgres

import (
	"context"
	"os"
	"strconv"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/synth"
)

// benchIndex returns the index of a new database, which saves in the
// store each document it is given before it indexes it.
func benchIndex(b *testing.B) *savedIndex { return newSavedIndex(b) }

// BenchmarkSearchContract searches the corpus of the Index contract for
// words, names, phrases, prefixes and references, with the facets the
// search page shows and snippets.
func BenchmarkSearchContract(b *testing.B) {
	ctx := context.Background()
	ix := benchIndex(b)
	if err := ix.Put(ctx, fondstest.IndexCorpus()...); err != nil {
		b.Fatal(err)
	}
	queries := []string{"ambassadors", "Brezhnev", "Сахарова", `"human rights"`, "dissid*", "ambasadors~", "Pb 56/68", "Sakharov -Gorky", "to be", ""}
	i := 0
	for b.Loop() {
		req := fonds.SearchRequest{Query: queries[i%len(queries)], Facets: []string{fonds.FacetCollection, fonds.FacetYear}, Highlight: true}
		if _, err := ix.Search(ctx, req); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSearchSynth indexes FONDS_BENCH_DOCS (default 2,000) documents
// of package synth, then searches them as the embedded index's
// BenchmarkSearch does.
func BenchmarkSearchSynth(b *testing.B) {
	ctx := context.Background()
	ix := benchIndex(b)
	n := 2000
	if s := os.Getenv("FONDS_BENCH_DOCS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	g := synth.New(1)
	for i := 0; i < n; i += 500 {
		docs := make([]*fonds.Document, 0, 500)
		for j := i; j < min(i+500, n); j++ {
			d := g.Document(j)
			d.Hash = d.ContentHash()
			docs = append(docs, d)
		}
		if err := ix.Put(ctx, docs...); err != nil {
			b.Fatal(err)
		}
	}
	queries := []string{
		"ambassador", "Brezhnev", "Брежнева", "Yakovlev exile", `"foreign press"`,
		"корреспондент", "Pb 42/17", "dissid* OR manuscript", "Sakharov -KGB", "Shcharansky 1977",
	}
	for _, k := range []struct {
		name      string
		facets    []string
		highlight bool
	}{
		{"two-facets+snippets", []string{fonds.FacetCollection, fonds.FacetYear}, true},
		{"bare", nil, false},
		{"browse", []string{fonds.FacetCollection, fonds.FacetYear}, false},
	} {
		b.Run(k.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				req := fonds.SearchRequest{Query: queries[i%len(queries)], Facets: k.facets, Highlight: k.highlight}
				if k.name == "browse" {
					req.Query = ""
				}
				if _, err := ix.Search(ctx, req); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
