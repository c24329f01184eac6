// Package searchplan translates a parsed query (package query) to the plan
// every search index of fonds runs: a tree of terms and phrases in fields,
// as the analyzers of package analysis read them, with the boosts by which
// they rank; which words a plain word is searched as (stemmed, by its name
// and transliteration keys), how a phrase reads its stop words, how a query
// of stop words only, a year among the words, a reference code, a prefix or
// fuzzy word (an Expansion, which each index resolves against its own
// vocabulary) and a relaxed query of all words but one are searched. The
// embedded index (package bleve) translates the tree to bleve's queries;
// the PostgreSQL index matches and scores it in Go. The fields are named
// as the PostgreSQL index prefixes its lexemes; bleve maps them to its own.
package searchplan

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fonds"
	"fonds/analysis"
	"fonds/query"
	"fonds/searchdoc"
	"fonds/translit"
)

// The fields of a plan: the stemmed texts of pages by language, the title,
// summary, source note and notes, the name keys, transliteration keys and
// stop words of every element, the credits (and those of each role, see
// CreditField), and the whole values filters search.
const (
	FieldEnglish    = "en"
	FieldRussian    = "ru"
	FieldOther      = "ot"
	FieldTitle      = "ti"
	FieldSummary    = "su"
	FieldSource     = "so"
	FieldNotes      = "no"
	FieldNames      = "nm"
	FieldTranslit   = "tr"
	FieldStops      = "st"
	FieldCredit     = "cr"
	FieldCollection = "co"
	FieldLanguage   = "la"
	FieldType       = "ty" // lower case
	FieldCreator    = "cl" // lower case
	FieldCategory   = "ca"
	FieldReference  = "re"
	FieldYear       = "yr"
)

// CreditField returns the field of the credits of a role (translator,
// transcriber, editor), or of every credit for "" or "credit".
func CreditField(role string) string {
	if role == "" || role == query.FieldCredit {
		return FieldCredit
	}
	return FieldCredit + "_" + role
}

// Plan is what a query is searched as.
type Plan struct {
	// Root is the tree the index matches and scores: All for a query
	// without words, None for one of no searchable word.
	Root Node
	// Stops is set for a query of stop words only, which are searched as
	// they are written; Relaxed for a plan of all words but one.
	Stops, Relaxed bool
	// Runs are the runs of two plain words or more, by whose words side by
	// side the first results are ranked again.
	Runs []string
	// Keys are the transliteration keys searched, which a snippet marks.
	Keys analysis.TranslitKeys
	// Expansions are the Terms of the prefixes and fuzzy words, which the
	// index resolves (sets their Terms) before it matches Root, each to
	// its share of the budget of the query.
	Expansions []*Term
}

// Build returns the plan of a parsed query. With relax set it returns the
// plan of all words but one of a query of three plain words or more, or
// nil when the query has fewer.
func Build(an *analysis.Set, q query.Query, relax bool) *Plan {
	b := &builder{an: an, relax: relax}
	if q.YearHint > 0 {
		b.year = strconv.Itoa(q.YearHint)
	}
	root := b.node(q.Root)
	if relax {
		if root == nil || !b.relaxed {
			return nil
		}
	} else if root == nil && q.Root != nil {
		// Only stop words: they are what is asked for, as exact words.
		b.stops = true
		root = b.node(q.Root)
	}
	switch {
	case root == nil && q.Root != nil:
		root = &None{}
	case root == nil:
		root = &All{}
	}
	top := &Bool{Must: []Node{root}}
	if q.YearHint > 0 {
		// A year among the words ranks the documents of that year first.
		top.Should = append(top.Should, term(FieldYear, b.year, analysis.BoostYear))
	}
	return &Plan{Root: top, Stops: b.stops, Relaxed: b.relaxed, Runs: b.runs, Keys: b.keys, Expansions: b.exps}
}

// Node is a node of the plan: one of *Term, *Phrase, *Conj, *Disj, *Bool,
// *All and *None.
type Node interface{}

