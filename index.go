package fonds

import (
	"context"
	"io"
	"time"
)

// Index is the search index of the archive: derived from the Store, so it
// can be deleted and rebuilt from it at any time. Only documents released
// to readers (Document.Released) are ever put in it, so nothing a search
// answers can reveal a draft or an embargoed document; a restricted one is
// found only by a SearchRequest that sets Restricted.
//
// Implementations pass the contract tests of package fondstest.
type Index interface {
	// Put adds the documents, or replaces those already indexed.
	Put(ctx context.Context, docs ...*Document) error
	// Delete removes the documents with the ids; unknown ids are ignored.
	Delete(ctx context.Context, ids ...string) error
	// Search answers a request.
	Search(ctx context.Context, req SearchRequest) (*SearchResults, error)
	// Stamps returns the id and content hash of every indexed document, which
	// tells what must be re-indexed after a crash between store and index.
	Stamps(ctx context.Context) (map[string]string, error)
	io.Closer
}

// SortOrder is the order of search results.
type SortOrder string

// The orders of search results.
const (
	ByRelevance SortOrder = "relevance" // the default
	ByDateAsc   SortOrder = "date"
	ByDateDesc  SortOrder = "-date"
)

// The facets of search results, by name.
const (
	FacetDecade     = "decade"
	FacetYear       = "year"
	FacetCollection = "collection"
	FacetCreator    = "creator"
	FacetType       = "type"
	FacetLanguage   = "language"
	FacetPerson     = "person"
	FacetCategory   = "category"
)

// AllFacets are the names of every facet.
var AllFacets = []string{FacetCollection, FacetDecade, FacetYear, FacetCreator, FacetType, FacetLanguage, FacetPerson, FacetCategory}

// SearchRequest is a search as a reader asked it.
type SearchRequest struct {
	// Query is the query as typed, in the query language of package query:
	// words, "phrases", OR, -exclusions, prefix*, fuzzy~, field:filters.
	Query string
	// Filters narrows the results to documents having one of the values
	// for each facet named (FacetCollection: {"sample"}).
	Filters map[string][]string
	// From and To narrow the results to a range of dates: "1977", "1977-05",
	// "1977-05-19"; either may be empty.
	From, To string
	Sort     SortOrder
	Offset   int
	Limit    int // 0 means a default page (20)
	// Facets names the facets to count (FacetCollection, FacetYear, ...);
	// none are counted when it is empty. A facet costs time on every hit,
	// so a search asks only for those it shows.
	Facets []string
	// Highlight asks for snippets with the terms marked.
	Highlight bool
	// Restricted admits restricted documents too, for a reader granted
	// access to them. Without it they are neither found nor counted.
	Restricted bool
}

// SearchResults answers a SearchRequest.
type SearchResults struct {
	Total int
	Took  time.Duration
	Hits  []Hit
	// Facets counts, per facet name asked for, the documents of the
	// results having each value, most first.
	Facets map[string][]FacetCount
	// Interpreted says how the query was read, when it was not read as
	// written: a malformed query is read as plain words.
	Interpreted string
}

// Hit is one document found.
type Hit struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Date       Date     `json:"date"`
	References []string `json:"references"`
	Collection string   `json:"collection"`
	// Snippet is the best passage, as HTML-escaped text in which the
	// matching terms are wrapped in <mark> and </mark>.
	Snippet string  `json:"snippet,omitempty"`
	Page    int     `json:"page,omitempty"` // the page the snippet is on
	Score   float64 `json:"score"`
}

// FacetCount is the number of documents with one value of a facet.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}
