package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fonds"
	"fonds/password"
)

// Bounds of the admins' forms.
const (
	maxAdminForm    = 128 << 10 // the site's about text is the longest field
	maxFullName     = 200       // characters
	maxEmail        = 254       // bytes
	maxTitle        = 200       // characters
	maxDescription  = 64 << 10  // bytes
	auditPage       = 100       // entries on a page of the audit log
	auditExportPage = 1000      // entries read at once for the export
)

func (s *Server) adminRoutes() {
	admin := func(r fonds.Role) bool { return r == fonds.RoleAdmin }
	editor := fonds.Role.CanPublish
	s.handle("GET /admin/users", s.restricted(admin, s.adminUsers))
	s.handle("POST /admin/users", s.restricted(admin, s.adminAddUser))
	s.handle("GET /admin/users/{name}", s.restricted(admin, s.adminUser))
	s.handle("POST /admin/users/{name}", s.restricted(admin, s.adminEditUser))
	s.handle("GET /admin/site", s.restricted(admin, s.adminSite))
	s.handle("POST /admin/site", s.restricted(admin, s.adminEditSite))
	s.handle("GET /admin/audit", s.restricted(admin, s.adminAudit))
	s.handle("GET /admin/audit.jsonl", s.restricted(admin, s.adminAuditExport))
	s.handle("GET /collections/{slug}/edit", s.restricted(editor, s.collectionForm))
	s.handle("POST /collections/{slug}/edit", s.restricted(editor, s.collectionEdit))
	s.handle("GET /admin/collections/new", s.restricted(editor, s.collectionForm))
	s.handle("POST /admin/collections/new", s.restricted(editor, s.collectionNew))
}

// restricted adapts a handler of pages for some roles only. Someone signed
// out is sent to sign in (whether or not what they asked for exists, so
// that the answer tells nothing); someone signed in without the role is
// told there is nothing here, 404. The answers are never stored by a cache.
func (s *Server) restricted(may func(fonds.Role) bool, h handlerFunc) http.Handler {
	return s.html(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "no-store")
		if viewerOf(r) == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		if !may(roleOf(r)) {
			return notFound("There is no page at this address.")
		}
		return h(w, r)
	})
}

// readForm reads a form of at most max bytes.
func readForm(w http.ResponseWriter, r *http.Request, max int64) error {
	if r.PostForm == nil {
		r.Body = http.MaxBytesReader(w, r.Body, max)
	}
	if err := r.ParseForm(); err != nil {
		return badRequest("The form could not be read: %s", formError(err))
	}
	return nil
}

func formError(err error) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Sprintf("it is longer than %d KB", mbe.Limit>>10)
	}
	return "it is not a form"
}

// checkLine returns an error naming the field when s is longer than max
// characters or is not one line of text.
func checkLine(field, s string, max int) error {
	if utf8.RuneCountInString(s) > max || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("%s must be one line of at most %d characters", field, max)
	}
	return nil
}

