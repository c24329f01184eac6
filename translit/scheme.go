package translit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scheme is a romanization of Russian Cyrillic.
type Scheme struct {
	// Name is the scheme's usual name, as a reader would cite it.
	Name string

	// letters maps each lower-case Cyrillic letter to its lower-case
	// romanization when no context rule applies.
	letters map[rune]string
	// rule, if not nil, romanizes letter i of a lower-cased word when its
	// neighbours decide; ok is false to fall back on letters.
	rule func(w []rune, i int) (s string, ok bool)
	// words holds whole lower-case words the scheme spells by convention
	// rather than by rule.
	words map[string]string
}

// The primes BGN, LC, ISO 9 and the scholarly system write for ь and ъ.
const (
	softSign = "\u02B9" // ʹ
	hardSign = "\u02BA" // ʺ
	tie      = "\u0361" // the double inverted breve LC sets over two letters
)

// common holds the letters on which every scheme agrees.
var common = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'з': "z",
	'и': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p",
	'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'ы': "y", 'і': "i",
}

// with returns common with the given letters added.
func with(pairs ...string) map[rune]string {
	m := make(map[rune]string, len(common)+len(pairs)/2)
	for r, s := range common {
		m[r] = s
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		r, _ := utf8.DecodeRuneInString(pairs[i])
		m[r] = pairs[i+1]
	}
	return m
}

// The schemes. See the package documentation for what each one is.
var (
	BGN = Scheme{
		Name: "BGN/PCGN",
		letters: with(
			"ё", "ë", "ж", "zh", "й", "y", "х", "kh", "ц", "ts", "ч", "ch",
			"ш", "sh", "щ", "shch", "ъ", hardSign, "ь", softSign, "э", "e",
			"ю", "yu", "я", "ya", "ѣ", "e", "ѳ", "f", "ѵ", "i",
		),
		rule: bgnRule,
	}
	LC = Scheme{
		Name: "ALA-LC",
		letters: with(
			"ё", "ë", "ж", "zh", "й", "ĭ", "х", "kh", "ц", "t"+tie+"s", "ч", "ch",
			"ш", "sh", "щ", "shch", "ъ", hardSign, "ь", softSign, "э", "ė",
			"ю", "i"+tie+"u", "я", "i"+tie+"a", "і", "ī", "ѣ", "i"+tie+"e",
			"ѳ", "ḟ", "ѵ", "ẏ",
		),
	}
	LCPlain = Scheme{
		Name: "ALA-LC without diacritics",
		letters: with(
			"ё", "e", "ж", "zh", "й", "i", "х", "kh", "ц", "ts", "ч", "ch",
			"ш", "sh", "щ", "shch", "ъ", `"`, "ь", "'", "э", "e",
			"ю", "iu", "я", "ia", "ѣ", "ie", "ѳ", "f", "ѵ", "i",
		),
	}
	ISO9 = Scheme{
		Name: "ISO 9",
		letters: with(
			"ё", "ë", "ж", "ž", "й", "j", "х", "h", "ц", "c", "ч", "č",
			"ш", "š", "щ", "ŝ", "ъ", hardSign, "ь", softSign, "э", "è",
			"ю", "û", "я", "â", "і", "ì", "ѣ", "ě", "ѳ", "f\u0300", "ѵ", "ỳ",
		),
	}
	Scholarly = Scheme{
		Name: "Scholarly",
		letters: with(
			"ё", "ë", "ж", "ž", "й", "j", "х", "x", "ц", "c", "ч", "č",
			"ш", "š", "щ", "šč", "ъ", hardSign, "ь", softSign, "э", "è",
			"ю", "ju", "я", "ja", "ѣ", "ě", "ѳ", "f", "ѵ", "i",
		),
	}
	Simple = Scheme{
		Name: "Simple English",
		letters: with(
			"ё", "yo", "ж", "zh", "й", "y", "х", "kh", "ц", "ts", "ч", "ch",
			"ш", "sh", "щ", "shch", "ъ", "", "ь", "", "э", "e",
			"ю", "yu", "я", "ya", "ѣ", "e", "ѳ", "f", "ѵ", "i",
		),
		rule: simpleRule,
		words: map[string]string{
			"александр": "alexander",
		},
	}
)

// Schemes returns every scheme, the strict ones first.
func Schemes() []Scheme {
	return []Scheme{BGN, LC, LCPlain, ISO9, Scholarly, Simple}
}

// Romanize writes the Cyrillic in text in the scheme. Other characters pass
// through unchanged. Capitalization is kept: a capital becomes a capitalized
// romanization (Щукин, Shchukin), and a capital within capitals is written
// all in capitals (ЩУКИН, SHCHUKIN).
func (s Scheme) Romanize(text string) string {
	if s.letters == nil {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + len(text)/2)
	rs := []rune(text)
	for start := 0; start < len(rs); {
		if !inWord(rs[start]) {
			b.WriteRune(rs[start])
			start++
			continue
		}
		end := start
		for end < len(rs) && inWord(rs[end]) {
			end++
		}
		s.word(&b, rs[start:end])
		start = end
	}
	return b.String()
}

