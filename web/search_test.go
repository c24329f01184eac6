package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/bleve"
	"fonds/fondstest"
	"fonds/sample"
	"fonds/sqlite"
	"fonds/text"
)

// citizenshipFile is the sample's document in Russian only, which names
// А. Яковлев in Cyrillic and nowhere in Latin letters.
const citizenshipFile = "1990-07-citizenship-note.txt"

// sampleID returns the id of the sample document in the file.
func sampleID(t *testing.T, name string) string {
	t.Helper()
	b, err := sample.Files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := text.Parse(bytes.NewReader(b), name)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID == "" {
		d.ID = fonds.DocumentID(d)
	}
	return d.ID
}

// hitLinks returns the links of the results of a search page, unescaped.
func hitLinks(body string) []string {
	var links []string
	for _, m := range hitLink.FindAllStringSubmatch(body, -1) {
		links = append(links, html.UnescapeString(m[1]))
	}
	return links
}

var hitLink = regexp.MustCompile(`<h3 class="hit-title"><a href="([^"]*)">`)

// manyYears returns n year filters, all different.
func manyYears(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "&year=%d", 1950+i)
	}
	return b.String()
}

// linksTo reports whether one of the links leads to the document.
func linksTo(links []string, id string) bool {
	for _, l := range links {
		if l == "/documents/"+id || strings.HasPrefix(l, "/documents/"+id+"?") || strings.HasPrefix(l, "/documents/"+id+"#") {
			return true
		}
	}
	return false
}

func TestSearchPage(t *testing.T) {
	f := newSearchFixture(t)
	citizenship := sampleID(t, citizenshipFile)
	tests := []struct {
		name   string
		path   string
		status int
		want   []string
		not    []string
		links  []string // documents the results link to
	}{
		{"word", "/search?q=Sakharov", 200,
			[]string{"<h1>Search</h1>", "3 results", "(took ", `value="Sakharov"`, "<mark>Sakharov</mark>", "22 January 1980", "Pb 177/X", sample.Title},
			nil, []string{"1980-01-22-pb-177-x", "1975-06-27-1702-a-ov", "1970-06-04-pb-120-33"}},
		{"phrase", "/search?q=%22human+rights%22", 200,
			[]string{"2 results", "<mark>human</mark> <mark>rights</mark>", "Pb 56/68", "19 May 1977", "page 2"},
			nil, []string{f.seedID}},
		{"Latin spelling Yakovlev", "/search?q=Yakovlev", 200, []string{"<mark>Яковлев</mark>"}, nil, []string{citizenship}},
		{"LC spelling Iakovlev", "/search?q=Iakovlev", 200, []string{"<mark>Яковлев</mark>"}, nil, []string{citizenship}},
		{"Cyrillic", "/search?q=%D0%A1%D0%BE%D0%BB%D0%B6%D0%B5%D0%BD%D0%B8%D1%86%D1%8B%D0%BD", 200, []string{"2 results"}, nil, []string{citizenship}},
		{"reference", "/search?q=Pb+56%2F68", 200, []string{"1 result "}, nil, []string{f.seedID}},
		{"everything", "/search", 200, []string{fmt.Sprintf("%d results", f.published), `<span aria-current="true">Relevance</span>`}, nil, nil},
		{"malformed query", "/search?q=%22unclosed+%28", 200, []string{`class="interpreted"`, "read as: unclosed"}, nil, nil},
		{"operators alone", "/search?q=OR+AND+%28%29+-", 200, nil, nil, nil},
		{"hostile query", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", 200, []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<script>alert"}, nil},
		{"hostile filter", "/search?collection=%3Cb%3Ex", 200, []string{"&lt;b&gt;x"}, []string{"<b>x"}, nil},
		{"date range", "/search?q=Sakharov&from=1980&to=1980-12", 200, []string{"1 result ", "From 1980", "To 1980-12", `value="1980"`}, nil, []string{"1980-01-22-pb-177-x"}},
		{"sort by date", "/search?q=Sakharov&sort=date", 200, []string{`<span aria-current="true">Oldest first</span>`, `href="/search?q=Sakharov&amp;sort=-date"`}, nil, nil},
		{"no results", "/search?q=xyzzy", 200, []string{"0 results", "No document matches “xyzzy”"}, []string{`class="hit"`, "Try the Cyrillic spelling"}, nil},
		{"bad page", "/search?q=Sakharov&page=abc", 400, []string{"is not a valid page number", "Search again without it", `href="/search?q=Sakharov"`}, nil, nil},
		{"page zero", "/search?q=Sakharov&page=0", 400, []string{"not a valid page number"}, nil, nil},
		{"page too deep", "/search?q=Sakharov&page=501", 400, []string{"first 10000 results"}, nil, nil},
		{"page past the end", "/search?q=Sakharov&page=2", 404, []string{"There is no page 2 of these results", "Go to the first page of results"}, nil, nil},
		{"bad sort", "/search?q=Sakharov&sort=xyz", 400, []string{"“xyz” is not an order of results", `href="/search?q=Sakharov"`}, nil, nil},
		{"bad from", "/search?q=Sakharov&from=garbage", 400, []string{"“garbage” is not a date", "1977-05-19"}, nil, nil},
		{"bad to", "/search?to=1977-13", 400, []string{"“1977-13” is not a date"}, nil, nil},
		{"too many values", "/search?q=a" + manyYears(21), 400, []string{"at most 20 values of year"}, nil, nil},
		{"long value", "/search?person=" + strings.Repeat("x", 201), 400, []string{"is too long"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.get(tt.path)
			body := w.Body.String()
			if w.Code != tt.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tt.path, w.Code, tt.status, clip(body, 3000))
			}
			if got := w.Header().Get("Content-Type"); got != htmlType {
				t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, htmlType)
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s: body lacks %q", tt.path, s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(body, s) {
					t.Errorf("GET %s: body has %q", tt.path, s)
				}
			}
			links := hitLinks(body)
			for _, id := range tt.links {
				if !linksTo(links, id) {
					t.Errorf("GET %s: no result links to %s; links %q", tt.path, id, links)
				}
			}
			if w.Code == 200 {
				checkHeadings(t, tt.path, body)
			}
		})
	}
}

