package web

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"fonds"
	"fonds/cite"
	"fonds/text"
	"fonds/wdiff"
)

// The bounds of what an editing form may carry.
const (
	// maxEditText is the largest transcription a form or the API takes:
	// the importer's default bound on one document.
	maxEditText = 16 << 20
	// maxEditForm bounds a whole form: the text and the fields beside it.
	maxEditForm = maxEditText + 1<<20
	maxField    = 4000 // a catalogue field
	maxMessage  = 500  // the "what changed" of a save
)

// The editing pages' templates, each parsed with base.html and edit_parts.html.
var editPageNames = []string{"edit", "page_edit", "review", "history", "diff", "work"}

// editRoutes registers the editors' pages: editing, review, history.
func (s *Server) editRoutes() {
	if err := s.parseEditTemplates(); err != nil {
		// The templates are embedded: an error is the program's.
		panic(err)
	}
	s.handle("GET /work", s.html(s.editHTML(s.work)))
	s.handle("GET /edit/new", s.html(s.editHTML(s.editNew)))
	s.handle("POST /edit/new", s.html(s.editHTML(s.editNew)))
	s.handle("GET /documents/{id}/edit", s.html(s.editHTML(s.editDocument)))
	s.handle("POST /documents/{id}/edit", s.html(s.editHTML(s.editDocument)))
	s.handle("GET /documents/{id}/pages/{n}/edit", s.html(s.editHTML(s.editPage)))
	s.handle("POST /documents/{id}/pages/{n}/edit", s.html(s.editHTML(s.editPage)))
	s.handle("POST /documents/{id}/images", s.html(s.editHTML(s.putImage)))
	s.handle("GET /documents/{id}/history", s.html(s.editHTML(s.history)))
	s.handle("GET /documents/{id}/diff", s.html(s.editHTML(s.diff)))
	s.handle("POST /documents/{id}/restore", s.html(s.editHTML(s.restore)))
	s.handle("GET /review", s.html(s.editHTML(s.reviewList)))
	s.handle("POST /documents/{id}/review", s.html(s.editHTML(s.review)))
	s.handle("PUT /api/v1/documents/{id}", s.api(s.editHTML(s.apiPutDocument)))
}

// parseEditTemplates parses the editing pages. Each can show a document as
// its readers see it (the preview): the document page's content is added
// to each as the template "docview".
func (s *Server) parseEditTemplates() error {
	doc, err := template.New("document").Funcs(templateFuncs).ParseFS(templateFS, "templates/document.html")
	if err != nil {
		return fmt.Errorf("web: parse templates: %w", err)
	}
	view := doc.Lookup("content")
	if view == nil {
		return errors.New("web: document.html defines no content")
	}
	funcs := template.FuncMap{"ops": diffOps}
	for _, name := range editPageNames {
		t, err := template.New(name).Funcs(templateFuncs).Funcs(funcs).ParseFS(templateFS, "templates/base.html", "templates/edit_parts.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: parse templates: %w", err)
		}
		if _, err := t.AddParseTree("docview", view.Tree); err != nil {
			return fmt.Errorf("web: parse templates: %w", err)
		}
		s.pages[name] = t
	}
	if _, err := fs.Stat(staticFS, "static/edit.js"); err != nil {
		return fmt.Errorf("web: static files: %w", err)
	}
	return nil
}

// editor is who edits: a signed-in person whose role may change documents.
type editor struct {
	user *fonds.User
	csrf string
	role fonds.Role
}

// publisher reports whether the editor may publish, set every field and
// restore.
func (e *editor) publisher() bool { return e.role.CanPublish() }

// editorOf returns the editor who makes the request, or the error that
// answers it, for a page that is not about one document (the work page,
// a new document, the review page): a signed-out person asking for it is
// sent to sign in, anyone else who may not edit is answered 404.
func (s *Server) editorOf(w http.ResponseWriter, r *http.Request) (*editor, error) {
	if e := editorFor(r); e != nil {
		return e, nil
	}
	if roleOf(r) == fonds.RoleAnonymous && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return nil, errAnswered
	}
	return nil, notFound("There is no page at this address.")
}

