// Package browsertest starts Debian's chromium for the tests that read the
// site in a real browser, with the flags a closed network needs.
package browsertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fonds/internal/testenv"
)

// Timeout bounds a browser test: a browser that hangs fails the test, never
// keeps it running.
const Timeout = 90 * time.Second

// Start starts a headless chromium, or skips the test when none is
// installed, and returns the context to drive it with. The browser stops
// when the test ends.
func Start(t *testing.T) context.Context {
	t.Helper()
	chromium := testenv.Tool(t, "chromium")
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	t.Cleanup(cancel)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		// Without these, chromium keeps trying hosts a closed network
		// refuses.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	return bctx
}

// OutputDir returns the folder for what a browser test leaves to look at
// (screenshots): $FONDS_TEST_OUTPUT, or testoutput/ beside the package,
// which git ignores.
func OutputDir(t *testing.T) string {
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
