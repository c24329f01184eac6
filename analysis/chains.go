package analysis

import (
	"fmt"

	banalysis "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// The names of the analyzers (chains of a tokenizer and filters) every
// index reads texts and queries with. A bleve index stores them in its
// mapping: they keep their names.
const (
	English  = "fonds_en"
	Russian  = "fonds_ru"
	Plain    = "fonds_plain"
	Names    = "fonds_names"
	Translit = "fonds_translit"
	// TranslitEn is the translit analyzer of English pages (see
	// translitEnFilter).
	TranslitEn = "fonds_translit_en"
	Lower      = "fonds_lower" // a whole value, lower case
	// Stops keeps the stop words of a text, lower case, ё as е, each at the
	// position the unicode tokenizer of the text fields gives.
	Stops = "fonds_stops"

	// EnglishFilters are the filters of English: possessive, lower case,
	// stop words, Snowball stemmer.
	EnglishFilters = "fonds_en_filters"
	// RussianFilters are those of Russian: lower case, stop words, Snowball
	// stemmer (after the ё of the text is read as е by the char filter).
	RussianFilters = "fonds_ru_filters"
)

// filtersEnglish is the name the translit filter of English pages finds the
// English filters by.
const filtersEnglish = EnglishFilters

// TokenFilters returns the configurations of the token filters the
// analyzers use, by name, each word's result remembered.
func TokenFilters() map[string]map[string]interface{} {
	return map[string]map[string]interface{}{
		EnglishFilters: {
			"type":    cachedFilterType,
			"filters": []interface{}{en.PossessiveName, lowercase.Name, en.StopName, en.SnowballStemmerName},
		},
		RussianFilters: {
			"type":    cachedFilterType,
			"filters": []interface{}{lowercase.Name, ru.StopName, ru.SnowballStemmerName},
		},
	}
}

// Analyzers returns the configurations of the analyzers, by name, which
// use the token filters of TokenFilters.
func Analyzers() map[string]map[string]interface{} {
	return map[string]map[string]interface{}{
		English: {
			"type":          custom.Name,
			"tokenizer":     unicode.Name,
			"token_filters": []string{EnglishFilters},
		},
		Russian: {
			"type":          custom.Name,
			"char_filters":  []string{YoFilterName},
			"tokenizer":     unicode.Name,
			"token_filters": []string{RussianFilters},
		},
		Plain: {
			"type":          custom.Name,
			"tokenizer":     unicode.Name,
			"token_filters": []string{lowercase.Name},
		},
		Names: {
			"type":          custom.Name,
			"tokenizer":     namesTokenizerName,
			"token_filters": []string{namesFilterName},
		},
		Translit: {
			"type":          custom.Name,
			"tokenizer":     wordsTokenizerName,
			"token_filters": []string{translitFilterName},
		},
		TranslitEn: {
			"type":          custom.Name,
			"tokenizer":     wordsTokenizerName,
			"token_filters": []string{translitEnFilterName},
		},
		Stops: {
			"type":          custom.Name,
			"char_filters":  []string{YoFilterName},
			"tokenizer":     unicode.Name,
			"token_filters": []string{lowercase.Name, stopsFilterName},
		},
		Lower: {
			"type":          custom.Name,
			"tokenizer":     single.Name,
			"token_filters": []string{lowercase.Name},
		},
	}
}

// Analyzer is an analyzer of bleve's analysis library.
type Analyzer = banalysis.Analyzer

// Set holds the analyzers, built once: each caches what it makes of the
// words it reads, and is safe to use from several goroutines.
type Set struct {
	English, Russian, Plain, Names, Translit, TranslitEn, Lower, Stops banalysis.Analyzer
}

// New builds the analyzers of Analyzers.
func New() (*Set, error) {
	cache := registry.NewCache()
	for name, config := range TokenFilters() {
		if _, err := cache.DefineTokenFilter(name, config); err != nil {
			return nil, fmt.Errorf("analysis: token filter %s: %w", name, err)
		}
	}
	for name, config := range Analyzers() {
		if _, err := cache.DefineAnalyzer(name, config); err != nil {
			return nil, fmt.Errorf("analysis: analyzer %s: %w", name, err)
		}
	}
	s := &Set{}
	for name, p := range map[string]*banalysis.Analyzer{
		English: &s.English, Russian: &s.Russian, Plain: &s.Plain, Names: &s.Names,
		Translit: &s.Translit, TranslitEn: &s.TranslitEn, Lower: &s.Lower, Stops: &s.Stops,
	} {
		a, err := cache.AnalyzerNamed(name)
		if err != nil {
			return nil, fmt.Errorf("analysis: analyzer %s: %w", name, err)
		}
		*p = a
	}
	return s, nil
}

// Token is a term an analyzer makes of a text: its position among the
// words (from 1) and the byte offsets of the word in the text.
type Token struct {
	Term       string
	Position   int
	Start, End int
}

// Analyze returns the tokens an analyzer makes of text.
func Analyze(a banalysis.Analyzer, text string) []Token {
	if text == "" {
		return nil
	}
	stream := a.Analyze([]byte(text))
	out := make([]Token, len(stream))
	for i, t := range stream {
		out[i] = Token{Term: string(t.Term), Position: t.Position, Start: t.Start, End: t.End}
	}
	return out
}

// Term returns the single term an analyzer makes of a word, or "".
func Term(a banalysis.Analyzer, word string) string {
	toks := a.Analyze([]byte(word))
	if len(toks) != 1 {
		return ""
	}
	return string(toks[0].Term)
}

// StopWord reports whether the word is an English or Russian stop word.
func (s *Set) StopWord(word string) bool {
	return len(s.English.Analyze([]byte(word))) == 0 || len(s.Russian.Analyze([]byte(word))) == 0
}
