// Package web serves the public site and the JSON API of an archive: the
// home page, browsing by date and collection, the document pages with their
// rendered text, search with facets, and /api/v1. It reads only published
// documents.
//
// The site reads the archive through Reads, and writes only through Writes:
// what signing in, editing and administration need. A site given no Writes
// is read-only.
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
	"runtime"
	"strings"
	"sync"
	"time"

	"fonds"
	"fonds/metrics"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what a Server needs.
type Config struct {
	// Store is what the site reads: required.
	Store Reads
	// Writes is what signing in and editing write. When nil, it is the
	// Store, if the Store is a Writes too (a fonds.Store is); a Store that
	// is not one serves a read-only site: no one signs in, so every
	// visitor sees what the public sees, and the routes of accounts,
	// editing and administration are not there.
	Writes   Writes
	Logger   *slog.Logger
	SiteName string // "fonds" if empty
	// BaseURL is the address the site is reached at, e.g.
	// "http://127.0.0.1:8080", for permalinks, citations and canonical
	// links. When empty, links are written relative to the site ("/documents/…"):
	// never from a request's Host header, which the client chooses.
	BaseURL string
	// Index is the search index, derived from the Store and holding only
	// its published documents. It may be nil: the site then has no search
	// box, and /search answers that search is unavailable.
	Index fonds.Index
	// TEI writes a document as TEI XML, for GET /documents/{id}.tei.xml
	// (tei.Write). When nil the site offers no TEI, and that address is
	// not found.
	TEI func(io.Writer, *fonds.Document) error
	// Metrics receives the latency of each request, by route, and of each
	// search; nil records nothing.
	Metrics *metrics.Registry
	// NoAccessLog turns off the access log: a line per request, at level
	// Info, through Logger.
	NoAccessLog bool
	// PageCacheBytes bounds the memory of the cache of rendered pages and
	// API answers; 0 means DefaultPageCacheBytes (64 MiB), and a negative
	// value turns the cache off.
	PageCacheBytes int64
	// PageCacheEntries bounds how many answers the cache holds; 0 means
	// DefaultPageCacheEntries.
	PageCacheEntries int
	// PageCacheRefresh is how long the cache trusts the stamp of the
	// archive it read before asking the store again, and so how soon a
	// change another process makes shows; 0 means one second.
	PageCacheRefresh time.Duration
	// SessionIdle is how long a session lasts without a request: 12 hours
	// when 0. SessionMax is how long it lasts at most: 30 days when 0.
	SessionIdle, SessionMax time.Duration
	// TrustProxy says the server is reached through a proxy that sets
	// X-Forwarded-For and X-Forwarded-Proto: the client's address and
	// whether it came over TLS are then read from them.
	TrustProxy bool
	// PageImages keeps the images of pages that editors upload; nil
	// refuses uploads.
	PageImages PageImages
}

// Server is the public site and API: an http.Handler.
type Server struct {
	store    Reads
	writes   Writes      // nil when the site is read-only
	index    fonds.Index // nil when the site has no search
	log      *slog.Logger
	siteName string // the name when the site's settings give none
	baseURL  string
	// siteSettings are the site's settings an admin edits.
	siteSettings *fonds.SiteCache

	mux *http.ServeMux
	// patterns lists every pattern registered, in order: what a test walks
	// to check that no route shows what it must not.
	patterns  []string
	formatsMu sync.RWMutex
	formats   map[string]http.Handler // by extension: ".txt"
	pages     map[string]*template.Template
	staticVer string // a hash of the static files, for cache busting
	tei       func(io.Writer, *fonds.Document) error
	images    PageImages // nil when uploads are refused

	metrics   *metrics.Registry // nil records nothing
	accessLog bool
	// checks are what /healthz asks, in order: the store, the index.
	checks []*healthCheck
	// cache keeps rendered public pages; nil when turned off.
	cache *pageCache
	// searching holds a token for each search running: as many as there
	// are processors. A search waits for one within its deadline, so that
	// a burst of costly searches runs a few at a time at full speed
	// instead of all at once, each slowed past its deadline.
	searching chan struct{}
	// now is the time of day, for the date a citation was accessed.
	now func() time.Time
	// accounts holds what sign-in and sessions need.
	accounts *accounts
}

