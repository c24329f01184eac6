package searchdoc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"fonds"
)

// splitPages returns the text as n pages: the text before the first page
// break on the first, and each page break's text on the page pageIndex maps
// its number to (or, for a number it does not know, on the page before).
// Notes are left out (see notesOf), though a page break within one still
// opens its page.
//
// A page break within a sentence opens its page at the end of the sentence
// (or of the paragraph): a word it splits ("Jan[page 33]uary") is read whole
// and a phrase across it matches, on the page the sentence begins on.
func splitPages(t fonds.Text, pageIndex map[int]int, n int) []string {
	pages := make([]strings.Builder, n)
	cur, pending := 0, -1
	// last is the last rune of the block's text so far, 0 at its start.
	var last rune
	write := func(s string) {
		if pending >= 0 {
			if end := sentenceEnd(s); end >= 0 {
				pages[cur].WriteString(s[:end])
				s = s[end:]
				cur, pending = pending, -1
			}
		}
		pages[cur].WriteString(s)
		if t := strings.TrimRightFunc(s, unicode.IsSpace); t != "" {
			last, _ = utf8.DecodeLastRuneInString(t)
		}
	}
	var walk func(spans []fonds.Span, note bool)
	walk = func(spans []fonds.Span, note bool) {
		for _, s := range spans {
			if s.Kind == fonds.SpanPageBreak {
				if i, ok := pageIndex[s.Page]; ok {
					if last == 0 || strings.ContainsRune(sentenceMarks, last) {
						cur, pending = i, -1
					} else {
						pending = i
					}
				}
				continue
			}
			in := note || isNote(s.Kind)
			if !in {
				write(s.Text)
			}
			walk(s.Spans, in)
		}
	}
	for _, b := range t {
		if b.Kind == fonds.BlockSeparator {
			continue
		}
		last = 0
		walk(b.Spans, false)
		pages[cur].WriteByte('\n')
		if pending >= 0 {
			cur, pending = pending, -1
		}
	}
	out := make([]string, n)
	for i := range pages {
		out[i] = clean(strings.TrimSpace(pages[i].String()))
	}
	return out
}

// sentenceMarks are the marks that end a sentence.
const sentenceMarks = ".!?"

// sentenceEnd returns the offset just after the first mark that ends a
// sentence in s (one followed by a space or by the end of s), or -1.
func sentenceEnd(s string) int {
	for i, r := range s {
		if !strings.ContainsRune(sentenceMarks, r) {
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i+1:])
		if i+1 == len(s) || unicode.IsSpace(next) {
			return i + 1
		}
	}
	return -1
}

// isNote reports whether a span of the kind holds words of the editors
// about the text rather than the text's own.
func isNote(k fonds.SpanKind) bool {
	return k == fonds.SpanNote || k == fonds.SpanFootnote
}

// notesOf returns the words of each editorial note and footnote of the
// text, in order; a note within a note is part of it.
func notesOf(t fonds.Text) []string {
	var notes []string
	var walk func([]fonds.Span)
	walk = func(spans []fonds.Span) {
		for _, s := range spans {
			if isNote(s.Kind) {
				if n := clean(strings.TrimSpace(noteText(s))); n != "" {
					notes = append(notes, n)
				}
				continue
			}
			walk(s.Spans)
		}
	}
	for _, b := range t {
		walk(b.Spans)
	}
	return notes
}

// noteText returns the words of a note, without the labels of the page
// breaks in it.
func noteText(s fonds.Span) string {
	if s.Kind == fonds.SpanPageBreak {
		return ""
	}
	if s.Kind == fonds.SpanLineBreak {
		return "\n"
	}
	var b strings.Builder
	b.WriteString(s.Text)
	for _, c := range s.Spans {
		b.WriteString(noteText(c))
	}
	return b.String()
}
