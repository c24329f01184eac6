// Package fondstest holds the contract tests that every implementation of
// fonds.Store must pass, and helpers that make documents for tests.
//
// A store's own tests run the contract against a real database:
//
//	func TestStore(t *testing.T) {
//		fondstest.TestStore(t, func(t *testing.T) fonds.Store {
//			s, err := Open(filepath.Join(t.TempDir(), "fonds.db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
package fondstest

import (
	"fmt"
	"time"

	"fonds"
)

// Collection is the slug of the collection the documents of NewDocument and
// NewFullDocument belong to. A test puts it in the store first.
const Collection = "test"

// NewDate returns the Date that s writes: "" is undated, "1970" is known to
// the year, "1991-06" to the month and "1977-05-19" to the day. It panics on
// any other form, which is a mistake in a test.
func NewDate(s string) fonds.Date {
	if s == "" {
		return fonds.Date{}
	}
	for _, f := range []struct {
		layout, written string
		precision       fonds.Precision
		end             func(time.Time) time.Time
	}{
		{"2006", "2006", fonds.PrecisionYear, func(t time.Time) time.Time { return t.AddDate(1, 0, -1) }},
		{"2006-01", "January 2006", fonds.PrecisionMonth, func(t time.Time) time.Time { return t.AddDate(0, 1, -1) }},
		{time.DateOnly, "2 January 2006", fonds.PrecisionDay, func(t time.Time) time.Time { return t }},
	} {
		if len(s) != len(f.layout) {
			continue
		}
		t, err := time.Parse(f.layout, s)
		if err != nil {
			break
		}
		return fonds.Date{
			Start:     t.Format(time.DateOnly),
			End:       f.end(t).Format(time.DateOnly),
			Precision: f.precision,
			Written:   t.Format(f.written),
		}
	}
	panic(fmt.Sprintf("fondstest: date %q is not YYYY, YYYY-MM or YYYY-MM-DD", s))
}

// NewDocument returns a small valid published document of collection
// Collection, with the id, dated by date as NewDate reads it, with a title
// and an English text of two paragraphs.
func NewDocument(id string, date string) *fonds.Document {
	return &fonds.Document{
		ID:         id,
		Collection: Collection,
		Date:       NewDate(date),
		Title:      "Document " + id,
		Summary:    "A short document made for tests.",
		Languages:  []string{"en"},
		Witnesses: []fonds.Witness{{
			Language: "en",
			Role:     fonds.RoleTranslation,
			Text: fonds.Text{
				{Kind: fonds.BlockParagraph, Spans: []fonds.Span{{Kind: fonds.SpanText, Text: "The first paragraph of " + id + "."}}},
				{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
					{Kind: fonds.SpanText, Text: "The second, with "},
					{Kind: fonds.SpanNote, Text: "an editorial note"},
					{Kind: fonds.SpanText, Text: "."},
				}},
			},
		}},
		Status: fonds.StatusPublished,
	}
}

