package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fonds"
	"fonds/password"
	"fonds/sqlite"
)

// accountFixture is a server on a real SQLite store with a user of each
// role, all with the password testPassword.
type accountFixture struct {
	t      *testing.T
	store  *sqlite.Store
	server *Server
}

const testPassword = "correct horse battery"

// testHash is the hash of testPassword, made once: a hash takes a tenth of
// a second.
var testHash = func() func() string {
	var h string
	return func() string {
		if h == "" {
			var err error
			if h, err = password.Hash(testPassword); err != nil {
				panic(err)
			}
		}
		return h
	}
}()

func newAccountFixture(t *testing.T, cfg Config) *accountFixture {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	for _, r := range fonds.Roles {
		u := &fonds.User{Name: string(r), FullName: "The " + string(r), Role: r, PasswordHash: testHash()}
		if err := st.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.PutCollection(ctx, fonds.Collection{Slug: testSlug, Title: "Test collection", Description: "For the tests."}); err != nil {
		t.Fatal(err)
	}
	cfg.Store = st
	if cfg.BaseURL == "" {
		cfg.BaseURL = testBaseURL
	}
	cfg.NoAccessLog = true
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	freshStamps(s)
	return &accountFixture{t: t, store: st, server: s}
}

// browser is a client of the fixture's server with its own cookie and
// address.
type browser struct {
	f      *accountFixture
	cookie string // the session's token
	addr   string // the remote address, host:port
	csrf   string // the CSRF token of the last page read
}

func (f *accountFixture) browser() *browser { return &browser{f: f, addr: "192.0.2.1:1234"} }

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// do sends the request and keeps the session cookie it sets.
func (b *browser) do(req *http.Request) *http.Response {
	b.f.t.Helper()
	req.RemoteAddr = b.addr
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: b.cookie})
	}
	rec := httptest.NewRecorder()
	b.f.server.ServeHTTP(rec, req)
	res := rec.Result()
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			b.cookie = c.Value
			if c.MaxAge < 0 {
				b.cookie = ""
			}
		}
	}
	return res
}

func (b *browser) get(path string) (*http.Response, string) {
	b.f.t.Helper()
	res := b.do(httptest.NewRequest("GET", path, nil))
	body, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res, string(body)
}

// post sends the form, with the CSRF token of the last page read unless
// the form has one.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.f.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && b.csrf != "" {
		form.Set("csrf", b.csrf)
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res := b.do(req)
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// login signs in as name with the password, and reads a page for its CSRF
// token.
func (b *browser) login(name, pw string) *http.Response {
	b.f.t.Helper()
	res, _ := b.post("/login", url.Values{"name": {name}, "password": {pw}, "next": {"/about"}})
	if res.StatusCode == http.StatusSeeOther {
		b.get("/about")
	}
	return res
}

func (b *browser) mustLogin(name string) {
	b.f.t.Helper()
	if res := b.login(name, testPassword); res.StatusCode != http.StatusSeeOther {
		b.f.t.Fatalf("sign in as %s: status %d, want 303", name, res.StatusCode)
	}
	if b.cookie == "" || b.csrf == "" {
		b.f.t.Fatalf("sign in as %s: no session cookie or CSRF token", name)
	}
}

