// Package iiif serves the page images of documents through the IIIF Image
// API 3.0 and describes each published document with a IIIF Presentation
// API 3.0 manifest, so that image viewers (Mirador, Universal Viewer) show the
// scans beside the transcription.
//
// The addresses, all under /iiif/:
//
//	/iiif/image/{ident}/info.json                                 image information
//	/iiif/image/{ident}/{region}/{size}/{rotation}/{quality}.{format}  an image
//	/iiif/{id}/manifest                                           a document's manifest
//	/iiif/{id}/canvas/{n}/transcription                           the text of a page
//
// An image identifier {ident} is the document's id and the page number
// joined by a tilde, "1977-05-19-pb-56-68~3", percent-encoded as one path
// segment (document ids are slugs, which never hold a tilde). Only the
// images of published documents are served.
//
// The image service is of compliance level 2: regions full, square, x,y,w,h
// and pct:x,y,w,h; sizes max, w,, ,h, pct:n, w,h and !w,h, each with ^ for
// upscaling; rotation by multiples of 90 degrees, with mirroring; qualities
// default, color and gray; formats jpg and png. Arbitrary rotation, the
// bitonal quality and other formats are answered 501 Not Implemented. No
// derived image exceeds 8,000 pixels a side or 12 million pixels (maxWidth,
// maxHeight and maxArea in info.json); a larger size is answered 400, and
// max is the largest size within them.
//
// Whatever the image, a request takes a bounded amount of memory: a large
// PNG is read a row at a time and scaled as it is read, other originals
// are decoded in their own format (never expanded to RGBA), within a
// budget Put enforces; a few images are made at once, and the derived
// images kept on disk stay within a size, the least recently used going
// first.
//
// A manifest has a canvas for each page of the document (each Page), of the
// size of the page's image; a page without an image has a canvas of
// 1000×1414, the proportions of a sheet of A4, and no painting annotation.
// A document without page markers is one canvas. The transcription of each
// page, in each witness, is a supplementing annotation of its canvas whose
// body is the page's text as HTML.
package iiif

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"fonds"
)

// Store is what the IIIF handler reads of the archive: a document, whose
// pages are the canvases, and its collection, whose title labels them.
type Store interface {
	Document(ctx context.Context, id string) (*fonds.Document, error)
	Collection(ctx context.Context, slug string) (fonds.Collection, error)
}

// Config is what the IIIF handler needs.
type Config struct {
	Store  Store
	Images *Images
	// BaseURL is the address the site is reached at, e.g.
	// "http://127.0.0.1:8080", from which every identifier is made. It is
	// required: a client's Host header must never name the archive.
	BaseURL string
	// CacheBytes bounds the derived images kept on disk; 0 means
	// DefaultCacheBytes (1 GiB).
	CacheBytes int64
	// Renders is how many images are made at once; 0 means one for each
	// processor. Each takes up to about 150 MB; requests beyond wait
	// their turn while their client waits.
	Renders int
	Logger  *slog.Logger
}

// handler answers everything under /iiif/.
type handler struct {
	store   Store
	images  *Images
	baseURL string
	log     *slog.Logger
	mux     *http.ServeMux
	// renders bounds how many derived images are computed at once, so that
	// a burst of tile requests cannot take all the memory.
	renders chan struct{}
	waiting atomic.Int64 // requests waiting for a turn to render
}

// New returns the handler of everything under /iiif/: the Image API at
// /iiif/image/{ident}/… and manifests at /iiif/{id}/manifest (a document's
// id). The caller mounts it at "/iiif/".
func New(cfg Config) (http.Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("iiif: no store")
	}
	if cfg.Images == nil {
		return nil, errors.New("iiif: no images")
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("iiif: the base URL %q is not an http or https address: identifiers are made from it", cfg.BaseURL)
	}
	if cfg.CacheBytes < 0 || cfg.Renders < 0 {
		return nil, errors.New("iiif: a negative cache size or number of renders")
	}
	renders := cfg.Renders
	if renders == 0 {
		renders = runtime.GOMAXPROCS(0)
	}
	cache := cfg.CacheBytes
	if cache == 0 {
		cache = DefaultCacheBytes
	}
	cfg.Images.disk.setLimit(cache)
	h := &handler{
		store:   cfg.Store,
		images:  cfg.Images,
		baseURL: base,
		log:     cfg.Logger,
		mux:     http.NewServeMux(),
		renders: make(chan struct{}, renders),
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.mux.HandleFunc("GET /iiif/image/{ident}/info.json", h.info)
	h.mux.HandleFunc("GET /iiif/image/{ident}/{region}/{size}/{rotation}/{file}", h.image)
	// A manifest, /iiif/{id}/manifest, and the base address of an image
	// service, /iiif/image/{ident}, share one pattern: ServeMux cannot hold
	// both, as either would claim /iiif/image/manifest. An identifier is
	// never "manifest" (it holds a ~), so that is the manifest of a
	// document whose id is "image".
	h.mux.HandleFunc("GET /iiif/{id}/{name}", func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.PathValue("name") == "manifest":
			h.manifest(w, r)
		case r.PathValue("id") == "image":
			r.SetPathValue("ident", r.PathValue("name"))
			h.imageBase(w, r)
		default:
			h.unknown(w, r)
		}
	})
	h.mux.HandleFunc("GET /iiif/{id}/canvas/{n}/transcription", h.transcription)
	h.mux.HandleFunc("OPTIONS /iiif/", h.preflight)
	h.mux.HandleFunc("/iiif/", h.unknown)
	return h, nil
}