// TestSearchMalformed checks that no query, however written, gives
// anything but a page of results.
func TestSearchMalformed(t *testing.T) {
	f := newSearchFixture(t)
	queries := []string{
		`"`, `(`, `)`, `((((`, `OR`, `AND OR NOT`, `-`, `--`, `*`, `a*`, `~`, `a~9`, `title:`, `:`, `ref:`,
		`year:abcd`, `year:99999`, `from:1977-13`, `to:1900 from:2000`, `date:0000-00-00`, `decade:19x0s`,
		`category:`, `lang:xx`, `collection:"`, `"" ""`, "\x00", "\xff\xfe", `%`, `\`, `<>&"'`,
		strings.Repeat("word ", 2000), strings.Repeat("(", 500), strings.Repeat(`"a" OR `, 300),
		`19 мая 1977 г.`, `Pb 56/68 OR`, `ИЛИ НЕ`,
	}
	for _, q := range queries {
		for _, prefix := range []string{"/search?q=", "/api/v1/search?q="} {
			path := prefix + url.QueryEscape(q)
			w := f.get(path)
			if w.Code != 200 {
				t.Errorf("GET %s: status %d, want 200\n%s", clip(path, 80), w.Code, clip(w.Body.String(), 500))
			}
		}
	}
}

// TestSearchHitLink checks the link of a result: the document at the page
// of the snippet, carrying the words to mark, in the document's spelling
// too; and that the document page marks them there.
func TestSearchHitLink(t *testing.T) {
	f := newSearchFixture(t)
	citizenship := sampleID(t, citizenshipFile)

	links := hitLinks(f.get("/search?q=Iakovlev").Body.String())
	var link string
	for _, l := range links {
		if strings.HasPrefix(l, "/documents/"+citizenship+"?") {
			link = l
		}
	}
	if link == "" {
		t.Fatalf("no result of Iakovlev links to %s: %q", citizenship, links)
	}
	if want := "/documents/" + citizenship + "?hl=iakovlev+%D0%AF%D0%BA%D0%BE%D0%B2%D0%BB%D0%B5%D0%B2#page-1"; link != want {
		t.Errorf("link = %q, want %q", link, want)
	}
	path, fragment, _ := strings.Cut(link, "#")
	body := f.get(path).Body.String()
	for _, s := range []string{"А. <mark>Яковлев</mark>", `id="page-1"`, `<a href="/documents/` + citizenship + `">Show the text without marks</a>`} {
		if !strings.Contains(body, s) {
			t.Errorf("GET %s lacks %q", path, s)
		}
	}
	if !strings.Contains(body, `id="`+fragment+`"`) {
		t.Errorf("GET %s has no anchor #%s", path, fragment)
	}

	// The phrase finds the seed on its second page, where the words are.
	links = hitLinks(f.get("/search?q=%22human+rights%22").Body.String())
	if len(links) == 0 || links[0] != "/documents/"+f.seedID+"?hl=human+rights#page-2" {
		t.Errorf("first result of \"human rights\" = %q, want the seed's page 2", links)
	}
}

// TestSearchFacets follows a facet link, and the link removing it.
func TestSearchFacets(t *testing.T) {
	f := newSearchFixture(t)
	body := f.get("/search?q=Sakharov").Body.String()
	for _, s := range []string{`<h3 id="facet-year">Year</h3>`, `<h3 id="facet-collection">Collection</h3>`, `<h3 id="facet-person">Person</h3>`,
		sample.Title + `</a> <span class="count">(3)</span>`} {
		if !strings.Contains(body, s) {
			t.Errorf("facets lack %q", s)
		}
	}
	m := regexp.MustCompile(`<a href="([^"]*)">1980</a> <span class="count">\(1\)</span>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link for the year 1980 in the facets:\n%s", body)
	}
	add := html.UnescapeString(m[1])
	if add != "/search?q=Sakharov&year=1980" {
		t.Errorf("facet link = %q, want the query kept and the year added", add)
	}

	w := f.get(add)
	body = w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "1 result ") || !linksTo(hitLinks(body), "1980-01-22-pb-177-x") {
		t.Fatalf("GET %s: %d, want the one result of 1980:\n%s", add, w.Code, clip(body, 3000))
	}
	m = regexp.MustCompile(`<a href="([^"]*)" title="Remove this filter">Year: 1980 `).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("GET %s: no link removing the filter", add)
	}
	remove := html.UnescapeString(m[1])
	if remove != "/search?q=Sakharov" {
		t.Errorf("remove link = %q, want /search?q=Sakharov", remove)
	}
	if !strings.Contains(body, `<a class="active" href="/search?q=Sakharov" title="Remove this filter">`) {
		t.Errorf("GET %s: the facet value in force is not a link removing it", add)
	}
	// The filters stay in the search form, so that new words keep them.
	if !strings.Contains(body, `<input type="hidden" name="year" value="1980">`) {
		t.Errorf("GET %s: the search form does not keep the filter", add)
	}
	if body := f.get(remove).Body.String(); !strings.Contains(body, "3 results") {
		t.Errorf("GET %s after removing the filter: want 3 results again", remove)
	}

	// A collection is shown by its title, and two filters combine.
	body = f.get("/search?q=Sakharov&collection=sample&creator=KGB").Body.String()
	for _, s := range []string{"Collection: " + sample.Title, "Creator: KGB", "1 result ", "Remove all filters"} {
		if !strings.Contains(body, s) {
			t.Errorf("two filters: page lacks %q", s)
		}
	}
}

