package bleve

import (
	"context"
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"fonds"
	"fonds/searchdoc"
	"fonds/translit"
)

// wordMatch returns the match of the n-th occurrence (from 0) of word in
// text.
func wordMatch(t *testing.T, text, word string, n int) match {
	t.Helper()
	at := -1
	for i := 0; i <= n; i++ {
		j := strings.Index(text[at+1:], word)
		if j < 0 {
			t.Fatalf("%q is not %d times in the text", word, n+1)
		}
		at += 1 + j
	}
	return match{start: at, end: at + len(word), term: word}
}

// The text of the seed record's instruction, as the running text of its
// page, and a Russian text of that length, to cut passages of.
const (
	seedText    = "Recently a wide and coordinated campaign has unfolded in the West concerning the phoney “violations of human rights” in the Soviet Union and other socialist countries. Those behind this outcry, which has a frankly provocative and demagogic character, are, as often in the past, first and foremost the reactionary, anti-communist and anti-Soviet forces in the USA and certain West European States. It is to be noted that in this instance official circles in Washington have zealously joined in the campaign, including the highest political echelons of the new American administration."
	russianText = "В последнее время на Западе развернута широкая и скоординированная кампания вокруг мнимых «нарушений прав человека» в Советском Союзе и других социалистических странах. Зачинщиками этой шумихи, носящей откровенно провокационный и демагогический характер, выступают, как это не раз бывало и в прошлом, прежде всего реакционные, антикоммунистические и антисоветские силы США и некоторых западноевропейских государств. Следует отметить, что в данном случае к кампании активно подключились официальные круги Вашингтона, включая высшие политические эшелоны новой американской администрации."
)

// TestPassageWords checks that a passage begins and ends at word
// boundaries, in Latin and Cyrillic text, holding its mark.
func TestPassageWords(t *testing.T) {
	tests := []struct {
		name, text, word string
		n                int
		want             string
	}{
		{"latin", seedText, "Washington", 0,
			"…forces in the USA and certain West European States. It is to be noted that in this instance official circles in <mark>Washington</mark> have zealously joined in the campaign, including the highest political echelons of the new American administration."},
		{"latin middle", seedText, "outcry", 0,
			"…<mark>outcry</mark>, which has a frankly provocative and demagogic character, are, as often in the past, first and foremost the reactionary, anti-communist and anti-Soviet forces in the USA and certain West European States. It is to be noted that in…"},
		{"latin start", seedText, "Recently", 0,
			"<mark>Recently</mark> a wide and coordinated campaign has unfolded in the West concerning the phoney “violations of human rights” in the Soviet Union and other socialist countries. Those behind this outcry, which has a frankly provocative and demagogic…"},
		{"cyrillic", russianText, "Вашингтона", 0,
			"…и антисоветские силы США и некоторых западноевропейских государств. Следует отметить, что в данном случае к кампании активно подключились официальные круги <mark>Вашингтона</mark>, включая высшие политические эшелоны новой американской администрации."},
		{"cyrillic middle", russianText, "шумихи", 0,
			"…<mark>шумихи</mark>, носящей откровенно провокационный и демагогический характер, выступают, как это не раз бывало и в прошлом, прежде всего реакционные, антикоммунистические и антисоветские силы США и некоторых западноевропейских государств. Следует…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := wordMatch(t, tt.text, tt.word, tt.n)
			got := passage(tt.text, []match{m}, m.start)
			if got != tt.want {
				t.Errorf("passage(%s, %q) =\n%q\nwant\n%q", tt.name, tt.word, got, tt.want)
			}
		})
	}
}

