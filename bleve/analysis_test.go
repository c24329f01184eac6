package bleve

import (
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

func testAnalyzers(t *testing.T) analyzers {
	t.Helper()
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := analyzersOf(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAnalyzers(t *testing.T) {
	a := testAnalyzers(t)
	byName := map[string]analysis.Analyzer{
		analyzerEnglish:  a.english,
		analyzerRussian:  a.russian,
		analyzerNames:    a.names,
		analyzerTranslit: a.translit,
	}
	for _, tt := range []struct {
		name     string
		analyzer string
		in       string
		want     []string
	}{
		{"English stemming", analyzerEnglish, "The ambassadors instructed Sakharov's correspondents", []string{"ambassador", "instruct", "sakharov", "correspond"}},
		{"Russian stemming", analyzerRussian, "с иностранными корреспондентами", []string{"иностра", "корреспондент"}},
		{"ё before stemming", analyzerRussian, "Отчёт", []string{"отчет"}},
		{"е", analyzerRussian, "Отчет", []string{"отчет"}},
		{"names", analyzerNames, "The report of Брежнева to Yakovlev and the KGB", []string{"brezhnev", "yakovlev", "kgb"}},
		{"names in Latin", analyzerNames, "Leonid BREZHNEV met Iakovlev", []string{"leonid", "brezhnev", "yakovlev"}},
		{"translit", analyzerTranslit, "Яковлев Iakovlev Jakovlev писатели pisateli", []string{"yakovlev", "yakovlev", "yakovlev", "pisately", "pisately"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			toks := byName[tt.analyzer].Analyze([]byte(tt.in))
			var got []string
			for _, tok := range toks {
				got = append(got, string(tok.Term))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s.Analyze(%q) = %q, want %q", tt.analyzer, tt.in, got, tt.want)
			}
		})
	}
}

// TestAnalyzersOtherSpellings checks that the names and translit analyzers
// give one term to every spelling of a name: German, French, Polish and
// Czech romanizations, conventional spellings, and Western names written
// in Cyrillic; and that an English page keeps in its translit field the key
// of a Western name, which is not its English term.
func TestAnalyzersOtherSpellings(t *testing.T) {
	a := testAnalyzers(t)
	groups := [][]string{
		{"Брежнев", "Brezhnev", "Breschnew", "Brejnev", "Breżniew", "Brežněv"},
		{"Хрущёв", "Khrushchev", "Chruschtschow", "Khrouchtchev", "Chruszczow", "Chruščov"},
		{"Щаранский", "Shcharansky", "Sharansky", "Schtscharanski", "Chtcharanski"},
		{"Картер", "Carter"},
		{"Вэнс", "Vance"},
		{"Бжезинский", "Brzezinski"},
	}
	term := func(an analysis.Analyzer, word string) string {
		toks := an.Analyze([]byte(word))
		if len(toks) != 1 {
			t.Fatalf("Analyze(%q) = %d terms, want 1", word, len(toks))
		}
		return string(toks[0].Term)
	}
	for _, g := range groups {
		for _, an := range []struct {
			name string
			an   analysis.Analyzer
		}{{analyzerNames, a.names}, {analyzerTranslit, a.translit}} {
			want := term(an.an, g[0])
			for _, w := range g[1:] {
				if got := term(an.an, w); got != want {
					t.Errorf("%s.Analyze(%q) = %q, want %q as for %s", an.name, w, got, want, g[0])
				}
			}
		}
	}
	if got := term(a.translitEn, "Carter"); got != term(a.translit, "Картер") {
		t.Errorf("%s.Analyze(Carter) = %q, want the key of Картер", analyzerTranslitEn, got)
	}
}
