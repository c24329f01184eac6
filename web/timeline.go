package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fonds"
)

// The timeline is /browse: the archive by year, month and day across its
// collections, so that documents of one week from different collections
// (a Politburo instruction, State Department memoranda) stand side by side.
// Each level asks the store for counts it keeps and for one page of
// documents by a range of dates, never for the whole archive.

// yearPath returns the address of the documents of a year: "/browse/1977".
func yearPath(year int) string { return "/browse/" + strconv.Itoa(year) }

// monthPath returns the address of the documents of a month:
// "/browse/1977/5".
func monthPath(year, month int) string { return fmt.Sprintf("/browse/%d/%d", year, month) }

// dayPath returns the address of the documents of a day:
// "/browse/1977/5/19".
func dayPath(year, month, day int) string { return fmt.Sprintf("/browse/%d/%d/%d", year, month, day) }

// collectionPath returns the address of a collection's page:
// "/collections/frus1977-80v02".
func collectionPath(slug string) string { return "/collections/" + url.PathEscape(slug) }

// sectionPath returns the address of a chapter of a volume, its documents
// in the order of their numbers: "/collections/frus1977-80v02?section=Human+Rights".
func sectionPath(slug, section string) string {
	return collectionPath(slug) + "?" + url.Values{"section": {section}}.Encode()
}

// entry is a document as the lists of the timeline and of a volume show
// it: a list item, with its number in its volume, and its collection on a
// list that crosses collections.
type entry struct {
	listItem
	Number        int
	Collection    string // the collection's title, empty where the list names it once
	CollectionURL string
}

// entries returns the entries of docs, naming their collections by the
// titles in titles when it is not nil.
func entries(docs []*fonds.Document, titles map[string]string) []entry {
	items := listItems(docs)
	es := make([]entry, len(docs))
	for i, d := range docs {
		es[i] = entry{listItem: items[i], Number: d.Number}
		if titles != nil {
			es[i].Collection = titles[d.Collection]
			if es[i].Collection == "" {
				es[i].Collection = d.Collection
			}
			es[i].CollectionURL = collectionPath(d.Collection)
		}
		if d.Number > 0 && !strings.HasPrefix(es[i].Heading, strconv.Itoa(d.Number)+".") {
			// A FRUS heading starts with its number ("12. Memorandum …");
			// other headings are numbered here.
			es[i].Heading = strconv.Itoa(d.Number) + ". " + es[i].Heading
		}
	}
	return es
}

// collectionCount is how many documents of one level of the timeline a
// collection holds.
type collectionCount struct {
	Title, URL string
	Count      int
}