// editorFor returns the editor who makes the request, nil when its role
// may not edit.
func editorFor(r *http.Request) *editor {
	role := roleOf(r)
	if !role.CanEdit() {
		return nil
	}
	v := viewerOf(r)
	e := &editor{user: v.user, role: role}
	if v.session != nil {
		e.csrf = v.session.CSRF
	}
	return e
}

// errAnswered is returned by a handler that has answered the request
// itself; the adapter then writes nothing more.
var errAnswered = &httpError{status: 0, msg: "answered"}

// editHTML adapts an editing page: no cache anywhere keeps it, and a
// handler that answered the request itself (a redirect) is left alone.
func (s *Server) editHTML(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "private, no-store")
		err := h(w, r)
		if err == errAnswered {
			return nil
		}
		return err
	}
}

// checkCSRF refuses a form or an API call that does not carry the
// session's token.
func checkCSRF(r *http.Request, e *editor) error {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	if !e.validCSRF(got) {
		return errCSRF
	}
	return nil
}

// validCSRF reports whether token is the editor's session's.
func (e *editor) validCSRF(token string) bool {
	return e.csrf != "" && subtle.ConstantTimeCompare([]byte(token), []byte(e.csrf)) == 1
}

var errCSRF = &httpError{status: http.StatusForbidden, msg: "This form has expired or did not come from this site. Go back, reload the page and try again: what you wrote is still in the page you came from."}

// editableDocument returns the document with the id for the editor, or the
// error that answers: a document the person may not see, or may see but
// not edit (a contributor and a published document), is not found, with
// the answer an id never stored gets, so that it says nothing of whether
// the document exists. Signed-out people get that answer too, never a
// redirect to sign in that only an existing document would get. publish
// asks for someone who may publish: anyone else gets the same answer
// before the document is looked for.
func (s *Server) editableDocument(r *http.Request, publish bool) (*fonds.Document, *editor, error) {
	id := r.PathValue("id")
	missing := notFound("There is no document with the id “%s” that you may edit.", clip(id, 80))
	if roleOf(r) == fonds.RoleAnonymous {
		missing.msg += " If you edit this archive, sign in first."
	}
	e := editorFor(r)
	if e == nil || publish && !e.publisher() || !validSlug(id) {
		return nil, nil, missing
	}
	d, err := s.store.Document(r.Context(), id)
	if errors.Is(err, fonds.ErrNotFound) {
		return nil, nil, missing
	} else if err != nil {
		return nil, nil, err
	}
	if !s.visible(r, d) {
		return nil, nil, missing
	}
	if !mayEdit(e.role, d) {
		return nil, nil, &notEditable{httpError: missing, doc: d, by: e}
	}
	return d, e, nil
}

// notEditable is the answer of editableDocument for a document the person
// may see but not change (a contributor and a published document): not
// found, unless a handler has a better answer for them.
type notEditable struct {
	*httpError
	doc *fonds.Document
	by  *editor
}

// Unwrap returns the answer: not found.
func (e *notEditable) Unwrap() error { return e.httpError }

// closedForm answers a form that saves a document the person may see but
// no longer change, as err (from editableDocument) says: their text,
// which the form field field holds, is shown back to them to copy, so that
// what they wrote is not lost to a 404. Any other error is returned.
func (s *Server) closedForm(w http.ResponseWriter, r *http.Request, err error, field string) error {
	var ne *notEditable
	if !errors.As(err, &ne) || r.Method != http.MethodPost {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxEditForm)
	if perr := r.ParseForm(); perr != nil {
		return badRequest("The form is larger than %d MB.", maxEditForm>>20)
	}
	if cerr := checkCSRF(r, ne.by); cerr != nil {
		return cerr
	}
	d := ne.doc
	data := &editData{
		ID: d.ID, URL: documentPath(d.ID), Heading: d.Heading(), Text: r.PostFormValue(field),
		Closed: fmt.Sprintf("It is at version %d, %s: now only an editor may change it.", d.Version, d.Status),
	}
	return s.renderEdit(w, r, http.StatusConflict, data)
}

// mayEdit reports whether a person of the role may change the document:
// editors and admins any, contributors drafts and documents in review.
func mayEdit(r fonds.Role, d *fonds.Document) bool {
	if r.CanPublish() {
		return true
	}
	return r == fonds.RoleContributor && (d.Status == fonds.StatusDraft || d.Status == fonds.StatusReview)
}

