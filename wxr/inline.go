package wxr

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"fonds"
	"fonds/text"
)

// textConverter reads the drafts of a post's blocks into the model: the
// words of each level of inline HTML are read for brackets and omissions by
// the rules of the transcription format.
type textConverter struct {
	// pages are what the page markers say, in the order of the text.
	pages    []fonds.Page
	messages []string
	// brackets caches what each bracketed group reads as.
	brackets map[string]bracketReading
}

// maxMessages is the most warnings about brackets given for one post.
const maxMessages = 20

func (tc *textConverter) message(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if slices.Contains(tc.messages, msg) {
		return
	}
	switch {
	case len(tc.messages) < maxMessages:
		tc.messages = append(tc.messages, msg)
	case len(tc.messages) == maxMessages:
		tc.messages = append(tc.messages, "further warnings about this post's brackets not shown")
	}
}

// text returns the blocks of the drafts.
func (tc *textConverter) text(drafts []draft) fonds.Text {
	var t fonds.Text
	for _, d := range drafts {
		b := fonds.Block{Kind: d.kind}
		if d.kind != fonds.BlockSeparator {
			b.Spans = tc.spans(tokenize(d.nodes))
		}
		t = append(t, b)
	}
	return t
}

// tokenKind says what a token of a level of inline content is.
type tokenKind int

const (
	tokText  tokenKind = iota
	tokOpen            // "["
	tokClose           // "]"
	tokOmit            // "…" or "..."
	tokNode            // an element: a container or a line break
)

type token struct {
	kind tokenKind
	text string
	node inode
}

// omission matches the dots of an omission, and the brackets.
var inlineMark = regexp.MustCompile(`\[|\]|…|\.\.\.`)

// tokenize splits the text of one level of inline content at its brackets
// and omissions.
func tokenize(nodes []inode) []token {
	var toks []token
	for _, n := range nodes {
		if n.kind != fonds.SpanText {
			toks = append(toks, token{kind: tokNode, node: n})
			continue
		}
		s := n.text
		last := 0
		for _, m := range inlineMark.FindAllStringIndex(s, -1) {
			if m[0] > last {
				toks = append(toks, token{kind: tokText, text: s[last:m[0]]})
			}
			mark := s[m[0]:m[1]]
			switch mark {
			case "[":
				toks = append(toks, token{kind: tokOpen, text: mark})
			case "]":
				toks = append(toks, token{kind: tokClose, text: mark})
			default:
				toks = append(toks, token{kind: tokOmit, text: mark})
			}
			last = m[1]
		}
		if last < len(s) {
			toks = append(toks, token{kind: tokText, text: s[last:]})
		}
	}
	return toks
}

// shortcode matches the opening or closing tag of a WordPress shortcode,
// written in brackets like a note: [caption id="…"], [/caption].
var shortcode = regexp.MustCompile(`^/?(?:caption|wp_caption|gallery|embed|audio|video|playlist)(?:\s|$)`)

// spans returns the spans of one level of tokens.
func (tc *textConverter) spans(toks []token) []fonds.Span {
	// Match the brackets: each "[" with the "]" that closes it.
	match := make([]int, len(toks))
	var open []int
	for i, t := range toks {
		match[i] = -1
		switch t.kind {
		case tokOpen:
			open = append(open, i)
		case tokClose:
			if len(open) > 0 {
				j := open[len(open)-1]
				open = open[:len(open)-1]
				match[j], match[i] = i, j
			}
		}
	}
	var out []fonds.Span
	var buf strings.Builder
	flush := func() {
		if buf.Len() > 0 {
			out = append(out, fonds.Span{Kind: fonds.SpanText, Text: buf.String()})
			buf.Reset()
		}
	}
	// dropped is set after a shortcode is left out, so that the spaces on
	// either side of it do not both stay.
	dropped := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tokText && dropped && (strings.HasSuffix(buf.String(), " ") || buf.Len() == 0 && len(out) == 0) {
			t.text = strings.TrimLeft(t.text, " ")
		}
		dropped = false
		switch t.kind {
		case tokText:
			buf.WriteString(t.text)
		case tokOmit:
			flush()
			out = append(out, fonds.Span{Kind: fonds.SpanOmission, Text: t.text})
		case tokNode:
			flush()
			out = append(out, tc.node(t.node))
		case tokClose:
			if match[i] < 0 {
				tc.message(`"]" without "[": read as a bracket`)
			}
			buf.WriteString(t.text)
		case tokOpen:
			j := match[i]
			if j < 0 {
				tc.message(`unclosed "[": read as a bracket`)
				buf.WriteString(t.text)
				continue
			}
			inner := toks[i+1 : j]
			i = j
			raw, plain := plainText(inner)
			if plain && shortcode.MatchString(raw) {
				tc.message("WordPress shortcode [%s] left out", strings.Fields(strings.TrimPrefix(raw, "/"))[0])
				dropped = true
				continue
			}
			flush()
			if !plain {
				// A note holding markup: its words keep their marks.
				out = append(out, simplify(fonds.Span{Kind: fonds.SpanNote, Spans: tc.spans(inner)}))
				continue
			}
			out = append(out, tc.bracket(raw))
		}
	}
	if dropped {
		trimmed := strings.TrimRight(buf.String(), " ")
		buf.Reset()
		buf.WriteString(trimmed)
	}
	flush()
	return out
}