// TestCutAtWords checks the cuts of passages of short texts. Each case is
// written as the text with its cuts: [ and ] where the passage is cut before
// the cuts are moved, { and } around its mark; want is the passage after.
func TestCutAtWords(t *testing.T) {
	tests := []struct{ marked, want string }{
		// "…ed campaign" begins at campaign, and ends after a word.
		{"coordin[ated {campaign} has unfo]lded", "campaign has"},
		// A cut at a boundary stays, less the spaces.
		{"one[ {two} ]three", "two"},
		// Sakharov’s is one word, and don't.
		{"to Sa[kharov’s {letter} don]'t", "letter"},
		// No boundary between the cut and the mark: back to the word's start.
		{"ab[cd{ef}]", "abcdef"},
		// The text's ends are boundaries.
		{"[{Сахаров}]", "Сахаров"},
		// Cyrillic: "…ова кампания" begins at кампания, and ends after it.
		{"Сахар[ова {кампания} ш]ла", "кампания"},
		// A cut within the word a mark begins goes on to the word's end.
		{"[с {Боннэр}]ом и", "с Боннэром"},
		// Combining marks are part of their word: I͡akovlev.
		{"words I[͡akovlev {came} ba]ck", "came"},
	}
	for _, tt := range tests {
		text, cuts := unmark(tt.marked)
		start, end := cutAtWords(text, cuts[0], cuts[3], cuts[1], cuts[2])
		if got := text[start:end]; got != tt.want {
			t.Errorf("cutAtWords(%q) = %q, want %q", tt.marked, got, tt.want)
		}
	}
}

// unmark returns the text of a case of TestCutAtWords and the offsets of
// its marks [, {, } and ].
func unmark(marked string) (string, [4]int) {
	var b strings.Builder
	var cuts [4]int
	for _, r := range marked {
		if k := strings.IndexRune("[{}]", r); k >= 0 {
			cuts[k] = b.Len()
			continue
		}
		b.WriteRune(r)
	}
	return b.String(), cuts
}

// FuzzPassage checks, for any text and any word of it marked, that the
// passage is valid UTF-8, holds the mark, and begins and ends at word
// boundaries or the text's ends (or within a run of letters too long to
// be a word).
func FuzzPassage(f *testing.F) {
	f.Add(seedText, 100)
	f.Add(russianText, 300)
	f.Add("Sakharov’s letter of January 21, and I want", 5)
	f.Add("I͡akovlev Яковлев Âkovlev", 3)
	f.Add(strings.Repeat("слово ", 80), 200)
	f.Add(strings.Repeat("x", 500)+" word "+strings.Repeat("y", 500), 502)
	f.Fuzz(func(t *testing.T, text string, at int) {
		if !utf8.ValidString(text) || len(text) == 0 {
			return
		}
		// The word around at, as a search would mark it.
		at = (at%len(text) + len(text)) % len(text)
		for at > 0 && !utf8.RuneStart(text[at]) {
			at--
		}
		start, end := at, at
		for start > 0 && withinWord(text, start) {
			_, size := utf8.DecodeLastRuneInString(text[:start])
			start -= size
		}
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			if !translit.IsWordRune(r) && !withinWord(text, end) {
				break
			}
			end += size
		}
		if start == end || utf8.RuneCountInString(text[start:end]) > 40 {
			return
		}
		m := match{start: start, end: end, term: "w"}
		ps, pe := passageBounds(text, []match{m}, m.start)
		if ps < 0 || ps > m.start || pe < m.end || pe > len(text) {
			t.Fatalf("passageBounds(%q, %d-%d) = %d-%d, want around the mark", text, m.start, m.end, ps, pe)
		}
		if !utf8.ValidString(text[ps:pe]) {
			t.Fatalf("passage %q is not valid UTF-8", text[ps:pe])
		}
		if withinWord(text, ps) && wordLen(text, ps) <= maxWordCut {
			t.Fatalf("passage of %q begins within a word: %q", text, text[ps:pe])
		}
		if withinWord(text, pe) && wordLen(text, pe) <= maxWordCut {
			t.Fatalf("passage of %q ends within a word: %q", text, text[ps:pe])
		}
		got := passage(text, []match{m}, m.start)
		if !utf8.ValidString(got) {
			t.Fatalf("passage(%q) = %q, not valid UTF-8", text, got)
		}
		if mark := "<mark>" + html.EscapeString(text[m.start:m.end]) + "</mark>"; !strings.Contains(got, mark) {
			t.Fatalf("passage(%q) = %q, want %s in it", text, got, mark)
		}
	})
}

