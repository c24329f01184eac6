package web

import (
	"errors"
	"fmt"
	"fonds/cite"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"fonds"
)

// perPage is the length of a page of documents on the site.
const perPage = 50

// listItem is a document as lists show it.
type listItem struct {
	ID        string
	URL       string
	Date      string
	Heading   string
	Reference string
	Summary   string
}

func listItems(docs []*fonds.Document) []listItem {
	items := make([]listItem, 0, len(docs))
	for _, d := range docs {
		it := listItem{
			ID:        d.ID,
			URL:       documentPath(d.ID),
			Date:      d.Date.Display() + d.Mark,
			Heading:   d.Heading(),
			Reference: d.PrimaryReference().Written,
		}
		if d.Title != "" {
			it.Summary = d.DisplaySummary()
		}
		items = append(items, it)
	}
	return items
}

func documentPath(id string) string { return "/documents/" + url.PathEscape(id) }

// entityFolders names the folder of the index pages of each kind of entity.
var entityFolders = map[fonds.EntityKind]string{
	fonds.EntityPerson: "persons",
	fonds.EntityOrg:    "organizations",
	fonds.EntityPlace:  "places",
	fonds.EntityTerm:   "terms",
}

// entityListPath returns the address of the list of entities of a kind:
// "/persons".
func entityListPath(kind fonds.EntityKind) string { return "/" + entityFolders[kind] }

// entityPath returns the address of an entity's index page:
// "/persons/sakharov".
func entityPath(kind fonds.EntityKind, key string) string {
	return entityListPath(kind) + "/" + url.PathEscape(key)
}

// pager is a list's position and its links to the pages either side.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string // URLs, empty at either end
}

// pageParam reads ?page=N, 1 when absent.
func pageParam(r *http.Request) (int, error) {
	return intParam(r, "page", 1)
}

func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, badRequest("“%s” is not a valid %s number: use a whole number from 1.", clip(v, 40), name)
	}
	return n, nil
}

// newPager returns the pager of page n of total items; a page past the end
// of a list that has items is not found.
func newPager(r *http.Request, n, total, size int) (pager, error) {
	pages := (total + size - 1) / size
	if pages == 0 {
		pages = 1
	}
	if n > pages {
		return pager{}, notFound("There is no page %d of this list: it has %d.", n, pages)
	}
	p := pager{Page: n, Pages: pages, Total: total}
	link := func(n int) string {
		q := r.URL.Query()
		if n == 1 {
			q.Del("page")
		} else {
			q.Set("page", strconv.Itoa(n))
		}
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		return u.String()
	}
	if n > 1 {
		p.Prev = link(n - 1)
	}
	if n < pages {
		p.Next = link(n + 1)
	}
	return p, nil
}

// clip shortens s for quoting back to a reader.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// decade is a decade of the archive with its years.
type decade struct {
	Decade int
	Count  int
	Years  []yearCount
}

type yearCount struct {
	Year, Count int
	URL         string
}

type monthCount struct {
	Month      int
	Name       string
	Count      int
	URL        string
	ByMonthURL string
}

// decades groups date counts by decade and year.
func decades(counts []fonds.DateCount) []decade {
	var ds []decade
	for _, c := range counts {
		d := c.Year / 10 * 10
		if len(ds) == 0 || ds[len(ds)-1].Decade != d {
			ds = append(ds, decade{Decade: d})
		}
		dc := &ds[len(ds)-1]
		dc.Count += c.Count
		if n := len(dc.Years); n > 0 && dc.Years[n-1].Year == c.Year {
			dc.Years[n-1].Count += c.Count
		} else {
			dc.Years = append(dc.Years, yearCount{Year: c.Year, Count: c.Count, URL: yearPath(c.Year)})
		}
	}
	return ds
}