// catalogue is the catalogue of a document as the form's fields hold it.
type catalogue struct {
	Title, Date, Reference, Summary, Creator, Type   string
	Categories, Persons, Collection, Status, Embargo string
	Restricted                                       bool
}

// catalogueOf returns the fields of d.
func catalogueOf(d *fonds.Document) catalogue {
	c := catalogue{
		Title:      d.Title,
		Date:       d.Date.Written,
		Summary:    d.Summary,
		Creator:    d.Creator,
		Type:       d.Type,
		Categories: strings.Join(d.Categories, "; "),
		Collection: d.Collection,
		Status:     string(d.Status),
		Embargo:    d.Embargo,
		Restricted: d.Restricted,
	}
	if c.Date == "" {
		c.Date = d.Date.Display()
		if d.Date.IsZero() {
			c.Date = "Undated"
		}
	}
	for _, r := range d.References {
		if r.Origin == "heading" {
			c.Reference = r.Written
			break
		}
	}
	names := make([]string, len(d.Persons))
	for i, p := range d.Persons {
		names[i] = p.Name
	}
	c.Persons = strings.Join(names, "; ")
	return c
}

// readCatalogue reads the fields of the form, with the prefix ("" for what
// the person wrote, "was_" for what the form was loaded with).
func readCatalogue(r *http.Request, prefix string) catalogue {
	f := func(name string) string { return strings.TrimSpace(clipBytes(r.PostFormValue(prefix+name), maxField)) }
	return catalogue{
		Title: f("title"), Date: f("date"), Reference: f("reference"), Summary: f("summary"),
		Creator: f("creator"), Type: f("type"), Categories: f("categories"), Persons: f("persons"),
		Collection: f("collection"), Status: f("status"), Embargo: f("embargo"),
		Restricted: r.PostFormValue(prefix+"restricted") != "",
	}
}

// clipBytes cuts s to at most n bytes, at a character's start.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// lineError is an error of a transcription, at its line when it has one.
type lineError struct {
	Line int
	Msg  string
}

// parseProblem turns an error of reading a transcription into what the
// form shows, or returns nil when the error is not the text's.
func parseProblem(err error) *lineError {
	var pe *fonds.ParseError
	if errors.As(err, &pe) {
		return &lineError{Line: pe.Line, Msg: pe.Msg}
	}
	var fe *fieldError
	if errors.As(err, &fe) {
		return &lineError{Msg: fe.msg}
	}
	return nil
}

// fieldError is a catalogue field the form cannot take.
type fieldError struct{ msg string }

func (e *fieldError) Error() string { return e.msg }

func fieldErrorf(format string, args ...any) error {
	return &fieldError{fmt.Sprintf(format, args...)}
}

// edit is one change of a document, as a form or the API asks for it.
type edit struct {
	text     string
	fields   catalogue // what the form's fields say
	was      catalogue // what they said when it was loaded
	form     bool      // the fields are there to read (not the API)
	stored   *fonds.Document
	by       *editor
	newColl  string // the collection of a new document
	warnings []fonds.Warning
}

