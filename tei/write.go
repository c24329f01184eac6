package tei

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"fonds"
)

// handID is the id of the hand Write declares for handwriting: text
// written by hand is <hi hand="#handwritten">, an insertion by hand
// <add hand="#handwritten">.
const handID = "handwritten"

// Write writes d as a TEI P5 document: one <TEI> with a full teiHeader (the
// catalogue record: title, credits, identifiers, date, references, source
// note with the mentions it marks, the chapter and number of a volume's
// document as biblScopes, extent, creator, conventions, languages,
// categories, persons), a facsimile listing the pages, and the text: the
// title with its mentions as the body's head, when it marks any, then each
// witness a <div type="translation|original|transcription" xml:lang="…">.
// A mention's pointer into the edition's lists is its @corresp, a name its
// @key, its authority URIs its @ref.
//
// The reader reads what Write writes back as the same document.
func Write(w io.Writer, d *fonds.Document) error {
	x := &writer{w: bufio.NewWriter(w)}
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	lang := "en"
	if len(d.Languages) > 0 {
		lang = d.Languages[0]
	}
	x.open(0, "TEI", "xmlns", teiNS, "xml:lang", lang)
	x.header(d)
	x.facsimile(d)
	x.open(1, "text")
	x.lists(d)
	x.open(2, "body")
	if len(d.TitleText) > 0 {
		// The title with the mentions it marks, as an edition heads a
		// document; the titleStmt holds its words.
		x.inlineBlock(3, "head", nil, d.TitleText, false)
	}
	for i, wit := range d.Witnesses {
		x.witness(i, wit, d)
	}
	if len(d.Witnesses) == 0 {
		x.open(3, "div", "type", fonds.RoleOriginal)
		x.empty(4, "p", "rend", "empty")
		x.close(3, "div")
	}
	x.close(2, "body")
	x.close(1, "text")
	x.close(0, "TEI")
	return x.w.Flush()
}

// writer writes XML: elements of structure a line each, indented; the
// content of a block on one line, so that its white space reads back as
// written.
type writer struct {
	w *bufio.Writer
}

func (x *writer) raw(s string) { x.w.WriteString(s) }

func (x *writer) indent(depth int) {
	x.raw(strings.Repeat("  ", depth))
}

// tag writes a start tag; attrs are name, value pairs, those with an empty
// value left out.
func (x *writer) tag(name string, attrs []string, empty bool) {
	x.raw("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue
		}
		x.raw(" " + attrs[i] + `="` + escape(attrs[i+1]) + `"`)
	}
	if empty {
		x.raw("/>")
	} else {
		x.raw(">")
	}
}

func (x *writer) open(depth int, name string, attrs ...string) {
	x.indent(depth)
	x.tag(name, attrs, false)
	x.raw("\n")
}

func (x *writer) close(depth int, name string) {
	x.indent(depth)
	x.raw("</" + name + ">\n")
}

func (x *writer) empty(depth int, name string, attrs ...string) {
	x.indent(depth)
	x.tag(name, attrs, true)
	x.raw("\n")
}

// leaf writes an element holding text on a line of its own.
func (x *writer) leaf(depth int, name, text string, attrs ...string) {
	x.indent(depth)
	if text == "" {
		x.tag(name, attrs, true)
	} else {
		x.tag(name, attrs, false)
		x.raw(escape(text) + "</" + name + ">")
	}
	x.raw("\n")
}

