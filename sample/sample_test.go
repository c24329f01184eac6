package sample

import (
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestFiles checks that the collection is large enough and that every
// document is valid UTF-8 and labelled as invented in its description, the
// paragraph after the heading, where a reader of any list sees it.
func TestFiles(t *testing.T) {
	names, err := fs.Glob(Files, "*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 14 {
		t.Errorf("sample holds %d documents, want at least 14", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b, err := fs.ReadFile(Files, name)
			if err != nil {
				t.Fatal(err)
			}
			if !utf8.Valid(b) {
				t.Fatalf("%s is not valid UTF-8", name)
			}
			if got := description(string(b)); !strings.Contains(got, "Invented example.") {
				t.Errorf("description of %s = %q, want it to contain %q", name, got, "Invented example.")
			}
		})
	}
}

// description returns the paragraph after the heading.
func description(s string) string {
	paras := strings.Split(strings.TrimLeft(strings.ReplaceAll(s, "\r\n", "\n"), "\n"), "\n\n")
	if len(paras) < 2 {
		return ""
	}
	return paras[1]
}
