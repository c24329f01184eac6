package text

import (
	"strings"
	"unicode/utf8"
)

// A backslash makes the character after it literal: "\{" is a brace, "\["
// a bracket that opens no note, "\\" a backslash. A backslash before a space,
// a tab, a line end or nothing at all is itself literal, so that ordinary
// text holding a backslash reads as written.

// escapable reports whether a backslash before r escapes it.
func escapable(r rune) bool { return r != ' ' && r != '\t' && r != '\n' }

// unescape returns s with its escapes resolved.
func unescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) {
			r, size := utf8.DecodeRuneInString(s[i+1:])
			if escapable(r) {
				b.WriteString(s[i+1 : i+1+size])
				i += 1 + size
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// skipEscape returns the number of bytes of the escape at s[i], or 0 if
// there is none there.
func skipEscape(s string, i int) int {
	if s[i] != '\\' || i+1 >= len(s) {
		return 0
	}
	r, size := utf8.DecodeRuneInString(s[i+1:])
	if !escapable(r) {
		return 0
	}
	return 1 + size
}

// findClose returns the index of the byte that closes the open byte at
// s[i], counting nested pairs and skipping escapes, or -1.
func findClose(s string, i int, open, close byte) int {
	depth := 0
	for j := i; j < len(s); {
		if n := skipEscape(s, j); n > 0 {
			j += n
			continue
		}
		switch s[j] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j
			}
		}
		j++
	}
	return -1
}

// matchBrackets returns, for the index of every "[" of s that is not
// escaped, the index of the "]" that closes it, or -1. It reads s once, where
// calling findClose for each bracket would read it again for each.
func matchBrackets(s string) map[int]int {
	match := make(map[int]int)
	var open []int
	for i := 0; i < len(s); {
		if n := skipEscape(s, i); n > 0 {
			i += n
			continue
		}
		switch s[i] {
		case '[':
			open = append(open, i)
			match[i] = -1
		case ']':
			if len(open) > 0 {
				match[open[len(open)-1]] = i
				open = open[:len(open)-1]
			}
		}
		i++
	}
	return match
}

// escape returns s with a backslash before every backslash and every
// character of special.
func escape(s, special string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\\' || strings.ContainsRune(special, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// trimLine trims the spaces and tabs around s. Other white space (a
// non-breaking space) is part of the text.
func trimLine(s string) string { return strings.Trim(s, " \t") }
