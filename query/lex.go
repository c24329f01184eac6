package query

import (
	"strings"
	"unicode"
)

// fieldNames maps the field names a reader may write, in lower case, to the
// canonical ones. Date filters are fields too.
var fieldNames = map[string]string{
	"title":       FieldTitle,
	"person":      FieldPerson,
	"ref":         FieldRef,
	"reference":   FieldRef,
	"collection":  FieldCollection,
	"lang":        FieldLang,
	"language":    FieldLang,
	"type":        FieldType,
	"creator":     FieldCreator,
	"category":    FieldCategory,
	"credit":      FieldCredit,
	"credits":     FieldCredit,
	"translator":  FieldTranslator,
	"translation": FieldTranslator,
	"transcriber": FieldTranscriber,
	"editor":      FieldEditor,
	"year":        fieldYear,
	"decade":      fieldDecade,
	"from":        fieldFrom,
	"to":          fieldTo,
	"date":        fieldDate,
}

// The date filters, which are not fields of the tree.
const (
	fieldYear   = "year"
	fieldDecade = "decade"
	fieldFrom   = "from"
	fieldTo     = "to"
	fieldDate   = "date"
)

func isDateField(f string) bool {
	switch f {
	case fieldYear, fieldDecade, fieldFrom, fieldTo, fieldDate:
		return true
	}
	return false
}

// operators maps the words that are operators when written in capitals.
var operators = map[string]tokenKind{
	"OR": tokOr, "ИЛИ": tokOr,
	"AND": tokAnd, "И": tokAnd,
	"NOT": tokNot, "НЕ": tokNot,
}

type tokenKind int

const (
	tokWord   tokenKind = iota // a word, maybe with a field, a prefix star or a fuzziness
	tokPhrase                  // a quoted phrase, maybe with a field
	tokRef                     // a reference
	tokDate                    // a date filter
	tokLParen
	tokRParen
	tokOr
	tokAnd
	tokNot
)

type token struct {
	kind   tokenKind
	neg    bool   // written after a "-"
	field  string // canonical field name
	raw    string // tokWord: the word as typed; operators: as typed
	text   string // tokWord: the word, normalized
	words  []string
	prefix bool
	fuzz   int
	ref    Reference
	date   dateFilter
}

// plain reports whether the token is a word that may be part of a reference
// after its first word.
func (t token) plain() bool {
	return t.kind == tokWord && t.field == "" && !t.neg && !t.prefix && t.fuzz == 0
}

// clean returns the query cut to MaxLength characters, with control
// characters made spaces, invisible format characters (soft hyphens,
// zero-width spaces) removed, and the spaces around the slash of a
// reference ("56 / 68") removed.
func clean(s string, n *notes) []rune {
	rs := make([]rune, 0, min(len(s), MaxLength))
	count := 0
	for _, r := range s {
		if count == MaxLength {
			n.add(noteLong, "")
			break
		}
		count++
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			r = ' '
		case unicode.IsControl(r):
			n.add(noteControl, "")
			r = ' '
		case unicode.Is(unicode.Cf, r):
			continue
		}
		rs = append(rs, r)
	}
	return joinSlashes(rs)
}

// joinSlashes removes the spaces around a slash between a digit and a
// letter or digit, so that "Pb 56 / 68" is read as "Pb 56/68".
func joinSlashes(rs []rune) []rune {
	out := rs[:0:0]
	for i := 0; i < len(rs); i++ {
		if rs[i] != '/' {
			out = append(out, rs[i])
			continue
		}
		j := i + 1
		for j < len(rs) && unicode.IsSpace(rs[j]) {
			j++
		}
		k := len(out)
		for k > 0 && unicode.IsSpace(out[k-1]) {
			k--
		}
		if k > 0 && unicode.IsDigit(out[k-1]) && j < len(rs) && isWordRune(rs[j]) {
			out = append(out[:k], '/')
			i = j - 1
			continue
		}
		out = append(out, '/')
	}
	return out
}

