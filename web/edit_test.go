package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/iiif"
	"fonds/sqlite"
	"fonds/text"
	"fonds/wdiff"
)

// editDraftText is the draft the editing tests work on: two pages.
const editDraftText = `19 May 1977* (Pb 99/7) Test draft

@status draft

Politburo. Instructions. A draft for the editing tests.

[page one]
First page alpha.

[page two]
Second page beta.
`

// editFixture is a server on a real SQLite store holding one collection
// and one draft of two pages, with an image store.
type editFixture struct {
	t      *testing.T
	store  *sqlite.Store
	server *Server
	images *iiif.Images
	id     string
}

func newEditFixture(t *testing.T) *editFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.PutCollection(ctx, fonds.Collection{Slug: "test", Title: "Test collection"}); err != nil {
		t.Fatal(err)
	}
	im, err := iiif.OpenImages(filepath.Join(dir, "images"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: st, NoAccessLog: true, PageCacheBytes: -1, PageImages: im})
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := text.Parse(strings.NewReader(editDraftText), "draft.txt")
	if err != nil {
		t.Fatal(err)
	}
	d.Collection = "test"
	if _, err := st.SaveDocument(ctx, d, fonds.Save{Author: "importer", Message: "import"}); err != nil {
		t.Fatal(err)
	}
	return &editFixture{t: t, store: st, server: srv, images: im, id: d.ID}
}

// client is a person signed in: their session's cookie and CSRF token.
type client struct {
	name, token, csrf string
}