type homeData struct {
	Collections []fonds.Collection
	Recent      []listItem
	Decades     []decade
	Total       int
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	// "/?p=123" is how WordPress addresses a post: an old link, redirected
	// if the post is here, and otherwise not found.
	if wordpressQuery(r.URL) {
		if ok, err := s.redirectAlias(w, r); ok || err != nil {
			return err
		}
		return notFound("There is no page at this address.")
	}
	ctx := r.Context()
	pub := listFilter(r)
	cols, err := s.visibleCollections(ctx, pub)
	if err != nil {
		return err
	}
	f := pub
	f.Order, f.Limit, f.Brief = fonds.ByAdded, 10, true
	recent, total, err := s.store.Documents(ctx, f)
	if err != nil {
		return err
	}
	counts, err := s.store.DateCounts(ctx, pub)
	if err != nil {
		return err
	}
	p := s.newPage(r, "", homeData{Collections: cols, Recent: listItems(recent), Decades: decades(counts), Total: total})
	p.Canonical = s.base(r) + "/"
	return s.render(w, "home", p)
}

type browseData struct {
	Heading string
	Crumbs  []crumb
	Decades []decade
	Months  []monthCount
	// Collections are those holding documents of the page's year, month
	// or day, with how many.
	Collections []collectionCount
	// Days are a month's documents, by day; Docs a year's or a day's.
	Days  []dayGroup
	Docs  []entry
	Total int // the documents of the year, month or day
	Pager pager
	// More pages a day's documents by key; Prev and Next are the days
	// before and after with documents: Prev on the page the day begins,
	// Next on the page it ends.
	More       keyPager
	Prev, Next *dayLink
}

type crumb struct{ Label, URL string }

func (s *Server) browse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	counts, err := s.store.DateCounts(ctx, listFilter(r))
	if err != nil {
		return err
	}
	cols, _, err := s.collectionCounts(ctx, listFilter(r))
	if err != nil {
		return err
	}
	data := browseData{Heading: "Browse by date", Decades: decades(counts), Collections: cols}
	return s.render(w, "browse", s.newPage(r, "Browse by date", data))
}

// yearParam reads the {year} of a browse address.
func yearParam(r *http.Request) (int, error) {
	v := r.PathValue("year")
	y, err := strconv.Atoi(v)
	if err != nil || len(v) > 4 || y < 1 {
		return 0, badRequest("“%s” is not a year: browse by a year such as 1977.", clip(v, 40))
	}
	return y, nil
}

func (s *Server) browseYear(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := listFilter(r)
	f.Year = year
	counts, err := s.store.DateCounts(ctx, f)
	if err != nil {
		return err
	}
	var months []monthCount
	inYear := 0
	for _, c := range counts {
		if c.Year == year {
			inYear += c.Count
		}
		if c.Year != year || c.Month < 1 || c.Month > 12 {
			continue
		}
		if k := len(months); k > 0 && months[k-1].Month == c.Month {
			months[k-1].Count += c.Count
			continue
		}
		months = append(months, monthCount{
			Month: c.Month, Name: time.Month(c.Month).String(), Count: c.Count,
			URL: monthPath(year, c.Month),
		})
	}
	if inYear == 0 {
		return notFound("There are no documents from %d.", year)
	}
	// As on a collection's page, the counts bound the page number before
	// the store is asked for the page.
	if _, err := newPager(r, n, inYear, perPage); err != nil {
		return err
	}
	cols, titles, err := s.collectionCounts(ctx, f)
	if err != nil {
		return err
	}
	f.Offset, f.Limit, f.Brief = (n-1)*perPage, perPage, true
	docs, total, err := s.store.Documents(ctx, f)
	if err != nil {
		return err
	}
	if total == 0 {
		return notFound("There are no documents from %d.", year)
	}
	pg, err := newPager(r, n, total, perPage)
	if err != nil {
		return err
	}
	data := browseData{
		Heading:     strconv.Itoa(year),
		Crumbs:      []crumb{{"Browse", "/browse"}},
		Months:      months,
		Collections: cols,
		Docs:        entries(docs, titles),
		Total:       total,
		Pager:       pg,
	}
	return s.render(w, "browse", s.newPage(r, fmt.Sprintf("Documents of %d", year), data))
}

