package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/fondstest"
	"fonds/sample"
	"fonds/sqlite"
)

// TestTimelineAcrossCollections checks the timeline on the seed and the
// corpus's two FRUS volumes: a day shows every document of that day from
// every collection, each collection named, with how many each holds
// there; a month groups its documents by day, linked to the day; every
// level counts by collection.
func TestTimelineAcrossCollections(t *testing.T) {
	f := newFixture(t)
	volumes := addFRUSVolumes(f)
	titles := map[string]string{sample.Slug: sample.Title}
	for _, v := range frusVolumes {
		titles[v.slug] = v.title
	}
	// What the store holds of each day and month, by collection.
	days := make(map[string]map[string][]string)
	months := make(map[string]map[string]int)
	add := func(d *fonds.Document) {
		if d.Date.Precision != fonds.PrecisionDay {
			return
		}
		day := d.Date.Start
		if days[day] == nil {
			days[day] = make(map[string][]string)
		}
		days[day][d.Collection] = append(days[day][d.Collection], d.ID)
		if months[day[:7]] == nil {
			months[day[:7]] = make(map[string]int)
		}
		months[day[:7]][d.Collection]++
	}
	for _, docs := range volumes {
		for _, d := range docs {
			add(d)
		}
	}
	seed, err := f.store.Document(context.Background(), f.seedID)
	if err != nil {
		t.Fatal(err)
	}
	add(seed)

	// 18 February 1977: two memoranda of Volume II, one document of
	// Volume VI.
	for _, day := range []string{"1977-02-18", "1977-02-09", "1977-05-19"} {
		var y, m, d int
		fmt.Sscanf(day, "%d-%d-%d", &y, &m, &d)
		path := dayPath(y, m, d)
		w := f.get(path)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d:\n%s", path, w.Code, body)
		}
		checkHeadings(t, path, body)
		var want []string
		for slug, ids := range days[day] {
			want = append(want, ids...)
			count := fmt.Sprintf(`<li><a href="%s">%s</a> <span class="count">(%s)</span></li>`,
				collectionPath(slug), templateEscape(titles[slug]), plural(len(ids), "document", "documents"))
			if !strings.Contains(body, count) {
				t.Errorf("GET %s lacks the count of its collection %s", path, count)
			}
			named := fmt.Sprintf(`<span class="doc-collection">(<a href="%s">%s</a>)</span>`, collectionPath(slug), templateEscape(titles[slug]))
			if got := strings.Count(body, named); got != len(ids) {
				t.Errorf("GET %s names %s on %d documents, want %d", path, slug, got, len(ids))
			}
		}
		got := listedIDs(body)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("GET %s lists %v, want %v", path, got, want)
		}
		if len(days[day]) < 2 && day != "1977-05-19" {
			t.Errorf("%s: the corpus has documents of %d collections that day, want 2", day, len(days[day]))
		}
	}
	// The draft of the seed's day is nobody's to see.
	if body := f.get("/browse/1977/5/19").Body.String(); strings.Contains(body, draftTitle) {
		t.Errorf("the day of the seed shows the draft of that day")
	}

	// The days either side of 18 February 1977, as the store dates its
	// documents.
	var dated []string
	for day := range days {
		dated = append(dated, day)
	}
	slices.Sort(dated)
	k := slices.Index(dated, "1977-02-18")
	body := f.get("/browse/1977/2/18").Body.String()
	for i, rel := range []string{"prev", "next"} {
		day, err := time.Parse(time.DateOnly, dated[k-1+2*i])
		if err != nil {
			t.Fatal(err)
		}
		link := fmt.Sprintf(`<a href="%s" rel="%s">`, dayPath(day.Year(), int(day.Month()), day.Day()), rel)
		if !strings.Contains(body, link) {
			t.Errorf("GET /browse/1977/2/18 lacks %s", link)
		}
	}

	// February 1977, by day and by collection.
	path := "/browse/1977/2"
	w := f.get(path)
	body = w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", path, w.Code)
	}
	checkHeadings(t, path, body)
	for slug, n := range months["1977-02"] {
		count := fmt.Sprintf(`<li><a href="%s">%s</a> <span class="count">(%s)</span></li>`,
			collectionPath(slug), templateEscape(titles[slug]), plural(n, "document", "documents"))
		if !strings.Contains(body, count) {
			t.Errorf("GET %s lacks the count of its collection %s", path, count)
		}
	}
	prev := -1
	for day := 1; day <= 28; day++ {
		ids := days[fmt.Sprintf("1977-02-%02d", day)]
		heading := fmt.Sprintf(`<h3><a href="/browse/1977/2/%d">%d February 1977</a></h3>`, day, day)
		i := strings.Index(body, heading)
		if len(ids) == 0 {
			if i >= 0 {
				t.Errorf("GET %s has a heading of %d February, a day without documents", path, day)
			}
			continue
		}
		if i < prev {
			t.Errorf("GET %s: %d February out of order", path, day)
		}
		prev = i
		if i < 0 {
			t.Errorf("GET %s lacks %s", path, heading)
			continue
		}
		// The documents of the day follow its heading, before the next.
		group := body[i+len(heading):]
		if j := strings.Index(group, "<h3>"); j >= 0 {
			group = group[:j]
		}
		var want []string
		for _, v := range ids {
			want = append(want, v...)
		}
		got := listedIDs(group)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("GET %s: under %d February %v, want %v", path, day, got, want)
		}
	}

	// The year and the whole archive count by collection too.
	for _, path := range []string{"/browse", "/browse/1977"} {
		body := f.get(path).Body.String()
		checkHeadings(t, path, body)
		for _, v := range frusVolumes {
			if !strings.Contains(body, fmt.Sprintf(`<li><a href="%s">%s</a> <span class="count">(`, collectionPath(v.slug), templateEscape(v.title))) {
				t.Errorf("GET %s lacks the count of %s", path, v.slug)
			}
		}
		if strings.Contains(body, "Drafts only") {
			t.Errorf("GET %s counts a collection of drafts", path)
		}
	}

	// A day is answered from the page cache, as the other browse pages.
	f.get("/browse/1977/2/18")
	before := f.hits()
	if w := f.get("/browse/1977/2/18"); w.Code != http.StatusOK || f.hits() != before+1 {
		t.Errorf("GET /browse/1977/2/18 again = %d, %d answers from the cache, want 1", w.Code, f.hits()-before)
	}
}

