package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fonds"
	"fonds/bleve"
	"fonds/iiif"
	"fonds/internal/browsertest"
	"fonds/password"
	"fonds/reindex"
	"fonds/sqlite"
	"fonds/text"
)

// TestEditorsBrowser is the editors' day in a real browser: a contributor
// signs in and transcribes a page of a draft beside its image; an editor
// sees the change on the review page and publishes it; an anonymous reader
// then finds the document by a word of that page; and a second editor, who
// loaded the edit form before the publication, saves and gets the merge
// view with their text kept.
func TestEditorsBrowser(t *testing.T) {
	bctx := browsertest.Start(t)
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, err := bleve.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	images, err := iiif.OpenImages(filepath.Join(dir, "images"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutCollection(ctx, fonds.Collection{Slug: "test", Title: "Test collection"}); err != nil {
		t.Fatal(err)
	}
	d, _, err := text.Parse(strings.NewReader(editDraftText), "draft.txt")
	if err != nil {
		t.Fatal(err)
	}
	d.Collection = "test"
	scan := image.NewRGBA(image.Rect(0, 0, 300, 420))
	for x := range 300 {
		scan.Set(x, x, color.RGBA{200, 30, 30, 255})
	}
	var pic bytes.Buffer
	if err := png.Encode(&pic, scan); err != nil {
		t.Fatal(err)
	}
	if d.Pages[0].Facs, err = images.Put(d.ID, 1, &pic); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveDocument(ctx, d, fonds.Save{Author: "importer", Message: "import"}); err != nil {
		t.Fatal(err)
	}
	const pw = "correct horse battery staple"
	hash, err := password.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range map[string]fonds.Role{"carl": fonds.RoleContributor, "edna": fonds.RoleEditor, "eddy": fonds.RoleEditor} {
		if err := st.PutUser(ctx, &fonds.User{Name: name, Role: role, PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
	}

	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	srv, err := New(Config{Store: st, Index: ix, BaseURL: base, NoAccessLog: true, PageImages: images})
	if err != nil {
		t.Fatal(err)
	}
	ih, err := iiif.New(iiif.Config{Store: st, Images: images, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("/iiif/", ih)
	ts.Config.Handler = srv
	ts.Start()
	defer ts.Close()
	follow := reindex.NewFollower(st, ix, 0)

	run := func(bctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// submit runs the step that sends a form (a click, a submit) and waits
	// until the page it leads to has loaded, redirects followed, and
	// answered the status: a step that waited on the page it leaves could
	// see it go from under it.
	submit := func(bctx context.Context, what string, status int64, step chromedp.Action[chromedp.Void]) {
		t.Helper()
		resp, err := chromedp.RunResponse(bctx, step)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if resp.Status != status {
			t.Fatalf("%s: the page it leads to answers %d, want %d", what, resp.Status, status)
		}
	}
	eval := func(bctx context.Context, what, js string) any {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	// person returns a browser context of its own (its own cookies), signed
	// in through the login form.
	person := func(name string) context.Context {
		t.Helper()
		pctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		run(pctx, name+" opens the login form",
			chromedp.Navigate(ts.URL+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#login-name")),
			chromedp.SendKeys(chromedp.CSS("#login-name"), name),
			chromedp.SendKeys(chromedp.CSS("#login-password"), pw),
		)
		submit(pctx, name+" signs in", http.StatusOK, chromedp.Submit(chromedp.CSS("#login-password")))
		run(pctx, name+" is signed in", chromedp.WaitVisible(chromedp.CSS(".viewer-name")))
		return pctx
	}
	run(bctx, "start the browser", chromedp.Navigate(ts.URL+"/"))

	carl := person("carl")
	pagePath := "/documents/" + d.ID + "/pages/1/edit"
	run(carl, "the contributor opens page 1 beside its image",
		chromedp.Navigate(ts.URL+pagePath),
		chromedp.WaitVisible(chromedp.CSS(".pan img")),
	)
	if _, err := chromedp.Run(carl, chromedp.Poll[bool](`document.querySelector(".pan img").complete && document.querySelector(".pan img").naturalWidth > 0`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the page's image does not show beside its text: %v", err)
	}
	run(carl, "the contributor transcribes the page",
		chromedp.SetValue(chromedp.CSS("#text"), "[page one]\n\nFirst page transcribed: quetzalcoatlus.\n"),
	)
	submit(carl, "the contributor saves", http.StatusOK, chromedp.Click(chromedp.CSS(`button[value="save"]`)))
	run(carl, "the page says it is saved", chromedp.WaitVisible(chromedp.CSS(".saved")))
	got, err := st.Document(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != fonds.StatusReview {
		t.Errorf("after the contributor's save the status is %q, want review", got.Status)
	}

	// The second editor loads the edit form now, before the publication.
	eddy := person("eddy")
	editPath := "/documents/" + d.ID + "/edit"
	run(eddy, "the second editor opens the edit form",
		chromedp.Navigate(ts.URL+editPath),
		chromedp.WaitVisible(chromedp.CSS("#text")),
	)

	edna := person("edna")
	run(edna, "the editor opens the review page",
		chromedp.Navigate(ts.URL+"/review"),
		chromedp.WaitVisible(chromedp.CSS(".review-item")),
	)
	if ins := eval(edna, "the diff", `Array.from(document.querySelectorAll(".review-item ins"), e => e.textContent).join(" ")`); ins == nil || !strings.Contains(ins.(string), "quetzalcoatlus") {
		t.Errorf("the review page marks as added %q, want the contributor's word", ins)
	}
	submit(edna, "the editor publishes", http.StatusOK, chromedp.Click(chromedp.CSS(`.review-item button[value="accept"]`)))
	if left := eval(edna, "the review page after", `document.body.textContent.includes("Nothing waits for review")`); left != true {
		t.Errorf("after publishing, the review page still lists the document")
	}
	if got, err := st.Document(ctx, d.ID); err != nil || got.Status != fonds.StatusPublished {
		t.Fatalf("after the editor's accept: %v, %v", got.Status, err)
	}

	// The running server's index follows the store; here, one step.
	if err := follow.Step(ctx); err != nil {
		t.Fatal(err)
	}
	anon, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer cancel()
	run(anon, "an anonymous reader searches",
		chromedp.Navigate(ts.URL+"/search?q=quetzalcoatlus"),
		chromedp.WaitVisible(chromedp.CSS("#results-heading")),
	)
	if href := eval(anon, "the first hit", `(document.querySelector(".hit-title a") || {}).href || ""`); href == nil || !strings.Contains(href.(string), "/documents/"+d.ID) {
		t.Errorf("the search finds %v, want the published document", href)
	}

	run(eddy, "the second editor changes the stale form",
		chromedp.SetValue(chromedp.CSS("#text"), strings.Replace(editDraftText, "Second page beta.", "Second page beta, eddy's stale change.", 1)),
	)
	submit(eddy, "the second editor saves from the stale form", http.StatusConflict, chromedp.Click(chromedp.CSS(`button[value="save"]`)))
	run(eddy, "the merge view", chromedp.WaitVisible(chromedp.CSS("#conflict")))
	if kept := eval(eddy, "the text kept", `document.getElementById("text").value`); kept == nil || !strings.Contains(kept.(string), "eddy's stale change") {
		t.Errorf("the merge view does not keep the second editor's text: %v", kept)
	}
	if cur := eval(eddy, "the stored text shown", `document.querySelector(".merge textarea").value`); cur == nil || !strings.Contains(cur.(string), "quetzalcoatlus") {
		t.Errorf("the merge view does not show the stored text: %v", cur)
	}
	shot, err := chromedp.Run(eddy, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(browsertest.OutputDir(t), "editors-merge.png")
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
}