// checkEmail returns an error unless s is empty or an e-mail address.
func checkEmail(s string) error {
	if s == "" {
		return nil
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || len(s) > maxEmail {
		return fmt.Errorf("%q is not an e-mail address", s)
	}
	return nil
}

// usersPage is the data of the list of users and of the form that adds one.
type usersPage struct {
	Users []*fonds.User
	Roles []fonds.Role
	Form  userForm
	Error string
}

// userForm is what an admin typed about a user.
type userForm struct {
	Name, FullName, Email string
	Role                  fonds.Role
	Disabled              bool
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, userForm{Role: fonds.RoleContributor}, "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, f userForm, msg string) error {
	users, err := s.writes.Users(r.Context())
	if err != nil {
		return err
	}
	p := s.newPage(r, "Users", usersPage{Users: users, Roles: fonds.Roles, Form: f, Error: msg})
	p.NoIndex = true
	return s.renderStatus(w, status, "admin_users", p)
}

// adminAddUser adds a user with an initial password.
func (s *Server) adminAddUser(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, maxAdminForm); err != nil {
		return err
	}
	f := userForm{
		Name:     strings.ToLower(strings.TrimSpace(r.PostForm.Get("name"))),
		FullName: strings.TrimSpace(r.PostForm.Get("full_name")),
		Email:    strings.TrimSpace(r.PostForm.Get("email")),
		Role:     fonds.Role(r.PostForm.Get("role")),
	}
	pw := r.PostForm.Get("password")
	ctx := r.Context()
	fail := func(msg string) error { return s.renderUsers(w, r, http.StatusBadRequest, f, msg) }
	if !fonds.ValidUserName(f.Name) {
		return fail("A name is 1 to 64 lower-case letters, digits, '.', '_' or '-'.")
	}
	if err := s.checkUserFields(f); err != nil {
		return fail(err.Error())
	}
	if err := password.Check(pw); err != nil {
		return fail(fmt.Sprintf("A password has %d to %d bytes.", password.MinLen, password.MaxLen))
	}
	switch _, err := s.writes.User(ctx, f.Name); {
	case err == nil:
		return fail(fmt.Sprintf("There is already a user %q.", f.Name))
	case !errors.Is(err, fonds.ErrNotFound):
		return err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	u := &fonds.User{Name: f.Name, FullName: f.FullName, Email: f.Email, Role: f.Role, PasswordHash: hash}
	if err := s.writes.PutUser(ctx, u); err != nil {
		return err
	}
	s.audit(r, "user", u.Name, "added, role "+string(u.Role))
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

// checkUserFields returns an error saying what is wrong with the full name,
// the e-mail address or the role.
func (s *Server) checkUserFields(f userForm) error {
	if err := checkLine("A full name", f.FullName, maxFullName); err != nil {
		return err
	}
	if err := checkEmail(f.Email); err != nil {
		return err
	}
	if !slices.Contains(fonds.Roles, f.Role) {
		return fmt.Errorf("%q is not a role: a role is reader, contributor, editor or admin", f.Role)
	}
	return nil
}

// userPage is the data of the page that edits a user.
type userPage struct {
	User    *fonds.User
	Form    userForm
	Roles   []fonds.Role
	Self    bool // the admin is editing themselves
	Error   string
	Message string
}

func (s *Server) adminUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.writes.User(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return s.renderUser(w, r, http.StatusOK, u, formOf(u), "", r.URL.Query().Get("done"))
}

func formOf(u *fonds.User) userForm {
	return userForm{Name: u.Name, FullName: u.FullName, Email: u.Email, Role: u.Role, Disabled: u.Disabled}
}

// The messages of the page that edits a user after a change, by the done
// parameter of the address it is sent back to.
var userDone = map[string]string{
	"saved":    "Saved.",
	"password": "The password is changed; the user is signed out everywhere.",
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, u *fonds.User, f userForm, msg, done string) error {
	p := s.newPage(r, "User "+u.Name, userPage{User: u, Form: f, Roles: fonds.Roles,
		Self: u.Name == viewerOf(r).user.Name, Error: msg, Message: userDone[done]})
	p.NoIndex = true
	return s.renderStatus(w, status, "admin_user", p)
}

// adminEditUser changes a user's full name, e-mail address, role and
// whether they are disabled (the form "user"), or their password (the form
// "password"). Disabling a user or changing their password signs them out
// everywhere. An admin cannot disable themselves nor give up their own
// role, so that an archive always keeps an admin who can sign in.
func (s *Server) adminEditUser(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, maxAdminForm); err != nil {
		return err
	}
	ctx := r.Context()
	u, err := s.writes.User(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	self := u.Name == viewerOf(r).user.Name
	if r.PostForm.Get("form") == "password" {
		pw := r.PostForm.Get("password")
		if err := password.Check(pw); err != nil {
			msg := fmt.Sprintf("A password has %d to %d bytes.", password.MinLen, password.MaxLen)
			return s.renderUser(w, r, http.StatusBadRequest, u, formOf(u), msg, "")
		}
		if u.PasswordHash, err = password.Hash(pw); err != nil {
			return err
		}
		if err := s.writes.PutUser(ctx, u); err != nil {
			return err
		}
		s.deleteSessions(ctx, "", u.Name)
		s.audit(r, "user", u.Name, "password changed")
		http.Redirect(w, r, "/admin/users/"+url.PathEscape(u.Name)+"?done=password", http.StatusSeeOther)
		return nil
	}

	f := userForm{
		Name:     u.Name,
		FullName: strings.TrimSpace(r.PostForm.Get("full_name")),
		Email:    strings.TrimSpace(r.PostForm.Get("email")),
		Role:     fonds.Role(r.PostForm.Get("role")),
		Disabled: r.PostForm.Get("disabled") != "",
	}
	if err := s.checkUserFields(f); err != nil {
		return s.renderUser(w, r, http.StatusBadRequest, u, f, err.Error(), "")
	}
	if self && (f.Disabled || f.Role != fonds.RoleAdmin) {
		return s.renderUser(w, r, http.StatusBadRequest, u, f, "You cannot disable yourself nor give up your own admin role: another admin can.", "")
	}
	var changed []string
	note := func(what, from, to string) {
		if from != to {
			changed = append(changed, fmt.Sprintf("%s %q → %q", what, from, to))
		}
	}
	note("full name", u.FullName, f.FullName)
	note("email", u.Email, f.Email)
	note("role", string(u.Role), string(f.Role))
	note("disabled", strconv.FormatBool(u.Disabled), strconv.FormatBool(f.Disabled))
	if len(changed) > 0 {
		u.FullName, u.Email, u.Role, u.Disabled = f.FullName, f.Email, f.Role, f.Disabled
		if err := s.writes.PutUser(ctx, u); err != nil {
			return err
		}
		if u.Disabled {
			s.deleteSessions(ctx, "", u.Name)
		}
		s.audit(r, "user", u.Name, strings.Join(changed, "; "))
	}
	http.Redirect(w, r, "/admin/users/"+url.PathEscape(u.Name)+"?done=saved", http.StatusSeeOther)
	return nil
}

// sitePage is the data of the form of the site's settings.
type sitePage struct {
	Site    fonds.Site
	Error   string
	Message string
}

func (s *Server) adminSite(w http.ResponseWriter, r *http.Request) error {
	st, err := fonds.ReadSite(r.Context(), s.store)
	if err != nil {
		return err
	}
	msg := ""
	if r.URL.Query().Get("done") == "saved" {
		msg = "Saved."
	}
	return s.renderSite(w, r, http.StatusOK, sitePage{Site: st, Message: msg})
}

func (s *Server) renderSite(w http.ResponseWriter, r *http.Request, status int, d sitePage) error {
	p := s.newPage(r, "Site", d)
	p.NoIndex = true
	return s.renderStatus(w, status, "admin_site", p)
}

func (s *Server) adminEditSite(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, maxAdminForm); err != nil {
		return err
	}
	ctx := r.Context()
	old, err := fonds.ReadSite(ctx, s.store)
	if err != nil {
		return err
	}
	st := fonds.Site{
		Name:  r.PostForm.Get("name"),
		URL:   r.PostForm.Get("url"),
		Email: r.PostForm.Get("email"),
		About: strings.ReplaceAll(r.PostForm.Get("about"), "\r\n", "\n"),
	}
	if err := fonds.WriteSite(ctx, s.writes, st); err != nil {
		if errors.Is(err, fonds.ErrInvalid) {
			// WriteSite checks before it writes: nothing is written.
			msg := strings.TrimPrefix(err.Error(), fonds.ErrInvalid.Error()+": ")
			return s.renderSite(w, r, http.StatusBadRequest, sitePage{Site: st, Error: msg})
		}
		return err
	}
	st.Check() // as WriteSite stored it
	var changed []string
	for _, f := range []struct{ name, from, to string }{
		{"name", old.Name, st.Name}, {"url", old.URL, st.URL}, {"email", old.Email, st.Email}, {"about", old.About, st.About},
	} {
		if f.from != f.to {
			changed = append(changed, f.name)
		}
	}
	if len(changed) > 0 {
		s.audit(r, "site", "site", "changed "+strings.Join(changed, ", "))
	}
	// Read the settings again at the next page, not a second later.
	s.siteSettings.Forget()
	http.Redirect(w, r, "/admin/site?done=saved", http.StatusSeeOther)
	return nil
}

// auditListPage is the data of a page of the audit log, newest first.
type auditListPage struct {
	Entries     []fonds.AuditEntry
	Older       string // the address of the page before, "" for none
	Newer       string
	Description string
}

// adminAudit shows a page of the audit log: the latest entries, or those
// after the sequence number after=SEQ, newest first.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var after int64
	if a := r.URL.Query().Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			return badRequest("after must be the sequence number of an entry of the audit log.")
		}
		after = n
	} else {
		last, err := s.lastAuditSeq(ctx)
		if err != nil {
			return err
		}
		after = max(0, last-auditPage)
	}
	es, err := s.writes.AuditEntries(ctx, after, auditPage)
	if err != nil {
		return err
	}
	d := auditListPage{}
	if len(es) > 0 {
		first, last := es[0].Seq, es[len(es)-1].Seq
		if first > 1 {
			d.Older = fmt.Sprintf("/admin/audit?after=%d", max(0, first-1-auditPage))
		}
		if more, err := s.writes.AuditEntries(ctx, last, 1); err != nil {
			return err
		} else if len(more) > 0 {
			d.Newer = fmt.Sprintf("/admin/audit?after=%d", last)
		}
		d.Description = fmt.Sprintf("Entries %d to %d, newest first.", first, last)
	}
	slices.Reverse(es)
	d.Entries = es
	p := s.newPage(r, "Audit log", d)
	p.NoIndex = true
	return s.renderStatus(w, http.StatusOK, "admin_audit", p)
}

