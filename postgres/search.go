package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"fonds"
	"fonds/analysis"
	"fonds/searchdoc"
	"fonds/searchplan"
)

// Index is the fonds.Index on the PostgreSQL database of a Store: one index
// every server on the database shares, written in the same transactions
// as any other row, so that a document put through one server is found
// through every other at once.
//
// Go analyzes each released document as the embedded index does (package
// analysis): its terms, each prefixed by its field ("en:human",
// "tr:saharov"), are kept with their positions as the lexemes of a
// tsvector per element of the document (a page, the title, a note...),
// under a GIN index. A search translates the parsed query (package query)
// to a tree of terms and phrases in fields, as the embedded index does,
// reads from the GIN index the positions of those terms in the elements
// that have any, and matches and scores the documents in Go, by the same
// TF-IDF and boosts, so that both engines find and rank alike. Filters,
// dates, facets and the date order are read from a row per document.
//
// A tsvector keeps positions up to 16383 and 256 of them per lexeme: an
// element longer than chunkWords words is cut into chunks, each numbered
// from 1, so that a phrase running across the cut of two chunks is not
// found (a word is), and a word of more than maxLexeme bytes is left out.
type Index struct {
	db *pgxpool.Pool
	an *analysis.Set
	// Timeout bounds a search; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxExpansion bounds the words the prefixes and fuzzy words of one
	// query stand for; 0 means DefaultMaxExpansion.
	MaxExpansion int
}

var _ fonds.Index = (*Index)(nil)

// DefaultTimeout is the default bound of a search, as the embedded index's.
const DefaultTimeout = 5 * time.Second

// DefaultMaxExpansion is the default of Index.MaxExpansion.
const DefaultMaxExpansion = 2048

// Bounds of what is indexed: the words of a chunk of an element, and the
// bytes of a term, which keep a chunk's tsvector under PostgreSQL's 1 MB
// (2,048 terms of 256 bytes at most, with their positions).
const (
	chunkWords = 2048
	maxLexeme  = 256
)

// Index returns the search index on the store's database. Closing it
// leaves the store open.
func (s *Store) Index() (*Index, error) {
	an, err := analysis.New()
	if err != nil {
		return nil, fmt.Errorf("postgres: index: %w", err)
	}
	return &Index{db: s.db, an: an}, nil
}

// Close does nothing: the connections are the store's.
func (ix *Index) Close() error { return nil }

func (ix *Index) timeout() time.Duration {
	if ix.Timeout > 0 {
		return ix.Timeout
	}
	return DefaultTimeout
}

func (ix *Index) maxExpansion() int {
	if ix.MaxExpansion > 0 {
		return ix.MaxExpansion
	}
	return DefaultMaxExpansion
}

// The lexemes of a field are its terms prefixed by the field's name in
// package searchplan and a colon ("en:human", "tr:saharov").

// The element numbers of what is not an element of searchdoc.Doc.Elements:
// the whole values, and the credits (from creditRow on).
const (
	keywordRow = -1
	creditRow  = 1 << 20
)

// lengthFields are the fields whose number of terms in a document is kept,
// in the order of search_docs.lengths, for the norms of scores.
var lengthFields = []string{
	searchplan.FieldEnglish, searchplan.FieldRussian, searchplan.FieldOther, searchplan.FieldTitle,
	searchplan.FieldSummary, searchplan.FieldSource, searchplan.FieldNotes, searchplan.FieldNames,
	searchplan.FieldTranslit, searchplan.FieldStops, searchplan.FieldCredit,
	searchplan.CreditField("translator"), searchplan.CreditField("transcriber"), searchplan.CreditField("editor"),
	searchplan.FieldCollection, searchplan.FieldLanguage, searchplan.FieldType, searchplan.FieldCreator,
	searchplan.FieldCategory, searchplan.FieldReference, searchplan.FieldYear,
}

// lengthSlot is the index of each of lengthFields.
var lengthSlot = func() map[string]int {
	m := make(map[string]int, len(lengthFields))
	for i, f := range lengthFields {
		m[f] = i
	}
	return m
}()

