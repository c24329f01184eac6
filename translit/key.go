package translit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Key returns the search key of one word written in Cyrillic or in any Latin
// romanization: lower-case ASCII letters and digits, the same for every
// spelling of one Russian word in the schemes of this package and in
// Cyrillic, so that Key("Яковлев"), Key("Yakovlev"), Key("Iakovlev"),
// Key("Jakovlev"), Key("Âkovlev") and Key("I͡akovlev") are all equal. ё is
// read as е. The package documentation lists what Key folds, and so what it
// merges and what it leaves apart.
func Key(word string) string {
	return key(word, conventional)
}

// key is Key with the given table of spellings (see conventional), or
// none, which it consults last, with the key the rules make of the word.
func key(word string, table *nameTable) string {
	b := canonical(word)
	b = foldConsonants(b)
	b = foldDigraphs(b)
	b = foldVowels(b)
	b = foldGlides(b)
	b = foldEnding(b)
	if table != nil && table.mayHold(b) {
		if k, ok := table.keys[string(b)]; ok {
			return k
		}
	}
	return string(b)
}

// IsCyrillic reports whether word is written mostly in Cyrillic: whether
// more than half of its letters are Cyrillic.
func IsCyrillic(word string) bool {
	cyrillic, letters := 0, 0
	for _, r := range word {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if unicode.Is(unicode.Cyrillic, r) {
			cyrillic++
		}
	}
	return letters > 0 && 2*cyrillic > letters
}

// cyrillicKey is the canonical Latin of each lower-case Cyrillic letter: what
// the folds leave of ISO 9 once its diacritics are spelled out, so that a
// word keys the same in Cyrillic and in ISO 9.
var cyrillicKey = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e",
	'ж': "zh", 'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "h", 'ц': "c", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "",
	'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	// Pre-1918 letters, and the few of Ukrainian and Belarusian that turn
	// up in Russian documents' names.
	'і': "i", 'ѣ': "e", 'ѳ': "f", 'ѵ': "i",
	'є': "ye", 'ї': "yi", 'ґ': "g", 'ў': "u",
}

// basicKey is cyrillicKey for а to я, as an array for speed.
var basicKey = func() (a ['я' - 'а' + 1]string) {
	for r := 'а'; r <= 'я'; r++ {
		a[r-'а'] = cyrillicKey[r]
	}
	return a
}()

// The combining marks that decide what a Latin letter stands for.
const (
	markGrave      = '\u0300'
	markCircumflex = '\u0302'
	markBreve      = '\u0306'
	markDot        = '\u0307'
	markCaron      = '\u030C'
	markDiaeresis  = '\u0308'
	markMacron     = '\u0304'
	markAcute      = '\u0301'
	markOgonek     = '\u0328'
	markRing       = '\u030A'
)

// otherLatin spells Latin letters that have no decomposition into a base
// letter and marks.
var otherLatin = map[rune]string{
	'ł': "l", 'ø': "o", 'đ': "d", 'ß': "ss", 'æ': "ae", 'œ': "oe",
	'ı': "i", 'þ': "th", 'ð': "d",
}

// decomposed holds the base letter and mark of the precomposed letters the
// schemes write, so that the common case needs no Unicode tables.
var decomposed = map[rune]struct {
	base byte
	mark rune
}{
	'č': {'c', markCaron}, 'š': {'s', markCaron}, 'ž': {'z', markCaron},
	'ě': {'e', markCaron}, 'ŝ': {'s', markCircumflex}, 'â': {'a', markCircumflex},
	'û': {'u', markCircumflex}, 'ĭ': {'i', markBreve}, 'ë': {'e', markDiaeresis},
	'ė': {'e', markDot}, 'è': {'e', markGrave}, 'ì': {'i', markGrave},
	'ī': {'i', markMacron}, 'ḟ': {'f', markDot}, 'ẏ': {'y', markDot},
	'ỳ': {'y', markGrave},
	// Polish and Czech.
	'ż': {'z', markDot}, 'ó': {'o', markAcute}, 'ś': {'s', markAcute},
	'ć': {'c', markAcute}, 'ń': {'n', markAcute}, 'ź': {'z', markAcute},
	'ą': {'a', markOgonek}, 'ę': {'e', markOgonek}, 'ř': {'r', markCaron},
	'ů': {'u', markRing}, 'ň': {'n', markCaron}, 'ť': {'t', markCaron},
	'ď': {'d', markCaron}, 'é': {'e', markAcute}, 'á': {'a', markAcute},
	'í': {'i', markAcute}, 'ý': {'y', markAcute}, 'ú': {'u', markAcute},
}

