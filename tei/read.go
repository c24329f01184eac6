package tei

import (
	"encoding/xml"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"fonds"
)

// reader reads the documents of one file.
type reader struct {
	name   string
	dec    *decoder
	header *header // of a <TEI> file
	lang   string  // declared on the root
	volume string  // the FRUS volume the documents belong to
	// reported holds the elements already reported as unknown: a file
	// reports each once.
	reported map[string]bool
	emitted  int
	// buffered counts the bytes of text held outside documents.
	buffered int
	// stray is the line of text outside documents not yet reported.
	stray int
	// section is the heading of the chapter the documents read now stand in.
	section string
	// entries are the persons and terms of the lists read so far, by
	// xml:id: mentions that point to them show their names.
	entries map[string]entry
}

// roles are the witness roles a div's @type can declare.
var roles = map[string]string{
	"original":      fonds.RoleOriginal,
	"translation":   fonds.RoleTranslation,
	"transcription": fonds.RoleTranscription,
}

// readTEI reads a <TEI> file: its header, then its text, streaming the
// documents of a volume one by one.
func (rd *reader) readTEI(root startElement, fn func(*fonds.Document, []fonds.Warning) error) error {
	dec := rd.dec
	for _, a := range root.Attr {
		if a.Name.Space == xmlNS && a.Name.Local == "id" {
			rd.volume = a.Value
		}
	}
	rd.header = &header{}
	var body *node
	for done := false; !done; {
		tok, err := dec.next()
		if err == io.EOF {
			return dec.errorf("invalid XML: unexpected end of file inside <TEI>")
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case isTEI(t.Name, "teiHeader"):
				tree, err := dec.readTree(t)
				if err != nil {
					return err
				}
				rd.header = parseHeader(tree)
				if rd.volume == "" {
					rd.volume = rd.header.volumeID
				}
			case isTEI(t.Name, "facsimile"):
				tree, err := dec.readTree(t)
				if err != nil {
					return err
				}
				parseFacsimile(tree, rd.header)
			case isTEI(t.Name, "text"):
				if lang := startElement(t).xmlLang(); lang != "" {
					rd.lang = lang
				}
				body, err = rd.streamText(fn)
				if err != nil {
					return err
				}
			default:
				dec.warnings = append(dec.warnings, lineWarning(dec.line(), "<%s> is not imported", t.Name.Local))
				if err := dec.skip(); err != nil {
					return err
				}
			}
		case xml.EndElement:
			done = true
		}
	}
	if err := dec.end(); err != nil {
		return err
	}
	if rd.emitted > 0 {
		return nil
	}
	if body == nil || !hasContent(body) {
		return &fonds.ParseError{Path: rd.name, Line: dec.line(), Msg: "the TEI file holds no documents: no <div type=\"document\"> and no text"}
	}
	d, warnings, err := rd.document(body, true)
	if err != nil {
		return err
	}
	return fn(d, warnings)
}

// hasContent reports whether n holds any element or words.
func hasContent(n *node) bool {
	for _, k := range n.kids {
		if !k.isText() || strings.TrimSpace(k.text) != "" {
			return true
		}
	}
	return false
}

// streamText reads the <text> just opened. Each <div type="document">
// inside it is read whole and passed to fn at once; everything else is
// kept in the tree returned, which is the document of a file that holds
// no such divs.
func (rd *reader) streamText(fn func(*fonds.Document, []fonds.Warning) error) (*node, error) {
	text := &node{name: xml.Name{Space: teiNS, Local: "text"}, line: rd.dec.line()}
	if err := rd.streamInto(text, 1, false, fn); err != nil {
		return nil, err
	}
	body := text.find("body")
	if body == nil {
		body = text
	}
	for _, part := range []string{"front", "back"} {
		if n := text.child(part); n != nil && hasContent(n) && !onlyLists(n) && rd.emitted == 0 {
			rd.dec.warnings = append(rd.dec.warnings, lineWarning(n.line, "the %s matter of the text (<%s>) is not imported", part, part))
		}
	}
	return body, nil
}

