package bleve

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// The bounds of what the prefixes and fuzzy words of one query stand for.
// A prefix of two letters begins thousands of the words of an archive, and
// a query may hold 64 of them, each searched in a dozen fields: searched
// whole, such a query holds hundreds of thousands of terms, and takes
// seconds of CPU and gigabytes of memory.
const (
	// DefaultMaxExpansion is the default of Index.MaxExpansion.
	DefaultMaxExpansion = 2048
	// maxPerExpansion bounds the words of one prefix or fuzzy word in one
	// field, however few the query has.
	maxPerExpansion = 512
	// scanPerTerm is how many words of the dictionary a query may read per
	// word it keeps, to choose the most frequent: reading the dictionary
	// costs little next to searching a word, but it is bounded too.
	scanPerTerm = 64
)

// budget shares the words a query's prefixes and fuzzy words may stand for
// among them: each of the n expansions of the query gets an equal share,
// so that the first prefix of a long query does not leave nothing to the
// others.
type budget struct {
	max int // the words of the whole query
	n   int // the expansions of the query, counted as they are built

	mu   sync.Mutex
	used int  // the words searched
	cut  bool // whether an expansion left out words it matched
}

// share returns how many words one expansion may keep.
func (b *budget) share() int {
	return min(maxPerExpansion, max(1, b.max/max(b.n, 1)))
}

func (b *budget) record(used int, cut bool) {
	b.mu.Lock()
	b.used += used
	b.cut = b.cut || cut
	b.mu.Unlock()
}

// Used returns the number of words the expansions of the query searched,
// and whether any of them left out words it matched.
func (b *budget) Used() (int, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used, b.cut
}

// expansion is a prefix or a fuzzy word in one field, which a query reads
// as the words of the field it matches: at most its share of the budget,
// the nearest and then the most frequent. It stands for bleve's prefix and
// fuzzy queries, which search every word they match.
type expansion struct {
	field     string
	text      string
	fuzziness int // 0 for a prefix
	boost     float64
	budget    *budget
}

// expansion returns the query of a prefix (fuzziness 0) or a fuzzy word,
// and counts it in the budget.
func (b *budget) expansion(field, text string, fuzziness int, boost float64) *expansion {
	b.n++
	return &expansion{field: field, text: text, fuzziness: fuzziness, boost: boost, budget: b}
}

// Field returns the field searched (bleve's FieldableQuery).
func (q *expansion) Field() string { return q.field }

// SetField sets the field searched (bleve's FieldableQuery).
func (q *expansion) SetField(f string) { q.field = f }

// candidate is a word of the dictionary an expansion matches.
type candidate struct {
	term  string
	count uint64
	dist  uint8
}

// Searcher returns the searcher of the words the expansion keeps.
func (q *expansion) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	cands, err := q.expand(r)
	if err != nil {
		return nil, err
	}
	switch {
	case len(cands) == 0:
		return searcher.NewMatchNoneSearcher(r)
	case len(cands) == 1 && (cands[0].term == q.text || q.fuzziness == 0):
		return searcher.NewTermSearcher(ctx, r, cands[0].term, q.field, q.boost, options)
	}
	terms := make([]string, len(cands))
	for i, c := range cands {
		terms[i] = c.term
	}
	if q.fuzziness == 0 {
		return searcher.NewMultiTermSearcher(ctx, r, terms, q.field, q.boost, options, false)
	}
	dists := make([]uint8, len(cands))
	for i, c := range cands {
		dists[i] = c.dist
	}
	return searcher.NewMultiTermSearcherBoosted(ctx, r, terms, q.field, q.boost, dists, options, false)
}

// expand reads the words the expansion matches, up to a bound, and keeps
// its share of them: the nearest (for a fuzzy word), then the most
// frequent, then in order.
func (q *expansion) expand(r index.IndexReader) ([]candidate, error) {
	keep := q.budget.share()
	scan := keep * scanPerTerm
	var dict index.FieldDict
	var err error
	if q.fuzziness > 0 {
		fr, ok := r.(index.IndexReaderFuzzy)
		if !ok {
			// Every bleve index reader is one; keep to the word.
			return []candidate{{term: q.text}}, nil
		}
		dict, _, err = fr.FieldDictFuzzyAutomaton(q.field, q.text, q.fuzziness, "")
	} else {
		dict, err = r.FieldDictPrefix(q.field, []byte(q.text))
	}
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var cands []candidate
	cut := false
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		if len(cands) == scan {
			cut = true
			break
		}
		cands = append(cands, candidate{term: e.Term, count: e.Count, dist: e.EditDistance})
	}
	if len(cands) > keep {
		cut = true
		slices.SortFunc(cands, func(a, b candidate) int {
			switch {
			case a.dist != b.dist:
				return int(a.dist) - int(b.dist)
			case a.count != b.count:
				if a.count > b.count {
					return -1
				}
				return 1
			}
			return strings.Compare(a.term, b.term)
		})
		cands = cands[:keep]
	}
	q.budget.record(len(cands), cut)
	return cands, nil
}
