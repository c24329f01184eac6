package web

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fonds"
)

// The cache of rendered pages keeps the answers of the public pages and of
// the API's documents, so that a page asked for again costs a lookup rather
// than reads of the store and a template.
//
// An answer is kept under the request's path and query and a stamp of the
// archive: the sequence number of the store's latest change (a document
// added, changed or deleted, by this process or another on the same data)
// and a digest of the collections' titles and descriptions, the site's
// settings and the editors' descriptions of entities, which the change
// feed does not cover. A write changes the stamp, and every answer
// kept under the old one is dropped at once. Pages that show today's date
// (a citation's "accessed") are kept under the date too.
//
// Only what every reader is shown is kept: GET and HEAD by nobody signed
// in and without credentials (an Authorization or Cookie header), answered
// 200 without setting a cookie. Searches, the export and errors are never
// kept. A signed-in viewer may see what others may not (a draft, a
// restricted document, the restricted ones in a list): their requests are
// neither answered from the cache nor kept in it.
//
// An embargo ends when the store's Release makes the document public,
// which records a change: the stamp changes with it, and every page that
// listed what was public before is dropped.

// The defaults of the page cache's bounds.
const (
	// DefaultPageCacheBytes is the most the cache of rendered pages holds
	// when Config.PageCacheBytes is 0.
	DefaultPageCacheBytes = 64 << 20
	// DefaultPageCacheEntries is the most answers it holds when
	// Config.PageCacheEntries is 0.
	DefaultPageCacheEntries = 20_000
)

// stampRefresh is how long a stamp of the archive is trusted before the
// store is asked again. Asking on every request would add two queries to
// each (a tenth of what a cached page costs to serve, at thousands of pages
// a second). A change is seen within a second, far inside the five seconds
// allowed; and while an import writes without pause, the cache is emptied
// once a second, not at every write, so that it goes on serving.
const stampRefresh = time.Second

// entryOverhead is what an entry costs beyond its key, headers and body:
// the map slot, the list element, the entry itself and its ETag, rounded
// up.
const entryOverhead = 256

// maxKeyLen is the longest key kept: a longer query is no page worth
// keeping, and is served without the cache.
const maxKeyLen = 4096

// pageCache is a bounded cache of rendered answers, the least recently
// used dropped first.
type pageCache struct {
	store      stampReads
	maxBytes   int64
	maxEntries int
	maxAnswer  int64 // the largest answer kept: one page may not push out all others
	refresh    time.Duration
	now        func() time.Time

	stamp   atomic.Pointer[archiveStamp]
	stampMu sync.Mutex // held while the store is asked for a stamp

	mu      sync.Mutex
	entries map[string]*list.Element // of *cachedAnswer
	lru     list.List                // most recently used at the front
	bytes   int64

	hits, misses atomic.Int64
}

// archiveStamp is the state of the archive the cached answers show, and
// when it was read; value is empty when the store could not say, and
// nothing is cached until it is asked again.
type archiveStamp struct {
	value string
	read  time.Time
}

// errNoStamp is why a request is not cached while the store could not give
// the archive's stamp.
var errNoStamp = errors.New("web: no stamp of the archive")

// stampTimeout bounds the reading of a stamp, which is done for every
// request waiting on it, not for the one that happens to do it.
const stampTimeout = time.Second

// cachedAnswer is an answer as its handler wrote it.
type cachedAnswer struct {
	key    string
	stamp  string
	status int // 0 if the handler wrote nothing
	header http.Header
	body   []byte
	etag   string // set when the answer may be kept
	size   int64
}

// newPageCache returns a cache within maxBytes and maxEntries, or nil when
// maxBytes is negative: no cache.
func newPageCache(st stampReads, maxBytes int64, maxEntries int, now func() time.Time) *pageCache {
	if maxBytes < 0 {
		return nil
	}
	if maxBytes == 0 {
		maxBytes = DefaultPageCacheBytes
	}
	if maxEntries <= 0 {
		maxEntries = DefaultPageCacheEntries
	}
	return &pageCache{
		store:      st,
		maxBytes:   maxBytes,
		maxEntries: maxEntries,
		maxAnswer:  maxBytes / 8,
		refresh:    stampRefresh,
		now:        now,
		entries:    make(map[string]*list.Element),
	}
}

