package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fonds"
)

// RenderText returns the text as HTML: every block and span kind mapped to
// semantic elements with classes the stylesheet gives their look. Page
// markers become anchors with the ids prefix+"page-N", so that two witnesses
// on one page keep distinct ids.
//
// Everything written by the document or its editors is escaped; the HTML is
// safe to put in a page as it is.
func RenderText(t fonds.Text, prefix string) template.HTML {
	return renderText(t, prefix, nil)
}

// renderText is RenderText marking the terms of a search (see markTerms).
func renderText(t fonds.Text, prefix string, terms []string) template.HTML {
	var b strings.Builder
	r := textRenderer{b: &b, prefix: prefix, terms: longestFirst(terms)}
	for _, blk := range t {
		r.block(blk)
	}
	return template.HTML(b.String())
}

type textRenderer struct {
	b      *strings.Builder
	prefix string
	terms  []string // to mark, from highlightTerms
}

func (r *textRenderer) block(blk fonds.Block) {
	if blk.Kind == fonds.BlockSeparator {
		r.b.WriteString("<hr class=\"separator\">\n")
		return
	}
	// A block that holds only page markers is a marker between paragraphs;
	// it is drawn as a block of its own rather than an empty paragraph.
	if onlyPageBreaks(blk.Spans) {
		for _, s := range blk.Spans {
			if s.Kind == fonds.SpanPageBreak {
				r.pageMarker(s, true)
			}
		}
		return
	}
	switch blk.Kind {
	case fonds.BlockHeading:
		r.b.WriteString("<h3 class=\"text-heading\">")
		r.spans(blk.Spans)
		r.b.WriteString("</h3>\n")
	case fonds.BlockQuote:
		r.b.WriteString("<blockquote class=\"quote\"><p>")
		r.spans(blk.Spans)
		r.b.WriteString("</p></blockquote>\n")
	default:
		r.b.WriteString("<p>")
		r.spans(blk.Spans)
		r.b.WriteString("</p>\n")
	}
}

func onlyPageBreaks(spans []fonds.Span) bool {
	found := false
	for _, s := range spans {
		switch {
		case s.Kind == fonds.SpanPageBreak:
			found = true
		case s.Kind == fonds.SpanText && strings.TrimSpace(s.Text) == "":
		default:
			return false
		}
	}
	return found
}

func (r *textRenderer) spans(spans []fonds.Span) {
	for _, s := range spans {
		r.span(s)
	}
}

// inner writes the words of a span: its text, then its children.
func (r *textRenderer) inner(s fonds.Span) {
	r.text(s.Text)
	r.spans(s.Spans)
}

// text writes words, a line break where the source broke the line (as a
// quotation does).
func (r *textRenderer) text(s string) {
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			r.b.WriteString("<br>\n")
		}
		markTerms(r.b, line, r.terms)
	}
}

// bracketed writes the span's words within square brackets, unless its
// words already carry them.
func (r *textRenderer) bracketed(s fonds.Span) {
	words := s.PlainText()
	has := strings.HasPrefix(words, "[") && strings.HasSuffix(words, "]")
	if !has {
		r.b.WriteString("[")
	}
	r.inner(s)
	if !has {
		r.b.WriteString("]")
	}
}

