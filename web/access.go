package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"fonds"
)

// Who sees what: every list, count and search a request is shown admits
// what its viewer may see there (listFilter, searchRequest); every answer
// about one document asks s.visible. Lists hold only released documents,
// for everyone: drafts, documents in review and withdrawn ones are listed
// to those who edit them on their own pages, never among the public's.

// seesRestricted reports whether a person of the role sees the released
// documents that are restricted: readers granted access, and editors.
func seesRestricted(r fonds.Role) bool {
	return r == fonds.RoleReader || r.CanPublish()
}

// listFilter returns the filter of the lists and counts the request is
// shown: the documents the public sees, and the restricted ones to those
// who may see them.
func listFilter(r *http.Request) fonds.Filter {
	return fonds.Filter{Published: true, Restricted: seesRestricted(roleOf(r))}
}

// visibleDocument returns the document with the id if who makes the request
// may see it now. One they may not see is not found, exactly like an id
// that does not exist.
func (s *Server) visibleDocument(r *http.Request, id string) (*fonds.Document, error) {
	if !validSlug(id) {
		return nil, fonds.ErrNotFound
	}
	d, err := s.store.Document(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !s.visible(r, d) {
		return nil, fonds.ErrNotFound
	}
	return d, nil
}

// visibleCollections returns the collections the request's lists show,
// each counting the documents of f in it. A collection in which its viewer
// sees no document is left out: its name and description may say what the
// hidden documents are.
func (s *Server) visibleCollections(ctx context.Context, f fonds.Filter) ([]fonds.Collection, error) {
	cols, err := s.store.Collections(ctx, f)
	if err != nil {
		return nil, err
	}
	out := cols[:0]
	for _, c := range cols {
		if c.Count > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// version returns version rev (a number from 1) of d, a document the
// request's viewer may see now: d itself when rev is its version, else
// the revision. Editors see every revision; others only a revision they
// could see were it current (a public one, to the public), so that a citation
// pinned to a version keeps finding it while what was never public stays
// hidden.
func (s *Server) version(r *http.Request, d *fonds.Document, rev string) (*fonds.Document, error) {
	n, err := strconv.Atoi(rev)
	if err != nil || n < 1 || n > 1_000_000 {
		return nil, badRequest("The version (rev) must be a number from 1.")
	}
	if n == d.Version {
		return d, nil
	}
	missing := notFound("The document %s has no version %d you may see; its latest is version %d.", d.ID, n, d.Version)
	if n > d.Version {
		return nil, missing
	}
	old, err := s.store.Revision(r.Context(), d.ID, n)
	if errors.Is(err, fonds.ErrNotFound) {
		return nil, missing
	} else if err != nil {
		return nil, err
	}
	role := roleOf(r)
	if !role.CanPublish() && !old.VisibleTo(role, s.now()) {
		return nil, missing
	}
	if old.Version == 0 {
		old.Version = n
	}
	return old, nil
}

// private marks the answer to a signed-in viewer as theirs alone: no
// shared cache (a proxy's) may keep it and give it to another, who may not
// see what it shows.
func private(w http.ResponseWriter, r *http.Request) {
	if viewerOf(r) != nil {
		w.Header().Set("Cache-Control", "private, no-store")
	}
}
