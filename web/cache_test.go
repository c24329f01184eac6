package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fonds"
	"fonds/sample"
	"fonds/sqlite"
)

// testClock is a clock a test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// otherStore opens the fixture's archive a second time, as another process
// (an import beside the server) does.
func (f *fixture) otherStore() *sqlite.Store {
	f.t.Helper()
	st, err := sqlite.Open(f.path)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { st.Close() })
	return st
}

// request answers a request of the method and path with the header by the
// fixture's server.
func (f *fixture) request(method, path string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	w := httptest.NewRecorder()
	f.server.ServeHTTP(w, req)
	return w
}

// hits returns how many requests the page cache answered.
func (f *fixture) hits() int64 { return f.server.cache.hits.Load() }

// entries returns how many answers the page cache holds.
func (f *fixture) entries() int {
	n, _ := f.server.cache.usage()
	return n
}

// TestCacheSeesAnotherProcess changes a document through another connection
// to the archive, as an import running beside the server does, and finds
// the change on the pages the server had cached.
func TestCacheSeesAnotherProcess(t *testing.T) {
	f := newFixture(t)
	other := f.otherStore()
	paths := []string{
		"/documents/" + f.seedID,
		"/documents/" + f.seedID + ".txt",
		"/documents/" + f.seedID + ".bib",
		"/api/v1/documents/" + f.seedID,
		"/api/v1/documents?collection=" + sample.Slug,
		"/collections/" + sample.Slug,
		"/browse/1977/5",
	}
	for _, p := range paths {
		f.get(p)
	}
	before := f.hits()
	for _, p := range paths {
		if w := f.get(p); w.Code != 200 || strings.Contains(w.Body.String(), "Revised rights") {
			t.Fatalf("GET %s = %d before the change, want 200 with the old title", p, w.Code)
		}
	}
	if got := f.hits() - before; got != int64(len(paths)) {
		t.Fatalf("the cache answered %d of %d requests asked twice, want all", got, len(paths))
	}

	d, err := other.Document(context.Background(), f.seedID)
	if err != nil {
		t.Fatal(err)
	}
	d.Title = "Revised rights"
	if _, err := other.PutDocument(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			if w := f.get(p); w.Code != 200 || !strings.Contains(w.Body.String(), "Revised rights") {
				t.Errorf("GET %s = %d after another process changed the title, want 200 with the new one", p, w.Code)
			}
		})
	}
}

// TestCacheStaleness holds a stamp of the archive for the refresh interval
// and no longer: a change by another process shows once the interval is
// past.
func TestCacheStaleness(t *testing.T) {
	f := newFixture(t)
	clock := &testClock{t: time.Date(2030, 3, 4, 12, 0, 0, 0, time.Local)}
	f.server.now = clock.now
	f.server.cache.refresh = stampRefresh
	other := f.otherStore()
	path := "/documents/" + f.seedID
	f.get(path)

	d, err := other.Document(context.Background(), f.seedID)
	if err != nil {
		t.Fatal(err)
	}
	d.Title = "Revised rights"
	if _, err := other.PutDocument(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		after time.Duration
		fresh bool
	}{
		{0, false},
		{stampRefresh - time.Millisecond, false},
		{stampRefresh, true},
	}
	start := clock.now()
	for _, tt := range tests {
		clock.t = start.Add(tt.after)
		got := strings.Contains(f.get(path).Body.String(), "Revised rights")
		if got != tt.fresh {
			t.Errorf("GET %s %v after the change shows it: %v, want %v", path, tt.after, got, tt.fresh)
		}
	}
}

// TestCacheCollectionRetitle retitles a collection through another
// connection: PutCollection is no change of a document, and the pages that
// show the title show the new one all the same.
func TestCacheCollectionRetitle(t *testing.T) {
	f := newFixture(t)
	other := f.otherStore()
	paths := []string{
		"/",
		"/collections/" + testSlug,
		"/documents/" + allKindsID,
		"/documents/" + allKindsID + ".ris",
	}
	for _, p := range paths {
		f.get(p)
		if w := f.get(p); !strings.Contains(w.Body.String(), "Test collection") {
			t.Fatalf("GET %s lacks the collection's title", p)
		}
	}
	c := fonds.Collection{Slug: testSlug, Title: "Test collection, retitled", Description: "Documents made for the tests."}
	if err := other.PutCollection(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if w := f.get(p); !strings.Contains(w.Body.String(), "Test collection, retitled") {
			t.Errorf("GET %s after the retitle lacks the new title", p)
		}
	}
	// A collection that is new but holds nothing a reader may see is not
	// found, as one that is not there: its title may tell of what it will hold.
	path := "/api/v1/documents?collection=later"
	if w := f.get(path); w.Code != 404 {
		t.Fatalf("GET %s = %d, want 404", path, w.Code)
	}
	if err := other.PutCollection(context.Background(), fonds.Collection{Slug: "later", Title: "Later"}); err != nil {
		t.Fatal(err)
	}
	if w := f.get(path); w.Code != 404 {
		t.Errorf("GET %s = %d once the collection is there but empty, want 404", path, w.Code)
	}
}

