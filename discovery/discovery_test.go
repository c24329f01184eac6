package discovery

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/sqlite"
)

const base = "http://archive.test"

// newHandler returns a handler over a store of seven published documents and
// a draft, with three URLs a sitemap.
func newHandler(t *testing.T) *Handler {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ctx := context.Background()
	if err := store.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 7; i++ {
		if _, err := store.PutDocument(ctx, fondstest.NewDocument(fmt.Sprintf("doc-%d", i), fmt.Sprintf("197%d-01-02", i))); err != nil {
			t.Fatal(err)
		}
	}
	draft := fondstest.NewDocument("secret-draft", "1979-01-02")
	draft.Status = fonds.StatusDraft
	if _, err := store.PutDocument(ctx, draft); err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Store: store, BaseURL: base, SiteName: "Test archive", perSitemap: 3})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(t *testing.T, h http.Handler, path string) (int, string, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, rec.Header().Get("Content-Type"), string(b)
}

func TestSitemaps(t *testing.T) {
	h := newHandler(t)
	code, ctype, body := get(t, h, "/sitemap.xml")
	if code != 200 || ctype != "application/xml; charset=utf-8" {
		t.Fatalf("GET /sitemap.xml = %d %s", code, ctype)
	}
	var idx sitemapIndex
	if err := xml.Unmarshal([]byte(body), &idx); err != nil {
		t.Fatalf("sitemap index is not XML: %v\n%s", err, body)
	}
	if len(idx.Sitemaps) != 3 || idx.Sitemaps[2].Loc != base+"/sitemaps/3.xml" {
		t.Fatalf("sitemap index = %+v, want three sitemaps", idx.Sitemaps)
	}
	var all []string
	for _, ref := range idx.Sitemaps {
		code, _, body := get(t, h, strings.TrimPrefix(ref.Loc, base))
		if code != 200 {
			t.Fatalf("GET %s = %d", ref.Loc, code)
		}
		var set urlSet
		if err := xml.Unmarshal([]byte(body), &set); err != nil {
			t.Fatalf("%s is not XML: %v", ref.Loc, err)
		}
		for _, u := range set.URLs {
			all = append(all, u.Loc)
			if u.Loc != base+"/" && u.LastMod == "" {
				t.Errorf("%s has no lastmod", u.Loc)
			}
		}
	}
	want := []string{base + "/"}
	for i := 1; i <= 7; i++ {
		want = append(want, fmt.Sprintf("%s/documents/doc-%d", base, i))
	}
	if strings.Join(all, " ") != strings.Join(want, " ") {
		t.Errorf("sitemaps list %v, want %v", all, want)
	}
	for _, path := range []string{"/sitemaps/4.xml", "/sitemaps/0.xml", "/sitemaps/x.xml", "/sitemaps/1.txt"} {
		if code, _, _ := get(t, h, path); code != 404 {
			t.Errorf("GET %s = %d, want 404", path, code)
		}
	}
}

func TestFeed(t *testing.T) {
	h := newHandler(t)
	code, ctype, body := get(t, h, "/feed.atom")
	if code != 200 || ctype != "application/atom+xml; charset=utf-8" {
		t.Fatalf("GET /feed.atom = %d %s", code, ctype)
	}
	var feed atomFeed
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatalf("feed is not XML: %v\n%s", err, body)
	}
	if len(feed.Entries) != 7 || feed.Entries[0].ID != base+"/documents/doc-7" || feed.Updated == "" {
		t.Errorf("feed = %d entries, first %q; want 7, newest first", len(feed.Entries), feed.Entries[0].ID)
	}
	if strings.Contains(body, "secret-draft") {
		t.Error("the feed shows a draft")
	}
}

func TestRobots(t *testing.T) {
	code, _, body := get(t, newHandler(t), "/robots.txt")
	if code != 200 || !strings.Contains(body, "Sitemap: "+base+"/sitemap.xml") || !strings.Contains(body, "Disallow: /search") {
		t.Errorf("GET /robots.txt = %d\n%s", code, body)
	}
}

func TestEmptyArchive(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h, err := New(Config{Store: store, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/sitemap.xml", "/sitemaps/1.xml", "/feed.atom"} {
		if code, _, body := get(t, h, path); code != 200 || !strings.HasPrefix(body, "<?xml") {
			t.Errorf("GET %s of an empty archive = %d\n%s", path, code, body)
		}
	}
}
