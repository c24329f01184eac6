package bleve

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery is a phrase in one field: slot k holds the words any of which
// stands at the k-th position after the first; an empty slot is a word the
// analyzer left out (a stop word), which any word fills. It finds and
// scores the documents bleve's multi-phrase query does, and reads their
// positions faster (see phraseSearcher).
type phraseQuery struct {
	slots [][]string
	field string
	boost float64
}

func newPhraseQuery(slots [][]string, field string, boost float64) *phraseQuery {
	return &phraseQuery{slots: slots, field: field, boost: boost}
}

// Field returns the field searched (bleve's FieldableQuery).
func (q *phraseQuery) Field() string { return q.field }

// SetField sets the field searched (bleve's FieldableQuery).
func (q *phraseQuery) SetField(f string) { q.field = f }

// Searcher returns the searcher of the phrase. A phrase of one word is the
// word: its positions are read only if the search asks for them.
func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if len(q.slots) == 0 || len(q.slots[0]) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	if len(q.slots) == 1 {
		return q.slotSearcher(ctx, r, q.slots[0], options)
	}
	// The slots' searchers score the documents that have every word,
	// without reading positions; the positions are read by readers of
	// their own, and only for those documents.
	scoring := options
	scoring.IncludeTermVectors = false
	s := &phraseSearcher{locations: options.IncludeTermVectors, slotOf: make([]int, len(q.slots))}
	// Slots of the same words share a searcher: "committee committee"
	// reads committee once.
	shared := make(map[string]int)
	terms := make(map[string]int)
	for k, words := range q.slots {
		s.slotOf[k] = -1
		if len(words) == 0 {
			continue
		}
		key := strings.Join(words, "\x00")
		i, ok := shared[key]
		if !ok {
			ws, err := q.slotSearcher(ctx, r, words, scoring)
			if err != nil {
				s.Close()
				return nil, err
			}
			i = len(s.searchers)
			shared[key] = i
			s.searchers = append(s.searchers, ws)
			s.offsets = append(s.offsets, nil)
			for _, w := range words {
				j, ok := terms[w]
				if !ok {
					// A reader of positions counts against bleve's bound on
					// the terms of one search, as a term searcher does.
					if err := search.RecordTermSearcher(ctx); err != nil {
						s.Close()
						return nil, err
					}
					tr, err := r.TermFieldReader(ctx, []byte(w), q.field, true, true, true)
					if err != nil {
						s.Close()
						return nil, err
					}
					j = len(s.terms)
					terms[w] = j
					s.terms = append(s.terms, &phraseTerm{word: w, reader: tr})
				}
				if !slices.Contains(s.terms[j].groups, i) {
					s.terms[j].groups = append(s.terms[j].groups, i)
				}
			}
		}
		s.slotOf[k] = i
		s.offsets[i] = append(s.offsets[i], uint64(k))
	}
	s.currs = make([]*search.DocumentMatch, len(s.searchers))
	s.at = make([][]uint64, len(s.searchers))
	s.SetQueryNorm(1 / math.Sqrt(s.Weight()))
	return s, nil
}

// slotSearcher returns the searcher of the words of one slot, as bleve's
// multi-phrase searcher builds it, so that the scores are the same.
func (q *phraseQuery) slotSearcher(ctx context.Context, r index.IndexReader, words []string, options search.SearcherOptions) (search.Searcher, error) {
	if len(words) == 1 {
		return searcher.NewTermSearcher(ctx, r, words[0], q.field, q.boost, options)
	}
	var ts []search.Searcher
	for _, w := range words {
		s, err := searcher.NewTermSearcher(ctx, r, w, q.field, q.boost, options)
		if err != nil {
			for _, s := range ts {
				s.Close()
			}
			return nil, err
		}
		ts = append(ts, s)
	}
	return searcher.NewDisjunctionSearcher(ctx, r, ts, 1, options)
}

// phraseSearcher finds the documents that have the words of a phrase side
// by side in one element of the field, and scores them as bleve's phrase
// searcher does: the sum of the scores of the words of each slot.
//
// Bleve's phrase searcher reads a conjunction of the words with their
// positions, which copies the positions of every word of every document
// that has them all into one list, then builds a map of them and sorts it;
// for a phrase of common words that was most of its time. This one finds
// the documents that have every word with searchers that read no
// positions, then reads the positions of the words in those documents
// only, each as one number, sorted, and looks each slot's next up in them.
type phraseSearcher struct {
	// locations tells whether the search asks for the positions of the
	// matches, which the snippets mark.
	locations bool
	// searchers score the words of the slots, one for the slots of the
	// same words; slotOf gives each slot's, -1 for a slot any word fills,
	// and offsets each searcher's slots.
	searchers []search.Searcher
	slotOf    []int
	offsets   [][]uint64
	// terms are the words of the phrase, each with the reader of its
	// positions.
	terms []*phraseTerm
	// currs is each searcher's match at hand, nil when it has no more.
	currs       []*search.DocumentMatch
	initialized bool
	// at holds, for each searcher, the positions of its words in the
	// document at hand (see posKey), sorted; starts, those a phrase starts
	// at.
	at     [][]uint64
	starts []uint64
}

