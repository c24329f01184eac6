package postgres

import (
	"strings"

	"fonds"
	"fonds/analysis"
	"fonds/query"
	"fonds/searchdoc"
	"fonds/translit"
)

// qnode is a node of the tree a query is translated to, the same tree of
// fields, terms and boosts the embedded index builds (see package bleve's
// builder), matched and scored in Go (see searcheval.go).
type qnode interface{}

type (
	// qterm matches a document having the term in the field; an expansion
	// (a prefix or fuzzy word) stands for the terms it is expanded to,
	// any of them.
	qterm struct {
		field string
		terms []string
		boost float64
		exp   *expansion
	}
	// qphrase matches the terms in the field, each at its offset from
	// the first, in one element.
	qphrase struct {
		field string
		terms []string
		offs  []int
		boost float64
	}
	qconj struct{ nodes []qnode }
	// qdisj matches any of its nodes, at least min of them.
	qdisj struct {
		nodes []qnode
		min   int
	}
	qbool struct{ must, should, not []qnode }
	qall  struct{}
	qnone struct{}
)

// expansion is a prefix or a fuzzy word in one field, resolved to the
// terms of the vocabulary it matches under the query's budget.
type expansion struct {
	field     string
	text      string
	fuzziness int
	boost     float64
}

// builder translates a parsed query, as package bleve's builder does.
type builder struct {
	an   *analysis.Set
	year string
	keys analysis.TranslitKeys
	// exps are the expansions of the query, resolved after it is built,
	// each to its share of the budget.
	exps  []*qterm
	stops bool
	runs  []string
	// negated counts the Nots around the node being translated; relax
	// asks for all but one of three words or more, relaxed tells it did;
	// depth counts the Ands around the node.
	negated        int
	relax, relaxed bool
	depth          int
}

func disj(qs []qnode) qnode {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return &qdisj{nodes: qs}
}

func term(field, t string, boost float64) qnode {
	return &qterm{field: field, terms: []string{t}, boost: boost}
}

func (b *builder) expansion(field, text string, fuzz int, boost float64) qnode {
	q := &qterm{field: field, boost: boost, exp: &expansion{field: field, text: text, fuzziness: fuzz, boost: boost}}
	b.exps = append(b.exps, q)
	return q
}

func (b *builder) isYear(n query.Node) bool {
	t, ok := n.(query.Term)
	return ok && b.year != "" && t.Field == "" && t.Text == b.year && !t.Prefix && t.Fuzziness == 0
}

func (b *builder) node(n query.Node) qnode {
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
		q := &qbool{}
		must, mustNot := 0, 0
		var years, words []qnode
		for _, c := range n.Nodes {
			if b.isYear(c) {
				if y := b.node(c); y != nil {
					years = append(years, y)
				}
				continue
			}
			if not, ok := c.(query.Not); ok {
				if x := b.not(not.Node); x != nil {
					q.not = append(q.not, x)
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
				q.must = append(q.must, x)
			}
			must++
		}
		if len(words) >= 3 {
			q.must = append(q.must, &qdisj{nodes: words, min: len(words) - 1})
			b.relaxed = true
		} else {
			q.must = append(q.must, words...)
		}
		if b.stops && must > 1 {
			if p := b.stopsPhrase(n.Nodes); p != nil {
				q.should = append(q.should, p)
			}
		}
		if !b.stops && b.negated == 0 && must > 1 {
			b.runs = append(b.runs, wordRuns(b, n.Nodes)...)
		}
		switch {
		case must > 0:
			q.should = append(q.should, years...)
		case len(years) > 0:
			q.must = append(q.must, years...)
		case mustNot > 0:
			q.must = append(q.must, &qall{})
		default:
			return nil
		}
		return q
	case query.Or:
		var qs []qnode
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
		return &qbool{must: []qnode{&qall{}}, not: []qnode{x}}
	}
	return nil
}

func (b *builder) not(n query.Node) qnode {
	b.negated++
	defer func() { b.negated-- }()
	return b.node(n)
}

// wordRuns returns the runs of two plain words or more among nodes.
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
	case fRussian:
		return b.an.Russian
	case fOther:
		return b.an.Plain
	case fNames, fCredit:
		return b.an.Names
	case fStops:
		return b.an.Stops
	case fTranslit:
		return b.an.Translit
	}
	if strings.HasPrefix(field, fCredit+"_") {
		return b.an.Names
	}
	return b.an.English
}

