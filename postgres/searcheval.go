package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"fonds"
	"fonds/analysis"
	"fonds/query"
	"fonds/searchplan"
)

// Page sizes and bounds of search results, as the embedded index's.
const (
	defaultLimit  = 20
	maxLimit      = 100
	maxOffset     = 10000
	facetSize     = 20
	rescoreWindow = searchplan.RescoreWindow
	// maxPerExpansion bounds the words of one prefix or fuzzy word.
	maxPerExpansion = 512
	// scanPerTerm is how many words of the vocabulary a prefix may read
	// per word it keeps.
	scanPerTerm = 64
)

// Notes added to SearchResults.Interpreted. The note of expansions says
// what this index keeps of a prefix or fuzzy word that matches too many
// words (see expand), where the embedded index keeps the most frequent.
const (
	noteExpansion = "Some prefixes or fuzzy words match too many words: only some of them were searched " +
		"(for a prefix, the shortest of the first in alphabetical order; for a fuzzy word, the closest)."
	noteRelaxed = "No document has all of these words: shown are those that have all but one."
)

// facetColumns are the columns of search_docs of each facet.
var facetColumns = map[string]string{
	fonds.FacetDecade:     "decade",
	fonds.FacetYear:       "year",
	fonds.FacetCollection: "collection",
	fonds.FacetCreator:    "creator",
	fonds.FacetType:       "type",
	fonds.FacetLanguage:   "languages",
	fonds.FacetPerson:     "persons",
	fonds.FacetCategory:   "categories",
}

// arrayColumn reports whether a column of facetColumns holds an array of
// values rather than one.
func arrayColumn(col string) bool {
	switch col {
	case "languages", "persons", "categories":
		return true
	}
	return false
}

// loc is where a term is in a document: an element, a chunk of it, and
// the positions in the chunk.
type loc struct {
	n, chunk int
	pos      []int
}

// docMeta is what a search reads of each document it may find.
type docMeta struct {
	id        string
	start     *string
	values    map[string][]string // facet values
	lengths   []int32             // by lengthSlot
	terms     map[string][]loc    // the query's terms in the document
	score     float64
	collected map[string]bool // the terms that matched, for snippets
}

// searchState is what one search reads from the database.
type searchState struct {
	ix     *Index
	tx     pgx.Tx
	facets []string       // the facets asked for
	total  int            // documents in the index
	df     map[string]int // documents having each term
}

// Search answers a request. It stops at the index's Timeout, or sooner when
// ctx is done, with an error that is a fonds.ErrTimeout.
func (ix *Index) Search(ctx context.Context, req fonds.SearchRequest) (*fonds.SearchResults, error) {
	if err := ctx.Err(); err != nil {
		return nil, stopped(req.Query, err)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, ix.timeout())
	defer cancel()
	res, err := ix.inSnapshot(ctx, req)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, stopped(req.Query, ctx.Err())
	case err != nil && errors.Is(err, fonds.ErrInvalid):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("postgres: search %q: %w", req.Query, translate(err))
	}
	res.Took = time.Since(start)
	return res, nil
}

// inSnapshot answers a request in a read-only transaction, so that every
// query of the search reads one state of the index.
func (ix *Index) inSnapshot(ctx context.Context, req fonds.SearchRequest) (*fonds.SearchResults, error) {
	tx, err := ix.db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	res, err := ix.search(ctx, tx, req)
	if err != nil {
		return nil, err
	}
	return res, tx.Commit(ctx)
}

func stopped(q string, err error) error {
	return fmt.Errorf("postgres: search %q stopped: %w (%w)", q, fonds.ErrTimeout, err)
}