// rowFields is the number of fields an element's rows are numbered by: the
// row of field f of element k is k*rowFields + fieldSlot(f).
const rowFields = 16

// fieldSlot returns the number of a field among the rows of an element.
func fieldSlot(field string) int {
	switch field {
	case searchplan.FieldEnglish, searchplan.FieldRussian, searchplan.FieldOther, searchplan.FieldTitle, searchplan.FieldSummary, searchplan.FieldNotes, searchplan.FieldSource:
		return 0 // one of them per element
	case searchplan.FieldNames:
		return 1
	case searchplan.FieldTranslit:
		return 2
	case searchplan.FieldStops:
		return 3
	case searchplan.FieldCredit:
		return 4
	}
	return 5 // a credit of a role
}

// hitData is what a hit shows, stored as one JSON value.
type hitData struct {
	Title      string     `json:"t"`
	Date       fonds.Date `json:"d"`
	References []string   `json:"r,omitempty"`
	Collection string     `json:"c"`
	// Pages is the page number of each page text.
	Pages []int `json:"p,omitempty"`
	// Fields is the field of the terms of each page text, by its language.
	Fields []string `json:"f,omitempty"`
}

// element is the terms of one element of a document, by lexeme, each with
// its positions.
type element struct {
	n     int
	terms map[string][]int
}

func (e *element) add(field string, toks []analysis.Token) {
	for _, t := range toks {
		if len(t.Term) > maxLexeme || t.Term == "" {
			continue
		}
		lex := field + ":" + t.Term
		e.terms[lex] = append(e.terms[lex], t.Position)
	}
}

// indexed is a document as its rows hold it.
type indexed struct {
	sd       *searchdoc.Doc
	elements []*element
	lengths  []int32 // by lengthSlot
	hit      hitData
}

// analyze returns the rows of a released document.
func (ix *Index) analyze(d *fonds.Document) *indexed {
	sd := searchdoc.Of(d)
	out := &indexed{sd: sd, lengths: make([]int32, len(lengthFields))}
	out.hit = hitData{Title: sd.Heading, Date: sd.Date, Collection: sd.Collection, References: sd.References}
	a := ix.an
	rows := make(map[int]*element)
	// Each field of an element in a row of its own, so that a search reads
	// the positions of its terms out of the rows of their fields only.
	put := func(k int, field string, toks []analysis.Token) {
		n := k*rowFields + fieldSlot(field)
		if k == keywordRow {
			n = keywordRow
		}
		e := rows[n]
		if e == nil {
			e = &element{n: n, terms: make(map[string][]int)}
			rows[n] = e
			out.elements = append(out.elements, e)
		}
		e.add(field, toks)
		if i, ok := lengthSlot[field]; ok {
			out.lengths[i] += int32(len(toks))
		}
	}
	for k, el := range sd.Elements() {
		if el.Kind == searchdoc.KindPage {
			out.hit.Pages = append(out.hit.Pages, sd.Pages[k].N)
			if el.Text == "" {
				out.hit.Fields = append(out.hit.Fields, "")
			}
		}
		if el.Text == "" {
			continue
		}
		keys := a.Translit
		switch el.Kind {
		case searchdoc.KindPage:
			field, an := searchplan.FieldOther, a.Plain
			switch el.Language {
			case "en":
				field, an, keys = searchplan.FieldEnglish, a.English, a.TranslitEn
			case "ru":
				field, an = searchplan.FieldRussian, a.Russian
			}
			put(k, field, analysis.Analyze(an, el.Text))
			out.hit.Fields = append(out.hit.Fields, field)
		case searchdoc.KindTitle:
			put(k, searchplan.FieldTitle, analysis.Analyze(a.English, el.Text))
		case searchdoc.KindSummary:
			put(k, searchplan.FieldSummary, analysis.Analyze(a.English, el.Text))
		case searchdoc.KindNote:
			put(k, searchplan.FieldNotes, analysis.Analyze(a.English, el.Text))
		case searchdoc.KindSource:
			put(k, searchplan.FieldSource, analysis.Analyze(a.English, el.Text))
		}
		if el.Kind.Names() {
			put(k, searchplan.FieldNames, analysis.Analyze(a.Names, el.Text))
		}
		if el.Kind.Keys() {
			put(k, searchplan.FieldTranslit, analysis.Analyze(keys, el.Text))
		}
		if el.Kind.Stops() {
			put(k, searchplan.FieldStops, analysis.Analyze(a.Stops, el.Text))
		}
	}
	for i, c := range sd.Credits {
		toks := analysis.Analyze(a.Names, c.Name)
		put(creditRow+i, searchplan.FieldCredit, toks)
		if slices.Contains(searchdoc.CreditRoles, c.Role) {
			put(creditRow+i, searchplan.CreditField(c.Role), toks)
		}
	}
	// Each whole value at a position of its own, so that however many a
	// document has, they are cut into chunks as a long text is.
	pos := 0
	word := func(field, value string) {
		if value != "" {
			pos++
			put(keywordRow, field, []analysis.Token{{Term: value, Position: pos}})
		}
	}
	word(searchplan.FieldCollection, sd.Collection)
	word(searchplan.FieldCreator, strings.ToLower(sd.Creator))
	word(searchplan.FieldType, strings.ToLower(sd.Type))
	for _, l := range sd.Languages {
		word(searchplan.FieldLanguage, l)
	}
	for _, c := range sd.Categories {
		word(searchplan.FieldCategory, c)
	}
	for _, t := range sd.ReferenceTerms {
		word(searchplan.FieldReference, t)
	}
	word(searchplan.FieldYear, sd.Year)
	return out
}

