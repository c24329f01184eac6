// Package analysis owns the analysis of texts that every search index of
// fonds shares: the words tokenizer, the names, transliteration and stop
// word filters, the stop words, and the chains of them that read English,
// Russian, other languages, names and transliteration keys (see Set). The
// embedded index (package bleve) registers them under these names and
// indexes with them; the PostgreSQL index runs the same chains in Go, so
// that both read a text and a query alike. It is built on bleve's analysis
// library (tokenizers, Snowball stemmers), not on its index.
//
// It also owns what both make of the matches of a search in a text: the
// best passage, cut at word boundaries, with the matches marked (see
// Passage), and the boosts by which both rank the fields.
package analysis

import (
	"bytes"
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"

	banalysis "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/registry"

	"fonds/translit"
)

// The names of the analysis pieces this package registers with bleve's
// registry. The mapping stored with a bleve index refers to them by name, so
// they must be registered (by this package's init) before an index is
// opened, and keep their names.
const (
	YoFilterName       = "fonds_yo"       // char filter: ё → е
	namesFilterName    = "fonds_names"    // token filter: capitalized words → name keys
	translitFilterName = "fonds_translit" // token filter: every word → its transliteration key
	// token filter: every word of an English text → its transliteration
	// key, unless the key is the word's term in the English field
	translitEnFilterName = "fonds_translit_en"
	wordsTokenizerName   = "fonds_words"       // tokenizer: runs of letters and digits
	namesTokenizerName   = "fonds_capitalized" // tokenizer: the words of fonds_words that begin with a capital
	cachedFilterType     = "fonds_cached"      // token filter: other filters, their results remembered
)

func init() {
	must := func(err error) {
		if err != nil {
			panic("analysis: register: " + err.Error())
		}
	}
	must(registry.RegisterCharFilter(YoFilterName, func(map[string]interface{}, *registry.Cache) (banalysis.CharFilter, error) {
		return yoFilter{}, nil
	}))
	must(registry.RegisterTokenFilter(namesFilterName, func(_ map[string]interface{}, cache *registry.Cache) (banalysis.TokenFilter, error) {
		stop, err := stopWords(cache)
		if err != nil {
			return nil, err
		}
		return &namesFilter{stop: stop, cache: newKeyCache()}, nil
	}))
	must(registry.RegisterTokenFilter(translitFilterName, func(_ map[string]interface{}, cache *registry.Cache) (banalysis.TokenFilter, error) {
		stop, err := stopWords(cache)
		if err != nil {
			return nil, err
		}
		return &translitFilter{stop: stop, cache: newKeyCache()}, nil
	}))
	must(registry.RegisterTokenFilter(translitEnFilterName, func(_ map[string]interface{}, cache *registry.Cache) (banalysis.TokenFilter, error) {
		stop, err := stopWords(cache)
		if err != nil {
			return nil, err
		}
		english, err := cache.TokenFilterNamed(filtersEnglish)
		if err != nil {
			return nil, err
		}
		return &translitEnFilter{translitFilter{stop: stop, cache: newKeyCache()}, english}, nil
	}))
	must(registry.RegisterTokenFilter(cachedFilterType, newCachedFilter))
	must(registry.RegisterTokenizer(wordsTokenizerName, func(map[string]interface{}, *registry.Cache) (banalysis.Tokenizer, error) {
		return WordsTokenizer{}, nil
	}))
	must(registry.RegisterTokenizer(namesTokenizerName, func(map[string]interface{}, *registry.Cache) (banalysis.Tokenizer, error) {
		return WordsTokenizer{Capitalized: true}, nil
	}))
}

// stopWords returns the English and Russian stop words: capitalized at the
// start of a sentence ("The", "На"), they are not names.
func stopWords(cache *registry.Cache) (banalysis.TokenMap, error) {
	words := make(banalysis.TokenMap)
	for _, name := range []string{en.StopName, ru.StopName} {
		m, err := cache.TokenMapNamed(name)
		if err != nil {
			return nil, err
		}
		for w := range m {
			words[w] = true
		}
	}
	return words, nil
}

// yoFilter writes ё as е, as Russian print mostly does, so that a text and
// a query agree whichever they use. Both letters take two bytes in UTF-8, so
// the offsets of the terms in the text are unchanged.
type yoFilter struct{}