// plural is the template function plural.
func plural(n int, one, many string) string {
	return templateFuncs["plural"].(func(int, string, string) string)(n, one, many)
}

// TestTimelineDates checks that a date that is none, or a day without
// documents, is answered 400 or 404 with a message, never 500, and that a
// page of a day continues only after a document of that day the viewer
// may see.
func TestTimelineDates(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/browse/1977/4/31", 404, "There is no 31 April 1977: the month has 30 days."},
		{"/browse/1977/2/29", 404, "There is no 29 February 1977: the month has 28 days."},
		{"/browse/1976/2/29", 404, "There are no documents from 29 February 1976."},
		{"/browse/1978/5/19", 404, "There are no documents from 19 May 1978."},
		{"/browse/1977/5/18", 404, "There are no documents from 18 May 1977."},
		{"/browse/1999/1/2", 404, "There are no documents from 2 January 1999."}, // a draft's day
		{"/browse/1977/13/1", 400, "is not a month"},
		{"/browse/1977/0/1", 400, "is not a month"},
		{"/browse/1977/5/32", 400, "is not a day"},
		{"/browse/1977/5/0", 400, "is not a day"},
		{"/browse/1977/5/-1", 400, "is not a day"},
		{"/browse/1977/5/019", 400, "is not a day"},
		{"/browse/1977/5/abc", 400, "“abc” is not a day"},
		{"/browse/abc/5/19", 400, "“abc” is not a year"},
		{"/browse/0/5/19", 400, "is not a year"},
		{"/browse/99999/5/19", 400, "is not a year"},
		{"/browse/1977/5/19?after=no-such-document", 404, "no document “no-such-document” to continue after"},
		{"/browse/1977/5/19?after=" + draftID, 404, "to continue after"},
		{"/browse/1977/5/19?after=" + allKindsID, 404, "to continue after"},
		{"/browse/1977/5/19?after=%3Cb%3E", 404, "to continue after"},
		{"/browse/1977/5/19", 200, "<h1>19 May 1977</h1>"},
		{"/browse/1977/05/19", 200, "<h1>19 May 1977</h1>"},
		{"/browse/1977/5/19?after=" + f.seedID, 200, "<h1>19 May 1977</h1>"},
	}
	for _, tt := range tests {
		w := f.get(tt.path)
		if w.Code != tt.status || !strings.Contains(html.UnescapeString(w.Body.String()), tt.want) {
			t.Errorf("GET %s = %d, want %d with %q:\n%s", tt.path, w.Code, tt.status, tt.want, w.Body)
		}
	}
	// A page after a draft reads as a page after a document never stored.
	draft := f.get("/browse/1977/5/19?after=" + draftID).Body.String()
	none := f.get("/browse/1977/5/19?after=1977-05-19-none").Body.String()
	if strings.ReplaceAll(draft, draftID, "X") != strings.ReplaceAll(none, "1977-05-19-none", "X") {
		t.Errorf("a page after a draft answers otherwise than one after a document never stored")
	}
}

// rangeStore is a store that records the lists of documents asked of it.
type rangeStore struct {
	*sqlite.Store
	asked []fonds.Filter
}

