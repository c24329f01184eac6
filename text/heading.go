package text

import (
	"strings"

	"fonds"
)

// heading is what the catalogue heading says.
type heading struct {
	date    fonds.Date
	mark    string
	ref     string // as written, "" when none
	creator string
	title   string
}

// undated is the word a heading writes for a document without a date.
const undated = "Undated"

// parseHeading reads a catalogue heading:
//
//	DATE MARK [, REF | (REF) | (no number) | [CREATOR]] [TITLE]
//	TITLE (DATE)
func parseHeading(s string) (heading, error) {
	s = trimLine(strings.ReplaceAll(s, "\u00a0", " "))
	var h heading
	d, n, ok, err := parseDate(s)
	if err != nil {
		return h, err
	}
	switch {
	case ok:
		h.date = d
	case strings.HasPrefix(strings.ToLower(s), "undated") && (len(s) == 7 || strings.ContainsRune(" *,([", rune(s[7]))):
		n = 7
	default:
		if h, ok, err := parseTrailingDate(s); ok || err != nil {
			return h, err
		}
		return h, errorf("heading has no date: %q", s)
	}
	rest := s[n:]
	h.mark = rest[:len(rest)-len(strings.TrimLeft(rest, "*"))]
	rest = rest[len(h.mark):]
	var gotRef, gotCreator bool
	for {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			return h, nil
		}
		switch {
		case rest[0] == ',' && !gotRef:
			h.ref = unescape(trimLine(rest[1:]))
			return h, nil
		case rest[0] == '(' && !gotRef:
			j := findClose(rest, 0, '(', ')')
			if j < 0 {
				break
			}
			if raw := trimLine(rest[1:j]); !strings.EqualFold(raw, "no number") {
				h.ref = unescape(raw)
			}
			gotRef = true
			rest = rest[j+1:]
			continue
		case rest[0] == '[' && !gotCreator:
			j := findClose(rest, 0, '[', ']')
			if j < 0 {
				break
			}
			h.creator = unescape(trimLine(rest[1:j]))
			gotCreator = true
			rest = rest[j+1:]
			continue
		}
		h.title = unescape(rest)
		return h, nil
	}
}

// parseTrailingDate reads the heading form "Gromyko notes (14 May 1975)".
func parseTrailingDate(s string) (heading, bool, error) {
	var h heading
	if !strings.HasSuffix(s, ")") {
		return h, false, nil
	}
	i := strings.LastIndexByte(s, '(')
	if i < 0 || (i > 0 && s[i-1] == '\\') {
		return h, false, nil
	}
	inner := trimLine(s[i+1 : len(s)-1])
	d, n, ok, err := parseDate(inner)
	if err != nil {
		return h, false, err
	}
	if !ok || n != len(inner) {
		return h, false, nil
	}
	h.date = d
	h.title = unescape(trimLine(s[:i]))
	return h, true, nil
}

// formatHeading writes h so that parseHeading reads it back.
func formatHeading(h heading) string {
	var b strings.Builder
	if h.date.IsZero() {
		b.WriteString(undated)
	} else {
		b.WriteString(formatDate(h.date))
	}
	b.WriteString(h.mark)
	if h.creator != "" {
		b.WriteString(" [" + escape(h.creator, "[]") + "]")
	}
	if h.ref != "" && h.title == "" {
		b.WriteString(", " + escape(h.ref, ""))
		return b.String()
	}
	if h.ref != "" {
		ref := escape(h.ref, "()")
		if strings.EqualFold(ref, "no number") {
			ref = `\` + ref
		}
		b.WriteString(" (" + ref + ")")
	}
	if h.title != "" {
		t := escape(h.title, "")
		if strings.ContainsRune("([,", rune(t[0])) {
			t = `\` + t
		}
		b.WriteString(" " + t)
	}
	return b.String()
}
