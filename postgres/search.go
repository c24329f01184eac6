package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"fonds"
	"fonds/analysis"
	"fonds/searchdoc"
	"fonds/searchplan"
)

// Index is the fonds.Index on the PostgreSQL database of a Store: one index
// every server on the database shares, so that a document put through one
// server is found through every other at once. It is written after the
// store's transactions, by whoever indexes a save (the followers of the
// servers, an import, a reindex), each Put checked against the store's
// row of each document (see Put).
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
// document), in transactions of at most putBatchDocs documents or
// putBatchBytes bytes of rows.
//
// The store is the judge of what is released: a document is written only
// if the row of its id in the table documents is released and has its
// hash, and it is marked restricted as that row is; if the row is gone or
// not released, the document is removed from the index; if the row has
// another hash, the index is left as it is, for the Put of that newer
// version. So a late Put of an old copy (an import's, beside a server's
// follower) cannot bring back a document restricted or taken back to draft
// since. Each batch reads the rows under the locks of the documents' ids,
// which a save takes too (see lockID), so that no save of one of them
// commits between the check and the write, and of two Puts of one id one
// waits for the other.
//
// A document the index holds already as the store does, at its hash and
// restriction, is not written again: every server sharing the database
// puts each change its follower reads, after the server that made it.
func (ix *Index) Put(ctx context.Context, docs ...*fonds.Document) error {
	return ix.put(ctx, docs, false)
}

// Rewrite is Put, but writes again the documents the index holds as the
// store does too: what a reindex does, after the analysis changed.
func (ix *Index) Rewrite(ctx context.Context, docs ...*fonds.Document) error {
	return ix.put(ctx, docs, true)
}

func (ix *Index) put(ctx context.Context, docs []*fonds.Document, rewrite bool) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: index put: %w", err)
	}
	now := time.Now()
	// Sorted by id; the last of one id wins.
	byID := make(map[string]*fonds.Document, len(docs))
	for _, d := range docs {
		byID[d.ID] = d
	}
	if !rewrite {
		if err := ix.dropCurrent(ctx, byID, now); err != nil {
			return fmt.Errorf("postgres: index put: %w", translate(err))
		}
	}
	ids := slices.Sorted(maps.Keys(byID))
	var batch []*prepared
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		// A batch that lost to another writer's locks (a release takes
		// those of several ids in its own order) runs again, as inTx does.
		err := ix.putBatch(ctx, batch)
		for i := 0; i < retries && lostRace(err) && ctx.Err() == nil; i++ {
			err = ix.putBatch(ctx, batch)
		}
		if err != nil {
			return fmt.Errorf("postgres: index put: %w", translate(err))
		}
		batch, size = batch[:0], 0
		return nil
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), prepareChunk)]
		ids = ids[len(chunk):]
		ready, err := ix.prepareAll(chunk, byID, now)
		if err != nil {
			return err
		}
		for _, p := range ready {
			if len(batch) > 0 && size+p.size > putBatchBytes {
				if err := flush(); err != nil {
					return err
				}
			}
			batch = append(batch, p)
			size += p.size
			if len(batch) == putBatchDocs {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// prepareChunk is how many documents Put analyzes at once, on every core:
// few enough that their rows are small beside the batch of a transaction.
const prepareChunk = 32

// prepareAll prepares the documents of ids, in their order, on as many
// goroutines as there are cores: the analysis is most of the CPU a Put
// costs, and each document's is its own.
func (ix *Index) prepareAll(ids []string, docs map[string]*fonds.Document, now time.Time) ([]*prepared, error) {
	out := make([]*prepared, len(ids))
	errs := make([]error, len(ids))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ids)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(ids); i = int(next.Add(1) - 1) {
				out[i], errs[i] = ix.prepare(docs[ids[i]], now)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("postgres: index put %s: %w", ids[i], err)
		}
	}
	return out, nil
}

// dropCurrent removes from docs those the index holds at their hash, as
// the store holds them released with it and with the same restriction.
// What it leaves is written under the locks of putBatch, which judges
// again; what it drops is what a write would leave as it is.
func (ix *Index) dropCurrent(ctx context.Context, docs map[string]*fonds.Document, now time.Time) error {
	if len(docs) == 0 {
		return nil
	}
	ids := slices.Collect(maps.Keys(docs))
	rows, err := ix.db.Query(ctx, `SELECT s.id, s.hash FROM search_docs s JOIN documents d ON d.id = s.id
		WHERE s.id = ANY($1) AND d.released AND d.hash = s.hash AND d.restricted = s.restricted`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, hash string
		if err := rows.Scan(&id, &hash); err != nil {
			return err
		}
		if d := docs[id]; d != nil && d.Hash == hash && d.Released(now) {
			delete(docs, id)
		}
	}
	return rows.Err()
}

// Bounds of the batch of one transaction of Put: its documents, and the
// bytes of their rows (texts, tsvectors, hit), as ingest bounds its own.
const (
	putBatchDocs  = 200
	putBatchBytes = 4 << 20
)

