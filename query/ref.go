package query

import (
	"regexp"

	"fonds"
)

// series are the words written before the number of a reference: Pb
// (Politburo), P (protocol), St (Secretariat), No (number), and their
// Cyrillic forms. "Ст" is mostly "article" in Russian, as in "ст. 70" of the
// criminal code: it is a series only before a protocol and item ("Ст
// 248/9"), as a lone P is.
var series = map[string]bool{
	"pb": true, "p": true, "st": true, "no": true, "№": true,
	"пб": true, "п": true, "ст": true,
}

var (
	// refNumber is the number after a series: "340", "56/68", "56-68",
	// "1530-a/ov".
	refNumber = regexp.MustCompile(`^\d+(?:[/-][\p{L}\d]+)?(?:/\p{L}+)?$`)
	// refItem is a number with an item: "56/68", "56-68".
	refItem = regexp.MustCompile(`^\d+[/-][\p{L}\d]`)
	// refAttached is a series and a number in one word: "st-21/7", "pb56/68",
	// "no.340".
	refAttached = regexp.MustCompile(`^(pb|st|p|no|№|пб|п|ст)[.-]?(\d.*)$`)
	// refLettered is a number with a Latin letter series: "2811-a",
	// "1530-a/ov". Cyrillic is left out: "70-х" is "the 70s", not a reference.
	refLettered = regexp.MustCompile(`^\d{3,}-[a-z]{1,2}(?:/[a-z]+)?$`)
)

// isSeriesNumber reports whether num may follow the series s.
func isSeriesNumber(s, num string) bool {
	if !refNumber.MatchString(num) {
		return false
	}
	// A lone P is too common a letter to be a series without an item, and
	// "ст" a word ("article").
	return (s != "p" && s != "п" && s != "ст") || refItem.MatchString(num)
}

// referenceLength returns how many words, starting with the word w and
// followed by next (when hasNext), form a reference: 0, 1 or 2. The words
// are normalized.
func referenceLength(w, next string, hasNext bool) int {
	if series[w] && hasNext && isSeriesNumber(w, next) {
		return 2
	}
	if m := refAttached.FindStringSubmatch(w); m != nil && isSeriesNumber(m[1], m[2]) {
		return 1
	}
	if refLettered.MatchString(w) {
		return 1
	}
	return 0
}

func newReference(written string) Reference {
	return Reference{Written: written, Normalized: fonds.NormalizeReference(written)}
}

// plainTerm returns the term n, or the term excluded by n, when it may be a
// word of a reference.
func plainTerm(n Node) (t Term, neg bool, ok bool) {
	if x, isNot := n.(Not); isNot {
		n, neg = x.Node, true
	}
	t, ok = n.(Term)
	return t, neg, ok && t.Field == "" && !t.Prefix && t.Fuzziness == 0
}

// joinReferenceNodes replaces the terms of a sequence (the nodes of an And)
// that form a reference with the reference, as the lexer does with the
// words of the query. It is needed where terms come together only in the
// tree, as in "Pb (56/68)", so that the canonical form reads the same.
func joinReferenceNodes(nodes []Node) []Node {
	var out []Node
	for i := 0; i < len(nodes); i++ {
		t, neg, ok := plainTerm(nodes[i])
		if !ok {
			out = append(out, nodes[i])
			continue
		}
		next, hasNext := "", false
		if i+1 < len(nodes) {
			if u, uneg, ok := plainTerm(nodes[i+1]); ok && !uneg {
				next, hasNext = u.Text, true
			}
		}
		written := t.Text
		switch referenceLength(t.Text, next, hasNext) {
		case 0:
			out = append(out, nodes[i])
			continue
		case 2:
			written += " " + next
			i++
		}
		var r Node = newReference(written)
		if neg {
			r = Not{r}
		}
		out = append(out, r)
	}
	return out
}
