package text

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fonds"
	"fonds/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// seedPath returns the record fonds grew from, read in place from the
// shared corpus, or skips the test without the corpus.
func seedPath(t testing.TB) string {
	t.Helper()
	return filepath.Join(testenv.Corpus(t), "seed", "000_4215be4c9e9eb522.txt")
}

func parseString(t *testing.T, s string) (*fonds.Document, []fonds.Warning) {
	t.Helper()
	d, w, err := Parse(strings.NewReader(s), "test.txt")
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return d, w
}

func TestSeed(t *testing.T) {
	f, err := os.Open(seedPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, warnings, err := Parse(f, "seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) > 0 {
		t.Errorf("warnings = %v, want none", warnings)
	}
	wantDate := fonds.Date{Start: "1977-05-19", End: "1977-05-19", Precision: fonds.PrecisionDay, Written: "19 May 1977"}
	checks := []struct {
		field     string
		got, want any
	}{
		{"Date", d.Date, wantDate},
		{"Mark", d.Mark, "*"},
		{"Title", d.Title, "Human rights"},
		{"Summary", d.Summary, "Politburo. Instructions to Soviet ambassadors on human rights issues (21 pp)."},
		{"Creator", d.Creator, "Politburo"},
		{"Type", d.Type, "instruction"},
		{"Source", d.Source, "R 19 May 1977, Pb 56-68"},
		{"ExtentPages", d.ExtentPages, 21},
		{"Excerpt", d.Excerpt, true},
		{"ID", d.ID, "1977-05-19-pb-56-68"},
		{"Origin", d.Origin, "seed.txt"},
		{"References", d.References, []fonds.Reference{
			{Written: "Pb 56/68", Normalized: "pb 56/68", Origin: "heading"},
			{Written: "Pb 56-68", Normalized: "pb 56/68", Origin: "source"},
		}},
		{"Languages", d.Languages, []string{"en"}},
		{"Pages", d.Pages, []fonds.Page{{N: 2, Label: "two"}, {N: 3, Label: "three"}}},
		{"Persons", len(d.Persons), 0},
		{"Categories", len(d.Categories), 0},
		{"Collection", d.Collection, ""},
		{"Status", d.Status, fonds.StatusPublished},
		{"Hash", d.Hash, ""},
		{"Created", d.Created.IsZero(), true},
		{"Witnesses", len(d.Witnesses), 1},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	if len(d.Conventions) != 3 {
		t.Fatalf("Conventions = %q, want 3 items", d.Conventions)
	}
	if c := d.Conventions[2]; !strings.HasPrefix(c, "3. ") || !strings.HasSuffix(c, "underlined italic script.") || strings.Contains(c, "\n") {
		t.Errorf("Conventions[2] = %q, want item 3 joined into one line", c)
	}
	w := d.Witnesses[0]
	if w.Language != "en" || w.Role != fonds.RoleTranslation {
		t.Errorf("witness = %s %s, want en translation", w.Language, w.Role)
	}
	wantCredit := []fonds.Credit{{Role: "translator", Name: "John Crowfoot", Written: "Translation, John Crowfoot"}}
	if !reflect.DeepEqual(w.Credits, wantCredit) {
		t.Errorf("Credits = %+v, want %+v", w.Credits, wantCredit)
	}
	if got := w.Text[0].Spans[0]; !reflect.DeepEqual(got, fonds.Span{Kind: fonds.SpanPageBreak, Text: "page two", Page: 2}) {
		t.Errorf("first span = %+v, want the page break to page 2", got)
	}
	var breaks []fonds.Span
	w.Text.Walk(func(s fonds.Span) {
		if s.Kind == fonds.SpanPageBreak {
			breaks = append(breaks, s)
		}
	})
	if len(breaks) != 2 || breaks[1].Text != "page three" || breaks[1].Page != 3 {
		t.Errorf("page breaks = %+v, want page two and page three", breaks)
	}
	notes := w.Text.Notes()
	if len(notes) != 2 || !strings.HasPrefix(notes[0], "There followed 20 pages") || notes[1] != "détente" {
		t.Errorf("Notes() = %q, want the summary of 20 pages and détente", notes)
	}
	// "…." is an omission and a full stop.
	found := false
	for _, b := range w.Text {
		for i, s := range b.Spans {
			if s.Kind == fonds.SpanOmission && s.Text == "…" && i+1 < len(b.Spans) &&
				reflect.DeepEqual(b.Spans[i+1], txt(".")) {
				found = true
			}
		}
	}
	if !found {
		t.Error(`no omission "…" followed by text "."`)
	}
	plain := w.Text.PlainText()
	for _, s := range []string{"1. Notes by translator", "Translation, John Crowfoot", "[page"} {
		if strings.Contains(plain, s) {
			t.Errorf("the text holds %q, which is not body text", s)
		}
	}
	if !strings.HasPrefix(plain, "To all Soviet ambassadors") {
		t.Errorf("text starts %.40q, want the address", plain)
	}
}

func TestHeadings(t *testing.T) {
	day := func(start, written string) fonds.Date {
		return fonds.Date{Start: start, End: start, Precision: fonds.PrecisionDay, Written: written}
	}
	tests := []struct {
		heading string
		date    fonds.Date
		mark    string
		ref     string // normalized
		creator string
		title   string
	}{
		{"19 May 1977* (Pb 56/68) Human\u00a0rights", day("1977-05-19", "19 May 1977"), "*", "pb 56/68", "", "Human rights"},
		{"14 November 1973*, 2811-A", day("1973-11-14", "14 November 1973"), "*", "2811-a", "", ""},
		{"21 October 1984* (2043-K) Conference", day("1984-10-21", "21 October 1984"), "*", "2043-k", "", "Conference"},
		{"3 March 1972* (Pb) Writers", day("1972-03-03", "3 March 1972"), "*", "pb", "", "Writers"},
		{"June 1991* (no number)", fonds.Date{Start: "1991-06-01", End: "1991-06-30", Precision: fonds.PrecisionMonth, Written: "June 1991"}, "*", "", "", ""},
		{"19 Nov. 1969* (Pb 58/141) Trial", day("1969-11-19", "19 Nov. 1969"), "*", "pb 58/141", "", "Trial"},
		{"04 August 1978*, 1650-A", day("1978-08-04", "04 August 1978"), "*", "1650-a", "", ""},
		{"9 March 1991**, St-21/7", day("1991-03-09", "9 March 1991"), "**", "st 21/7", "", ""},
		{"2 October 1990* [Secretariat] Fund", day("1990-10-02", "2 October 1990"), "*", "", "Secretariat", "Fund"},
		{"12 June 1975*, 1530-A/ov", day("1975-06-12", "12 June 1975"), "*", "1530-a/ov", "", ""},
		{"1 July 1971* (Pb 71/X) Pensions", day("1971-07-01", "1 July 1971"), "*", "pb 71/x", "", "Pensions"},
		{"2 July 1971*, Pb 120 / 33", day("1971-07-02", "2 July 1971"), "*", "pb 120/33", "", ""},
		{"Gromyko notes (14 May 1975)", day("1975-05-14", "14 May 1975"), "", "", "", "Gromyko notes"},
		{"17 September 1979", day("1979-09-17", "17 September 1979"), "", "", "", ""},
		{"1977-05-19 Memo", day("1977-05-19", "1977-05-19"), "", "", "", "Memo"},
		{"Sept. 1980 Plans", fonds.Date{Start: "1980-09-01", End: "1980-09-30", Precision: fonds.PrecisionMonth, Written: "Sept. 1980"}, "", "", "", "Plans"},
		{"c. 1970 Leaflet", fonds.Date{Start: "1970-01-01", End: "1970-12-31", Precision: fonds.PrecisionYear, Approximate: true, Written: "c. 1970"}, "", "", "", "Leaflet"},
		{"1970?*, P 3", fonds.Date{Start: "1970-01-01", End: "1970-12-31", Precision: fonds.PrecisionYear, Approximate: true, Written: "1970?"}, "*", "p 3", "", ""},
		{"Undated* (Pb 1/2) Draft", fonds.Date{}, "*", "pb 1/2", "", "Draft"},
		{"29 February 1980 Leap", day("1980-02-29", "29 February 1980"), "", "", "", "Leap"},
	}
	for _, tt := range tests {
		t.Run(tt.heading, func(t *testing.T) {
			d, _ := parseString(t, tt.heading+"\n")
			var ref string
			if r := d.PrimaryReference(); r.Origin == "heading" {
				ref = r.Normalized
			}
			got := []any{d.Date, d.Mark, ref, d.Creator, d.Title}
			want := []any{tt.date, tt.mark, tt.ref, tt.creator, tt.title}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.heading, got, want)
			}
		})
	}
}

