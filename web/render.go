package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fonds"
	entitykey "fonds/entity"
	"fonds/internal/pagebreak"
)

// RenderText returns the text as HTML: every block and span kind mapped to
// semantic elements with classes the stylesheet gives their look. Page
// markers become anchors with the ids prefix+"page-N", so that two witnesses
// on one page keep distinct ids; footnotes are numbered links to a list of
// notes after the text, with ids prefix+"fn-N" and links back.
//
// Everything written by the document or its editors is escaped; the HTML is
// safe to put in a page as it is.
func RenderText(t fonds.Text, prefix string) template.HTML {
	return renderText(t, prefix, nil)
}

// renderText is RenderText marking the terms of a search (see markTerms).
func renderText(t fonds.Text, prefix string, terms []string) template.HTML {
	return renderTextImages(t, prefix, terms, nil)
}

// renderTextImages is renderText showing beside each page marker the image
// of that page, from images: page number → IIIF image identifier.
func renderTextImages(t fonds.Text, prefix string, terms []string, images map[int]string) template.HTML {
	return renderTextLinked(t, prefix, terms, images, nil)
}

// renderTextLinked is renderTextImages linking what links says (nil: nothing).
func renderTextLinked(t fonds.Text, prefix string, terms []string, images map[int]string, links *linker) template.HTML {
	var b strings.Builder
	r := textRenderer{b: &b, prefix: prefix, terms: longestFirst(terms), images: images, links: links}
	// A page marker inside a word is drawn after the word, which reads
	// whole ("January[Page 2 (33)]", not "Jan[Page 2 (33)]uary").
	for _, blk := range pagebreak.OutOfWords(t) {
		r.block(blk)
	}
	r.group("")
	r.footnoteList()
	return template.HTML(b.String())
}

type textRenderer struct {
	b      *strings.Builder
	prefix string
	terms  []string // to mark, from highlightTerms
	// open is the element that groups consecutive blocks of one kind and
	// is still open: "ul" for list items, "table" for rows, or "".
	open string
	// footnotes are the notes met so far, rendered, for the list after the
	// text.
	footnotes []footnote
	// images maps page numbers to the IIIF identifiers of their images.
	images map[int]string
	// links, when not nil, makes mentions and citations links (see
	// linker); inLink counts the links open around what is written, so
	// that no link is drawn inside another.
	links  *linker
	inLink int
	// ids are the footnote ids taken so far, shared with the renderers of
	// the notes' words.
	ids map[string]bool
	// inline draws the spans of a heading or a source note: no footnotes
	// and no page markers, which belong to the text.
	inline bool
}

// footnote is a footnote of the text: its mark as the edition writes it,
// its id and its words as HTML.
type footnote struct {
	mark string
	id   string
	body string
}

// group opens the element that holds a run of blocks of one kind (a list,
// a table), closing the one open before if it is another.
func (r *textRenderer) group(el string) {
	if r.open == el {
		return
	}
	switch r.open {
	case "ul":
		r.b.WriteString("</ul>\n")
	case "table":
		r.b.WriteString("</table>\n")
	}
	switch el {
	case "ul":
		r.b.WriteString("<ul class=\"items\">\n")
	case "table":
		r.b.WriteString("<table class=\"rows\">\n")
	}
	r.open = el
}

func (r *textRenderer) block(blk fonds.Block) {
	switch blk.Kind {
	case fonds.BlockItem:
		r.group("ul")
		r.b.WriteString("<li>")
		r.spans(blk.Spans)
		r.b.WriteString("</li>\n")
		return
	case fonds.BlockRow:
		r.group("table")
		r.row(blk.Spans)
		return
	}
	r.group("")
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
	case fonds.BlockOpener, fonds.BlockCloser:
		fmt.Fprintf(r.b, "<div class=\"%s\">", blk.Kind)
		r.spans(blk.Spans)
		r.b.WriteString("</div>\n")
	case fonds.BlockAttachment:
		// An attachment opens a part of the document: its heading is a
		// heading of the text, saying what follows.
		r.b.WriteString("<h3 class=\"attachment\">")
		if len(blk.Spans) == 0 {
			r.b.WriteString("Attachment")
		}
		r.spans(blk.Spans)
		r.b.WriteString("</h3>\n")
	default:
		r.b.WriteString("<p>")
		r.spans(blk.Spans)
		r.b.WriteString("</p>\n")
	}
}

