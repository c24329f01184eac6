package bleve

import (
	"encoding/json"
	"slices"

	blevesearch "github.com/blevesearch/bleve/v2"
	banalysis "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"fonds"
	"fonds/analysis"
	"fonds/searchdoc"
)

// mappingVersion changes whenever the mapping or the way documents are
// turned into fields changes: an index of another version is rebuilt.
const mappingVersion = "fonds-13"

// The fields of an indexed document. What each holds is the indexed view of
// the document (package searchdoc), which every Index implementation reads.
//
// The text of every witness is indexed page by page, as arrays whose
// elements line up: element k of text_en, text_ru, text_other, names,
// translit and stops is the same page of the same witness, so a match in any
// of them has its offsets in page text k of the stored text field, which the
// snippet is cut from, and pages[k] (in the stored hit) is the number of its
// page. Elements past the pages hold the title, summary, persons, notes and
// source note in the names and translit fields, and the title and summary in
// the stops field (see searchdoc.Doc.Elements).
//
// The page texts leave out the notes (see searchdoc.Doc.Pages), which are
// indexed in a field of their own, which a word (not a phrase) is searched
// in, below the text, as the source note is: a word only in a note finds
// the document, ranked after one whose text says it.
const (
	fieldText      = "text"       // stored page texts, compressed (see encodePages)
	fieldEnglish   = "text_en"    // English pages, stemmed
	fieldRussian   = "text_ru"    // Russian pages, stemmed
	fieldOther     = "text_other" // pages in other languages
	fieldNotes     = "notes"      // editorial notes and footnotes, one an element
	fieldNames     = "names"      // name keys of capitalized words and persons
	fieldTranslit  = "translit"   // transliteration keys of every word
	fieldTitle     = "title"
	fieldSummary   = "summary" // stored for snippets
	fieldSource    = "source"
	fieldID        = "id"
	fieldCollect   = "collection"
	fieldCreator   = "creator"
	fieldCreatorLC = "creator_lc" // lower case, for the creator: filter
	fieldType      = "type"
	fieldTypeLC    = "type_lc"
	fieldLanguage  = "language"
	fieldPerson    = "person"
	fieldCategory  = "category"
	// fieldCredit holds the names of everyone credited with a text of the
	// document (translators, transcribers, editors), one an element, by
	// their name keys; the credits of a role are also in a field of their
	// own, fieldCredit+"_"+role, for translator: and the like.
	fieldCredit    = "credit"
	fieldReference = "reference" // reference codes: normalized, keys and numbers
	fieldDecade    = "decade"    // "1970s"
	fieldYear      = "year"      // "1977", for facets and filters
	// The first and last day of the date, as 1977-05-19, and their months
	// and years (1977-05, 1977) in fields of their own: written so, the
	// order of the terms is the order of the days, which the date order of
	// results reads, and a range filter reads few terms (see atLeast). A
	// date field of bleve, which indexes sixteen terms a value for its
	// numeric ranges, took a tenth of the index.
	fieldStart = "date_start"
	fieldEnd   = "date_end"
	fieldHash  = "hash" // content hash, as doc values, for Stamps
	// fieldRestricted is "true" in a restricted document, which a search
	// leaves out unless it asks for restricted documents. A document
	// without it is public: an index written before it held none.
	fieldRestricted = "restricted"
	fieldHit        = "hit" // stored hitData
)

// facetFields maps the names of facets to their fields, which filters
// search.
var facetFields = map[string]string{
	fonds.FacetDecade:     fieldDecade,
	fonds.FacetYear:       fieldYear,
	fonds.FacetCollection: fieldCollect,
	fonds.FacetCreator:    fieldCreator,
	fonds.FacetType:       fieldType,
	fonds.FacetLanguage:   fieldLanguage,
	fonds.FacetPerson:     fieldPerson,
	fonds.FacetCategory:   fieldCategory,
}

// fieldFacets holds the values of every facet of a document as doc values,
// each behind the code of its facet (facetCodes), which a search counts in
// one pass: read from a field of each facet, they cost five times as much
// a hit, each field's values of a hit in a place of their own. The decade
// has no code: it is counted from the year.
const fieldFacets = "facets"