// match is the words of text as the analyzer of the field reads them, all
// of them (bleve's match query with the operator and).
func (b *builder) match(field, text string, an analysis.Analyzer, boost float64) qnode {
	if an == nil {
		an = b.analyzerOf(field)
	}
	toks := analysis.Analyze(an, text)
	if len(toks) == 0 {
		return &qnone{}
	}
	var qs []qnode
	for _, t := range toks {
		qs = append(qs, term(field, t.Term, boost))
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return &qconj{nodes: qs}
}

// matchPhrase is the words of text in the order written, as the analyzer
// reads them: a stop word it leaves out is any word.
func (b *builder) matchPhrase(field, text string, an analysis.Analyzer, boost float64) qnode {
	if an == nil {
		an = b.analyzerOf(field)
	}
	toks := analysis.Analyze(an, text)
	if len(toks) == 0 {
		return &qnone{}
	}
	p := &qphrase{field: field, boost: boost}
	for _, t := range toks {
		p.terms = append(p.terms, t.Term)
		p.offs = append(p.offs, t.Position-toks[0].Position)
	}
	return p
}

func (b *builder) term(t query.Term) qnode {
	text := strings.TrimSpace(t.Text)
	if text == "" {
		return nil
	}
	if t.Field == "" && !t.Prefix && b.an.StopWord(text) {
		if !b.stops {
			return nil
		}
		return b.match(fStops, text, nil, 1)
	}
	if b.isYear(t) {
		return disj([]qnode{
			b.words(text, t, []weighted{{fEnglish, analysis.BoostText}, {fRussian, analysis.BoostText}, {fOther, analysis.BoostText}, {fTitle, analysis.BoostTitle}, {fSummary, analysis.BoostSummary}}, false),
			term(fYear, b.year, analysis.BoostYear),
		})
	}
	switch t.Field {
	case "title":
		return b.words(text, t, []weighted{{fTitle, 1}}, false)
	case "person":
		return b.namesIn(fNames, text, t, 1)
	case query.FieldCredit, query.FieldTranslator, query.FieldTranscriber, query.FieldEditor:
		return b.namesIn(creditField(t.Field), text, t, 1)
	case "ref":
		if t.Prefix {
			norm := fonds.NormalizeReference(text)
			key := fonds.ReferenceKey(text)
			if key == norm {
				return b.expansion(fReference, norm, 0, 1)
			}
			return disj([]qnode{b.expansion(fReference, norm, 0, 1), b.expansion(fReference, key, 0, 1)})
		}
		return term(fReference, fonds.ReferenceKey(text), 1)
	case "collection":
		return term(fCollect, strings.ToLower(text), 1)
	case "lang":
		return term(fLanguage, languageCode(text), 1)
	case "type":
		return term(fTypeLC, strings.ToLower(text), 1)
	case "creator":
		return term(fCreatorLC, strings.ToLower(text), 1)
	case "category":
		return disj([]qnode{term(fCategory, text, 1), b.expansion(fCategory, text+".", 0, 1)})
	}
	return b.words(text, t, []weighted{
		{fEnglish, analysis.BoostText},
		{fRussian, analysis.BoostText},
		{fOther, analysis.BoostText},
		{fTitle, analysis.BoostTitle},
		{fSummary, analysis.BoostSummary},
		{fSource, analysis.BoostSource},
		{fNotes, analysis.BoostNotes},
	}, true)
}

// words searches a word in text fields, and, when keys is set, by its name
// and transliteration keys.
func (b *builder) words(text string, t query.Term, fields []weighted, keys bool) qnode {
	fuzz := min(max(t.Fuzziness, 0), 2)
	var qs []qnode
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
		if q := b.namesIn(fNames, text, t, analysis.BoostNames); q != nil {
			qs = append(qs, q)
		}
		if q := b.namesIn(fCredit, text, t, analysis.BoostCredit); q != nil {
			qs = append(qs, q)
		}
		if t.Prefix {
			qs = append(qs, b.prefix(text, fTranslit, analysis.BoostTranslit)...)
			b.keys.Prefixes = append(b.keys.Prefixes, translit.WordKey(text))
		} else if q := b.translit(text, fuzz); q != nil {
			qs = append(qs, q)
		}
	}
	return disj(qs)
}

// fuzzyMatch is every word of text as the field's analyzer reads it, each
// within the edits.
func (b *builder) fuzzyMatch(field string, an analysis.Analyzer, text string, fuzz int, boost float64) qnode {
	if an == nil {
		an = b.analyzerOf(field)
	}
	var qs []qnode
	for _, tok := range analysis.Analyze(an, text) {
		qs = append(qs, b.expansion(field, tok.Term, fuzz, boost))
	}
	switch len(qs) {
	case 0:
		return &qnone{}
	case 1:
		return qs[0]
	}
	return &qconj{nodes: qs}
}

