package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fonds"
	entitykey "fonds/entity"
	"fonds/internal/testenv"
	"fonds/sample"
	"fonds/tei"
)

// The linked edition's fixture: a volume of four numbered documents (the
// third a draft), another volume, beside the seed (the Politburo's
// instruction of 19 May 1977) and the draft of the same day.
const (
	linksVol        = "linkvol"
	linksVolTitle   = "Invented Relations, 1977–1980, Volume II, Human Rights (invented)"
	linksOther      = "linkvol6"
	linksOtherTitle = "Invented Relations, 1977–1980, Volume VI (invented)"
	linksChapter    = "The Spring Review"
)

// linksID returns the id of document n of the volume.
func linksID(n int) string { return fmt.Sprintf("1977-link-d%d", n) }

func linksText(ps ...[]fonds.Span) fonds.Text {
	var t fonds.Text
	for _, p := range ps {
		t = append(t, fonds.Block{Kind: fonds.BlockParagraph, Spans: p})
	}
	return t
}

func linksWords(s string) fonds.Span { return fonds.Span{Kind: fonds.SpanText, Text: s} }

func linksRef(words, target string) fonds.Span {
	return fonds.Span{Kind: fonds.SpanReference, Text: words, Target: target}
}

// linksVance is the mention of the Secretary of State, by the identifier of
// the volume's list of persons.
var linksVance = fonds.Span{Kind: fonds.SpanPerson, Text: "Vance", Target: "#p_VCR_1", Label: "Vance, Cyrus R."}

// linksSALT is a term of the volume's list, with its expansion.
var linksSALT = fonds.Span{Kind: fonds.SpanTerm, Text: "SALT", Target: "#t_SALT_1", Label: "Strategic Arms Limitation Talks"}

func linksDoc(n int, date, section string, status fonds.Status, text fonds.Text) *fonds.Document {
	return &fonds.Document{
		ID: linksID(n), Collection: linksVol, Number: n, Section: section, Status: status,
		Date:      fonds.Date{Start: date, End: date, Precision: fonds.PrecisionDay},
		Title:     fmt.Sprintf("%d. Memorandum number %d", n, n),
		Languages: []string{"en"},
		Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal, Text: text}},
	}
}

// newLinksFixture is the web's fixture with the volumes added.
func newLinksFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	for _, c := range []fonds.Collection{{Slug: linksVol, Title: linksVolTitle}, {Slug: linksOther, Title: linksOtherTitle}} {
		if err := f.store.PutCollection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	d1 := linksDoc(1, "1977-05-17", linksChapter, fonds.StatusPublished, linksText(
		[]fonds.Span{linksWords("First."), {Kind: fonds.SpanFootnote, Target: "2", Spans: []fonds.Span{linksWords("Note two.")}},
			linksWords(" Second."), {Kind: fonds.SpanFootnote, Target: "3", Spans: []fonds.Span{linksWords("Note three.")}}},
	))
	d2 := linksDoc(2, "1977-05-18", linksChapter, fonds.StatusPublished, linksText(
		[]fonds.Span{{Kind: fonds.SpanPerson, Text: "Andrei SAKHAROV"}, linksWords(" wrote of "), linksSALT,
			linksWords(" in "), {Kind: fonds.SpanPlace, Text: "Moscow"}, linksWords(" to "), linksVance, linksWords(".")},
		[]fonds.Span{linksWords("As "), linksRef("Document 1", "#d1"), linksWords(" and "), linksRef("footnote 3, Document 1", "#d1fn3"),
			linksWords(" report; see "), linksRef("Document 99", "#d99"), linksWords(", "), linksRef("Document 3", "#d3"),
			linksWords(" and "), linksRef("Volume VI", linksOther), linksWords(".")},
		[]fonds.Span{linksWords("See Document 1. The instruction Pb 56/68 and the draft Pb 99/1 were read. See Document 1 in Foreign Relations, 1969–1976."),
			{Kind: fonds.SpanFootnote, Target: "1", Spans: []fonds.Span{linksWords("See Document 1.")}}},
	))
	d2.TitleText = []fonds.Span{linksWords("2. Memorandum From the Secretary of State ("), linksVance, linksWords(") to the President")}
	d2.Title = "2. Memorandum From the Secretary of State (Vance) to the President"
	d2.SourceText = []fonds.Span{linksWords("Invented Library, "), linksVance, linksWords(" Papers. Secret.")}
	d2.Source = "Invented Library, Vance Papers. Secret."
	d2.Persons = []fonds.Person{{Name: "Cyrus R. Vance"}}
	d3 := linksDoc(3, "1977-05-20", "Later", fonds.StatusDraft, linksText([]fonds.Span{linksWords("See Document 2.")}))
	d4 := linksDoc(4, "1977-05-10", "Later", fonds.StatusPublished, linksText([]fonds.Span{linksWords("See Document 2.")}))
	other := linksDoc(1, "1980-01-02", "", fonds.StatusPublished, linksText([]fonds.Span{linksWords("Another volume.")}))
	other.ID, other.Collection = "1980-link-v6-d1", linksOther
	for _, d := range []*fonds.Document{d1, d2, d3, d4, other} {
		f.put(d)
	}
	return f
}

