package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fonds"
)

// scrape returns the body of GET path from the registry's handler.
func scrape(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	b, err := io.ReadAll(w.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return w.Code, string(b)
}

func TestMetrics(t *testing.T) {
	m := New()
	m.ObserveRequest("GET /documents/{id}", 200, 3*time.Millisecond)
	m.ObserveRequest("GET /documents/{id}", 404, time.Millisecond)
	m.ObserveRequest("", 400, time.Millisecond)
	m.ObserveRequest("GET /search", 0, time.Second)
	m.ObserveSearch(20*time.Millisecond, nil)
	m.ObserveSearch(3*time.Second, fmt.Errorf("bleve: search: %w", fonds.ErrTimeout))
	m.ObserveSearch(time.Second, context.DeadlineExceeded)
	m.ObserveSearch(time.Millisecond, context.Canceled)
	m.ObserveSearch(time.Millisecond, fonds.ErrInvalid)
	m.ObserveSearch(time.Millisecond, errors.New("disk on fire"))
	m.Imported("added", 2)
	m.Imported("unchanged", 1)
	m.Imported("exploded\n{x=\"y\"}", 1) // counted as failed, not as a series of its own
	var size int64 = 12345
	m.SetCacheSize(func() int64 { return size })
	m.SetCacheSize(func() int64 { return size * 2 }) // replaces the first

	code, body := scrape(t, m.Handler(), "/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics: status %d, want 200", code)
	}
	for _, want := range []string{
		`fonds_http_request_duration_seconds_count{code="2xx",route="GET /documents/{id}"} 1`,
		`fonds_http_request_duration_seconds_count{code="4xx",route="GET /documents/{id}"} 1`,
		`fonds_http_request_duration_seconds_count{code="4xx",route="none"} 1`,
		`fonds_http_request_duration_seconds_count{code="canceled",route="GET /search"} 1`,
		`fonds_search_duration_seconds_count{result="ok"} 1`,
		`fonds_search_duration_seconds_count{result="timeout"} 2`,
		`fonds_search_duration_seconds_count{result="canceled"} 1`,
		`fonds_search_duration_seconds_count{result="invalid"} 1`,
		`fonds_search_duration_seconds_count{result="error"} 1`,
		"fonds_search_timeouts_total 2",
		`fonds_import_documents_total{result="added"} 2`,
		`fonds_import_documents_total{result="updated"} 0`,
		`fonds_import_documents_total{result="unchanged"} 1`,
		`fonds_import_documents_total{result="failed"} 1`,
		"fonds_image_cache_bytes 24690",
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /metrics lacks %q", want)
		}
	}
	if strings.Contains(body, "exploded") {
		t.Errorf("GET /metrics shows an unknown import result as a series:\n%s", body)
	}
}

func TestCacheGaugeOnlyWhenSet(t *testing.T) {
	_, body := scrape(t, New().Handler(), "/metrics")
	if strings.Contains(body, "fonds_image_cache_bytes") {
		t.Error("GET /metrics shows a cache size though no cache was set")
	}
}

func TestHandler(t *testing.T) {
	h := New().Handler()
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/", 200, "/debug/pprof/"},
		{"/metrics", 200, "# TYPE fonds_search_timeouts_total counter"},
		{"/debug/pprof/", 200, "goroutine"},
		{"/debug/pprof/goroutine?debug=1", 200, "goroutine profile:"},
		{"/debug/pprof/cmdline", 200, ""},
		{"/elsewhere", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, body := scrape(t, h, tt.path)
			if code != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("GET %q = %d %.200q, want %d with %q", tt.path, code, body, tt.status, tt.want)
			}
		})
	}
}

func TestNilRegistry(t *testing.T) {
	var m *Registry
	m.ObserveRequest("GET /", 200, time.Millisecond)
	m.ObserveSearch(time.Millisecond, nil)
	m.Imported("added", 1)
	m.SetCacheSize(func() int64 { return 1 })
	if code, _ := scrape(t, m.Handler(), "/debug/pprof/"); code != 200 {
		t.Errorf("GET /debug/pprof/ of a nil registry = %d, want 200", code)
	}
}

func TestStatusClass(t *testing.T) {
	tests := []struct {
		status int
		want   string
	}{
		{0, "canceled"},
		{200, "2xx"},
		{204, "2xx"},
		{304, "3xx"},
		{404, "4xx"},
		{503, "5xx"},
		{99, "other"},
		{600, "other"},
	}
	for _, tt := range tests {
		if got := StatusClass(tt.status); got != tt.want {
			t.Errorf("StatusClass(%d) = %q, want %q", tt.status, got, tt.want)
		}
	}
}

func BenchmarkObserveRequest(b *testing.B) {
	m := New()
	for b.Loop() {
		m.ObserveRequest("GET /documents/{id}", 200, time.Millisecond)
	}
}
