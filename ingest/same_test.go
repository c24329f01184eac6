package ingest

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fonds"
	"fonds/iiif"
	"fonds/internal/testenv"
	"fonds/tei"
	"fonds/text"
	"fonds/wxr"
)

// importRuns imports each run of paths into im's store, one Import a run,
// the files of a run in the order Files gives them, or reversed, and
// returns what the runs did in all, the warnings they gave and the
// documents stored, by id.
func importRuns(t *testing.T, im *Importer, reverse bool, runs ...[]string) (Summary, []string, map[string]*fonds.Document) {
	t.Helper()
	ctx := context.Background()
	var warnings []string
	im.Warn = func(msg string) { warnings = append(warnings, msg) }
	var all Summary
	for _, paths := range runs {
		files, err := im.Files(paths)
		if err != nil {
			t.Fatal(err)
		}
		if reverse {
			slices.Reverse(files)
		}
		sum, errs := im.Import(ctx, files)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		all.Added += sum.Added
		all.Updated += sum.Updated
		all.Unchanged += sum.Unchanged
		all.Duplicates += sum.Duplicates
		all.Warnings += sum.Warnings
	}
	docs, _, err := im.Store.(fonds.Store).Documents(ctx, fonds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	byID := make(map[string]*fonds.Document)
	for _, d := range docs {
		byID[d.ID] = d
	}
	return all, warnings, byID
}

// keptOnce returns the warnings that tell of a document kept once.
func keptOnce(warnings []string) []string {
	var kept []string
	for _, w := range warnings {
		if strings.HasSuffix(w, ", kept once") {
			kept = append(kept, w)
		}
	}
	return kept
}

// TestKeptOnce checks that a document that arrives from two files (a text
// and a re-export of it with a correction: the same date and reference) is
// stored once, under one id, the version of the file that sorts first,
// whichever file is read first, in one import or in two; and that the
// later file is told so.
func TestKeptOnce(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"x/a.txt": doc,
		"x/b.txt": strings.Replace(doc, "Text.", "Text, exported again.", 1),
	})
	a, b := filepath.Join(dir, "x", "a.txt"), filepath.Join(dir, "x", "b.txt")
	tests := []struct {
		name    string
		runs    [][]string
		later   string // the file told of the other
		earlier string // the other's origin
		want    Summary
	}{
		{"one import", [][]string{{a, b}}, b, "a.txt", Summary{Added: 1, Duplicates: 1}},
		{"one import, other order", [][]string{{b, a}}, a, "b.txt", Summary{Added: 1, Updated: 1}},
		{"two imports", [][]string{{a}, {b}}, b, "a.txt", Summary{Added: 1, Duplicates: 1}},
		{"two imports, other order", [][]string{{b}, {a}}, a, "b.txt", Summary{Added: 1, Updated: 1}},
	}
	var hash string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := newImporter(t)
			sum, warnings, docs := importRuns(t, im, false, tt.runs...)
			d := docs["1979-09-17-pb-12-3"]
			if len(docs) != 1 || d == nil {
				t.Fatalf("stored %d documents (%v), want one, 1979-09-17-pb-12-3", len(docs), slices.Sorted(maps.Keys(docs)))
			}
			if d.Origin != "a.txt" || strings.Contains(d.Witnesses[0].Text.PlainText(), "exported again") {
				t.Errorf("kept the version of %s, want that of a.txt", d.Origin)
			}
			if hash == "" {
				hash = d.Hash
			} else if d.Hash != hash {
				t.Errorf("hash %s, want %s as in the first order", d.Hash, hash)
			}
			want := []string{fmt.Sprintf("%s: warning: same document as %s, kept once", tt.later, tt.earlier)}
			if !slices.Equal(warnings, want) {
				t.Errorf("warnings = %q, want %q", warnings, want)
			}
			tt.want.Warnings = 1
			if sum != tt.want {
				t.Errorf("summary %v, want %v", sum, tt.want)
			}

			// Imported again, both files: the version kept stays.
			sum, warnings, docs = importRuns(t, im, false, tt.runs...)
			if again := docs["1979-09-17-pb-12-3"]; len(docs) != 1 || again == nil || again.Hash != hash || again.Origin != "a.txt" {
				t.Errorf("imported again: %d documents, want the one kept before", len(docs))
			}
			if want := (Summary{Unchanged: 1, Duplicates: 1, Warnings: 1}); sum != want || len(keptOnce(warnings)) != 1 {
				t.Errorf("imported again: %v, %q; want %v and the warning", sum, warnings, want)
			}
		})
	}
}

// TestKeptOnceNotWithoutIdentity checks that documents with neither a
// number nor a reference with a number are never taken for one: two
// documents of a day filed under a series alone stay two.
func TestKeptOnceNotWithoutIdentity(t *testing.T) {
	const series = "17 September 1979 (Pb) Meeting\n\nPolitburo. Resolution. Invented example.\n\nText.\n"
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"x/a.txt": series, "x/b.txt": strings.Replace(series, "Text.", "Another text.", 1)})
	im := newImporter(t)
	sum, warnings, docs := importRuns(t, im, false, []string{dir})
	if len(docs) != 2 || sum.Duplicates != 0 || len(keptOnce(warnings)) != 0 {
		t.Errorf("stored %d documents (%v), warnings %q; want two, no warning", len(docs), sum, warnings)
	}
}

// teiReader is the TEI reader as the command gives it: a volume declares
// its collection.
type teiReader struct{ tei.Reader }