// TestSearchNoResults checks what a search that finds nothing suggests:
// each filter removed, and the other spelling.
func TestSearchNoResults(t *testing.T) {
	f := newSearchFixture(t)
	tests := []struct {
		path string
		want []string
	}{
		{"/search?q=Sakharov&collection=test&year=1980", []string{
			"No document matches “Sakharov” with these filters.",
			`<a href="/search?q=Sakharov&amp;year=1980">without Collection: Test collection</a>`,
			`<a href="/search?collection=test&amp;q=Sakharov">without Year: 1980</a>`,
		}},
		{"/search?q=Sakharov&from=1990", []string{`<a href="/search?q=Sakharov">without From 1990</a>`}},
		// A spelling that finds nothing either is not offered.
		{"/search?q=Zzyzx", nil},
		{"/search?q=%D1%84%D1%8B%D0%B2%D0%B0", nil},
		{"/search?q=Yakovlev&to=1950", nil},
	}
	for _, tt := range tests {
		w := f.get(tt.path)
		body := w.Body.String()
		if w.Code != 200 || !strings.Contains(body, "0 results") {
			t.Errorf("GET %s: %d, want 200 and no results", tt.path, w.Code)
		}
		lower := strings.ToLower(body)
		for _, s := range tt.want {
			if !strings.Contains(body, s) && !strings.Contains(lower, strings.ToLower(s)) {
				t.Errorf("GET %s lacks %q", tt.path, s)
			}
		}
		if tt.want == nil && strings.Contains(body, `class="spelling"`) {
			t.Errorf("GET %s offers a spelling that finds nothing", tt.path)
		}
		checkHeadings(t, tt.path, body)
	}
}

// blindIndex is an index that finds nothing for the queries it is blind
// to, as an index may miss a spelling, and records the queries it is asked.
type blindIndex struct {
	fonds.Index
	blind   []string
	queries []string
}

func (ix *blindIndex) Search(ctx context.Context, req fonds.SearchRequest) (*fonds.SearchResults, error) {
	ix.queries = append(ix.queries, req.Query)
	if slices.Contains(ix.blind, req.Query) {
		return &fonds.SearchResults{Facets: map[string][]fonds.FacetCount{}}, nil
	}
	return ix.Index.Search(ctx, req)
}

// TestSearchSpellingFinds checks that the spelling a search that found
// nothing suggests is one that finds something, tried in a few searches at
// most.
func TestSearchSpellingFinds(t *testing.T) {
	f := newSearchFixture(t)
	ix := &blindIndex{Index: f.index, blind: []string{"Яковлев", "Яковлев Сахаров", "yakovlev sakharov", "yakovlev сахаров"}}
	var err error
	f.server, err = New(Config{Store: f.store, Index: ix, Logger: slog.New(slog.DiscardHandler), BaseURL: testBaseURL})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, want string
		searches   int
	}{
		{"/search?q=%D0%AF%D0%BA%D0%BE%D0%B2%D0%BB%D0%B5%D0%B2", ">yakovlev</a> (2 results)", 2},
		// Both words respelled find nothing; one of them respelled does.
		{"/search?q=%D0%AF%D0%BA%D0%BE%D0%B2%D0%BB%D0%B5%D0%B2+%D0%A1%D0%B0%D1%85%D0%B0%D1%80%D0%BE%D0%B2", "", 1 + maxSpellingTries},
	}
	for _, tt := range tests {
		ix.queries = nil
		body := f.get(tt.path).Body.String()
		if tt.want != "" && !strings.Contains(body, tt.want) {
			t.Errorf("GET %s lacks %q (searched %q)", tt.path, tt.want, ix.queries)
		}
		if len(ix.queries) > tt.searches {
			t.Errorf("GET %s searched %q, want at most %d searches", tt.path, ix.queries, tt.searches)
		}
	}
}

