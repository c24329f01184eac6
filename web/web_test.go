package web

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
	"fonds/sample"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

const (
	htmlType = "text/html; charset=utf-8"
	jsonType = "application/json; charset=utf-8"
)

func TestRoutes(t *testing.T) {
	f := newFixture(t)
	seed := "/documents/" + f.seedID
	long := "/documents/" + strings.Repeat("a", 3000)
	tests := []struct {
		path   string
		status int
		ctype  string
		want   []string
		not    []string
	}{
		// A collection holding only drafts is hidden, as they are.
		{"/", 200, htmlType, []string{"<h1>fonds</h1>", sample.Title, "Recently added", "Documents by decade", "1970s", "/browse#d1970"}, []string{"Drafts only", "(0 documents)"}},
		{"/browse", 200, htmlType, []string{"Browse by date", `id="d1970"`, `href="/browse/1977"`, `href="/browse/1901"`}, []string{"/browse/1999"}},
		{"/browse/1977", 200, htmlType, []string{"<h1>1977</h1>", `href="/browse/1977/5"`, "May", "Human rights", "Moscow Helsinki Group"}, nil},
		{"/browse/1977/5", 200, htmlType, []string{"<h1>May 1977</h1>", "Human rights", `href="` + seed + `"`}, nil},
		{"/browse/1977/05", 200, htmlType, []string{"<h1>May 1977</h1>"}, nil},
		{"/browse/1999", 404, htmlType, []string{"There are no documents from 1999."}, nil},
		{"/browse/1977/12", 404, htmlType, []string{"There are no documents from December 1977.", `href="/browse"`}, nil},
		{"/browse/99999/77", 400, htmlType, []string{"is not a year", `href="/"`}, nil},
		{"/browse/1977/77", 400, htmlType, []string{"is not a month"}, nil},
		{"/browse/abc", 400, htmlType, []string{"“abc” is not a year"}, nil},
		{"/browse/1977?page=abc", 400, htmlType, []string{"is not a valid page number"}, nil},
		{"/browse/1977?page=9", 404, htmlType, []string{"There is no page 9 of this list"}, nil},
		{"/collections/" + sample.Slug, 200, htmlType, []string{"<h1>" + sample.Title + "</h1>", "Human rights", "in order of date"}, nil},
		{"/collections/" + sample.Slug + "?page=2", 404, htmlType, []string{"There is no page 2"}, nil},
		{"/collections/" + sample.Slug + "?page=0", 400, htmlType, []string{"not a valid page number"}, nil},
		{"/collections/" + sample.Slug + "?page=-1", 400, htmlType, nil, nil},
		{"/collections/" + draftsSlug, 404, htmlType, []string{"There is no collection"}, []string{"Drafts only"}},
		{"/collections/nowhere", 404, htmlType, []string{"There is no collection “nowhere”."}, nil},
		{"/collections/%3Cscript%3E", 404, htmlType, []string{"&lt;script&gt;"}, []string{"<script>"}},
		{seed, 200, htmlType, []string{"<h1>Human rights</h1>", "John Crowfoot", `id="page-3"`}, nil},
		{"/documents/" + allKindsID, 200, htmlType, []string{`lang="ru"`, "Russian original", "English translation", `id="ru-original-page-2"`, "Test Translator"}, nil},
		{"/documents/1977-05-19-pb-56-6", 404, htmlType, []string{"There is no document with the id “1977-05-19-pb-56-6”.", "Perhaps you were looking for", `href="` + seed + `"`}, nil},
		{"/documents/nothing-like-an-id", 404, htmlType, []string{"There is no document", `href="/browse"`}, []string{"Perhaps you were looking for"}},
		{"/documents/" + f.seedID + ".txt", 200, "text/plain; charset=utf-8", []string{"19 May 1977* (Pb 56/68) Human rights", "[page two]"}, nil},
		{"/documents/" + f.seedID + ".tei.xml", 404, htmlType, []string{"There is no document"}, nil},
		{"/documents/" + draftID + ".txt", 404, htmlType, []string{"There is no document"}, []string{draftTitle}},
		{"/documents/nothing.txt", 404, htmlType, nil, nil},
		{long, 400, htmlType, []string{"The address is too long"}, nil},
		{"/documents/" + strings.Repeat("a", 500), 404, htmlType, nil, nil},
		{"/no/such/page", 404, htmlType, []string{"There is no page at this address.", `href="/browse"`}, nil},
		{"/static/fonds.css", 200, "text/css; charset=utf-8", []string{".note"}, nil},
		{"/static/copy.js", 200, "text/javascript; charset=utf-8", []string{"clipboard"}, nil},
		{"/static/", 404, htmlType, nil, nil},
		{"/static/nothing.css", 404, "", nil, nil},
		{"/healthz", 200, "text/plain; charset=utf-8", []string{"ok"}, nil},
		{"/api/v1/documents", 200, jsonType, []string{`"total": ` + fmt.Sprint(f.published), `"per_page": 20`}, nil},
		{"/api/v1/documents/" + f.seedID, 200, jsonType, []string{`"title": "Human rights"`, `"John Crowfoot"`}, nil},
		{"/api/v1/documents/nope", 404, jsonType, []string{`"error": "There is no document with the id “nope”."`}, nil},
		{"/api/v1/documents?page=abc", 400, jsonType, []string{`"error"`}, nil},
		{"/api/v1/documents?year=19x7", 400, jsonType, []string{`"error"`}, nil},
		{"/api/v1/documents?collection=nowhere", 404, jsonType, []string{`"error"`}, nil},
		{"/api/v1/nothing", 404, jsonType, []string{`"error"`}, nil},
		{"/api" + long, 400, jsonType, []string{`"error"`}, nil},
	}
	for _, tt := range tests {
		name := tt.path
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			w := f.get(tt.path)
			body := w.Body.String()
			if w.Code != tt.status {
				t.Errorf("GET %s: status %d, want %d\n%s", tt.path, w.Code, tt.status, clip(body, 2000))
			}
			if got := w.Header().Get("Content-Type"); tt.ctype != "" && got != tt.ctype {
				t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.ctype)
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
			if w.Code == 500 {
				t.Errorf("GET %s: 500", tt.path)
			}
			if h := w.Header().Get("X-Content-Type-Options"); h != "nosniff" {
				t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", tt.path, h)
			}
			if h := w.Header().Get("Content-Security-Policy"); !strings.Contains(h, "default-src 'none'") {
				t.Errorf("GET %s: Content-Security-Policy %q", tt.path, h)
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/", "/documents/" + f.seedID, "/api/v1/documents"} {
		req := httptest.NewRequest(http.MethodPost, path, nil)
		w := httptest.NewRecorder()
		f.server.ServeHTTP(w, req)
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: status %d, want 405", path, w.Code)
		}
	}
}