// canonical writes word in canonical Latin: lower-case ASCII letters and
// digits, Cyrillic by cyrillicKey, Latin letters with diacritics by what
// they stand for in the schemes, j as y, w as v; everything else is dropped.
// An ASCII ch is х in a word written the German, Polish or Czech way (see
// centralEuropean), and ou is у in a word written the French way (see
// french).
func canonical(word string) []byte {
	out := make([]byte, 0, len(word)+8)
	var marks []rune
	var reading wordReading
	for i := 0; i < len(word); {
		if c := word[i]; c < utf8.RuneSelf && !followedByMark(word, i+1) {
			switch c | 0x20 {
			case 'c':
				// German Sacharow, Polish Chruszczow, Czech Chruščov;
				// the ch of German sch and tsch and of French tch is
				// left for the folds.
				if lowerASCIIAt(word, i+1) == 'h' && !afterSorT(word, i) && reading.centralEuropean(word) {
					out = append(out, 'h')
					i += 2
					continue
				}
			case 'o':
				if lowerASCIIAt(word, i+1) == 'u' && reading.french(word) {
					out = append(out, 'u') // Khrouchtchev
					i += 2
					continue
				}
			}
			out = appendASCII(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(word[i:])
		i += n
		// Russian letters, most of a Russian text, without the Unicode
		// tables.
		if ('а' <= r && r <= 'я' || 'А' <= r && r <= 'Я') && !followedByMark(word, i) {
			if r < 'а' {
				r += 'а' - 'А'
			}
			out = append(out, basicKey[r-'а']...)
			continue
		}
		// The marks over this letter: those it decomposes into, then
		// those written after it.
		marks = marks[:0]
		base := unicode.ToLower(r)
		if d, ok := decomposed[base]; ok {
			base = rune(d.base)
			marks = append(marks, d.mark)
		} else if base >= utf8.RuneSelf && !unicode.Is(unicode.Cyrillic, base) {
			d := norm.NFD.String(string(base))
			b, k := utf8.DecodeRuneInString(d)
			base = unicode.ToLower(b)
			for _, m := range d[k:] {
				marks = append(marks, m)
			}
		}
		for i < len(word) {
			m, k := utf8.DecodeRuneInString(word[i:])
			if !unicode.Is(unicode.Mn, m) {
				break
			}
			marks = append(marks, m)
			i += k
		}
		switch {
		case base < utf8.RuneSelf:
			out = appendLatin(out, byte(base), marks)
		case base == 'и' && hasMark(marks, markBreve):
			out = append(out, 'y') // й written as и and a combining breve
		case 'а' <= base && base <= 'я':
			out = append(out, basicKey[base-'а']...)
		case unicode.Is(unicode.Cyrillic, base):
			out = append(out, cyrillicKey[base]...)
		default:
			out = append(out, otherLatin[base]...)
		}
	}
	return out
}

// wordReading remembers what canonical has found out about how a word is
// written, so that it looks at most once.
type wordReading struct {
	centralKnown, isCentral bool
	frenchKnown, isFrench   bool
}

// centralEuropean reports whether word is written the German, Polish or
// Czech way, where ch is х: whether it has a w (no romanization of this
// package writes one) or a letter of the Polish or Czech alphabet. The
// Czech č, š and ž are also ISO 9's, in which an ASCII ch is цх; no
// Russian word starts with цх, and few have it at all.
func (r *wordReading) centralEuropean(word string) bool {
	if !r.centralKnown {
		r.centralKnown = true
		for i := 0; i < len(word); i++ {
			switch c := word[i]; {
			case c == 'w' || c == 'W':
				r.isCentral = true
			case 0xC3 <= c && c <= 0xC5:
				// The first byte of U+00C0 to U+017F, which hold the
				// Polish and Czech letters.
				l, _ := utf8.DecodeRuneInString(word[i:])
				r.isCentral = strings.ContainsRune(centralLetters, unicode.ToLower(l))
			}
			if r.isCentral {
				break
			}
		}
	}
	return r.isCentral
}

// centralLetters are the letters that mark a Polish or Czech spelling.
const centralLetters = "żłóśćńźąęěřůňťďčšž"

// french reports whether word is written the French way, where ou is у: by
// its tch for ч (Khrouchtchev, Gorbatchev).
func (r *wordReading) french(word string) bool {
	if !r.frenchKnown {
		r.frenchKnown = true
		for i := 0; i+2 < len(word); i++ {
			if word[i]|0x20 == 't' && word[i+1]|0x20 == 'c' && word[i+2]|0x20 == 'h' {
				r.isFrench = true
				break
			}
		}
	}
	return r.isFrench
}

// lowerASCIIAt returns word[i] in lower case if it is an ASCII letter not
// followed by a combining mark, and 0 otherwise.
func lowerASCIIAt(word string, i int) byte {
	if i >= len(word) {
		return 0
	}
	c := word[i] | 0x20
	if c < 'a' || c > 'z' || followedByMark(word, i+1) {
		return 0
	}
	return c
}

// afterSorT reports whether word[i] follows an s or a t.
func afterSorT(word string, i int) bool {
	if i == 0 {
		return false
	}
	c := word[i-1] | 0x20
	return c == 's' || c == 't'
}

// followedByMark reports whether word[i:] starts with a combining mark.
func followedByMark(word string, i int) bool {
	if i >= len(word) || word[i] < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRuneInString(word[i:])
	return unicode.Is(unicode.Mn, r)
}

// hasMark reports whether marks holds mark.
func hasMark(marks []rune, mark rune) bool {
	for _, m := range marks {
		if m == mark {
			return true
		}
	}
	return false
}

// appendASCII appends the canonical form of one ASCII character.
func appendASCII(out []byte, c byte) []byte {
	switch {
	case 'A' <= c && c <= 'Z':
		c += 'a' - 'A'
	case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
	default:
		return out
	}
	switch c {
	case 'j':
		c = 'y'
	case 'w':
		c = 'v' // German and Polish
	}
	return append(out, c)
}

// appendLatin appends the canonical form of the lower-case ASCII letter c
// written with the given combining marks.
func appendLatin(out []byte, c byte, marks []rune) []byte {
	has := func(mark rune) bool { return hasMark(marks, mark) }
	switch {
	case c == 'c' && has(markCaron):
		return append(out, "ch"...)
	case c == 's' && has(markCaron):
		return append(out, "sh"...)
	case c == 'z' && (has(markCaron) || has(markDot)):
		return append(out, "zh"...) // and the Polish ż
	case c == 's' && has(markCircumflex):
		return append(out, "shch"...) // ISO 9 ŝ
	case c == 'a' && has(markCircumflex):
		return append(out, "ya"...) // ISO 9 â
	case c == 'u' && has(markCircumflex):
		return append(out, "yu"...) // ISO 9 û
	case c == 'i' && has(markBreve):
		return append(out, 'y') // LC ĭ
	case c == 'y' && (has(markDot) || has(markGrave)):
		return append(out, 'i') // LC ẏ and ISO 9 ỳ, the pre-1918 ѵ
	}
	return appendASCII(out, c)
}

// isVowelByte reports whether c is a vowel the folds treat as one.
func isVowelByte(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// isOpenVowel reports whether c is a vowel that a glide (й) can follow.
func isOpenVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'o', 'u':
		return true
	}
	return false
}

// isConsonantByte reports whether c is a consonant letter.
func isConsonantByte(c byte) bool {
	return 'a' <= c && c <= 'z' && !isVowelByte(c)
}

// at returns b[i], or 0 outside b.
func at(b []byte, i int) byte {
	if i < 0 || i >= len(b) {
		return 0
	}
	return b[i]
}

// foldConsonants folds kh, x and ks to h, and ts and tz to c. It works in
// place: it never writes more than it has read.
func foldConsonants(b []byte) []byte {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c, next := b[i], at(b, i+1)
		switch {
		case c == 'x':
			out = appendH(out)
		case c == 'k' && next == 'h':
			out = appendH(out)
			i++
		case c == 'k' && next == 's' && !beforeH(b, i+2):
			out = appendH(out)
			i++
		case c == 't' && (next == 's' && !beforeH(b, i+2) || next == 'z'):
			out = append(out, 'c')
			i++
		default:
			out = append(out, c)
		}
	}
	return out
}

