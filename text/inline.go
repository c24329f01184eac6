package text

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"fonds"
)

// markupKinds maps the names of the markup to the kinds of span they make.
var markupKinds = map[string]fonds.SpanKind{
	"hand":    fonds.SpanHandwritten,
	"ins":     fonds.SpanInsertion,
	"del":     fonds.SpanDeletion,
	"u":       fonds.SpanUnderline,
	"em":      fonds.SpanEmphasis,
	"person":  fonds.SpanPerson,
	"ref":     fonds.SpanReference,
	"note":    fonds.SpanNote,
	"stamp":   fonds.SpanStamp,
	"sig":     fonds.SpanSignature,
	"place":   fonds.SpanPlace,
	"org":     fonds.SpanOrg,
	"term":    fonds.SpanTerm,
	"fn":      fonds.SpanFootnote,
	"unclear": fonds.SpanUnclear,
	"sc":      fonds.SpanSmallCaps,
	"strong":  fonds.SpanStrong,
	"cell":    fonds.SpanCell,
}

// lineBreak is the markup of a line break within a block.
const lineBreak = "{br}"

// markupNames maps kinds of span back to the names of their markup.
var markupNames = func() map[fonds.SpanKind]string {
	m := make(map[fonds.SpanKind]string)
	for name, kind := range markupKinds {
		m[kind] = name
	}
	return m
}()

var (
	pageMarker = regexp.MustCompile(`^(?i:page)\s+(\S+)(?:\s+(?i:of)\s+(\S+))?(?:\s*[–—-]\s*(.+))?$`)
	pageLike   = regexp.MustCompile(`^(?i)page\b`)
	stampNote  = regexp.MustCompile(`^(?i)stamp\b`)
	signedNote = regexp.MustCompile(`^(?i)(?:dated\s*(?:&|and)\s*)?signed(?:\s*(?:&|and)\s*dated)?$`)
	addedNote  = regexp.MustCompile(`^(?i)added:\s*`)
)

// pageInfo is what a page marker says about its page.
type pageInfo struct {
	n     int
	label string
	of    int
	date  *fonds.Date
	ref   string
}

// parsePageMarker reads the words of a page marker without its brackets:
// "page two", "page one of four", "page two – 11 May 1970 (1102‑S)".
func parsePageMarker(s string) (pageInfo, bool) {
	var p pageInfo
	if strings.ContainsAny(s, "\\[]{}\n") {
		return p, false
	}
	m := pageMarker.FindStringSubmatch(s)
	if m == nil {
		return p, false
	}
	var ok bool
	if p.n, ok = parseNumber(m[1]); !ok {
		return p, false
	}
	p.label = m[1]
	if m[2] != "" {
		if p.of, ok = parseNumber(m[2]); !ok {
			return p, false
		}
	}
	if tail := m[3]; tail != "" {
		d, n, ok, err := parseDate(tail)
		if !ok || err != nil {
			return p, false
		}
		p.date = &d
		rest := trimLine(tail[n:])
		switch {
		case rest == "":
		case strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") && strings.Count(rest, "(") == 1 && strings.Count(rest, ")") == 1:
			p.ref = trimLine(rest[1 : len(rest)-1])
		case strings.HasPrefix(rest, ","):
			p.ref = trimLine(rest[1:])
		default:
			return p, false
		}
		p.ref = strings.ReplaceAll(p.ref, "\u00a0", " ")
	}
	return p, true
}