// linksAs returns the cookie of a session of a new user of the role.
func linksAs(t *testing.T, f *fixture, name string, role fonds.Role) *http.Cookie {
	t.Helper()
	ctx := context.Background()
	if err := f.store.PutUser(ctx, &fonds.User{Name: name, Role: role, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"}); err != nil {
		t.Fatal(err)
	}
	token := newToken()
	now := time.Now()
	if err := f.store.PutSession(ctx, &fonds.Session{ID: sessionID(token), User: name, CSRF: newToken(), Created: now, Seen: now}); err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: sessionCookie, Value: token}
}

// linksPage returns the document page of id as the session of cookie (nil:
// anonymous) is shown it.
func linksPage(t *testing.T, f *fixture, id string, cookie *http.Cookie) string {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, documentPath(id), nil)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	f.server.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", documentPath(id), w.Code)
	}
	return w.Body.String()
}

// linksMention returns the link of a mention to its index page, as the page
// writes it.
func linksMention(t *testing.T, s fonds.Span) string {
	t.Helper()
	kind, key, ok := entitykey.SpanKey(s)
	if !ok {
		t.Fatalf("SpanKey(%+v) gives no key", s)
	}
	return `<a class="mention" href="` + entityPath(kind, key) + `">`
}

// linksSection returns the element of page that opens with open, up to its
// end.
func linksSection(t *testing.T, page, open, end string) string {
	t.Helper()
	i := strings.Index(page, open)
	if i < 0 {
		t.Fatalf("the page has no %q", open)
	}
	j := strings.Index(page[i:], end)
	if j < 0 {
		t.Fatalf("the page's %q never ends", open)
	}
	return page[i : i+j]
}

