package web

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// outputDir returns the folder for what a test leaves to look at:
// $FONDS_TEST_OUTPUT, or testoutput/ beside the package (ignored by git).
func outputDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FONDS_TEST_OUTPUT")
	if dir == "" {
		dir = "testoutput"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowser reads document pages in a real browser: it follows a page
// marker, checks that notes and handwriting look as the conventions say,
// and saves screenshots.
func TestBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed")
	}
	f := newFixture(t)
	ts := httptest.NewServer(f.server) // listens on 127.0.0.1
	defer ts.Close()

	// The whole test is bounded: a browser that hangs fails it, never
	// keeps it running.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	// run runs one action of the test, or stops the test.
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(what, js string) any {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	screenshot := func(what string) []byte {
		t.Helper()
		b, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return b
	}

	run("open the seed's page",
		chromedp.Navigate(ts.URL+"/documents/"+f.seedID),
		chromedp.WaitVisible(chromedp.CSS("#page-3")),
		chromedp.Click(chromedp.CSS("#page-3 a")),
	)
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`location.hash === "#page-3"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("after clicking the page-3 marker the address does not end in #page-3: %v", err)
	}
	location, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(location, "#page-3") {
		t.Errorf("after clicking the page-3 marker, location = %q, want …#page-3", location)
	}
	inView := eval("page-3 in view", `(() => {
		const r = document.getElementById("page-3").getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight;
	})()`)
	if inView != true {
		t.Errorf("after clicking the page-3 marker, the marker is not in view")
	}
	noteStyle := eval("style of a note", `(() => { const s = getComputedStyle(document.querySelector(".note")); return s.color + " / " + s.fontFamily; })()`)
	bodyStyle := eval("style of the text", `(() => { const s = getComputedStyle(document.querySelector(".witness .text p")); return s.color + " / " + s.fontFamily; })()`)
	if noteStyle == bodyStyle {
		t.Errorf("a note looks like the document's words: colour and font %q", noteStyle)
	}
	t.Logf("note %q; document's words %q", noteStyle, bodyStyle)
	seedShot := screenshot("screenshot of the seed's page")

	run("open the every-kind page",
		chromedp.Navigate(ts.URL+"/documents/"+allKindsID),
		chromedp.WaitVisible(chromedp.CSS(".hand")),
	)
	if got := eval("style of handwriting", `getComputedStyle(document.querySelector(".hand")).fontStyle`); got != "italic" {
		t.Errorf("handwriting font-style = %q, want italic", got)
	}
	insStyle := eval("style of an insertion", `(() => { const s = getComputedStyle(document.querySelector("ins.hand-insertion")); return s.fontStyle + " " + s.textDecorationLine; })()`)
	if insStyle != "italic underline" {
		t.Errorf("handwritten insertion style = %q, want italic underline", insStyle)
	}
	allShot := screenshot("screenshot of the every-kind page")

	run("narrow the window to 360 px", chromedp.EmulateViewport(360, 800))
	if overflow := eval("sideways scrolling", `document.documentElement.scrollWidth > window.innerWidth`); overflow != false {
		t.Errorf("at 360 px wide the page scrolls sideways")
	}
	narrowShot := screenshot("screenshot at 360 px")

	run("open the home page", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	homeShot := screenshot("screenshot of the home page")

	dir := outputDir(t)
	for name, shot := range map[string][]byte{
		"document-seed.png":       seedShot,
		"document-every-kind.png": allShot,
		"document-360px.png":      narrowShot,
		"home.png":                homeShot,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(path)
		t.Logf("screenshot: %s", abs)
	}
}
