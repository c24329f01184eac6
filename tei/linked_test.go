package tei

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fonds"
)

// pointer is what a span points to or is identified by.
type pointer struct {
	kind        fonds.SpanKind
	target, ref string
}

// pointers returns what the spans of d (heading, source note, witnesses)
// point to.
func pointers(d *fonds.Document) []pointer {
	var out []pointer
	walkSpans(d, func(s fonds.Span) {
		if s.Kind != fonds.SpanFootnote && (s.Target != "" || s.Ref != "") {
			out = append(out, pointer{s.Kind, s.Target, s.Ref})
		}
	})
	return out
}

// TestLinkedEdition reads an invented volume with chapters, mentions in
// headings and source notes, authority URIs and references within and
// beyond the volume; writes each document and reads it back: what the
// reader read survives.
func TestLinkedEdition(t *testing.T) {
	res := readFile(t, filepath.Join("testdata", "linked.xml"))
	type want struct {
		id, section string
		number      int
		title       []fonds.Span
		source      []fonds.Span
		pointers    []pointer
	}
	person := fonds.Span{Kind: fonds.SpanPerson, Text: "Example", Target: "#p_EX_1", Label: "Example, Ann", Ref: "https://authority.example/person/1"}
	wants := []want{
		{
			id: "frusx1999v03-d1", section: "The First Chapter", number: 1,
			title: []fonds.Span{{Kind: fonds.SpanText, Text: "1. Letter From the Invented Secretary ("}, person, {Kind: fonds.SpanText, Text: ")"}},
			source: []fonds.Span{
				{Kind: fonds.SpanText, Text: "Invented Archive, "},
				{Kind: fonds.SpanOrg, Text: "Invented Office", Ref: "viaf:0000 https://authority.example/org/2"},
				{Kind: fonds.SpanText, Text: ", see "},
				{Kind: fonds.SpanReference, Text: "Document 2", Target: "frusx1999v03#d2"},
				{Kind: fonds.SpanText, Text: ". Secret."},
			},
			pointers: []pointer{
				{fonds.SpanPerson, "#p_EX_1", "https://authority.example/person/1"},
				{fonds.SpanOrg, "", "viaf:0000 https://authority.example/org/2"},
				{fonds.SpanReference, "frusx1999v03#d2", ""},
				{fonds.SpanPlace, "", "https://authority.example/place/3"},
				{fonds.SpanPerson, "#p_EX_1", "https://authority.example/person/1"},
				{fonds.SpanTerm, "collective farm", "https://authority.example/term/4"},
				{fonds.SpanTerm, "#t_ABC_1", ""},
				{fonds.SpanReference, "frusx1999v03#d2fn1", ""},
				{fonds.SpanReference, "frusx1999v01#d4", ""},
				{fonds.SpanReference, "frusx1999v01", ""},
				{fonds.SpanReference, "frusx1999v03#d3", ""},
			},
		},
		// @n="2a" is no number; a heading and a source note of words
		// alone have no spans.
		{id: "frusx1999v03-d2", section: "The First Chapter"},
		{id: "frusx1999v03-d3", section: "Second Chapter", number: 3},
		// After its chapter, a document stands in none.
		{id: "frusx1999v03-d4", number: 4},
	}
	if len(res) != len(wants) {
		t.Fatalf("ReadDocuments(linked.xml) = %d documents, want %d", len(res), len(wants))
	}
	for i, w := range wants {
		d := res[i].doc
		out := writeDoc(t, d)
		back := readOne(t, out, d.ID)
		for _, got := range []struct {
			how string
			d   *fonds.Document
		}{{"read", d}, {"written and read back", back}} {
			g := got.d
			checks := []struct {
				field     string
				got, want any
			}{
				{"ID", g.ID, w.id},
				{"Collection", g.Collection, "frusx1999v03"},
				{"Section", g.Section, w.section},
				{"Number", g.Number, w.number},
				{"TitleText", g.TitleText, w.title},
				{"SourceText", g.SourceText, w.source},
				{"pointers", pointers(g), w.pointers},
			}
			for _, c := range checks {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s %s: %s = %#v, want %#v", w.id, got.how, c.field, c.got, c.want)
				}
			}
		}
		if w.id != "frusx1999v03-d1" {
			continue
		}
		for _, s := range []string{
			`<biblScope unit="chapter">The First Chapter</biblScope>`,
			`<biblScope unit="document" n="1">1</biblScope>`,
			`<head>1. Letter From the Invented Secretary (<persName corresp="#p_EX_1" ref="https://authority.example/person/1">Example</persName>)</head>`,
			`<note type="source">Invented Archive, <orgName ref="viaf:0000 https://authority.example/org/2">`,
			`<ref target="frusx1999v03#d2">Document 2</ref>`,
			`<term ref="https://authority.example/term/4">kolkhoz</term><gloss>collective farm</gloss>`,
		} {
			if !strings.Contains(string(out), s) {
				t.Errorf("Write(%s) lacks %s", w.id, s)
			}
		}
	}
}