func TestLinksMentions(t *testing.T) {
	f := newLinksFixture(t)
	page := linksPage(t, f, linksID(2), nil)
	vance := linksMention(t, linksVance) + `<span class="person" title="Vance, Cyrus R.">Vance</span></a>`
	tests := []struct {
		where, in, want string
	}{
		{"heading", linksSection(t, page, "<h1>", "</h1>"), "<h1>2. Memorandum From the Secretary of State (" + vance + ") to the President"},
		{"source note", linksSection(t, page, "<dt>Source</dt>", "</div>"), "Invented Library, " + vance + " Papers. Secret."},
		{"text", page, linksMention(t, fonds.Span{Kind: fonds.SpanPerson, Text: "Andrei SAKHAROV"}) + `<span class="person">Andrei SAKHAROV</span></a>`},
		{"text", page, " to " + vance + "."},
		{"text", page, linksMention(t, fonds.Span{Kind: fonds.SpanPlace, Text: "Moscow"}) + `<span class="place">Moscow</span></a>`},
		// The term keeps its expansion on hover and in print.
		{"text", page, linksMention(t, linksSALT) + `<dfn class="term"><abbr title="Strategic Arms Limitation Talks">SALT</abbr></dfn></a><span class="gloss"> (Strategic Arms Limitation Talks)</span>`},
	}
	for _, tt := range tests {
		if !strings.Contains(tt.in, tt.want) {
			t.Errorf("the %s of %s has no %q", tt.where, linksID(2), tt.want)
		}
	}
	persons := linksSection(t, page, `<ul class="persons">`, "</ul>")
	if want := `<li><a href="` + entityPath(fonds.EntityPerson, entitykey.Key(fonds.EntityPerson, "Cyrus R. Vance")) + `">Cyrus R. Vance</a></li>`; !strings.Contains(persons, want) {
		t.Errorf("the list of persons %q has no %q", persons, want)
	}
	if !strings.Contains(page, `href="/persons/`) || !strings.Contains(page, `href="/terms/`) {
		t.Errorf("the page links no person or term to its index page")
	}
	// The identifiers of the volume's lists are for links, never shown,
	// and never in an address either: an index page is keyed by name.
	for _, id := range []string{"p_VCR_1", "t_SALT_1"} {
		if strings.Contains(page, id) {
			t.Errorf("the page holds the identifier %q", id)
		}
	}
}

// TestLinksEditedHeading checks that a heading whose title an editor
// changed, its marked mentions left as they were, shows the title as it
// is now.
func TestLinksEditedHeading(t *testing.T) {
	f := newLinksFixture(t)
	d := linksDoc(6, "1977-06-01", "", fonds.StatusPublished, linksText([]fonds.Span{linksWords("Text.")}))
	d.TitleText = []fonds.Span{linksWords("6. Letter to "), linksVance}
	d.Title = "6. Letter to the Secretary of State"
	f.put(d)
	page := linksPage(t, f, d.ID, nil)
	if h1 := linksSection(t, page, "<h1>", "</h1>"); h1 != "<h1>6. Letter to the Secretary of State" {
		t.Errorf("the heading is %q, want the title as edited", h1)
	}
}

func TestLinksCrossReferences(t *testing.T) {
	f := newLinksFixture(t)
	page := linksPage(t, f, linksID(2), nil)
	d1 := documentPath(linksID(1))
	for _, tt := range []struct{ what, want string }{
		{"a resolved reference", `<a class="reference" href="` + d1 + `">Document 1</a>`},
		{"a reference to a footnote, with its anchor", `<a class="reference" href="` + d1 + `#fn3">footnote 3, Document 1</a>`},
		{"an unresolved reference, as text", `<cite class="reference">Document 99</cite>`},
		{"a reference to a draft, as an unresolved one", `<cite class="reference">Document 3</cite>`},
		{"a reference to a volume", `<a class="reference" href="/collections/` + linksOther + `">Volume VI</a>`},
		{"See Document N in the text", `<p><a class="reference" href="` + d1 + `">See Document 1</a>. The instruction `},
		{"an archival reference in the text", `<a class="reference" href="` + documentPath(f.seedID) + `">Pb 56/68</a>`},
		{"the reference of a draft, as text", ` the draft Pb 99/1 were read.`},
		{"See Document N of another volume, as text", ` See Document 1 in Foreign Relations`},
		{"See Document N in a footnote", `<dd><a class="reference" href="` + d1 + `">See Document 1</a>.`},
	} {
		if !strings.Contains(page, tt.want) {
			t.Errorf("%s: the page has no %q", tt.what, tt.want)
		}
	}
	if strings.Contains(page, linksID(3)) || strings.Contains(page, draftID) {
		t.Errorf("the page names a draft the public may not see")
	}

	// The footnote a reference leads to carries the anchor: note 3 of
	// document 1 is #fn3, and its mark in the text leads to it.
	one := linksPage(t, f, linksID(1), nil)
	for _, want := range []string{`<div class="footnote" id="fn3"><dt class="footnote-mark">3</dt>`, `<a href="#fn3" aria-label="Note 3">3</a>`} {
		if !strings.Contains(one, want) {
			t.Errorf("%s has no %q", linksID(1), want)
		}
	}

	// An editor sees the draft, and the reference to it is a link.
	editor := linksPage(t, f, linksID(2), linksAs(t, f, "linkseditor", fonds.RoleEditor))
	if want := `<a class="reference" href="` + documentPath(linksID(3)) + `">Document 3</a>`; !strings.Contains(editor, want) {
		t.Errorf("an editor's page has no %q", want)
	}
}

