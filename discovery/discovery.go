// Package discovery serves what search engines and feed readers look for:
// /robots.txt, a sitemap index at /sitemap.xml pointing to sitemaps of at most
// 50,000 URLs each (/sitemaps/1.xml, …), and an Atom feed of newly published
// documents at /feed.atom. Only published documents are ever listed.
package discovery

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"fonds"
)

// PerSitemap is the most URLs one sitemap holds, as sitemaps.org allows.
const PerSitemap = 50000

// FeedSize is how many documents the feed holds.
const FeedSize = 50

// Store is what the sitemaps and the feed read of the archive: the stamps
// of the published documents, a page of them, and the site's settings.
type Store interface {
	fonds.SettingReader
	Documents(ctx context.Context, f fonds.Filter) ([]*fonds.Document, int, error)
	Stamps(ctx context.Context, f fonds.Filter) (map[string]fonds.Stamp, error)
}

// Config configures the handler.
type Config struct {
	Store    Store
	SiteName string
	// BaseURL is the site's address without a trailing slash. It is
	// required: links must never come from a client's Host header.
	BaseURL string
	Logger  *slog.Logger
	// perSitemap overrides PerSitemap in tests.
	perSitemap int
}

// Handler serves the discovery files.
type Handler struct {
	cfg       Config
	mux       *http.ServeMux
	siteCache *fonds.SiteCache // the site's name and e-mail, for the feed
	now       func() time.Time
}

// New returns the handler of /robots.txt, /sitemap.xml, /sitemaps/N.xml and
// /feed.atom.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("discovery: no store")
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discovery: base URL %q is not an http or https URL", cfg.BaseURL)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.SiteName == "" {
		cfg.SiteName = "fonds"
	}
	if cfg.perSitemap == 0 {
		cfg.perSitemap = PerSitemap
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux(), now: time.Now}
	h.siteCache = &fonds.SiteCache{Settings: cfg.Store, Now: func() time.Time { return h.now() }}
	h.mux.HandleFunc("GET /robots.txt", h.robots)
	h.mux.HandleFunc("GET /sitemap.xml", h.sitemapIndex)
	h.mux.HandleFunc("GET /sitemaps/{file}", h.sitemap)
	h.mux.HandleFunc("GET /feed.atom", h.feed)
	return h, nil
}

// Patterns are the paths the handler serves, to mount it on a mux.
var Patterns = []string{"GET /robots.txt", "GET /sitemap.xml", "GET /sitemaps/{file}", "GET /feed.atom"}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) base(*http.Request) string {
	return strings.TrimSuffix(h.cfg.BaseURL, "/")
}

// fail answers a failure of the store: the cause goes to the log, the client
// gets a plain message.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.cfg.Logger.Error("discovery", "path", r.URL.Path, "err", err)
	http.Error(w, "The archive could not answer; please try again later.", http.StatusInternalServerError)
}

func (h *Handler) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	// Search result pages are endless combinations of the same documents:
	// crawlers should follow the sitemap instead.
	fmt.Fprintf(w, "User-agent: *\nDisallow: /search\nDisallow: /api/\n\nSitemap: %s/sitemap.xml\n", h.base(r))
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapRef `xml:"sitemap"`
}

type sitemapRef struct {
	Loc string `xml:"loc"`
}

type urlSet struct {
	XMLName xml.Name   `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []urlEntry `xml:"url"`
}

type urlEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func (h *Handler) sitemapIndex(w http.ResponseWriter, r *http.Request) {
	_, total, err := h.cfg.Store.Documents(r.Context(), fonds.Filter{Published: true, Limit: 1})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	idx := sitemapIndex{}
	// One sitemap even when the archive is empty, so the index is valid.
	for n := 1; n == 1 || (n-1)*h.cfg.perSitemap < total; n++ {
		idx.Sitemaps = append(idx.Sitemaps, sitemapRef{Loc: fmt.Sprintf("%s/sitemaps/%d.xml", h.base(r), n)})
	}
	writeXML(w, "application/xml", idx)
}

func (h *Handler) sitemap(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	n, err := strconv.Atoi(strings.TrimSuffix(name, ".xml"))
	if err != nil || n < 1 || !strings.HasSuffix(name, ".xml") || n > 1_000_000 {
		http.NotFound(w, r)
		return
	}
	// The stamps, not whole documents: a sitemap needs only the ids and
	// the times they changed. Ids begin with the date, so their order is
	// nearly the order of dates.
	stamps, err := h.cfg.Store.Stamps(r.Context(), fonds.Filter{Published: true})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := slices.Sorted(maps.Keys(stamps))
	from := (n - 1) * h.cfg.perSitemap
	if from >= len(ids) && !(n == 1 && len(ids) == 0) {
		http.NotFound(w, r)
		return
	}
	set := urlSet{URLs: []urlEntry{}}
	if n == 1 {
		set.URLs = append(set.URLs, urlEntry{Loc: h.base(r) + "/"})
	}
	for _, id := range ids[from:min(len(ids), from+h.cfg.perSitemap)] {
		set.URLs = append(set.URLs, urlEntry{
			Loc:     h.base(r) + "/documents/" + id,
			LastMod: stamps[id].Updated.UTC().Format(time.RFC3339),
		})
	}
	writeXML(w, "application/xml", set)
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomPerson struct {
	Name  string `xml:"name"`
	Email string `xml:"email,omitempty"`
}

type atomEntry struct {
	Title     string     `xml:"title"`
	ID        string     `xml:"id"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Links     []atomLink `xml:"link"`
	Summary   string     `xml:"summary,omitempty"`
	Category  []atomCat  `xml:"category"`
}

type atomCat struct {
	Term string `xml:"term,attr"`
}

func (h *Handler) feed(w http.ResponseWriter, r *http.Request) {
	docs, _, err := h.cfg.Store.Documents(r.Context(), fonds.Filter{Published: true, Order: fonds.ByAdded, Limit: FeedSize})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := h.base(r)
	site := h.settings(r.Context())
	feed := atomFeed{
		Title:  site.Name + ": newly published documents",
		ID:     base + "/feed.atom",
		Links:  []atomLink{{Rel: "self", Href: base + "/feed.atom", Type: "application/atom+xml"}, {Href: base + "/"}},
		Author: atomPerson{Name: site.Name, Email: site.Email},
	}
	// An empty feed is as old as the epoch: nothing in it has changed.
	updated := time.Unix(0, 0).UTC()
	for _, d := range docs {
		if d.Updated.After(updated) {
			updated = d.Updated
		}
		title := d.Date.Display() + ": " + d.Heading()
		e := atomEntry{
			Title:     title,
			ID:        base + "/documents/" + d.ID,
			Published: d.Created.UTC().Format(time.RFC3339),
			Updated:   d.Updated.UTC().Format(time.RFC3339),
			Links:     []atomLink{{Href: base + "/documents/" + d.ID, Type: "text/html"}},
			Summary:   d.DisplaySummary(),
			Category:  []atomCat{{Term: d.Collection}},
		}
		feed.Entries = append(feed.Entries, e)
	}
	feed.Updated = updated.UTC().Format(time.RFC3339)
	writeXML(w, "application/atom+xml", feed)
}

// writeXML writes v as an XML document of the content type.
func writeXML(w http.ResponseWriter, contentType string, v any) {
	w.Header().Set("Content-Type", contentType+"; charset=utf-8")
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	// The response has begun: an error here can only be a broken connection.
	enc.Encode(v)
}
