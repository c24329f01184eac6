package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fonds"
	"fonds/bleve"
	"fonds/metrics"
)

// TestBaseURLNeverFromHost checks that, without a configured address, no
// link takes the client's Host header: they are relative to the site.
func TestBaseURLNeverFromHost(t *testing.T) {
	f := newFixture(t)
	s, err := New(Config{Store: f.store, SiteName: "Archive"})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		"/",
		"/documents/" + allKindsID,
		"/collections/" + testSlug,
		"/api/v1/documents/" + allKindsID,
		"/api/v1/documents",
		"/documents/" + allKindsID + ".bib",
	} {
		req := httptest.NewRequest(http.MethodGet, "http://evil.example"+path, nil)
		req.Header.Set("X-Forwarded-Host", "evil.example")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", path, w.Code)
		}
		if strings.Contains(w.Body.String(), "evil.example") {
			t.Errorf("GET %s with Host evil.example writes it into the answer:\n%s", path, clip(w.Body.String(), 2000))
		}
	}
	body := f.get("/documents/" + allKindsID).Body.String()
	if want := `<link rel="canonical" href="` + testBaseURL + "/documents/" + allKindsID + `">`; !strings.Contains(body, want) {
		t.Errorf("with BaseURL, the page lacks %q", want)
	}
	req := httptest.NewRequest(http.MethodGet, "http://evil.example/documents/"+allKindsID, nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if want := `<link rel="canonical" href="/documents/` + allKindsID + `">`; !strings.Contains(w.Body.String(), want) {
		t.Errorf("without BaseURL, the page lacks %q", want)
	}
}

// failing returns a route of the fixture's server that fails with err.
func (f *fixture) failing(path string, api bool, err error) {
	h := func(w http.ResponseWriter, r *http.Request) error { return err }
	if api {
		f.server.Handle("GET "+path, f.server.api(h))
	} else {
		f.server.Handle("GET "+path, f.server.html(h))
	}
}

func TestErrorAnswers(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		path   string
		api    bool
		err    error
		status int
		want   string
		level  string // of the log line of the failure
	}{
		{"/search", false, fmt.Errorf("bleve: search: %w", fonds.ErrTimeout), 503, "The search took too long; try narrowing it", "WARN"},
		{"/api/v1/search", true, fmt.Errorf("bleve: search: %w", fonds.ErrTimeout), 503, `"error": "The search took too long; try narrowing it`, "WARN"},
		{"/documents/x", false, context.DeadlineExceeded, 503, "This took too long to prepare.", "WARN"},
		{"/api/v1/documents", true, fonds.ErrTimeout, 503, `"error": "This took too long to prepare.`, "WARN"},
		{"/documents/x", false, fmt.Errorf("sqlite: %w", fonds.ErrReadOnly), 503, "The archive is read-only at the moment", "WARN"},
		{"/api/v1/documents", true, fonds.ErrReadOnly, 503, `"error": "The archive is read-only at the moment`, "WARN"},
		{"/documents/x", false, fonds.ErrNoSpace, 503, "The archive cannot store anything more", "ERROR"},
		{"/documents/x", false, io.ErrUnexpectedEOF, 500, "Something went wrong on our side.", "ERROR"},
		{"/documents/x", false, fonds.ErrNotFound, 404, "The page you asked for is not here.", "DEBUG"},
		{"/api/v1/x", true, &httpError{status: 400, msg: "Not this.", err: fonds.ErrTimeout}, 400, "Not this.", "DEBUG"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %v", tt.path, tt.err), func(t *testing.T) {
			f.log.Reset()
			w := httptest.NewRecorder()
			f.server.serveError(w, httptest.NewRequest(http.MethodGet, tt.path, nil), tt.err, tt.api)
			body := w.Body.String()
			if w.Code != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("serveError(%q, %v) = %d %s, want %d with %q", tt.path, tt.err, w.Code, clip(body, 300), tt.status, tt.want)
			}
			if ctype := w.Header().Get("Content-Type"); strings.HasPrefix(ctype, "application/json") != tt.api {
				t.Errorf("serveError(%q, %v): Content-Type %q, want JSON %v", tt.path, tt.err, ctype, tt.api)
			}
			for _, cause := range []string{"bleve", "sqlite", "unexpected EOF", "deadline"} {
				if strings.Contains(body, cause) {
					t.Errorf("serveError(%q, %v) tells the client the cause: %s", tt.path, tt.err, body)
				}
			}
			if want := "level=" + tt.level + ` msg="request `; !strings.Contains(f.log.String(), want) {
				t.Errorf("serveError(%q, %v): the log lacks %q:\n%s", tt.path, tt.err, want, f.log)
			}
		})
	}
}