// prepared is a document ready to be written: its rows, or nil when its
// copy is not released.
type prepared struct {
	id, hash string
	rows     *indexed
	hit      string
	pages    []string
	// The element number, chunk number and tsvector text of each chunk.
	ns, cs []int32
	vs     []string
	size   int // bytes of the rows, about
}

// prepare analyzes a document out of any transaction, so that the locks
// of a batch are held only while it is written.
func (ix *Index) prepare(d *fonds.Document, now time.Time) (*prepared, error) {
	p := &prepared{id: d.ID, hash: d.Hash, size: len(d.ID)}
	if !d.Released(now) {
		return p, nil
	}
	r := ix.analyze(d)
	hit, err := json.Marshal(r.hit)
	if err != nil {
		return nil, err
	}
	p.rows, p.hit = r, string(hit)
	p.size += len(hit) + len(r.sd.Summary)
	p.pages = make([]string, len(r.sd.Pages))
	for k, pg := range r.sd.Pages {
		p.pages[k] = pg.Text
		p.size += len(pg.Text)
	}
	for _, e := range r.elements {
		for c, v := range e.chunks() {
			p.ns, p.cs, p.vs = append(p.ns, int32(e.n)), append(p.cs, int32(c)), append(p.vs, v)
			p.size += len(v)
		}
	}
	return p, nil
}

// docState is what the row of a document in the table documents says of
// it.
type docState struct {
	hash                 string
	released, restricted bool
}

func (ix *Index) putBatch(ctx context.Context, batch []*prepared) error {
	tx, err := ix.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	ids := make([]string, len(batch))
	keys := make([]int32, len(batch))
	for i, p := range batch {
		ids[i], keys[i] = p.id, idLockKey(p.id)
	}
	// The locks in the order of their keys, as a batch of saves takes them
	// (see lockBatch), so that neither waits for the other forever.
	slices.Sort(keys)
	keys = slices.Compact(keys)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int4[]) k`, int32(lockDocument), keys); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT id, hash, released, restricted FROM documents WHERE id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	states := make(map[string]docState, len(batch))
	for rows.Next() {
		var id string
		var s docState
		if err := rows.Scan(&id, &s.hash, &s.released, &s.restricted); err != nil {
			rows.Close()
			return err
		}
		states[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var gone []string
	terms := make(map[string]bool)
	b := &pgx.Batch{}
	for _, p := range batch {
		st, ok := states[p.id]
		switch {
		case !ok || !st.released:
			gone = append(gone, p.id)
			continue
		case st.hash != p.hash || p.rows == nil:
			// Another version is in the store: its own Put writes it.
			continue
		}
		sd := p.rows.sd
		for _, e := range p.rows.elements {
			for lex := range e.terms {
				terms[lex] = true
			}
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
			sd.ID, p.hash, st.restricted, sd.Collection, sd.Creator, sd.Type, sd.Year, sd.Decade,
			nullable(sd.Start), nullable(sd.End), nonNil(sd.Languages), nonNil(sd.Persons), nonNil(sd.Categories),
			p.rows.lengths, p.hit, p.pages, sd.Summary)
		b.Queue(`DELETE FROM search_elements WHERE doc_id = $1`, sd.ID)
		b.Queue(`INSERT INTO search_elements (doc_id, n, chunk, terms)
			SELECT $1, n, c, v::tsvector FROM unnest($2::integer[], $3::integer[], $4::text[]) AS t (n, c, v)`,
			sd.ID, p.ns, p.cs, p.vs)
	}
	if len(gone) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM search_docs WHERE id = ANY($1)`, gone); err != nil {
			return err
		}
	}
	if len(terms) > 0 {
		list := slices.Sorted(maps.Keys(terms))
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

// PruneTerms rebuilds the vocabulary that prefixes and fuzzy words expand
// to, which Put and Delete only add to: the terms no indexed element has
// (of documents deleted or changed since) are removed, and their number
// returned. It reads every element, as a reindex does, so it is for the end
// of one. Puts wait for it to commit before they add to the vocabulary
// (the table's lock), so that no term they write is removed meanwhile.
func (ix *Index) PruneTerms(ctx context.Context) (int64, error) {
	tx, err := ix.db.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: index prune: %w", translate(err))
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE search_terms IN SHARE MODE`); err != nil {
		return 0, fmt.Errorf("postgres: index prune: %w", translate(err))
	}
	tag, err := tx.Exec(ctx, `WITH used AS MATERIALIZED (
			SELECT word COLLATE "C" AS word FROM ts_stat('SELECT terms FROM search_elements')
		)
		DELETE FROM search_terms t WHERE NOT EXISTS (SELECT 1 FROM used WHERE used.word = t.term)`)
	if err != nil {
		return 0, fmt.Errorf("postgres: index prune: %w", translate(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("postgres: index prune: %w", translate(err))
	}
	return tag.RowsAffected(), nil
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
