package web

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"fonds"
	"fonds/internal/testenv"
	"fonds/tei"
)

// frusLists is front matter as FRUS volumes publish it (the corpus volumes
// carry none): a persons list and a list of abbreviations and terms.
const frusLists = `<front>
<div type="section" xml:id="persons"><head>Persons</head><list type="persons">
<item><hi rend="strong"><persName xml:id="p_SAA_1">Sakharov, Andrei A.</persName></hi>, Soviet physicist</item>
</list></div>
<div type="section" xml:id="terms"><head>Abbreviations and Terms</head><list type="terms">
<item><hi rend="strong"><term xml:id="t_SALT_1">SALT</term></hi>, Strategic Arms Limitation Talks</item>
</list></div>
</front>
`

// readFRUS reads the documents of a FRUS file's bytes.
func readFRUS(t *testing.T, b []byte, name string) []*fonds.Document {
	t.Helper()
	var docs []*fonds.Document
	err := tei.Reader{}.ReadDocuments(bytes.NewReader(b), name, func(d *fonds.Document, _ []fonds.Warning) error {
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		t.Fatalf("ReadDocuments(%s): %v", name, err)
	}
	return docs
}

// shownText returns what a reader of the HTML sees or hears: its text and
// the attributes read out or shown on hover.
func shownText(t *testing.T, page string) []string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for n := range root.Descendants() {
		switch n.Type {
		case html.TextNode:
			shown = append(shown, n.Data)
		case html.ElementNode:
			for _, a := range n.Attr {
				switch a.Key {
				case "title", "aria-label", "alt":
					shown = append(shown, a.Val)
				}
			}
		}
	}
	return shown
}

func TestFRUSIDsNeverShown(t *testing.T) {
	corpus := testenv.Corpus(t)
	singles, err := filepath.Glob(filepath.Join(corpus, "frus", "*.xml"))
	if err != nil || len(singles) == 0 {
		t.Fatalf("no FRUS files in %s (%v)", corpus, err)
	}
	type input struct {
		name string
		data []byte
	}
	var inputs []input
	for _, path := range append(singles,
		filepath.Join(corpus, "frus-volumes", "frus1977-80v02.xml"),
		filepath.Join(corpus, "frus-volumes", "frus1977-80v06.xml")) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{filepath.Base(path), b})
	}
	// The volume as FRUS publishes it, with its lists.
	vol := inputs[len(inputs)-1].data
	i := bytes.Index(vol, []byte("<body>"))
	withLists := bytes.Join([][]byte{vol[:i], []byte(frusLists), vol[i:]}, nil)
	inputs = append(inputs, input{"frus1977-80v06.xml", withLists})

	var expansions, names int
	for k, in := range inputs {
		lists := k == len(inputs)-1
		for _, d := range readFRUS(t, in.data, in.name) {
			for _, w := range d.Witnesses {
				page := string(RenderText(w.Text, "w-"))
				for _, s := range shownText(t, page) {
					for _, id := range []string{"#p_", "#t_", "p_", "t_"} {
						if strings.Contains(s, id) {
							t.Errorf("%s %s: a reader is shown %q (%s)", in.name, d.ID, s, id)
						}
					}
				}
				if !lists {
					continue
				}
				expansions += strings.Count(page, `<abbr title="Strategic Arms Limitation Talks">SALT</abbr>`)
				names += strings.Count(page, `title="Sakharov, Andrei A."`)
			}
		}
	}
	if expansions == 0 {
		t.Errorf("volume with lists: no SALT shown with its expansion")
	}
	if names == 0 {
		t.Errorf("volume with lists: no mention of Sakharov titled with the list's name")
	}
}
