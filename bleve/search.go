package bleve

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"fonds"
	"fonds/analysis"
	"fonds/query"
	"fonds/searchplan"
)

// Page sizes of search results.
const (
	defaultLimit = 20
	maxLimit     = 100
	// maxOffset bounds how deep a reader may page: bleve keeps offset+limit
	// hits in memory to find a page.
	maxOffset = 10000
	facetSize = 20
)

// Search answers a request. It stops at the index's Timeout, or sooner
// when ctx is done, with an error that is a fonds.ErrTimeout.
func (ix *Index) Search(ctx context.Context, req fonds.SearchRequest) (*fonds.SearchResults, error) {
	res, _, err := ix.search(ctx, req)
	return res, err
}

// search answers a request, and returns the budget of its expansions,
// which tells how many words they stood for.
func (ix *Index) search(ctx context.Context, req fonds.SearchRequest) (*fonds.SearchResults, *budget, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, stopped(req.Query, err)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, ix.timeout())
	defer cancel()
	// bleve's own bound on the terms of one search, beyond the expansions
	// the budget bounds: the words of a query of MaxLength characters.
	ctx = context.WithValue(ctx, search.MaxTermSearchersKey, ix.maxExpansion()+maxTermSearchers)
	q := query.Parse(req.Query)

	plan := searchplan.Build(planAnalyzers(), q, false)
	b := &builder{Index: ix, budget: &budget{max: ix.maxExpansion()}, stops: plan.Stops, runs: plan.Runs, keys: plan.Keys}
	main := b.translate(plan.Root)
	var filters []bq.Query
	for _, r := range [][2]string{{q.DateFrom, q.DateTo}, {req.From, req.To}} {
		f, err := dateFilter(r[0], r[1])
		if err != nil {
			return nil, b.budget, err
		}
		if f != nil {
			filters = append(filters, f)
		}
	}
	facetFilters, err := facetFilter(req.Filters)
	if err != nil {
		return nil, b.budget, err
	}
	filters = append(filters, facetFilters...)
	// topOf returns the query searched for the query of the words main.
	topOf := func(main bq.Query) bq.Query {
		top := bq.NewBooleanQuery(nil, nil, nil)
		top.AddMust(main)
		if !req.Restricted {
			// Neither found nor counted, in the total and the facets
			// alike.
			top.AddMustNot(termQuery(fieldRestricted, "true", 1))
		}
		switch len(filters) {
		case 0:
		case 1:
			top.AddFilter(filters[0])
		default:
			top.AddFilter(bq.NewConjunctionQuery(filters))
		}
		return top
	}
	top := topOf(main)

	limit := req.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	offset := min(max(req.Offset, 0), maxOffset)

	sr := blevesearch.NewSearchRequestOptions(top, limit, offset, false)
	sr.Fields = []string{fieldHit}
	byScore := false
	switch {
	case req.Sort == fonds.ByDateAsc, req.Sort != fonds.ByDateDesc && q.Root == nil:
		// Without words to rank by, a list reads best in date order.
		sr.SortByCustom(dateSort(false))
	case req.Sort == fonds.ByDateDesc:
		sr.SortByCustom(dateSort(true))
	default:
		// Then by id: documents of equal score keep one order from one
		// page to the next, whatever merges the index did between them.
		sr.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}, byID()})
		byScore = true
	}
	// The first rescoreWindow results are ranked again, by the query's
	// words side by side (see rescore), and the page is cut from them.
	rescoring := byScore && len(b.runs) > 0 && offset < rescoreWindow
	if rescoring {
		sr.From, sr.Size = 0, max(rescoreWindow, offset+limit)
	}
	facets, err := facetRequests(req.Facets)
	if err != nil {
		return nil, b.budget, err
	}
	if facets != nil {
		sr.AddFacet(fieldFacets, facets)
	}

	res, err := ix.idx.SearchInContext(ctx, sr)
	relaxed := false
	if err == nil && res.Total == 0 && !b.stops {
		// No document has every word of a query of three words or more:
		// those with all but one are found instead, and the reader told.
		if r := searchplan.Build(planAnalyzers(), q, true); r != nil {
			b.runs, b.keys = r.Runs, r.Keys
			top = topOf(b.translate(r.Root))
			sr.Query = top
			res, err = ix.idx.SearchInContext(ctx, sr)
			relaxed = true
		}
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, b.budget, stopped(req.Query, ctx.Err())
	case err != nil && strings.Contains(err.Error(), "TooManyTermSearchers"):
		// bleve's error has no type to test.
		return nil, b.budget, fmt.Errorf("bleve: search %q: %w: it holds too many words", req.Query, fonds.ErrTimeout)
	case err != nil:
		return nil, b.budget, errorf("search %q: %w", req.Query, err)
	}

	if rescoring {
		res.Hits, err = ix.rescore(ctx, b.runs, res.Hits, offset, limit)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, b.budget, stopped(req.Query, ctx.Err())
		case err != nil:
			return nil, b.budget, errorf("search %q: %w", req.Query, err)
		}
	}

	out := &fonds.SearchResults{
		Total:       int(res.Total),
		Hits:        make([]fonds.Hit, 0, len(res.Hits)),
		Interpreted: q.Interpreted,
	}
	if relaxed && res.Total > 0 {
		out.Interpreted = strings.TrimSpace(out.Interpreted + " " + noteRelaxed)
	}
	if _, cut := b.budget.Used(); cut {
		out.Interpreted = strings.TrimSpace(out.Interpreted + " " + noteExpansion)
	}
	// The snippets are cut from the positions of the matches in the hits
	// of the page only, which a second search, of the same query among
	// those hits, reads: asking the first for them read the positions of
	// every document it matched.
	var located map[string]*search.DocumentMatch
	if req.Highlight && len(res.Hits) > 0 {
		located, err = ix.locate(ctx, top, res.Hits)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, b.budget, stopped(req.Query, ctx.Err())
		case err != nil:
			return nil, b.budget, errorf("search %q: %w", req.Query, err)
		}
	}
	for _, h := range res.Hits {
		if err := ctx.Err(); err != nil {
			return nil, b.budget, stopped(req.Query, err)
		}
		var data hitData
		if s, ok := h.Fields[fieldHit].(string); ok {
			if err := json.Unmarshal([]byte(s), &data); err != nil {
				return nil, b.budget, errorf("hit %s: %w", h.ID, err)
			}
		}
		hit := fonds.Hit{
			ID:         h.ID,
			Title:      data.Title,
			Date:       data.Date,
			References: data.References,
			Collection: data.Collection,
			Score:      h.Score,
		}
		if math.IsNaN(hit.Score) || math.IsInf(hit.Score, 0) {
			hit.Score = 0
		}
		if lh, ok := located[h.ID]; ok {
			var err error
			hit.Snippet, hit.Page, err = snippet(ctx, lh, &data, ix.an.translit, b.keys)
			if ctx.Err() != nil {
				return nil, b.budget, stopped(req.Query, ctx.Err())
			}
			if err != nil {
				return nil, b.budget, errorf("snippet of %s: %w", h.ID, err)
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	if len(req.Facets) > 0 {
		out.Facets = facetCounts(res.Facets, req.Facets)
	}
	out.Took = time.Since(start)
	return out, b.budget, nil
}

// maxTermSearchers bounds the terms of a query, besides those its prefixes
// and fuzzy words stand for: its words, each searched in a dozen fields.
const maxTermSearchers = 8192

// noteExpansion tells the reader that a prefix or fuzzy word was searched
// as fewer words than it matches.
const noteExpansion = "Some prefixes or fuzzy words match too many words: only the most frequent of them were searched."

// noteRelaxed tells the reader that no document has every word of the
// query, and that those shown lack one.
const noteRelaxed = "No document has all of these words: shown are those that have all but one."

// stopped returns the error of a search stopped because its context is
// done: past its deadline, or because the reader went away.
func stopped(q string, err error) error {
	return fmt.Errorf("bleve: search %q stopped: %w (%w)", q, fonds.ErrTimeout, err)
}

// locate searches the query q again among the hits, for the positions of
// its matches and the texts the snippets are cut from, and returns the
// matches by id.
func (ix *Index) locate(ctx context.Context, q bq.Query, hits search.DocumentMatchCollection) (map[string]*search.DocumentMatch, error) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	// A conjunction, which leaps from one of the ids to the next in every
	// term of the query; a filter would read every match of the query,
	// with its positions, and test it against the ids.
	among := bq.NewConjunctionQuery([]bq.Query{bq.NewDocIDQuery(ids), q})
	sr := blevesearch.NewSearchRequestOptions(among, len(ids), 0, false)
	sr.IncludeLocations = true
	sr.Fields = []string{fieldText, fieldSummary}
	sr.SortBy([]string{"_id"})
	res, err := ix.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*search.DocumentMatch, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = h
	}
	return out, nil
}

