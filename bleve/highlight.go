package bleve

import (
	"cmp"
	"context"
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"

	"fonds/translit"
)

// snippetSize is the length of a snippet, in characters.
const snippetSize = 240

// maxSnippetMatches bounds the matches of one hit a snippet is chosen
// among: the first of them, in the order of the text. A document of
// megabytes may match a common word a million times; the passage that best
// shows why it matched is found among its first matches as well as among
// all, at a cost that does not grow with the document.
const maxSnippetMatches = 4096

// textFields are the fields whose elements line up with the stored text
// and keep the offsets of their terms: the stops field too, so that a
// query of stop words, or the stop words of a phrase, are marked.
var textFields = []string{fieldEnglish, fieldRussian, fieldOther, fieldNames, fieldStops}

// translitKeys are the terms and prefixes a search looked for in the
// translit field, which keeps no offsets: a snippet finds them again in the
// text.
type translitKeys struct {
	terms, prefixes []string
}

func (k translitKeys) match(term string) bool {
	if slices.Contains(k.terms, term) {
		return true
	}
	for _, p := range k.prefixes {
		if p != "" && strings.HasPrefix(term, p) {
			return true
		}
	}
	return false
}

// match is a matching term in a text: on the page text at index page, or
// on the summary (page -1), at the byte offsets start to end. term tells
// apart the terms a snippet counts.
type match struct {
	page       int
	start, end int
	term       string
}

func compareMatches(a, b match) int {
	// Of two matches at one place, the longer first, which is marked.
	return cmp.Or(cmp.Compare(a.page, b.page), cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end))
}

