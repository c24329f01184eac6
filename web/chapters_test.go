package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/internal/testenv"
	"fonds/sqlite"
)

// listed matches the link of each document a list shows, in order.
var listed = regexp.MustCompile(`<li><a href="/documents/([^"]+)"`)

// listedIDs returns the ids of the documents a page lists, in order.
func listedIDs(body string) []string {
	var ids []string
	for _, m := range listed.FindAllStringSubmatch(body, -1) {
		id, err := url.PathUnescape(m[1])
		if err != nil {
			id = m[1]
		}
		ids = append(ids, id)
	}
	return ids
}

// frusVolumes are the two FRUS volumes of the corpus, as FRUS publishes
// them, and the titles their collections are given here.
var frusVolumes = []struct{ file, slug, title string }{
	{"frus1977-80v02.xml", "frus1977-80v02", "Foreign Relations, 1977–1980, Volume II"},
	{"frus1977-80v06.xml", "frus1977-80v06", "Foreign Relations, 1977–1980, Volume VI"},
}

// addFRUSVolumes stores the documents of the corpus's two FRUS volumes in
// collections of their own, published, and returns them by collection.
func addFRUSVolumes(f *fixture) map[string][]*fonds.Document {
	t := f.t.(*testing.T)
	t.Helper()
	ctx := context.Background()
	byVolume := make(map[string][]*fonds.Document)
	for _, v := range frusVolumes {
		if err := f.store.PutCollection(ctx, fonds.Collection{Slug: v.slug, Title: v.title}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(testenv.Corpus(t), "frus-volumes", v.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range readFRUS(t, b, v.file) {
			if d.Collection != v.slug {
				t.Fatalf("%s: document %s of collection %q, want %q", v.file, d.ID, d.Collection, v.slug)
			}
			d.Status = fonds.StatusPublished
			f.put(d)
			byVolume[v.slug] = append(byVolume[v.slug], d)
		}
	}
	return byVolume
}

// TestFRUSVolumeChapters checks the page of a FRUS volume of the corpus:
// its chapter, and the chapter's documents in the order of their numbers,
// which is not the order of their dates (document 5, an editorial note,
// looks back to October 1976).
func TestFRUSVolumeChapters(t *testing.T) {
	f := newFixture(t)
	volumes := addFRUSVolumes(f)
	for _, v := range frusVolumes {
		docs := volumes[v.slug]
		chapter := docs[0].Section
		if chapter == "" {
			t.Fatalf("%s: document %s has no chapter", v.file, docs[0].ID)
		}
		byNumber := slices.Clone(docs)
		slices.SortFunc(byNumber, func(a, b *fonds.Document) int { return a.Number - b.Number })
		var want []string
		for _, d := range byNumber {
			if d.Number == 0 || d.Section != chapter {
				t.Fatalf("%s: document %s numbered %d in chapter %q, want a number in %q", v.file, d.ID, d.Number, d.Section, chapter)
			}
			want = append(want, d.ID)
		}

		for _, path := range []string{"/collections/" + v.slug, sectionPath(v.slug, chapter)} {
			w := f.get(path)
			body := w.Body.String()
			if w.Code != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200:\n%s", path, w.Code, body)
			}
			checkHeadings(t, path, body)
			if got := listedIDs(body); !slices.Equal(got, want) {
				t.Errorf("GET %s lists\n%v\nwant by number\n%v", path, got, want)
			}
			count := fmt.Sprintf("%d documents", len(docs))
			if !strings.Contains(body, count) || !strings.Contains(body, templateEscape(chapter)) {
				t.Errorf("GET %s: body lacks the chapter %q or %q", path, chapter, count)
			}
		}
	}
	// Document 5 of Volume II is the one out of date order.
	w := f.get("/collections/frus1977-80v02")
	if body := w.Body.String(); !strings.Contains(body, "5. Editorial Note") {
		t.Errorf("the page of Volume II lacks “5. Editorial Note”")
	}
	// A collection without chapters is listed as before, by date.
	w = f.get("/collections/" + testSlug)
	if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, "in order of date") {
		t.Errorf("GET /collections/%s = %d, want the list by date", testSlug, w.Code)
	}
}