// signIn makes a user of the role and a session of theirs in the store.
func (f *editFixture) signIn(name string, role fonds.Role) *client {
	f.t.Helper()
	ctx := context.Background()
	if err := f.store.PutUser(ctx, &fonds.User{Name: name, Role: role, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"}); err != nil {
		f.t.Fatal(err)
	}
	c := &client{name: name, token: newToken(), csrf: newToken()}
	now := time.Now()
	if err := f.store.PutSession(ctx, &fonds.Session{ID: sessionID(c.token), User: name, CSRF: c.csrf, Created: now, Seen: now}); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// do sends a request as the client (nil: anonymous); a form gets the
// client's CSRF token.
func (f *editFixture) do(c *client, method, path string, form url.Values) *httptest.ResponseRecorder {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		if c != nil && form.Get("csrf") == "" {
			form.Set("csrf", c.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, path, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c != nil {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.token})
	}
	w := httptest.NewRecorder()
	f.server.ServeHTTP(w, r)
	return w
}

func (f *editFixture) doc() *fonds.Document {
	f.t.Helper()
	d, err := f.store.Document(context.Background(), f.id)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// textOf returns the stored transcription of the document.
func (f *editFixture) text() string {
	f.t.Helper()
	t, err := writeText(f.doc())
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

// formValues reads the fields of the first form of an editing page whose
// action is the path, as a browser would send them.
func formValues(t *testing.T, body, action string) url.Values {
	t.Helper()
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form to %s in the page", action)
	}
	form := body[i:]
	form = form[:strings.Index(form, "</form>")]
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(form, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	for _, m := range regexp.MustCompile(`<input name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(form, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(form, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select name="([^"]+)">.*?<option value="([^"]*)" selected>`).FindAllStringSubmatch(form, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	return v
}

func htmlUnescape(s string) string {
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`, "&amp;", "&")
	return r.Replace(s)
}

func TestEditAccess(t *testing.T) {
	f := newEditFixture(t)
	reader := f.signIn("rita", fonds.RoleReader)
	contrib := f.signIn("carl", fonds.RoleContributor)
	tests := []struct {
		who    *client
		path   string
		status int
	}{
		{nil, "/work", http.StatusSeeOther},
		{nil, "/review", http.StatusSeeOther},
		{nil, "/edit/new", http.StatusSeeOther},
		{nil, "/documents/" + f.id + "/edit", http.StatusNotFound}, // a hidden document
		{nil, "/documents/" + f.id + "/history", http.StatusNotFound},
		{reader, "/work", http.StatusNotFound},
		{reader, "/documents/" + f.id + "/edit", http.StatusNotFound},
		{contrib, "/work", http.StatusOK},
		{contrib, "/review", http.StatusNotFound},
		{contrib, "/documents/" + f.id + "/edit", http.StatusOK},
		{contrib, "/documents/" + f.id + "/pages/2/edit", http.StatusOK},
		{contrib, "/documents/" + f.id + "/history", http.StatusOK},
		{contrib, "/documents/nothing-here/edit", http.StatusNotFound},
	}
	for _, tt := range tests {
		who := "anonymous"
		if tt.who != nil {
			who = tt.who.name
		}
		t.Run(who+" "+tt.path, func(t *testing.T) {
			w := f.do(tt.who, "GET", tt.path, nil)
			if w.Code != tt.status {
				t.Errorf("GET %s as %s = %d, want %d", tt.path, who, w.Code, tt.status)
			}
			if tt.status == http.StatusSeeOther && !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
				t.Errorf("GET %s as %s goes to %q, want /login?next=…", tt.path, who, w.Header().Get("Location"))
			}
		})
	}
}

// TestContributorSaveGoesToReview saves as a contributor: the document
// waits for review, whatever status the form asks for, and an editor
// accepts it.
func TestContributorSaveGoesToReview(t *testing.T) {
	f := newEditFixture(t)
	contrib := f.signIn("carl", fonds.RoleContributor)
	editor := f.signIn("edna", fonds.RoleEditor)
	path := "/documents/" + f.id + "/edit"
	w := f.do(contrib, "GET", path, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", path, w.Code)
	}
	form := formValues(t, w.Body.String(), path)
	form.Set("text", strings.Replace(form.Get("text"), "Second page beta.", "Second page beta gamma-unique.", 1))
	form.Set("status", "published")
	form.Set("message", "Transcribed page 2")
	form.Set("action", "save")
	if w := f.do(contrib, "POST", path, form); w.Code != http.StatusSeeOther {
		t.Fatalf("POST %s as a contributor = %d, want 303: %s", path, w.Code, w.Body)
	}
	d := f.doc()
	if d.Status != fonds.StatusReview {
		t.Errorf("status after a contributor's save = %q, want review", d.Status)
	}
	if !strings.Contains(f.text(), "gamma-unique") {
		t.Errorf("the contributor's change is not stored")
	}
	h, err := f.store.History(context.Background(), f.id)
	if err != nil {
		t.Fatal(err)
	}
	last := h[len(h)-1]
	if last.Author != "carl" || last.Message != "Transcribed page 2" {
		t.Errorf("last version by %q, %q, want carl, Transcribed page 2", last.Author, last.Message)
	}

	// The contributor cannot review, nor edit what is published.
	accept := url.Values{"action": {"accept"}, "version": {strconv.Itoa(d.Version)}}
	if w := f.do(contrib, "POST", "/documents/"+f.id+"/review", accept); w.Code != http.StatusNotFound {
		t.Errorf("a contributor's accept = %d, want 404", w.Code)
	}

	w = f.do(editor, "GET", "/review", nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "<ins> gamma</ins>") && !strings.Contains(w.Body.String(), "<ins>") {
		t.Fatalf("GET /review = %d, want the change marked: %s", w.Code, w.Body)
	}
	if !strings.Contains(w.Body.String(), "gamma-unique") {
		t.Errorf("/review does not show the change under review")
	}
	if w := f.do(editor, "POST", "/documents/"+f.id+"/review", url.Values{"action": {"accept"}, "version": {strconv.Itoa(d.Version)}}); w.Code != http.StatusSeeOther {
		t.Fatalf("an editor's accept = %d: %s", w.Code, w.Body)
	}
	if d := f.doc(); d.Status != fonds.StatusPublished {
		t.Errorf("status after accept = %q, want published", d.Status)
	}
	if w := f.do(contrib, "GET", path, nil); w.Code != http.StatusNotFound {
		t.Errorf("a contributor's GET of the edit page of a published document = %d, want 404", w.Code)
	}
}

func TestReturn(t *testing.T) {
	f := newEditFixture(t)
	contrib := f.signIn("carl", fonds.RoleContributor)
	editor := f.signIn("edna", fonds.RoleEditor)
	put := f.apiPut(contrib, f.doc().Version, strings.Replace(f.text(), "alpha", "alpha omega", 1))
	if put.Code != http.StatusOK {
		t.Fatalf("PUT = %d: %s", put.Code, put.Body)
	}
	v := strconv.Itoa(f.doc().Version)
	if w := f.do(editor, "POST", "/documents/"+f.id+"/review", url.Values{"action": {"return"}, "version": {v}}); w.Code != http.StatusBadRequest {
		t.Errorf("return without a comment = %d, want 400", w.Code)
	}
	if w := f.do(editor, "POST", "/documents/"+f.id+"/review", url.Values{"action": {"return"}, "version": {v}, "comment": {"Check the date"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("return = %d: %s", w.Code, w.Body)
	}
	if d := f.doc(); d.Status != fonds.StatusDraft {
		t.Errorf("status after return = %q, want draft", d.Status)
	}
	if w := f.do(contrib, "GET", "/work", nil); !strings.Contains(w.Body.String(), "Check the date") {
		t.Errorf("the contributor's work page does not show the editor's comment")
	}
}

func (f *editFixture) apiPut(c *client, version int, body string) *httptest.ResponseRecorder {
	f.t.Helper()
	r := httptest.NewRequest("PUT", "/api/v1/documents/"+f.id, strings.NewReader(body))
	if version > 0 {
		r.Header.Set("If-Match", strconv.Quote(strconv.Itoa(version)))
	}
	if c != nil {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.token})
		r.Header.Set("X-CSRF-Token", c.csrf)
	}
	w := httptest.NewRecorder()
	f.server.ServeHTTP(w, r)
	return w
}

func TestAPIPut(t *testing.T) {
	f := newEditFixture(t)
	editor := f.signIn("edna", fonds.RoleEditor)
	v := f.doc().Version
	changed := strings.Replace(f.text(), "alpha", "alpha delta", 1)
	if w := f.apiPut(editor, 0, changed); w.Code != http.StatusPreconditionRequired {
		t.Errorf("PUT without If-Match = %d, want 428", w.Code)
	}
	if w := f.apiPut(nil, v, changed); w.Code != http.StatusNotFound {
		t.Errorf("PUT anonymous = %d, want 404", w.Code)
	}
	w := f.apiPut(editor, v, changed)
	if w.Code != http.StatusOK {
		t.Fatalf("PUT = %d, want 200: %s", w.Code, w.Body)
	}
	var got struct {
		Version int    `json:"version"`
		Error   string `json:"error"`
		Line    int    `json:"line"`
	}
	json.Unmarshal(w.Body.Bytes(), &got)
	if got.Version != v+1 {
		t.Errorf("PUT answered version %d, want %d", got.Version, v+1)
	}
	w = f.apiPut(editor, v, strings.Replace(changed, "beta", "epsilon", 1))
	if w.Code != http.StatusConflict {
		t.Fatalf("a stale PUT = %d, want 409", w.Code)
	}
	json.Unmarshal(w.Body.Bytes(), &got)
	if got.Version != v+1 {
		t.Errorf("the 409 names version %d, want %d", got.Version, v+1)
	}
	w = f.apiPut(editor, v+1, changed+"\n{foo:bar}\n")
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a PUT of a broken text = %d, want 422", w.Code)
	}
	json.Unmarshal(w.Body.Bytes(), &got)
	if want := strings.Count(changed, "\n") + 2; got.Line != want {
		t.Errorf("the error of a broken text is at line %d, want %d (%s)", got.Line, want, got.Error)
	}
}

// TestConflict saves from a form loaded before another save: the browser
// gets the merge view, with its text kept, and can save it over.
func TestConflict(t *testing.T) {
	f := newEditFixture(t)
	ed1 := f.signIn("edna", fonds.RoleEditor)
	ed2 := f.signIn("eddy", fonds.RoleEditor)
	path := "/documents/" + f.id + "/edit"
	form1 := formValues(t, f.do(ed1, "GET", path, nil).Body.String(), path)
	form2 := formValues(t, f.do(ed2, "GET", path, nil).Body.String(), path)
	form1.Set("text", strings.Replace(form1.Get("text"), "alpha", "alpha first-editor", 1))
	form1.Set("action", "save")
	if w := f.do(ed1, "POST", path, form1); w.Code != http.StatusSeeOther {
		t.Fatalf("the first save = %d: %s", w.Code, w.Body)
	}
	form2.Set("text", strings.Replace(form2.Get("text"), "beta", "beta second-editor", 1))
	form2.Set("action", "save")
	w := f.do(ed2, "POST", path, form2)
	if w.Code != http.StatusConflict {
		t.Fatalf("the stale save = %d, want 409", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{"Someone else saved", "beta second-editor", "alpha first-editor", "<ins>", `name="csrf"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the merge view does not hold %q", want)
		}
	}
	if strings.Contains(f.text(), "second-editor") {
		t.Errorf("the stale save was stored")
	}
	merged := formValues(t, body, path)
	merged.Set("action", "save")
	if w := f.do(ed2, "POST", path, merged); w.Code != http.StatusSeeOther {
		t.Fatalf("saving over from the merge view = %d: %s", w.Code, w.Body)
	}
	if !strings.Contains(f.text(), "second-editor") {
		t.Errorf("the save from the merge view was not stored")
	}
}

func TestPageEdit(t *testing.T) {
	f := newEditFixture(t)
	contrib := f.signIn("carl", fonds.RoleContributor)
	path := "/documents/" + f.id + "/pages/2/edit"
	w := f.do(contrib, "GET", path, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", path, w.Code, w.Body)
	}
	form := formValues(t, w.Body.String(), "")
	if got := form.Get("text"); !strings.HasPrefix(got, "[page two]\n") || !strings.Contains(got, "Second page beta.") || strings.Contains(got, "First") {
		t.Fatalf("the text of page 2 = %q", got)
	}
	form.Set("text", "[page two]\nSecond page rewritten.\n")
	if w := f.do(contrib, "POST", path, form); w.Code != http.StatusSeeOther {
		t.Fatalf("POST %s = %d: %s", path, w.Code, w.Body)
	}
	txt := f.text()
	if !strings.Contains(txt, "First page alpha.") || !strings.Contains(txt, "Second page rewritten.") || strings.Contains(txt, "beta") {
		t.Errorf("after saving page 2 the text is\n%s", txt)
	}
	h, _ := f.store.History(context.Background(), f.id)
	if m := h[len(h)-1].Message; m != "Edited page 2" {
		t.Errorf("the message of a page's save = %q, want Edited page 2", m)
	}

	// An error is given at its line in the whole text.
	form.Set("version", strconv.Itoa(f.doc().Version))
	form.Set("text", "[page two]\nSecond {foo:page}.\n")
	w = f.do(contrib, "POST", path, form)
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("POST of a broken page = %d, want 422", w.Code)
	}
	lines := strings.Split(txt, "\n")
	want := 0
	for i, l := range lines {
		if l == "[page two]" {
			want = i + 2 // the line after the marker
		}
	}
	if !strings.Contains(w.Body.String(), ">line "+strconv.Itoa(want)+"</a>") {
		t.Errorf("the error of the broken page is not at line %d: %s", want, w.Body)
	}
	if !strings.Contains(w.Body.String(), "Second {foo:page}.") {
		t.Errorf("the broken text is not kept in the form")
	}
}

func TestParseErrorLine(t *testing.T) {
	f := newEditFixture(t)
	editor := f.signIn("edna", fonds.RoleEditor)
	path := "/documents/" + f.id + "/edit"
	form := formValues(t, f.do(editor, "GET", path, nil).Body.String(), path)
	txt := form.Get("text")
	form.Set("text", txt+"\nA { brace\n")
	form.Set("action", "preview")
	w := f.do(editor, "POST", path, form)
	want := strings.Count(txt, "\n") + 2
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), ">line "+strconv.Itoa(want)+"</a>") {
		t.Errorf("POST of a text with an error at line %d = %d: %s", want, w.Code, w.Body)
	}
}

