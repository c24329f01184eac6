package web

import (
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fonds"
	"fonds/query"
)

// The page sizes of search.
const (
	searchPerPage = 20
	// maxResults is how deep a reader may page through the results: an
	// index holds every hit before the page asked for in memory to find it.
	// It is 500 pages of the site's 20.
	maxResults = 10000
	// maxFilterValues and maxFilterLen bound the filters of one search;
	// more is a mistake or an attack.
	maxFilterValues = 20
	maxFilterLen    = 200
	// maxHighlight is how many terms a result carries to its document page.
	maxHighlight = 10
)

// searchTimeout bounds a search request, with its spelling suggestion,
// whatever index answers it: a search past it stops, and the reader is
// asked to narrow it (see serveError), instead of holding a worker and
// slowing every other search down.
const searchTimeout = 5 * time.Second

// searchFacets are the facets as the search page shows them, in order,
// with their labels.
var searchFacets = []struct{ name, label string }{
	{fonds.FacetCollection, "Collection"},
	{fonds.FacetDecade, "Decade"},
	{fonds.FacetYear, "Year"},
	{fonds.FacetCreator, "Creator"},
	{fonds.FacetType, "Type"},
	{fonds.FacetLanguage, "Language"},
	{fonds.FacetPerson, "Person"},
	{fonds.FacetCategory, "Category"},
}

// searchSorts are the orders a reader may ask for, as ?sort= writes them.
var searchSorts = []struct {
	order fonds.SortOrder
	label string
}{
	{fonds.ByRelevance, "Relevance"},
	{fonds.ByDateAsc, "Oldest first"},
	{fonds.ByDateDesc, "Newest first"},
}

// searchParams is a search as an address asks for it, checked.
type searchParams struct {
	req  fonds.SearchRequest
	page int
	size int
}

// searchUnavailable is the answer of a site without an index.
func searchUnavailable() error {
	return &httpError{status: http.StatusServiceUnavailable,
		msg: "Search is not available on this site at the moment. You can still browse the documents by date and by collection."}
}

// badSearch refuses a search for a parameter, offering the same search
// without it.
func badSearch(r *http.Request, param string, format string, args ...any) error {
	e := badRequest(format, args...)
	v := searchValues(r.URL.Query())
	v.Del(param)
	e.retry = &crumb{Label: "Search again without it", URL: searchURL(v)}
	return e
}

// parseSearch reads the search an address asks for. A query is never
// refused (the index reads what it cannot parse as words); a page, an
// order or a date that cannot be read is, with a way out. The API may set
// the page size, up to apiMaxPerPage.
func parseSearch(r *http.Request, api bool) (searchParams, error) {
	v := r.URL.Query()
	sp := searchParams{size: searchPerPage}
	sp.req = fonds.SearchRequest{
		Query:     strings.TrimSpace(v.Get("q")),
		Facets:    pageFacets(),
		Highlight: true,
	}
	if api {
		var err error
		if sp.req.Facets, err = facetsParam(r); err != nil {
			return sp, err
		}
		switch s := strings.TrimSpace(v.Get("snippets")); s {
		case "", "true", "1":
		case "false", "0":
			sp.req.Highlight = false
		default:
			return sp, badSearch(r, "snippets", "“%s” is not a value of snippets: use true or false.", clip(s, 40))
		}
	}
	for _, f := range searchFacets {
		var vals []string
		for _, val := range v[f.name] {
			if val = strings.TrimSpace(val); val != "" && !containsFold(vals, val) {
				vals = append(vals, val)
			}
		}
		if len(vals) == 0 {
			continue
		}
		if len(vals) > maxFilterValues {
			return sp, badSearch(r, f.name, "A search can filter on at most %d values of %s.", maxFilterValues, strings.ToLower(f.label))
		}
		for _, val := range vals {
			if utf8.RuneCountInString(val) > maxFilterLen {
				return sp, badSearch(r, f.name, "The %s “%s” is too long to be one.", strings.ToLower(f.label), clip(val, 40))
			}
		}
		if sp.req.Filters == nil {
			sp.req.Filters = make(map[string][]string)
		}
		sp.req.Filters[f.name] = vals
	}
	for _, d := range []struct {
		name string
		to   *string
	}{{"from", &sp.req.From}, {"to", &sp.req.To}} {
		val := strings.TrimSpace(v.Get(d.name))
		if val == "" {
			continue
		}
		if !validDate(val) {
			return sp, badSearch(r, d.name, "“%s” is not a date the search understands: write a year, a year and month, or a day, as 1977, 1977-05 or 1977-05-19.", clip(val, 40))
		}
		*d.to = val
	}
	switch o := fonds.SortOrder(strings.TrimSpace(v.Get("sort"))); o {
	case "", fonds.ByRelevance:
		sp.req.Sort = fonds.ByRelevance
	case fonds.ByDateAsc, fonds.ByDateDesc:
		sp.req.Sort = o
	default:
		return sp, badSearch(r, "sort", "“%s” is not an order of results: use relevance, date (oldest first) or -date (newest first).", clip(string(o), 40))
	}
	n, err := pageParam(r)
	if err != nil {
		return sp, badSearch(r, "page", "“%s” is not a valid page number: use a whole number from 1.", clip(v.Get("page"), 40))
	}
	if api {
		size, err := intParam(r, "per_page", apiPerPage)
		if err != nil {
			return sp, err
		}
		sp.size = min(size, apiMaxPerPage)
	}
	if (n-1)*sp.size >= maxResults {
		return sp, badSearch(r, "page", "Search shows only the first %d results (%d pages): narrow the search with a filter or a date range.", maxResults, maxResults/sp.size)
	}
	sp.page = n
	sp.req.Offset = (n - 1) * sp.size
	sp.req.Limit = sp.size
	return sp, nil
}