// browseMonth answers /browse/{year}/{month}: the month's documents by
// day, each day linked to its page, and how many each collection holds.
func (s *Server) browseMonth(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	month, err := monthParam(r)
	if err != nil {
		return err
	}
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := listFilter(r)
	f.Year, f.Month = year, month
	name := fmt.Sprintf("%s %d", time.Month(month), year)
	cols, titles, err := s.collectionCounts(ctx, f)
	if err != nil {
		return err
	}
	inMonth := 0
	for _, c := range cols {
		inMonth += c.Count
	}
	if inMonth == 0 {
		return notFound("There are no documents from %s.", name)
	}
	// The counts bound the page number before the store is asked for it.
	if _, err := newPager(r, n, inMonth, perPage); err != nil {
		return err
	}
	f.Offset, f.Limit, f.Brief = (n-1)*perPage, perPage, true
	docs, total, err := s.store.Documents(ctx, f)
	if err != nil {
		return err
	}
	if total == 0 {
		return notFound("There are no documents from %s.", name)
	}
	pg, err := newPager(r, n, total, perPage)
	if err != nil {
		return err
	}
	data := browseData{
		Heading:     name,
		Crumbs:      []crumb{{"Browse", "/browse"}, {strconv.Itoa(year), yearPath(year)}},
		Collections: cols,
		Days:        byDay(docs, entries(docs, titles)),
		Total:       total,
		Pager:       pg,
	}
	return s.render(w, "browse", s.newPage(r, "Documents of "+name, data))
}

type collectionData struct {
	Collection fonds.Collection
	Docs       []listItem
	Pager      pager
	// Chapters are those of a volume, in its order: each with its
	// documents when the volume is shown whole, else linked to its page.
	Chapters []chapter
	Whole    bool
	// Chapter is the chapter shown, its documents in Entries by number,
	// paged by key; Prev and Next are the chapters either side.
	Chapter    *chapter
	Entries    []entry
	More       keyPager
	Prev, Next *chapter
}

// chapter is a chapter of a volume, as its page and the volume's list it.
type chapter struct {
	Title, URL string
	Count      int
	Docs       []entry
}