// inWord reports whether r belongs to a word: a letter, or a mark over one.
func inWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
}

// word romanizes one word, a run of letters and marks.
func (s Scheme) word(b *strings.Builder, word []rune) {
	// The context rules look at letters only, so marks (a stress accent
	// over a vowel) are set aside and written back after their letter.
	letters := make([]rune, 0, len(word))
	upper := make([]bool, 0, len(word))
	at := make([]int, len(word)) // index in letters of each rune, or -1
	for i, r := range word {
		if unicode.Is(unicode.Mn, r) {
			at[i] = -1
			continue
		}
		at[i] = len(letters)
		letters = append(letters, unicode.ToLower(r))
		upper = append(upper, unicode.IsUpper(r))
	}
	if len(s.words) > 0 && len(letters) == len(word) {
		if w, ok := s.words[string(letters)]; ok {
			b.WriteString(matchCase(w, upper, 0))
			return
		}
	}
	for i, r := range word {
		j := at[i]
		if j < 0 {
			b.WriteRune(r)
			continue
		}
		out, ok := "", false
		if s.rule != nil {
			out, ok = s.rule(letters, j)
		}
		if !ok {
			out, ok = s.letters[letters[j]]
		}
		if !ok {
			b.WriteRune(r)
			continue
		}
		b.WriteString(matchCase(out, upper, j))
	}
}

// matchCase writes out, the lower-case romanization of letter j of a word, in
// the case of that letter: capitalized when it is a capital, and all in
// capitals when a neighbour is a capital too (the next letter, or the one
// before at the end of a word).
func matchCase(out string, upper []bool, j int) string {
	if !upper[j] || out == "" {
		return out
	}
	caps := false
	if j+1 < len(upper) {
		caps = upper[j+1]
	} else if j > 0 {
		caps = upper[j-1]
	}
	if caps {
		return strings.ToUpper(out)
	}
	r, n := utf8.DecodeRuneInString(out)
	return string(unicode.ToUpper(r)) + out[n:]
}

// letterAt returns letter i of w, or 0 outside the word.
func letterAt(w []rune, i int) rune {
	if i < 0 || i >= len(w) {
		return 0
	}
	return w[i]
}

// isVowel reports whether r is a Russian vowel letter.
func isVowel(r rune) bool {
	return strings.ContainsRune("аеёиоуыэюяѣі", r)
}

// isConsonant reports whether r is a Russian consonant letter.
func isConsonant(r rune) bool {
	return r != 0 && !isVowel(r) && !strings.ContainsRune("йъь", r) &&
		unicode.Is(unicode.Cyrillic, r)
}

// jotated reports whether a vowel after prev is read with a y-glide before
// it, as BGN writes it: at the start of a word and after a vowel, й, ъ or ь.
func jotated(prev rune) bool {
	return prev == 0 || isVowel(prev) || strings.ContainsRune("йъь", prev)
}

func bgnRule(w []rune, i int) (string, bool) {
	prev := letterAt(w, i-1)
	switch w[i] {
	case 'е', 'ѣ':
		if jotated(prev) {
			return "ye", true
		}
	case 'ё':
		if jotated(prev) {
			return "yë", true
		}
	}
	return "", false
}

func simpleRule(w []rune, i int) (string, bool) {
	prev, next := letterAt(w, i-1), letterAt(w, i+1)
	// endsIn reports whether the word ends right after letter i with the
	// given letters.
	endsIn := func(tail string) bool {
		return string(w[i+1:]) == tail
	}
	switch w[i] {
	case 'е', 'ѣ':
		// English writes Yevgeny, Andreyev, Grigoryev, but Dmitrievich.
		if prev == 0 || strings.ContainsRune("аеёоуэюяйъь", prev) {
			return "ye", true
		}
	case 'ё':
		// After the hushing consonants the y is silent, and the press
		// writes the -ёв of surnames as -ev: Gorbachev, Ponomarev.
		if strings.ContainsRune("жчшщ", prev) {
			return "e", true
		}
		if isConsonant(prev) && (endsIn("в") || endsIn("ва")) {
			return "e", true
		}
	case 'и', 'ы':
		// -ий and -ый are written -y: Yury, Semichastny.
		if endsIn("й") {
			return "", true
		}
	case 'й':
		switch {
		case (prev == 'и' || prev == 'ы') && next == 0:
			return "y", true
		case (prev == 'а' || prev == 'е') && !isVowel(next):
			return "i", true // Andrei, Nikolai, Zaitsev
		}
	case 'к':
		if next == 'с' {
			return "x", true // Alexei, Maxim
		}
	case 'с':
		if prev == 'к' {
			return "", true
		}
	}
	return "", false
}
