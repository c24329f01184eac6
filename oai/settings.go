package oai

import (
	"context"

	"fonds"
)

// settings returns the site's settings, read from the store at most once
// a second (fonds.SiteCache). A store that cannot be read leaves the last
// settings read, or none.
func (h *handler) settings(ctx context.Context) fonds.Site {
	s, err := h.siteCache.Site(ctx)
	if err != nil {
		h.log.Warn("oai: reading the site's settings", "err", err)
	}
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