// escape escapes s for XML text or an attribute value.
func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (x *writer) header(d *fonds.Document) {
	x.open(1, "teiHeader")
	x.open(2, "fileDesc")
	x.open(3, "titleStmt")
	if d.Title != "" {
		x.leaf(4, "title", d.Title, "type", "main")
	} else {
		x.leaf(4, "title", d.Heading(), "type", "desc")
	}
	for i, w := range d.Witnesses {
		for _, c := range w.Credits {
			x.open(4, "respStmt", "corresp", "#"+witnessID(i))
			x.leaf(5, "resp", respText(c.Role), "key", c.Role)
			x.leaf(5, "name", c.Name)
			if c.Written != "" {
				x.leaf(5, "note", c.Written, "type", "written")
			}
			x.close(4, "respStmt")
		}
	}
	x.close(3, "titleStmt")

	x.open(3, "publicationStmt")
	x.leaf(4, "authority", d.Collection)
	x.leaf(4, "idno", d.ID, "type", "fonds")
	if d.Collection != "" {
		x.leaf(4, "idno", d.Collection, "type", "collection")
	}
	for _, a := range d.Aliases {
		x.leaf(4, "idno", a, "type", "alias")
	}
	x.availability(d)
	x.close(3, "publicationStmt")

	x.open(3, "sourceDesc")
	x.open(4, "bibl")
	if !d.Date.IsZero() {
		x.date(5, d.Date)
	}
	if d.Mark != "" {
		x.leaf(5, "note", d.Mark, "type", "mark")
	}
	if d.Creator != "" {
		x.leaf(5, "author", d.Creator)
	}
	if d.Type != "" {
		x.leaf(5, "note", d.Type, "type", "type")
	}
	for _, r := range d.References {
		x.leaf(5, "idno", r.Written, "type", "reference", "subtype", r.Origin)
	}
	if d.Summary != "" {
		x.leaf(5, "note", d.Summary, "type", "summary")
	}
	switch {
	case len(d.SourceText) > 0:
		x.inlineBlock(5, "note", []string{"type", "source"}, d.SourceText, false)
	case d.Source != "":
		x.leaf(5, "note", d.Source, "type", "source")
	}
	if d.Section != "" {
		x.leaf(5, "biblScope", d.Section, "unit", "chapter")
	}
	if d.Number > 0 {
		n := strconv.Itoa(d.Number)
		x.leaf(5, "biblScope", n, "unit", "document", "n", n)
	}
	if d.ExtentPages > 0 {
		n := strconv.Itoa(d.ExtentPages)
		x.indent(5)
		x.raw(`<extent><measure unit="pages" quantity="` + n + `">` + n + " pp</measure></extent>\n")
	}
	if d.Excerpt {
		x.leaf(5, "note", "Excerpt.", "type", "excerpt")
	}
	x.close(4, "bibl")
	x.close(3, "sourceDesc")
	x.close(2, "fileDesc")

	x.open(2, "encodingDesc")
	x.open(3, "appInfo")
	x.open(4, "application", "ident", application, "version", "1")
	x.leaf(5, "label", "fonds")
	x.close(4, "application")
	x.close(3, "appInfo")
	if len(d.Conventions) > 0 {
		x.open(3, "editorialDecl")
		for _, c := range d.Conventions {
			x.leaf(4, "p", c)
		}
		x.close(3, "editorialDecl")
	}
	x.close(2, "encodingDesc")

	x.open(2, "profileDesc")
	if len(d.Languages) > 0 {
		x.open(3, "langUsage")
		for _, l := range d.Languages {
			x.leaf(4, "language", l, "ident", l)
		}
		x.close(3, "langUsage")
	}
	if len(d.Categories) > 0 {
		x.open(3, "textClass")
		for _, c := range d.Categories {
			x.leaf(4, "classCode", c, "scheme", "#categories")
		}
		x.close(3, "textClass")
	}
	if len(d.Persons) > 0 {
		x.open(3, "particDesc")
		x.open(4, "listPerson")
		for _, p := range d.Persons {
			x.open(5, "person")
			x.leaf(6, "persName", p.Name)
			if p.Written != "" {
				x.leaf(6, "persName", p.Written, "type", "written")
			}
			x.close(5, "person")
		}
		x.close(4, "listPerson")
		x.close(3, "particDesc")
	}
	if usesHand(d) {
		x.open(3, "handNotes")
		x.open(4, "handNote", "xml:id", handID)
		x.leaf(5, "p", "Written by hand.")
		x.close(4, "handNote")
		x.close(3, "handNotes")
	}
	x.close(2, "profileDesc")
	if d.Status != "" {
		// TEI's att.docStatus: draft, published and withdrawn are among
		// its values; review is fonds's own.
		x.open(2, "revisionDesc", "status", string(d.Status))
		x.leaf(3, "change", "", "status", string(d.Status))
		x.close(2, "revisionDesc")
	}
	x.close(1, "teiHeader")
}

