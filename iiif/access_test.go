package iiif

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fonds"
)

// TestAccess checks that a draft's images and manifest are served to those
// who may see it (the role the site puts in the request's context) and to
// nobody else, and never so that a shared cache may keep them.
func TestAccess(t *testing.T) {
	f := newFixture(t)
	h, err := New(Config{Store: f.store, Images: f.images, BaseURL: f.server.URL})
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{
		"/iiif/image/" + draftID + "~1/info.json",
		"/iiif/image/" + draftID + "~1/full/50,/0/default.jpg",
		"/iiif/image/" + draftID + "~1/0,0,50,50/max/0/default.png",
		"/iiif/" + draftID + "/manifest",
		"/iiif/" + draftID + "/canvas/1/transcription",
	}
	for _, tt := range []struct {
		role fonds.Role
		want int
	}{
		{fonds.RoleAnonymous, http.StatusNotFound},
		{fonds.RoleReader, http.StatusNotFound},
		{fonds.RoleContributor, http.StatusOK},
		{fonds.RoleEditor, http.StatusOK},
		{fonds.RoleAdmin, http.StatusOK},
	} {
		for _, p := range paths {
			req := httptest.NewRequest(http.MethodGet, p, nil)
			req = req.WithContext(fonds.WithRole(req.Context(), tt.role))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("GET %s as %q = %d, want %d", p, tt.role, rec.Code, tt.want)
				continue
			}
			cc := rec.Header().Get("Cache-Control")
			if strings.Contains(cc, "public") || !strings.Contains(cc, "no-store") {
				t.Errorf("GET %s as %q: Cache-Control %q, want private, no-store", p, tt.role, cc)
			}
		}
	}
	// What the public sees stays public.
	resp, _ := f.get(t, page1+"/full/100,/0/default.jpg")
	if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
		t.Errorf("a public image: Cache-Control %q, want public", cc)
	}
}