type (
	// Term matches a document having one of Terms in Field, each scored by
	// Boost. An expansion (a prefix or a fuzzy word) has Expand set and its
	// Terms empty until the index resolves it (see Plan.Expansions).
	Term struct {
		Field  string
		Terms  []string
		Boost  float64
		Expand *Expansion
	}
	// Phrase matches Terms in Field, each at its offset from the first
	// (a stop word the analyzer leaves out leaves a gap), in one element.
	Phrase struct {
		Field   string
		Terms   []string
		Offsets []int
		Boost   float64
	}
	// Conj matches when all its nodes do; its score is the sum of theirs.
	Conj struct{ Nodes []Node }
	// Disj matches when at least Min (and one) of its nodes do.
	Disj struct {
		Nodes []Node
		Min   int
	}
	// Bool matches when every Must node does and no Not node does; the
	// Should nodes that match add to its score.
	Bool struct{ Must, Should, Not []Node }
	// All matches every document; None, none.
	All  struct{}
	None struct{}
)

// Expansion is a prefix (Fuzziness 0) or a fuzzy word in one field, which
// an index resolves to the terms of its vocabulary it matches, within the
// query's budget.
type Expansion struct {
	Field     string
	Text      string
	Fuzziness int
	Boost     float64
}

// builder translates a parsed query to a plan.
type builder struct {
	an *analysis.Set
	// year is the query's YearHint, or "". The query keeps it as a word, but
	// a document of that year that does not write it is still found: the
	// word only ranks higher the documents that have it.
	year string
	// keys are the transliteration keys searched, to mark in snippets.
	keys analysis.TranslitKeys
	// exps are the expansions of the query, resolved after it is built,
	// each to its share of the budget.
	exps []*Term
	// stops is set for a query of only stop words, which are searched in
	// the stops field; in any other query they are left out, as the
	// stemmed fields leave them out of the text.
	stops bool
	// runs are the runs of plain words of the query, by whose words side
	// by side the first results are ranked again.
	runs []string
	// negated counts the Nots around the node being translated; relax
	// asks for all but one of three words or more, relaxed tells it did;
	// depth counts the Ands around the node.
	negated        int
	relax, relaxed bool
	depth          int
}

func disj(qs []Node) Node {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return &Disj{Nodes: qs}
}

func term(field, t string, boost float64) Node {
	return &Term{Field: field, Terms: []string{t}, Boost: boost}
}

func (b *builder) expansion(field, text string, fuzz int, boost float64) Node {
	q := &Term{Field: field, Boost: boost, Expand: &Expansion{Field: field, Text: text, Fuzziness: fuzz, Boost: boost}}
	b.exps = append(b.exps, q)
	return q
}

// isYear reports whether n is the word of the query's year hint.
func (b *builder) isYear(n query.Node) bool {
	t, ok := n.(query.Term)
	return ok && b.year != "" && t.Field == "" && t.Text == b.year && !t.Prefix && t.Fuzziness == 0
}