// wordLen returns the length in characters of the word around the offset i.
func wordLen(text string, i int) int {
	start, end := i, i
	for start > 0 && withinWord(text, start) {
		_, size := utf8.DecodeLastRuneInString(text[:start])
		start -= size
	}
	for end < len(text) && withinWord(text, end) {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	return utf8.RuneCountInString(text[start:end])
}

// TestSnippetsWithoutNotes checks on the FRUS documents of the corpus that
// a snippet never runs a footnote into the sentence it annotates: searched
// for the word before each footnote mark, no snippet holds the note's words.
func TestSnippetsWithoutNotes(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	docs := readFRUS(t, "frus1977-80v06_d5.xml", "frus1977-80v06_d8.xml", "frus1977-80v06_d9.xml",
		"frus1977-80v06_d12.xml", "frus1977-80v02_d17.xml", "frus1977-80v02_d12.xml")
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, d := range docs {
		var body strings.Builder
		for _, p := range searchdoc.Of(d).Pages {
			body.WriteString(p.Text)
			body.WriteString("\n")
		}
		for _, w := range d.Witnesses {
			for _, q := range wordsBeforeNotes(w.Text) {
				res, err := ix.Search(ctx, fonds.SearchRequest{Query: q.word, Limit: 10, Highlight: true})
				if err != nil {
					t.Fatalf("Search(%q): %v", q.word, err)
				}
				for _, h := range res.Hits {
					if h.ID != d.ID {
						continue
					}
					checked++
					plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(html.UnescapeString(h.Snippet))
					// The note's beginning, unless the text says it too.
					note := []rune(q.note)
					note = note[:min(len(note), 30)]
					if len(note) >= 12 && !strings.Contains(body.String(), string(note)) && strings.Contains(plain, string(note)) {
						t.Errorf("Search(%q): snippet of %s = %q, holds the note %q", q.word, d.ID, h.Snippet, q.note)
					}
				}
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d snippets checked, want the word before each note to find its document", checked)
	}
}

// noteQuery is the word before a note, and the note.
type noteQuery struct{ word, note string }

// wordsBeforeNotes returns, for each footnote of the text, the word the
// text writes before its mark, and the note's words.
func wordsBeforeNotes(t fonds.Text) []noteQuery {
	var out []noteQuery
	for _, b := range t {
		var before strings.Builder
		var walk func([]fonds.Span)
		walk = func(spans []fonds.Span) {
			for _, s := range spans {
				if s.Kind == fonds.SpanNote || s.Kind == fonds.SpanFootnote {
					words := strings.FieldsFunc(before.String(), func(r rune) bool { return !translit.IsWordRune(r) })
					if len(words) > 0 && utf8.RuneCountInString(words[len(words)-1]) > 3 {
						out = append(out, noteQuery{words[len(words)-1], strings.TrimSpace(spanWords(s))})
					}
					continue
				}
				before.WriteString(s.Text)
				walk(s.Spans)
			}
		}
		walk(b.Spans)
	}
	return out
}

// TestSnippetsMarkStopWords checks that a query of only stop words, which
// the stops field finds, has them marked in its snippets: on the page, and
// in the summary when only the summary writes them.
func TestSnippetsMarkStopWords(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	onPage := textDocument("page", "A telegram", "Whether to be or not to be was the question of the day.")
	inSummary := textDocument("summary", "A letter", "Нечего сказать.")
	inSummary.Summary = "Он ещё не ответил."
	if err := ix.Put(ctx, onPage, inSummary); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, id, want string }{
		{`"to be or not to be"`, "page", "<mark>to</mark> <mark>be</mark> <mark>or</mark> <mark>not</mark> <mark>to</mark> <mark>be</mark>"},
		{"еще", "summary", "<mark>ещё</mark>"},
	} {
		res, err := ix.Search(ctx, fonds.SearchRequest{Query: c.q, Highlight: true})
		if err != nil {
			t.Fatalf("Search(%q): %v", c.q, err)
		}
		if len(res.Hits) != 1 || res.Hits[0].ID != c.id {
			t.Fatalf("Search(%q) = %+v, want %s alone", c.q, res.Hits, c.id)
		}
		if s := res.Hits[0].Snippet; !strings.Contains(s, c.want) {
			t.Errorf("Search(%q): snippet %q, want it to hold %q", c.q, s, c.want)
		}
	}
}

// spanWords returns the words of a span, without the labels of the page
// breaks in it.
func spanWords(s fonds.Span) string {
	switch s.Kind {
	case fonds.SpanPageBreak:
		return ""
	case fonds.SpanLineBreak:
		return "\n"
	}
	var b strings.Builder
	b.WriteString(s.Text)
	for _, c := range s.Spans {
		b.WriteString(spanWords(c))
	}
	return b.String()
}