// chunks returns the tsvectors of an element, as text, each of at most
// chunkWords positions numbered from 1.
func (e *element) chunks() []string {
	byChunk := make(map[int]map[string][]int)
	for lex, ps := range e.terms {
		for _, p := range ps {
			c := (max(p, 1) - 1) / chunkWords
			m := byChunk[c]
			if m == nil {
				m = make(map[string][]int)
				byChunk[c] = m
			}
			m[lex] = append(m[lex], p-c*chunkWords)
		}
	}
	keys := make([]int, 0, len(byChunk))
	for c := range byChunk {
		keys = append(keys, c)
	}
	slices.Sort(keys)
	out := make([]string, 0, len(keys))
	for _, c := range keys {
		out = append(out, tsvector(byChunk[c]))
	}
	return out
}

// tsvector writes terms with their positions as a tsvector's text.
func tsvector(terms map[string][]int) string {
	lexes := make([]string, 0, len(terms))
	for lex := range terms {
		lexes = append(lexes, lex)
	}
	slices.Sort(lexes)
	var b strings.Builder
	for i, lex := range lexes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(lex))
		ps := slices.Compact(slices.Sorted(slices.Values(terms[lex])))
		if len(ps) > 256 {
			ps = ps[:256]
		}
		for j, p := range ps {
			if j == 0 {
				b.WriteByte(':')
			} else {
				b.WriteByte(',')
			}
			fmt.Fprint(&b, min(max(p, 1), 16383))
		}
	}
	return b.String()
}

// quoteLexeme quotes a lexeme for the text of a tsvector or tsquery.
func quoteLexeme(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Put indexes the released documents, replacing those indexed with their
// ids, and removes from the index the others (a draft, an embargoed
// document) in one transaction. Of two Puts of one id at once, one waits
// for the other's commit, on the row of the id.
func (ix *Index) Put(ctx context.Context, docs ...*fonds.Document) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: index put: %w", err)
	}
	now := time.Now()
	// Sorted by id, so that writers lock the rows of ids in one order; the
	// last of one id wins.
	byID := make(map[string]*fonds.Document, len(docs))
	for _, d := range docs {
		byID[d.ID] = d
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range byID {
			if !yield(id) {
				return
			}
		}
	})
	const batchSize = 200
	for start := 0; start < len(ids); start += batchSize {
		if err := ix.putBatch(ctx, ids[start:min(start+batchSize, len(ids))], byID, now); err != nil {
			return fmt.Errorf("postgres: index put: %w", translate(err))
		}
	}
	return nil
}