// validSlug reports whether s could be a collection slug or document id:
// letters, digits and hyphens, not too long. Anything else cannot be in the
// store, and is not worth asking it about.
func validSlug(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func (s *Server) collection(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	missing := notFound("There is no collection “%s”.", clip(slug, 80))
	if !validSlug(slug) {
		return missing
	}
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := listFilter(r)
	cols, err := s.store.Collections(ctx, f)
	if err != nil {
		return err
	}
	var c fonds.Collection
	found := false
	for _, col := range cols {
		if col.Slug == slug {
			c, found = col, true
			break
		}
	}
	// A collection in which the viewer sees nothing is not found, as on
	// the home page, but by those who edit it.
	if !found || (c.Count == 0 && !roleOf(r).CanPublish()) {
		return missing
	}
	sections, err := s.store.Sections(ctx, slug)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("section") {
		return s.chapter(w, r, c, sections)
	}
	// The collection's count says how many pages it has: a page past the
	// end is refused before the store skips over the whole collection to
	// find nothing there.
	if _, err := newPager(r, n, c.Count, perPage); err != nil {
		return err
	}
	f.Collection = slug
	if len(sections) > 0 {
		return s.volume(w, r, c, sections, n)
	}
	f.Offset, f.Limit, f.Brief = (n-1)*perPage, perPage, true
	docs, total, err := s.store.Documents(ctx, f)
	if err != nil {
		return err
	}
	pg, err := newPager(r, n, total, perPage)
	if err != nil {
		return err
	}
	c.Count = total
	data := collectionData{Collection: c, Docs: listItems(docs), Pager: pg}
	return s.render(w, "collection", s.newPage(r, c.Title, data))
}

// volume answers the page of a collection whose documents have chapters:
// a volume that fits on a page whole, its chapters in order and each
// chapter's documents by number; a longer one, its chapters with how many
// documents each holds, each linked to its page.
func (s *Server) volume(w http.ResponseWriter, r *http.Request, c fonds.Collection, sections []fonds.Section, n int) error {
	if n > 1 {
		return notFound("There is no page %d of this list: it has 1.", n)
	}
	data := collectionData{Collection: c, Whole: c.Count <= perPage}
	for _, sec := range sections {
		data.Chapters = append(data.Chapters, chapter{Title: sec.Title, URL: sectionPath(c.Slug, sec.Title), Count: sec.Count})
	}
	if data.Whole {
		f := listFilter(r)
		f.Collection, f.Order, f.Limit, f.Brief = c.Slug, fonds.ByNumber, perPage, true
		docs, total, err := s.store.Documents(r.Context(), f)
		if err != nil {
			return err
		}
		data.Collection.Count = total
		data.Chapters = chapterDocs(data.Chapters, docs, entries(docs, nil))
	}
	return s.render(w, "collection", s.newPage(r, c.Title, data))
}

// chapterDocs puts the documents of a volume in their chapters, and counts
// them there: what its viewer sees of each. A chapter in which they see
// nothing is left out; documents of no chapter listed come last, under
// the heading "Other documents".
func chapterDocs(chapters []chapter, docs []*fonds.Document, es []entry) []chapter {
	at := make(map[string]int, len(chapters))
	for i, ch := range chapters {
		at[ch.Title] = i
		chapters[i].Count, chapters[i].Docs = 0, nil
	}
	var other []entry
	for i, d := range docs {
		k, ok := at[d.Section]
		if !ok {
			other = append(other, es[i])
			continue
		}
		chapters[k].Docs = append(chapters[k].Docs, es[i])
		chapters[k].Count++
	}
	out := chapters[:0]
	for _, ch := range chapters {
		if ch.Count > 0 {
			out = append(out, ch)
		}
	}
	if len(other) > 0 {
		out = append(out, chapter{Title: "Other documents", Count: len(other), Docs: other})
	}
	return out
}

// chapter answers /collections/{slug}?section=TITLE: the documents of one
// chapter of a volume, by number, paged by key. A chapter the volume does
// not have, or in which the viewer sees nothing, is not found.
func (s *Server) chapter(w http.ResponseWriter, r *http.Request, c fonds.Collection, sections []fonds.Section) error {
	title := r.URL.Query().Get("section")
	missing := notFound("The collection “%s” has no chapter “%s”.", c.Title, clip(title, 120))
	k := -1
	for i, sec := range sections {
		if sec.Title == title {
			k = i
			break
		}
	}
	if k < 0 || title == "" {
		return missing
	}
	after, err := s.afterParam(r, func(d *fonds.Document) bool {
		return d.Collection == c.Slug && d.Section == title
	})
	if err != nil {
		return err
	}
	f := listFilter(r)
	f.Collection, f.Section, f.Order = c.Slug, title, fonds.ByNumber
	docs, more, total, err := s.keyedPage(r.Context(), f, after)
	if err != nil {
		return err
	}
	if total == 0 {
		return missing
	}
	ch := &chapter{Title: title, URL: sectionPath(c.Slug, title), Count: total}
	data := collectionData{
		Collection: c,
		Chapter:    ch,
		Entries:    entries(docs, nil),
		More:       newKeyPager(r.URL.Path, r.URL.Query(), after, docs, more),
	}
	if k > 0 {
		p := sections[k-1]
		data.Prev = &chapter{Title: p.Title, URL: sectionPath(c.Slug, p.Title), Count: p.Count}
	}
	if k+1 < len(sections) {
		nx := sections[k+1]
		data.Next = &chapter{Title: nx.Title, URL: sectionPath(c.Slug, nx.Title), Count: nx.Count}
	}
	p := s.newPage(r, title+" — "+c.Title, data)
	p.Canonical = s.base(r) + ch.URL
	return s.render(w, "collection", p)
}

// documentNotFound is the 404 of a document: it names the id and, when the
// id starts with a date, suggests the documents of that date the viewer
// sees in lists (or failing them, of that month).
func (s *Server) documentNotFound(r *http.Request, id string) error {
	ctx := r.Context()
	e := notFound("There is no document with the id “%s”.", clip(id, 80))
	m := idDate.FindStringSubmatch(id)
	if m == nil {
		return e
	}
	year, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	f := listFilter(r)
	f.Year, f.Limit, f.Brief = year, 200, true
	if month >= 1 && month <= 12 {
		f.Month = month
	}
	docs, _, err := s.store.Documents(ctx, f)
	if err != nil {
		e.err = err // suggestions are a courtesy: answer the 404 anyway
		return e
	}
	prefix := m[0]
	var same []*fonds.Document
	for _, d := range docs {
		if strings.HasPrefix(d.ID, prefix) {
			same = append(same, d)
		}
	}
	if len(same) == 0 {
		same = docs
	}
	if len(same) > 10 {
		same = same[:10]
	}
	e.suggestions = same
	return e
}

// idDate matches the date an id starts with: "1977-05-19".
var idDate = regexp.MustCompile(`^(\d{4})-(\d{2})(?:-(\d{2}))?`)

type documentData struct {
	Doc        *fonds.Document
	ID         string
	Date       string
	References []fonds.Reference
	Summary    string
	Collection fonds.Collection
	Citation   string
	Permalink  string
	// Pinned is the permalink of this version; Version is its number and
	// Current the number of the latest.
	Pinned           string
	Version, Current int
	Witnesses        []witnessView
	Multi            bool // more than one witness: shown side by side on wide screens
	Key              []keyItem
	Prev, Next       *listItem
	// Highlight are the words of a search marked in the texts, from ?hl=;
	// Unmarked is the address of the page without them.
	Highlight []string
	Unmarked  string
	// Downloads are the document in other formats.
	Downloads []download
	// CitedBy are the documents the viewer sees that cite this one, by
	// date, at most citedByLimit; MoreCitedBy says there are more.
	CitedBy     []listItem
	MoreCitedBy bool
	// SameWeek are documents of other collections dated within
	// sameWeekDays of this one, at most sameWeekLimit of SameWeekTotal.
	SameWeek      []entry
	SameWeekTotal int
	// links is what the heading, the source note and the texts link to;
	// nil links nothing (an editor's preview).
	links *linker
}

// HeadingHTML returns the heading with the mentions it marks, linked, or ""
// when the document has no marked heading (or its marks no longer match
// its title, which an editor changed): the page shows Doc.Heading then.
func (d documentData) HeadingHTML() template.HTML {
	if len(d.Doc.TitleText) == 0 || !samePlainText(d.Doc.TitleText, d.Doc.Title) {
		return ""
	}
	return renderInline(d.Doc.TitleText, d.links)
}

// SourceHTML returns the source note with the mentions it marks and the
// citations in it linked, or "" when there is nothing to link: the page
// shows Doc.Source then.
func (d documentData) SourceHTML() template.HTML {
	if len(d.Doc.SourceText) > 0 && samePlainText(d.Doc.SourceText, d.Doc.Source) {
		return renderInline(d.Doc.SourceText, d.links)
	}
	if d.links != nil && d.links.inText && d.Doc.Source != "" {
		return renderInline([]fonds.Span{{Kind: fonds.SpanText, Text: d.Doc.Source}}, d.links)
	}
	return ""
}

// VolumeURL is the address of the page of the document's collection;
// ChapterURL that of its chapter, the documents of its section in order.
func (d documentData) VolumeURL() string { return collectionPath(d.Collection.Slug) }

func (d documentData) ChapterURL() string { return sectionPath(d.Collection.Slug, d.Doc.Section) }

// samePlainText reports whether spans read as plain, white space aside.
func samePlainText(spans []fonds.Span, plain string) bool {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.PlainText())
	}
	return strings.Join(strings.Fields(b.String()), " ") == strings.Join(strings.Fields(plain), " ")
}