// phraseTerm is a word of a phrase and the reader of its positions, which
// moves only forward, to the documents the searchers stand at.
type phraseTerm struct {
	word   string
	reader index.TermFieldReader
	doc    index.TermFieldDoc
	at     *index.TermFieldDoc // where the reader stands; nil before its first
	done   bool                // the reader has no more documents
	groups []int               // the searchers of the slots that hold the word
}

// read returns the positions of the word in the document id, or nil.
func (t *phraseTerm) read(id index.IndexInternalID) ([]*index.TermFieldVector, error) {
	if t.done {
		return nil, nil
	}
	if t.at == nil || t.at.ID.Compare(id) < 0 {
		var err error
		if t.at, err = t.reader.Advance(id, t.doc.Reset()); err != nil {
			return nil, err
		}
		if t.at == nil {
			t.done = true
			return nil, nil
		}
	}
	if t.at.ID.Compare(id) != 0 {
		return nil, nil
	}
	return t.at.Vectors, nil
}

// posKey returns a position and the element of the field it is in as one
// number, which the next position of the element follows. Every array
// field of the index has at most one array position; a location with more
// cannot be part of a phrase.
func posKey(v *index.TermFieldVector) (uint64, bool) {
	const posBits = 32
	var element uint64
	switch len(v.ArrayPositions) {
	case 0:
	case 1:
		element = v.ArrayPositions[0] + 1
	default:
		return 0, false
	}
	if v.Pos >= 1<<posBits || element >= 1<<(64-posBits) {
		return 0, false
	}
	return element<<posBits | v.Pos, true
}

// match returns the match of the document at which every searcher stands
// if it has the phrase, with the positions of the phrase's words where they
// make the phrase if the search asks for them, or nil.
func (s *phraseSearcher) match() (*search.DocumentMatch, error) {
	id := s.currs[0].IndexInternalID
	for i := range s.at {
		s.at[i] = s.at[i][:0]
	}
	for _, t := range s.terms {
		vs, err := t.read(id)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if key, ok := posKey(v); ok {
				for _, i := range t.groups {
					s.at[i] = append(s.at[i], key)
				}
			}
		}
	}
	for i := range s.at {
		slices.Sort(s.at[i])
	}
	s.starts = s.starts[:0]
next:
	for _, start := range s.at[s.slotOf[0]] {
		if len(s.starts) > 0 && s.starts[len(s.starts)-1] == start {
			continue
		}
		for k := 1; k < len(s.slotOf); k++ {
			if i := s.slotOf[k]; i >= 0 {
				if _, found := slices.BinarySearch(s.at[i], start+uint64(k)); !found {
					continue next
				}
			}
		}
		s.starts = append(s.starts, start)
	}
	if len(s.starts) == 0 {
		return nil, nil
	}

	rv := s.currs[0]
	var sum float64
	var expl []*search.Explanation
	for _, i := range s.slotOf {
		if i >= 0 {
			sum += s.currs[i].Score
			if s.currs[i].Expl != nil {
				expl = append(expl, s.currs[i].Expl)
			}
		}
	}
	rv.Score = sum
	if len(expl) > 0 {
		rv.Expl = &search.Explanation{Value: sum, Message: "sum of:", Children: expl}
	}
	if s.locations {
		s.locate(rv)
	}
	return rv, nil
}

// locate sets the locations of the match to those of the phrase's words
// where they make the phrase. Each keeps array positions of its own, in
// the backing array of the location it writes over, as bleve's scorers
// do: they reuse them when the match is used again.
func (s *phraseSearcher) locate(rv *search.DocumentMatch) {
	ftls := rv.FieldTermLocations[:0]
	for _, t := range s.terms {
		if t.at == nil || t.at.ID.Compare(rv.IndexInternalID) != 0 {
			continue
		}
		for _, v := range t.at.Vectors {
			if !s.onPhrase(t, v) {
				continue
			}
			var ap search.ArrayPositions
			if n := len(ftls); n < cap(ftls) {
				ap = ftls[:n+1][n].Location.ArrayPositions[:0]
			}
			ftls = append(ftls, search.FieldTermLocation{
				Field: v.Field,
				Term:  t.word,
				Location: search.Location{
					Pos:            v.Pos,
					Start:          v.Start,
					End:            v.End,
					ArrayPositions: append(ap, v.ArrayPositions...),
				},
			})
		}
	}
	rv.FieldTermLocations = ftls
}

