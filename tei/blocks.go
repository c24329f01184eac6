package tei

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"fonds"
)

// builder turns the elements of one document into blocks and spans.
//
// White space: a run of white space that holds a line end is the layout of
// the file, read as one space, and as nothing at the start or end of a
// block or next to other white space. Spaces written on one line are kept
// as written. So a page break in the middle of a word ("treat<pb/>ment")
// leaves the word whole, and what Write writes, a block to a line, reads
// back exactly.
type builder struct {
	rd *reader
	// volume is the FRUS volume the document belongs to, which names the
	// targets of its references within the volume.
	volume   string
	unknown  map[string]bool
	warnings []fonds.Warning

	text     fonds.Text
	block    *fonds.Block
	implicit bool          // the block was opened by loose text, not an element
	stack    []*fonds.Span // open containers

	pend      bool // a line-end run of white space waits to be written
	lastSpace bool // the block is empty or its last character is white space
	noBreak   bool // after <pb break="no"/>: the next layout run is nothing

	quote      bool // in a quotation, where a line break is a line end
	formula    bool // in an opener or closer, where signed is a signature
	dateline   int  // depth of datelines
	attachment int  // depth of attachments

	first   bool // reading the first witness, whose page breaks make the pages
	seq     int
	pages   []fonds.Page
	sawText bool

	source string      // a note of type "source" in the text
	date   *fonds.Date // of the first dateline
}

// blockNames are the elements that hold blocks rather than words.
var blockNames = map[string]bool{
	"p": true, "ab": true, "div": true, "list": true, "table": true, "head": true,
	"opener": true, "closer": true, "lg": true, "postscript": true, "floatingText": true,
	"quote": true, "attachment": true, "listBibl": true, "sp": true,
}

func containsBlocks(n *node) bool {
	for _, k := range n.kids {
		if !k.isText() && blockNames[k.name.Local] {
			return true
		}
	}
	return false
}

func (b *builder) startWitness(first bool) {
	b.text, b.block, b.stack = nil, nil, nil
	b.first, b.seq, b.sawText = first, 0, false
}

// unknownElement reports an element fonds does not know, once a file.
func (b *builder) unknownElement(name string) {
	if b.rd.report(name) {
		b.unknown[name] = true
	}
}

// heading reads a document's head: the title is its words without its
// notes, the people it names are the document's persons, and its note is
// the source note. TitleText and SourceText keep the mentions they mark.
func (b *builder) heading(h *node, d *fonds.Document) {
	kids, notes := withoutNotes(h.kids)
	var walk func([]*node)
	walk = func(kids []*node) {
		for _, k := range kids {
			if k.is("persName") {
				d.Persons = addPerson(d.Persons, fonds.Person{Name: k.plainText()})
			}
			walk(k.kids)
		}
	}
	walk(kids)
	d.Title = wordsOf(kids)
	d.TitleText = marked(b.phrase(kids))
	var source []fonds.Span
	for i, n := range notes {
		if i == 0 {
			d.Source = sourceText(n)
			source = cutSource(b.phrase(n.kids))
			continue
		}
		b.warnings = append(b.warnings, lineWarning(n.line, "a further note in the heading is kept in the source note"))
		d.Source += " " + n.plainText()
		source = appendSpans(source, fonds.Span{Kind: fonds.SpanText, Text: " "})
		source = appendSpans(source, b.phrase(n.kids)...)
	}
	d.SourceText = marked(source)
}

// withoutNotes returns kids without the notes among them or within them,
// and those notes in order.
func withoutNotes(kids []*node) (rest, notes []*node) {
	for _, k := range kids {
		switch {
		case k.is("note"):
			notes = append(notes, k)
		case k.isText() || len(k.kids) == 0:
			rest = append(rest, k)
		default:
			sub, inner := withoutNotes(k.kids)
			if len(inner) > 0 {
				c := *k
				c.kids = sub
				k = &c
				notes = append(notes, inner...)
			}
			rest = append(rest, k)
		}
	}
	return rest, notes
}

// wordsOf returns the words of nodes as plainText does.
func wordsOf(nodes []*node) string {
	var b strings.Builder
	for _, k := range nodes {
		b.WriteString(k.rawText())
	}
	return collapse(b.String())
}