// isWordRune reports whether r is part of a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '№'
}

// isConnector reports whether r joins two parts of one word when it stands
// between them: "anti-Soviet", "O'Brien", "U.S.", "56/68".
func isConnector(r rune) bool {
	switch r {
	case '-', '\'', '.', '/', '_', '’':
		return true
	}
	return isDash(r)
}

func isDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// word is one word of a query, as typed and normalized.
type word struct{ raw, text string }

// splitWords returns the words of s: runs of letters and digits, and the
// connectors between them.
func splitWords(rs []rune) []word {
	var words []word
	for i := 0; i < len(rs); {
		if !isWordRune(rs[i]) {
			i++
			continue
		}
		start := i
		for i < len(rs) {
			if isWordRune(rs[i]) || (isConnector(rs[i]) && i+1 < len(rs) && isWordRune(rs[i+1])) {
				i++
				continue
			}
			break
		}
		raw := string(rs[start:i])
		words = append(words, word{raw, normalizeWord(raw)})
	}
	return words
}

// normalizeWord returns a word in lower case with one kind of hyphen and
// one kind of apostrophe.
func normalizeWord(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case isDash(r):
			return '-'
		case r == '’':
			return '\''
		}
		return unicode.ToLower(r)
	}, s)
}

func texts(ws []word) []string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.text
	}
	return s
}

func raws(ws []word) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.raw
	}
	return strings.Join(s, " ")
}

// closers returns the quotes that close a phrase opened by r, or nil if r
// does not open one.
func closers(r rune) string {
	switch r {
	case '"':
		return `"”“`
	case '“':
		return `”"“`
	case '„':
		return `“”"`
	case '”':
		return `”"`
	case '«':
		return `»`
	case '»':
		return `«»`
	}
	return ""
}

// isSyntax reports whether r ends a word chunk.
func isSyntax(r rune) bool {
	return r == '(' || r == ')' || r == '|' || closers(r) != "" || unicode.IsSpace(r)
}

type lexer struct {
	rs    []rune
	notes *notes
	toks  []token
}

// lex splits a cleaned query into tokens, and joins the words of references.
func lex(rs []rune, n *notes) []token {
	l := &lexer{rs: rs, notes: n}
	neg := false
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			if neg {
				l.notes.add(noteDash, "")
				neg = false
			}
			i++
		case r == '(':
			l.toks = append(l.toks, token{kind: tokLParen, neg: neg})
			neg = false
			i++
		case r == ')' || r == '|':
			if neg {
				l.notes.add(noteDash, "")
				neg = false
			}
			k := tokRParen
			if r == '|' {
				k = tokOr
			}
			l.toks = append(l.toks, token{kind: k, raw: string(r)})
			i++
		case isDash(r):
			for i < len(rs) && isDash(rs[i]) {
				i++
			}
			neg = true
			if i == len(rs) {
				l.notes.add(noteDash, "")
			}
		case closers(r) != "":
			inner, next, ok := phraseAt(rs, i)
			if !ok {
				l.notes.add(noteQuote, "")
				i++
				continue
			}
			l.phrase("", inner, neg)
			neg = false
			i = next
		default:
			j := i
			for j < len(rs) && !isSyntax(rs[j]) {
				j++
			}
			i = l.chunk(rs[i:j], j, neg)
			neg = false
		}
	}
	return joinReferenceTokens(l.toks)
}

// phraseAt returns the text of the phrase whose opening quote is at i, and
// the index after its closing quote; ok is false if it is never closed.
func phraseAt(rs []rune, i int) (inner []rune, next int, ok bool) {
	cs := closers(rs[i])
	for j := i + 1; j < len(rs); j++ {
		if strings.ContainsRune(cs, rs[j]) {
			return rs[i+1 : j], j + 1, true
		}
	}
	return nil, 0, false
}