// onPhrase reports whether a position of the word t is where it makes the
// phrase.
func (s *phraseSearcher) onPhrase(t *phraseTerm, v *index.TermFieldVector) bool {
	key, ok := posKey(v)
	if !ok {
		return false
	}
	for _, i := range t.groups {
		for _, k := range s.offsets[i] {
			if _, found := slices.BinarySearch(s.starts, key-k); found {
				return true
			}
		}
	}
	return false
}

// Next returns the next document that has the phrase, as bleve's
// conjunction searcher finds the next that has all its words.
func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	for {
		// The searchers behind the furthest are brought up to it.
		var last index.IndexInternalID
		for _, c := range s.currs {
			if c == nil {
				return nil, nil
			}
			if last == nil || c.IndexInternalID.Compare(last) > 0 {
				last = c.IndexInternalID
			}
		}
		behind := false
		for i, c := range s.currs {
			if c.IndexInternalID.Compare(last) < 0 {
				behind = true
				if err := s.advance(ctx, i, last); err != nil {
					return nil, err
				}
				if s.currs[i] == nil {
					return nil, nil
				}
			}
		}
		if behind {
			continue
		}
		rv, err := s.match()
		if err != nil {
			return nil, err
		}
		for i, ws := range s.searchers {
			if s.currs[i] != rv {
				ctx.DocumentMatchPool.Put(s.currs[i])
			}
			var err error
			if s.currs[i], err = ws.Next(ctx); err != nil {
				return nil, err
			}
		}
		if rv != nil {
			return rv, nil
		}
	}
}

// start sets every searcher on its first match, once.
func (s *phraseSearcher) start(ctx *search.SearchContext) error {
	if s.initialized {
		return nil
	}
	s.initialized = true
	for i, ws := range s.searchers {
		var err error
		if s.currs[i], err = ws.Next(ctx); err != nil {
			return err
		}
	}
	return nil
}

// advance moves searcher i to the first document at or after id.
func (s *phraseSearcher) advance(ctx *search.SearchContext, i int, id index.IndexInternalID) error {
	ctx.DocumentMatchPool.Put(s.currs[i])
	var err error
	s.currs[i], err = s.searchers[i].Advance(ctx, id)
	return err
}

// Advance returns the first document at or after id that has the phrase.
func (s *phraseSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	for i, c := range s.currs {
		if c == nil {
			return nil, nil
		}
		if c.IndexInternalID.Compare(id) < 0 {
			if err := s.advance(ctx, i, id); err != nil {
				return nil, err
			}
		}
	}
	return s.Next(ctx)
}

func (s *phraseSearcher) Close() error {
	var first error
	for _, ws := range s.searchers {
		if err := ws.Close(); err != nil && first == nil {
			first = err
		}
	}
	for _, t := range s.terms {
		if err := t.reader.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Weight is the sum of the weights of the slots' words, as a conjunction
// of them weighs.
func (s *phraseSearcher) Weight() float64 {
	var w float64
	s.bySlot(func(ws search.Searcher) { w += ws.Weight() })
	return w
}

func (s *phraseSearcher) SetQueryNorm(norm float64) {
	for _, ws := range s.searchers {
		ws.SetQueryNorm(norm)
	}
}

// Count returns the matches of the slots' words, which bounds those of the
// phrase, as bleve's phrase searcher does.
func (s *phraseSearcher) Count() uint64 {
	var n uint64
	s.bySlot(func(ws search.Searcher) { n += ws.Count() })
	return n
}

// bySlot calls f with the searcher of each slot a word fills: a searcher
// of several slots once for each, as a conjunction of the slots counts it.
func (s *phraseSearcher) bySlot(f func(search.Searcher)) {
	for _, i := range s.slotOf {
		if i >= 0 {
			f(s.searchers[i])
		}
	}
}

func (s *phraseSearcher) Min() int { return 0 }

func (s *phraseSearcher) Size() int {
	n := 0
	for _, ws := range s.searchers {
		n += ws.Size()
	}
	for _, t := range s.terms {
		n += t.reader.Size()
	}
	for _, at := range s.at {
		n += 8 * cap(at)
	}
	return n + 8*cap(s.starts)
}

func (s *phraseSearcher) DocumentMatchPoolSize() int {
	n := len(s.currs)
	for _, ws := range s.searchers {
		n += ws.DocumentMatchPoolSize()
	}
	return n
}