// lastAuditSeq returns the sequence number of the latest entry of the audit
// log, 0 when it is empty. The log is read by sequence numbers after one
// given: the last is found by doubling, then halving, the number asked
// about, in O(log n) reads of one entry each.
func (s *Server) lastAuditSeq(ctx context.Context) (int64, error) {
	after := func(n int64) (bool, error) {
		es, err := s.writes.AuditEntries(ctx, n, 1)
		return len(es) > 0, err
	}
	// Some entry is after lo; none is after hi.
	lo, hi := int64(0), int64(1)
	for {
		more, err := after(hi)
		if err != nil {
			return 0, err
		}
		if !more {
			break
		}
		lo, hi = hi, hi*2
	}
	if more, err := after(0); err != nil || !more {
		return 0, err
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		more, err := after(mid)
		if err != nil {
			return 0, err
		}
		if more {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, nil
}

// adminAuditExport writes the whole audit log as JSON lines, oldest first,
// read from the store a page at a time.
func (s *Server) adminAuditExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	es, err := s.writes.AuditEntries(ctx, 0, auditExportPage)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.jsonl"`)
	enc := json.NewEncoder(w)
	rc := http.NewResponseController(w)
	for len(es) > 0 {
		for i := range es {
			if err := enc.Encode(&es[i]); err != nil {
				return nil // the client went away; the status is sent
			}
		}
		rc.Flush()
		if es, err = s.writes.AuditEntries(ctx, es[len(es)-1].Seq, auditExportPage); err != nil {
			// Too late for an error page: the log says what failed, and the
			// client sees an export cut short.
			s.log.Error("exporting the audit log", "err", err)
			return nil
		}
	}
	return nil
}

// aboutPage is the data of the page about the archive.
type aboutPage struct {
	Name       string
	Paragraphs []string
	Email      string
}

// about shows what the site's settings say about the archive.
func (s *Server) about(w http.ResponseWriter, r *http.Request) error {
	st := s.site(r.Context())
	d := aboutPage{Name: st.Name, Email: st.Email}
	for p := range strings.SplitSeq(strings.ReplaceAll(st.About, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			d.Paragraphs = append(d.Paragraphs, p)
		}
	}
	return s.render(w, "about", s.newPage(r, "About", d))
}

// collectionPage is the data of the form that creates or edits a
// collection.
type collectionPage struct {
	New         bool
	Slug        string
	Title       string
	Description string
	Error       string
}

// collectionForm shows the form of a collection: the one in the address,
// or a new one.
func (s *Server) collectionForm(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if slug == "" {
		return s.renderCollection(w, r, http.StatusOK, collectionPage{New: true}, "")
	}
	c, err := s.store.Collection(r.Context(), slug)
	if err != nil {
		return err
	}
	return s.renderCollection(w, r, http.StatusOK, collectionPage{Slug: c.Slug, Title: c.Title, Description: c.Description}, "")
}

func (s *Server) renderCollection(w http.ResponseWriter, r *http.Request, status int, d collectionPage, msg string) error {
	d.Error = msg
	title := "New collection"
	if !d.New {
		title = "Edit collection " + d.Slug
	}
	p := s.newPage(r, title, d)
	p.NoIndex = true
	return s.renderStatus(w, status, "collection_edit", p)
}

// readCollection reads the form of a collection, and returns what is wrong
// with it.
func readCollection(r *http.Request) (collectionPage, string) {
	d := collectionPage{
		Title:       strings.TrimSpace(r.PostForm.Get("title")),
		Description: strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get("description"), "\r\n", "\n")),
	}
	switch {
	case d.Title == "":
		return d, "A collection needs a title."
	case checkLine("A title", d.Title, maxTitle) != nil:
		return d, checkLine("A title", d.Title, maxTitle).Error() + "."
	case len(d.Description) > maxDescription || !utf8.ValidString(d.Description):
		return d, fmt.Sprintf("A description is text of at most %d KB.", maxDescription>>10)
	}
	return d, ""
}

