package text

import (
	"regexp"
	"strings"

	"fonds"
)

// A mention with its canonical name is written as FromThePage writes one:
//
//	[[Andrei Sakharov|Sakharov]]        canonical name | the words as written
//	[[Andrei Sakharov]]                 the words are the canonical name
//	[[place:Moscow|Москве]]             a place; also org: and term:
//	[[Andrei Sakharov|Sakharov|https://example.org/persons/sakharov]]
//
// The third part holds the authority URIs of the mention, and at most one
// "#id", the identifier of an entry of the edition's lists: the mention's
// Target is then the identifier and its Label the canonical name.

// mentionKinds maps the prefixes of a mention to the kinds of span.
var mentionKinds = map[string]fonds.SpanKind{
	"person": fonds.SpanPerson,
	"place":  fonds.SpanPlace,
	"org":    fonds.SpanOrg,
	"term":   fonds.SpanTerm,
}

// mentionSpecial are the characters escaped in the parts of a mention: its
// delimiters, and the brackets and braces that cells and notes count.
const mentionSpecial = "[]{}|"

var (
	// uriToken is an absolute URI: a scheme, a colon and more.
	uriToken = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:\S+$`)
	// idToken is a reference to an entry of the edition's lists.
	idToken = regexp.MustCompile(`^#\S+$`)
)