// availability writes who may see d: status "free" when the public may
// once it is published, "restricted" otherwise, with a licence applying
// from the end of an embargo and a paragraph n="restricted" for a document
// only some readers see.
func (x *writer) availability(d *fonds.Document) {
	if d.Status == "" && d.Embargo == "" && !d.Restricted {
		return
	}
	status := "restricted"
	if d.Status == fonds.StatusPublished && d.Embargo == "" && !d.Restricted {
		status = "free"
	}
	x.open(4, "availability", "status", status)
	switch d.Status {
	case fonds.StatusPublished:
		x.leaf(5, "p", "Published.")
	case fonds.StatusDraft:
		x.leaf(5, "p", "Draft: not yet published.")
	case fonds.StatusReview:
		x.leaf(5, "p", "In review: not yet published.")
	case fonds.StatusWithdrawn:
		x.leaf(5, "p", "Withdrawn: no longer published.")
	}
	if d.Embargo != "" {
		x.leaf(5, "licence", "Under embargo until "+d.Embargo+".", "notBefore", d.Embargo)
	}
	if d.Restricted {
		x.leaf(5, "p", "Restricted: open only to readers granted access.", "n", "restricted")
	}
	x.close(4, "availability")
}

func respText(role string) string {
	switch role {
	case "translator":
		return "Translation"
	case "transcriber":
		return "Transcription"
	case "editor":
		return "Editing"
	}
	return role
}

// usesHand reports whether any text of d is in handwriting.
func usesHand(d *fonds.Document) bool {
	used := false
	walkSpans(d, func(s fonds.Span) {
		if s.Kind == fonds.SpanHandwritten || s.Kind == fonds.SpanInsertion {
			used = true
		}
	})
	return used
}

// walkSpans calls fn for every span of d: of its title, its source note
// and its witnesses, depth first, in reading order.
func walkSpans(d *fonds.Document, fn func(fonds.Span)) {
	fonds.Text{{Spans: d.TitleText}, {Spans: d.SourceText}}.Walk(fn)
	for _, w := range d.Witnesses {
		w.Text.Walk(fn)
	}
}

func witnessID(i int) string { return "w" + strconv.Itoa(i+1) }

func pageRef(n int) string { return "page-" + strconv.Itoa(n) }

// date writes a date on a line of its own.
func (x *writer) date(depth int, d fonds.Date) {
	x.leaf(depth, "date", d.Written, dateAttrs(d)...)
}

// dateAttrs returns the attributes of a date: @when for a day, month or
// year, @from and @to for a range, in the precision of the date; @cert
// when it is approximate.
func dateAttrs(d fonds.Date) []string {
	start, end := lexical(d.Start, d.Precision), lexical(d.End, d.Precision)
	if s, _, ok := isoStart(start); !ok || s != d.Start {
		start = d.Start
	}
	if e, _, ok := isoEnd(end); !ok || e != d.End {
		end = d.End
	}
	var attrs []string
	if start == end {
		attrs = []string{"when", start}
	} else {
		attrs = []string{"from", start, "to", end}
	}
	if d.Approximate {
		attrs = append(attrs, "cert", "low")
	}
	return attrs
}

// lexical returns the ISO 8601 form of the date s in the precision p.
func lexical(s string, p fonds.Precision) string {
	switch {
	case p == fonds.PrecisionYear && len(s) >= 4:
		return s[:4]
	case p == fonds.PrecisionMonth && len(s) >= 7:
		return s[:7]
	}
	return s
}

// facsimile writes the pages of d: each a surface, its label, date,
// reference and image.
func (x *writer) facsimile(d *fonds.Document) {
	if len(d.Pages) == 0 {
		return
	}
	x.open(1, "facsimile")
	for _, p := range d.Pages {
		inner := p.Date != nil || p.Reference != "" || p.Of > 0 || p.Facs != ""
		if !inner {
			x.empty(2, "surface", "xml:id", pageRef(p.N), "n", p.Label)
			continue
		}
		x.open(2, "surface", "xml:id", pageRef(p.N), "n", p.Label)
		if p.Date != nil || p.Reference != "" || p.Of > 0 {
			x.open(3, "desc")
			if p.Date != nil {
				x.date(4, *p.Date)
			}
			if p.Reference != "" {
				x.leaf(4, "idno", p.Reference)
			}
			if p.Of > 0 {
				x.empty(4, "measure", "type", "of", "unit", "pages", "quantity", strconv.Itoa(p.Of))
			}
			x.close(3, "desc")
		}
		if p.Facs != "" {
			x.empty(3, "graphic", "url", p.Facs)
		}
		x.close(2, "surface")
	}
	x.close(1, "facsimile")
}

// division is a div of a witness: the witness itself, a section opened by
// a heading, or an attachment.
type division struct {
	typ    string
	head   *fonds.Block
	blocks []fonds.Block
	subs   []*division
}

