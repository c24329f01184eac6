package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"fonds"
)

// The site may replace an older one (a WordPress blog) whose addresses are
// cited and linked: an imported document lists them as its aliases, and
// an address that would otherwise not be found is redirected, for good, to
// the document's page.

// unknownOrAlias answers an address no route claims: a redirect if it is
// an alias of a document the viewer may see, else the page that says
// nothing is here.
func (s *Server) unknownOrAlias(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if ok, err := s.redirectAlias(w, r); ok || err != nil {
			return err
		}
	}
	return s.unknown(w, r)
}

// redirectAlias redirects the request with 301 to the document whose alias
// its address is, if the viewer may see it, and reports whether it did. An
// alias of a hidden document is no alias: a redirect would tell that the
// document exists, and its id.
func (s *Server) redirectAlias(w http.ResponseWriter, r *http.Request) (bool, error) {
	ctx := r.Context()
	for _, p := range aliasCandidates(r.URL) {
		id, err := s.store.Alias(ctx, p)
		if errors.Is(err, fonds.ErrNotFound) {
			continue
		}
		if err != nil {
			// A redirect is a courtesy: without the store's answer the
			// address is simply not found.
			s.log.Error("look up alias", "path", p, "err", err)
			return false, nil
		}
		d, err := s.visibleDocument(r, id)
		if errors.Is(err, fonds.ErrNotFound) {
			continue // hidden: as if there were no alias
		}
		if err != nil {
			s.log.Error("look up alias", "path", p, "id", id, "err", err)
			return false, nil
		}
		if !d.Public() {
			// Kept by no shared cache, to be given to someone else.
			w.Header().Set("Cache-Control", "private, no-store")
		}
		http.Redirect(w, r, documentPath(d.ID), http.StatusMovedPermanently)
		return true, nil
	}
	return false, nil
}

// aliasCandidates returns the forms of an address an alias may have been
// stored in, most particular first: with WordPress's post query
// ("/?p=123"), with the whole query, and the path with and without its
// trailing slash.
func aliasCandidates(u *url.URL) []string {
	var out []string
	add := func(p string) {
		for _, q := range out {
			if q == p {
				return
			}
		}
		out = append(out, p)
	}
	p := u.Path
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		q := u.Query()
		for _, key := range []string{"p", "page_id"} {
			if v := q.Get(key); v != "" {
				add(p + "?" + key + "=" + v)
			}
		}
		add(p + "?" + u.RawQuery)
	}
	add(p)
	if p != "/" {
		if strings.HasSuffix(p, "/") {
			add(strings.TrimRight(p, "/"))
		} else {
			add(p + "/")
		}
	}
	return out
}

// wordpressQuery reports whether the query of the home page asks for a
// WordPress post or page ("/?p=123"), which must be redirected or not
// found rather than answered with the home page.
func wordpressQuery(u *url.URL) bool {
	if u.RawQuery == "" {
		return false
	}
	q := u.Query()
	return q.Has("p") || q.Has("page_id")
}
