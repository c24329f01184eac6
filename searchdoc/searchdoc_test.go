package searchdoc

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"fonds"
	"fonds/internal/testenv"
	"fonds/tei"
)

func text(s string) fonds.Span { return fonds.Span{Kind: fonds.SpanText, Text: s} }

func pageBreak(n int) fonds.Span { return fonds.Span{Kind: fonds.SpanPageBreak, Page: n} }

func para(spans ...fonds.Span) fonds.Block {
	return fonds.Block{Kind: fonds.BlockParagraph, Spans: spans}
}

// seedLike is a record as the seed transcribes one: a Russian original and
// its English translation over two pages, a page break within a word and a
// sentence, an editorial note and a footnote, persons and reference codes.
func seedLike() *fonds.Document {
	return &fonds.Document{
		ID:         "1977-05-19-pb-56-68",
		Collection: "seed",
		Date:       fonds.Date{Start: "1977-05-19", End: "1977-05-19"},
		Summary:    "KGB report\uE000 on a poetry reading",
		Creator:    "Politburo",
		Type:       "instruction",
		References: []fonds.Reference{{Written: "Pb 56/68"}, {Written: "PB 56 / 68"}, {Written: "П 56/68"}},
		Source:     "RGANI, fond 89",
		Pages:      []fonds.Page{{N: 1}, {N: 2}},
		Persons:    []fonds.Person{{Name: "Yuri Andropov"}, {Name: ""}},
		Witnesses: []fonds.Witness{
			{Language: "ru", Role: fonds.RoleOriginal, Text: fonds.Text{
				para(text("Секретно.")),
				para(text("Товарищу Ан"), pageBreak(2), text("дропову Юрию Владимировичу"),
					fonds.Span{Kind: fonds.SpanNote, Text: "подпись"}, text(" о вечере поэзии. Конец.")),
			}},
			{Language: "en-GB", Role: fonds.RoleTranslation,
				Credits: []fonds.Credit{{Role: "translator", Name: "john crowfoot"}, {Role: "translator", Name: "\uE001"}},
				Text: fonds.Text{
					para(text("Secret.")),
					para(text("To Comrade An"), pageBreak(2), text("dropov."),
						fonds.Span{Kind: fonds.SpanFootnote, Target: "1", Spans: []fonds.Span{text("Yuri Andropov, chairman of the KGB.")}},
						text(" The end.")),
				}},
		},
	}
}

// frusLike is a document as a FRUS volume publishes one: English only,
// undivided into pages, with footnotes, credits of several roles, a code
// cited twice and declared languages.
func frusLike() *fonds.Document {
	return &fonds.Document{
		ID:         "frus1977-80v06_d5",
		Collection: "frus",
		Hash:       "stored",
		Date:       fonds.Date{Start: "1977-01-25"},
		Title:      "Letter From President Carter to General Secretary Brezhnev",
		Type:       "letter",
		Languages:  []string{"en-US", "ru", "EN"},
		Categories: []string{"Soviet Union"},
		Restricted: true,
		References: []fonds.Reference{
			{Written: "Carter Library, Box 69", Normalized: "carter library, box 69"},
			{Written: "Carter Library, Box 69", Normalized: "carter library, box 69"},
		},
		Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal,
			Credits: []fonds.Credit{
				{Role: "editor", Name: "Melissa Jane Taylor"},
				{Role: "compiler", Name: "adam howard"},
				{Role: "transcriber", Name: ""},
			},
			Text: fonds.Text{
				para(text("I received your letter of January 21,"),
					fonds.Span{Kind: fonds.SpanFootnote, Target: "2", Spans: []fonds.Span{text("See Document 2.")}},
					text(" and I want to express my views.")),
				{Kind: fonds.BlockSeparator},
				para(text("Sincerely,"), fonds.Span{Kind: fonds.SpanNote, Text: "Printed from an unsigned copy."}),
			}}},
	}
}