// TestSearchPaging pages through more results than a page holds.
func TestSearchPaging(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if err := st.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Many"}); err != nil {
		t.Fatal(err)
	}
	const n = 45
	var docs []*fonds.Document
	for i := range n {
		d := fondstest.NewDocument(fmt.Sprintf("1980-01-%02d-doc-%03d", i%28+1, i), fmt.Sprintf("1980-01-%02d", i%28+1))
		if _, err := st.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Store: st, Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: st, server: s, index: ix}

	seen := map[string]bool{}
	for _, tt := range []struct {
		path      string
		hits      int
		want, not []string
	}{
		{"/search?q=paragraph", 20, []string{"45 results", "Page 1 of 3", `href="/search?page=2&amp;q=paragraph" rel="next"`, `<ol class="hits" start="1">`}, []string{`rel="prev"`}},
		{"/search?q=paragraph&page=2", 20, []string{"Page 2 of 3", `href="/search?q=paragraph" rel="prev"`, `<ol class="hits" start="21">`}, nil},
		{"/search?q=paragraph&page=3", 5, []string{"Page 3 of 3", `<ol class="hits" start="41">`}, []string{`rel="next"`}},
	} {
		w := f.get(tt.path)
		body := w.Body.String()
		if w.Code != 200 {
			t.Fatalf("GET %s: %d", tt.path, w.Code)
		}
		links := hitLinks(body)
		if len(links) != tt.hits {
			t.Errorf("GET %s: %d results, want %d", tt.path, len(links), tt.hits)
		}
		for _, l := range links {
			if seen[l] {
				t.Errorf("GET %s repeats %s", tt.path, l)
			}
			seen[l] = true
		}
		for _, s := range tt.want {
			if !strings.Contains(body, s) {
				t.Errorf("GET %s lacks %q", tt.path, s)
			}
		}
		for _, s := range tt.not {
			if strings.Contains(body, s) {
				t.Errorf("GET %s has %q", tt.path, s)
			}
		}
	}
	if len(seen) != n {
		t.Errorf("three pages showed %d documents, want %d", len(seen), n)
	}
	if w := f.get("/search?q=paragraph&page=4"); w.Code != http.StatusNotFound {
		t.Errorf("GET page 4 of 3: %d, want 404", w.Code)
	}

	// The API pages the same way, with its own page size.
	var all []string
	for page := 1; page <= 5; page++ {
		var res APISearchResults
		decodeJSON(t, f.get(fmt.Sprintf("/api/v1/search?q=paragraph&sort=date&per_page=10&page=%d", page)), &res)
		if res.Total != n || res.PerPage != 10 || res.Page != page {
			t.Errorf("API page %d: total %d, per_page %d, page %d", page, res.Total, res.PerPage, res.Page)
		}
		for _, h := range res.Hits {
			all = append(all, h.Date.Start+" "+h.ID)
		}
	}
	if len(all) != n {
		t.Errorf("API pages gave %d hits, want %d", len(all), n)
	}
	for i := 1; i < len(all); i++ {
		if all[i-1] >= all[i] {
			t.Errorf("API sort=date: %q before %q", all[i-1], all[i])
		}
	}
}

func TestSearchAPI(t *testing.T) {
	f := newSearchFixture(t)
	citizenship := sampleID(t, citizenshipFile)

	var raw map[string]any
	decodeJSON(t, f.get("/api/v1/search?q=human+rights"), &raw)
	for _, k := range []string{"total", "took_ms", "page", "per_page", "interpreted", "hits", "facets"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("API search lacks %q", k)
		}
	}
	var res APISearchResults
	decodeJSON(t, f.get("/api/v1/search?q=%22human+rights%22"), &res)
	if res.Total != 2 || res.Page != 1 || res.PerPage != 20 || len(res.Hits) != 2 {
		t.Fatalf("API \"human rights\" = total %d page %d per_page %d, %d hits; want 2 1 20 2", res.Total, res.Page, res.PerPage, len(res.Hits))
	}
	h := res.Hits[0]
	if h.ID != f.seedID || h.Title != "Human rights" || h.URL != testBaseURL+"/documents/"+f.seedID || h.Page != 2 ||
		h.Collection != sample.Slug || len(h.References) != 1 || h.References[0] != "Pb 56/68" {
		t.Errorf("first hit = %+v", h)
	}
	if h.Date.Start != "1977-05-19" || h.Date.End != "1977-05-19" || h.Date.Precision != "day" || h.Date.Display != "19 May 1977" {
		t.Errorf("first hit's date = %+v", h.Date)
	}
	if !strings.Contains(h.Snippet, "<mark>human</mark> <mark>rights</mark>") {
		t.Errorf("first hit's snippet = %q", h.Snippet)
	}
	for _, f := range searchFacets {
		if _, ok := res.Facets[f.name]; !ok {
			t.Errorf("API facets lack %q", f.name)
		}
	}
	if c := res.Facets[fonds.FacetDecade]; len(c) != 1 || c[0] != (fonds.FacetCount{Value: "1970s", Count: 2}) {
		t.Errorf("decade facet = %v, want 1970s: 2", c)
	}

	for _, q := range []string{"Yakovlev", "Iakovlev"} {
		decodeJSON(t, f.get("/api/v1/search?q="+q), &res)
		found := false
		for _, h := range res.Hits {
			found = found || h.ID == citizenship
		}
		if !found {
			t.Errorf("API q=%s does not find %s: %+v", q, citizenship, res.Hits)
		}
	}

	decodeJSON(t, f.get("/api/v1/search?q=Sakharov&year=1980"), &res)
	if res.Total != 1 || res.Hits[0].ID != "1980-01-22-pb-177-x" {
		t.Errorf("API q=Sakharov&year=1980 = %d hits, want the one of 1980", res.Total)
	}
	decodeJSON(t, f.get("/api/v1/search?per_page=1000"), &res)
	if res.PerPage != 100 || res.Total != f.published || len(res.Hits) != f.published {
		t.Errorf("API per_page=1000: per_page %d, total %d, %d hits; want 100, %d, all", res.PerPage, res.Total, len(res.Hits), f.published)
	}
	decodeJSON(t, f.get("/api/v1/search?q=xyzzy"), &res)
	if res.Total != 0 || res.Hits == nil || len(res.Hits) != 0 {
		t.Errorf("API no results: total %d, hits %v; want 0 and []", res.Total, res.Hits)
	}
	decodeJSON(t, f.get("/api/v1/search?q=%22unclosed"), &res)
	if res.Interpreted == "" {
		t.Errorf("API malformed query: interpreted is empty")
	}

	for _, path := range []string{
		"/api/v1/search?q=a&page=abc", "/api/v1/search?q=a&sort=xyz", "/api/v1/search?q=a&from=garbage",
		"/api/v1/search?q=a&per_page=0", "/api/v1/search?q=a&per_page=100&page=101",
	} {
		w := f.get(path)
		if w.Code != http.StatusBadRequest || w.Header().Get("Content-Type") != jsonType || !strings.Contains(w.Body.String(), `"error"`) {
			t.Errorf("GET %s: %d %q %s, want 400 and a JSON error", path, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
	}
}

// TestSearchTimeout searches an index that stops every search at its
// deadline: the page and the API answer 503 asking to narrow the search,
// never 500.
func TestSearchTimeout(t *testing.T) {
	f := newSearchFixture(t)
	f.index.(*bleve.Index).Timeout = time.Nanosecond
	for _, path := range []string{"/search?q=rights", "/api/v1/search?q=rights", "/search?q=zzzzqx"} {
		w := f.get(path)
		if w.Code != http.StatusServiceUnavailable {
			t.Errorf("GET %s: status %d, want 503", path, w.Code)
		}
		if body := w.Body.String(); !strings.Contains(body, "took too long") {
			t.Errorf("GET %s: body lacks the reason:\n%s", path, clip(body, 500))
		}
	}
}

// deadlineIndex is an index that records the deadline of the searches it
// is asked.
type deadlineIndex struct {
	fonds.Index
	deadlines []bool
}

func (ix *deadlineIndex) Search(ctx context.Context, req fonds.SearchRequest) (*fonds.SearchResults, error) {
	_, ok := ctx.Deadline()
	ix.deadlines = append(ix.deadlines, ok)
	return ix.Index.Search(ctx, req)
}

// TestSearchDeadline checks that every search the site asks, on the page
// and in the API, with its spelling suggestion, has a deadline.
func TestSearchDeadline(t *testing.T) {
	f := newSearchFixture(t)
	ix := &deadlineIndex{Index: f.index}
	var err error
	f.server, err = New(Config{Store: f.store, Index: ix, Logger: slog.New(slog.DiscardHandler), BaseURL: testBaseURL})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/search?q=rights", "/api/v1/search?q=rights", "/search?q=Sakharov+zzzzqx"} {
		ix.deadlines = nil
		if w := f.get(path); w.Code != http.StatusOK {
			t.Fatalf("GET %s: status %d, want 200", path, w.Code)
		}
		if len(ix.deadlines) == 0 || slices.Contains(ix.deadlines, false) {
			t.Errorf("GET %s: searches with a deadline = %v, want all", path, ix.deadlines)
		}
	}
}