// phrase adds the token of a quoted phrase.
func (l *lexer) phrase(field string, inner []rune, neg bool) {
	if strings.ContainsAny(string(inner), "*~") {
		l.notes.add(noteQuotedWildcard, "")
	}
	ws := splitWords(inner)
	switch {
	case field == "":
		if len(ws) == 0 {
			return
		}
		l.toks = append(l.toks, token{kind: tokPhrase, neg: neg, words: texts(ws)})
	case field == FieldRef:
		l.toks = append(l.toks, refToken(raws(ws), neg))
	case isDateField(field):
		l.date(field, ws, neg, "")
	default:
		l.toks = append(l.toks, token{kind: tokPhrase, neg: neg, field: field, words: texts(ws)})
	}
}

func refToken(written string, neg bool) token {
	return token{kind: tokRef, neg: neg, ref: newReference(written)}
}

// chunk adds the tokens of the chunk c of text without spaces or quotes,
// which ends at index end of the query, and returns the index at which
// lexing goes on.
func (l *lexer) chunk(c []rune, end int, neg bool) int {
	s := string(c)
	if k, ok := operators[s]; ok && !neg {
		l.toks = append(l.toks, token{kind: k, raw: s})
		return end
	}
	colon := -1
	for i, r := range c {
		if r == ':' {
			colon = i
			break
		}
		if !unicode.IsLetter(r) {
			break
		}
	}
	if colon <= 0 {
		l.words(c, neg)
		return end
	}
	name, value := c[:colon], c[colon+1:]
	field, known := fieldNames[strings.ToLower(string(name))]
	quoted := len(value) == 0 && end < len(l.rs) && closers(l.rs[end]) != ""
	switch {
	case known && quoted:
		inner, next, ok := phraseAt(l.rs, end)
		if ok {
			if len(splitWords(inner)) == 0 {
				l.notes.add(noteNoValue, string(name)+":")
				l.words(name, neg)
			} else {
				l.phrase(field, inner, neg)
			}
			return next
		}
		l.notes.add(noteNoValue, string(name)+":")
		l.words(name, neg)
	case known:
		l.field(field, name, value, neg)
	case len(value) > 0 || quoted:
		l.notes.add(noteUnknownField, string(name)+":")
		l.words(c, neg)
	default:
		// A colon after a word, as in prose.
		l.words(c, neg)
	}
	return end
}

// modifiers splits a trailing "*" or "~N" off c.
func modifiers(c []rune) (base []rune, prefix, fuzzy bool, edits string) {
	end := len(c)
	for end > 0 && strings.ContainsRune(".,;:!?", c[end-1]) {
		end--
	}
	t := c[:end]
	if end > 0 && t[end-1] == '*' {
		for end > 0 && t[end-1] == '*' {
			end--
		}
		return t[:end], true, false, ""
	}
	d := end
	for d > 0 && t[d-1] >= '0' && t[d-1] <= '9' {
		d--
	}
	if d > 0 && t[d-1] == '~' {
		return t[:d-1], false, true, string(t[d:end])
	}
	return c, false, false, ""
}

// fuzziness returns the edits asked by "~N" after a word; "~" alone asks 1
// for a word of up to 5 letters and 2 for a longer one.
func (l *lexer) fuzziness(w string, edits string) int {
	n := len([]rune(w))
	if n < 2 {
		l.notes.add(noteFuzzyShort, "")
		return 0
	}
	switch edits {
	case "":
		if n <= 5 {
			return 1
		}
		return 2
	case "1", "2":
		return int(edits[0] - '0')
	}
	if strings.Trim(edits, "0") == "" {
		l.notes.add(noteFuzzy, "")
		return 0
	}
	l.notes.add(noteFuzzy, "")
	return 2
}