// streamInto reads the children of parent, passing each document among
// them to fn as soon as it is read whole. kept says whether the words
// within parent are read (those of a list or of the heading of a
// division): other words outside documents are reported as not imported.
func (rd *reader) streamInto(parent *node, depth int, kept bool, fn func(*fonds.Document, []fonds.Warning) error) error {
	dec := rd.dec
	for {
		tok, err := dec.next()
		if err == io.EOF {
			return dec.errorf("invalid XML: unexpected end of file inside <%s>", parent.name.Local)
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if isTEI(t.Name, "div") && startElement(t).get("type") == "document" {
				tree, err := dec.readTree(t)
				if err != nil {
					return err
				}
				d, warnings, err := rd.document(tree, false)
				if err != nil {
					return err
				}
				rd.emitted++
				if err := fn(d, warnings); err != nil {
					return err
				}
				continue
			}
			if depth >= maxDepth {
				return dec.errorf("elements nested more than %d deep", maxDepth)
			}
			n := &node{name: t.Name, attr: t.Attr, line: dec.line()}
			parent.kids = append(parent.kids, n)
			rd.buffered += 64
			heading := n.is("head") && parent.is("div")
			section := rd.section
			if err := rd.streamInto(n, depth+1, kept || heading || n.is("list"), fn); err != nil {
				return err
			}
			switch {
			case n.is("list"):
				// A persons list or a list of terms: read before the
				// documents after it, which point to its items.
				rd.readList(n)
			case heading:
				// The heading of a chapter: the section of the
				// documents after it in the chapter.
				kids, _ := withoutNotes(n.kids)
				rd.section = strings.TrimSpace(wordsOf(kids))
			case n.is("div"):
				// The documents after a chapter are not in it.
				rd.section = section
			}
		case xml.EndElement:
			return nil
		case xml.CharData:
			if rd.stray == 0 && !kept && !isBlank(t) {
				rd.stray = dec.line()
			}
			if rd.buffered += len(t); rd.buffered > maxDocument {
				return dec.errorf("more than %d MiB of text outside documents", maxDocument>>20)
			}
			if k := len(parent.kids); k > 0 && parent.kids[k-1].isText() {
				parent.kids[k-1].text += string(t)
			} else {
				parent.kids = append(parent.kids, &node{text: string(t), line: dec.line()})
			}
		}
	}
}

// report notes an element fonds does not know, once a file.
func (rd *reader) report(local string) (first bool) {
	if rd.reported[local] {
		return false
	}
	rd.reported[local] = true
	return true
}