// TestSearchWithoutIndex checks a site without an index: no search box, and
// a search that answers it is unavailable.
func TestSearchWithoutIndex(t *testing.T) {
	f := newFixture(t)
	w := f.get("/search?q=Sakharov")
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "Search is not available") {
		t.Errorf("GET /search without an index: %d, want 503 and a friendly page\n%s", w.Code, w.Body)
	}
	w = f.get("/api/v1/search?q=Sakharov")
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Content-Type") != jsonType {
		t.Errorf("GET /api/v1/search without an index: %d %q, want 503 JSON", w.Code, w.Header().Get("Content-Type"))
	}
	if body := f.get("/").Body.String(); strings.Contains(body, `role="search"`) {
		t.Errorf("home page without an index shows a search box")
	}

	s := newSearchFixture(t)
	body := s.get("/documents/" + s.seedID).Body.String()
	for _, want := range []string{
		`<form class="site-search" role="search" action="/search" method="get">`,
		`<label class="visually-hidden" for="site-search-q">Search the archive</label>`,
		`<input type="search" id="site-search-q" name="q" value=""`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("document page with an index lacks %q", want)
		}
	}
}

// TestSearchDrafts checks that no search links to a draft, even one asked
// for by its id, title or reference: the index holds only what the store
// publishes.
func TestSearchDrafts(t *testing.T) {
	f := newSearchFixture(t)
	for _, q := range []string{draftID, draftOnlyID, draftTitle, "Pb 99/1", "ref:\"Pb 99/1\"", "Not for the public", "unpublished"} {
		v := "q=" + strings.ReplaceAll(q, " ", "+")
		for _, path := range []string{"/search?" + v, "/search?collection=" + draftsSlug + "&" + v, "/search?" + v + "&year=1977"} {
			body := f.get(path).Body.String()
			for _, id := range []string{draftID, draftOnlyID} {
				if strings.Contains(body, "/documents/"+id) {
					t.Errorf("GET %s links to the draft %s", path, id)
				}
			}
			if strings.Contains(body, "<mark>"+draftTitle) || strings.Contains(body, `">`+draftTitle+`</a>`) {
				t.Errorf("GET %s shows the draft's title", path)
			}
		}
		body := f.get("/api/v1/search?" + v).Body.String()
		if strings.Contains(body, draftID) || strings.Contains(body, draftOnlyID) {
			t.Errorf("API search %q shows a draft: %s", q, body)
		}
	}
	var res APISearchResults
	decodeJSON(t, f.get("/api/v1/search?per_page=100"), &res)
	if res.Total != f.published {
		t.Errorf("API search of everything: total %d, want the %d published documents", res.Total, f.published)
	}
	decodeJSON(t, f.get("/api/v1/search?collection="+draftsSlug), &res)
	if res.Total != 0 {
		t.Errorf("API search of the drafts' collection: total %d, want 0", res.Total)
	}
}

