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
	// titleText is the title with the mentions it marks, nil when it
	// marks none.
	titleText []fonds.Span
}

// undated is the word a heading writes for a document without a date.
const undated = "Undated"

// parseHeading reads a catalogue heading, the line l:
//
//	DATE MARK [, REF | (REF) | (no number) | [CREATOR]] [TITLE]
//	TITLE (DATE)
//
// The title may mark mentions: [[Andrei Sakharov|Sakharov]].
func parseHeading(l line) (heading, error) {
	s := strings.ReplaceAll(l.text, "\u00a0", " ")
	src := &source{}
	// A non-breaking space is one character, as the space it becomes.
	src.addAt("", l.n, len(s)-len(strings.TrimLeft(s, " \t"))+1, trimLine(s))
	s = src.read()
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
		h, ok, err := parseTrailingDate(src)
		if ok || err != nil {
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
		case rest[0] == '[' && !strings.HasPrefix(rest, "[[") && !gotCreator:
			// "[[" opens a mention in the title.
			j := findClose(rest, 0, '[', ']')
			if j < 0 {
				break
			}
			h.creator = unescape(trimLine(rest[1:j]))
			gotCreator = true
			rest = rest[j+1:]
			continue
		}
		err := h.setTitle(src.slice(len(s)-len(rest), len(s)))
		return h, err
	}
}

// setTitle reads the title, with the mentions it marks.
func (h *heading) setTitle(src *source) error {
	spans, err := parsePlain(src)
	if err != nil {
		return err
	}
	h.title = plainOf(spans)
	if marksMention(spans) {
		h.titleText = spans
	}
	return nil
}

// parseTrailingDate reads the heading form "Gromyko notes (14 May 1975)".
func parseTrailingDate(src *source) (heading, bool, error) {
	s := src.read()
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
	err = h.setTitle(src.slice(0, len(trimLine(s[:i]))))
	return h, true, err
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
		spans := h.titleText
		if spans == nil {
			spans = []fonds.Span{{Kind: fonds.SpanText, Text: h.title}}
		}
		t := strings.ReplaceAll(renderPlain(spans, escapeTitle), "\n", " ")
		if t != "" && strings.ContainsRune("([,", rune(t[0])) && !strings.HasPrefix(t, "[[") {
			t = `\` + t
		}
		b.WriteString(" " + t)
	}
	return b.String()
}

// escapeTitle escapes the text of a title: a backslash, and a bracket that
// would open a mention with the bracket after it (mentionNext says a
// mention follows the text).
func escapeTitle(s string, mentionNext bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' || c == '[' && (i+1 < len(s) && s[i+1] == '[' || i+1 == len(s) && mentionNext) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}
