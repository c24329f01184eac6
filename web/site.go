package web

import (
	"context"
	"sync"
	"time"

	"fonds"
)

// siteRefresh is how long the site's settings, once read, are trusted: an
// admin's change shows within it, on every server of the archive.
const siteRefresh = time.Second

// siteSettings holds the site's settings as last read from the store.
type siteSettings struct {
	mu   sync.Mutex
	read time.Time
	site fonds.Site
}

// site returns the site's settings, read from the store at most once per
// siteRefresh; what was never set is what the Config said (the name, the
// address). A store that cannot be read leaves the last settings read.
func (s *Server) site(ctx context.Context) fonds.Site {
	c := &s.siteSettings
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if !c.read.IsZero() && fresh(c.read, now, siteRefresh) {
		return c.site
	}
	st, err := fonds.ReadSite(ctx, s.store)
	if err != nil {
		s.log.Warn("reading the site's settings", "err", err)
		if !c.read.IsZero() {
			return c.site
		}
	}
	if st.Name == "" {
		st.Name = s.siteName
	}
	if st.URL == "" || s.baseURL != "" {
		// The address links are made with is the one the server was
		// started with: it is what permalinks already name.
		st.URL = s.baseURL
	}
	c.site, c.read = st, now
	return st
}