func sourceText(n *node) string {
	s := n.plainText()
	if rest, ok := strings.CutPrefix(s, "Source:"); ok {
		s = strings.TrimSpace(rest)
	}
	return s
}

// cutSource removes the label "Source:" that starts FRUS's source notes
// from their spans, as sourceText does from their words.
func cutSource(spans []fonds.Span) []fonds.Span {
	if len(spans) == 0 {
		return spans
	}
	first := spans[0]
	rest, ok := strings.CutPrefix(first.Text, "Source:")
	if !ok || len(first.Spans) > 0 {
		return spans
	}
	if first.Kind == fonds.SpanText {
		first.Text = rest
	} else if strings.TrimSpace(rest) == "" {
		// <hi rend="italic">Source:</hi>
		first.Text = ""
	} else {
		return spans
	}
	spans = append([]fonds.Span{first}, spans[1:]...)
	if spans[0].Kind != fonds.SpanText && spans[0].Text == "" {
		spans = spans[1:]
	}
	if len(spans) > 0 && spans[0].Kind == fonds.SpanText {
		spans[0].Text = strings.TrimLeft(spans[0].Text, " \t\n\r")
		if spans[0].Text == "" {
			spans = spans[1:]
		}
	}
	return spans
}

// phrase reads kids as the words of one line, such as a heading or a
// source note, and returns their spans.
func (b *builder) phrase(kids []*node) []fonds.Span {
	p := &builder{rd: b.rd, unknown: b.unknown, volume: b.volume}
	p.open(fonds.BlockParagraph, false)
	p.inlineKids(kids)
	p.closeBlock()
	b.warnings = append(b.warnings, p.warnings...)
	if len(p.text) == 0 {
		return nil
	}
	return p.text[0].Spans
}

// marked returns spans if they mark anything, nil if they are only words.
func marked(spans []fonds.Span) []fonds.Span {
	for _, s := range spans {
		if s.Kind != fonds.SpanText {
			return spans
		}
	}
	return nil
}

// appendSpans appends spans to dst, joining runs of text as the reader
// does.
func appendSpans(dst []fonds.Span, spans ...fonds.Span) []fonds.Span {
	for _, s := range spans {
		if n := len(dst); n > 0 && s.Kind == fonds.SpanText && dst[n-1].Kind == fonds.SpanText {
			dst[n-1].Text += s.Text
			continue
		}
		dst = append(dst, s)
	}
	return dst
}

// open starts a block, closing the one open.
func (b *builder) open(kind fonds.BlockKind, implicit bool) {
	b.closeBlock()
	b.block = &fonds.Block{Kind: kind}
	b.implicit = implicit
	b.pend, b.lastSpace, b.noBreak = false, true, false
}

func (b *builder) closeBlock() {
	if b.block == nil {
		return
	}
	for len(b.stack) > 0 {
		b.pop()
	}
	b.text = append(b.text, *b.block)
	b.block = nil
	b.quote, b.formula = false, false
}

// one reads the element k as one block of the kind.
func (b *builder) one(kind fonds.BlockKind, k *node) {
	b.open(kind, false)
	b.quote = kind == fonds.BlockQuote
	b.formula = kind == fonds.BlockOpener || kind == fonds.BlockCloser
	b.inlineKids(k.kids)
	b.closeBlock()
}

