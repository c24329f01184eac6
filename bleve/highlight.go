package bleve

import (
	"context"
	"slices"
	"strings"

	banalysis "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"

	"fonds/analysis"
)

// snippetSize is the length of a snippet, in characters.
const snippetSize = analysis.SnippetSize

// textFields are the fields whose elements line up with the stored text
// and keep the offsets of their terms: the stops field too, so that a
// query of stop words, or the stop words of a phrase, are marked.
var textFields = []string{fieldEnglish, fieldRussian, fieldOther, fieldNames, fieldStops}

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
// The best passage is the one of analysis.SnippetSize characters holding the most
// distinct terms, the first of those; it is found in one pass over the
// first analysis.MaxSnippetMatches matches and the text up to them, so that the
// work is linear in the document and bounded by its matches.
func snippet(ctx context.Context, dm *search.DocumentMatch, h *hitData, translit banalysis.Analyzer, keys analysis.TranslitKeys) (string, int, error) {
	pages := len(h.Pages)
	var onText, onSummary []analysis.Match
	for _, field := range textFields {
		for term, locs := range dm.Locations[field] {
			for _, l := range locs {
				if len(l.ArrayPositions) != 1 {
					continue
				}
				m := analysis.Match{Start: int(l.Start), End: int(l.End), Term: field + " " + term}
				switch k := int(l.ArrayPositions[0]); {
				case k < pages:
					m.Page = k
					onText = append(onText, m)
				case k == pages+1 && (field == fieldNames || field == fieldStops):
					// The summary, as the names, translit and stops
					// fields hold it after the pages (see documentOf).
					m.Page = -1
					onSummary = append(onSummary, m)
				}
			}
		}
	}
	for term, locs := range dm.Locations[fieldSummary] {
		for _, l := range locs {
			onSummary = append(onSummary, analysis.Match{Page: -1, Start: int(l.Start), End: int(l.End), Term: fieldSummary + " " + term})
		}
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	onText = analysis.FirstMatches(besideOthers(onText))
	onSummary = analysis.FirstMatches(besideOthers(onSummary))
	// The pages to decompress: up to the last page with a match, since the
	// pages after it, which score nothing, cannot change the best passage;
	// none if only the summary matched; all if nothing did.
	need := -1
	switch {
	case len(onText) > 0:
		need = onText[len(onText)-1].Page + 1
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
	if len(onText) == 0 && len(onSummary) == 0 && (len(keys.Terms) > 0 || len(keys.Prefixes) > 0) {
		onText = analysis.TranslitMatches(ctx, texts, translit, keys)
	}
	switch {
	case len(onText) > 0:
		best := analysis.BestPassage(texts, onText)
		p, page := onText[best].Page, 0
		if p < pages {
			page = h.Pages[p]
		}
		text := ""
		if p < len(texts) {
			text = texts[p]
		}
		return analysis.Passage(text, analysis.PageMatches(onText, p), onText[best].Start), page, nil
	case len(onSummary) > 0:
		best := analysis.BestPassage([]string{summary}, analysis.Relabel(onSummary))
		return analysis.Passage(summary, onSummary, onSummary[best].Start), 0, nil
	}
	// Nothing to mark: the beginning of the first text.
	for _, t := range texts {
		if t != "" {
			return analysis.Passage(t, nil, 0), 0, nil
		}
	}
	if summary != "" {
		return analysis.Passage(summary, nil, 0), 0, nil
	}
	return "", 0, nil
}

// besideOthers returns the matches without those of the stops field that
// stand apart from every other match. A phrase's stop words are searched in
// the stops field as words of their own ("the Soviet Union" asks for "the"
// there), so that every "the" of the document matches, and only those
// beside the phrase's other words, or beside a stop word that is, are the
// phrase's. Marked, the others took the first marks of a snippet and drew
// it to the passage with the most of them. A query of stop words only
// keeps them all.
func besideOthers(ms []analysis.Match) []analysis.Match {
	isStop := func(m analysis.Match) bool { return strings.HasPrefix(m.Term, fieldStops+" ") }
	if !slices.ContainsFunc(ms, func(m analysis.Match) bool { return !isStop(m) }) {
		return ms
	}
	slices.SortFunc(ms, analysis.CompareMatches)
	keep := make([]bool, len(ms))
	for i, m := range ms {
		keep[i] = !isStop(m)
	}
	// near reports whether two matches of the text touch, or stand one
	// space apart.
	near := func(a, b analysis.Match) bool {
		return a.Page == b.Page && a.Start <= b.End+1 && b.Start <= a.End+1
	}
	for changed := true; changed; {
		changed = false
		for i := range ms {
			if keep[i] {
				continue
			}
			for _, j := range []int{i - 1, i + 1} {
				if j >= 0 && j < len(ms) && keep[j] && near(ms[i], ms[j]) {
					keep[i], changed = true, true
					break
				}
			}
		}
	}
	out := ms[:0]
	for i, m := range ms {
		if keep[i] {
			out = append(out, m)
		}
	}
	return out
}