// words adds the words of a chunk without a field.
func (l *lexer) words(c []rune, neg bool) {
	base, prefix, fuzzy, edits := modifiers(c)
	if strings.ContainsAny(string(base), "*~") {
		l.notes.add(noteWildcard, "")
	}
	ws := splitWords(base)
	if len(ws) == 0 {
		if prefix || fuzzy || strings.ContainsAny(string(base), "*~") {
			l.notes.add(noteNoWords, string(c))
		} else if neg {
			l.notes.add(noteDash, "")
		}
		return
	}
	for i, w := range ws {
		t := token{kind: tokWord, raw: w.raw, text: w.text, neg: neg && i == 0}
		if i == len(ws)-1 {
			l.modify(&t, prefix, fuzzy, edits)
		}
		l.toks = append(l.toks, t)
	}
}

// modify sets the prefix or fuzziness of a word token.
func (l *lexer) modify(t *token, prefix, fuzzy bool, edits string) {
	switch {
	case prefix && len([]rune(t.text)) < 2:
		l.notes.add(notePrefix, "")
	case prefix:
		t.prefix = true
	case fuzzy:
		t.fuzz = l.fuzziness(t.text, edits)
	}
}

// field adds the token of a field written with an unquoted value.
func (l *lexer) field(field string, name, value []rune, neg bool) {
	base, prefix, fuzzy, edits := modifiers(value)
	ws := splitWords(base)
	if len(ws) == 0 {
		l.notes.add(noteNoValue, string(name)+":")
		l.words(name, neg)
		return
	}
	if strings.ContainsAny(string(base), "*~") {
		l.notes.add(noteWildcard, "")
	}
	if (prefix || fuzzy) && (field == FieldRef || isDateField(field) || len(ws) > 1) {
		l.notes.add(noteFieldModifier, string(name)+":")
		prefix, fuzzy = false, false
	}
	switch {
	case isDateField(field):
		l.date(field, ws, neg, string(name))
	case field == FieldRef && len(ws) == 1:
		// It may be the first word of a reference: ref:Pb 56/68.
		l.toks = append(l.toks, token{kind: tokWord, field: field, raw: ws[0].raw, text: ws[0].text, neg: neg})
	case field == FieldRef:
		l.toks = append(l.toks, refToken(raws(ws), neg))
	case len(ws) > 1:
		l.toks = append(l.toks, token{kind: tokPhrase, field: field, words: texts(ws), neg: neg})
	default:
		t := token{kind: tokWord, field: field, raw: ws[0].raw, text: ws[0].text, neg: neg}
		l.modify(&t, prefix, fuzzy, edits)
		l.toks = append(l.toks, t)
	}
}

// date adds the token of a date filter; a value that is not a date is read
// as words, after the field name when it was written unquoted.
func (l *lexer) date(field string, ws []word, neg bool, name string) {
	f, ok := parseDateFilter(field, texts(ws))
	if ok {
		l.toks = append(l.toks, token{kind: tokDate, neg: neg, date: f})
		return
	}
	l.notes.add(noteBadDate, raws(ws))
	if name != "" {
		l.toks = append(l.toks, token{kind: tokWord, raw: name, text: normalizeWord(name), neg: neg})
		neg = false
	}
	for i, w := range ws {
		l.toks = append(l.toks, token{kind: tokWord, raw: w.raw, text: w.text, neg: neg && i == 0})
	}
}

// joinReferenceTokens replaces the words that form a reference with a reference
// token, and makes the value of every ref: field a reference.
func joinReferenceTokens(toks []token) []token {
	out := toks[:0:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tokWord || t.prefix || t.fuzz != 0 || (t.field != "" && t.field != FieldRef) {
			out = append(out, t)
			continue
		}
		next, hasNext := "", i+1 < len(toks) && toks[i+1].plain()
		if hasNext {
			next = toks[i+1].text
		}
		switch n := referenceLength(t.text, next, hasNext); {
		case n == 2:
			out = append(out, refToken(t.raw+" "+toks[i+1].raw, t.neg))
			i++
		case n == 1 || t.field == FieldRef:
			out = append(out, refToken(t.raw, t.neg))
		default:
			out = append(out, t)
		}
	}
	return out
}
