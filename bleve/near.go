package bleve

import (
	"context"
	"slices"
	"strings"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
)

// A query of several plain words is often a title or a subject line typed
// without quotes. Its documents are found by its words wherever they are,
// and the first rescoreWindow of them are then ranked again by how many of
// the words stand side by side as typed, in the text, title, summary or
// source note: a document that writes the words together comes before a
// long one that only has them all somewhere.
//
// The words side by side are read from the positions of the words in the
// documents of the window, not searched as phrases: a phrase searcher looks
// past the documents it is asked about for the next that has the phrase,
// which, where its words are common, reads the positions of every document
// that has them all, and took five times as long as the search itself.

// rescoreWindow is how many of the first results are ranked again: enough
// to hold the document a reader looks for, few enough that the positions of
// their words are quick to read.
const rescoreWindow = 50

// How much words side by side raise a document's score: the score is
// multiplied by 1 + nearPairs times the share of the neighbouring words of
// the query that the document writes side by side, plus nearWhole when it
// writes a run of three words or more whole.
const (
	nearPairs = 2
	nearWhole = 4
)

// nearFields are the fields whose words side by side count, with the
// analyzer that reads the query's words as the field's terms.
var nearFields = []struct {
	field, analyzer string
}{
	{fieldEnglish, analyzerEnglish},
	{fieldRussian, analyzerRussian},
	{fieldOther, analyzerPlain},
	{fieldTitle, analyzerEnglish},
	{fieldSummary, analyzerEnglish},
	{fieldSource, analyzerEnglish},
}

// nearTerm is a term of a run of the query, at its position in the run.
type nearTerm struct {
	term string
	pos  int
}

// runTerms returns the terms of a run as an analyzer reads it: stop words
// leave their positions empty, so that "reporting to the Congress" asks
// for "congress" three places after "report".
func runTerms(a analysis.Analyzer, run string) []nearTerm {
	toks := a.Analyze([]byte(run))
	out := make([]nearTerm, len(toks))
	for i, t := range toks {
		out[i] = nearTerm{string(t.Term), t.Position}
	}
	return out
}

// rescore ranks the first rescoreWindow hits again by the words of the runs
// side by side, and returns the page from offset of that order, in which
// the hits past the window keep theirs.
func (ix *Index) rescore(ctx context.Context, runs []string, hits search.DocumentMatchCollection, offset, limit int) (search.DocumentMatchCollection, error) {
	window := hits[:min(rescoreWindow, len(hits))]
	if offset >= len(window) {
		return nil, nil
	}
	// The terms of each run in each field, and a query of them all.
	terms := make([][][]nearTerm, len(nearFields)) // field, run
	var qs []bq.Query
	for i, f := range nearFields {
		a := ix.an.english
		switch f.analyzer {
		case analyzerRussian:
			a = ix.an.russian
		case analyzerPlain:
			a = ix.an.plain
		}
		terms[i] = make([][]nearTerm, len(runs))
		var seen []string
		for j, run := range runs {
			terms[i][j] = runTerms(a, run)
			for _, t := range terms[i][j] {
				if !slices.Contains(seen, t.term) {
					seen = append(seen, t.term)
					qs = append(qs, termQuery(f.field, t.term, 1))
				}
			}
		}
	}
	pairs := 0
	for j := range runs {
		pairs += max(len(terms[0][j])-1, 0)
	}
	if pairs == 0 || len(qs) == 0 {
		return pageOf(window, hits, offset, limit), nil
	}

	// The positions of those terms in the documents of the window: a
	// conjunction with their ids, which leaps from one id to the next.
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
		near, whole := 0, false
		for j := range runs {
			// A pair counts once, in whichever field has it.
			found := make([]bool, max(len(terms[0][j])-1, 0))
			for i, f := range nearFields {
				locs := h.Locations[f.field]
				if locs == nil {
					continue
				}
				ts := terms[i][j]
				for k := 1; k < len(ts); k++ {
					if k-1 < len(found) && !found[k-1] && adjacent(locs[ts[k-1].term], locs[ts[k].term], ts[k].pos-ts[k-1].pos) {
						found[k-1] = true
					}
				}
				if len(ts) >= 3 && !whole && chained(locs, ts) {
					whole = true
				}
			}
			for _, ok := range found {
				if ok {
					near++
				}
			}
		}
		f := 1 + nearPairs*float64(near)/float64(pairs)
		if whole {
			f += nearWhole
		}
		factor[h.ID] = f
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
	return pageOf(window, hits, offset, limit), nil
}

// pageOf returns the hits from offset, limit of them, whose first are those
// of the window.
func pageOf(window, hits search.DocumentMatchCollection, offset, limit int) search.DocumentMatchCollection {
	end := min(offset+limit, len(hits))
	if offset >= end {
		return nil
	}
	return hits[offset:end]
}

// adjacent reports whether a location of b is dist places after one of a,
// in the same element of the field.
func adjacent(a, b search.Locations, dist int) bool {
	for _, la := range a {
		for _, lb := range b {
			if int(lb.Pos)-int(la.Pos) == dist && la.ArrayPositions.Equals(lb.ArrayPositions) {
				return true
			}
		}
	}
	return false
}

// chained reports whether the terms stand in the field as in the run, all
// of them, from one of the locations of the first.
func chained(locs search.TermLocationMap, ts []nearTerm) bool {
	for _, first := range locs[ts[0].term] {
		ok := true
		for _, t := range ts[1:] {
			want := int(first.Pos) + t.pos - ts[0].pos
			if !slices.ContainsFunc(locs[t.term], func(l *search.Location) bool {
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