func (ix *Index) putBatch(ctx context.Context, ids []string, byID map[string]*fonds.Document, now time.Time) error {
	var rows []*indexed
	var gone []string
	terms := make(map[string]bool)
	for _, id := range ids {
		d := byID[id]
		if !d.Released(now) {
			gone = append(gone, id)
			continue
		}
		r := ix.analyze(d)
		for _, e := range r.elements {
			for lex := range e.terms {
				terms[lex] = true
			}
		}
		rows = append(rows, r)
	}
	tx, err := ix.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if len(gone) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM search_docs WHERE id = ANY($1)`, gone); err != nil {
			return err
		}
	}
	b := &pgx.Batch{}
	for _, r := range rows {
		sd := r.sd
		hit, err := json.Marshal(r.hit)
		if err != nil {
			return err
		}
		pages := make([]string, len(sd.Pages))
		for k, p := range sd.Pages {
			pages[k] = p.Text
		}
		b.Queue(`INSERT INTO search_docs (id, hash, restricted, collection, creator, type, year, decade,
			start_day, end_day, languages, persons, categories, lengths, hit, pages, summary)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
			ON CONFLICT (id) DO UPDATE SET hash = EXCLUDED.hash, restricted = EXCLUDED.restricted,
			collection = EXCLUDED.collection, creator = EXCLUDED.creator, type = EXCLUDED.type,
			year = EXCLUDED.year, decade = EXCLUDED.decade, start_day = EXCLUDED.start_day,
			end_day = EXCLUDED.end_day, languages = EXCLUDED.languages, persons = EXCLUDED.persons,
			categories = EXCLUDED.categories, lengths = EXCLUDED.lengths, hit = EXCLUDED.hit,
			pages = EXCLUDED.pages, summary = EXCLUDED.summary`,
			sd.ID, sd.Hash, sd.Restricted, sd.Collection, sd.Creator, sd.Type, sd.Year, sd.Decade,
			nullable(sd.Start), nullable(sd.End), nonNil(sd.Languages), nonNil(sd.Persons), nonNil(sd.Categories),
			r.lengths, string(hit), pages, sd.Summary)
		b.Queue(`DELETE FROM search_elements WHERE doc_id = $1`, sd.ID)
		var ns, cs []int32
		var vs []string
		for _, e := range r.elements {
			for c, v := range e.chunks() {
				ns, cs, vs = append(ns, int32(e.n)), append(cs, int32(c)), append(vs, v)
			}
		}
		b.Queue(`INSERT INTO search_elements (doc_id, n, chunk, terms)
			SELECT $1, n, c, v::tsvector FROM unnest($2::integer[], $3::integer[], $4::text[]) AS t (n, c, v)`,
			sd.ID, ns, cs, vs)
	}
	if len(terms) > 0 {
		list := make([]string, 0, len(terms))
		for t := range terms {
			list = append(list, t)
		}
		slices.Sort(list)
		b.Queue(`INSERT INTO search_terms (term) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT DO NOTHING`, list)
	}
	if b.Len() > 0 {
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Delete removes the documents with the ids; unknown ids are ignored.
func (ix *Index) Delete(ctx context.Context, ids ...string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: index delete: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	if _, err := ix.db.Exec(ctx, `DELETE FROM search_docs WHERE id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("postgres: index delete: %w", translate(err))
	}
	return nil
}

// Stamps returns the id and content hash of every indexed document.
func (ix *Index) Stamps(ctx context.Context) (map[string]string, error) {
	rows, err := ix.db.Query(ctx, `SELECT id, hash FROM search_docs`)
	if err != nil {
		return nil, fmt.Errorf("postgres: index stamps: %w", translate(err))
	}
	defer rows.Close()
	out := make(map[string]string)
	for rows.Next() {
		var id, hash string
		if err := rows.Scan(&id, &hash); err != nil {
			return nil, fmt.Errorf("postgres: index stamps: %w", translate(err))
		}
		out[id] = hash
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: index stamps: %w", translate(err))
	}
	return out, nil
}