func TestOf(t *testing.T) {
	seed, frus := seedLike(), frusLike()
	tests := []struct {
		name string
		d    *fonds.Document
		want *Doc
	}{
		{"seed", seed, &Doc{
			ID: seed.ID,
			Pages: []Page{
				{1, "ru", "Секретно.\nТоварищу Андропову Юрию Владимировичу о вечере поэзии."},
				{2, "ru", "Конец."},
				{1, "en", "Secret.\nTo Comrade Andropov."},
				{2, "en", "The end."},
			},
			Summary:        "KGB report on a poetry reading",
			Source:         "RGANI, fond 89",
			Persons:        []string{"Yuri Andropov", ""},
			Notes:          []string{"подпись", "Yuri Andropov, chairman of the KGB."},
			Credits:        []Credit{{"John Crowfoot", "translator"}},
			References:     []string{"Pb 56/68", "П 56/68"},
			ReferenceTerms: []string{"pb 56/68", "56/68", "п 56/68"},
			Collection:     "seed",
			Creator:        "Politburo",
			Type:           "instruction",
			Languages:      []string{"ru", "en"},
			Year:           "1977",
			Decade:         "1970s",
			Start:          "1977-05-19",
			End:            "1977-05-19",
			Heading:        seed.Heading(),
			Date:           seed.Date,
			Hash:           seed.ContentHash(),
		}},
		{"frus", frus, &Doc{
			ID:    frus.ID,
			Pages: []Page{{1, "en", "I received your letter of January 21, and I want to express my views.\nSincerely,"}},
			Title: frus.Title,
			Notes: []string{"See Document 2.", "Printed from an unsigned copy."},
			Credits: []Credit{
				{"Melissa Jane Taylor", "editor"},
				{"Adam Howard", "compiler"},
			},
			References:     []string{"Carter Library, Box 69"},
			ReferenceTerms: []string{"carter library, box 69"},
			Collection:     "frus",
			Type:           "letter",
			Languages:      []string{"en", "ru"},
			Categories:     []string{"Soviet Union"},
			Year:           "1977",
			Decade:         "1970s",
			Start:          "1977-01-25",
			End:            "1977-01-25",
			Heading:        frus.Title,
			Date:           frus.Date,
			Hash:           "stored",
			Restricted:     true,
		}},
		{"empty", &fonds.Document{ID: "x", Date: fonds.Date{Start: "1977-13-40"}}, &Doc{
			ID:   "x",
			Date: fonds.Date{Start: "1977-13-40"},
			Year: "1977", Decade: "1970s",
			Heading: (&fonds.Document{Date: fonds.Date{Start: "1977-13-40"}}).Heading(),
			Hash:    (&fonds.Document{ID: "x", Date: fonds.Date{Start: "1977-13-40"}}).ContentHash(),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Of(tt.d)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Of(%s) =\n%+v\nwant\n%+v", tt.d.ID, got, tt.want)
			}
		})
	}
}

func TestElements(t *testing.T) {
	tests := []struct {
		d    *fonds.Document
		want []Kind
	}{
		{seedLike(), []Kind{KindPage, KindPage, KindPage, KindPage, KindTitle, KindSummary,
			KindPerson, KindPerson, KindNote, KindNote, KindSource}},
		{frusLike(), []Kind{KindPage, KindTitle, KindSummary, KindNote, KindNote, KindSource}},
	}
	for _, tt := range tests {
		sd := Of(tt.d)
		els := sd.Elements()
		var kinds []Kind
		for _, e := range els {
			kinds = append(kinds, e.Kind)
		}
		if !slices.Equal(kinds, tt.want) {
			t.Errorf("Elements of %s: kinds %v, want %v", tt.d.ID, kinds, tt.want)
		}
		// Element k of a page is page text k; the others follow in order.
		for k, p := range sd.Pages {
			if els[k].Text != p.Text || els[k].Language != p.Language {
				t.Errorf("Elements of %s: element %d = %+v, want page %+v", tt.d.ID, k, els[k], p)
			}
		}
		n := len(sd.Pages)
		if els[n].Text != sd.Title || els[n+1].Text != sd.Summary || els[len(els)-1].Text != sd.Source {
			t.Errorf("Elements of %s: title, summary and source = %q, %q, %q", tt.d.ID, els[n].Text, els[n+1].Text, els[len(els)-1].Text)
		}
		for i, note := range sd.Notes {
			if e := els[n+2+len(sd.Persons)+i]; e.Text != note {
				t.Errorf("Elements of %s: note %d = %q, want %q", tt.d.ID, i, e.Text, note)
			}
		}
	}
}