// blocks reads elements that hold blocks.
func (b *builder) blocks(kids []*node) {
	for _, k := range kids {
		if k.isText() {
			if b.block != nil && b.implicit {
				b.addText(k.text)
				continue
			}
			if strings.TrimSpace(k.text) == "" {
				continue
			}
			b.open(fonds.BlockParagraph, true)
			b.addText(k.text)
			continue
		}
		if k.name.Space == frusNS {
			if k.name.Local == "attachment" {
				b.attachmentDiv(k)
				continue
			}
			b.unknownElement("frus:" + k.name.Local)
			b.blocks(k.kids)
			continue
		}
		switch k.name.Local {
		case "p":
			if k.get("rend") == "empty" && len(k.kids) == 0 {
				// Write's stand-in for a division with no text.
				continue
			}
			b.one(fonds.BlockParagraph, k)
		case "ab":
			switch k.get("type") {
			case "opener":
				b.one(fonds.BlockOpener, k)
			case "closer":
				b.one(fonds.BlockCloser, k)
			default:
				b.one(fonds.BlockParagraph, k)
			}
		case "head":
			b.one(fonds.BlockHeading, k)
		case "opener":
			b.one(fonds.BlockOpener, k)
		case "closer":
			b.one(fonds.BlockCloser, k)
		case "quote":
			if b.block != nil && b.implicit {
				b.inline(k)
				continue
			}
			b.one(fonds.BlockQuote, k)
		case "list":
			b.closeBlock()
			for _, c := range k.kids {
				switch {
				case c.is("item"):
					b.one(fonds.BlockItem, c)
				case c.is("head"):
					b.one(fonds.BlockHeading, c)
				default:
					b.blocks([]*node{c})
				}
			}
			b.closeBlock()
		case "table":
			b.closeBlock()
			for _, c := range k.kids {
				switch {
				case c.is("row"):
					b.row(c)
				case c.is("head"):
					b.one(fonds.BlockHeading, c)
				default:
					b.blocks([]*node{c})
				}
			}
			b.closeBlock()
		case "row":
			b.row(k)
		case "div":
			if k.get("type") == "attachment" {
				b.attachmentDiv(k)
			} else {
				b.section(k)
			}
		case "milestone":
			if k.get("unit") == "separator" {
				b.closeBlock()
				b.text = append(b.text, fonds.Block{Kind: fonds.BlockSeparator})
				continue
			}
			b.unknownElement("milestone")
		case "pb":
			if b.block == nil || !b.implicit {
				b.open(fonds.BlockParagraph, false)
				b.inline(k)
				b.closeBlock()
				continue
			}
			b.inline(k)
		case "body", "text", "group", "front", "back":
			b.blocks(k.kids)
		default:
			if containsBlocks(k) {
				b.unknownElement(k.name.Local)
				b.blocks(k.kids)
				continue
			}
			if b.block == nil || !b.implicit {
				b.open(fonds.BlockParagraph, true)
			}
			b.inline(k)
		}
	}
	if b.implicit {
		b.closeBlock()
	}
}

// attachmentDiv reads an attachment: its head (and what precedes it, such
// as FRUS's "Attachment" label) is the attachment block, its content the
// blocks after.
func (b *builder) attachmentDiv(k *node) {
	b.open(fonds.BlockAttachment, false)
	kids := k.kids
	head := -1
	for i, c := range kids {
		if c.is("head") {
			head = i
			break
		}
		if !c.isText() && blockNames[c.name.Local] {
			break
		}
	}
	if head >= 0 {
		b.inlineKids(kids[:head])
		b.inlineKids(kids[head].kids)
		kids = kids[head+1:]
	}
	b.closeBlock()
	b.attachment++
	b.blocks(kids)
	b.closeBlock()
	b.attachment--
}

// section reads a division: its head is a heading block.
func (b *builder) section(k *node) {
	b.closeBlock()
	kids := k.kids
	for i, c := range kids {
		if c.isText() {
			continue
		}
		if c.is("head") {
			b.one(fonds.BlockHeading, c)
			kids = kids[i+1:]
		}
		break
	}
	b.blocks(kids)
	b.closeBlock()
}

// row reads a row of a table: a block of cells.
func (b *builder) row(k *node) {
	b.open(fonds.BlockRow, false)
	for _, c := range k.kids {
		switch {
		case c.isText():
			if strings.TrimSpace(c.text) != "" {
				b.addText(c.text)
			}
		case c.is("cell"):
			b.container(fonds.SpanCell, "", c.kids)
		default:
			b.inline(c)
		}
	}
	b.closeBlock()
}

// inlineKids reads the words and inline elements of an element.
func (b *builder) inlineKids(kids []*node) {
	for i := 0; i < len(kids); i++ {
		k := kids[i]
		switch {
		case k.isText():
			b.addText(k.text)
		case k.is("handShift"):
			// What follows in the element is in another hand.
			b.container(fonds.SpanHandwritten, "", kids[i+1:])
			return
		case k.is("term") && i+1 < len(kids) && kids[i+1].is("gloss") && kids[i+1].get("target") == "":
			// A term and the gloss that follows it: one glossed term.
			_, ref := authorities(k.get("ref"))
			b.mention(fonds.SpanTerm, kids[i+1].plainText(), ref, k.kids)
			i++
		default:
			b.inline(k)
		}
	}
}