// pageFacets returns the names of the facets the search page shows: those
// it asks the index to count.
func pageFacets() []string {
	names := make([]string, len(searchFacets))
	for i, f := range searchFacets {
		names[i] = f.name
	}
	return names
}

// facetsParam reads the facets an API search asks for: facets=collection,year
// names them, an empty facets= asks for none, and without the parameter
// every facet is counted, as before a client could choose.
func facetsParam(r *http.Request) ([]string, error) {
	vals, ok := r.URL.Query()["facets"]
	if !ok {
		return pageFacets(), nil
	}
	names := []string{}
	for _, v := range vals {
		for _, name := range strings.Split(v, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" || slices.Contains(names, name) {
				continue
			}
			if !slices.Contains(pageFacets(), name) {
				return nil, badSearch(r, "facets", "“%s” is not a facet: use %s, separated by commas.", clip(name, 40), strings.Join(pageFacets(), ", "))
			}
			names = append(names, name)
		}
	}
	return names, nil
}

// validDate reports whether s is a year, a year and month, or a day.
func validDate(s string) bool {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// searchValues returns the parameters of a search that the links of its
// page keep: the query, the filters, the dates and the order. The page is
// left out: a link that changes the search starts it again at page 1.
func searchValues(in url.Values) url.Values {
	out := url.Values{}
	keep := func(name string) {
		for _, val := range in[name] {
			if val = strings.TrimSpace(val); val != "" {
				out.Add(name, val)
			}
		}
	}
	keep("q")
	for _, f := range searchFacets {
		keep(f.name)
	}
	keep("from")
	keep("to")
	keep("sort")
	return out
}

// searchURL returns the address of the search page for v.
func searchURL(v url.Values) string {
	if len(v) == 0 {
		return "/search"
	}
	return "/search?" + v.Encode()
}

// searchIndex asks the index, translating what it refuses into a 400. A
// search is bounded by the deadline of ctx, or else by searchTimeout; one
// past it, or whose reader went away, is an error that is a
// fonds.ErrTimeout, which serveError answers.
func (s *Server) searchIndex(ctx context.Context, req fonds.SearchRequest) (*fonds.SearchResults, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, searchTimeout)
		defer cancel()
	}
	select {
	case s.searching <- struct{}{}:
		defer func() { <-s.searching }()
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting to search: %w: %w", fonds.ErrTimeout, ctx.Err())
	}
	res, err := s.index.Search(ctx, req)
	if errors.Is(err, fonds.ErrInvalid) {
		return nil, &httpError{status: http.StatusBadRequest, msg: "The search could not be read: please change it and try again.", err: err}
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// searchData is the data of the search page.
type searchData struct {
	Query       string
	Interpreted string
	Total       int
	Took        string
	Hits        []searchHit
	Facets      []facetView
	Active      []crumb // the filters in force, each with the link removing it
	ClearAll    string  // the link removing every filter, when there are several
	From, To    string
	Sorts       []sortLink
	Pager       pager
	Start       int // the number of the first result of the page
	// QueryFields are the hidden fields of the search form: the filters it
	// keeps when the reader changes the words; DateFields those of the
	// date-range form, which keeps the words.
	QueryFields, DateFields []formField
	NoResults               *noResults
}

type searchHit struct {
	URL        string
	Title      string
	Date       string
	References string
	Collection string
	Snippet    template.HTML
	Page       int
}

type facetView struct {
	Name, Label string
	Values      []facetValue
}

type facetValue struct {
	Label  string
	Count  int
	URL    string // adds the filter, or removes it when Active
	Active bool
}

type sortLink struct {
	Label, URL string
	Current    bool
}

type formField struct{ Name, Value string }

// noResults suggests what to change when a search finds nothing.
type noResults struct {
	Remove   []crumb // each filter, removed
	Spelling *spellingSuggestion
}

type spellingSuggestion struct {
	Script string // "Cyrillic", "Latin" or "other"
	Query  string
	URL    string
	Total  int
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	if s.index == nil {
		return searchUnavailable()
	}
	sp, err := parseSearch(r, false)
	if err != nil {
		return err
	}
	// Restricted documents are found, counted and suggested only for
	// those who may see them; the spelling suggestion's search is this one.
	sp.req.Restricted = seesRestricted(roleOf(r))
	// One deadline for the search and its spelling suggestion.
	ctx, cancel := context.WithTimeout(r.Context(), searchTimeout)
	defer cancel()
	res, err := s.searchIndex(ctx, sp.req)
	if err != nil {
		return err
	}
	v := searchValues(r.URL.Query())
	pg := pager{Page: 1, Pages: 1, Total: res.Total}
	if res.Total > 0 {
		pg, err = newPager(r, sp.page, min(res.Total, maxResults), sp.size)
		if err != nil {
			return &httpError{status: http.StatusNotFound, err: err,
				msg:   fmt.Sprintf("There is no page %d of these results: they fill %d.", sp.page, (min(res.Total, maxResults)+sp.size-1)/sp.size),
				retry: &crumb{Label: "Go to the first page of results", URL: searchURL(v)}}
		}
	}
	titles, err := s.collectionTitles(ctx, listFilter(r))
	if err != nil {
		return err
	}
	terms := query.Parse(sp.req.Query).Terms()
	data := searchData{
		Query:       sp.req.Query,
		Interpreted: res.Interpreted,
		Total:       res.Total,
		Took:        tookString(res.Took),
		From:        sp.req.From,
		To:          sp.req.To,
		Pager:       pg,
		Start:       sp.req.Offset + 1,
		QueryFields: formFields(v, "q"),
		DateFields:  formFields(v, "from", "to"),
	}
	for _, h := range res.Hits {
		data.Hits = append(data.Hits, searchHit{
			URL:        hitURL(h, terms),
			Title:      hitTitle(h),
			Date:       h.Date.Display(),
			References: strings.Join(h.References, "; "),
			Collection: titleOf(titles, h.Collection),
			Snippet:    SanitizeSnippet(h.Snippet),
			Page:       h.Page,
		})
	}
	data.Facets = facetViews(res.Facets, sp.req.Filters, v, titles)
	data.Active = activeFilters(sp, v, titles)
	if len(data.Active) > 1 {
		data.ClearAll = searchURL(url.Values{"q": v["q"], "sort": v["sort"]})
	}
	current := sp.req.Sort
	for _, o := range searchSorts {
		u := cloneValues(v)
		if o.order == fonds.ByRelevance {
			u.Del("sort")
		} else {
			u.Set("sort", string(o.order))
		}
		data.Sorts = append(data.Sorts, sortLink{Label: o.label, URL: searchURL(u), Current: o.order == current})
	}
	if res.Total == 0 {
		data.NoResults = &noResults{Remove: data.Active}
		data.NoResults.Spelling, err = s.spellingSuggestion(ctx, sp, terms, v)
		if err != nil {
			return err
		}
	}
	title := "Search"
	if sp.req.Query != "" {
		title = "Search: " + clip(sp.req.Query, 60)
	}
	private(w, r)
	p := s.newPage(r, title, data)
	// Results pages change with the archive; search engines should index
	// the documents, not lists of them.
	p.NoIndex = true
	p.Query = sp.req.Query
	return s.render(w, "search", p)
}

// collectionTitles maps the slugs of the collections in which f admits a
// document to their titles.
func (s *Server) collectionTitles(ctx context.Context, f fonds.Filter) (map[string]string, error) {
	cols, err := s.visibleCollections(ctx, f)
	if err != nil {
		return nil, err
	}
	titles := make(map[string]string, len(cols))
	for _, c := range cols {
		titles[c.Slug] = c.Title
	}
	return titles, nil
}

func titleOf(titles map[string]string, slug string) string {
	if t, ok := titles[slug]; ok && t != "" {
		return t
	}
	return slug
}

func hitTitle(h fonds.Hit) string {
	if h.Title != "" {
		return h.Title
	}
	return h.Date.Display()
}

// hitURL returns the link of a result: the document, with the terms to
// highlight, at the page of the snippet.
func hitURL(h fonds.Hit, queryTerms []string) string {
	u := documentPath(h.ID)
	if hl := highlightTerms(append(append([]string{}, queryTerms...), snippetTerms(h.Snippet)...)); len(hl) > 0 {
		u += "?hl=" + url.QueryEscape(strings.Join(hl, " "))
	}
	if h.Page > 0 {
		u += "#page-" + strconv.Itoa(h.Page)
	}
	return u
}

// markedWords matches the words an index marked in a snippet.
var markedWords = regexp.MustCompile(`<mark>([^<]*)</mark>`)

// snippetTerms returns the words marked in a snippet: the words of the
// document that matched, as the document writes them (Яковлев for a search
// of Yakovlev), which the document page can find again.
func snippetTerms(snippet string) []string {
	var terms []string
	for _, m := range markedWords.FindAllStringSubmatch(snippet, -1) {
		terms = append(terms, strings.Fields(html.UnescapeString(m[1]))...)
	}
	return terms
}

func tookString(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	if ms < 10 {
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
}

func cloneValues(v url.Values) url.Values {
	c := make(url.Values, len(v))
	for k, vals := range v {
		c[k] = append([]string(nil), vals...)
	}
	return c
}

// formFields returns the parameters of v but those named, as hidden fields
// of a form, in a fixed order.
func formFields(v url.Values, skip ...string) []formField {
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	sort.Strings(names)
	var fields []formField
	for _, name := range names {
		if containsFold(skip, name) {
			continue
		}
		for _, val := range v[name] {
			fields = append(fields, formField{name, val})
		}
	}
	return fields
}

// facetLabel returns a value of a facet as a reader reads it.
func facetLabel(name, value string, titles map[string]string) string {
	switch name {
	case fonds.FacetCollection:
		return titleOf(titles, value)
	case fonds.FacetLanguage:
		return languageName(value)
	}
	return value
}

// withoutValue returns v without one value of a parameter.
func withoutValue(v url.Values, name, value string) url.Values {
	u := cloneValues(v)
	var keep []string
	for _, x := range u[name] {
		if !strings.EqualFold(x, value) {
			keep = append(keep, x)
		}
	}
	if len(keep) == 0 {
		u.Del(name)
	} else {
		u[name] = keep
	}
	return u
}

// facetViews returns the facets of the results, each value a link adding
// it to the filters or, when it is one of them, removing it.
func facetViews(counts map[string][]fonds.FacetCount, filters map[string][]string, v url.Values, titles map[string]string) []facetView {
	var views []facetView
	for _, f := range searchFacets {
		fv := facetView{Name: f.name, Label: f.label}
		for _, c := range counts[f.name] {
			if c.Value == "" || c.Count == 0 {
				continue
			}
			val := facetValue{Label: facetLabel(f.name, c.Value, titles), Count: c.Count}
			if containsFold(filters[f.name], c.Value) {
				val.Active = true
				val.URL = searchURL(withoutValue(v, f.name, c.Value))
			} else {
				u := cloneValues(v)
				u.Add(f.name, c.Value)
				val.URL = searchURL(u)
			}
			fv.Values = append(fv.Values, val)
		}
		if len(fv.Values) > 0 {
			views = append(views, fv)
		}
	}
	return views
}

// activeFilters returns the filters of the search, each with the link to
// the search without it.
func activeFilters(sp searchParams, v url.Values, titles map[string]string) []crumb {
	var active []crumb
	for _, f := range searchFacets {
		for _, val := range sp.req.Filters[f.name] {
			active = append(active, crumb{
				Label: f.label + ": " + facetLabel(f.name, val, titles),
				URL:   searchURL(withoutValue(v, f.name, val)),
			})
		}
	}
	if sp.req.From != "" {
		u := cloneValues(v)
		u.Del("from")
		active = append(active, crumb{Label: "From " + sp.req.From, URL: searchURL(u)})
	}
	if sp.req.To != "" {
		u := cloneValues(v)
		u.Del("to")
		active = append(active, crumb{Label: "To " + sp.req.To, URL: searchURL(u)})
	}
	return active
}

// maxSpellingTries bounds the searches a suggestion of spelling costs a
// search that found nothing.
const maxSpellingTries = 3

// spellingSuggestion offers the words of a query that found nothing in the
// other script, with what that finds, or nil when no respelling finds
// anything. It tries the query with every word respelled, then with one
// word respelled at a time, at most maxSpellingTries searches, each
// counting only, and offers the first that finds something: a suggestion
// that finds nothing either is no help.
func (s *Server) spellingSuggestion(ctx context.Context, sp searchParams, terms []string, v url.Values) (*spellingSuggestion, error) {
	type candidate struct{ query, script string }
	var candidates []candidate
	add := func(q, script string) {
		if q == "" || strings.EqualFold(q, sp.req.Query) {
			return
		}
		for _, c := range candidates {
			if strings.EqualFold(c.query, q) {
				return
			}
		}
		candidates = append(candidates, candidate{q, script})
	}
	add(otherSpelling(terms))
	if len(terms) > 1 {
		for i := range terms {
			one, script := otherSpelling(terms[i : i+1])
			if one == "" {
				continue
			}
			words := slices.Clone(terms)
			words[i] = one
			add(strings.Join(words, " "), script)
		}
	}
	for _, c := range candidates[:min(len(candidates), maxSpellingTries)] {
		req := sp.req
		req.Query, req.Offset, req.Limit = c.query, 0, 1
		req.Facets, req.Highlight = nil, false
		res, err := s.searchIndex(ctx, req)
		if err != nil {
			return nil, err
		}
		if res.Total == 0 {
			continue
		}
		u := cloneValues(v)
		u.Set("q", c.query)
		return &spellingSuggestion{Script: c.script, Query: c.query, URL: searchURL(u), Total: res.Total}, nil
	}
	return nil, nil
}

// SanitizeSnippet returns a snippet of search results as HTML that holds
// only text and <mark> elements, whatever the index gave. An index writes
// its snippets as escaped text with the matching terms in <mark> and
// </mark>; anything else that looks like a tag, a stray & or an unbalanced
// mark is escaped or closed here, so that a faulty or poisoned index cannot
// put mark-up in the page.
func SanitizeSnippet(s string) template.HTML {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	open := false
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '<':
			switch {
			case !open && strings.HasPrefix(s[i:], "<mark>"):
				b.WriteString("<mark>")
				open = true
				i += len("<mark>")
				continue
			case open && strings.HasPrefix(s[i:], "</mark>"):
				b.WriteString("</mark>")
				open = false
				i += len("</mark>")
				continue
			}
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		case '&':
			if m := entity.FindString(s[i:]); m != "" {
				b.WriteString(m)
				i += len(m)
				continue
			}
			b.WriteString("&amp;")
		case 0:
			b.WriteString("\uFFFD")
		default:
			b.WriteByte(c)
		}
		i++
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

// entity matches a character reference at the start of a string: named,
// decimal or hexadecimal. Whatever one stands for is text, never a tag.
var entity = regexp.MustCompile(`^&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});`)