func TestKindViews(t *testing.T) {
	tests := []struct {
		k                  Kind
		names, keys, stops bool
	}{
		{KindPage, true, true, true},
		{KindTitle, true, true, true},
		{KindSummary, true, true, true},
		{KindPerson, true, false, false},
		{KindNote, true, true, false},
		{KindSource, true, true, false},
	}
	for _, tt := range tests {
		if got := [3]bool{tt.k.Names(), tt.k.Keys(), tt.k.Stops()}; got != [3]bool{tt.names, tt.keys, tt.stops} {
			t.Errorf("Kind(%d) Names, Keys, Stops = %v, want %v", tt.k, got, [3]bool{tt.names, tt.keys, tt.stops})
		}
	}
}

func TestNotesOutOfPages(t *testing.T) {
	tx := fonds.Text{para(
		text("letter of January 21,"),
		fonds.Span{Kind: fonds.SpanFootnote, Target: "2", Spans: []fonds.Span{text("See Document 2.")}},
		text(" and I want "),
		fonds.Span{Kind: fonds.SpanNote, Text: "sic"},
		fonds.Span{Kind: fonds.SpanPageBreak, Page: 2, Text: "2"},
		text(" more"),
	)}
	got := splitPages(tx, map[int]int{1: 0, 2: 1}, 2)
	want := []string{"letter of January 21, and I want  more", ""}
	if !slices.Equal(got, want) {
		t.Errorf("splitPages = %q, want %q", got, want)
	}
	// A page break after a sentence opens its page there.
	got = splitPages(fonds.Text{para(
		text("One. "), pageBreak(2), text("Two th"), pageBreak(3), text("ree. Four"),
	)}, map[int]int{1: 0, 2: 1, 3: 2}, 3)
	want = []string{"One.", "Two three.", "Four"}
	if !slices.Equal(got, want) {
		t.Errorf("splitPages = %q, want %q", got, want)
	}
	if notes := notesOf(tx); !slices.Equal(notes, []string{"See Document 2.", "sic"}) {
		t.Errorf("notesOf = %q, want [See Document 2. sic]", notes)
	}
}

// TestFRUS checks the view of a FRUS document of the corpus: its footnotes
// are notes, out of its page texts, where the sentence they annotate reads
// across the mark.
func TestFRUS(t *testing.T) {
	name := "frus1977-80v06_d5.xml"
	f, err := os.Open(filepath.Join(testenv.Corpus(t), "frus", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sd *Doc
	err = tei.Reader{}.ReadDocuments(f, name, func(d *fonds.Document, _ []fonds.Warning) error {
		sd = Of(d)
		return nil
	})
	if err != nil || sd == nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	var pages strings.Builder
	for _, p := range sd.Pages {
		pages.WriteString(p.Text)
	}
	if !strings.Contains(pages.String(), "January 21, and I want") {
		t.Errorf("the pages of %s do not read across the footnote: %.300q", name, pages.String())
	}
	if strings.Contains(pages.String(), "See Document 2") {
		t.Errorf("the pages of %s hold a footnote", name)
	}
	if !slices.ContainsFunc(sd.Notes, func(n string) bool { return strings.Contains(n, "See Document 2") }) {
		t.Errorf("the notes of %s = %q, want the footnote See Document 2", name, sd.Notes)
	}
}

func TestClean(t *testing.T) {
	if got := clean("a\uE000b\uE003"); got != "ab" {
		t.Errorf("clean = %q, want %q", got, "ab")
	}
}

func TestCapitalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"john crowfoot", "John Crowfoot"},
		{"sakharov's wife", "Sakharov's Wife"},
		{"брежнев л.и.", "Брежнев Л.И."},
		{"o'brien", "O'brien"},
	}
	for _, tt := range tests {
		if got := Capitalize(tt.in); got != tt.want {
			t.Errorf("Capitalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBaseLanguage(t *testing.T) {
	for in, want := range map[string]string{"en": "en", "en-GB": "en", "RU_ru": "ru", "": ""} {
		if got := BaseLanguage(in); got != want {
			t.Errorf("BaseLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}
