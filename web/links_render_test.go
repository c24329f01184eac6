package web

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"fonds"
	entitykey "fonds/entity"
	"fonds/internal/testenv"
	"fonds/sample"
	"fonds/synth"
	"fonds/tei"
	"fonds/text"
)

func TestLinksMayCite(t *testing.T) {
	words := func(s string) *fonds.Document {
		return &fonds.Document{Collection: "v", Witnesses: []fonds.Witness{{Text: paragraphs(s)}}}
	}
	numbered := func(d *fonds.Document) *fonds.Document { d.Number = 3; return d }
	tests := []struct {
		name string
		doc  *fonds.Document
		want bool
	}{
		{"plain words", words("The committee met on 19 May."), false},
		{"a series reference", words("See Pb 56/68."), true},
		{"a reference with a space", words("St 248 / 9"), true},
		{"a registration number", words("No. 2154-S of the KGB"), true},
		{"a non-breaking hyphen", words("1102‑Ш"), true},
		{"See Document in a volume", numbered(words("See Document 12.")), true},
		{"See Document outside a volume", words("See Document 12."), false},
		{"a reference span", &fonds.Document{Witnesses: []fonds.Witness{{Text: fonds.Text{{Kind: fonds.BlockParagraph,
			Spans: []fonds.Span{{Kind: fonds.SpanReference, Text: "the decree", Target: "x"}}}}}}}, true},
		{"a reference across spans", &fonds.Document{Witnesses: []fonds.Witness{{Text: fonds.Text{{Kind: fonds.BlockParagraph,
			Spans: []fonds.Span{{Kind: fonds.SpanText, Text: "Pb 56"}, {Kind: fonds.SpanEmphasis, Text: "/68"}}}}}}}, true},
		{"a reference in the source note", &fonds.Document{Source: "R 19 May 1977, Pb 56-68"}, true},
		{"a reference in the heading", &fonds.Document{TitleText: []fonds.Span{{Kind: fonds.SpanText, Text: "On St 12/3"}}}, true},
	}
	for _, tt := range tests {
		if got := mayCite(tt.doc); got != tt.want {
			t.Errorf("mayCite(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestLinksMayCiteCorpus checks that mayCite never passes over a document
// that cites something: every document of the corpus, the sample and the
// fixture that entity.Citations finds citations in may cite.
func TestLinksMayCiteCorpus(t *testing.T) {
	corpus := testenv.Corpus(t)
	var docs []*fonds.Document
	paths, err := filepath.Glob(filepath.Join(corpus, "frus", "*.xml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no FRUS files: %v", err)
	}
	paths = append(paths, filepath.Join(corpus, "frus-volumes", "frus1977-80v02.xml"), filepath.Join(corpus, "frus-volumes", "frus1977-80v06.xml"))
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		err = tei.Reader{}.ReadDocuments(f, filepath.Base(path), func(d *fonds.Document, _ []fonds.Warning) error {
			if d.Collection == "" {
				d.Collection = "frus"
			}
			docs = append(docs, d)
			return nil
		})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	docs = append(docs, parseFile(t, seedPath(t)), allKindsDocument())
	err = fs.WalkDir(sample.Files, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || filepath.Ext(path) != ".txt" {
			return err
		}
		b, err := fs.ReadFile(sample.Files, path)
		if err != nil {
			return err
		}
		d, _, err := text.Parse(bytes.NewReader(b), path)
		docs = append(docs, d)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	citing := 0
	for _, d := range docs {
		if len(entitykey.Citations(d)) == 0 {
			continue
		}
		citing++
		if !mayCite(d) {
			t.Errorf("mayCite(%s) = false, but it cites %v", d.ID, entitykey.Citations(d))
		}
	}
	if citing < 10 {
		t.Errorf("only %d documents of %d cite anything: the test reads too little", citing, len(docs))
	}
	// The synthetic documents of the benchmarks cite nothing, and are
	// not read for citations.
	g := synth.New(1)
	for i := range 20 {
		if d := g.Document(i); mayCite(d) {
			t.Errorf("mayCite(synthetic %d) = true", i)
		}
	}
}

func TestLinksInline(t *testing.T) {
	l := &linker{collection: "vol", number: 2, to: map[string]string{
		"ref:pb 56/68": "/documents/seed",
		"vol#d1":       "/documents/one",
	}, inText: true}
	tests := []struct {
		line string
		want []string // the words linked
	}{
		{"The instruction Pb 56/68 was sent.", []string{"Pb 56/68"}},
		{"Pb 56-68 and Pb 56/68.", []string{"Pb 56-68", "Pb 56/68"}},
		{"Not Pb 56/680, nor Pb 56/68/2.", nil},
		{"See Document 1. See also Document 1.", []string{"See Document 1", "See also Document 1"}},
		{"See Document 1 in Foreign Relations; see Document 12.", nil},
		{"Pb 99/1 is hidden.", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range l.inline(tt.line) {
			got = append(got, tt.line[c.start:c.end])
		}
		if len(got) != len(tt.want) || (len(got) > 0 && fmt.Sprint(got) != fmt.Sprint(tt.want)) {
			t.Errorf("inline(%q) links %q, want %q", tt.line, got, tt.want)
		}
	}
}