func (ix *Index) search(ctx context.Context, tx pgx.Tx, req fonds.SearchRequest) (*fonds.SearchResults, error) {
	for _, n := range req.Facets {
		if _, ok := facetColumns[n]; !ok {
			return nil, fmt.Errorf("%w: no facet %q", fonds.ErrInvalid, n)
		}
	}
	q := query.Parse(req.Query)
	where, args, err := filterSQL(req, q)
	if err != nil {
		return nil, err
	}
	plan := searchplan.Build(ix.an, q, false)
	cut, err := ix.expand(ctx, tx, plan.Expansions)
	if err != nil {
		return nil, err
	}
	st := &searchState{ix: ix, tx: tx, facets: req.Facets}
	top := plan.Root
	if q.Root == nil {
		return ix.browse(ctx, st, req, q, top, where, args)
	}
	docs, err := st.run(ctx, top, where, args)
	if err != nil {
		return nil, err
	}
	relaxed := false
	if len(docs) == 0 && !plan.Stops {
		// No document has every word of a query of three words or more:
		// those with all but one are found instead, and the reader told.
		if r := searchplan.Build(ix.an, q, true); r != nil {
			c, err := ix.expand(ctx, tx, r.Expansions)
			if err != nil {
				return nil, err
			}
			cut = cut || c
			plan.Runs, plan.Keys = r.Runs, r.Keys
			top = r.Root
			if docs, err = st.run(ctx, top, where, args); err != nil {
				return nil, err
			}
			relaxed = true
		}
	}

	offset, limit := pageBounds(req)
	byDate := req.Sort == fonds.ByDateAsc || (req.Sort != fonds.ByDateDesc && q.Root == nil)
	switch {
	case byDate || req.Sort == fonds.ByDateDesc:
		desc := !byDate
		slices.SortFunc(docs, func(a, b *docMeta) int {
			switch {
			case a.start == nil && b.start == nil:
			case a.start == nil:
				return 1
			case b.start == nil:
				return -1
			case *a.start != *b.start:
				if desc {
					return strings.Compare(*b.start, *a.start)
				}
				return strings.Compare(*a.start, *b.start)
			}
			return strings.Compare(a.id, b.id)
		})
	default:
		byScore(docs)
		if len(plan.Runs) > 0 && offset < rescoreWindow {
			st.rescore(plan.Runs, docs[:min(rescoreWindow, len(docs))])
		}
	}

	out := &fonds.SearchResults{Total: len(docs), Interpreted: q.Interpreted, Hits: []fonds.Hit{}}
	if relaxed && len(docs) > 0 {
		out.Interpreted = strings.TrimSpace(out.Interpreted + " " + noteRelaxed)
	}
	if cut {
		out.Interpreted = strings.TrimSpace(out.Interpreted + " " + noteExpansion)
	}
	if len(req.Facets) > 0 {
		out.Facets = facetCounts(docs, req.Facets)
	}
	if offset >= len(docs) {
		return out, nil
	}
	page := docs[offset:min(offset+limit, len(docs))]
	if err := ix.hits(ctx, out, page, top, st, req.Highlight, plan.Keys); err != nil {
		return nil, err
	}
	return out, nil
}

// pageBounds returns the offset and limit of the page a request asks for.
func pageBounds(req fonds.SearchRequest) (offset, limit int) {
	limit = req.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	return min(max(req.Offset, 0), maxOffset), min(limit, maxLimit)
}

