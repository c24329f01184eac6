package analysis

import (
	"cmp"
	"context"
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	banalysis "github.com/blevesearch/bleve/v2/analysis"

	"fonds/translit"
)

// SnippetSize is the length of a snippet, in characters.
const SnippetSize = 240

// MaxSnippetMatches bounds the matches of one hit a snippet is chosen
// among: the first of them, in the order of the text. A document of
// megabytes may match a common word a million times; the passage that best
// shows why it matched is found among its first matches as well as among
// all, at a cost that does not grow with the document.
const MaxSnippetMatches = 4096

// Match is a matching term in a text: on the page text at index page, or
// on the summary (page -1), at the byte offsets start to end. term tells
// apart the terms a snippet counts.
type Match struct {
	Page       int
	Start, End int
	Term       string
}

func CompareMatches(a, b Match) int {
	// Of two matches at one place, the longer first, which is marked.
	return cmp.Or(cmp.Compare(a.Page, b.Page), cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End))
}

// FirstMatches returns the first MaxSnippetMatches of the matches, in the
// order of the text, without those whose offsets are not in order.
func FirstMatches(ms []Match) []Match {
	ms = slices.DeleteFunc(ms, func(m Match) bool { return m.Start < 0 || m.End < m.Start })
	slices.SortFunc(ms, CompareMatches)
	return ms[:min(len(ms), MaxSnippetMatches)]
}

// Relabel puts the matches of the summary on text 0, for BestPassage.
func Relabel(ms []Match) []Match {
	out := make([]Match, len(ms))
	for i, m := range ms {
		m.Page = 0
		out[i] = m
	}
	return out
}

// PageMatches returns the matches on one page.
func PageMatches(ms []Match, page int) []Match {
	i, _ := slices.BinarySearchFunc(ms, page, func(m Match, p int) int { return cmp.Compare(m.Page, p) })
	j := i
	for j < len(ms) && ms[j].Page == page {
		j++
	}
	return ms[i:j]
}

// TranslitMatches returns the words of the texts whose transliteration key
// a search looked for, at most MaxSnippetMatches, analyzing the texts page
// by page until they are found.
func TranslitMatches(ctx context.Context, texts []string, translit banalysis.Analyzer, keys TranslitKeys) []Match {
	var ms []Match
	for k, t := range texts {
		if len(ms) > 0 || ctx.Err() != nil {
			break
		}
		for _, tok := range translit.Analyze([]byte(t)) {
			if keys.Has(string(tok.Term)) {
				ms = append(ms, Match{Page: k, Start: tok.Start, End: tok.End, Term: string(tok.Term)})
				if len(ms) == MaxSnippetMatches {
					break
				}
			}
		}
	}
	return FirstMatches(ms)
}

// BestPassage returns the index of the match that begins the best passage:
// of the passages of SnippetSize characters beginning at a match, the first
// holding the most distinct terms. The matches are in the order of the
// text; a window slides over them, the rune offsets of each counted once.
func BestPassage(texts []string, ms []Match) int {
	// runes[i] is the rune offset of the start of ms[i], and ends[i] of its
	// end, counted from the start of its page.
	runes := make([]int, len(ms))
	ends := make([]int, len(ms))
	page, at, n := -1, 0, 0
	for i, m := range ms {
		if m.Page != page {
			page, at, n = m.Page, 0, 0
		}
		t := ""
		if m.Page >= 0 && m.Page < len(texts) {
			t = texts[m.Page]
		}
		start := min(m.Start, len(t))
		if start > at {
			n += utf8.RuneCountInString(t[at:start])
			at = start
		}
		runes[i] = n
		ends[i] = n + utf8.RuneCountInString(t[start:min(max(m.End, start), len(t))])
	}
	best, bestScore := 0, 0
	counts := make(map[string]int)
	distinct := 0
	j := 0 // the end of the window of match i, exclusive
	for i := range ms {
		if j < i {
			j = i
		}
		for j < len(ms) && ms[j].Page == ms[i].Page && ends[j] <= runes[i]+SnippetSize {
			if counts[ms[j].Term] == 0 {
				distinct++
			}
			counts[ms[j].Term]++
			j++
		}
		if distinct > bestScore {
			best, bestScore = i, distinct
		}
		if j > i {
			if counts[ms[i].Term]--; counts[ms[i].Term] == 0 {
				distinct--
			}
		}
	}
	return best
}

