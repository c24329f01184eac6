package analysis

import (
	"slices"
	"testing"
)

// TestYoFilterCopies checks that folding ё leaves the stored text alone.
func TestYoFilterCopies(t *testing.T) {
	in := []byte("Ещё Её")
	out := yoFilter{}.Filter(in)
	if string(in) != "Ещё Её" {
		t.Errorf("yoFilter changed its input to %q", in)
	}
	if string(out) != "Еще Ее" {
		t.Errorf("yoFilter.Filter(%q) = %q, want %q", "Ещё Её", out, "Еще Ее")
	}
}

func TestWordsTokenizer(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"Sakharov's visitors, 1975.", []string{"Sakharov's", "visitors", "1975"}},
		{"Gor'kii Belʹskii Gor’kii", []string{"Gor'kii", "Belʹskii", "Gor’kii"}},
		{"Pb 56/68 «Яковлев» — т. Щёлокову", []string{"Pb", "56", "68", "Яковлев", "т", "Щёлокову"}},
		{"'quoted' anti-Soviet", []string{"quoted", "anti", "Soviet"}},
		{"I͡akovlev", []string{"I͡akovlev"}},
		{"", nil},
	} {
		var got []string
		for _, tok := range (WordsTokenizer{}).Tokenize([]byte(tt.in)) {
			if string(tok.Term) != tt.in[tok.Start:tok.End] {
				t.Errorf("Tokenize(%q): term %q at %d:%d", tt.in, tok.Term, tok.Start, tok.End)
			}
			got = append(got, string(tok.Term))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCapitalizedTokenizer(t *testing.T) {
	in := "the report of Andrei Sakharov to the KGB, in «Правда» и т. Брежневу"
	var got []string
	var pos []int
	for _, tok := range (WordsTokenizer{Capitalized: true}).Tokenize([]byte(in)) {
		got = append(got, string(tok.Term))
		pos = append(pos, tok.Position)
	}
	if want := []string{"Andrei", "Sakharov", "KGB", "Правда", "Брежневу"}; !slices.Equal(got, want) {
		t.Errorf("Tokenize(%q) = %q, want %q", in, got, want)
	}
	// Positions count every word, so that names side by side are adjacent.
	if want := []int{4, 5, 8, 10, 13}; !slices.Equal(pos, want) {
		t.Errorf("Tokenize(%q) positions = %v, want %v", in, pos, want)
	}
}
