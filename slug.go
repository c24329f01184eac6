package fonds

import (
	"strings"
	"unicode"
)

// MaxSlug is the most bytes a slug CollectionSlug makes may take.
const MaxSlug = 64

// CollectionSlug returns the slug a new collection titled title is known
// by in URLs: lower-case ASCII letters and digits, its words joined by "-",
// at most MaxSlug bytes, cut between words where it can be. Latin letters
// with diacritics lose them ("Émigré" is "emigre") and Cyrillic is
// romanized ("Архив Буковского" is "arkhiv-bukovskogo"); letters of other
// scripts are left out. A title with nothing left gives "", which the
// caller refuses.
//
// It is not Slug, which keeps letters of every script as they are: the
// ids of documents and the OAI-PMH sets are made by Slug, and changing
// them would break every link to them.
func CollectionSlug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range title {
		s, ok := slugRune(r)
		if !ok {
			dash = true
			continue
		}
		if s == "" {
			continue // a letter with no sound of its own: ъ, ь
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteString(s)
	}
	s := b.String()
	if len(s) <= MaxSlug {
		return s
	}
	cut := s[:MaxSlug]
	if i := strings.LastIndexByte(cut, '-'); i > 0 && s[MaxSlug] != '-' {
		// The cut falls inside a word: leave the word out.
		cut = cut[:i]
	}
	return strings.TrimRight(cut, "-")
}

// slugRune returns what r becomes in a slug, ok false when it separates
// words.
func slugRune(r rune) (string, bool) {
	switch {
	case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
		return string(r), true
	case 'A' <= r && r <= 'Z':
		return string(r + 'a' - 'A'), true
	case r == '\'' || r == '\u2019':
		// "Writers' Union", "d’Arc": an apostrophe joins, not separates.
		return "", true
	case r < 0x80:
		return "", false
	}
	lower := unicode.ToLower(r)
	if s, ok := latinFold[lower]; ok {
		return s, true
	}
	if s, ok := cyrillicRoman[lower]; ok {
		return s, true
	}
	return "", false
}

// latinFold spells the Latin letters with diacritics, and the ligatures,
// of the languages an archive of this kind meets, in plain ASCII.
var latinFold = map[rune]string{}

func init() {
	for _, g := range []struct{ ascii, letters string }{
		{"a", "àáâãäåāăą"}, {"ae", "æ"}, {"c", "çćĉċč"}, {"d", "ďđð"},
		{"e", "èéêëēĕėęě"}, {"g", "ĝğġģ"}, {"h", "ĥħ"}, {"i", "ìíîïĩīĭįı"},
		{"j", "ĵ"}, {"k", "ķ"}, {"l", "ĺļľŀł"}, {"n", "ñńņňŉ"},
		{"o", "òóôõöøōŏő"}, {"oe", "œ"}, {"r", "ŕŗř"}, {"s", "śŝşšș"},
		{"ss", "ß"}, {"t", "ţťŧț"}, {"th", "þ"}, {"u", "ùúûüũūŭůűų"},
		{"w", "ŵ"}, {"y", "ýÿŷ"}, {"z", "źżž"},
	} {
		for _, r := range g.letters {
			latinFold[r] = g.ascii
		}
	}
}

// cyrillicRoman romanizes Russian, Ukrainian and Belarusian letters in
// plain ASCII, letter by letter, as the English-speaking press spells names
// ("Архив Буковского" is "arkhiv-bukovskogo", "Щаранский" is "shcharanskiy").
var cyrillicRoman = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e",
	'ж': "zh", 'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u",
}
