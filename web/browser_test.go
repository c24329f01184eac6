package web

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fonds/internal/browsertest"
)

// TestBrowser reads document pages in a real browser: it follows a page
// marker, checks that notes and handwriting look as the conventions say,
// searches from the header's box and follows a result to its page, and
// saves screenshots.
func TestBrowser(t *testing.T) {
	f := newSearchFixture(t)
	ts := httptest.NewServer(f.server) // listens on 127.0.0.1
	defer ts.Close()

	bctx := browsertest.Start(t)

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

	// Search from the box in the header, as a reader does: type, submit,
	// read the results, follow the first to the page its snippet is on.
	run("search from the header",
		chromedp.SendKeys(chromedp.CSS("#site-search-q"), `"human rights"`),
		chromedp.Submit(chromedp.CSS("#site-search-q")),
		chromedp.WaitVisible(chromedp.CSS(".hit-title a")),
	)
	if got := eval("the results heading", `document.getElementById("results-heading").textContent`); got == nil || !strings.HasPrefix(got.(string), "2 results") {
		t.Errorf("results heading = %v, want 2 results", got)
	}
	if got := eval("the query kept", `document.getElementById("search-q").value`); got != `"human rights"` {
		t.Errorf("the search box holds %v after the search, want the query", got)
	}
	if n := eval("marks in the snippets", `document.querySelectorAll(".snippet mark").length`); n == float64(0) {
		t.Errorf("the snippets mark no words")
	}
	searchShot := screenshot("screenshot of the results")
	run("follow the first result",
		chromedp.Click(chromedp.CSS(".hit-title a")),
		chromedp.WaitVisible(chromedp.CSS(".witness mark")),
	)
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`location.hash === "#page-2" && document.querySelector(".witness mark") !== null`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("after following the first result, the page is not at #page-2 with a mark: %v", err)
	}
	if location, err := chromedp.Run(bctx, chromedp.Location()); err != nil || !strings.Contains(location, "/documents/"+f.seedID+"?hl=") || !strings.HasSuffix(location, "#page-2") {
		t.Errorf("after following the first result, location = %q (%v), want the seed's page 2 with ?hl=", location, err)
	}
	if got := eval("the marked words", `Array.from(document.querySelectorAll(".witness mark"), m => m.textContent.toLowerCase()).join(" ")`); got == nil || !strings.Contains(got.(string), "human") {
		t.Errorf("the marks of the document page read %v, want human", got)
	}
	if inView := eval("page-2 in view", `(() => {
		const r = document.getElementById("page-2").getBoundingClientRect();
		return r.top >= 0 && r.top < window.innerHeight;
	})()`); inView != true {
		t.Errorf("after following the first result, the page-2 marker is not in view")
	}
	markedShot := screenshot("screenshot of the marked document")

	dir := browsertest.OutputDir(t)
	for name, shot := range map[string][]byte{
		"document-seed.png":       seedShot,
		"document-every-kind.png": allShot,
		"document-360px.png":      narrowShot,
		"home.png":                homeShot,
		"search.png":              searchShot,
		"document-marked.png":     markedShot,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(path)
		t.Logf("screenshot: %s", abs)
	}
}