// TestPreviewAndFields previews a change of a catalogue field: the field
// wins over the text, and the text is written again from it.
func TestPreviewAndFields(t *testing.T) {
	f := newEditFixture(t)
	editor := f.signIn("edna", fonds.RoleEditor)
	path := "/documents/" + f.id + "/edit"
	form := formValues(t, f.do(editor, "GET", path, nil).Body.String(), path)
	form.Set("title", "Renamed draft")
	form.Set("date", "20 May 1977")
	form.Set("action", "preview")
	w := f.do(editor, "POST", path, form)
	if w.Code != http.StatusOK {
		t.Fatalf("preview = %d: %s", w.Code, w.Body)
	}
	body := w.Body.String()
	if !strings.Contains(body, "20 May 1977* (Pb 99/7) Renamed draft") {
		t.Errorf("the text is not written again from the fields: %s", body)
	}
	if !strings.Contains(body, `<h1>Renamed draft</h1>`) || !strings.Contains(body, `class="witness"`) {
		t.Errorf("the preview does not show the document as its page does")
	}
	if got := f.doc().Title; got != "Test draft" {
		t.Errorf("a preview changed the stored title to %q", got)
	}
	form = formValues(t, body, path)
	form.Set("action", "save")
	if w := f.do(editor, "POST", path, form); w.Code != http.StatusSeeOther {
		t.Fatalf("save = %d: %s", w.Code, w.Body)
	}
	if d := f.doc(); d.Title != "Renamed draft" || d.Date.Start != "1977-05-20" || d.ID != f.id {
		t.Errorf("after the save title %q, date %s, id %s", d.Title, d.Date.Start, d.ID)
	}
}