// beforeH reports whether an s at b[i-1] is read with an h at b[i] as ш,
// or with a ch there as German sch, in which case it does not fold with a
// k or t before it: ksh is к and ш, tsh is т and ш, and tsch is German ч.
// (BGN's kskh for ксх and tskh for тсх read as кхх and цх, which no Russian
// word is likely to have.)
func beforeH(b []byte, i int) bool {
	return at(b, i) == 'h' || at(b, i) == 'c' && at(b, i+1) == 'h'
}

// foldDigraphs folds the digraphs of German, Polish and French, which
// Russian romanized in English would read as two letters: German tsch
// (ч), sch (ш) and schtsch (щ); Polish cz (ч), sz (ш), szcz (щ) and rz
// after b, d or g (ж) and after p, t or k (ш); French tch (ч) and chtch
// (щ); and cch, which BGN writes for цч as German writes ч (tsch), to ch.
// It works in place, and folds again what its folds make (ttsch, tch,
// ch), so that a key keys to itself.
func foldDigraphs(b []byte) []byte {
	for hasDigraph(b) {
		changed := false
		out := b[:0]
		for i := 0; i < len(b); i++ {
			c, next := b[i], at(b, i+1)
			d := ""
			switch {
			case c == 't' && next == 's' && at(b, i+2) == 'c' && at(b, i+3) == 'h':
				d, i = "ch", i+3
			case c == 'c' && next == 'h' && at(b, i+2) == 't' && at(b, i+3) == 'c' && at(b, i+4) == 'h':
				d, i = "shch", i+4
			case c == 's' && next == 'c' && at(b, i+2) == 'h':
				d, i = "sh", i+2
			case (c == 't' || c == 'c') && next == 'c' && at(b, i+2) == 'h':
				d, i = "ch", i+2
			case c == 'c' && next == 'z':
				d, i = "ch", i+1
			case c == 's' && next == 'z':
				d, i = "sh", i+1
			case c == 'r' && next == 'z' && len(out) > 0:
				switch out[len(out)-1] {
				case 'b', 'd', 'g':
					d, i = "zh", i+1
				case 'p', 't', 'k':
					d, i = "sh", i+1
				}
			}
			if d == "" {
				out = append(out, c)
				continue
			}
			out = append(out, d...)
			changed = true
		}
		b = out
		if !changed {
			break // hasDigraph is wider than the folds; never loop for it
		}
	}
	return b
}