func (r *textRenderer) span(s fonds.Span) {
	b := r.b
	switch s.Kind {
	case fonds.SpanNote:
		// The note role and its label let a screen reader announce the
		// editors' words as theirs, as colour and type show them to the eye.
		b.WriteString(`<span class="note" title="Editorial note" role="note" aria-label="Editorial note">`)
		r.bracketed(s)
		b.WriteString("</span>")
	case fonds.SpanHandwritten:
		b.WriteString(`<i class="hand" title="Written by hand">`)
		r.inner(s)
		b.WriteString("</i>")
	case fonds.SpanInsertion:
		b.WriteString(`<ins class="hand-insertion" title="Inserted by hand">`)
		r.inner(s)
		b.WriteString("</ins>")
	case fonds.SpanDeletion:
		b.WriteString(`<del class="deletion" title="Struck out">`)
		r.inner(s)
		b.WriteString("</del>")
	case fonds.SpanOmission:
		b.WriteString(`<span class="omission" title="Words left out by the edition">`)
		if s.PlainText() == "" {
			b.WriteString("[…]")
		} else {
			r.inner(s)
		}
		b.WriteString("</span>")
	case fonds.SpanStamp:
		b.WriteString(`<span class="stamp" title="Stamp">`)
		if s.PlainText() == "" {
			b.WriteString("[Stamp]")
		} else {
			r.inner(s)
		}
		b.WriteString("</span>")
	case fonds.SpanSignature:
		b.WriteString(`<span class="signature" title="Signature">`)
		r.inner(s)
		b.WriteString("</span>")
	case fonds.SpanPageBreak:
		r.pageMarker(s, false)
	case fonds.SpanEmphasis:
		b.WriteString("<em>")
		r.inner(s)
		b.WriteString("</em>")
	case fonds.SpanUnderline:
		b.WriteString(`<u class="underline">`)
		r.inner(s)
		b.WriteString("</u>")
	case fonds.SpanPerson:
		b.WriteString(`<span class="person"`)
		if s.Target != "" && s.Target != s.PlainText() {
			b.WriteString(` title="`)
			b.WriteString(template.HTMLEscapeString(s.Target))
			b.WriteString(`"`)
		}
		b.WriteString(">")
		r.inner(s)
		b.WriteString("</span>")
	case fonds.SpanReference:
		if validSlug(s.Target) {
			b.WriteString(`<a class="reference" href="`)
			b.WriteString(template.HTMLEscapeString(documentPath(s.Target)))
			b.WriteString(`">`)
			r.inner(s)
			b.WriteString("</a>")
			return
		}
		b.WriteString(`<cite class="reference">`)
		r.inner(s)
		b.WriteString("</cite>")
	default:
		// SpanText, and any kind this renderer does not know yet: the
		// words are shown plain rather than lost.
		r.inner(s)
	}
}

// pageMarker writes the marker that opens page s.Page, an anchor a reader can
// link to: a heading between paragraphs, a bracketed marker within one.
func (r *textRenderer) pageMarker(s fonds.Span, block bool) {
	id := r.prefix + "page-" + strconv.Itoa(s.Page)
	label := PageLabel(s)
	if block {
		fmt.Fprintf(r.b, "<h3 class=\"page-marker\" id=\"%s\"><a href=\"#%s\">%s</a></h3>\n", id, id, template.HTMLEscapeString(label))
		return
	}
	fmt.Fprintf(r.b, "<span class=\"page-marker\" id=\"%s\"><a href=\"#%s\">[%s]</a></span>", id, id, template.HTMLEscapeString(label))
}

// PageLabel returns the label of a page marker for a reader: "Page 3
// (three)", the page's number followed by the marker as the source wrote
// it, when that says more than the number.
func PageLabel(s fonds.Span) string {
	n := strconv.Itoa(s.Page)
	written := strings.TrimSpace(s.Text)
	if w, ok := cutPrefixFold(written, "page"); ok {
		written = strings.TrimSpace(w)
	}
	if written == "" || written == n {
		return "Page " + n
	}
	return "Page " + n + " (" + written + ")"
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		rest := s[len(prefix):]
		if r, _ := utf8.DecodeRuneInString(rest); rest == "" || !unicode.IsLetter(r) {
			return rest, true
		}
	}
	return s, false
}

// keyItem is one line of the key to the conventions a page uses.
type keyItem struct {
	Sample  template.HTML
	Meaning string
}

// keyOrder lists the conventions the key can explain, in the order it
// explains them, each with a sample drawn as the text draws it.
var keyOrder = []struct {
	kind    fonds.SpanKind
	sample  fonds.Span
	meaning string
}{
	{fonds.SpanNote, fonds.Span{Kind: fonds.SpanNote, Text: "note"}, "a note by the translator or editor, not the document’s words"},
	{fonds.SpanHandwritten, fonds.Span{Kind: fonds.SpanHandwritten, Text: "handwriting"}, "written by hand"},
	{fonds.SpanInsertion, fonds.Span{Kind: fonds.SpanInsertion, Text: "insertion"}, "inserted by hand into a typed text"},
	{fonds.SpanDeletion, fonds.Span{Kind: fonds.SpanDeletion, Text: "deletion"}, "struck out in the document"},
	{fonds.SpanOmission, fonds.Span{Kind: fonds.SpanOmission, Text: "[…]"}, "words the edition leaves out"},
	{fonds.SpanStamp, fonds.Span{Kind: fonds.SpanStamp, Text: "[Stamp]"}, "a stamp on the document"},
	{fonds.SpanSignature, fonds.Span{Kind: fonds.SpanSignature, Text: "[signed]"}, "a signature"},
	{fonds.SpanUnderline, fonds.Span{Kind: fonds.SpanUnderline, Text: "underlined"}, "underlined in the document"},
	{fonds.SpanEmphasis, fonds.Span{Kind: fonds.SpanEmphasis, Text: "emphasis"}, "emphasised in the document"},
	{fonds.SpanPerson, fonds.Span{Kind: fonds.SpanPerson, Text: "Name"}, "a person the document mentions"},
	{fonds.SpanReference, fonds.Span{Kind: fonds.SpanReference, Text: "reference"}, "a reference to another document"},
}

