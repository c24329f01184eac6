// Package web serves the public site and the JSON API of an archive: the
// home page, browsing by date and collection, the document pages with their
// rendered text, search with facets, and /api/v1. It reads only published
// documents.
//
// Other packages (search, OAI-PMH, IIIF) mount their handlers on the same
// mux with Server.Handle.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"

	"fonds"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what a Server needs.
type Config struct {
	Store    fonds.Store
	Logger   *slog.Logger
	SiteName string // "fonds" if empty
	// BaseURL is the address the site is reached at, e.g.
	// "http://127.0.0.1:8080", for citations and canonical links. When empty
	// it is derived from each request.
	BaseURL string
	// Index is the search index, derived from the Store and holding only
	// its published documents. It may be nil: the site then has no search
	// box, and /search answers that search is unavailable.
	Index fonds.Index
	// TEI writes a document as TEI XML, for GET /documents/{id}.tei.xml
	// (tei.Write). When nil the site offers no TEI, and that address is
	// not found.
	TEI func(io.Writer, *fonds.Document) error
}

// Server is the public site and API: an http.Handler.
type Server struct {
	store    fonds.Store
	index    fonds.Index // nil when the site has no search
	log      *slog.Logger
	siteName string
	baseURL  string

	mux       *http.ServeMux
	formatsMu sync.RWMutex
	formats   map[string]http.Handler // by extension: ".txt"
	pages     map[string]*template.Template
	staticVer string // a hash of the static files, for cache busting
	tei       func(io.Writer, *fonds.Document) error
}

// maxPathLen is the longest request path served; anything longer is a
// mistake or an attack, and is answered 400 without touching the store.
const maxPathLen = 1024

// The page templates: each is parsed with base.html, once, at New.
var pageNames = []string{"home", "browse", "collection", "document", "search", "error"}

// New returns a Server for the config, with its templates parsed.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: no store")
	}
	s := &Server{
		store:    cfg.Store,
		index:    cfg.Index,
		log:      cfg.Logger,
		siteName: cfg.SiteName,
		baseURL:  strings.TrimRight(cfg.BaseURL, "/"),
		mux:      http.NewServeMux(),
		pages:    make(map[string]*template.Template),
		formats:  make(map[string]http.Handler),
		tei:      cfg.TEI,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.siteName == "" {
		s.siteName = "fonds"
	}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(templateFS, "templates/base.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse templates: %w", err)
		}
		s.pages[name] = t
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	s.staticVer, err = hashFS(static)
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	s.routes(static)
	return s, nil
}

func (s *Server) routes(static fs.FS) {
	s.mux.Handle("GET /{$}", s.html(s.home))
	s.mux.Handle("GET /browse", s.html(s.browse))
	s.mux.Handle("GET /browse/{year}", s.html(s.browseYear))
	s.mux.Handle("GET /browse/{year}/{month}", s.html(s.browseMonth))
	s.mux.Handle("GET /collections/{slug}", s.html(s.collection))
	s.mux.Handle("GET /documents/{id}", s.html(s.document))
	s.mux.Handle("GET /search", s.html(s.search))
	s.mux.Handle("GET /static/", s.staticHandler(static))
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.Handle("GET /api/v1/documents", s.api(s.apiDocuments))
	s.mux.Handle("GET /api/v1/documents/{id}", s.api(s.apiDocument))
	s.mux.Handle("GET /api/v1/search", s.api(s.apiSearch))
	s.mux.Handle("GET /api/v1/export.jsonl", s.api(s.apiExport))
	s.mux.Handle("GET /api/v1/openapi.json", s.api(s.apiOpenAPI))
	// Everything else is answered by the error handler, so that an unknown
	// address gets the helpful page (or a JSON error under /api/).
	s.mux.Handle("/api/", s.api(s.unknown))
	s.mux.Handle("/", s.html(s.unknownOrAlias))
	s.Handle("GET /documents/{id}.txt", s.html(s.documentText))
	for _, f := range citationFormats {
		s.Handle("GET /documents/{id}"+f.ext, s.html(s.documentCitation(f)))
	}
	if s.tei != nil {
		s.Handle("GET /documents/{id}.tei.xml", s.html(s.documentTEI))
	}
}

// Handle registers h for pattern on the server's mux, for packages that add
// their own routes (search, OAI-PMH, IIIF). It panics, like
// http.ServeMux.Handle, if the pattern is invalid or conflicts.
//
// A document in another format, "GET /documents/{id}.txt", is a pattern
// ServeMux cannot hold (a wildcard fills a whole segment); Handle accepts it
// all the same: the document route hands such a request to h, with the
// path value "id" set to the id without the extension.
func (s *Server) Handle(pattern string, h http.Handler) {
	if m := documentFormat.FindStringSubmatch(pattern); m != nil {
		s.formatsMu.Lock()
		defer s.formatsMu.Unlock()
		if _, dup := s.formats[m[1]]; dup {
			panic("web: a handler for " + pattern + " is already registered")
		}
		s.formats[m[1]] = h
		return
	}
	s.mux.Handle(pattern, h)
}

// documentFormat matches the pattern of a document in another format; the
// extension may have more than one part (".tei.xml").
var documentFormat = regexp.MustCompile(`^(?:GET )?/documents/\{id\}((?:\.[A-Za-z0-9]+)+)$`)

// formatHandler returns the handler registered for a document id's
// extension, the longest that matches, if the id has one.
func (s *Server) formatHandler(id string) (http.Handler, string) {
	if path.Ext(id) == "" {
		return nil, ""
	}
	s.formatsMu.RLock()
	defer s.formatsMu.RUnlock()
	var h http.Handler
	best := ""
	for ext, fh := range s.formats {
		if len(ext) > len(best) && len(id) > len(ext) && strings.HasSuffix(id, ext) {
			h, best = fh, ext
		}
	}
	return h, strings.TrimSuffix(id, best)
}

