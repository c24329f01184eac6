package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fonds"
	"fonds/password"
)

// The session cookie and its defaults.
const (
	sessionCookie      = "fonds_session"
	defaultSessionIdle = 12 * time.Hour
	defaultSessionMax  = 30 * 24 * time.Hour
	// seenEvery is how often a session's last request is written: the idle
	// expiry needs no finer time, and a page of many requests writes once.
	seenEvery = time.Minute
)

// The throttle of sign-ins: past these failures in the window, an account
// or an address is refused until the oldest failures age out of it.
const (
	throttleWindow  = 15 * time.Minute
	maxUserFailures = 5
	maxAddrFailures = 20
)

// maxFormBytes bounds a form that authenticate reads to find its CSRF
// token, but on the pages that edit a document's text (formLimit).
const maxFormBytes = 256 << 10

// formLimit returns the most a form sent with the request may take: a
// document's whole text, escaped, on the pages that edit one, for those
// who may edit; maxFormBytes anywhere else, or for anyone else. The form is
// read before the handler runs (it holds the CSRF token), so this is the
// bound of what a form costs.
func formLimit(r *http.Request) int64 {
	p := r.URL.Path
	if roleOf(r).CanEdit() && (p == "/edit/new" || strings.HasPrefix(p, "/documents/") && strings.HasSuffix(p, "/edit")) {
		return 3*maxEditText + maxFormBytes
	}
	return maxFormBytes
}

// maxCSRFPrefix bounds what authenticate reads of a multipart form to find
// its CSRF token, which must be its first field.
const maxCSRFPrefix = 8 << 10

// accounts holds what signing in and sessions need.
type accounts struct {
	idle, max  time.Duration
	trustProxy bool
	cop        *http.CrossOriginProtection
	throttle   keyLocks
}

// keyLocks serializes the sign-ins of one account, or from one address:
// a key is held through one mutex of a fixed set, picked by its hash, so
// the set costs the same however many keys there are.
type keyLocks [64]sync.Mutex

// lock holds the mutexes of the keys, in a fixed order (two sign-ins
// holding one each and waiting for the other's would never end), and
// returns what releases them.
func (l *keyLocks) lock(keys ...string) (unlock func()) {
	var held []int
	for _, k := range keys {
		h := fnv.New32a()
		h.Write([]byte(k))
		held = append(held, int(h.Sum32()%uint32(len(l))))
	}
	slices.Sort(held)
	held = slices.Compact(held)
	for _, i := range held {
		l[i].Lock()
	}
	return func() {
		for _, i := range held {
			l[i].Unlock()
		}
	}
}

// dummyHash is a hash verified when the name given to sign in is nobody's,
// so that a wrong name takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := password.Hash(newToken())
	if err != nil {
		panic(err) // a token is always a valid password
	}
	return h
})

func newAccounts(cfg Config) *accounts {
	a := &accounts{idle: cfg.SessionIdle, max: cfg.SessionMax, trustProxy: cfg.TrustProxy, cop: http.NewCrossOriginProtection()}
	if a.idle <= 0 {
		a.idle = defaultSessionIdle
	}
	if a.max <= 0 {
		a.max = defaultSessionMax
	}
	return a
}

// newToken returns 32 random bytes in base64url without padding.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionID returns what the store keeps of a session's token: its hex
// SHA-256.
func sessionID(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// unsafeMethod reports whether a request with the method may change
// something.
func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// authenticate returns r carrying who makes it, read from its session
// cookie, and false when it has answered the request itself: a request
// that may change something, made from another site or without its
// session's CSRF token, is refused with 403.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	r = s.withSession(w, r)
	if !unsafeMethod(r.Method) {
		return r, true
	}
	if err := s.accounts.cop.Check(r); err != nil {
		s.log.Debug("cross-origin request refused", "method", r.Method, "path", r.URL.Path, "err", err)
		http.Error(w, "A request from another site cannot change anything here.", http.StatusForbidden)
		return r, false
	}
	v := viewerOf(r)
	if v == nil {
		return r, true
	}
	if !s.csrfValid(w, r, v.session.CSRF) {
		http.Error(w, "This form has expired or did not come from this site: go back, reload the page and try again.", http.StatusForbidden)
		return r, false
	}
	return r, true
}