// auditActions returns the audit log's entries.
func (f *accountFixture) audit() []fonds.AuditEntry {
	f.t.Helper()
	es, err := f.store.AuditEntries(context.Background(), 0, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

// lastAudit returns the latest entry of the audit log with the action.
func (f *accountFixture) lastAudit(action string) *fonds.AuditEntry {
	f.t.Helper()
	es := f.audit()
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Action == action {
			return &es[i]
		}
	}
	return nil
}

func TestLogin(t *testing.T) {
	f := newAccountFixture(t, Config{})
	b := f.browser()
	res, body := b.get("/login?next=/browse")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `name="next" value="/browse"`) {
		t.Fatalf("GET /login: status %d, want 200 with next=/browse in the form:\n%s", res.StatusCode, body)
	}
	res, _ = b.post("/login", url.Values{"name": {"Editor "}, "password": {testPassword}, "next": {"/browse"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/browse" {
		t.Fatalf("POST /login: status %d to %q, want 303 to /browse", res.StatusCode, res.Header.Get("Location"))
	}
	var c *http.Cookie
	for _, rc := range res.Cookies() {
		if rc.Name == sessionCookie {
			c = rc
		}
	}
	if c == nil {
		t.Fatal("no session cookie")
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure on http", c)
	}
	if len(c.Value) != 43 {
		t.Errorf("cookie value %q: want 32 bytes in base64url (43 characters)", c.Value)
	}
	sess, err := f.store.Session(context.Background(), sessionID(c.Value))
	if err != nil {
		t.Fatalf("the store has no session of the cookie's hash: %v", err)
	}
	if sess.User != "editor" || sess.Address != "192.0.2.1" {
		t.Errorf("session of %q from %q, want editor from 192.0.2.1", sess.User, sess.Address)
	}
	_, body = b.get("/about")
	for _, want := range []string{"Signed in as", "The editor", `href="/review"`, `href="/edit/new"`, `href="/work"`, `action="/logout"`, sess.CSRF} {
		if !strings.Contains(body, want) {
			t.Errorf("a page for the editor lacks %q", want)
		}
	}
	if strings.Contains(body, `href="/admin/users"`) {
		t.Error("a page for an editor links to the users' admin page")
	}
	if e := f.lastAudit("login"); e == nil || e.User != "editor" || e.Address != "192.0.2.1" {
		t.Errorf("audit entry of the sign-in = %+v, want one by editor from 192.0.2.1", e)
	}
}

func TestLoginSecureCookie(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   Config
		proto string
		want  bool
	}{
		{"http", Config{}, "", false},
		{"https site", Config{BaseURL: "https://archive.test"}, "", true},
		{"untrusted proxy", Config{}, "https", false},
		{"trusted proxy", Config{TrustProxy: true}, "https", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAccountFixture(t, tc.cfg)
			form := url.Values{"name": {"reader"}, "password": {testPassword}}
			req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			res := f.browser().do(req)
			if len(res.Cookies()) != 1 {
				t.Fatalf("status %d, %d cookies; want one", res.StatusCode, len(res.Cookies()))
			}
			if got := res.Cookies()[0].Secure; got != tc.want {
				t.Errorf("Secure = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLoginFailure(t *testing.T) {
	f := newAccountFixture(t, Config{})
	var bodies []string
	for _, tc := range []struct{ name, pw string }{
		{"editor", "wrong password"},
		{"nobody", testPassword},
		{"disabled", testPassword},
		{"editor", "short"},
		{"Not a name\n", testPassword},
	} {
		if tc.name == "disabled" {
			u := &fonds.User{Name: "disabled", Role: fonds.RoleEditor, Disabled: true, PasswordHash: testHash()}
			if err := f.store.PutUser(context.Background(), u); err != nil {
				t.Fatal(err)
			}
		}
		b := f.browser()
		b.addr = "198.51.100." + string(rune('1'+len(bodies))) + ":1"
		res, body := b.post("/login", url.Values{"name": {tc.name}, "password": {tc.pw}})
		if res.StatusCode != http.StatusUnauthorized || b.cookie != "" {
			t.Errorf("sign in as %q with %q: status %d, cookie %q; want 401 and none", tc.name, tc.pw, res.StatusCode, b.cookie)
		}
		if !strings.Contains(body, "The name or the password is wrong.") {
			t.Errorf("sign in as %q with %q: the page does not say the name or the password is wrong", tc.name, tc.pw)
		}
		bodies = append(bodies, body)
		e := f.lastAudit("login-failed")
		if e == nil || !strings.Contains(e.Target, strings.TrimSpace(strings.ToLower(tc.name))[:4]) || e.Address != b.addr[:strings.IndexByte(b.addr, ':')] {
			t.Errorf("sign in as %q: audit entry %+v, want login-failed naming it, from %s", tc.name, e, b.addr)
		}
	}
	// A wrong name and a wrong password give the same page.
	if bodies[0] != strings.Replace(bodies[1], `value="nobody"`, `value="editor"`, 1) {
		t.Error("the answers to a wrong password and to a wrong name differ beside the name")
	}
}

func TestLoginThrottle(t *testing.T) {
	f := newAccountFixture(t, Config{})
	// Five failures of one account from five addresses.
	for i := range maxUserFailures {
		b := f.browser()
		b.addr = "203.0.113." + string(rune('1'+i)) + ":1"
		if res := b.login("editor", "wrong password"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, res.StatusCode)
		}
	}
	b := f.browser()
	res, body := b.post("/login", url.Values{"name": {"editor"}, "password": {testPassword}})
	if res.StatusCode != http.StatusTooManyRequests || b.cookie != "" {
		t.Errorf("the right password after %d failures: status %d, cookie %q; want 429 and none", maxUserFailures, res.StatusCode, b.cookie)
	}
	if !strings.Contains(body, "Too many failed sign-ins; try again in 15 minutes") {
		t.Errorf("the refusal does not say to try again later:\n%s", body)
	}
	// Another account from the same address is not throttled.
	if res := b.login("admin", testPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another account: status %d, want 303", res.StatusCode)
	}

	// Twenty failures from one address, of many accounts, throttle it.
	attacker := f.browser()
	attacker.addr = "[2001:db8::1]:4444"
	for i := range maxAddrFailures {
		if res := attacker.login("guess"+string(rune('a'+i)), "wrong password"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("address failure %d: status %d, want 401", i+1, res.StatusCode)
		}
	}
	if res := attacker.login("reader", testPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right password from an address after %d failures: status %d, want 429", maxAddrFailures, res.StatusCode)
	}
	// Refusals are not written in the audit log: a flood of them would
	// grow it without bound. The failures before them are there.
	before := len(f.audit())
	for range 3 {
		attacker.login("reader", testPassword)
	}
	if n := len(f.audit()) - before; n != 0 {
		t.Errorf("3 refused sign-ins wrote %d audit entries, want 0", n)
	}
	if e := f.lastAudit("login-failed"); e == nil || e.Address != "2001:db8::1" {
		t.Errorf("audit entry of the last failure = %+v, want login-failed from 2001:db8::1", e)
	}
}

// TestLoginThrottleAtOnce sends many wrong passwords for one account at
// once: no more than the limit are checked, however they interleave.
func TestLoginThrottleAtOnce(t *testing.T) {
	f := newAccountFixture(t, Config{})
	const n = 4 * maxUserFailures
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		b := f.browser()
		b.addr = fmt.Sprintf("198.51.100.%d:1", i+1)
		wg.Go(func() {
			res := b.login("editor", "wrong password")
			codes <- res.StatusCode
		})
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[http.StatusUnauthorized] != maxUserFailures || count[http.StatusTooManyRequests] != n-maxUserFailures {
		t.Errorf("%d wrong passwords at once: %v answers by status, want %d of 401 and the rest 429", n, count, maxUserFailures)
	}
}

func TestClientAddr(t *testing.T) {
	for _, tc := range []struct {
		trust bool
		xff   []string
		want  string
	}{
		{false, nil, "192.0.2.1"},
		{false, []string{"10.0.0.9"}, "192.0.2.1"},
		{true, nil, "192.0.2.1"},
		{true, []string{"10.0.0.9"}, "10.0.0.9"},
		{true, []string{"6.6.6.6, 10.0.0.9"}, "10.0.0.9"},
		{true, []string{"6.6.6.6", "10.0.0.9"}, "10.0.0.9"},
		{true, []string{"not an address"}, "192.0.2.1"},
	} {
		s := &Server{accounts: &accounts{trustProxy: tc.trust}}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "192.0.2.1:5555"
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientAddr(r); got != tc.want {
			t.Errorf("clientAddr(trust %v, X-Forwarded-For %q) = %q, want %q", tc.trust, tc.xff, got, tc.want)
		}
	}
}

func TestLoginNext(t *testing.T) {
	f := newAccountFixture(t, Config{})
	for _, tc := range []struct{ next, want string }{
		{"/documents/x?page=2", "/documents/x?page=2"},
		{"", "/"},
		{"//evil.example/", "/"},
		{`/\evil.example/`, "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/\t/evil.example", "/"},
	} {
		b := f.browser()
		res, _ := b.post("/login", url.Values{"name": {"reader"}, "password": {testPassword}, "next": {tc.next}})
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != tc.want {
			t.Errorf("sign in with next=%q: status %d to %q, want 303 to %q", tc.next, res.StatusCode, got, tc.want)
		}
	}
}

func TestSessionFixation(t *testing.T) {
	f := newAccountFixture(t, Config{})
	b := f.browser()
	b.mustLogin("reader")
	first := b.cookie
	b.mustLogin("editor")
	if b.cookie == first {
		t.Fatal("signing in again kept the session token")
	}
	if _, err := f.store.Session(context.Background(), sessionID(first)); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("the session signed in over is still stored: %v", err)
	}
	// A token planted by someone else signs nobody in.
	b2 := f.browser()
	b2.cookie = "planted-token-planted-token-planted-token-x"
	b2.mustLogin("reader")
	if b2.cookie == "planted-token-planted-token-planted-token-x" {
		t.Error("sign-in kept a planted token")
	}
}

func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		created time.Duration // before now
		seen    time.Duration
		live    bool
	}{
		{"fresh", 0, 0, true},
		{"idle 11h", 20 * time.Hour, 11 * time.Hour, true},
		{"idle 13h", 20 * time.Hour, 13 * time.Hour, false},
		{"29 days, in use", 29 * 24 * time.Hour, time.Minute, true},
		{"31 days, in use", 31 * 24 * time.Hour, time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAccountFixture(t, Config{})
			now := time.Now()
			token := newToken()
			sess := &fonds.Session{ID: sessionID(token), User: "editor", CSRF: newToken(), Address: "192.0.2.1",
				Created: now.Add(-tc.created), Seen: now.Add(-tc.seen)}
			if err := f.store.PutSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
			b := f.browser()
			b.cookie = token
			_, body := b.get("/about")
			if got := strings.Contains(body, "Signed in as"); got != tc.live {
				t.Errorf("signed in = %v, want %v", got, tc.live)
			}
			_, err := f.store.Session(ctx, sess.ID)
			if stored := err == nil; stored != tc.live {
				t.Errorf("session stored = %v (%v), want %v", stored, err, tc.live)
			}
		})
	}
}

