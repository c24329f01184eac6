// Package searchdoc is the indexed view of a document: which of its texts a
// search index holds, cleaned how, in which field and in which order. Every
// Index implementation builds its documents from a Doc, so that the embedded
// index and one in another engine search the same texts.
//
// It owns:
//   - the page texts of every witness: the document's own words, page by
//     page, without its editorial notes and footnotes, a page break within
//     a sentence kept to the page the sentence begins on (see Of);
//   - the notes, apart from the pages, and the other texts: title, summary,
//     source note, persons, credits;
//   - the order of the elements of the array fields (see Doc.Elements and
//     Kind), by which a match in a page is found on its page;
//   - the values that are filtered and counted: collection, creator, type,
//     languages, categories, reference codes, year, decade and days.
//
// How the words of the texts are analyzed (stemmed, keyed by package
// translit, their stop words) is each engine's business; the keys and the
// folding they share are in package translit.
package searchdoc

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"fonds"
)

// Doc is the indexed view of a released document.
type Doc struct {
	ID string
	// Pages are the page texts of every witness, witness after witness,
	// each with one page for each page of the document (one when it has
	// none), empty where the witness has no text on it. Pages[k] is
	// element k of the array fields (see Elements): a full-text field of
	// its language, and the names, transliteration and stop word views.
	Pages []Page
	// Title and Summary are searched in fields of their own, stemmed as
	// English; the summary is also what a hit without a matching page
	// shows.
	Title, Summary string
	// Source is the source note, searched in a field of its own.
	Source string
	// Persons are the names of the persons of the document as written,
	// each a facet value and an element of the names view; an empty one
	// still takes its element.
	Persons []string
	// Notes are the words of every editorial note and footnote, witness
	// after witness, one a note: indexed in a field of their own, which a
	// word (not a phrase) is searched in, below the text, and as elements
	// of the names and transliteration views.
	Notes []string
	// Credits are everyone credited with a text of the document.
	Credits []Credit
	// References are the reference codes as written, one for each code as
	// normalized, for hits to show; ReferenceTerms are the terms that find
	// them (see Of).
	References     []string
	ReferenceTerms []string
	// Collection, Creator and Type are facet values, as written.
	Collection, Creator, Type string
	// Languages are the base languages of the document (see BaseLanguage):
	// those it declares, else those of its witnesses.
	Languages  []string
	Categories []string
	// Year ("1977") and Decade ("1970s") are facet values, "" for an
	// undated document.
	Year, Decade string
	// Start and End are the first and last day of the date, as 1977-05-19,
	// "" when the date gives none that can be read.
	Start, End string
	// Heading and Date are what a hit shows.
	Heading string
	Date    fonds.Date
	// Hash is the content hash of the document, by which an index tells
	// whether it holds the document as stored.
	Hash       string
	Restricted bool
}

// Page is one page of a witness.
type Page struct {
	N        int    // the number of the page in the document
	Language string // the base language of the witness
	Text     string
}

// Credit is a credit of a text: the name capitalized as written (see
// Capitalize), so that the names analysis, which reads capitalized words,
// keys it; and the role (translator, transcriber, editor, ...).
type Credit struct {
	Name, Role string
}

// CreditRoles are the roles whose credits are searched by their role too
// (translator:, transcriber:, editor:).
var CreditRoles = []string{"translator", "transcriber", "editor"}

// Kind is the kind of an element of the array fields.
type Kind int

// The kinds of elements, in the order of Elements.
const (
	KindPage Kind = iota
	KindTitle
	KindSummary
	KindPerson
	KindNote
	KindSource
)

// Names reports whether elements of the kind are in the names view, the
// name keys of their capitalized words: every kind is, so that a name
// anywhere in the document finds it.
func (k Kind) Names() bool { return true }

// Keys reports whether elements of the kind are in the transliteration
// view, the key of every word (see translit.WordKey): all but the persons,
// which are names, found by their name keys.
func (k Kind) Keys() bool { return k != KindPerson }

// Stops reports whether the stop words of elements of the kind are
// indexed, each at its position, so that a query of stop words finds the
// documents that write them: those of the pages, the title and the
// summary.
func (k Kind) Stops() bool { return k == KindPage || k == KindTitle || k == KindSummary }

// Element is one element of the array fields.
type Element struct {
	Kind     Kind
	Language string // of a page
	Text     string
}

// Elements returns the elements of the array fields, in order: the pages,
// then the title, the summary, the persons, the notes and the source note.
// Element k of every view that holds its kind is at array position k, so
// that a match in element k below len(Pages) is on page text k, and a
// phrase never runs from one element into the next. Elements may be empty,
// still taking their position.
func (d *Doc) Elements() []Element {
	els := make([]Element, 0, len(d.Pages)+3+len(d.Persons)+len(d.Notes))
	for _, p := range d.Pages {
		els = append(els, Element{Kind: KindPage, Language: p.Language, Text: p.Text})
	}
	els = append(els, Element{Kind: KindTitle, Text: d.Title}, Element{Kind: KindSummary, Text: d.Summary})
	for _, p := range d.Persons {
		els = append(els, Element{Kind: KindPerson, Text: p})
	}
	for _, n := range d.Notes {
		els = append(els, Element{Kind: KindNote, Text: n})
	}
	return append(els, Element{Kind: KindSource, Text: d.Source})
}

