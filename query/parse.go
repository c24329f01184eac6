package query

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// noteKind is a way in which a query was not read as written.
type noteKind int

const (
	noteLong noteKind = iota
	noteTerms
	noteControl
	noteQuote
	noteOpenParen
	noteCloseParen
	noteDangling
	noteDanglingNot
	noteDash
	noteNoValue
	noteUnknownField
	notePrefix
	noteWildcard
	noteQuotedWildcard
	noteNoWords
	noteFuzzy
	noteFuzzyShort
	noteFieldModifier
	noteBadDate
	noteDateExcluded
	noteDateInOr
	noteDatesConflict
	noteDatesSwapped
)

// noteText holds the sentence of each note; %s is the detail.
var noteText = [...]string{
	noteLong:           "the query was cut to 1,000 characters",
	noteTerms:          "only the first 64 terms were used",
	noteControl:        "control characters were ignored",
	noteQuote:          "the closing quote was missing",
	noteOpenParen:      "the closing parenthesis was missing",
	noteCloseParen:     "a closing parenthesis without an opening one was ignored",
	noteDangling:       "%s needs a term on each side",
	noteDanglingNot:    "%s needs a term after it",
	noteDash:           `a lone "-" was ignored`,
	noteNoValue:        "%s had no value",
	noteUnknownField:   "there is no field %s",
	notePrefix:         `a prefix needs at least 2 letters before "*"`,
	noteWildcard:       `"*" and "~" work only at the end of a word`,
	noteQuotedWildcard: `"*" and "~" do not work inside quotes`,
	noteNoWords:        "%s has no words",
	noteFuzzy:          `"~" takes 1 or 2`,
	noteFuzzyShort:     `"~" needs a word of at least 2 letters`,
	noteFieldModifier:  `"*" and "~" do not apply to %s`,
	noteBadDate:        "%s is not a date",
	noteDateExcluded:   "dates cannot be excluded",
	noteDateInOr:       "dates apply to the whole query",
	noteDatesConflict:  "the dates did not overlap, so only the last was used",
	noteDatesSwapped:   `"from:" and "to:" were swapped`,
}

// notes collects the ways a query was not read as written, one of each
// kind, in order.
type notes struct {
	seen [len(noteText)]bool
	list []string
}

func (n *notes) add(k noteKind, detail string) {
	if n.seen[k] {
		return
	}
	n.seen[k] = true
	s := noteText[k]
	if strings.Contains(s, "%s") {
		if utf8.RuneCountInString(detail) > 40 {
			detail = string([]rune(detail)[:40]) + "…"
		}
		s = strings.Replace(s, "%s", `"`+detail+`"`, 1)
	}
	n.list = append(n.list, s)
}