// TestCacheNoDraft makes sure no draft is kept or shown: a draft's address
// is not found however often it is asked for, and a published document made
// a draft by another process is not found at once, in every form.
func TestCacheNoDraft(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/documents/" + draftID, "/documents/" + draftID + ".txt", "/api/v1/documents/" + draftID} {
		for range 2 {
			if w := f.get(p); w.Code != 404 || strings.Contains(w.Body.String(), draftTitle) {
				t.Errorf("GET %s = %d, want 404 without the draft's title", p, w.Code)
			}
		}
	}
	if n := f.entries(); n != 0 {
		t.Errorf("after the drafts were asked for, the cache holds %d answers, want 0", n)
	}

	paths := []string{
		"/documents/" + allKindsID,
		"/documents/" + allKindsID + ".txt",
		"/documents/" + allKindsID + ".csl.json",
		"/api/v1/documents/" + allKindsID,
	}
	for _, p := range paths {
		f.get(p)
	}
	other := f.otherStore()
	d, err := other.Document(context.Background(), allKindsID)
	if err != nil {
		t.Fatal(err)
	}
	d.Status = fonds.StatusDraft
	d.Title = draftTitle
	if _, err := other.PutDocument(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	for _, p := range append(paths, "/collections/"+testSlug, "/") {
		w := f.get(p)
		if strings.Contains(w.Body.String(), draftTitle) || strings.Contains(w.Body.String(), allKindsName) && w.Code != 200 {
			t.Errorf("GET %s = %d showing the document made a draft", p, w.Code)
		}
		if strings.HasPrefix(p, "/documents/") || strings.HasPrefix(p, "/api/") {
			if w.Code != 404 {
				t.Errorf("GET %s = %d once it is a draft, want 404", p, w.Code)
			}
		}
	}
}

// TestCachePrivateRequests passes requests with credentials by: they are
// neither answered from the cache nor kept in it; nor are searches, errors
// or anything but GET and HEAD.
func TestCachePrivateRequests(t *testing.T) {
	f := newFixture(t)
	page := "/documents/" + f.seedID
	tests := []struct {
		name, method, path string
		header             http.Header
	}{
		{"cookie", "GET", page, http.Header{"Cookie": {"session=1"}}},
		{"authorization", "GET", page, http.Header{"Authorization": {"Bearer x"}}},
		{"post", "POST", page, nil},
		{"search", "GET", "/search?q=rights", nil},
		{"api-search", "GET", "/api/v1/search?q=rights", nil},
		{"export", "GET", "/api/v1/export.jsonl", nil},
		{"missing-document", "GET", "/documents/no-such-document", nil},
		{"missing-collection", "GET", "/collections/no-such-collection", nil},
		{"bad-year", "GET", "/browse/abc", nil},
		{"unknown", "GET", "/no/such/page", nil},
		{"healthz", "GET", "/healthz", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 {
				f.request(tt.method, tt.path, tt.header)
			}
			if n := f.entries(); n != 0 {
				t.Errorf("%s %s with %v: the cache holds %d answers, want 0", tt.method, tt.path, tt.header, n)
			}
			if h := f.hits(); h != 0 {
				t.Errorf("%s %s with %v: the cache answered %d, want 0", tt.method, tt.path, tt.header, h)
			}
		})
	}
	// A page kept for the public is not given to a request with
	// credentials either.
	f.get(page)
	f.request("GET", page, http.Header{"Cookie": {"session=1"}})
	if h := f.hits(); h != 0 {
		t.Errorf("a request with a cookie was answered from the cache (%d hits)", h)
	}
}

