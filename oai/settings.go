package oai

import (
	"context"
	"sync"
	"time"

	"fonds"
)

// settingsRefresh is how long the site's settings, once read, are
// trusted: an admin's change shows in Identify within it.
const settingsRefresh = time.Second

// siteSettings holds the site's settings as last read from the store.
type siteSettings struct {
	mu   sync.Mutex
	read time.Time
	site fonds.Site
}

// settings returns the site's settings, read from the store at most once
// per settingsRefresh. A store that cannot be read leaves the last
// settings read, or none.
func (h *handler) settings(ctx context.Context) fonds.Site {
	c := &h.siteCache
	c.mu.Lock()
	defer c.mu.Unlock()
	now := h.now()
	if !c.read.IsZero() && now.Sub(c.read) < settingsRefresh && !now.Before(c.read) {
		return c.site
	}
	s, err := fonds.ReadSite(ctx, h.store)
	if err != nil {
		h.log.Warn("oai: reading the site's settings", "err", err)
		return c.site
	}
	c.site, c.read = s, now
	return s
}

// repositoryName returns the name Identify gives: the site's name, else
// the configured one.
func (h *handler) repositoryName(ctx context.Context) string {
	if n := h.settings(ctx).Name; n != "" {
		return n
	}
	return h.name
}
