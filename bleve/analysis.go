package bleve

import (
	"fonds/analysis"
)

// The analysis of texts is package analysis's, which every index shares; its
// init registers its pieces with bleve's registry under the names the
// mappings of existing indexes refer to.
const (
	analyzerEnglish    = analysis.English
	analyzerRussian    = analysis.Russian
	analyzerPlain      = analysis.Plain
	analyzerNames      = analysis.Names
	analyzerTranslit   = analysis.Translit
	analyzerTranslitEn = analysis.TranslitEn
	analyzerLower      = analysis.Lower
	analyzerStops      = analysis.Stops
)