// download is a link to the document in another format.
type download struct {
	Label, URL, Type string
}

type witnessView struct {
	ID string // the section's id
	// StartID is the anchor of page 1 when the text has no marker for it,
	// so that a link to the first page (a search result's) lands on the
	// text rather than the top of the page.
	StartID  string
	Heading  string
	Language string
	Credits  []string
	Body     template.HTML
}

func (s *Server) document(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	d, err := s.visibleDocument(r, id)
	if errors.Is(err, fonds.ErrNotFound) {
		return s.documentNotFound(r, id)
	} else if err != nil {
		return err
	}
	current := d.Version
	if rev := r.URL.Query().Get("rev"); rev != "" {
		if d, err = s.version(r, d, rev); err != nil {
			return err
		}
	}
	// What the page lists beside the document is read meanwhile, each list
	// by a read of its own.
	var (
		side              sync.WaitGroup
		citedBy           []listItem
		moreCitedBy       bool
		week              []entry
		weekTotal         int
		citedErr, weekErr error
	)
	side.Add(2)
	go func() {
		defer side.Done()
		citedBy, moreCitedBy, citedErr = s.citedBy(r, d)
	}()
	go func() {
		defer side.Done()
		week, weekTotal, weekErr = s.sameWeek(r, d)
	}()
	defer side.Wait() // when this returns early
	c, err := s.store.Collection(ctx, d.Collection)
	if errors.Is(err, fonds.ErrNotFound) {
		c = fonds.Collection{Slug: d.Collection, Title: d.Collection}
	} else if err != nil {
		return err
	}
	nf := listFilter(r)
	if d.Number > 0 && d.Collection != "" {
		// A document of a volume is read in the volume's order.
		nf.Collection, nf.Order = d.Collection, fonds.ByNumber
	}
	prev, next, err := s.store.Neighbours(ctx, d.ID, nf)
	if err != nil {
		return err
	}
	links, err := s.linker(r, d)
	if err != nil {
		return err
	}
	permalink := s.base(r) + documentPath(d.ID)
	pinned := permalink
	if d.Version > 0 {
		pinned = permalink + "?rev=" + strconv.Itoa(d.Version)
	}
	item := cite.NewItem(d, c.Title, s.site(r.Context()).Name, pinned, s.now())
	hl := highlightParam(r.URL.Query().Get("hl"))
	witnesses := witnessViewsLinked(d, hl, links)
	side.Wait()
	if err := errors.Join(citedErr, weekErr); err != nil {
		return err
	}
	data := documentData{
		Doc:           d,
		ID:            d.ID,
		Date:          d.Date.Display(),
		Summary:       d.DisplaySummary(),
		Collection:    c,
		Citation:      item.Chicago(),
		Permalink:     permalink,
		Pinned:        pinned,
		Version:       d.Version,
		Current:       current,
		Witnesses:     witnesses,
		Key:           legendKey(d),
		Highlight:     hl,
		Unmarked:      documentPath(d.ID),
		Downloads:     s.downloads(d),
		CitedBy:       citedBy,
		MoreCitedBy:   moreCitedBy,
		SameWeek:      week,
		SameWeekTotal: weekTotal,
		links:         links,
	}
	data.Multi = len(data.Witnesses) > 1
	for _, ref := range d.References {
		if !containsWritten(data.References, ref.Written) {
			data.References = append(data.References, ref)
		}
	}
	if prev != nil {
		data.Prev = &listItems([]*fonds.Document{prev})[0]
	}
	if next != nil {
		data.Next = &listItems([]*fonds.Document{next})[0]
	}
	p := s.newPage(r, d.Heading()+", "+d.Date.Display(), data)
	p.Canonical = permalink
	for _, m := range cite.MetaTags(item) {
		p.Meta = append(p.Meta, metaTag{m.Name, m.Content})
	}
	if ld, err := cite.JSONLD(item, s.base(r)+"/collections/"+url.PathEscape(c.Slug)); err == nil {
		p.JSONLD = template.JS(ld)
	}
	return s.render(w, "document", p)
}