func TestDescriptions(t *testing.T) {
	tests := []struct {
		desc       string
		summary    string
		source     string
		excerpt    bool
		extent     int
		categories []string
		creator    string
		typ        string
		persons    []fonds.Person
	}{
		{"Politburo. Instructions on human rights (21 pp). [R 19 May 1977, Pb 56-68] Excerpt.",
			"Politburo. Instructions on human rights (21 pp).", "R 19 May 1977, Pb 56-68", true, 21, nil, "Politburo", "instruction", nil},
		{"Report on a trial. [R: 2 April 1971, 812-A]", "Report on a trial.", "R: 2 April 1971, 812-A", false, 0, nil, "", "report", nil},
		{"Letter, total 5 pp [Russian: 9 July 1968, No 340]", "Letter, total 5 pp", "Russian: 9 July 1968, No 340", false, 5, nil, "", "letter", nil},
		{"Telegram (2 pp)", "Telegram (2 pp)", "", false, 2, nil, "", "telegram", nil},
		{"One page", "One page", "", false, 1, nil, "", "", nil},
		{"Decree on pensions (excerpt)", "Decree on pensions", "", true, 0, nil, "", "decree", nil},
		{"Decree on pensions (excerpt). Signed.", "Decree on pensions. Signed.", "", true, 0, nil, "", "decree", nil},
		{"Excerpts. Minutes of the meeting.", "Minutes of the meeting.", "", true, 0, nil, "", "minutes", nil},
		{"Secretariat. Resolution [2.1; 5]", "Secretariat. Resolution", "", false, 0, []string{"2.1", "5"}, "Secretariat", "resolution", nil},
		{"Note by Andrei GROMYKO to Yu.V. ANDROPOV and the KGB.", "Note by Andrei GROMYKO to Yu.V. ANDROPOV and the KGB.", "", false, 0, nil, "", "note",
			[]fonds.Person{{Name: "Andrei Gromyko", Written: "Andrei GROMYKO"}, {Name: "Yu.V. Andropov", Written: "Yu.V. ANDROPOV"}}},
		{"Memorandum [Source: Ministry archive, file 3]", "Memorandum", "Ministry archive, file 3", false, 0, nil, "", "memorandum", nil},
		{"A note [unsigned] on the USSR and CPSU in World War II", "A note [unsigned] on the USSR and CPSU in World War II", "", false, 0, nil, "", "note", nil},
		{"(no description)", "", "", false, 0, nil, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			d, _ := parseString(t, "1 May 1977\n\n"+tt.desc+"\n")
			got := []any{d.Summary, d.Source, d.Excerpt, d.ExtentPages, d.Categories, d.Creator, d.Type, d.Persons}
			want := []any{tt.summary, tt.source, tt.excerpt, tt.extent, tt.categories, tt.creator, tt.typ, tt.persons}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q) =\n%#v\nwant\n%#v", tt.desc, got, want)
			}
		})
	}
}