// spanKinds maps inline elements to the kinds of span they make.
var spanKinds = map[string]fonds.SpanKind{
	"emph": fonds.SpanEmphasis, "add": fonds.SpanInsertion, "del": fonds.SpanDeletion,
	"unclear": fonds.SpanUnclear, "stamp": fonds.SpanStamp, "signed": fonds.SpanSignature,
	"persName": fonds.SpanPerson, "placeName": fonds.SpanPlace, "orgName": fonds.SpanOrg,
	"cell": fonds.SpanCell,
}

// groups are elements that group words within a block: each starts on a
// new line.
var groups = map[string]bool{
	"dateline": true, "salute": true, "p": true, "ab": true, "item": true, "l": true,
	"head": true, "list": true, "lg": true, "div": true, "opener": true, "closer": true,
	"table": true, "row": true, "label": true, "byline": true, "docDate": true,
	"address": true, "addrLine": true, "postscript": true, "quote": true,
}

// transparent are elements whose words fonds keeps without a span, and
// which it knows: nothing of them is lost.
var transparent = map[string]bool{"date": true, "time": true, "seg": true, "s": true, "w": true}

func (b *builder) inline(k *node) {
	if k.name.Space == frusNS {
		b.unknownElement("frus:" + k.name.Local)
		b.inlineKids(k.kids)
		return
	}
	local := k.name.Local
	if kind, ok := spanKinds[local]; ok {
		target, ref := mention(k)
		switch kind {
		case fonds.SpanPerson, fonds.SpanPlace, fonds.SpanOrg:
			b.mention(kind, target, ref, k.kids)
		default:
			b.container(kind, target, k.kids)
		}
		return
	}
	switch local {
	case "pb":
		b.pageBreak(k)
	case "lb":
		b.lineBreak()
	case "gap":
		b.flushPend()
		var text string
		if desc := k.child("desc"); desc != nil {
			text = desc.rawText()
		}
		b.sawText = true
		b.add(fonds.Span{Kind: fonds.SpanOmission, Text: text})
	case "note":
		if k.get("type") == "source" && b.source == "" {
			b.source = sourceText(k)
			return
		}
		kind, n := fonds.SpanNote, k.get("n")
		if p := k.get("place"); n != "" || p == "foot" || p == "end" {
			kind = fonds.SpanFootnote
		}
		b.container(kind, n, k.kids)
	case "hi":
		kind, ok := hiKind(k)
		if !ok {
			b.unknownElement(`hi rend="` + k.get("rend") + `"`)
			b.inlineKids(k.kids)
			return
		}
		b.container(kind, "", k.kids)
	case "seg":
		if k.get("type") == "signature" {
			b.container(fonds.SpanSignature, "", k.kids)
			return
		}
		b.inlineKids(k.kids)
	case "name", "rs":
		target, ref := mention(k)
		switch k.get("type") {
		case "person":
			b.mention(fonds.SpanPerson, target, ref, k.kids)
		case "place":
			b.mention(fonds.SpanPlace, target, ref, k.kids)
		case "org":
			b.mention(fonds.SpanOrg, target, ref, k.kids)
		default:
			b.unknownElement(local)
			b.inlineKids(k.kids)
		}
	case "ref":
		b.container(fonds.SpanReference, firstNonEmpty(b.absolute(k.get("target")), k.get("cRef")), k.kids)
	case "ptr":
		b.flushPend()
		b.add(fonds.Span{Kind: fonds.SpanReference, Target: b.absolute(k.get("target"))})
	case "term", "gloss":
		_, ref := authorities(k.get("ref"))
		b.mention(fonds.SpanTerm, k.get("target"), ref, k.kids)
	case "choice":
		b.unknownElement("choice")
		for _, pref := range []string{"corr", "reg", "expan"} {
			if c := k.child(pref); c != nil {
				b.inlineKids(c.kids)
				return
			}
		}
		b.inlineKids(k.kids)
	case "date", "time":
		if b.dateline > 0 && b.date == nil && b.attachment == 0 {
			if d, ok := parseDate(k); ok {
				b.date = &d
			} else if k.get("when") != "" || k.get("notBefore") != "" || k.get("from") != "" {
				b.warnings = append(b.warnings, lineWarning(k.line, "unreadable date %q: not kept", k.plainText()))
			}
		}
		b.inlineKids(k.kids)
	default:
		if transparent[local] {
			b.inlineKids(k.kids)
			return
		}
		if groups[local] {
			b.group(k)
			return
		}
		b.unknownElement(local)
		b.inlineKids(k.kids)
	}
}

