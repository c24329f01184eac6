package bleve

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/sample"
	"fonds/text"
)

func openTemp(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return ix
}

func TestIndex(t *testing.T) {
	fondstest.TestIndex(t, func(t *testing.T) fonds.Index { return openTemp(t) })
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	docs := fondstest.IndexCorpus()
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("Open again: %v", err)
	}
	defer ix.Close()
	n, err := ix.Count()
	if err != nil || n != 6 {
		t.Errorf("Count() = %d, %v, want 6", n, err)
	}
	res, err := ix.Search(ctx, fonds.SearchRequest{Query: "Брежнева"})
	if err != nil || res.Total != 3 {
		t.Errorf("Search(Брежнева) after reopening = %+v, %v, want 3 hits", res, err)
	}
}

func TestOpenOutdated(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, fondstest.IndexCorpus()...); err != nil {
		t.Fatal(err)
	}
	b := ix.idx.NewBatch()
	b.SetInternal(versionKey, []byte("an older mapping"))
	if err := ix.batch(b); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("Open of an outdated index: %v", err)
	}
	defer ix.Close()
	if n, err := ix.Count(); err != nil || n != 0 {
		t.Errorf("Count() of a rebuilt index = %d, %v, want 0", n, err)
	}
}

// TestStampsSegments reads the stamps of documents put in several
// batches, some of them put again changed and some deleted, which leaves
// them in several segments of the index, some with deleted documents.
func TestStampsSegments(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	want := make(map[string]string)
	for b := range 3 {
		var docs []*fonds.Document
		for i := range 20 {
			d := fondstest.IndexDocument(fmt.Sprintf("doc-%02d", b*10+i), "1980", fmt.Sprintf("Text of batch %d.", b))
			docs = append(docs, d)
			want[d.ID] = d.Hash
		}
		if err := ix.Put(ctx, docs...); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Delete(ctx, "doc-03", "doc-41"); err != nil {
		t.Fatal(err)
	}
	delete(want, "doc-03")
	delete(want, "doc-41")
	got, err := ix.Stamps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("Stamps() = %v, want %v", got, want)
	}
}

// TestPutSameID checks that of two documents of one id in a Put, the last
// is indexed, although a Put indexes its batches at once.
func TestPutSameID(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	var docs []*fonds.Document
	for i := range 50 {
		docs = append(docs, fondstest.IndexDocument(fmt.Sprintf("doc-%02d", i), "1980", "Wheat."))
	}
	docs = append(docs, fondstest.IndexDocument("doc-00", "1980", "Barley."))
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, fonds.SearchRequest{Query: "barley"})
	if err != nil || res.Total != 1 {
		t.Fatalf("Search(barley) = %+v, %v, want doc-00", res, err)
	}
	res, err = ix.Search(ctx, fonds.SearchRequest{Query: "wheat"})
	if err != nil || res.Total != 49 {
		t.Errorf("Search(wheat) total = %d, %v, want 49", res.Total, err)
	}
}

func TestInvalidRequest(t *testing.T) {
	ix := openTemp(t)
	defer ix.Close()
	ctx := context.Background()
	for _, req := range []fonds.SearchRequest{
		{From: "May 1977"},
		{To: "1977-13"},
		{Filters: map[string][]string{"colour": {"red"}}},
	} {
		if _, err := ix.Search(ctx, req); err == nil || !strings.Contains(err.Error(), "invalid") {
			t.Errorf("Search(%+v) error = %v, want invalid", req, err)
		}
	}
	if err := ix.Put(ctx, &fonds.Document{Status: fonds.StatusPublished}); err == nil {
		t.Errorf("Put of a document without an id: no error")
	}
}

