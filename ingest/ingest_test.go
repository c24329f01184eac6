package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"fonds"
	"fonds/sqlite"
	"fonds/text"
)

func newImporter(t *testing.T) *Importer {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &Importer{Store: s, Readers: map[string]fonds.Reader{".txt": text.Reader{}}}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const doc = "17 September 1979* (Pb 12/3) Meeting\n\nPolitburo. Resolution. Invented example.\n\nText.\n"

func TestFiles(t *testing.T) {
	im := newImporter(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"in/b.txt":          doc,
		"in/a.TXT":          doc,
		"in/sub/c.txt":      doc,
		"in/notes.md":       "not a document",
		"in/SOURCES.txt":    "where the files come from",
		"in/.hidden.txt":    doc,
		"in/.git/d.txt":     doc,
		"single/single.txt": doc,
	})
	files, err := im.Files([]string{filepath.Join(dir, "in"), filepath.Join(dir, "single", "single.txt")})
	if err != nil {
		t.Fatal(err)
	}
	var origins []string
	for _, f := range files {
		origins = append(origins, f.Origin)
	}
	if got, want := strings.Join(origins, " "), "in/a.TXT in/b.txt in/sub/c.txt single.txt"; got != want {
		t.Errorf("Files origins = %q, want %q", got, want)
	}
	if _, err := im.Files([]string{filepath.Join(dir, "in", "notes.md")}); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("Files(notes.md) error = %v, want unknown format", err)
	}
	if _, err := im.Files([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("Files(missing) gave no error")
	}
}

// TestSameIDFromTwoFiles checks that two files whose documents would share an
// id, and that nothing tells to be the same document (two letters of one
// day without a reference), both keep one, and keep it when imported again
// in the other order.
func TestSameIDFromTwoFiles(t *testing.T) {
	dir := t.TempDir()
	const letter = "17 September 1979 Meeting\n\nPolitburo. Resolution. Invented example.\n\nText.\n"
	writeFiles(t, dir, map[string]string{"x/one.txt": letter, "x/two.txt": strings.Replace(letter, "Text.", "Other text.", 1)})
	im := newImporter(t)
	ids := func(order ...string) (map[string]string, Summary) {
		var files []File
		for _, name := range order {
			got, err := im.Files([]string{filepath.Join(dir, "x", name)})
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, got...)
		}
		sum, errs := im.Import(context.Background(), files)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		docs, _, err := im.Store.(fonds.Store).Documents(context.Background(), fonds.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		m := make(map[string]string)
		for _, d := range docs {
			m[d.Origin] = d.ID
		}
		return m, sum
	}
	a, sum := ids("one.txt", "two.txt")
	if len(a) != 2 || a["one.txt"] == a["two.txt"] || sum.Duplicates != 0 {
		t.Fatalf("ids = %v (%v), want two distinct", a, sum)
	}
	if a["one.txt"] != "1979-09-17-meeting" {
		t.Errorf("first file's id = %q, want the plain id", a["one.txt"])
	}
	b, sum := ids("two.txt", "one.txt")
	if !reflect.DeepEqual(a, b) || sum.Unchanged != 2 {
		t.Errorf("re-import in the other order: ids %v, then %v (%v); want the same, unchanged", a, b, sum)
	}
}

