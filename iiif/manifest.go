package iiif

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"fonds"
)

const presentationContext = "http://iiif.io/api/presentation/3/context.json"

// manifestMaxAge is how long a client may keep a manifest without asking
// again: documents change on import, rarely.
const manifestMaxAge = 300

// The size of the canvas of a page without an image: the proportions of a
// sheet of A4 (1:√2), so that a viewer lays out such pages like scans.
const (
	defaultCanvasWidth  = 1000
	defaultCanvasHeight = 1414
)

// langMap is a IIIF language map: values by language, "none" for values
// in no language.
type langMap map[string][]string

func en(s ...string) langMap   { return langMap{"en": s} }
func none(s ...string) langMap { return langMap{"none": s} }

type manifestJSON struct {
	Context           string          `json:"@context"`
	ID                string          `json:"id"`
	Type              string          `json:"type"`
	Label             langMap         `json:"label"`
	Summary           langMap         `json:"summary,omitempty"`
	Metadata          []metadataEntry `json:"metadata,omitempty"`
	RequiredStatement *metadataEntry  `json:"requiredStatement,omitempty"`
	NavDate           string          `json:"navDate,omitempty"`
	Homepage          []webResource   `json:"homepage"`
	SeeAlso           []webResource   `json:"seeAlso"`
	Items             []canvasJSON    `json:"items"`

	// modified is when the document or one of its images last changed.
	modified time.Time
}

type metadataEntry struct {
	Label langMap `json:"label"`
	Value langMap `json:"value"`
}

type webResource struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Label    langMap  `json:"label,omitempty"`
	Format   string   `json:"format,omitempty"`
	Language []string `json:"language,omitempty"`
}

type canvasJSON struct {
	ID          string               `json:"id"`
	Type        string               `json:"type"`
	Label       langMap              `json:"label"`
	Width       int                  `json:"width"`
	Height      int                  `json:"height"`
	Items       []annotationPageJSON `json:"items"`
	Annotations []annotationPageJSON `json:"annotations,omitempty"`
}

type annotationPageJSON struct {
	Context string           `json:"@context,omitempty"`
	ID      string           `json:"id"`
	Type    string           `json:"type"`
	Items   []annotationJSON `json:"items"`
}

type annotationJSON struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Motivation string `json:"motivation"`
	Body       any    `json:"body"`
	Target     string `json:"target"`
}

type imageBody struct {
	ID      string         `json:"id"`
	Type    string         `json:"type"`
	Format  string         `json:"format"`
	Width   int            `json:"width"`
	Height  int            `json:"height"`
	Service []imageService `json:"service"`
}

type imageService struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Profile string `json:"profile"`
}

type textBody struct {
	Type     string `json:"type"`
	Value    string `json:"value"`
	Language string `json:"language,omitempty"`
	Format   string `json:"format"`
}

// visibleDocument returns the document with the id if who makes the
// request may see it; one they may not is as unknown as a missing one.
func (h *handler) visibleDocument(ctx context.Context, id string) (*fonds.Document, error) {
	doc, err := h.store.Document(ctx, id)
	if errors.Is(err, fonds.ErrNotFound) || (err == nil && !visible(ctx, doc)) {
		return nil, errorf(http.StatusNotFound, "no document %q", id)
	}
	return doc, err
}

