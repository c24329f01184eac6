package iiif

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/internal/testenv"
	"fonds/text"
)

// The shape of a manifest, as far as the tests read it.
type testManifest struct {
	Context           string          `json:"@context"`
	ID                string          `json:"id"`
	Type              string          `json:"type"`
	Label             langMap         `json:"label"`
	Summary           langMap         `json:"summary"`
	Metadata          []metadataEntry `json:"metadata"`
	RequiredStatement metadataEntry   `json:"requiredStatement"`
	NavDate           string          `json:"navDate"`
	Homepage          []webResource   `json:"homepage"`
	SeeAlso           []webResource   `json:"seeAlso"`
	Items             []struct {
		ID     string  `json:"id"`
		Type   string  `json:"type"`
		Label  langMap `json:"label"`
		Width  int     `json:"width"`
		Height int     `json:"height"`
		Items  []struct {
			ID    string `json:"id"`
			Type  string `json:"type"`
			Items []struct {
				Type       string `json:"type"`
				Motivation string `json:"motivation"`
				Target     string `json:"target"`
				Body       struct {
					ID      string         `json:"id"`
					Type    string         `json:"type"`
					Format  string         `json:"format"`
					Width   int            `json:"width"`
					Height  int            `json:"height"`
					Service []imageService `json:"service"`
				} `json:"body"`
			} `json:"items"`
		} `json:"items"`
		Annotations []struct {
			ID    string `json:"id"`
			Type  string `json:"type"`
			Items []struct {
				Type       string   `json:"type"`
				Motivation string   `json:"motivation"`
				Target     string   `json:"target"`
				Body       textBody `json:"body"`
			} `json:"items"`
		} `json:"annotations"`
	} `json:"items"`
}

func (f *fixture) manifest(t *testing.T, id string) *testManifest {
	t.Helper()
	path := "/iiif/" + id + "/manifest"
	resp, body := f.get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
	}
	var m testManifest
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return &m
}

