package web

import (
	"strings"
	"unicode"

	"fonds/translit"
)

// otherSpelling returns the words of a query in the other script, for a
// search that found nothing: Cyrillic words romanized as the English press
// writes them, Latin words spelled in Cyrillic by cyrillicSpelling. It
// returns "" when no word changes. script names the script the words were
// changed to: "Latin", "Cyrillic", or "other" when both ways.
func otherSpelling(terms []string) (spelled, script string) {
	var out []string
	toLatin, toCyrillic := false, false
	for _, t := range terms {
		switch {
		case translit.IsCyrillic(t):
			if r := translit.Simple.Romanize(t); r != t {
				out = append(out, r)
				toLatin = true
				continue
			}
		case isLatinWord(t):
			if c := cyrillicSpelling(t); c != "" {
				out = append(out, c)
				toCyrillic = true
				continue
			}
		}
		out = append(out, t)
	}
	switch {
	case toLatin && toCyrillic:
		script = "other"
	case toLatin:
		script = "Latin"
	case toCyrillic:
		script = "Cyrillic"
	default:
		return "", ""
	}
	return strings.Join(out, " "), script
}

// isLatinWord reports whether w is a word of basic Latin letters, perhaps
// with apostrophes and hyphens (Ul'yanov, Bonch-Bruyevich).
func isLatinWord(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters++
		case r == '\'' || r == '’' || r == '-':
		default:
			return false
		}
	}
	return letters > 1
}

// latinDigraphs are the groups of Latin letters that stand for one Cyrillic
// letter in the common romanizations, longest first.
var latinDigraphs = []struct{ latin, cyrillic string }{
	{"shch", "щ"}, {"zh", "ж"}, {"kh", "х"}, {"ts", "ц"}, {"tz", "ц"}, {"ch", "ч"}, {"sh", "ш"},
	{"yu", "ю"}, {"iu", "ю"}, {"ya", "я"}, {"ia", "я"}, {"yo", "ё"}, {"ye", "е"},
}

var latinLetters = map[rune]string{
	'a': "а", 'b': "б", 'c': "ц", 'd': "д", 'e': "е", 'f': "ф", 'g': "г", 'h': "х",
	'i': "и", 'j': "й", 'k': "к", 'l': "л", 'm': "м", 'n': "н", 'o': "о", 'p': "п",
	'q': "к", 'r': "р", 's': "с", 't': "т", 'u': "у", 'v': "в", 'w': "в", 'x': "кс",
	'y': "ы", 'z': "з", '\'': "ь", '’': "ь", '-': "-",
}

// cyrillicSpelling spells a romanized Russian word in Cyrillic, a best
// guess: romanizations lose what Cyrillic tells apart (e and э, i and й, a
// final -y for -ий or -ый), so the guess is right for common names
// (Yakovlev, Iakovlev: Яковлев; Solzhenitsyn: Солженицын; Bukovsky:
// Буковский) and only near for others. It returns "" for a word it cannot
// spell.
func cyrillicSpelling(word string) string {
	w := []rune(strings.ToLower(word))
	vowel := func(i int) bool { return i >= 0 && i < len(w) && strings.ContainsRune("aeiouy", w[i]) }
	var b strings.Builder
	for i := 0; i < len(w); {
		if d, ok := digraphAt(w, i, vowel(i-1)); ok {
			b.WriteString(d.cyrillic)
			i += len(d.latin)
			continue
		}
		r, last := w[i], i == len(w)-1
		switch {
		case r == 'y' && last && i > 0 && !vowel(i-1):
			b.WriteString("ий") // Bukovsky, Yury
		case (r == 'y' || r == 'i') && last && i > 0 && (w[i-1] == 'i' || w[i-1] == 'y'):
			b.WriteString("й") // Bukovskiy, Semichastnyy
		case (r == 'y' || r == 'i') && vowel(i-1) && w[i-1] != 'i' && w[i-1] != 'y' && !vowel(i+1):
			b.WriteString("й") // Andrei, Zaitsev, Zaytsev
		default:
			c, ok := latinLetters[r]
			if !ok {
				return ""
			}
			b.WriteString(c)
		}
		i++
	}
	out := []rune(b.String())
	if r := []rune(word); len(out) > 0 && unicode.IsUpper(r[0]) {
		out[0] = unicode.ToUpper(out[0])
	}
	return string(out)
}

// digraphAt returns the digraph that starts at w[i], if any. The i of ia
// and iu is the jotation of я and ю only at the start of a word or after a
// vowel (Iakovlev, Mariia); after a consonant it is и (Tatiana).
func digraphAt(w []rune, i int, afterVowel bool) (struct{ latin, cyrillic string }, bool) {
	for _, d := range latinDigraphs {
		if (d.latin == "ia" || d.latin == "iu") && i > 0 && !afterVowel {
			continue
		}
		if i+len(d.latin) <= len(w) && string(w[i:i+len(d.latin)]) == d.latin {
			return d, true
		}
	}
	return struct{ latin, cyrillic string }{}, false
}