// ServeHTTP sets the security headers every answer carries and dispatches
// the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	if len(r.URL.Path) > maxPathLen {
		err := badRequest("The address is too long to be one of this site's pages.")
		s.serveError(w, r, err, strings.HasPrefix(r.URL.Path, "/api/"))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// contentSecurityPolicy allows the site's own styles and script and nothing
// else: the pages need no inline script or style, nor anything from elsewhere.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// handlerFunc is a handler that returns its error instead of answering it,
// so that one place, serveError, decides what the client sees.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// html adapts a handler of the HTML site.
func (s *Server) html(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.serveError(w, r, err, false)
		}
	})
}

// api adapts a handler of the JSON API.
func (s *Server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.serveError(w, r, err, true)
		}
	})
}

// httpError is an error with the status and the message a client may see.
type httpError struct {
	status int
	msg    string // safe to show
	err    error  // the cause, for the log; may be nil
	// suggestions are documents a reader may have meant, for a 404.
	suggestions []*fonds.Document
	// retry is a way out of a refused search: the same search without
	// what was wrong with it.
	retry *crumb
}

func (e *httpError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%d %s: %v", e.status, e.msg, e.err)
	}
	return fmt.Sprintf("%d %s", e.status, e.msg)
}

func (e *httpError) Unwrap() error { return e.err }

func notFound(format string, args ...any) *httpError {
	return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *httpError {
	return &httpError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// serveError is the one place that turns an error into an answer: the
// domain errors become 404 and 400, anything else a 500 whose cause goes to
// the log and never to the client.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error, api bool) {
	e := &httpError{status: http.StatusInternalServerError, msg: "Something went wrong on our side. Please try again later."}
	var he *httpError
	switch {
	case errors.As(err, &he):
		e = he
	case errors.Is(err, context.Canceled):
		// The client went away; there is nobody to answer.
		s.log.Debug("request canceled", "method", r.Method, "path", r.URL.Path)
		return
	case errors.Is(err, fonds.ErrNotFound):
		e = notFound("The page you asked for is not here.")
	case errors.Is(err, fonds.ErrInvalid):
		e = badRequest("The request is not valid.")
	}
	if e.status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", e.status, "err", err)
	} else {
		s.log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "status", e.status, "err", err)
	}
	if api {
		writeJSON(w, e.status, map[string]string{"error": e.msg})
		return
	}
	data := errorPage{
		Status:      e.status,
		StatusText:  errorHeading(e.status),
		Message:     e.msg,
		Suggestions: listItems(e.suggestions),
		Retry:       e.retry,
	}
	p := s.newPage(r, data.StatusText, data)
	p.NoIndex = true
	var buf bytes.Buffer
	if terr := s.pages["error"].ExecuteTemplate(&buf, "base", p); terr != nil {
		s.log.Error("render error page", "err", terr)
		http.Error(w, e.msg, e.status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(e.status)
	w.Write(buf.Bytes())
}

// errorHeading returns the heading of the error page for a status.
func errorHeading(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Not found"
	case http.StatusBadRequest:
		return "Not a valid address"
	case http.StatusMethodNotAllowed:
		return "Not allowed"
	case http.StatusServiceUnavailable:
		return "Not available"
	case http.StatusInternalServerError:
		return "Something went wrong"
	}
	return http.StatusText(status)
}

// errorPage is the data of the error page.
type errorPage struct {
	Status      int
	StatusText  string
	Message     string
	Suggestions []listItem
	Retry       *crumb
}

// unknown answers an address no route claims.
func (s *Server) unknown(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return &httpError{status: http.StatusMethodNotAllowed, msg: "This site can only be read: use GET."}
	}
	return notFound("There is no page at this address.")
}

// render executes the named page template into a buffer first, so that a
// template error becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, name string, p *page) error {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "base", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := w.Write(buf.Bytes())
	if err != nil {
		// The client is gone; the status is already written.
		s.log.Debug("write response", "err", err)
	}
	return nil
}

// page is what every template receives.
type page struct {
	SiteName  string
	Title     string // the page's own title, before the site name
	Canonical string
	StaticVer string
	NoIndex   bool
	Meta      []metaTag   // citation metadata for reference managers
	JSONLD    template.JS // schema.org description of the page, safe in a script element
	// Search shows the search box in the header: the site has an index.
	Search bool
	Query  string // what the search box holds
	Data   any
}

type metaTag struct{ Name, Content string }

func (s *Server) newPage(r *http.Request, title string, data any) *page {
	return &page{
		SiteName:  s.siteName,
		Title:     title,
		Canonical: s.base(r) + r.URL.Path,
		StaticVer: s.staticVer,
		Search:    s.index != nil,
		Data:      data,
	}
}

// base returns the site's base URL: the configured one, or the request's.
func (s *Server) base(r *http.Request) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// staticHandler serves the embedded static files. A URL carrying the
// current version (?v=…) may be cached for a year: a change of the files
// changes the version the pages link to.
func (s *Server) staticHandler(static fs.FS) http.Handler {
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			s.serveError(w, r, notFound("There is no page at this address."), false)
			return
		}
		if r.URL.Query().Get("v") == s.staticVer {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		files.ServeHTTP(w, r)
	})
}

func hashFS(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// healthz answers "ok" when the store answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if _, _, err := s.store.Documents(r.Context(), fonds.Filter{Published: true, Limit: 1}); err != nil {
		s.log.Error("health check", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "store unavailable")
		return
	}
	fmt.Fprintln(w, "ok")
}
