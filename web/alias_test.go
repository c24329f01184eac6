package web

import (
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"fonds"
	"fonds/text"
)

// TestAliasRedirect checks that the old addresses of a published document
// redirect to its page, for good, and that a draft's never do.
func TestAliasRedirect(t *testing.T) {
	f := newFixture(t)
	pub := allKindsDocument()
	pub.ID = "1901-02-04-aliased"
	pub.Aliases = []string{"/1901/02/aliased/", "/?p=123", "/?page_id=7", "/блог/документ/"}
	f.put(pub)
	draft := allKindsDocument()
	draft.ID = "1901-02-05-draft-aliased"
	draft.Status = fonds.StatusDraft
	draft.Aliases = []string{"/1901/02/draft/", "/?p=999"}
	f.put(draft)
	target := "/documents/" + pub.ID

	tests := []struct {
		method, path string
		status       int
		location     string
	}{
		{"GET", "/1901/02/aliased/", 301, target},
		{"GET", "/1901/02/aliased", 301, target},
		{"GET", "/1901/02/aliased/?utm_source=feed", 301, target},
		{"HEAD", "/1901/02/aliased/", 301, target},
		{"GET", "/?p=123", 301, target},
		{"GET", "/?p=123&replytocom=4", 301, target},
		{"GET", "/?page_id=7", 301, target},
		{"GET", "/%D0%B1%D0%BB%D0%BE%D0%B3/%D0%B4%D0%BE%D0%BA%D1%83%D0%BC%D0%B5%D0%BD%D1%82/", 301, target},
		{"GET", "/1901/02/draft/", 404, ""},
		{"GET", "/?p=999", 404, ""},
		{"GET", "/?p=5", 404, ""},
		{"GET", "/?p=", 404, ""},
		{"GET", "/", 200, ""},
		{"GET", "/?utm_source=feed", 200, ""},
		{"GET", "/nowhere/", 404, ""},
		{"GET", "/api/v1/nothing?p=123", 404, ""},
		{"GET", "/static/nothing.css?p=123", 404, ""},
		{"POST", "/1901/02/aliased/", 405, ""},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(tt.method, tt.path, nil)
		w := httptest.NewRecorder()
		f.server.ServeHTTP(w, req)
		if w.Code != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, w.Code, tt.status)
		}
		if got := w.Header().Get("Location"); got != tt.location {
			t.Errorf("%s %s: Location %q, want %q", tt.method, tt.path, got, tt.location)
		}
		if strings.Contains(w.Body.String(), draft.ID) {
			t.Errorf("%s %s: the answer names the draft", tt.method, tt.path)
		}
	}
	// A draft's old address answers exactly as an address never used.
	if a, b := f.get("/1901/02/draft/").Body.String(), f.get("/1901/02/never/").Body.String(); strings.ReplaceAll(a, "draft", "never") != b {
		t.Errorf("GET of a draft's alias differs from GET of an unknown address:\n%s\n---\n%s", a, b)
	}
}

func TestAliasCandidates(t *testing.T) {
	tests := []struct {
		path string
		want string
	}{
		{"/", "/"},
		{"/?p=12", "/?p=12 /"},
		{"/?p=12&x=1", "/?p=12 /?p=12&x=1 /"},
		{"/blog/?page_id=3", "/blog/?page_id=3 /blog/ /blog"},
		{"/1977/05/x/", "/1977/05/x/ /1977/05/x"},
		{"/1977/05/x", "/1977/05/x /1977/05/x/"},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", tt.path, nil)
		if got := strings.Join(aliasCandidates(req.URL), " "); got != tt.want {
			t.Errorf("aliasCandidates(%s) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// TestDownloads checks the document in the transcription format and, when
// the site has a TEI writer, in TEI.
func TestDownloads(t *testing.T) {
	f := newFixture(t)
	w := f.get("/documents/" + f.seedID + ".txt")
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("GET .txt = %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	d, _, err := text.Parse(strings.NewReader(w.Body.String()), "download.txt")
	if err != nil || d.ID != f.seedID {
		t.Errorf("the .txt download reads back as %v, %v; want the document %s", d, err, f.seedID)
	}
	page := f.get("/documents/" + f.seedID).Body.String()
	if !strings.Contains(page, `href="/documents/`+f.seedID+`.txt"`) || strings.Contains(page, ".tei.xml") {
		t.Errorf("document page without TEI: links wrong:\n%s", clip(page, 3000))
	}

	// With a TEI writer.
	failing := "1901-02-04-fails"
	s, err := New(Config{Store: f.store, TEI: func(w io.Writer, d *fonds.Document) error {
		if d.ID == failing {
			return errors.New("cannot write this one")
		}
		_, err := fmt.Fprintf(w, "<TEI>%s</TEI>", d.ID)
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	doc := allKindsDocument()
	doc.ID = failing
	f.put(doc)
	f.server = s
	tests := []struct {
		path   string
		status int
		ctype  string
		body   string
	}{
		{"/documents/" + f.seedID + ".tei.xml", 200, "application/tei+xml; charset=utf-8", "<TEI>" + f.seedID + "</TEI>"},
		{"/documents/" + draftID + ".tei.xml", 404, htmlType, "There is no document"},
		{"/documents/" + failing + ".tei.xml", 500, htmlType, "Something went wrong"},
		{"/documents/" + f.seedID + ".txt", 200, "text/plain; charset=utf-8", "Human rights"},
		{"/documents/" + f.seedID + ".xml", 404, htmlType, "There is no document"},
	}
	for _, tt := range tests {
		w := f.get(tt.path)
		if w.Code != tt.status || w.Header().Get("Content-Type") != tt.ctype || !strings.Contains(w.Body.String(), tt.body) {
			t.Errorf("GET %s = %d %s %q, want %d %s with %q", tt.path, w.Code, w.Header().Get("Content-Type"), clip(w.Body.String(), 200), tt.status, tt.ctype, tt.body)
		}
		if strings.Contains(w.Body.String(), "cannot write") {
			t.Errorf("GET %s shows the cause of a failure", tt.path)
		}
	}
	page = f.get("/documents/" + f.seedID).Body.String()
	for _, link := range []string{`href="/documents/` + f.seedID + `.txt"`, `href="/documents/` + f.seedID + `.tei.xml"`} {
		if !strings.Contains(page, link) {
			t.Errorf("document page lacks the download %s", link)
		}
	}
}
