package tei

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"fonds"
	"fonds/internal/testenv"
	"fonds/sample"
	"fonds/text"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// corpusFiles returns the FRUS files of the shared corpus, read in place,
// or skips the test without the corpus.
func corpusFiles(t testing.TB) []string {
	corpus := testenv.Corpus(t)
	var files []string
	for _, dir := range []string{"frus", "frus-volumes"} {
		m, err := filepath.Glob(filepath.Join(corpus, dir, "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no FRUS files in %s", corpus)
	}
	return files
}

// corpusIfAny returns the folder of the shared corpus, or "" without it
// (a failure where FONDS_REQUIRE_TOOLS is set): for tests that read the
// corpus besides inputs of their own, which they test all the same.
func corpusIfAny(t testing.TB) string {
	t.Helper()
	dir := testenv.CorpusDir()
	if _, err := os.Stat(dir); err != nil {
		if testenv.Required() {
			testenv.Missing(t, "the shared corpus is not at %s", dir)
		}
		t.Logf("the shared corpus is not at %s: tested without it", dir)
		return ""
	}
	return dir
}

type readResult struct {
	doc      *fonds.Document
	warnings []fonds.Warning
}

func readAll(t testing.TB, r io.Reader, name string) ([]readResult, error) {
	t.Helper()
	var out []readResult
	err := Reader{}.ReadDocuments(r, name, func(d *fonds.Document, w []fonds.Warning) error {
		out = append(out, readResult{d, w})
		return nil
	})
	return out, err
}

func readFile(t testing.TB, path string) []readResult {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := readAll(t, f, filepath.Base(path))
	if err != nil {
		t.Fatalf("ReadDocuments(%s): %v", path, err)
	}
	return res
}

func writeDoc(t testing.TB, d *fonds.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatalf("Write(%s): %v", d.ID, err)
	}
	return buf.Bytes()
}

func readOne(t testing.TB, b []byte, label string) *fonds.Document {
	t.Helper()
	res, err := readAll(t, bytes.NewReader(b), "written.xml")
	if err != nil {
		t.Fatalf("ReadDocuments(Write(%s)): %v\n%s", label, err, b)
	}
	if len(res) != 1 {
		t.Fatalf("ReadDocuments(Write(%s)) gave %d documents, want 1", label, len(res))
	}
	return res[0].doc
}

// TestCorpus reads every FRUS file: no errors, and the documents, their
// ids, dates and pages as FRUS gives them.
func TestCorpus(t *testing.T) {
	total := 0
	for _, path := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			res := readFile(t, path)
			if len(res) == 0 {
				t.Fatal("no documents")
			}
			total += len(res)
			for _, r := range res {
				d := r.doc
				for _, w := range r.warnings {
					t.Logf("%s: warning: line %d: %s", d.ID, w.Line, w.Message)
				}
				if !strings.HasPrefix(d.ID, "frus19") || !strings.Contains(d.ID, "-d") {
					t.Errorf("ID = %q, want volume-dN", d.ID)
				}
				if d.Title == "" || d.Date.IsZero() || len(d.Witnesses) != 1 || len(d.Pages) == 0 {
					t.Errorf("%s: title %q, date %+v, %d witnesses, %d pages", d.ID, d.Title, d.Date, len(d.Witnesses), len(d.Pages))
				}
				if w := d.Witnesses[0]; w.Language != "en" || w.Role != fonds.RoleOriginal {
					t.Errorf("%s: witness %s %s, want en original", d.ID, w.Language, w.Role)
				}
				for i, p := range d.Pages {
					if p.N != i+1 {
						t.Errorf("%s: page %d has N %d", d.ID, i, p.N)
					}
				}
				checkVolumeDocument(t, path, d)
			}
		})
	}
	t.Logf("%d documents", total)
}