// mention returns what a mention points to (an entry of the edition's
// lists, "#p_VC_1", or a name) and the authority identifiers its @ref
// gives (URIs, space separated).
func mention(k *node) (target, ref string) {
	pointers, ref := authorities(k.get("ref"))
	return firstNonEmpty(pointers, k.get("corresp"), k.get("key"), k.get("target")), ref
}

// authorities splits the value of a @ref into the pointers within the
// edition ("#p_VC_1") and the absolute URIs that identify the entity in
// catalogues beyond it: "http://www.wikidata.org/entity/Q42", or a prefixed
// form such as "wd:Q42" or "viaf:12345" that a prefixDef expands.
func authorities(v string) (pointers, uris string) {
	var ps, us []string
	for _, f := range strings.Fields(v) {
		if absoluteURI.MatchString(f) {
			us = append(us, f)
		} else {
			ps = append(ps, f)
		}
	}
	return strings.Join(ps, " "), strings.Join(us, " ")
}

// absoluteURI matches a URI with a scheme (RFC 3986): the scheme, a colon
// and something after it.
var absoluteURI = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$`)

// absolute returns a reference's target with each pointer within the
// document's volume ("#d9", "#d8fn3") made to name the volume
// ("frus1977-80v02#d9"), so that it means the same from anywhere; a
// target that names a volume already is kept.
func (b *builder) absolute(target string) string {
	if b.volume == "" || !strings.Contains(target, "#") {
		return target
	}
	fields := strings.Fields(target)
	changed := false
	for i, f := range fields {
		if len(f) > 1 && f[0] == '#' {
			fields[i] = b.volume + f
			changed = true
		}
	}
	if !changed {
		return target
	}
	return strings.Join(fields, " ")
}

// hiKind returns the kind of span a <hi> makes: handwriting when it names
// a hand, else what its @rend says.
func hiKind(k *node) (fonds.SpanKind, bool) {
	if k.get("hand") != "" {
		return fonds.SpanHandwritten, true
	}
	for _, r := range strings.Fields(strings.ToLower(k.get("rend"))) {
		switch r {
		case "italic", "italics", "i":
			return fonds.SpanEmphasis, true
		case "bold", "strong", "b":
			return fonds.SpanStrong, true
		case "underline", "underlined", "u":
			return fonds.SpanUnderline, true
		case "smallcaps", "small-caps", "sc":
			return fonds.SpanSmallCaps, true
		case "handwritten":
			return fonds.SpanHandwritten, true
		}
	}
	return "", false
}

// group reads an element that groups words within a block, on a line of
// its own.
func (b *builder) group(k *node) {
	if b.hasContent() {
		b.lineBreak()
	}
	if k.is("dateline") || k.is("docDate") {
		b.dateline++
		defer func() { b.dateline-- }()
	}
	b.inlineKids(k.kids)
}

// hasContent reports whether the open container holds anything but a
// line break at its end.
func (b *builder) hasContent() bool {
	spans := b.current()
	if len(spans) == 0 {
		return false
	}
	return spans[len(spans)-1].Kind != fonds.SpanLineBreak && !(spans[len(spans)-1].Kind == fonds.SpanText && strings.HasSuffix(spans[len(spans)-1].Text, "\n"))
}

func (b *builder) current() []fonds.Span {
	if len(b.stack) > 0 {
		return b.stack[len(b.stack)-1].Spans
	}
	if b.block == nil {
		return nil
	}
	return b.block.Spans
}

func (b *builder) lineBreak() {
	b.pend = false
	if b.quote {
		b.emit("\n")
		return
	}
	b.add(fonds.Span{Kind: fonds.SpanLineBreak})
	b.lastSpace = true
}

func (b *builder) pageBreak(k *node) {
	b.flushPend()
	if k.get("break") == "no" {
		b.noBreak = true
	}
	sp := fonds.Span{Kind: fonds.SpanPageBreak, Text: k.get("n")}
	facs := k.get("facs")
	if m := pageID.FindStringSubmatch(facs); m != nil {
		sp.Page, _ = strconv.Atoi(m[1])
	} else {
		if b.seq == 0 && b.sawText {
			// The text before the first page break lies on a page of
			// its own.
			b.seq = 1
			if b.first {
				b.pages = append(b.pages, fonds.Page{N: 1})
			}
		}
		b.seq++
		sp.Page = b.seq
		if b.first {
			b.pages = append(b.pages, fonds.Page{N: b.seq, Label: sp.Text, Facs: facs})
		}
	}
	b.add(sp)
}

// container reads kids into a span of the kind.
func (b *builder) container(kind fonds.SpanKind, target string, kids []*node) {
	b.mention(kind, target, "", kids)
}

// mention reads kids into a span of the kind that names what target and
// the authority identifiers ref identify.
func (b *builder) mention(kind fonds.SpanKind, target, ref string, kids []*node) {
	b.flushPend()
	if b.block == nil {
		b.open(fonds.BlockParagraph, true)
	}
	s := &fonds.Span{Kind: kind, Target: target, Ref: ref}
	switch kind {
	case fonds.SpanPerson, fonds.SpanPlace, fonds.SpanOrg, fonds.SpanTerm:
		s.Label = b.rd.resolve(target, kind == fonds.SpanTerm)
	}
	b.stack = append(b.stack, s)
	if kind == fonds.SpanCell {
		b.lastSpace = true
	}
	b.inlineKids(kids)
	if kind == fonds.SpanCell {
		b.pend = false
	}
	b.pop()
}

// pop closes the innermost container: one run of text becomes its Text.
func (b *builder) pop() {
	s := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	if len(s.Spans) == 1 && s.Spans[0].Kind == fonds.SpanText {
		s.Text, s.Spans = s.Spans[0].Text, nil
	}
	b.add(*s)
}

func (b *builder) add(s fonds.Span) {
	if b.block == nil {
		b.open(fonds.BlockParagraph, true)
	}
	if len(b.stack) > 0 {
		top := b.stack[len(b.stack)-1]
		top.Spans = append(top.Spans, s)
		return
	}
	b.block.Spans = append(b.block.Spans, s)
}

// addText reads a run of character data, minding the white space of the
// layout.
func (b *builder) addText(s string) {
	for len(s) > 0 {
		i := strings.IndexFunc(s, func(r rune) bool { return !isSpace(r) })
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			run := s[:i]
			s = s[i:]
			if strings.ContainsAny(run, "\n\r") {
				if b.noBreak {
					b.noBreak = false
					continue
				}
				b.pend = true
				continue
			}
			b.flushPend()
			b.emit(run)
			continue
		}
		j := strings.IndexFunc(s, isSpace)
		if j < 0 {
			j = len(s)
		}
		b.flushPend()
		b.emit(s[:j])
		b.sawText = true
		b.noBreak = false
		s = s[j:]
	}
}

func (b *builder) flushPend() {
	if b.pend && !b.lastSpace {
		b.emit(" ")
	}
	b.pend = false
}

// emit writes words into the open container, joining them to the run of
// text before them.
func (b *builder) emit(s string) {
	if s == "" {
		return
	}
	if b.block == nil {
		b.open(fonds.BlockParagraph, true)
	}
	var spans *[]fonds.Span
	if len(b.stack) > 0 {
		spans = &b.stack[len(b.stack)-1].Spans
	} else {
		spans = &b.block.Spans
	}
	if n := len(*spans); n > 0 && (*spans)[n-1].Kind == fonds.SpanText {
		(*spans)[n-1].Text += s
	} else {
		*spans = append(*spans, fonds.Span{Kind: fonds.SpanText, Text: s})
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	b.lastSpace = isSpace(r)
}