func (s *Server) collectionEdit(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, maxAdminForm); err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.store.Collection(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	d, msg := readCollection(r)
	d.Slug = c.Slug
	if msg != "" {
		return s.renderCollection(w, r, http.StatusBadRequest, d, msg)
	}
	var changed []string
	if c.Title != d.Title {
		changed = append(changed, fmt.Sprintf("title %q → %q", c.Title, d.Title))
	}
	if c.Description != d.Description {
		changed = append(changed, "description")
	}
	if len(changed) > 0 {
		if err := s.writes.PutCollection(ctx, fonds.Collection{Slug: c.Slug, Title: d.Title, Description: d.Description}); err != nil {
			return err
		}
		s.audit(r, "collection", c.Slug, strings.Join(changed, "; "))
	}
	http.Redirect(w, r, "/collections/"+url.PathEscape(c.Slug), http.StatusSeeOther)
	return nil
}

// collectionNew creates a collection whose address is the slug of its
// title.
func (s *Server) collectionNew(w http.ResponseWriter, r *http.Request) error {
	if err := readForm(w, r, maxAdminForm); err != nil {
		return err
	}
	ctx := r.Context()
	d, msg := readCollection(r)
	d.New = true
	if msg != "" {
		return s.renderCollection(w, r, http.StatusBadRequest, d, msg)
	}
	slug := fonds.CollectionSlug(d.Title)
	if slug == "" {
		return s.renderCollection(w, r, http.StatusBadRequest, d, "A title needs a letter or a digit, for the collection's address.")
	}
	switch _, err := s.store.Collection(ctx, slug); {
	case err == nil:
		return s.renderCollection(w, r, http.StatusBadRequest, d, fmt.Sprintf("There is already a collection at /collections/%s.", slug))
	case !errors.Is(err, fonds.ErrNotFound):
		return err
	}
	if err := s.writes.PutCollection(ctx, fonds.Collection{Slug: slug, Title: d.Title, Description: d.Description}); err != nil {
		return err
	}
	s.audit(r, "collection", slug, fmt.Sprintf("created, title %q", d.Title))
	// Its own page shows it once it holds documents; until then its form
	// is where it can be seen.
	http.Redirect(w, r, "/collections/"+url.PathEscape(slug)+"/edit", http.StatusSeeOther)
	return nil
}