// document makes the document the edit asks for: the text read, the
// catalogue fields changed in the form applied over it, the text written
// again from the result and read once more, so that text and fields agree;
// and what the text does not hold (collection, status, embargo,
// restriction, page images, aliases) taken from the stored document or,
// for those who may set them, from the form.
func (e *edit) document(s *Server, r *http.Request) (*fonds.Document, error) {
	d, _, err := text.Parse(strings.NewReader(e.text), "")
	if err != nil {
		return nil, err
	}
	f, was := e.fields, e.was
	if e.form {
		if f.Title != was.Title {
			d.Title = f.Title
		}
		if f.Date != was.Date {
			pd, _, err := text.Parse(strings.NewReader(f.Date+"\n"), "")
			if err != nil || pd.Title != "" || len(pd.References) > 0 {
				return nil, fieldErrorf("The date “%s” is not a date the transcription format reads: write it as “19 May 1977”, “June 1991”, “c. 1970” or “Undated”.", clip(f.Date, 80))
			}
			d.Date = pd.Date
		}
		if f.Reference != was.Reference {
			var refs []fonds.Reference
			if f.Reference != "" {
				refs = append(refs, fonds.NewReference(f.Reference, "heading"))
			}
			for _, ref := range d.References {
				if ref.Origin != "heading" {
					refs = append(refs, ref)
				}
			}
			d.References = refs
		}
		if f.Summary != was.Summary {
			d.Summary = f.Summary
		}
		if f.Creator != was.Creator {
			d.Creator = f.Creator
		}
		if f.Categories != was.Categories {
			d.Categories = splitList(f.Categories)
		}
	}
	var buf bytes.Buffer
	if err := text.Write(&buf, d); err != nil {
		return nil, err
	}
	d2, warnings, err := text.Parse(bytes.NewReader(buf.Bytes()), "")
	if err != nil {
		// A field made a text the format cannot read back.
		var pe *fonds.ParseError
		if errors.As(err, &pe) {
			return nil, fieldErrorf("The catalogue fields make a heading or description the format cannot read (%s): change them or write them in the text.", pe.Msg)
		}
		return nil, err
	}
	e.warnings = warnings
	st := e.stored
	if e.form && f.Type != was.Type {
		d2.Type = f.Type
	} else if d2.Type == "" && st != nil {
		d2.Type = st.Type
	}
	if e.form && f.Persons != was.Persons {
		d2.Persons = persons(splitList(f.Persons), st, d2)
	} else if st != nil {
		for _, p := range st.Persons {
			if !slices.ContainsFunc(d2.Persons, func(q fonds.Person) bool { return q.Name == p.Name }) {
				d2.Persons = append(d2.Persons, p)
			}
		}
	}
	if st != nil {
		d2.ID = st.ID
		d2.Collection = st.Collection
		d2.Origin = st.Origin
		d2.Aliases = st.Aliases
		d2.Created = st.Created
		for i := range d2.Pages {
			for _, p := range st.Pages {
				if p.N == d2.Pages[i].N {
					d2.Pages[i].Facs = p.Facs
				}
			}
		}
	} else {
		d2.Collection = e.newColl
	}
	if !e.by.publisher() {
		// What a contributor saves waits for an editor, under the embargo
		// and restriction an editor set.
		d2.Status = fonds.StatusReview
		if st != nil {
			d2.Embargo, d2.Restricted = st.Embargo, st.Restricted
		}
		return d2, nil
	}
	// For editors the text says the status, the embargo and the
	// restriction (@status, @embargo, @restricted), unless a field
	// changed says otherwise.
	if !e.form {
		return d2, nil
	}
	if f.Collection != "" && f.Collection != d2.Collection {
		if _, err := s.store.Collection(r.Context(), f.Collection); err != nil {
			return nil, fieldErrorf("There is no collection “%s”.", clip(f.Collection, 80))
		}
		d2.Collection = f.Collection
	}
	if f.Status != was.Status {
		st2 := fonds.Status(f.Status)
		if !st2.Valid() {
			return nil, fieldErrorf("The status “%s” is not one of draft, review, published, withdrawn.", clip(f.Status, 40))
		}
		d2.Status = st2
	}
	if f.Embargo != was.Embargo {
		d2.Embargo = ""
		if f.Embargo != "" {
			t, err := fonds.ParseEmbargo(f.Embargo)
			if err != nil {
				return nil, fieldErrorf("The embargo “%s” is neither a date (YYYY-MM-DD) nor a time (2006-01-02T15:04:05Z).", clip(f.Embargo, 40))
			}
			d2.Embargo = f.Embargo
			if len(f.Embargo) != len(time.DateOnly) {
				d2.Embargo = t.Format(time.RFC3339)
			}
		}
	}
	if f.Restricted != was.Restricted {
		d2.Restricted = f.Restricted
	}
	return d2, nil
}