// hasDigraph reports whether foldDigraphs has something to fold in b: a ch
// after s, t or c, or a z after c, s, or r after b, d, g, p, t or k.
func hasDigraph(b []byte) bool {
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case 'h':
			if b[i-1] == 'c' && i >= 2 && (b[i-2] == 's' || b[i-2] == 't' || b[i-2] == 'c') {
				return true
			}
		case 'z':
			switch b[i-1] {
			case 'c', 's':
				return true
			case 'r':
				if i >= 2 && strings.IndexByte("bdgptk", b[i-2]) >= 0 {
					return true
				}
			}
		}
	}
	return false
}

// appendH appends h for х, absorbing the k of a doubled kkh, so that the
// result holds no kh to fold again.
func appendH(out []byte) []byte {
	for len(out) > 0 && out[len(out)-1] == 'k' {
		out = out[:len(out)-1]
	}
	return append(out, 'h')
}

// foldVowels folds the spellings of the jotated vowels: ia and iu to ya
// and yu; any i or y before e dropped (ye, ie, je and e for е); yo to e
// (ё). It works in place.
func foldVowels(b []byte) []byte {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c, next := b[i], at(b, i+1)
		switch {
		case c == 'i' && (next == 'a' || next == 'u'):
			out = append(out, 'y')
		case c == 'e':
			out = append(trimGlides(out), 'e')
		case c == 'y' && next == 'o':
			out = append(trimGlides(out), 'e')
			i++
		default:
			out = append(out, c)
		}
	}
	return out
}

