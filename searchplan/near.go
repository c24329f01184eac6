package searchplan

import "fonds/analysis"

// A query of several plain words is often a title or a subject line typed
// without quotes. Its documents are found by its words wherever they are,
// and every index then ranks the first RescoreWindow of them again by how
// many of the words stand side by side as typed (Plan.Runs), in the text,
// title, summary or source note: a document that writes the words together
// comes before a long one that only has them all somewhere. The positions
// are read for the documents of the window only, never searched as
// phrases, which would read those of every document having the words.

// RescoreWindow is how many of the first results are ranked again: enough
// to hold the document a reader looks for, few enough that the positions of
// their words are quick to read.
const RescoreWindow = 50

// How much words side by side raise a document's score: the score is
// multiplied by 1 + nearPairs times the share of the neighbouring words of
// the query that the document writes side by side, plus nearWhole when it
// writes a run of three words or more whole.
const (
	nearPairs = 2
	nearWhole = 4
)

// nearFields are the fields whose words side by side count.
var nearFields = []string{FieldEnglish, FieldRussian, FieldOther, FieldTitle, FieldSummary, FieldSource}

// Near is the terms of the runs of a query in each field whose words side
// by side count, by which an index ranks its first results again.
type Near struct {
	terms [][][]analysis.Token // field, run
	pairs int
}

// NewNear returns the terms of runs as the analyzers of each field read
// them, stop words leaving their positions empty (so that "reporting to
// the Congress" asks for "congress" three places after "report"), or nil
// when no run has two words.
func NewNear(an *analysis.Set, runs []string) *Near {
	n := &Near{terms: make([][][]analysis.Token, len(nearFields))}
	for i, f := range nearFields {
		a := an.English
		switch f {
		case FieldRussian:
			a = an.Russian
		case FieldOther:
			a = an.Plain
		}
		n.terms[i] = make([][]analysis.Token, len(runs))
		for j, run := range runs {
			n.terms[i][j] = analysis.Analyze(a, run)
		}
	}
	for j := range runs {
		n.pairs += max(len(n.terms[0][j])-1, 0)
	}
	if n.pairs == 0 {
		return nil
	}
	return n
}

// Terms calls fn for each field and term whose positions Factor reads,
// once each.
func (n *Near) Terms(fn func(field, term string)) {
	for i, f := range nearFields {
		seen := make(map[string]bool)
		for _, run := range n.terms[i] {
			for _, t := range run {
				if !seen[t.Term] {
					seen[t.Term] = true
					fn(f, t.Term)
				}
			}
		}
	}
}

// Positions tells where the terms of a query stand in one document.
type Positions interface {
	// Adjacent reports whether term b stands dist places after term a in
	// one element of field.
	Adjacent(field, a, b string, dist int) bool
	// Whole reports whether terms stand in one element of field at their
	// positions' distances from the first.
	Whole(field string, terms []analysis.Token) bool
}

// Factor returns what a document's score is multiplied by, from where the
// terms of the runs stand in it.
func (n *Near) Factor(p Positions) float64 {
	near, whole := 0, false
	for j := range n.terms[0] {
		// A pair counts once, in whichever field has it.
		found := make([]bool, max(len(n.terms[0][j])-1, 0))
		for i, f := range nearFields {
			ts := n.terms[i][j]
			for k := 1; k < len(ts); k++ {
				if k-1 < len(found) && !found[k-1] && p.Adjacent(f, ts[k-1].Term, ts[k].Term, ts[k].Position-ts[k-1].Position) {
					found[k-1] = true
				}
			}
			if len(ts) >= 3 && !whole && p.Whole(f, ts) {
				whole = true
			}
		}
		for _, ok := range found {
			if ok {
				near++
			}
		}
	}
	f := 1 + nearPairs*float64(near)/float64(n.pairs)
	if whole {
		f += nearWhole
	}
	return f
}
