package bleve

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/search"

	"fonds"
)

func fc(value string, count int) fonds.FacetCount {
	return fonds.FacetCount{Value: value, Count: count}
}

func TestFacetCounts(t *testing.T) {
	// terms returns the counts of the values of one facet, among a value
	// of every other facet, which must be left out.
	terms := func(facet string, counts map[string]int) search.FacetResults {
		fr := &search.FacetResult{Field: fieldFacets, Terms: &search.TermFacets{}}
		for term, n := range counts {
			fr.Terms.Add(&search.TermFacet{Term: string(facetCodes[facet]) + term, Count: n})
		}
		for other, code := range facetCodes {
			if other != facet {
				fr.Terms.Add(&search.TermFacet{Term: string(code) + "other", Count: 1000})
			}
		}
		return search.FacetResults{fieldFacets: fr}
	}
	many := make(map[string]int)
	var want []fonds.FacetCount
	for i := range facetSize + 5 {
		name := fmt.Sprintf("Person %02d", i)
		many[name] = 100 - i
		if i < facetSize {
			want = append(want, fonds.FacetCount{Value: name, Count: 100 - i})
		}
	}
	years := terms(fonds.FacetYear, map[string]int{"1977": 3, "1979": 3, "1968": 4, "1960": 1})
	tests := []struct {
		name  string
		in    search.FacetResults
		facet string
		want  []fonds.FacetCount
	}{
		{"none", nil, fonds.FacetYear, []fonds.FacetCount{}},
		{"years", years, fonds.FacetYear,
			[]fonds.FacetCount{fc("1968", 4), fc("1977", 3), fc("1979", 3), fc("1960", 1)}},
		{"decades from years", years, fonds.FacetDecade,
			[]fonds.FacetCount{fc("1970s", 6), fc("1960s", 5)}},
		{"ties by value", terms(fonds.FacetLanguage, map[string]int{"ru": 2, "en": 2, "de": 1}), fonds.FacetLanguage,
			[]fonds.FacetCount{fc("en", 2), fc("ru", 2), fc("de", 1)}},
		{"cut to the facet size", terms(fonds.FacetPerson, many), fonds.FacetPerson, want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := facetCounts(tt.in, []string{tt.facet, fonds.FacetCategory})
			if len(got) != 2 {
				t.Errorf("facetCounts(%s) has %d facets, want the 2 asked", tt.name, len(got))
			}
			if !reflect.DeepEqual(got[tt.facet], tt.want) {
				t.Errorf("facetCounts(%s)[%s] = %v, want %v", tt.name, tt.facet, got[tt.facet], tt.want)
			}
		})
	}
}

func TestFacetRequests(t *testing.T) {
	got, err := facetRequests([]string{fonds.FacetDecade, fonds.FacetCollection})
	if err != nil || got == nil || got.Field != fieldFacets || got.Size != math.MaxInt32 {
		t.Errorf("facetRequests(decade, collection) = %v, %v, want every value of %s", got, err, fieldFacets)
	}
	if got, err := facetRequests(nil); got != nil || err != nil {
		t.Errorf("facetRequests(none) = %v, %v, want nil", got, err)
	}
	if _, err := facetRequests([]string{"colour"}); err == nil {
		t.Errorf("facetRequests(colour) = nil error, want one")
	}
}

func TestDecodePages(t *testing.T) {
	pages := []string{"first page", "", "third page, longer than the others", "fourth"}
	value := encodePages(pages)
	for _, n := range []int{-1, 0, 1, 2, 3, 4, 9} {
		want := pages
		if n >= 0 && n < len(pages) {
			want = pages[:n]
		}
		got, err := decodePages(value, n)
		if err != nil {
			t.Fatalf("decodePages(value, %d): %v", n, err)
		}
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Errorf("decodePages(value, %d) = %q, want %q", n, got, want)
		}
	}
	if _, err := decodePages(value[:len(value)/2], -1); err == nil {
		t.Errorf("decodePages(truncated value) = nil error, want one")
	}
}
