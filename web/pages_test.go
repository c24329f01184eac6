package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/sqlite"
)

var headingTag = regexp.MustCompile(`<h([1-6])[\s>]`)

// checkHeadings reports a page whose headings do not start with its one h1
// or skip a level on the way down.
func checkHeadings(t *testing.T, path, body string) {
	t.Helper()
	prev := 0
	h1 := 0
	for _, m := range headingTag.FindAllStringSubmatch(body, -1) {
		level, _ := strconv.Atoi(m[1])
		if level == 1 {
			h1++
		}
		if prev == 0 && level != 1 {
			t.Errorf("GET %s: first heading is h%d, want h1", path, level)
		}
		if level > prev+1 {
			t.Errorf("GET %s: h%d follows h%d", path, level, prev)
		}
		prev = level
	}
	if h1 != 1 {
		t.Errorf("GET %s: %d h1, want 1", path, h1)
	}
}

// TestEveryPage opens every public page of the fixture: every document, its
// collection, its year and month, and checks each answers 200 with one h1 and
// headings in order.
func TestEveryPage(t *testing.T) {
	f := newFixture(t)
	docs, _, err := f.store.Documents(context.Background(), fonds.Filter{Published: true})
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{"/": true, "/browse": true, "/no/such/page": true, "/browse/99999": true}
	for _, d := range docs {
		paths["/documents/"+d.ID] = true
		paths["/collections/"+d.Collection] = true
		if y := d.Date.Year(); y > 0 {
			paths[fmt.Sprintf("/browse/%d", y)] = true
			if m := d.Date.Month(); m > 0 && d.Date.Precision != fonds.PrecisionYear {
				paths[fmt.Sprintf("/browse/%d/%d", y, m)] = true
			}
		}
	}
	for p := range paths {
		w := f.get(p)
		if w.Code != 200 && !strings.Contains(p, "no") && !strings.Contains(p, "99999") {
			t.Errorf("GET %s: status %d", p, w.Code)
		}
		checkHeadings(t, p, w.Body.String())
	}
}

// manyDocuments returns a store holding n published documents of January
// 1980 in one collection.
func manyDocuments(t *testing.T, n int) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if err := st.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Many"}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		d := fondstest.NewDocument(fmt.Sprintf("1980-01-%02d-doc-%03d", i%28+1, i), fmt.Sprintf("1980-01-%02d", i%28+1))
		if _, err := st.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// TestPagination checks the pages of a collection longer than one page.
func TestPagination(t *testing.T) {
	st := manyDocuments(t, 120)
	s, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: st, server: s}
	base := "/collections/" + fondstest.Collection
	tests := []struct {
		path      string
		status    int
		want, not []string
		items     int
	}{
		{base, 200, []string{"120 documents", "Page 1 of 3", `href="` + base + `?page=2" rel="next"`}, []string{`rel="prev"`}, 50},
		{base + "?page=2", 200, []string{"Page 2 of 3", `href="` + base + `" rel="prev"`, `href="` + base + `?page=3" rel="next"`}, nil, 50},
		{base + "?page=3", 200, []string{"Page 3 of 3", `href="` + base + `?page=2" rel="prev"`}, []string{`rel="next"`}, 20},
		{base + "?page=4", 404, []string{"There is no page 4 of this list: it has 3."}, nil, 0},
		{"/browse/1980/1?page=3", 200, []string{"Page 3 of 3", `href="/browse/1980/1?page=2" rel="prev"`}, nil, 20},
	}
	for _, tt := range tests {
		w := f.get(tt.path)
		body := w.Body.String()
		if w.Code != tt.status {
			t.Errorf("GET %s: status %d, want %d", tt.path, w.Code, tt.status)
		}
		for _, s := range tt.want {
			if !strings.Contains(body, s) {
				t.Errorf("GET %s: body lacks %q", tt.path, s)
			}
		}
		for _, s := range tt.not {
			if strings.Contains(body, s) {
				t.Errorf("GET %s: body has %q", tt.path, s)
			}
		}
		if got := strings.Count(body, `<li><a href="/documents/`); got != tt.items {
			t.Errorf("GET %s lists %d documents, want %d", tt.path, got, tt.items)
		}
	}
}

// pageStore is a store that records the lists of documents asked of it.
type pageStore struct {
	fonds.Store
	asked []fonds.Filter
}

func (s *pageStore) Documents(ctx context.Context, f fonds.Filter) ([]*fonds.Document, int, error) {
	s.asked = append(s.asked, f)
	return s.Store.Documents(ctx, f)
}

// TestPagePastTheEnd checks that a page past the end of a list is answered
// from the counts, without asking the store for the documents of a page:
// at a deep offset the store would skip over the whole list to find
// nothing there.
func TestPagePastTheEnd(t *testing.T) {
	st := &pageStore{Store: manyDocuments(t, 120)}
	s, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	base := "/collections/" + fondstest.Collection
	tests := []struct {
		path   string
		status int
		want   string
		lists  int // how many lists of documents the page may ask for
	}{
		{base + "?page=3", 200, "Page 3 of 3", 1},
		{base + "?page=4", 404, "There is no page 4 of this list: it has 3.", 0},
		{base + "?page=999999", 404, "There is no page 999999 of this list: it has 3.", 0},
		{"/browse/1980?page=3", 200, "Page 3 of 3", 1},
		{"/browse/1980?page=999999", 404, "There is no page 999999 of this list: it has 3.", 0},
		{"/api/v1/documents?page=6&per_page=20", 200, `"id": "1980-01-`, 1},
		{"/api/v1/documents?page=7&per_page=20", 200, `"total": 120`, 0},
		{"/api/v1/documents?page=999999&per_page=100&year=1980", 200, `"documents": []`, 0},
		{"/api/v1/documents?page=999999&collection=" + fondstest.Collection, 200, `"total": 120`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			st.asked = nil
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if w.Code != tt.status {
				t.Errorf("GET %s: status %d, want %d", tt.path, w.Code, tt.status)
			}
			if !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("GET %s: body lacks %q", tt.path, tt.want)
			}
			if len(st.asked) != tt.lists {
				t.Errorf("GET %s asked the store for %d lists (%+v), want %d", tt.path, len(st.asked), st.asked, tt.lists)
			}
		})
	}
}
