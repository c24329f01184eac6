package bleve

import (
	"context"
	"encoding/json"
	"fmt"
	"fonds/translit"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	blevesearch "github.com/blevesearch/bleve/v2"
	banalysis "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"fonds"
	"fonds/analysis"
	"fonds/query"
	"fonds/searchdoc"
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

// The boosts of the fields, which every index ranks by (see package
// analysis).
const (
	boostTitle         = analysis.BoostTitle
	boostNames         = analysis.BoostNames
	boostSummary       = analysis.BoostSummary
	boostText          = analysis.BoostText
	boostSource        = analysis.BoostSource
	boostNotes         = analysis.BoostNotes
	boostTranslit      = analysis.BoostTranslit
	boostCredit        = analysis.BoostCredit
	boostReference     = analysis.BoostReference
	boostRefNumber     = analysis.BoostRefNumber
	boostYear          = analysis.BoostYear
	boostStopsPhrase   = analysis.BoostStopsPhrase
	boostStopsInPhrase = analysis.BoostStopsInPhrase
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

	b := &builder{Index: ix, budget: &budget{max: ix.maxExpansion()}}
	if q.YearHint > 0 {
		b.year = strconv.Itoa(q.YearHint)
	}
	main := b.node(q.Root)
	if main == nil && q.Root != nil {
		// Only stop words: they are what is asked for, as exact words.
		b.stops = true
		main = b.node(q.Root)
	}
	switch {
	case main == nil && q.Root != nil:
		main = blevesearch.NewMatchNoneQuery()
	case main == nil:
		main = blevesearch.NewMatchAllQuery()
	}
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
		if q.YearHint > 0 {
			top.AddShould(termQuery(fieldYear, strconv.Itoa(q.YearHint), boostYear))
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
		sr.SortBy([]string{"-_score", "_id"})
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
	for field, size := range facets {
		sr.AddFacet(field, blevesearch.NewFacetRequest(field, size))
	}

	res, err := ix.idx.SearchInContext(ctx, sr)
	relaxed := false
	if err == nil && res.Total == 0 && !b.stops {
		// No document has every word of a query of three words or more:
		// those with all but one are found instead, and the reader told.
		r := &builder{Index: ix, budget: b.budget, year: b.year, relax: true}
		if main := r.node(q.Root); main != nil && r.relaxed {
			b.runs, b.keys = r.runs, r.keys
			top = topOf(main)
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

// facetRequests returns the fields to count for the facets named, with the
// number of values to ask of each: the decade is counted from every year.
func facetRequests(names []string) (map[string]int, error) {
	out := make(map[string]int, len(names))
	for _, n := range names {
		field, ok := facetFields[n]
		if !ok {
			return nil, fmt.Errorf("%w: no facet %q", fonds.ErrInvalid, n)
		}
		size := facetSize
		if n == fonds.FacetDecade {
			field = fieldYear
		}
		if field == fieldYear {
			size = math.MaxInt32
		}
		out[field] = max(out[field], size)
	}
	return out, nil
}

// facetCounts returns the counts of the facets named, and counts the
// decades from the years: each facet's values most first (ties in the order
// of the values), cut to facetSize.
func facetCounts(results search.FacetResults, names []string) map[string][]fonds.FacetCount {
	out := make(map[string][]fonds.FacetCount, len(names))
	terms := func(field string) []*search.TermFacet {
		fr := results[field]
		if fr == nil || fr.Terms == nil {
			return nil
		}
		return fr.Terms.Terms()
	}
	for _, n := range names {
		counts := []fonds.FacetCount{}
		if n == fonds.FacetDecade {
			// A document has one year, and its decade is that of the
			// year (see documentOf).
			decades := make(map[string]int)
			for _, t := range terms(fieldYear) {
				if y, err := strconv.Atoi(t.Term); err == nil {
					decades[strconv.Itoa(y/10*10)+"s"] += t.Count
				}
			}
			for d, c := range decades {
				counts = append(counts, fonds.FacetCount{Value: d, Count: c})
			}
		} else {
			for _, t := range terms(facetFields[n]) {
				if t.Term != "" {
					counts = append(counts, fonds.FacetCount{Value: t.Term, Count: t.Count})
				}
			}
		}
		slices.SortFunc(counts, func(a, b fonds.FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		out[n] = counts[:min(len(counts), facetSize)]
	}
	return out
}

// dateSort orders by the start of the date, undated documents last, then by
// id so that pages of equal dates do not overlap.
func dateSort(desc bool) search.SortOrder {
	return search.SortOrder{
		&search.SortField{Field: fieldStart, Type: search.SortFieldAsString, Desc: desc, Missing: search.SortFieldMissingLast},
		&search.SortDocID{},
	}
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
		start, _, err := period(from)
		if err != nil {
			return nil, err
		}
		// The document ends on or after the start of the range.
		parts = append(parts, atLeast(fieldEnd, start.Format(dateLayout)))
	}
	if to != "" {
		_, end, err := period(to)
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

// period returns the first and last day of a year, month or day.
func period(s string) (first, last time.Time, err error) {
	s = strings.TrimSpace(s)
	for _, p := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
	} {
		t, err := time.Parse(p.layout, s)
		if err == nil {
			return t, p.next(t).AddDate(0, 0, -1), nil
		}
	}
	return first, last, fmt.Errorf("%w: date %q: want a year, year-month or year-month-day (1977, 1977-05, 1977-05-19)", fonds.ErrInvalid, s)
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

// builder translates a parsed query to bleve queries.
type builder struct {
	*Index
	// year is the query's YearHint, or "". The query keeps it as a word, but
	// a document of that year that does not write it is still found: the
	// word only ranks higher the documents that have it.
	year string
	// keys are the transliteration keys searched, to mark in snippets.
	keys analysis.TranslitKeys
	// budget bounds the words the prefixes and fuzzy words stand for.
	budget *budget
	// stops is set for a query of only stop words, which are searched in
	// the stops field; in any other query they are left out, as the
	// stemmed fields leave them out of the text.
	stops bool
	// runs are the runs of plain words of the query, by whose words side
	// by side the first results are ranked again (see rescore).
	runs []string
	// negated counts the Nots around the node being translated.
	negated int
	// relax asks for the plain words of the query, when it has three or
	// more of them, all but one; relaxed tells that it had; depth counts
	// the Ands around the node being translated, of which only the
	// outermost is relaxed.
	relax, relaxed bool
	depth          int
}

// isYear reports whether n is the word of the query's year hint.
func (ix *builder) isYear(n query.Node) bool {
	t, ok := n.(query.Term)
	return ok && ix.year != "" && t.Field == "" && t.Text == ix.year && !t.Prefix && t.Fuzziness == 0
}

// node translates a parsed query to a bleve query, or nil for none.
func (ix *builder) node(n query.Node) bq.Query {
	switch n := n.(type) {
	case query.Term:
		return ix.term(n)
	case query.Phrase:
		return ix.phrase(n)
	case query.Reference:
		return ix.reference(n)
	case query.And:
		ix.depth++
		defer func() { ix.depth-- }()
		b := bq.NewBooleanQuery(nil, nil, nil)
		must, mustNot := 0, 0
		var years, words []bq.Query
		for _, c := range n.Nodes {
			if ix.isYear(c) {
				if q := ix.node(c); q != nil {
					years = append(years, q)
				}
				continue
			}
			if not, ok := c.(query.Not); ok {
				if q := ix.not(not.Node); q != nil {
					b.AddMustNot(q)
					mustNot++
				}
				continue
			}
			q := ix.node(c)
			switch t, ok := c.(query.Term); {
			case q == nil:
				continue
			case ok && t.Field == "" && ix.relax && ix.depth == 1 && ix.negated == 0:
				words = append(words, q)
			default:
				b.AddMust(q)
			}
			must++
		}
		if len(words) >= 3 {
			most := bq.NewDisjunctionQuery(words)
			most.SetMin(float64(len(words) - 1))
			b.AddMust(most)
			ix.relaxed = true
		} else {
			for _, q := range words {
				b.AddMust(q)
			}
		}
		if ix.stops && must > 1 {
			// The words in the order typed rank first.
			if p := ix.stopsPhrase(n.Nodes); p != nil {
				b.AddShould(p)
			}
		}
		if !ix.stops && ix.negated == 0 && must > 1 {
			ix.runs = append(ix.runs, ix.wordRuns(n.Nodes)...)
		}
		switch {
		case must > 0:
			b.AddShould(years...)
		case len(years) > 0:
			// Only the year: the documents of that year or naming it.
			b.AddMust(years...)
		case mustNot > 0:
			b.AddMust(bq.NewMatchAllQuery())
		default:
			return nil
		}
		return b
	case query.Or:
		var qs []bq.Query
		for _, c := range n.Nodes {
			if q := ix.node(c); q != nil {
				qs = append(qs, q)
			}
		}
		return disjunction(qs)
	case query.Not:
		q := ix.not(n.Node)
		if q == nil {
			return nil
		}
		return bq.NewBooleanQuery([]bq.Query{bq.NewMatchAllQuery()}, nil, []bq.Query{q})
	}
	return nil
}

// not translates the node of a Not: words the reader excludes are not
// searched side by side (see rescore).
func (ix *builder) not(n query.Node) bq.Query {
	ix.negated++
	defer func() { ix.negated-- }()
	return ix.node(n)
}

// term translates a word, with or without a field.
func (ix *builder) term(t query.Term) bq.Query {
	text := strings.TrimSpace(t.Text)
	if text == "" {
		return nil
	}
	if t.Field == "" && !t.Prefix && ix.stopWord(text) {
		// "the", "и": no document is without them, and the stemmed
		// fields do not index them, so a query does not ask for them,
		// unless it has no other words.
		if !ix.stops {
			return nil
		}
		m := bq.NewMatchQuery(text)
		m.SetField(fieldStops)
		m.SetOperator(bq.MatchQueryOperatorAnd)
		return m
	}
	if ix.isYear(t) {
		return disjunction([]bq.Query{
			ix.words(text, t, []weighted{{fieldEnglish, boostText}, {fieldRussian, boostText}, {fieldOther, boostText}, {fieldTitle, boostTitle}, {fieldSummary, boostSummary}}, false),
			termQuery(fieldYear, ix.year, boostYear),
		})
	}
	switch t.Field {
	case "title":
		return ix.words(text, t, []weighted{{fieldTitle, 1}}, false)
	case "person":
		return ix.names(text, t, 1)
	case query.FieldCredit, query.FieldTranslator, query.FieldTranscriber, query.FieldEditor:
		return ix.namesIn(creditField(t.Field), text, t, 1)
	case "ref":
		if t.Prefix {
			norm := fonds.NormalizeReference(text)
			key := fonds.ReferenceKey(text)
			if key == norm {
				return ix.budget.expansion(fieldReference, norm, 0, 1)
			}
			return disjunction([]bq.Query{ix.budget.expansion(fieldReference, norm, 0, 1), ix.budget.expansion(fieldReference, key, 0, 1)})
		}
		return termQuery(fieldReference, fonds.ReferenceKey(text), 1)
	case "collection":
		return termQuery(fieldCollect, strings.ToLower(text), 1)
	case "lang":
		return termQuery(fieldLanguage, languageCode(text), 1)
	case "type":
		return termQuery(fieldTypeLC, strings.ToLower(text), 1)
	case "creator":
		return termQuery(fieldCreatorLC, strings.ToLower(text), 1)
	case "category":
		// A section holds its subsections: category:2 finds 2.1.
		sub := ix.budget.expansion(fieldCategory, text+".", 0, 1)
		return disjunction([]bq.Query{termQuery(fieldCategory, text, 1), sub})
	}
	return ix.words(text, t, []weighted{
		{fieldEnglish, boostText},
		{fieldRussian, boostText},
		{fieldOther, boostText},
		{fieldTitle, boostTitle},
		{fieldSummary, boostSummary},
		{fieldSource, boostSource},
		{fieldNotes, boostNotes},
	}, true)
}

type weighted struct {
	field string
	boost float64
}

// words searches a word in text fields, and, when keys is set, by its name
// and transliteration keys.
func (ix *builder) words(text string, t query.Term, fields []weighted, keys bool) bq.Query {
	fuzz := min(max(t.Fuzziness, 0), 2)
	var qs []bq.Query
	for _, f := range fields {
		switch {
		case t.Prefix:
			qs = append(qs, ix.prefix(text, f.field, f.boost)...)
		case fuzz > 0:
			qs = append(qs, ix.budget.fuzzyMatch(f.field, "", text, fuzz, f.boost))
		default:
			m := bq.NewMatchQuery(text)
			m.SetField(f.field)
			m.SetBoost(f.boost)
			m.SetOperator(bq.MatchQueryOperatorAnd)
			qs = append(qs, m)
		}
	}
	if keys {
		if q := ix.names(text, t, boostNames); q != nil {
			qs = append(qs, q)
		}
		if q := ix.namesIn(fieldCredit, text, t, boostCredit); q != nil {
			qs = append(qs, q)
		}
		if t.Prefix {
			qs = append(qs, ix.prefix(text, fieldTranslit, boostTranslit)...)
			ix.keys.Prefixes = append(ix.keys.Prefixes, translit.WordKey(text))
		} else if q := ix.translit(text, fuzz); q != nil {
			qs = append(qs, q)
		}
	}
	return disjunction(qs)
}

// translit searches the transliteration keys of the words of text, every
// one of them, each in the translit field or, since the translit field of
// English pages leaves out the words whose key is their English term (see
// translitEnFilter), as a term of the English field.
func (ix *builder) translit(text string, fuzz int) bq.Query {
	key := func(field, k string) bq.Query {
		if fuzz > 0 {
			return ix.budget.expansion(field, k, fuzz, boostTranslit)
		}
		return termQuery(field, k, boostTranslit)
	}
	var keys []bq.Query
	for _, tok := range ix.an.translit.Analyze([]byte(text)) {
		k := string(tok.Term)
		ix.keys.Terms = append(ix.keys.Terms, k)
		keys = append(keys, disjunction([]bq.Query{key(fieldTranslit, k), key(fieldEnglish, k)}))
	}
	switch len(keys) {
	case 0:
		return nil
	case 1:
		return keys[0]
	}
	return bq.NewConjunctionQuery(keys)
}

// prefix searches the terms of a field that begin as the word does, as
// written and as the field's analyzer reduces it (a stemmer may cut the end
// of the word the reader typed: "politic" is indexed as "polit").
func (ix *builder) prefix(text, field string, boost float64) []bq.Query {
	var prefixes []string
	switch field {
	case fieldTranslit:
		prefixes = []string{translit.WordKey(text)}
	case fieldEnglish:
		// With the key, for the words of English pages that the translit
		// field leaves out (see translitEnFilter).
		prefixes = []string{strings.ToLower(text), ix.analyzed(ix.an.english, text), translit.WordKey(text)}
	case fieldTitle, fieldSummary, fieldSource, fieldNotes:
		prefixes = []string{strings.ToLower(text), ix.analyzed(ix.an.english, text)}
	case fieldRussian:
		prefixes = []string{translit.Fold(text), ix.analyzed(ix.an.russian, text)}
	default:
		prefixes = []string{strings.ToLower(text)}
	}
	var qs []bq.Query
	for i, p := range prefixes {
		if p == "" || slices.Contains(prefixes[:i], p) {
			continue
		}
		qs = append(qs, ix.budget.expansion(field, p, 0, boost))
	}
	return qs
}

// stopWord reports whether the word is an English or Russian stop word.
func (ix *builder) stopWord(word string) bool {
	return len(ix.an.english.Analyze([]byte(word))) == 0 || len(ix.an.russian.Analyze([]byte(word))) == 0
}

// analyzed returns the single term the analyzer makes of a word, or "".
func (ix *builder) analyzed(a banalysis.Analyzer, word string) string {
	toks := a.Analyze([]byte(word))
	if len(toks) != 1 {
		return ""
	}
	return string(toks[0].Term)
}

// names searches a word (or words) in the names field, by the key the
// names analyzer gives it when capitalized, as a name in a text is.
func (ix *builder) names(text string, t query.Term, boost float64) bq.Query {
	return ix.namesIn(fieldNames, text, t, boost)
}

// creditField returns the index field of a credit field of the query.
func creditField(f string) string {
	if f == query.FieldCredit {
		return fieldCredit
	}
	return fieldCredit + "_" + f
}

// namesIn searches a word (or words) in a field of names: the names field
// or a credit field.
func (ix *builder) namesIn(field, text string, t query.Term, boost float64) bq.Query {
	capital := searchdoc.Capitalize(text)
	if t.Prefix {
		key := translit.NameKey(text)
		if key == "" {
			return nil
		}
		return ix.budget.expansion(field, key, 0, boost)
	}
	if len(ix.an.names.Analyze([]byte(capital))) == 0 {
		return nil // a stop word
	}
	if fuzz := min(max(t.Fuzziness, 0), 2); fuzz > 0 {
		return ix.budget.fuzzyMatch(field, analyzerNames, capital, fuzz, boost)
	}
	m := bq.NewMatchQuery(capital)
	m.SetField(field)
	m.Analyzer = analyzerNames
	m.SetBoost(boost)
	m.SetOperator(bq.MatchQueryOperatorAnd)
	return m
}

// phrase translates a phrase.
func (ix *builder) phrase(p query.Phrase) bq.Query {
	text := strings.TrimSpace(strings.Join(p.Words, " "))
	if text == "" {
		return nil
	}
	matchPhrase := func(field, analyzer string, s string, boost float64) bq.Query {
		q := bq.NewMatchPhraseQuery(s)
		q.SetField(field)
		if analyzer != "" {
			q.Analyzer = analyzer
		}
		q.SetBoost(boost)
		return q
	}
	switch p.Field {
	case "title":
		return matchPhrase(fieldTitle, "", text, 1)
	case "person":
		return matchPhrase(fieldNames, analyzerNames, searchdoc.Capitalize(text), 1)
	case query.FieldCredit, query.FieldTranslator, query.FieldTranscriber, query.FieldEditor:
		return matchPhrase(creditField(p.Field), analyzerNames, searchdoc.Capitalize(text), 1)
	case "":
	default:
		// A field whose values are whole: creator:"Central Committee".
		return ix.term(query.Term{Field: p.Field, Text: text})
	}
	stops, others := 0, 0
	for _, w := range p.Words {
		if ix.stopWord(w) {
			stops++
		} else {
			others++
		}
	}
	if others == 0 {
		// "to be or not to be": only the stops field holds these words.
		return matchPhrase(fieldStops, "", text, boostText)
	}
	q := disjunction([]bq.Query{
		matchPhrase(fieldEnglish, "", text, boostText),
		matchPhrase(fieldRussian, "", text, boostText),
		matchPhrase(fieldOther, "", text, boostText),
		matchPhrase(fieldTitle, "", text, boostTitle),
		matchPhrase(fieldSummary, "", text, boostSummary),
		matchPhrase(fieldSource, "", text, boostSource),
		matchPhrase(fieldNotes, "", text, boostNotes),
		matchPhrase(fieldNames, analyzerNames, searchdoc.Capitalize(text), boostNames),
		matchPhrase(fieldCredit, analyzerNames, searchdoc.Capitalize(text), boostCredit),
	})
	if stops == 0 {
		return q
	}
	// The stemmed fields read a stop word of the phrase as any word: the
	// document must also write the phrase's stop words, in its order.
	return bq.NewConjunctionQuery([]bq.Query{q, matchPhrase(fieldStops, "", text, boostStopsInPhrase)})
}

// stopsPhrase returns the phrase of the words of a query of stop words, in
// the stops field, or nil when the nodes are not all plain words.
func (ix *builder) stopsPhrase(nodes []query.Node) bq.Query {
	words := make([]string, 0, len(nodes))
	for _, n := range nodes {
		t, ok := n.(query.Term)
		if !ok || t.Field != "" || t.Prefix || t.Fuzziness != 0 {
			return nil
		}
		words = append(words, t.Text)
	}
	q := bq.NewMatchPhraseQuery(strings.Join(words, " "))
	q.SetField(fieldStops)
	q.SetBoost(boostStopsPhrase)
	return q
}

// reference finds the document with the reference code first, and after it
// those whose text cites it.
func (ix *builder) reference(r query.Reference) bq.Query {
	norm := r.Normalized
	if norm == "" {
		norm = fonds.NormalizeReference(r.Written)
	}
	// By the key, which every spelling of the series shares, and by the
	// number, under another series.
	qs := []bq.Query{termQuery(fieldReference, fonds.ReferenceKey(norm), boostReference)}
	if n := fonds.ReferenceNumber(norm); n != "" {
		qs = append(qs, termQuery(fieldReference, n, boostRefNumber))
	}
	if r.Written != "" {
		for _, f := range []weighted{{fieldEnglish, boostText}, {fieldRussian, boostText}, {fieldSummary, boostSummary}, {fieldSource, boostSource}} {
			q := bq.NewMatchPhraseQuery(r.Written)
			q.SetField(f.field)
			q.SetBoost(f.boost)
			qs = append(qs, q)
		}
	}
	return disjunction(qs)
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

// languageCode returns the code of a language named in a lang: filter.
func languageCode(s string) string {
	s = strings.ToLower(s)
	switch s {
	case "english", "английский", "англ":
		return "en"
	case "russian", "русский", "рус":
		return "ru"
	}
	return searchdoc.BaseLanguage(s)
}