// trimGlides removes the i and y that end out.
func trimGlides(out []byte) []byte {
	for len(out) > 0 && (out[len(out)-1] == 'i' || out[len(out)-1] == 'y') {
		out = out[:len(out)-1]
	}
	return out
}

// foldGlides writes й after a vowel one way: y before a consonant becomes i
// (Zaytsev, Zaitsev), and i before y becomes y (LC's Maiia, Mayya).
func foldGlides(b []byte) []byte {
	for i := 1; i+1 < len(b); i++ {
		// prev must be a, e, o or u (or c or h, for the y after them),
		// which this loop never changes, so each letter is decided on
		// the letters as they were.
		prev, next := b[i-1], b[i+1]
		if b[i] == 'y' && isConsonantByte(next) && (prev == 'c' || prev == 'h' && i >= 2 && isHushing(b[i-2])) {
			// After ц, и and ы sound alike, and after ж, ч, ш and щ
			// Russian writes no ы; Polish writes y for both (Jelcyn,
			// Ельцин; Wyszyński, Вышинский).
			b[i] = 'i'
			continue
		}
		if !isOpenVowel(prev) {
			continue
		}
		switch {
		case b[i] == 'y' && isConsonantByte(next):
			b[i] = 'i'
		case b[i] == 'i' && next == 'y':
			b[i] = 'y'
		}
	}
	return b
}

// isHushing reports whether c, before an h, writes ж, ч or ш.
func isHushing(c byte) bool {
	return c == 'z' || c == 'c' || c == 's'
}

// foldEnding writes a run of i and y that ends the word as one y: the
// endings -ий and -ый in every scheme, and the Yuri of English. A final -ov
// or -ova after zh, ch or sh becomes -ev, -eva: it is the -ёв of Хрущёв and
// Горбачёв, which German, Polish and Czech write with o (Chruschtschow,
// Gorbaczow, Chruščov), and sounds as Ежов and Ежёв would.
func foldEnding(b []byte) []byte {
	n := len(b)
	if n > 0 && b[n-1] == 'a' {
		n--
	}
	if n >= 4 && b[n-1] == 'v' && b[n-2] == 'o' && b[n-3] == 'h' && isHushing(b[n-4]) {
		b[n-2] = 'e'
	}
	j := len(b)
	for j > 0 && (b[j-1] == 'i' || b[j-1] == 'y') {
		j--
	}
	if j == 0 || j == len(b) {
		return b
	}
	return append(b[:j], 'y')
}
