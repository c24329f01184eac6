package bleve

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/search"

	"fonds"
)

func fc(value string, count int) fonds.FacetCount {
	return fonds.FacetCount{Value: value, Count: count}
}

func TestFacetCounts(t *testing.T) {
	terms := func(counts map[string]int) *search.FacetResult {
		fr := &search.FacetResult{Field: fieldFacets, Terms: &search.TermFacets{}}
		for term, n := range counts {
			fr.Terms.Add(&search.TermFacet{Term: term, Count: n})
		}
		return fr
	}
	many := make(map[string]int)
	var want []fonds.FacetCount
	for i := range facetSize + 5 {
		name := fmt.Sprintf("Person %02d", i)
		many["p"+name] = 100 - i
		if i < facetSize {
			want = append(want, fonds.FacetCount{Value: name, Count: 100 - i})
		}
	}
	tests := []struct {
		name  string
		in    *search.FacetResult
		facet string
		want  []fonds.FacetCount
	}{
		{"none", nil, fonds.FacetYear, []fonds.FacetCount{}},
		{"years", terms(map[string]int{"y1977": 3, "y1979": 3, "y1968": 4}), fonds.FacetYear,
			[]fonds.FacetCount{fc("1968", 4), fc("1977", 3), fc("1979", 3)}},
		{"decades from years", terms(map[string]int{"y1977": 3, "y1979": 3, "y1968": 4, "y1960": 1}), fonds.FacetDecade,
			[]fonds.FacetCount{fc("1970s", 6), fc("1960s", 5)}},
		{"other facets apart", terms(map[string]int{"cfrus": 2, "rKGB": 5, "tnote": 1, "len": 7, "k2.1": 1}), fonds.FacetCreator,
			[]fonds.FacetCount{fc("KGB", 5)}},
		{"ties by value", terms(map[string]int{"lru": 2, "len": 2, "lde": 1}), fonds.FacetLanguage,
			[]fonds.FacetCount{fc("en", 2), fc("ru", 2), fc("de", 1)}},
		{"cut to the facet size", terms(many), fonds.FacetPerson, want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := facetCounts(tt.in)
			if len(got) != len(facetFields) {
				t.Errorf("facetCounts(%s) has %d facets, want %d", tt.name, len(got), len(facetFields))
			}
			if !reflect.DeepEqual(got[tt.facet], tt.want) {
				t.Errorf("facetCounts(%s)[%s] = %v, want %v", tt.name, tt.facet, got[tt.facet], tt.want)
			}
		})
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