// sentence returns the notes as one sentence ending with the canonical form
// of the query.
func (n *notes) sentence(canonical string) string {
	if len(n.list) == 0 {
		return ""
	}
	s := strings.Join(n.list, "; ")
	if canonical == "" {
		s += "; nothing is left to search for."
	} else {
		s += "; read as: " + canonical
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// dateNode stands in the tree, while parsing, for a date filter, which is
// taken out of it once its place tells whether it applies.
type dateNode struct{ filter dateFilter }

func (dateNode) String() string { return "" }

// Parse reads a query. It never fails: what cannot be read as written is read
// as plain words, and Interpreted says how.
func Parse(s string) Query {
	var n notes
	p := &parser{toks: lex(clean(s, &n), &n), notes: &n}
	root := p.sequence(false)

	root = simplify(p.takeDates(root, false, false))
	root = simplify(joinReferences(root))
	var q Query
	q.Root, p.dates = rootDates(root, p.dates)
	q.DateFrom, q.DateTo = resolveDates(p.dates, &n)
	q.YearHint = yearHint(q.Root)
	q.Interpreted = n.sentence(q.String())
	return q
}

type parser struct {
	toks  []token
	pos   int
	notes *notes
	terms int
	dates []dateFilter
}

func (p *parser) peek(j int) tokenKind {
	if j < len(p.toks) {
		return p.toks[j].kind
	}
	return -1
}

// operandAt reports whether a term, a phrase, a group or a NOT starts at j.
func (p *parser) operandAt(j int) bool {
	switch p.peek(j) {
	case tokWord, tokPhrase, tokRef, tokDate, tokLParen, tokNot:
		return true
	}
	return false
}

// sequence parses terms up to the end, or up to the closing parenthesis of
// a group, which it leaves to the caller.
func (p *parser) sequence(inGroup bool) Node {
	var nodes []Node
	for p.pos < len(p.toks) {
		t := p.toks[p.pos]
		switch t.kind {
		case tokRParen:
			if inGroup {
				return and(nodes)
			}
			p.notes.add(noteCloseParen, "")
			p.pos++
			continue
		case tokAnd:
			p.pos++
			if len(nodes) > 0 && p.operandAt(p.pos) {
				continue // and is what a space says anyway
			}
			p.notes.add(noteDangling, t.raw)
			nodes = appendNode(nodes, p.word(t.raw))
			continue
		case tokOr:
			// An OR that parseOr did not take lacks a term on one side.
			p.pos++
			p.notes.add(noteDangling, t.raw)
			if t.raw != "|" {
				nodes = appendNode(nodes, p.word(t.raw))
			}
			continue
		}
		nodes = appendNode(nodes, p.or())
	}
	return and(nodes)
}

func appendNode(nodes []Node, n Node) []Node {
	if n == nil {
		return nodes
	}
	return append(nodes, n)
}

// or parses terms separated by OR.
func (p *parser) or() Node {
	nodes := []Node{p.unary()}
	for {
		j := p.pos
		for p.peek(j) == tokOr {
			j++
		}
		if j == p.pos || !p.operandAt(j) {
			break
		}
		p.pos = j
		nodes = append(nodes, p.unary())
	}
	return or(nodes)
}

// unary parses a term, a phrase, a group, or one of them after NOT or "-".
func (p *parser) unary() Node {
	t := p.toks[p.pos]
	p.pos++
	switch t.kind {
	case tokNot:
		if !p.operandAt(p.pos) {
			p.notes.add(noteDanglingNot, t.raw)
			return p.word(t.raw)
		}
		return not(p.unary())
	case tokLParen:
		n := p.sequence(true)
		if p.peek(p.pos) == tokRParen {
			p.pos++
		} else {
			p.notes.add(noteOpenParen, "")
		}
		if t.neg {
			return not(n)
		}
		return n
	case tokDate:
		if t.neg {
			return not(dateNode{t.date})
		}
		return dateNode{t.date}
	}
	if p.terms == MaxTerms {
		p.notes.add(noteTerms, "")
		return nil
	}
	p.terms++
	var n Node
	switch t.kind {
	case tokWord:
		n = Term{Field: t.field, Text: t.text, Prefix: t.prefix, Fuzziness: t.fuzz}
	case tokPhrase:
		n = Phrase{Field: t.field, Words: t.words}
	case tokRef:
		n = t.ref
	}
	if t.neg {
		return not(n)
	}
	return n
}

// word returns an operator read as a word, as a term.
func (p *parser) word(raw string) Node {
	if p.terms == MaxTerms {
		p.notes.add(noteTerms, "")
		return nil
	}
	p.terms++
	return Term{Text: normalizeWord(raw)}
}

func and(nodes []Node) Node {
	var flat []Node
	for _, n := range nodes {
		if a, ok := n.(And); ok {
			flat = append(flat, a.Nodes...)
		} else if n != nil {
			flat = append(flat, n)
		}
	}
	switch len(flat) {
	case 0:
		return nil
	case 1:
		return flat[0]
	}
	return And{flat}
}

func or(nodes []Node) Node {
	var flat []Node
	for _, n := range nodes {
		if o, ok := n.(Or); ok {
			flat = append(flat, o.Nodes...)
		} else if n != nil {
			flat = append(flat, n)
		}
	}
	switch len(flat) {
	case 0:
		return nil
	case 1:
		return flat[0]
	}
	return Or{flat}
}

func not(n Node) Node {
	switch n := n.(type) {
	case nil:
		return nil
	case Not:
		return n.Node
	}
	return Not{n}
}

// simplify flattens nested Ands and Ors, and removes empty ones.
func simplify(n Node) Node {
	switch n := n.(type) {
	case And:
		nodes := make([]Node, len(n.Nodes))
		for i, c := range n.Nodes {
			nodes[i] = simplify(c)
		}
		return and(nodes)
	case Or:
		nodes := make([]Node, len(n.Nodes))
		for i, c := range n.Nodes {
			nodes[i] = simplify(c)
		}
		return or(nodes)
	case Not:
		return not(simplify(n.Node))
	}
	return n
}

// takeDates removes the date filters from the tree and keeps them, unless
// they are excluded: a date filter applies to the whole query wherever it
// is written.
func (p *parser) takeDates(n Node, inOr, excluded bool) Node {
	switch n := n.(type) {
	case dateNode:
		switch {
		case excluded:
			p.notes.add(noteDateExcluded, "")
		case inOr:
			p.notes.add(noteDateInOr, "")
			p.dates = append(p.dates, n.filter)
		default:
			p.dates = append(p.dates, n.filter)
		}
		return nil
	case And:
		nodes := make([]Node, len(n.Nodes))
		for i, c := range n.Nodes {
			nodes[i] = p.takeDates(c, inOr, excluded)
		}
		return And{nodes}
	case Or:
		nodes := make([]Node, len(n.Nodes))
		for i, c := range n.Nodes {
			nodes[i] = p.takeDates(c, true, excluded)
		}
		return Or{nodes}
	case Not:
		return Not{p.takeDates(n.Node, inOr, true)}
	}
	return n
}

// joinReferences joins, in every And of the tree, the terms that form a
// reference.
func joinReferences(n Node) Node {
	switch n := n.(type) {
	case And:
		nodes := make([]Node, len(n.Nodes))
		for i, c := range n.Nodes {
			nodes[i] = joinReferences(c)
		}
		return And{joinReferenceNodes(nodes)}
	case Or:
		nodes := make([]Node, len(n.Nodes))
		for i, c := range n.Nodes {
			nodes[i] = joinReferences(c)
		}
		return Or{nodes}
	case Not:
		return joinReferenceNodes([]Node{Not{joinReferences(n.Node)}})[0]
	case Term:
		return joinReferenceNodes([]Node{n})[0]
	}
	return n
}

// topLevel returns the nodes that all must match: the nodes of the root
// when it is an And, or the root itself.
func topLevel(root Node) []Node {
	switch r := root.(type) {
	case nil:
		return nil
	case And:
		return r.Nodes
	}
	return []Node{root}
}

// rootDates takes the plain dates out of the terms that all must match
// ("Sakharov May 1977"), and adds them to the date filters. A date elsewhere
// ("Sakharov OR May 1977") stays words.
func rootDates(root Node, dates []dateFilter) (Node, []dateFilter) {
	for {
		nodes := topLevel(root)
		var out []Node
		found := false
		for i := 0; i < len(nodes); i++ {
			var words []string
			for j := i; j < len(nodes) && j < i+4; j++ {
				t, neg, ok := plainTerm(nodes[j])
				if !ok || neg {
					break
				}
				words = append(words, t.Text)
			}
			if n, start, end := matchDate(words, false); n > 0 {
				dates = append(dates, dateFilter{filterRange, start, end})
				i += n - 1
				found = true
				continue
			}
			out = append(out, nodes[i])
		}
		if !found {
			return root, dates
		}
		// Taking a date out brings the terms around it together, which may
		// make a reference or another date.
		root = simplify(joinReferences(and(out)))
	}
}

// yearHint returns the first year from 1900 to 2029 written as a word of
// its own among the terms that all must match, or 0.
func yearHint(root Node) int {
	for _, n := range topLevel(root) {
		if t, neg, ok := plainTerm(n); ok && !neg {
			if y, ok := year(t.Text); ok && y >= 1900 && y <= 2029 {
				return y
			}
		}
	}
	return 0
}