func TestHistoryDiffRestore(t *testing.T) {
	f := newEditFixture(t)
	editor := f.signIn("edna", fonds.RoleEditor)
	contrib := f.signIn("carl", fonds.RoleContributor)
	v1 := f.doc().Version
	if w := f.apiPut(editor, v1, strings.Replace(f.text(), "alpha", "zeta", 1)); w.Code != http.StatusOK {
		t.Fatalf("PUT = %d: %s", w.Code, w.Body)
	}
	w := f.do(editor, "GET", "/documents/"+f.id+"/history", nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Edited through the API") {
		t.Fatalf("history = %d: %s", w.Code, w.Body)
	}
	w = f.do(editor, "GET", "/documents/"+f.id+"/diff?from="+strconv.Itoa(v1)+"&to="+strconv.Itoa(v1+1), nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "<del>alpha</del><ins>zeta</ins>") {
		t.Fatalf("diff = %d: %s", w.Code, w.Body)
	}
	if w := f.do(editor, "GET", "/documents/"+f.id+"/diff?from=99&to=1", nil); w.Code != http.StatusBadRequest {
		t.Errorf("diff of a version that is not = %d, want 400", w.Code)
	}
	restore := url.Values{"version": {strconv.Itoa(v1 + 1)}, "rev": {strconv.Itoa(v1)}}
	if w := f.do(contrib, "POST", "/documents/"+f.id+"/restore", clone(restore)); w.Code != http.StatusNotFound {
		t.Errorf("a contributor's restore = %d, want 404", w.Code)
	}
	if w := f.do(editor, "POST", "/documents/"+f.id+"/restore", restore); w.Code != http.StatusSeeOther {
		t.Fatalf("restore = %d: %s", w.Code, w.Body)
	}
	if d := f.doc(); d.Version != v1+2 || !strings.Contains(f.text(), "alpha") {
		t.Errorf("after restoring version %d: version %d, text\n%s", v1, d.Version, f.text())
	}
}

