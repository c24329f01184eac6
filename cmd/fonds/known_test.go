package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
)

// knownFile holds the known-item queries over the shared corpus.
var knownFile = filepath.Join("..", "..", "fondstest", "testdata", "known.txt")

// minKnownMRR is the mean reciprocal rank at ten the known-item queries must
// reach: a researcher looking for a document they know finds it first
// nearly always.
const minKnownMRR = 0.95

// knownQuery is one line of the known-item file.
type knownQuery struct {
	line  int
	query string
	id    string
}

// readKnown parses the known-item file: a query, a tab and the id of the
// document it must find; blank lines and lines starting with # are skipped.
func readKnown(path string) ([]knownQuery, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []knownQuery
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		q, id, ok := strings.Cut(s, "\t")
		q, id = strings.TrimSpace(q), strings.TrimSpace(id)
		if !ok || q == "" || id == "" || strings.ContainsAny(id, " \t") {
			return nil, fmt.Errorf("%s:%d: want a query, a tab and one id", filepath.Base(path), line)
		}
		qs = append(qs, knownQuery{line, q, id})
	}
	return qs, sc.Err()
}

// TestKnownItems imports the shared corpus as fonds import does, into a real
// store and search index, and measures how well the queries of
// fondstest/testdata/known.txt find the document each is about: the mean
// reciprocal rank of the document among the first ten results (MRR@10).
func TestKnownItems(t *testing.T) {
	corpus := corpusDir(t)
	qs, err := readKnown(knownFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 100 {
		t.Errorf("%s holds %d queries, want at least 100", knownFile, len(qs))
	}
	ctx := context.Background()
	data := t.TempDir()
	if err := importCmd(ctx, []string{"--data", data, corpus}, io.Discard); err != nil {
		t.Fatalf("fonds import %s: %v", corpus, err)
	}
	a, err := openArchive(data, indexHeld)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	sum := 0.0
	for _, q := range qs {
		if _, err := a.store.Document(ctx, q.id); err != nil {
			t.Errorf("known.txt:%d: %s: %v", q.line, q.id, err)
			continue
		}
		res, err := a.index.Search(ctx, fonds.SearchRequest{Query: q.query, Limit: 10})
		if err != nil {
			t.Errorf("known.txt:%d: Search(%q): %v", q.line, q.query, err)
			continue
		}
		rank := 0
		for i, h := range res.Hits {
			if h.ID == q.id {
				rank = i + 1
				break
			}
		}
		if rank > 0 {
			sum += 1 / float64(rank)
		}
		if rank != 1 {
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			where := "not in the first ten"
			if rank > 0 {
				where = fmt.Sprintf("rank %d", rank)
			}
			t.Logf("known.txt:%d: %q: %s %s; found %v", q.line, q.query, q.id, where, got)
		}
	}
	mrr := sum / float64(len(qs))
	t.Logf("known-item MRR@10 = %.3f over %d queries", mrr, len(qs))
	if mrr < minKnownMRR {
		t.Errorf("known-item MRR@10 = %.3f, want at least %.2f", mrr, minKnownMRR)
	}
}
