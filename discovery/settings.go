package discovery

import (
	"context"
	"sync"
	"time"

	"fonds"
)

// settingsRefresh is how long the site's settings, once read, are
// trusted: an admin's change shows in the feed within it.
const settingsRefresh = time.Second

// siteSettings holds the site's settings as last read from the store.
type siteSettings struct {
	mu   sync.Mutex
	read time.Time
	site fonds.Site
}

// settings returns the site's settings, read from the store at most once
// per settingsRefresh, with the configured name where none is set. A
// store that cannot be read leaves the last settings read.
func (h *Handler) settings(ctx context.Context) fonds.Site {
	c := &h.siteCache
	c.mu.Lock()
	defer c.mu.Unlock()
	now := h.now()
	if !c.read.IsZero() && now.Sub(c.read) < settingsRefresh && !now.Before(c.read) {
		return c.site
	}
	s, err := fonds.ReadSite(ctx, h.cfg.Store)
	if err != nil {
		h.cfg.Logger.Warn("discovery: reading the site's settings", "err", err)
		if !c.read.IsZero() {
			return c.site
		}
	}
	if s.Name == "" {
		s.Name = h.cfg.SiteName
	}
	c.site, c.read = s, now
	return s
}
