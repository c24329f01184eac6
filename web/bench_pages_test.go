package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fonds"
	"fonds/sqlite"
	"fonds/synth"
)

// benchCollections is how many collections the synthetic archive of the
// page benchmark spreads its documents over.
const benchCollections = 4

// benchArchive is a server on a real SQLite store filled with synthetic
// documents, and addresses of its pages.
type benchArchive struct {
	store *sqlite.Store
	// server has no page cache: it shows what a page costs to make.
	server *Server
	ids    []string // published documents, spread over the archive
	year   int      // a year with documents
}

// newBenchArchive fills a store in dir with n synthetic documents, one in
// twenty a draft, over benchCollections collections.
func newBenchArchive(b *testing.B, dir string, n int) *benchArchive {
	b.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(dir, "fonds.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	for i := range benchCollections {
		c := fonds.Collection{Slug: fmt.Sprintf("synthetic-%d", i), Title: fmt.Sprintf("Synthetic collection %d", i),
			Description: "Invented documents for the benchmarks."}
		if err := st.PutCollection(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	// Generating and storing each take about half the time: one goroutine
	// does each.
	docs := make(chan *fonds.Document, 256)
	go func() {
		defer close(docs)
		g := synth.New(1)
		for i := range n {
			d := g.Document(i)
			d.Collection = fmt.Sprintf("synthetic-%d", i%benchCollections)
			if i%20 == 19 {
				d.Status = fonds.StatusDraft
			}
			docs <- d
		}
	}()
	a := &benchArchive{store: st}
	years := make(map[int]int)
	stride := max(n/1000, 1)
	i := 0
	for d := range docs {
		if _, err := st.PutDocument(ctx, d); err != nil {
			b.Fatal(err)
		}
		if d.Public() {
			if i%stride == 0 {
				a.ids = append(a.ids, d.ID)
			}
			years[d.Date.Year()]++
		}
		i++
	}
	for y, c := range years {
		if c > years[a.year] || c == years[a.year] && y < a.year {
			a.year = y
		}
	}
	a.server = a.newServer(b, -1, 0)
	return a
}

// newServer returns a server of the archive with a page cache of the
// bounds (see Config); a negative cacheBytes turns it off.
func (a *benchArchive) newServer(b *testing.B, cacheBytes int64, cacheEntries int) *Server {
	s, err := New(Config{Store: a.store, BaseURL: "http://archive.test", NoAccessLog: true,
		PageCacheBytes: cacheBytes, PageCacheEntries: cacheEntries})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// get answers a GET of path by the server without a cache, failing on any
// status but 200.
func (a *benchArchive) get(b *testing.B, path string) {
	get(b, a.server, path)
}

// get answers a GET of path by s, failing on any status but 200.
func get(b *testing.B, s *Server, path string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("GET %s: status %d", path, w.Code)
	}
}

// BenchmarkPagesAtSize serves the pages of the site and the API from
// archives of 10,000 and 100,000 documents: a page whose cost does not
// depend on the archive's size takes the same time at both. Each archive is
// built once per run (100,000 documents take a few minutes).
//
// The pages above are served without the page cache, to show what they
// cost to make. The document page is also served to 16 clients at once,
// reporting the requests per second and the 99th percentile of the latency:
// without the cache; with it warm (every page asked for is in it); and with
// it cold (it holds one page, so that nearly every request misses and pays
// for the cache besides the page).
func BenchmarkPagesAtSize(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("size=%d", n), func(b *testing.B) {
			start := time.Now()
			a := newBenchArchive(b, b.TempDir(), n)
			b.Logf("%d documents stored in %v", n, time.Since(start).Round(time.Second))
			last := (n*19/20/benchCollections + perPage - 1) / perPage
			pages := []struct {
				name  string
				paths []string
			}{
				{"document", documentPaths(a.ids)},
				{"collection", []string{"/collections/synthetic-1"}},
				{"collection-last", []string{fmt.Sprintf("/collections/synthetic-1?page=%d", last)}},
				{"home", []string{"/"}},
				{"browse", []string{"/browse"}},
				{"browse-year", []string{fmt.Sprintf("/browse/%d", a.year)}},
				{"api-list", []string{"/api/v1/documents"}},
				{"api-document", apiPaths(a.ids)},
			}
			for _, p := range pages {
				b.Run(p.name, func(b *testing.B) {
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						a.get(b, p.paths[i%len(p.paths)])
						i++
					}
				})
			}
			docs := documentPaths(a.ids)
			// What the cache adds to a page it does not hold.
			b.Run("document-cache=cold", func(b *testing.B) {
				s := a.newServer(b, 0, 1)
				i := 0
				for b.Loop() {
					get(b, s, docs[i%len(docs)])
					i++
				}
			})
			b.Run("document-clients=16", func(b *testing.B) {
				benchClients(b, a.server, docs, 16)
			})
			b.Run("document-clients=16-cache=warm", func(b *testing.B) {
				s := a.newServer(b, 0, 0)
				for _, p := range docs {
					get(b, s, p)
				}
				s.cache.hits.Store(0)
				s.cache.misses.Store(0)
				benchClients(b, s, docs, 16)
			})
			b.Run("document-clients=16-cache=cold", func(b *testing.B) {
				benchClients(b, a.newServer(b, 0, 1), docs, 16)
			})
		})
	}
}

func documentPaths(ids []string) []string {
	var ps []string
	for _, id := range ids {
		ps = append(ps, documentPath(id))
	}
	return ps
}

func apiPaths(ids []string) []string {
	var ps []string
	for _, id := range ids {
		ps = append(ps, "/api/v1/documents/"+id)
	}
	return ps
}

// benchClients serves the paths to clients goroutines at once and reports
// the requests per second, the 99th percentile latency and, when s has a
// page cache, the share of requests it answered.
func benchClients(b *testing.B, s *Server, paths []string, clients int) {
	var (
		mu    sync.Mutex
		times []time.Duration
	)
	var next atomic.Int64
	// RunParallel starts parallelism × GOMAXPROCS goroutines.
	b.SetParallelism(max(1, clients/runtime.GOMAXPROCS(0)))
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		i := int(next.Add(1)) * 7919 // each client starts elsewhere
		for pb.Next() {
			t := time.Now()
			get(b, s, paths[i%len(paths)])
			mine = append(mine, time.Since(t))
			i++
		}
		mu.Lock()
		times = append(times, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	slices.Sort(times)
	if len(times) > 0 {
		b.ReportMetric(float64(len(times))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
	}
	if c := s.cache; c != nil {
		hits, misses := c.hits.Load(), c.misses.Load()
		b.ReportMetric(100*float64(hits)/float64(max(hits+misses, 1)), "hit-%")
	}
}
