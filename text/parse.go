// Package text reads and writes the plain-text transcription format of
// docs/format.md: one document a file, a catalogue heading, a description,
// the text with its page markers and editorial brackets, a legend of
// conventions, the credits, and further witnesses of the same document.
//
// Parse and Write round-trip: what Parse reads, Write writes back so that
// Parse reads the same document again.
package text

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"fonds"
)

// Reader implements fonds.Reader for the format (one document per file).
type Reader struct{}

// ReadDocuments reads the one document of the file.
func (Reader) ReadDocuments(r io.Reader, name string, fn func(*fonds.Document, []fonds.Warning) error) error {
	d, warnings, err := Parse(r, name)
	if err != nil {
		return err
	}
	return fn(d, warnings)
}

var _ fonds.Reader = Reader{}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// Parse reads one document in the transcription format from r; name is the
// file's path, used in errors.
//
// Defects it can repair or tolerate (mojibake, text that is not UTF-8, a
// reference differing between heading and source note, stray brackets) are
// returned as warnings. An error is a *fonds.ParseError naming the file and
// the line.
func Parse(r io.Reader, name string) (*fonds.Document, []fonds.Warning, error) {
	lines, warnings, err := readLines(r, name)
	if err != nil {
		return nil, nil, err
	}
	fail := func(line int, err error) (*fonds.Document, []fonds.Warning, error) {
		var le *lineError
		if errors.As(err, &le) {
			return nil, nil, &fonds.ParseError{Path: name, Line: le.line, Msg: le.message()}
		}
		return nil, nil, &fonds.ParseError{Path: name, Line: line, Msg: err.Error()}
	}

	i := 0
	for i < len(lines) && trimLine(lines[i].text) == "" {
		i++
	}
	if i == len(lines) {
		return fail(1, errors.New("empty file"))
	}
	headLine := lines[i]
	h, err := parseHeading(headLine)
	if err != nil {
		return fail(headLine.n, err)
	}
	i++

	// Directives may follow the heading: who may see the document.
	var acc access
	seen := make(map[string]int)
	for {
		for i < len(lines) && trimLine(lines[i].text) == "" {
			i++
		}
		if i == len(lines) || !isDirective(trimLine(lines[i].text)) {
			break
		}
		if err := acc.parseDirective(trimLine(lines[i].text), lines[i].n, seen); err != nil {
			return fail(lines[i].n, err)
		}
		i++
	}

	// The description is the paragraph after the heading.
	descLine := headLine.n
	descText := &source{}
	if i < len(lines) && !isBodyStart(trimLine(lines[i].text)) {
		descLine = lines[i].n
		for i < len(lines) && trimLine(lines[i].text) != "" {
			descText.add(" ", lines[i], trimLine(lines[i].text))
			i++
		}
	}
	desc, err := parseDescription(descText)
	if err != nil {
		return fail(descLine, err)
	}

	d := &fonds.Document{
		Date:       h.date,
		Mark:       h.mark,
		Title:      h.title,
		TitleText:  h.titleText,
		Summary:    desc.summary,
		Creator:    h.creator,
		Type:       summaryType(desc.summary),
		Source:     desc.source,
		SourceText: desc.sourceText,
		Excerpt:    desc.excerpt,
		Categories: desc.categories,
		Origin:     name,
		Status:     fonds.StatusPublished,
		Embargo:    acc.embargo,
		Restricted: acc.restricted,
	}
	if acc.status != "" {
		d.Status = acc.status
	}
	if d.Creator == "" {
		d.Creator = summaryCreator(desc.summary)
	}
	d.ExtentPages = summaryExtent(desc.summary)

	if h.ref != "" {
		d.References = append(d.References, fonds.NewReference(h.ref, "heading"))
	}
	for _, ref := range sourceReferences(desc.source) {
		r := fonds.NewReference(ref, "source")
		if h.ref != "" && r.Normalized != d.References[0].Normalized {
			warnings = append(warnings, fonds.Warning{Line: descLine, Message: fmt.Sprintf(
				"the source note's reference %q differs from the heading's %q: both kept", ref, h.ref)})
		}
		d.References = append(d.References, r)
	}

	for k, part := range splitWitnesses(lines[i:]) {
		body, warns, err := parseWitness(part.lines)
		if err != nil {
			return fail(headLine.n, err)
		}
		warnings = append(warnings, warns...)
		w := fonds.Witness{Language: part.lang, Role: part.role, Credits: body.credits, Text: body.text}
		if k == 0 && part.role == "" {
			w.Language, w.Role = primaryWitness(w, d.Source)
		}
		d.Witnesses = append(d.Witnesses, w)
		d.Conventions = append(d.Conventions, body.conventions...)
		if !slices.Contains(d.Languages, w.Language) {
			d.Languages = append(d.Languages, w.Language)
		}
	}

	var pageRefs []fonds.Reference
	d.Pages, pageRefs = pages(d.Witnesses[0].Text)
	d.References = append(d.References, pageRefs...)
	d.Persons = persons(d)
	d.ID = fonds.DocumentID(d)
	return d, capWarnings(warnings), nil
}