func TestSourceReferences(t *testing.T) {
	d, warnings := parseString(t, "2 April 1971*, 811-A\n\nReport. [R: 2 April 1971, 812-A]\n")
	want := []fonds.Reference{fonds.NewReference("811-A", "heading"), fonds.NewReference("812-A", "source")}
	if !reflect.DeepEqual(d.References, want) {
		t.Errorf("References = %+v, want %+v", d.References, want)
	}
	if len(warnings) != 1 || warnings[0].Line != 3 || !strings.Contains(warnings[0].Message, "differs") {
		t.Errorf("warnings = %+v, want one on line 3 that the references differ", warnings)
	}
	if d.ID != "1971-04-02-811-a" {
		t.Errorf("ID = %q, want the heading's reference", d.ID)
	}
}

// Span constructors for the expectations below.
func txt(s string) fonds.Span  { return fonds.Span{Kind: fonds.SpanText, Text: s} }
func note(s string) fonds.Span { return fonds.Span{Kind: fonds.SpanNote, Text: s} }
func kind(k fonds.SpanKind, s string, children ...fonds.Span) fonds.Span {
	return fonds.Span{Kind: k, Text: s, Spans: children}
}
func block(k fonds.BlockKind, spans ...fonds.Span) fonds.Block {
	return fonds.Block{Kind: k, Spans: spans}
}
func para(spans ...fonds.Span) fonds.Block {
	return fonds.Block{Kind: fonds.BlockParagraph, Spans: spans}
}