// TestClientGone checks that a request whose client went away is never
// answered 500 nor logged as an error, whatever the error it caused.
func TestClientGone(t *testing.T) {
	f := newFixture(t)
	f.failing("/gone", false, context.Canceled)
	f.failing("/gone-wrapped", true, fmt.Errorf("sqlite: interrupted: %w", context.Canceled))
	f.failing("/gone-other", false, io.ErrUnexpectedEOF) // a failure caused by the client leaving
	for _, path := range []string{"/gone", "/gone-wrapped", "/gone-other", "/documents/" + f.seedID, "/api/v1/documents"} {
		t.Run(path, func(t *testing.T) {
			f.log.Reset()
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
			w := httptest.NewRecorder()
			f.server.ServeHTTP(w, req)
			if w.Code == http.StatusInternalServerError || w.Body.Len() > 0 {
				t.Errorf("GET %s by a client that went away = %d %s, want no answer", path, w.Code, clip(w.Body.String(), 200))
			}
			log := f.log.String()
			if strings.Contains(log, "level=ERROR") {
				t.Errorf("GET %s by a client that went away is logged as an error:\n%s", path, log)
			}
			if !strings.Contains(log, `level=DEBUG msg="request canceled"`) && path != "/documents/"+f.seedID && path != "/api/v1/documents" {
				t.Errorf("GET %s: the log lacks the debug line:\n%s", path, log)
			}
			if !strings.Contains(log, "status=0") {
				t.Errorf("GET %s: the access log does not show it unanswered:\n%s", path, log)
			}
		})
	}
}

func TestAccessLog(t *testing.T) {
	f := newFixture(t)
	req := httptest.NewRequest(http.MethodGet, "/documents/"+f.seedID, nil)
	req.RemoteAddr = "192.0.2.7:4321"
	w := httptest.NewRecorder()
	f.server.ServeHTTP(w, req)
	line := ""
	for l := range strings.SplitSeq(f.log.String(), "\n") {
		if strings.Contains(l, "msg=request ") {
			line = l
		}
	}
	for _, want := range []string{
		"level=INFO",
		"method=GET",
		"path=/documents/" + f.seedID,
		`route="GET /documents/{id}"`,
		"status=200",
		fmt.Sprintf("bytes=%d", w.Body.Len()),
		"duration=",
		"remote=192.0.2.7:4321",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("access log line %q lacks %q", line, want)
		}
	}

	// A path with control characters is quoted, not written raw.
	f.log.Reset()
	f.get("/no%0Asuch%1b[2J")
	if log := f.log.String(); strings.Contains(log, "\x1b") || strings.Contains(log, "no\nsuch") {
		t.Errorf("the access log writes a path's control characters raw:\n%q", f.log)
	}

	// Turned off.
	f.log.Reset()
	logger := slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := New(Config{Store: f.store, Logger: logger, BaseURL: testBaseURL, NoAccessLog: true})
	if err != nil {
		t.Fatal(err)
	}
	s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/documents/"+f.seedID, nil))
	if strings.Contains(f.log.String(), "msg=request ") {
		t.Errorf("NoAccessLog: the log has a line per request:\n%s", f.log)
	}
}