// node translates a parsed query, or returns nil for none.
func (b *builder) node(n query.Node) Node {
	switch n := n.(type) {
	case query.Term:
		return b.term(n)
	case query.Phrase:
		return b.phrase(n)
	case query.Reference:
		return b.reference(n)
	case query.And:
		b.depth++
		defer func() { b.depth-- }()
		q := &Bool{}
		must, mustNot := 0, 0
		var years, words []Node
		for _, c := range n.Nodes {
			if b.isYear(c) {
				if y := b.node(c); y != nil {
					years = append(years, y)
				}
				continue
			}
			if not, ok := c.(query.Not); ok {
				if x := b.not(not.Node); x != nil {
					q.Not = append(q.Not, x)
					mustNot++
				}
				continue
			}
			x := b.node(c)
			switch t, ok := c.(query.Term); {
			case x == nil:
				continue
			case ok && t.Field == "" && b.relax && b.depth == 1 && b.negated == 0:
				words = append(words, x)
			default:
				q.Must = append(q.Must, x)
			}
			must++
		}
		if len(words) >= 3 {
			q.Must = append(q.Must, &Disj{Nodes: words, Min: len(words) - 1})
			b.relaxed = true
		} else {
			q.Must = append(q.Must, words...)
		}
		if b.stops && must > 1 {
			// The words in the order typed rank first.
			if p := b.stopsPhrase(n.Nodes); p != nil {
				q.Should = append(q.Should, p)
			}
		}
		if !b.stops && b.negated == 0 && must > 1 {
			b.runs = append(b.runs, wordRuns(b, n.Nodes)...)
		}
		switch {
		case must > 0:
			q.Should = append(q.Should, years...)
		case len(years) > 0:
			// Only the year: the documents of that year or naming it.
			q.Must = append(q.Must, years...)
		case mustNot > 0:
			q.Must = append(q.Must, &All{})
		default:
			return nil
		}
		return q
	case query.Or:
		var qs []Node
		for _, c := range n.Nodes {
			if x := b.node(c); x != nil {
				qs = append(qs, x)
			}
		}
		return disj(qs)
	case query.Not:
		x := b.not(n.Node)
		if x == nil {
			return nil
		}
		return &Bool{Must: []Node{&All{}}, Not: []Node{x}}
	}
	return nil
}

// not translates the node of a Not: words the reader excludes are not
// searched side by side.
func (b *builder) not(n query.Node) Node {
	b.negated++
	defer func() { b.negated-- }()
	return b.node(n)
}

// wordRuns returns the words of each run of plain words (without a field,
// prefix or fuzziness) among nodes, stop words included, that holds at
// least two words. The year of the query's year hint ends a run: it ranks
// the documents of that year, which need not write it.
func wordRuns(b *builder, nodes []query.Node) []string {
	var runs, run []string
	end := func() {
		if len(run) >= 2 {
			runs = append(runs, strings.Join(run, " "))
		}
		run = run[:0]
	}
	for _, n := range nodes {
		t, ok := n.(query.Term)
		if !ok || t.Field != "" || t.Prefix || t.Fuzziness != 0 || strings.TrimSpace(t.Text) == "" || b.isYear(t) {
			end()
			continue
		}
		run = append(run, strings.TrimSpace(t.Text))
	}
	end()
	return runs
}

type weighted struct {
	field string
	boost float64
}

// analyzerOf returns the analyzer of a field's terms.
func (b *builder) analyzerOf(field string) analysis.Analyzer {
	switch field {
	case FieldRussian:
		return b.an.Russian
	case FieldOther:
		return b.an.Plain
	case FieldNames, FieldCredit:
		return b.an.Names
	case FieldStops:
		return b.an.Stops
	case FieldTranslit:
		return b.an.Translit
	}
	if strings.HasPrefix(field, FieldCredit+"_") {
		return b.an.Names
	}
	return b.an.English
}