func TestBody(t *testing.T) {
	tests := []struct {
		body string
		want fonds.Text
	}{
		{"[page one of four]", fonds.Text{para(fonds.Span{Kind: fonds.SpanPageBreak, Text: "page one of four", Page: 1})}},
		{"[page 2]", fonds.Text{para(fonds.Span{Kind: fonds.SpanPageBreak, Text: "page 2", Page: 2})}},
		{"[page two – 11 May 1970 (1102‑S)]", fonds.Text{para(fonds.Span{Kind: fonds.SpanPageBreak, Text: "page two – 11 May 1970 (1102‑S)", Page: 2})}},
		{"=====", fonds.Text{{Kind: fonds.BlockSeparator}}},
		{"[Stamp]", fonds.Text{para(kind(fonds.SpanStamp, "Stamp"))}},
		{"[Stamp: Top secret]", fonds.Text{para(kind(fonds.SpanStamp, "Stamp: Top secret"))}},
		{"[dated & signed]", fonds.Text{para(kind(fonds.SpanSignature, "dated & signed"))}},
		{"[signed] Ivanov", fonds.Text{para(kind(fonds.SpanSignature, "signed"), txt(" Ivanov"))}},
		{"Words […] left out", fonds.Text{para(txt("Words "), kind(fonds.SpanOmission, "[…]"), txt(" left out"))}},
		{"more... and…", fonds.Text{para(txt("more"), kind(fonds.SpanOmission, "..."), txt(" and"), kind(fonds.SpanOmission, "…"))}},
		{"[added: Top] Secret", fonds.Text{para(kind(fonds.SpanInsertion, "Top"), txt(" Secret"))}},
		{"Semichastny [chairman of KGB]", fonds.Text{para(txt("Semichastny "), note("chairman of KGB"))}},
		{"[a [nested] note]", fonds.Text{para(note("a [nested] note"))}},
		{"{hand:Agreed}", fonds.Text{para(kind(fonds.SpanHandwritten, "Agreed"))}},
		{"{ins:{u:never}}", fonds.Text{para(kind(fonds.SpanInsertion, "", kind(fonds.SpanUnderline, "never")))}},
		{"{del:urgently} {em:must}", fonds.Text{para(kind(fonds.SpanDeletion, "urgently"), txt(" "), kind(fonds.SpanEmphasis, "must"))}},
		{"{hand:see [page 3]}", fonds.Text{para(kind(fonds.SpanHandwritten, "", txt("see "), fonds.Span{Kind: fonds.SpanPageBreak, Text: "page 3", Page: 3}))}},
		{"{person:Brezhnev}", fonds.Text{para(kind(fonds.SpanPerson, "Brezhnev"))}},
		{"{person=Leonid Brezhnev:L.I.}", fonds.Text{para(fonds.Span{Kind: fonds.SpanPerson, Text: "L.I.", Target: "Leonid Brezhnev"})}},
		{`\{ \} \\ \[ \]`, fonds.Text{para(txt(`{ } \ [ ]`))}},
		{`C:\ dir\`, fonds.Text{para(txt(`C:\ dir\`))}},
		{"two\nlines", fonds.Text{para(txt("two lines"))}},
		{"one\n\ntwo", fonds.Text{para(txt("one")), para(txt("two"))}},
		{"before\n[page 2]\nafter", fonds.Text{para(txt("before")), para(fonds.Span{Kind: fonds.SpanPageBreak, Text: "page 2", Page: 2}), para(txt("after"))}},
		{"# Annex", fonds.Text{{Kind: fonds.BlockHeading, Spans: []fonds.Span{txt("Annex")}}}},
		{"> quoted\n> lines", fonds.Text{{Kind: fonds.BlockQuote, Spans: []fonds.Span{txt("quoted\nlines")}}}},
		{"1. Approve the plan.\n2. Report by June.", fonds.Text{para(txt("1. Approve the plan. 2. Report by June."))}},
		{"- one\n* two\n  continued\n-", fonds.Text{block(fonds.BlockItem, txt("one")), block(fonds.BlockItem, txt("two continued")), block(fonds.BlockItem)}},
		{"| a | {em:b} |\n| [x | y] | \\| |", fonds.Text{
			block(fonds.BlockRow, kind(fonds.SpanCell, "a"), kind(fonds.SpanCell, "", kind(fonds.SpanEmphasis, "b"))),
			block(fonds.BlockRow, kind(fonds.SpanCell, "", note("x | y")), kind(fonds.SpanCell, "|"))}},
		{"@opener Moscow,{br}12 May 1977\n@closer {sig:Ivanov}\n@attachment Draft\n@attachment", fonds.Text{
			block(fonds.BlockOpener, txt("Moscow,"), fonds.Span{Kind: fonds.SpanLineBreak}, txt("12 May 1977")),
			block(fonds.BlockCloser, kind(fonds.SpanSignature, "Ivanov")),
			block(fonds.BlockAttachment, txt("Draft")), block(fonds.BlockAttachment)}},
		{"{place:Moscow} {org=#o1:TASS} {term=United Nations:UN}", fonds.Text{para(kind(fonds.SpanPlace, "Moscow"), txt(" "),
			fonds.Span{Kind: fonds.SpanOrg, Text: "TASS", Target: "#o1"}, txt(" "), fonds.Span{Kind: fonds.SpanTerm, Text: "UN", Target: "United Nations"})}},
		{"word{fn=1:A {em:note}.} {unclear:illegible} {sc:Secret} {strong:Top}", fonds.Text{para(txt("word"),
			fonds.Span{Kind: fonds.SpanFootnote, Target: "1", Spans: []fonds.Span{txt("A "), kind(fonds.SpanEmphasis, "note"), txt(".")}},
			txt(" "), kind(fonds.SpanUnclear, "illegible"), txt(" "), kind(fonds.SpanSmallCaps, "Secret"), txt(" "), kind(fonds.SpanStrong, "Top"))}},
		{"a - b | c @opener", fonds.Text{para(txt("a - b | c @opener"))}},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			d, _ := parseString(t, "1 May 1977\n\nDescription.\n\n"+tt.body+"\n")
			if got := d.Witnesses[0].Text; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) =\n%+v\nwant\n%+v", tt.body, got, tt.want)
			}
		})
	}
}

func TestPages(t *testing.T) {
	tests := []struct {
		body string
		want []fonds.Page
		refs []fonds.Reference
	}{
		{"No markers.", []fonds.Page{{N: 1}}, nil},
		{"[page one of four]\n\nText.\n\n[page two]", []fonds.Page{{N: 1, Label: "one", Of: 4}, {N: 2, Label: "two"}}, nil},
		{"Before.\n\n[page three]", []fonds.Page{{N: 2}, {N: 3, Label: "three"}}, nil},
		{"[page two – 11 May 1970 (1102‑S)]", []fonds.Page{{N: 2, Label: "two",
			Date: &fonds.Date{Start: "1970-05-11", End: "1970-05-11", Precision: fonds.PrecisionDay, Written: "11 May 1970"}, Reference: "1102‑S"}},
			[]fonds.Reference{{Written: "1102‑S", Normalized: "1102-s", Origin: "page"}}},
		{"[page twenty-one]", []fonds.Page{{N: 21, Label: "twenty-one"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			d, _ := parseString(t, "1 May 1977\n\nDescription.\n\n"+tt.body+"\n")
			if !reflect.DeepEqual(d.Pages, tt.want) {
				t.Errorf("Parse(%q).Pages = %+v, want %+v", tt.body, d.Pages, tt.want)
			}
			if !reflect.DeepEqual(d.References, tt.refs) {
				t.Errorf("Parse(%q).References = %+v, want %+v", tt.body, d.References, tt.refs)
			}
		})
	}
}

func TestWitnesses(t *testing.T) {
	in := "1 May 1977\n\nLetter. [R 1 May 1977]\n\nThe English text.\n\nTranslated by A. Example\n\n" +
		"--- original: ru ---\n\nРусский текст.\n\n1. Рукописный текст дан курсивом.\n\nTranscription, B. Primer\n"
	d, _ := parseString(t, in)
	if len(d.Witnesses) != 2 {
		t.Fatalf("Witnesses = %+v, want 2", d.Witnesses)
	}
	en, ru := d.Witnesses[0], d.Witnesses[1]
	if en.Language != "en" || en.Role != fonds.RoleTranslation || en.Text.PlainText() != "The English text." {
		t.Errorf("first witness = %+v", en)
	}
	if ru.Language != "ru" || ru.Role != fonds.RoleOriginal || ru.Text.PlainText() != "Русский текст." {
		t.Errorf("second witness = %+v", ru)
	}
	if len(ru.Credits) != 1 || ru.Credits[0].Role != "transcriber" || ru.Credits[0].Name != "B. Primer" {
		t.Errorf("second witness credits = %+v", ru.Credits)
	}
	if !reflect.DeepEqual(d.Languages, []string{"en", "ru"}) {
		t.Errorf("Languages = %q, want en, ru", d.Languages)
	}
	if !reflect.DeepEqual(d.Conventions, []string{"1. Рукописный текст дан курсивом."}) {
		t.Errorf("Conventions = %q", d.Conventions)
	}

	d, _ = parseString(t, "1 May 1977\n\nПисьмо.\n\nРусский текст письма.\n")
	if w := d.Witnesses[0]; w.Language != "ru" || w.Role != fonds.RoleOriginal {
		t.Errorf("Cyrillic witness = %s %s, want ru original", w.Language, w.Role)
	}
	d, _ = parseString(t, "1 May 1977\n\nBrief.\n\n--- translation: de ---\n\nDeutscher Text.\n")
	if w := d.Witnesses[0]; len(d.Witnesses) != 1 || w.Language != "de" || w.Role != fonds.RoleTranslation {
		t.Errorf("declared witness = %+v, want one German translation", d.Witnesses)
	}
}

func TestDefects(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		line    int
		message string // a part of the warning
		check   func(*fonds.Document) string
	}{
		{"mojibake", "1 May 1977\n\nLetter.\n\nâ€œQuotedâ€\u009d and cafÃ©.\n", 5, "mojibake", func(d *fonds.Document) string {
			return d.Witnesses[0].Text.PlainText()
		}},
		{"windows-1252", "1 May 1977\n\nLetter.\n\n\x93Quoted\x94 caf\xe9.\n", 5, "Windows-1252", func(d *fonds.Document) string {
			return d.Witnesses[0].Text.PlainText()
		}},
		{"unreadable page marker", "1 May 1977\n\nLetter.\n\n[page x]\n", 5, "page marker", func(d *fonds.Document) string {
			return d.Witnesses[0].Text.Notes()[0]
		}},
		{"unclosed bracket", "1 May 1977\n\nLetter.\n\nan [ open\n", 5, `unclosed "["`, func(d *fonds.Document) string {
			return d.Witnesses[0].Text.PlainText()
		}},
		{"stray brace", "1 May 1977\n\nLetter.\n\nclosed }\n", 5, `"}"`, func(d *fonds.Document) string {
			return d.Witnesses[0].Text.PlainText()
		}},
		{"references differ", "1 May 1977*, 1-A\n\nLetter. [R 1 May 1977, 2-A]\n", 3, "differs", func(d *fonds.Document) string {
			return d.References[0].Written + " " + d.References[1].Written
		}},
	}
	wants := map[string]string{
		"mojibake":               "“Quoted” and café.",
		"windows-1252":           "“Quoted” café.",
		"unreadable page marker": "page x",
		"unclosed bracket":       "an [ open",
		"stray brace":            "closed }",
		"references differ":      "1-A 2-A",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, warnings := parseString(t, tt.in)
			if len(warnings) != 1 || warnings[0].Line != tt.line || !strings.Contains(warnings[0].Message, tt.message) {
				t.Errorf("Parse(%q) warnings = %+v, want one on line %d about %q", tt.in, warnings, tt.line, tt.message)
			}
			if got, want := tt.check(d), wants[tt.name]; got != want {
				t.Errorf("Parse(%q) gives %q, want %q", tt.in, got, want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
	}{
		{"empty", "", "bad.txt:1: empty file"},
		{"blank", "\n  \n\t\n", "bad.txt:1: empty file"},
		{"no date", "\nHuman rights (Pb 56/68)\n", `bad.txt:2: heading has no date: "Human rights (Pb 56/68)"`},
		{"impossible date", "31 February 1977* (Pb 1/2)\n", `bad.txt:1: impossible date "31 February 1977"`},
		{"impossible trailing date", "Notes (30 February 1975)\n", `bad.txt:1: impossible date "30 February 1975"`},
		{"unknown markup", "1 May 1977\n\nLetter.\n\nText\n{foo:bar}\n", `bad.txt:6: column 1: unknown markup "{foo:"`},
		{"unclosed markup", "1 May 1977\n\nLetter.\n\n{hand:never\nclosed\n", `bad.txt:5: column 1: unclosed "{hand:"`},
		{"bare brace", "1 May 1977\n\nLetter.\n\nA { brace\n", `bad.txt:5: column 3: "{" opens no markup (write \{ for a brace)`},
		{"NUL", "1 May 1977\n\nLetter\x00.\n", "bad.txt:3: not a text file (NUL byte)"},
		{"bad status", "1 May 1977\n\n@status finished\n\nLetter.\n", `bad.txt:3: @status "finished" is not one of draft, review, published, withdrawn`},
		{"bad embargo", "1 May 1977\n\n@status draft\n@embargo 2027-13-01\n", `bad.txt:4: @embargo "2027-13-01" is not a date (YYYY-MM-DD) nor a time (2027-01-01T09:00:00Z)`},
		{"embargo without date", "1 May 1977\n@embargo\n", `bad.txt:2: @embargo needs a date: @embargo 2027-01-01, or a time: @embargo 2027-01-01T09:00:00Z`},
		{"restricted with value", "1 May 1977\n\n@restricted yes\n", `bad.txt:3: @restricted takes no value, not "yes"`},
		{"twice", "1 May 1977\n\n@restricted\n\n@restricted\n", `bad.txt:5: @restricted is given twice (first at line 3)`},
		{"unknown directive", "1 May 1977\n\n@stauts review\n", `bad.txt:3: unknown directive @stauts: after the heading come @status, @embargo and @restricted (write \@stauts for a description that begins so)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _, err := Parse(strings.NewReader(tt.in), "bad.txt")
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error %q", tt.in, d, tt.want)
			}
			var pe *fonds.ParseError
			if !errors.As(err, &pe) || pe.Path != "bad.txt" || !errors.Is(err, fonds.ErrInvalid) {
				t.Errorf("Parse(%q) error %#v is not a ParseError for bad.txt", tt.in, err)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse(%q) error = %q, want %q", tt.in, err, tt.want)
			}
		})
	}
}

