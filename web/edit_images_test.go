package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fonds"
	"fonds/iiif"
)

// upload sends an image of w×h pixels for page n as the client.
func (f *editFixture) upload(c *client, n, w, h int) {
	f.t.Helper()
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		f.t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.csrf)
	mw.WriteField("version", strconv.Itoa(f.doc().Version))
	mw.WriteField("page", strconv.Itoa(n))
	fw, _ := mw.CreateFormFile("image", "scan.png")
	fw.Write(pic.Bytes())
	mw.Close()
	r := httptest.NewRequest("POST", "/documents/"+f.id+"/images", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.token})
	rec := httptest.NewRecorder()
	f.server.ServeHTTP(rec, r)
	if rec.Code != http.StatusSeeOther {
		f.t.Fatalf("upload of page %d = %d: %s", n, rec.Code, rec.Body)
	}
}

// canvasWidths returns the width of the image of each canvas of the
// document's IIIF manifest, 0 for a canvas without one.
func (f *editFixture) canvasWidths() []int {
	f.t.Helper()
	h, err := iiif.New(iiif.Config{Store: f.store, Images: f.images, BaseURL: "http://archive.test"})
	if err != nil {
		f.t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/iiif/"+f.id+"/manifest", nil)
	r = r.WithContext(fonds.WithRole(r.Context(), fonds.RoleEditor))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var m struct {
		Items []struct {
			Items []struct {
				Items []struct {
					Body struct{ Width int } `json:"body"`
				} `json:"items"`
			} `json:"items"`
		} `json:"items"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		f.t.Fatalf("GET manifest = %d %s: %v", w.Code, w.Body, err)
	}
	var ws []int
	for _, c := range m.Items {
		width := 0
		if len(c.Items) > 0 && len(c.Items[0].Items) > 0 {
			width = c.Items[0].Items[0].Body.Width
		}
		ws = append(ws, width)
	}
	return ws
}

// verify checks the sums of every original, failing the test at a problem.
func (f *editFixture) verify() {
	f.t.Helper()
	if _, err := f.images.Verify(context.Background(), func(p string) { f.t.Errorf("Verify: %s", p) }); err != nil {
		f.t.Fatal(err)
	}
}

// TestReorderImages moves and swaps the images of the draft's two pages
// from the page editor and the document editor: each a version with its
// message, the manifest in the new order, the sums still checked; a stale
// version, a missing token or a wrong page changes nothing.
func TestReorderImages(t *testing.T) {
	f := newEditFixture(t)
	editor := f.signIn("edna", fonds.RoleEditor)
	f.upload(editor, 1, 40, 60)
	f.upload(editor, 2, 80, 50)
	if got, want := f.canvasWidths(), []int{40, 80}; !slices.Equal(got, want) {
		t.Fatalf("the manifest's images before = %v, want %v", got, want)
	}
	for _, path := range []string{"/documents/" + f.id + "/pages/1/edit", "/documents/" + f.id + "/edit"} {
		body := f.do(editor, "GET", path, nil).Body.String()
		if !strings.Contains(body, `class="reorder"`) || !strings.Contains(body, `name="action" value="swap"`) {
			t.Errorf("GET %s has no form to reorder the images", path)
		}
	}
	reorder := func(c *client, v url.Values) *httptest.ResponseRecorder {
		t.Helper()
		if v.Get("version") == "" {
			v.Set("version", strconv.Itoa(f.doc().Version))
		}
		return f.do(c, "POST", "/documents/"+f.id+"/images", v)
	}
	for _, tt := range []struct {
		form    url.Values
		next    string
		message string
		want    []int
	}{
		{url.Values{"action": {"swap"}, "from": {"1"}, "to": {"2"}, "back": {"1"}}, "/pages/1/edit?saved=1",
			"Swapped the images of pages 1 and 2", []int{80, 40}},
		{url.Values{"action": {"move"}, "from": {"2"}, "to": {"1"}}, "/edit?saved=1",
			"Moved the image of page 2 to page 1", []int{40, 80}},
	} {
		was := f.doc()
		before := was.Version
		w := reorder(editor, tt.form)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/documents/"+f.id+tt.next {
			t.Fatalf("POST %v = %d %s, want a redirect to %s: %s", tt.form, w.Code, w.Header().Get("Location"), tt.next, w.Body)
		}
		d := f.doc()
		h, err := f.store.History(context.Background(), f.id)
		if err != nil || d.Version != before+1 || h[len(h)-1].Message != tt.message || h[len(h)-1].Author != "edna" {
			t.Errorf("after POST %v the document is at version %d (from %d), its last save %+v, %v; want the next, %q by edna", tt.form, d.Version, before, h[len(h)-1], err, tt.message)
		}
		for i, p := range d.Pages {
			if prefix := fmt.Sprintf("%04d-", p.N); !strings.HasPrefix(p.Facs, prefix) || p.Facs == was.Pages[i].Facs {
				t.Errorf("after POST %v page %d's image is %q (was %q), want a new name starting %s", tt.form, p.N, p.Facs, was.Pages[i].Facs, prefix)
			}
		}
		if got := f.canvasWidths(); !slices.Equal(got, tt.want) {
			t.Errorf("after POST %v the manifest's images = %v, want %v", tt.form, got, tt.want)
		}
		f.verify()
	}

	version := f.doc().Version
	for _, tt := range []struct {
		form url.Values
		code int
	}{
		{url.Values{"action": {"swap"}, "from": {"1"}, "to": {"2"}, "version": {strconv.Itoa(version - 1)}}, http.StatusConflict},
		{url.Values{"action": {"swap"}, "from": {"1"}, "to": {"2"}, "csrf": {"forged"}}, http.StatusForbidden},
		{url.Values{"action": {"swap"}, "from": {"1"}, "to": {"3"}}, http.StatusBadRequest},
		{url.Values{"action": {"swap"}, "from": {"1"}, "to": {"1"}}, http.StatusBadRequest},
		{url.Values{"action": {"rotate"}, "from": {"1"}, "to": {"2"}}, http.StatusBadRequest},
		{url.Values{"from": {"1"}, "to": {"2"}}, http.StatusBadRequest},
	} {
		if w := reorder(editor, tt.form); w.Code != tt.code {
			t.Errorf("POST %v = %d, want %d: %s", tt.form, w.Code, tt.code, w.Body)
		}
	}
	if d := f.doc(); d.Version != version {
		t.Errorf("refused reorders saved version %d", d.Version)
	}
	if got, want := f.canvasWidths(), []int{40, 80}; !slices.Equal(got, want) {
		t.Errorf("after refused reorders the manifest's images = %v, want %v", got, want)
	}
	f.verify()

	// A contributor may reorder the images of a draft, which then waits
	// for review; a reader may not see it at all.
	reader := f.signIn("rita", fonds.RoleReader)
	if w := reorder(reader, url.Values{"action": {"swap"}, "from": {"1"}, "to": {"2"}}); w.Code != http.StatusNotFound {
		t.Errorf("a reader's reorder = %d, want %d", w.Code, http.StatusNotFound)
	}
	contrib := f.signIn("connie", fonds.RoleContributor)
	if w := reorder(contrib, url.Values{"action": {"swap"}, "from": {"2"}, "to": {"1"}, "back": {"2"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("a contributor's reorder = %d: %s", w.Code, w.Body)
	}
	if d := f.doc(); d.Status != fonds.StatusReview {
		t.Errorf("after a contributor's reorder the status is %q, want %q", d.Status, fonds.StatusReview)
	}
	if got, want := f.canvasWidths(), []int{80, 40}; !slices.Equal(got, want) {
		t.Errorf("after the contributor's swap the manifest's images = %v, want %v", got, want)
	}
	f.verify()

	// Uploading the image of a page after a move replaces that page's
	// image alone.
	f.upload(editor, 1, 20, 30)
	if got, want := f.canvasWidths(), []int{20, 40}; !slices.Equal(got, want) {
		t.Errorf("after a new image of page 1 the manifest's images = %v, want %v", got, want)
	}
	f.verify()
}

// racingImages is the image store of a test in which someone saves the
// document while an image is being sent: once the image is stored, before
// the upload's save.
type racingImages struct {
	*iiif.Images
	f *editFixture
}

func (im racingImages) Add(id string, n int, r io.Reader) (string, error) {
	name, err := im.Images.Add(id, n, r)
	im.f.saveMeanwhile()
	return name, err
}

func (im racingImages) Put(id string, n int, r io.Reader) (string, error) {
	name, err := im.Images.Put(id, n, r)
	im.f.saveMeanwhile()
	return name, err
}

// saveMeanwhile saves the document as someone else does.
func (f *editFixture) saveMeanwhile() {
	d := f.doc()
	d.Summary += " Changed meanwhile."
	if _, err := f.store.SaveDocument(context.Background(), d, fonds.Save{Author: "eddy", Message: "meanwhile", Version: d.Version}); err != nil {
		f.t.Error(err)
	}
}

// TestImageUploadRace sends the image of a page while someone saves the
// document: the upload is refused (409), and the page keeps its image, in
// the folder and the manifest of sums, with no other image of the page
// left over; an upload that is saved leaves only the new image.
func TestImageUploadRace(t *testing.T) {
	f := newEditFixture(t)
	editor := f.signIn("edna", fonds.RoleEditor)
	f.upload(editor, 2, 40, 60)
	before := f.doc().Pages[1].Facs

	f.server.images = racingImages{f.images, f}
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewGray(image.Rect(0, 0, 90, 30))); err != nil {
		t.Fatal(err)
	}
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
	if w.Code != http.StatusConflict {
		t.Fatalf("an upload that lost the race = %d, want 409: %s", w.Code, w.Body)
	}
	if got := f.doc().Pages[1].Facs; got != before {
		t.Errorf("page 2's image after a refused upload = %q, want %q", got, before)
	}
	if got, want := f.canvasWidths(), []int{0, 40}; !slices.Equal(got, want) {
		t.Errorf("after a refused upload the manifest's images = %v, want %v", got, want)
	}
	f.verify()
	if got := f.pageFiles(2); !slices.Equal(got, []string{before}) {
		t.Errorf("after a refused upload page 2's files = %v, want %v", got, []string{before})
	}

	f.server.images = f.images
	f.upload(editor, 2, 70, 20)
	after := f.doc().Pages[1].Facs
	if got, want := f.canvasWidths(), []int{0, 70}; !slices.Equal(got, want) {
		t.Errorf("after an upload the manifest's images = %v, want %v", got, want)
	}
	f.verify()
	if got := f.pageFiles(2); after == before || !slices.Equal(got, []string{after}) {
		t.Errorf("after an upload page 2's files = %v (was %s), want %v alone", got, before, after)
	}
}

// pageFiles returns the names of the originals of page n in the folder.
func (f *editFixture) pageFiles(n int) []string {
	f.t.Helper()
	var names []string
	err := f.images.Walk(func(rel, path string) error {
		name := rel[strings.LastIndex(rel, "/")+1:]
		if strings.HasPrefix(rel, f.id+"/") && (strings.HasPrefix(name, fmt.Sprintf("%04d.", n)) || strings.HasPrefix(name, fmt.Sprintf("%04d-", n))) {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return names
}
