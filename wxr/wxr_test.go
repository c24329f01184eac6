package wxr

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"fonds"
	"fonds/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// corpusDir returns the folder of real WordPress exports, read in place,
// or skips the test without the shared corpus.
func corpusDir(t testing.TB) string {
	t.Helper()
	return filepath.Join(testenv.Corpus(t), "wxr")
}

var bukovsky = Reader{Conventions: Conventions{ItalicIsHandwriting: true}}

// read returns the documents of an export and the warnings about each.
func read(t testing.TB, rd Reader, data []byte, name string) ([]*fonds.Document, [][]fonds.Warning, error) {
	t.Helper()
	var docs []*fonds.Document
	var warnings [][]fonds.Warning
	err := rd.ReadDocuments(bytes.NewReader(data), name, func(d *fonds.Document, ws []fonds.Warning) error {
		docs = append(docs, d)
		warnings = append(warnings, ws)
		return nil
	})
	return docs, warnings, err
}

func readFile(t *testing.T, rd Reader, path string) ([]*fonds.Document, [][]fonds.Warning) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	docs, ws, err := read(t, rd, data, path)
	if err != nil {
		t.Fatalf("ReadDocuments(%s): %v", path, err)
	}
	return docs, ws
}

// TestCorpus reads every real export: each reads without error, each post
// published becomes a document with a date and a text.
func TestCorpus(t *testing.T) {
	want := map[string]int{"small-export.xml": 5, "valid-wxr-1.1.xml": 1, "wxr-utf-8-challenges.xml": 1}
	dir := corpusDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files in %s: %v", dir, err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			docs, warnings := readFile(t, bukovsky, path)
			if n, ok := want[filepath.Base(path)]; ok && len(docs) != n {
				t.Errorf("ReadDocuments(%s) gave %d documents, want %d", path, len(docs), n)
			}
			for i, d := range docs {
				if d.ID == "" || d.Date.IsZero() || len(d.Witnesses) != 1 || len(d.Witnesses[0].Text) == 0 || len(d.Aliases) == 0 {
					t.Errorf("document %d of %s is incomplete: %+v", i, path, d)
				}
				for _, w := range warnings[i] {
					t.Logf("%s: %s:%d: %s", d.ID, filepath.Base(path), w.Line, w.Message)
				}
			}
		})
	}
}

// TestUTF8Challenges checks that text full of combining marks, direction
// controls, zero-width characters and astral letters comes through as it
// was written, and is not taken for mojibake.
func TestUTF8Challenges(t *testing.T) {
	docs, warnings := readFile(t, bukovsky, filepath.Join(corpusDir(t), "wxr-utf-8-challenges.xml"))
	d := docs[0]
	for _, s := range []string{"\u202eNot\u202c", "🌲"} {
		if !strings.Contains(d.Title, s) {
			t.Errorf("title %q lacks %q", d.Title, s)
		}
	}
	body := d.Witnesses[0].Text.PlainText()
	for _, s := range []string{"T̷̢̯̭̈w̴̰̜̾o̷͉̅", "𝓣𝓮𝓼𝓽", "السلام عليكم", "\u200b\u200c\u200d\u2060\ufeff", "wo\u202eod,\u202c", "🚀🌟💫"} {
		if !strings.Contains(body, s) {
			t.Errorf("text lacks %q", s)
		}
	}
	for _, w := range warnings[0] {
		if strings.Contains(w.Message, "mojibake") || strings.Contains(w.Message, "UTF-8") {
			t.Errorf("warning %q on text that is sound", w.Message)
		}
	}
	if len(d.Categories) != 1 || !strings.Contains(d.Categories[0], "🎭") {
		t.Errorf("categories %q, want the one with 🎭", d.Categories)
	}
}

// TestGolden reads the invented archive-style exports against their golden
// files: the documents as JSON, each followed by its warnings.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		if strings.HasPrefix(filepath.Base(path), "bad-") {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			docs, warnings := readFile(t, bukovsky, path)
			type entry struct {
				Document *fonds.Document
				Warnings []fonds.Warning
			}
			var entries []entry
			for i, d := range docs {
				entries = append(entries, entry{d, warnings[i]})
			}
			got, err := json.MarshalIndent(entries, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(path, ".xml") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("ReadDocuments(%s) differs from %s:\n%s", path, golden, got)
			}
		})
	}
}

