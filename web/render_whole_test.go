package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
	"fonds/internal/testenv"
	"fonds/tei"
)

// readFRUSText reads the text of a FRUS document of the corpus.
func readFRUSText(t *testing.T, name string) fonds.Text {
	t.Helper()
	f, err := os.Open(filepath.Join(testenv.Corpus(t), "frus", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var text fonds.Text
	err = tei.Reader{}.ReadDocuments(f, name, func(d *fonds.Document, _ []fonds.Warning) error {
		text = d.Witnesses[0].Text
		return nil
	})
	if err != nil || text == nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return text
}

// TestRenderPageBreakInWord checks that a page break inside a word, as in
// "the Jan<pb n="33"/>uary 1976 proposals", leaves the word whole on the
// page, its marker after it.
func TestRenderPageBreakInWord(t *testing.T) {
	html := string(RenderText(readFRUSText(t, "frus1977-80v06_d11.xml"), ""))
	if strings.Contains(html, "Jan<") {
		i := strings.Index(html, "Jan<")
		t.Errorf("RenderText(d11) splits January: %q", html[i:min(len(html), i+120)])
	}
	want := `January<span class="page-marker" id="page-2"><a href="#page-2">[Page 2 (33)]</a></span> 1976 proposals`
	if !strings.Contains(html, want) {
		t.Errorf("RenderText(d11) has no %q", want)
	}
}

// TestRenderFootnotesNumberedOnce checks that a footnote is numbered by
// the source's mark alone: d5's first note in the text is the source's 2,
// listed as "2", not as item 1 of a numbered list.
func TestRenderFootnotesNumberedOnce(t *testing.T) {
	html := string(RenderText(readFRUSText(t, "frus1977-80v06_d5.xml"), ""))
	i := strings.Index(html, `<section class="footnotes"`)
	if i < 0 {
		t.Fatalf("RenderText(d5) has no footnotes section")
	}
	list := html[i:]
	if strings.Contains(list, "<ol") || strings.Contains(list, "<li") {
		t.Errorf("RenderText(d5) numbers its footnotes in a list of its own: %q", list)
	}
	if want := `<dt class="footnote-mark">2</dt><dd>See `; !strings.Contains(list, want) {
		t.Errorf("RenderText(d5) footnotes = %q, want note 2 marked 2", list)
	}
	if n := strings.Count(list, `class="footnote-mark">2<`); n != 1 {
		t.Errorf("RenderText(d5): mark 2 listed %d times, want 1", n)
	}
	if !strings.Contains(html, `<sup class="footnote-ref" id="fnref-1"><a href="#fn-1" aria-label="Note 2">2</a></sup>`) {
		t.Errorf("RenderText(d5): the mark in the text does not link to its note")
	}
}