// Of returns the indexed view of a released document.
func Of(d *fonds.Document) *Doc {
	sd := &Doc{
		ID:         d.ID,
		Title:      clean(d.Title),
		Summary:    clean(d.Summary),
		Source:     d.Source,
		Collection: d.Collection,
		Creator:    d.Creator,
		Type:       d.Type,
		Categories: d.Categories,
		Heading:    d.Heading(),
		Date:       d.Date,
		Hash:       d.Hash,
		Restricted: d.Restricted,
	}
	if sd.Hash == "" {
		sd.Hash = d.ContentHash()
	}

	// The pages of every witness, in the order of d.Pages.
	pageIndex := make(map[int]int, len(d.Pages))
	pageNumbers := []int{1}
	if len(d.Pages) > 0 {
		pageNumbers = make([]int, len(d.Pages))
		for i, p := range d.Pages {
			pageIndex[p.N] = i
			pageNumbers[i] = p.N
		}
	}
	for _, w := range d.Witnesses {
		lang := BaseLanguage(w.Language)
		sd.Languages = appendUnique(sd.Languages, lang)
		sd.Notes = append(sd.Notes, notesOf(w.Text)...)
		for i, text := range splitPages(w.Text, pageIndex, len(pageNumbers)) {
			sd.Pages = append(sd.Pages, Page{N: pageNumbers[i], Language: lang, Text: text})
		}
	}
	if len(d.Languages) > 0 {
		sd.Languages = nil
		for _, l := range d.Languages {
			sd.Languages = appendUnique(sd.Languages, BaseLanguage(l))
		}
	}
	for _, p := range d.Persons {
		sd.Persons = append(sd.Persons, p.Name)
	}
	for _, w := range d.Witnesses {
		for _, c := range w.Credits {
			if name := Capitalize(clean(c.Name)); name != "" {
				sd.Credits = append(sd.Credits, Credit{Name: name, Role: c.Role})
			}
		}
	}

	var refs []string
	for _, r := range d.References {
		norm := r.Normalized
		if norm == "" {
			norm = fonds.NormalizeReference(r.Written)
		}
		if slices.Contains(refs, norm) {
			continue
		}
		refs = append(refs, norm)
		sd.References = append(sd.References, r.Written)
	}
	// Each code as normalized, for ref: and its prefixes; in one spelling
	// of its series, which a query's code is searched by; and its number,
	// which finds it when the series is written otherwise (see
	// fonds.ReferenceNumber).
	for _, norm := range refs {
		sd.ReferenceTerms = appendUnique(sd.ReferenceTerms, norm)
		sd.ReferenceTerms = appendUnique(sd.ReferenceTerms, fonds.ReferenceKey(norm))
		sd.ReferenceTerms = appendUnique(sd.ReferenceTerms, fonds.ReferenceNumber(norm))
	}

	if y := d.Date.Year(); y > 0 {
		sd.Year = strconv.Itoa(y)
		sd.Decade = strconv.Itoa(y/10*10) + "s"
	}
	end := d.Date.End
	if end == "" {
		end = d.Date.Start
	}
	sd.Start, sd.End = day(d.Date.Start), day(end)
	return sd
}

const dateLayout = "2006-01-02"

// day returns the day s as 1977-05-19, or "" when it cannot be read: an
// unreadable date leaves the document out of date filters and at the end of
// date order, rather than out of the index.
func day(s string) string {
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Year() < 1 || t.Year() > 9999 {
		return ""
	}
	return t.Format(dateLayout)
}

// marks are the characters clean removes from every indexed text,
// characters of the private use area, which the snippets of the embedded
// index once wrote around the matching terms before escaping. Indexed texts
// keep being cleaned of them, so that an index written before holds the
// same texts.
const marks = "\uE000\uE001\uE002\uE003"

// clean removes the characters of marks, so that no text can forge one.
func clean(s string) string {
	if !strings.ContainsAny(s, marks) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(marks, r) {
			return -1
		}
		return r
	}, s)
}

// BaseLanguage returns the language of a BCP 47 tag: "en" of "en-GB".
func BaseLanguage(tag string) string {
	tag = strings.ToLower(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return tag
}

// Capitalize writes the first letter of every word in upper case, so that
// the names analysis, which keeps only capitalized words, reads a name
// written or typed in lower case as a name.
func Capitalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prev := ' '
	for _, r := range s {
		if !unicode.IsLetter(prev) && !unicode.IsDigit(prev) && prev != '\'' && prev != '’' {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func appendUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
