package discovery

import (
	"context"

	"fonds"
)

// settings returns the site's settings, read from the store at most once
// a second (fonds.SiteCache), with the configured name where none is set.
// A store that cannot be read leaves the last settings read.
func (h *Handler) settings(ctx context.Context) fonds.Site {
	s, err := h.siteCache.Site(ctx)
	if err != nil {
		h.cfg.Logger.Warn("discovery: reading the site's settings", "err", err)
	}
	if s.Name == "" {
		s.Name = h.cfg.SiteName
	}
	return s
}