func TestSessionSeen(t *testing.T) {
	f := newAccountFixture(t, Config{})
	b := f.browser()
	b.mustLogin("reader")
	ctx := context.Background()
	id := sessionID(b.cookie)
	before, err := f.store.Session(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	b.get("/about")
	if s, _ := f.store.Session(ctx, id); !s.Seen.Equal(before.Seen) {
		t.Errorf("a request within the minute moved Seen from %v to %v", before.Seen, s.Seen)
	}
	later := time.Now().Add(2 * time.Minute)
	f.server.now = func() time.Time { return later }
	b.get("/about")
	if s, _ := f.store.Session(ctx, id); !s.Seen.Equal(later.UTC().Round(0)) && !s.Seen.After(before.Seen) {
		t.Errorf("a request two minutes later left Seen at %v, want %v", s.Seen, later)
	}
}

func TestDisabledSignedOut(t *testing.T) {
	f := newAccountFixture(t, Config{})
	b := f.browser()
	b.mustLogin("editor")
	ctx := context.Background()
	u, err := f.store.User(ctx, "editor")
	if err != nil {
		t.Fatal(err)
	}
	u.Disabled = true
	if err := f.store.PutUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, body := b.get("/about"); strings.Contains(body, "Signed in as") {
		t.Error("a disabled user is still signed in")
	}
	if _, err := f.store.Session(ctx, sessionID(b.cookie)); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("the disabled user's session is still stored: %v", err)
	}
}

