package translit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lemma returns the dictionary form of a name as the names field indexes it:
// the case forms of a Russian surname reduced to its masculine nominative
// (Брежнева, Брежневу, Брежневым and Брежневе are all брежнев; Буковского and
// Буковскому are буковский), so that one key finds a person in every case the
// text puts him in. The word must be lower case, with ё written as е.
//
// A general Russian stemmer is no use here: it cuts a surname's case forms to
// different stems, and cuts surnames that look like case forms of something
// else. Lemma knows only the shapes of Russian names:
//
//   - surnames in -ов, -ев, -ин, -ын lose their case endings, and the
//     feminine ones their -а (Сахарова, Сахаровой → сахаров);
//   - adjectival surnames in -ский, -цкий (and -ской, -цкой) take -ий in
//     every case and gender (Буковская → буковский, Донской → донский);
//   - names in -ей take -й back (Андрея, Андреем → андрей), names in -ий
//     lose it as adjectives do (Юрия, Юрий → юр);
//   - other adjectival names lose their endings (Толстого, Толстой → толст;
//     Горького, Горький → горьк), since their case forms do not tell
//     whether the nominative ends in -ой, -ый or -ий;
//   - other words ending in a consonant lose the endings of the noun cases
//     (Ивана, Иваном → иван; Елены, Еленой → елен);
//   - names in -о, -их, -ых, and foreign names that do not decline (Боннэр,
//     Кириленко, Черных) are left alone.
//
// A Latin word is reduced the same way where its romanized form shows the
// same endings: a feminine -a after a consonant is dropped (Sakharova →
// sakharov, Elena → elen, as Елена → елен), -skaya and -skoy become -sky,
// and -oy is dropped (Tolstoy → tolst, as Толстой → толст).
//
// LemmaKey completes the work: it keys the lemma with translit.Key and drops
// the -y that the key writes for every adjectival ending, so that
// буковский, Bukovsky and Bukovskii meet, and Семичастный and Семичастного.
func Lemma(word string) string {
	n := utf8.RuneCountInString(word)
	if n < 4 {
		return word
	}
	if isCyrillicWord(word) {
		return cyrillicLemma(word)
	}
	return latinLemma(word)
}

// Suffixes, longest first so that the first one that matches is the longest.
var (
	possessiveEndings = []string{"ыми", "ых", "ым", "ой", "ою", "а", "у", "е", "ы"}
	skyEndings        = []string{"ими", "ого", "ому", "ий", "ой", "им", "ом", "ая", "ую", "ие", "их", "ое"}
	adjectiveEndings  = []string{"ого", "ому", "ая", "ую", "ой", "ый", "ий", "ым", "ом"}
	softEndings       = []string{"ем", "ей", "я", "ю", "е", "и"}
	nounEndings       = []string{"ою", "ой", "ом", "ам", "ах", "а", "у", "е", "ы"}
)

func cyrillicLemma(w string) string {
	if (strings.HasSuffix(w, "о") && !strings.HasSuffix(w, "ого") && !strings.HasSuffix(w, "его")) ||
		strings.HasSuffix(w, "э") {
		// Kirilenko, Gromyko, Zhivago, Durnovo: they do not decline.
		return w
	}
	// Possessive surnames: Brezhnev, Andropov, Putin, Sinyavsky's wife
	// Rozanova. Checked first, because their plural -ых is not the
	// indeclinable -ых of Chernykh.
	for _, e := range possessiveEndings {
		if stem, ok := cut(w, e, 3); ok && possessiveStem(stem) {
			return stem
		}
	}
	if possessiveStem(w) {
		return w
	}
	// Adjectival surnames in -sky and -tsky: every case and gender, and the
	// -skoy spelling of the nominative, take the -ий of the masculine.
	for _, e := range skyEndings {
		if stem, ok := cut(w, e, 2); ok && (strings.HasSuffix(stem, "ск") || strings.HasSuffix(stem, "цк")) {
			return stem + "ий"
		}
	}
	if strings.HasSuffix(w, "их") || strings.HasSuffix(w, "ых") {
		// Chernykh, Dolgikh, Sedykh: the old genitive plural, indeclinable.
		return w
	}
	// Names in -ей and -ий: Andrei, Sergei, Yury, Dmitry.
	for _, e := range softEndings {
		if stem, ok := cut(w, e, 3); ok && endsInAny(stem, "еаиоу") {
			if e == "ей" && !strings.HasSuffix(stem, "и") {
				// -ей is itself the nominative of Андрей: only Марией
				// (and the like) is a case form here.
				continue
			}
			if s, ok := cut(stem, "и", 2); ok {
				return s // Юрия: like Юрий, юр
			}
			return stem + "й"
		}
	}
	// Other adjectival names (Tolstoy, Tolstogo, Tolstomu): their stem.
	for _, e := range adjectiveEndings {
		if stem, ok := cut(w, e, 3); ok && endsInConsonant(stem) {
			return stem
		}
	}
	if stem, ok := cut(w, "им", 3); ok && endsInAny(stem, "кгхжшчщ") {
		return stem // Горьким: after these, -ым is written -им
	}
	// Nouns: first names, places (Ивана, Москве, Елены).
	for _, e := range nounEndings {
		if stem, ok := cut(w, e, 3); ok && endsInConsonant(stem) {
			return stem
		}
	}
	if stem, ok := cut(w, "и", 3); ok && endsInAny(stem, "кгхжшчщц") {
		return stem // Ольги, Москвички
	}
	return w
}