// TestCacheValidators answers If-None-Match with 304, HEAD from the entry
// GET made, and one entry for a query in any order.
func TestCacheValidators(t *testing.T) {
	f := newFixture(t)
	path := "/collections/" + sample.Slug
	w := f.get(path)
	etag := w.Header().Get("ETag")
	if w.Code != 200 || etag == "" {
		t.Fatalf("GET %s = %d with ETag %q, want 200 with one", path, w.Code, etag)
	}
	tests := []struct {
		method, inm string
		code        int
		body        bool
	}{
		{"GET", etag, 304, false},
		{"GET", "W/" + etag, 304, false},
		{"GET", `"other", ` + etag, 304, false},
		{"GET", "*", 304, false},
		{"GET", `"other"`, 200, true},
		{"HEAD", "", 200, false},
		{"HEAD", etag, 304, false},
	}
	for _, tt := range tests {
		w := f.request(tt.method, path, http.Header{"If-None-Match": {tt.inm}})
		if w.Code != tt.code || (w.Body.Len() > 0) != tt.body || w.Header().Get("ETag") != etag {
			t.Errorf("%s %s If-None-Match %s = %d with %d bytes, ETag %q; want %d, body %v, ETag %s",
				tt.method, path, tt.inm, w.Code, w.Body.Len(), w.Header().Get("ETag"), tt.code, tt.body, etag)
		}
	}
	if w := f.request("HEAD", path, nil); w.Header().Get("Content-Length") == "" || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HEAD %s: Content-Length %q, Content-Type %q", path, w.Header().Get("Content-Length"), w.Header().Get("Content-Type"))
	}
	if n := f.entries(); n != 1 {
		t.Errorf("after GET and HEAD of one page the cache holds %d answers, want 1", n)
	}
	f.get("/api/v1/documents?per_page=5&page=2")
	f.get("/api/v1/documents?page=2&per_page=5")
	if n := f.entries(); n != 2 {
		t.Errorf("after one query in two orders the cache holds %d answers, want 2", n)
	}
}

// TestCacheDateRollsKey serves the page of an undated document, whose
// citation says when it was accessed, before and after midnight.
func TestCacheDateRollsKey(t *testing.T) {
	f := newFixture(t)
	clock := &testClock{t: time.Date(2030, 3, 4, 23, 59, 59, 0, time.Local)}
	f.server.now = clock.now
	d := allKindsDocument()
	d.ID = "undated-test"
	d.Date = fonds.Date{}
	f.put(d)
	tests := []struct {
		path, day1, day2 string
	}{
		{"/documents/undated-test", "accessed 4 March 2030", "accessed 5 March 2030"},
		{"/documents/undated-test.bib", "{2030-03-04}", "{2030-03-05}"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			clock.t = time.Date(2030, 3, 4, 23, 59, 59, 0, time.Local)
			for range 2 {
				if body := f.get(tt.path).Body.String(); !strings.Contains(body, tt.day1) {
					t.Fatalf("GET %s on 4 March lacks %q", tt.path, tt.day1)
				}
			}
			clock.add(2 * time.Second)
			if body := f.get(tt.path).Body.String(); !strings.Contains(body, tt.day2) {
				t.Errorf("GET %s on 5 March lacks %q", tt.path, tt.day2)
			}
		})
	}
}

// TestCacheBounds asks for more distinct pages than the cache holds and
// checks after each that it stays within its bounds, counting what it holds
// afresh, and drops the least recently used first.
func TestCacheBounds(t *testing.T) {
	tests := []struct {
		name    string
		bytes   int64
		entries int
		wantMax int // most answers it may hold; 0 if none fits
	}{
		{"bytes", 512 << 10, 0, -1},
		{"entries", 0, 7, 7},
		{"too-small", 4 << 10, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			s, err := New(Config{Store: f.store, PageCacheBytes: tt.bytes, PageCacheEntries: tt.entries})
			if err != nil {
				t.Fatal(err)
			}
			freshStamps(s)
			f.server = s
			c := s.cache
			var paths []string
			for i := range 60 {
				paths = append(paths, fmt.Sprintf("/documents/%s?hl=word%d", f.seedID, i))
			}
			for _, p := range paths {
				if w := f.get(p); w.Code != 200 {
					t.Fatalf("GET %s = %d", p, w.Code)
				}
				c.mu.Lock()
				var sum int64
				for e := c.lru.Front(); e != nil; e = e.Next() {
					sum += e.Value.(*cachedAnswer).size
				}
				n, size := len(c.entries), c.bytes
				c.mu.Unlock()
				if sum != size || n != c.lru.Len() {
					t.Fatalf("the cache counts %d bytes in %d entries; its list holds %d in %d", size, n, sum, c.lru.Len())
				}
				if size > c.maxBytes || n > c.maxEntries {
					t.Fatalf("after GET %s the cache holds %d bytes in %d answers, beyond %d bytes, %d answers",
						p, size, n, c.maxBytes, c.maxEntries)
				}
			}
			n := f.entries()
			switch {
			case tt.wantMax == 0 && n != 0:
				t.Errorf("a cache too small for a page holds %d answers, want 0", n)
			case tt.wantMax > 0 && n != tt.wantMax:
				t.Errorf("the cache holds %d answers, want %d", n, tt.wantMax)
			case tt.wantMax < 0 && (n < 2 || n >= len(paths)):
				t.Errorf("the cache holds %d answers, want some but not all %d", n, len(paths))
			}
			if tt.wantMax == 0 {
				return
			}
			// The latest page is kept, the first has gone.
			hits := f.hits()
			f.get(paths[len(paths)-1])
			f.get(paths[0])
			if got := f.hits() - hits; got != 1 {
				t.Errorf("the latest and the first page asked again: %d answered from the cache, want 1", got)
			}
		})
	}
}

