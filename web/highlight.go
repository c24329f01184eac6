package web

import (
	"html/template"
	"sort"
	"strings"
	"unicode/utf8"

	"fonds/translit"
)

// The bounds of a term to highlight, in characters: a single letter would
// mark half the page, and a long one is no word.
const (
	minHighlightLen = 2
	maxHighlightLen = 50
)

// highlightTerms returns the words a document page marks for a search: the
// words given, in order, stripped of punctuation around them, without
// repeats, at most maxHighlight.
func highlightTerms(words []string) []string {
	var terms []string
	seen := make(map[string]bool)
	for _, w := range words {
		w = strings.TrimFunc(w, func(r rune) bool { return !translit.IsWordRune(r) })
		n := utf8.RuneCountInString(w)
		if n < minHighlightLen || n > maxHighlightLen {
			continue
		}
		key := translit.Fold(w)
		if seen[key] {
			continue
		}
		seen[key] = true
		terms = append(terms, w)
		if len(terms) == maxHighlight {
			break
		}
	}
	return terms
}

// longestFirst returns the terms longest first, as markTerms wants them: a
// longer word is marked whole where a shorter one begins it (Солженицыне
// before Солженицын).
func longestFirst(terms []string) []string {
	sorted := append([]string(nil), terms...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return utf8.RuneCountInString(sorted[i]) > utf8.RuneCountInString(sorted[j])
	})
	return sorted
}

// highlightParam returns the terms of ?hl=, which the links of search
// results carry: words separated by spaces.
func highlightParam(v string) []string {
	if len(v) > maxHighlight*maxHighlightLen*4 {
		v = v[:maxHighlight*maxHighlightLen*4]
	}
	return highlightTerms(strings.Fields(v))
}

// markTerms writes s to b, escaped, with every occurrence of a term that
// begins a word wrapped in <mark>; the terms are tried in order, so they
// come longest first. A match may end within a word, so that
// a search's word marks its other endings (Sakharov's, Солженицыне). It
// works on the text alone, before any mark-up is written around it, so a
// mark can never fall inside a tag or an attribute.
func markTerms(b *strings.Builder, s string, terms []string) {
	if len(terms) == 0 {
		template.HTMLEscape(b, []byte(s))
		return
	}
	done := 0 // the end of what is written
	prev := rune(0)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if translit.IsWordRune(r) && !translit.IsWordRune(prev) {
			if n := matchTerm(s[i:], terms); n > 0 {
				template.HTMLEscape(b, []byte(s[done:i]))
				b.WriteString("<mark>")
				template.HTMLEscape(b, []byte(s[i:i+n]))
				b.WriteString("</mark>")
				i += n
				done = i
				prev, _ = utf8.DecodeLastRuneInString(s[:i])
				continue
			}
		}
		prev = r
		i += size
	}
	template.HTMLEscape(b, []byte(s[done:]))
}

// matchTerm returns the length in bytes of the first term s begins with,
// folded as a search index folds words (see translit.Fold), or 0.
func matchTerm(s string, terms []string) int {
	for _, t := range terms {
		if n := matchFold(s, t); n > 0 {
			return n
		}
	}
	return 0
}

func matchFold(s, term string) int {
	i := 0
	for _, tr := range term {
		if i >= len(s) {
			return 0
		}
		sr, size := utf8.DecodeRuneInString(s[i:])
		if translit.FoldRune(sr) != translit.FoldRune(tr) {
			return 0
		}
		i += size
	}
	return i
}
