package discovery

import (
	"context"
	"encoding/xml"
	"testing"
	"time"

	"fonds"
)

// TestFeedSite checks that the feed's title and author are the site's
// once set, the configured name before, read anew only after a second.
func TestFeedSite(t *testing.T) {
	h := newHandler(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h.now = func() time.Time { return now }
	feed := func() atomFeed {
		t.Helper()
		_, _, body := get(t, h, "/feed.atom")
		var f atomFeed
		if err := xml.Unmarshal([]byte(body), &f); err != nil {
			t.Fatalf("feed is not XML: %v\n%s", err, body)
		}
		return f
	}
	steps := []struct {
		site          *fonds.Site
		advance       time.Duration
		title         string
		author, email string
	}{
		{nil, 0, "Test archive: newly published documents", "Test archive", ""},
		{&fonds.Site{Name: "Bukovsky Archive", Email: "editors@example.org"}, 0, "Test archive: newly published documents", "Test archive", ""},
		{nil, 2 * time.Second, "Bukovsky Archive: newly published documents", "Bukovsky Archive", "editors@example.org"},
	}
	for i, st := range steps {
		if st.site != nil {
			if err := fonds.WriteSite(context.Background(), h.cfg.Store.(fonds.Settings), *st.site); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(st.advance)
		f := feed()
		if f.Title != st.title || f.Author.Name != st.author || f.Author.Email != st.email {
			t.Errorf("step %d: feed title %q, author %+v; want %q, {%s %s}", i, f.Title, f.Author, st.title, st.author, st.email)
		}
	}
}