// checkVolumeDocument checks what a FRUS document says of its place in
// its volume, its heading and its references.
func checkVolumeDocument(t *testing.T, path string, d *fonds.Document) {
	t.Helper()
	single := filepath.Base(filepath.Dir(path)) == "frus"
	volume := strings.TrimSuffix(filepath.Base(path), ".xml")
	if single {
		volume = volumeFromName(path)
	}
	if d.Collection != volume || !strings.HasPrefix(d.ID, volume+"-d") {
		t.Errorf("%s: Collection = %q, want %q, the prefix of the id", d.ID, d.Collection, volume)
	}
	if d.Number == 0 || d.ID != volume+"-d"+strconv.Itoa(d.Number) || !strings.HasPrefix(d.Title, strconv.Itoa(d.Number)+". ") {
		t.Errorf("%s: Number = %d, title %.20q", d.ID, d.Number, d.Title)
	}
	if single != (d.Section == "") {
		t.Errorf("%s: Section = %q, want one in a volume only", d.ID, d.Section)
	}
	for _, f := range []struct {
		name  string
		plain string
		spans []fonds.Span
	}{{"Title", d.Title, d.TitleText}, {"Source", d.Source, d.SourceText}} {
		if f.spans != nil && (fonds.Block{Spans: f.spans}).PlainText() != f.plain {
			t.Errorf("%s: the words of %sText are not %s %q", d.ID, f.name, f.name, f.plain)
		}
		if strings.ContainsAny(f.plain, "\n\t") || strings.HasPrefix(f.plain, "Source") {
			t.Errorf("%s: %s = %q", d.ID, f.name, f.plain)
		}
	}
	walkSpans(d, func(s fonds.Span) {
		if s.Kind == fonds.SpanReference && (strings.HasPrefix(s.Target, "#") || !strings.HasPrefix(s.Target, "frus")) {
			t.Errorf("%s: reference %q to %q, want an absolute target", d.ID, s.PlainText(), s.Target)
		}
	})
}

// TestSameEitherWay: a document read from its own file is the document
// read from its volume, but for the chapter a file of its own does not
// name.
func TestSameEitherWay(t *testing.T) {
	corpus := testenv.Corpus(t)
	inVolume := make(map[string]*fonds.Document)
	for _, v := range []string{"frus1977-80v02", "frus1977-80v06"} {
		for _, r := range readFile(t, filepath.Join(corpus, "frus-volumes", v+".xml")) {
			inVolume[r.doc.ID] = r.doc
		}
	}
	singles, err := filepath.Glob(filepath.Join(corpus, "frus", "frus1977-80v0[26]_d*.xml"))
	if err != nil || len(singles) == 0 {
		t.Fatalf("no single files: %v", err)
	}
	for _, path := range singles {
		d := readFile(t, path)[0].doc
		v := inVolume[d.ID]
		if v == nil {
			t.Errorf("%s: %s is not in its volume", filepath.Base(path), d.ID)
			continue
		}
		a, b := *d, *v
		a.Origin, b.Origin, b.Section = "", "", ""
		if !reflect.DeepEqual(a, b) {
			ja, _ := json.MarshalIndent(a, "", " ")
			jb, _ := json.MarshalIndent(b, "", " ")
			t.Errorf("%s read alone and in its volume differ:\n%s", d.ID, firstDiff(string(ja), string(jb)))
		}
	}
}

