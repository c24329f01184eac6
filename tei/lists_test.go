package tei

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
	"fonds/internal/testenv"
)

// frusFront is front matter as FRUS volumes publish it: a persons list and
// a list of abbreviations and terms, keyed by the ids the documents use.
const frusFront = `<front>
<div type="section" xml:id="persons"><head>Persons</head>
<list type="persons">
<item><hi rend="strong"><persName xml:id="p_SAA_1">Sakharov, Andrei A.</persName></hi>, Soviet physicist and human rights activist</item>
</list></div>
<div type="section" xml:id="terms"><head>Abbreviations and Terms</head>
<list type="terms">
<item><hi rend="strong"><term xml:id="t_SALT_1">SALT</term></hi>, Strategic Arms
    Limitation Talks</item>
</list></div>
</front>
`

// withLists returns the volume file with frusFront before its body: the
// corpus volumes carry no front matter.
func withLists(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("<body>"))
	if i < 0 {
		t.Fatalf("%s: no <body>", path)
	}
	return bytes.Join([][]byte{b[:i], []byte(frusFront), b[i:]}, nil)
}

// mentions returns the spans of d's witnesses whose Target is target.
func mentions(d *fonds.Document, target string) []fonds.Span {
	var out []fonds.Span
	for _, w := range d.Witnesses {
		w.Text.Walk(func(s fonds.Span) {
			if s.Target == target {
				out = append(out, s)
			}
		})
	}
	return out
}

func TestListsResolveIDs(t *testing.T) {
	corpus := testenv.Corpus(t)
	vol := withLists(t, filepath.Join(corpus, "frus-volumes", "frus1977-80v06.xml"))
	res, err := readAll(t, bytes.NewReader(vol), "frus1977-80v06.xml")
	if err != nil {
		t.Fatalf("ReadDocuments(volume with lists): %v", err)
	}
	want := map[string]string{"#t_SALT_1": "Strategic Arms Limitation Talks", "#p_SAA_1": "Sakharov, Andrei A."}
	found := map[string]int{}
	for _, r := range res {
		for target, label := range want {
			for _, s := range mentions(r.doc, target) {
				found[target]++
				if s.Label != label {
					t.Errorf("%s: %s mention %q: Label = %q, want %q", r.doc.ID, target, s.PlainText(), s.Label, label)
				}
			}
		}
		if got := mentions(r.doc, "#t_SALT_1"); len(got) > 0 {
			// The writer keeps the id in the text and the expansion in
			// the list before it: read back, the mention resolves again.
			out := writeDoc(t, r.doc)
			_, body, _ := strings.Cut(string(out), "<body>")
			if !strings.Contains(body, `target="#t_SALT_1"`) {
				t.Errorf("Write(%s) lost the term's id #t_SALT_1", r.doc.ID)
			}
			if strings.Contains(body, "Strategic Arms Limitation Talks") {
				t.Errorf("Write(%s) wrote the expansion into the text", r.doc.ID)
			}
			back, err := readAll(t, bytes.NewReader(out), "written.xml")
			if err != nil || len(back) != 1 {
				t.Fatalf("ReadDocuments(Write(%s)) = %d documents, %v", r.doc.ID, len(back), err)
			}
			for _, w := range back[0].warnings {
				if strings.Contains(w.Message, "front") {
					t.Errorf("ReadDocuments(Write(%s)) warns %q", r.doc.ID, w.Message)
				}
			}
			for target, label := range want {
				for _, s := range mentions(back[0].doc, target) {
					if s.Label != label {
						t.Errorf("ReadDocuments(Write(%s)): %s Label = %q, want %q", r.doc.ID, target, s.Label, label)
					}
				}
			}
		}
	}
	for target := range want {
		if found[target] == 0 {
			t.Errorf("volume: no mention of %s", target)
		}
	}

	// A single file has no lists: the ids stay, nothing resolves.
	one := readFile(t, filepath.Join(corpus, "frus", "frus1977-80v06_d1.xml"))
	salt := mentions(one[0].doc, "#t_SALT_1")
	if len(salt) == 0 {
		t.Fatalf("frus1977-80v06_d1: no mention of #t_SALT_1")
	}
	for _, s := range salt {
		if s.Label != "" {
			t.Errorf("single file: %q Label = %q, want none", s.PlainText(), s.Label)
		}
	}
}

func TestReadList(t *testing.T) {
	tests := []struct {
		item, id, name, rest string
	}{
		{`<item><hi rend="strong"><term xml:id="t_ABM_1">ABM</term></hi>, anti-ballistic missile</item>`, "t_ABM_1", "ABM", "anti-ballistic missile"},
		{`<item xml:id="t_X_1"><hi rend="strong">X</hi>: a term</item>`, "t_X_1", "X", "a term"},
		{`<item><persName xml:id="p_VC_1">Vance, Cyrus R.</persName>, Secretary of State</item>`, "p_VC_1", "Vance, Cyrus R.", "Secretary of State"},
		{`<item xml:id="p_N_1">Nobody</item>`, "p_N_1", "Nobody", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			dec := newDecoder(strings.NewReader(`<list xmlns="http://www.tei-c.org/ns/1.0">`+tt.item+`</list>`), "list.xml")
			root, err := dec.root()
			if err != nil {
				t.Fatal(err)
			}
			list, err := dec.readTree(xml.StartElement(root))
			if err != nil {
				t.Fatal(err)
			}
			rd := &reader{}
			rd.readList(list)
			got := rd.entries[tt.id]
			if got.name != tt.name || got.rest != tt.rest {
				t.Errorf("readList(%q)[%s] = %+v, want {%s %s}", tt.item, tt.id, got, tt.name, tt.rest)
			}
		})
	}
}
