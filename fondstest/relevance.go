package fondstest

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fonds"
	"fonds/internal/testenv"
	"fonds/sample"
	"fonds/text"
)

//go:embed testdata/relevance.txt
var relevance []byte

// RelevanceCorpus parses the documents the relevance file is about: the
// sample collection, and the seed record read from the corpus beside the
// project (seen from a package one folder below the project's root).
func RelevanceCorpus(t *testing.T) []*fonds.Document {
	t.Helper()
	var docs []*fonds.Document
	add := func(name string, b []byte, collection string) {
		d, _, err := text.Parse(bytes.NewReader(b), name)
		if err != nil {
			t.Fatal(err)
		}
		d.Collection, d.Status = collection, fonds.StatusPublished
		d.Hash = d.ContentHash()
		docs = append(docs, d)
	}
	entries, err := sample.Files.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := sample.Files.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		add(e.Name(), b, sample.Slug)
	}
	seeds, err := filepath.Glob(filepath.Join(testenv.Corpus(t), "seed", "*.txt"))
	if err != nil || len(seeds) == 0 {
		t.Fatalf("the seed record is not in the corpus's seed folder (%v)", err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		add(p, b, "seed")
	}
	return docs
}

// TestRelevance runs the queries of testdata/relevance.txt against an index
// holding RelevanceCorpus, and checks that each finds the documents it must
// among its first ten results (and, for an id written =ID, first).
func TestRelevance(t *testing.T, ix fonds.Index) {
	ctx := context.Background()
	if err := ix.Put(ctx, RelevanceCorpus(t)...); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(relevance))
	line := 0
	for sc.Scan() {
		line++
		if sc.Text() == "" || strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		q, want, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			t.Fatalf("relevance.txt:%d: no tab between the query and the ids", line)
		}
		t.Run(q, func(t *testing.T) {
			res, err := ix.Search(ctx, fonds.SearchRequest{Query: q, Limit: 10})
			if err != nil {
				t.Fatalf("Search(%q): %v", q, err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			for _, id := range strings.Fields(want) {
				first := strings.HasPrefix(id, "=")
				id = strings.TrimPrefix(id, "=")
				switch {
				case first && (len(got) == 0 || got[0] != id):
					t.Errorf("relevance.txt:%d: Search(%q) = %v, want %s first", line, q, got, id)
				case !slices.Contains(got, id):
					t.Errorf("relevance.txt:%d: Search(%q) = %v, want %s in the first ten", line, q, got, id)
				}
			}
		})
	}
}