func latinLemma(w string) string {
	for _, e := range []string{"skaya", "skaia", "skaja", "skoy", "skoi", "skoj"} {
		if stem, ok := cut(w, e, 2); ok {
			return stem + "sky"
		}
	}
	for _, e := range []string{"oy", "oi", "oj"} {
		if stem, ok := cut(w, e, 3); ok && latinConsonant(lastRune(stem)) {
			return stem
		}
	}
	if stem, ok := cut(w, "a", 3); ok && latinConsonant(lastRune(stem)) {
		return stem
	}
	return w
}

// cut returns w without the suffix, if w ends with it and at least min runes
// remain.
func cut(w, suffix string, min int) (string, bool) {
	if !strings.HasSuffix(w, suffix) {
		return "", false
	}
	stem := w[:len(w)-len(suffix)]
	if utf8.RuneCountInString(stem) < min {
		return "", false
	}
	return stem, true
}

func possessiveStem(s string) bool {
	return strings.HasSuffix(s, "ов") || strings.HasSuffix(s, "ев") ||
		strings.HasSuffix(s, "ин") || strings.HasSuffix(s, "ын")
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func endsInAny(s, runes string) bool {
	return strings.ContainsRune(runes, lastRune(s))
}

func endsInConsonant(s string) bool {
	r := lastRune(s)
	return unicode.Is(unicode.Cyrillic, r) && !strings.ContainsRune("аеёиоуыэюяйьъ", r)
}

func latinConsonant(r rune) bool {
	return r >= 'a' && r <= 'z' && !strings.ContainsRune("aeiouy", r)
}

// isCyrillicWord reports whether the word's letters are mostly Cyrillic.
func isCyrillicWord(w string) bool {
	cyr, other := 0, 0
	for _, r := range w {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.IsLetter(r):
			other++
		}
	}
	return cyr > other
}

// NameKey returns the key of a word of a name: its lemma (see Lemma) as a
// transliteration key, so that Брежнева, Брежневым, Brezhnev and
// Brezhnev's have one key. The names field of a search index keys words so,
// and the index of persons keys surnames so.
func NameKey(word string) string {
	return LemmaKey(FoldYo(TrimPossessive(strings.ToLower(word))))
}

// LemmaKey returns the key of the lemma of w, which is in lower case with ё
// written as е. A final y after a consonant, the key of every adjectival
// ending (-ий, -ый, -y, -ii, -iy), is dropped: Lemma reduces adjectival
// names to their stem when the case form does not tell the ending.
func LemmaKey(w string) string {
	k := Key(Lemma(w))
	if n := len(k); n > 3 && k[n-1] == 'y' && !strings.ContainsRune("aeiouy", rune(k[n-2])) {
		k = k[:n-1]
	}
	return k
}

// FoldYo returns the lower-case word s with ё written as е.
func FoldYo(s string) string {
	if !strings.Contains(s, "ё") {
		return s
	}
	return strings.ReplaceAll(s, "ё", "е")
}

// TrimPossessive removes an English possessive: Sakharov's is Sakharov.
func TrimPossessive(w string) string {
	for _, s := range []string{"'s", "’s"} {
		if strings.HasSuffix(w, s) {
			return w[:len(w)-len(s)]
		}
	}
	return w
}