func clone(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// TestImageUpload uploads the image of a page, which the page records.
func TestImageUpload(t *testing.T) {
	f := newEditFixture(t)
	editor := f.signIn("edna", fonds.RoleEditor)
	img := image.NewGray(image.Rect(0, 0, 40, 60))
	img.Set(1, 1, color.White)
	var pic bytes.Buffer
	png.Encode(&pic, img)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", editor.csrf)
	mw.WriteField("version", strconv.Itoa(f.doc().Version))
	mw.WriteField("page", "2")
	fw, _ := mw.CreateFormFile("image", "scan.png")
	fw.Write(pic.Bytes())
	mw.Close()
	r := httptest.NewRequest("POST", "/documents/"+f.id+"/images", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: editor.token})
	w := httptest.NewRecorder()
	f.server.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload = %d: %s", w.Code, w.Body)
	}
	d := f.doc()
	if !regexp.MustCompile(`^0002-[0-9a-f]{8}\.png$`).MatchString(d.Pages[1].Facs) {
		t.Errorf("page 2's image = %q, want 0002-SUM.png", d.Pages[1].Facs)
	}
	if w := f.do(editor, "GET", "/documents/"+f.id+"/pages/2/edit", nil); !strings.Contains(w.Body.String(), `/iiif/image/`+f.id+`~2/full/!600,2400/0/default.jpg`) {
		t.Errorf("the page editor does not show the page's image: %s", w.Body)
	}
}

// TestEditFormsCSRF checks that every form that changes something, on
// every editing page, carries the session's CSRF token.
func TestEditFormsCSRF(t *testing.T) {
	f := newEditFixture(t)
	editor := f.signIn("edna", fonds.RoleEditor)
	if w := f.apiPut(editor, f.doc().Version, strings.Replace(f.text(), "@status draft", "@status review", 1)); w.Code != http.StatusOK {
		t.Fatalf("PUT = %d: %s", w.Code, w.Body)
	}
	post := regexp.MustCompile(`(?s)<form method="post"[^>]*>(.*?)</form>`)
	for _, path := range []string{"/edit/new", "/documents/" + f.id + "/edit", "/documents/" + f.id + "/pages/1/edit", "/documents/" + f.id + "/history", "/review"} {
		w := f.do(editor, "GET", path, nil)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d", path, w.Code)
			continue
		}
		forms := post.FindAllStringSubmatch(w.Body.String(), -1)
		if len(forms) == 0 {
			t.Errorf("GET %s has no form", path)
		}
		for _, m := range forms {
			if !strings.Contains(m[1], `name="csrf" value="`+editor.csrf+`"`) {
				t.Errorf("a form of %s has no CSRF token: %s", path, clip(m[0], 200))
			}
		}
	}
}

// TestHiddenLikeAbsent asks every editing route about a document the
// person may not see and about an id never stored, of the same length: the
// answers are the same but for the id (status, headers, body), so that
// they say nothing of whether the document exists.
func TestHiddenLikeAbsent(t *testing.T) {
	f := newEditFixture(t)
	ctx := context.Background()
	// A restricted draft, which contributors may not see either.
	d := f.doc()
	d.ID, d.Restricted = "restricted-draft", true
	if _, err := f.store.SaveDocument(ctx, d, fonds.Save{Author: "importer", Message: "import"}); err != nil {
		t.Fatal(err)
	}
	reader := f.signIn("rita", fonds.RoleReader)
	contrib := f.signIn("carl", fonds.RoleContributor)
	routes := []struct{ method, path string }{
		{"GET", "/documents/{id}/edit"},
		{"GET", "/documents/{id}/history"},
		{"GET", "/documents/{id}/diff?from=1&to=1"},
		{"GET", "/documents/{id}/pages/1/edit"},
		{"POST", "/documents/{id}/edit"},
		{"POST", "/documents/{id}/pages/1/edit"},
		{"POST", "/documents/{id}/images"},
		{"POST", "/documents/{id}/review"},
		{"POST", "/documents/{id}/restore"},
		{"PUT", "/api/v1/documents/{id}"},
	}
	people := []struct {
		name   string
		who    *client
		hidden string // a document they may not see
	}{
		{"anonymous", nil, f.id},
		{"reader", reader, f.id},
		{"contributor", contrib, "restricted-draft"},
		{"contributor", contrib, f.id}, // publishing and restoring only
	}
	answer := func(who *client, method, path, id string) string {
		t.Helper()
		p := strings.ReplaceAll(path, "{id}", id)
		var w *httptest.ResponseRecorder
		if method == "GET" {
			w = f.do(who, method, p, nil)
		} else {
			w = f.do(who, method, p, url.Values{"version": {"1"}, "text": {"Changed."}, "action": {"accept"}, "rev": {"1"}})
		}
		h := w.Header().Clone()
		h.Del("Date")
		h.Del("Content-Length")
		var b strings.Builder
		fmt.Fprintf(&b, "%d\n", w.Code)
		h.Write(&b)
		b.WriteString(w.Body.String())
		return strings.ReplaceAll(b.String(), id, "{id}")
	}
	for _, p := range people {
		for _, rt := range routes {
			publishing := strings.HasSuffix(rt.path, "/review") || strings.HasSuffix(rt.path, "/restore")
			if p.hidden == f.id && p.who == contrib && !publishing {
				continue // a draft the contributor may edit
			}
			t.Run(p.name+" "+rt.method+" "+rt.path, func(t *testing.T) {
				absent := strings.Repeat("x", len(p.hidden))
				got, want := answer(p.who, rt.method, rt.path, p.hidden), answer(p.who, rt.method, rt.path, absent)
				if got != want {
					t.Errorf("%s %s as %s answers\n%s\nwhere an id never stored answers\n%s", rt.method, strings.ReplaceAll(rt.path, "{id}", p.hidden), p.name, clip(got, 600), clip(want, 600))
				}
				if !strings.HasPrefix(got, "404\n") {
					t.Errorf("%s %s as %s = %s, want 404", rt.method, rt.path, p.name, clip(got, 3))
				}
			})
		}
	}
}