// withSession returns r carrying the viewer its session cookie names, if
// the session is live and its user enabled. An expired session, or one of a
// disabled user, is deleted. A read-only site has no sessions: every
// request is the public's.
func (s *Server) withSession(w http.ResponseWriter, r *http.Request) *http.Request {
	if s.writes == nil {
		return r
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return r
	}
	ctx := r.Context()
	id := sessionID(c.Value)
	sess, err := s.writes.Session(ctx, id)
	if err != nil {
		if !errors.Is(err, fonds.ErrNotFound) {
			s.log.Error("reading a session", "err", err)
		}
		return r
	}
	now := s.now()
	if now.Sub(sess.Seen) > s.accounts.idle || now.Sub(sess.Created) > s.accounts.max {
		s.deleteSessions(ctx, id, "")
		return r
	}
	u, err := s.writes.User(ctx, sess.User)
	if err != nil || u.Disabled {
		if err != nil && !errors.Is(err, fonds.ErrNotFound) {
			s.log.Error("reading the user of a session", "user", sess.User, "err", err)
			return r
		}
		s.deleteSessions(ctx, "", sess.User)
		return r
	}
	if now.Sub(sess.Seen) >= seenEvery {
		sess.Seen = now
		if err := s.writes.TouchSession(ctx, id, now); errors.Is(err, fonds.ErrNotFound) {
			return r // signed out by another request meanwhile
		} else if err != nil {
			s.log.Warn("noting a session's last request", "err", err)
		}
	}
	return withViewer(r, &viewer{user: u, session: sess})
}

// deleteSessions deletes the session with the id, or every session of the
// user, and logs a failure: signing out goes on regardless.
func (s *Server) deleteSessions(ctx context.Context, id, user string) {
	if err := s.writes.DeleteSessions(ctx, id, user, time.Time{}); err != nil {
		s.log.Error("deleting sessions", "user", user, "err", err)
	}
}

// csrfValid reports whether the request carries the session's CSRF token:
// in the X-CSRF-Token header (the API), in the field csrf of a form, or in
// the first field of a multipart form (an upload), which is read without
// reading the files after it.
func (s *Server) csrfValid(w http.ResponseWriter, r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch mt {
		case "application/x-www-form-urlencoded":
			r.Body = http.MaxBytesReader(w, r.Body, formLimit(r))
			if err := r.ParseForm(); err != nil {
				s.log.Debug("reading a form", "err", err)
				return false
			}
			got = r.PostForm.Get("csrf")
		case "multipart/form-data":
			got = firstField(r, params["boundary"], "csrf")
		}
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// firstField returns the value of the multipart form's first field if it
// is the one named, reading at most maxCSRFPrefix bytes of the body and
// putting them back for the handler.
func firstField(r *http.Request, boundary, name string) string {
	if boundary == "" {
		return ""
	}
	prefix := make([]byte, maxCSRFPrefix)
	n, err := io.ReadFull(r.Body, prefix)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return ""
	}
	prefix = prefix[:n]
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(prefix), r.Body), r.Body}
	p, err := multipart.NewReader(bytes.NewReader(prefix), boundary).NextPart()
	if err != nil || p.FormName() != name || p.FileName() != "" {
		return ""
	}
	v, err := io.ReadAll(io.LimitReader(p, 256))
	if err != nil {
		return ""
	}
	return string(v)
}

