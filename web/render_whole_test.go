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