// legendKey explains the conventions the document's text uses, and only
// those: computed from the span kinds of every witness.
func legendKey(d *fonds.Document) []keyItem {
	kinds := make(map[fonds.SpanKind]bool)
	for _, w := range d.Witnesses {
		for k := range w.Text.SpanKinds() {
			kinds[k] = true
		}
	}
	return keyFor(kinds)
}

func keyFor(kinds map[fonds.SpanKind]bool) []keyItem {
	var key []keyItem
	if kinds[fonds.SpanPageBreak] {
		key = append(key, keyItem{
			Sample:  `<span class="page-marker key-sample">Page 2 (two)</span>`,
			Meaning: "where a page of the original begins; each marker is a link to that page",
		})
	}
	for _, k := range keyOrder {
		if !kinds[k.kind] {
			continue
		}
		var b strings.Builder
		r := textRenderer{b: &b}
		r.span(k.sample)
		key = append(key, keyItem{Sample: template.HTML(b.String()), Meaning: k.meaning})
	}
	return key
}

// Citation returns a citation of the document in the manner of Chicago's
// notes and bibliography: creator, “title,” date, reference, translator,
// collection, site, permalink.
func Citation(d *fonds.Document, collection, site, permalink string) string {
	var parts []string
	var quoted []bool
	add := func(s string, q bool) {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
			quoted = append(quoted, q)
		}
	}
	add(d.Creator, false)
	if d.Title != "" {
		add(d.Title, true)
	} else {
		add(strings.TrimSuffix(d.DisplaySummary(), "."), false)
	}
	if d.Date.IsZero() {
		add("n.d.", false)
	} else {
		add(d.Date.Display(), false)
	}
	add(d.PrimaryReference().Written, false)
	if t := d.Translators(); len(t) > 0 {
		add("trans. "+joinAnd(t), false)
	}
	add(collection, false)
	add(site, false)
	add(permalink, false)

	var b strings.Builder
	for i, p := range parts {
		if i > 0 && !quoted[i-1] {
			b.WriteString(", ")
		} else if i > 0 {
			b.WriteString(" ")
		}
		if !quoted[i] {
			b.WriteString(p)
			continue
		}
		// The comma goes inside the closing quotation mark, unless the
		// title ends in its own punctuation.
		b.WriteString("“")
		b.WriteString(p)
		if !strings.ContainsAny(p[len(p)-1:], "?!.,") && i < len(parts)-1 {
			b.WriteString(",")
		}
		b.WriteString("”")
	}
	if s := b.String(); s != "" && !strings.HasSuffix(s, ".") {
		b.WriteString(".")
	}
	return b.String()
}

func joinAnd(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// citationMeta returns the tags reference managers (Zotero) read a
// citation from.
func citationMeta(d *fonds.Document, collection, site, permalink string) []metaTag {
	tags := []metaTag{{"citation_title", d.Heading()}}
	if d.Creator != "" {
		tags = append(tags, metaTag{"citation_author", d.Creator})
	}
	if !d.Date.IsZero() {
		tags = append(tags, metaTag{"citation_date", strings.ReplaceAll(d.Date.Start, "-", "/")})
	}
	for _, t := range d.Translators() {
		tags = append(tags, metaTag{"citation_translator", t})
	}
	if collection != "" {
		tags = append(tags, metaTag{"citation_collection_title", collection})
	}
	tags = append(tags, metaTag{"citation_publisher", site}, metaTag{"citation_public_url", permalink})
	for _, l := range d.Languages {
		tags = append(tags, metaTag{"citation_language", l})
	}
	return tags
}

var templateFuncs = template.FuncMap{
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	},
	"join": strings.Join,
}
