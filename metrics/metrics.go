// Package metrics counts what a running archive does, for Prometheus: how
// long requests take by route, how long searches take and how many ran out
// of time, what imports did with each document, and how much the derived
// image cache holds. Its Handler serves the counts at /metrics and the Go
// profiler at /debug/pprof/, on an address of their own, apart from the
// public site.
//
// Every method of a nil *Registry does nothing, so that a component given
// no registry need not test for one.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/pprof"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"fonds"
)

// Registry holds the archive's metrics. Its methods are safe for concurrent
// use.
type Registry struct {
	reg            *prometheus.Registry
	requests       *prometheus.HistogramVec
	searches       *prometheus.HistogramVec
	searchTimeouts prometheus.Counter
	imports        *prometheus.CounterVec

	cacheOnce sync.Once
	cacheMu   sync.Mutex
	cacheSize func() int64
}

// latencyBuckets are the bounds, in seconds, of the latency histograms:
// from a page served from memory (a millisecond) to a search cut off at its
// deadline (seconds).
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// ImportResults are the results an import counts a document under.
var ImportResults = []string{"added", "updated", "unchanged", "failed"}

// New returns a registry holding the archive's metrics and those of the Go
// runtime and the process.
func New() *Registry {
	m := &Registry{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fonds_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and status class.",
			Buckets: latencyBuckets,
		}, []string{"route", "code"}),
		searches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fonds_search_duration_seconds",
			Help:    "Time the search index took to answer, by result (ok, timeout, canceled, invalid, error).",
			Buckets: latencyBuckets,
		}, []string{"result"}),
		searchTimeouts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fonds_search_timeouts_total",
			Help: "Searches stopped because they ran past their deadline.",
		}),
		imports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fonds_import_documents_total",
			Help: "Documents an import handled, by result (added, updated, unchanged, failed).",
		}, []string{"result"}),
	}
	// The known results are shown at zero before the first import, so
	// that a rate over them is defined from the start.
	for _, r := range ImportResults {
		m.imports.WithLabelValues(r)
	}
	m.reg.MustRegister(
		m.requests, m.searches, m.searchTimeouts, m.imports,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// ObserveRequest records an HTTP request answered with status after d.
// route is the pattern that matched (http.Request.Pattern), never the path,
// so that the number of series stays bounded; empty when none matched. A
// status of 0 is a request whose client went away before it was answered.
func (m *Registry) ObserveRequest(route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "none"
	}
	m.requests.WithLabelValues(route, StatusClass(status)).Observe(d.Seconds())
}

// StatusClass returns the class of an HTTP status, "2xx" for 200, or
// "canceled" for 0, a request whose client went away unanswered.
func StatusClass(status int) string {
	if status < 100 || status > 599 {
		if status == 0 {
			return "canceled"
		}
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// ObserveSearch records a search that took d and ended with err. A search
// past its deadline (fonds.ErrTimeout or context.DeadlineExceeded) is
// counted as a timeout too.
func (m *Registry) ObserveSearch(d time.Duration, err error) {
	if m == nil {
		return
	}
	result := "ok"
	switch {
	case err == nil:
	case errors.Is(err, fonds.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		result = "timeout"
		m.searchTimeouts.Inc()
	case errors.Is(err, context.Canceled):
		result = "canceled"
	case errors.Is(err, fonds.ErrInvalid):
		result = "invalid"
	default:
		result = "error"
	}
	m.searches.WithLabelValues(result).Observe(d.Seconds())
}

// Imported counts n documents an import handled with the result, one of
// ImportResults (the fonds.PutResult strings and "failed"); any other is
// counted as "failed", so that a mistake cannot add series without bound.
func (m *Registry) Imported(result string, n int) {
	if m == nil {
		return
	}
	known := false
	for _, r := range ImportResults {
		known = known || r == result
	}
	if !known {
		result = "failed"
	}
	m.imports.WithLabelValues(result).Add(float64(max(n, 0)))
}

// SetCacheSize makes size the source of the derived-image cache's size in
// bytes, read at each scrape; a later call replaces it. The gauge is shown
// only once a source is set, so that an archive without a cache does not
// claim an empty one.
func (m *Registry) SetCacheSize(size func() int64) {
	if m == nil {
		return
	}
	m.cacheMu.Lock()
	m.cacheSize = size
	m.cacheMu.Unlock()
	m.cacheOnce.Do(func() {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "fonds_image_cache_bytes",
			Help: "Bytes the derived-image cache holds on disk.",
		}, func() float64 {
			m.cacheMu.Lock()
			f := m.cacheSize
			m.cacheMu.Unlock()
			if f == nil {
				return 0
			}
			return float64(f())
		}))
	})
}

// Handler returns the handler of the metrics address: the metrics at
// /metrics, the Go profiler at /debug/pprof/, and a list of both at /.
// It is meant for an address only operators reach: the profiler shows the
// program's internals, and a CPU profile costs the server while it runs.
func (m *Registry) Handler() http.Handler {
	mux := http.NewServeMux()
	if m != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	}
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "/metrics       Prometheus metrics")
		fmt.Fprintln(w, "/debug/pprof/  Go profiles")
	})
	return mux
}