// row writes a row of a table: each cell a <td>; words outside a cell
// (which a row should not have) in a cell of their own.
func (r *textRenderer) row(spans []fonds.Span) {
	r.b.WriteString("<tr>")
	var loose []fonds.Span
	flush := func() {
		if len(loose) > 0 {
			r.b.WriteString("<td>")
			r.spans(loose)
			r.b.WriteString("</td>")
			loose = nil
		}
	}
	for _, s := range spans {
		if s.Kind != fonds.SpanCell {
			loose = append(loose, s)
			continue
		}
		flush()
		r.b.WriteString("<td>")
		r.inner(s)
		r.b.WriteString("</td>")
	}
	flush()
	r.b.WriteString("</tr>\n")
}

// footnoteList writes the list of the text's footnotes, each with a link
// back to its place in the text.
func (r *textRenderer) footnoteList() {
	if len(r.footnotes) == 0 {
		return
	}
	// Each note is numbered by its mark, as the source numbers it: a list
	// of terms and descriptions, not an <ol>, whose own numbers would show
	// beside the mark ("1. 2 See Document 2.").
	r.b.WriteString("<section class=\"footnotes\" aria-label=\"Footnotes\">\n<h3 class=\"footnotes-heading\">Notes</h3>\n<dl class=\"footnote-list\">\n")
	for i, fn := range r.footnotes {
		n := strconv.Itoa(i + 1)
		fmt.Fprintf(r.b, "<div class=\"footnote\" id=\"%s\"><dt class=\"footnote-mark\">%s</dt><dd>%s <a class=\"footnote-back\" href=\"#%sfnref-%s\" aria-label=\"Back to the text of note %s\">↩</a></dd></div>\n",
			fn.id, template.HTMLEscapeString(fn.mark), fn.body, r.prefix, n, template.HTMLEscapeString(fn.mark))
	}
	r.b.WriteString("</dl>\n</section>\n")
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
		if r.links != nil && r.links.inText && r.inLink == 0 {
			r.citing(line)
			continue
		}
		markTerms(r.b, line, r.terms)
	}
}

// citing writes a line of running text with the citations in it that
// resolved made links: archival references and "See Document N".
func (r *textRenderer) citing(line string) {
	done := 0
	for _, c := range r.links.inline(line) {
		markTerms(r.b, line[done:c.start], r.terms)
		r.b.WriteString(`<a class="reference" href="`)
		r.b.WriteString(template.HTMLEscapeString(c.href))
		r.b.WriteString(`">`)
		markTerms(r.b, line[c.start:c.end], r.terms)
		r.b.WriteString("</a>")
		done = c.end
	}
	markTerms(r.b, line[done:], r.terms)
}

// openLink writes the start of a link to href, if there is one, and
// reports whether it did; closeLink ends it.
func (r *textRenderer) openLink(class, href string) bool {
	if href == "" {
		return false
	}
	r.b.WriteString(`<a class="`)
	r.b.WriteString(class)
	r.b.WriteString(`" href="`)
	r.b.WriteString(template.HTMLEscapeString(href))
	r.b.WriteString(`">`)
	r.inLink++
	return true
}

func (r *textRenderer) closeLink(opened bool) {
	if opened {
		r.b.WriteString("</a>")
		r.inLink--
	}
}

