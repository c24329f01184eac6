package text

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"fonds"
	"fonds/mojibake"
)

// Write writes d in the transcription format, such that Parse of the output
// gives the same document.
//
// What the format derives rather than states (the creator and type named in
// the summary, the extent, the persons, the pages, the references of the
// source note and page markers) is written through what it is derived from,
// so a document that did not come from Parse can lose a field that its
// summary or text does not support; see docs/format.md.
func Write(w io.Writer, d *fonds.Document) error {
	var buf bytes.Buffer
	if err := write(&buf, d); err != nil {
		return err
	}
	// Text that reads like mojibake ("Ã©" is how "é" looks read wrongly)
	// would be "repaired" when read back: a backslash keeps it as written.
	out := buf.Bytes()
	if !utf8.Valid(out) {
		_, err := w.Write(out)
		return err
	}
	lines := strings.SplitAfter(string(out), "\n")
	for i, line := range lines {
		if _, ok := mojibake.Repair(line); ok {
			lines[i] = guardMojibake(line)
		}
	}
	_, err := io.WriteString(w, strings.Join(lines, ""))
	return err
}

// guardMojibake puts a backslash between every two non-ASCII characters of
// line, so that no run of them reads as UTF-8 decoded as Windows-1252.
func guardMojibake(line string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range line {
		if r >= utf8.RuneSelf && prev >= utf8.RuneSelf {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func write(w io.Writer, d *fonds.Document) error {
	bw := bufio.NewWriter(w)
	h := heading{date: d.Date, mark: d.Mark, title: strings.ReplaceAll(d.Title, "\n", " ")}
	if marksMention(d.TitleText) && plainOf(d.TitleText) == d.Title {
		h.titleText = d.TitleText
	}
	if c := summaryCreator(d.Summary); c != d.Creator {
		h.creator = d.Creator
	}
	for _, r := range d.References {
		if r.Origin == "heading" {
			h.ref = r.Written
			break
		}
	}
	bw.WriteString(formatHeading(h) + "\n\n")
	if a := formatAccess(d); a != "" {
		bw.WriteString(a + "\n")
	}
	desc := description{summary: d.Summary, source: d.Source, excerpt: d.Excerpt, categories: d.Categories}
	if marksMention(d.SourceText) && plainOf(d.SourceText) == d.Source {
		desc.sourceText = d.SourceText
	}
	bw.WriteString(formatDescription(desc) + "\n")

	for k, wit := range d.Witnesses {
		declare := k > 0
		if k == 0 {
			lang, role := primaryWitness(wit, d.Source)
			empty := len(wit.Text) == 0 && len(wit.Credits) == 0 && len(d.Conventions) == 0
			declare = lang != wit.Language || role != wit.Role || (empty && len(d.Witnesses) > 1)
		}
		if declare {
			bw.WriteString("\n--- " + wit.Role + ": " + wit.Language + " ---\n")
		}
		var conventions []string
		if k == 0 {
			conventions = d.Conventions
		}
		writeWitness(bw, wit, conventions)
	}
	if len(d.Witnesses) == 0 && len(d.Conventions) > 0 {
		writeWitness(bw, fonds.Witness{}, d.Conventions)
	}
	return bw.Flush()
}

func writeWitness(bw *bufio.Writer, w fonds.Witness, conventions []string) {
	for i, b := range w.Text {
		last := i == len(w.Text)-1 && len(conventions) == 0
		lines := blockLines(b, last)
		if len(lines) == 0 {
			continue
		}
		bw.WriteString("\n")
		for _, l := range lines {
			bw.WriteString(l + "\n")
		}
	}
	if len(conventions) > 0 {
		bw.WriteString("\n")
		for _, c := range conventions {
			bw.WriteString(strings.ReplaceAll(c, "\n", " ") + "\n")
		}
	}
	if len(w.Credits) > 0 {
		bw.WriteString("\n")
		for _, c := range w.Credits {
			bw.WriteString(formatCredit(c) + "\n")
		}
	}
}

func formatCredit(c fonds.Credit) string {
	if got, ok := parseCredit(c.Written); ok && got == c {
		return c.Written
	}
	switch c.Role {
	case "transcriber":
		return "Transcription, " + c.Name
	case "editor":
		return "Edited by " + c.Name
	}
	return "Translation, " + c.Name
}

// blockLines returns the lines of a block. last says whether it ends the
// witness, where a numbered paragraph would be read as the legend.
func blockLines(b fonds.Block, last bool) []string {
	switch b.Kind {
	case fonds.BlockSeparator:
		return []string{"====="}
	case fonds.BlockHeading:
		return []string{"# " + oneLine(renderSpans(b.Spans))}
	case fonds.BlockItem:
		return []string{strings.TrimRight("- "+oneLine(renderSpans(b.Spans)), " ")}
	case fonds.BlockRow:
		return []string{renderRow(b.Spans)}
	case fonds.BlockOpener, fonds.BlockCloser, fonds.BlockAttachment:
		return []string{strings.TrimRight("@"+string(b.Kind)+" "+oneLine(renderSpans(b.Spans)), " ")}
	case fonds.BlockQuote:
		var lines []string
		for _, l := range strings.Split(renderSpans(b.Spans), "\n") {
			if l == "" {
				lines = append(lines, ">")
			} else {
				lines = append(lines, "> "+l)
			}
		}
		return lines
	}
	l := oneLine(renderSpans(b.Spans))
	if l == "" {
		return nil
	}
	if needsLineEscape(l, last) {
		l = `\` + l
	}
	return []string{l}
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// needsLineEscape reports whether the paragraph line l would be read as
// something other than a paragraph.
func needsLineEscape(l string, last bool) bool {
	switch {
	case separatorLine.MatchString(l), headingLine.MatchString(l), strings.HasPrefix(l, ">"),
		witnessLine.MatchString(l), itemLine.MatchString(l), isRowLine(l), formulaLine.MatchString(l):
		return true
	case last && isLegend([]string{l}):
		return true
	}
	_, credit := parseCredit(l)
	return credit
}

// renderSpans writes spans in the inline markup.
func renderSpans(spans []fonds.Span) string {
	var b strings.Builder
	for i, s := range spans {
		dotsNext := i+1 < len(spans) && spans[i+1].Kind == fonds.SpanOmission && omissionText(spans[i+1].Text) == "..."
		b.WriteString(renderSpan(s, dotsNext))
	}
	return b.String()
}

func omissionText(s string) string {
	switch s {
	case "…", "...", "[…]", "[...]":
		return s
	}
	return "[…]"
}

func renderSpan(s fonds.Span, dotsNext bool) string {
	switch s.Kind {
	case fonds.SpanText:
		return escapeText(s.Text, dotsNext)
	case fonds.SpanOmission:
		return omissionText(s.Text)
	case fonds.SpanLineBreak:
		return lineBreak
	case fonds.SpanPageBreak:
		if p, ok := parsePageMarker(s.Text); ok && p.n == s.Page {
			return "[" + s.Text + "]"
		}
		return "[page " + strconv.Itoa(max(s.Page, 1)) + "]"
	case fonds.SpanNote, fonds.SpanStamp, fonds.SpanSignature:
		if len(s.Spans) == 0 && s.Target == "" {
			raw := escape(s.Text, "[]{}")
			sp, bad := classifyBracket(raw)
			if s.Kind == fonds.SpanNote && (sp.Kind != fonds.SpanNote || bad) {
				raw = `\` + raw
				sp, bad = classifyBracket(raw)
			}
			if sp.Kind == s.Kind && sp.Text == s.Text && !bad {
				return "[" + raw + "]"
			}
		}
	}
	if isMention(s.Kind) {
		out, ok := renderMention(s, func(s fonds.Span) string {
			firstDots := len(s.Spans) > 0 && s.Spans[0].Kind == fonds.SpanOmission && omissionText(s.Spans[0].Text) == "..."
			return escapeText(s.Text, firstDots) + renderSpans(s.Spans)
		}, false)
		if ok {
			return out
		}
	}
	name, ok := markupNames[s.Kind]
	if !ok {
		// A kind the format has no markup for keeps its words.
		return escapeText(s.PlainText(), dotsNext)
	}
	var b strings.Builder
	b.WriteString("{" + name)
	if s.Target != "" {
		b.WriteString("=" + escape(s.Target, "{}[]:"))
	}
	b.WriteString(":")
	firstDots := len(s.Spans) > 0 && s.Spans[0].Kind == fonds.SpanOmission && omissionText(s.Spans[0].Text) == "..."
	b.WriteString(escapeText(s.Text, firstDots))
	b.WriteString(renderSpans(s.Spans))
	b.WriteString("}")
	return b.String()
}

// escapeText escapes the characters of plain text that markup would read:
// backslashes, braces, brackets and omission marks. dotsNext says that an
// omission "..." follows, which dots at the end of s would run into.
func escapeText(s string, dotsNext bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '.':
			n := len(s[i:]) - len(strings.TrimLeft(s[i:], "."))
			if n >= 3 || (dotsNext && i+n == len(s)) {
				b.WriteString(strings.Repeat(`\.`, n))
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
			continue
		case strings.HasPrefix(s[i:], "…"):
			b.WriteString(`\…`)
			i += len("…")
			continue
		case strings.IndexByte(`\{}[]|`, c) >= 0:
			b.WriteByte('\\')
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// renderRow writes a table row: its cells between bars. A span of the row
// that is not a cell is written as a cell holding it.
func renderRow(spans []fonds.Span) string {
	var b strings.Builder
	b.WriteString("|")
	for _, s := range spans {
		var inner string
		if s.Kind == fonds.SpanCell {
			firstDots := len(s.Spans) > 0 && s.Spans[0].Kind == fonds.SpanOmission && omissionText(s.Spans[0].Text) == "..."
			inner = escapeText(s.Text, firstDots) + renderSpans(s.Spans)
		} else {
			inner = renderSpans([]fonds.Span{s})
		}
		b.WriteString(" " + oneLine(inner) + " |")
	}
	return b.String()
}