// TestAccessDirectives checks what the directives after the heading say,
// and that Write writes them only when they say something.
func TestAccessDirectives(t *testing.T) {
	tests := []struct {
		in         string
		status     fonds.Status
		embargo    string
		restricted bool
	}{
		{"1 May 1977\n\nLetter.\n\nText.\n", fonds.StatusPublished, "", false},
		{"1 May 1977\n@status draft\nLetter.\n\nText.\n", fonds.StatusDraft, "", false},
		{"1 May 1977\n\n@status published\n\nLetter.\n", fonds.StatusPublished, "", false},
		{"1 May 1977\n\n@status withdrawn\n@embargo 2027-01-01T09:00:00+02:00\n", fonds.StatusWithdrawn, "2027-01-01T09:00:00+02:00", false},
		{"1 May 1977\n\n  @restricted  \n\n@opener Moscow\n", fonds.StatusPublished, "", true},
	}
	for _, tt := range tests {
		d, _ := parseString(t, tt.in)
		if d.Status != tt.status || d.Embargo != tt.embargo || d.Restricted != tt.restricted {
			t.Errorf("Parse(%q): status, embargo, restricted = %q, %q, %v; want %q, %q, %v", tt.in, d.Status, d.Embargo, d.Restricted, tt.status, tt.embargo, tt.restricted)
		}
		var out bytes.Buffer
		if err := Write(&out, d); err != nil {
			t.Fatal(err)
		}
		has := strings.Contains(out.String(), "\n@")
		if want := tt.status != fonds.StatusPublished || tt.embargo != "" || tt.restricted; has != want {
			t.Errorf("Write(Parse(%q)) =\n%s\nwrites directives: %v, want %v", tt.in, out.String(), has, want)
		}
		checkRoundTrip(t, d, tt.in)
	}
	// A description that begins like a directive is written escaped.
	d := &fonds.Document{Date: fonds.Date{Start: "1977-05-19", End: "1977-05-19", Precision: fonds.PrecisionDay, Written: "19 May 1977"},
		Summary: "@status draft, says the note.", Languages: []string{"en"}, Status: fonds.StatusDraft,
		Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal, Text: fonds.Text{para(txt("Text."))}}},
		Pages:     []fonds.Page{{N: 1}}}
	d.ID = fonds.DocumentID(d)
	checkRoundTrip(t, d, "a description like a directive")
}