func TestLinksCitedBy(t *testing.T) {
	f := newLinksFixture(t)
	for _, tt := range []struct {
		id     string
		want   []string
		hidden string
	}{
		{linksID(2), []string{linksID(4)}, linksID(3)},
		{linksID(1), []string{linksID(2)}, ""},
		// The volume's memorandum cites the instruction by its reference.
		{f.seedID, []string{linksID(2)}, ""},
	} {
		page := linksPage(t, f, tt.id, nil)
		cited := linksSection(t, page, `<section class="cited-by"`, "</section>")
		for _, id := range tt.want {
			if !strings.Contains(cited, `<a href="`+documentPath(id)+`">`) {
				t.Errorf("%s: cited by does not list %s:\n%s", tt.id, id, cited)
			}
		}
		if n := strings.Count(cited, "<li>"); n != len(tt.want) {
			t.Errorf("%s: cited by lists %d documents, want %d:\n%s", tt.id, n, len(tt.want), cited)
		}
		if tt.hidden != "" && strings.Contains(page, documentPath(tt.hidden)) {
			t.Errorf("%s: cited by lists the draft %s", tt.id, tt.hidden)
		}
	}
	// A document nobody cites has no such section.
	if page := linksPage(t, f, linksID(4), nil); strings.Contains(page, `class="cited-by"`) {
		t.Errorf("%s, cited by nothing, has a cited by section", linksID(4))
	}
}

func TestLinksSameWeek(t *testing.T) {
	f := newLinksFixture(t)
	// The Politburo's instruction of 19 May beside the volume's
	// memoranda of that week, and they beside it; a document of the same
	// collection, a draft, and one ten days off are not listed.
	tests := []struct {
		id         string
		want, not  []string
		collection string
	}{
		{f.seedID, []string{linksID(1), linksID(2)}, []string{linksID(3), linksID(4), draftID}, linksVolTitle},
		{linksID(2), []string{f.seedID}, []string{linksID(1), draftID}, sample.Title},
	}
	for _, tt := range tests {
		page := linksPage(t, f, tt.id, nil)
		week := linksSection(t, page, `<section class="same-week"`, "</section>")
		for _, id := range tt.want {
			if !strings.Contains(week, `<a href="`+documentPath(id)+`">`) {
				t.Errorf("%s: the same week does not list %s:\n%s", tt.id, id, week)
			}
		}
		for _, id := range tt.not {
			if strings.Contains(week, documentPath(id)) {
				t.Errorf("%s: the same week lists %s:\n%s", tt.id, id, week)
			}
		}
		if !strings.Contains(week, tt.collection) {
			t.Errorf("%s: the same week does not name the collection %q:\n%s", tt.id, tt.collection, week)
		}
	}
	// An undated document has no week.
	undated := linksDoc(5, "", "", fonds.StatusPublished, linksText([]fonds.Span{linksWords("Undated.")}))
	undated.Date = fonds.Date{}
	f.put(undated)
	if page := linksPage(t, f, undated.ID, nil); strings.Contains(page, `class="same-week"`) {
		t.Errorf("an undated document has a same week section")
	}
}