// translit searches the transliteration keys of the words of text, each in
// the translit field or as a term of the English field (see
// analysis.TranslitEn).
func (b *builder) translit(text string, fuzz int) qnode {
	key := func(field, k string) qnode {
		if fuzz > 0 {
			return b.expansion(field, k, fuzz, analysis.BoostTranslit)
		}
		return term(field, k, analysis.BoostTranslit)
	}
	var keys []qnode
	for _, tok := range analysis.Analyze(b.an.Translit, text) {
		b.keys.Terms = append(b.keys.Terms, tok.Term)
		keys = append(keys, disj([]qnode{key(fTranslit, tok.Term), key(fEnglish, tok.Term)}))
	}
	switch len(keys) {
	case 0:
		return nil
	case 1:
		return keys[0]
	}
	return &qconj{nodes: keys}
}

// prefix searches the terms of a field that begin as the word does, as
// written and as the field's analyzer reduces it.
func (b *builder) prefix(text, field string, boost float64) []qnode {
	var prefixes []string
	switch field {
	case fTranslit:
		prefixes = []string{translit.WordKey(text)}
	case fEnglish:
		prefixes = []string{strings.ToLower(text), analysis.Term(b.an.English, text), translit.WordKey(text)}
	case fTitle, fSummary, fSource, fNotes:
		prefixes = []string{strings.ToLower(text), analysis.Term(b.an.English, text)}
	case fRussian:
		prefixes = []string{translit.Fold(text), analysis.Term(b.an.Russian, text)}
	default:
		prefixes = []string{strings.ToLower(text)}
	}
	var qs []qnode
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

// namesIn searches a word (or words) in a field of names.
func (b *builder) namesIn(field, text string, t query.Term, boost float64) qnode {
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

func (b *builder) phrase(p query.Phrase) qnode {
	text := strings.TrimSpace(strings.Join(p.Words, " "))
	if text == "" {
		return nil
	}
	switch p.Field {
	case "title":
		return b.matchPhrase(fTitle, text, nil, 1)
	case "person":
		return b.matchPhrase(fNames, searchdoc.Capitalize(text), b.an.Names, 1)
	case query.FieldCredit, query.FieldTranslator, query.FieldTranscriber, query.FieldEditor:
		return b.matchPhrase(creditField(p.Field), searchdoc.Capitalize(text), b.an.Names, 1)
	case "":
	default:
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
		return b.matchPhrase(fStops, text, nil, analysis.BoostText)
	}
	q := disj([]qnode{
		b.matchPhrase(fEnglish, text, nil, analysis.BoostText),
		b.matchPhrase(fRussian, text, nil, analysis.BoostText),
		b.matchPhrase(fOther, text, nil, analysis.BoostText),
		b.matchPhrase(fTitle, text, nil, analysis.BoostTitle),
		b.matchPhrase(fSummary, text, nil, analysis.BoostSummary),
		b.matchPhrase(fSource, text, nil, analysis.BoostSource),
		b.matchPhrase(fNotes, text, nil, analysis.BoostNotes),
		b.matchPhrase(fNames, searchdoc.Capitalize(text), b.an.Names, analysis.BoostNames),
		b.matchPhrase(fCredit, searchdoc.Capitalize(text), b.an.Names, analysis.BoostCredit),
	})
	if stops == 0 {
		return q
	}
	return &qconj{nodes: []qnode{q, b.matchPhrase(fStops, text, nil, analysis.BoostStopsInPhrase)}}
}

func (b *builder) stopsPhrase(nodes []query.Node) qnode {
	words := make([]string, 0, len(nodes))
	for _, n := range nodes {
		t, ok := n.(query.Term)
		if !ok || t.Field != "" || t.Prefix || t.Fuzziness != 0 {
			return nil
		}
		words = append(words, t.Text)
	}
	return b.matchPhrase(fStops, strings.Join(words, " "), nil, analysis.BoostStopsPhrase)
}

func (b *builder) reference(r query.Reference) qnode {
	norm := r.Normalized
	if norm == "" {
		norm = fonds.NormalizeReference(r.Written)
	}
	qs := []qnode{term(fReference, fonds.ReferenceKey(norm), analysis.BoostReference)}
	if n := fonds.ReferenceNumber(norm); n != "" {
		qs = append(qs, term(fReference, n, analysis.BoostRefNumber))
	}
	if r.Written != "" {
		for _, f := range []weighted{{fEnglish, analysis.BoostText}, {fRussian, analysis.BoostText}, {fSummary, analysis.BoostSummary}, {fSource, analysis.BoostSource}} {
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