// TestArchive checks the points of the invented export that matter most,
// so that a change of the golden file cannot hide them.
func TestArchive(t *testing.T) {
	docs, warnings := readFile(t, bukovsky, filepath.Join("testdata", "archive.xml"))
	if len(docs) != 4 {
		t.Fatalf("got %d documents, want 4", len(docs))
	}
	first := docs[0]
	checks := []struct {
		what      string
		got, want any
	}{
		{"ID", first.ID, "1976-03-12-pb-3-45"},
		{"Title", first.Title, "Exit visas"},
		{"Source", first.Source, "R 12 March 1976, Pb 3-45"},
		{"Excerpt", first.Excerpt, true},
		{"Categories", strings.Join(first.Categories, ";"), "2.1;5;Emigration"},
		{"Persons", len(first.Persons), 1},
		{"Aliases", strings.Join(first.Aliases, " "), "/1976/03/pb-3-45/ /?p=101"},
		{"Role", first.Witnesses[0].Role, fonds.RoleTranslation},
		{"Credits", len(first.Witnesses[0].Credits), 1},
		{"Status", first.Status, fonds.Status("")},
		{"heading from content", docs[1].Title, "Writers' Union"},
		{"language", docs[1].Languages[0], "ru"},
		{"page date", docs[1].Pages[0].Date.Start, "1970-05-11"},
		{"fallback date", docs[2].Date.Start, "2013-04-05"},
		{"mojibake", docs[2].Witnesses[0].Text[0].Spans[0].Text, "The collection holds “invented” documents."},
		{"page document", docs[3].ID, "undated-st-1-2"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	summary := ""
	for _, ws := range warnings {
		for _, w := range ws {
			summary += w.Message + "\n"
		}
	}
	for _, s := range []string{`status "draft"`, `type "attachment"`, `type "nav_menu_item"`, "a page without a dated catalogue heading"} {
		if !strings.Contains(summary, s) {
			t.Errorf("the warnings do not say skipped %s:\n%s", s, summary)
		}
	}
}

func TestBadInput(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	const open = `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>` + "\n"
	const post = `<item><title>1 May 1977 Test</title><content:encoded><![CDATA[Words.]]></content:encoded><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>` + "\n"
	const end = "</channel></rss>\n"
	tests := []struct {
		name  string
		input string
		line  int    // of the error; -1 when no error is wanted
		msg   string // in the error
	}{
		{"empty", "", 1, "not a WordPress export"},
		{"not XML", "hello, world\n", 1, "not a WordPress export"},
		{"not rss", head + "<feed/>\n", 2, "not <rss>"},
		{"unclosed", head + open + post + "<item><title>x</title>\n", 5, "invalid XML"},
		{"mismatched", head + open + "<item>\n<title>x</tilte>\n</item>" + end, 4, "invalid XML"},
		{"no posts", head + open + end, 0, "no published posts"},
		{"drafts only", head + open + strings.Replace(post, "publish", "draft", 1) + end, 0, `status "draft"`},
		{"undefined entity", head + open + "<item><title>&bogus;</title></item>\n" + end, 3, "invalid XML"},
		{"entity bomb", head + `<!DOCTYPE rss [
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
` + open + "<item><title>&d;</title></item>\n" + end, 9, "invalid XML"},
		{"external entity", head + `<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>` + "\n" + open + "<item><title>&x;</title></item>\n" + end, 4, "invalid XML"},
		{"doctype unused", head + `<!DOCTYPE rss [<!ENTITY x "never used">]>` + "\n" + open + post + end, -1, ""},
		{"nbsp entity", head + open + strings.Replace(post, "Test", "Test&nbsp;one", 1) + end, -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, _, err := read(t, bukovsky, []byte(tt.input), "in.xml")
			if tt.line < 0 {
				if err != nil || len(docs) != 1 {
					t.Fatalf("ReadDocuments(%s) = %d documents, %v; want 1, no error", tt.name, len(docs), err)
				}
				return
			}
			var pe *fonds.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ReadDocuments(%s) = %v, want a *fonds.ParseError", tt.name, err)
			}
			if pe.Path != "in.xml" || pe.Line != tt.line || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("ReadDocuments(%s) = %q (line %d), want line %d and %q", tt.name, err, pe.Line, tt.line, tt.msg)
			}
			if !errors.Is(err, fonds.ErrInvalid) {
				t.Errorf("ReadDocuments(%s) = %v, not ErrInvalid", tt.name, err)
			}
			if strings.Contains(err.Error(), "aaaaaaaa") {
				t.Errorf("ReadDocuments(%s) expanded an entity: %v", tt.name, err)
			}
		})
	}
}

