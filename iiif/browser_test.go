package iiif

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fonds/internal/browsertest"
	"fonds/internal/testenv"
)

// requestLog records the requests a server answered, and tells a waiting
// test when one it waits for has come.
type requestLog struct {
	mu      sync.Mutex
	entries []string // "200 /path"
	changed chan struct{}
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		l.mu.Lock()
		l.entries = append(l.entries, fmt.Sprintf("%d %s", rec.status, r.URL.Path))
		l.mu.Unlock()
		select {
		case l.changed <- struct{}{}:
		default:
		}
	})
}

// waitFor waits until a request matching re has been answered 200, or the
// context ends.
func (l *requestLog) waitFor(ctx context.Context, re *regexp.Regexp) bool {
	for {
		l.mu.Lock()
		for _, e := range l.entries {
			if strings.HasPrefix(e, "200 ") && re.MatchString(e) {
				l.mu.Unlock()
				return true
			}
		}
		l.mu.Unlock()
		select {
		case <-l.changed:
		case <-ctx.Done():
			return false
		}
	}
}

func (l *requestLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.entries, "\n")
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// viewerPage is a page that opens a manifest in Mirador.
var viewerPage = template.Must(template.New("viewer").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Viewer</title></head>
<body style="margin:0">
<div id="viewer" style="position:absolute;top:0;right:0;bottom:0;left:0"></div>
<script src="/mirador.min.js"></script>
<script>
Mirador.viewer({
  id: "viewer",
  windows: [{ manifestId: {{.}} }],
  window: { sideBarOpenByDefault: true, defaultSideBarPanel: "annotations" },
  // Mirador lists comments and tags by default; a transcription is a
  // supplementing annotation.
  annotations: { filteredMotivations: ["oa:commenting", "oa:tagging", "commenting", "tagging", "supplementing"] }
});
</script>
</body>
</html>
`))

// TestViewer opens a manifest in Mirador, a real IIIF viewer, in a real
// browser: the viewer must read the manifest and the image information,
// fetch tiles and paint the page image, and a screenshot is saved.
func TestViewer(t *testing.T) {
	// Skip before fetching the viewer, when there is no browser to run it.
	testenv.Tool(t, "chromium")
	bundle := npmFile(t, miradorPackage, "dist/mirador.min.js")
	f := newFixture(t)

	log := &requestLog{changed: make(chan struct{}, 1)}
	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux) // listens on 127.0.0.1
	h, err := New(Config{Store: f.store, Images: f.images, BaseURL: "http://" + srv.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/iiif/", log.wrap(h))
	mux.HandleFunc("GET /mirador.min.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, bundle)
	})
	var manifestURL string
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		viewerPage.Execute(w, manifestURL)
	})
	srv.Start()
	defer srv.Close()
	manifestURL = srv.URL + "/iiif/" + fullID + "/manifest"

	bctx := browsertest.Start(t)

	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("open the viewer: %v", err)
	}
	// OpenSeadragon, Mirador's image view, draws into a canvas element.
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`document.querySelector(".openseadragon-canvas canvas") !== null`,
		chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		t.Fatalf("the viewer shows no OpenSeadragon canvas: %v\nrequests:\n%s", err, log)
	}
	for what, re := range map[string]*regexp.Regexp{
		"the manifest":        regexp.MustCompile(`^200 /iiif/` + fullID + `/manifest$`),
		"the image info.json": regexp.MustCompile(`^200 /iiif/image/` + fullID + `~1/info\.json$`),
		"a tile of the image": regexp.MustCompile(`^200 /iiif/image/` + fullID + `~1/[^/]+/[^/]+/0/default\.jpg$`),
	} {
		wctx, wcancel := context.WithTimeout(bctx, 30*time.Second)
		if !log.waitFor(wctx, re) {
			t.Errorf("the viewer did not fetch %s; requests:\n%s", what, log)
		}
		wcancel()
	}
	// The tile is painted: the top left quarter of the page is red.
	painted := `(() => {
		const c = document.querySelector(".openseadragon-canvas canvas");
		const g = c.getContext("2d");
		const d = g.getImageData(0, 0, c.width, c.height).data;
		for (let i = 0; i < d.length; i += 4 * 97) {
			if (d[i] > 150 && d[i+1] < 90 && d[i+2] < 90) return true;
		}
		return false;
	})()`
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](painted, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Errorf("the viewer's canvas shows no part of the page image: %v", err)
	}
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(browsertest.OutputDir(t), "mirador.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(path)
	t.Logf("screenshot: %s", abs)
	t.Logf("requests:\n%s", log)
}
