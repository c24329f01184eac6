package bleve

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fonds"
	"fonds/internal/testenv"
	"fonds/tei"
)

// readFRUS reads FRUS documents of the corpus, by file name, as published.
func readFRUS(t *testing.T, names ...string) []*fonds.Document {
	t.Helper()
	var docs []*fonds.Document
	for _, name := range names {
		f, err := os.Open(filepath.Join(testenv.Corpus(t), "frus", name))
		if err != nil {
			t.Fatal(err)
		}
		err = tei.Reader{}.ReadDocuments(f, name, func(d *fonds.Document, _ []fonds.Warning) error {
			d.ID = strings.TrimSuffix(name, ".xml")
			d.Collection, d.Status = "frus", fonds.StatusPublished
			d.Hash = d.ContentHash()
			docs = append(docs, d)
			return nil
		})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return docs
}

// TestTextKeptWhole checks that notes and page breaks stand outside the
// running text: a phrase reads across a footnote mark, a word split by a
// page break is found whole, a snippet carries no note, and a word only in
// a note still finds its document.
func TestTextKeptWhole(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	// d5: "January 21,<note n="2">See Document 2.</note> and I want";
	// d11: "the Jan<pb n="33"/>uary 1976 proposals", its only January.
	if err := ix.Put(ctx, readFRUS(t, "frus1977-80v06_d5.xml", "frus1977-80v06_d11.xml")...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query, want string
	}{
		{`"January 21 and I want"`, "frus1977-80v06_d5"},
		{`"letter of January 21"`, "frus1977-80v06_d5"},
		{`"January 21"`, "frus1977-80v06_d5"},
		{`"I want to express"`, "frus1977-80v06_d5"},
		{"January", "frus1977-80v06_d11"},
		{"Jan", ""},
		{"uary", ""},
		{`"January 1976 proposals"`, "frus1977-80v06_d11"},
		// Only in d5's footnote 3: "See footnote 2, Document 3."
		{"footnote", "frus1977-80v06_d5"},
		{`"footnote 2"`, "frus1977-80v06_d5"},
	}
	for _, tt := range tests {
		res, err := ix.Search(ctx, fonds.SearchRequest{Query: tt.query, Limit: 10, Highlight: true})
		if err != nil {
			t.Fatalf("Search(%q): %v", tt.query, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		switch {
		case tt.want == "" && len(got) > 0:
			t.Errorf("Search(%q) = %v, want none", tt.query, got)
		case tt.want != "" && !slices.Contains(got, tt.want):
			t.Errorf("Search(%q) = %v, want %s", tt.query, got, tt.want)
		}
		for _, h := range res.Hits {
			if strings.Contains(h.Snippet, "See Document 2") || strings.Contains(h.Snippet, "footnote 2") {
				t.Errorf("Search(%q): snippet of %s = %q, want no note in it", tt.query, h.ID, h.Snippet)
			}
			if strings.Contains(h.Snippet, "Jan") && !strings.Contains(h.Snippet, "January") {
				t.Errorf("Search(%q): snippet of %s = %q, want January whole", tt.query, h.ID, h.Snippet)
			}
		}
	}
}