var (
	smallYo = []byte("ё")
	capYo   = []byte("Ё")
)

func (yoFilter) Filter(input []byte) []byte {
	if !bytes.Contains(input, smallYo) && !bytes.Contains(input, capYo) {
		return input
	}
	// The input is the stored value of the field: change a copy.
	out := bytes.Clone(input)
	out = bytes.ReplaceAll(out, smallYo, []byte("е"))
	return bytes.ReplaceAll(out, capYo, []byte("Е"))
}

// namesFilter keeps the capitalized words of a text, the names it may hold,
// and replaces each with its name key (see translit.NameKey).
type namesFilter struct {
	stop  banalysis.TokenMap
	cache *keyCache
}

func (f *namesFilter) Filter(input banalysis.TokenStream) banalysis.TokenStream {
	out := input[:0]
	for _, tok := range input {
		r, _ := utf8.DecodeRune(tok.Term)
		if !unicode.IsUpper(r) {
			continue
		}
		key := f.cache.get(tok.Term, f.key)
		if len(key) == 0 {
			continue
		}
		tok.Term = key
		out = append(out, tok)
	}
	return out
}

// key returns the name key of a capitalized word, or "" for a stop word.
func (f *namesFilter) key(word string) string {
	w := translit.TrimPossessive(translit.Fold(word))
	if f.stop[w] {
		return ""
	}
	return translit.LemmaKey(w)
}

// translitFilter replaces every word but the stop words with its
// transliteration key. The stop words leave gaps in the positions, as in
// the stemmed fields, so that phrases still match.
type translitFilter struct {
	stop  banalysis.TokenMap
	cache *keyCache
}

func (f *translitFilter) Filter(input banalysis.TokenStream) banalysis.TokenStream {
	return replaceTerms(input, f.cache, f.key)
}

// translitEnFilter is the translitFilter of English text, which leaves out
// the words whose transliteration key is the term the English field indexes
// them by (report, dissident, Brezhnev): the English field finds them by
// that key as well (see the query builders of the indexes). Most English words are such; the
// keys left are those of words the stemmer or the key changes (committee,
// exile), and of romanized names spelled otherwise than their key.
type translitEnFilter struct {
	translitFilter
	english banalysis.TokenFilter // the filters of the English field
}

func (f *translitEnFilter) Filter(input banalysis.TokenStream) banalysis.TokenStream {
	return replaceTerms(input, f.cache, f.key)
}

// key returns the transliteration key of a word, or "" for a stop word or a
// word whose key is its English term.
func (f *translitEnFilter) key(word string) string {
	k := f.translitFilter.key(word)
	if k == "" {
		return ""
	}
	var term string
	if c, ok := f.english.(*cachedFilter); ok {
		term = c.apply(word)
	} else {
		stream := f.english.Filter(banalysis.TokenStream{{Term: []byte(word), Type: banalysis.AlphaNumeric}})
		if len(stream) == 1 {
			term = string(stream[0].Term)
		}
	}
	if term == k {
		return ""
	}
	return k
}

// replaceTerms replaces each term of input with what fn makes of it (through
// the cache), dropping those fn makes empty.
func replaceTerms(input banalysis.TokenStream, cache *keyCache, fn func(string) string) banalysis.TokenStream {
	out := input[:0]
	for _, tok := range input {
		term := cache.get(tok.Term, fn)
		if len(term) == 0 {
			continue
		}
		tok.Term = term
		out = append(out, tok)
	}
	return out
}

// key returns the transliteration key of a word, or "" for a stop word.
func (f *translitFilter) key(word string) string {
	w := translit.Fold(word)
	if f.stop[w] {
		return ""
	}
	return translit.Key(w)
}

// keyCache remembers the keys of the words of the texts: the words of a
// language are few and repeat, and their keys cost more than a look-up.
// Analysis runs on several goroutines, which share the cache.
type keyCache struct {
	mu   sync.RWMutex
	keys map[string][]byte
}

// keyCacheSize bounds the words a keyCache holds; it starts again when full.
const keyCacheSize = 100000

func newKeyCache() *keyCache {
	return &keyCache{keys: make(map[string][]byte)}
}