func TestStaticCache(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ path, want string }{
		{"/static/fonds.css?v=" + f.server.staticVer, "public, max-age=31536000, immutable"},
		{"/static/fonds.css", "public, max-age=3600"},
		{"/static/fonds.css?v=old", "public, max-age=3600"},
	}
	for _, tt := range tests {
		if got := f.get(tt.path).Header().Get("Cache-Control"); got != tt.want {
			t.Errorf("GET %s: Cache-Control %q, want %q", tt.path, got, tt.want)
		}
	}
	home := f.get("/").Body.String()
	if want := `href="/static/fonds.css?v=` + f.server.staticVer + `"`; !strings.Contains(home, want) {
		t.Errorf("home page lacks %s", want)
	}
}

// TestDrafts checks that a draft is absent from every page, list, count and
// answer of the API, and that its page answers exactly as an unknown id.
func TestDrafts(t *testing.T) {
	f := newFixture(t)
	pages := []string{
		"/", "/browse", "/browse/1977", "/browse/1977/5", "/collections/" + sample.Slug,
		"/collections/" + draftsSlug, "/documents/" + f.seedID,
		"/documents/1977-05-19-nothing", "/api/v1/documents?per_page=100",
		"/api/v1/documents?year=1977", "/api/v1/documents?collection=" + draftsSlug,
	}
	for _, p := range pages {
		body := f.get(p).Body.String()
		for _, s := range []string{draftID, draftOnlyID, draftTitle, "Pb 99/1"} {
			if strings.Contains(body, s) {
				t.Errorf("GET %s shows the draft's %q", p, s)
			}
		}
	}

	for _, path := range []string{"/documents/" + draftID, "/api/v1/documents/" + draftID, "/documents/" + draftOnlyID} {
		draft := f.get(path)
		unknownPath := strings.Replace(path, "-pb-99-1", "-pb-99-2", 1)
		unknownPath = strings.Replace(unknownPath, "-st-1-1", "-st-1-2", 1)
		unknown := f.get(unknownPath)
		if draft.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, draft.Code)
		}
		db := strings.ReplaceAll(draft.Body.String(), path, unknownPath)
		db = strings.ReplaceAll(db, draftID, strings.Replace(draftID, "-pb-99-1", "-pb-99-2", 1))
		db = strings.ReplaceAll(db, draftOnlyID, strings.Replace(draftOnlyID, "-st-1-1", "-st-1-2", 1))
		if db != unknown.Body.String() {
			t.Errorf("GET %s answers otherwise than GET %s:\n%s\n---\n%s", path, unknownPath, db, unknown.Body.String())
		}
	}

	// Counts: the drafts' collection counts none, the 1990s hold none of them,
	// and the API's total is the number of published documents.
	// A collection of drafts only is not found, as one that is not there.
	var list APIDocumentList
	if w := f.get("/api/v1/documents?collection=" + draftsSlug); w.Code != 404 {
		t.Errorf("API collection=%s = %d, want 404", draftsSlug, w.Code)
	}
	decodeJSON(t, f.get("/api/v1/documents?year=1977&per_page=100"), &list)
	for _, d := range list.Documents {
		if d.Status != string(fonds.StatusPublished) {
			t.Errorf("API lists %s with status %q", d.ID, d.Status)
		}
	}
	if body := f.get("/").Body.String(); !strings.Contains(body, fmt.Sprintf("%d documents,", f.published)) {
		t.Errorf("home page does not count %d published documents", f.published)
	}
}