func TestCSRF(t *testing.T) {
	f := newAccountFixture(t, Config{})
	b := f.browser()
	b.mustLogin("admin")
	for _, tc := range []struct {
		name   string
		csrf   string
		header string
		site   string // Sec-Fetch-Site
		want   int
	}{
		{"no token", "", "", "", http.StatusForbidden},
		{"wrong token", "x" + b.csrf[1:], "", "", http.StatusForbidden},
		{"cross-site", b.csrf, "", "cross-site", http.StatusForbidden},
		{"header", "", b.csrf, "", http.StatusSeeOther},
		{"field", b.csrf, "", "same-origin", http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"title": {"Renamed " + tc.name}, "description": {"d"}}
			if tc.csrf != "" {
				form.Set("csrf", tc.csrf)
			}
			req := httptest.NewRequest("POST", "/collections/"+testSlug+"/edit", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.header != "" {
				req.Header.Set("X-CSRF-Token", tc.header)
			}
			if tc.site != "" {
				req.Header.Set("Sec-Fetch-Site", tc.site)
			}
			res := b.do(req)
			if res.StatusCode != tc.want {
				t.Errorf("status %d, want %d", res.StatusCode, tc.want)
			}
			c, err := f.store.Collection(context.Background(), testSlug)
			if err != nil {
				t.Fatal(err)
			}
			if changed := c.Title == "Renamed "+tc.name; changed != (tc.want == http.StatusSeeOther) {
				t.Errorf("title %q after a request answered %d", c.Title, res.StatusCode)
			}
		})
	}
	// The token may come first in a multipart form (an upload), read
	// without the rest.
	for _, tc := range []struct {
		token string
		want  int
	}{{"wrong", http.StatusForbidden}, {b.csrf, http.StatusSeeOther}} {
		body := "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + tc.token + "\r\n--B--\r\n"
		req := httptest.NewRequest("POST", "/logout", strings.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
		c := *b
		if res := c.do(req); res.StatusCode != tc.want {
			t.Errorf("multipart form with token %q: status %d, want %d", tc.token, res.StatusCode, tc.want)
		}
	}
}