// snippet returns the best passage of the document for the match, with its
// terms marked, and the number of its page (0 when it is not on a page).
// The locations of every field that indexes the page texts are gathered on
// the stored text, so that a match of a name key or a transliteration is
// marked on the word as written.
//
// A document found only by the transliteration of a word has its text
// analyzed again to mark the words of that key; a document found by none of
// its words (by a filter, a reference) gets the beginning of its text.
//
// The best passage is the one of snippetSize characters holding the most
// distinct terms, the first of those; it is found in one pass over the
// first maxSnippetMatches matches and the text up to them, so that the
// work is linear in the document and bounded by its matches.
func snippet(ctx context.Context, dm *search.DocumentMatch, h *hitData, translit analysis.Analyzer, keys translitKeys) (string, int, error) {
	pages := len(h.Pages)
	var onText, onSummary []match
	for _, field := range textFields {
		for term, locs := range dm.Locations[field] {
			for _, l := range locs {
				if len(l.ArrayPositions) != 1 {
					continue
				}
				m := match{start: int(l.Start), end: int(l.End), term: field + " " + term}
				switch k := int(l.ArrayPositions[0]); {
				case k < pages:
					m.page = k
					onText = append(onText, m)
				case k == pages+1 && (field == fieldNames || field == fieldStops):
					// The summary, as the names, translit and stops
					// fields hold it after the pages (see documentOf).
					m.page = -1
					onSummary = append(onSummary, m)
				}
			}
		}
	}
	for term, locs := range dm.Locations[fieldSummary] {
		for _, l := range locs {
			onSummary = append(onSummary, match{page: -1, start: int(l.Start), end: int(l.End), term: fieldSummary + " " + term})
		}
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	onText = firstMatches(onText)
	onSummary = firstMatches(onSummary)
	// The pages to decompress: up to the last page with a match, since the
	// pages after it, which score nothing, cannot change the best passage;
	// none if only the summary matched; all if nothing did.
	need := -1
	switch {
	case len(onText) > 0:
		need = onText[len(onText)-1].page + 1
	case len(onSummary) > 0:
		need = 0
	}
	var texts []string
	if s, ok := dm.Fields[fieldText].(string); ok && s != "" {
		var err error
		if texts, err = decodePages([]byte(s), need); err != nil {
			return "", 0, err
		}
	}
	summary, _ := dm.Fields[fieldSummary].(string)
	if len(onText) == 0 && len(onSummary) == 0 && (len(keys.terms) > 0 || len(keys.prefixes) > 0) {
		onText = translitMatches(ctx, texts, translit, keys)
	}
	switch {
	case len(onText) > 0:
		best := bestPassage(texts, onText)
		p, page := onText[best].page, 0
		if p < pages {
			page = h.Pages[p]
		}
		text := ""
		if p < len(texts) {
			text = texts[p]
		}
		return passage(text, pageMatches(onText, p), onText[best].start), page, nil
	case len(onSummary) > 0:
		best := bestPassage([]string{summary}, relabel(onSummary))
		return passage(summary, onSummary, onSummary[best].start), 0, nil
	}
	// Nothing to mark: the beginning of the first text.
	for _, t := range texts {
		if t != "" {
			return passage(t, nil, 0), 0, nil
		}
	}
	if summary != "" {
		return passage(summary, nil, 0), 0, nil
	}
	return "", 0, nil
}

// firstMatches returns the first maxSnippetMatches of the matches, in the
// order of the text, without those whose offsets are not in order.
func firstMatches(ms []match) []match {
	ms = slices.DeleteFunc(ms, func(m match) bool { return m.start < 0 || m.end < m.start })
	slices.SortFunc(ms, compareMatches)
	return ms[:min(len(ms), maxSnippetMatches)]
}

// relabel puts the matches of the summary on text 0, for bestPassage.
func relabel(ms []match) []match {
	out := make([]match, len(ms))
	for i, m := range ms {
		m.page = 0
		out[i] = m
	}
	return out
}

// pageMatches returns the matches on one page.
func pageMatches(ms []match, page int) []match {
	i, _ := slices.BinarySearchFunc(ms, page, func(m match, p int) int { return cmp.Compare(m.page, p) })
	j := i
	for j < len(ms) && ms[j].page == page {
		j++
	}
	return ms[i:j]
}

// translitMatches returns the words of the texts whose transliteration key
// a search looked for, at most maxSnippetMatches, analyzing the texts page
// by page until they are found.
func translitMatches(ctx context.Context, texts []string, translit analysis.Analyzer, keys translitKeys) []match {
	var ms []match
	for k, t := range texts {
		if len(ms) > 0 || ctx.Err() != nil {
			break
		}
		for _, tok := range translit.Analyze([]byte(t)) {
			if keys.match(string(tok.Term)) {
				ms = append(ms, match{page: k, start: tok.Start, end: tok.End, term: string(tok.Term)})
				if len(ms) == maxSnippetMatches {
					break
				}
			}
		}
	}
	return firstMatches(ms)
}

// bestPassage returns the index of the match that begins the best passage:
// of the passages of snippetSize characters beginning at a match, the first
// holding the most distinct terms. The matches are in the order of the
// text; a window slides over them, the rune offsets of each counted once.
func bestPassage(texts []string, ms []match) int {
	// runes[i] is the rune offset of the start of ms[i], and ends[i] of its
	// end, counted from the start of its page.
	runes := make([]int, len(ms))
	ends := make([]int, len(ms))
	page, at, n := -1, 0, 0
	for i, m := range ms {
		if m.page != page {
			page, at, n = m.page, 0, 0
		}
		t := ""
		if m.page >= 0 && m.page < len(texts) {
			t = texts[m.page]
		}
		start := min(m.start, len(t))
		if start > at {
			n += utf8.RuneCountInString(t[at:start])
			at = start
		}
		runes[i] = n
		ends[i] = n + utf8.RuneCountInString(t[start:min(max(m.end, start), len(t))])
	}
	best, bestScore := 0, 0
	counts := make(map[string]int)
	distinct := 0
	j := 0 // the end of the window of match i, exclusive
	for i := range ms {
		if j < i {
			j = i
		}
		for j < len(ms) && ms[j].page == ms[i].page && ends[j] <= runes[i]+snippetSize {
			if counts[ms[j].term] == 0 {
				distinct++
			}
			counts[ms[j].term]++
			j++
		}
		if distinct > bestScore {
			best, bestScore = i, distinct
		}
		if j > i {
			if counts[ms[i].term]--; counts[ms[i].term] == 0 {
				distinct--
			}
		}
	}
	return best
}

// passage returns the passage of about snippetSize characters of text
// around the byte offset at, escaped as HTML, with the matches in it wrapped
// in <mark> and </mark>, and "…" where it cuts the text. The matches are in
// the order of the text; those overlapping one before are left unmarked.
//
// The passage begins and ends at word boundaries (see cutAtWords), so that
// it shows no half words ("…ed campaign").
func passage(text string, ms []match, at int) string {
	start, end := passageBounds(text, ms, at)
	var b strings.Builder
	b.Grow(end - start + 64)
	if start > 0 {
		b.WriteString("…")
	}
	done := start
	for _, m := range ms {
		if m.start < done || m.end > end {
			continue
		}
		b.WriteString(html.EscapeString(text[done:m.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[m.start:m.end]))
		b.WriteString("</mark>")
		done = m.end
	}
	b.WriteString(html.EscapeString(text[done:end]))
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// passageBounds returns the byte offsets of the passage of text around at
// that passage shows.
func passageBounds(text string, ms []match, at int) (start, end int) {
	at = min(max(at, 0), len(text))
	for at > 0 && !utf8.RuneStart(text[at]) {
		at--
	}
	// The characters after at, up to snippetSize; what is left of it is
	// shared before the start (up to half of it when the text goes on).
	end = at
	used := 0
	for end < len(text) && used < snippetSize {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
		used++
	}
	back := snippetSize - used
	if end < len(text) {
		back = min(back, snippetSize/8)
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
		if m.start == at && m.end > keep && m.end <= len(text) {
			keep = m.end
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
	case isApostrophe(after):
		// The apostrophe joins what is before it to what follows it.
		r, _ := utf8.DecodeRuneInString(text[i+next:])
		return translit.IsWordRune(before) && translit.IsWordRune(r)
	case isApostrophe(before):
		r, _ := utf8.DecodeLastRuneInString(text[:i-size])
		return translit.IsWordRune(r) && translit.IsWordRune(after)
	}
	return translit.IsWordRune(before) && translit.IsWordRune(after)
}
