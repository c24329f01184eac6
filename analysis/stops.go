package analysis

import (
	banalysis "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// The stop words. The stemmed fields leave out the stop words, which
// are most of any text and find every document, so a query of only stop
// words ("еще", "to be or not to be") found nothing in them, and a phrase
// read a stop word in it as any word.
//
// An index keeps them in a stops field, which indexes the stop words of each page alone, each at its
// position in the page, so that such a query finds the documents that write
// them, as a phrase when it is one, and a phrase of other words too finds
// only the documents that write its stop words in its order. Indexing the
// pairs of neighbouring words that hold a stop word instead (Lucene's
// common grams), which would also tell where each stop word stands among
// the other words, made the index a fifth larger and its import twice as
// slow on the synthetic corpus; the stop words alone add 4 %.
const (
	// stopsFilterName is the token filter that keeps only the stop words.
	stopsFilterName = "fonds_stops"
)

func init() {
	err := registry.RegisterTokenFilter(stopsFilterName, func(_ map[string]interface{}, cache *registry.Cache) (banalysis.TokenFilter, error) {
		stop, err := stopWords(cache)
		if err != nil {
			return nil, err
		}
		return stopsFilter{stop}, nil
	})
	if err != nil {
		panic("analysis: register: " + err.Error())
	}
}

// stopsFilter keeps the tokens that are stop words; the others leave gaps
// in the positions, which a phrase reads as any word.
type stopsFilter struct {
	stop banalysis.TokenMap
}

func (f stopsFilter) Filter(input banalysis.TokenStream) banalysis.TokenStream {
	out := input[:0]
	for _, tok := range input {
		if f.stop[string(tok.Term)] {
			out = append(out, tok)
		}
	}
	return out
}
