// Package query parses what a reader typed into the search box into a tree
// that every search index implementation translates into its own queries.
//
// The language, in English or Russian, Latin or Cyrillic, case-insensitive:
//
//	human rights                words, all of which must match
//	"human rights"              a phrase (also “…”, „…“ and «…»)
//	Sakharov OR Bonner          either (also | and ИЛИ); OR binds tighter than
//	                            the implicit AND: a b OR c is a (b OR c)
//	(Sakharov OR Bonner) exile  parentheses group
//	-KGB  -"human rights"       exclusion (also NOT and НЕ before a term)
//	dissid*                     a prefix of at least 2 letters
//	Shcharansky~  Sharansky~2   a fuzzy word, 1 or 2 edits away
//	title:  person:  ref:  collection:  lang:  type:  creator:  category:
//	                            a field, with a word or a "phrase" as its value
//	year:1977  decade:1970s  from:1977-05 to:1977-06  date:1977-05-19
//	                            date filters
//	19 May 1977, Nov. 1969, 1977-05-19, 19 мая 1977 г.
//	                            plain dates, read as date filters
//	Pb 56/68, St-21/7, 2811-A   archival references
//
// Operators are written in capitals (OR, AND, NOT, ИЛИ, И, НЕ): in lower
// case they are words. A year written alone stays a word, and is offered as
// Query.YearHint.
//
// A query is never an error: whatever cannot be read as written is read as
// plain words, and Query.Interpreted says how.
package query

import (
	"strconv"
	"strings"
)

// The limits of a query: what lies beyond them is ignored, and
// Query.Interpreted says so.
const (
	MaxLength = 1000 // characters
	MaxTerms  = 64   // terms, phrases and references
)

// The fields a Term or a Phrase may be restricted to. A Term without a field
// searches the whole document.
const (
	FieldTitle      = "title"
	FieldPerson     = "person"
	FieldRef        = "ref"
	FieldCollection = "collection"
	FieldLang       = "lang"
	FieldType       = "type"
	FieldCreator    = "creator"
	FieldCategory   = "category"
	// The people credited with a text of the document: any of them, or
	// those of one role.
	FieldCredit      = "credit"
	FieldTranslator  = "translator"
	FieldTranscriber = "transcriber"
	FieldEditor      = "editor"
)

// Query is a parsed query.
type Query struct {
	// Root is the tree of terms, or nil when the query has none (it is
	// empty, or has only date filters).
	Root Node
	// DateFrom and DateTo are the inclusive bounds, "YYYY-MM-DD", of the
	// dates the query asks for, from year:, decade:, from:, to:, date: and
	// plain dates; "" is open.
	DateFrom, DateTo string
	// YearHint is a year (1900-2029) written as a plain word of the query.
	// It stays a word of the query too: an index may rank documents of that
	// year higher, but must not filter on it.
	YearHint int
	// Interpreted says, in a sentence for the reader, how the query was
	// read when it was not read as written; it is "" otherwise.
	Interpreted string
}

// Node is a node of a query tree: Term, Phrase, Reference, And, Or or Not.
//
// String returns the canonical form of the node in the query language;
// parsing it gives an equal tree.
type Node interface {
	String() string
}

// Term is a single word. Text is in lower case, otherwise as typed (inner
// hyphens, apostrophes, dots and slashes are kept: "anti-soviet", "56/68");
// an index analyzes it as it analyzes the text of documents.
type Term struct {
	Field string // "" for the whole document, else one of the Field constants
	Text  string
	// Prefix asks for every word starting with Text.
	Prefix bool
	// Fuzziness is the number of edits (1 or 2) by which a word may differ
	// from Text; 0 asks for the word itself.
	Fuzziness int
}

// Phrase is a sequence of words that must appear together, in order. The
// words are in lower case.
type Phrase struct {
	Field string
	Words []string
}

// Reference is an archival reference code: as the reader wrote it, and in the
// form of fonds.NormalizeReference, which an index matches exactly against
// the normalized references of documents.
type Reference struct {
	Written, Normalized string
}

// And matches what all of its nodes match.
type And struct{ Nodes []Node }

// Or matches what any of its nodes matches.
type Or struct{ Nodes []Node }

// Not excludes what its node matches. It may stand alone (the query -KGB),
// in which case it matches every document but those.
type Not struct{ Node Node }

// String returns the term as "field:text", with "*" after a prefix and "~N"
// after a fuzzy word.
func (t Term) String() string {
	s := t.Text
	if t.Field != "" {
		s = t.Field + ":" + s
	}
	if t.Prefix {
		s += "*"
	}
	if t.Fuzziness > 0 {
		s += "~" + strconv.Itoa(t.Fuzziness)
	}
	return s
}

// String returns the phrase in straight quotes, after its field if any.
func (p Phrase) String() string {
	s := `"` + strings.Join(p.Words, " ") + `"`
	if p.Field != "" {
		s = p.Field + ":" + s
	}
	return s
}

// String returns the reference as a ref: filter, ref:"Pb 56/68".
func (r Reference) String() string {
	return FieldRef + `:"` + r.Written + `"`
}

// String returns the nodes separated by spaces; an Or among them is put in
// parentheses.
func (a And) String() string {
	parts := make([]string, len(a.Nodes))
	for i, n := range a.Nodes {
		parts[i] = n.String()
		if _, ok := n.(Or); ok {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " ")
}

// String returns the nodes separated by " OR "; an And among them is put in
// parentheses.
func (o Or) String() string {
	parts := make([]string, len(o.Nodes))
	for i, n := range o.Nodes {
		parts[i] = n.String()
		if _, ok := n.(And); ok {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " OR ")
}

// String returns the node after a "-", in parentheses when it is an And or an
// Or.
func (n Not) String() string {
	switch n.Node.(type) {
	case And, Or:
		return "-(" + n.Node.String() + ")"
	}
	return "-" + n.Node.String()
}

// String returns the canonical form of the whole query: its tree followed by
// its date filters. Parse(q.String()) gives q back, but for Interpreted, as
// long as the canonical form is within MaxLength.
func (q Query) String() string {
	var parts []string
	if q.Root != nil {
		parts = append(parts, q.Root.String())
	}
	if d := formatDates(q.DateFrom, q.DateTo); d != "" {
		parts = append(parts, d)
	}
	return strings.Join(parts, " ")
}

// Terms returns the words of the query that a matching document contains, in
// order and without repetition, for highlighting and for suggesting
// spellings: the words and phrase words searched in the text, the title,
// persons, creators and categories. Excluded words, prefixes, references and
// filters on collection, language and type are left out.
func (q Query) Terms() []string {
	var words []string
	seen := make(map[string]bool)
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	var walk func(Node)
	walk = func(n Node) {
		switch n := n.(type) {
		case Term:
			if textField(n.Field) && !n.Prefix {
				add(n.Text)
			}
		case Phrase:
			if textField(n.Field) {
				for _, w := range n.Words {
					add(w)
				}
			}
		case And:
			for _, c := range n.Nodes {
				walk(c)
			}
		case Or:
			for _, c := range n.Nodes {
				walk(c)
			}
		}
	}
	walk(q.Root)
	return words
}

// textField reports whether a field holds words of the document's text, as
// opposed to codes.
func textField(f string) bool {
	switch f {
	case "", FieldTitle, FieldPerson, FieldCreator, FieldCategory:
		return true
	}
	return false
}