// mentionLink returns the address of the index page of the entity a
// mention names, or "" when the renderer links nothing or is inside a link.
func (r *textRenderer) mentionLink(s fonds.Span) string {
	if r.links == nil || r.inLink > 0 {
		return ""
	}
	kind, key, ok := entitykey.SpanKey(s)
	if !ok {
		return ""
	}
	return entityPath(kind, key)
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

// wrappers are the span kinds drawn as an element around their words, and
// for some, the words shown when the span has none ("[Stamp]").
var wrappers = map[fonds.SpanKind]struct{ open, close, empty string }{
	fonds.SpanHandwritten: {`<i class="hand" title="Written by hand">`, "</i>", ""},
	fonds.SpanInsertion:   {`<ins class="hand-insertion" title="Inserted by hand">`, "</ins>", ""},
	fonds.SpanDeletion:    {`<del class="deletion" title="Struck out">`, "</del>", ""},
	fonds.SpanOmission:    {`<span class="omission" title="Words left out by the edition">`, "</span>", "[…]"},
	fonds.SpanStamp:       {`<span class="stamp" title="Stamp">`, "</span>", "[Stamp]"},
	fonds.SpanSignature:   {`<span class="signature" title="Signature">`, "</span>", ""},
	fonds.SpanEmphasis:    {"<em>", "</em>", ""},
	fonds.SpanUnderline:   {`<u class="underline">`, "</u>", ""},
	fonds.SpanUnclear:     {`<span class="unclear" title="uncertain reading">`, "</span>", ""},
	fonds.SpanSmallCaps:   {`<span class="smallcaps">`, "</span>", ""},
	fonds.SpanStrong:      {"<strong>", "</strong>", ""},
}

func (r *textRenderer) span(s fonds.Span) {
	b := r.b
	if w, ok := wrappers[s.Kind]; ok {
		b.WriteString(w.open)
		if w.empty != "" && s.PlainText() == "" {
			b.WriteString(w.empty)
		} else {
			r.inner(s)
		}
		b.WriteString(w.close)
		return
	}
	switch s.Kind {
	case fonds.SpanNote:
		// The note role and its label let a screen reader announce the
		// editors' words as theirs, as colour and type show them to the eye.
		b.WriteString(`<span class="note" title="Editorial note" role="note" aria-label="Editorial note">`)
		r.bracketed(s)
		b.WriteString("</span>")
	case fonds.SpanPageBreak:
		if !r.inline {
			r.pageMarker(s, false)
		}
	case fonds.SpanPerson, fonds.SpanPlace, fonds.SpanOrg:
		// A mention on a document page is a link to the index of its
		// entity, around the element that gives it its look.
		link := r.openLink("mention", r.mentionLink(s))
		fmt.Fprintf(b, `<span class="%s"`, s.Kind)
		if name := mentionName(s); name != "" && name != s.PlainText() {
			b.WriteString(` title="`)
			b.WriteString(template.HTMLEscapeString(name))
			b.WriteString(`"`)
		}
		b.WriteString(">")
		r.inner(s)
		b.WriteString("</span>")
		r.closeLink(link)
	case fonds.SpanReference:
		if r.links != nil && r.inLink == 0 {
			if href := r.links.reference(s.Target); href != "" {
				link := r.openLink("reference", href)
				r.inner(s)
				r.closeLink(link)
				return
			}
		}
		if validSlug(s.Target) && r.inLink == 0 {
			link := r.openLink("reference", documentPath(s.Target))
			r.inner(s)
			r.closeLink(link)
			return
		}
		b.WriteString(`<cite class="reference">`)
		r.inner(s)
		b.WriteString("</cite>")
	case fonds.SpanTerm:
		// The gloss shows on hover; in print, where nothing hovers, it is
		// written after the term.
		link := r.openLink("mention", r.mentionLink(s))
		expansion := mentionName(s)
		if expansion == "" || expansion == s.PlainText() {
			b.WriteString(`<dfn class="term">`)
			r.inner(s)
			b.WriteString("</dfn>")
			r.closeLink(link)
			return
		}
		gloss := template.HTMLEscapeString(expansion)
		b.WriteString(`<dfn class="term"><abbr title="` + gloss + `">`)
		r.inner(s)
		b.WriteString(`</abbr></dfn>`)
		r.closeLink(link)
		b.WriteString(`<span class="gloss"> (` + gloss + `)</span>`)
	case fonds.SpanFootnote:
		if r.inline {
			return
		}
		r.footnoteRef(s)
	case fonds.SpanLineBreak:
		b.WriteString("<br>")
	default:
		// SpanText, a cell outside a row, and any kind this renderer does
		// not know yet: the words are shown plain rather than lost.
		r.inner(s)
	}
}

// footnoteRef writes the mark of a footnote where it stands, a link to the
// note in the list after the text, and keeps the note for the list.
func (r *textRenderer) footnoteRef(s fonds.Span) {
	n := strconv.Itoa(len(r.footnotes) + 1)
	mark := strings.TrimSpace(s.Target)
	if mark == "" {
		mark = n
	}
	// The note's words are rendered apart, with the same renderer state so
	// that a note within a note joins the list too.
	id := r.footnoteID(mark, n)
	var body strings.Builder
	inner := textRenderer{b: &body, prefix: r.prefix, terms: r.terms, links: r.links, inLink: r.inLink, ids: r.ids}
	r.footnotes = append(r.footnotes, footnote{mark: mark, id: id})
	i := len(r.footnotes) - 1
	inner.footnotes = r.footnotes
	inner.inner(s)
	r.footnotes = inner.footnotes
	r.footnotes[i].body = body.String()
	fmt.Fprintf(r.b, `<sup class="footnote-ref" id="%sfnref-%s"><a href="#%s" aria-label="Note %s">%s</a></sup>`,
		r.prefix, n, id, template.HTMLEscapeString(mark), template.HTMLEscapeString(mark))
}

// footnoteID returns the id of the n-th footnote, marked mark: prefix+"fn-N"
// by its place in the text, or on a document page, where citations lead
// to notes by their marks (FRUS's "d8fn3" is note 3 of document 8),
// prefix+"fn"+mark, for the first note of each mark that can be a
// fragment as it is.
func (r *textRenderer) footnoteID(mark, n string) string {
	if r.links != nil && anchorSafe(mark) {
		if r.ids == nil {
			r.ids = make(map[string]bool)
		}
		id := r.prefix + "fn" + mark
		if !r.ids[id] {
			r.ids[id] = true
			return id
		}
	}
	return r.prefix + "fn-" + n
}

// anchorSafe reports whether s may stand in a fragment as it is: ASCII
// letters and digits, not too long.
func anchorSafe(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// renderInline returns the spans of a heading or a source note as HTML,
// their mentions and citations linked as links says; footnotes and page
// markers, which belong to the text, are left out.
func renderInline(spans []fonds.Span, links *linker) template.HTML {
	var b strings.Builder
	r := textRenderer{b: &b, links: links, inline: true}
	r.spans(spans)
	return template.HTML(b.String())
}

// linker is what the text of a document page links to: the index pages of
// the entities it mentions, and the documents and collections its
// citations resolved to (see Server.linker). A nil *linker links nothing.
type linker struct {
	// collection is the document's own, which relative targets ("#d9")
	// and "See Document N" name; number is its number in the volume, as
	// "See Document N" is read only in a numbered document.
	collection string
	number     int
	// to maps the target of a citation ("frus1977-80v02#d9", "ref:pb
	// 56/68", "frus1977-80v06") to the address of what it names, for the
	// targets that resolved to what the viewer may see.
	to map[string]string
	// inText is whether any target resolved, so that running text is
	// searched for the references it writes.
	inText bool
}

// personLink is a person of the catalogue's list, with the address of the
// person's index page on a page that links its mentions.
type personLink struct{ Name, URL string }

// Persons returns the document's list of persons, each linked to the
// index page of the person.
func (d documentData) Persons() []personLink {
	out := make([]personLink, len(d.Doc.Persons))
	for i, p := range d.Doc.Persons {
		out[i].Name = p.Name
		if key := entitykey.Key(fonds.EntityPerson, p.Name); key != "" && d.links != nil {
			out[i].URL = entityPath(fonds.EntityPerson, key)
		}
	}
	return out
}

// citable reports whether others may cite d: whether it has identities.
func citable(d *fonds.Document) bool { return len(entitykey.Identities(d)) > 0 }

// maxLinked bounds the documents a page's citations link to: each is read
// to learn whether the viewer may see it.
const maxLinked = 64

// linker returns what the text of d links to for the viewer of r: the index
// pages of the entities it mentions, and the documents its citations name
// (entity.Citations), resolved in one call of the store, and the
// collections they name. A document the viewer may not see is left as
// though it did not resolve, so that neither a link nor its absence tells
// of it.
func (s *Server) linker(r *http.Request, d *fonds.Document) (*linker, error) {
	l := &linker{collection: d.Collection, number: d.Number, to: make(map[string]string)}
	if !mayCite(d) {
		return l, nil
	}
	var targets []string
	seen := make(map[string]bool)
	for _, c := range entitykey.Citations(d) {
		if !seen[c.Target] {
			seen[c.Target] = true
			targets = append(targets, c.Target)
		}
	}
	if len(targets) == 0 {
		return l, nil
	}
	ctx := r.Context()
	ids, err := s.store.Resolve(ctx, targets)
	if err != nil {
		return nil, err
	}
	visible := make(map[string]bool)
	var collections []string
	for _, t := range targets {
		id, ok := ids[t]
		if !ok {
			if validSlug(t) {
				collections = append(collections, t)
			}
			continue
		}
		v, known := visible[id]
		if !known {
			if len(visible) == maxLinked {
				continue
			}
			doc, err := s.store.Document(ctx, id)
			if err != nil && !errors.Is(err, fonds.ErrNotFound) {
				return nil, err
			}
			v = err == nil && s.visible(r, doc)
			visible[id] = v
		}
		if v {
			l.to[t] = documentPath(id)
		}
	}
	if len(collections) > 0 {
		// A collection is shown to those who see a document of it, and to
		// those who edit it, as its page is.
		cols, err := s.store.Collections(ctx, listFilter(r))
		if err != nil {
			return nil, err
		}
		for _, c := range cols {
			if slices.Contains(collections, c.Slug) && (c.Count > 0 || roleOf(r).CanPublish()) {
				l.to[c.Slug] = collectionPath(c.Slug)
			}
		}
	}
	l.inText = len(l.to) > 0
	return l, nil
}

// mayCite reports whether d could cite anything entity.Citations finds in
// it: a reference span, "Document" in a numbered document ("See Document
// 12"), or a digit before a slash or a hyphen, as every archival reference
// it reads has ("Pb 56/68", "2154-S"). Most documents have none, and
// looking for references in their texts costs more than the rest of their
// page; a document that may cite is read for them.
func mayCite(d *fonds.Document) bool {
	digit := false // the last character read, spaces aside, was a digit
	scan := func(s string) bool {
		for _, c := range s {
			switch {
			case c >= '0' && c <= '9':
				digit = true
			case c == '/' || c == '-' || c == '‑':
				if digit {
					return true
				}
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			default:
				digit = false
			}
		}
		return false
	}
	numbered := d.Number > 0 && d.Collection != ""
	found := false
	visit := func(s fonds.Span) {
		if found {
			return
		}
		found = s.Kind == fonds.SpanReference || scan(s.Text) ||
			numbered && strings.Contains(s.Text, "Document")
	}
	fonds.Text{{Spans: d.TitleText}, {Spans: d.SourceText}}.Walk(visit)
	if len(d.SourceText) == 0 {
		visit(fonds.Span{Text: d.Source})
	}
	for _, w := range d.Witnesses {
		w.Text.Walk(visit)
	}
	return found
}

// reference returns the address the target of a SpanReference leads to,
// with the place within it ("#fn3"), or "" when it did not resolve.
func (l *linker) reference(target string) string {
	t, anchor, ok := entitykey.Target(target, l.collection)
	if !ok {
		return ""
	}
	href := l.to[t]
	if href != "" && anchor != "" && anchorSafe(anchor) && strings.HasPrefix(href, "/documents/") {
		href += "#" + anchor
	}
	return href
}

// textCitation is a citation written in running text: the bytes
// [start, end) of a line, and where it leads.
type textCitation struct {
	start, end int
	href       string
}

// inline returns the citations of a line of running text that resolved,
// in order: the archival references and "See Document N" that package
// entity finds in it.
func (l *linker) inline(line string) []textCitation {
	var out []textCitation
	for _, ref := range entitykey.References(line) {
		href := l.to["ref:"+fonds.NormalizeReference(ref)]
		if href == "" {
			continue
		}
		for i := 0; ; {
			j := strings.Index(line[i:], ref)
			if j < 0 {
				break
			}
			j += i
			i = j + len(ref)
			if wordBoundary(line, j, i, "/") {
				out = append(out, textCitation{j, i, href})
			}
		}
	}
	if l.number > 0 && l.collection != "" {
		for _, m := range seeDocument.FindAllStringSubmatchIndex(line, -1) {
			rest := strings.TrimLeft(line[m[1]:], " ,")
			if strings.HasPrefix(rest, "in ") || strings.HasPrefix(rest, "of ") {
				continue // a document of another volume
			}
			if href := l.to[l.collection+"#d"+line[m[2]:m[3]]]; href != "" {
				out = append(out, textCitation{m[0], m[1], href})
			}
		}
	}
	if len(out) < 2 {
		return out
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	kept := out[:1]
	for _, c := range out[1:] {
		if c.start >= kept[len(kept)-1].end {
			kept = append(kept, c)
		}
	}
	return kept
}

// seeDocument matches "See Document 12" as package entity reads it.
var seeDocument = regexp.MustCompile(`(?i:see)(?:\s+also)?\s+Documents?\s+(\d{1,4})\b`)

// wordBoundary reports whether s[i:j] stands alone: neither a letter nor a
// digit (nor one of also) just before or after it.
func wordBoundary(s string, i, j int, also string) bool {
	inWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(also, r) }
	if r, _ := utf8.DecodeLastRuneInString(s[:i]); i > 0 && inWord(r) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(s[j:]); j < len(s) && inWord(r) {
		return false
	}
	return true
}

// pageMarker writes the marker that opens page s.Page, an anchor a reader can
// link to: a heading between paragraphs, a bracketed marker within one.
func (r *textRenderer) pageMarker(s fonds.Span, block bool) {
	id := r.prefix + "page-" + strconv.Itoa(s.Page)
	label := PageLabel(s)
	if block {
		fmt.Fprintf(r.b, "<h3 class=\"page-marker\" id=\"%s\"><a href=\"#%s\">%s</a></h3>\n", id, id, template.HTMLEscapeString(label))
		if ident, ok := r.images[s.Page]; ok {
			// The scan of the page beside its text: a plain image, so the
			// page reads without JavaScript; the link opens it whole.
			base := "/iiif/image/" + url.PathEscape(ident)
			fmt.Fprintf(r.b, "<figure class=\"facsimile\"><a href=\"%s/full/max/0/default.jpg\">"+
				"<img src=\"%s/full/!480,720/0/default.jpg\" alt=\"Facsimile of %s\" loading=\"lazy\"></a></figure>\n",
				base, base, template.HTMLEscapeString(strings.ToLower(label[:1])+label[1:]))
		}
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
// explains them, each with a sample drawn as the text draws it (or, where
// drawing it would need the rest of a text, as given).
var keyOrder = []struct {
	kind    fonds.SpanKind
	sample  fonds.Span
	html    template.HTML
	meaning string
}{
	{kind: fonds.SpanNote, sample: fonds.Span{Kind: fonds.SpanNote, Text: "note"}, meaning: "a note by the translator or editor, not the document’s words"},
	{kind: fonds.SpanFootnote, html: `<sup class="footnote-ref">1</sup>`, meaning: "a footnote of the edition: the link leads to the note after the text, and back"},
	{kind: fonds.SpanHandwritten, sample: fonds.Span{Kind: fonds.SpanHandwritten, Text: "handwriting"}, meaning: "written by hand"},
	{kind: fonds.SpanInsertion, sample: fonds.Span{Kind: fonds.SpanInsertion, Text: "insertion"}, meaning: "inserted by hand into a typed text"},
	{kind: fonds.SpanDeletion, sample: fonds.Span{Kind: fonds.SpanDeletion, Text: "deletion"}, meaning: "struck out in the document"},
	{kind: fonds.SpanUnclear, sample: fonds.Span{Kind: fonds.SpanUnclear, Text: "unclear"}, meaning: "an uncertain reading: the editors could not read these words for certain"},
	{kind: fonds.SpanOmission, sample: fonds.Span{Kind: fonds.SpanOmission, Text: "[…]"}, meaning: "words the edition leaves out"},
	{kind: fonds.SpanStamp, sample: fonds.Span{Kind: fonds.SpanStamp, Text: "[Stamp]"}, meaning: "a stamp on the document"},
	{kind: fonds.SpanSignature, sample: fonds.Span{Kind: fonds.SpanSignature, Text: "[signed]"}, meaning: "a signature"},
	{kind: fonds.SpanUnderline, sample: fonds.Span{Kind: fonds.SpanUnderline, Text: "underlined"}, meaning: "underlined in the document"},
	{kind: fonds.SpanEmphasis, sample: fonds.Span{Kind: fonds.SpanEmphasis, Text: "emphasis"}, meaning: "emphasised in the document"},
	{kind: fonds.SpanStrong, sample: fonds.Span{Kind: fonds.SpanStrong, Text: "bold"}, meaning: "in bold type in the document"},
	{kind: fonds.SpanSmallCaps, sample: fonds.Span{Kind: fonds.SpanSmallCaps, Text: "Small capitals"}, meaning: "in small capitals in the document"},
	{kind: fonds.SpanPerson, sample: fonds.Span{Kind: fonds.SpanPerson, Text: "Name"}, meaning: "a person the document mentions"},
	{kind: fonds.SpanPlace, sample: fonds.Span{Kind: fonds.SpanPlace, Text: "Place"}, meaning: "a place the document mentions"},
	{kind: fonds.SpanOrg, sample: fonds.Span{Kind: fonds.SpanOrg, Text: "Organization"}, meaning: "an organization the document mentions"},
	{kind: fonds.SpanTerm, sample: fonds.Span{Kind: fonds.SpanTerm, Text: "term", Target: "its explanation"}, meaning: "a term the edition explains: point at it to read the explanation"},
	{kind: fonds.SpanReference, sample: fonds.Span{Kind: fonds.SpanReference, Text: "reference"}, meaning: "a reference to another document"},
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
		sample := k.html
		if sample == "" {
			var b strings.Builder
			r := textRenderer{b: &b}
			r.span(k.sample)
			sample = template.HTML(b.String())
		}
		key = append(key, keyItem{Sample: sample, Meaning: k.meaning})
	}
	return key
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

// mentionName returns what a mention or term shows beside its words: the
// name or expansion the edition's lists give its identifier, or its
// Target when that is a name or a gloss. An identifier itself (FRUS's
// "#p_SAA_1", "#t_SALT_1", a URI) is for links, never for readers, so a
// mention whose identifier was not resolved shows only its words.
func mentionName(s fonds.Span) string {
	if s.Label != "" {
		return s.Label
	}
	if isIdentifier(s.Target) {
		return ""
	}
	return s.Target
}

// isIdentifier reports whether t is a pointer or an identifier rather than
// words: one token holding "#", ":", "/" or "_" (a FRUS id such as
// p_SAA_1, a URI).
func isIdentifier(t string) bool {
	t = strings.TrimSpace(t)
	return t != "" && !strings.ContainsAny(t, " \t\n") && strings.ContainsAny(t, "#:/_")
}
