package bleve

import (
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight"
	htmlformat "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	simplefragmenter "github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simplehighlighter "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
	index "github.com/blevesearch/bleve_index_api"
)

// The marks the highlighter writes, characters of the private use area that
// clean removes from every indexed text: the start and end of a matching
// term, and around the array position of the fragment (which tells the
// page). They become HTML only after the text is escaped.
const (
	markStart   = "\uE000"
	markEnd     = "\uE001"
	markPage    = "\uE002"
	markPageEnd = "\uE003"
	marks       = markStart + markEnd + markPage + markPageEnd
)

// snippetSize is the length of a snippet, in characters.
const snippetSize = 240

// highlighter is bleve's simple highlighter with its html formatter (which
// escapes the text between the terms), writing the marks above.
var highlighter = simplehighlighter.NewHighlighter(
	simplefragmenter.NewFragmenter(snippetSize),
	pageFormatter{htmlformat.NewFragmentFormatter(markStart, markEnd)},
	"…",
)

// pageFormatter writes the array position of the fragment before it, which
// the highlighter's output otherwise loses.
type pageFormatter struct {
	html highlight.FragmentFormatter
}

func (f pageFormatter) Format(frag *highlight.Fragment, locs highlight.TermLocations) string {
	pos := ""
	if len(frag.ArrayPositions) > 0 {
		pos = markPage + strconv.FormatUint(frag.ArrayPositions[0], 10) + markPageEnd
	}
	return pos + f.html.Format(frag, locs)
}

// textFields are the fields whose elements line up with the stored text
// and keep the offsets of their terms.
var textFields = []string{fieldEnglish, fieldRussian, fieldOther, fieldNames}

// translitKeys are the terms and prefixes a search looked for in the
// translit field, which keeps no offsets: a snippet finds them again in the
// text.
type translitKeys struct {
	terms, prefixes []string
}

func (k translitKeys) match(term string) bool {
	if slices.Contains(k.terms, term) {
		return true
	}
	for _, p := range k.prefixes {
		if p != "" && strings.HasPrefix(term, p) {
			return true
		}
	}
	return false
}

// snippet returns the best passage of the document for the match, with its
// terms marked, and the number of its page (0 when it is not on a page).
// The locations of every field that indexes the page texts are gathered on
// the stored text, so that a match of a name key or a transliteration is
// marked on the word as written.
//
// A document found only by the transliteration of a word has its text
// analyzed again to mark the words of that key; a document found by none of
// its words (by a filter, a reference) gets the beginning of its text.
func snippet(dm *search.DocumentMatch, h *hitData, translit analysis.Analyzer, keys translitKeys) (string, int, error) {
	pages := len(h.Pages)
	onText := make(search.TermLocationMap)
	onSummary := make(search.TermLocationMap)
	for _, field := range textFields {
		for term, locs := range dm.Locations[field] {
			for _, l := range locs {
				if len(l.ArrayPositions) != 1 {
					continue
				}
				switch k := int(l.ArrayPositions[0]); {
				case k < pages:
					onText[field+" "+term] = append(onText[field+" "+term], l)
				case k == pages+1 && field == fieldNames:
					// The summary, as the names and translit fields hold
					// it after the pages (see documentOf).
					c := *l
					c.ArrayPositions = nil
					onSummary[field+" "+term] = append(onSummary[field+" "+term], &c)
				}
			}
		}
	}
	for term, locs := range dm.Locations[fieldSummary] {
		onSummary[fieldSummary+" "+term] = append(onSummary[fieldSummary+" "+term], locs...)
	}
	// The pages to decompress: up to the last page with a match, since the
	// pages after it, which score nothing, cannot change the best fragment;
	// none if only the summary matched; all if nothing did.
	need := -1
	switch {
	case len(onText) > 0:
		need = 0
		for _, locs := range onText {
			for _, l := range locs {
				need = max(need, int(l.ArrayPositions[0])+1)
			}
		}
	case len(onSummary) > 0:
		need = 0
	}
	doc, err := snippetSource(dm, need)
	if err != nil {
		return "", 0, err
	}
	if len(onText) == 0 && len(onSummary) == 0 && (len(keys.terms) > 0 || len(keys.prefixes) > 0) {
		doc.VisitFields(func(f index.Field) {
			if f.Name() != fieldText {
				return
			}
			for _, tok := range translit.Analyze(f.Value()) {
				if keys.match(string(tok.Term)) {
					onText[fieldTranslit] = append(onText[fieldTranslit], &search.Location{
						Pos:            uint64(tok.Position),
						Start:          uint64(tok.Start),
						End:            uint64(tok.End),
						ArrayPositions: f.ArrayPositions(),
					})
				}
			}
		})
	}
	field, locs := fieldText, onText
	if len(onText) == 0 && len(onSummary) > 0 {
		field, locs = fieldSummary, onSummary
	}
	m := &search.DocumentMatch{Locations: search.FieldTermLocationMap{field: locs}}
	frags := highlighter.BestFragmentsInField(m, doc, field, 1)
	if len(frags) == 0 {
		return "", 0, nil
	}
	s, pos := cutPageMark(frags[0])
	page := 0
	if field == fieldText && pos >= 0 && pos < pages {
		page = h.Pages[pos]
	}
	return markup(s), page, nil
}

// snippetSource returns the fields of a hit that snippets are cut from, as
// the highlighter reads them: the page texts (the first pages of them, or
// all if pages is negative), decompressed, each with its array position,
// and the summary. The search loads their stored values with the hit's
// (see Search), which reads the stored document once.
func snippetSource(dm *search.DocumentMatch, pages int) (*document.Document, error) {
	doc := document.NewDocument(dm.ID)
	if s, ok := dm.Fields[fieldSummary].(string); ok && s != "" {
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldSummary, nil, []byte(s), storedOnly))
	}
	if s, ok := dm.Fields[fieldText].(string); ok && s != "" {
		texts, err := decodePages([]byte(s), pages)
		if err != nil {
			return nil, err
		}
		for k, p := range texts {
			if p != "" {
				doc.AddField(document.NewTextFieldWithIndexingOptions(fieldText, []uint64{uint64(k)}, []byte(p), storedOnly))
			}
		}
	}
	return doc, nil
}

// cutPageMark returns the fragment without its page mark, and the array
// position the mark gave (or -1).
func cutPageMark(s string) (string, int) {
	i := strings.Index(s, markPage)
	if i < 0 {
		return s, -1
	}
	j := strings.Index(s[i:], markPageEnd)
	if j < 0 {
		return s, -1
	}
	pos, err := strconv.Atoi(s[i+len(markPage) : i+j])
	if err != nil {
		pos = -1
	}
	return s[:i] + s[i+j+len(markPageEnd):], pos
}

// markup turns the marks of the escaped fragment into HTML.
func markup(s string) string {
	return strings.NewReplacer(markStart, "<mark>", markEnd, "</mark>", markPage, "", markPageEnd, "").Replace(s)
}
