package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"fonds"
)

// workSection returns the ids of the documents the list key of a work page
// shows, and its heading, or ok false when the page has no such list.
func workSection(body, key string) (ids []string, heading string, ok bool) {
	i := strings.Index(body, `<section class="work-list" aria-labelledby="work-`+key+`">`)
	if i < 0 {
		return nil, "", false
	}
	sec := body[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	if m := regexp.MustCompile(`<h2[^>]*>([^<]*)</h2>`).FindStringSubmatch(sec); m != nil {
		heading = m[1]
	}
	for _, m := range regexp.MustCompile(`<li><a href="/documents/([^"/]+)/edit"`).FindAllStringSubmatch(sec, -1) {
		ids = append(ids, m[1])
	}
	return ids, heading, true
}

// TestWorkHeld lists for editors the published documents the public does
// not see yet, with the end of their embargo, a page at a time; a
// contributor sees neither list.
func TestWorkHeld(t *testing.T) {
	f := newEditFixture(t)
	ctx := context.Background()
	save := func(id, embargo string, restricted bool) {
		t.Helper()
		d := f.doc()
		d.ID, d.Status, d.Embargo, d.Restricted = id, fonds.StatusPublished, embargo, restricted
		if _, err := f.store.SaveDocument(ctx, d, fonds.Save{Author: "importer", Message: "import"}); err != nil {
			t.Fatal(err)
		}
	}
	save("open", "", false)
	save("closed", "", true)
	save("closed-later", "2999-01-01", true)
	save("ended", "1990-01-01", true)
	for i := range workPerList {
		save(fmt.Sprintf("later-%02d", i), "2998-05-19", false)
	}
	editor := f.signIn("edna", fonds.RoleEditor)
	w := f.do(editor, "GET", "/work", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /work = %d: %s", w.Code, w.Body)
	}
	body := w.Body.String()
	ids, heading, ok := workSection(body, "restricted")
	if want := []string{"ended", "closed-later", "closed"}; !ok || strings.Join(ids, " ") != strings.Join(want, " ") || heading != "Restricted (3)" {
		t.Errorf("the editor's list of restricted documents = %q %v (%v), want %q %v", heading, ids, ok, "Restricted (3)", want)
	}
	ids, heading, ok = workSection(body, "embargoed")
	if !ok || len(ids) != workPerList || heading != fmt.Sprintf("Embargoed (%d)", workPerList+1) {
		t.Fatalf("the editor's list of embargoed documents = %q, %d documents (%v), want %d of %d", heading, len(ids), ok, workPerList, workPerList+1)
	}
	if ids[0] != "later-49" || ids[len(ids)-1] != "later-00" {
		t.Errorf("the list of embargoed documents runs from %s to %s, want from the newest, later-49, to later-00", ids[0], ids[len(ids)-1])
	}
	for _, want := range []string{`Embargoed until <time datetime="2998-05-19">2998-05-19</time>`,
		`Embargoed until <time datetime="2999-01-01">2999-01-01</time>; restricted to readers granted access`} {
		if !strings.Contains(body, want) {
			t.Errorf("the work page does not say %q", want)
		}
	}
	if strings.Contains(body, "1990-01-01") {
		t.Errorf("the work page shows an embargo that is over")
	}
	next := `/work?after=later-00&amp;list=embargoed`
	if !strings.Contains(body, `<a href="`+next+`">`) {
		t.Fatalf("the list of embargoed documents has no link to its next page, %s", next)
	}
	w = f.do(editor, "GET", htmlUnescape(next), nil)
	ids, _, ok = workSection(w.Body.String(), "embargoed")
	if w.Code != http.StatusOK || !ok || strings.Join(ids, " ") != "closed-later" {
		t.Errorf("GET %s = %d, %v, want closed-later alone", next, w.Code, ids)
	}
	if _, _, ok := workSection(w.Body.String(), "restricted"); ok {
		t.Errorf("GET %s shows the other lists too", next)
	}

	contrib := f.signIn("connie", fonds.RoleContributor)
	w = f.do(contrib, "GET", "/work", nil)
	for _, key := range []string{"embargoed", "restricted", "withdrawn"} {
		if _, _, ok := workSection(w.Body.String(), key); ok {
			t.Errorf("the contributor's work page has the list %s", key)
		}
	}
	if _, _, ok := workSection(w.Body.String(), "draft"); !ok {
		t.Errorf("the contributor's work page has no list of drafts")
	}
	for _, path := range []string{"/work?list=embargoed", "/work?list=restricted&after=closed", "/work?list=secret", "/work?after=open"} {
		if w := f.do(contrib, "GET", path, nil); w.Code != http.StatusBadRequest {
			t.Errorf("GET %s as a contributor = %d, want %d", path, w.Code, http.StatusBadRequest)
		}
	}
	if w := f.do(editor, "GET", "/work?status=review", nil); w.Code != http.StatusOK {
		t.Errorf("GET /work?status=review = %d, want %d", w.Code, http.StatusOK)
	}
}

// TestWorkContributorRestricted lists for a contributor the drafts and
// documents in review they may see, not the restricted ones, nor their
// number, however many restricted ones come first.
func TestWorkContributorRestricted(t *testing.T) {
	f := newEditFixture(t)
	ctx := context.Background()
	save := func(id string, status fonds.Status, restricted bool) {
		t.Helper()
		d := f.doc()
		d.ID, d.Status, d.Restricted = id, status, restricted
		if _, err := f.store.SaveDocument(ctx, d, fonds.Save{Author: "importer", Message: "import"}); err != nil {
			t.Fatal(err)
		}
	}
	save("open-review", fonds.StatusReview, false)
	save("secret-review", fonds.StatusReview, true)
	save("open-draft", fonds.StatusDraft, false)
	for i := range workPerList + 5 {
		save(fmt.Sprintf("secret-%02d", i), fonds.StatusDraft, true)
	}
	contrib := f.signIn("connie", fonds.RoleContributor)
	w := f.do(contrib, "GET", "/work", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /work = %d: %s", w.Code, w.Body)
	}
	body := w.Body.String()
	if strings.Contains(body, "secret") {
		t.Errorf("the contributor's work page names a restricted document")
	}
	for _, tt := range []struct {
		key, heading string
		want         []string
	}{
		{"draft", "Drafts", []string{"open-draft", f.id}},
		{"review", "Waiting for review", []string{"open-review"}},
	} {
		ids, heading, ok := workSection(body, tt.key)
		if !ok || heading != tt.heading || strings.Join(ids, " ") != strings.Join(tt.want, " ") {
			t.Errorf("the contributor's list %s = %q %v (%v), want %q %v", tt.key, heading, ids, ok, tt.heading, tt.want)
		}
	}
	editor := f.signIn("edna", fonds.RoleEditor)
	_, heading, _ := workSection(f.do(editor, "GET", "/work", nil).Body.String(), "draft")
	if want := fmt.Sprintf("Drafts (%d)", workPerList+7); heading != want {
		t.Errorf("the editor's list of drafts = %q, want %q", heading, want)
	}
}
