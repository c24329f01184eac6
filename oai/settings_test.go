package oai

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"fonds"
	"fonds/sqlite"
)

// TestIdentifySite checks that Identify gives the site's name and e-mail
// once set, the configured ones before, and reads them anew only after a
// second.
func TestIdentifySite(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hh, err := New(Config{Store: s, BaseURL: "https://archive.example.org/oai", RepositoryName: "Configured"})
	if err != nil {
		t.Fatal(err)
	}
	h := hh.(*handler)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h.now = func() time.Time { return now }
	identify := func() (name, email string) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/oai?verb=Identify", nil))
		root, err := parseTree(rec.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		validate(t, root)
		id := root.kid("Identify")
		return id.kid("repositoryName").text, id.kid("adminEmail").text
	}
	steps := []struct {
		site        *fonds.Site
		advance     time.Duration
		name, email string
	}{
		{nil, 0, "Configured", "archive@archive.example.org"},
		{&fonds.Site{Name: "Bukovsky Archive", Email: "editors@example.org"}, 0, "Configured", "archive@archive.example.org"},
		{nil, 2 * time.Second, "Bukovsky Archive", "editors@example.org"},
		{&fonds.Site{Email: "editors@example.org"}, 2 * time.Second, "Configured", "editors@example.org"},
	}
	for i, st := range steps {
		if st.site != nil {
			if err := fonds.WriteSite(context.Background(), s, *st.site); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(st.advance)
		if name, email := identify(); name != st.name || email != st.email {
			t.Errorf("step %d: Identify = %q, %q; want %q, %q", i, name, email, st.name, st.email)
		}
	}
}