// document reads one document from its tree: a <div type="document">, or
// the body of a TEI file with one text (whole is true: the file's header
// describes it).
func (rd *reader) document(div *node, whole bool) (*fonds.Document, []fonds.Warning, error) {
	d := &fonds.Document{Origin: rd.name}
	if id := div.getNS(xmlNS, "id"); id != "" && !whole {
		// One of many documents of a file: named within it, so that its
		// origin holds whatever is added to the volume before it.
		d.Origin = "#" + id
	}
	var warnings []fonds.Warning
	h := rd.header
	if h == nil || !whole {
		h = &header{}
	}
	// Warnings about the file go with its first document.
	warnings = append(warnings, rd.dec.warnings...)
	rd.dec.warnings = nil
	if !whole && rd.stray > 0 {
		warnings = append(warnings, lineWarning(rd.stray, "text outside the documents, their chapters' headings and lists (front or back matter) is not imported"))
		rd.stray = -1
	}
	lang := firstNonEmpty(div.getNS(xmlNS, "lang"), rd.lang, "en")
	b := &builder{rd: rd, unknown: make(map[string]bool)}
	isDoc := div.is("div")
	// A document of a volume is named by it, and what it points to within
	// the volume ("#d9") is named so from anywhere ("frus1977-80v02#d9").
	docID := div.getNS(xmlNS, "id")
	inVolume := rd.volume != "" && docID != "" && isDoc
	if inVolume {
		b.volume = rd.volume
	}

	kids := div.kids
	if isDoc || h.fonds {
		// A document's first element is its heading: the title, the
		// people it names and the source note. Write writes the title's
		// mentions so before the witnesses.
		for i, k := range kids {
			if k.isText() {
				continue
			}
			if k.is("head") {
				if isDoc {
					b.heading(k, d)
				} else {
					d.TitleText = marked(b.phrase(k.kids))
				}
				kids = slices.Concat(kids[:i:i], kids[i+1:])
			}
			break
		}
	}

	// The witnesses: divs typed as such, or else the whole text.
	type part struct {
		lang, role, id string
		kids           []*node
	}
	var parts []part
	var loose []*node
	for _, k := range kids {
		role, ok := roles[k.get("type")]
		if k.get("type") == "witness" {
			role, ok = k.get("subtype"), true
		}
		if ok && k.is("div") {
			parts = append(parts, part{firstNonEmpty(k.getNS(xmlNS, "lang"), lang), role, k.getNS(xmlNS, "id"), k.kids})
			continue
		}
		loose = append(loose, k)
	}
	if len(parts) == 0 {
		parts = []part{{lang: lang, role: fonds.RoleOriginal, kids: loose}}
	} else if hasContent(&node{kids: loose}) {
		parts = append([]part{{lang: lang, role: fonds.RoleOriginal, kids: loose}}, parts...)
	}
	for i, p := range parts {
		b.startWitness(i == 0)
		b.blocks(p.kids)
		b.closeBlock()
		w := fonds.Witness{Language: p.lang, Role: p.role, Text: b.text}
		for _, c := range h.credits {
			if c.witness == p.id && p.id != "" || c.witness == "" && i == 0 {
				w.Credits = append(w.Credits, c.Credit)
			}
		}
		d.Witnesses = append(d.Witnesses, w)
		if !slices.Contains(d.Languages, w.Language) {
			d.Languages = append(d.Languages, w.Language)
		}
	}
	if len(b.pages) == 0 {
		b.pages = []fonds.Page{{N: 1}}
	}
	d.Pages = b.pages
	if d.Source == "" {
		d.Source = b.source
	}

	// The date: the header's, the dateline's, or the FRUS attributes'.
	switch {
	case h.date != nil:
		d.Date = *h.date
	case b.date != nil:
		d.Date = *b.date
	default:
		if fd, ok := frusDate(div); ok {
			d.Date = fd
		}
	}
	for _, l := range h.badDates {
		warnings = append(warnings, lineWarning(l, "unreadable date: not kept"))
	}
	if h.badEmbargo > 0 {
		warnings = append(warnings, lineWarning(h.badEmbargo, "the licence's notBefore is neither a date (2027-01-01) nor a time (2027-01-01T09:00:00Z): no embargo kept"))
	}
	var sourceText []fonds.Span
	if h.sourceNote != nil && (h.fonds || whole) {
		// The source note of the header, with the mentions it marks.
		sourceText = marked(b.phrase(h.sourceNote.kids))
	}
	warnings = append(warnings, b.warnings...)
	if len(b.unknown) > 0 {
		var names []string
		for n := range b.unknown {
			names = append(names, "<"+n+">")
		}
		sort.Strings(names)
		warnings = append(warnings, lineWarning(div.line, "elements fonds does not know, kept as plain text: %s", strings.Join(names, ", ")))
	}

	if h.fonds {
		// Write recorded the whole catalogue record: take it as written.
		d.ID, d.Collection, d.Status, d.Aliases = h.id, h.collection, h.status, h.aliases
		d.Embargo, d.Restricted = h.embargo, h.restricted
		d.Title, d.Mark, d.Summary, d.Creator, d.Type = h.title, h.mark, h.summary, h.creator, h.typ
		d.Source, d.Excerpt, d.ExtentPages = h.source, h.excerpt, h.extent
		d.SourceText = sourceText
		d.Number, d.Section = h.number, h.section
		d.References, d.Categories, d.Conventions = h.refs, h.categories, h.conventions
		d.Persons, d.Pages = h.persons, h.pages
		if len(h.languages) > 0 {
			d.Languages = h.languages
		}
		plainTexts(d)
		return d, warnings, nil
	}
	if whole {
		if h.title != "" {
			d.Title = h.title
		}
		d.Summary, d.Creator, d.Mark, d.Type = h.summary, h.creator, h.mark, h.typ
		if h.source != "" {
			d.Source = h.source
			d.SourceText = sourceText
		}
		d.Number, d.Section = h.number, h.section
		d.References, d.Categories, d.Conventions = h.refs, h.categories, h.conventions
		d.Aliases, d.Status = h.aliases, h.status
		d.Embargo, d.Restricted = h.embargo, h.restricted
		for _, p := range h.persons {
			d.Persons = addPerson(d.Persons, p)
		}
		if len(h.pages) > 0 {
			d.Pages = h.pages
		}
		if len(h.languages) > 0 {
			d.Languages = h.languages
		}
	}
	if isDoc && !whole {
		// FRUS numbers its documents in the volume; @n holds the number.
		if n, err := strconv.Atoi(div.get("n")); err == nil && n > 0 {
			d.Number = n
		}
		d.Section = rd.section
	}
	plainTexts(d)
	if inVolume {
		// The same id and collection whether the document comes in its
		// volume or in a file of its own named after it.
		d.ID = rd.volume + "-" + docID
		d.Collection = rd.volume
	} else {
		d.ID = fonds.DocumentID(d)
	}
	return d, warnings, nil
}

// plainTexts makes the title and the source note of d the words of the
// spans that mark their mentions, where they mark any: Write writes the
// spans alone, and reading them back gives the same words.
func plainTexts(d *fonds.Document) {
	if d.TitleText != nil {
		d.Title = fonds.Block{Spans: d.TitleText}.PlainText()
	}
	if d.SourceText != nil {
		d.Source = fonds.Block{Spans: d.SourceText}.PlainText()
	}
}

func addPerson(ps []fonds.Person, p fonds.Person) []fonds.Person {
	if p.Name == "" {
		return ps
	}
	for _, q := range ps {
		if q.Name == p.Name {
			return ps
		}
	}
	return append(ps, p)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