func TestLongLines(t *testing.T) {
	long := strings.Repeat("word ", 100_000) // 500 KB, one paragraph
	d, _ := parseString(t, "1 May 1977\n\nLetter.\n\n"+long+"\n")
	if got := len(d.Witnesses[0].Text.PlainText()); got != len(long)-1 {
		t.Errorf("long paragraph read as %d bytes, want %d", got, len(long)-1)
	}
	tooLong := strings.Repeat("x", maxLine+1)
	_, _, err := Parse(strings.NewReader("1 May 1977\n\nLetter.\n\n"+tooLong+"\n"), "big.txt")
	if err == nil || !strings.HasPrefix(err.Error(), "big.txt:5: line longer than") {
		t.Errorf("Parse of a line over 1 MiB: error %v, want big.txt:5: line longer than …", err)
	}
}

func TestLineEnds(t *testing.T) {
	want, _ := parseString(t, "1 May 1977\n\nLetter.\n\nText.\n")
	for _, in := range []string{"\uFEFF1 May 1977\r\n\r\nLetter.\r\n\r\nText.\r\n", "1 May 1977\r\rLetter.\r\rText."} {
		got, _ := parseString(t, in)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestReader(t *testing.T) {
	var n int
	err := Reader{}.ReadDocuments(strings.NewReader("1 May 1977\n"), "r.txt", func(d *fonds.Document, _ []fonds.Warning) error {
		n++
		if d.Origin != "r.txt" {
			t.Errorf("Origin = %q, want r.txt", d.Origin)
		}
		return nil
	})
	if err != nil || n != 1 {
		t.Errorf("ReadDocuments: %d documents, error %v; want 1, nil", n, err)
	}
	err = Reader{}.ReadDocuments(strings.NewReader(""), "r.txt", func(*fonds.Document, []fonds.Warning) error { return nil })
	if err == nil {
		t.Error("ReadDocuments of an empty file: no error")
	}
}

// testInputs returns the invented inputs of testdata/shapes.
func testInputs(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "shapes", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test inputs in testdata/shapes: %v", err)
	}
	return files
}

// sampleFiles returns the files of the sample collection, if it exists.
func sampleFiles(t testing.TB) []string {
	dir := filepath.Join("..", "sample")
	if _, err := os.Stat(dir); err != nil {
		t.Logf("no sample collection at %s", dir)
		return nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("the sample collection %s has no .txt files", dir)
	}
	return files
}

func parseFile(t testing.TB, path string) (*fonds.Document, []fonds.Warning) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, w, err := Parse(f, filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	return d, w
}

// golden is what a golden file records: the document and the warnings.
type golden struct {
	Document *fonds.Document `json:"document"`
	Warnings []fonds.Warning `json:"warnings,omitempty"`
}

func checkGolden(t *testing.T, in, goldenPath string) {
	d, w := parseFile(t, in)
	got, err := json.MarshalIndent(golden{d, w}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Parse(%s) differs from %s (run go test -update and review the diff):\n%s", in, goldenPath, got)
	}
}

func TestGoldenShapes(t *testing.T) {
	for _, in := range testInputs(t) {
		name := strings.TrimSuffix(filepath.Base(in), ".txt")
		t.Run(name, func(t *testing.T) {
			checkGolden(t, in, filepath.Join("testdata", "shapes", name+".json"))
		})
	}
}

func TestGoldenSample(t *testing.T) {
	for _, in := range sampleFiles(t) {
		name := strings.TrimSuffix(filepath.Base(in), ".txt")
		t.Run(name, func(t *testing.T) {
			checkGolden(t, in, filepath.Join("testdata", "golden", name+".json"))
		})
	}
}

// checkRoundTrip checks that Write of d parses back to d, and that writing
// that again gives the same bytes.
func checkRoundTrip(t testing.TB, d *fonds.Document, label string) {
	t.Helper()
	var out bytes.Buffer
	if err := Write(&out, d); err != nil {
		t.Fatalf("Write(%s): %v", label, err)
	}
	d2, _, err := Parse(bytes.NewReader(out.Bytes()), "written.txt")
	if err != nil {
		t.Fatalf("Parse(Write(%s)): %v\n%s", label, err, out.Bytes())
	}
	a, b := *d, *d2
	a.Origin, b.Origin = "", ""
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.MarshalIndent(a, "", " ")
		jb, _ := json.MarshalIndent(b, "", " ")
		t.Fatalf("Parse(Write(%s)) differs:\nwritten:\n%s\nfirst:\n%s\nsecond:\n%s", label, out.Bytes(), ja, jb)
	}
	var again bytes.Buffer
	if err := Write(&again, d2); err != nil {
		t.Fatalf("Write(Parse(Write(%s))): %v", label, err)
	}
	if !bytes.Equal(out.Bytes(), again.Bytes()) {
		t.Fatalf("Write is not idempotent on %s:\n%s\n---\n%s", label, out.Bytes(), again.Bytes())
	}
}