// TestNewDocumentTakenID creates documents whose texts make the id of a
// document that exists: an editor, who sees every document, is told; a
// contributor is told only of one they may see, and is otherwise answered
// as for an id no document has.
func TestNewDocumentTakenID(t *testing.T) {
	f := newEditFixture(t)
	ctx := context.Background()
	// The fixture's draft restricted: contributors may not see it.
	d := f.doc()
	d.Restricted = true
	if _, err := f.store.SaveDocument(ctx, d, fonds.Save{Author: "importer", Message: "restricted", Version: d.Version}); err != nil {
		t.Fatal(err)
	}
	visible := strings.Replace(editDraftText, "Pb 99/7", "Pb 99/5", 1)
	v, _, err := text.Parse(strings.NewReader(visible), "")
	if err != nil {
		t.Fatal(err)
	}
	v.Collection = "test"
	if _, err := f.store.SaveDocument(ctx, v, fonds.Save{Author: "importer", Message: "import"}); err != nil {
		t.Fatal(err)
	}
	editor := f.signIn("edna", fonds.RoleEditor)
	contrib := f.signIn("carl", fonds.RoleContributor)
	absent := strings.Replace(editDraftText, "Pb 99/7", "Pb 99/8", 1)
	absentID := strings.Replace(f.id, "99-7", "99-8", 1)
	post := func(who *client, txt string) *httptest.ResponseRecorder {
		return f.do(who, "POST", "/edit/new", url.Values{"text": {txt}, "collection": {"test"}, "action": {"save"}})
	}
	tests := []struct {
		name   string
		who    *client
		text   string
		status int
		where  string // the id the new document is saved under, as a pattern
	}{
		{"editor, hidden from contributors", editor, editDraftText, http.StatusConflict, ""},
		{"contributor, hidden", contrib, editDraftText, http.StatusSeeOther, regexp.QuoteMeta(f.id) + "-[a-z2-7]{8}"},
		{"contributor, never stored", contrib, absent, http.StatusSeeOther, regexp.QuoteMeta(absentID) + "-[a-z2-7]{8}"},
		{"contributor, visible", contrib, visible, http.StatusConflict, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := post(tt.who, tt.text)
			if w.Code != tt.status {
				t.Fatalf("POST /edit/new = %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.status == http.StatusConflict && !strings.Contains(w.Body.String(), "exists already") {
				t.Errorf("POST /edit/new does not say the id is taken: %s", w.Body)
			}
			if tt.where != "" {
				loc := w.Header().Get("Location")
				if !regexp.MustCompile(`^/documents/` + tt.where + `/edit\?saved=1$`).MatchString(loc) {
					t.Errorf("POST /edit/new goes to %q, want /documents/%s/edit?saved=1", loc, tt.where)
				}
			}
		})
	}
	if d := f.doc(); d.Version != 2 || !d.Restricted {
		t.Errorf("the hidden document changed: version %d, restricted %t", d.Version, d.Restricted)
	}
}