func TestFirstFieldKeepsBody(t *testing.T) {
	body := "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--B\r\n" +
		"Content-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n" + strings.Repeat("x", 20000) + "\r\n--B--\r\n"
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "multipart/form-data; boundary=B")
	if got := firstField(r, "B", "csrf"); got != "tok" {
		t.Errorf("firstField = %q, want %q", got, "tok")
	}
	rest, _ := io.ReadAll(r.Body)
	if string(rest) != body {
		t.Errorf("the body after firstField has %d bytes, want the %d it had", len(rest), len(body))
	}
}

func TestLogout(t *testing.T) {
	f := newAccountFixture(t, Config{})
	b := f.browser()
	b.mustLogin("contributor")
	token := b.cookie
	res, _ := b.post("/logout", nil)
	if res.StatusCode != http.StatusSeeOther || b.cookie != "" {
		t.Fatalf("POST /logout: status %d, cookie %q; want 303 and the cookie removed", res.StatusCode, b.cookie)
	}
	if _, err := f.store.Session(context.Background(), sessionID(token)); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("the session is still stored after sign-out: %v", err)
	}
	b.cookie = token // a copy of the old cookie signs nobody in
	if _, body := b.get("/about"); strings.Contains(body, "Signed in as") {
		t.Error("the old cookie still signs in")
	}
	if e := f.lastAudit("logout"); e == nil || e.User != "contributor" {
		t.Errorf("audit entry of the sign-out = %+v, want one by contributor", e)
	}
	if res, _ := b.get("/logout"); res.StatusCode == http.StatusSeeOther {
		t.Error("GET /logout signs out; only POST may")
	}
}