func TestCollectionAndStatus(t *testing.T) {
	im := newImporter(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Politburo Papers/a.txt": doc})
	im.Status = fonds.StatusDraft
	files, err := im.Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	sum, errs := im.Import(context.Background(), files)
	if len(errs) > 0 || sum.Added != 1 {
		t.Fatalf("Import = %v, %v", sum, errs)
	}
	d, err := im.Store.Document(context.Background(), "1979-09-17-pb-12-3")
	if err != nil {
		t.Fatal(err)
	}
	if d.Collection != "politburo-papers" || d.Status != fonds.StatusDraft {
		t.Errorf("collection, status = %q, %q; want politburo-papers, draft", d.Collection, d.Status)
	}
	c, err := im.Store.Collection(context.Background(), "politburo-papers")
	if err != nil || c.Title != "Politburo Papers" {
		t.Errorf("Collection(politburo-papers) = %+v, %v; want the title Politburo Papers", c, err)
	}
}

// TestAccess checks that the import's status, embargo and restriction
// override the file's only when given.
func TestAccess(t *testing.T) {
	yes, no := true, false
	const marked = "17 September 1979* (Pb 12/3) Meeting\n\n@status review\n@embargo 2031-01-01\n@restricted\n\nPolitburo. Resolution. Invented example.\n\nText.\n"
	tests := []struct {
		name       string
		file       string
		status     fonds.Status
		embargo    string
		restricted *bool
		want       fonds.Document
	}{
		{"defaults", doc, "", "", nil, fonds.Document{Status: fonds.StatusPublished}},
		{"file", marked, "", "", nil, fonds.Document{Status: fonds.StatusReview, Embargo: "2031-01-01", Restricted: true}},
		{"flags", doc, fonds.StatusReview, "2030-05-01T12:00:00Z", &yes, fonds.Document{Status: fonds.StatusReview, Embargo: "2030-05-01T12:00:00Z", Restricted: true}},
		{"flags over file", marked, fonds.StatusPublished, "2032-01-01", &no, fonds.Document{Status: fonds.StatusPublished, Embargo: "2032-01-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := newImporter(t)
			im.Status, im.Embargo, im.Restricted = tt.status, tt.embargo, tt.restricted
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"c/a.txt": tt.file})
			files, err := im.Files([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			if sum, errs := im.Import(context.Background(), files); len(errs) > 0 || sum.Added != 1 {
				t.Fatalf("Import = %v, %v", sum, errs)
			}
			d, err := im.Store.Document(context.Background(), "1979-09-17-pb-12-3")
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != tt.want.Status || d.Embargo != tt.want.Embargo || d.Restricted != tt.want.Restricted {
				t.Errorf("status, embargo, restricted = %q, %q, %v; want %q, %q, %v", d.Status, d.Embargo, d.Restricted, tt.want.Status, tt.want.Embargo, tt.want.Restricted)
			}
		})
	}
}

// TestCollectionNames checks the slugs of the collections an import names.
func TestCollectionNames(t *testing.T) {
	ctx := context.Background()
	im := newImporter(t)
	// A collection an earlier import made of a Cyrillic folder's name.
	if err := im.Store.PutCollection(ctx, fonds.Collection{Slug: "самиздат", Title: "Самиздат"}); err != nil {
		t.Fatal(err)
	}
	if err := im.Store.PutCollection(ctx, fonds.Collection{Slug: "kept", Title: "Kept As Titled"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, slug, title string }{
		{"Bukovsky Archive", "bukovsky-archive", "Bukovsky Archive"},
		{"Архив Буковского", "arkhiv-bukovskogo", "Архив Буковского"},
		{"Самиздат", "самиздат", "Самиздат"},
		{"Kept", "kept", "Kept As Titled"},
	}
	for _, tt := range tests {
		got, err := im.namedCollection(ctx, tt.name)
		if err != nil || got != tt.slug {
			t.Errorf("namedCollection(%q) = %q, %v; want %q", tt.name, got, err, tt.slug)
			continue
		}
		c, err := im.Store.Collection(ctx, got)
		if err != nil || c.Title != tt.title {
			t.Errorf("Collection(%q) = %+v, %v; want the title %q", got, c, err, tt.title)
		}
	}
	if got, err := im.namedCollection(ctx, "!!!"); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("namedCollection(%q) = %q, %v; want ErrInvalid", "!!!", got, err)
	}
}

func TestFilesFS(t *testing.T) {
	im := newImporter(t)
	im.Collection = "sample"
	if err := im.Store.PutCollection(context.Background(), fonds.Collection{Slug: "sample", Title: "Sample"}); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"a.txt": {Data: []byte(doc)}, "README": {Data: []byte("x")}}
	files, err := im.FilesFS(fsys, "sample")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Origin != "sample/a.txt" {
		t.Fatalf("FilesFS = %+v", files)
	}
	sum, errs := im.Import(context.Background(), files)
	if len(errs) > 0 || sum.Added != 1 {
		t.Errorf("Import = %v, %v", sum, errs)
	}
}

func TestFailedFileDoesNotStopOthers(t *testing.T) {
	im := newImporter(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"c/a.txt": "no date here\n\nx\n\ny\n", "c/b.txt": doc})
	files, err := im.Files([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	sum, errs := im.Import(context.Background(), files)
	if sum.Added != 1 || sum.Failed != 1 || len(errs) != 1 {
		t.Fatalf("Import = %v, %v; want 1 added, 1 failed", sum, errs)
	}
	if want := filepath.Join(dir, "c", "a.txt") + ":1: "; !strings.HasPrefix(errs[0].Error(), want) {
		t.Errorf("error = %q, want prefix %q", errs[0], want)
	}
}

// TestDeclaredSlug checks that a collection a file declares gets a slug,
// unless an earlier import stored it under the one declared.
func TestDeclaredSlug(t *testing.T) {
	ctx := context.Background()
	im := newImporter(t)
	if err := im.Store.PutCollection(ctx, fonds.Collection{Slug: "Old Volume", Title: "Old"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ slug, title, want string }{
		{"frus1969-76v16", "Foreign Relations", "frus1969-76v16"},
		{"FRUS 1969–76, Vol. XVI", "Foreign Relations", "frus-1969-76-vol-xvi"},
		{"Old Volume", "Old", "Old Volume"},
		{"!!!", "Архив", "arkhiv"},
	}
	for _, tt := range tests {
		c := fonds.Collection{Slug: tt.slug, Title: tt.title}
		if err := im.declaredSlug(ctx, &c); err != nil || c.Slug != tt.want {
			t.Errorf("declaredSlug(%q) = %q, %v; want %q", tt.slug, c.Slug, err, tt.want)
		}
	}
}

// Every fonds.Store (SQLite's, PostgreSQL's) is a Store the Importer takes.
var (
	_ Store = fonds.Store(nil)
	_ Store = (*sqlite.Store)(nil)
)
