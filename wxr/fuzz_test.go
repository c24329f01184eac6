package wxr

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"fonds"
	"fonds/internal/testenv"
)

// FuzzRead reads arbitrary input as an export: it must never panic, every
// error must be a *fonds.ParseError naming the file, and every document
// must hold valid UTF-8 and an id.
func FuzzRead(f *testing.F) {
	// The corpus, where there is one, seeds the fuzzer; without it the
	// invented exports do.
	for _, dir := range []string{filepath.Join(testenv.CorpusDir(), "wxr"), "testdata"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, path := range files {
			b, err := os.ReadFile(path)
			if err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><item><title>1 May 1977</title><content:encoded><![CDATA[<p>[page two] <u><em>x</em></u> [a [b] c] … <table><tr><td>1</td></tr></table></p>]]></content:encoded><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, rd := range []Reader{bukovsky, {}} {
			docs, _, err := read(t, rd, data, "fuzz.xml")
			if err != nil {
				var pe *fonds.ParseError
				if !errors.As(err, &pe) || pe.Path != "fuzz.xml" {
					t.Fatalf("ReadDocuments = %v (%T), want a *fonds.ParseError for fuzz.xml", err, err)
				}
				continue
			}
			for _, d := range docs {
				if d.ID == "" {
					t.Errorf("document without an id: %+v", d)
				}
				if !utf8.ValidString(d.Title) || !utf8.ValidString(d.Witnesses[0].Text.PlainText()) {
					t.Errorf("document %s holds invalid UTF-8", d.ID)
				}
				if len(d.Pages) == 0 {
					t.Errorf("document %s has no pages", d.ID)
				}
			}
		}
	})
}