// maxPathLen is the longest request path served; anything longer is a
// mistake or an attack, and is answered 400 without touching the store.
const maxPathLen = 1024

// The page templates: each is parsed with base.html, once, at New.
var pageNames = []string{"home", "browse", "collection", "document", "search", "error",
	"login", "about", "admin_users", "admin_user", "admin_site", "admin_audit", "collection_edit",
	"entities", "entity", "entity_edit"}

// New returns a Server for the config, with its templates parsed.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: no store")
	}
	s := &Server{
		store:     cfg.Store,
		writes:    cfg.Writes,
		index:     cfg.Index,
		log:       cfg.Logger,
		siteName:  cfg.SiteName,
		baseURL:   strings.TrimRight(cfg.BaseURL, "/"),
		mux:       http.NewServeMux(),
		pages:     make(map[string]*template.Template),
		formats:   make(map[string]http.Handler),
		tei:       cfg.TEI,
		images:    cfg.PageImages,
		metrics:   cfg.Metrics,
		accessLog: !cfg.NoAccessLog,
		now:       time.Now,
		accounts:  newAccounts(cfg),
	}
	if s.writes == nil {
		s.writes, _ = cfg.Store.(Writes)
	}
	s.siteSettings = &fonds.SiteCache{Settings: cfg.Store}
	s.cache = newPageCache(cfg.Store, cfg.PageCacheBytes, cfg.PageCacheEntries, func() time.Time { return s.now() })
	if s.cache != nil && cfg.PageCacheRefresh > 0 {
		s.cache.refresh = cfg.PageCacheRefresh
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.searching = make(chan struct{}, runtime.GOMAXPROCS(0))
	s.checks = append(s.checks, &healthCheck{name: "store", check: storeCheck(cfg.Store)})
	if cfg.Index != nil {
		s.checks = append(s.checks, &healthCheck{name: "index", check: indexCheck(cfg.Index)})
		if cfg.Metrics != nil {
			s.index = observedIndex{cfg.Index, cfg.Metrics}
		}
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
	// The pages every reader is shown alike are answered from the page
	// cache; searches, the export, health and errors never are.
	s.handle("GET /{$}", s.cached(s.html(s.home)))
	s.handle("GET /browse", s.cached(s.html(s.browse)))
	s.handle("GET /browse/{year}", s.cached(s.html(s.browseYear)))
	s.handle("GET /browse/{year}/{month}", s.cached(s.html(s.browseMonth)))
	s.handle("GET /browse/{year}/{month}/{day}", s.cached(s.html(s.browseDay)))
	s.handle("GET /collections/{slug}", s.cached(s.html(s.collection)))
	s.handle("GET /documents/{id}", s.documentRoute(s.cached(s.html(s.document))))
	s.handle("GET /search", s.html(s.search))
	s.handle("GET /static/", s.staticHandler(static))
	s.handle("GET /healthz", http.HandlerFunc(s.healthz))
	s.handle("GET /api/v1/documents", s.cached(s.api(s.apiDocuments)))
	s.handle("GET /api/v1/documents/{id}", s.cached(s.api(s.apiDocument)))
	s.handle("GET /api/v1/search", s.api(s.apiSearch))
	s.handle("GET /api/v1/export.jsonl", s.api(s.apiExport))
	s.handle("GET /api/v1/openapi.json", s.api(s.apiOpenAPI))
	// Everything else is answered by the error handler, so that an unknown
	// address gets the helpful page (or a JSON error under /api/).
	s.handle("/api/", s.api(s.unknown))
	s.handle("/", s.html(s.unknownOrAlias))
	s.Handle("GET /documents/{id}.txt", s.cached(s.html(s.documentText)))
	for _, f := range citationFormats {
		s.Handle("GET /documents/{id}"+f.ext, s.cached(s.html(s.documentCitation(f))))
	}
	if s.tei != nil {
		s.Handle("GET /documents/{id}.tei.xml", s.cached(s.html(s.documentTEI)))
	}
	s.handle("GET /about", s.html(s.about))
	if s.writes != nil {
		s.accountRoutes()
		s.editRoutes()
	}
	s.entityRoutes()
}

// documentRoute answers GET /documents/{id}: by the handler of the id's
// format if it has one (".txt"), else by page. A format registered by
// another package is not cached unless it asked for it.
func (s *Server) documentRoute(page http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, bare := s.formatHandler(r.PathValue("id")); h != nil {
			r.SetPathValue("id", bare)
			h.ServeHTTP(w, r)
			return
		}
		page.ServeHTTP(w, r)
	})
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
		s.patterns = append(s.patterns, pattern)
		return
	}
	s.handle(pattern, h)
}

