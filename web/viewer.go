package web

import (
	"context"
	"net/http"

	"fonds"
)

// viewer is who makes a request: the signed-in user and their session.
// Anonymous requests carry none.
type viewer struct {
	user    *fonds.User
	session *fonds.Session
}

type viewerKey struct{}

// withViewer returns r carrying v, and its role for the handlers of other
// packages (fonds.RoleFrom).
func withViewer(r *http.Request, v *viewer) *http.Request {
	ctx := context.WithValue(r.Context(), viewerKey{}, v)
	if v != nil && v.user != nil && !v.user.Disabled {
		ctx = fonds.WithRole(ctx, v.user.Role)
	}
	return r.WithContext(ctx)
}

// viewerOf returns who makes the request, nil when nobody signed in.
func viewerOf(r *http.Request) *viewer {
	v, _ := r.Context().Value(viewerKey{}).(*viewer)
	return v
}

// roleOf returns the role of who makes the request: RoleAnonymous when
// nobody signed in.
func roleOf(r *http.Request) fonds.Role {
	if v := viewerOf(r); v != nil && v.user != nil && !v.user.Disabled {
		return v.user.Role
	}
	return fonds.RoleAnonymous
}

// visible reports whether who makes the request may see the document now.
// Every surface asks it before showing anything of a document: a document
// one may not see is not found (404), so that its existence does not leak.
func (s *Server) visible(r *http.Request, d *fonds.Document) bool {
	return d.VisibleTo(roleOf(r), s.now())
}
