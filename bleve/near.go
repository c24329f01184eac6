package bleve

import (
	"context"
	"slices"
	"strings"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"fonds/analysis"
	"fonds/searchplan"
)

// rescoreWindow is how many of the first results are ranked again by the
// words of the query side by side (see searchplan.Near).
const rescoreWindow = searchplan.RescoreWindow

// rescore ranks the first rescoreWindow hits again by the words of the runs
// side by side, and returns the page from offset of that order, in which
// the hits past the window keep theirs.
//
// The positions of the words are read for the documents of the window by
// a conjunction with their ids, not searched as phrases: a phrase searcher
// looks past the documents it is asked about for the next that has the
// phrase, which, where its words are common, reads the positions of every
// document that has them all, and took five times as long as the search.
func (ix *Index) rescore(ctx context.Context, runs []string, hits search.DocumentMatchCollection, offset, limit int) (search.DocumentMatchCollection, error) {
	window := hits[:min(rescoreWindow, len(hits))]
	if offset >= len(window) {
		return nil, nil
	}
	near := searchplan.NewNear(planAnalyzers(), runs)
	if near == nil {
		return pageOf(hits, offset, limit), nil
	}
	var qs []bq.Query
	near.Terms(func(field, term string) {
		qs = append(qs, termQuery(indexField(field), term, 1))
	})
	ids := make([]string, len(window))
	for i, h := range window {
		ids[i] = h.ID
	}
	among := bq.NewConjunctionQuery([]bq.Query{bq.NewDocIDQuery(ids), bq.NewDisjunctionQuery(qs)})
	sr := blevesearch.NewSearchRequestOptions(among, len(ids), 0, false)
	sr.IncludeLocations = true
	res, err := ix.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, err
	}
	factor := make(map[string]float64, len(res.Hits))
	for _, h := range res.Hits {
		factor[h.ID] = near.Factor(locations(h.Locations))
	}
	for _, h := range window {
		if f, ok := factor[h.ID]; ok {
			h.Score *= f
		}
	}
	slices.SortStableFunc(window, func(a, b *search.DocumentMatch) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return pageOf(hits, offset, limit), nil
}

// pageOf returns the hits from offset, limit of them.
func pageOf(hits search.DocumentMatchCollection, offset, limit int) search.DocumentMatchCollection {
	end := min(offset+limit, len(hits))
	if offset >= end {
		return nil
	}
	return hits[offset:end]
}

// locations are the locations of the terms of a hit by field, which tell
// where the words of a query stand in it (searchplan.Positions).
type locations search.FieldTermLocationMap

// Adjacent reports whether a location of b is dist places after one of a,
// in the same element of the field.
func (l locations) Adjacent(field, a, b string, dist int) bool {
	locs := l[indexField(field)]
	for _, la := range locs[a] {
		for _, lb := range locs[b] {
			if int(lb.Pos)-int(la.Pos) == dist && la.ArrayPositions.Equals(lb.ArrayPositions) {
				return true
			}
		}
	}
	return false
}

// Whole reports whether the terms stand in the field as in the run, all of
// them, from one of the locations of the first.
func (l locations) Whole(field string, ts []analysis.Token) bool {
	locs := l[indexField(field)]
	for _, first := range locs[ts[0].Term] {
		ok := true
		for _, t := range ts[1:] {
			want := int(first.Pos) + t.Position - ts[0].Position
			if !slices.ContainsFunc(locs[t.Term], func(l *search.Location) bool {
				return int(l.Pos) == want && l.ArrayPositions.Equals(first.ArrayPositions)
			}) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