// classifyBracket returns the span a bracketed group makes, given its raw
// words without the brackets, and whether it looked like a page marker but
// could not be read as one.
func classifyBracket(raw string) (span fonds.Span, badPage bool) {
	switch {
	case strings.HasPrefix(raw, `\`):
	case raw == "…" || raw == "...":
		return fonds.Span{Kind: fonds.SpanOmission, Text: "[" + raw + "]"}, false
	case pageLike.MatchString(raw):
		if p, ok := parsePageMarker(raw); ok {
			return fonds.Span{Kind: fonds.SpanPageBreak, Text: raw, Page: p.n}, false
		}
		badPage = true
	case stampNote.MatchString(raw):
		return fonds.Span{Kind: fonds.SpanStamp, Text: unescape(raw)}, false
	case signedNote.MatchString(raw):
		return fonds.Span{Kind: fonds.SpanSignature, Text: unescape(raw)}, false
	case addedNote.MatchString(raw):
		return fonds.Span{Kind: fonds.SpanInsertion, Text: unescape(addedNote.ReplaceAllString(raw, ""))}, false
	}
	return fonds.Span{Kind: fonds.SpanNote, Text: unescape(raw)}, badPage
}

// source is a paragraph's text with the line and column each part of it
// came from, so that an error names where it is.
type source struct {
	b     strings.Builder
	text  string // b's text, once read
	offs  []int  // where each line's part starts in text
	lines []int  // its line's number
	cols  []int  // and the column it starts at in that line, from 1
}

// add adds text, the end of the line l less the spaces and tabs after it,
// separated by sep from what was added before.
func (s *source) add(sep string, l line, text string) {
	end := len(strings.TrimRight(l.text, " \t"))
	start := end - len(text)
	if start < 0 || l.text[start:end] != text {
		// Not the end of its line: columns count from the text.
		start = 0
	}
	s.addAt(sep, l.n, utf8.RuneCountInString(l.text[:start])+1, text)
}

// addAt adds text that starts at column col of line n.
func (s *source) addAt(sep string, n, col int, text string) {
	if len(s.offs) > 0 {
		s.b.WriteString(sep)
	}
	s.offs = append(s.offs, s.b.Len())
	s.lines = append(s.lines, n)
	s.cols = append(s.cols, col)
	s.b.WriteString(text)
}

// read returns the text of s, once all of it is added.
func (s *source) read() string {
	if s.text == "" {
		s.text = s.b.String()
	}
	return s.text
}

// part returns the index of the part of s that holds the byte at off.
func (s *source) part(off int) int {
	i := sort.Search(len(s.offs), func(i int) bool { return s.offs[i] > off }) - 1
	return max(i, 0)
}

func (s *source) lineAt(off int) int {
	if len(s.lines) == 0 {
		return 0
	}
	return s.lines[s.part(off)]
}

// at returns the line and the column (in characters, from 1) of the byte
// at off.
func (s *source) at(off int) (line, col int) {
	if len(s.lines) == 0 {
		return 0, 0
	}
	i := s.part(off)
	return s.lines[i], s.cols[i] + utf8.RuneCountInString(s.text[s.offs[i]:min(max(off, s.offs[i]), len(s.text))])
}

// slice returns the text of s from i to j as a source of its own, each
// part of it at its line and column.
func (s *source) slice(i, j int) *source {
	sub := &source{text: s.text[i:j]}
	for k, off := range s.offs {
		if off >= j && len(sub.offs) > 0 {
			break
		}
		if k+1 < len(s.offs) && s.offs[k+1] <= i {
			continue
		}
		col := s.cols[k]
		if off < i {
			col += utf8.RuneCountInString(s.text[off:i])
			off = i
		}
		sub.offs = append(sub.offs, off-i)
		sub.lines = append(sub.lines, s.lines[k])
		sub.cols = append(sub.cols, col)
	}
	return sub
}

// end says what ends the spans an inlineParser reads.
type end int

const (
	endText    end = iota // the end of the text
	endBrace              // "}", which closes markup
	endMention            // "|" or "]]", which end a part of a mention
)

// inlineParser reads the spans of a paragraph.
type inlineParser struct {
	src      *source
	pos      int
	depth    int         // of nested markup
	closes   map[int]int // where each bracket closes
	warnings []fonds.Warning
	// suppressed counts the warnings left out past maxWarnings.
	suppressed int
	// plain reads escapes and mentions ("[[…]]") alone, every other
	// character as itself: the text of a heading's title or of a source
	// note, where braces and brackets were always words.
	plain bool
}

// maxDepth is how deep markup may nest.
const maxDepth = 100

// lineError is an error at a line of the file, and at a column of it when
// col is not 0; Parse adds the file's name.
type lineError struct {
	line int
	msg  string
	col  int
}

func (e *lineError) Error() string { return fmt.Sprintf("%d: %s", e.line, e.message()) }

// message is the error without its line.
func (e *lineError) message() string {
	if e.col == 0 {
		return e.msg
	}
	return fmt.Sprintf("column %d: %s", e.col, e.msg)
}

// errorAt returns an error at the byte off of the text.
func (p *inlineParser) errorAt(off int, format string, args ...any) error {
	line, col := p.src.at(off)
	return &lineError{line: line, col: col, msg: fmt.Sprintf(format, args...)}
}

func (p *inlineParser) warn(off int, format string, args ...any) {
	if len(p.warnings) >= maxWarnings {
		// A line of ten thousand stray brackets needs no ten thousand
		// warnings.
		p.suppressed++
		return
	}
	p.warnings = append(p.warnings, fonds.Warning{Line: p.src.lineAt(off), Message: fmt.Sprintf(format, args...)})
}

// parseInline returns the spans of the paragraph s.
func parseInline(src *source) ([]fonds.Span, []fonds.Warning, error) {
	src.read()
	p := &inlineParser{src: src, closes: matchBrackets(src.text)}
	spans, err := p.spans(endText)
	if p.suppressed > 0 {
		p.warnings = append(p.warnings, fonds.Warning{Line: src.lines[0],
			Message: fmt.Sprintf("%d more warnings about this paragraph not shown", p.suppressed)})
	}
	return spans, p.warnings, err
}

// parsePlain returns the spans of the title of a heading or of a source
// note: text, and the mentions it marks with "[[…]]".
func parsePlain(src *source) ([]fonds.Span, error) {
	src.read()
	p := &inlineParser{src: src, plain: true}
	return p.spans(endText)
}

func (p *inlineParser) spans(until end) ([]fonds.Span, error) {
	s := p.src.text
	var out []fonds.Span
	var buf strings.Builder
	flush := func() {
		if buf.Len() > 0 {
			out = append(out, fonds.Span{Kind: fonds.SpanText, Text: buf.String()})
			buf.Reset()
		}
	}
	for p.pos < len(s) {
		c := s[p.pos]
		switch {
		case c == '\\':
			if n := skipEscape(s, p.pos); n > 0 {
				buf.WriteString(s[p.pos+1 : p.pos+n])
				p.pos += n
				continue
			}
			buf.WriteByte(c)
			p.pos++
		case until == endMention && (c == '|' || strings.HasPrefix(s[p.pos:], "]]")):
			flush()
			return exact(out), nil
		case strings.HasPrefix(s[p.pos:], "[["):
			sp, err := p.mention()
			if err != nil {
				return nil, err
			}
			flush()
			out = append(out, sp)
		case p.plain:
			_, size := utf8.DecodeRuneInString(s[p.pos:])
			buf.WriteString(s[p.pos : p.pos+size])
			p.pos += size
		case strings.HasPrefix(s[p.pos:], lineBreak):
			flush()
			out = append(out, fonds.Span{Kind: fonds.SpanLineBreak})
			p.pos += len(lineBreak)
		case c == '{':
			start := p.pos
			kind, target, err := p.markupOpen()
			if err != nil {
				return nil, err
			}
			if p.depth++; p.depth > maxDepth {
				return nil, p.errorAt(start, "markup nested more than %d deep", maxDepth)
			}
			children, err := p.spans(endBrace)
			p.depth--
			if err != nil {
				return nil, err
			}
			if p.pos >= len(s) {
				return nil, p.errorAt(start, "unclosed %q", "{"+markupNames[kind]+":")
			}
			p.pos++ // the closing brace
			flush()
			out = append(out, container(kind, target, children))
		case c == '}':
			if until == endBrace {
				flush()
				return exact(out), nil
			}
			p.warn(p.pos, `"}" without "{": read as a brace`)
			buf.WriteByte(c)
			p.pos++
		case c == '[':
			j := p.closes[p.pos]
			if j < 0 {
				p.warn(p.pos, `unclosed "[": read as a bracket`)
				buf.WriteByte(c)
				p.pos++
				continue
			}
			span, bad := classifyBracket(s[p.pos+1 : j])
			if bad {
				p.warn(p.pos, "unreadable page marker %q: kept as a note", s[p.pos:j+1])
			}
			flush()
			out = append(out, span)
			p.pos = j + 1
		case c == ']':
			p.warn(p.pos, `"]" without "[": read as a bracket`)
			buf.WriteByte(c)
			p.pos++
		case strings.HasPrefix(s[p.pos:], "..."):
			flush()
			out = append(out, fonds.Span{Kind: fonds.SpanOmission, Text: "..."})
			p.pos += 3
		case strings.HasPrefix(s[p.pos:], "…"):
			flush()
			out = append(out, fonds.Span{Kind: fonds.SpanOmission, Text: "…"})
			p.pos += len("…")
		default:
			_, size := utf8.DecodeRuneInString(s[p.pos:])
			buf.WriteString(s[p.pos : p.pos+size])
			p.pos += size
		}
	}
	flush()
	return exact(out), nil
}

// exact returns spans in a slice of their length. Appending leaves up to
// twice the room needed, and a span is large beside the few letters it
// often holds: a document kept whole, as an import keeps it, costs a third
// less for it.
func exact(spans []fonds.Span) []fonds.Span {
	if cap(spans)-len(spans) < 2 {
		return spans
	}
	return append([]fonds.Span(nil), spans...)
}

var markupName = regexp.MustCompile(`^\{([a-z]+)([=:]?)`)

// markupOpen reads "{name:" or "{name=target:" at p.pos.
func (p *inlineParser) markupOpen() (fonds.SpanKind, string, error) {
	s := p.src.text
	start := p.pos
	m := markupName.FindStringSubmatch(s[start:])
	if m == nil || m[2] == "" {
		return "", "", p.errorAt(start, `"{" opens no markup (write \{ for a brace)`)
	}
	kind, known := markupKinds[m[1]]
	if !known {
		return "", "", p.errorAt(start, "unknown markup %q", "{"+m[1]+":")
	}
	i := start + len(m[0])
	var target string
	if m[2] == "=" {
		j := i
		for j < len(s) && s[j] != ':' && s[j] != '}' {
			if n := skipEscape(s, j); n > 0 {
				j += n
				continue
			}
			j++
		}
		if j >= len(s) || s[j] != ':' {
			return "", "", p.errorAt(start, "markup %q has no \":\"", "{"+m[1]+"=")
		}
		target = unescape(s[i:j])
		i = j + 1
	}
	p.pos = i
	return kind, target, nil
}

// container returns a span of the kind holding children: their text alone
// when they are one run of text.
func container(kind fonds.SpanKind, target string, children []fonds.Span) fonds.Span {
	sp := fonds.Span{Kind: kind, Target: target}
	switch {
	case len(children) == 1 && children[0].Kind == fonds.SpanText:
		sp.Text = children[0].Text
	case len(children) > 0:
		sp.Spans = children
	}
	return sp
}