// citedByLimit bounds the list of the documents that cite a document.
const citedByLimit = 50

// citedBy returns the documents the viewer of r sees in lists that cite d,
// by date, at most citedByLimit, and whether there are more. Others cite a
// document by its identities (entity.Identities): one without any, neither
// numbered in a volume nor with a reference, is cited by none, and the
// store is not asked.
func (s *Server) citedBy(r *http.Request, d *fonds.Document) ([]listItem, bool, error) {
	if !citable(d) {
		return nil, false, nil
	}
	f := listFilter(r)
	f.Limit, f.Brief = citedByLimit+1, true
	docs, err := s.store.CitedBy(r.Context(), d.ID, f)
	if err != nil {
		return nil, false, err
	}
	more := len(docs) > citedByLimit
	if more {
		docs = docs[:citedByLimit]
	}
	return listItems(docs), more, nil
}

// How far either side of a document's date the documents of other
// collections are shown beside it, and how many at most.
const (
	sameWeekDays  = 3
	sameWeekLimit = 10
)

// sameWeek returns documents of other collections than d's that the viewer
// of r sees in lists, dated within sameWeekDays of d, by date, at most
// sameWeekLimit, and how many there are: the 19 May 1977 instruction of the
// Politburo beside the State Department's memoranda of that week. A
// document dated only to the month or the year, or undated, has none.
func (s *Server) sameWeek(r *http.Request, d *fonds.Document) ([]entry, int, error) {
	if d.Date.Precision == fonds.PrecisionMonth || d.Date.Precision == fonds.PrecisionYear {
		return nil, 0, nil
	}
	day, err := time.Parse(time.DateOnly, d.Date.Start)
	if err != nil {
		return nil, 0, nil
	}
	ctx := r.Context()
	f := listFilter(r)
	f.From = day.AddDate(0, 0, -sameWeekDays).Format(time.DateOnly)
	f.To = day.AddDate(0, 0, sameWeekDays).Format(time.DateOnly)
	f.ExceptCollection = d.Collection
	f.Limit, f.Brief = sameWeekLimit, true
	docs, total, err := s.store.Documents(ctx, f)
	if err != nil || len(docs) == 0 {
		return nil, 0, err
	}
	title := s.collectionTitleOf(ctx)
	titles := make(map[string]string)
	for _, doc := range docs {
		titles[doc.Collection] = title(doc.Collection)
	}
	return entries(docs, titles), total, nil
}