// primaryWitness returns the language and role of the first text of a
// document that does not declare them: Russian if written in Cyrillic, else
// English; a translation if it credits a translator or if its source note
// names a Russian original it is not written in.
func primaryWitness(w fonds.Witness, source string) (lang, role string) {
	var cyrillic, latin int
	w.Text.Walk(func(s fonds.Span) {
		for _, r := range s.Text {
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				cyrillic++
			case unicode.Is(unicode.Latin, r):
				latin++
			}
		}
	})
	lang = "en"
	if cyrillic > latin {
		lang = "ru"
	}
	role = fonds.RoleOriginal
	for _, c := range w.Credits {
		if c.Role == "translator" {
			role = fonds.RoleTranslation
		}
	}
	if sourceNote.MatchString(source) && lang != "ru" {
		role = fonds.RoleTranslation
	}
	return lang, role
}

// pages returns the pages the page markers of the text open, and the
// references they give. Text before the first marker lies on the page
// before it; a text without markers has one page.
func pages(t fonds.Text) ([]fonds.Page, []fonds.Reference) {
	var (
		ps        []fonds.Page
		refs      []fonds.Reference
		textFirst bool
	)
	t.Walk(func(s fonds.Span) {
		if s.Kind != fonds.SpanPageBreak {
			if len(ps) == 0 && s.PlainText() != "" {
				textFirst = true
			}
			return
		}
		info, ok := parsePageMarker(s.Text)
		if !ok || info.n != s.Page {
			info = pageInfo{n: s.Page}
		}
		p := fonds.Page{N: info.n, Label: info.label, Of: info.of, Date: info.date, Reference: info.ref}
		if len(ps) == 0 && textFirst && p.N > 1 {
			ps = append(ps, fonds.Page{N: p.N - 1})
		}
		ps = append(ps, p)
		if info.ref != "" {
			refs = append(refs, fonds.NewReference(info.ref, "page"))
		}
	})
	if len(ps) == 0 {
		ps = []fonds.Page{{N: 1}}
	}
	return ps, refs
}

// persons returns the people the document names: in capitals in its
// summary, and in person mentions in its title, its source note and its
// texts, each once.
func persons(d *fonds.Document) []fonds.Person {
	var ps []fonds.Person
	seen := make(map[string]bool)
	add := func(p fonds.Person) {
		if p.Name == "" || seen[p.Name] {
			return
		}
		seen[p.Name] = true
		ps = append(ps, p)
	}
	for _, p := range summaryPersons(d.Summary) {
		add(p)
	}
	mention := func(s fonds.Span) {
		if s.Kind != fonds.SpanPerson {
			return
		}
		written := strings.Join(strings.Fields(s.PlainText()), " ")
		p := fonds.Person{Name: written}
		name := s.Label
		if name == "" && !strings.HasPrefix(s.Target, "#") {
			name = s.Target
		}
		if name != "" {
			p.Name = name
			if written != name {
				p.Written = written
			}
		}
		add(p)
	}
	fonds.Text{{Spans: d.TitleText}, {Spans: d.SourceText}}.Walk(mention)
	for _, w := range d.Witnesses {
		w.Text.Walk(mention)
	}
	return ps
}

// maxWarnings is the most warnings Parse returns for one file.
const maxWarnings = 100

// capWarnings keeps the first maxWarnings warnings and says if there were
// more.
func capWarnings(ws []fonds.Warning) []fonds.Warning {
	if len(ws) <= maxWarnings {
		return ws
	}
	return append(ws[:maxWarnings:maxWarnings], fonds.Warning{Message: "further warnings not shown"})
}