// NewFullDocument returns a published document of collection Collection
// that fills every field of the model, of the size and shape of a real
// record: an original and a translation of four pages, each page four
// paragraphs with notes, handwriting, deletions, stamps, signatures and
// mentions of persons. Its words are invented.
func NewFullDocument(id string, date string) *fonds.Document {
	d := NewDate(date)
	d.Approximate = true
	pageDate := NewDate("1977-05-20")
	doc := &fonds.Document{
		ID:          id,
		Collection:  Collection,
		Date:        d,
		Mark:        "*",
		Title:       "Cultural exchanges",
		Summary:     "Instruction of the Ministry to its delegations, signed by Pyotr IVANOV, on cultural exchanges",
		Creator:     "Ministry",
		Type:        "instruction",
		References:  []fonds.Reference{fonds.NewReference("St 12-34", "heading"), fonds.NewReference("No. 567", "source")},
		Source:      "R 19 May 1977, St 12-34",
		ExtentPages: 4,
		Excerpt:     true,
		Languages:   []string{"ru", "en"},
		Pages: []fonds.Page{
			{N: 1, Label: "one", Of: 4},
			{N: 2, Label: "two", Of: 4, Date: &pageDate, Reference: "No. 567"},
			{N: 3, Label: "three", Of: 4},
			{N: 4, Label: "four", Of: 4},
		},
		Persons: []fonds.Person{
			{Name: "Pyotr Ivanov", Written: "Pyotr IVANOV"},
			{Name: "Anna Petrova"},
		},
		Categories:  []string{"2.1", "5"},
		Conventions: []string{"[…] words left out by the edition", "underlined: handwritten"},
		Status:      fonds.StatusPublished,
		Origin:      "imports/1977/" + id + ".txt",
	}
	doc.Witnesses = []fonds.Witness{
		{
			Language: "en",
			Role:     fonds.RoleTranslation,
			Credits:  []fonds.Credit{{Role: "translator", Name: "Maria Sokolova", Written: "Translation, Maria Sokolova"}},
			Text:     fullText(4, 4, "en"),
		},
		{
			Language: "ru",
			Role:     fonds.RoleOriginal,
			Credits:  []fonds.Credit{{Role: "transcriber", Name: "Ivan Orlov"}},
			Text:     fullText(4, 4, "ru"),
		},
	}
	return doc
}

// fullText returns an invented text of the pages, each of the paragraphs,
// using every kind of block and span, containers nested.
func fullText(pages, paragraphs int, lang string) fonds.Text {
	words := "The delegation is to report on each meeting with the organizers of the exhibition, " +
		"naming those present and what they proposed, and is to make no commitment before it has instructions."
	if lang == "ru" {
		words = "Делегации следует сообщать о каждой встрече с устроителями выставки, " +
			"называя присутствующих и их предложения, и не брать обязательств до получения указаний."
	}
	text := fonds.Text{{Kind: fonds.BlockHeading, Spans: []fonds.Span{{Kind: fonds.SpanText, Text: "Instruction"}}}}
	for p := 1; p <= pages; p++ {
		text = append(text, fonds.Block{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
			{Kind: fonds.SpanPageBreak, Text: "page " + fmt.Sprint(p), Page: p},
		}})
		for i := 1; i <= paragraphs; i++ {
			spans := []fonds.Span{
				{Kind: fonds.SpanText, Text: fmt.Sprintf("%d. %s ", i, words)},
				{Kind: fonds.SpanNote, Text: "détente"},
				{Kind: fonds.SpanText, Text: words + " "},
			}
			switch i % 4 {
			case 0:
				spans = append(spans, fonds.Span{Kind: fonds.SpanHandwritten, Spans: []fonds.Span{
					{Kind: fonds.SpanUnderline, Spans: []fonds.Span{{Kind: fonds.SpanText, Text: "Agreed."}}},
					{Kind: fonds.SpanPerson, Target: "pyotr ivanov", Spans: []fonds.Span{{Kind: fonds.SpanText, Text: "IVANOV"}}},
				}})
			case 1:
				spans = append(spans,
					fonds.Span{Kind: fonds.SpanDeletion, Text: "at once"},
					fonds.Span{Kind: fonds.SpanInsertion, Text: "in due course"},
					fonds.Span{Kind: fonds.SpanOmission, Text: "[…]"})
			case 2:
				spans = append(spans,
					fonds.Span{Kind: fonds.SpanEmphasis, Text: "strictly"},
					fonds.Span{Kind: fonds.SpanReference, Text: "see St 11/2", Target: "st 11/2"})
			case 3:
				spans = append(spans, fonds.Span{Kind: fonds.SpanStamp, Text: "Secret"})
			}
			kind := fonds.BlockParagraph
			if i == paragraphs/2 {
				kind = fonds.BlockQuote
			}
			text = append(text, fonds.Block{Kind: kind, Spans: spans})
		}
		text = append(text, fonds.Block{Kind: fonds.BlockSeparator})
	}
	text = append(text, fonds.Block{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
		{Kind: fonds.SpanSignature, Text: "[signed] ", Spans: []fonds.Span{
			{Kind: fonds.SpanPerson, Target: "anna petrova", Text: "A. Petrova"},
		}},
	}})
	return text
}