// downloads returns the links to the document in the other formats the
// site serves.
func (s *Server) downloads(d *fonds.Document) []download {
	ds := []download{{"Plain text", documentPath(d.ID) + ".txt", "text/plain"}}
	for _, f := range citationFormats {
		ds = append(ds, download{f.label, documentPath(d.ID) + f.ext, f.ctype})
	}
	if s.tei != nil {
		ds = append(ds, download{"TEI XML", documentPath(d.ID) + ".tei.xml", "application/tei+xml"})
	}
	if len(facsimiles(d)) > 0 {
		// For image viewers: the scans, their pages and transcriptions.
		ds = append(ds, download{"IIIF manifest", "/iiif/" + url.PathEscape(d.ID) + "/manifest", "application/ld+json"})
	}
	return ds
}

func containsWritten(refs []fonds.Reference, written string) bool {
	for _, r := range refs {
		if r.Written == written {
			return true
		}
	}
	return false
}

// witnessViews renders the witnesses of d, translations first: the reader
// of this site reads the translation and checks it against the original.
// The terms of a search, if any, are marked in them.
func witnessViews(d *fonds.Document, terms []string) []witnessView {
	return witnessViewsLinked(d, terms, nil)
}

// witnessViewsLinked is witnessViews with the texts' mentions and
// citations linked as links says.
func witnessViewsLinked(d *fonds.Document, terms []string, links *linker) []witnessView {
	var order []fonds.Witness
	for _, w := range d.Witnesses {
		if w.Role == fonds.RoleTranslation {
			order = append(order, w)
		}
	}
	for _, w := range d.Witnesses {
		if w.Role != fonds.RoleTranslation {
			order = append(order, w)
		}
	}
	views := make([]witnessView, 0, len(order))
	used := map[string]bool{}
	pageImages := facsimiles(d)
	for i, w := range order {
		// The scans go beside the first text shown, once.
		var images map[int]string
		if i == 0 {
			images = pageImages
		}
		// The first witness shown owns the plain page anchors (#page-3), so
		// that a link to a page lands on the text the reader reads first.
		prefix := ""
		if i > 0 {
			prefix = fonds.Slug(w.Language + " " + w.Role)
			for used[prefix] {
				prefix += "-x"
			}
			used[prefix] = true
			prefix += "-"
		}
		v := witnessView{
			ID:       fmt.Sprintf("text-%d", i+1),
			Heading:  witnessHeading(w),
			Language: w.Language,
			Body:     renderTextLinked(w.Text, prefix, terms, images, links),
		}
		if !hasPageBreak(w.Text, 1) {
			v.StartID = prefix + "page-1"
		}
		for _, c := range w.Credits {
			v.Credits = append(v.Credits, creditLine(c))
		}
		views = append(views, v)
	}
	return views
}