// divisions arranges the blocks of a witness in divisions: a heading
// opens a section, which runs to the next heading or attachment; an
// attachment runs to the next attachment and holds its own sections.
func divisions(t fonds.Text) *division {
	root := &division{}
	cur, attach := root, (*division)(nil)
	for i := range t {
		b := &t[i]
		switch b.Kind {
		case fonds.BlockAttachment:
			attach = &division{typ: "attachment", head: b}
			root.subs = append(root.subs, attach)
			cur = attach
		case fonds.BlockHeading:
			s := &division{typ: "section", head: b}
			parent := root
			if attach != nil {
				parent = attach
			}
			parent.subs = append(parent.subs, s)
			cur = s
		default:
			cur.blocks = append(cur.blocks, *b)
		}
	}
	return root
}

func (x *writer) witness(i int, w fonds.Witness, d *fonds.Document) {
	typ, subtype := w.Role, ""
	if _, ok := roles[typ]; !ok {
		// A role TEI names no division for.
		typ, subtype = "witness", w.Role
	}
	root := divisions(w.Text)
	x.division(3, root, "div", "type", typ, "subtype", subtype, "xml:lang", w.Language, "xml:id", witnessID(i))
}

func (x *writer) division(depth int, v *division, name string, attrs ...string) {
	x.open(depth, name, attrs...)
	if v.head != nil {
		x.inlineBlock(depth+1, "head", nil, v.head.Spans, false)
	}
	// TEI wants openers before the content of a division and closers
	// after it: a formula elsewhere is an <ab> of its type.
	common := false
	bottom := len(v.blocks)
	if len(v.subs) == 0 {
		for bottom > 0 && (v.blocks[bottom-1].Kind == fonds.BlockCloser || isPageOnly(v.blocks[bottom-1])) {
			bottom--
		}
		for bottom < len(v.blocks) && v.blocks[bottom].Kind != fonds.BlockCloser {
			bottom++
		}
	}
	for i := 0; i < len(v.blocks); {
		b := v.blocks[i]
		if i == bottom && !common {
			x.empty(depth+1, "p", "rend", "empty")
			common = true
		}
		switch b.Kind {
		case fonds.BlockItem, fonds.BlockRow:
			j := i
			for j < len(v.blocks) && v.blocks[j].Kind == b.Kind {
				j++
			}
			if b.Kind == fonds.BlockItem {
				x.open(depth+1, "list")
				for _, it := range v.blocks[i:j] {
					x.inlineBlock(depth+2, "item", nil, it.Spans, false)
				}
				x.close(depth+1, "list")
			} else {
				x.open(depth+1, "table")
				for _, r := range v.blocks[i:j] {
					x.row(depth+2, r.Spans)
				}
				x.close(depth+1, "table")
			}
			common = true
			i = j
			continue
		case fonds.BlockSeparator:
			x.empty(depth+1, "milestone", "unit", "separator")
		case fonds.BlockOpener:
			if common {
				x.inlineBlock(depth+1, "ab", []string{"type", "opener"}, b.Spans, false)
			} else {
				x.inlineBlock(depth+1, "opener", nil, b.Spans, true)
			}
		case fonds.BlockCloser:
			if i >= bottom {
				x.inlineBlock(depth+1, "closer", nil, b.Spans, true)
			} else {
				x.inlineBlock(depth+1, "ab", []string{"type", "closer"}, b.Spans, false)
				common = true
			}
		case fonds.BlockQuote:
			x.inlineBlock(depth+1, "quote", nil, b.Spans, false)
			common = true
		default:
			if isPageOnly(b) {
				x.indent(depth + 1)
				x.spans(b.Spans, false)
				x.raw("\n")
				break
			}
			x.inlineBlock(depth+1, "p", nil, b.Spans, false)
			common = true
		}
		i++
	}
	if !common && len(v.subs) == 0 {
		x.empty(depth+1, "p", "rend", "empty")
	}
	for _, s := range v.subs {
		x.division(depth+1, s, "div", "type", s.typ)
	}
	x.close(depth, name)
}

// isPageOnly reports whether b is a paragraph holding only a page break,
// written as a <pb/> between blocks.
func isPageOnly(b fonds.Block) bool {
	return b.Kind == fonds.BlockParagraph && len(b.Spans) == 1 && b.Spans[0].Kind == fonds.SpanPageBreak
}

// inlineBlock writes an element holding spans on one line.
func (x *writer) inlineBlock(depth int, name string, attrs []string, spans []fonds.Span, formula bool) {
	x.indent(depth)
	if len(spans) == 0 {
		x.tag(name, attrs, true)
		x.raw("\n")
		return
	}
	x.tag(name, attrs, false)
	x.spans(spans, formula)
	x.raw("</" + name + ">\n")
}