// match is the words of text as the analyzer of the field reads them, all
// of them (bleve's match query with the operator and).
func (b *builder) match(field, text string, an analysis.Analyzer, boost float64) Node {
	if an == nil {
		an = b.analyzerOf(field)
	}
	toks := analysis.Analyze(an, text)
	if len(toks) == 0 {
		return &None{}
	}
	var qs []Node
	for _, t := range toks {
		qs = append(qs, term(field, t.Term, boost))
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return &Conj{Nodes: qs}
}

// matchPhrase is the words of text in the order written, as the analyzer
// reads them: a stop word it leaves out is any word.
func (b *builder) matchPhrase(field, text string, an analysis.Analyzer, boost float64) Node {
	if an == nil {
		an = b.analyzerOf(field)
	}
	toks := analysis.Analyze(an, text)
	if len(toks) == 0 {
		return &None{}
	}
	p := &Phrase{Field: field, Boost: boost}
	for _, t := range toks {
		p.Terms = append(p.Terms, t.Term)
		p.Offsets = append(p.Offsets, t.Position-toks[0].Position)
	}
	return p
}

// term translates a word, with or without a field.
func (b *builder) term(t query.Term) Node {
	text := strings.TrimSpace(t.Text)
	if text == "" {
		return nil
	}
	if t.Field == "" && !t.Prefix && b.an.StopWord(text) {
		// "the", "и": no document is without them, and the stemmed
		// fields do not index them, so a query does not ask for them,
		// unless it has no other words.
		if !b.stops {
			return nil
		}
		return b.match(FieldStops, text, nil, 1)
	}
	if b.isYear(t) {
		return disj([]Node{
			b.words(text, t, []weighted{{FieldEnglish, analysis.BoostText}, {FieldRussian, analysis.BoostText}, {FieldOther, analysis.BoostText}, {FieldTitle, analysis.BoostTitle}, {FieldSummary, analysis.BoostSummary}}, false),
			term(FieldYear, b.year, analysis.BoostYear),
		})
	}
	switch t.Field {
	case "title":
		return b.words(text, t, []weighted{{FieldTitle, 1}}, false)
	case "person":
		return b.namesIn(FieldNames, text, t, 1)
	case query.FieldCredit, query.FieldTranslator, query.FieldTranscriber, query.FieldEditor:
		return b.namesIn(CreditField(t.Field), text, t, 1)
	case "ref":
		if t.Prefix {
			norm := fonds.NormalizeReference(text)
			key := fonds.ReferenceKey(text)
			if key == norm {
				return b.expansion(FieldReference, norm, 0, 1)
			}
			return disj([]Node{b.expansion(FieldReference, norm, 0, 1), b.expansion(FieldReference, key, 0, 1)})
		}
		return term(FieldReference, fonds.ReferenceKey(text), 1)
	case "collection":
		return term(FieldCollection, strings.ToLower(text), 1)
	case "lang":
		return term(FieldLanguage, languageCode(text), 1)
	case "type":
		return term(FieldType, strings.ToLower(text), 1)
	case "creator":
		return term(FieldCreator, strings.ToLower(text), 1)
	case "category":
		// A section holds its subsections: category:2 finds 2.1.
		return disj([]Node{term(FieldCategory, text, 1), b.expansion(FieldCategory, text+".", 0, 1)})
	}
	return b.words(text, t, []weighted{
		{FieldEnglish, analysis.BoostText},
		{FieldRussian, analysis.BoostText},
		{FieldOther, analysis.BoostText},
		{FieldTitle, analysis.BoostTitle},
		{FieldSummary, analysis.BoostSummary},
		{FieldSource, analysis.BoostSource},
		{FieldNotes, analysis.BoostNotes},
	}, true)
}

// words searches a word in text fields, and, when keys is set, by its name
// and transliteration keys.
func (b *builder) words(text string, t query.Term, fields []weighted, keys bool) Node {
	fuzz := min(max(t.Fuzziness, 0), 2)
	var qs []Node
	for _, f := range fields {
		switch {
		case t.Prefix:
			qs = append(qs, b.prefix(text, f.field, f.boost)...)
		case fuzz > 0:
			qs = append(qs, b.fuzzyMatch(f.field, nil, text, fuzz, f.boost))
		default:
			qs = append(qs, b.match(f.field, text, nil, f.boost))
		}
	}
	if keys {
		if q := b.namesIn(FieldNames, text, t, analysis.BoostNames); q != nil {
			qs = append(qs, q)
		}
		if q := b.namesIn(FieldCredit, text, t, analysis.BoostCredit); q != nil {
			qs = append(qs, q)
		}
		if t.Prefix {
			qs = append(qs, b.prefix(text, FieldTranslit, analysis.BoostTranslit)...)
			b.keys.Prefixes = append(b.keys.Prefixes, translit.WordKey(text))
		} else if q := b.translit(text, fuzz); q != nil {
			qs = append(qs, q)
		}
	}
	return disj(qs)
}

// fuzzyMatch is every word of text as the field's analyzer reads it, each
// within the edits.
func (b *builder) fuzzyMatch(field string, an analysis.Analyzer, text string, fuzz int, boost float64) Node {
	if an == nil {
		an = b.analyzerOf(field)
	}
	var qs []Node
	for _, tok := range analysis.Analyze(an, text) {
		qs = append(qs, b.expansion(field, tok.Term, fuzz, boost))
	}
	switch len(qs) {
	case 0:
		return &None{}
	case 1:
		return qs[0]
	}
	return &Conj{Nodes: qs}
}

// translit searches the transliteration keys of the words of text, every
// one of them, each in the translit field or, since the translit field of
// English pages leaves out the words whose key is their English term (see
// analysis.TranslitEn), as a term of the English field.
func (b *builder) translit(text string, fuzz int) Node {
	key := func(field, k string) Node {
		if fuzz > 0 {
			return b.expansion(field, k, fuzz, analysis.BoostTranslit)
		}
		return term(field, k, analysis.BoostTranslit)
	}
	var keys []Node
	for _, tok := range analysis.Analyze(b.an.Translit, text) {
		b.keys.Terms = append(b.keys.Terms, tok.Term)
		keys = append(keys, disj([]Node{key(FieldTranslit, tok.Term), key(FieldEnglish, tok.Term)}))
	}
	switch len(keys) {
	case 0:
		return nil
	case 1:
		return keys[0]
	}
	return &Conj{Nodes: keys}
}

// prefix searches the terms of a field that begin as the word does, as
// written and as the field's analyzer reduces it (a stemmer may cut the end
// of the word the reader typed: "politic" is indexed as "polit").
func (b *builder) prefix(text, field string, boost float64) []Node {
	var prefixes []string
	switch field {
	case FieldTranslit:
		prefixes = []string{translit.WordKey(text)}
	case FieldEnglish:
		// With the key, for the words of English pages that the translit
		// field leaves out (see analysis.TranslitEn).
		prefixes = []string{strings.ToLower(text), analysis.Term(b.an.English, text), translit.WordKey(text)}
	case FieldTitle, FieldSummary, FieldSource, FieldNotes:
		prefixes = []string{strings.ToLower(text), analysis.Term(b.an.English, text)}
	case FieldRussian:
		prefixes = []string{translit.Fold(text), analysis.Term(b.an.Russian, text)}
	default:
		prefixes = []string{strings.ToLower(text)}
	}
	var qs []Node
	for i, p := range prefixes {
		if p == "" || containsString(prefixes[:i], p) {
			continue
		}
		qs = append(qs, b.expansion(field, p, 0, boost))
	}
	return qs
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// namesIn searches a word (or words) in a field of names (the names field
// or a credit field), by the key the names analyzer gives it when
// capitalized, as a name in a text is.
func (b *builder) namesIn(field, text string, t query.Term, boost float64) Node {
	capital := searchdoc.Capitalize(text)
	if t.Prefix {
		key := translit.NameKey(text)
		if key == "" {
			return nil
		}
		return b.expansion(field, key, 0, boost)
	}
	if len(analysis.Analyze(b.an.Names, capital)) == 0 {
		return nil
	}
	if fuzz := min(max(t.Fuzziness, 0), 2); fuzz > 0 {
		return b.fuzzyMatch(field, b.an.Names, capital, fuzz, boost)
	}
	return b.match(field, capital, b.an.Names, boost)
}

// phrase translates a phrase.
func (b *builder) phrase(p query.Phrase) Node {
	text := strings.TrimSpace(strings.Join(p.Words, " "))
	if text == "" {
		return nil
	}
	switch p.Field {
	case "title":
		return b.matchPhrase(FieldTitle, text, nil, 1)
	case "person":
		return b.matchPhrase(FieldNames, searchdoc.Capitalize(text), b.an.Names, 1)
	case query.FieldCredit, query.FieldTranslator, query.FieldTranscriber, query.FieldEditor:
		return b.matchPhrase(CreditField(p.Field), searchdoc.Capitalize(text), b.an.Names, 1)
	case "":
	default:
		// A field whose values are whole: creator:"Central Committee".
		return b.term(query.Term{Field: p.Field, Text: text})
	}
	stops, others := 0, 0
	for _, w := range p.Words {
		if b.an.StopWord(w) {
			stops++
		} else {
			others++
		}
	}
	if others == 0 {
		// "to be or not to be": only the stops field holds these words.
		return b.matchPhrase(FieldStops, text, nil, analysis.BoostText)
	}
	q := disj([]Node{
		b.matchPhrase(FieldEnglish, text, nil, analysis.BoostText),
		b.matchPhrase(FieldRussian, text, nil, analysis.BoostText),
		b.matchPhrase(FieldOther, text, nil, analysis.BoostText),
		b.matchPhrase(FieldTitle, text, nil, analysis.BoostTitle),
		b.matchPhrase(FieldSummary, text, nil, analysis.BoostSummary),
		b.matchPhrase(FieldSource, text, nil, analysis.BoostSource),
		b.matchPhrase(FieldNotes, text, nil, analysis.BoostNotes),
		b.matchPhrase(FieldNames, searchdoc.Capitalize(text), b.an.Names, analysis.BoostNames),
		b.matchPhrase(FieldCredit, searchdoc.Capitalize(text), b.an.Names, analysis.BoostCredit),
	})
	if stops == 0 {
		return q
	}
	// The stemmed fields read a stop word of the phrase as any word: the
	// document must also write the phrase's stop words, in its order.
	return &Conj{Nodes: []Node{q, b.matchPhrase(FieldStops, text, nil, analysis.BoostStopsInPhrase)}}
}

// stopsPhrase returns the phrase of the words of a query of stop words, in
// the stops field, or nil when the nodes are not all plain words.
func (b *builder) stopsPhrase(nodes []query.Node) Node {
	words := make([]string, 0, len(nodes))
	for _, n := range nodes {
		t, ok := n.(query.Term)
		if !ok || t.Field != "" || t.Prefix || t.Fuzziness != 0 {
			return nil
		}
		words = append(words, t.Text)
	}
	return b.matchPhrase(FieldStops, strings.Join(words, " "), nil, analysis.BoostStopsPhrase)
}

// reference finds the document with the reference code first, and after it
// those whose text cites it: by the key, which every spelling of the series
// shares, and by the number, under another series.
func (b *builder) reference(r query.Reference) Node {
	norm := r.Normalized
	if norm == "" {
		norm = fonds.NormalizeReference(r.Written)
	}
	qs := []Node{term(FieldReference, fonds.ReferenceKey(norm), analysis.BoostReference)}
	if n := fonds.ReferenceNumber(norm); n != "" {
		qs = append(qs, term(FieldReference, n, analysis.BoostRefNumber))
	}
	if r.Written != "" {
		for _, f := range []weighted{{FieldEnglish, analysis.BoostText}, {FieldRussian, analysis.BoostText}, {FieldSummary, analysis.BoostSummary}, {FieldSource, analysis.BoostSource}} {
			qs = append(qs, b.matchPhrase(f.field, r.Written, nil, f.boost))
		}
	}
	return disj(qs)
}

// languageCode returns the code of a language named in a lang: filter.
func languageCode(s string) string {
	s = strings.ToLower(s)
	switch s {
	case "english", "английский", "англ":
		return "en"
	case "russian", "русский", "рус":
		return "ru"
	}
	return searchdoc.BaseLanguage(s)
}

// Period returns the first and last day of a year, month or day (1977,
// 1977-05, 1977-05-19), or an error that is a fonds.ErrInvalid.
func Period(s string) (first, last time.Time, err error) {
	s = strings.TrimSpace(s)
	for _, p := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
	} {
		t, err := time.Parse(p.layout, s)
		if err == nil {
			return t, p.next(t).AddDate(0, 0, -1), nil
		}
	}
	return first, last, fmt.Errorf("%w: date %q: want a year, year-month or year-month-day (1977, 1977-05, 1977-05-19)", fonds.ErrInvalid, s)
}