// clientAddr returns the address of who makes the request: the host of
// the connection's remote address, or, behind a trusted proxy, the last
// address of X-Forwarded-For (the one the proxy saw: those before it are
// the client's to write).
func (s *Server) clientAddr(r *http.Request) string {
	if s.accounts.trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip := net.ParseIP(strings.TrimSpace(last)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// secure reports whether the session cookie must be sent over TLS only:
// the site's address is https, or the request came over TLS (or, behind a
// trusted proxy, the proxy says it did).
func (s *Server) secure(r *http.Request) bool {
	if strings.HasPrefix(s.baseURL, "https:") || r.TLS != nil {
		return true
	}
	return s.accounts.trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// csrfOf returns the CSRF token of the request's session, "" when nobody is
// signed in.
func csrfOf(r *http.Request) string {
	if v := viewerOf(r); v != nil && v.session != nil {
		return v.session.CSRF
	}
	return ""
}

// pageViewer is who is signed in, as the header shows them.
type pageViewer struct {
	Name, FullName string
	Role           fonds.Role
	CanEdit        bool // contributors, editors, admins: "Work"
	CanPublish     bool // editors, admins: "Review", "New document"
	Admin          bool
}

func newPageViewer(r *http.Request) *pageViewer {
	v := viewerOf(r)
	if v == nil || v.user == nil || v.user.Disabled {
		return nil
	}
	u := v.user
	return &pageViewer{Name: u.Name, FullName: u.FullName, Role: u.Role,
		CanEdit: u.Role.CanEdit(), CanPublish: u.Role.CanPublish(), Admin: u.Role == fonds.RoleAdmin}
}

// audit writes an entry of the audit log for the request: who, from where.
// A failure is logged: what it records is done.
func (s *Server) audit(r *http.Request, action, target, detail string) {
	e := &fonds.AuditEntry{Address: s.clientAddr(r), Action: action, Target: target, Detail: detail}
	if v := viewerOf(r); v != nil && v.user != nil {
		e.User = v.user.Name
	}
	if err := s.writes.Audit(r.Context(), e); err != nil {
		s.log.Error("writing the audit log", "action", action, "target", target, "err", err)
	}
}

// localPath returns next if it is a path of this site, "/" otherwise: a
// sign-in never sends anyone to another site.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n\t\\") || len(next) > maxPathLen {
		return "/"
	}
	return next
}

// loginPage is the data of the sign-in page.
type loginPage struct {
	Name  string
	Next  string
	Error string
}

// accountRoutes registers sign-in, sign-out and the admins' pages.
func (s *Server) accountRoutes() {
	s.handle("GET /login", s.html(s.loginForm))
	s.handle("POST /login", s.html(s.login))
	s.handle("POST /logout", s.html(s.logout))
	s.adminRoutes()
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	p := s.newPage(r, "Sign in", loginPage{Next: localPath(r.URL.Query().Get("next"))})
	p.NoIndex = true
	return s.renderStatus(w, http.StatusOK, "login", p)
}

// login signs in: it checks the throttle, then the password, and makes a
// new session. A wrong name and a wrong password get the same answer in the
// same time.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return badRequest("The sign-in form could not be read.")
	}
	name := strings.ToLower(strings.TrimSpace(r.PostForm.Get("name")))
	pw := r.PostForm.Get("password")
	next := localPath(r.PostForm.Get("next"))
	form := loginPage{Name: name, Next: next}
	if !fonds.ValidUserName(name) {
		// Nobody's name: kept short and printable in the throttle's key
		// and the audit log.
		if len(name) > 64 {
			name = strings.ToValidUTF8(name[:64], "")
		}
		name = strconv.Quote(name)
	}
	ctx := r.Context()
	addr := s.clientAddr(r)
	userKey, addrKey := "user:"+name, "addr:"+addr
	// The throttle is checked, the password verified and a failure
	// recorded with the account and the address held, so that sign-ins
	// sent at once cannot all pass the check before any failure is
	// recorded: on one server, no more than the limit ever get through.
	unlock := s.accounts.throttle.lock(userKey, addrKey)
	defer unlock()
	since := s.now().Add(-throttleWindow)
	for _, k := range []struct {
		key   string
		limit int
	}{{userKey, maxUserFailures}, {addrKey, maxAddrFailures}} {
		n, err := s.writes.LoginFailures(ctx, since, false, k.key)
		if err != nil {
			return err
		}
		if n >= k.limit {
			// Refused without a password check, and without a line in
			// the audit log (the first failures are there): a flood of
			// refused sign-ins costs neither time nor space.
			s.log.Info("sign-in throttled", "user", name, "address", addr, "key", k.key)
			form.Error = fmt.Sprintf("Too many failed sign-ins; try again in %d minutes.", int(throttleWindow/time.Minute))
			p := s.newPage(r, "Sign in", form)
			p.NoIndex = true
			return s.renderStatus(w, http.StatusTooManyRequests, "login", p)
		}
	}

	u, err := s.writes.User(ctx, name)
	if err != nil && !errors.Is(err, fonds.ErrNotFound) {
		return err
	}
	ok, why := false, "no such user"
	if u != nil {
		ok, err = password.Verify(u.PasswordHash, pw)
		switch {
		case err != nil && !errors.Is(err, password.ErrInvalid):
			s.log.Error("checking a password", "user", name, "err", err)
			why = "unreadable password hash"
		case !ok:
			why = "wrong password"
		case u.Disabled:
			ok, why = false, "disabled"
		}
	} else {
		password.Verify(dummyHash(), pw)
	}
	if !ok {
		if _, err := s.writes.LoginFailures(ctx, since, true, userKey, addrKey); err != nil {
			return err
		}
		s.audit(r, "login-failed", name, why)
		form.Error = "The name or the password is wrong."
		p := s.newPage(r, "Sign in", form)
		p.NoIndex = true
		return s.renderStatus(w, http.StatusUnauthorized, "login", p)
	}

	// A new session, never the one the request came with: a token planted
	// before sign-in (session fixation) signs nobody in.
	if v := viewerOf(r); v != nil {
		s.deleteSessions(ctx, v.session.ID, "")
	}
	now := s.now()
	if err := s.writes.DeleteSessions(ctx, "", "", now.Add(-s.accounts.idle)); err != nil {
		s.log.Warn("deleting idle sessions", "err", err)
	}
	token := newToken()
	sess := &fonds.Session{ID: sessionID(token), User: u.Name, CSRF: newToken(), Address: addr, Created: now, Seen: now}
	if err := s.writes.PutSession(ctx, sess); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
		// The cookie outlives the browser's session as long as the
		// session may; the store decides when it ends.
		MaxAge: int(s.accounts.max / time.Second),
	})
	r = withViewer(r, &viewer{user: u, session: sess})
	s.audit(r, "login", u.Name, "")
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// logout deletes the session and its cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if v := viewerOf(r); v != nil {
		s.deleteSessions(r.Context(), v.session.ID, "")
		s.audit(r, "logout", v.user.Name, "")
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
