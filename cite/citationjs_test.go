package cite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/internal/testenv"
	"fonds/sample"
	"fonds/text"
)

// The citation-js packages the round trip reads the files with, pinned so
// that a new release cannot change what the test means.
var citationJS = []string{
	"@citation-js/core@0.8.2",
	"@citation-js/plugin-bibtex@0.8.2",
	"@citation-js/plugin-ris@0.8.2",
	"@citation-js/plugin-csl@0.8.2",
}

// readBack is the node script that parses each file with citation-js and
// prints what it read as CSL-JSON, with the raw tags of each RIS record:
// citation-js maps no RIS tag to the translators of a manuscript, so those
// are checked on the tags themselves.
const readBack = `
const { Cite } = require('@citation-js/core')
require('@citation-js/plugin-bibtex')
require('@citation-js/plugin-ris')
require('@citation-js/plugin-csl')
const ris = require('@citation-js/plugin-ris/lib/ris.js')
const fs = require('fs')
const files = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const out = {}
for (const f of files) {
  const text = fs.readFileSync(f.path, 'utf8')
  try {
    let cite
    if (f.format === 'csl') cite = new Cite(JSON.parse(text))
    else cite = new Cite(text, { forceType: f.format === 'bibtex' ? '@biblatex/text' : '@ris/file' })
    const items = cite.data.map(d => { const c = Object.assign({}, d); delete c._graph; return c })
    out[f.path] = { items, raw: f.format === 'ris' ? ris.parse(text) : null }
  } catch (e) {
    out[f.path] = { error: String(e && e.stack || e) }
  }
}
process.stdout.write(JSON.stringify(out))
`

// installCitationJS installs citation-js into a temporary folder, or skips
// the test when node, npm or the registry is not there.
func installCitationJS(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped in -short mode: installs citation-js from the npm registry")
	}
	for _, tool := range []string{"node", "npm"} {
		testenv.Tool(t, tool)
	}
	dir := t.TempDir()
	// A deadline keeps a registry that never answers from hanging the
	// test; it is a safeguard, not a measure of speed.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"install", "--prefix", dir, "--no-audit", "--no-fund", "--no-save", "--loglevel=error"}, citationJS...)
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		testenv.Missing(t, "npm install citation-js failed (registry unavailable?): %v\n%s", err, out)
	}
	return dir
}

// corpusDocuments returns the documents the round trip cites: the seed, the
// sample collection, and invented ones for what those lack.
func corpusDocuments(t *testing.T) map[string]Item {
	t.Helper()
	items := make(map[string]Item)
	cite := func(name string, d *fonds.Document, collection string) {
		items[name] = NewItem(d, collection, "Fonds", "https://archive.example/doc/"+d.ID+"?rev=2", accessed)
	}
	parse := func(r io.Reader, name string) *fonds.Document {
		d, _, err := text.Parse(r, name)
		if err != nil {
			t.Fatalf("text.Parse(%s): %v", name, err)
		}
		return d
	}

	seed := filepath.Join(testenv.Corpus(t), "seed", "000_4215be4c9e9eb522.txt")
	f, err := os.Open(seed)
	if err != nil {
		t.Fatalf("open the seed: %v", err)
	}
	cite("seed", parse(f, seed), "Bukovsky Archive (sample)")
	f.Close()

	names, err := fs.Glob(sample.Files, "*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("sample files: %v, %d", err, len(names))
	}
	for _, n := range names {
		f, err := sample.Files.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		cite("sample-"+strings.TrimSuffix(n, ".txt"), parse(f, n), sample.Title)
		f.Close()
	}

	cite("invented-month", invented(), "Коллекция {test} & co")

	approx := invented()
	approx.ID = "1968-approximate"
	approx.Title = ""
	approx.Summary = "Ministry of Foreign Affairs. Memorandum on «Хроника текущих событий», 50% of copies seized. Invented example."
	approx.Creator = "Ministry of Foreign Affairs"
	approx.Date = fonds.Date{Start: "1968-01-01", End: "1968-12-31", Precision: fonds.PrecisionYear, Approximate: true, Written: "c. 1968"}
	approx.References = nil
	approx.Witnesses[1].Credits = []fonds.Credit{
		{Role: "translator", Name: "Anna Lisitsyna"},
		{Role: "translator", Name: "Пётр Ашдаун"},
		{Role: "translator", Name: "Helen Marsh"},
	}
	cite("invented-approximate", approx, "")

	span := invented()
	span.ID = "1977-05-19-span"
	span.Title = "Over three days"
	span.Date = fonds.Date{Start: "1977-05-19", End: "1977-05-21", Precision: fonds.PrecisionDay}
	span.Creator = ""
	cite("invented-span", span, sample.Title)

	cite("invented-volume", inventedVolume(), volumeTitle)
	return items
}

// read is what citation-js read from one file.
type read struct {
	Items []map[string]any `json:"items"`
	Raw   []map[string]any `json:"raw"`
	Error string           `json:"error"`
}