func TestAdminRefused(t *testing.T) {
	f := newAccountFixture(t, Config{})
	browsers := map[fonds.Role]*browser{}
	for _, r := range fonds.Roles {
		browsers[r] = f.browser()
		browsers[r].mustLogin(string(r))
	}
	anon := f.browser()
	for _, tc := range []struct {
		path   string
		editor bool // editors may
	}{
		{"/admin/users", false},
		{"/admin/users/reader", false},
		{"/admin/users/nobody", false},
		{"/admin/site", false},
		{"/admin/audit", false},
		{"/admin/audit.jsonl", false},
		{"/collections/" + testSlug + "/edit", true},
		{"/admin/collections/new", true},
	} {
		res, _ := anon.get(tc.path)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("GET %s signed out: status %d to %q, want 303 to /login?next=", tc.path, res.StatusCode, loc)
		}
		for _, r := range fonds.Roles {
			may := r == fonds.RoleAdmin || tc.editor && r == fonds.RoleEditor
			want := http.StatusOK
			if !may {
				want = http.StatusNotFound
			} else if strings.HasSuffix(tc.path, "/nobody") {
				want = http.StatusNotFound
			}
			res, _ := browsers[r].get(tc.path)
			if res.StatusCode != want {
				t.Errorf("GET %s as %s: status %d, want %d", tc.path, r, res.StatusCode, want)
			}
			if cc := res.Header.Get("Cache-Control"); res.StatusCode == http.StatusOK && cc != "no-store" {
				t.Errorf("GET %s as %s: Cache-Control %q, want no-store", tc.path, r, cc)
			}
		}
		// A POST by someone without the role changes nothing, whatever
		// the form.
		b := browsers[fonds.RoleContributor]
		if res, _ := b.post(tc.path, url.Values{"name": {"intruder"}, "role": {"admin"}, "password": {testPassword}}); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST %s as contributor: status %d, want 404", tc.path, res.StatusCode)
		}
	}
	if _, err := f.store.User(context.Background(), "intruder"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("a contributor added a user: %v", err)
	}
}