// TestPageEditOnePage edits the one page of documents without page
// markers: the page's text is what follows the heading, the access lines
// and the description, whichever of them the document has.
func TestPageEditOnePage(t *testing.T) {
	f := newEditFixture(t)
	editor := f.signIn("edna", fonds.RoleEditor)
	for _, tt := range []struct{ name, access string }{
		{"published", ""},
		{"draft", "@status draft\n\n"},
		{"restricted under embargo", "@status review\n@embargo 2999-01-01\n@restricted\n\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "19 May 1977* (Pb 99/9) One page\n\n" + tt.access + "A description of one page.\n\nThe only page’s text.\n"
			d, _, err := text.Parse(strings.NewReader(src), "")
			if err != nil {
				t.Fatal(err)
			}
			d.Collection = "test"
			if _, err := f.store.SaveDocument(context.Background(), d, fonds.Save{Author: "importer", Message: "import"}); err != nil {
				t.Fatal(err)
			}
			path := "/documents/" + d.ID + "/pages/1/edit"
			w := f.do(editor, "GET", path, nil)
			if w.Code != http.StatusOK {
				t.Fatalf("GET %s = %d: %s", path, w.Code, w.Body)
			}
			if got := formValues(t, w.Body.String(), "").Get("text"); got != "The only page’s text.\n" {
				t.Errorf("the text of page 1 of %q = %q, want the page's text alone", src, got)
			}
		})
	}
}

func TestIfMatchVersion(t *testing.T) {
	for _, tt := range []struct {
		match string
		n     int
		ok    bool
	}{
		{`"3"`, 3, true},
		{`W/"3"`, 3, true},
		{`3`, 3, true},
		{`"0"`, 0, false},
		{`"-3"`, 0, false},
		{`"+3"`, 0, false},
		{`W/3`, 0, false},
		{`"3`, 0, false},
		{`"3", "4"`, 0, false},
		{`*`, 0, false},
	} {
		if n, ok := ifMatchVersion(tt.match); n != tt.n && tt.ok || ok != tt.ok {
			t.Errorf("ifMatchVersion(%q) = %d, %t, want %d, %t", tt.match, n, ok, tt.n, tt.ok)
		}
	}
}

// TestAPIPutIfMatch sends the version as a weak tag, and as "*", which
// does not say one.
func TestAPIPutIfMatch(t *testing.T) {
	f := newEditFixture(t)
	editor := f.signIn("edna", fonds.RoleEditor)
	put := func(match, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("PUT", "/api/v1/documents/"+f.id, strings.NewReader(body))
		r.Header.Set("If-Match", match)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: editor.token})
		r.Header.Set("X-CSRF-Token", editor.csrf)
		w := httptest.NewRecorder()
		f.server.ServeHTTP(w, r)
		return w
	}
	v := f.doc().Version
	if w := put("*", strings.Replace(f.text(), "alpha", "alpha star", 1)); w.Code != http.StatusPreconditionRequired {
		t.Errorf("PUT with If-Match: * = %d, want %d", w.Code, http.StatusPreconditionRequired)
	}
	match := `W/"` + strconv.Itoa(v) + `"`
	if w := put(match, strings.Replace(f.text(), "alpha", "alpha weak", 1)); w.Code != http.StatusOK {
		t.Errorf("PUT with If-Match: %s = %d, want %d: %s", match, w.Code, http.StatusOK, w.Body)
	}
	if w := put(match, strings.Replace(f.text(), "beta", "beta stale", 1)); w.Code != http.StatusConflict {
		t.Errorf("PUT with a stale If-Match: %s = %d, want %d", match, w.Code, http.StatusConflict)
	}
}

// bigText returns a transcription of the draft whose first page holds
// about n bytes of words, each word unique to seed.
func bigText(seed string, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%s%d ", seed, i)
		if i%12 == 11 {
			b.WriteString("\n")
		}
	}
	return strings.Replace(editDraftText, "First page alpha.", b.String(), 1)
}

