package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fonds"
	"fonds/internal/browsertest"
)

// TestAccountsBrowser signs an admin in through the form in a real browser,
// adds a user from the users' page, and signs out from the header: the
// session cookie, the CSRF token of each form and the cross-origin check
// work as a browser sends them.
func TestAccountsBrowser(t *testing.T) {
	f := newAccountFixture(t, Config{})
	ts := httptest.NewServer(f.server)
	defer ts.Close()
	bctx := browsertest.Start(t)
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(what, js string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	run("sign in",
		chromedp.Navigate(ts.URL+"/login?next=/admin/users"),
		chromedp.WaitVisible(chromedp.CSS("#login-name")),
		chromedp.SendKeys(chromedp.CSS("#login-name"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#login-password"), testPassword),
		chromedp.Submit(chromedp.CSS("#login-password")),
		chromedp.WaitVisible(chromedp.CSS("#user-name")),
	)
	if got := text("the header", `document.querySelector(".viewer-name").textContent`); got != "The admin" {
		t.Errorf("the header names %q, want The admin", got)
	}
	if cookie := text("the page's cookies", `document.cookie`); strings.Contains(cookie, sessionCookie) {
		t.Errorf("the session cookie can be read by a script: %q", cookie)
	}
	run("add a user",
		chromedp.SendKeys(chromedp.CSS("#user-name"), "zoe"),
		chromedp.SendKeys(chromedp.CSS("#user-full-name"), "Zoë Contributor"),
		chromedp.SendKeys(chromedp.CSS("#user-password"), "zoe's password"),
		chromedp.Submit(chromedp.CSS("#user-password")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/users/zoe"]`)),
	)
	u, err := f.store.User(context.Background(), "zoe")
	if err != nil || u.Role != fonds.RoleContributor || u.FullName != "Zoë Contributor" {
		t.Errorf("the user added = %+v, %v; want a contributor named Zoë Contributor", u, err)
	}
	run("sign out",
		chromedp.Click(chromedp.CSS(".sign-out button")),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/login"]`)),
	)
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`!document.querySelector(".viewer-name")`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("after signing out the header still names someone: %v", err)
	}
	if e := f.lastAudit("logout"); e == nil || e.User != "admin" {
		t.Errorf("audit entry of the sign-out = %+v", e)
	}
}