func TestLinksVolume(t *testing.T) {
	f := newLinksFixture(t)
	page := linksPage(t, f, linksID(2), nil)
	place := html.UnescapeString(linksSection(t, page, `<p class="volume-place">`, "</p>"))
	for _, want := range []string{
		`<a href="/collections/` + linksVol + `">` + linksVolTitle + `</a>`,
		`Chapter: <a href="/collections/` + linksVol + `?section=The+Spring+Review">` + linksChapter + `</a>`,
		"Document 2",
	} {
		if !strings.Contains(place, want) {
			t.Errorf("the volume and chapter line has no %q: %s", want, place)
		}
	}
	// Previous and next go by number through the volume: 1, 2, then 4 (3
	// is a draft), though 4 is dated before 1.
	nav := linksSection(t, page, `<nav class="neighbours"`, "</nav>")
	prev := regexp.MustCompile(`<li class="prev"><a href="([^"]+)"`).FindStringSubmatch(nav)
	next := regexp.MustCompile(`<li class="next"><a href="([^"]+)"`).FindStringSubmatch(nav)
	if prev == nil || prev[1] != documentPath(linksID(1)) || next == nil || next[1] != documentPath(linksID(4)) {
		t.Errorf("previous, next = %q, %q, want %s and %s", prev, next, linksID(1), linksID(4))
	}
	// A document without a number keeps to the order of dates, and names
	// no volume.
	if seed := linksPage(t, f, f.seedID, nil); strings.Contains(seed, "volume-place") {
		t.Errorf("the seed, of no volume, names one")
	}

	// Its citation names the volume and its number in it.
	for _, want := range []string{
		"in " + linksVolTitle + ", doc. 2,",
		`<meta name="citation_inbook_title" content="` + linksVolTitle + `">`,
		`"position": 2`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the citations of the page have no %q", want)
		}
	}
	for _, ext := range []string{".ris", ".bib", ".csl.json"} {
		w := f.get(documentPath(linksID(2)) + ext)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), linksVolTitle) {
			t.Errorf("GET %s%s = %d without the volume:\n%s", documentPath(linksID(2)), ext, w.Code, w.Body.String())
		}
	}
}

// TestLinksFRUS serves two documents of a FRUS volume from the corpus:
// document 16's "footnote 3, Document 8" leads to note 3 of document 8.
func TestLinksFRUS(t *testing.T) {
	corpus := testenv.Corpus(t)
	f := newFixture(t)
	const vol = "frus1977-80v02"
	if err := f.store.PutCollection(context.Background(), fonds.Collection{Slug: vol, Title: "Foreign Relations, 1977–1980, Volume II"}); err != nil {
		t.Fatal(err)
	}
	ids := make(map[int]string)
	for _, n := range []int{8, 16} {
		name := fmt.Sprintf("%s_d%d.xml", vol, n)
		file, err := os.Open(filepath.Join(corpus, "frus", name))
		if err != nil {
			t.Fatal(err)
		}
		err = tei.Reader{}.ReadDocuments(file, name, func(d *fonds.Document, _ []fonds.Warning) error {
			d.Collection, d.Status = vol, fonds.StatusPublished
			f.put(d)
			ids[d.Number] = d.ID
			return nil
		})
		file.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if ids[8] == "" || ids[16] == "" {
		t.Fatalf("documents read: %v, want 8 and 16", ids)
	}
	page := linksPage(t, f, ids[16], nil)
	if want := `href="` + documentPath(ids[8]) + `#fn3">footnote 3, Document`; !strings.Contains(page, want) {
		t.Errorf("document 16 has no %q", want)
	}
	eight := linksPage(t, f, ids[8], nil)
	if want := `<div class="footnote" id="fn3"><dt class="footnote-mark">3</dt>`; !strings.Contains(eight, want) {
		t.Errorf("document 8 has no %q", want)
	}
	// Document 8 is cited by 16.
	if !strings.Contains(linksSection(t, eight, `<section class="cited-by"`, "</section>"), documentPath(ids[16])) {
		t.Errorf("document 8 is not cited by 16")
	}
}