// collectionCounts returns the collections in which the viewer sees
// documents that f admits, with how many, and their titles by slug for
// naming them on the documents.
func (s *Server) collectionCounts(ctx context.Context, f fonds.Filter) ([]collectionCount, map[string]string, error) {
	cols, err := s.visibleCollections(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	counts := make([]collectionCount, 0, len(cols))
	titles := make(map[string]string, len(cols))
	for _, c := range cols {
		counts = append(counts, collectionCount{Title: c.Title, URL: collectionPath(c.Slug), Count: c.Count})
		titles[c.Slug] = c.Title
	}
	return counts, titles, nil
}

// dayGroup is the documents of one day on a month's page.
type dayGroup struct {
	Label string // "19 May 1977", or what the documents are dated to
	URL   string // the day's page; empty for documents not dated to a day
	Docs  []entry
}

// byDay groups the documents of a page of a month by the day they start,
// in the order of the page. Documents dated only to the month come
// together under their own label: they are of no one day.
func byDay(docs []*fonds.Document, es []entry) []dayGroup {
	var groups []dayGroup
	at := make(map[string]int)
	for i, d := range docs {
		key, label, link := "", "Dated to the month", ""
		if t, err := time.Parse(time.DateOnly, d.Date.Start); err == nil && d.Date.Precision == fonds.PrecisionDay {
			key, label, link = d.Date.Start, t.Format("2 January 2006"), dayPath(t.Year(), int(t.Month()), t.Day())
		}
		g, ok := at[key]
		if !ok {
			g = len(groups)
			at[key] = g
			groups = append(groups, dayGroup{Label: label, URL: link})
		}
		groups[g].Docs = append(groups[g].Docs, es[i])
	}
	return groups
}

// monthParam reads the {month} of a browse address.
func monthParam(r *http.Request) (int, error) {
	v := r.PathValue("month")
	m, err := strconv.Atoi(v)
	if err != nil || len(v) > 2 || m < 1 || m > 12 {
		return 0, badRequest("“%s” is not a month: use a number from 1 to 12.", clip(v, 40))
	}
	return m, nil
}

// dayParam reads the {day} of a browse address, a day of the month: the
// 31st of April is no page at all.
func dayParam(r *http.Request, year, month int) (time.Time, error) {
	v := r.PathValue("day")
	d, err := strconv.Atoi(v)
	if err != nil || len(v) > 2 || d < 1 || d > 31 {
		return time.Time{}, badRequest("“%s” is not a day: use a number from 1 to 31.", clip(v, 40))
	}
	t := time.Date(year, time.Month(month), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		return time.Time{}, notFound("There is no %d %s %d: the month has %d days.", d, time.Month(month), year, last)
	}
	return t, nil
}

// keyPager is the position of a list paged by key: the link to the page
// after this one, and to the first when this is not it.
type keyPager struct {
	First, Next string
}

// newKeyPager returns the pager of a page of docs of the list at the
// address path with the query q, read after the id after; more says
// whether the list goes on after docs.
func newKeyPager(path string, q url.Values, after string, docs []*fonds.Document, more bool) keyPager {
	var p keyPager
	link := func(after string) string {
		q := maps.Clone(q)
		q.Del("after")
		if after != "" {
			q.Set("after", after)
		}
		if len(q) == 0 {
			return path
		}
		return path + "?" + q.Encode()
	}
	if after != "" {
		p.First = link("")
	}
	if more && len(docs) > 0 {
		p.Next = link(docs[len(docs)-1].ID)
	}
	return p
}

// keyedPage reads a page of the list f after the id after: at most
// perPage documents, whether more follow, and how many the list holds.
func (s *Server) keyedPage(ctx context.Context, f fonds.Filter, after string) ([]*fonds.Document, bool, int, error) {
	f.After, f.Limit, f.Brief = after, perPage+1, true
	docs, total, err := s.store.Documents(ctx, f)
	if err != nil {
		return nil, false, 0, err
	}
	more := len(docs) > perPage
	if more {
		docs = docs[:perPage]
	}
	return docs, more, total, nil
}

// afterParam reads ?after=, the id of the document a page of a list paged
// by key continues after. It must be a document the viewer sees, of the
// list (in returns whether it is): one they may not see is answered as one
// that does not exist, so that a page of a list tells nothing of it.
func (s *Server) afterParam(r *http.Request, in func(*fonds.Document) bool) (string, error) {
	after := r.URL.Query().Get("after")
	if after == "" {
		return "", nil
	}
	missing := notFound("This list has no document “%s” to continue after: start again from its first page.", clip(after, 80))
	d, err := s.visibleDocument(r, after)
	if errors.Is(err, fonds.ErrNotFound) {
		return "", missing
	} else if err != nil {
		return "", err
	}
	if !in(d) {
		return "", missing
	}
	return d.ID, nil
}

// dayLink is a link to a day of the timeline.
type dayLink struct{ Label, URL string }

// dayOf returns the link to the day a document's date starts on, nil when
// it has no day.
func dayOf(d *fonds.Document) *dayLink {
	if d == nil {
		return nil
	}
	t, err := time.Parse(time.DateOnly, d.Date.Start)
	if err != nil {
		return nil
	}
	return &dayLink{t.Format("2 January 2006"), dayPath(t.Year(), int(t.Month()), t.Day())}
}

// browseDay answers /browse/{year}/{month}/{day}: every document whose
// date starts that day, whatever its collection, and how many each
// collection holds.
func (s *Server) browseDay(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	month, err := monthParam(r)
	if err != nil {
		return err
	}
	day, err := dayParam(r, year, month)
	if err != nil {
		return err
	}
	date := day.Format(time.DateOnly)
	name := day.Format("2 January 2006")
	after, err := s.afterParam(r, func(d *fonds.Document) bool { return d.Date.Start == date })
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := listFilter(r)
	f.From, f.To = date, date
	cols, titles, err := s.collectionCounts(ctx, f)
	if err != nil {
		return err
	}
	docs, more, total, err := s.keyedPage(ctx, f, after)
	if err != nil {
		return err
	}
	if total == 0 {
		return notFound("There are no documents from %s.", name)
	}
	data := browseData{
		Heading: name,
		Crumbs: []crumb{{"Browse", "/browse"}, {strconv.Itoa(year), yearPath(year)},
			{day.Format("January 2006"), monthPath(year, month)}},
		Collections: cols,
		Docs:        entries(docs, titles),
		Total:       total,
		More:        newKeyPager(r.URL.Path, r.URL.Query(), after, docs, more),
	}
	// The days either side: the neighbours, in the order of dates, of the
	// first document of the day and of the last.
	if len(docs) > 0 && after == "" {
		prev, _, err := s.store.Neighbours(ctx, docs[0].ID, listFilter(r))
		if err != nil {
			return err
		}
		data.Prev = dayOf(prev)
	}
	if len(docs) > 0 && !more {
		_, next, err := s.store.Neighbours(ctx, docs[len(docs)-1].ID, listFilter(r))
		if err != nil {
			return err
		}
		data.Next = dayOf(next)
	}
	return s.render(w, "browse", s.newPage(r, "Documents of "+name, data))
}