func decodeJSON(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
}

func TestSeedPage(t *testing.T) {
	f := newFixture(t)
	w := f.get("/documents/" + f.seedID)
	if w.Code != 200 {
		t.Fatalf("GET seed: status %d\n%s", w.Code, w.Body)
	}
	body := w.Body.String()
	permalink := testBaseURL + "/documents/" + f.seedID
	// The citation pins the version read.
	wantCitation := fmt.Sprintf("Politburo, “Human rights,” 19 May 1977, Pb 56/68, trans. John Crowfoot, %s, fonds, %s?rev=1.", sample.Title, permalink)
	for _, s := range []string{
		// The catalogue header.
		"<h1>Human rights</h1>",
		`<span class="doc-date">19 May 1977</span>`,
		"Pb 56/68",
		"Politburo",
		"21 pp",
		`<span class="flag excerpt">Excerpt</span>`,
		"R 19 May 1977, Pb 56-68",
		// The citation, and the canonical link.
		wantCitation,
		`<link rel="canonical" href="` + permalink + `">`,
		`<meta name="citation_title" content="Human rights">`,
		// The page markers as anchors.
		`<h3 class="page-marker" id="page-2"><a href="#page-2">Page 2 (two)</a></h3>`,
		`<h3 class="page-marker" id="page-3"><a href="#page-3">Page 3 (three)</a></h3>`,
		// Editorial notes.
		`<span class="note" title="Editorial note"`,
		"[détente]</span>",
		// The legend as written, and the key of what the page uses.
		"Notes by translator and editor are bracketed, thus [ ];",
		"text written by hand is indicated in italic script;",
		"Key to this page",
		"a note by the translator or editor",
		// The translator.
		`<p class="credit">Translation, John Crowfoot</p>`,
		`lang="en"`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("seed page lacks %q", s)
		}
	}
	// The key explains only what the seed uses: it has no handwriting.
	for _, s := range []string{"written by hand</dd>", "struck out in the document"} {
		if strings.Contains(body, s) {
			t.Errorf("seed page's key explains %q, which the seed does not use", s)
		}
	}
	if n := strings.Count(body, "<h1"); n != 1 {
		t.Errorf("seed page has %d h1, want 1", n)
	}
	for _, s := range []string{`<a class="skip-link" href="#main">`, "<header", "<nav", `<main id="main"`, "<footer", `<html lang="en">`} {
		if !strings.Contains(body, s) {
			t.Errorf("seed page lacks landmark %q", s)
		}
	}
}

func TestNeighbours(t *testing.T) {
	f := newFixture(t)
	body := f.get("/documents/" + f.seedID).Body.String()
	// The sample holds documents both before and after 19 May 1977.
	for _, s := range []string{`rel="prev"`, `rel="next"`, "Moscow Helsinki Group"} {
		if !strings.Contains(body, s) {
			t.Errorf("seed page lacks %q", s)
		}
	}
	first := f.get("/documents/" + allKindsID).Body.String()
	if strings.Contains(first, `rel="prev"`) || !strings.Contains(first, `rel="next"`) {
		t.Errorf("the earliest document's page should link to the next document only")
	}
}