// TestCacheOff turns the cache off: every request is answered afresh.
func TestCacheOff(t *testing.T) {
	f := newFixture(t)
	s, err := New(Config{Store: f.store, PageCacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	if s.cache != nil {
		t.Fatal("New with PageCacheBytes -1 has a page cache")
	}
	f.server = s
	path := "/documents/" + f.seedID
	if w := f.get(path); w.Code != 200 || w.Header().Get("ETag") != "" {
		t.Errorf("GET %s without a cache = %d with ETag %q, want 200 without", path, w.Code, w.Header().Get("ETag"))
	}
}

// changeFailingStore is a real store whose change feed fails, counting how
// often it is asked.
type changeFailingStore struct {
	fonds.Store
	asked atomic.Int64
}

func (s *changeFailingStore) LastChange(context.Context) (int64, error) {
	s.asked.Add(1)
	return 0, errors.New("the change feed is unavailable")
}

// TestCacheStampFails serves pages uncached while the store cannot give the
// archive's stamp, and asks it again only once the refresh interval is past.
func TestCacheStampFails(t *testing.T) {
	f := newFixture(t)
	st := &changeFailingStore{Store: f.store}
	s, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: time.Date(2030, 3, 4, 12, 0, 0, 0, time.Local)}
	s.now = clock.now
	f.server = s
	path := "/documents/" + f.seedID
	tests := []struct {
		advance time.Duration
		asked   int64
	}{
		{0, 1},
		{0, 1},
		{stampRefresh / 2, 1},
		{stampRefresh / 2, 2},
	}
	for i, tt := range tests {
		clock.add(tt.advance)
		w := f.get(path)
		if w.Code != 200 || w.Header().Get("ETag") != "" {
			t.Errorf("GET %s #%d = %d with ETag %q, want 200 without", path, i, w.Code, w.Header().Get("ETag"))
		}
		if got := st.asked.Load(); got != tt.asked {
			t.Errorf("after GET #%d the change feed was asked %d times, want %d", i, got, tt.asked)
		}
	}
	if n := f.entries(); n != 0 {
		t.Errorf("the cache holds %d answers without a stamp, want 0", n)
	}
}

// TestCacheConcurrent serves pages to several clients while another
// connection rewrites a document, for the race detector, and then finds
// the last version on the page.
func TestCacheConcurrent(t *testing.T) {
	f := newFixture(t)
	other := f.otherStore()
	paths := []string{"/", "/documents/" + f.seedID, "/collections/" + sample.Slug, "/api/v1/documents/" + f.seedID}
	d, err := other.Document(context.Background(), f.seedID)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range 4 {
		wg.Go(func() {
			for j := i; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				if w := f.get(paths[j%len(paths)]); w.Code != 200 {
					t.Errorf("GET %s = %d, want 200", paths[j%len(paths)], w.Code)
					return
				}
			}
		})
	}
	for i := range 20 {
		d.Title = fmt.Sprintf("Rights, wording %d", i)
		if _, err := other.PutDocument(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if body := f.get("/documents/" + f.seedID).Body.String(); !strings.Contains(body, "Rights, wording 19") {
		t.Errorf("GET /documents/%s after the writes lacks the last wording", f.seedID)
	}
}

// TestCacheEntityDescribed describes an entity through another connection:
// no document changes, and its page shows the description all the same.
func TestCacheEntityDescribed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	es, err := f.store.Entities(ctx, fonds.EntityFilter{Published: true, Limit: 1})
	if err != nil || len(es) != 1 {
		t.Fatalf("Entities = %v, %v, want one the public sees", es, err)
	}
	paths := []string{entityPath(es[0].Kind, es[0].Key), "/api/v1/entities/" + string(es[0].Kind) + "/" + es[0].Key}
	for _, p := range paths {
		f.get(p)
		if w := f.get(p); w.Code != 200 {
			t.Fatalf("GET %s = %d", p, w.Code)
		}
	}
	const role = "Chairman of the committee of the test"
	e := fonds.Entity{Kind: es[0].Kind, Key: es[0].Key, Role: role}
	if err := f.otherStore().DescribeEntity(ctx, e, fonds.Save{Author: "editor"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if w := f.get(p); !strings.Contains(w.Body.String(), role) {
			t.Errorf("GET %s after the entity was described lacks its role", p)
		}
	}
}