func (x *writer) row(depth int, spans []fonds.Span) {
	x.indent(depth)
	x.raw("<row>")
	for _, s := range spans {
		if s.Kind == fonds.SpanCell {
			x.span(s, false)
			continue
		}
		x.raw("<cell>")
		x.span(s, false)
		x.raw("</cell>")
	}
	x.raw("</row>\n")
}

func (x *writer) spans(spans []fonds.Span, formula bool) {
	for _, s := range spans {
		x.span(s, formula)
	}
}

// isPointer reports whether a target is a pointer (a URI or a fragment)
// rather than a name or a gloss.
func isPointer(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t\n") && strings.ContainsAny(s, "#:/")
}

// inlineTags maps span kinds to the element and attributes that write
// them, where that is all there is to it.
var inlineTags = map[fonds.SpanKind][]string{
	fonds.SpanHandwritten: {"hi", "rend", "italic", "hand", "#" + handID},
	fonds.SpanInsertion:   {"add", "hand", "#" + handID},
	fonds.SpanDeletion:    {"del"},
	fonds.SpanStamp:       {"stamp"},
	fonds.SpanEmphasis:    {"hi", "rend", "italic"},
	fonds.SpanUnderline:   {"hi", "rend", "underline"},
	fonds.SpanStrong:      {"hi", "rend", "bold"},
	fonds.SpanSmallCaps:   {"hi", "rend", "smallcaps"},
	fonds.SpanUnclear:     {"unclear"},
	fonds.SpanCell:        {"cell"},
	fonds.SpanNote:        {"note"},
}

func (x *writer) span(s fonds.Span, formula bool) {
	var name string
	var attrs []string
	switch s.Kind {
	case fonds.SpanText:
		x.text(s.Text)
		return
	case fonds.SpanLineBreak:
		x.raw("<lb/>")
		return
	case fonds.SpanPageBreak:
		x.tag("pb", []string{"n", s.Text, "facs", "#" + pageRef(s.Page)}, true)
		return
	case fonds.SpanOmission:
		if s.Text == "" {
			x.raw(`<gap reason="omitted"/>`)
			return
		}
		x.raw(`<gap reason="omitted"><desc>` + escape(s.Text) + `</desc></gap>`)
		return
	case fonds.SpanFootnote:
		name, attrs = "note", []string{"place", "foot", "n", s.Target}
	case fonds.SpanSignature:
		if formula {
			name = "signed"
		} else {
			name, attrs = "seg", []string{"type", "signature"}
		}
	case fonds.SpanPerson, fonds.SpanPlace, fonds.SpanOrg:
		// A pointer to an entry of the edition's lists is a @corresp, as
		// FRUS writes it, a name a @key; @ref holds authority URIs.
		name = mentionTags[s.Kind]
		if isPointer(s.Target) {
			attrs = []string{"corresp", s.Target}
		} else {
			attrs = []string{"key", s.Target}
		}
		attrs = append(attrs, "ref", s.Ref)
	case fonds.SpanReference:
		name, attrs = "ref", []string{"target", s.Target}
	case fonds.SpanTerm:
		// A gloss has no @ref: a term with authority URIs is a <term>.
		if isPointer(s.Target) && s.Ref == "" {
			name, attrs = "gloss", []string{"target", s.Target}
			break
		}
		if isPointer(s.Target) {
			name, attrs = "term", []string{"target", s.Target, "ref", s.Ref}
			break
		}
		x.tag("term", []string{"ref", s.Ref}, false)
		x.content(s, false)
		x.raw("</term>")
		if s.Target != "" {
			x.raw("<gloss>" + escape(s.Target) + "</gloss>")
		}
		return
	default:
		t, ok := inlineTags[s.Kind]
		if !ok {
			// A kind TEI has no element for keeps its words.
			x.content(s, false)
			return
		}
		name, attrs = t[0], t[1:]
	}
	if s.Text == "" && len(s.Spans) == 0 {
		x.tag(name, attrs, true)
		return
	}
	x.tag(name, attrs, false)
	x.content(s, false)
	x.raw("</" + name + ">")
}

func (x *writer) content(s fonds.Span, formula bool) {
	x.text(s.Text)
	x.spans(s.Spans, formula)
}

// text writes words; a line end is a <lb/>.
func (x *writer) text(s string) {
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			x.raw("<lb/>")
		}
		x.raw(escape(line))
	}
}