// TestSearchHostileText indexes a document whose text holds mark-up, and
// checks the snippet shows it as text.
func TestSearchHostileText(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	d := &fonds.Document{
		ID: "1902-01-01-hostile", Collection: testSlug, Status: fonds.StatusPublished,
		Date:  fonds.Date{Start: "1902-01-01", End: "1902-01-01", Precision: fonds.PrecisionDay},
		Title: "Mark-up in a text",
		Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleTranslation, Text: paragraphs(
			`A trap: <script>alert("xss")</script> and <img src=x onerror=alert(1)> and <mark>fake</mark> & more.`)}},
	}
	f.put(d)
	if err := f.index.Put(ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/search?q=trap", "/search?q=alert", "/search?q=fake"} {
		body := f.get(path).Body.String()
		if !linksTo(hitLinks(body), d.ID) {
			t.Fatalf("GET %s does not find the document", path)
		}
		snippet := regexp.MustCompile(`(?s)<p class="snippet">(.*?)</p>`).FindStringSubmatch(body)
		if snippet == nil {
			t.Fatalf("GET %s: no snippet", path)
		}
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(snippet[1])
		if strings.ContainsAny(rest, "<>") {
			t.Errorf("GET %s: snippet holds mark-up: %s", path, snippet[1])
		}
		if !strings.Contains(snippet[1], "&lt;script&gt;") || !strings.Contains(snippet[1], "&lt;img") {
			t.Errorf("GET %s: snippet does not show the mark-up as text: %s", path, snippet[1])
		}
	}
	var res APISearchResults
	decodeJSON(t, f.get("/api/v1/search?q=trap"), &res)
	if len(res.Hits) != 1 || strings.Contains(res.Hits[0].Snippet, "<script") || !strings.Contains(res.Hits[0].Snippet, "<mark>") {
		t.Errorf("API snippet = %+v", res.Hits)
	}
}

