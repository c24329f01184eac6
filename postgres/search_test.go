package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fonds"
	"fonds/fondstest"
)

// openTestIndex returns the index of a new, empty database, each document
// put in it saved in the store first, as the index indexes only what the
// store holds released.
func openTestIndex(t *testing.T) fonds.Index { return newSavedIndex(t) }

// newSavedIndex returns the savedIndex of a new, empty database.
func newSavedIndex(tb testing.TB) *savedIndex {
	tb.Helper()
	s, err := Open(context.Background(), testDatabase(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	ix, err := s.Index()
	if err != nil {
		tb.Fatal(err)
	}
	return &savedIndex{Index: ix, s: s, collections: make(map[string]bool)}
}

// savedIndex is an Index whose Put saves the documents in the store before
// it indexes them, as an import or an edit does.
type savedIndex struct {
	*Index
	s           *Store
	mu          sync.Mutex
	collections map[string]bool
}

func (si *savedIndex) Put(ctx context.Context, docs ...*fonds.Document) error {
	if err := si.save(ctx, docs...); err != nil {
		return err
	}
	return si.Index.Put(ctx, docs...)
}

func (si *savedIndex) save(ctx context.Context, docs ...*fonds.Document) error {
	si.mu.Lock()
	for _, d := range docs {
		if !si.collections[d.Collection] {
			if err := si.s.PutCollection(ctx, fonds.Collection{Slug: d.Collection, Title: d.Collection}); err != nil {
				si.mu.Unlock()
				return err
			}
			si.collections[d.Collection] = true
		}
	}
	si.mu.Unlock()
	for start := 0; start < len(docs); start += 500 {
		batch := docs[start:min(start+500, len(docs))]
		if _, err := si.s.SaveDocuments(ctx, batch, make([]fonds.Save, len(batch))); err != nil {
			return err
		}
	}
	return nil
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
	ix := newSavedIndex(f)
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

// TestSearchPutStale puts an old copy of a document after its newer version
// restricted it, as an import's late write beside a server's follower
// does: the index keeps the newer version, and the public does not find
// the document. A copy of a document the store holds no longer, or holds
// as a draft, is taken out of the index.
func TestSearchPutStale(t *testing.T) {
	ctx := context.Background()
	ix := newSavedIndex(t)
	v1 := fondstest.IndexDocument("stale", "1980", "A report on the medlar harvest.")
	if err := ix.Put(ctx, v1); err != nil {
		t.Fatal(err)
	}
	old := *v1
	v2 := fondstest.IndexDocument("stale", "1980", "A report on the medlar harvest.")
	v2.Restricted = true
	v2.Hash = v2.ContentHash()
	if err := ix.Put(ctx, v2); err != nil {
		t.Fatal(err)
	}
	// The late write of the old copy, without saving it.
	if err := ix.Index.Put(ctx, &old); err != nil {
		t.Fatal(err)
	}
	if res, err := ix.Search(ctx, fonds.SearchRequest{Query: "medlar"}); err != nil || res.Total != 0 {
		t.Errorf("Search(medlar) after a stale Put = %+v, %v, want none", res, err)
	}
	if res, err := ix.Search(ctx, fonds.SearchRequest{Query: "medlar", Restricted: true}); err != nil || res.Total != 1 {
		t.Errorf("Search(medlar, Restricted) after a stale Put = %+v, %v, want the document", res, err)
	}
	if got, _ := ix.Stamps(ctx); got["stale"] != v2.Hash {
		t.Errorf("Stamps()[stale] = %q, want the restricted version's %q", got["stale"], v2.Hash)
	}

	// Taken back to draft in the store, then an old released copy put:
	// the document leaves the index.
	draft := fondstest.IndexDocument("stale", "1980", "A report on the medlar harvest.")
	draft.Status = fonds.StatusDraft
	draft.Hash = draft.ContentHash()
	if err := ix.save(ctx, draft); err != nil {
		t.Fatal(err)
	}
	if err := ix.Index.Put(ctx, &old); err != nil {
		t.Fatal(err)
	}
	if res, err := ix.Search(ctx, fonds.SearchRequest{Query: "medlar", Restricted: true}); err != nil || res.Total != 0 {
		t.Errorf("Search(medlar) of a draft = %+v, %v, want none", res, err)
	}

	// A document the store never held is not indexed.
	ghost := fondstest.IndexDocument("ghost", "1980", "A quince.")
	if err := ix.Index.Put(ctx, ghost); err != nil {
		t.Fatal(err)
	}
	if got, _ := ix.Stamps(ctx); len(got) != 0 {
		t.Errorf("Stamps() = %v, want none", got)
	}
}

// TestSearchPutCurrent puts documents the index holds already, as the
// follower of every other server sharing the database does: they are not
// written again, unless rewritten, or restricted since.
func TestSearchPutCurrent(t *testing.T) {
	ctx := context.Background()
	ix := newSavedIndex(t)
	d := fondstest.IndexDocument("current", "1980", "A report on the medlar harvest.")
	if err := ix.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	// xmin names the transaction that wrote a row's version.
	writer := func() string {
		t.Helper()
		var doc, elements string
		if err := ix.db.QueryRow(ctx, `SELECT xmin::text FROM search_docs WHERE id = $1`, d.ID).Scan(&doc); err != nil {
			t.Fatal(err)
		}
		if err := ix.db.QueryRow(ctx, `SELECT min(xmin::text) FROM search_elements WHERE doc_id = $1`, d.ID).Scan(&elements); err != nil {
			t.Fatal(err)
		}
		return doc + "/" + elements
	}
	first := writer()
	if err := ix.Index.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	if got := writer(); got != first {
		t.Errorf("Put of the indexed document wrote it again: %s, was %s", got, first)
	}
	if err := ix.Rewrite(ctx, d); err != nil {
		t.Fatal(err)
	}
	rewritten := writer()
	if rewritten == first {
		t.Errorf("Rewrite left the indexed document as it was (%s)", first)
	}

	// Restricted in the store under the same hash (a change of access):
	// written again, as restricted.
	if _, err := ix.db.Exec(ctx, `UPDATE documents SET restricted = true WHERE id = $1`, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := ix.Index.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	if got := writer(); got == rewritten {
		t.Errorf("Put of a document restricted since left it as it was (%s)", got)
	}
	if res, err := ix.Search(ctx, fonds.SearchRequest{Query: "medlar"}); err != nil || res.Total != 0 {
		t.Errorf("Search(medlar) of a restricted document = %+v, %v, want none", res, err)
	}
}

// TestSearchPruneTerms changes and deletes documents, then prunes the
// vocabulary: the terms no document has any longer go, the others stay,
// and a prefix still finds what it found.
func TestSearchPruneTerms(t *testing.T) {
	ctx := context.Background()
	ix := newSavedIndex(t)
	a := fondstest.IndexDocument("a", "1980", "Zanzibar and quince.")
	b := fondstest.IndexDocument("b", "1981", "Zeppelin and quince.")
	if err := ix.Put(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	a2 := fondstest.IndexDocument("a", "1980", "Quinces only.")
	if err := ix.Put(ctx, a2); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	has := func(term string) bool {
		var ok bool
		if err := ix.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM search_terms WHERE term = $1)`, term).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !has("en:zanzibar") {
		t.Fatalf("search_terms lacks en:zanzibar before pruning")
	}
	n, err := ix.PruneTerms(ctx)
	if err != nil {
		t.Fatalf("PruneTerms: %v", err)
	}
	if n == 0 {
		t.Errorf("PruneTerms() = 0, want the terms of the old version and the deleted document")
	}
	for _, term := range []string{"en:zanzibar", "en:zeppelin"} {
		if has(term) {
			t.Errorf("search_terms has %s after pruning", term)
		}
	}
	if !has("en:quinc") && !has("en:quince") {
		t.Errorf("search_terms lost the stem of quince, which a document has")
	}
	if res, err := ix.Search(ctx, fonds.SearchRequest{Query: "quin*"}); err != nil || res.Total != 1 {
		t.Errorf("Search(quin*) after pruning = %+v, %v, want the document", res, err)
	}
	if n, err := ix.PruneTerms(ctx); err != nil || n != 0 {
		t.Errorf("PruneTerms() again = %d, %v, want 0", n, err)
	}
}

// TestSearchExpansionNote searches a prefix that matches more words than
// the index expands it to: the document of the shortest words is found,
// and the note says what was kept.
func TestSearchExpansionNote(t *testing.T) {
	ctx := context.Background()
	ix := newSavedIndex(t)
	ix.MaxExpansion = 2
	long := fondstest.IndexDocument("long", "1980", "Zealotry among zeppelins.")
	short := fondstest.IndexDocument("short", "1981", "Zen and zeal.")
	if err := ix.Put(ctx, long, short); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, fonds.SearchRequest{Query: "ze*"})
	if err != nil {
		t.Fatal(err)
	}
	if got := indexIDs(res); !slices.Contains(got, "short") {
		t.Errorf("Search(ze*) = %v, want short, which has the shortest words", got)
	}
	if !strings.Contains(res.Interpreted, noteExpansion) {
		t.Errorf("Search(ze*).Interpreted = %q, want the note of expansions", res.Interpreted)
	}
}

func indexIDs(res *fonds.SearchResults) []string {
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// TestSearchPutBig puts documents whose rows weigh more than one batch
// holds: they go in several transactions, each of at most putBatchBytes,
// and every one is indexed.
func TestSearchPutBig(t *testing.T) {
	ctx := context.Background()
	ix := newSavedIndex(t)
	text := strings.Repeat("Grain and barley in the long report. ", 8000) // about 300 KB
	var docs []*fonds.Document
	for i := range 16 {
		docs = append(docs, fondstest.IndexDocument(fmt.Sprintf("big-%02d", i), "1980", text+fmt.Sprintf(" word%d", i)))
	}
	var size int
	for _, d := range docs {
		p, err := ix.prepare(d, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		size += p.size
	}
	if size <= 2*putBatchBytes {
		t.Fatalf("the documents' rows weigh %d bytes, want more than two batches", size)
	}
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if res, err := ix.Search(ctx, fonds.SearchRequest{Query: "barley"}); err != nil || res.Total != len(docs) {
		t.Errorf("Search(barley) = %+v, %v, want %d documents", res, err, len(docs))
	}
	// The rows written by one transaction share its id (xmin).
	var txs int
	if err := ix.db.QueryRow(ctx, `SELECT count(DISTINCT xmin::text) FROM search_docs`).Scan(&txs); err != nil {
		t.Fatal(err)
	}
	if want := size/putBatchBytes + 1; txs < want {
		t.Errorf("the documents were written in %d transactions, want at least %d", txs, want)
	}
}