// currentStamp returns the stamp of the archive, read from the store when
// the one held is older than c.refresh. A new stamp empties the cache: what
// it holds shows an archive that is no more.
func (c *pageCache) currentStamp(ctx context.Context) (string, error) {
	now := c.now()
	if st := c.stamp.Load(); st != nil && fresh(st.read, now, c.refresh) {
		return st.stamp()
	}
	c.stampMu.Lock()
	defer c.stampMu.Unlock()
	// Another request may have read it while this one waited.
	if st := c.stamp.Load(); st != nil && fresh(st.read, now, c.refresh) {
		return st.stamp()
	}
	// A client that goes away does not fail the reading for the others.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stampTimeout)
	defer cancel()
	value, err := c.readStamp(ctx)
	if err != nil {
		// Not asked again for a while: a store that fails would otherwise
		// be asked twice for every request.
		value = ""
	}
	old := c.stamp.Load()
	// The stamp is replaced before the entries are dropped, so that an
	// answer made under the old one and kept after the drop is refused by
	// put.
	c.stamp.Store(&archiveStamp{value: value, read: now})
	if old != nil && old.value != value {
		c.mu.Lock()
		clear(c.entries)
		c.lru.Init()
		c.bytes = 0
		c.mu.Unlock()
	}
	if err != nil {
		return "", err
	}
	return value, nil
}

func (st *archiveStamp) stamp() (string, error) {
	if st.value == "" {
		return "", errNoStamp
	}
	return st.value, nil
}

// fresh reports whether a stamp read at read may still be trusted at now. A
// clock that went back trusts nothing.
func fresh(read, now time.Time, refresh time.Duration) bool {
	d := now.Sub(read)
	return d >= 0 && d < refresh
}

// stampReads is what the cache reads of the archive to tell one state of
// it from another: the part of Reads that readStamp calls.
type stampReads interface {
	LastChange(ctx context.Context) (int64, error)
	Collections(ctx context.Context, f fonds.Filter) ([]fonds.Collection, error)
	fonds.SettingReader
}

// readStamp asks the store for the sequence number of its latest change,
// for its collections, which PutCollection changes without a change of the
// sequence number, for the site's settings, and for the setting that moves
// when an editor describes an entity.
func (c *pageCache) readStamp(ctx context.Context) (string, error) {
	seq, err := c.store.LastChange(ctx)
	if err != nil {
		return "", err
	}
	cols, err := c.store.Collections(ctx, fonds.Filter{Published: true})
	if err != nil {
		return "", err
	}
	site, err := fonds.ReadSite(ctx, c.store)
	if err != nil {
		return "", err
	}
	// What editors said of entities last, which the change feed does not
	// record either.
	described, err := c.store.Setting(ctx, fonds.SettingEntitiesDescribed)
	if err != nil && !errors.Is(err, fonds.ErrNotFound) {
		return "", err
	}
	h := fnv.New64a()
	for _, s := range []string{site.Name, site.URL, site.Email, site.About, described} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, col := range cols {
		for _, s := range []string{col.Slug, col.Title, col.Description} {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
	}
	return strconv.FormatInt(seq, 10) + "-" + strconv.FormatUint(h.Sum64(), 16), nil
}

// key returns the key of the request's answer and the stamp it holds, or
// false when the answer must not be cached.
func (c *pageCache) key(r *http.Request) (key, stamp string, ok bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", "", false
	}
	// A request with credentials may be shown what others are not: it is
	// neither answered from the cache nor kept in it, even when its
	// session turns out not to be valid (and it is answered as anyone's).
	if len(r.Header["Authorization"]) > 0 || len(r.Header["Cookie"]) > 0 {
		return "", "", false
	}
	// The query in a canonical order, so that the same page asked for
	// with its parameters in another order is one entry. The order of the
	// values of one parameter is kept: the handlers read the first.
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", "", false
	}
	stamp, err = c.currentStamp(r.Context())
	if err != nil {
		return "", "", false
	}
	// HEAD is answered as GET without the body: one entry serves both.
	key = stamp + " " + c.now().Format(time.DateOnly) + " " + r.URL.EscapedPath() + "?" + q.Encode()
	if len(key) > maxKeyLen {
		return "", "", false
	}
	return key, stamp, true
}