func TestAPIDocument(t *testing.T) {
	f := newFixture(t)
	var d map[string]any
	decodeJSON(t, f.get("/api/v1/documents/"+f.seedID), &d)
	for _, k := range []string{"id", "collection", "title", "date", "references", "summary", "creator", "type",
		"extent_pages", "excerpt", "languages", "translators", "pages", "persons", "source", "status", "updated", "url"} {
		if _, ok := d[k]; !ok {
			t.Errorf("API document lacks %q", k)
		}
	}
	var a APIDocument
	decodeJSON(t, f.get("/api/v1/documents/"+f.seedID), &a)
	if a.URL != testBaseURL+"/documents/"+f.seedID {
		t.Errorf("url = %q", a.URL)
	}
	if a.Date.Start != "1977-05-19" || a.Date.Display != "19 May 1977" || a.Date.Precision != "day" {
		t.Errorf("date = %+v", a.Date)
	}
	if len(a.References) == 0 || a.References[0].Written != "Pb 56/68" || a.References[0].Normalized != "pb 56/68" {
		t.Errorf("references = %+v", a.References)
	}
	if a.ExtentPages != 21 || !a.Excerpt || a.Creator != "Politburo" {
		t.Errorf("extent %d, excerpt %v, creator %q", a.ExtentPages, a.Excerpt, a.Creator)
	}
	if len(a.Translators) != 1 || a.Translators[0] != "John Crowfoot" {
		t.Errorf("translators = %q", a.Translators)
	}
	if len(a.Witnesses) == 0 || !strings.Contains(a.Witnesses[0].Text, "To all Soviet ambassadors") {
		t.Errorf("witnesses lack the text")
	}
}

func TestAPIList(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		query     string
		total     int
		page, per int
		n         int
	}{
		{"", f.published, 1, 20, min(20, f.published)},
		{"?per_page=5", f.published, 1, 5, 5},
		{"?per_page=5&page=2", f.published, 2, 5, 5},
		{"?per_page=1000", f.published, 1, 100, f.published},
		{"?page=99", f.published, 99, 20, 0},
		{"?year=1901", 1, 1, 20, 1},
		{"?year=1999", 0, 1, 20, 0},
		{"?collection=" + testSlug, 1, 1, 20, 1},
		{"?collection=" + testSlug + "&year=1977", 0, 1, 20, 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var l APIDocumentList
			decodeJSON(t, f.get("/api/v1/documents"+tt.query), &l)
			if l.Total != tt.total || l.Page != tt.page || l.PerPage != tt.per || len(l.Documents) != tt.n {
				t.Errorf("GET %s = total %d page %d per_page %d, %d documents; want %d %d %d, %d",
					tt.query, l.Total, l.Page, l.PerPage, len(l.Documents), tt.total, tt.page, tt.per, tt.n)
			}
			for _, d := range l.Documents {
				if d.Witnesses != nil {
					t.Errorf("list carries the witnesses of %s", d.ID)
				}
			}
		})
	}
	// The documents of a list are in date order, and never null.
	body := f.get("/api/v1/documents?year=1999").Body.String()
	if !strings.Contains(body, `"documents": []`) {
		t.Errorf("an empty list is not []: %s", body)
	}
}

// TestStoreFailure checks that a store that fails gives a 500 with a safe
// message, and the cause in the log.
func TestStoreFailure(t *testing.T) {
	f := newFixture(t)
	f.store.Close()
	for _, tt := range []struct {
		path, ctype string
		status      int
	}{
		{"/", htmlType, 500},
		{"/documents/" + f.seedID, htmlType, 500},
		{"/api/v1/documents", jsonType, 500},
		{"/healthz", "text/plain; charset=utf-8", 503},
	} {
		w := f.get(tt.path)
		if w.Code != tt.status || w.Header().Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s with a closed store: %d %q, want %d %q", tt.path, w.Code, w.Header().Get("Content-Type"), tt.status, tt.ctype)
		}
		if strings.Contains(w.Body.String(), "sqlite") || strings.Contains(w.Body.String(), "closed") {
			t.Errorf("GET %s tells the client the cause: %s", tt.path, w.Body)
		}
	}
	if !strings.Contains(f.log.String(), "level=ERROR") || !strings.Contains(f.log.String(), "closed") {
		t.Errorf("the log lacks the cause:\n%s", f.log)
	}
}

func TestNewWithoutStore(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New(Config{}) = nil error, want one")
	}
}

