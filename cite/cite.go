// Package cite writes the citations of a document: the Chicago note a reader
// copies, the files reference managers import (BibTeX, RIS, CSL-JSON), and the
// metadata a document page carries for them (Highwire Press meta tags,
// schema.org JSON-LD).
//
// Every format is written from one Item, gathered once from the document, so
// that they all say the same thing.
package cite

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fonds"
	"fonds/entity"
)

// Item is what a citation of a document says, gathered once from the
// document.
//
// A document of the archive is an unpublished archival document: its creator
// is the body that issued it, its title is the short title of its heading or,
// failing one, a description made from its summary, and it is located by its
// reference codes in the archive that publishes it.
type Item struct {
	ID string // the document's id, its permalink
	// Title is the document's own title, or a description of it when it has
	// none (Descriptive is then true): a description is not quoted.
	Title       string
	Descriptive bool
	Heading     string // the title the site shows: fonds.Document.Heading
	Summary     string // the description line, names in normal case
	Type        string // the document type: "instruction", "report"
	Creator     string // the issuing body, an institution: "Politburo"

	// Date is the document's date as the model keeps it; DateParts are the
	// parts of it that are known (year; year and month; or year, month and
	// day), nil when the document is undated; EndParts are those of the end
	// of a date that spans more than one of its units (a range of days).
	Date      fonds.Date
	DateParts []int
	EndParts  []int

	// References are the document's reference codes as written, one for
	// each that differs in normalized form, the primary reference first.
	References []string

	Collection string // the title of the collection the document belongs to
	Site       string // the name of the site that publishes the archive
	// Volume is the title of the published volume the document is part of
	// when it has a number in it (a FRUS volume, whose documents are
	// numbered): the container a citation names. Number is that number
	// ("doc. 9"). A document of a volume is cited as a part of a book, not
	// as a manuscript.
	Volume string
	Number int
	// URL is the document's permalink; the caller may pin it to a revision.
	URL         string
	Translators []string
	Language    string // BCP 47 tag of the text shown first: "en"
	Pages       int    // the extent of the original, 0 if not known
	Accessed    time.Time
	// Persons are the persons the document mentions, each once, in the
	// order of their first mention.
	Persons []Person
}

// Person is a person a document mentions: the name the edition gives, and
// the identifiers of the person in other catalogues (Wikidata, VIAF) where
// the source or an editor gave them.
type Person struct {
	Name   string
	SameAs []string
}

// NewItem gathers the citation of d, filed in the collection titled
// collectionTitle, published by the site siteName at permalink, as read at
// accessed. Permalink may name a revision of the document, to cite the
// version the reader saw.
func NewItem(d *fonds.Document, collectionTitle, siteName, permalink string, accessed time.Time) Item {
	it := Item{
		ID:         d.ID,
		Heading:    oneLine(d.Heading()),
		Summary:    oneLine(d.DisplaySummary()),
		Type:       oneLine(d.Type),
		Creator:    oneLine(d.Creator),
		Date:       d.Date,
		Collection: oneLine(collectionTitle),
		Site:       oneLine(siteName),
		URL:        strings.TrimSpace(permalink),
		Language:   language(d),
		Pages:      d.ExtentPages,
		Accessed:   accessed,
	}
	if t := oneLine(d.Title); t != "" {
		it.Title = t
	} else {
		it.Title = describe(d.Creator, it.Summary)
		it.Descriptive = true
		if it.Title == "" {
			it.Title = it.Heading
		}
	}
	if d.Number > 0 && it.Collection != "" {
		it.Volume, it.Number = it.Collection, d.Number
	}
	it.DateParts, it.EndParts = dateParts(d.Date)
	it.References = references(d)
	it.Persons = persons(d)
	for _, t := range d.Translators() {
		if t = oneLine(t); t != "" {
			it.Translators = append(it.Translators, t)
		}
	}
	return it
}

// Archive returns the name of the archive that holds the document for its
// readers: the site that publishes it.
func (it Item) Archive() string { return it.Site }

// ArchiveLocation returns where the document is in the archive: its
// reference codes, "; " between them.
func (it Item) ArchiveLocation() string { return strings.Join(it.References, "; ") }

// Circa reports whether the date is approximate.
func (it Item) Circa() bool { return it.Date.Approximate && it.DateParts != nil }