// plainText returns the words of tokens, and whether they are words alone.
func plainText(toks []token) (string, bool) {
	var b strings.Builder
	for _, t := range toks {
		if t.kind == tokNode {
			return "", false
		}
		b.WriteString(t.text)
	}
	return b.String(), true
}

// node returns the span of an element.
func (tc *textConverter) node(n inode) fonds.Span {
	if n.kind == fonds.SpanLineBreak {
		return fonds.Span{Kind: fonds.SpanLineBreak}
	}
	sp := fonds.Span{Kind: n.kind, Target: n.target, Spans: tc.spans(tokenize(n.children))}
	return simplify(sp)
}

// simplify writes a container holding one run of text as that text, the
// form the transcription format reads it in.
func simplify(sp fonds.Span) fonds.Span {
	if len(sp.Spans) == 1 && sp.Spans[0].Kind == fonds.SpanText && sp.Text == "" {
		sp.Text, sp.Spans = sp.Spans[0].Text, nil
	}
	return sp
}

// bracketReading is what a bracketed group reads as.
type bracketReading struct {
	span     fonds.Span
	page     *fonds.Page
	messages []string
}

// bracket returns the span of a bracketed group of words, raw without its
// brackets, read as the transcription format reads it: a page marker, an
// omission, a stamp, a signature, an insertion, or an editorial note.
func (tc *textConverter) bracket(raw string) fonds.Span {
	r, ok := tc.brackets[raw]
	if !ok {
		r = readBracket(raw)
		if tc.brackets == nil {
			tc.brackets = make(map[string]bracketReading)
		}
		tc.brackets[raw] = r
	}
	for _, m := range r.messages {
		tc.message("%s", m)
	}
	if r.page != nil {
		tc.pages = append(tc.pages, *r.page)
	}
	return r.span
}

// readBracket reads a bracketed group with package text, so that a post
// and a transcription file say the same thing the same way: it parses a
// transcription whose text is the group alone.
func readBracket(raw string) bracketReading {
	note := bracketReading{span: fonds.Span{Kind: fonds.SpanNote, Text: raw}}
	src := "Undated\n\n(no description)\n\n[" + escape(raw) + "]\n"
	d, ws, err := text.Parse(strings.NewReader(src), "")
	if err != nil || len(d.Witnesses) == 0 || len(d.Witnesses[0].Text) != 1 {
		return note
	}
	spans := d.Witnesses[0].Text[0].Spans
	if len(spans) != 1 {
		return note
	}
	r := bracketReading{span: spans[0]}
	for _, w := range ws {
		r.messages = append(r.messages, w.Message)
	}
	if r.span.Kind == fonds.SpanPageBreak && len(d.Pages) == 1 {
		p := d.Pages[0]
		r.page = &p
	}
	return r
}

// escape writes s so that the transcription format reads it back as s
// within a bracket: its backslashes, braces and brackets escaped, so that
// "[[x]]" in a post stays a note of "[x]", not a mention of x.
func escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `{`, `\{`, `}`, `\}`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}

// pages returns the pages the page markers of the text open, and the
// references they give: text before the first marker lies on the page
// before it; a text without markers has one page.
func pages(t fonds.Text, markers []fonds.Page) ([]fonds.Page, []fonds.Reference) {
	if len(markers) == 0 {
		return []fonds.Page{{N: 1}}, nil
	}
	textFirst, seen := false, false
	t.Walk(func(s fonds.Span) {
		if s.Kind == fonds.SpanPageBreak {
			seen = true
		}
		if !seen && s.Kind != fonds.SpanPageBreak && strings.TrimSpace(s.PlainText()) != "" {
			textFirst = true
		}
	})
	var ps []fonds.Page
	if textFirst && markers[0].N > 1 {
		ps = append(ps, fonds.Page{N: markers[0].N - 1})
	}
	ps = append(ps, markers...)
	var refs []fonds.Reference
	for _, p := range markers {
		if p.Reference != "" {
			refs = append(refs, fonds.NewReference(p.Reference, "page"))
		}
	}
	return ps, refs
}
