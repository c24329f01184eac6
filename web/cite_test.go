package web

import (
	"strings"
	"testing"

	"fonds"
)

// TestPinnedVersion cites a document, changes it twice, and finds the cited
// version still at its address.
func TestPinnedVersion(t *testing.T) {
	f := newFixture(t)
	d := allKindsDocument()
	d.ID = "1901-02-03-versions"
	d.Title = "First wording"
	f.put(d)
	page := f.get("/documents/" + d.ID).Body.String()
	pinned := "/documents/" + d.ID + "?rev=1"
	if !strings.Contains(page, pinned) {
		t.Fatalf("the page does not offer its pinned address %s", pinned)
	}
	d.Title = "Second wording"
	f.put(d)
	d.Status = fonds.StatusDraft
	d.Title = "Draft wording"
	f.put(d)
	d.Status = fonds.StatusPublished
	d.Title = "Third wording"
	f.put(d)

	tests := []struct {
		path     string
		code     int
		want     string
		wantNote bool
	}{
		{"/documents/" + d.ID, 200, "<h1>Third wording</h1>", false},
		{pinned, 200, "<h1>First wording</h1>", true},
		{"/documents/" + d.ID + "?rev=2", 200, "<h1>Second wording</h1>", true},
		{"/documents/" + d.ID + "?rev=4", 200, "<h1>Third wording</h1>", false},
		{"/documents/" + d.ID + "?rev=3", 404, "", false}, // a draft version is never shown
		{"/documents/" + d.ID + "?rev=9", 404, "", false},
		{"/documents/" + d.ID + "?rev=abc", 400, "", false},
		{"/documents/" + d.ID + "?rev=0", 400, "", false},
	}
	for _, tt := range tests {
		w := f.get(tt.path)
		body := w.Body.String()
		if w.Code != tt.code || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s = %d, want %d with %q", tt.path, w.Code, tt.code, tt.want)
		}
		if note := strings.Contains(body, "Read the latest version"); note != tt.wantNote {
			t.Errorf("GET %s: note of an old version shown %v, want %v", tt.path, note, tt.wantNote)
		}
		if strings.Contains(body, "Draft wording") {
			t.Errorf("GET %s shows the draft's words", tt.path)
		}
	}
}

func TestCitationFormats(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		ext, ctype, want string
	}{
		{".bib", "application/x-bibtex; charset=utf-8", "@unpublished{"},
		{".ris", "application/x-research-info-systems; charset=utf-8", "TY  - MANSCPT"},
		{".csl.json", "application/vnd.citationstyles.csl+json; charset=utf-8", `"type": "manuscript"`},
	}
	for _, tt := range tests {
		w := f.get("/documents/" + f.seedID + tt.ext)
		if w.Code != 200 || w.Header().Get("Content-Type") != tt.ctype || !strings.Contains(w.Body.String(), tt.want) {
			t.Errorf("GET %s = %d %q, want %s with %q\n%s", tt.ext, w.Code, w.Header().Get("Content-Type"), tt.ctype, tt.want, w.Body)
		}
		if !strings.Contains(w.Body.String(), "Human rights") || !strings.Contains(w.Body.String(), "?rev=1") {
			t.Errorf("GET %s does not cite the seed's version 1:\n%s", tt.ext, w.Body)
		}
		if w := f.get("/documents/" + draftID + tt.ext); w.Code != 404 {
			t.Errorf("GET the %s of a draft = %d, want 404", tt.ext, w.Code)
		}
	}
	page := f.get("/documents/" + f.seedID).Body.String()
	for _, want := range []string{
		`<meta name="citation_title" content="Human rights">`,
		`<meta name="citation_date" content="1977/05/19">`,
		`<script type="application/ld+json">`,
		`"@type": "ArchiveComponent"`,
		`href="/documents/` + f.seedID + `.bib"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the seed's page lacks %s", want)
		}
	}
}