// TestSample searches the sample collection as the text reader reads it.
func TestSample(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	var docs []*fonds.Document
	err := fs.WalkDir(sample.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".txt" {
			return err
		}
		f, err := sample.Files.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, _, err := text.Parse(f, p)
		if err != nil {
			return err
		}
		doc.Collection = "sample"
		doc.Origin = p
		doc.Status = fonds.StatusPublished
		if doc.ID == "" {
			doc.ID = fonds.DocumentID(doc)
		}
		docs = append(docs, doc)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no sample documents")
	}
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}

	// The note of 1990 is in Russian only: it names Яковлев in Cyrillic.
	var note *fonds.Document
	for _, d := range docs {
		if strings.HasPrefix(path.Base(d.Origin), "1990-07-citizenship-note") {
			note = d
		}
	}
	if note == nil {
		t.Fatal("the sample has no 1990-07-citizenship-note")
	}
	for _, w := range note.Witnesses {
		if w.Language != "ru" {
			t.Fatalf("the note has a witness in %q, want Russian only", w.Language)
		}
	}
	for _, q := range []string{"Yakovlev", "Iakovlev", "Jakovlev", "Яковлев", "Яковлева", "person:yakovlev"} {
		res, err := ix.Search(ctx, fonds.SearchRequest{Query: q, Limit: 100, Highlight: true})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		found := false
		for _, h := range res.Hits {
			if h.ID == note.ID {
				found = true
				if !strings.Contains(h.Snippet, "<mark>Яковлев</mark>") {
					t.Errorf("Search(%q) snippet = %q, want Яковлев marked", q, h.Snippet)
				}
			}
		}
		if !found {
			t.Errorf("Search(%q) did not find %s, which names Яковлев in Russian only", q, note.ID)
		}
	}

	// Every sample document that writes a name in Cyrillic is found by its
	// Latin spellings.
	for _, tt := range []struct {
		cyrillic string
		latin    []string
	}{
		{"Семичастн", []string{"Semichastny", "Semichastnyi", "Semichastnyy", "Semičastnyj"}},
		{"Сахаров", []string{"Sakharov", "Saxarov", "Sakharova"}},
		{"Солженицын", []string{"Solzhenitsyn", "Solženicyn", "Solzhenitsyna"}},
	} {
		var want []string
		for _, d := range docs {
			for _, w := range d.Witnesses {
				if w.Language == "ru" && strings.Contains(w.Text.PlainText(), tt.cyrillic) {
					want = append(want, d.ID)
					break
				}
			}
		}
		if len(want) == 0 {
			t.Errorf("the sample has no Russian text naming %s", tt.cyrillic)
			continue
		}
		for _, q := range tt.latin {
			res, err := ix.Search(ctx, fonds.SearchRequest{Query: q, Limit: 100})
			if err != nil {
				t.Fatalf("Search(%q): %v", q, err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			for _, id := range want {
				if !slices.Contains(got, id) {
					t.Errorf("Search(%q) = %v, want %s, which writes %s in Cyrillic", q, got, id, tt.cyrillic)
				}
			}
		}
	}
}

// TestDateRangeBounds checks the edges of the day, month and year terms a
// date range reads: the days on either side of a month and a year.
func TestDateRangeBounds(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	days := []string{"1976-12-31", "1977-01-01", "1977-04-30", "1977-05-01", "1977-05-19", "1977-05-31", "1977-06-01", "1977-12-31", "1978-01-01"}
	var docs []*fonds.Document
	for _, d := range days {
		docs = append(docs, fondstest.IndexDocument(d, d, "Text."))
	}
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		from, to string
		want     []string
	}{
		{"1977-05", "1977-05", []string{"1977-05-01", "1977-05-19", "1977-05-31"}},
		{"1977-05-19", "", []string{"1977-05-19", "1977-05-31", "1977-06-01", "1977-12-31", "1978-01-01"}},
		{"", "1977-05-19", []string{"1976-12-31", "1977-01-01", "1977-04-30", "1977-05-01", "1977-05-19"}},
		{"1977", "1977", []string{"1977-01-01", "1977-04-30", "1977-05-01", "1977-05-19", "1977-05-31", "1977-06-01", "1977-12-31"}},
		{"1977-04-30", "1977-06-01", []string{"1977-04-30", "1977-05-01", "1977-05-19", "1977-05-31", "1977-06-01"}},
		{"1977-12-31", "1978-01-01", []string{"1977-12-31", "1978-01-01"}},
		{"1979", "", nil},
	} {
		res, err := ix.Search(ctx, fonds.SearchRequest{From: tt.from, To: tt.to, Limit: 100})
		if err != nil {
			t.Fatalf("Search(from %q, to %q): %v", tt.from, tt.to, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Search(from %q, to %q) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}