// manifest answers the Presentation 3 manifest of a published document.
func (h *handler) manifest(w http.ResponseWriter, r *http.Request) {
	doc, err := h.visibleDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.buildManifest(r.Context(), h.base(r), doc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !m.modified.IsZero() {
		w.Header().Set("Last-Modified", m.modified.UTC().Format(http.TimeFormat))
	}
	if err := writeJSON(w, r, jsonLDType(r, presentationContext), cacheControl(doc, manifestMaxAge), m); err != nil {
		h.fail(w, r, err)
	}
}

// transcription answers the annotation page of a canvas that holds the
// transcriptions of the page, so that the page's id in the manifest can be
// followed.
func (h *handler) transcription(w http.ResponseWriter, r *http.Request) {
	doc, err := h.visibleDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.buildManifest(r.Context(), h.base(r), doc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	want := manifestBase(h.base(r), doc.ID) + "/canvas/" + r.PathValue("n")
	for _, c := range m.Items {
		if c.ID == want && len(c.Annotations) > 0 {
			page := c.Annotations[0]
			page.Context = presentationContext
			if err := writeJSON(w, r, jsonLDType(r, presentationContext), cacheControl(doc, manifestMaxAge), page); err != nil {
				h.fail(w, r, err)
			}
			return
		}
	}
	h.fail(w, r, errorf(http.StatusNotFound, "no transcription of page %q of document %q", r.PathValue("n"), doc.ID))
}

// manifestBase returns the address under which a document's manifest and
// its parts are.
func manifestBase(base, id string) string {
	return base + "/iiif/" + url.PathEscape(id)
}

// buildManifest describes the document: its metadata, and a canvas for each
// page with the page's image, if it has one, and its transcriptions.
func (h *handler) buildManifest(ctx context.Context, base string, doc *fonds.Document) (*manifestJSON, error) {
	heading := doc.Heading()
	mbase := manifestBase(base, doc.ID)
	m := &manifestJSON{
		Context:  presentationContext,
		ID:       mbase + "/manifest",
		Type:     "Manifest",
		Label:    en(heading),
		modified: doc.Updated,
		Homepage: []webResource{{
			ID:       base + "/documents/" + url.PathEscape(doc.ID),
			Type:     "Text",
			Label:    en(heading),
			Format:   "text/html",
			Language: doc.Languages,
		}},
		SeeAlso: []webResource{{
			ID:     base + "/api/v1/documents/" + url.PathEscape(doc.ID),
			Type:   "Dataset",
			Label:  en("The document's record, with its structured text"),
			Format: "application/json",
		}},
	}
	if s := doc.DisplaySummary(); s != "" {
		m.Summary = en(s)
	}
	if !doc.Date.IsZero() {
		m.NavDate = doc.Date.Start + "T00:00:00Z"
	}

	collection := doc.Collection
	if c, err := h.store.Collection(ctx, doc.Collection); err == nil && c.Title != "" {
		collection = c.Title
	} else if err != nil && !errors.Is(err, fonds.ErrNotFound) {
		return nil, err
	}
	m.Metadata, m.RequiredStatement = metadata(doc, collection)

	pages := doc.Pages
	if len(pages) == 0 {
		// A document without page markers is one page, so that a viewer
		// still shows its text: the manifest must have a canvas.
		pages = []fonds.Page{{N: 1, Label: "text"}}
	}
	texts := make([]map[int]string, len(doc.Witnesses))
	for i, wit := range doc.Witnesses {
		texts[i] = pageHTML(wit.Text, pages[0].N)
	}
	for _, p := range pages {
		cid := fmt.Sprintf("%s/canvas/%d", mbase, p.N)
		label := p.Label
		if label == "" {
			label = fmt.Sprint(p.N)
		}
		c := canvasJSON{
			ID:     cid,
			Type:   "Canvas",
			Label:  none(label),
			Width:  defaultCanvasWidth,
			Height: defaultCanvasHeight,
			Items:  []annotationPageJSON{},
		}
		if p.Facs != "" {
			src, err := h.images.source(ctx, doc.ID, p.Facs)
			switch {
			case errors.Is(err, fonds.ErrNotFound):
				// An image named but not (or not yet) stored: the
				// page is shown without it.
			case err != nil:
				return nil, err
			default:
				c.Width, c.Height = src.width, src.height
				if src.modified.After(m.modified) {
					m.modified = src.modified
				}
				service := serviceID(base, doc.ID, p.N)
				// The full image, at the largest size the service makes.
				s := min(1, limitScale(src.width, src.height))
				fw, fh := max(1, int(float64(src.width)*s+1e-9)), max(1, int(float64(src.height)*s+1e-9))
				c.Items = append(c.Items, annotationPageJSON{
					ID:   cid + "/painting",
					Type: "AnnotationPage",
					Items: []annotationJSON{{
						ID:         cid + "/painting/image",
						Type:       "Annotation",
						Motivation: "painting",
						Body: imageBody{
							ID:      service + "/full/max/0/default.jpg",
							Type:    "Image",
							Format:  "image/jpeg",
							Width:   fw,
							Height:  fh,
							Service: []imageService{{ID: service, Type: "ImageService3", Profile: "level2"}},
						},
						Target: cid,
					}},
				})
			}
		}
		var notes []annotationJSON
		for i, wit := range doc.Witnesses {
			text := texts[i][p.N]
			if text == "" {
				continue
			}
			lang := wit.Language
			notes = append(notes, annotationJSON{
				ID:         fmt.Sprintf("%s/transcription/%d-%s", cid, i+1, url.PathEscape(lang)),
				Type:       "Annotation",
				Motivation: "supplementing",
				Body:       textBody{Type: "TextualBody", Value: text, Language: lang, Format: "text/html"},
				Target:     cid,
			})
		}
		if len(notes) > 0 {
			c.Annotations = []annotationPageJSON{{ID: cid + "/transcription", Type: "AnnotationPage", Items: notes}}
		}
		m.Items = append(m.Items, c)
	}
	return m, nil
}

// metadata returns the descriptive pairs of the manifest and its required
// statement: the collection and the credits of the witnesses.
func metadata(doc *fonds.Document, collection string) ([]metadataEntry, *metadataEntry) {
	var md []metadataEntry
	add := func(label string, value langMap) {
		md = append(md, metadataEntry{Label: en(label), Value: value})
	}
	if !doc.Date.IsZero() {
		add("Date", en(doc.Date.Display()))
	}
	if len(doc.References) > 0 {
		var refs []string
		for _, r := range doc.References {
			refs = append(refs, r.Written)
		}
		label := "Reference"
		if len(refs) > 1 {
			label = "References"
		}
		add(label, none(refs...))
	}
	if doc.Creator != "" {
		add("Creator", none(doc.Creator))
	}
	if doc.Type != "" {
		add("Type", en(doc.Type))
	}
	if doc.ExtentPages > 0 {
		extent := fmt.Sprintf("%d pages", doc.ExtentPages)
		if doc.ExtentPages == 1 {
			extent = "1 page"
		}
		if doc.Excerpt {
			extent += " (excerpt)"
		}
		add("Extent", en(extent))
	}
	if doc.Source != "" {
		add("Source", none(doc.Source))
	}
	add("Collection", en(collection))
	if names := doc.Translators(); len(names) > 0 {
		label := "Translator"
		if len(names) > 1 {
			label = "Translators"
		}
		add(label, none(strings.Join(names, ", ")))
	}
	if len(doc.Languages) > 0 {
		add("Languages", none(strings.Join(doc.Languages, ", ")))
	}

	credits := []string{collection}
	for _, w := range doc.Witnesses {
		for _, c := range w.Credits {
			line := c.Written
			if line == "" {
				line = fmt.Sprintf("%s: %s", roleName(c.Role), c.Name)
			}
			credits = append(credits, line)
		}
	}
	return md, &metadataEntry{Label: en("Attribution"), Value: en(strings.Join(credits, "; "))}
}

// roleName returns a credit's role for a reader: "Translation".
func roleName(role string) string {
	switch role {
	case "translator":
		return "Translation"
	case "transcriber":
		return "Transcription"
	case "editor":
		return "Edited"
	}
	if role == "" {
		return "Credit"
	}
	return strings.ToUpper(role[:1]) + role[1:]
}

// pageHTML returns the text of each page as HTML, by page number: a page
// starts at its page break, and what comes before the first break is on
// page first. It uses only the elements IIIF clients are asked to accept
// (p, b, i, br, span), so that a viewer shows paragraphs, and marks what an
// edition marks: editorial notes in square brackets and italics, words
// struck out in ⟦double brackets⟧, handwriting and emphasis in italics.
func pageHTML(t fonds.Text, first int) map[int]string {
	w := &pageWriter{pages: make(map[int]*strings.Builder), words: make(map[int]bool), cur: first}
	for _, b := range t {
		if b.Kind == fonds.BlockSeparator {
			continue
		}
		w.block = "p"
		if b.Kind == fonds.BlockHeading {
			w.block = "b"
		}
		w.spans(b.Spans)
		w.endBlock()
	}
	out := make(map[int]string, len(w.pages))
	for n, b := range w.pages {
		if w.words[n] {
			out[n] = b.String()
		}
	}
	return out
}

// pageWriter writes the HTML of a text's pages. A paragraph is opened on
// a page when its first words are written there, so that a page break
// inside a paragraph closes it on one page and opens it on the next.
type pageWriter struct {
	pages map[int]*strings.Builder
	words map[int]bool // the page has words, not only markup
	cur   int
	block string   // "p", or "b" for a heading
	open  bool     // the block is open on the current page
	tags  []string // the inline elements open, outermost first
}

func (w *pageWriter) page() *strings.Builder {
	b := w.pages[w.cur]
	if b == nil {
		b = new(strings.Builder)
		w.pages[w.cur] = b
	}
	return b
}

// write writes markup or escaped words on the current page, opening the
// block and the inline elements first if they are not open there.
func (w *pageWriter) write(s string, words bool) {
	b := w.page()
	if !w.open {
		b.WriteString("<p>")
		if w.block == "b" {
			b.WriteString("<b>")
		}
		for _, t := range w.tags {
			b.WriteString("<" + t + ">")
		}
		w.open = true
	}
	if words && strings.TrimSpace(s) != "" {
		w.words[w.cur] = true
	}
	b.WriteString(s)
}

func (w *pageWriter) text(s string) {
	if s != "" {
		w.write(html.EscapeString(s), true)
	}
}

// endBlock closes what is open on the current page.
func (w *pageWriter) endBlock() {
	if !w.open {
		return
	}
	b := w.page()
	for i := len(w.tags) - 1; i >= 0; i-- {
		b.WriteString("</" + w.tags[i] + ">")
	}
	if w.block == "b" {
		b.WriteString("</b>")
	}
	b.WriteString("</p>")
	w.open = false
}

// inline writes spans inside the element tag.
func (w *pageWriter) inline(tag string, s fonds.Span) {
	if w.open {
		w.write("<"+tag+">", false)
	}
	w.tags = append(w.tags, tag)
	w.text(s.Text)
	w.spans(s.Spans)
	w.tags = w.tags[:len(w.tags)-1]
	if w.open {
		w.write("</"+tag+">", false)
	}
}

func (w *pageWriter) spans(spans []fonds.Span) {
	for _, s := range spans {
		switch s.Kind {
		case fonds.SpanPageBreak:
			if s.Page > 0 && s.Page != w.cur {
				w.endBlock()
				w.cur = s.Page
			}
		case fonds.SpanNote:
			w.inline("i", fonds.Span{Text: "[" + s.PlainText() + "]"})
		case fonds.SpanLineBreak:
			w.write("<br>", false)
		case fonds.SpanDeletion:
			w.inline("span", fonds.Span{Text: "⟦" + s.PlainText() + "⟧"})
		case fonds.SpanHandwritten, fonds.SpanInsertion, fonds.SpanEmphasis:
			w.inline("i", s)
		case fonds.SpanStrong:
			w.inline("b", s)
		case fonds.SpanCell:
			w.text(s.Text)
			w.spans(s.Spans)
			w.text(" ")
		default:
			w.text(s.Text)
			w.spans(s.Spans)
		}
	}
}

// strongETag returns an entity tag for the bytes of an answer.
func strongETag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}