func TestRoundTrip(t *testing.T) {
	files := append(testInputs(t), sampleFiles(t)...)
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			d, _ := parseFile(t, in)
			checkRoundTrip(t, d, in)
		})
	}
	t.Run("seed", func(t *testing.T) {
		in := seedPath(t)
		d, _ := parseFile(t, in)
		checkRoundTrip(t, d, in)
	})
}

func TestWriteEscapes(t *testing.T) {
	// Documents whose text would be misread if written as it stands.
	texts := []fonds.Text{
		{para(txt("1. Notes in brackets and italic are the editor's."))},
		{para(txt("====="))},
		{para(txt("# not a heading")), para(txt("> not a quote"))},
		{para(txt("--- original: ru ---"))},
		{para(txt("Translation, not a credit"))},
		{para(txt("a [bracket], {braces} and a \\ backslash"))},
		{para(txt("dots..."), kind(fonds.SpanOmission, "..."), txt("...."))},
		{para(txt("."), kind(fonds.SpanOmission, "…"), txt(".."))},
		{para(note("page 2")), para(note("…")), para(note("Stamp")), para(note("signed")), para(note("added: x"))},
		{para(note("a [nested"))},
		{para(kind(fonds.SpanStamp, "Approved"))},
		{{Kind: fonds.BlockQuote, Spans: []fonds.Span{txt("a\n\n  b")}}},
		{para(txt("- not an item")), para(txt("* nor this")), para(txt("| not | a row |")), para(txt("@closer not a closer"))},
		{para(txt("a | bar"), fonds.Span{Kind: fonds.SpanLineBreak}, txt("{br} as text"))},
		{block(fonds.BlockItem, txt("item")), block(fonds.BlockItem)},
		{block(fonds.BlockRow, kind(fonds.SpanCell, "a|b"), kind(fonds.SpanCell, ""), kind(fonds.SpanCell, "", note("n|m")))},
		{block(fonds.BlockOpener, txt("Moscow")), block(fonds.BlockCloser), block(fonds.BlockAttachment, kind(fonds.SpanStrong, "Annex"))},
		{para(kind(fonds.SpanCell, "a stray cell"))},
	}
	for _, text := range texts {
		d := &fonds.Document{Date: fonds.Date{Start: "1977-05-19", End: "1977-05-19", Precision: fonds.PrecisionDay, Written: "19 May 1977"},
			Summary: "Letter.", Type: "letter", Languages: []string{"en"},
			Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal, Text: text}},
			Pages:     []fonds.Page{{N: 1}}, Status: fonds.StatusPublished}
		d.ID = fonds.DocumentID(d)
		checkRoundTrip(t, d, "text "+text.PlainText())
	}
}