// facsimiles returns the IIIF image identifiers of the pages that have an
// image in the archive, by page number.
func facsimiles(d *fonds.Document) map[int]string {
	images := make(map[int]string)
	for _, p := range d.Pages {
		if p.Facs != "" && !strings.Contains(p.Facs, "://") {
			images[p.N] = d.ID + "~" + strconv.Itoa(p.N)
		}
	}
	return images
}

// hasPageBreak reports whether the text has the marker that opens page n.
func hasPageBreak(t fonds.Text, n int) bool {
	found := false
	t.Walk(func(s fonds.Span) {
		if s.Kind == fonds.SpanPageBreak && s.Page == n {
			found = true
		}
	})
	return found
}

func witnessHeading(w fonds.Witness) string {
	role := "text"
	switch w.Role {
	case fonds.RoleTranslation, fonds.RoleOriginal, fonds.RoleTranscription:
		role = w.Role
	}
	lang := languageName(w.Language)
	if lang == "" {
		return strings.ToUpper(role[:1]) + role[1:]
	}
	return lang + " " + role
}

var languageNames = map[string]string{
	"en": "English", "ru": "Russian", "uk": "Ukrainian", "de": "German", "fr": "French",
	"pl": "Polish", "cs": "Czech", "be": "Belarusian", "lt": "Lithuanian", "lv": "Latvian",
	"et": "Estonian", "ka": "Georgian", "hy": "Armenian", "es": "Spanish", "it": "Italian",
}

func languageName(code string) string {
	base, _, _ := strings.Cut(code, "-")
	if n, ok := languageNames[strings.ToLower(base)]; ok {
		return n
	}
	return code
}

func creditLine(c fonds.Credit) string {
	if c.Written != "" {
		return c.Written
	}
	role := c.Role
	switch c.Role {
	case "translator":
		role = "Translation"
	case "transcriber":
		role = "Transcription"
	case "editor":
		role = "Edited"
	}
	return role + ", " + c.Name
}