// TestCallbackError checks that an error of fn stops the reading and comes
// back as it was.
func TestCallbackError(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "archive.xml"))
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	n := 0
	err = bukovsky.ReadDocuments(bytes.NewReader(data), "archive.xml", func(*fonds.Document, []fonds.Warning) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("ReadDocuments with a failing fn = %v after %d calls, want stop after 1", err, n)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{`<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">`, true},
		{"\uFEFF<!-- generator -->\n<rss\n\txmlns:wp=\"http://wordpress.org/export/1.0/\"\n>", true},
		{`<?xml version="1.0"?><rss version="2.0"><channel>`, false},
		{`<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0">`, false},
		{"19 May 1977* (Pb 56/68) about <rss and wordpress.org/export/", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
	for _, name := range []string{"small-export.xml", "valid-wxr-1.1.xml", "wxr-utf-8-challenges.xml"} {
		b, err := os.ReadFile(filepath.Join(corpusDir(t), name))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 4096 {
			b = b[:4096]
		}
		if !Sniff(b) {
			t.Errorf("Sniff(first 4 KiB of %s) = false, want true", name)
		}
	}
}

func TestRepairBytes(t *testing.T) {
	tests := []struct {
		name, in, want, warning string
	}{
		{"sound", "<a>é</a>", "<a>é</a>", ""},
		{"byte order mark", "\uFEFF<a>ж€😀</a>", "<a>ж€😀</a>", ""},
		{"latin-1 byte", "<a>caf\xe9</a>", "<a>café</a>", "not UTF-8"},
		{"windows-1252 quote", "<a>\x93q\x94</a>", "<a>“q”</a>", "not UTF-8"},
		{"control", "<a>x\x0by</a>", "<a>xy</a>", "control character"},
		{"declared latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xe9</a>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xe9</a>", ""},
	}
	for _, tt := range tests {
		// Read whole, and a byte at a time, which cuts every character in
		// two.
		for _, rd := range []func(string) io.Reader{
			func(s string) io.Reader { return strings.NewReader(s) },
			func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		} {
			p, err := newRepairer(rd(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(p)
			if err != nil {
				t.Fatal(err)
			}
			ws := p.take()
			if string(got) != tt.want {
				t.Errorf("repairer(%s) = %q, want %q", tt.name, got, tt.want)
			}
			if (tt.warning == "") != (len(ws) == 0) || (len(ws) > 0 && !strings.Contains(ws[0].Message, tt.warning)) {
				t.Errorf("repairer(%s) warnings %v, want %q", tt.name, ws, tt.warning)
			}
		}
	}
}

func TestAliases(t *testing.T) {
	tests := []struct {
		name string
		it   item
		base string
		want string
	}{
		{"permalink", item{link: "https://a.example/1977/05/pb-56-68/", guid: "https://a.example/?p=12", postID: "12"}, "https://a.example", "/1977/05/pb-56-68/ /?p=12"},
		{"plain link", item{link: "http://a.example/?p=3", guid: "http://a.example/?p=3", postID: "3"}, "http://a.example", "/?p=3"},
		{"subfolder", item{link: "https://a.example/blog/x/", postID: "7"}, "https://a.example/blog", "/blog/x/ /blog/?p=7"},
		{"escaped", item{link: "https://a.example/%D0%B4%D0%BE%D0%BA/", postID: "8"}, "", "/док/ /?p=8"},
		{"nothing", item{}, "", ""},
	}
	for _, tt := range tests {
		got := strings.Join(aliases(tt.it, channel{baseBlogURL: tt.base}), " ")
		if got != tt.want {
			t.Errorf("aliases(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
