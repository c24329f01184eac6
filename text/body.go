package text

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"fonds"
)

var (
	// separatorLine is a line of three or more "=".
	separatorLine = regexp.MustCompile(`^={3,}$`)
	// headingLine is a heading inside the text: "# Annex".
	headingLine = regexp.MustCompile(`^#(?:[ \t]|$)`)
	// witnessLine starts a further witness: "--- original: ru ---".
	witnessLine = regexp.MustCompile(`^---[ \t]*([A-Za-z][\w-]*)[ \t]*:[ \t]*([A-Za-z][\w-]*)[ \t]*---$`)
	// creditLine is a credit: "Translation, John Crowfoot".
	creditLine = regexp.MustCompile(`^(?i)(translation|translated by|translator|transcription|transcribed by|edited by|editor)[ \t]*[,:]?[ \t]+(\S.*)$`)
	// legendItem starts an item of the legend: "1. Notes …".
	legendItem  = regexp.MustCompile(`^\d+[.)][ \t]`)
	legendFirst = regexp.MustCompile(`^1[.)][ \t]`)
	// itemLine starts an item of a list: "- Human rights", "* Agreed".
	itemLine = regexp.MustCompile(`^[-*](?:[ \t]|$)`)
	// formulaLine is an opener, a closer or the heading of an attachment:
	// "@opener Washington, 5 January 1977".
	formulaLine = regexp.MustCompile(`^@(opener|closer|attachment)(?:[ \t]|$)`)
)

// formulaKinds maps the words of formula lines to the blocks they make.
var formulaKinds = map[string]fonds.BlockKind{
	"opener":     fonds.BlockOpener,
	"closer":     fonds.BlockCloser,
	"attachment": fonds.BlockAttachment,
}

// isRowLine reports whether s is a row of a table: "| a | b |".
func isRowLine(s string) bool {
	return len(s) >= 2 && s[0] == '|' && s[len(s)-1] == '|' && s[len(s)-2] != '\\'
}

// legendWords are what a legend of conventions speaks of; a numbered list
// that mentions none of them is body text.
var legendWords = []string{
	"bracket", "italic", "underlin", "handwrit", "by hand", "bold", "typed",
	"[ ]", "square", "скобк", "курсив", "подчерк", "от руки", "рукопис",
}

var creditRoles = map[string]string{
	"translation": "translator", "translated by": "translator", "translator": "translator",
	"transcription": "transcriber", "transcribed by": "transcriber",
	"edited by": "editor", "editor": "editor",
}

func parseCredit(s string) (fonds.Credit, bool) {
	m := creditLine.FindStringSubmatch(s)
	if m == nil {
		return fonds.Credit{}, false
	}
	return fonds.Credit{Role: creditRoles[strings.ToLower(m[1])], Name: trimLine(m[2]), Written: s}, true
}

// isPageMarkerLine reports whether s is a page marker alone on its line.
func isPageMarkerLine(s string) bool {
	if !strings.HasPrefix(s, "[") || findClose(s, 0, '[', ']') != len(s)-1 {
		return false
	}
	sp, _ := classifyBracket(s[1 : len(s)-1])
	return sp.Kind == fonds.SpanPageBreak
}

// isBodyStart reports whether the line s can only begin the body: the
// paragraph after the heading is then not a description.
func isBodyStart(s string) bool {
	return isPageMarkerLine(s) || separatorLine.MatchString(s) || witnessLine.MatchString(s)
}

// isLegend reports whether the lines, a paragraph, are a legend of
// conventions.
func isLegend(lines []string) bool {
	if len(lines) == 0 || !legendFirst.MatchString(lines[0]) {
		return false
	}
	all := strings.ToLower(strings.Join(lines, " "))
	for _, w := range legendWords {
		if strings.Contains(all, w) {
			return true
		}
	}
	return false
}

// witnessPart is the lines of one witness.
type witnessPart struct {
	role, lang string // as declared, or "" for the primary witness
	lines      []line
}

// splitWitnesses cuts the body at the lines that start further witnesses.
// A declaration before any text declares the primary witness.
func splitWitnesses(lines []line) []witnessPart {
	parts := []witnessPart{{}}
	for _, l := range lines {
		t := trimLine(l.text)
		if m := witnessLine.FindStringSubmatch(t); m != nil {
			cur := &parts[len(parts)-1]
			if len(parts) == 1 && cur.role == "" && allBlank(cur.lines) {
				cur.role, cur.lang, cur.lines = m[1], m[2], nil
				continue
			}
			parts = append(parts, witnessPart{role: m[1], lang: m[2]})
			continue
		}
		parts[len(parts)-1].lines = append(parts[len(parts)-1].lines, l)
	}
	return parts
}

func allBlank(lines []line) bool {
	for _, l := range lines {
		if trimLine(l.text) != "" {
			return false
		}
	}
	return true
}

// witnessBody is what the lines of one witness hold.
type witnessBody struct {
	text        fonds.Text
	conventions []string
	credits     []fonds.Credit
}

