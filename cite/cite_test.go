package cite

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/internal/testenv"
	"fonds/tei"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// accessed is the date every test reads the documents on.
var accessed = time.Date(2024, 3, 5, 14, 30, 0, 0, time.UTC)

// invented returns a document written for these tests: a Cyrillic title with
// characters every format must escape, a date known to the month, two
// references, two translators.
func invented() *fonds.Document {
	return &fonds.Document{
		ID:      "1974-02-pb-99-1",
		Date:    fonds.Date{Start: "1974-02-01", End: "1974-02-28", Precision: fonds.PrecisionMonth, Written: "February 1974"},
		Title:   `Записка о «Хронике» & 100% {braces} $5 #1 a_b ^ ~ \ "quoted"`,
		Summary: "Politburo. Note on the bulletin, with comments by Yury ANDROPOV. Invented example. (3 pp)",
		Creator: "Politburo",
		Type:    "note",
		References: []fonds.Reference{
			fonds.NewReference("Pb 99/1", "heading"),
			fonds.NewReference("Pb 99-1", "source"),
			fonds.NewReference("1234-A", "page"),
		},
		ExtentPages: 3,
		Languages:   []string{"ru", "en"},
		Witnesses: []fonds.Witness{
			{Language: "ru", Role: fonds.RoleOriginal},
			{Language: "en", Role: fonds.RoleTranslation, Credits: []fonds.Credit{
				{Role: "translator", Name: "Anna Lisitsyna"},
				{Role: "transcriber", Name: "Boris Nechaev"},
				{Role: "translator", Name: "Peter Ashdown"},
			}},
		},
		Persons: []fonds.Person{{Name: "Yury Andropov", Written: "Yury ANDROPOV"}},
	}
}

func inventedItem() Item {
	return NewItem(invented(), "Sample collection (invented)", "Fonds", "https://archive.example/doc/1974-02-pb-99-1", accessed)
}

func TestNewItem(t *testing.T) {
	it := inventedItem()
	if got, want := it.DateParts, []int{1974, 2}; !equalInts(got, want) {
		t.Errorf("DateParts = %v, want %v", got, want)
	}
	if it.EndParts != nil {
		t.Errorf("EndParts = %v, want none for a month", it.EndParts)
	}
	if got, want := it.References, []string{"Pb 99/1", "1234-A"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("References = %q, want %q", got, want)
	}
	if got, want := it.Translators, []string{"Anna Lisitsyna", "Peter Ashdown"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Translators = %q, want %q", got, want)
	}
	if it.Language != "ru" {
		t.Errorf("Language = %q, want ru (the first witness)", it.Language)
	}
	if it.Descriptive {
		t.Errorf("Descriptive = true for a document with a title")
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		creator, summary, want string
	}{
		{"KGB", "KGB. Report to the Central Committee on poetry readings. Invented example. (2 pp)", "Report to the Central Committee on poetry readings"},
		{"Council of Ministers", "Council of Ministers. Decree No. 572 signed by Yu. V. Andropov. Invented example.", "Decree No. 572 signed by Yu. V. Andropov"},
		{"KGB", "KGB. Note on «Хроника». Invented example.", "Note on «Хроника»"},
		{"Politburo", "Politburo. Instructions to ambassadors (21 pp).", "Instructions to ambassadors"},
		{"", "Note on the bulletin.", "Note on the bulletin"},
		{"KGB", "Report of the KGB (with annex).", "Report of the KGB (with annex)"},
	}
	for _, tt := range tests {
		t.Run(tt.summary, func(t *testing.T) {
			if got := describe(tt.creator, tt.summary); got != tt.want {
				t.Errorf("describe(%q, %q) = %q, want %q", tt.creator, tt.summary, got, tt.want)
			}
		})
	}
}