func TestHandle(t *testing.T) {
	f := newFixture(t)
	f.server.Handle("GET /oai", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "oai here")
	}))
	w := f.get("/oai")
	if w.Code != 200 || w.Body.String() != "oai here" {
		t.Errorf("GET /oai = %d %q, want the mounted handler", w.Code, w.Body)
	}
	if w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("mounted handler's answer lacks the security headers")
	}

	// A document in another format: a pattern ServeMux cannot hold.
	f.server.Handle("GET /documents/{id}.csv", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "table of %s", r.PathValue("id"))
	}))
	w = f.get("/documents/" + f.seedID + ".csv")
	if want := "table of " + f.seedID; w.Code != 200 || w.Body.String() != want {
		t.Errorf("GET /documents/{id}.csv = %d %q, want %q", w.Code, w.Body, want)
	}
	// A format of two extensions, and one that ends like another.
	f.server.Handle("GET /documents/{id}.v2.csv", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "v2 of %s", r.PathValue("id"))
	}))
	w = f.get("/documents/" + f.seedID + ".v2.csv")
	if want := "v2 of " + f.seedID; w.Code != 200 || w.Body.String() != want {
		t.Errorf("GET /documents/{id}.v2.csv = %d %q, want %q", w.Code, w.Body, want)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("Handle(.txt) twice did not panic")
			}
		}()
		f.server.Handle("GET /documents/{id}.txt", http.NotFoundHandler())
	}()
	if w := f.get("/documents/" + f.seedID + ".pdf"); w.Code != http.StatusNotFound {
		t.Errorf("GET /documents/{id}.pdf = %d, want 404", w.Code)
	}
	if w := f.get("/documents/" + f.seedID); w.Code != 200 || !strings.Contains(w.Body.String(), "<h1>Human rights</h1>") {
		t.Errorf("GET /documents/{id} = %d after mounting .txt, want the page", w.Code)
	}
}

func TestPageLabel(t *testing.T) {
	tests := []struct {
		text string
		page int
		want string
	}{
		{"page three", 3, "Page 3 (three)"},
		{"page 2", 2, "Page 2"},
		{"Page one of four", 1, "Page 1 (one of four)"},
		{"", 5, "Page 5"},
		{"pages", 4, "Page 4 (pages)"},
		{"страница 2", 2, "Page 2 (страница 2)"},
	}
	for _, tt := range tests {
		if got := PageLabel(fonds.Span{Kind: fonds.SpanPageBreak, Text: tt.text, Page: tt.page}); got != tt.want {
			t.Errorf("PageLabel(%q, %d) = %q, want %q", tt.text, tt.page, got, tt.want)
		}
	}
}

// TestRenderGolden renders a text using every block and span kind, and the
// key that explains it, against testdata/render.golden.
func TestRenderGolden(t *testing.T) {
	text := allKindsText()
	var b strings.Builder
	b.WriteString(string(RenderText(text, "")))
	b.WriteString("\n<!-- key -->\n")
	for _, k := range keyFor(text.SpanKinds()) {
		fmt.Fprintf(&b, "%s = %s\n", k.Sample, k.Meaning)
	}
	got := b.String()
	golden := filepath.Join("testdata", "render.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("RenderText(every kind) differs from %s:\n%s", golden, got)
	}
	// Every kind but plain text has its own mark-up.
	for _, k := range []fonds.SpanKind{fonds.SpanNote, fonds.SpanHandwritten, fonds.SpanInsertion, fonds.SpanDeletion,
		fonds.SpanOmission, fonds.SpanStamp, fonds.SpanSignature, fonds.SpanPageBreak, fonds.SpanEmphasis,
		fonds.SpanUnderline, fonds.SpanPerson, fonds.SpanReference, fonds.SpanPlace, fonds.SpanOrg, fonds.SpanTerm,
		fonds.SpanFootnote, fonds.SpanUnclear, fonds.SpanCell, fonds.SpanSmallCaps, fonds.SpanStrong, fonds.SpanLineBreak} {
		if !text.SpanKinds()[k] {
			t.Errorf("the golden text does not use %s", k)
		}
	}
	kinds := map[fonds.BlockKind]bool{}
	for _, b := range text {
		kinds[b.Kind] = true
	}
	for _, k := range []fonds.BlockKind{fonds.BlockParagraph, fonds.BlockHeading, fonds.BlockQuote, fonds.BlockSeparator,
		fonds.BlockItem, fonds.BlockRow, fonds.BlockOpener, fonds.BlockCloser, fonds.BlockAttachment} {
		if !kinds[k] {
			t.Errorf("the golden text does not use block kind %s", k)
		}
	}
	// Every kind the key can explain is explained when used.
	if got, want := len(keyFor(text.SpanKinds())), len(keyOrder)+1; got != want {
		t.Errorf("keyFor(every kind) has %d items, want %d", got, want)
	}
}

func BenchmarkDocumentPage(b *testing.B) {
	f := newFixture(b)
	path := "/documents/" + f.seedID
	b.ReportAllocs()
	for b.Loop() {
		w := f.get(path)
		if w.Code != 200 {
			b.Fatalf("GET %s: %d", path, w.Code)
		}
	}
}
