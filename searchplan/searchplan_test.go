package searchplan

import (
	"errors"
	"testing"

	"fonds"
	"fonds/analysis"
	"fonds/query"
)

func TestBuild(t *testing.T) {
	an, err := analysis.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query       string
		stops       bool
		runs        int
		expansions  int
		yearShould  bool
		all, none   bool
		relaxedPlan bool
	}{
		{query: "", all: true},
		{query: "the", stops: true},
		{query: "to be", stops: true},
		{query: "Sakharov 1980", yearShould: true},
		{query: "foreign press correspondent", runs: 1, relaxedPlan: true},
		{query: "dissid*", expansions: 10},
		{query: "ambasadors~", expansions: 11},
		{query: `"human rights"`},
		{query: "-Sakharov"},
	} {
		p := Build(an, query.Parse(tt.query), false)
		top, ok := p.Root.(*Bool)
		if !ok || len(top.Must) != 1 {
			t.Fatalf("Build(%q).Root = %#v, want a Bool of one Must", tt.query, p.Root)
		}
		_, all := top.Must[0].(*All)
		_, none := top.Must[0].(*None)
		switch {
		case p.Stops != tt.stops:
			t.Errorf("Build(%q).Stops = %v, want %v", tt.query, p.Stops, tt.stops)
		case len(p.Runs) != tt.runs:
			t.Errorf("Build(%q).Runs = %q, want %d", tt.query, p.Runs, tt.runs)
		case len(p.Expansions) != tt.expansions:
			t.Errorf("Build(%q) has %d expansions, want %d", tt.query, len(p.Expansions), tt.expansions)
		case (len(top.Should) > 0) != tt.yearShould:
			t.Errorf("Build(%q).Root.Should = %v, want a year: %v", tt.query, top.Should, tt.yearShould)
		case all != tt.all || none != tt.none:
			t.Errorf("Build(%q).Root.Must = %#v", tt.query, top.Must[0])
		}
		if r := Build(an, query.Parse(tt.query), true); (r != nil) != tt.relaxedPlan || (r != nil && !r.Relaxed) {
			t.Errorf("Build(%q, relax) = %+v, want a relaxed plan: %v", tt.query, r, tt.relaxedPlan)
		}
	}
}

func TestPeriod(t *testing.T) {
	for _, tt := range []struct{ in, first, last string }{
		{"1977", "1977-01-01", "1977-12-31"},
		{"1977-02", "1977-02-01", "1977-02-28"},
		{" 1977-05-19 ", "1977-05-19", "1977-05-19"},
	} {
		first, last, err := Period(tt.in)
		if err != nil || first.Format("2006-01-02") != tt.first || last.Format("2006-01-02") != tt.last {
			t.Errorf("Period(%q) = %v, %v, %v, want %s, %s", tt.in, first, last, err, tt.first, tt.last)
		}
	}
	for _, in := range []string{"", "77", "1977-13", "May 1977"} {
		if _, _, err := Period(in); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Period(%q) error %v, want one that is fonds.ErrInvalid", in, err)
		}
	}
}