// handle registers h for pattern on the mux, and records the pattern.
func (s *Server) handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
	s.formatsMu.Lock()
	s.patterns = append(s.patterns, pattern)
	s.formatsMu.Unlock()
}

// Routes returns every pattern registered on the server, by it and by the
// packages that mounted their handlers, in the order they were.
func (s *Server) Routes() []string {
	s.formatsMu.RLock()
	defer s.formatsMu.RUnlock()
	return append([]string(nil), s.patterns...)
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

// ServeHTTP sets the security headers every answer carries, dispatches the
// request, and records it in the access log and the metrics.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.accessLog && s.metrics == nil {
		s.serve(w, r)
		return
	}
	start := time.Now()
	rec := &responseRecorder{ResponseWriter: w}
	s.serve(rec, r)
	s.observe(r, rec, time.Since(start))
}

// serve answers the request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	if len(r.URL.Path) > maxPathLen {
		err := badRequest("The address is too long to be one of this site's pages.")
		s.serveError(w, r, err, strings.HasPrefix(r.URL.Path, "/api/"))
		return
	}
	r, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if viewerOf(r) != nil {
		// What a signed-in person is shown may hold what others may not
		// see: no cache between them and the server may keep it. A
		// handler that knows better (the static files) says so itself.
		h.Set("Cache-Control", "private, no-store")
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
// domain errors become 404 and 400; work past its deadline, a read-only or
// full archive 503 with a message saying so; anything else a 500 whose cause
// goes to the log and never to the client.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error, api bool) {
	e := &httpError{status: http.StatusInternalServerError, msg: "Something went wrong on our side. Please try again later."}
	level := slog.LevelError
	var he *httpError
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(r.Context().Err(), context.Canceled):
		// The client went away; there is nobody to answer, and whatever
		// failed then failed because of it.
		s.log.Debug("request canceled", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	case errors.As(err, &he):
		e = he
	case errors.Is(err, fonds.ErrNotFound):
		e = notFound("The page you asked for is not here.")
	case errors.Is(err, fonds.ErrInvalid):
		e = badRequest("The request is not valid.")
	case errors.Is(err, fonds.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		e = &httpError{status: http.StatusServiceUnavailable, msg: timeoutMessage(r)}
		level = slog.LevelWarn
	case errors.Is(err, fonds.ErrReadOnly):
		e = &httpError{status: http.StatusServiceUnavailable, msg: "The archive is read-only at the moment: it can be read and searched, but not changed."}
		level = slog.LevelWarn
	case errors.Is(err, fonds.ErrNoSpace):
		e = &httpError{status: http.StatusServiceUnavailable, msg: "The archive cannot store anything more at the moment. Please try again later."}
	}
	if e.status >= 500 {
		s.log.Log(r.Context(), level, "request failed", "method", r.Method, "path", r.URL.Path, "status", e.status, "err", err)
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

// timeoutMessage says what to do about a request that took too long: a
// search can be narrowed; anything else can only be tried again.
func timeoutMessage(r *http.Request) string {
	if r.URL.Path == "/search" || r.URL.Path == "/api/v1/search" {
		return "The search took too long; try narrowing it: fewer words, fewer prefixes (word*) or a filter."
	}
	return "This took too long to prepare. Please try again in a moment."
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
	return s.renderStatus(w, http.StatusOK, name, p)
}

// renderStatus is render with the status of the answer: a form sent back
// with what is wrong in it, a refusal.
func (s *Server) renderStatus(w http.ResponseWriter, status int, name string, p *page) error {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "base", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
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
	// Viewer is who is signed in, nil for an anonymous visitor; CSRF is
	// their session's token, which every form that changes anything sends.
	Viewer *pageViewer
	CSRF   string
	// SignIn offers to sign in: the site has accounts (it is not
	// read-only).
	SignIn bool
	// Path is the page's path, where signing in comes back to.
	Path string
	Data any
}

type metaTag struct{ Name, Content string }

func (s *Server) newPage(r *http.Request, title string, data any) *page {
	return &page{
		SiteName:  s.site(r.Context()).Name,
		Title:     title,
		Canonical: s.base(r) + r.URL.Path,
		StaticVer: s.staticVer,
		Search:    s.index != nil,
		Viewer:    newPageViewer(r),
		CSRF:      csrfOf(r),
		SignIn:    s.writes != nil,
		Path:      r.URL.Path,
		Data:      data,
	}
}

// base returns the site's base URL, the configured one, to put before a
// path. It is empty when none is configured, which makes the links relative:
// the request's Host header is the client's to choose, and taking it would
// let anyone write another site's address into the archive's permalinks
// (and into any cache in front of it).
func (s *Server) base(*http.Request) string {
	return s.baseURL
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

// healthTimeout bounds each check of /healthz: a store or index that takes
// longer to answer the cheapest question is not healthy.
const healthTimeout = 2 * time.Second

// healthCheck is one component /healthz asks.
type healthCheck struct {
	name  string
	check func(context.Context) error

	mu sync.Mutex
	// running is the check under way, which every request for /healthz
	// meanwhile waits for rather than failing or starting another. A check
	// that outlives its deadline (one blocked on a lock may not heed its
	// context) is not started again until it returns, so that a stuck
	// store cannot gather one goroutine per health check.
	running *healthRun
}

// healthRun is one run of a check.
type healthRun struct {
	deadline time.Time
	done     chan struct{}
	err      error // set before done is closed
}

// run runs the check under a deadline, or joins the run under way, and
// returns its error, or one saying it did not answer in time.
func (c *healthCheck) run(ctx context.Context) error {
	c.mu.Lock()
	r := c.running
	switch {
	case r != nil && time.Now().After(r.deadline):
		c.mu.Unlock()
		return errors.New("the last check has not returned")
	case r == nil:
		r = &healthRun{deadline: time.Now().Add(healthTimeout), done: make(chan struct{})}
		c.running = r
		go func() {
			// Not the request's context: the run answers every request
			// that joins it.
			checkCtx, cancel := context.WithDeadline(context.Background(), r.deadline)
			defer cancel()
			r.err = c.check(checkCtx)
			c.mu.Lock()
			c.running = nil
			c.mu.Unlock()
			close(r.done)
		}()
	}
	c.mu.Unlock()
	ctx, cancel := context.WithDeadline(ctx, r.deadline)
	defer cancel()
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pinger is a store or an index that can tell cheaply whether it answers.
type pinger interface {
	Ping(ctx context.Context) error
}

// storeCheck returns the health check of a store: its Ping if it has one,
// or else the lookup of an alias, one read of one key in an index.
func storeCheck(st Reads) func(context.Context) error {
	if p, ok := st.(pinger); ok {
		return p.Ping
	}
	return func(ctx context.Context) error {
		_, err := st.Alias(ctx, "/healthz")
		if errors.Is(err, fonds.ErrNotFound) {
			return nil // it answered
		}
		return err
	}
}

// indexCheck returns the health check of an index: its Ping if it has one,
// or its count of documents (which bleve keeps), or else a search for one
// document.
func indexCheck(ix fonds.Index) func(context.Context) error {
	if p, ok := ix.(pinger); ok {
		return p.Ping
	}
	if c, ok := ix.(interface{ Count() (uint64, error) }); ok {
		return func(context.Context) error {
			_, err := c.Count()
			return err
		}
	}
	return func(ctx context.Context) error {
		_, err := ix.Search(ctx, fonds.SearchRequest{Limit: 1})
		if errors.Is(err, fonds.ErrInvalid) {
			return nil // it answered
		}
		return err
	}
}

// healthz checks the store and the index at once, and answers 200 "ok" when
// both answer in time, or 503 naming those that did not. The causes go to
// the log, not to the client.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	errs := make([]error, len(s.checks))
	var wg sync.WaitGroup
	for i, c := range s.checks {
		wg.Go(func() { errs[i] = c.run(r.Context()) })
	}
	wg.Wait()
	var failed []string
	var report strings.Builder
	for i, c := range s.checks {
		state := "ok"
		switch {
		case errors.Is(errs[i], context.DeadlineExceeded):
			state = "did not answer in time"
		case errs[i] != nil:
			state = "unavailable"
		}
		if errs[i] != nil {
			failed = append(failed, c.name)
			s.log.Error("health check", "component", c.name, "err", errs[i])
		}
		fmt.Fprintf(&report, "%s: %s\n", c.name, state)
	}
	if len(failed) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "unavailable: %s\n%s", strings.Join(failed, ", "), report.String())
		return
	}
	fmt.Fprintf(w, "ok\n%s", report.String())
}

// observe records an answered request in the access log and the metrics.
func (s *Server) observe(r *http.Request, rec *responseRecorder, d time.Duration) {
	status := rec.status
	if status == 0 && r.Context().Err() == nil {
		status = http.StatusOK // what net/http sends for a handler that wrote nothing
	}
	// The mux has set the pattern on the request it was given; a handler
	// mounted with Handle may have set a narrower one of its own.
	s.metrics.ObserveRequest(r.Pattern, status, d)
	if !s.accessLog {
		return
	}
	p := r.URL.Path
	if len(p) > maxPathLen {
		p = p[:maxPathLen] + "…"
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method),
		slog.String("path", p),
		slog.String("route", r.Pattern),
		slog.Int("status", status),
		slog.Int64("bytes", rec.bytes),
		slog.Duration("duration", d),
		slog.String("remote", r.RemoteAddr),
	)
}

// responseRecorder notes the status and size of an answer on its way out.
type responseRecorder struct {
	http.ResponseWriter
	status int // 0 until the header is written
	bytes  int64
}

func (w *responseRecorder) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom lets files be sent as net/http sends them unwrapped (with
// sendfile where it can).
func (w *responseRecorder) ReadFrom(src io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, src)
	w.bytes += n
	return n, err
}

// Flush sends what is buffered, for answers written as they are made (the
// export).
func (w *responseRecorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *responseRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observedIndex is an index whose searches are timed into the metrics.
type observedIndex struct {
	fonds.Index
	metrics *metrics.Registry
}

func (ix observedIndex) Search(ctx context.Context, req fonds.SearchRequest) (*fonds.SearchResults, error) {
	start := time.Now()
	res, err := ix.Index.Search(ctx, req)
	ix.metrics.ObserveSearch(time.Since(start), err)
	return res, err
}
