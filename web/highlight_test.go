package web

import (
	"slices"
	"strings"
	"testing"

	"fonds/translit"
)

// TestHighlightFoldsAsIndex checks that a page marks a word where the index
// reads it as the same word (see translit.Fold): case aside, ё as е, and a
// combining tie inside the word.
func TestHighlightFoldsAsIndex(t *testing.T) {
	tests := []struct {
		text, term string
	}{
		{"Щёлокову", "щелокову"},
		{"ЩЕЛОКОВУ", "Щёлокову"},
		{"I͡akovlev", "i͡akovlev"},
		{"Ёлкин", "елкин"},
	}
	for _, tt := range tests {
		if translit.Fold(tt.text) != translit.Fold(tt.term) {
			t.Fatalf("translit.Fold(%q) != translit.Fold(%q): the case is wrong", tt.text, tt.term)
		}
		var b strings.Builder
		markTerms(&b, tt.text, []string{tt.term})
		if got, want := b.String(), "<mark>"+tt.text+"</mark>"; got != want {
			t.Errorf("markTerms(%q, %q) = %q, want %q", tt.text, tt.term, got, want)
		}
	}
	// Two spellings the index folds together are one term to mark.
	if got, want := highlightTerms([]string{"Хрущёв", "хрущев", "ХРУЩЕВ"}), []string{"Хрущёв"}; !slices.Equal(got, want) {
		t.Errorf("highlightTerms = %q, want %q", got, want)
	}
}
