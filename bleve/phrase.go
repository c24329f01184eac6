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
	options.IncludeTermVectors = true
	s := &phraseSearcher{options: options, slotOf: make([]int, len(q.slots))}
	// Slots of the same words share a searcher: "committee committee"
	// reads the positions of committee once.
	shared := make(map[string]int)
	for k, words := range q.slots {
		s.slotOf[k] = -1
		if len(words) == 0 {
			continue
		}
		key := strings.Join(words, "\x00")
		i, ok := shared[key]
		if !ok {
			ws, err := q.slotSearcher(ctx, r, words, options)
			if err != nil {
				s.Close()
				return nil, err
			}
			i = len(s.searchers)
			shared[key] = i
			s.searchers = append(s.searchers, ws)
			s.offsets = append(s.offsets, nil)
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
// Bleve's phrase searcher reads a conjunction of the words, which copies the
// positions of every word of every document it reads into one list, then
// builds a map of them and sorts it to take out those two searchers both
// read; for a phrase of common words that was most of its time. This one
// reads the positions of each slot's words as its searcher gives them,
// each as one number, sorted, and looks each slot's next up in them; only
// the positions of a document that has the phrase are copied.
type phraseSearcher struct {
	options search.SearcherOptions
	// searchers are the searchers of the words of the slots, one for the
	// slots of the same words; slotOf gives each slot's, -1 for a slot any
	// word fills, and offsets each searcher's slots.
	searchers []search.Searcher
	slotOf    []int
	offsets   [][]uint64
	// currs is each searcher's match at hand, nil when it has no more.
	currs       []*search.DocumentMatch
	initialized bool
	// at holds, for each searcher, the positions of its words in the
	// document at hand (see posKey), sorted; starts, those a phrase starts
	// at.
	at     [][]uint64
	starts []uint64
}

// posKey returns a position and the element of the field it is in as one
// number, which the next position of the element follows. Every array
// field of the index has at most one array position; a location with more
// cannot be part of a phrase.
func posKey(l *search.Location) (uint64, bool) {
	const posBits = 32
	var element uint64
	switch len(l.ArrayPositions) {
	case 0:
	case 1:
		element = l.ArrayPositions[0] + 1
	default:
		return 0, false
	}
	if l.Pos >= 1<<posBits || element >= 1<<(64-posBits) {
		return 0, false
	}
	return element<<posBits | l.Pos, true
}

// match returns the match of the document at which every searcher stands
// if it has the phrase, with the positions of the phrase's words where they
// make the phrase, which the snippets mark, or nil.
func (s *phraseSearcher) match() *search.DocumentMatch {
	for i, c := range s.currs {
		s.at[i] = s.at[i][:0]
		for j := range c.FieldTermLocations {
			if key, ok := posKey(&c.FieldTermLocations[j].Location); ok {
				s.at[i] = append(s.at[i], key)
			}
		}
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
		return nil
	}

	rv := s.currs[0]
	var sum float64
	var expl []*search.Explanation
	for _, i := range s.slotOf {
		if i >= 0 {
			sum += s.currs[i].Score
			if s.options.Explain {
				expl = append(expl, s.currs[i].Expl)
			}
		}
	}
	// The locations of the first searcher kept are swapped to the front,
	// not copied: bleve's scorers reuse each location's array positions
	// when the match is used again, and two locations sharing theirs
	// would overwrite each other's. Those of the other searchers are
	// copied, with their array positions.
	n := 0
	for i, c := range s.currs {
		for j := range c.FieldTermLocations {
			ftl := &c.FieldTermLocations[j]
			if !s.onPhrase(i, ftl) {
				continue
			}
			if i == 0 {
				rv.FieldTermLocations[n], rv.FieldTermLocations[j] = rv.FieldTermLocations[j], rv.FieldTermLocations[n]
				n++
				continue
			}
			// Written over one of the first searcher's left out, whose
			// array positions it takes.
			if n == len(rv.FieldTermLocations) {
				rv.FieldTermLocations = append(rv.FieldTermLocations, search.FieldTermLocation{})
			}
			loc := &rv.FieldTermLocations[n]
			ap := append(loc.Location.ArrayPositions[:0], ftl.Location.ArrayPositions...)
			*loc = *ftl
			loc.Location.ArrayPositions = ap
			n++
		}
	}
	rv.FieldTermLocations = rv.FieldTermLocations[:n]
	rv.Score = sum
	if s.options.Explain {
		rv.Expl = &search.Explanation{Value: sum, Message: "sum of:", Children: expl}
	}
	return rv
}

// onPhrase reports whether a location of searcher i's words is where they
// make the phrase.
func (s *phraseSearcher) onPhrase(i int, ftl *search.FieldTermLocation) bool {
	key, ok := posKey(&ftl.Location)
	if !ok {
		return false
	}
	for _, k := range s.offsets[i] {
		if _, found := slices.BinarySearch(s.starts, key-k); found {
			return true
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
		rv := s.match()
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
	return first
}

// Weight is the sum of the weights of the slots' words, as a conjunction
// of them weighs.
func (s *phraseSearcher) Weight() float64 {
	var w float64
	for _, i := range s.slotOf {
		if i >= 0 {
			w += s.searchers[i].Weight()
		}
	}
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
	for _, i := range s.slotOf {
		if i >= 0 {
			n += s.searchers[i].Count()
		}
	}
	return n
}

func (s *phraseSearcher) Min() int { return 0 }

func (s *phraseSearcher) Size() int {
	n := 0
	for _, ws := range s.searchers {
		n += ws.Size()
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