func (s *rangeStore) Documents(ctx context.Context, f fonds.Filter) ([]*fonds.Document, int, error) {
	s.asked = append(s.asked, f)
	return s.Store.Documents(ctx, f)
}

// TestTimelineLongDay checks the pages of a day of more documents than a
// page holds, in two collections: each page asks the store for the day
// alone and a page of it, after the last document of the page before; the
// pages together list every document of the day once, in date order; the
// day before is linked where the day begins and the day after where it
// ends.
func TestTimelineLongDay(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	for _, c := range []fonds.Collection{{Slug: "a", Title: "Collection A"}, {Slug: "b", Title: "Collection B"}} {
		if err := st.PutCollection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	put := func(d *fonds.Document) {
		t.Helper()
		if _, err := st.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	var want []string
	for i := range 120 {
		d := fondstest.NewDocument(fmt.Sprintf("1980-01-05-doc-%03d", i), "1980-01-05")
		d.Collection = []string{"a", "b"}[i%3/2] // two of A for one of B
		put(d)
		want = append(want, d.ID)
	}
	for _, day := range []string{"1980-01-04", "1980-01-07", "1980-02-01"} {
		d := fondstest.NewDocument(day+"-other", day)
		d.Collection = "a"
		put(d)
	}
	// A document dated only to the month starts on its first day.
	month := fondstest.NewDocument("1980-01-month", "1980-01")
	month.Collection = "b"
	put(month)

	rs := &rangeStore{Store: st}
	s, err := New(Config{Store: rs})
	if err != nil {
		t.Fatal(err)
	}
	path := "/browse/1980/1/5"
	var got []string
	for page := 1; path != ""; page++ {
		if page > 4 {
			t.Fatalf("the day runs on past 3 pages")
		}
		rs.asked = nil
		w := serve(s, path)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d:\n%s", path, w.Code, body)
		}
		checkHeadings(t, path, body)
		for _, f := range rs.asked {
			if f.From != "1980-01-05" || f.To != "1980-01-05" || f.Limit == 0 || f.Limit > perPage+1 || f.Offset != 0 {
				t.Errorf("GET %s asked the store for %+v, want a page of the day", path, f)
			}
		}
		if len(rs.asked) != 1 {
			t.Errorf("GET %s asked the store for %d lists, want 1", path, len(rs.asked))
		}
		for _, c := range []string{`Collection A</a> <span class="count">(80 documents)</span>`, `Collection B</a> <span class="count">(40 documents)</span>`} {
			if !strings.Contains(body, c) {
				t.Errorf("GET %s lacks %s", path, c)
			}
		}
		if !strings.Contains(body, "Documents <span class=\"count\">(120)</span>") {
			t.Errorf("GET %s lacks the count of the day's documents, 120", path)
		}
		ids := listedIDs(body)
		got = append(got, ids...)
		prevDay := strings.Contains(body, `<a href="/browse/1980/1/4" rel="prev">← 4 January 1980</a>`)
		nextDay := strings.Contains(body, `<a href="/browse/1980/1/7" rel="next">7 January 1980 →</a>`)
		if prevDay != (page == 1) {
			t.Errorf("GET %s (page %d): link to the day before %t", path, page, prevDay)
		}
		path = ""
		if m := nextLink.FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1])
		}
		if nextDay != (path == "") {
			t.Errorf("GET %s (page %d): link to the day after %t, with a next page %q", path, page, nextDay, path)
		}
		if wantN := min(perPage, 120-(page-1)*perPage); len(ids) != wantN {
			t.Errorf("page %d of the day lists %d documents, want %d", page, len(ids), wantN)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the pages of the day list\n%v\nwant\n%v", got, want)
	}

	// The month: its first page by day, the document of no day apart.
	w := serve(s, "/browse/1980/1")
	body := w.Body.String()
	checkHeadings(t, "/browse/1980/1", body)
	for _, s := range []string{
		`<h3>Dated to the month</h3>`,
		`<h3><a href="/browse/1980/1/4">4 January 1980</a></h3>`,
		`<h3><a href="/browse/1980/1/5">5 January 1980</a></h3>`,
		`Collection A</a> <span class="count">(82 documents)</span>`,
		`Collection B</a> <span class="count">(41 documents)</span>`,
		"Page 1 of 3",
	} {
		if !strings.Contains(body, s) {
			t.Errorf("GET /browse/1980/1 lacks %s", s)
		}
	}
	if w := serve(s, "/browse/1980/1?page=4"); w.Code != http.StatusNotFound {
		t.Errorf("GET /browse/1980/1?page=4 = %d, want 404", w.Code)
	}
	// The first of January holds the document dated to the month.
	if ids := listedIDs(serve(s, "/browse/1980/1/1").Body.String()); !slices.Equal(ids, []string{month.ID}) {
		t.Errorf("GET /browse/1980/1/1 lists %v, want the document dated to the month", ids)
	}
}