// persons returns the people named, keeping how the stored or read
// document wrote each it has.
func persons(names []string, docs ...*fonds.Document) []fonds.Person {
	var out []fonds.Person
	for _, n := range names {
		p := fonds.Person{Name: n}
		for _, d := range docs {
			if d == nil {
				continue
			}
			for _, q := range d.Persons {
				if q.Name == n {
					p = q
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// writeText returns d in the transcription format.
func writeText(d *fonds.Document) (string, error) {
	var buf bytes.Buffer
	if err := text.Write(&buf, d); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// conflictView is what the merge view shows beside a stale save: the
// stored text and what changed from it to the text being saved.
type conflictView struct {
	Version int    // the stored version
	Author  string // who saved it
	Current string // its text
	Diff    []wdiff.Op
}

// conflict returns the merge view of a save refused because the document
// changed since the form was loaded.
func (s *Server) conflict(r *http.Request, id, theirs string) (*conflictView, error) {
	cur, err := s.store.Document(r.Context(), id)
	if err != nil {
		return nil, err
	}
	t, err := writeText(cur)
	if err != nil {
		return nil, err
	}
	c := &conflictView{Version: cur.Version, Current: t}
	c.Diff, _ = textDiff(t, theirs) // none for texts too large: both are shown
	if h, err := s.store.History(r.Context(), id); err == nil && len(h) > 0 {
		c.Author = h[len(h)-1].Author
	}
	return c, nil
}

// contributedID returns the id of a new document a contributor saves: the
// id its text makes, and a random tag, which no other document has (what
// one may not see must not be told by a refusal of its id).
func contributedID(id string) string {
	tag := strings.ToLower(rand.Text()[:8])
	return strings.TrimSuffix(clipBytes(id, 180), "-") + "-" + tag
}

// editData is the data of the document's editing page.
type editData struct {
	CSRF    string
	Action  string
	New     bool
	ID      string
	URL     string // the document's page
	Heading string
	Version int
	Text    string
	Rows    int
	Message string
	Fields  catalogue
	Was     catalogue
	// Publisher is set for those who may set the status, the embargo, the
	// restriction and the collection.
	Publisher   bool
	Collections []fonds.Collection
	Statuses    []fonds.Status
	Problems    []lineError
	Warnings    []fonds.Warning
	Preview     *page
	Conflict    *conflictView
	Pages       []pageLink
	// Images is the address the pages' images are reordered at, "" when
	// the archive keeps none or the document has one page.
	Images string
	// Closed says why the person may no longer save the document, whose
	// text they sent: it is shown to them to copy, without a form.
	Closed string
}

// pageLink is a link to the page-by-page editor of one page.
type pageLink struct {
	N     int
	Label string
	URL   string
	Image bool
}

func pageLinks(d *fonds.Document) []pageLink {
	var ls []pageLink
	for _, p := range d.Pages {
		ls = append(ls, pageLink{N: p.N, Label: p.Label, URL: pagePath(d.ID, p.N), Image: p.Facs != ""})
	}
	return ls
}

func pagePath(id string, n int) string {
	return documentPath(id) + "/pages/" + strconv.Itoa(n) + "/edit"
}

// rows is the height of a textarea for the text.
func rows(t string) int {
	return min(max(strings.Count(t, "\n")+3, 12), 40)
}

func (s *Server) editNew(w http.ResponseWriter, r *http.Request) error {
	e, err := s.editorOf(w, r)
	if err != nil {
		return err
	}
	cols, err := s.store.Collections(r.Context(), fonds.Filter{})
	if err != nil {
		return err
	}
	data := &editData{
		CSRF: e.csrf, Action: "/edit/new", New: true, Heading: "New document",
		Publisher: e.publisher(), Collections: cols, Statuses: fonds.Statuses,
		Text:    "Undated\n\n@status draft\n\n(no description)\n\n[page one]\nThe text of the first page.\n",
		Message: "Created",
	}
	data.Fields = catalogue{Status: string(fonds.StatusDraft)}
	if len(cols) > 0 {
		data.Fields.Collection = cols[0].Slug
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxEditForm)
		if err := r.ParseForm(); err != nil {
			return badRequest("The form is larger than %d MB.", maxEditForm>>20)
		}
		if err := checkCSRF(r, e); err != nil {
			return err
		}
		data.Text = r.PostFormValue("text")
		data.Message = clipBytes(strings.TrimSpace(r.PostFormValue("message")), maxMessage)
		coll := strings.TrimSpace(r.PostFormValue("collection"))
		data.Fields.Collection = coll
		if _, err := s.store.Collection(r.Context(), coll); err != nil {
			data.Problems = append(data.Problems, lineError{Msg: "Choose the collection the document belongs to."})
			return s.renderEdit(w, r, http.StatusUnprocessableEntity, data)
		}
		ed := &edit{text: data.Text, by: e, newColl: coll}
		d, err := ed.document(s, r)
		if p := parseProblem(err); p != nil {
			data.Problems = append(data.Problems, *p)
			return s.renderEdit(w, r, http.StatusUnprocessableEntity, data)
		} else if err != nil {
			return err
		}
		data.Text, _ = writeText(d)
		data.Warnings = ed.warnings
		if r.PostFormValue("action") == "preview" {
			data.Preview = s.previewPage(r, d)
			return s.renderEdit(w, r, http.StatusOK, data)
		}
		msg := data.Message
		if msg == "" {
			msg = "Created"
		}
		exists := func() error {
			data.Problems = append(data.Problems, lineError{Msg: fmt.Sprintf("A document with the id %s exists already: its date and reference are those of this one. Edit that one, or give this one another reference.", d.ID)})
			return s.renderEdit(w, r, http.StatusConflict, data)
		}
		if !e.publisher() {
			// Someone who may not see every document is told of one
			// with the id only if they may see it; otherwise the new
			// document takes an id of its own, whether or not a
			// document they may not see has the one the text makes,
			// so that what they are answered does not tell.
			old, err := s.store.Document(r.Context(), d.ID)
			if err == nil && s.visible(r, old) {
				return exists()
			} else if err != nil && !errors.Is(err, fonds.ErrNotFound) {
				return err
			}
			d.ID = contributedID(d.ID)
		}
		_, err = s.writes.SaveDocument(r.Context(), d, fonds.Save{Author: e.user.Name, Address: s.clientAddr(r), Message: msg, Version: -1})
		if errors.Is(err, fonds.ErrConflict) && e.publisher() {
			return exists()
		} else if errors.Is(err, fonds.ErrConflict) {
			// Two random ids alike: as unlikely as anything.
			return &httpError{status: http.StatusConflict, msg: "The document could not be saved under a new id: save it again."}
		} else if err != nil {
			return err
		}
		http.Redirect(w, r, documentPath(d.ID)+"/edit?saved=1", http.StatusSeeOther)
		return nil
	}
	return s.renderEdit(w, r, http.StatusOK, data)
}

func (s *Server) editDocument(w http.ResponseWriter, r *http.Request) error {
	d, e, err := s.editableDocument(r, false)
	if err != nil {
		return s.closedForm(w, r, err, "text")
	}
	ctx := r.Context()
	cols, err := s.store.Collections(ctx, fonds.Filter{})
	if err != nil {
		return err
	}
	t, err := writeText(d)
	if err != nil {
		return err
	}
	data := &editData{
		CSRF: e.csrf, Action: documentPath(d.ID) + "/edit", ID: d.ID, URL: documentPath(d.ID),
		Heading: d.Heading(), Version: d.Version, Text: t, Fields: catalogueOf(d), Was: catalogueOf(d),
		Publisher: e.publisher(), Collections: cols, Statuses: fonds.Statuses, Pages: pageLinks(d),
	}
	if s.images != nil && len(d.Pages) > 1 {
		data.Images = documentPath(d.ID) + "/images"
	}
	if r.Method != http.MethodPost {
		return s.renderEdit(w, r, http.StatusOK, data)
	}
	version, err := readEditForm(w, r, e, maxEditForm)
	if err != nil {
		return err
	}
	data.Version = version
	data.Text = r.PostFormValue("text")
	data.Message = clipBytes(strings.TrimSpace(r.PostFormValue("message")), maxMessage)
	data.Fields = readCatalogue(r, "")
	data.Was = readCatalogue(r, "was_")
	if !e.publisher() {
		// Shown as they are: a contributor cannot change them.
		data.Fields.Collection, data.Fields.Status, data.Fields.Embargo, data.Fields.Restricted = d.Collection, string(d.Status), d.Embargo, d.Restricted
		data.Was.Collection, data.Was.Status, data.Was.Embargo, data.Was.Restricted = data.Fields.Collection, data.Fields.Status, data.Fields.Embargo, data.Fields.Restricted
	}
	ed := &edit{text: data.Text, fields: data.Fields, was: data.Was, form: true, stored: d, by: e}
	nd, err := ed.document(s, r)
	if p := parseProblem(err); p != nil {
		data.Problems = append(data.Problems, *p)
		return s.renderEdit(w, r, http.StatusUnprocessableEntity, data)
	} else if err != nil {
		return err
	}
	data.Warnings = ed.warnings
	if data.Text, err = writeText(nd); err != nil {
		return err
	}
	data.Fields = catalogueOf(nd)
	if r.PostFormValue("action") == "preview" {
		// The fields now agree with the text: what they were loaded with
		// stays, so that a change is still a change at the save.
		data.Preview = s.previewPage(r, nd)
		return s.renderEdit(w, r, http.StatusOK, data)
	}
	msg := data.Message
	if msg == "" {
		msg = "Edited"
	}
	return s.saveEdit(w, r, nd, e, msg, version, documentPath(d.ID)+"/edit?saved=1", func(c *conflictView) error {
		data.Conflict = c
		data.Version = c.Version
		return s.renderEdit(w, r, http.StatusConflict, data)
	})
}

// saveEdit saves d from the version, then sends the browser to next; a
// save refused because the document changed meanwhile is answered by
// merge with the conflict.
func (s *Server) saveEdit(w http.ResponseWriter, r *http.Request, d *fonds.Document, e *editor, msg string, version int, next string, merge func(*conflictView) error) error {
	_, err := s.writes.SaveDocument(r.Context(), d, fonds.Save{Author: e.user.Name, Address: s.clientAddr(r), Message: msg, Version: version})
	if errors.Is(err, fonds.ErrConflict) {
		theirs, werr := writeText(d)
		if werr != nil {
			return werr
		}
		c, cerr := s.conflict(r, d.ID, theirs)
		if cerr != nil {
			return cerr
		}
		return merge(c)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// renderEdit renders the editing page with the status.
func (s *Server) renderEdit(w http.ResponseWriter, r *http.Request, status int, data *editData) error {
	data.Rows = rows(data.Text)
	title := "Edit " + data.Heading
	if data.New {
		title = "New document"
	}
	p := s.newPage(r, title, data)
	p.NoIndex = true
	return s.renderStatus(w, status, "edit", p)
}

// previewPage returns the document as its page shows it to readers, for
// the template "docview".
func (s *Server) previewPage(r *http.Request, d *fonds.Document) *page {
	c, err := s.store.Collection(r.Context(), d.Collection)
	if err != nil {
		c = fonds.Collection{Slug: d.Collection, Title: d.Collection}
	}
	permalink := s.base(r) + documentPath(d.ID)
	item := cite.NewItem(d, c.Title, s.site(r.Context()).Name, permalink, s.now())
	data := documentData{
		Doc:        d,
		ID:         d.ID,
		Date:       d.Date.Display(),
		Summary:    d.DisplaySummary(),
		Collection: c,
		Citation:   item.Chicago(),
		Permalink:  permalink,
		Pinned:     permalink,
		Witnesses:  witnessViews(d, nil),
		Key:        legendKey(d),
		Unmarked:   documentPath(d.ID),
	}
	data.Multi = len(data.Witnesses) > 1
	for _, ref := range d.References {
		if !containsWritten(data.References, ref.Written) {
			data.References = append(data.References, ref)
		}
	}
	return &page{Data: data}
}

// diffOps is the template function that gives a diff's ops with their
// kinds as words.
func diffOps(d []wdiff.Op) []diffOp {
	out := make([]diffOp, len(d))
	for i, o := range d {
		out[i] = diffOp{Kind: o.Kind.String(), Text: o.Text}
	}
	return out
}

type diffOp struct{ Kind, Text string }

// readEditForm reads a form that changes a document, of at most max bytes,
// checks its CSRF token, and returns the version it was loaded from (its
// field "version"), which the save is checked against.
func readEditForm(w http.ResponseWriter, r *http.Request, e *editor, max int64) (version int, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, max)
	if err := r.ParseForm(); err != nil {
		return 0, badRequest("The form is larger than %d kB.", max>>10)
	}
	if err := checkCSRF(r, e); err != nil {
		return 0, err
	}
	version, err = strconv.Atoi(r.PostFormValue("version"))
	if err != nil || version < 1 {
		return 0, badRequest("The form does not say which version it was loaded from: reload the page.")
	}
	return version, nil
}