// templateEscape is s as html/template writes it in text.
func templateEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// The chapters of the volume of newVolumeStore, in the order of the volume
// (not that of their titles), and how many public documents each holds.
var volumeChapters = []struct {
	title string
	first int // the number of its first document
	count int
}{
	{"Policy & principles", 1, 60},
	{"Belgrade", 61, 40},
	{"Andrei Sakharov", 101, 30},
}

const (
	volumeSlug     = "volume"
	smallSlug      = "small"
	draftChapter   = "Held back"
	volumeDraftID  = "1977-vol-draft"
	belgradeDraft  = "1977-vol-belgrade-draft"
	restrictedID   = "1977-vol-restricted"
	restrictedNote = "A restricted chapter"
)

// volumeID is the id of document n of the volume of newVolumeStore.
func volumeID(n int) string { return fmt.Sprintf("1977-vol-%03d", n) }

// newVolumeStore returns a store holding a volume of 130 documents in the
// chapters of volumeChapters, stored out of order and dated so that the
// order of dates runs against that of numbers; a draft of a chapter of its
// own and one in a chapter the public sees, a restricted document of a
// chapter of its own; a small volume of five documents in two chapters and
// one of no chapter; and the collection fondstest.Collection, without
// chapters.
func newVolumeStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	for _, c := range []fonds.Collection{
		{Slug: volumeSlug, Title: "A volume made for the tests"},
		{Slug: smallSlug, Title: "A small volume made for the tests"},
		{Slug: fondstest.Collection, Title: "No chapters"},
	} {
		if err := st.PutCollection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	put := func(d *fonds.Document) {
		t.Helper()
		if _, err := st.PutDocument(ctx, d); err != nil {
			t.Fatalf("PutDocument(%s): %v", d.ID, err)
		}
	}
	var docs []*fonds.Document
	for _, ch := range volumeChapters {
		for n := ch.first; n < ch.first+ch.count; n++ {
			// Later numbers, earlier dates.
			d := fondstest.NewDocument(volumeID(n), fmt.Sprintf("1977-%02d-%02d", 12-n%12, 28-n%28))
			d.Collection, d.Number, d.Section = volumeSlug, n, ch.title
			d.Title = fmt.Sprintf("%d. Memorandum %d", n, n)
			docs = append(docs, d)
		}
	}
	// Stored in an order neither of numbers nor of dates.
	for i := range docs {
		put(docs[(i*7)%len(docs)])
	}
	draft := fondstest.NewDocument(volumeDraftID, "1977-05-19")
	draft.Collection, draft.Number, draft.Section, draft.Status = volumeSlug, 131, draftChapter, fonds.StatusDraft
	put(draft)
	bdraft := fondstest.NewDocument(belgradeDraft, "1977-05-19")
	bdraft.Collection, bdraft.Number, bdraft.Section, bdraft.Status = volumeSlug, 62, "Belgrade", fonds.StatusDraft
	put(bdraft)
	restricted := fondstest.NewDocument(restrictedID, "1977-05-19")
	restricted.Collection, restricted.Number, restricted.Section, restricted.Restricted = volumeSlug, 132, restrictedNote, true
	put(restricted)

	for i, s := range []struct {
		n       int
		section string
	}{{4, "Second"}, {2, "First"}, {3, "Second"}, {1, "First"}, {0, ""}} {
		d := fondstest.NewDocument(fmt.Sprintf("1978-small-%d", i), fmt.Sprintf("1978-03-%02d", 10-i))
		d.Collection, d.Number, d.Section = smallSlug, s.n, s.section
		put(d)
	}
	for i := range 3 {
		put(fondstest.NewDocument(fmt.Sprintf("1979-plain-%d", i), "1979-01-01"))
	}
	return st
}