// ServeHTTP sets the header that lets viewers on other sites read every
// answer, errors included, and dispatches the request.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	h.mux.ServeHTTP(w, r)
}

// preflight answers a browser's CORS preflight request.
func (h *handler) preflight(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	w.Header().Set("Access-Control-Allow-Headers", "Accept, If-None-Match, If-Modified-Since")
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

func (h *handler) unknown(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD, OPTIONS")
		h.fail(w, r, errorf(http.StatusMethodNotAllowed, "only GET is supported"))
		return
	}
	h.fail(w, r, errorf(http.StatusNotFound, "no IIIF resource at this address"))
}

// httpError is an error with the status and the message a client may see.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return fmt.Sprintf("%d %s", e.status, e.msg) }

func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// fail answers err: an httpError as it says, ErrNotFound as 404, anything
// else as 500 with the cause logged and never shown.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := &httpError{status: http.StatusInternalServerError, msg: "something went wrong on the server"}
	var he *httpError
	switch {
	case errors.As(err, &he):
		e = he
	case errors.Is(err, fonds.ErrNotFound):
		e = errorf(http.StatusNotFound, "not found")
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		return // the client went away
	}
	if e.status >= 500 && e.status != http.StatusNotImplemented {
		h.log.Error("iiif request failed", "path", r.URL.Path, "status", e.status, "err", err)
	} else {
		h.log.Debug("iiif request refused", "path", r.URL.Path, "status", e.status, "err", err)
	}
	hdr := w.Header()
	hdr.Del("ETag")
	hdr.Del("Last-Modified")
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(e.status)
	fmt.Fprintln(w, e.msg)
}

// base returns the site's base URL, the configured one: never one made
// from the request, whose Host header the client chooses.
func (h *handler) base(*http.Request) string { return h.baseURL }

// cacheControl returns the Cache-Control of an answer about doc: what the
// public sees may be kept by any cache for maxAge seconds; what only some
// may see is kept by none, so that no shared cache gives it to another.
func cacheControl(doc *fonds.Document, maxAge int) string {
	if !doc.Public() {
		return "private, no-store"
	}
	return fmt.Sprintf("public, max-age=%d", maxAge)
}

// visible reports whether who makes the request (the role the site put in
// its context) may see the document now.
func visible(ctx context.Context, doc *fonds.Document) bool {
	return doc.VisibleTo(fonds.RoleFrom(ctx), time.Now())
}

// writeJSON answers v as JSON of the content type, with validators for
// conditional requests: a client that has the same version gets 304.
func writeJSON(w http.ResponseWriter, r *http.Request, contentType, cacheControl string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	etag := strongETag(b)
	hdr := w.Header()
	hdr.Set("ETag", etag)
	hdr.Set("Cache-Control", cacheControl)
	hdr.Add("Vary", "Accept")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	hdr.Set("Content-Type", contentType)
	hdr.Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
	return nil
}

// etagMatches reports whether an If-None-Match header names etag (or is *).
// The comparison is weak, as RFC 9110 asks for If-None-Match.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// jsonLDType returns the content type of a JSON-LD answer of the profile
// (a context URL): application/ld+json when the client asks for it, else
// plain application/json, as the IIIF specifications recommend.
func jsonLDType(r *http.Request, profile string) string {
	if strings.Contains(r.Header.Get("Accept"), "application/ld+json") {
		return `application/ld+json;profile="` + profile + `"`
	}
	return "application/json"
}
