package query

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// ignoredWords are the words that a canonical form may add or drop without
// changing what is searched: operators, field names, and the words of dates.
var ignoredWords = func() map[string]bool {
	m := map[string]bool{"or": true, "and": true, "not": true, "или": true, "и": true, "не": true}
	for name := range fieldNames {
		m[name] = true
	}
	for name := range months {
		m[name] = true
	}
	for mark := range yearMarks {
		m[mark] = true
	}
	return m
}()

// fuzziness is the "~N" after a fuzzy word, which is syntax.
var fuzziness = regexp.MustCompile(`~\d+([^\pL\pN\pM]|$)`)

// wordBag counts the words of s: runs of letters, digits and marks, in lower
// case. When the query has dates, the numbers are left out too, since a
// plain date is written one way and its filter another.
func wordBag(s string, dated bool) map[string]int {
	bag := make(map[string]int)
	add := func(w string) {
		w = strings.ToLower(w)
		if ignoredWords[w] {
			return
		}
		if dated && (strings.Trim(w, "0123456789") == "" || strings.Trim(w, "0123456789") == "s" ||
			w == "s" || w == "е" || w == "х") {
			return
		}
		bag[w]++
	}
	var b strings.Builder
	for _, r := range fuzziness.ReplaceAllString(s, " $1") {
		switch {
		case unicode.Is(unicode.Cf, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		default:
			if b.Len() > 0 {
				add(b.String())
				b.Reset()
			}
		}
	}
	if b.Len() > 0 {
		add(b.String())
	}
	return bag
}

func sameBags(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for w, n := range a {
		if b[w] != n {
			return false
		}
	}
	return true
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Parse(s)
		checkRoundTrip(t, s)

		c := q.String()
		if q.Interpreted == "" {
			dated := q.DateFrom != "" || q.DateTo != ""
			if in, out := wordBag(s, dated), wordBag(c, dated); !sameBags(in, out) {
				t.Errorf("Parse(%q) read as %q, words %v, with no Interpreted; want the words %v", s, c, out, in)
			}
		}
		if len(c) > 3*len(s)+32 {
			t.Errorf("Parse(%q).String() = %q: %d bytes, want at most %d", s, c, len(c), 3*len(s)+32)
		}
		if len(q.Interpreted) > len(c)+600 {
			t.Errorf("Parse(%q).Interpreted = %q: %d bytes, want at most %d", s, q.Interpreted, len(q.Interpreted), len(c)+600)
		}
	})
}

var benchQueries = []string{
	"human rights",
	`"human rights" Helsinki -KGB`,
	"(Sakharov OR Bonner) exile year:1977",
	"Politburo 19 May 1977 Pb 56/68",
	`person:"Андрей Сахаров" ссылка ИЛИ Горький диссид*`,
	"Shcharansky~ from:1977-05 to:1978",
	`((unbalanced "quote OR -`,
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		for _, s := range benchQueries {
			Parse(s)
		}
	}
}

func BenchmarkParseLong(b *testing.B) {
	s := strings.Repeat(`(Sakharov OR "human rights") -KGB 1977 `, 100)
	for b.Loop() {
		Parse(s)
	}
}