// get returns the answer kept under key, or nil.
func (c *pageCache) get(key string) *cachedAnswer {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		c.misses.Add(1)
		return nil
	}
	c.hits.Add(1)
	c.lru.MoveToFront(e)
	return e.Value.(*cachedAnswer)
}

// put keeps a, unless it was made under a stamp that is no longer the
// current one, and drops the least recently used answers beyond the bounds.
func (c *pageCache) put(a *cachedAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.stamp.Load(); st == nil || st.value != a.stamp {
		return
	}
	if e, ok := c.entries[a.key]; ok {
		c.remove(e)
	}
	c.entries[a.key] = c.lru.PushFront(a)
	c.bytes += a.size
	for c.bytes > c.maxBytes || len(c.entries) > c.maxEntries {
		c.remove(c.lru.Back())
	}
}

// remove drops an entry; c.mu is held.
func (c *pageCache) remove(e *list.Element) {
	a := c.lru.Remove(e).(*cachedAnswer)
	delete(c.entries, a.key)
	c.bytes -= a.size
}

// usage returns how many answers the cache holds and their size.
func (c *pageCache) usage() (entries int, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.bytes
}

// PageCacheUsage returns how many answers the page cache holds and their
// size in bytes, for the metrics; zeros when it is off.
func (s *Server) PageCacheUsage() (entries int, size int64) {
	if s.cache == nil {
		return 0, 0
	}
	return s.cache.usage()
}

// cached returns h answering from the page cache: a request whose answer is
// kept gets it; any other is answered by h, and its answer kept if it may
// be. The answers to a signed-in viewer are never kept, here or by any
// shared cache.
func (s *Server) cached(h http.Handler) http.Handler {
	c := s.cache
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if viewerOf(r) != nil || c == nil {
			private(w, r)
			h.ServeHTTP(w, r)
			return
		}
		key, stamp, ok := c.key(r)
		if !ok {
			h.ServeHTTP(w, r)
			return
		}
		if a := c.get(key); a != nil {
			a.serve(w, r)
			return
		}
		rec := &captureWriter{header: make(http.Header)}
		h.ServeHTTP(rec, r)
		a := &cachedAnswer{key: key, stamp: stamp, status: rec.status, header: rec.header, body: rec.body.Bytes()}
		a.size = int64(len(a.key)+len(a.body)) + headerSize(a.header) + entryOverhead
		if keepable(a) && a.size <= c.maxAnswer {
			sum := sha256.Sum256(a.body)
			a.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
			c.put(a)
		}
		a.serve(w, r)
	})
}

// keepable reports whether an answer may be kept and given to anyone: a
// whole page, not an error, and nothing private.
func keepable(a *cachedAnswer) bool {
	if a.status != http.StatusOK || len(a.header["Set-Cookie"]) > 0 {
		return false
	}
	cc := strings.ToLower(a.header.Get("Cache-Control"))
	return !strings.Contains(cc, "no-store") && !strings.Contains(cc, "private")
}

func headerSize(h http.Header) int64 {
	var n int64
	for k, vs := range h {
		n += int64(len(k))
		for _, v := range vs {
			n += int64(len(v))
		}
	}
	return n
}

// serve writes the answer to w: with its ETag, as 304 Not Modified when the
// client holds the same (If-None-Match).
func (a *cachedAnswer) serve(w http.ResponseWriter, r *http.Request) {
	if a.status == 0 {
		return // the handler wrote nothing: the client had gone
	}
	h := w.Header()
	for k, vs := range a.header {
		h[k] = append([]string(nil), vs...)
	}
	if a.etag != "" {
		h.Set("ETag", a.etag)
		if etagMatches(r.Header.Get("If-None-Match"), a.etag) {
			h.Del("Content-Type")
			h.Del("Content-Length")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	if r.Method == http.MethodHead {
		return
	}
	w.Write(a.body) // an error is a client that went away
}

// etagMatches reports whether the If-None-Match header names etag, or is
// "*". The comparison is weak, as RFC 9110 asks for If-None-Match.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// captureWriter holds what a handler writes, to keep it before it is sent.
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *captureWriter) Header() http.Header { return w.header }

func (w *captureWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *captureWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}