func TestDateParts(t *testing.T) {
	tests := []struct {
		name       string
		date       fonds.Date
		start, end []int
	}{
		{"day", fonds.Date{Start: "1977-05-19", End: "1977-05-19", Precision: fonds.PrecisionDay}, []int{1977, 5, 19}, nil},
		{"month", fonds.Date{Start: "1990-07-01", End: "1990-07-31", Precision: fonds.PrecisionMonth}, []int{1990, 7}, nil},
		{"year", fonds.Date{Start: "1970-01-01", End: "1970-12-31", Precision: fonds.PrecisionYear, Approximate: true}, []int{1970}, nil},
		{"days", fonds.Date{Start: "1977-05-19", End: "1977-05-21", Precision: fonds.PrecisionDay}, []int{1977, 5, 19}, []int{1977, 5, 21}},
		{"years", fonds.Date{Start: "1970-01-01", End: "1972-12-31", Precision: fonds.PrecisionYear}, []int{1970}, []int{1972}},
		{"undated", fonds.Date{}, nil, nil},
		{"bad", fonds.Date{Start: "1977-13-01", Precision: fonds.PrecisionDay}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := dateParts(tt.date)
			if !equalInts(start, tt.start) || !equalInts(end, tt.end) || (start == nil) != (tt.start == nil) {
				t.Errorf("dateParts(%+v) = %v, %v, want %v, %v", tt.date, start, end, tt.start, tt.end)
			}
		})
	}
}