func TestFRUSDocument(t *testing.T) {
	path := filepath.Join(testenv.Corpus(t), "frus", "frus1977-80v02_d1.xml")
	d := readFile(t, path)[0].doc
	checks := []struct {
		field     string
		got, want any
	}{
		{"ID", d.ID, "frus1977-80v02-d1"},
		{"Collection", d.Collection, "frus1977-80v02"},
		{"Date", d.Date, fonds.Date{Start: "1977-01-05", End: "1977-01-05", Precision: fonds.PrecisionDay, Written: "January 5, 1977"}},
		{"Title prefix", d.Title[:12], "1. Memorandu"},
		{"Source prefix", d.Source[:20], "Department of State,"},
		{"Persons", d.Persons, []fonds.Person{{Name: "Wilson"}, {Name: "Parker"}}},
		{"Number", d.Number, 1},
		{"Section", d.Section, ""},
		{"TitleText[1]", d.TitleText[1], fonds.Span{Kind: fonds.SpanPerson, Text: "Wilson", Target: "#p_WJM_2"}},
		{"SourceText[0]", d.SourceText[0].Text[:20], "Department of State,"},
		{"SourceText[1]", d.SourceText[1], fonds.Span{Kind: fonds.SpanTerm, Text: "SHUM", Target: "#t_SHUM_1"}},
		{"Pages", len(d.Pages), 5},
		{"Page 2", d.Pages[1], fonds.Page{N: 2, Label: "2", Facs: "0063"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	plain := d.Witnesses[0].Text.PlainText()
	// "treat<pb/>ment": a page break inside a word leaves the word whole.
	if !strings.Contains(plain, "degrading treatment") {
		t.Errorf("the word split by a page break is not whole in the plain text")
	}
	var kinds []fonds.BlockKind
	var spanKinds = map[fonds.SpanKind]int{}
	for _, b := range d.Witnesses[0].Text {
		kinds = append(kinds, b.Kind)
	}
	d.Witnesses[0].Text.Walk(func(s fonds.Span) { spanKinds[s.Kind]++ })
	for _, k := range []fonds.BlockKind{fonds.BlockOpener, fonds.BlockItem, fonds.BlockAttachment, fonds.BlockParagraph} {
		if !slices.Contains(kinds, k) {
			t.Errorf("no %s block", k)
		}
	}
	for _, k := range []fonds.SpanKind{fonds.SpanFootnote, fonds.SpanTerm, fonds.SpanPerson, fonds.SpanPlace, fonds.SpanPageBreak, fonds.SpanEmphasis, fonds.SpanReference, fonds.SpanStrong} {
		if spanKinds[k] == 0 {
			t.Errorf("no %s span", k)
		}
	}
}

func TestUndatedInferred(t *testing.T) {
	in := `<div xmlns="http://www.tei-c.org/ns/1.0" type="document" xml:id="d9">
<head>9. Paper</head>
<opener><dateline><placeName>Nowhere</placeName>, <date ana="#date_undated-inferred-from-document-content" notBefore="1977-02-18T00:00:00-05:00" notAfter="1977-03-22T23:59:59-05:00">undated</date></dateline></opener>
<p>Words.</p></div>`
	res, err := readAll(t, strings.NewReader(in), "frusX_d9.xml")
	if err != nil {
		t.Fatal(err)
	}
	want := fonds.Date{Start: "1977-02-18", End: "1977-03-22", Precision: fonds.PrecisionDay, Approximate: true, Written: "undated"}
	if got := res[0].doc.Date; got != want {
		t.Errorf("Date = %+v, want %+v", got, want)
	}
	if got := res[0].doc.ID; got != "frusX-d9" {
		t.Errorf("ID = %q, want frusX-d9", got)
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		attrs string
		want  fonds.Date
	}{
		{`when="1977-05-19"`, fonds.Date{Start: "1977-05-19", End: "1977-05-19", Precision: fonds.PrecisionDay, Written: "x"}},
		{`when="1977-05"`, fonds.Date{Start: "1977-05-01", End: "1977-05-31", Precision: fonds.PrecisionMonth, Written: "x"}},
		{`when="1977" cert="low"`, fonds.Date{Start: "1977-01-01", End: "1977-12-31", Precision: fonds.PrecisionYear, Approximate: true, Written: "x"}},
		{`from="1970" to="1972"`, fonds.Date{Start: "1970-01-01", End: "1972-12-31", Precision: fonds.PrecisionYear, Written: "x"}},
		{`notBefore="1980-02" notAfter="1980-03"`, fonds.Date{Start: "1980-02-01", End: "1980-03-31", Precision: fonds.PrecisionMonth, Approximate: true, Written: "x"}},
		{`when="1977-02-03T11:35:00-05:00"`, fonds.Date{Start: "1977-02-03", End: "1977-02-03", Precision: fonds.PrecisionDay, Written: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.attrs, func(t *testing.T) {
			in := `<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><profileDesc><creation><date ` + tt.attrs + `>x</date></creation></profileDesc></teiHeader><text><body><p>a</p></body></text></TEI>`
			res, err := readAll(t, strings.NewReader(in), "d.xml")
			if err != nil {
				t.Fatal(err)
			}
			if got := res[0].doc.Date; got != tt.want {
				t.Errorf("date %s = %+v, want %+v", tt.attrs, got, tt.want)
			}
			// And Write writes it back.
			d := res[0].doc
			if got := readOne(t, writeDoc(t, d), tt.attrs).Date; got != tt.want {
				t.Errorf("date %s written and read = %+v, want %+v", tt.attrs, got, tt.want)
			}
		})
	}
}

// textFiles returns the files in the text format: the seed, the invented
// shapes of package text and the sample collection.
func textFiles(t testing.TB) map[string][]byte {
	files := make(map[string][]byte)
	if corpus := corpusIfAny(t); corpus != "" {
		b, err := os.ReadFile(filepath.Join(corpus, "seed", "000_4215be4c9e9eb522.txt"))
		if err != nil {
			t.Fatal(err)
		}
		files["seed"] = b
	}
	shapes, _ := filepath.Glob(filepath.Join("..", "text", "testdata", "shapes", "*.txt"))
	for _, p := range shapes {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files["shapes/"+filepath.Base(p)] = b
	}
	names, err := fs.Glob(sample.Files, "*.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(sample.Files, n)
		if err != nil {
			t.Fatal(err)
		}
		files["sample/"+n] = b
	}
	return files
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestRoundTripText: text format -> fonds -> TEI -> fonds gives the same
// document.
func TestRoundTripText(t *testing.T) {
	files := textFiles(t)
	for _, name := range sortedKeys(files) {
		t.Run(name, func(t *testing.T) {
			d, _, err := text.Parse(bytes.NewReader(files[name]), name)
			if err != nil {
				t.Fatal(err)
			}
			d.Status = fonds.StatusPublished
			d.Collection = "sample"
			d.Aliases = []string{"/old/path/"}
			checkRoundTrip(t, d, name)
		})
	}
}

// checkRoundTrip checks that Write of d reads back as d, and that writing
// that again gives the same bytes.
func checkRoundTrip(t testing.TB, d *fonds.Document, label string) {
	t.Helper()
	out := writeDoc(t, d)
	d2 := readOne(t, out, label)
	a, b := *d, *d2
	a.Origin, b.Origin = "", ""
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.MarshalIndent(a, "", " ")
		jb, _ := json.MarshalIndent(b, "", " ")
		t.Fatalf("ReadDocuments(Write(%s)) differs:\n%s", label, firstDiff(string(ja), string(jb)))
	}
	if again := writeDoc(t, d2); !bytes.Equal(out, again) {
		t.Fatalf("Write is not stable on %s", label)
	}
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			lo := max(0, i-8)
			return fmt.Sprintf("at line %d:\nfirst:\n%s\nsecond:\n%s", i+1,
				strings.Join(la[lo:min(len(la), i+4)], "\n"), strings.Join(lb[lo:min(len(lb), i+4)], "\n"))
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(la), len(lb))
}

// census is what a TEI text holds: its words, how many of some elements,
// and what the identified ones point to or are numbered.
type census struct {
	words  []string
	counts map[string]int
	// ids holds, by element, the identities of its occurrences: what a
	// mention points to, the target of a gloss or a reference, the @n of
	// a page break or a footnote.
	ids map[string][]string
}

func newCensus() census {
	return census{counts: make(map[string]int), ids: make(map[string][]string)}
}

func (c *census) add(o census) {
	c.words = append(c.words, o.words...)
	for k, v := range o.counts {
		c.counts[k] += v
	}
	for k, v := range o.ids {
		c.ids[k] = append(c.ids[k], v...)
	}
}

// counted are the elements a round trip must keep; "gloss+term" counts
// both, which the reader reads alike.
var counted = []string{"pb", "note", "persName", "placeName", "orgName", "ref", "gloss+term", "item", "hi", "closer", "opener"}

// boundaries are the elements whose edges divide words.
var boundaries = map[string]bool{
	"note": true, "p": true, "head": true, "item": true, "list": true, "opener": true,
	"closer": true, "dateline": true, "salute": true, "div": true, "title": true,
	"quote": true, "cell": true, "row": true, "body": true, "ab": true, "attachment": true,
	"signed": true, "lb": true,
}

// identity returns what identifies an occurrence of an element, or "".
// Pointers within the volume are compared as the reader makes them:
// "#d9" in volume V is "V#d9".
func identity(name string, attrs map[string]string, volume string) string {
	switch name {
	case "persName", "placeName", "orgName":
		return firstNonEmpty(attrs["corresp"], attrs["ref"], attrs["key"])
	case "gloss", "term":
		return attrs["target"]
	case "ref":
		if t := attrs["target"]; volume != "" && strings.HasPrefix(t, "#") {
			return volume + t
		}
		return attrs["target"]
	case "pb":
		return attrs["n"]
	case "note":
		if attrs["type"] != "source" {
			return attrs["n"]
		}
	}
	return ""
}

// takeCensus counts the words and elements of the documents of a TEI file.
// For a FRUS file (written false) it takes each <div type="document">
// whole, its heading and source note included; "#d9" is a pointer within
// volume. For a written file it takes the body (whose head holds the
// mentions of the title), the source note of the header, and the title of
// the header when the body has no head; not the lists of the front
// matter, nor the persons of the header.
func takeCensus(t testing.TB, b []byte, written bool, volume string) census {
	t.Helper()
	c := newCensus()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []string
	inside := 0 // depth at which the region of words starts, 0 when outside
	counting := false
	bodyHead := false
	var buf, title strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("census: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			stack = append(stack, e.Name.Local)
			attrs := make(map[string]string)
			for _, a := range e.Attr {
				attrs[a.Name.Local] = a.Value
			}
			name := e.Name.Local
			if attrs["rend"] == "roman" {
				// FRUS's roman type inside italic has no span in fonds: its
				// words are kept, the element reported.
				name = "hi-roman"
			}
			switch {
			case inside > 0:
				if counting {
					c.counts[name]++
					if id := identity(name, attrs, volume); id != "" {
						c.ids[name] = append(c.ids[name], id)
					}
				}
				if written && name == "head" && len(stack) == inside+1 && stack[inside-1] == "body" {
					bodyHead = true
				}
			case !written && name == "div" && attrs["type"] == "document":
				inside, counting = len(stack), true
			case written && name == "body":
				inside, counting = len(stack), true
			case written && name == "note" && attrs["type"] == "source" && slices.Contains(stack, "sourceDesc"):
				inside, counting = len(stack), true
				c.counts[name]++
			case written && name == "title" && slices.Contains(stack, "titleStmt"):
				inside, counting = len(stack), false
			}
			if boundaries[e.Name.Local] {
				buf.WriteByte(' ')
			}
		case xml.EndElement:
			if boundaries[e.Name.Local] {
				buf.WriteByte(' ')
			}
			if len(stack) == inside {
				if !counting {
					// The header's title: its words count unless the
					// body's head holds them.
					title.WriteString(buf.String())
					buf.Reset()
				}
				inside, counting = 0, false
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if inside > 0 {
				buf.Write(e)
			}
		}
	}
	words := buf.String()
	if !bodyHead {
		words += " " + title.String()
	}
	for _, w := range strings.Fields(words) {
		if w != "Source:" {
			c.words = append(c.words, w)
		}
	}
	sort.Strings(c.words)
	c.counts["gloss+term"] = c.counts["gloss"] + c.counts["term"]
	c.ids["gloss+term"] = append(slices.Clone(c.ids["gloss"]), c.ids["term"]...)
	return c
}

// missing returns the identities of want that got lacks, counting
// repeats.
func missing(want, got []string) []string {
	have := make(map[string]int)
	for _, id := range got {
		have[id]++
	}
	var out []string
	for _, id := range want {
		if have[id] == 0 {
			out = append(out, id)
			continue
		}
		have[id]--
	}
	return out
}

// volumeOf returns the FRUS volume of a corpus file: named by a single
// document's file name, or the id of a volume's <TEI>.
func volumeOf(t testing.TB, path string, in []byte) string {
	if v := volumeFromName(path); v != "" {
		return v
	}
	m := regexp.MustCompile(`<TEI[^>]*xml:id="([^"]+)"`).FindSubmatch(in)
	if m == nil {
		t.Fatalf("%s: no volume id", path)
	}
	return string(m[1])
}

// TestRoundTripTEI: TEI -> fonds -> TEI keeps every word, page break,
// note, mention, reference and date of every FRUS file, wherever it
// stands (heading, source note, text, footnotes, attachments), with what
// it points to; and reading the written file gives the same document.
func TestRoundTripTEI(t *testing.T) {
	singles, all := newCensus(), newCensus()
	var singlesOut, allOut census = newCensus(), newCensus()
	nSingles := 0
	for _, path := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := takeCensus(t, in, false, volumeOf(t, path, in))
			got := newCensus()
			docs := readFile(t, path)
			for _, r := range docs {
				got.add(takeCensus(t, writeDoc(t, r.doc), true, ""))
			}
			sort.Strings(got.words)
			if !slices.Equal(got.words, want.words) {
				t.Errorf("words differ: %d in, %d out; %s", len(want.words), len(got.words), wordDiff(want.words, got.words))
			}
			for _, name := range counted {
				if w, g := want.counts[name], got.counts[name]; g != w {
					t.Errorf("<%s>: %d in, %d out", name, w, g)
				}
				if m := missing(want.ids[name], got.ids[name]); len(m) > 0 {
					t.Errorf("<%s>: lost %q", name, m)
				}
			}
			t.Logf("in %v; out %v", want.counts, got.counts)
			all.add(want)
			allOut.add(got)
			if filepath.Base(filepath.Dir(path)) == "frus" {
				nSingles++
				singles.add(want)
				singlesOut.add(got)
			}
			for _, r := range docs {
				checkRoundTrip(t, r.doc, r.doc.ID)
			}
		})
	}
	for _, name := range []string{"persName", "placeName", "gloss+term", "note", "pb", "ref"} {
		t.Logf("<%s>: %d files: %d in, %d out; all files: %d in, %d out", name,
			nSingles, singles.counts[name], singlesOut.counts[name], all.counts[name], allOut.counts[name])
	}
}

