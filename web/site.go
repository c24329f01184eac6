package web

import (
	"context"

	"fonds"
)

// site returns the site's settings, read from the store at most once a
// second (fonds.SiteCache); what was never set is what the Config said
// (the name, the address). A store that cannot be read leaves the last
// settings read.
func (s *Server) site(ctx context.Context) fonds.Site {
	st, err := s.siteSettings.Site(ctx)
	if err != nil {
		s.log.Warn("reading the site's settings", "err", err)
	}
	if st.Name == "" {
		st.Name = s.siteName
	}
	if st.URL == "" || s.baseURL != "" {
		// The address links are made with is the one the server was
		// started with: it is what permalinks already name.
		st.URL = s.baseURL
	}
	return st
}