func FuzzParse(f *testing.F) {
	files := append(testInputs(f), sampleFiles(f)...)
	// The seed, where the corpus is, seeds the fuzzer too.
	if seed := filepath.Join(testenv.CorpusDir(), "seed", "000_4215be4c9e9eb522.txt"); fileExists(seed) {
		files = append(files, seed)
	}
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Mentions in the forms "[[…]]" reads, in a title, a source note, the
	// body and its cells, nested and escaped.
	for _, s := range []string{
		"1 May 1977 On [[Andrei Sakharov|Sakharov]]\n\nNote. [Source: by [[org:Committee for State Security|KGB|#o1 https://example.org/orgs/kgb]]]\n\n[[place:Moscow|Москве]] and [[Andrei Sakharov]]\n",
		"1 May 1977\n\nText.\n\n[[Leonid Brezhnev|{hand:L.I.} [sic]|https://example.org/persons/brezhnev]] | [[term:United Nations|UN]] |\n",
		"[[Yuri Andropov|Andropov]] notes (14 May 1975)\n\n| [[a\\|b|c\\]]] | \\[\\[x |\n\n> [[x\n> |y]]\n",
		"1 May 1977\n\n.\n\n[[A|[[B|[[C]]]]]] [[ place: x || #y ]] [[A|{em:b}|#c]]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d, _, err := Parse(bytes.NewReader(in), "fuzz.txt")
		if err != nil {
			var pe *fonds.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a ParseError", err)
			}
			return
		}
		checkRoundTrip(t, d, "fuzz input")
	})
}

func BenchmarkParse(b *testing.B) {
	files := sampleFiles(b)
	if len(files) == 0 {
		files = testInputs(b)
	}
	var inputs [][]byte
	var size int64
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, data)
		size += int64(len(data))
	}
	b.SetBytes(size)
	for b.Loop() {
		for _, in := range inputs {
			if _, _, err := Parse(bytes.NewReader(in), "bench.txt"); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestWarningCap(t *testing.T) {
	_, warnings := parseString(t, "1 May 1977\n\nLetter.\n\n"+strings.Repeat("] ", 1000)+"\n")
	if len(warnings) != maxWarnings+1 || !strings.Contains(warnings[maxWarnings].Message, "not shown") {
		t.Errorf("%d warnings, the last %+v; want %d, the last saying more are not shown", len(warnings), warnings[len(warnings)-1], maxWarnings+1)
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
