package analysis

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"fonds/translit"
)

// wordMatch returns the match of the n-th occurrence (from 0) of word in
// text.
func wordMatch(t *testing.T, text, word string, n int) Match {
	t.Helper()
	at := -1
	for i := 0; i <= n; i++ {
		j := strings.Index(text[at+1:], word)
		if j < 0 {
			t.Fatalf("%q is not %d times in the text", word, n+1)
		}
		at += 1 + j
	}
	return Match{Start: at, End: at + len(word), Term: word}
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
			got := Passage(tt.text, []Match{m}, m.Start)
			if got != tt.want {
				t.Errorf("Passage(%s, %q) =\n%q\nwant\n%q", tt.name, tt.word, got, tt.want)
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
		m := Match{Start: start, End: end, Term: "w"}
		ps, pe := passageBounds(text, []Match{m}, m.Start)
		if ps < 0 || ps > m.Start || pe < m.End || pe > len(text) {
			t.Fatalf("passageBounds(%q, %d-%d) = %d-%d, want around the mark", text, m.Start, m.End, ps, pe)
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
		got := Passage(text, []Match{m}, m.Start)
		if !utf8.ValidString(got) {
			t.Fatalf("Passage(%q) = %q, not valid UTF-8", text, got)
		}
		if mark := "<mark>" + html.EscapeString(text[m.Start:m.End]) + "</mark>"; !strings.Contains(got, mark) {
			t.Fatalf("Passage(%q) = %q, want %s in it", text, got, mark)
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
