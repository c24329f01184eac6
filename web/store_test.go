package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fonds"
	"fonds/sqlite"
)

// Every fonds.Store (SQLite's, PostgreSQL's) is both what the site reads
// and what it writes.
var (
	_ Reads  = fonds.Store(nil)
	_ Writes = fonds.Store(nil)
	_ Reads  = (*sqlite.Store)(nil)
	_ Writes = (*sqlite.Store)(nil)
)

// readOnly is a store that offers the site only its reads.
type readOnly struct{ Reads }

// TestReadOnly serves the fixture's archive from a store that is only a
// Reads: the public pages answer as they do with the whole store, nothing
// offers or accepts a sign-in or an edit, and a session cookie made on the
// whole store is ignored.
func TestReadOnly(t *testing.T) {
	f := newFixture(t)
	editor := f.signInAs("eddy", fonds.RoleEditor)
	s, err := New(Config{Store: readOnly{f.store}, BaseURL: testBaseURL})
	if err != nil {
		t.Fatal(err)
	}
	freshStamps(s)
	if s.writes != nil {
		t.Fatal("New(a read-only store) has writes")
	}
	f.server = s

	for _, path := range []string{"/", "/browse", "/documents/" + f.seedID, "/collections/" + testSlug, "/about", "/api/v1/documents", "/healthz"} {
		w := f.get(path)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, w.Code)
		}
		if strings.Contains(w.Body.String(), `href="/login`) {
			t.Errorf("GET %s offers to sign in on a read-only site", path)
		}
	}
	for _, path := range []string{"/login", "/work", "/review", "/admin/users", "/admin/site",
		"/documents/" + f.seedID + "/edit", "/documents/" + f.seedID + "/history",
		"/collections/" + testSlug + "/edit", "/documents/" + draftID} {
		if w := f.send(editor, http.MethodGet, path, nil); w.Code != http.StatusNotFound {
			t.Errorf("GET %s with an editor's session = %d, want 404", path, w.Code)
		}
	}
	form := url.Values{"name": {"eddy"}, "password": {"secret"}}
	for _, path := range []string{"/login", "/logout", "/documents/" + f.seedID + "/edit", "/admin/users"} {
		w := f.send(editor, http.MethodPost, path, form)
		if w.Code < 400 || w.Code >= 500 {
			t.Errorf("POST %s = %d, want a 4xx refusal", path, w.Code)
		}
	}
	if d, err := f.store.Document(t.Context(), f.seedID); err != nil || d.Version != 1 {
		t.Errorf("after the posts, the seed is version %v (%v), want 1 unchanged", d.Version, err)
	}
}

// TestWritesGiven takes Writes from the Config when the Store has none.
func TestWritesGiven(t *testing.T) {
	f := newFixture(t)
	editor := f.signInAs("eddy", fonds.RoleEditor)
	s, err := New(Config{Store: readOnly{f.store}, Writes: f.store, BaseURL: testBaseURL})
	if err != nil {
		t.Fatal(err)
	}
	freshStamps(s)
	f.server = s
	if w := f.send(editor, http.MethodGet, "/documents/"+draftID, nil); w.Code != http.StatusOK {
		t.Errorf("GET a draft with an editor's session = %d, want 200", w.Code)
	}
	if w := f.get("/"); !strings.Contains(w.Body.String(), `href="/login`) {
		t.Error("GET / offers no sign-in on a site with Writes")
	}
}
