package fonds

import "strings"

// Text is the structured text of a witness: a sequence of blocks holding
// inline spans, so that one model renders to HTML, exports to other formats
// and feeds the search index.
type Text []Block

// BlockKind names what a block is.
type BlockKind string

// The kinds of Block.
const (
	BlockParagraph BlockKind = "paragraph"
	BlockHeading   BlockKind = "heading"
	BlockQuote     BlockKind = "quote"
	BlockSeparator BlockKind = "separator" // a line of "=====": no spans
	// BlockItem is one item of a list; consecutive items form the list.
	BlockItem BlockKind = "item"
	// BlockRow is one row of a table; its spans of kind SpanCell are the
	// cells; consecutive rows form the table.
	BlockRow BlockKind = "row"
	// BlockOpener and BlockCloser hold the formulas that open and close a
	// letter or dispatch: dateline, salutation, signature.
	BlockOpener BlockKind = "opener"
	BlockCloser BlockKind = "closer"
	// BlockAttachment opens an attachment or enclosure of the document; its
	// spans are its heading. The blocks after it belong to the attachment.
	BlockAttachment BlockKind = "attachment"
)

// Block is a paragraph, heading, quotation or separator.
type Block struct {
	Kind  BlockKind `json:"kind"`
	Spans []Span    `json:"spans,omitempty"`
}

// SpanKind names what a span is.
type SpanKind string

// The kinds of Span. A span of kind SpanText holds the document's own words;
// every other kind says what its words (or its children) are.
const (
	SpanText        SpanKind = "text"
	SpanNote        SpanKind = "note"        // an editorial note: [détente]
	SpanHandwritten SpanKind = "handwritten" // text written by hand
	SpanInsertion   SpanKind = "insertion"   // handwriting inserted in typed text
	SpanDeletion    SpanKind = "deletion"    // struck out
	SpanOmission    SpanKind = "omission"    // words left out by the edition: … or […]
	SpanStamp       SpanKind = "stamp"       // [Stamp], or the stamp's text
	SpanSignature   SpanKind = "signature"   // [signed] Ivanov; [dated & signed]
	SpanPageBreak   SpanKind = "pagebreak"   // [page three]: opens page Page
	SpanEmphasis    SpanKind = "emphasis"
	SpanUnderline   SpanKind = "underline"
	SpanPerson      SpanKind = "person"    // a mention of a person
	SpanReference   SpanKind = "reference" // a cross-reference; Target says to what
	SpanPlace       SpanKind = "place"     // a mention of a place; Target may identify it
	SpanOrg         SpanKind = "org"       // a mention of an organization; Target may identify it
	// SpanTerm is a term the edition explains: Target holds the gloss.
	SpanTerm SpanKind = "term"
	// SpanFootnote is a footnote of the edition, at its place in the text;
	// Target holds its number or mark, Spans its text.
	SpanFootnote  SpanKind = "footnote"
	SpanUnclear   SpanKind = "unclear" // words the editor could not read for certain
	SpanCell      SpanKind = "cell"    // a cell of a BlockRow
	SpanSmallCaps SpanKind = "smallcaps"
	SpanStrong    SpanKind = "strong"
	SpanLineBreak SpanKind = "linebreak" // a line break within a block
)

// Span is a run of inline text. Text holds its words; a container kind
// (handwritten, insertion, deletion, emphasis, underline, person, signature)
// may instead hold child Spans, so that "handwritten, underlined" nests.
type Span struct {
	Kind  SpanKind `json:"kind"`
	Text  string   `json:"text,omitempty"`
	Spans []Span   `json:"spans,omitempty"`
	// Page is the number of the page a SpanPageBreak opens; Text then holds
	// the marker as written without its brackets ("page two").
	Page int `json:"page,omitempty"`
	// Target is what a SpanReference points to, or what a mention (person,
	// place, organization, term) names: the canonical name, or the
	// identifier of an entry of the edition's lists ("p_SAA_1").
	Target string `json:"target,omitempty"`
	// Label is what the identifier in Target stands for, for readers: the
	// expansion of a SpanTerm, the name of a person (place, organization)
	// as the edition's list gives it. Target keeps the identifier, which
	// is never shown.
	Label string `json:"label,omitempty"`
	// Ref holds the authority identifiers of a mention (Wikidata, VIAF or
	// other URIs, separated by spaces) that the source or an editor gave.
	Ref string `json:"ref,omitempty"`
}

// PlainText returns the words of the span and its children, as a reader
// would read them aloud.
func (s Span) PlainText() string {
	if s.Kind == SpanLineBreak {
		return "\n"
	}
	if len(s.Spans) == 0 {
		return s.Text
	}
	var b strings.Builder
	b.WriteString(s.Text)
	for _, c := range s.Spans {
		b.WriteString(c.PlainText())
	}
	return b.String()
}

// PlainText returns the words of the block.
func (b Block) PlainText() string {
	var sb strings.Builder
	for _, s := range b.Spans {
		if s.Kind == SpanPageBreak {
			continue
		}
		sb.WriteString(s.PlainText())
	}
	return sb.String()
}

// PlainText returns the words of the text, a paragraph a line.
func (t Text) PlainText() string {
	var sb strings.Builder
	for _, b := range t {
		if b.Kind == BlockSeparator {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(b.PlainText())
	}
	return sb.String()
}

// Walk calls fn for every span of the text, depth first, in reading order.
func (t Text) Walk(fn func(Span)) {
	var walk func([]Span)
	walk = func(spans []Span) {
		for _, s := range spans {
			fn(s)
			walk(s.Spans)
		}
	}
	for _, b := range t {
		walk(b.Spans)
	}
}

// Notes returns the editorial notes of the text, in order.
func (t Text) Notes() []string {
	var notes []string
	t.Walk(func(s Span) {
		if s.Kind == SpanNote {
			notes = append(notes, s.PlainText())
		}
	})
	return notes
}

// SpanKinds returns the set of span kinds the text uses, which tells a page
// which conventions of the legend it needs to explain.
func (t Text) SpanKinds() map[SpanKind]bool {
	kinds := make(map[SpanKind]bool)
	t.Walk(func(s Span) { kinds[s.Kind] = true })
	return kinds
}