func wordDiff(a, b []string) string {
	count := map[string]int{}
	for _, w := range a {
		count[w]++
	}
	for _, w := range b {
		count[w]--
	}
	var diffs []string
	for w, n := range count {
		if n != 0 {
			diffs = append(diffs, fmt.Sprintf("%q:%+d", w, -n))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 20 {
		diffs = diffs[:20]
	}
	return strings.Join(diffs, " ")
}

// allowed are the TEI elements Write uses.
var allowed = map[string]bool{
	"TEI": true, "teiHeader": true, "fileDesc": true, "titleStmt": true, "title": true,
	"respStmt": true, "resp": true, "name": true, "note": true, "publicationStmt": true,
	"authority": true, "idno": true, "availability": true, "p": true, "sourceDesc": true,
	"bibl": true, "date": true, "author": true, "extent": true, "measure": true,
	"encodingDesc": true, "appInfo": true, "application": true, "label": true,
	"editorialDecl": true, "profileDesc": true, "langUsage": true, "language": true,
	"textClass": true, "classCode": true, "particDesc": true, "listPerson": true,
	"person": true, "persName": true, "handNotes": true, "handNote": true,
	"facsimile": true, "surface": true, "desc": true, "graphic": true,
	"text": true, "body": true, "div": true, "head": true, "opener": true, "closer": true,
	"ab": true, "list": true, "item": true, "table": true, "row": true, "cell": true,
	"quote": true, "milestone": true, "pb": true, "lb": true, "hi": true, "add": true,
	"del": true, "gap": true, "stamp": true, "signed": true, "seg": true,
	"placeName": true, "orgName": true, "ref": true, "term": true, "gloss": true,
	"unclear": true, "licence": true, "revisionDesc": true, "change": true,
	"front": true, "biblScope": true,
}

// exports returns every test document written as TEI: the text-format
// files and every FRUS document.
func exports(t *testing.T) map[string][]byte {
	out := make(map[string][]byte)
	files := textFiles(t)
	for _, name := range sortedKeys(files) {
		d, _, err := text.Parse(bytes.NewReader(files[name]), name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = writeDoc(t, d)
	}
	for _, path := range corpusFiles(t) {
		// A document comes in its volume and in a file of its own, with
		// the same id: both are written.
		for _, r := range readFile(t, path) {
			out[filepath.Base(path)+"/"+r.doc.ID] = writeDoc(t, r.doc)
		}
	}
	return out
}

// TestWriteValid checks that every written document (the text-format
// files, every FRUS file and every document of each FRUS volume) is
// well-formed and uses only the TEI elements Write means to use, and
// validates them all against the TEI schema with one run of jing: skipped
// without jing, failed where FONDS_REQUIRE_TOOLS is set.
func TestWriteValid(t *testing.T) {
	docs := exports(t)
	dir := t.TempDir()
	var paths []string
	for _, name := range sortedKeys(docs) {
		b := docs[name]
		dec := xml.NewDecoder(bytes.NewReader(b))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed: %v", name, err)
			}
			if e, ok := tok.(xml.StartElement); ok {
				if e.Name.Space != teiNS || !allowed[e.Name.Local] {
					t.Errorf("%s uses <%s> (namespace %q)", name, e.Name.Local, e.Name.Space)
				}
			}
		}
		p := filepath.Join(dir, strings.NewReplacer("/", "_").Replace(name)+".xml")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	jing := testenv.Tool(t, "jing")
	schema := filepath.Join(testenv.Corpus(t), "schema", "tei_all.rng")
	if _, err := os.Stat(schema); err != nil {
		t.Fatalf("no TEI schema: %v", err)
	}
	out, err := exec.Command(jing, append([]string{schema}, paths...)...).CombinedOutput()
	var problems []string
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && !strings.HasPrefix(l, "[warning]") {
			problems = append(problems, l)
		}
	}
	if err != nil || len(problems) > 0 {
		t.Errorf("jing: %v\n%s", err, strings.Join(problems, "\n"))
	}
	t.Logf("%d documents valid against tei_all.rng", len(paths))
}

func TestVolume(t *testing.T) {
	corpus := testenv.Corpus(t)
	path := filepath.Join(corpus, "frus-volumes", "frus1977-80v02.xml")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, ok, err := Volume(f)
	if err != nil || !ok || c.Slug != "frus1977-80v02" || !strings.HasPrefix(c.Title, "Foreign Relations of the United States, 1977–1980, Volume II") {
		t.Errorf("Volume = %+v, %v, %v", c, ok, err)
	}
	single, err := os.Open(filepath.Join(corpus, "frus", "frus1977-80v02_d1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer single.Close()
	if c, ok, err := Volume(single); ok || err != nil {
		t.Errorf("Volume(single document) = %+v, %v, %v; want not a volume", c, ok, err)
	}
	plain := `<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="x"><teiHeader/><text><body><p>a</p></body></text></TEI>`
	if c, ok, err := Volume(strings.NewReader(plain)); ok || err != nil {
		t.Errorf("Volume(a TEI with one text) = %+v, %v, %v; want not a volume", c, ok, err)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{`<?xml version="1.0"?>` + "\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">", true},
		{"\ufeff<!-- c --><!DOCTYPE TEI><TEI>", true},
		{`<div xmlns="http://www.tei-c.org/ns/1.0" type="document">`, true},
		{`<div class="x">`, false},
		{`<?xml version="1.0"?><rss version="2.0">`, false},
		{`19 May 1977* (Pb 56/68) Human rights`, false},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	const tei = `<TEI xmlns="http://www.tei-c.org/ns/1.0">`
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"not XML", "hello", 1, "not a TEI file"},
		{"empty", "", 1, "no XML element"},
		{"unclosed", tei + "\n<text><body><p>a</p>\n", 3, "unexpected end of file"},
		{"mismatched", tei + "\n<text><body><p>a</div></body></text></TEI>", 2, "invalid XML"},
		{"not TEI", `<rss version="2.0"></rss>`, 1, "not a TEI file: the root element is <rss>"},
		{"no documents", tei + "<teiHeader/>\n<text><body/></text></TEI>", 2, "holds no documents"},
		{"undefined entity", tei + "\n<text><body><p>&bomb;</p></body></text></TEI>", 2, "invalid character entity &bomb;"},
		{"internal subset", `<!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>` + "\n" + tei + "<text><body><p>&b;</p></body></text></TEI>", 1, "internal subset refused"},
		{"wrong encoding", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + tei + "\n<text><body><p>café</p></body></text></TEI>", 1, `declares encoding "ISO-8859-1" but is UTF-8`},
		{"unsupported encoding", "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n" + tei + "</TEI>", 1, "not supported"},
		{"not UTF-8", tei + "\n<text><body><p>caf\xe9</p></body></text></TEI>", 2, "not UTF-8"},
		{"second root", `<div xmlns="http://www.tei-c.org/ns/1.0" type="document"><p>a</p></div>` + "\n<div/>", 2, "second root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := readAll(t, strings.NewReader(tt.in), "bad.xml")
			if err == nil {
				t.Fatalf("ReadDocuments(%q) = %d documents, want an error", tt.in, len(res))
			}
			var pe *fonds.ParseError
			if !errors.As(err, &pe) || pe.Path != "bad.xml" || !errors.Is(err, fonds.ErrInvalid) {
				t.Fatalf("ReadDocuments(%q) error %#v is not a ParseError for bad.xml", tt.in, err)
			}
			if pe.Line != tt.line || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("ReadDocuments(%q) error = %q, want line %d and %q", tt.in, err, tt.line, tt.msg)
			}
		})
	}
}

func TestEncodings(t *testing.T) {
	latin := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><text><body><p>caf\xe9 \x93x\x94</p></body></text></TEI>"
	cp := strings.Replace(latin, "ISO-8859-1", "windows-1252", 1)
	for _, tt := range []struct{ in, want string }{{latin, "café \u0093x\u0094"}, {cp, "café “x”"}} {
		res, err := readAll(t, strings.NewReader(tt.in), "enc.xml")
		if err != nil {
			t.Fatal(err)
		}
		if got := res[0].doc.Witnesses[0].Text.PlainText(); got != tt.want {
			t.Errorf("text = %q, want %q", got, tt.want)
		}
	}
}

func TestExternalDTD(t *testing.T) {
	for _, dtd := range []string{`SYSTEM "file:///etc/passwd"`, `PUBLIC "-//X//DTD X//EN" "http://127.0.0.1:1/tei.dtd"`} {
		in := "<!DOCTYPE TEI " + dtd + ">\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><text><body><p>a</p></body></text></TEI>"
		res, err := readAll(t, strings.NewReader(in), "dtd.xml")
		if err != nil {
			t.Fatalf("%s: %v", dtd, err)
		}
		if len(res) != 1 || len(res[0].warnings) == 0 || !strings.Contains(res[0].warnings[0].Message, "never fetched") {
			t.Errorf("%s: warnings %+v, want that the DTD is ignored", dtd, res[0].warnings)
		}
	}
}

// endless is a reader of n bytes: a TEI start and then one line of words,
// never a newline.
type endless struct {
	start []byte
	n     int64
	read  int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.read >= e.n {
		return 0, io.EOF
	}
	i := 0
	for i < len(p) && e.read < e.n {
		if e.read < int64(len(e.start)) {
			p[i] = e.start[e.read]
		} else {
			p[i] = "word "[e.read%5]
		}
		i++
		e.read++
	}
	return i, nil
}

func TestEndlessLine(t *testing.T) {
	r := &endless{start: []byte(`<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>`), n: 2 << 30}
	_, err := readAll(t, r, "huge.xml")
	if err == nil || !strings.Contains(err.Error(), "huge.xml:1: ") || !strings.Contains(err.Error(), "without markup") {
		t.Errorf("ReadDocuments(2 GB on one line) error = %v, want huge.xml:1: … without markup", err)
	}
	if r.read > 2*maxRun {
		t.Errorf("read %d MiB before failing, want at most %d", r.read>>20, 2*maxRun>>20)
	}
}

// TestHalfRead: a volume with an error passes the documents before it,
// each whole, and none after.
func TestHalfRead(t *testing.T) {
	in := `<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="v1"><text><body>
<div type="document" xml:id="d1"><head>1. One</head><p>First.</p></div>
<div type="document" xml:id="d2"><head>2. Two</head><p>Second &oops;</p></div>
<div type="document" xml:id="d3"><head>3. Three</head><p>Third.</p></div>
</body></text></TEI>`
	res, err := readAll(t, strings.NewReader(in), "v1.xml")
	if err == nil || !strings.Contains(err.Error(), "v1.xml:3:") {
		t.Errorf("error = %v, want one at v1.xml:3", err)
	}
	if len(res) != 1 || res[0].doc.ID != "v1-d1" || res[0].doc.Witnesses[0].Text.PlainText() != "First." {
		t.Errorf("documents passed = %+v, want d1 only, whole", res)
	}
}

func TestUnknownElements(t *testing.T) {
	in := `<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="v"><text><body>
<div type="document" xml:id="d1"><p>A <foreign>mot</foreign> and <hi rend="roman">x</hi>.</p></div>
<div type="document" xml:id="d2"><p>B <foreign>Wort</foreign> <sic>teh</sic>.</p></div>
</body></text></TEI>`
	res, err := readAll(t, strings.NewReader(in), "u.xml")
	if err != nil {
		t.Fatal(err)
	}
	if got := res[0].doc.Witnesses[0].Text.PlainText(); got != "A mot and x." {
		t.Errorf("text = %q: the words of unknown elements are lost", got)
	}
	if len(res[0].warnings) != 1 || !strings.Contains(res[0].warnings[0].Message, `<foreign>, <hi rend="roman">`) {
		t.Errorf("first document's warnings = %+v, want one naming foreign and hi rend=roman", res[0].warnings)
	}
	if len(res[1].warnings) != 1 || strings.Contains(res[1].warnings[0].Message, "foreign") || !strings.Contains(res[1].warnings[0].Message, "<sic>") {
		t.Errorf("second document's warnings = %+v, want only sic (foreign was reported once)", res[1].warnings)
	}
}

// TestGolden reads the invented inputs of testdata/*.xml and compares the
// documents with testdata/*.json.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs in testdata: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".xml")
		t.Run(name, func(t *testing.T) {
			res := readFile(t, in)
			type golden struct {
				Document *fonds.Document `json:"document"`
				Warnings []fonds.Warning `json:"warnings,omitempty"`
			}
			var all []golden
			for _, r := range res {
				all = append(all, golden{r.doc, r.warnings})
				checkRoundTrip(t, r.doc, in)
			}
			got, err := json.MarshalIndent(all, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("ReadDocuments(%s) differs from %s (run go test -update and review the diff):\n%s", in, path, firstDiff(string(want), string(got)))
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	var seeds []string
	// The corpus, where there is one, seeds the fuzzer.
	if m, err := filepath.Glob(filepath.Join(testenv.CorpusDir(), "frus", "*.xml")); err == nil {
		seeds = append(seeds, m...)
	}
	m, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	seeds = append(seeds, m...)
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		res, err := readAll(t, bytes.NewReader(in), "fuzz.xml")
		if err != nil {
			var pe *fonds.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a ParseError", err)
			}
			return
		}
		for _, r := range res {
			out := writeDoc(t, r.doc)
			d2 := readOne(t, out, "fuzz input")
			if again := writeDoc(t, d2); !bytes.Equal(out, again) {
				t.Fatalf("Write is not stable:\n%s\n---\n%s", out, again)
			}
		}
	})
}

// FuzzTextRoundTrip checks, for any document the text format reads, that
// Write and the reader give it back.
func FuzzTextRoundTrip(f *testing.F) {
	files := textFiles(f)
	for _, name := range sortedKeys(files) {
		f.Add(files[name])
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if bytes.ContainsFunc(in, func(r rune) bool {
			return r < ' ' && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
		}) {
			// XML 1.0 cannot hold these characters: Write writes U+FFFD.
			return
		}
		d, _, err := text.Parse(bytes.NewReader(in), "fuzz.txt")
		if err != nil {
			return
		}
		checkRoundTrip(t, d, "fuzz input")
	})
}