// kindPrefix returns the length of the "name:" that starts s, and the
// name, or 0 when s starts with none: a run of lower-case ASCII letters
// and a colon.
func kindPrefix(s string) (int, string) {
	i := 0
	for i < len(s) && i <= 10 && s[i] >= 'a' && s[i] <= 'z' {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != ':' {
		return 0, ""
	}
	return i + 1, s[:i]
}

// mention reads the mention "[[…]]" at p.pos.
func (p *inlineParser) mention() (fonds.Span, error) {
	s := p.src.text
	start := p.pos
	if p.depth++; p.depth > maxDepth {
		return fonds.Span{}, p.errorAt(start, "markup nested more than %d deep", maxDepth)
	}
	defer func() { p.depth-- }()
	unclosed := func() error {
		return p.errorAt(start, `unclosed "[[" (a mention ends with "]]"; write \[\[ for two brackets)`)
	}
	p.pos += 2
	kind := fonds.SpanPerson
	lead := len(s[p.pos:]) - len(strings.TrimLeft(s[p.pos:], " \t"))
	if n, name := kindPrefix(s[p.pos+lead:]); n > 0 {
		k, ok := mentionKinds[name]
		if !ok {
			return fonds.Span{}, p.errorAt(p.pos+lead, `unknown kind %q in "[[": person, place, org or term`, name+":")
		}
		kind = k
		p.pos += lead + n
	}

	// The canonical name, up to "|" or "]]".
	j := p.pos
	for j < len(s) && s[j] != '|' && !strings.HasPrefix(s[j:], "]]") {
		if n := skipEscape(s, j); n > 0 {
			j += n
			continue
		}
		j++
	}
	if j >= len(s) {
		return fonds.Span{}, unclosed()
	}
	name := unescape(cleanName(s[p.pos:j]))
	if name == "" {
		return fonds.Span{}, p.errorAt(start, `"[[" without a name: write [[Name]] or [[Name|as written]]`)
	}
	sp := fonds.Span{Kind: kind, Target: name, Text: name}
	p.pos = j
	if s[p.pos] == '|' {
		p.pos++
		children, err := p.spans(endMention)
		if err != nil {
			return fonds.Span{}, err
		}
		if p.pos >= len(s) {
			return fonds.Span{}, unclosed()
		}
		if len(children) > 0 {
			// An empty second part keeps the name as the words.
			sp = container(kind, name, children)
		}
	}
	if s[p.pos] == '|' {
		p.pos++
		if err := p.mentionRefs(&sp); err != nil {
			return fonds.Span{}, err
		}
		if p.pos >= len(s) {
			return fonds.Span{}, unclosed()
		}
		if s[p.pos] == '|' {
			return fonds.Span{}, p.errorAt(p.pos, `"[[" has more than three parts (write \| for a bar)`)
		}
	}
	p.pos += 2 // "]]"
	return sp, nil
}

// mentionRefs reads the third part of a mention, up to "|" or "]]": URIs,
// and an identifier.
func (p *inlineParser) mentionRefs(sp *fonds.Span) error {
	s := p.src.text
	var refs []string
	id := ""
	for p.pos < len(s) && s[p.pos] != '|' && !strings.HasPrefix(s[p.pos:], "]]") {
		switch s[p.pos] {
		case ' ', '\t', '\n':
			p.pos++
			continue
		}
		start := p.pos
		for p.pos < len(s) && !strings.ContainsRune(" \t\n|", rune(s[p.pos])) && !strings.HasPrefix(s[p.pos:], "]]") {
			if n := skipEscape(s, p.pos); n > 0 {
				p.pos += n
				continue
			}
			p.pos++
		}
		tok := unescape(s[start:p.pos])
		switch {
		case uriToken.MatchString(tok):
			refs = append(refs, tok)
		case idToken.MatchString(tok):
			if id != "" {
				return p.errorAt(start, `"[[" gives two identifiers, %q and %q`, id, tok)
			}
			id = tok
		default:
			return p.errorAt(start, `%q is not a URI: the third part of "[[" holds URIs (https://…) and an identifier (#id), separated by spaces`, tok)
		}
	}
	sp.Ref = strings.Join(refs, " ")
	if id != "" {
		sp.Label, sp.Target = sp.Target, id
	}
	return nil
}

// isMention reports whether spans of the kind may be written "[[…]]".
func isMention(k fonds.SpanKind) bool {
	return k == fonds.SpanPerson || k == fonds.SpanPlace || k == fonds.SpanOrg || k == fonds.SpanTerm
}

// mentionName returns the canonical name of a mention and the identifier
// written with it: its Label and the "#" identifier in its Target, or else
// its Target, a name or an identifier the words stand for.
func mentionName(s fonds.Span) (name, id string) {
	if s.Label != "" {
		if idToken.MatchString(s.Target) {
			id = s.Target
		}
		return s.Label, id
	}
	return s.Target, ""
}

// cleanName returns a name as a mention's first part can hold it: on one
// line, without spaces around it.
func cleanName(s string) string {
	return trimLine(strings.ReplaceAll(s, "\n", " "))
}

// renderMention writes the mention s in the form "[[…]]", its words
// rendered by words, or returns false when the "{…}" form says it better:
// a mention without a canonical name or authority, or without words. plain
// says the mention stands in a title or source note, where words are plain
// and every mention takes this form.
func renderMention(s fonds.Span, words func(fonds.Span) string, plain bool) (string, bool) {
	name, id := mentionName(s)
	if !plain && s.Label == "" && s.Ref == "" && (cleanName(name) != name || strings.HasPrefix(name, "#")) {
		// The braces keep an identifier, and a name with spaces around
		// it, as they are.
		return "", false
	}
	name = cleanName(name)
	var refs []string
	for _, r := range strings.Fields(s.Ref) {
		// A token that is no URI could not be read back: it is left out.
		if uriToken.MatchString(r) {
			refs = append(refs, r)
		}
	}
	if name == "" && (len(refs) > 0 || plain) {
		// The words stand for the name: a mention's URIs, or any mention
		// of a title, are written only in this form.
		name = cleanName(strings.Join(strings.Fields(s.PlainText()), " "))
	}
	if idToken.MatchString(id) {
		refs = append([]string{id}, refs...)
	}
	if name == "" {
		return "", false
	}
	var written string
	switch {
	case len(s.Spans) == 0 && s.Text == name, plain && !holdsMention(s.Spans) && s.PlainText() == name:
		// The words are the name.
	default:
		if written = words(s); written == "" {
			// An empty second part would make the name the words.
			return "", false
		}
	}
	var b strings.Builder
	b.WriteString("[[")
	if n, _ := kindPrefix(name); s.Kind != fonds.SpanPerson || n > 0 {
		b.WriteString(string(s.Kind) + ":")
	}
	b.WriteString(escape(name, mentionSpecial))
	if written != "" || len(refs) > 0 {
		b.WriteString("|" + written)
	}
	if len(refs) > 0 {
		b.WriteString("|")
		for i, r := range refs {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(escape(r, mentionSpecial))
		}
	}
	b.WriteString("]]")
	return b.String(), true
}

// renderPlain writes the spans of a heading's title or a source note as
// parsePlain reads them; escapeText escapes a run of text, told whether a
// mention follows it. Spans other than mentions and text keep their words.
func renderPlain(spans []fonds.Span, escapeText func(s string, mentionNext bool) string) string {
	var b strings.Builder
	for i, s := range spans {
		if isMention(s.Kind) {
			out, ok := renderMention(s, func(s fonds.Span) string {
				return renderPlain(content(s), func(t string, _ bool) string { return escape(t, mentionSpecial) })
			}, true)
			if ok {
				b.WriteString(out)
				continue
			}
		}
		next := i+1 < len(spans) && isMention(spans[i+1].Kind)
		b.WriteString(escapeText(s.PlainText(), next))
	}
	return b.String()
}

// content returns what a container span holds: its text, then its
// children.
func content(s fonds.Span) []fonds.Span {
	if s.Text == "" {
		return s.Spans
	}
	return append([]fonds.Span{{Kind: fonds.SpanText, Text: s.Text}}, s.Spans...)
}

// holdsMention reports whether one of spans is a mention.
func holdsMention(spans []fonds.Span) bool {
	for _, s := range spans {
		if isMention(s.Kind) {
			return true
		}
	}
	return false
}

// plainOf returns the words of spans.
func plainOf(spans []fonds.Span) string {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.PlainText())
	}
	return b.String()
}

// marksMention reports whether spans hold more than text.
func marksMention(spans []fonds.Span) bool {
	for _, s := range spans {
		if s.Kind != fonds.SpanText {
			return true
		}
	}
	return false
}
