package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"fonds"
)

// APIDocument is a document as the JSON API and the JSON export give it.
type APIDocument struct {
	ID          string         `json:"id"`
	Collection  string         `json:"collection"`
	Title       string         `json:"title"`
	Date        APIDate        `json:"date"`
	Mark        string         `json:"mark,omitempty"`
	References  []APIReference `json:"references"`
	Summary     string         `json:"summary"`
	Creator     string         `json:"creator"`
	Type        string         `json:"type"`
	ExtentPages int            `json:"extent_pages"`
	Excerpt     bool           `json:"excerpt"`
	Languages   []string       `json:"languages"`
	Translators []string       `json:"translators"`
	Pages       []APIPage      `json:"pages"`
	Persons     []string       `json:"persons"`
	Categories  []string       `json:"categories"`
	Conventions []string       `json:"conventions,omitempty"`
	Source      string         `json:"source"`
	Status      string         `json:"status"`
	Updated     time.Time      `json:"updated"`
	URL         string         `json:"url"`
	// Witnesses are the texts of the document. Lists leave them out, to
	// stay small; a single document and the export carry them.
	Witnesses []APIWitness `json:"witnesses,omitempty"`
}

// APIDate is the date of an APIDocument.
type APIDate struct {
	Start       string `json:"start"`
	End         string `json:"end"`
	Precision   string `json:"precision"`
	Approximate bool   `json:"approximate"`
	Written     string `json:"written,omitempty"`
	Display     string `json:"display"`
}

// APIReference is an archival reference, as written and normalized.
type APIReference struct {
	Written    string `json:"written"`
	Normalized string `json:"normalized"`
}

// APIPage is a page of the document: its number and its label as written.
type APIPage struct {
	N     int    `json:"n"`
	Label string `json:"label"`
}

// APIWitness is one text of the document, in plain text.
type APIWitness struct {
	Language string      `json:"language"`
	Role     string      `json:"role"`
	Credits  []APICredit `json:"credits"`
	Text     string      `json:"text"`
}

// APICredit names who made a witness.
type APICredit struct {
	Role string `json:"role"`
	Name string `json:"name"`
}

// NewAPIDocument returns the API's form of d; its URL is the permalink
// under baseURL. Lists are never null, so clients need not test for it.
func NewAPIDocument(d *fonds.Document, baseURL string) APIDocument {
	a := apiSummary(d, baseURL)
	for _, w := range d.Witnesses {
		aw := APIWitness{Language: w.Language, Role: w.Role, Credits: []APICredit{}, Text: w.Text.PlainText()}
		for _, c := range w.Credits {
			aw.Credits = append(aw.Credits, APICredit{Role: c.Role, Name: c.Name})
		}
		a.Witnesses = append(a.Witnesses, aw)
	}
	return a
}

