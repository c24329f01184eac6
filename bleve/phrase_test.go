package bleve

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	blevesearch "github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"fonds"
)

// pagedDocument returns a published English document whose pages are the
// texts given, one paragraph each.
func pagedDocument(id string, pages []string) *fonds.Document {
	var text fonds.Text
	var numbers []fonds.Page
	for i, p := range pages {
		numbers = append(numbers, fonds.Page{N: i + 1, Of: len(pages)})
		text = append(text, fonds.Block{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
			{Kind: fonds.SpanPageBreak, Text: fmt.Sprint("page ", i+1), Page: i + 1},
			{Kind: fonds.SpanText, Text: p},
		}})
	}
	return &fonds.Document{
		ID:         id,
		Collection: "test",
		Title:      "Report " + id,
		Languages:  []string{"en"},
		Pages:      numbers,
		Witnesses:  []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal, Text: text}},
		Status:     fonds.StatusPublished,
	}
}

// TestPhraseMatchesText checks the phrases of a few words, often repeated
// side by side, against the texts: a document is found when one of its
// pages has the words in the order of the phrase, and not across pages,
// whatever the size of the page of results. It also checks that the
// phrase finds and scores what bleve's multi-phrase query does.
func TestPhraseMatchesText(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	words := []string{"alpha", "beta", "gamma", "delta"}
	r := rand.New(rand.NewPCG(1, 2))
	var docs []*fonds.Document
	pages := map[string][][]string{}
	for i := range 400 {
		id := fmt.Sprintf("d%03d", i)
		var texts []string
		for range 1 + r.IntN(3) {
			page := make([]string, 2+r.IntN(12))
			for j := range page {
				page[j] = words[r.IntN(len(words))]
			}
			pages[id] = append(pages[id], page)
			// A sentence ends with its page: a phrase does not read on
			// across the page break (see searchdoc.Doc.Pages).
			texts = append(texts, strings.Join(page, " ")+".")
		}
		docs = append(docs, pagedDocument(id, texts))
	}
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	// has reports whether a page of the document has the phrase.
	has := func(id string, phrase []string) bool {
		for _, page := range pages[id] {
			for i := 0; i+len(phrase) <= len(page); i++ {
				if slices.Equal(page[i:i+len(phrase)], phrase) {
					return true
				}
			}
		}
		return false
	}
	for range 60 {
		phrase := make([]string, 2+r.IntN(3))
		for j := range phrase {
			phrase[j] = words[r.IntN(len(words))]
		}
		q := `"` + strings.Join(phrase, " ") + `"`
		want := 0
		for id := range pages {
			if has(id, phrase) {
				want++
			}
		}
		for _, limit := range []int{1, 5, 100} {
			res, err := ix.Search(ctx, fonds.SearchRequest{Query: q, Limit: limit})
			if err != nil {
				t.Fatalf("Search(%s): %v", q, err)
			}
			if res.Total != want {
				t.Errorf("Search(%s, limit %d): %d found, want %d", q, limit, res.Total, want)
			}
			for _, h := range res.Hits {
				if !has(h.ID, phrase) {
					t.Errorf("Search(%s, limit %d): found %s, which does not have it", q, limit, h.ID)
				}
			}
		}

		// Beside bleve's multi-phrase query, with a page of results large
		// enough that no match is used twice.
		slots := make([][]string, len(phrase))
		for j, w := range phrase {
			slots[j] = []string{w}
		}
		scores := func(q bq.Query) map[string]float64 {
			sr := blevesearch.NewSearchRequestOptions(q, len(docs), 0, false)
			res, err := ix.idx.SearchInContext(ctx, sr)
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]float64{}
			for _, h := range res.Hits {
				m[h.ID] = h.Score
			}
			return m
		}
		// The same with a word left out (any word) and a slot of two words.
		gapped := append([][]string{slots[0], {}}, slots[1:]...)
		gapped[len(gapped)-1] = append(gapped[len(gapped)-1], words[r.IntN(len(words))])
		for _, slots := range [][][]string{slots, gapped} {
			theirs := bq.NewMultiPhraseQuery(slots, fieldEnglish)
			theirs.SetBoost(2)
			if got, want := scores(newPhraseQuery(slots, fieldEnglish, 2)), scores(theirs); !equalScores(got, want) {
				t.Errorf("%v in %s: found and scored %v, bleve's multi-phrase query %v", slots, fieldEnglish, got, want)
			}
		}
	}
}

// equalScores reports whether two searches found the same documents with
// the same scores, but for rounding.
func equalScores(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for id, s := range a {
		t, ok := b[id]
		if !ok || s-t > 1e-9*max(s, t) || t-s > 1e-9*max(s, t) {
			return false
		}
	}
	return true
}