// facetRequests checks the names of the facets asked for, and returns the
// facet request that counts them: every facet's values are counted in one
// pass over fieldFacets (see facetCounts).
func facetRequests(names []string) (*blevesearch.FacetRequest, error) {
	for _, n := range names {
		if _, ok := facetFields[n]; !ok {
			return nil, fmt.Errorf("%w: no facet %q", fonds.ErrInvalid, n)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	return blevesearch.NewFacetRequest(fieldFacets, math.MaxInt32), nil
}

// facetCounts returns the counts of the facets named, from those of the
// values of fieldFacets, and counts the decades from the years: each
// facet's values most first (ties in the order of the values), cut to
// facetSize.
func facetCounts(results search.FacetResults, names []string) map[string][]fonds.FacetCount {
	byCode := make(map[byte][]fonds.FacetCount)
	if fr := results[fieldFacets]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			if len(t.Term) > 1 {
				byCode[t.Term[0]] = append(byCode[t.Term[0]], fonds.FacetCount{Value: t.Term[1:], Count: t.Count})
			}
		}
	}
	out := make(map[string][]fonds.FacetCount, len(names))
	for _, n := range names {
		var counts []fonds.FacetCount
		if n == fonds.FacetDecade {
			// A document has one year, and its decade is that of the
			// year (see documentOf).
			decades := make(map[string]int)
			for _, y := range byCode[facetCodes[fonds.FacetYear]] {
				if year, err := strconv.Atoi(y.Value); err == nil {
					decades[strconv.Itoa(year/10*10)+"s"] += y.Count
				}
			}
			for d, c := range decades {
				counts = append(counts, fonds.FacetCount{Value: d, Count: c})
			}
		} else {
			counts = slices.Clone(byCode[facetCodes[n]])
		}
		slices.SortFunc(counts, func(a, b fonds.FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		if counts == nil {
			counts = []fonds.FacetCount{}
		}
		out[n] = counts[:min(len(counts), facetSize)]
	}
	return out
}

// dateSort orders by the start of the date, undated documents last, then by
// id so that pages of equal dates do not overlap.
func dateSort(desc bool) search.SortOrder {
	return search.SortOrder{
		&search.SortField{Field: fieldStart, Type: search.SortFieldAsString, Desc: desc, Missing: search.SortFieldMissingLast},
		byID(),
	}
}

// byID returns an order by the document's id, read from the id field's doc
// values. A sort by bleve's _id would look up the stored id of every hit,
// which took a tenth of the time of a search of many hits. A new one each
// search: a SortField keeps the values of the hit it reads.
func byID() search.SearchSort {
	return &search.SortField{Field: fieldID, Type: search.SortFieldAsString}
}

// dateFilter returns the documents whose dates overlap the range from the
// start of from to the end of to ("1977", "1977-05", "1977-05-19"), or nil
// if both are empty.
func dateFilter(from, to string) (bq.Query, error) {
	if from == "" && to == "" {
		return nil, nil
	}
	var parts []bq.Query
	if from != "" {
		start, _, err := searchplan.Period(from)
		if err != nil {
			return nil, err
		}
		// The document ends on or after the start of the range.
		parts = append(parts, atLeast(fieldEnd, start.Format(dateLayout)))
	}
	if to != "" {
		_, end, err := searchplan.Period(to)
		if err != nil {
			return nil, err
		}
		// And starts on or before its end.
		parts = append(parts, atMost(fieldStart, end.Format(dateLayout)))
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return bq.NewConjunctionQuery(parts), nil
}

// atLeast returns the documents whose date field is on or after the day
// (as 1977-05-19): those of the later days of its month, of the later months
// of its year, and of the later years, which reads a few dozen terms where a
// range of days would read one a day.
func atLeast(field, day string) bq.Query {
	month, year := day[:7], day[:4]
	return disjunction([]bq.Query{
		termRange(field, day, month+"-99", true, true),
		termRange(field+monthSuffix, month, year+"-99", false, true),
		termRange(field+yearSuffix, year, "", false, false),
	})
}

// atMost returns the documents whose date field is on or before the day.
func atMost(field, day string) bq.Query {
	month, year := day[:7], day[:4]
	return disjunction([]bq.Query{
		termRange(field, month+"-00", day, true, true),
		termRange(field+monthSuffix, year+"-00", month, true, false),
		termRange(field+yearSuffix, "", year, true, false),
	})
}

// termRange returns the terms of the field from min to max; an empty min or
// max leaves that end open.
func termRange(field, min, max string, minIncl, maxIncl bool) bq.Query {
	q := bq.NewTermRangeInclusiveQuery(min, max, &minIncl, &maxIncl)
	q.SetField(field)
	return q
}

// facetFilter returns a filter per facet of the request: a document must
// have one of the values asked of each facet.
func facetFilter(filters map[string][]string) ([]bq.Query, error) {
	names := make([]string, 0, len(filters))
	for name := range filters {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []bq.Query
	for _, name := range names {
		field, ok := facetFields[name]
		if !ok {
			return nil, fmt.Errorf("%w: no facet %q", fonds.ErrInvalid, name)
		}
		var terms []bq.Query
		for _, v := range filters[name] {
			if v == "" {
				continue
			}
			terms = append(terms, termQuery(field, v, 1))
		}
		switch len(terms) {
		case 0:
		case 1:
			out = append(out, terms[0])
		default:
			out = append(out, bq.NewDisjunctionQuery(terms))
		}
	}
	return out, nil
}

// builder translates the plan of a query (package searchplan, which every
// index shares) to bleve's queries, the expansions of its prefixes and
// fuzzy words within the budget.
type builder struct {
	*Index
	// keys are the transliteration keys searched, to mark in snippets.
	keys analysis.TranslitKeys
	// budget bounds the words the prefixes and fuzzy words stand for.
	budget *budget
	// stops is set for a query of only stop words.
	stops bool
	// runs are the runs of plain words of the query, by whose words side
	// by side the first results are ranked again (see rescore).
	runs []string
}

// planAnalyzers returns the analyzers the plans of queries are built with,
// the same chains as the mapping's (package analysis).
var planAnalyzers = sync.OnceValue(func() *analysis.Set {
	a, err := analysis.New()
	if err != nil {
		panic("bleve: analyzers: " + err.Error())
	}
	return a
})

// planFields maps the fields of plans to the fields of the index.
var planFields = map[string]string{
	searchplan.FieldEnglish:    fieldEnglish,
	searchplan.FieldRussian:    fieldRussian,
	searchplan.FieldOther:      fieldOther,
	searchplan.FieldTitle:      fieldTitle,
	searchplan.FieldSummary:    fieldSummary,
	searchplan.FieldSource:     fieldSource,
	searchplan.FieldNotes:      fieldNotes,
	searchplan.FieldNames:      fieldNames,
	searchplan.FieldTranslit:   fieldTranslit,
	searchplan.FieldStops:      fieldStops,
	searchplan.FieldCredit:     fieldCredit,
	searchplan.FieldCollection: fieldCollect,
	searchplan.FieldLanguage:   fieldLanguage,
	searchplan.FieldType:       fieldTypeLC,
	searchplan.FieldCreator:    fieldCreatorLC,
	searchplan.FieldCategory:   fieldCategory,
	searchplan.FieldReference:  fieldReference,
	searchplan.FieldYear:       fieldYear,
}

// indexField returns the field of the index of a field of a plan: the
// credits of a role are in fieldCredit+"_"+role.
func indexField(f string) string {
	if g, ok := planFields[f]; ok {
		return g
	}
	if role, ok := strings.CutPrefix(f, searchplan.FieldCredit+"_"); ok {
		return fieldCredit + "_" + role
	}
	return f
}

// translate returns the bleve query of a node of a plan.
func (b *builder) translate(n searchplan.Node) bq.Query {
	all := func(nodes []searchplan.Node) []bq.Query {
		qs := make([]bq.Query, 0, len(nodes))
		for _, c := range nodes {
			qs = append(qs, b.translate(c))
		}
		return qs
	}
	switch n := n.(type) {
	case *searchplan.Term:
		field := indexField(n.Field)
		if e := n.Expand; e != nil {
			return b.budget.expansion(indexField(e.Field), e.Text, e.Fuzziness, e.Boost)
		}
		qs := make([]bq.Query, len(n.Terms))
		for i, t := range n.Terms {
			qs[i] = termQuery(field, t, n.Boost)
		}
		if len(qs) == 0 {
			return blevesearch.NewMatchNoneQuery()
		}
		return disjunction(qs)
	case *searchplan.Phrase:
		// As bleve's match phrase query builds it: a stop word the
		// analyzer left out is a gap, which any word fills.
		if len(n.Terms) == 0 {
			return blevesearch.NewMatchNoneQuery()
		}
		slots := make([][]string, n.Offsets[len(n.Offsets)-1]+1)
		for i, t := range n.Terms {
			slots[n.Offsets[i]] = append(slots[n.Offsets[i]], t)
		}
		return newPhraseQuery(slots, indexField(n.Field), n.Boost)
	case *searchplan.Conj:
		return bq.NewConjunctionQuery(all(n.Nodes))
	case *searchplan.Disj:
		d := bq.NewDisjunctionQuery(all(n.Nodes))
		if n.Min > 0 {
			d.SetMin(float64(n.Min))
		}
		return d
	case *searchplan.Bool:
		q := bq.NewBooleanQuery(nil, nil, nil)
		if len(n.Must) > 0 {
			q.AddMust(all(n.Must)...)
		}
		if len(n.Should) > 0 {
			q.AddShould(all(n.Should)...)
		}
		if len(n.Not) > 0 {
			q.AddMustNot(all(n.Not)...)
		}
		return q
	case *searchplan.All:
		return blevesearch.NewMatchAllQuery()
	}
	return blevesearch.NewMatchNoneQuery()
}

func termQuery(field, term string, boost float64) bq.Query {
	q := bq.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func disjunction(qs []bq.Query) bq.Query {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return bq.NewDisjunctionQuery(qs)
}