// volumeServer returns a server on newVolumeStore, without its page
// cache, and the store.
func volumeServer(t *testing.T) (*Server, *sqlite.Store) {
	t.Helper()
	st := newVolumeStore(t)
	s, err := New(Config{Store: st, PageCacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

func serve(s *Server, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// TestVolumeChapterList checks the page of a volume too long to show whole:
// its chapters in the order of the volume, each with the number of its
// documents the public sees and a link to its page; no chapter the public
// sees nothing of.
func TestVolumeChapterList(t *testing.T) {
	s, _ := volumeServer(t)
	w := serve(s, "/collections/"+volumeSlug)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("GET /collections/%s = %d:\n%s", volumeSlug, w.Code, body)
	}
	checkHeadings(t, "/collections/"+volumeSlug, body)
	shown := html.UnescapeString(body)
	last := -1
	for _, ch := range volumeChapters {
		item := fmt.Sprintf(`<li><a href="%s">%s</a> <span class="count">(%d documents)</span></li>`,
			sectionPath(volumeSlug, ch.title), ch.title, ch.count)
		i := strings.Index(shown, item)
		if i < 0 {
			t.Errorf("the volume's page lacks %s", item)
			continue
		}
		if i < last {
			t.Errorf("the chapter %q comes before the one before it in the volume", ch.title)
		}
		last = i
	}
	for _, hidden := range []string{draftChapter, restrictedNote} {
		if strings.Contains(body, hidden) {
			t.Errorf("the volume's page shows the chapter %q, which the public does not see", hidden)
		}
	}
	if n := len(listedIDs(body)); n != 0 {
		t.Errorf("the page of a long volume lists %d documents, want its chapters alone", n)
	}
	if !strings.Contains(body, "130 documents") {
		t.Errorf("the volume's page lacks its count, 130 documents")
	}
	if w := serve(s, "/collections/"+volumeSlug+"?page=2"); w.Code != http.StatusNotFound {
		t.Errorf("GET /collections/%s?page=2 = %d, want 404", volumeSlug, w.Code)
	}
}

// TestVolumeWhole checks the page of a volume short enough to show whole:
// its chapters in order, each with its documents by number, and the
// document of no chapter after them.
func TestVolumeWhole(t *testing.T) {
	s, _ := volumeServer(t)
	path := "/collections/" + smallSlug
	w := serve(s, path)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s = %d:\n%s", path, w.Code, body)
	}
	checkHeadings(t, path, body)
	want := []string{"1978-small-3", "1978-small-1", "1978-small-2", "1978-small-0", "1978-small-4"}
	if got := listedIDs(body); !slices.Equal(got, want) {
		t.Errorf("GET %s lists %v, want %v", path, got, want)
	}
	for _, s := range []string{
		`<a href="/collections/small?section=First">First</a> <span class="count">(2 documents)</span></h2>`,
		`<a href="/collections/small?section=Second">Second</a> <span class="count">(2 documents)</span></h2>`,
		`<h2>Other documents <span class="count">(1 document)</span></h2>`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("GET %s lacks %s", path, s)
		}
	}
}

// TestChapterPages checks a chapter's pages: its documents by number,
// paged by key, and the links to the chapters either side.
func TestChapterPages(t *testing.T) {
	s, _ := volumeServer(t)
	for k, ch := range volumeChapters {
		path := sectionPath(volumeSlug, ch.title)
		var got []string
		pages := 0
		for path != "" {
			pages++
			if pages > 5 {
				t.Fatalf("the chapter %q runs on past 5 pages", ch.title)
			}
			w := serve(s, path)
			body := w.Body.String()
			if w.Code != http.StatusOK {
				t.Fatalf("GET %s = %d:\n%s", path, w.Code, body)
			}
			checkHeadings(t, path, body)
			shown := html.UnescapeString(body)
			if !strings.Contains(shown, "<h1>"+ch.title+"</h1>") {
				t.Errorf("GET %s: no h1 of the chapter", path)
			}
			ids := listedIDs(body)
			if len(ids) > perPage {
				t.Errorf("GET %s lists %d documents, more than a page", path, len(ids))
			}
			got = append(got, ids...)
			if first := strings.Contains(body, "← First page"); first != (pages > 1) {
				t.Errorf("GET %s: link to the first page %t, want %t", path, first, pages > 1)
			}
			for i, other := range []int{k - 1, k + 1} {
				if other < 0 || other >= len(volumeChapters) {
					continue
				}
				rel := []string{"prev", "next"}[i]
				link := fmt.Sprintf(`<a href="%s" rel="%s">`, sectionPath(volumeSlug, volumeChapters[other].title), rel)
				if !strings.Contains(shown, link) {
					t.Errorf("GET %s lacks the link to the chapter %s: %s", path, rel, link)
				}
			}
			path = ""
			if m := nextLink.FindStringSubmatch(body); m != nil && strings.Contains(m[1], "after=") {
				path = html.UnescapeString(m[1])
			}
		}
		var want []string
		for n := ch.first; n < ch.first+ch.count; n++ {
			want = append(want, volumeID(n))
		}
		if !slices.Equal(got, want) {
			t.Errorf("the chapter %q lists\n%v\nwant by number\n%v", ch.title, got, want)
		}
		if wantPages := (ch.count + perPage - 1) / perPage; pages != wantPages {
			t.Errorf("the chapter %q has %d pages, want %d", ch.title, pages, wantPages)
		}
	}
}

// nextLink matches the link to the next page of a list.
var nextLink = regexp.MustCompile(`<a href="([^"]+)" rel="next">Next page`)

// TestBadSection checks that a chapter a volume does not have, or whose
// documents the viewer may not see, or a page after a document not of the
// chapter, is not found, and tells nothing of what is hidden.
func TestBadSection(t *testing.T) {
	s, _ := volumeServer(t)
	vol := "/collections/" + volumeSlug
	absent := serve(s, vol+"?section=Nope").Body.String()
	tests := []struct {
		path   string
		status int
		same   bool // answered as the chapter that does not exist
	}{
		{vol + "?section=Nope", 404, true},
		{vol + "?section=", 404, false},
		{vol + "?section=" + url.QueryEscape(draftChapter), 404, false},
		{vol + "?section=" + url.QueryEscape(restrictedNote), 404, false},
		{vol + "?section=" + strings.Repeat("x", 5000), 404, false},
		{vol + "?section=%00%ff", 404, false},
		{vol + "?section=belgrade", 404, false},
		{vol + "?section=Belgrade&after=" + volumeID(1), 404, false},
		{vol + "?section=Belgrade&after=" + belgradeDraft, 404, false},
		{vol + "?section=Belgrade&after=no-such-document", 404, false},
		{vol + "?section=Belgrade&after=%3Cscript%3E", 404, false},
		{vol + "?section=Belgrade&page=abc", 400, false},
		{"/collections/" + fondstest.Collection + "?section=Belgrade", 404, false},
		{"/collections/no-such-volume?section=Belgrade", 404, false},
	}
	for _, tt := range tests {
		w := serve(s, tt.path)
		if w.Code != tt.status {
			t.Errorf("GET %s = %d, want %d:\n%s", tt.path, w.Code, tt.status, w.Body)
		}
		if tt.same && w.Body.String() != absent {
			t.Errorf("GET %s answers otherwise than a chapter that does not exist", tt.path)
		}
	}
	// A page after a draft of the chapter reads as a page after a
	// document that never was.
	draft := serve(s, vol+"?section=Belgrade&after="+belgradeDraft).Body.String()
	none := serve(s, vol+"?section=Belgrade&after=1977-vol-none").Body.String()
	if strings.ReplaceAll(draft, belgradeDraft, "X") != strings.ReplaceAll(none, "1977-vol-none", "X") {
		t.Errorf("a page after a draft answers otherwise than one after a document that never was")
	}
	// The chapter of the draft reads as a chapter that never was.
	held := serve(s, vol+"?section="+url.QueryEscape(draftChapter)).Body.String()
	if strings.ReplaceAll(held, draftChapter, "X") != strings.ReplaceAll(absent, "Nope", "X") {
		t.Errorf("the chapter of a draft answers otherwise than one that never was")
	}
}