func TestAdminUsers(t *testing.T) {
	f := newAccountFixture(t, Config{})
	ctx := context.Background()
	admin := f.browser()
	admin.mustLogin("admin")
	_, body := admin.get("/admin/users")
	for _, want := range []string{`href="/admin/users/editor"`, "The contributor", `action="/admin/users"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/admin/users lacks %q", want)
		}
	}
	for _, tc := range []struct {
		form url.Values
		want string // in the page answered 400
	}{
		{url.Values{"name": {"Bad Name"}, "role": {"editor"}, "password": {testPassword}}, "lower-case letters"},
		{url.Values{"name": {"editor"}, "role": {"editor"}, "password": {testPassword}}, "There is already a user &#34;editor&#34;"},
		{url.Values{"name": {"new"}, "role": {"owner"}, "password": {testPassword}}, "is not a role"},
		{url.Values{"name": {"new"}, "role": {"editor"}, "password": {"short"}}, "A password has 8 to 1024 bytes"},
		{url.Values{"name": {"new"}, "role": {"editor"}, "password": {testPassword}, "email": {"not an address"}}, "is not an e-mail address"},
	} {
		res, body := admin.post("/admin/users", tc.form)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("POST /admin/users %v: status %d, want 400 saying %q", tc.form, res.StatusCode, tc.want)
		}
	}
	res, _ := admin.post("/admin/users", url.Values{"name": {"ada"}, "full_name": {"Ada L."}, "email": {"ada@example.org"}, "role": {"contributor"}, "password": {"ada's first password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /admin/users: status %d, want 303", res.StatusCode)
	}
	if e := f.lastAudit("user"); e == nil || e.User != "admin" || e.Target != "ada" || !strings.Contains(e.Detail, "added") {
		t.Errorf("audit entry = %+v, want admin added ada", e)
	}
	ada := f.browser()
	ada.addr = "192.0.2.77:1"
	ada.mustLogin2(t, "ada", "ada's first password")

	// An admin edits her: the role, then disables her, which signs her out.
	admin.get("/admin/users/ada")
	res, _ = admin.post("/admin/users/ada", url.Values{"form": {"user"}, "full_name": {"Ada Lovelace"}, "email": {"ada@example.org"}, "role": {"editor"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /admin/users/ada: status %d, want 303", res.StatusCode)
	}
	u, err := f.store.User(ctx, "ada")
	if err != nil || u.Role != fonds.RoleEditor || u.FullName != "Ada Lovelace" {
		t.Fatalf("ada after the edit = %+v, %v; want an editor named Ada Lovelace", u, err)
	}
	if _, body := ada.get("/about"); !strings.Contains(body, `href="/review"`) {
		t.Error("a change of role does not show at once")
	}
	if e := f.lastAudit("user"); e == nil || !strings.Contains(e.Detail, `role "contributor" → "editor"`) {
		t.Errorf("audit entry = %+v, want the change of role", e)
	}
	admin.post("/admin/users/ada", url.Values{"form": {"user"}, "full_name": {"Ada Lovelace"}, "role": {"editor"}, "disabled": {"1"}})
	if _, body := ada.get("/about"); strings.Contains(body, "Signed in as") {
		t.Error("a disabled user is still signed in")
	}
	if res := ada.login("ada", "ada's first password"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled user signs in: status %d, want 401", res.StatusCode)
	}
	admin.post("/admin/users/ada", url.Values{"form": {"user"}, "role": {"editor"}})

	// A new password signs her out everywhere.
	ada2 := f.browser()
	ada2.mustLogin2(t, "ada", "ada's first password")
	res, _ = admin.post("/admin/users/ada", url.Values{"form": {"password"}, "password": {"ada's second password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset password: status %d, want 303", res.StatusCode)
	}
	if _, body := ada2.get("/about"); strings.Contains(body, "Signed in as") {
		t.Error("a new password leaves the user signed in")
	}
	if res := ada2.login("ada", "ada's first password"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password: status %d, want 401", res.StatusCode)
	}
	ada2.mustLogin2(t, "ada", "ada's second password")

	// An admin cannot lock themselves out.
	res, body = admin.post("/admin/users/admin", url.Values{"form": {"user"}, "role": {"editor"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "cannot disable yourself") {
		t.Errorf("an admin demoting themselves: status %d, want 400 saying they cannot", res.StatusCode)
	}
}

func (b *browser) mustLogin2(t *testing.T, name, pw string) {
	t.Helper()
	if res := b.login(name, pw); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d, want 303", name, res.StatusCode)
	}
}

func TestAdminSite(t *testing.T) {
	f := newAccountFixture(t, Config{})
	admin := f.browser()
	admin.mustLogin("admin")
	admin.get("/admin/site")
	res, body := admin.post("/admin/site", url.Values{"name": {"Archive"}, "url": {"ftp://x"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "is not an http or https address") {
		t.Errorf("a wrong address: status %d, want 400 saying so", res.StatusCode)
	}
	res, _ = admin.post("/admin/site", url.Values{"name": {"Bukovsky Archive"}, "url": {"https://archive.example.org/"},
		"email": {"editors@example.org"}, "about": {"First paragraph.\r\n\r\nSecond <paragraph>."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /admin/site: status %d, want 303", res.StatusCode)
	}
	if e := f.lastAudit("site"); e == nil || e.Detail != "changed name, url, email, about" {
		t.Errorf("audit entry = %+v, want every field changed", e)
	}
	anon := f.browser()
	res, body = anon.get("/about")
	for _, want := range []string{"<title>About · Bukovsky Archive</title>", "<p>First paragraph.</p>", "<p>Second &lt;paragraph&gt;.</p>", "mailto:editors@example.org"} {
		if res.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("/about: status %d, lacks %q", res.StatusCode, want)
		}
	}
}

func TestAdminAudit(t *testing.T) {
	f := newAccountFixture(t, Config{})
	ctx := context.Background()
	for i := range 250 {
		if err := f.store.Audit(ctx, &fonds.AuditEntry{User: "cli", Address: "cli", Action: "test", Target: "t" + string(rune('a'+i%26))}); err != nil {
			t.Fatal(err)
		}
	}
	admin := f.browser()
	admin.mustLogin("admin") // entry 251
	last, err := f.server.lastAuditSeq(ctx)
	if err != nil || last != 251 {
		t.Fatalf("lastAuditSeq = %d, %v; want 251", last, err)
	}
	_, body := admin.get("/admin/audit")
	if !strings.Contains(body, "Entries 152 to 251, newest first.") || !strings.Contains(body, "/admin/audit?after=51") {
		t.Errorf("/admin/audit does not show the latest 100 entries with a link to older ones")
	}
	if i, j := strings.Index(body, "<td>251</td>"), strings.Index(body, "<td>250</td>"); i < 0 || j < i {
		t.Error("/admin/audit does not list the newest first")
	}
	_, body = admin.get("/admin/audit?after=51")
	if !strings.Contains(body, "Entries 52 to 151") || !strings.Contains(body, "/admin/audit?after=151") {
		t.Error("/admin/audit?after=51 does not show entries 52 to 151 with a link to newer ones")
	}
	if res, _ := admin.get("/admin/audit?after=x"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("/admin/audit?after=x: status %d, want 400", res.StatusCode)
	}
	res := admin.do(httptest.NewRequest("GET", "/admin/audit.jsonl", nil))
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/jsonl") {
		t.Errorf("Content-Type %q, want application/jsonl", ct)
	}
	sc := bufio.NewScanner(res.Body)
	n := 0
	for sc.Scan() {
		var e fonds.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
		if e.Seq != int64(n) {
			t.Fatalf("line %d has entry %d", n, e.Seq)
		}
	}
	if n != 251 {
		t.Errorf("the export has %d entries, want 251", n)
	}
}

func TestCollections(t *testing.T) {
	f := newAccountFixture(t, Config{})
	ctx := context.Background()
	editor := f.browser()
	editor.mustLogin("editor")
	_, body := editor.get("/collections/" + testSlug + "/edit")
	if !strings.Contains(body, `value="Test collection"`) {
		t.Error("the collection's form does not hold its title")
	}
	if res, _ := editor.get("/collections/nowhere/edit"); res.StatusCode != http.StatusNotFound {
		t.Errorf("the form of a collection that does not exist: status %d, want 404", res.StatusCode)
	}
	res, _ := editor.post("/collections/"+testSlug+"/edit", url.Values{"title": {""}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("an empty title: status %d, want 400", res.StatusCode)
	}
	res, _ = editor.post("/collections/"+testSlug+"/edit", url.Values{"title": {"Tests"}, "description": {"Made\r\nfor tests."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST edit: status %d, want 303", res.StatusCode)
	}
	c, err := f.store.Collection(ctx, testSlug)
	if err != nil || c.Title != "Tests" || c.Description != "Made\nfor tests." {
		t.Errorf("the collection after the edit = %+v, %v", c, err)
	}
	if e := f.lastAudit("collection"); e == nil || e.User != "editor" || e.Target != testSlug || !strings.Contains(e.Detail, `title "Test collection" → "Tests"`) {
		t.Errorf("audit entry = %+v", e)
	}

	res, _ = editor.post("/admin/collections/new", url.Values{"title": {"Bukovsky Archive"}, "description": {"Documents."}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/collections/bukovsky-archive/edit" {
		t.Fatalf("POST new: status %d to %q, want 303 to /collections/bukovsky-archive/edit", res.StatusCode, res.Header.Get("Location"))
	}
	if c, err := f.store.Collection(ctx, "bukovsky-archive"); err != nil || c.Title != "Bukovsky Archive" {
		t.Errorf("the new collection = %+v, %v", c, err)
	}
	res, body = editor.post("/admin/collections/new", url.Values{"title": {"Bukovsky  archive!"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "There is already a collection at /collections/bukovsky-archive") {
		t.Errorf("a second collection of the same slug: status %d, want 400 saying it exists", res.StatusCode)
	}
	res, _ = editor.post("/admin/collections/new", url.Values{"title": {"!!!"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("a title without a letter: status %d, want 400", res.StatusCode)
	}
}