// parseWitness reads the text, legend and credits of one witness.
func parseWitness(lines []line) (witnessBody, []fonds.Warning, error) {
	var w witnessBody
	end := len(lines)
	for end > 0 {
		t := trimLine(lines[end-1].text)
		if t == "" {
			end--
			continue
		}
		c, ok := parseCredit(t)
		if !ok {
			break
		}
		w.credits = append(w.credits, c)
		end--
	}
	slices.Reverse(w.credits)
	// The legend is the last paragraph, if it is one.
	start := end
	for start > 0 && trimLine(lines[start-1].text) != "" {
		start--
	}
	var last []string
	for _, l := range lines[start:end] {
		last = append(last, trimLine(l.text))
	}
	if isLegend(last) {
		var item []string
		for _, t := range last {
			if legendItem.MatchString(t) && len(item) > 0 {
				w.conventions = append(w.conventions, strings.Join(item, " "))
				item = nil
			}
			item = append(item, t)
		}
		w.conventions = append(w.conventions, strings.Join(item, " "))
		end = start
	}
	var warnings []fonds.Warning
	var err error
	w.text, warnings, err = parseBlocks(lines[:end])
	return w, warnings, err
}

// parseBlocks reads paragraphs, quotations, list items, table rows,
// headings, openers, closers, attachments, separators and page markers.
func parseBlocks(lines []line) (fonds.Text, []fonds.Warning, error) {
	var (
		text     fonds.Text
		warnings []fonds.Warning
		para     *source
		kind     fonds.BlockKind // of para
	)
	inline := func(src *source) ([]fonds.Span, error) {
		spans, warns, err := parseInline(src)
		warnings = append(warnings, warns...)
		return spans, err
	}
	flush := func() error {
		if para == nil {
			return nil
		}
		spans, err := inline(para)
		if err != nil {
			return err
		}
		text = append(text, fonds.Block{Kind: kind, Spans: spans})
		para = nil
		return nil
	}
	open := func(k fonds.BlockKind) {
		para, kind = &source{}, k
	}
	single := func(k fonds.BlockKind, l line, s string) error {
		if err := flush(); err != nil {
			return err
		}
		b := fonds.Block{Kind: k}
		switch k {
		case fonds.BlockSeparator:
		case fonds.BlockRow:
			cells, err := parseRow(l, s, inline)
			if err != nil {
				return err
			}
			b.Spans = cells
		default:
			src := &source{}
			src.add("", l, s)
			spans, err := inline(src)
			if err != nil {
				return err
			}
			b.Spans = spans
		}
		text = append(text, b)
		return nil
	}
	for _, l := range lines {
		t := trimLine(l.text)
		var err error
		switch {
		case t == "":
			err = flush()
		case separatorLine.MatchString(t):
			err = single(fonds.BlockSeparator, l, "")
		case headingLine.MatchString(t):
			err = single(fonds.BlockHeading, l, strings.TrimLeft(t[1:], " \t"))
		case isPageMarkerLine(t):
			err = single(fonds.BlockParagraph, l, t)
		case isRowLine(t):
			err = single(fonds.BlockRow, l, t)
		case formulaLine.MatchString(t):
			m := formulaLine.FindStringSubmatch(t)
			err = single(formulaKinds[m[1]], l, strings.TrimLeft(t[len(m[0]):], " \t"))
		case strings.HasPrefix(t, ">") && (para == nil || kind == fonds.BlockQuote):
			if para == nil {
				open(fonds.BlockQuote)
			}
			inner := strings.TrimPrefix(t[1:], " ")
			para.add("\n", l, inner)
		case itemLine.MatchString(t):
			if err = flush(); err == nil {
				open(fonds.BlockItem)
				para.add(" ", l, strings.TrimLeft(t[1:], " \t"))
			}
		default:
			if para != nil && kind == fonds.BlockQuote {
				err = flush()
			}
			if para == nil {
				open(fonds.BlockParagraph)
			}
			sep := " "
			if para.b.Len() == 0 {
				// An item whose marker stood alone begins on this line.
				sep = ""
			}
			para.add(sep, l, t)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	return text, warnings, nil
}

// parseRow reads the cells of a table row, "| a | {em:b} |": each cell is
// read as inline text, its spaces trimmed. A "|" inside a cell is written
// "\|"; one inside a bracket or markup does not divide cells.
func parseRow(l line, s string, inline func(*source) ([]fonds.Span, error)) ([]fonds.Span, error) {
	var cells []fonds.Span
	// Where the cell starts in the line, to tell the column of an error.
	off := len(l.text) - len(strings.TrimLeft(l.text, " \t")) + 1
	for _, raw := range splitCells(s[1 : len(s)-1]) {
		start := off + len(raw) - len(strings.TrimLeft(raw, " \t"))
		off += len(raw) + 1
		src := &source{}
		src.addAt("", l.n, utf8.RuneCountInString(l.text[:start])+1, trimLine(raw))
		spans, err := inline(src)
		if err != nil {
			return nil, err
		}
		cells = append(cells, container(fonds.SpanCell, "", spans))
	}
	return cells, nil
}

// splitCells cuts s at every "|" that is not escaped and not inside
// brackets or braces.
func splitCells(s string) []string {
	var cells []string
	depth, start := 0, 0
	for i := 0; i < len(s); {
		if n := skipEscape(s, i); n > 0 {
			i += n
			continue
		}
		switch s[i] {
		case '[', '{':
			depth++
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case '|':
			if depth == 0 {
				cells = append(cells, s[start:i])
				start = i + 1
			}
		}
		i++
	}
	return append(cells, s[start:])
}