func TestManifest(t *testing.T) {
	f := newFixture(t)
	base := f.server.URL
	m := f.manifest(t, fullID)

	for _, c := range []struct{ what, got, want string }{
		{"@context", m.Context, "http://iiif.io/api/presentation/3/context.json"},
		{"id", m.ID, base + "/iiif/" + fullID + "/manifest"},
		{"type", m.Type, "Manifest"},
		{"label", fmt.Sprint(m.Label), "map[en:[Cultural exchanges]]"},
		{"summary", fmt.Sprint(m.Summary), "map[en:[Instruction of the Ministry to its delegations, signed by Pyotr Ivanov, on cultural exchanges]]"},
		{"navDate", m.NavDate, "1977-05-19T00:00:00Z"},
		{"homepage", fmt.Sprint(m.Homepage[0].ID, " ", m.Homepage[0].Type, " ", m.Homepage[0].Format), base + "/documents/" + fullID + " Text text/html"},
		{"seeAlso", fmt.Sprint(m.SeeAlso[0].ID, " ", m.SeeAlso[0].Type, " ", m.SeeAlso[0].Format), base + "/api/v1/documents/" + fullID + " Dataset application/json"},
		{"requiredStatement", fmt.Sprint(m.RequiredStatement.Value), "map[en:[Test Archive; Translation, Maria Sokolova; Transcription: Ivan Orlov]]"},
	} {
		if c.got != c.want {
			t.Errorf("manifest %s = %q, want %q", c.what, c.got, c.want)
		}
	}
	md := make(map[string]string)
	for _, e := range m.Metadata {
		for _, v := range e.Value {
			md[e.Label["en"][0]] = strings.Join(v, " | ")
		}
	}
	for label, want := range map[string]string{
		"Date":       "c. 19 May 1977",
		"References": "St 12-34 | No. 567",
		"Creator":    "Ministry",
		"Type":       "instruction",
		"Extent":     "4 pages (excerpt)",
		"Source":     "R 19 May 1977, St 12-34",
		"Collection": "Test Archive",
		"Translator": "Maria Sokolova",
		"Languages":  "ru, en",
	} {
		if md[label] != want {
			t.Errorf("manifest metadata %s = %q, want %q", label, md[label], want)
		}
	}

	if len(m.Items) != 4 {
		t.Fatalf("manifest has %d canvases, want 4, one a page", len(m.Items))
	}
	sizes := []struct{ w, h int }{{1200, 1700}, {600, 400}, {300, 300}, {1000, 1414}}
	for i, c := range m.Items {
		n := i + 1
		cid := fmt.Sprintf("%s/iiif/%s/canvas/%d", base, fullID, n)
		if c.ID != cid || c.Type != "Canvas" {
			t.Errorf("canvas %d = %s %s, want Canvas %s", n, c.Type, c.ID, cid)
		}
		if want := []string{"one", "two", "three", "four"}[i]; fmt.Sprint(c.Label) != "map[none:["+want+"]]" {
			t.Errorf("canvas %d label = %v, want the page's label %q", n, c.Label, want)
		}
		if c.Width != sizes[i].w || c.Height != sizes[i].h {
			t.Errorf("canvas %d is %d×%d, want %d×%d", n, c.Width, c.Height, sizes[i].w, sizes[i].h)
		}
		if n == 4 {
			if len(c.Items) != 0 {
				t.Errorf("canvas 4, of a page without an image, paints %d pages, want none", len(c.Items))
			}
		} else {
			if len(c.Items) != 1 || c.Items[0].Type != "AnnotationPage" || len(c.Items[0].Items) != 1 {
				t.Fatalf("canvas %d has no painting annotation page of one annotation: %+v", n, c.Items)
			}
			a := c.Items[0].Items[0]
			service := fmt.Sprintf("%s/iiif/image/%s~%d", base, fullID, n)
			if a.Type != "Annotation" || a.Motivation != "painting" || a.Target != cid {
				t.Errorf("canvas %d painting = %s %s on %s, want a painting Annotation on the canvas", n, a.Type, a.Motivation, a.Target)
			}
			if a.Body.ID != service+"/full/max/0/default.jpg" || a.Body.Type != "Image" || a.Body.Format != "image/jpeg" ||
				a.Body.Width != sizes[i].w || a.Body.Height != sizes[i].h {
				t.Errorf("canvas %d image = %+v", n, a.Body)
			}
			if len(a.Body.Service) != 1 || a.Body.Service[0] != (imageService{ID: service, Type: "ImageService3", Profile: "level2"}) {
				t.Errorf("canvas %d image service = %+v, want %s", n, a.Body.Service, service)
			}
			// The image the manifest names is served.
			path := strings.TrimPrefix(a.Body.ID, base)
			if resp, _ := f.get(t, path); resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s, the image of canvas %d, = %d", path, n, resp.StatusCode)
			}
		}
		if len(c.Annotations) != 1 || len(c.Annotations[0].Items) != 2 {
			t.Fatalf("canvas %d has %+v, want one annotation page of two transcriptions", n, c.Annotations)
		}
		for j, lang := range []string{"en", "ru"} {
			a := c.Annotations[0].Items[j]
			if a.Motivation != "supplementing" || a.Target != cid || a.Body.Type != "TextualBody" ||
				a.Body.Language != lang || a.Body.Format != "text/html" {
				t.Errorf("canvas %d transcription %d = %+v", n, j, a)
			}
			if want := fmt.Sprintf("%d. ", 4); !strings.Contains(a.Body.Value, want) || !strings.Contains(a.Body.Value, "[détente]") {
				t.Errorf("canvas %d transcription %s = %.80q…, want the page's four paragraphs with notes in brackets", n, lang, a.Body.Value)
			}
		}
		// The transcription page can be followed.
		path := strings.TrimPrefix(c.Annotations[0].ID, base)
		page := f.getJSON(t, path)
		if page["type"] != "AnnotationPage" || page["id"] != c.Annotations[0].ID {
			t.Errorf("GET %s = %v %v, want the canvas's AnnotationPage", path, page["type"], page["id"])
		}
	}
	if !strings.HasPrefix(m.Items[0].Annotations[0].Items[0].Body.Value, "<p><b>Instruction</b></p><p>1. ") {
		t.Errorf("page one does not start with the heading before the first page marker: %.60q", m.Items[0].Annotations[0].Items[0].Body.Value)
	}
	if strings.Contains(m.Items[1].Annotations[0].Items[0].Body.Value, "Instruction</b>") {
		t.Errorf("page two holds the heading of page one")
	}

	resp, _ := f.get(t, "/iiif/"+fullID+"/manifest")
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("manifest Content-Type = %q, want application/json", ct)
	}
	etag := resp.Header.Get("ETag")
	if resp.Header.Get("Last-Modified") == "" {
		t.Errorf("manifest has no Last-Modified")
	}
	if cc := resp.Header.Get("Cache-Control"); etag == "" || !strings.HasPrefix(cc, "public, max-age=") {
		t.Errorf("manifest ETag %q, Cache-Control %q; want both", etag, cc)
	}
	resp, _ = f.get(t, "/iiif/"+fullID+"/manifest", "Accept", "application/ld+json")
	if ct := resp.Header.Get("Content-Type"); ct != `application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"` {
		t.Errorf("manifest Content-Type for an Accept of JSON-LD = %q", ct)
	}
	if resp, _ := f.get(t, "/iiif/"+fullID+"/manifest", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("manifest with If-None-Match = %d, want 304", resp.StatusCode)
	}
}

