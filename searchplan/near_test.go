package searchplan

import (
	"math"
	"testing"

	"fonds/analysis"
)

// positions is a document of one element per field, its terms at their
// positions.
type positions map[string]map[string][]int // field, term

func (p positions) Adjacent(field, a, b string, dist int) bool {
	for _, i := range p[field][a] {
		for _, j := range p[field][b] {
			if j-i == dist {
				return true
			}
		}
	}
	return false
}

func (p positions) Whole(field string, ts []analysis.Token) bool {
	for _, start := range p[field][ts[0].Term] {
		ok := true
		for _, t := range ts[1:] {
			found := false
			for _, j := range p[field][t.Term] {
				found = found || j == start+t.Position-ts[0].Position
			}
			ok = ok && found
		}
		if ok {
			return true
		}
	}
	return false
}

func TestNear(t *testing.T) {
	an, err := analysis.New()
	if err != nil {
		t.Fatal(err)
	}
	if NewNear(an, []string{"rights"}) != nil || NewNear(an, nil) != nil {
		t.Fatal("NewNear of no pair of words is not nil")
	}
	n := NewNear(an, []string{"reporting to the Congress", "human rights movement"})
	var terms int
	n.Terms(func(field, term string) {
		if field == FieldEnglish {
			terms++
		}
	})
	if terms != 5 { // report, congress, human, right, movement
		t.Errorf("Terms in %s: %d, want 5", FieldEnglish, terms)
	}
	for _, tt := range []struct {
		name string
		doc  positions
		want float64
	}{
		{"none side by side", positions{FieldEnglish: {"report": {1}, "congress": {9}, "human": {20}, "right": {30}}}, 1},
		// The stop words leave their places: congress stands three after report.
		{"one pair of three", positions{FieldEnglish: {"report": {1}, "congress": {4}}}, 1 + 2.0/3},
		{"a pair counts once", positions{FieldEnglish: {"report": {1}, "congress": {4}}, FieldTitle: {"report": {1}, "congress": {4}}}, 1 + 2.0/3},
		{"pairs in two fields", positions{FieldEnglish: {"report": {1}, "congress": {4}}, FieldTitle: {"human": {1}, "right": {2}}}, 1 + 4.0/3},
		{"a run whole", positions{FieldRussian: {}, FieldSummary: {"human": {5}, "right": {6}, "movement": {7}}}, 1 + 2*2.0/3 + 4},
	} {
		if got := n.Factor(tt.doc); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: Factor = %v, want %v", tt.name, got, tt.want)
		}
	}
}