// TestCitationJSRoundTrip writes the BibTeX, RIS and CSL-JSON of every
// document, reads each back with citation-js, and checks that it says what
// the Item says.
func TestCitationJSRoundTrip(t *testing.T) {
	dir := installCitationJS(t)
	items := corpusDocuments(t)

	type file struct {
		Path   string `json:"path"`
		Format string `json:"format"`
		name   string
	}
	var files []file
	writers := map[string]func(io.Writer, Item) error{"bibtex": WriteBibTeX, "ris": WriteRIS, "csl": WriteCSLJSON}
	ext := map[string]string{"bibtex": ".bib", "ris": ".ris", "csl": ".json"}
	for name, it := range items {
		for _, format := range []string{"bibtex", "ris", "csl"} {
			var b bytes.Buffer
			if err := writers[format](&b, it); err != nil {
				t.Fatalf("write %s of %s: %v", format, name, err)
			}
			path := filepath.Join(dir, name+ext[format])
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file{Path: path, Format: format, name: name})
		}
	}
	list, _ := json.Marshal(files)
	listPath := filepath.Join(dir, "files.json")
	scriptPath := filepath.Join(dir, "read.js")
	if err := os.WriteFile(listPath, list, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(scriptPath, []byte(readBack), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", scriptPath, listPath)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node read.js: %v\n%s", err, stderr.Bytes())
	}
	var results map[string]read
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("citation-js output: %v\n%s", err, out)
	}

	for _, f := range files {
		t.Run(f.name+"/"+f.Format, func(t *testing.T) {
			it := items[f.name]
			r, ok := results[f.Path]
			switch {
			case !ok:
				t.Fatalf("citation-js did not read %s", f.Path)
			case r.Error != "":
				t.Fatalf("citation-js could not read %s: %s", f.Path, r.Error)
			case len(r.Items) != 1:
				t.Fatalf("citation-js read %d items from %s, want 1", len(r.Items), f.Path)
			}
			got := r.Items[0]
			check := func(field string, got, want any) {
				t.Helper()
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s: citation-js read %s = %v, want %v", f.Format, field, got, want)
				}
			}
			if it.Volume != "" {
				check("type", got["type"], "chapter")
				check("container-title", got["container-title"], it.Volume)
				check("chapter-number", got["chapter-number"], it.Number)
			} else {
				check("type", got["type"], "manuscript")
			}
			check("title", got["title"], it.Title)
			check("URL", got["URL"], it.URL)
			check("issued", issued(got["issued"]), wantIssued(it, f.Format))
			if f.Format == "csl" {
				circa, _ := issuedCirca(got["issued"])
				check("issued.circa", circa, it.Circa())
			}
			check("author", names(got["author"]), nonEmpty(it.Creator))
			check("accessed", issued(got["accessed"]), [][]int{{2024, 3, 5}})

			switch f.Format {
			case "csl":
				check("archive_location", got["archive_location"], orNil(it.ArchiveLocation()))
				check("archive", got["archive"], orNil(it.Archive()))
				check("translator", names(got["translator"]), it.Translators)
			case "ris":
				check("archive_location", got["archive_location"], orNil(it.ArchiveLocation()))
				// Zotero reads each A4 as "Family, Given", or a whole name.
				var a4 []string
				for _, v := range rawTag(r.Raw[0]["A4"]) {
					family, given, ok := strings.Cut(v, ", ")
					if ok {
						v = given + " " + family
					}
					a4 = append(a4, v)
				}
				check("A4", a4, it.Translators)
				check("AN", rawTag(r.Raw[0]["AN"]), rawTag(orNil(it.ArchiveLocation())))
			case "bibtex":
				note, _ := got["note"].(string)
				if !strings.Contains(note, it.ArchiveLocation()) {
					t.Errorf("bibtex: citation-js read note = %q, want it to hold %q", note, it.ArchiveLocation())
				}
				check("translator", names(got["translator"]), it.Translators)
			}
		})
	}
}

// wantIssued returns the date parts a reader of the format should find:
// RIS gives only the start of a range, and of a part of a book (CHAP) only
// the year, which the RIS specification reads from PY alone.
func wantIssued(it Item, format string) [][]int {
	if it.DateParts == nil {
		return nil
	}
	if format == "ris" && it.Volume != "" {
		return [][]int{it.DateParts[:1]}
	}
	want := [][]int{it.DateParts}
	if it.EndParts != nil && format != "ris" {
		want = append(want, it.EndParts)
	}
	return want
}

// issued returns the date parts of a CSL date as citation-js wrote it.
func issued(v any) [][]int {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	parts, _ := m["date-parts"].([]any)
	var out [][]int
	for _, p := range parts {
		var ints []int
		for _, n := range p.([]any) {
			switch n := n.(type) {
			case float64:
				ints = append(ints, int(n))
			case string: // CSL allows numbers written as strings
				var i int
				fmt.Sscan(n, &i)
				ints = append(ints, i)
			}
		}
		out = append(out, ints)
	}
	return out
}

func issuedCirca(v any) (bool, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return false, false
	}
	switch c := m["circa"].(type) {
	case bool:
		return c, true
	case string, float64:
		return c != "" && c != 0.0, true
	}
	return false, false
}

// names returns CSL names as one string each: the literal name, or the
// given and family names joined as a person writes them.
func names(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, n := range list {
		m := n.(map[string]any)
		if l, ok := m["literal"].(string); ok {
			out = append(out, l)
			continue
		}
		given, _ := m["given"].(string)
		family, _ := m["family"].(string)
		out = append(out, strings.TrimSpace(given+" "+family))
	}
	return out
}

// rawTag returns the values of one RIS tag, which the parser gives as one
// string or a list of them.
func rawTag(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, s := range v {
			out = append(out, fmt.Sprint(s))
		}
		return out
	}
	return nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// orNil returns s, or nil for "": citation-js leaves out an empty field.
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}