// facetCodes gives the code of each facet's values in fieldFacets.
var facetCodes = map[string]byte{
	fonds.FacetYear:       'y',
	fonds.FacetCollection: 'c',
	fonds.FacetCreator:    'r',
	fonds.FacetType:       't',
	fonds.FacetLanguage:   'l',
	fonds.FacetPerson:     'p',
	fonds.FacetCategory:   'g',
}

// hitData is what a hit shows, stored as one JSON field so that a page of
// results reads one stored value per hit.
type hitData struct {
	Title      string     `json:"t"`
	Date       fonds.Date `json:"d"`
	References []string   `json:"r,omitempty"`
	Collection string     `json:"c"`
	// Pages is the page number of each element of the text field.
	Pages []int `json:"p,omitempty"`
}

// Indexing options of the kinds of fields.
const (
	storedOnly = index.StoreField
	analyzed   = index.IndexField | index.IncludeTermVectors
	// keysOnly indexes terms without their positions and offsets: the
	// translit field, a copy of every word of the text, takes a tenth less
	// time to index without them. It is not searched by phrase, and its
	// matches are found again for snippets (see snippet).
	keysOnly   = index.IndexField
	keywordOpt = index.IndexField | index.DocValues
	// facetsOpt are the options of the facets' field and of the id, whose
	// doc values are read for every hit of a search that counts facets or
	// orders hits of equal score: each document's
	// are kept apart and uncompressed, so that a search reads those of its
	// hits only, not whole chunks of a thousand documents to decompress.
	// Their terms are filtered by, not scored.
	facetsOpt = keywordOpt | index.SkipDVChunking | index.SkipDVCompression | index.SkipFreqNorm
)

// newMapping returns the index mapping: the analyzers, and the field
// mappings by which queries find the analyzer of a field and facets and
// sorts its type. Documents are indexed through documentOf, not through
// the mapping, which is faster and lets the page arrays line up.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := blevesearch.NewIndexMapping()
	// The analyzers every index shares (package analysis), with the
	// filters of the stemmed fields they use.
	for name, config := range analysis.TokenFilters() {
		if err := m.AddCustomTokenFilter(name, config); err != nil {
			return nil, err
		}
	}
	for name, config := range analysis.Analyzers() {
		if err := m.AddCustomAnalyzer(name, config); err != nil {
			return nil, err
		}
	}

	doc := blevesearch.NewDocumentStaticMapping()
	text := func(analyzer string, store bool) *mapping.FieldMapping {
		f := blevesearch.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keys := func(analyzer string) *mapping.FieldMapping {
		f := text(analyzer, false)
		f.IncludeTermVectors = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := blevesearch.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := text(keyword.Name, true)
		f.Index = false
		f.IncludeTermVectors = false
		return f
	}
	// withDocValues is a whole value read for every hit or every
	// document: the facets' values and the hash.
	withDocValues := func() *mapping.FieldMapping {
		f := kw()
		f.DocValues = true
		return f
	}
	fields := map[string]*mapping.FieldMapping{
		fieldText:                stored(),
		fieldEnglish:             text(analyzerEnglish, false),
		fieldRussian:             text(analyzerRussian, false),
		fieldOther:               text(analyzerPlain, false),
		fieldNotes:               text(analyzerEnglish, false),
		fieldNames:               text(analyzerNames, false),
		fieldTranslit:            keys(analyzerTranslit),
		fieldTitle:               text(analyzerEnglish, false),
		fieldSummary:             text(analyzerEnglish, true),
		fieldSource:              text(analyzerEnglish, false),
		fieldID:                  kw(),
		fieldCollect:             kw(),
		fieldCreator:             kw(),
		fieldCreatorLC:           text(analyzerLower, false),
		fieldType:                kw(),
		fieldTypeLC:              text(analyzerLower, false),
		fieldLanguage:            kw(),
		fieldPerson:              kw(),
		fieldCategory:            kw(),
		fieldReference:           kw(),
		fieldCredit:              text(analyzerNames, false),
		fieldStops:               text(analyzerStops, false),
		fieldDecade:              kw(),
		fieldYear:                kw(),
		fieldStart:               kw(),
		fieldEnd:                 kw(),
		fieldStart + monthSuffix: kw(),
		fieldEnd + monthSuffix:   kw(),
		fieldStart + yearSuffix:  kw(),
		fieldEnd + yearSuffix:    kw(),
		fieldHash:                withDocValues(),
		fieldHit:                 stored(),
		fieldRestricted:          kw(),
		fieldFacets:              withDocValues(),
	}
	for _, role := range searchdoc.CreditRoles {
		fields[fieldCredit+"_"+role] = text(analyzerNames, false)
	}
	for name, f := range fields {
		doc.AddFieldMappingsAt(name, f)
	}

	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerEnglish
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}