func TestSanitizeSnippet(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words", "plain words"},
		{"a <mark>b</mark> c", "a <mark>b</mark> c"},
		{"&lt;b&gt; &amp; &#34; &#x3c; &nbsp;", "&lt;b&gt; &amp; &#34; &#x3c; &nbsp;"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{`<mark onclick="x()">b</mark>`, "&lt;mark onclick=&#34;x()&#34;&gt;b&lt;/mark&gt;"},
		{"<MARK>b</MARK>", "&lt;MARK&gt;b&lt;/MARK&gt;"},
		{"<mark >b</mark >", "&lt;mark &gt;b&lt;/mark &gt;"},
		{"<mark><mark>b</mark></mark>", "<mark>&lt;mark&gt;b</mark>&lt;/mark&gt;"},
		{"<mark>unclosed", "<mark>unclosed</mark>"},
		{"</mark>stray", "&lt;/mark&gt;stray"},
		{`"><svg/onload=alert(1)>`, "&#34;&gt;&lt;svg/onload=alert(1)&gt;"},
		{"<img src=x onerror='alert(1)'>", "&lt;img src=x onerror=&#39;alert(1)&#39;&gt;"},
		{"<!-- comment --><![CDATA[x]]>", "&lt;!-- comment --&gt;&lt;![CDATA[x]]&gt;"},
		{"a & b &amp c &#xZZ; &#;", "a &amp; b &amp;amp c &amp;#xZZ; &amp;#;"},
		{"<mark>a</mark><mark>b</mark>", "<mark>a</mark><mark>b</mark>"},
		{"<", "&lt;"},
		{"<mark", "&lt;mark"},
		{"bad \xff byte\x00", "bad \uFFFD byte\uFFFD"},
		{"Яковлев <mark>Яковлев</mark>", "Яковлев <mark>Яковлев</mark>"},
	}
	for _, tt := range tests {
		got := string(SanitizeSnippet(tt.in))
		if got != tt.want {
			t.Errorf("SanitizeSnippet(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got); strings.ContainsAny(rest, "<>") {
			t.Errorf("SanitizeSnippet(%q) = %q, which holds mark-up", tt.in, got)
		}
		if strings.Count(got, "<mark>") != strings.Count(got, "</mark>") {
			t.Errorf("SanitizeSnippet(%q) = %q, whose marks do not balance", tt.in, got)
		}
	}
}

func TestMarkTerms(t *testing.T) {
	tests := []struct {
		text  string
		terms []string
		want  string
	}{
		{"no terms <here>", nil, "no terms &lt;here&gt;"},
		{"Yakovlev and yakovlev's note", []string{"yakovlev"}, "<mark>Yakovlev</mark> and <mark>yakovlev</mark>&#39;s note"},
		{"party art", []string{"art"}, "party <mark>art</mark>"},
		{"a < b & c", []string{"lt", "amp"}, "a &lt; b &amp; c"},
		{"<b>bold</b>", []string{"b"}, "&lt;<mark>b</mark>&gt;<mark>b</mark>old&lt;/<mark>b</mark>&gt;"},
		{"mark the mark", []string{"mark"}, "<mark>mark</mark> the <mark>mark</mark>"},
		{"Горбачёв и Горбачев", []string{"горбачев"}, "<mark>Горбачёв</mark> и <mark>Горбачев</mark>"},
		{"о СОЛЖЕНИЦЫНЕ", []string{"Солженицыне", "Солженицын"}, "о <mark>СОЛЖЕНИЦЫНЕ</mark>"},
		{"о СОЛЖЕНИЦЫНЕ", []string{"Солженицын", "Солженицыне"}, "о <mark>СОЛЖЕНИЦЫН</mark>Е"},
		{"human rights, human", []string{"rights", "human"}, "<mark>human</mark> <mark>rights</mark>, <mark>human</mark>"},
		{"x" + strings.Repeat("a", 3), []string{"aa"}, "xaaa"},
	}
	for _, tt := range tests {
		var b strings.Builder
		markTerms(&b, tt.text, tt.terms)
		if got := b.String(); got != tt.want {
			t.Errorf("markTerms(%q, %q) = %q, want %q", tt.text, tt.terms, got, tt.want)
		}
	}
}

func TestHighlightParam(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a Bb bb <x> «Яковлев»", []string{"Bb", "Яковлев"}},
		{"one two three four five six seven eight nine ten eleven", []string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}},
		{strings.Repeat("z", 51) + " ok", []string{"ok"}},
	}
	for _, tt := range tests {
		got := highlightParam(tt.in)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("highlightParam(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDocumentHighlight checks ?hl= on a document page: the words are
// marked in the text, never in a tag or an attribute.
func TestDocumentHighlight(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		hl        string
		want, not []string
	}{
		{"ANDROPOV", []string{"Comrade <mark>ANDROPOV</mark></span>", "Yu. <mark>Andropov</mark>", `title="Yury Andropov"`, "The words of your search are marked: <mark>ANDROPOV</mark>."}, nil},
		{"note+editorial+page+title+class", []string{`<span class="note" title="Editorial note" role="note" aria-label="Editorial note">`, `id="page-2"`, `<a href="#page-2">Page 2 (two)</a>`}, []string{`title="<mark>`, `class="<mark>`, `"Editorial <mark>`}},
		{"%3Cscript%3Ealert(1)%3C/script%3E", []string{"<mark>script&gt;alert(1)&lt;/script</mark>"}, []string{"<script>alert"}},
		{"%D0%A1%D0%BE%D0%B3%D0%BB%D0%B0%D1%81", []string{"<mark>Соглас</mark>иться.", "<mark>Соглас</mark>ен."}, nil},
		{"%D0%A1%D0%BE%D0%B3%D0%BB%D0%B0%D1%81+%D0%A1%D0%BE%D0%B3%D0%BB%D0%B0%D1%81%D0%B8%D1%82%D1%8C%D1%81%D1%8F", []string{"<mark>Согласиться</mark>.", "<mark>Соглас</mark>ен."}, nil},
		{"", nil, []string{"<mark>", "The words of your search"}},
	}
	for _, tt := range tests {
		path := "/documents/" + allKindsID + "?hl=" + tt.hl
		w := f.get(path)
		body := w.Body.String()
		if w.Code != 200 {
			t.Fatalf("GET %s: %d", path, w.Code)
		}
		for _, s := range tt.want {
			if !strings.Contains(body, s) {
				t.Errorf("GET %s lacks %q", path, s)
			}
		}
		for _, s := range tt.not {
			if strings.Contains(body, s) {
				t.Errorf("GET %s has %q", path, s)
			}
		}
		// Every mark is inside the text, between tags.
		for _, m := range regexp.MustCompile(`<[^>]*<mark>`).FindAllString(body, -1) {
			t.Errorf("GET %s: a mark inside a tag: %q", path, m)
		}
	}
	// Marking does not change the canonical address.
	body := f.get("/documents/" + allKindsID + "?hl=note").Body.String()
	if !strings.Contains(body, `<link rel="canonical" href="`+testBaseURL+"/documents/"+allKindsID+`">`) {
		t.Errorf("a marked page's canonical link is not the permalink")
	}
}

func TestCyrillicSpelling(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Yakovlev", "Яковлев"},
		{"Iakovlev", "Яковлев"},
		{"yakovlev", "яковлев"},
		{"Solzhenitsyn", "Солженицын"},
		{"Sakharov", "Сахаров"},
		{"Brezhnev", "Брежнев"},
		{"Bukovsky", "Буковский"},
		{"Bukovskiy", "Буковский"},
		{"Semichastnyy", "Семичастный"},
		{"Andrei", "Андрей"},
		{"Zaitsev", "Зайцев"},
		{"Zaytsev", "Зайцев"},
		{"Shcharansky", "Щаранский"},
		{"Khrushchev", "Хрущев"},
		{"Mariia", "Мария"},
		{"Andreyev", "Андреев"},
		{"Yury", "Юрий"},
		{"Ul'yanov", "Ульянов"},
		{"abc1", ""},
	}
	for _, tt := range tests {
		if got := cyrillicSpelling(tt.in); got != tt.want {
			t.Errorf("cyrillicSpelling(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOtherSpelling(t *testing.T) {
	tests := []struct {
		terms          []string
		want, wantScpt string
	}{
		{[]string{"яковлев"}, "yakovlev", "Latin"},
		{[]string{"yakovlev", "1977"}, "яковлев 1977", "Cyrillic"},
		{[]string{"sakharov", "сахаров"}, "сахаров sakharov", "other"},
		{[]string{"1977"}, "", ""},
		{[]string{"x"}, "", ""},
		{nil, "", ""},
	}
	for _, tt := range tests {
		got, script := otherSpelling(tt.terms)
		if got != tt.want || script != tt.wantScpt {
			t.Errorf("otherSpelling(%q) = %q, %q; want %q, %q", tt.terms, got, script, tt.want, tt.wantScpt)
		}
	}
}

// TestSearchWaitsForSlot fills every search slot, as a burst of costly
// searches would: a search then waits within its deadline and answers 503
// when it passes, never running beside them.
func TestSearchWaitsForSlot(t *testing.T) {
	f := newSearchFixture(t)
	srv := f.server
	for range cap(srv.searching) {
		srv.searching <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/search?q=rights", nil)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "took too long") {
		t.Errorf("search with every slot taken: %d\n%s", w.Code, clip(w.Body.String(), 300))
	}
	for range cap(srv.searching) {
		<-srv.searching
	}
	if w := f.get("/api/v1/search?q=rights"); w.Code != http.StatusOK {
		t.Errorf("search with the slots free: %d", w.Code)
	}
}

// TestSearchCreditsAndReferences finds the seed record by its translator and
// by its reference in every form the archives write it, and a sample
// record by its Secretariat reference.
func TestSearchCreditsAndReferences(t *testing.T) {
	f := newSearchFixture(t)
	secretariat := sampleID(t, "1981-02-02-st-248-9.txt")
	tests := []struct{ query, want string }{
		{"Crowfoot", f.seedID},
		{"translator:Crowfoot", f.seedID},
		{`translator:"John Crowfoot"`, f.seedID},
		{"P56/68", f.seedID},
		{"П 56/68", f.seedID},
		{"Pb 56/68", f.seedID},
		{"Пб 56/68", f.seedID},
		{"St-56/68", f.seedID},
		{"Ст 56/68", f.seedID},
		{"St 248/9", secretariat},
		{"Ст 248/9", secretariat},
		{"Pb 248/9", secretariat},
		{"P248/9", secretariat},
	}
	for _, tt := range tests {
		var res APISearchResults
		decodeJSON(t, f.get("/api/v1/search?facets=&q="+url.QueryEscape(tt.query)), &res)
		if len(res.Hits) == 0 || res.Hits[0].ID != tt.want {
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			t.Errorf("API q=%s = %v, want %s first", tt.query, got, tt.want)
		}
	}
}

// TestSearchAPIChoices checks the facets and snippets a client of the API
// asks for, and a search of only stop words.
func TestSearchAPIChoices(t *testing.T) {
	f := newSearchFixture(t)
	tests := []struct {
		query  string
		facets []string
	}{
		{"q=rights", pageFacets()},
		{"q=rights&facets=collection,year", []string{fonds.FacetCollection, fonds.FacetYear}},
		{"q=rights&facets=decade&facets=Year,decade", []string{fonds.FacetDecade, fonds.FacetYear}},
		{"q=rights&facets=", nil},
	}
	for _, tt := range tests {
		var raw map[string]any
		decodeJSON(t, f.get("/api/v1/search?"+tt.query), &raw)
		facets, ok := raw["facets"].(map[string]any)
		if !ok {
			t.Errorf("API %s: facets = %v, want an object", tt.query, raw["facets"])
			continue
		}
		got := slices.Sorted(maps.Keys(facets))
		if want := slices.Sorted(slices.Values(tt.facets)); !slices.Equal(got, want) {
			t.Errorf("API %s: facets %v, want %v", tt.query, got, want)
		}
	}
	if w := f.get("/api/v1/search?q=rights&facets=colour"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "not a facet") {
		t.Errorf("API facets=colour: %d %s, want 400", w.Code, w.Body)
	}
	if w := f.get("/api/v1/search?q=rights&snippets=maybe"); w.Code != http.StatusBadRequest {
		t.Errorf("API snippets=maybe: %d, want 400", w.Code)
	}

	var res APISearchResults
	decodeJSON(t, f.get("/api/v1/search?q=%22human+rights%22&snippets=false"), &res)
	if len(res.Hits) == 0 {
		t.Fatalf("API \"human rights\" found nothing")
	}
	for _, h := range res.Hits {
		if h.Snippet != "" || h.Page != 0 {
			t.Errorf("API snippets=false: hit %s has snippet %q, page %d", h.ID, h.Snippet, h.Page)
		}
	}
	decodeJSON(t, f.get("/api/v1/search?q=%22human+rights%22&snippets=true"), &res)
	if len(res.Hits) == 0 || res.Hits[0].Snippet == "" {
		t.Errorf("API snippets=true: first hit has no snippet")
	}

	for _, q := range []string{"the", `"to be"`, "to be or not to be"} {
		decodeJSON(t, f.get("/api/v1/search?facets=&q="+url.QueryEscape(q)), &res)
		if res.Total == 0 {
			t.Errorf("API q=%s finds nothing, want the documents that write it", q)
		}
	}
}

// TestSearchStopWords finds the documents of the sample and the seed by
// queries of stop words only, and by their translators and transcribers.
func TestSearchStopWords(t *testing.T) {
	f := newSearchFixture(t)
	tests := []struct {
		query string
		want  []string
	}{
		{`"is to be noted"`, []string{f.seedID}},
		{"translator:Ashdown", []string{"1972-09-12-no-572", "1978-09-06-1871-a", "1983-10-08-1917-k"}},
		{"transcriber:Nechaev", []string{"1969-11-26-pb-150-22", "1980-01-22-pb-177-x", "1990-07-01-central-committee-note-by-the-ideological"}},
	}
	for _, tt := range tests {
		var res APISearchResults
		decodeJSON(t, f.get("/api/v1/search?facets=&q="+url.QueryEscape(tt.query)), &res)
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		for _, id := range tt.want {
			if !slices.Contains(got, id) {
				t.Errorf("API q=%s = %v, want %s among them", tt.query, got, id)
			}
		}
	}
}