// TestManifestWithoutPages checks that a document without page markers is
// one canvas of the default size, holding its whole text.
func TestManifestWithoutPages(t *testing.T) {
	f := newFixture(t)
	m := f.manifest(t, plainID)
	if len(m.Items) != 1 {
		t.Fatalf("manifest of a document without pages has %d canvases, want 1", len(m.Items))
	}
	c := m.Items[0]
	if c.Width != defaultCanvasWidth || c.Height != defaultCanvasHeight || len(c.Items) != 0 {
		t.Errorf("its canvas is %d×%d with %d painting pages, want %d×%d and none", c.Width, c.Height, len(c.Items), defaultCanvasWidth, defaultCanvasHeight)
	}
	if len(c.Annotations) != 1 || len(c.Annotations[0].Items) != 1 {
		t.Fatalf("its canvas has annotations %+v, want one transcription", c.Annotations)
	}
	want := "<p>The first paragraph of " + plainID + ".</p><p>The second, with <i>[an editorial note]</i>.</p>"
	if got := c.Annotations[0].Items[0].Body.Value; got != want {
		t.Errorf("its transcription = %q, want %q", got, want)
	}
}

func TestManifestNotFound(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{
		"/iiif/" + draftID + "/manifest",
		"/iiif/nope/manifest",
		"/iiif/image/manifest",
		"/iiif/" + draftID + "/canvas/1/transcription",
		"/iiif/" + fullID + "/canvas/9/transcription",
		"/iiif/" + fullID + "/manifest.xml",
	} {
		resp, body := f.get(t, path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d %s, want 404", path, resp.StatusCode, body)
		}
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("GET %s: Access-Control-Allow-Origin = %q, want *", path, got)
		}
	}
}