// analyzers are the analyzers of the mapping, which documentOf gives the
// fields it builds.
type analyzers struct {
	english, russian, plain, names, translit, lower, stops banalysis.Analyzer
	// translitEn is the translit analyzer of English pages.
	translitEn banalysis.Analyzer
}

func analyzersOf(m mapping.IndexMapping) (analyzers, error) {
	var a analyzers
	for name, p := range map[string]*banalysis.Analyzer{
		analyzerEnglish:    &a.english,
		analyzerRussian:    &a.russian,
		analyzerPlain:      &a.plain,
		analyzerNames:      &a.names,
		analyzerTranslit:   &a.translit,
		analyzerTranslitEn: &a.translitEn,
		analyzerLower:      &a.lower,
		analyzerStops:      &a.stops,
	} {
		*p = m.AnalyzerNamed(name)
		if *p == nil {
			return a, errorf("mapping has no analyzer %q", name)
		}
	}
	return a, nil
}

// documentOf returns the fields of a released document: its indexed view
// (see package searchdoc), each text in the field of its kind.
func (a *analyzers) documentOf(d *fonds.Document) (*document.Document, error) {
	sd := searchdoc.Of(d)
	doc := document.NewDocument(sd.ID)
	add := func(name string, pos []uint64, value string, opts index.FieldIndexingOptions, an banalysis.Analyzer) {
		if value == "" {
			return
		}
		doc.AddField(document.NewTextFieldCustom(name, pos, []byte(value), opts, an))
	}
	// A facet's value is indexed in its field, for filters, and kept
	// among the facets' doc values, to count it by.
	keyword := func(facet, name, value string) {
		if value == "" {
			return
		}
		opts := index.IndexField | index.SkipFreqNorm // filtered by, not scored
		switch name {
		case fieldYear:
			// Scored too: a year among the words of a query ranks its
			// documents first.
			opts = index.IndexField
		case fieldDecade:
			opts = index.IndexField
		}
		add(name, nil, value, opts, nil)
		if code, ok := facetCodes[facet]; ok {
			add(fieldFacets, nil, string(code)+value, facetsOpt, nil)
		}
	}
	at := func(k int) []uint64 { return []uint64{uint64(k)} }

	hit := hitData{
		Title:      sd.Heading,
		Date:       sd.Date,
		Collection: sd.Collection,
		References: sd.References,
	}
	// The array fields, element by element: a page in the field of its
	// language, and every element in the names, translit and stops fields
	// that hold its kind.
	for k, e := range sd.Elements() {
		if e.Kind == searchdoc.KindPage {
			hit.Pages = append(hit.Pages, sd.Pages[k].N)
		}
		if e.Text == "" {
			continue
		}
		keys := a.translit
		if e.Kind == searchdoc.KindPage {
			field, an := fieldOther, a.plain
			switch e.Language {
			case "en":
				field, an, keys = fieldEnglish, a.english, a.translitEn
			case "ru":
				field, an = fieldRussian, a.russian
			}
			add(field, at(k), e.Text, analyzed, an)
		}
		if e.Kind.Names() {
			add(fieldNames, at(k), e.Text, analyzed, a.names)
		}
		if e.Kind.Keys() {
			add(fieldTranslit, at(k), e.Text, keysOnly, keys)
		}
		if e.Kind.Stops() {
			add(fieldStops, at(k), e.Text, analyzed, a.stops)
		}
	}
	if len(sd.Pages) > 0 {
		texts := make([]string, len(sd.Pages))
		for k, p := range sd.Pages {
			texts[k] = p.Text
		}
		doc.AddField(document.NewTextFieldWithIndexingOptions(fieldText, nil, encodePages(texts), storedOnly))
	}
	add(fieldTitle, nil, sd.Title, analyzed, a.english)
	add(fieldSummary, nil, sd.Summary, storedOnly|analyzed, a.english)
	add(fieldSource, nil, sd.Source, analyzed, a.english)
	for _, p := range sd.Persons {
		keyword(fonds.FacetPerson, fieldPerson, p)
	}
	for i, n := range sd.Notes {
		add(fieldNotes, at(i), n, analyzed, a.english)
	}
	// The credits, each also in the field of its role.
	for i, c := range sd.Credits {
		add(fieldCredit, at(i), c.Name, analyzed, a.names)
		if slices.Contains(searchdoc.CreditRoles, c.Role) {
			add(fieldCredit+"_"+c.Role, at(i), c.Name, analyzed, a.names)
		}
	}

	// Sorted by, to order hits of equal score or date (see byID): its doc
	// values are read in the pass that reads the facets' values of a hit,
	// which costs less than looking up each hit's stored id.
	add(fieldID, nil, sd.ID, facetsOpt, nil)
	keyword(fonds.FacetCollection, fieldCollect, sd.Collection)
	keyword(fonds.FacetCreator, fieldCreator, sd.Creator)
	add(fieldCreatorLC, nil, sd.Creator, index.IndexField, a.lower)
	keyword(fonds.FacetType, fieldType, sd.Type)
	add(fieldTypeLC, nil, sd.Type, index.IndexField, a.lower)
	for _, l := range sd.Languages {
		keyword(fonds.FacetLanguage, fieldLanguage, l)
	}
	for _, c := range sd.Categories {
		keyword(fonds.FacetCategory, fieldCategory, c)
	}
	for _, t := range sd.ReferenceTerms {
		add(fieldReference, nil, t, index.IndexField, nil)
	}
	keyword(fonds.FacetYear, fieldYear, sd.Year)
	// Filtered by; counted from the year (see facetCounts).
	keyword(fonds.FacetDecade, fieldDecade, sd.Decade)
	addDay(doc, fieldStart, sd.Start)
	addDay(doc, fieldEnd, sd.End)

	// Read for every document by Stamps, in order: its doc values are
	// kept in chunks, compressed. A field has doc values only if it is
	// indexed too.
	add(fieldHash, nil, sd.Hash, index.IndexField|index.DocValues|index.SkipFreqNorm, nil)
	if sd.Restricted {
		add(fieldRestricted, nil, "true", index.IndexField, nil)
	}
	b, err := json.Marshal(hit)
	if err != nil {
		return nil, err
	}
	add(fieldHit, nil, string(b), storedOnly, nil)
	return doc, nil
}

// dateLayout is the layout of the days of the date fields.
const dateLayout = "2006-01-02"

// The suffixes of the names of the month and year fields of a date field.
const (
	monthSuffix = "_month"
	yearSuffix  = "_year"
)

// addDay adds the day (as 1977-05-19, see searchdoc.Doc), its month and
// its year to the date field name and its month and year fields.
func addDay(doc *document.Document, name, day string) {
	if day == "" {
		return
	}
	opts := index.IndexField
	if name == fieldStart {
		opts = keywordOpt // sorted by; the other fields are only filtered
	}
	doc.AddField(document.NewTextFieldWithIndexingOptions(name, nil, []byte(day), opts))
	doc.AddField(document.NewTextFieldWithIndexingOptions(name+monthSuffix, nil, []byte(day[:7]), index.IndexField))
	doc.AddField(document.NewTextFieldWithIndexingOptions(name+yearSuffix, nil, []byte(day[:4]), index.IndexField))
}