// passage returns the passage of about SnippetSize characters of text
// around the byte offset at, escaped as HTML, with the matches in it wrapped
// in <mark> and </mark>, and "…" where it cuts the text. The matches are in
// the order of the text; those overlapping one before are left unmarked.
//
// The passage begins and ends at word boundaries (see cutAtWords), so that
// it shows no half words ("…ed campaign").
func Passage(text string, ms []Match, at int) string {
	start, end := passageBounds(text, ms, at)
	var b strings.Builder
	b.Grow(end - start + 64)
	if start > 0 {
		b.WriteString("…")
	}
	done := start
	for _, m := range ms {
		if m.Start < done || m.End > end {
			continue
		}
		b.WriteString(html.EscapeString(text[done:m.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[m.Start:m.End]))
		b.WriteString("</mark>")
		done = m.End
	}
	b.WriteString(html.EscapeString(text[done:end]))
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// passageBounds returns the byte offsets of the passage of text around at
// that passage shows.
func passageBounds(text string, ms []Match, at int) (start, end int) {
	at = min(max(at, 0), len(text))
	for at > 0 && !utf8.RuneStart(text[at]) {
		at--
	}
	// The characters after at, up to SnippetSize; what is left of it is
	// shared before the start (up to half of it when the text goes on).
	end = at
	used := 0
	for end < len(text) && used < SnippetSize {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
		used++
	}
	back := SnippetSize - used
	if end < len(text) {
		back = min(back, SnippetSize/8)
	}
	start = at
	for start > 0 && back > 0 {
		_, size := utf8.DecodeLastRuneInString(text[:start])
		start -= size
		back--
	}
	// The passage holds the whole of the match at at.
	keep := at
	for _, m := range ms {
		if m.Start == at && m.End > keep && m.End <= len(text) {
			keep = m.End
		}
	}
	return cutAtWords(text, start, end, at, max(keep, at))
}

// maxWordCut is how far, in characters, cutAtWords moves a cut to reach a
// word boundary: a run of letters longer than that is no word (a hash, a
// line of an encoding), and is cut where it falls.
const maxWordCut = 48

// cutAtWords moves the cuts of a passage text[start:end] to word
// boundaries: the start forward to the beginning of a word, or back to the
// beginning of its word when no word begins before lo; the end back to the
// end of a word, or on to the end of its word when none ends after hi. The
// passage keeps text[lo:hi], its mark, whole, and loses the spaces at the
// cuts.
func cutAtWords(text string, start, end, lo, hi int) (int, int) {
	if start > 0 && withinWord(text, start) {
		if s, ok := forwardToBoundary(text, start, lo); ok {
			start = s
		} else if s, ok := backToBoundary(text, start, 0); ok {
			start = s
		}
	}
	if start > 0 {
		for start < lo {
			r, size := utf8.DecodeRuneInString(text[start:])
			if !unicode.IsSpace(r) {
				break
			}
			start += size
		}
	}
	if end < len(text) && withinWord(text, end) {
		if e, ok := backToBoundary(text, end, hi); ok {
			end = e
		} else if e, ok := forwardToBoundary(text, end, len(text)); ok {
			end = e
		}
	}
	if end < len(text) {
		for end > hi {
			r, size := utf8.DecodeLastRuneInString(text[:end])
			if !unicode.IsSpace(r) {
				break
			}
			end -= size
		}
	}
	return start, end
}

// forwardToBoundary returns the first word boundary after i and not after
// limit, within maxWordCut characters.
func forwardToBoundary(text string, i, limit int) (int, bool) {
	for n := 0; i < limit && n < maxWordCut; n++ {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if !withinWord(text, i) {
			return i, true
		}
	}
	return 0, false
}

// backToBoundary returns the last word boundary before i and not before
// limit, within maxWordCut characters.
func backToBoundary(text string, i, limit int) (int, bool) {
	for n := 0; i > limit && n < maxWordCut; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
		if !withinWord(text, i) {
			return i, true
		}
	}
	return 0, false
}

// withinWord reports whether the byte offset i of text falls between two
// characters of one word as the analyzers read words (isWordRune), an
// apostrophe between two of them joining them (Sakharov’s, don't).
func withinWord(text string, i int) bool {
	if i <= 0 || i >= len(text) {
		return false
	}
	before, size := utf8.DecodeLastRuneInString(text[:i])
	after, next := utf8.DecodeRuneInString(text[i:])
	switch {
	case IsApostrophe(after):
		// The apostrophe joins what is before it to what follows it.
		r, _ := utf8.DecodeRuneInString(text[i+next:])
		return translit.IsWordRune(before) && translit.IsWordRune(r)
	case IsApostrophe(before):
		r, _ := utf8.DecodeLastRuneInString(text[:i-size])
		return translit.IsWordRune(r) && translit.IsWordRune(after)
	}
	return translit.IsWordRune(before) && translit.IsWordRune(after)
}

// TranslitKeys are the terms and prefixes a search looked for among the
// transliteration keys of the words, which an index keeps without their
// offsets: a snippet finds them again in the text.
type TranslitKeys struct {
	Terms, Prefixes []string
}

// Has reports whether a key is one of the terms or begins with one of the
// prefixes.
func (k TranslitKeys) Has(term string) bool {
	if slices.Contains(k.Terms, term) {
		return true
	}
	for _, p := range k.Prefixes {
		if p != "" && strings.HasPrefix(term, p) {
			return true
		}
	}
	return false
}
