// Package pagebreak keeps whole the words a page break falls inside.
//
// An edition marks where each page of the original begins, and a page often
// begins in the middle of a word ("treat[page 4]ment"). A reader and a
// search both want the word whole: the page shows the marker after the
// word, and the index reads the word on the page it begins on.
package pagebreak

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"fonds"
)

// OutOfWords returns the text with every page break that stands inside a
// word moved to the end of that word: the words the break split are joined,
// and what followed the word comes after the break. A break stands inside a
// word when the text span before it ends in a letter or digit and the text
// span after it begins with one. The text given is not changed; blocks
// without such a break are shared with it.
func OutOfWords(t fonds.Text) fonds.Text {
	var out fonds.Text
	for i, b := range t {
		spans, changed := spansOutOfWords(b.Spans)
		if !changed {
			if out != nil {
				out = append(out, b)
			}
			continue
		}
		if out == nil {
			out = append(make(fonds.Text, 0, len(t)), t[:i]...)
		}
		out = append(out, fonds.Block{Kind: b.Kind, Spans: spans})
	}
	if out == nil {
		return t
	}
	return out
}

func spansOutOfWords(spans []fonds.Span) ([]fonds.Span, bool) {
	var out []fonds.Span
	changed := false
	for i := 0; i < len(spans); i++ {
		s := spans[i]
		if len(s.Spans) > 0 {
			if kids, ok := spansOutOfWords(s.Spans); ok {
				s.Spans = kids
				changed = true
			}
		}
		if s.Kind == fonds.SpanPageBreak && len(out) > 0 && i+1 < len(spans) {
			prev := &out[len(out)-1]
			next := spans[i+1]
			if prev.Kind == fonds.SpanText && next.Kind == fonds.SpanText && endsWord(prev.Text) && startsWord(next.Text) {
				end := strings.IndexFunc(next.Text, unicode.IsSpace)
				if end < 0 {
					end = len(next.Text)
				}
				prev.Text += next.Text[:end]
				out = append(out, s)
				if rest := next.Text[end:]; rest != "" {
					next.Text = rest
					out = append(out, next)
				}
				i++
				changed = true
				continue
			}
		}
		out = append(out, s)
	}
	if !changed {
		return spans, false
	}
	return out, true
}

func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func endsWord(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return s != "" && isWord(r)
}

func startsWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && isWord(r)
}