func TestPageHTML(t *testing.T) {
	text := func(s string) fonds.Span { return fonds.Span{Kind: fonds.SpanText, Text: s} }
	brk := func(n int) fonds.Span {
		return fonds.Span{Kind: fonds.SpanPageBreak, Page: n, Text: fmt.Sprintf("page %d", n)}
	}
	para := func(spans ...fonds.Span) fonds.Block { return fonds.Block{Kind: fonds.BlockParagraph, Spans: spans} }
	for _, tc := range []struct {
		name  string
		text  fonds.Text
		first int
		want  map[int]string
	}{
		{"no breaks", fonds.Text{para(text("a")), para(text("b"))}, 1, map[int]string{1: "<p>a</p><p>b</p>"}},
		{"before the first break",
			fonds.Text{{Kind: fonds.BlockHeading, Spans: []fonds.Span{text("Head")}}, para(brk(1)), para(text("a")), para(brk(2)), para(text("b"))}, 1,
			map[int]string{1: "<p><b>Head</b></p><p>a</p>", 2: "<p>b</p>"}},
		{"a break inside a paragraph", fonds.Text{para(text("end of one "), brk(2), text("start of two"))}, 1,
			map[int]string{1: "<p>end of one </p>", 2: "<p>start of two</p>"}},
		{"a break inside handwriting", fonds.Text{para(fonds.Span{Kind: fonds.SpanHandwritten, Spans: []fonds.Span{text("one"), brk(2), text("two")}})}, 1,
			map[int]string{1: "<p><i>one</i></p>", 2: "<p><i>two</i></p>"}},
		{"notes, deletions and nesting", fonds.Text{para(text("a "), fonds.Span{Kind: fonds.SpanNote, Text: "sic"}, text(" "),
			fonds.Span{Kind: fonds.SpanDeletion, Text: "gone"},
			fonds.Span{Kind: fonds.SpanHandwritten, Spans: []fonds.Span{text("by "), {Kind: fonds.SpanPerson, Text: "Ivanov"}}})}, 1,
			map[int]string{1: "<p>a <i>[sic]</i> <span>⟦gone⟧</span><i>by Ivanov</i></p>"}},
		{"escaped", fonds.Text{para(text("a < b & c"))}, 1, map[int]string{1: "<p>a &lt; b &amp; c</p>"}},
		{"separators skipped", fonds.Text{para(text("a")), {Kind: fonds.BlockSeparator}, para(text("b"))}, 3, map[int]string{3: "<p>a</p><p>b</p>"}},
		{"an empty page", fonds.Text{para(brk(1)), para(brk(2)), para(text("b"))}, 1, map[int]string{2: "<p>b</p>"}},
		{"a page of spaces", fonds.Text{para(text(" "), brk(2), text("b"))}, 1, map[int]string{2: "<p>b</p>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := pageHTML(tc.text, tc.first)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("pageHTML(%s) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}

// TestSeedManifest describes a real record, read by the importer's reader,
// whose pages start at page two: a canvas for each of its pages, with its
// scan and the text of that page only.
func TestSeedManifest(t *testing.T) {
	// The record fonds grew from, read in place.
	seedPath := filepath.Join(testenv.Corpus(t), "seed", "000_4215be4c9e9eb522.txt")
	f := newFixture(t)
	in, err := os.Open(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var seed *fonds.Document
	err = text.Reader{}.ReadDocuments(in, seedPath, func(d *fonds.Document, _ []fonds.Warning) error {
		seed = d
		return nil
	})
	if err != nil || seed == nil {
		t.Fatalf("read the seed: %v", err)
	}
	seed.Collection = fondstest.Collection
	seed.Status = fonds.StatusPublished
	for i, p := range seed.Pages {
		name, err := f.images.Put(seed.ID, p.N, bytes.NewReader(encodePNG(t, quadrants(800, 1131))))
		if err != nil {
			t.Fatal(err)
		}
		seed.Pages[i].Facs = name
	}
	if _, err := f.store.PutDocument(context.Background(), seed); err != nil {
		t.Fatal(err)
	}

	m := f.manifest(t, seed.ID)
	if fmt.Sprint(m.Label) != "map[en:[Human rights]]" {
		t.Errorf("the seed's manifest label = %v, want Human rights", m.Label)
	}
	if len(m.Items) != 2 {
		t.Fatalf("the seed's manifest has %d canvases, want 2 (pages two and three)", len(m.Items))
	}
	for i, want := range []struct{ label, starts, lacks string }{
		{"two", "<p>To all Soviet ambassadors", "There followed 20 pages"},
		{"three", "<p>Soviet embassies", "To all Soviet ambassadors"},
	} {
		c := m.Items[i]
		if fmt.Sprint(c.Label) != "map[none:["+want.label+"]]" || c.Width != 800 || c.Height != 1131 || len(c.Items) != 1 {
			t.Errorf("canvas %d = %v, %d×%d, %d painting pages; want page %s, 800×1131, its scan", i, c.Label, c.Width, c.Height, len(c.Items), want.label)
		}
		if len(c.Annotations) != 1 || len(c.Annotations[0].Items) != 1 {
			t.Fatalf("canvas %d has annotations %+v, want the English translation", i, c.Annotations)
		}
		body := c.Annotations[0].Items[0].Body
		if body.Language != "en" || !strings.HasPrefix(body.Value, want.starts) || strings.Contains(body.Value, want.lacks) {
			t.Errorf("page %s transcription (%s) = %.60q…, want it to start %q and not hold %q", want.label, body.Language, body.Value, want.starts, want.lacks)
		}
	}
}