func TestRequestMetrics(t *testing.T) {
	f := newSearchFixture(t)
	m := metrics.New()
	s, err := New(Config{Store: f.store, Index: f.index, BaseURL: testBaseURL, Metrics: m, NoAccessLog: true})
	if err != nil {
		t.Fatal(err)
	}
	f.server = s
	f.failing("/api/v1/slow", true, fonds.ErrTimeout)
	for _, path := range []string{
		"/documents/" + f.seedID, "/documents/" + f.seedID, "/documents/nothing-here",
		"/search?q=rights", "/api/v1/search?q=rights", "/api/v1/slow",
		"/static/fonds.css", "/" + strings.Repeat("x", maxPathLen+1),
	} {
		f.get(path)
	}
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := w.Body.String()
	for _, want := range []string{
		`fonds_http_request_duration_seconds_count{code="2xx",route="GET /documents/{id}"} 2`,
		`fonds_http_request_duration_seconds_count{code="4xx",route="GET /documents/{id}"} 1`,
		`fonds_http_request_duration_seconds_count{code="2xx",route="GET /search"} 1`,
		`fonds_http_request_duration_seconds_count{code="2xx",route="GET /api/v1/search"} 1`,
		`fonds_http_request_duration_seconds_count{code="5xx",route="GET /api/v1/slow"} 1`,
		`fonds_http_request_duration_seconds_count{code="2xx",route="GET /static/"} 1`,
		`fonds_http_request_duration_seconds_count{code="4xx",route="none"} 1`,
		`fonds_search_duration_seconds_count{result="ok"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the metrics lack %q", want)
		}
	}
	if strings.Contains(body, f.seedID) {
		t.Error("the metrics name a path, not a route")
	}
}

// stuckStore is a real store whose cheapest read never answers, as one
// waiting on a lock another process holds.
type stuckStore struct {
	fonds.Store
	release chan struct{}
}

func (s stuckStore) Alias(ctx context.Context, path string) (string, error) {
	<-s.release // heeds no context, as the worst of them
	return "", fonds.ErrNotFound
}

func TestHealthz(t *testing.T) {
	f := newSearchFixture(t)
	w := f.get("/healthz")
	if body := w.Body.String(); w.Code != 200 || body != "ok\nstore: ok\nindex: ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 with store and index ok", w.Code, body)
	}
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("GET /healthz: Cache-Control %q, want no-store", w.Header().Get("Cache-Control"))
	}

	// Without an index, only the store is checked.
	s, err := New(Config{Store: f.store})
	if err != nil {
		t.Fatal(err)
	}
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if body := w.Body.String(); w.Code != 200 || body != "ok\nstore: ok\n" {
		t.Errorf("GET /healthz without an index = %d %q, want 200 with the store ok", w.Code, body)
	}

	// A store that does not answer in time, and a closed index.
	stuck := stuckStore{Store: f.store, release: make(chan struct{})}
	defer close(stuck.release)
	closed, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	s, err = New(Config{Store: stuck, Index: closed, Logger: slog.New(slog.NewTextHandler(f.log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.log.Reset()
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	want := "unavailable: store, index\nstore: did not answer in time\nindex: unavailable\n"
	if body := w.Body.String(); w.Code != 503 || body != want {
		t.Errorf("GET /healthz with a stuck store and a closed index = %d %q, want 503 %q", w.Code, body, want)
	}
	if !strings.Contains(f.log.String(), "component=index") || !strings.Contains(f.log.String(), "component=store") {
		t.Errorf("the log lacks the causes:\n%s", f.log)
	}
	// The stuck check is still running: another is not started beside it.
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if w.Code != 503 || !strings.Contains(w.Body.String(), "store: unavailable") || !strings.Contains(f.log.String(), "has not returned") {
		t.Errorf("GET /healthz again = %d %q, want 503 with the store unavailable at once", w.Code, w.Body.String())
	}
}

// slowStore answers an alias after a while, as a store under load does.
type slowStore struct {
	fonds.Store
	calls *atomic.Int32
}

func (s slowStore) Alias(ctx context.Context, path string) (string, error) {
	s.calls.Add(1)
	time.Sleep(100 * time.Millisecond)
	return "", fonds.ErrNotFound
}

// TestHealthzConcurrent asks /healthz many times at once, as several load
// balancers do: every request joins the check under way, and is answered
// ok by it.
func TestHealthzConcurrent(t *testing.T) {
	f := newFixture(t)
	calls := new(atomic.Int32)
	s, err := New(Config{Store: slowStore{Store: f.store, calls: calls}, Logger: slog.New(slog.NewTextHandler(f.log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	const requests = 16
	codes := make([]int, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			codes[i] = w.Code
		})
	}
	wg.Wait()
	for i, code := range codes {
		if code != 200 {
			t.Errorf("request %d of %d at once: GET /healthz = %d, want 200\n%s", i+1, requests, code, f.log)
		}
	}
	if n := calls.Load(); n >= requests {
		t.Errorf("%d requests at once ran %d checks of the store, want them to share runs", requests, n)
	}
}

func TestResponseRecorderFlushes(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.server)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/export.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n := 0
	dec := json.NewDecoder(resp.Body)
	for dec.More() {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if resp.StatusCode != 200 || n != f.published {
		t.Errorf("GET /api/v1/export.jsonl through the access log = %d, %d documents, want 200, %d", resp.StatusCode, n, f.published)
	}
}

// BenchmarkObserve measures what the access log and the metrics add to a
// request: a static file, the cheapest answer the site gives.
func BenchmarkObserve(b *testing.B) {
	f := newFixture(b)
	for _, bm := range []struct {
		name string
		cfg  Config
	}{
		{"off", Config{NoAccessLog: true}},
		{"metrics", Config{NoAccessLog: true, Metrics: metrics.New()}},
		{"log+metrics", Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics.New()}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			cfg := bm.cfg
			cfg.Store = f.store
			s, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/static/fonds.css", nil)
			b.ReportAllocs()
			for b.Loop() {
				s.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