// apiSummary is NewAPIDocument without the witnesses, as lists give a
// document: their texts are not made only to be dropped.
func apiSummary(d *fonds.Document, baseURL string) APIDocument {
	a := APIDocument{
		ID:         d.ID,
		Collection: d.Collection,
		Title:      d.Title,
		Date: APIDate{
			Start:       d.Date.Start,
			End:         d.Date.End,
			Precision:   string(d.Date.Precision),
			Approximate: d.Date.Approximate,
			Written:     d.Date.Written,
			Display:     d.Date.Display(),
		},
		Mark:        d.Mark,
		References:  []APIReference{},
		Summary:     d.Summary,
		Creator:     d.Creator,
		Type:        d.Type,
		ExtentPages: d.ExtentPages,
		Excerpt:     d.Excerpt,
		Languages:   nonNil(d.Languages),
		Translators: nonNil(d.Translators()),
		Pages:       []APIPage{},
		Persons:     []string{},
		Categories:  nonNil(d.Categories),
		Conventions: d.Conventions,
		Source:      d.Source,
		Status:      string(d.Status),
		Updated:     d.Updated.UTC(),
		URL:         baseURL + documentPath(d.ID),
	}
	for _, r := range d.References {
		a.References = append(a.References, APIReference{Written: r.Written, Normalized: r.Normalized})
	}
	for _, p := range d.Pages {
		a.Pages = append(a.Pages, APIPage{N: p.N, Label: p.Label})
	}
	for _, p := range d.Persons {
		a.Persons = append(a.Persons, p.Name)
	}
	return a
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// APIDocumentList is the answer of GET /api/v1/documents.
type APIDocumentList struct {
	Total     int           `json:"total"`
	Page      int           `json:"page"`
	PerPage   int           `json:"per_page"`
	Documents []APIDocument `json:"documents"`
}

// The page sizes of the API.
const (
	apiPerPage    = 20
	apiMaxPerPage = 100
)

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	size, err := intParam(r, "per_page", apiPerPage)
	if err != nil {
		return err
	}
	size = min(size, apiMaxPerPage)
	// Briefs: the list shows catalogue fields, never the texts.
	f := listFilter(r)
	f.Offset, f.Limit, f.Brief = (n-1)*size, size, true
	q := r.URL.Query()
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || len(v) > 4 || y < 1 {
			return badRequest("“%s” is not a year: use a year such as 1977.", clip(v, 40))
		}
		f.Year = y
	}
	if v := q.Get("collection"); v != "" {
		if !validSlug(v) {
			return notFound("There is no collection “%s”.", clip(v, 80))
		}
		// A collection in which the viewer sees no document is not
		// found, as on the home page and its own page.
		cols, err := s.visibleCollections(r.Context(), listFilter(r))
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(cols, func(c fonds.Collection) bool { return c.Slug == v }) {
			return notFound("There is no collection “%s”.", clip(v, 80))
		}
		f.Collection = v
	}
	if n > 1 {
		// A page past the end is empty: the counts say so, where the store
		// would skip over every document the filter admits to find nothing.
		total, err := s.apiTotal(r.Context(), f)
		if err != nil {
			return err
		}
		if f.Offset >= total {
			writeJSON(w, http.StatusOK, APIDocumentList{Total: total, Page: n, PerPage: size, Documents: []APIDocument{}})
			return nil
		}
	}
	docs, total, err := s.store.Documents(r.Context(), f)
	if err != nil {
		return err
	}
	base := s.base(r)
	list := APIDocumentList{Total: total, Page: n, PerPage: size, Documents: make([]APIDocument, 0, len(docs))}
	for _, d := range docs {
		list.Documents = append(list.Documents, apiSummary(d, base))
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// apiTotal returns how many documents the filter of the API's list admits,
// from the counts of the collections rather than from the documents.
func (s *Server) apiTotal(ctx context.Context, f fonds.Filter) (int, error) {
	cols, err := s.store.Collections(ctx, fonds.Filter{Published: f.Published, Restricted: f.Restricted, Year: f.Year})
	if err != nil {
		return 0, err
	}
	total := 0
	for _, c := range cols {
		if f.Collection == "" || c.Slug == f.Collection {
			total += c.Count
		}
	}
	return total, nil
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	d, err := s.visibleDocument(r, id)
	if errors.Is(err, fonds.ErrNotFound) {
		return notFound("There is no document with the id “%s”.", clip(id, 80))
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, NewAPIDocument(d, s.base(r)))
	return nil
}

// writeJSON answers v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		// Every value written here is made of strings, numbers and times.
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error": "Something went wrong on our side."}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// APISearchResults is the answer of GET /api/v1/search.
type APISearchResults struct {
	Total   int     `json:"total"`
	TookMS  float64 `json:"took_ms"`
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
	// Interpreted says how the query was read, when not as written.
	Interpreted string   `json:"interpreted"`
	Hits        []APIHit `json:"hits"`
	// Facets counts the results per value of each facet asked for (by
	// facets=, every facet without it), most first.
	Facets map[string][]fonds.FacetCount `json:"facets"`
}

// APIHit is one document a search found.
type APIHit struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Date       APIDate  `json:"date"`
	References []string `json:"references"`
	Collection string   `json:"collection"`
	// Snippet is HTML holding only text and <mark> elements around the
	// matching words.
	Snippet string `json:"snippet"`
	Page    int    `json:"page"` // the page of the snippet, 0 if none
	URL     string `json:"url"`
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	if s.index == nil {
		return searchUnavailable()
	}
	sp, err := parseSearch(r, true)
	if err != nil {
		return err
	}
	sp.req.Restricted = seesRestricted(roleOf(r))
	res, err := s.searchIndex(r.Context(), sp.req)
	if err != nil {
		return err
	}
	private(w, r)
	base := s.base(r)
	out := APISearchResults{
		Total:       res.Total,
		TookMS:      float64(res.Took.Microseconds()) / 1000,
		Page:        sp.page,
		PerPage:     sp.size,
		Interpreted: res.Interpreted,
		Hits:        make([]APIHit, 0, len(res.Hits)),
		Facets:      make(map[string][]fonds.FacetCount, len(sp.req.Facets)),
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, APIHit{
			ID:    h.ID,
			Title: hitTitle(h),
			Date: APIDate{
				Start:       h.Date.Start,
				End:         h.Date.End,
				Precision:   string(h.Date.Precision),
				Approximate: h.Date.Approximate,
				Written:     h.Date.Written,
				Display:     h.Date.Display(),
			},
			References: nonNil(h.References),
			Collection: h.Collection,
			Snippet:    string(SanitizeSnippet(h.Snippet)),
			Page:       h.Page,
			URL:        base + documentPath(h.ID),
		})
	}
	for _, name := range sp.req.Facets {
		counts := []fonds.FacetCount{}
		for _, c := range res.Facets[name] {
			if c.Value != "" && c.Count > 0 {
				counts = append(counts, c)
			}
		}
		out.Facets[name] = counts
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