// TestDiffBounds compares versions too large to compare word by word: the
// diff page says they changed and links to both, the review page shows the
// first of its items' changes each cut to a few kilobytes and links to the
// others', so that both cost a bounded amount however large the texts.
func TestDiffBounds(t *testing.T) {
	f := newEditFixture(t)
	ctx := context.Background()
	editor := f.signIn("edna", fonds.RoleEditor)
	v1 := f.doc().Version
	if w := f.apiPut(editor, v1, bigText("w", maxDiffText+50<<10)); w.Code != http.StatusOK {
		t.Fatalf("PUT = %d: %s", w.Code, w.Body)
	}
	path := fmt.Sprintf("/documents/%s/diff?from=%d&to=%d", f.id, v1, v1+1)
	w := f.do(editor, "GET", path, nil)
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "too large to compare word by word") ||
		!strings.Contains(body, fmt.Sprintf(`href="/documents/%s.txt?rev=%d"`, f.id, v1+1)) || len(body) > 64<<10 {
		t.Errorf("GET %s = %d, %d bytes, want the versions too large to compare, linked: %s", path, w.Code, len(body), clip(body, 2000))
	}

	// Documents waiting for review, each a change of 200 kB.
	for i := range reviewDiffs + 2 {
		d, _, err := text.Parse(strings.NewReader(editDraftText), "")
		if err != nil {
			t.Fatal(err)
		}
		d.ID, d.Collection = fmt.Sprintf("waiting-%d", i), "test"
		if _, err := f.store.SaveDocument(ctx, d, fonds.Save{Author: "importer", Message: "import"}); err != nil {
			t.Fatal(err)
		}
		changed, _, err := text.Parse(strings.NewReader(bigText(fmt.Sprintf("n%d-", i), 200<<10)), "")
		if err != nil {
			t.Fatal(err)
		}
		changed.ID, changed.Collection, changed.Status = d.ID, d.Collection, fonds.StatusReview
		if _, err := f.store.SaveDocument(ctx, changed, fonds.Save{Author: "carl", Message: "transcribed", Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	w = f.do(editor, "GET", "/review", nil)
	body = w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("GET /review = %d: %s", w.Code, body)
	}
	if len(body) > (reviewDiffs+1)*(maxReviewDiff+4<<10) {
		t.Errorf("GET /review is %d bytes, want at most %d", len(body), (reviewDiffs+1)*(maxReviewDiff+4<<10))
	}
	if got := strings.Count(body, `<pre class="diff">`); got != reviewDiffs {
		t.Errorf("GET /review shows %d changes, want %d", got, reviewDiffs)
	}
	if got, want := strings.Count(body, "Only the start of the change is shown here"), reviewDiffs; got != want {
		t.Errorf("GET /review says %d changes are cut, want %d", got, want)
	}
	if got, want := strings.Count(body, ">See the change</a>"), 2; got != want {
		t.Errorf("GET /review links to %d changes not shown, want %d", got, want)
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("a", 100)
	for _, tt := range []struct {
		ops  []wdiff.Op
		want string
		cut  bool
	}{
		{[]wdiff.Op{{Kind: wdiff.Equal, Text: "one "}, {Kind: wdiff.Insert, Text: "two "}, {Kind: wdiff.Equal, Text: "three"}}, "=one +two =three", false},
		{[]wdiff.Op{{Kind: wdiff.Equal, Text: long}, {Kind: wdiff.Delete, Text: "x"}, {Kind: wdiff.Equal, Text: long}}, "= … aaaaaaaaaa-x=aaaaaaaaaa … ", false},
		{[]wdiff.Op{{Kind: wdiff.Insert, Text: long}, {Kind: wdiff.Equal, Text: "b"}}, "+" + strings.Repeat("a", 40) + " …", true},
		{[]wdiff.Op{{Kind: wdiff.Insert, Text: "x"}, {Kind: wdiff.Equal, Text: long}}, "+x=aaaaaaaaaa … ", false},
	} {
		out, cut := excerpt(tt.ops, 10, 40)
		var b strings.Builder
		for _, o := range out {
			b.WriteString(map[wdiff.Kind]string{wdiff.Equal: "=", wdiff.Insert: "+", wdiff.Delete: "-"}[o.Kind] + o.Text)
		}
		if b.String() != tt.want || cut != tt.cut {
			t.Errorf("excerpt(%v, 10, 40) = %q, %t, want %q, %t", tt.ops, b.String(), cut, tt.want, tt.cut)
		}
	}
}

// TestSavePublishedMeanwhile saves as a contributor a draft an editor
// published since the form was loaded: the contributor's text is shown
// back to copy, with why it cannot be saved; it is not stored.
func TestSavePublishedMeanwhile(t *testing.T) {
	f := newEditFixture(t)
	contrib := f.signIn("carl", fonds.RoleContributor)
	editor := f.signIn("edna", fonds.RoleEditor)
	for _, tt := range []struct{ path, action string }{
		{"/documents/" + f.id + "/edit", "/documents/" + f.id + "/edit"},
		{"/documents/" + f.id + "/pages/2/edit", ""},
	} {
		path := tt.path
		t.Run(path, func(t *testing.T) {
			form := formValues(t, f.do(contrib, "GET", path, nil).Body.String(), tt.action)
			form.Set("text", strings.Replace(form.Get("text"), "beta", "beta kept-unique", 1))
			form.Set("action", "save")
			d := f.doc()
			d.Status = fonds.StatusPublished
			if _, err := f.store.SaveDocument(context.Background(), d, fonds.Save{Author: "edna", Message: "published", Version: d.Version}); err != nil {
				t.Fatal(err)
			}
			w := f.do(contrib, "POST", path, form)
			body := w.Body.String()
			if w.Code != http.StatusConflict || !strings.Contains(body, "was published while you were working") || !strings.Contains(body, "beta kept-unique") {
				t.Errorf("POST %s after the document was published = %d, want 409 with the text kept: %s", path, w.Code, body)
			}
			if strings.Contains(f.text(), "kept-unique") {
				t.Errorf("the contributor's text was stored")
			}
			if w := f.do(contrib, "POST", path, url.Values{"text": {"x"}, "csrf": {"forged"}}); w.Code != http.StatusForbidden {
				t.Errorf("POST %s without the CSRF token = %d, want %d", path, w.Code, http.StatusForbidden)
			}
			// Back to draft, for the next.
			d = f.doc()
			d.Status = fonds.StatusDraft
			if _, err := f.store.SaveDocument(context.Background(), d, fonds.Save{Author: editor.name, Message: "draft again", Version: d.Version}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