func (teiReader) DeclaredCollection(r io.Reader) (fonds.Collection, bool, error) {
	return tei.Volume(r)
}

// TestCorpusKeptOnce imports the corpus, whose FRUS documents come each
// from a file of its own and from its volume, in the order Files gives and
// reversed, and with the single documents' folder before and after the rest
// in two imports: each time every document is stored once, from its
// volume, under the same id with the same content, and the later of its
// two files is told so.
func TestCorpusKeptOnce(t *testing.T) {
	corpus := testenv.Corpus(t)
	folder := func(name string) string { return filepath.Join(corpus, name) }
	rest := []string{folder("frus-volumes"), folder("seed"), folder("wxr")}
	tests := []struct {
		name    string
		reverse bool
		runs    [][]string
		later   string // the folder read second, whose files are told
	}{
		// Files gives frus-volumes/ before frus/.
		{"corpus", false, [][]string{{corpus}}, "frus"},
		{"corpus reversed", true, [][]string{{corpus}}, "frus-volumes"},
		{"single documents first", false, [][]string{{folder("frus")}, rest}, "frus-volumes"},
		{"single documents last", false, [][]string{rest, {folder("frus")}}, "frus"},
	}
	// The origins, which the content hash covers, are relative to the
	// folders an import names: the imports of the whole corpus compare
	// with each other, and those in two runs with each other.
	hashes := make([]map[string]string, len(tests))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := newImporter(t)
			im.Readers = map[string]fonds.Reader{
				".txt": text.Reader{},
				".xml": Sniffer{
					{Name: "TEI", Sniff: tei.Sniff, Reader: teiReader{}},
					{Name: "WordPress export", Sniff: wxr.Sniff, Reader: wxr.Reader{}},
				},
			}
			sum, warnings, docs := importRuns(t, im, tt.reverse, tt.runs...)
			t.Logf("%d documents stored; %v", len(docs), sum)
			if len(docs) != 51 {
				t.Errorf("stored %d documents, want 51", len(docs))
			}
			kept := keptOnce(warnings)
			if len(kept) != 42 {
				t.Errorf("%d warnings of a document kept once, want 42: %q", len(kept), kept)
			}
			for _, w := range kept {
				if !strings.HasPrefix(w, folder(tt.later)+string(filepath.Separator)) || !strings.Contains(w, ": warning: same document as ") {
					t.Errorf("warning %q, want one of a file of %s/", w, tt.later)
				}
			}
			hashes[i] = make(map[string]string)
			for id, d := range docs {
				hashes[i][id] = d.Hash
				if d.Number > 0 && d.Section == "" && strings.HasPrefix(d.Collection, "frus1977-80") {
					t.Errorf("document %s was kept from %s, not from its volume", id, d.Origin)
				}
			}
		})
	}
	for _, pair := range [][2]int{{0, 1}, {2, 3}} {
		a, b := hashes[pair[0]], hashes[pair[1]]
		if a == nil || b == nil {
			continue
		}
		if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
			t.Errorf("%s and %s stored different ids", tests[pair[0]].name, tests[pair[1]].name)
		}
		for id, h := range a {
			if b[id] != h {
				t.Errorf("document %s: %s stored %.12s, %s %.12s", id, tests[pair[0]].name, h, tests[pair[1]].name, b[id])
			}
		}
	}
	if a, b := hashes[0], hashes[2]; a != nil && b != nil && !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
		t.Errorf("one import and two stored different ids")
	}
}

// TestKeptOnceWithImages checks that the version kept of a document that
// arrives twice brings its page images, whichever arrives first.
func TestKeptOnceWithImages(t *testing.T) {
	const two = "17 September 1979* (Pb 12/3) Meeting\n\nPolitburo. Resolution. Invented example.\n\n[page 1]\n\nOne.\n\n[page 2]\n\nTwo.\n"
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"c/a.txt": two, "c/b.txt": strings.Replace(two, "Two.", "Two, again.", 1)})
	// a.txt, the version kept, has an image a page; b.txt one only.
	for _, name := range []string{"a/1.png", "a/2.png", "b/1.png"} {
		if err := os.MkdirAll(filepath.Join(dir, "c", filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		writePNG(t, filepath.Join(dir, "c", name), color.RGBA{B: 200, A: 255})
	}
	a, b := filepath.Join(dir, "c", "a.txt"), filepath.Join(dir, "c", "b.txt")
	for _, order := range [][]string{{a, b}, {b, a}} {
		im := newImporter(t)
		images, err := iiif.OpenImages(filepath.Join(t.TempDir(), "images"))
		if err != nil {
			t.Fatal(err)
		}
		im.Images = images
		_, warnings, docs := importRuns(t, im, false, order[:1], order[1:])
		d := docs["1979-09-17-pb-12-3"]
		if len(docs) != 1 || d == nil || d.Origin != "a.txt" {
			t.Fatalf("%s first: stored %d documents, want the one of a.txt", filepath.Base(order[0]), len(docs))
		}
		if d.Pages[1].Facs != "0002.png" || !images.Has(d.ID, "0002.png") {
			t.Errorf("%s first: pages %+v, want the images of a.txt", filepath.Base(order[0]), d.Pages)
		}
		if len(keptOnce(warnings)) != 1 {
			t.Errorf("%s first: warnings %q, want one of the document kept once", filepath.Base(order[0]), warnings)
		}
	}
}
