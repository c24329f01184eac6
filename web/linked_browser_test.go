package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fonds"
	"fonds/internal/browsertest"
)

// TestBrowserLinkedEdition walks the linked edition in a real browser: from
// a document to a person it mentions, from the person's page to another
// document that names him, from there to a document under "Cited by", and
// back through the browser's history.
func TestBrowserLinkedEdition(t *testing.T) {
	f := newLinksFixture(t)
	start := linksDoc(5, "1977-05-25", "Later", fonds.StatusPublished, linksText(
		[]fonds.Span{linksWords("A letter of "), {Kind: fonds.SpanPerson, Text: "Сахарова"}, linksWords(" arrived.")}))
	f.put(start)
	ts := httptest.NewServer(f.server) // listens on 127.0.0.1
	defer ts.Close()
	bctx := browsertest.Start(t)

	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	at := func(what, path string) {
		t.Helper()
		var loc string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if l, err := chromedp.Run(bctx, chromedp.Location()); err == nil {
				loc = l
				if strings.HasSuffix(loc, path) {
					return
				}
			}
		}
		t.Fatalf("%s: at %s, want %s", what, loc, path)
	}
	person := entityPath(fonds.EntityPerson, "saharov")
	run("open the letter and follow the mention of Sakharov",
		chromedp.Navigate(ts.URL+documentPath(start.ID)),
		chromedp.Click(chromedp.CSS(`a[href="`+person+`"]`)),
	)
	at("the mention leads to the person", person)
	run("follow the person's page to the other document that names him",
		chromedp.WaitVisible(chromedp.CSS(`a[href="`+documentPath(linksID(2))+`"]`)),
		chromedp.Click(chromedp.CSS(`a[href="`+documentPath(linksID(2))+`"]`)),
	)
	at("the person's page leads to document 2", documentPath(linksID(2)))
	run("follow Cited by to the document that cites it",
		chromedp.WaitVisible(chromedp.CSS(`.cited-by a[href="`+documentPath(linksID(4))+`"]`)),
		chromedp.Click(chromedp.CSS(`.cited-by a[href="`+documentPath(linksID(4))+`"]`)),
	)
	at("Cited by leads to document 4", documentPath(linksID(4)))
	back := func() {
		t.Helper()
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[any](`history.back(); true`)); err != nil {
			t.Fatalf("history.back(): %v", err)
		}
	}
	back()
	at("back at document 2", documentPath(linksID(2)))
	back()
	at("back at the person", person)
	back()
	at("back at the letter", documentPath(start.ID))
}
