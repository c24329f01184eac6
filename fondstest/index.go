package fondstest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"fonds"
)

// TestIndex runs the contract tests of fonds.Index against the indexes open
// returns, each new and empty. The index is closed when the test ends.
//
// The tests search a small corpus of invented documents, in English and in
// Russian, for every feature of the query language, and check which
// documents each search finds.
func TestIndex(t *testing.T, open func(t *testing.T) fonds.Index) {
	ctx := context.Background()
	newIndex := func(t *testing.T) fonds.Index {
		t.Helper()
		ix := open(t)
		t.Cleanup(func() {
			if err := ix.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return ix
	}
	put := func(t *testing.T, ix fonds.Index, docs ...*fonds.Document) {
		t.Helper()
		if err := ix.Put(ctx, docs...); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	search := func(t *testing.T, ix fonds.Index, req fonds.SearchRequest) *fonds.SearchResults {
		t.Helper()
		res, err := ix.Search(ctx, req)
		if err != nil {
			t.Fatalf("Search(%+v): %v", req, err)
		}
		return res
	}
	stamps := func(t *testing.T, ix fonds.Index) map[string]string {
		t.Helper()
		s, err := ix.Stamps(ctx)
		if err != nil {
			t.Fatalf("Stamps: %v", err)
		}
		return s
	}

	corpus := IndexCorpus()
	shared := newIndex(t)
	put(t, shared, corpus...)

	t.Run("Stamps", func(t *testing.T) {
		want := make(map[string]string)
		for _, d := range corpus {
			if d.Released(time.Now()) {
				want[d.ID] = d.Hash
			}
		}
		got := stamps(t, shared)
		if !maps.Equal(got, want) {
			t.Errorf("Stamps() = %v, want %v", got, want)
		}
	})

	t.Run("Queries", func(t *testing.T) {
		for _, tt := range indexQueries {
			t.Run(tt.query, func(t *testing.T) {
				res := search(t, shared, fonds.SearchRequest{Query: tt.query, Limit: 100})
				got := indexHitIDs(res)
				sort.Strings(got)
				want := slices.Clone(tt.want)
				sort.Strings(want)
				if !slices.Equal(got, want) {
					t.Errorf("Search(%q) = %v, want %v", tt.query, got, want)
				}
				if res.Total != len(want) {
					t.Errorf("Search(%q).Total = %d, want %d", tt.query, res.Total, len(want))
				}
			})
		}
	})

	t.Run("ReferenceFirst", func(t *testing.T) {
		for _, q := range []string{"Pb 56/68", "Pb 56-68", "PB 56 / 68", "ref:\"Pb 56/68\"",
			"P56/68", "П 56/68", "Pb 56/68", "Пб 56/68", "St-56/68", "Ст 56/68", "Pb56/68", "П56/68"} {
			res := search(t, shared, fonds.SearchRequest{Query: q})
			got := indexHitIDs(res)
			if len(got) == 0 || got[0] != IndexHumanRights {
				t.Errorf("Search(%q) = %v, want %s first", q, got, IndexHumanRights)
			}
		}
	})

	t.Run("StopWordsInOrder", func(t *testing.T) {
		// The documents that write the stop words in the order typed rank
		// before those that only have them all.
		res := search(t, shared, fonds.SearchRequest{Query: "to be"})
		got := indexHitIDs(res)
		if len(got) != 3 || !slices.Equal(indexSorted(got[:2]), indexSorted([]string{IndexTrial, IndexExile})) {
			t.Errorf("Search(to be) = %v, want %s and %s first, then %s", got, IndexTrial, IndexExile, IndexHumanRights)
		}
	})

	t.Run("YearHint", func(t *testing.T) {
		// A year among the words ranks the documents of that year first,
		// and leaves the others in.
		res := search(t, shared, fonds.SearchRequest{Query: "Sakharov 1980"})
		got := indexHitIDs(res)
		if want := []string{IndexHumanRights, IndexSakharovReport, IndexExile}; !slices.Equal(indexSorted(got), indexSorted(want)) {
			t.Errorf("Search(Sakharov 1980) = %v, want %v", got, want)
		}
		if len(got) == 0 || got[0] != IndexExile {
			t.Errorf("Search(Sakharov 1980) = %v, want %s first", got, IndexExile)
		}
		res = search(t, shared, fonds.SearchRequest{Query: "1966"})
		if got := indexHitIDs(res); !slices.Equal(got, []string{IndexPoetry}) {
			t.Errorf("Search(1966) = %v, want [%s]", got, IndexPoetry)
		}
	})

	t.Run("Hit", func(t *testing.T) {
		res := search(t, shared, fonds.SearchRequest{Query: "ambassadors"})
		if len(res.Hits) != 1 {
			t.Fatalf("Search(ambassadors) = %v, want one hit", indexHitIDs(res))
		}
		h := res.Hits[0]
		want := corpus[0]
		if h.ID != want.ID || h.Title != want.Heading() || h.Date != want.Date || h.Collection != want.Collection {
			t.Errorf("hit = %+v, want id %s, title %q, date %+v, collection %s", h, want.ID, want.Heading(), want.Date, want.Collection)
		}
		if len(h.References) != 1 || h.References[0] != "Pb 56/68" {
			t.Errorf("hit references = %q, want [Pb 56/68]", h.References)
		}
		if h.Score <= 0 {
			t.Errorf("hit score = %v, want > 0", h.Score)
		}
	})

	t.Run("Snippets", func(t *testing.T) {
		for _, tt := range []struct {
			query string
			id    string
			page  int
			mark  string
		}{
			{"ambassadors", IndexHumanRights, 1, "<mark>ambassadors</mark>"},
			{"countered", IndexHumanRights, 3, "<mark>countered</mark>"},
			{"dissident", IndexHumanRights, 2, "<mark>Dissidents</mark>"},
			{"Yakovlev", IndexSakharovReport, 2, "<mark>Яковлев</mark>"},
			{"Щелоков", IndexExile, 1, "<mark>Shchelokov</mark>"},
			{"корреспондент", IndexSakharovReport, 1, "<mark>корреспондентами</mark>"},
			{"pisateli", IndexTrial, 1, "<mark>писатели</mark>"},
			{"Saxarov", IndexSakharovReport, 1, "<mark>Сахаров</mark>"},
		} {
			res := search(t, shared, fonds.SearchRequest{Query: tt.query, Highlight: true})
			if len(res.Hits) == 0 || res.Hits[0].ID != tt.id {
				t.Errorf("Search(%q) = %v, want %s first", tt.query, indexHitIDs(res), tt.id)
				continue
			}
			h := res.Hits[0]
			if !strings.Contains(h.Snippet, tt.mark) {
				t.Errorf("Search(%q) snippet = %q, want it to contain %q", tt.query, h.Snippet, tt.mark)
			}
			if h.Page != tt.page {
				t.Errorf("Search(%q) page = %d, want %d", tt.query, h.Page, tt.page)
			}
		}
	})

	t.Run("SnippetEscaped", func(t *testing.T) {
		res := search(t, shared, fonds.SearchRequest{Query: "alert", Highlight: true})
		if len(res.Hits) != 1 {
			t.Fatalf("Search(alert) = %v, want one hit", indexHitIDs(res))
		}
		s := res.Hits[0].Snippet
		if !strings.Contains(s, "<mark>alert</mark>") || !strings.Contains(s, "&lt;script&gt;") || strings.Contains(s, "<script") {
			t.Errorf("snippet = %q, want the script escaped and alert marked", s)
		}
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
		if strings.ContainsAny(rest, "<>") {
			t.Errorf("snippet = %q: HTML other than <mark>", s)
		}
	})

	t.Run("NoHighlight", func(t *testing.T) {
		res := search(t, shared, fonds.SearchRequest{Query: "ambassadors"})
		if len(res.Hits) != 1 || res.Hits[0].Snippet != "" {
			t.Errorf("Search without Highlight = %+v, want one hit without snippet", res.Hits)
		}
	})

	t.Run("Facets", func(t *testing.T) {
		res := search(t, shared, fonds.SearchRequest{Facets: fonds.AllFacets})
		want := map[string][]fonds.FacetCount{
			fonds.FacetDecade:     indexCounts("1970s", 3, "1960s", 1, "1980s", 1),
			fonds.FacetYear:       indexCounts("1966", 1, "1970", 1, "1975", 1, "1977", 1, "1980", 1),
			fonds.FacetCollection: indexCounts("sample", 4, "bukovsky", 2),
			fonds.FacetCreator:    indexCounts("KGB", 2, "Politburo", 2),
			fonds.FacetType:       indexCounts("report", 2, "instruction", 1, "resolution", 1),
			fonds.FacetLanguage:   indexCounts("en", 5, "ru", 3),
			fonds.FacetPerson:     indexCounts("Andrei Sakharov", 2, "Elena Bonner", 1, "Leonid Brezhnev", 1, "Yury Andropov", 1),
			fonds.FacetCategory:   indexCounts("2.1", 1, "2.3", 1, "4.1", 1),
		}
		for name, w := range want {
			if got := res.Facets[name]; !slices.Equal(indexSortCounts(got), w) {
				t.Errorf("Facets[%s] = %v, want %v", name, got, w)
			}
		}

		res = search(t, shared, fonds.SearchRequest{Query: "Sakharov", Facets: fonds.AllFacets})
		if got, w := res.Facets[fonds.FacetCollection], indexCounts("bukovsky", 2, "sample", 1); !slices.Equal(indexSortCounts(got), w) {
			t.Errorf("Search(Sakharov) collection facet = %v, want %v", got, w)
		}
		if res := search(t, shared, fonds.SearchRequest{Query: "Sakharov"}); len(res.Facets) > 0 {
			t.Errorf("Search without Facets has facets %v", res.Facets)
		}
	})

	t.Run("FacetsAsked", func(t *testing.T) {
		// Only the facets asked for are counted, the decade too when the
		// year is not asked for.
		for _, asked := range [][]string{
			{fonds.FacetCollection, fonds.FacetYear},
			{fonds.FacetDecade},
			{fonds.FacetPerson, fonds.FacetDecade, fonds.FacetLanguage},
		} {
			res := search(t, shared, fonds.SearchRequest{Query: "Sakharov", Facets: asked})
			got := slices.Sorted(maps.Keys(res.Facets))
			if want := slices.Sorted(slices.Values(asked)); !slices.Equal(got, want) {
				t.Errorf("Search(Sakharov, Facets %v) has facets %v, want %v", asked, got, want)
			}
			all := search(t, shared, fonds.SearchRequest{Query: "Sakharov", Facets: fonds.AllFacets})
			for _, name := range asked {
				if g, w := indexSortCounts(res.Facets[name]), indexSortCounts(all.Facets[name]); !slices.Equal(g, w) {
					t.Errorf("Search(Sakharov, Facets %v)[%s] = %v, want %v as with every facet", asked, name, g, w)
				}
			}
		}
		if got, w := search(t, shared, fonds.SearchRequest{Query: "Sakharov", Facets: []string{fonds.FacetDecade}}).Facets[fonds.FacetDecade],
			indexCounts("1970s", 2, "1980s", 1); !slices.Equal(indexSortCounts(got), w) {
			t.Errorf("Search(Sakharov) decade facet = %v, want %v", got, w)
		}
		if _, err := shared.Search(ctx, fonds.SearchRequest{Query: "Sakharov", Facets: []string{"colour"}}); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Search with an unknown facet: error %v, want one that is fonds.ErrInvalid", err)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		for _, tt := range []struct {
			query   string
			filters map[string][]string
			want    []string
		}{
			{"", map[string][]string{fonds.FacetCollection: {"bukovsky"}}, []string{IndexHumanRights, IndexSakharovReport}},
			{"Sakharov", map[string][]string{fonds.FacetCollection: {"sample"}}, []string{IndexExile}},
			{"", map[string][]string{fonds.FacetCreator: {"KGB"}, fonds.FacetLanguage: {"en"}}, []string{IndexPoetry}},
			{"", map[string][]string{fonds.FacetDecade: {"1960s", "1980s"}}, []string{IndexPoetry, IndexExile}},
			{"", map[string][]string{fonds.FacetYear: {"1977"}}, []string{IndexHumanRights}},
			{"", map[string][]string{fonds.FacetPerson: {"Elena Bonner"}}, []string{IndexSakharovReport}},
			{"", map[string][]string{fonds.FacetCategory: {"2.1", "4.1"}}, []string{IndexHumanRights, IndexSakharovReport}},
			{"", map[string][]string{fonds.FacetType: {"report"}, fonds.FacetCollection: {"bukovsky"}}, []string{IndexSakharovReport}},
			{"", map[string][]string{fonds.FacetCollection: {"nowhere"}}, nil},
		} {
			res := search(t, shared, fonds.SearchRequest{Query: tt.query, Filters: tt.filters})
			if got := indexSorted(indexHitIDs(res)); !slices.Equal(got, indexSorted(tt.want)) {
				t.Errorf("Search(%q, filters %v) = %v, want %v", tt.query, tt.filters, got, tt.want)
			}
		}
	})

	t.Run("Dates", func(t *testing.T) {
		for _, tt := range []struct {
			query, from, to string
			want            []string
		}{
			{"", "1970", "1977", []string{IndexTrial, IndexSakharovReport, IndexHumanRights}},
			{"", "1975-06", "1975-06", []string{IndexSakharovReport}},
			{"", "1977-05-19", "", []string{IndexHumanRights, IndexExile}},
			{"", "", "1966", []string{IndexPoetry}},
			// A document dated to the month overlaps a day of it.
			{"", "1966-09-15", "1966-09-15", []string{IndexPoetry}},
			{"Sakharov", "1978", "", []string{IndexExile}},
			{"from:1970 to:1977", "", "", []string{IndexTrial, IndexSakharovReport, IndexHumanRights}},
			{"year:1975", "", "", []string{IndexSakharovReport}},
			{"decade:1960s", "", "", []string{IndexPoetry}},
			{"year:1975", "1977", "", nil},
		} {
			res := search(t, shared, fonds.SearchRequest{Query: tt.query, From: tt.from, To: tt.to})
			if got := indexSorted(indexHitIDs(res)); !slices.Equal(got, indexSorted(tt.want)) {
				t.Errorf("Search(%q, from %q, to %q) = %v, want %v", tt.query, tt.from, tt.to, got, tt.want)
			}
		}
	})

	t.Run("SortByDate", func(t *testing.T) {
		byDate := []string{IndexPoetry, IndexTrial, IndexSakharovReport, IndexHumanRights, IndexExile}
		res := search(t, shared, fonds.SearchRequest{Sort: fonds.ByDateAsc})
		if got, want := indexHitIDs(res), append(slices.Clone(byDate), IndexUndated); !slices.Equal(got, want) {
			t.Errorf("Search(sort date) = %v, want %v", got, want)
		}
		res = search(t, shared, fonds.SearchRequest{Sort: fonds.ByDateDesc})
		desc := slices.Clone(byDate)
		slices.Reverse(desc)
		if got, want := indexHitIDs(res), append(desc, IndexUndated); !slices.Equal(got, want) {
			t.Errorf("Search(sort -date) = %v, want %v", got, want)
		}
		res = search(t, shared, fonds.SearchRequest{Query: "Sakharov", Sort: fonds.ByDateAsc})
		if got, want := indexHitIDs(res), []string{IndexSakharovReport, IndexHumanRights, IndexExile}; !slices.Equal(got, want) {
			t.Errorf("Search(Sakharov, sort date) = %v, want %v", got, want)
		}
	})

	t.Run("Paging", func(t *testing.T) {
		var all []string
		for offset := 0; offset < 8; offset += 2 {
			res := search(t, shared, fonds.SearchRequest{Sort: fonds.ByDateAsc, Offset: offset, Limit: 2})
			if res.Total != 6 {
				t.Errorf("Search(offset %d, limit 2).Total = %d, want 6", offset, res.Total)
			}
			if want := min(2, max(0, 6-offset)); len(res.Hits) != want {
				t.Errorf("Search(offset %d, limit 2) has %d hits, want %d", offset, len(res.Hits), want)
			}
			all = append(all, indexHitIDs(res)...)
		}
		res := search(t, shared, fonds.SearchRequest{Sort: fonds.ByDateAsc})
		if want := indexHitIDs(res); !slices.Equal(all, want) {
			t.Errorf("pages = %v, want %v", all, want)
		}
		res = search(t, shared, fonds.SearchRequest{Limit: 1000})
		if len(res.Hits) != 6 {
			t.Errorf("Search(limit 1000) has %d hits, want 6", len(res.Hits))
		}
	})

	t.Run("Malformed", func(t *testing.T) {
		for _, q := range []string{`"human rights`, `(ambassadors`, `ambassadors)`, `title:`, `ambassadors OR`, `-`, `*`, `~`, `""`, `person:"`, `year:abc`} {
			res, err := shared.Search(ctx, fonds.SearchRequest{Query: q, Highlight: true, Facets: fonds.AllFacets})
			if err != nil {
				t.Errorf("Search(%q) error %v, want results", q, err)
				continue
			}
			if res == nil {
				t.Errorf("Search(%q) = nil", q)
			}
		}
		res := search(t, shared, fonds.SearchRequest{Query: `"human rights`})
		if res.Interpreted == "" {
			t.Errorf("Search(%q).Interpreted is empty, want how it was read", `"human rights`)
		}
		if got := indexHitIDs(res); !slices.Contains(got, IndexHumanRights) {
			t.Errorf("Search(%q) = %v, want %s among them", `"human rights`, got, IndexHumanRights)
		}
	})

	t.Run("Replace", func(t *testing.T) {
		ix := newIndex(t)
		d := IndexDocument("replaced", "1980", "The first version speaks of wheat.")
		put(t, ix, d)
		d2 := IndexDocument("replaced", "1981", "The second version speaks of barley.")
		put(t, ix, d2)
		if got := indexHitIDs(search(t, ix, fonds.SearchRequest{Query: "wheat"})); len(got) != 0 {
			t.Errorf("Search(wheat) after replace = %v, want none", got)
		}
		if got := indexHitIDs(search(t, ix, fonds.SearchRequest{Query: "barley"})); !slices.Equal(got, []string{"replaced"}) {
			t.Errorf("Search(barley) after replace = %v, want [replaced]", got)
		}
		res := search(t, ix, fonds.SearchRequest{Facets: fonds.AllFacets})
		if res.Total != 1 || !slices.Equal(res.Facets[fonds.FacetYear], indexCounts("1981", 1)) {
			t.Errorf("after replace: total %d, year facet %v, want 1 and [1981]", res.Total, res.Facets[fonds.FacetYear])
		}
		if got := stamps(t, ix); !maps.Equal(got, map[string]string{"replaced": d2.Hash}) {
			t.Errorf("Stamps() = %v, want the second hash", got)
		}
	})

	t.Run("Drafts", func(t *testing.T) {
		ix := newIndex(t)
		draft := IndexDocument("draft", "1980", "An embargoed word: zanzibar.")
		draft.Status = fonds.StatusDraft
		put(t, ix, draft)
		if got := indexHitIDs(search(t, ix, fonds.SearchRequest{Query: "zanzibar"})); len(got) != 0 {
			t.Errorf("Search found the draft: %v", got)
		}
		if got := stamps(t, ix); len(got) != 0 {
			t.Errorf("Stamps() = %v, want none", got)
		}

		// A published document taken back to draft leaves the index.
		pub := IndexDocument("draft", "1980", "An embargoed word: zanzibar.")
		put(t, ix, pub)
		if got := indexHitIDs(search(t, ix, fonds.SearchRequest{Query: "zanzibar"})); !slices.Equal(got, []string{"draft"}) {
			t.Fatalf("Search(zanzibar) = %v, want the published document", got)
		}
		put(t, ix, draft)
		if got := indexHitIDs(search(t, ix, fonds.SearchRequest{Query: "zanzibar"})); len(got) != 0 {
			t.Errorf("Search found the document put back as a draft: %v", got)
		}
		if got := indexHitIDs(search(t, ix, fonds.SearchRequest{})); len(got) != 0 {
			t.Errorf("Search() = %v, want nothing", got)
		}
	})

	t.Run("Access", func(t *testing.T) {
		// Only released documents are indexed; a restricted one is found
		// and counted only by a search that asks for restricted documents.
		ix := newIndex(t)
		now := time.Now().UTC()
		public := IndexDocument("public", "1980", "A public word: quince.")
		restricted := IndexDocument("restricted", "1981", "A restricted word: kumquat, and quince.")
		restricted.Restricted = true
		restricted.Hash = restricted.ContentHash()
		embargoed := IndexDocument("embargoed", "1982", "An embargoed word: tamarind.")
		embargoed.Embargo = now.Add(time.Hour).Format(time.RFC3339)
		embargoed.Hash = embargoed.ContentHash()
		ended := IndexDocument("ended", "1983", "An embargo that ended: medlar.")
		ended.Embargo = now.Add(-time.Hour).Format(time.RFC3339)
		ended.Hash = ended.ContentHash()
		var hidden []*fonds.Document
		for _, st := range []fonds.Status{fonds.StatusDraft, fonds.StatusReview, fonds.StatusWithdrawn} {
			d := IndexDocument(string(st), "1984", "A hidden word: loquat.")
			d.Status = st
			d.Hash = d.ContentHash()
			hidden = append(hidden, d)
		}
		put(t, ix, append([]*fonds.Document{public, restricted, embargoed, ended}, hidden...)...)

		for _, tt := range []struct {
			query      string
			restricted bool
			want       []string
		}{
			{"quince", false, []string{"public"}},
			{"quince", true, []string{"public", "restricted"}},
			{"kumquat", false, nil},
			{"kumquat", true, []string{"restricted"}},
			{"tamarind", true, nil},
			{"medlar", false, []string{"ended"}},
			{"loquat", true, nil},
			{"", false, []string{"ended", "public"}},
			{"", true, []string{"ended", "public", "restricted"}},
		} {
			res := search(t, ix, fonds.SearchRequest{Query: tt.query, Restricted: tt.restricted, Facets: fonds.AllFacets, Limit: 100})
			got := indexSorted(indexHitIDs(res))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q, Restricted: %t) = %v, want %v", tt.query, tt.restricted, got, tt.want)
			}
			if res.Total != len(tt.want) {
				t.Errorf("Search(%q, Restricted: %t).Total = %d, want %d", tt.query, tt.restricted, res.Total, len(tt.want))
			}
			// The facets count what is found, and nothing else.
			n := 0
			for _, c := range res.Facets[fonds.FacetYear] {
				n += c.Count
			}
			if n != len(tt.want) {
				t.Errorf("Search(%q, Restricted: %t): the year facet counts %d documents, want %d", tt.query, tt.restricted, n, len(tt.want))
			}
		}
		want := map[string]string{"public": public.Hash, "restricted": restricted.Hash, "ended": ended.Hash}
		if got := stamps(t, ix); !maps.Equal(got, want) {
			t.Errorf("Stamps() = %v, want %v", got, want)
		}

		// The embargo ends: the document put again is found.
		embargoed.Embargo = now.Add(-time.Second).Format(time.RFC3339)
		embargoed.Hash = embargoed.ContentHash()
		put(t, ix, embargoed)
		if got := indexHitIDs(search(t, ix, fonds.SearchRequest{Query: "tamarind"})); !slices.Equal(got, []string{"embargoed"}) {
			t.Errorf("Search(tamarind) after the embargo = %v, want [embargoed]", got)
		}
		// A public document restricted later is no longer found by the
		// public.
		public.Restricted = true
		public.Hash = public.ContentHash()
		put(t, ix, public)
		if got := indexHitIDs(search(t, ix, fonds.SearchRequest{Query: "quince"})); len(got) != 0 {
			t.Errorf("Search(quince) after restricting = %v, want none", got)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		ix := newIndex(t)
		put(t, ix, corpus...)
		if err := ix.Delete(ctx, IndexExile, "no-such-id"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if got := indexHitIDs(search(t, ix, fonds.SearchRequest{Query: "Gorky"})); len(got) != 0 {
			t.Errorf("Search(Gorky) after delete = %v, want none", got)
		}
		if _, ok := stamps(t, ix)[IndexExile]; ok {
			t.Errorf("Stamps() after delete has %s", IndexExile)
		}
		if res := search(t, ix, fonds.SearchRequest{}); res.Total != 5 {
			t.Errorf("Search().Total after delete = %d, want 5", res.Total)
		}
		if err := ix.Delete(ctx); err != nil {
			t.Errorf("Delete() of nothing: %v", err)
		}
	})

	t.Run("Cancelled", func(t *testing.T) {
		ix := newIndex(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := ix.Put(cctx, IndexDocument("cancelled", "1980", "Text.")); err == nil {
			t.Errorf("Put with a cancelled context: no error")
		}
		if _, err := ix.Search(cctx, fonds.SearchRequest{Query: "text"}); err == nil {
			t.Errorf("Search with a cancelled context: no error")
		}
		if _, err := ix.Stamps(cctx); err == nil {
			t.Errorf("Stamps with a cancelled context: no error")
		}
		if err := ix.Delete(cctx, "cancelled"); err == nil {
			t.Errorf("Delete with a cancelled context: no error")
		}
	})

	t.Run("PutMany", func(t *testing.T) {
		ix := newIndex(t)
		var docs []*fonds.Document
		for i := range 2500 {
			docs = append(docs, IndexDocument(fmt.Sprintf("doc-%04d", i), fmt.Sprint(1950+i%40), fmt.Sprintf("Routine report number %d on the harvest.", i)))
		}
		put(t, ix, docs...)
		if got := len(stamps(t, ix)); got != len(docs) {
			t.Errorf("Stamps() has %d documents, want %d", got, len(docs))
		}
		res := search(t, ix, fonds.SearchRequest{Query: "harvest", Limit: 5})
		if res.Total != len(docs) || len(res.Hits) != 5 {
			t.Errorf("Search(harvest) total %d with %d hits, want %d with 5", res.Total, len(res.Hits), len(docs))
		}
	})
}

// The ids of the documents of IndexCorpus.
const (
	IndexHumanRights    = "1977-05-19-pb-56-68"
	IndexSakharovReport = "1975-06-27-1702-a-ov"
	IndexTrial          = "1970-06-04-pb-120-33"
	IndexPoetry         = "1966-09-2154-s"
	IndexExile          = "1980-01-22-pb-177-9"
	IndexUndated        = "undated-samizdat-note"
	IndexDraft          = "1979-draft"
)

// indexQueries are searches of IndexCorpus and the documents each finds.
var indexQueries = []struct {
	query string
	want  []string
}{
	// English stemming.
	{"ambassadors", []string{IndexHumanRights}},
	{"ambassador", []string{IndexHumanRights}},
	{"dissident", []string{IndexHumanRights}},
	{"instructing", []string{IndexHumanRights}},
	{"the ambassadors", []string{IndexHumanRights}},
	// Russian stemming, and ё read as е.
	{"с корреспондентами", []string{IndexSakharovReport}},
	{"корреспондент", []string{IndexSakharovReport}},
	{"корреспондентам", []string{IndexSakharovReport}},
	{"отчет", []string{IndexSakharovReport}},
	{"отчёт", []string{IndexSakharovReport}},
	{"писатели", []string{IndexTrial}},
	// A name in any case, script and romanization.
	{"Brezhnev", []string{IndexHumanRights, IndexSakharovReport, IndexTrial}},
	{"Брежнев", []string{IndexHumanRights, IndexSakharovReport, IndexTrial}},
	{"Брежнева", []string{IndexHumanRights, IndexSakharovReport, IndexTrial}},
	{"Yakovlev", []string{IndexSakharovReport}},
	{"Iakovlev", []string{IndexSakharovReport}},
	{"Jakovlev", []string{IndexSakharovReport}},
	{"Яковлев", []string{IndexSakharovReport}},
	{"Sakharov", []string{IndexHumanRights, IndexSakharovReport, IndexExile}},
	{"Saxarov", []string{IndexHumanRights, IndexSakharovReport, IndexExile}},
	{"Сахарова", []string{IndexHumanRights, IndexSakharovReport, IndexExile}},
	{"Щелоков", []string{IndexExile}},
	{"Андропов", []string{IndexTrial, IndexExile}},
	{"Mayakovsky", []string{IndexPoetry}},
	{"Маяковский", []string{IndexPoetry}},
	// A Russian word in a Latin spelling, and back.
	{"pisateli", []string{IndexTrial}},
	{"samizdat", []string{IndexUndated}},
	{"самиздат", []string{IndexUndated}},
	// Several words, phrases, OR, exclusion.
	{"Sakharov correspondents", []string{IndexHumanRights}},
	{`"human rights"`, []string{IndexHumanRights}},
	{`"rights human"`, nil},
	{`"иностранными корреспондентами"`, []string{IndexSakharovReport}},
	{"Andropov OR Bonner", []string{IndexSakharovReport, IndexTrial, IndexExile}},
	{"Sakharov -Gorky", []string{IndexHumanRights, IndexSakharovReport}},
	{"-Sakharov", []string{IndexTrial, IndexPoetry, IndexUndated}},
	// Prefix and fuzzy words.
	{"dissid*", []string{IndexHumanRights}},
	{"корреспонд*", []string{IndexSakharovReport}},
	{"ambasadors~", []string{IndexHumanRights}},
	// Fields.
	{"title:rights", []string{IndexHumanRights}},
	{`title:"human rights"`, []string{IndexHumanRights}},
	{"person:brezhnev", []string{IndexHumanRights, IndexSakharovReport, IndexTrial}},
	{"ref:2154-s", []string{IndexPoetry}},
	{"collection:sample", []string{IndexTrial, IndexPoetry, IndexExile, IndexUndated}},
	{"lang:ru", []string{IndexSakharovReport, IndexTrial, IndexPoetry}},
	{"type:report", []string{IndexSakharovReport, IndexPoetry}},
	{"creator:kgb", []string{IndexSakharovReport, IndexPoetry}},
	{"category:2", []string{IndexHumanRights, IndexSakharovReport}},
	{"category:4.1", []string{IndexSakharovReport}},
	// Everyone credited, by name and by role.
	{"Crowfoot", []string{IndexHumanRights}},
	{"translator:Crowfoot", []string{IndexHumanRights}},
	{`translator:"John Crowfoot"`, []string{IndexHumanRights}},
	{`"John Crowfoot"`, []string{IndexHumanRights}},
	{"credit:Crowfoot", []string{IndexHumanRights}},
	{"transcriber:Crowfoot", nil},
	{"Volkova", []string{IndexSakharovReport}},
	{"transcriber:Volkova", []string{IndexSakharovReport}},
	{"credit:volk*", []string{IndexSakharovReport}},
	{"translator:Volkova", nil},
	// A reference code finds its document, and the one that cites it.
	{"Pb 56/68", []string{IndexHumanRights, IndexTrial}},
	// Written in any of the archives' forms, it finds its document.
	{"P56/68", []string{IndexHumanRights}},
	{"Пб 56/68", []string{IndexHumanRights}},
	{"ref:П 56/68", []string{IndexHumanRights}},
	{"Pb 177/9", []string{IndexExile}},
	{"Ст 177/9", []string{IndexExile}},
	// A query of only stop words finds the documents that write them; a
	// stop word in a phrase is that word, not any.
	{"the", []string{IndexHumanRights, IndexTrial, IndexPoetry, IndexExile, IndexUndated}},
	{"еще", []string{IndexSakharovReport}},
	{"ещё", []string{IndexSakharovReport}},
	{`"to be"`, []string{IndexTrial, IndexExile}},
	{"to be", []string{IndexHumanRights, IndexTrial, IndexExile}},
	{`"is to be"`, []string{IndexExile}},
	{`"sent to Gorky"`, []string{IndexExile}},
	{`"sent from Gorky"`, nil},
	{`"the campaign"`, []string{IndexHumanRights}},
	// Nothing.
	{"zanzibar", nil},
	{"", []string{IndexHumanRights, IndexSakharovReport, IndexTrial, IndexPoetry, IndexExile, IndexUndated}},
}

// IndexCorpus returns the documents TestIndex searches: six published
// documents, in English, in Russian and in both, and a draft. Their words
// are invented. Each has its Hash set.
func IndexCorpus() []*fonds.Document {
	docs := []*fonds.Document{
		{
			ID:         IndexHumanRights,
			Collection: "bukovsky",
			Date:       NewDate("1977-05-19"),
			Title:      "Human rights",
			Summary:    "Politburo. Instructions to Soviet ambassadors on the campaign about human rights. Leonid BREZHNEV.",
			Creator:    "Politburo",
			Type:       "instruction",
			References: []fonds.Reference{fonds.NewReference("Pb 56/68", "heading")},
			Languages:  []string{"en"},
			Pages:      []fonds.Page{{N: 1}, {N: 2}, {N: 3}},
			Persons:    []fonds.Person{{Name: "Leonid Brezhnev", Written: "Leonid BREZHNEV"}},
			Categories: []string{"2.1"},
			Witnesses: []fonds.Witness{{
				Language: "en",
				Role:     fonds.RoleTranslation,
				Credits:  []fonds.Credit{{Role: "translator", Name: "John Crowfoot", Written: "Translation, John Crowfoot"}},
				Text: indexText(
					"The Soviet ambassadors are instructed to explain the position of the Soviet Union.",
					indexPage(2),
					"Dissidents such as Sakharov hand statements to foreign correspondents.",
					indexPage(3),
					"The campaign in the Western press must be countered.",
				),
			}},
		},
		{
			ID:         IndexSakharovReport,
			Collection: "bukovsky",
			Date:       NewDate("1975-06-27"),
			Title:      "Contacts of Sakharov",
			Summary:    "KGB. Report on Andrei SAKHAROV and Elena BONNER.",
			Creator:    "KGB",
			Type:       "report",
			References: []fonds.Reference{fonds.NewReference("1702-A/ov", "heading")},
			Languages:  []string{"ru"},
			Pages:      []fonds.Page{{N: 1}, {N: 2}},
			Persons:    []fonds.Person{{Name: "Andrei Sakharov"}, {Name: "Elena Bonner"}},
			Categories: []string{"2.3", "4.1"},
			Witnesses: []fonds.Witness{{
				Language: "ru",
				Role:     fonds.RoleOriginal,
				Credits:  []fonds.Credit{{Role: "transcriber", Name: "Nina Volkova"}},
				Text: indexText(
					"Академик Сахаров ещё продолжает встречаться с иностранными корреспондентами.",
					indexPage(2),
					"Боннэр подала заявление о поездке. Беседа с Сахаровым проведена по указанию т. Брежнева.",
					"Отчёт подготовил А. Яковлев.",
				),
			}},
		},
		{
			ID:         IndexTrial,
			Collection: "sample",
			Date:       NewDate("1970-06-04"),
			Title:      "Trial of the writers",
			Summary:    "Politburo. Resolution on the report of Yury ANDROPOV.",
			Creator:    "Politburo",
			Type:       "resolution",
			References: []fonds.Reference{fonds.NewReference("Pb 120/33", "heading")},
			Languages:  []string{"en", "ru"},
			Persons:    []fonds.Person{{Name: "Yury Andropov", Written: "Yury ANDROPOV"}},
			Witnesses: []fonds.Witness{
				{
					Language: "en",
					Role:     fonds.RoleTranslation,
					Text:     indexText("Comrade Andropov reported on the trial. To be handled as in Pb 56/68."),
				},
				{
					Language: "ru",
					Role:     fonds.RoleOriginal,
					Text:     indexText("Тов. Андропов доложил о процессе, на котором писатели не признали вины. Согласиться с предложением Брежнева."),
				},
			},
		},
		{
			ID:         IndexPoetry,
			Collection: "sample",
			Date:       NewDate("1966-09"),
			Summary:    "KGB. Report on poetry readings.",
			Creator:    "KGB",
			Type:       "report",
			References: []fonds.Reference{fonds.NewReference("2154-S", "heading")},
			Languages:  []string{"en", "ru"},
			Witnesses: []fonds.Witness{
				{
					Language: "en",
					Role:     fonds.RoleTranslation,
					Text:     indexText("Readings at the Mayakovsky monument were dispersed. A leaflet read <script>alert(1)</script> & more."),
				},
				{
					Language: "ru",
					Role:     fonds.RoleOriginal,
					Text:     indexText("Чтения у памятника Маяковскому рассеяны."),
				},
			},
		},
		{
			ID:         IndexExile,
			Collection: "sample",
			Date:       NewDate("1980-01-22"),
			Title:      "Exile to Gorky",
			Summary:    "Decree on the exile of Andrei SAKHAROV.",
			References: []fonds.Reference{fonds.NewReference("Pb 177/9", "heading")},
			Languages:  []string{"en"},
			Persons:    []fonds.Person{{Name: "Andrei Sakharov", Written: "Andrei SAKHAROV"}},
			Witnesses: []fonds.Witness{{
				Language: "en",
				Role:     fonds.RoleTranslation,
				Text:     indexText("Sakharov is to be sent to Gorky. Signed: Yu. Andropov, N. Shchelokov."),
			}},
		},
		{
			ID:         IndexUndated,
			Collection: "sample",
			Title:      "Note on samizdat",
			Languages:  []string{"en"},
			Witnesses: []fonds.Witness{{
				Language: "en",
				Role:     fonds.RoleOriginal,
				Text:     indexText("A note on the journals of samizdat."),
			}},
		},
		{
			ID:         IndexDraft,
			Collection: "sample",
			Date:       NewDate("1979"),
			Title:      "Embargoed",
			Languages:  []string{"en"},
			Witnesses: []fonds.Witness{{
				Language: "en",
				Role:     fonds.RoleOriginal,
				Text:     indexText("An embargoed report on Sakharov, Brezhnev and dissidents: zanzibar."),
			}},
			Status: fonds.StatusDraft,
		},
	}
	for _, d := range docs {
		if d.Status == "" {
			d.Status = fonds.StatusPublished
		}
		d.Hash = d.ContentHash()
	}
	return docs
}

// IndexDocument returns a published English document with the id, date (as
// NewDate reads it) and text, its Hash set.
func IndexDocument(id, date, text string) *fonds.Document {
	d := &fonds.Document{
		ID:         id,
		Collection: Collection,
		Date:       NewDate(date),
		Title:      "Document " + id,
		Languages:  []string{"en"},
		Witnesses:  []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal, Text: indexText(text)}},
		Status:     fonds.StatusPublished,
	}
	d.Hash = d.ContentHash()
	return d
}

// indexPage is a page break in the arguments of indexText.
type indexPage int

// indexText returns a text of one paragraph per string argument, with a
// page break for each indexPage argument.
func indexText(parts ...any) fonds.Text {
	var text fonds.Text
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			text = append(text, fonds.Block{Kind: fonds.BlockParagraph, Spans: []fonds.Span{{Kind: fonds.SpanText, Text: p}}})
		case indexPage:
			text = append(text, fonds.Block{Kind: fonds.BlockParagraph, Spans: []fonds.Span{{Kind: fonds.SpanPageBreak, Page: int(p), Text: fmt.Sprintf("page %d", p)}}})
		}
	}
	return text
}

// indexCounts returns the facet counts of value, count pairs.
func indexCounts(pairs ...any) []fonds.FacetCount {
	var counts []fonds.FacetCount
	for i := 0; i+1 < len(pairs); i += 2 {
		counts = append(counts, fonds.FacetCount{Value: pairs[i].(string), Count: pairs[i+1].(int)})
	}
	return counts
}

func indexHitIDs(res *fonds.SearchResults) []string {
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func indexSorted(ids []string) []string {
	s := slices.Clone(ids)
	sort.Strings(s)
	return s
}

// indexSortCounts returns the counts most first, and values of equal counts
// in order, as the contract leaves their order open.
func indexSortCounts(counts []fonds.FacetCount) []fonds.FacetCount {
	s := slices.Clone(counts)
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Count != s[j].Count {
			return s[i].Count > s[j].Count
		}
		return s[i].Value < s[j].Value
	})
	return s
}