// browse answers a request without words, which lists every document the
// filters admit in date order: counted, paged and faceted by the database,
// without reading each document's row into Go.
func (ix *Index) browse(ctx context.Context, st *searchState, req fonds.SearchRequest, q query.Query, top searchplan.Node, where string, args []any) (*fonds.SearchResults, error) {
	out := &fonds.SearchResults{Interpreted: q.Interpreted, Hits: []fonds.Hit{}}
	if err := st.tx.QueryRow(ctx, `SELECT count(*) FROM search_docs WHERE `+where, args...).Scan(&out.Total); err != nil {
		return nil, err
	}
	if len(req.Facets) > 0 {
		out.Facets = make(map[string][]fonds.FacetCount, len(req.Facets))
		for _, name := range req.Facets {
			col := facetColumns[name]
			from := "(SELECT *, " + col + " AS v FROM search_docs) AS d"
			if arrayColumn(col) {
				from = "search_docs, unnest(" + col + ") AS v (v)"
			}
			rows, err := st.tx.Query(ctx, `SELECT v, count(*) FROM `+from+` WHERE (`+where+`) AND v <> ''
				GROUP BY v ORDER BY count(*) DESC, v LIMIT `+strconv.Itoa(facetSize), args...)
			if err != nil {
				return nil, err
			}
			counts := []fonds.FacetCount{}
			for rows.Next() {
				var c fonds.FacetCount
				if err := rows.Scan(&c.Value, &c.Count); err != nil {
					rows.Close()
					return nil, err
				}
				counts = append(counts, c)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
			out.Facets[name] = counts
		}
	}
	offset, limit := pageBounds(req)
	// Each order is read a page at a time from an index of its own
	// (search_docs_date, search_docs_date_desc).
	order := "start_day"
	if req.Sort == fonds.ByDateDesc {
		order = "start_day DESC"
	}
	rows, err := st.tx.Query(ctx, `SELECT id FROM search_docs WHERE `+where+`
		ORDER BY `+order+` NULLS LAST, id LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), args...)
	if err != nil {
		return nil, err
	}
	var page []*docMeta
	for rows.Next() {
		d := &docMeta{score: 1}
		if err := rows.Scan(&d.id); err != nil {
			rows.Close()
			return nil, err
		}
		page = append(page, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := ix.hits(ctx, out, page, top, st, req.Highlight, analysis.TranslitKeys{}); err != nil {
		return nil, err
	}
	return out, nil
}

func byScore(docs []*docMeta) {
	slices.SortFunc(docs, func(a, b *docMeta) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
}

// filterSQL returns the condition on search_docs of the request's access,
// filters and dates, and its arguments.
func filterSQL(req fonds.SearchRequest, q query.Query) (string, []any, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !req.Restricted {
		conds = append(conds, "NOT restricted")
	}
	names := make([]string, 0, len(req.Filters))
	for name := range req.Filters {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		col, ok := facetColumns[name]
		if !ok {
			return "", nil, fmt.Errorf("%w: no facet %q", fonds.ErrInvalid, name)
		}
		var values []string
		for _, v := range req.Filters[name] {
			if v != "" {
				values = append(values, v)
			}
		}
		if len(values) == 0 {
			continue
		}
		if arrayColumn(col) {
			conds = append(conds, col+" && "+arg(values)+"::text[]")
		} else {
			conds = append(conds, col+" = ANY("+arg(values)+"::text[])")
		}
	}
	for _, r := range [][2]string{{q.DateFrom, q.DateTo}, {req.From, req.To}} {
		if r[0] != "" {
			first, _, err := searchplan.Period(r[0])
			if err != nil {
				return "", nil, err
			}
			conds = append(conds, "end_day >= "+arg(first.Format("2006-01-02")))
		}
		if r[1] != "" {
			_, last, err := searchplan.Period(r[1])
			if err != nil {
				return "", nil, err
			}
			conds = append(conds, "start_day <= "+arg(last.Format("2006-01-02")))
		}
	}
	if len(conds) == 0 {
		return "true", args, nil
	}
	return strings.Join(conds, " AND "), args, nil
}

// expand resolves the expansions of a query, each to its share of the
// budget: the nearest words of the vocabulary (for a fuzzy word), then the
// shortest, then in order. It reports whether one left out words.
func (ix *Index) expand(ctx context.Context, tx pgx.Tx, exps []*searchplan.Term) (bool, error) {
	if len(exps) == 0 {
		return false, nil
	}
	share := min(maxPerExpansion, max(1, ix.maxExpansion()/len(exps)))
	cut := false
	for _, q := range exps {
		e := q.Expand
		var sql string
		var args []any
		if e.Fuzziness == 0 {
			// At most scanPerTerm words read per word kept, in the order
			// of the vocabulary; of those, the shortest kept.
			from := e.Field + ":" + e.Text
			sql = `SELECT term FROM (
				SELECT term FROM search_terms WHERE term >= $1 AND term < $2 ORDER BY term LIMIT $4
			) t ORDER BY length(term), term LIMIT $3`
			args = []any{from, from + "\U0010FFFF", share + 1, share * scanPerTerm}
		} else {
			if len(e.Text) > 200 {
				q.Terms = []string{e.Text}
				continue
			}
			n := len([]rune(e.Text))
			sql = `SELECT term FROM (
				SELECT term, levenshtein_less_equal(substr(term, $4), $3, $5) AS d
				FROM search_terms
				WHERE term >= $1 AND term < $2 AND char_length(term) BETWEEN $6 AND $7
			) t WHERE d <= $5 ORDER BY d, length(term), term LIMIT $8`
			prefix := e.Field + ":"
			args = []any{prefix, e.Field + ";", e.Text, len([]rune(prefix)) + 1, e.Fuzziness,
				len([]rune(prefix)) + max(n-e.Fuzziness, 1), len([]rune(prefix)) + n + e.Fuzziness, share + 1}
			// levenshtein reads at most 255 characters.
			args[6] = min(args[6].(int), 250)
		}
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return false, err
		}
		var terms []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return false, err
			}
			terms = append(terms, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return false, err
		}
		if len(terms) > share {
			terms, cut = terms[:share], true
		}
		q.Terms = nil
		for _, t := range terms {
			_, w, _ := strings.Cut(t, ":")
			q.Terms = append(q.Terms, w)
		}
	}
	return cut, nil
}

// lexemes returns the lexemes of the terms and phrases of a tree, and
// whether it holds a node that matches every document.
func lexemes(n searchplan.Node, into map[string]bool) (all bool) {
	switch n := n.(type) {
	case *searchplan.Term:
		for _, t := range n.Terms {
			into[n.Field+":"+t] = true
		}
	case *searchplan.Phrase:
		for _, t := range n.Terms {
			into[n.Field+":"+t] = true
		}
	case *searchplan.Conj:
		for _, c := range n.Nodes {
			all = lexemes(c, into) || all
		}
	case *searchplan.Disj:
		for _, c := range n.Nodes {
			all = lexemes(c, into) || all
		}
	case *searchplan.Bool:
		for _, c := range n.Must {
			all = lexemes(c, into) || all
		}
		for _, c := range n.Should {
			lexemes(c, into)
		}
		for _, c := range n.Not {
			lexemes(c, into)
		}
	case *searchplan.All:
		return true
	}
	return all
}

// run finds the documents matching the tree among those the condition
// where admits, each with its score.
func (st *searchState) run(ctx context.Context, top searchplan.Node, where string, args []any) ([]*docMeta, error) {
	set := make(map[string]bool)
	all := lexemes(top, set)
	lexes := make([]string, 0, len(set))
	for l := range set {
		lexes = append(lexes, l)
	}
	slices.Sort(lexes)
	if st.total == 0 {
		// For the inverse document frequencies: exact in a small index,
		// the planner's estimate in a large one, which costs no scan.
		if err := st.tx.QueryRow(ctx, `SELECT CASE WHEN reltuples >= 10000 THEN reltuples::bigint
			ELSE (SELECT count(*) FROM search_docs) END
			FROM pg_class WHERE oid = 'search_docs'::regclass`).Scan(&st.total); err != nil {
			return nil, err
		}
	}
	// The positions of the terms in the documents that have any: each
	// element's tsvector cut to the query's terms (marked with weight A,
	// then kept) before it is unnested, which costs a copy of it where
	// unnesting it whole made an array for each of its terms.
	st.df = make(map[string]int)
	terms := make(map[string]map[string][]loc) // doc, lexeme
	if len(lexes) > 0 {
		quoted := make([]string, len(lexes))
		for i, l := range lexes {
			quoted[i] = quoteLexeme(l)
		}
		// Through the GIN index, always: the planner, which cannot tell
		// how many elements a term is in, reads the whole table instead
		// when the table is small or the terms unknown to its statistics,
		// and reads each tsvector twice.
		if _, err := st.tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return nil, err
		}
		rows, err := st.tx.Query(ctx, `SELECT e.doc_id, e.n, e.chunk, u.lexeme, u.positions
			FROM search_elements e, unnest(ts_filter(setweight(e.terms, 'A', $2), '{a}')) u
			WHERE e.terms @@ $1::tsquery`, strings.Join(quoted, " | "), lexes)
		if err != nil {
			return nil, err
		}
		seen := make(map[[2]string]bool)
		for rows.Next() {
			var id, lex string
			var n, chunk int
			var pos []int16
			if err := rows.Scan(&id, &n, &chunk, &lex, &pos); err != nil {
				rows.Close()
				return nil, err
			}
			m := terms[id]
			if m == nil {
				m = make(map[string][]loc)
				terms[id] = m
			}
			ps := make([]int, len(pos))
			for i, p := range pos {
				ps[i] = int(p)
			}
			m[lex] = append(m[lex], loc{n: n, chunk: chunk, pos: ps})
			if k := [2]string{id, lex}; !seen[k] {
				seen[k] = true
				st.df[lex]++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if _, err := st.tx.Exec(ctx, `SET LOCAL enable_seqscan = on`); err != nil {
			return nil, err
		}
	}
	if !all && len(terms) == 0 {
		return nil, nil
	}
	// The documents the filters admit, of those, with the values of the
	// facets asked for and, for a list in date order, their dates.
	cols := []string{"id", "lengths", "start_day"}
	for _, f := range st.facets {
		cols = append(cols, facetColumns[f])
	}
	sql := `SELECT ` + strings.Join(cols, ", ") + ` FROM search_docs WHERE ` + where
	if !all {
		ids := make([]string, 0, len(terms))
		for id := range terms {
			ids = append(ids, id)
		}
		args = append(slices.Clone(args), ids)
		sql += " AND id = ANY($" + strconv.Itoa(len(args)) + ")"
	}
	rows, err := st.tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*docMeta
	for rows.Next() {
		d := &docMeta{values: make(map[string][]string, len(st.facets))}
		dest := []any{&d.id, &d.lengths, &d.start}
		values := make([]any, len(st.facets))
		for i, f := range st.facets {
			if arrayColumn(facetColumns[f]) {
				values[i] = new([]string)
			} else {
				values[i] = new(string)
			}
		}
		if err := rows.Scan(append(dest, values...)...); err != nil {
			return nil, err
		}
		for i, f := range st.facets {
			switch v := values[i].(type) {
			case *[]string:
				d.values[f] = *v
			case *string:
				if *v != "" {
					d.values[f] = []string{*v}
				}
			}
		}
		d.terms = terms[d.id]
		if ok, score := st.eval(top, d, nil); ok {
			if math.IsNaN(score) || math.IsInf(score, 0) {
				score = 0
			}
			d.score = score
			out = append(out, d)
		}
	}
	return out, rows.Err()
}

// termScore is the score of a term in a document, as bleve's TF-IDF gives
// it: the square root of its frequency, the square of its inverse document
// frequency, the boost, and the norm of the field's length.
func (st *searchState) termScore(d *docMeta, lex string, boost float64) (bool, float64) {
	locs := d.terms[lex]
	freq := 0
	for _, l := range locs {
		freq += len(l.pos)
	}
	if freq == 0 {
		return false, 0
	}
	idf := 1 + math.Log(float64(st.total)/float64(st.df[lex]+1))
	field, _, _ := strings.Cut(lex, ":")
	n := int32(1)
	if i, ok := lengthSlot[field]; ok && i < len(d.lengths) {
		n = max(d.lengths[i], 1)
	}
	norm := 1 / math.Sqrt(float64(n))
	return true, math.Sqrt(float64(freq)) * idf * idf * boost * norm
}

// eval matches a node against a document, and scores it; with collect set
// it records the terms that matched.
func (st *searchState) eval(n searchplan.Node, d *docMeta, collect map[string]bool) (bool, float64) {
	switch n := n.(type) {
	case *searchplan.Term:
		matched, sum := 0, 0.0
		for _, t := range n.Terms {
			lex := n.Field + ":" + t
			if ok, s := st.termScore(d, lex, n.Boost); ok {
				matched++
				sum += s
				if collect != nil {
					collect[lex] = true
				}
			}
		}
		if matched == 0 {
			return false, 0
		}
		return true, sum * float64(matched) / float64(len(n.Terms))
	case *searchplan.Phrase:
		if !d.phrase(n) {
			return false, 0
		}
		sum := 0.0
		for _, t := range n.Terms {
			lex := n.Field + ":" + t
			_, s := st.termScore(d, lex, n.Boost)
			sum += s
			if collect != nil {
				collect[lex] = true
			}
		}
		return true, sum
	case *searchplan.Conj:
		sum := 0.0
		for _, c := range n.Nodes {
			ok, s := st.eval(c, d, collect)
			if !ok {
				return false, 0
			}
			sum += s
		}
		return true, sum
	case *searchplan.Disj:
		matched, sum := 0, 0.0
		for _, c := range n.Nodes {
			if ok, s := st.eval(c, d, collect); ok {
				matched++
				sum += s
			}
		}
		if matched == 0 || matched < n.Min {
			return false, 0
		}
		return true, sum * float64(matched) / float64(len(n.Nodes))
	case *searchplan.Bool:
		for _, c := range n.Not {
			if ok, _ := st.eval(c, d, nil); ok {
				return false, 0
			}
		}
		sum := 0.0
		for _, c := range n.Must {
			ok, s := st.eval(c, d, collect)
			if !ok {
				return false, 0
			}
			sum += s
		}
		matched, should := 0, 0.0
		for _, c := range n.Should {
			if ok, s := st.eval(c, d, collect); ok {
				matched++
				should += s
			}
		}
		if len(n.Must) == 0 && matched == 0 {
			return false, 0
		}
		if matched > 0 {
			sum += should * float64(matched) / float64(len(n.Should))
		}
		return true, sum
	case *searchplan.All:
		return true, 1
	}
	return false, 0
}

// phrase reports whether the document has the terms of the phrase at
// their offsets in one chunk of one element.
func (d *docMeta) phrase(p *searchplan.Phrase) bool {
	first := d.terms[p.Field+":"+p.Terms[0]]
	for _, l := range first {
		for _, start := range l.pos {
			ok := true
			for i := 1; i < len(p.Terms) && ok; i++ {
				ok = hasPos(d.terms[p.Field+":"+p.Terms[i]], l.n, l.chunk, start+p.Offsets[i])
			}
			if ok {
				return true
			}
		}
	}
	return false
}

func hasPos(locs []loc, n, chunk, pos int) bool {
	for _, l := range locs {
		if l.n == n && l.chunk == chunk && slices.Contains(l.pos, pos) {
			return true
		}
	}
	return false
}

// rescore ranks the window again by the words of the runs side by side
// (see searchplan.Near).
func (st *searchState) rescore(runs []string, window []*docMeta) {
	near := searchplan.NewNear(st.ix.an, runs)
	if near == nil {
		return
	}
	for _, d := range window {
		d.score *= near.Factor(d)
	}
	byScore(window)
}

// Adjacent reports whether a position of term b is dist places after one
// of term a, in the same chunk of the same element of field.
func (d *docMeta) Adjacent(field, a, b string, dist int) bool {
	bs := d.terms[field+":"+b]
	for _, la := range d.terms[field+":"+a] {
		for _, p := range la.pos {
			if hasPos(bs, la.n, la.chunk, p+dist) {
				return true
			}
		}
	}
	return false
}

// Whole reports whether the terms stand in one chunk of one element of
// field at their distances from the first.
func (d *docMeta) Whole(field string, ts []analysis.Token) bool {
	p := &searchplan.Phrase{Field: field}
	for _, t := range ts {
		p.Terms = append(p.Terms, t.Term)
		p.Offsets = append(p.Offsets, t.Position-ts[0].Position)
	}
	return d.phrase(p)
}

// facetCounts counts the values of the facets named among the documents
// found: each facet's values most first (ties in the order of the values),
// cut to facetSize.
func facetCounts(docs []*docMeta, names []string) map[string][]fonds.FacetCount {
	out := make(map[string][]fonds.FacetCount, len(names))
	for _, n := range names {
		counts := make(map[string]int)
		for _, d := range docs {
			for _, v := range d.values[n] {
				if v != "" {
					counts[v]++
				}
			}
		}
		list := make([]fonds.FacetCount, 0, len(counts))
		for v, c := range counts {
			list = append(list, fonds.FacetCount{Value: v, Count: c})
		}
		slices.SortFunc(list, func(a, b fonds.FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		out[n] = list[:min(len(list), facetSize)]
	}
	return out
}

// hits reads what the hits of the page show, and, with highlight set, cuts
// their snippets from their texts.
func (ix *Index) hits(ctx context.Context, out *fonds.SearchResults, page []*docMeta, top searchplan.Node, st *searchState, highlight bool, keys analysis.TranslitKeys) error {
	ids := make([]string, len(page))
	for i, d := range page {
		ids[i] = d.id
	}
	cols := "id, hit"
	if highlight {
		cols += ", pages, summary"
	}
	rows, err := st.tx.Query(ctx, `SELECT `+cols+` FROM search_docs WHERE id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	type stored struct {
		hit     hitData
		pages   []string
		summary string
	}
	byID := make(map[string]*stored, len(page))
	for rows.Next() {
		var id string
		var hit []byte
		s := &stored{}
		dest := []any{&id, &hit}
		if highlight {
			dest = append(dest, &s.pages, &s.summary)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := json.Unmarshal(hit, &s.hit); err != nil {
			return fmt.Errorf("hit %s: %w", id, err)
		}
		byID[id] = s
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range page {
		s, ok := byID[d.id]
		if !ok {
			// The page was found in this transaction's snapshot, which
			// holds every row of it.
			return fmt.Errorf("hit %s: not in the index", d.id)
		}
		h := fonds.Hit{ID: d.id, Title: s.hit.Title, Date: s.hit.Date, References: s.hit.References, Collection: s.hit.Collection, Score: d.score}
		if highlight {
			if err := ctx.Err(); err != nil {
				return err
			}
			d.collected = make(map[string]bool)
			st.eval(top, d, d.collected)
			// The elements the matching terms are in: only their texts
			// are analyzed again.
			touched := make(map[int]bool)
			for lex := range d.collected {
				for _, l := range d.terms[lex] {
					if l.n >= 0 {
						touched[l.n/rowFields] = true
					}
				}
			}
			h.Snippet, h.Page = ix.snippet(ctx, d.collected, touched, s.pages, s.summary, s.hit.Pages, s.hit.Fields, keys)
		}
		out.Hits = append(out.Hits, h)
	}
	return nil
}

// snippet returns the best passage of the document for the terms that
// matched, with them marked, and the number of its page (0 when it is not
// on a page). The texts of the elements touched are analyzed again, page
// by page, as they were indexed, and their words whose terms matched are
// marked, up to analysis.MaxSnippetMatches of them.
func (ix *Index) snippet(ctx context.Context, matched map[string]bool, touched map[int]bool, texts []string, summary string, pageNumbers []int, fieldsOf []string, keys analysis.TranslitKeys) (string, int) {
	a := ix.an
	var onText, onSummary []analysis.Match
	mark := func(k int, text, field string, an analysis.Analyzer, into *[]analysis.Match) {
		for _, t := range analysis.Analyze(an, text) {
			if matched[field+":"+t.Term] {
				*into = append(*into, analysis.Match{Page: k, Start: t.Start, End: t.End, Term: field + " " + t.Term})
			}
		}
	}
	for k, text := range texts {
		if text == "" || !touched[k] || len(onText) >= analysis.MaxSnippetMatches || ctx.Err() != nil {
			continue
		}
		for _, f := range []struct {
			field string
			an    analysis.Analyzer
		}{{searchplan.FieldEnglish, a.English}, {searchplan.FieldRussian, a.Russian}, {searchplan.FieldOther, a.Plain}} {
			if k >= len(fieldsOf) || fieldsOf[k] == "" || fieldsOf[k] == f.field {
				mark(k, text, f.field, f.an, &onText)
			}
		}
		mark(k, text, searchplan.FieldNames, a.Names, &onText)
		mark(k, text, searchplan.FieldStops, a.Stops, &onText)
	}
	// The summary is the element after the title (see
	// searchdoc.Doc.Elements).
	if summary != "" && touched[len(texts)+1] {
		mark(-1, summary, searchplan.FieldSummary, a.English, &onSummary)
		mark(-1, summary, searchplan.FieldNames, a.Names, &onSummary)
		mark(-1, summary, searchplan.FieldStops, a.Stops, &onSummary)
	}
	onText = analysis.FirstMatches(onText)
	onSummary = analysis.FirstMatches(onSummary)
	if len(onText) == 0 && len(onSummary) == 0 && (len(keys.Terms) > 0 || len(keys.Prefixes) > 0) {
		onText = analysis.TranslitMatches(ctx, texts, a.Translit, keys)
	}
	switch {
	case len(onText) > 0:
		best := analysis.BestPassage(texts, onText)
		p, page := onText[best].Page, 0
		if p < len(pageNumbers) {
			page = pageNumbers[p]
		}
		text := ""
		if p < len(texts) {
			text = texts[p]
		}
		return analysis.Passage(text, analysis.PageMatches(onText, p), onText[best].Start), page
	case len(onSummary) > 0:
		best := analysis.BestPassage([]string{summary}, analysis.Relabel(onSummary))
		return analysis.Passage(summary, onSummary, onSummary[best].Start), 0
	}
	for _, t := range texts {
		if t != "" {
			return analysis.Passage(t, nil, 0), 0
		}
	}
	if summary != "" {
		return analysis.Passage(summary, nil, 0), 0
	}
	return "", 0
}