// oneLine returns s trimmed, each run of white space (line breaks included)
// written as one space: no format here may carry a line break in a value.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// describe returns a description of a document without a title, made from
// its summary: its first sentence, without the creator the summary opens
// with (it is the author of the citation), the extent in parentheses or the
// final full stop.
func describe(creator, summary string) string {
	s := summary
	if c := oneLine(creator); c != "" {
		if rest, ok := strings.CutPrefix(s, c+". "); ok {
			s = rest
		}
	}
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "("); i > 0 && strings.HasSuffix(strings.TrimRight(s, "."), ")") {
		inner := strings.TrimRight(s[i+1:], ".)")
		if strings.HasSuffix(inner, "pp") || strings.HasSuffix(inner, "pages") || strings.HasSuffix(inner, "page") {
			s = strings.TrimSpace(s[:i])
		}
	}
	s = firstSentence(s)
	return strings.TrimSpace(strings.TrimSuffix(s, "."))
}

// firstSentence returns the first sentence of s: what the document is, before
// the notes the summary adds ("Invented example.", the languages). A full
// stop after a word of one or two letters ("No.", "Yu.") ends no sentence.
func firstSentence(s string) string {
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '.' || s[i+1] != ' ' {
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i+2:])
		word := strings.TrimLeft(s[strings.LastIndex(s[:i], " ")+1:i], "(«\"“")
		if unicode.IsUpper(next) && utf8.RuneCountInString(word) > 2 {
			return s[:i]
		}
	}
	return s
}

// language returns the language of the text a reader sees first.
func language(d *fonds.Document) string {
	if len(d.Witnesses) > 0 && d.Witnesses[0].Language != "" {
		return d.Witnesses[0].Language
	}
	if len(d.Languages) > 0 {
		return d.Languages[0]
	}
	return ""
}

// references returns the written form of each distinct reference of d, the
// primary one first.
func references(d *fonds.Document) []string {
	var out []string
	seen := make(map[string]bool)
	add := func(r fonds.Reference) {
		w := oneLine(r.Written)
		key := r.Normalized
		if key == "" {
			key = fonds.NormalizeReference(w)
		}
		if w == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, w)
	}
	add(d.PrimaryReference())
	for _, r := range d.References {
		add(r)
	}
	return out
}

// Bounds on the persons an item lists, so that a document naming hundreds
// does not make every page carry them all.
const (
	maxPersons = 100
	maxSameAs  = 8
)

// persons returns the persons d mentions — in its heading, its source note,
// its texts and its list of persons — each once, keyed as package entity
// keys them, so that "Sakharov" and "Andrei Sakharov" are one person, who
// keeps the fullest name given.
func persons(d *fonds.Document) []Person {
	var out []Person
	index := make(map[string]int)
	add := func(key, name, ref string) {
		name = oneLine(name)
		if key == "" || name == "" {
			return
		}
		i, ok := index[key]
		if !ok {
			if len(out) >= maxPersons {
				return
			}
			i = len(out)
			index[key] = i
			out = append(out, Person{Name: name})
		}
		p := &out[i]
		if len(strings.Fields(name)) > len(strings.Fields(p.Name)) {
			p.Name = name
		}
		for _, u := range strings.Fields(ref) {
			if webURI(u) && !slices.Contains(p.SameAs, u) && len(p.SameAs) < maxSameAs {
				p.SameAs = append(p.SameAs, u)
			}
		}
	}
	var walk func([]fonds.Span)
	walk = func(spans []fonds.Span) {
		for _, s := range spans {
			if s.Kind == fonds.SpanPerson {
				if _, key, ok := entity.SpanKey(s); ok {
					add(key, entity.CanonicalName(s), s.Ref)
				}
			}
			walk(s.Spans)
		}
	}
	walk(d.TitleText)
	walk(d.SourceText)
	for _, p := range d.Persons {
		add(entity.Key(fonds.EntityPerson, p.Name), entity.NormalCase(p.Name), "")
	}
	for _, w := range d.Witnesses {
		for _, b := range w.Text {
			walk(b.Spans)
		}
	}
	return out
}

// webURI reports whether s is an absolute http or https URI: what sameAs
// may hold.
func webURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// dateParts returns the known parts of the date, and those of its end when
// it spans more than one unit of its precision.
func dateParts(d fonds.Date) (start, end []int) {
	start = partsOf(d.Start, d.Precision)
	if start == nil {
		return nil, nil
	}
	end = partsOf(d.End, d.Precision)
	if end == nil || equalInts(start, end) {
		end = nil
	}
	return start, end
}

