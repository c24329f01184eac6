package bleve

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"fonds"
)

// textDocument returns a published English document of one page.
func textDocument(id, title, text string) *fonds.Document {
	return &fonds.Document{
		ID:         id,
		Collection: "test",
		Title:      title,
		Languages:  []string{"en"},
		Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal, Text: fonds.Text{{
			Kind: fonds.BlockParagraph, Spans: []fonds.Span{{Kind: fonds.SpanText, Text: text}},
		}}}},
		Status: fonds.StatusPublished,
	}
}

func searchIDs(t *testing.T, ix *Index, q string, offset, limit int) []string {
	t.Helper()
	res, err := ix.Search(context.Background(), fonds.SearchRequest{Query: q, Offset: offset, Limit: limit})
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// TestNearFirst checks that a document writing the words of a query side
// by side comes before one that has them all apart, in its title too.
func TestNearFirst(t *testing.T) {
	ix := openTemp(t)
	defer ix.Close()
	docs := []*fonds.Document{
		textDocument("apart", "Memorandum on strategy",
			"The bureaus sent their papers in time. A strategy was agreed, and regional offices will report on it."),
		textDocument("together", "Memorandum to all posts",
			"Please find attached the guidelines for the preparation of regional strategy papers, due in March."),
		textDocument("pair", "Memorandum to the bureaus",
			"The regional strategy will be discussed; the papers are attached."),
	}
	// Other documents, so that the words of the query are rare.
	for i := range 20 {
		docs = append(docs, textDocument(fmt.Sprintf("other%d", i), "Telegram to the embassy",
			"The ambassador met the minister and discussed the agenda of the visit."))
	}
	if err := ix.Put(context.Background(), docs...); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"regional strategy papers", "preparation of regional strategy papers", "Regional Strategy Papers 1977"} {
		if got := searchIDs(t, ix, q, 0, 10); len(got) == 0 || got[0] != "together" {
			t.Errorf("Search(%q) = %v, want together first", q, got)
		}
	}
	// Without the words side by side, the title weighs most.
	if got := searchIDs(t, ix, "papers regional strategy", 0, 10); len(got) == 0 || got[0] != "apart" {
		t.Errorf("Search(%q) = %v, want apart first", "papers regional strategy", got)
	}
}

// TestRescorePages checks that the pages of a search ranked again by words
// side by side follow one another: each result once, whatever the size of
// the pages, across the end of the window ranked again.
func TestRescorePages(t *testing.T) {
	ix := openTemp(t)
	defer ix.Close()
	orders := []string{"alpha beta gamma", "gamma beta alpha", "alpha gamma beta", "beta alpha gamma"}
	var docs []*fonds.Document
	n := rescoreWindow + 37
	for i := range n {
		text := fmt.Sprintf("Document %d. %s delta", i, orders[i%len(orders)])
		for range i % 5 {
			text += " epsilon alpha"
		}
		docs = append(docs, textDocument(fmt.Sprintf("d%03d", i), "Document", text))
	}
	if err := ix.Put(context.Background(), docs...); err != nil {
		t.Fatal(err)
	}
	const q = "alpha beta gamma"
	var want []string
	for offset := 0; offset < n; offset += 100 {
		want = append(want, searchIDs(t, ix, q, offset, 100)...)
	}
	if len(want) != n {
		t.Fatalf("Search(%q) found %d, want %d", q, len(want), n)
	}
	for _, size := range []int{1, 7, 20, rescoreWindow - 3} {
		var got []string
		for offset := 0; offset < n; offset += size {
			got = append(got, searchIDs(t, ix, q, offset, size)...)
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages of %d: %v\nwant %v", size, got, want)
		}
	}
	// Among the results ranked again, those that write the query as
	// typed come first.
	apart := ""
	for _, id := range want[:rescoreWindow] {
		var k int
		fmt.Sscanf(id, "d%d", &k)
		switch {
		case k%len(orders) != 0:
			apart = id
		case apart != "":
			t.Fatalf("%s, which writes %q, comes after %s, which does not", id, q, apart)
		}
	}
}

// TestRelaxed checks that a query of three plain words or more that finds
// nothing finds the documents with all its words but one, and says so.
func TestRelaxed(t *testing.T) {
	ix := openTemp(t)
	defer ix.Close()
	docs := []*fonds.Document{
		textDocument("three", "Memorandum", "The Central Intelligence Agency reported reactions around the world."),
		textDocument("two", "Telegram", "Reactions were mixed in the world press."),
	}
	if err := ix.Put(context.Background(), docs...); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q           string
		want        []string
		interpreted bool
	}{
		{"CIA reactions", nil, false}, // two words: each is needed
		{"CIA memorandum reactions world", []string{"three"}, true},
		{"agency reactions world", []string{"three"}, false},
		{"CIA reactions world -agency", []string{"two"}, true},
		{`"CIA reactions" world press`, nil, false},
	} {
		res, err := ix.Search(context.Background(), fonds.SearchRequest{Query: c.q})
		if err != nil {
			t.Fatalf("Search(%q): %v", c.q, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		if !slices.Equal(got, c.want) || (res.Interpreted != "") != c.interpreted {
			t.Errorf("Search(%q) = %v, %q; want %v, interpreted %v", c.q, got, res.Interpreted, c.want, c.interpreted)
		}
	}
}