// get returns the key of word, computing it with key on the first call.
// The slice returned is shared: it must not be changed.
func (c *keyCache) get(word []byte, key func(string) string) []byte {
	c.mu.RLock()
	k, ok := c.keys[string(word)]
	c.mu.RUnlock()
	if ok {
		return k
	}
	k = []byte(key(string(word)))
	c.mu.Lock()
	if len(c.keys) >= keyCacheSize {
		c.keys = make(map[string][]byte)
	}
	c.keys[string(word)] = k
	c.mu.Unlock()
	return k
}

// cachedFilter applies token filters that treat each token on its own
// (lower case, stop words, stemming), and remembers what they make of each
// word: a text repeats its words, and a stemmer costs more than a look-up.
type cachedFilter struct {
	filters []banalysis.TokenFilter
	cache   *keyCache
}

// newCachedFilter returns the cachedFilter of the token filters named by
// the list config["filters"].
func newCachedFilter(config map[string]interface{}, cache *registry.Cache) (banalysis.TokenFilter, error) {
	names, _ := config["filters"].([]interface{})
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no filters", cachedFilterType)
	}
	f := &cachedFilter{cache: newKeyCache()}
	for _, n := range names {
		name, ok := n.(string)
		if !ok {
			return nil, fmt.Errorf("%s: filter name %v is not a string", cachedFilterType, n)
		}
		tf, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		f.filters = append(f.filters, tf)
	}
	return f, nil
}

func (f *cachedFilter) Filter(input banalysis.TokenStream) banalysis.TokenStream {
	return replaceTerms(input, f.cache, f.apply)
}

// apply returns what the filters make of a word, or "" if they drop it.
func (f *cachedFilter) apply(word string) string {
	stream := banalysis.TokenStream{{Term: []byte(word), Type: banalysis.AlphaNumeric}}
	for _, tf := range f.filters {
		stream = tf.Filter(stream)
		if len(stream) == 0 {
			return ""
		}
	}
	return string(stream[0].Term)
}

// WordsTokenizer splits a text into runs of letters, marks and digits,
// keeping an apostrophe or prime between letters (Sakharov's, Gor'kii,
// Belʹskii) inside the word. It is a fraction of the cost of the Unicode
// word segmentation of the stemmed fields, and the names and translit
// fields, which read every word of the text again, need no more.
//
// With Capitalized set, it returns only the words that begin with a capital
// letter, the only ones the names field keeps, numbered among all the words
// so that names written side by side have adjacent positions.
type WordsTokenizer struct {
	Capitalized bool
}

// Tokenize returns the words of input.
func (t WordsTokenizer) Tokenize(input []byte) banalysis.TokenStream {
	var store []banalysis.Token
	if !t.Capitalized {
		store = make([]banalysis.Token, 0, len(input)/8)
	}
	start := -1
	pos := 0
	emit := func(end int) {
		pos++
		if t.Capitalized {
			r, _ := utf8.DecodeRune(input[start:])
			if !unicode.IsUpper(r) {
				start = -1
				return
			}
		}
		store = append(store, banalysis.Token{
			Start:    start,
			End:      end,
			Term:     input[start:end],
			Position: pos,
			Type:     banalysis.AlphaNumeric,
		})
		start = -1
	}
	for i := 0; i < len(input); {
		c := input[i]
		if c < utf8.RuneSelf {
			// ASCII, most of an English text: no decoding.
			switch {
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
				if start < 0 {
					start = i
				}
			case c == '\'' && start >= 0 && i+1 < len(input) && isLetterAt(input, i+1):
			case start >= 0:
				emit(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(input[i:])
		switch {
		case translit.IsWordRune(r):
			if start < 0 {
				start = i
			}
		case start >= 0 && IsApostrophe(r) && i+size < len(input) && isLetterAt(input, i+size):
		case start >= 0:
			emit(i)
		}
		i += size
	}
	if start >= 0 {
		emit(len(input))
	}
	out := make(banalysis.TokenStream, len(store))
	for i := range store {
		out[i] = &store[i]
	}
	return out
}

// isLetterAt reports whether a letter starts at input[i].
func isLetterAt(input []byte, i int) bool {
	r, _ := utf8.DecodeRune(input[i:])
	return unicode.IsLetter(r)
}

// IsApostrophe reports whether r is one of the apostrophes that join two
// letters into one word.
func IsApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ'
}
