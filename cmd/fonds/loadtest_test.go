package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/bleve"
	"fonds/fondstest"
	"fonds/iiif"
	"fonds/sqlite"
	"fonds/web"
)

// newLoadServer serves, on 127.0.0.1, the site over a real store and index
// holding n documents, the first of which has page images, with IIIF
// mounted as serve mounts it. Its permalinks name another host, as a
// server behind a proxy would: the load test must stay on 127.0.0.1.
func newLoadServer(t *testing.T, n int) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(filepath.Join(dir, "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ix, err := bleve.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	images, err := iiif.OpenImages(filepath.Join(dir, "images"))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	var docs []*fonds.Document
	for i := range n {
		date := fmt.Sprintf("19%02d-%02d-%02d", 50+i%40, 1+i%12, 1+i%28)
		d := fondstest.NewFullDocument(fmt.Sprintf("%s-st-%d", date, i), date)
		if i == 0 {
			for p := range 2 {
				img := image.NewGray(image.Rect(0, 0, 1300, 900))
				for j := range img.Pix {
					img.Pix[j] = uint8(j % 251)
				}
				img.Set(0, 0, color.White)
				var buf bytes.Buffer
				if err := png.Encode(&buf, img); err != nil {
					t.Fatal(err)
				}
				name, err := images.Put(d.ID, p+1, &buf)
				if err != nil {
					t.Fatal(err)
				}
				d.Pages[p].Facs = name
			}
		}
		if _, err := store.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	const base = "https://archive.example"
	site, err := web.New(web.Config{Store: store, Index: ix, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	h, err := iiif.New(iiif.Config{Store: store, Images: images, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	site.Handle("/iiif/", h)
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	return srv
}

// loadReport is the table of a load test's report: the cells of each row,
// by kind.
func loadReport(t *testing.T, out string) map[string][]string {
	t.Helper()
	rows := make(map[string][]string)
	for line := range strings.SplitSeq(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 8 && f[0] != "kind" {
			rows[f[0]] = f
		}
	}
	if rows["total"] == nil {
		t.Fatalf("the report has no total:\n%s", out)
	}
	return rows
}

func TestLoadtest(t *testing.T) {
	srv := newLoadServer(t, 30)
	const requests = 400
	var out, errOut bytes.Buffer
	args := []string{"--url", srv.URL, "--clients", "4", "--duration", "10m", "--requests", strconv.Itoa(requests)}
	err := loadtestCmd(context.Background(), args, &out, &errOut)
	if err != nil {
		t.Fatalf("loadtest %s = %v\n%s%s", strings.Join(args, " "), err, errOut.String(), out.String())
	}
	t.Logf("%s%s", errOut.String(), out.String())
	rows := loadReport(t, out.String())
	if got := rows["total"][1]; got != strconv.Itoa(requests) {
		t.Errorf("total requests = %s, want %d\n%s", got, requests, out.String())
	}
	sum := 0
	for _, kind := range loadKinds {
		row := rows[kind]
		if row == nil {
			t.Errorf("the report has no line for %s:\n%s", kind, out.String())
			continue
		}
		n, _ := strconv.Atoi(row[1])
		sum += n
		if row[7] != "0" {
			t.Errorf("%s: %s errors, want 0\n%s", kind, row[7], out.String())
		}
	}
	if sum != requests {
		t.Errorf("the kinds add up to %d requests, want %d\n%s", sum, requests, out.String())
	}
	if rows["total"][7] != "0" || strings.Contains(out.String(), "errors of") {
		t.Errorf("the report has errors:\n%s", out.String())
	}
	if !strings.Contains(errOut.String(), "2 page images known") {
		t.Errorf("the load test did not find the 2 page images:\n%s", errOut.String())
	}
}

func TestLoadtestMix(t *testing.T) {
	srv := newLoadServer(t, 5)
	var out, errOut bytes.Buffer
	// Bounded by time alone: it stops by itself.
	args := []string{"--url", srv.URL, "--clients", "2", "--duration", "1s", "--mix", "search,api"}
	if err := loadtestCmd(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("loadtest %s = %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	rows := loadReport(t, out.String())
	if n, _ := strconv.Atoi(rows["total"][1]); n == 0 {
		t.Errorf("loadtest for 1s sent no requests:\n%s", out.String())
	}
	for _, kind := range loadKinds {
		if got, want := rows[kind] != nil, kind == "search" || kind == "api"; got != want {
			t.Errorf("--mix search,api: line for %s = %v, want %v\n%s", kind, got, want, out.String())
		}
	}
}

// TestLoadtestErrors runs against a server that lists one document and
// refuses everything else: the report counts the errors by status and the
// command fails.
func TestLoadtestErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/documents" {
			fmt.Fprint(w, `{"total":1,"documents":[{"id":"1977-01-01-x","collection":"c","title":"Broken things","date":{"start":"1977-01-01"}}]}`)
			return
		}
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	var out, errOut bytes.Buffer
	err := loadtestCmd(context.Background(), []string{"--url", srv.URL, "--clients", "2", "--requests", "30", "--mix", "pages"}, &out, &errOut)
	if !errors.Is(err, errReported) {
		t.Errorf("loadtest against a failing server = %v, want errReported", err)
	}
	rows := loadReport(t, out.String())
	if rows["total"][1] != "30" || rows["total"][7] != "30" {
		t.Errorf("total: %q, want 30 requests, 30 errors\n%s", rows["total"], out.String())
	}
	if !strings.Contains(out.String(), "errors of total: 503 ×30") {
		t.Errorf("the report does not count the errors by status:\n%s", out.String())
	}
}

func TestLoadtestRefuses(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--url", "http://example.org"}, "only against this machine"},
		{[]string{"--url", "http://192.0.2.1:8080"}, "only against this machine"},
		{[]string{"--url", "http://127.0.0.1.example.org:8080"}, "only against this machine"},
		{[]string{"--url", "http://[::2]:8080"}, "only against this machine"},
		{[]string{"--url", "http://localhost@192.0.2.1/"}, "only against this machine"},
		{[]string{"--url", "http://user@127.0.0.1:8080"}, "address alone"},
		{[]string{"--url", "http://127.0.0.1:8080/other/site"}, "address alone"},
		{[]string{"--url", "ftp://127.0.0.1"}, "not an http"},
		{[]string{"--url", "127.0.0.1:8080"}, "127.0.0.1:8080"},
		{[]string{"--clients", "0"}, "--clients"},
		{[]string{"--clients", "100000"}, "--clients"},
		{[]string{"--duration", "0s"}, "--duration"},
		{[]string{"--duration", "16m"}, "--duration"},
		{[]string{"--requests", "-1"}, "--requests"},
		{[]string{"--requests", "100000000"}, "--requests"},
		{[]string{"--mix", "pages,everything"}, "unknown kind"},
		{[]string{"--mix", ","}, "at least one"},
		{[]string{"extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := loadtestCmd(context.Background(), tt.args, &out, &errOut)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("loadtest %q = %v, want a usage error with %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestLoopbackClient shows the client refusing, before it sends a packet,
// an address that is not this machine's, whatever led to it (a name that
// resolves elsewhere, a redirect, a manifest's address).
func TestLoopbackClient(t *testing.T) {
	c := loopbackClient(1)
	defer c.CloseIdleConnections()
	for _, u := range []string{"http://192.0.2.1:9/", "http://[2001:db8::1]:9/"} {
		resp, err := c.Get(u)
		if err == nil {
			resp.Body.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "not this machine") {
			t.Errorf("Get(%q) = %v, want a refusal", u, err)
		}
	}
	redirect := httptest.NewServer(http.RedirectHandler("http://192.0.2.1:9/", http.StatusFound))
	defer redirect.Close()
	resp, err := c.Get(redirect.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("Get(a redirect) = %d, want the redirect itself, not followed", resp.StatusCode)
	}
}

func TestLatencyBucket(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 127, 128, 129, 1000, 123456, time.Millisecond, 2*time.Millisecond + 7, time.Second, time.Hour, 1<<63 - 1} {
		i := latencyBucket(d)
		lo, hi := bucketBounds(i)
		if i < 0 || i >= latencyBuckets || uint64(d) < lo || uint64(d) >= hi && hi != 0 {
			t.Errorf("latencyBucket(%v) = %d, bounds [%d, %d), want them around %d", d, i, lo, hi, uint64(d))
		}
		if d >= 128 && float64(hi-lo) > float64(lo)/64+1 {
			t.Errorf("latencyBucket(%v): bucket [%d, %d) wider than 1/64", d, lo, hi)
		}
	}
}

func TestQuantile(t *testing.T) {
	var k kindStats
	for i := 1; i <= 1000; i++ {
		k.add(200, time.Duration(i)*time.Millisecond, nil)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0.5, 500 * time.Millisecond},
		{0.9, 900 * time.Millisecond},
		{0.99, 990 * time.Millisecond},
		{1, 1000 * time.Millisecond},
	}
	for _, tt := range tests {
		got := k.quantile(tt.q)
		if diff := got - tt.want; diff < -tt.want/50 || diff > tt.want/50 {
			t.Errorf("quantile(%v) = %v, want %v within 2%%", tt.q, got, tt.want)
		}
	}
}

func TestFmtLatency(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "-"},
		{850, "850ns"},
		{12345, "12.3µs"},
		{2126 * time.Microsecond, "2.13ms"},
		{45 * time.Millisecond, "45.0ms"},
		{1200 * time.Millisecond, "1.20s"},
		{125 * time.Second, "125s"},
	}
	for _, tt := range tests {
		if got := fmtLatency(tt.d); got != tt.want {
			t.Errorf("fmtLatency(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