func partsOf(iso string, p fonds.Precision) []int {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return nil
	}
	switch p {
	case fonds.PrecisionYear:
		return []int{t.Year()}
	case fonds.PrecisionMonth:
		return []int{t.Year(), int(t.Month())}
	}
	return []int{t.Year(), int(t.Month()), t.Day()}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// isoDate writes date parts as an ISO 8601 date of their precision: "1977",
// "1977-05", "1977-05-19".
func isoDate(parts []int) string {
	return joinDate(parts, "-")
}

// joinDate writes date parts, the year in four digits and the month and day
// in two, sep between them.
func joinDate(parts []int, sep string) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		if i == 0 {
			s[i] = fmt.Sprintf("%04d", p)
		} else {
			s[i] = fmt.Sprintf("%02d", p)
		}
	}
	return strings.Join(s, sep)
}

// Chicago returns the citation in the note form of Chicago's notes and
// bibliography style, as plain text: creator, “title,” date, reference,
// translator, collection, site, URL. An unpublished document's title is
// quoted, not italicized; a description standing in for a title is neither.
// A document of a volume names the volume and its number in it where the
// collection would stand ("in Foreign Relations …, doc. 9"), as a chapter
// names its book. An undated document gets "n.d." and the date it was
// accessed.
func (it Item) Chicago() string {
	same := func(s string) string { return s }
	return it.chicago(same, same, same)
}

// ChicagoHTML returns the Chicago citation as HTML, its words escaped, the
// title of a volume in italics and its URL a link.
func (it Item) ChicagoHTML() template.HTML {
	link := func(u string) string {
		e := template.HTMLEscapeString(u)
		return `<a href="` + e + `">` + e + `</a>`
	}
	italic := func(s string) string { return "<i>" + template.HTMLEscapeString(s) + "</i>" }
	return template.HTML(it.chicago(template.HTMLEscapeString, italic, link))
}

// chicago writes the citation, each part of it passed through esc, the
// title of a volume through italic, the URL through link.
func (it Item) chicago(esc, italic, link func(string) string) string {
	type part struct {
		s      string
		quoted bool
		url    bool
		book   bool // the title of a volume, after "in "
	}
	var parts []part
	add := func(s string, quoted bool) {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, part{s: s, quoted: quoted})
		}
	}
	add(it.Creator, false)
	add(it.Title, !it.Descriptive)
	if it.DateParts == nil {
		add("n.d.", false)
	} else {
		add(it.Date.Display(), false)
	}
	add(it.ArchiveLocation(), false)
	if len(it.Translators) > 0 {
		add("trans. "+joinAnd(it.Translators), false)
	}
	if it.Volume != "" {
		parts = append(parts, part{s: it.Volume, book: true})
		add("doc. "+strconv.Itoa(it.Number), false)
	} else {
		add(it.Collection, false)
	}
	add(it.Site, false)
	if it.DateParts == nil && !it.Accessed.IsZero() {
		add("accessed "+it.Accessed.Format("2 January 2006"), false)
	}
	if it.URL != "" {
		parts = append(parts, part{s: it.URL, url: true})
	}

	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			if parts[i-1].quoted {
				b.WriteString(" ")
			} else {
				b.WriteString(", ")
			}
		}
		switch {
		case p.url:
			b.WriteString(link(p.s))
		case p.book:
			b.WriteString("in ")
			b.WriteString(italic(p.s))
		case p.quoted:
			// The comma goes inside the closing quotation mark, unless
			// the title ends in punctuation of its own.
			b.WriteString("“")
			b.WriteString(esc(p.s))
			if i < len(parts)-1 && !strings.ContainsAny(p.s[len(p.s)-1:], "?!.,") {
				b.WriteString(",")
			}
			b.WriteString("”")
		default:
			b.WriteString(esc(p.s))
		}
	}
	// The date (or n.d.) always follows the title, so the citation never
	// ends inside quotation marks.
	if last := parts[len(parts)-1]; !strings.HasSuffix(last.s, ".") {
		b.WriteString(".")
	}
	return b.String()
}

// joinAnd writes names as a list: "A", "A and B", "A, B and C".
func joinAnd(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// splitName returns the given and family names of a person's name written
// "Given Family", or ok false for a name that cannot be split so (one word,
// or written "Family, Given").
func splitName(name string) (given, family string, ok bool) {
	name = oneLine(name)
	if strings.Contains(name, ",") {
		return "", "", false
	}
	i := strings.LastIndex(name, " ")
	if i <= 0 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}
