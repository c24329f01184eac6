package translit

import (
	"strings"
	"unicode"
)

// The folding of words every search index and the highlighting of a page
// share: a search index keys the words it reads after folding them so, and
// a page marks a searched word where it reads the same folded. Both read a
// word as a run of the runes IsWordRune accepts.

// Fold returns s as search reads it: lower case, with ё written as е, as
// Russian print mostly writes it, so that a text and a query agree whichever
// they use.
func Fold(s string) string {
	return FoldYo(strings.ToLower(s))
}

// FoldRune returns the rune r as Fold writes it.
func FoldRune(r rune) rune {
	r = unicode.ToLower(r)
	if r == 'ё' {
		return 'е'
	}
	return r
}

// IsWordRune reports whether r is part of a word: a letter, a digit or a
// combining mark (the tie of I͡akovlev).
func IsWordRune(r rune) bool {
	if 'а' <= r && r <= 'я' || 'А' <= r && r <= 'Я' {
		return true // Russian, without a table look-up
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// WordKey returns the transliteration key of a word as typed or as written
// in a text: the Key of the word folded (see Fold), equal for the Cyrillic
// and every romanization.
func WordKey(word string) string {
	return Key(Fold(word))
}