func TestChicago(t *testing.T) {
	seedLike := &fonds.Document{
		ID:         "1977-05-19-pb-56-68",
		Date:       fonds.Date{Start: "1977-05-19", End: "1977-05-19", Precision: fonds.PrecisionDay},
		Title:      "Human rights",
		Creator:    "Politburo",
		References: []fonds.Reference{fonds.NewReference("Pb 56/68", "heading"), fonds.NewReference("Pb 56-68", "source")},
		Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleTranslation,
			Credits: []fonds.Credit{{Role: "translator", Name: "John Crowfoot"}}}},
	}
	untitled := &fonds.Document{
		ID:      "1970-01-01-kgb-review",
		Date:    fonds.Date{Start: "1970-01-01", End: "1970-12-31", Precision: fonds.PrecisionYear, Approximate: true},
		Summary: "KGB. Review of typewritten literature. Invented example.",
		Creator: "KGB",
	}
	undated := &fonds.Document{ID: "undated-why", Title: "Why?"}
	tests := []struct {
		name string
		doc  *fonds.Document
		coll string
		want string
	}{
		{"titled", seedLike, "Sample", "Politburo, “Human rights,” 19 May 1977, Pb 56/68, trans. John Crowfoot, Sample, Fonds, https://a.example/d."},
		{"description", untitled, "", "KGB, Review of typewritten literature, c. 1970, Fonds, https://a.example/d."},
		{"undated", undated, "", "“Why?” n.d., Fonds, accessed 5 March 2024, https://a.example/d."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := NewItem(tt.doc, tt.coll, "Fonds", "https://a.example/d", accessed)
			if got := it.Chicago(); got != tt.want {
				t.Errorf("Chicago() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	t.Run("html", func(t *testing.T) {
		it := NewItem(&fonds.Document{Title: `<b>&</b>`, Creator: "KGB"}, "", "", "https://a.example/d?x=1&y=2", time.Time{})
		got := string(it.ChicagoHTML())
		want := `KGB, “&lt;b&gt;&amp;&lt;/b&gt;,” n.d., <a href="https://a.example/d?x=1&amp;y=2">https://a.example/d?x=1&amp;y=2</a>.`
		if got != want {
			t.Errorf("ChicagoHTML() =\n%s\nwant\n%s", got, want)
		}
	})
}

func TestBibEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Human rights", "Human rights"},
		{"Записка о «Хронике»", "Записка о «Хронике»"},
		{"A & B", `A \& B`},
		{"100% {x} $5 #1 a_b", `100\% \{x\} \$5 \#1 a\_b`},
		{`^ ~ \`, `\textasciicircum{} \textasciitilde{} \textbackslash{}`},
		{"two\nlines", "two lines"},
	}
	for _, tt := range tests {
		if got := bibEscape(tt.in); got != tt.want {
			t.Errorf("bibEscape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBibName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"John Crowfoot", "John Crowfoot"},
		{"Ирина Головкина", "Ирина Головкина"},
		{"Smith and Sons", "{Smith and Sons}"},
		{"Crowfoot, John", "{Crowfoot, John}"},
	}
	for _, tt := range tests {
		if got := bibName(tt.in); got != tt.want {
			t.Errorf("bibName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBibTeXKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1977-05-19-pb-56-68", "1977-05-19-pb-56-68"},
		{"1990-07-01-записка", "1990-07-01-zapiska"},
		{"a b/c", "a-b-c"},
		{"", "document"},
		{"«»", "document"},
	}
	for _, tt := range tests {
		if got := BibTeXKey(tt.in); got != tt.want {
			t.Errorf("BibTeXKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRISLines(t *testing.T) {
	d := invented()
	d.Title = "Line one\nline two\r\nline three"
	d.Date = fonds.Date{Start: "1970-01-01", End: "1970-12-31", Precision: fonds.PrecisionYear, Approximate: true, Written: "c. 1970"}
	var b bytes.Buffer
	if err := WriteRIS(&b, NewItem(d, "C", "S", "https://a.example/d", accessed)); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if !strings.HasSuffix(s, "ER  - \r\n") {
		t.Errorf("WriteRIS does not end with ER: %q", s)
	}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("WriteRIS line %q holds a line break", line)
		}
		if len(line) < 6 || line[2:6] != "  - " {
			t.Errorf("WriteRIS line %q is not TAG  - value", line)
		}
	}
	for _, want := range []string{"TI  - Line one line two line three\r\n", "DA  - 1970///\r\n", "PY  - 1970\r\n", "N1  - Date approximate: c. 1970\r\n", "A4  - Lisitsyna, Anna\r\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("WriteRIS lacks %q:\n%s", want, s)
		}
	}
}

func TestJSONLDScriptSafe(t *testing.T) {
	d := invented()
	d.Title = `</script><script>alert(1)</script> & <!--`
	b, err := JSONLD(NewItem(d, "C", "S", "https://a.example/d", accessed), "https://a.example/c")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"</", "<!--", "<script", "&"} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("JSONLD holds %q: %s", bad, b)
		}
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("JSONLD is not JSON: %v", err)
	}
	if v["name"] != d.Title {
		t.Errorf("JSONLD name = %q, want %q", v["name"], d.Title)
	}
}

func TestMetaTags(t *testing.T) {
	it := inventedItem()
	got := make(map[string]string)
	for _, m := range MetaTags(it) {
		got[m.Name] = m.Content
	}
	want := map[string]string{
		"citation_title":      it.Title,
		"citation_author":     "Politburo",
		"citation_date":       "1974/02",
		"citation_publisher":  "Fonds",
		"citation_public_url": it.URL,
		"citation_language":   "ru",
		"DC.type":             "manuscript",
		"DC.coverage":         "Pb 99/1; 1234-A",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("MetaTags %s = %q, want %q", name, got[name], w)
		}
	}
}

// inventedVolume returns a document of a published volume written for these
// tests: numbered in its volume, in a chapter, mentioning persons, one
// with identifiers in other catalogues.
func inventedVolume() *fonds.Document {
	return &fonds.Document{
		ID:         "1977-05-19-9-memorandum-invented",
		Collection: "invented-v02",
		Number:     9,
		Section:    "Human Rights Policy",
		Date:       fonds.Date{Start: "1977-05-19", End: "1977-05-19", Precision: fonds.PrecisionDay, Written: "May 19, 1977"},
		Title:      "9. Memorandum From the Secretary of State to the President",
		TitleText: []fonds.Span{
			{Kind: fonds.SpanText, Text: "9. Memorandum From the Secretary of State ("},
			{Kind: fonds.SpanPerson, Text: "Vance", Target: "#p_VCR_1", Label: "Vance, Cyrus R."},
			{Kind: fonds.SpanText, Text: ") to the President"},
		},
		Source: "Invented Library, Box 1. Secret.",
		Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal, Text: fonds.Text{
			{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
				{Kind: fonds.SpanText, Text: "On "},
				{Kind: fonds.SpanPerson, Text: "Andrei SAKHAROV", Ref: "http://www.wikidata.org/entity/Q47285 viaf:12345"},
				{Kind: fonds.SpanText, Text: " and "},
				{Kind: fonds.SpanPerson, Text: "Sakharov’s", Ref: "https://viaf.org/viaf/64007474"},
				{Kind: fonds.SpanText, Text: " letter, invented for the tests."},
			}},
		}}},
	}
}

// volumeTitle is the title of the collection of inventedVolume.
const volumeTitle = "Invented Relations, 1977–1980, Volume II, Human Rights"

func volumeItem() Item {
	return NewItem(inventedVolume(), volumeTitle, "Fonds", "https://archive.example/doc/1977-05-19-9-memorandum-invented", accessed)
}

func TestVolumeItem(t *testing.T) {
	it := volumeItem()
	if it.Volume != volumeTitle || it.Number != 9 {
		t.Errorf("Volume, Number = %q, %d, want %q, 9", it.Volume, it.Number, volumeTitle)
	}
	want := []Person{
		{Name: "Vance, Cyrus R."},
		{Name: "Andrei Sakharov", SameAs: []string{"http://www.wikidata.org/entity/Q47285", "https://viaf.org/viaf/64007474"}},
	}
	if fmt.Sprint(it.Persons) != fmt.Sprint(want) {
		t.Errorf("Persons = %v, want %v", it.Persons, want)
	}
	// Without a number, a document of the same collection is no part of a
	// book.
	d := inventedVolume()
	d.Number = 0
	if it := NewItem(d, volumeTitle, "Fonds", "https://a.example/d", accessed); it.Volume != "" {
		t.Errorf("NewItem(no number).Volume = %q, want none", it.Volume)
	}
}

// TestFRUSVolume cites a FRUS document read from its own file and from the
// volume that holds it: both are document 16 of the volume.
func TestFRUSVolume(t *testing.T) {
	corpus := testenv.Corpus(t)
	const title = "Foreign Relations of the United States, 1977–1980, Volume II, Human Rights and Humanitarian Affairs"
	read := func(path string) *fonds.Document {
		t.Helper()
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var found *fonds.Document
		err = tei.Reader{}.ReadDocuments(f, filepath.Base(path), func(d *fonds.Document, _ []fonds.Warning) error {
			if d.Number == 16 {
				found = d
			}
			return nil
		})
		if err != nil || found == nil {
			t.Fatalf("read document 16 of %s: %v", path, err)
		}
		return found
	}
	for _, path := range []string{
		filepath.Join(corpus, "frus", "frus1977-80v02_d16.xml"),
		filepath.Join(corpus, "frus-volumes", "frus1977-80v02.xml"),
	} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			it := NewItem(read(path), title, "Fonds", "https://archive.example/d16", accessed)
			if it.Volume != title || it.Number != 16 {
				t.Fatalf("Volume, Number = %q, %d, want %q, 16", it.Volume, it.Number, title)
			}
			if got, want := it.Chicago(), "in "+title+", doc. 16, Fonds"; !strings.Contains(got, want) {
				t.Errorf("Chicago() = %q, want it to hold %q", got, want)
			}
			var csl, ris, bib bytes.Buffer
			if err := WriteCSLJSON(&csl, it); err != nil {
				t.Fatal(err)
			}
			if err := WriteRIS(&ris, it); err != nil {
				t.Fatal(err)
			}
			if err := WriteBibTeX(&bib, it); err != nil {
				t.Fatal(err)
			}
			var items []map[string]any
			if err := json.Unmarshal(csl.Bytes(), &items); err != nil {
				t.Fatal(err)
			}
			if items[0]["container-title"] != title || items[0]["chapter-number"] != "16" || items[0]["type"] != "chapter" {
				t.Errorf("CSL-JSON = %s, want a chapter of %q numbered 16", csl.Bytes(), title)
			}
			for _, want := range []string{"TY  - CHAP\r\n", "T2  - " + title + "\r\n", "SE  - 16\r\n"} {
				if !strings.Contains(ris.String(), want) {
					t.Errorf("RIS lacks %q:\n%s", want, ris.String())
				}
			}
			for _, want := range []string{"@incollection{", "booktitle  = {{" + title + "}}", "chapter    = {16}"} {
				if !strings.Contains(bib.String(), want) {
					t.Errorf("BibTeX lacks %q:\n%s", want, bib.String())
				}
			}
			tags := make(map[string]string)
			for _, m := range MetaTags(it) {
				tags[m.Name] = m.Content
			}
			if tags["citation_inbook_title"] != title {
				t.Errorf("MetaTags citation_inbook_title = %q, want %q", tags["citation_inbook_title"], title)
			}
			ld, err := JSONLD(it, "https://archive.example/collections/frus1977-80v02")
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				IsPartOf struct{ Type, Name string } `json:"isPartOf"`
				Position int                         `json:"position"`
				Mentions []struct{ Name string }     `json:"mentions"`
			}
			if err := json.Unmarshal(ld, &v); err != nil {
				t.Fatal(err)
			}
			if v.IsPartOf.Name != title || v.Position != 16 {
				t.Errorf("JSONLD isPartOf, position = %+v, %d, want %q, 16", v.IsPartOf, v.Position, title)
			}
			// Brzezinski is in the heading; Carter in the source note.
			var names []string
			for _, m := range v.Mentions {
				names = append(names, m.Name)
			}
			if !strings.Contains(strings.Join(names, "|"), "Brzezinski") {
				t.Errorf("JSONLD mentions %q, want Brzezinski among them", names)
			}
		})
	}
}

// TestGolden writes the invented documents in every format and compares
// each with its golden file; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		it   Item
	}{
		{"invented", inventedItem()},
		{"volume", volumeItem()},
	} {
		it := tt.it
		formats := []struct {
			file  string
			write func(*bytes.Buffer) error
		}{
			{".bib", func(b *bytes.Buffer) error { return WriteBibTeX(b, it) }},
			{".ris", func(b *bytes.Buffer) error { return WriteRIS(b, it) }},
			{".csl.json", func(b *bytes.Buffer) error { return WriteCSLJSON(b, it) }},
			{".jsonld", func(b *bytes.Buffer) error {
				j, err := JSONLD(it, "https://archive.example/collection/sample")
				b.Write(j)
				b.WriteByte('\n')
				return err
			}},
			{".meta.txt", func(b *bytes.Buffer) error {
				for _, m := range MetaTags(it) {
					b.WriteString(m.Name + "\t" + m.Content + "\n")
				}
				return nil
			}},
			{".chicago.txt", func(b *bytes.Buffer) error {
				b.WriteString(it.Chicago() + "\n" + string(it.ChicagoHTML()) + "\n")
				return nil
			}},
		}
		for _, f := range formats {
			file := tt.name + f.file
			t.Run(file, func(t *testing.T) {
				var b bytes.Buffer
				if err := f.write(&b); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", file)
				if *update {
					if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to write it)", err)
				}
				if !bytes.Equal(b.Bytes(), want) {
					t.Errorf("%s differs from its golden file:\n%s\nwant\n%s", file, b.Bytes(), want)
				}
			})
		}
	}
}
