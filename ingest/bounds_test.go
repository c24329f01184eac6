package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unicode"

	"fonds"
	"fonds/iiif"
	"fonds/internal/testenv"
	"fonds/sqlite"
	"fonds/tei"
	"fonds/text"
	"fonds/wxr"
)

// childEnv names the file a child process of the test binary imports, for
// the tests that measure an import's memory.
const childEnv = "FONDS_INGEST_CHILD"

// TestMain lets the test binary import one file in a process of its own,
// whose peak memory its parent reads.
func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		if err := importAlone(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func importAlone(path string) error {
	dir, err := os.MkdirTemp("", "fonds-child-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := sqlite.Open(filepath.Join(dir, "fonds.db"))
	if err != nil {
		return err
	}
	defer s.Close()
	im := &Importer{Store: s, Collection: "c", Readers: map[string]fonds.Reader{
		".txt": text.Reader{}, ".xml": wxr.Reader{},
	}}
	if err := s.PutCollection(context.Background(), fonds.Collection{Slug: "c", Title: "C"}); err != nil {
		return err
	}
	files, err := im.Files([]string{path})
	if err != nil {
		return err
	}
	sum, errs := im.Import(context.Background(), files)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if sum.Added == 0 {
		return fmt.Errorf("nothing imported: %v", sum)
	}
	return nil
}

// peakRSS imports path in a child process and returns its peak resident
// memory in bytes.
func peakRSS(t *testing.T, path string) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import of %s in a child process: %v\n%s", path, err, out)
	}
	return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
}

// countingWriter counts what it writes.
type countingWriter struct {
	w *bufio.Writer
	n int
}

func (c *countingWriter) printf(format string, args ...any) {
	n, _ := fmt.Fprintf(c.w, format, args...)
	c.n += n
}

// transcription writes a document in the text format of about size bytes:
// paragraphs of words with the markup of a transcription (notes,
// handwriting, omissions) and a page marker every 6 KB or so.
func transcription(w *countingWriter, size int) {
	w.printf("17 September 1979* (Pb 12/3) Meeting\n\nPolitburo. Resolution. Invented example.\n\n")
	for page := 1; w.n < size; page++ {
		w.printf("[page %d]\n\n", page)
		for range 40 {
			w.printf("The committee considered the question of Comrade Ivanov [illegible] and resolved to {em:agree} with the proposals of the ministry...\n\n")
		}
	}
}

// export writes a WordPress export of about size bytes, posts of 20 KB.
func export(w *countingWriter, size int) {
	w.printf(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>` + "\n")
	para := "<p>The committee considered the question of Comrade Ivanov [illegible] and resolved to <em>agree</em> with the proposals.</p>\n"
	for i := 1; w.n < size; i++ {
		w.printf("<item><title>%d May 1977 (Pb %d/%d) Meeting</title><wp:post_id>%d</wp:post_id><content:encoded><![CDATA[", i%28+1, i, i%90, i)
		for range 20 << 10 / len(para) {
			w.printf("%s", para)
		}
		w.printf("]]></content:encoded><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>\n")
	}
	w.printf("</channel></rss>\n")
}

// generate writes the file path with gen, a piece at a time: the test's own
// memory must stay small, since a child's peak counts its parent's at the
// moment it starts.
func generate(t *testing.T, path string, gen func(*countingWriter, int), size int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := &countingWriter{w: bufio.NewWriter(f)}
	gen(w, size)
	if err := w.w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestImportMemory imports a generated file in a child process at two sizes
// and reads its peak memory: a text file, one document, costs a small
// multiple of its size; a WordPress export, read a post at a time, costs
// the same whatever its size.
func TestImportMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("imports tens of megabytes")
	}
	if testenv.Race {
		t.Skip("the race detector multiplies the memory it measures")
	}
	const mb = 1 << 20
	tests := []struct {
		name       string
		ext        string
		gen        func(*countingWriter, int)
		small, big int
		perByte    float64 // what a byte more of the big file may cost
		constant   int64   // and what it may cost above the small one besides
	}{
		{"text", ".txt", transcription, 1 * mb, 10 * mb, 32, 16 * mb},
		{"wxr", ".xml", export, 4 * mb, 40 * mb, 0, 48 * mb},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			rss := make(map[int]int64)
			for _, size := range []int{tt.small, tt.big} {
				path := filepath.Join(dir, strconv.Itoa(size)+tt.ext)
				generate(t, path, tt.gen, size)
				rss[size] = peakRSS(t, path)
				os.Remove(path)
				t.Logf("%s of %d MB: peak RSS %d MB", tt.name, size/mb, rss[size]/mb)
			}
			grew := rss[tt.big] - rss[tt.small]
			limit := int64(tt.perByte*float64(tt.big-tt.small)) + tt.constant
			if grew > limit {
				t.Errorf("peak RSS grew by %d MB from %d MB to %d MB of %s, want at most %d MB",
					grew/mb, tt.small/mb, tt.big/mb, tt.name, limit/mb)
			}
		})
	}
}

func TestDocumentLimit(t *testing.T) {
	tests := []struct {
		name  string
		limit int64
		size  int
	}{
		{"within", 64 << 10, 32 << 10},
		{"over", 16 << 10, 32 << 10},
		{"none", -1, 32 << 10},
	}
	path := filepath.Join(t.TempDir(), "doc.txt")
	generate(t, path, transcription, 32<<10)
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := newImporter(t)
			im.MaxDocument = tt.limit
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"c/a.txt": string(body[:tt.size])})
			files, err := im.Files([]string{filepath.Join(dir, "c")})
			if err != nil {
				t.Fatal(err)
			}
			sum, errs := im.Import(context.Background(), files)
			if tt.limit < 0 || int64(tt.size) <= tt.limit {
				if len(errs) > 0 || sum.Added != 1 {
					t.Errorf("Import = %v, %v; want it added", sum, errs)
				}
				return
			}
			// The line the limit falls on.
			line := 1 + strings.Count(string(body[:tt.limit]), "\n")
			want := fmt.Sprintf("%s:%d: document is larger than the limit of %s", files[0].Path, line, sizeString(tt.limit))
			if len(errs) != 1 || errs[0].Error() != want || sum.Failed != 1 {
				t.Errorf("Import = %v, %v; want failed with %q", sum, errs, want)
			}
		})
	}
}

// fullStore is a real store that runs out of space after a number of
// documents, as a disk does.
type fullStore struct {
	fonds.Store
	room  int
	tries int
}

func (s *fullStore) SaveDocument(ctx context.Context, d *fonds.Document, sv fonds.Save) (fonds.PutResult, error) {
	s.tries++
	if s.room == 0 {
		return "", fmt.Errorf("sqlite: put document %s: %w", d.ID, syscall.ENOSPC)
	}
	s.room--
	return s.Store.SaveDocument(ctx, d, sv)
}

func TestDiskFull(t *testing.T) {
	im := newImporter(t)
	full := &fullStore{Store: im.Store.(fonds.Store), room: 3}
	im.Store = full
	dir := t.TempDir()
	files := make(map[string]string)
	for i := range 20 {
		files[fmt.Sprintf("c/%02d.txt", i)] = strings.Replace(doc, "12/3", fmt.Sprintf("12/%d", i), 1)
	}
	writeFiles(t, dir, files)
	list, err := im.Files([]string{filepath.Join(dir, "c")})
	if err != nil {
		t.Fatal(err)
	}
	sum, errs := im.Import(context.Background(), list)
	if sum.Added != 3 || sum.Failed != 1 || full.tries != 4 {
		t.Errorf("Import = %v after %d writes; want 3 added, then a stop at the first failure", sum, full.tries)
	}
	if len(errs) != 1 || !errors.Is(errs[0], ErrStopped) || !errors.Is(errs[0], syscall.ENOSPC) {
		t.Fatalf("errors = %v, want one that stops the import for want of space", errs)
	}
	if !strings.Contains(errs[0].Error(), "out of space") || !strings.Contains(errs[0].Error(), "03.txt") {
		t.Errorf("error = %q, want it to say out of space and name the file", errs[0])
	}
}

// TestNamesQuoted imports files whose names hold control characters: every
// message names them with the characters escaped.
func TestNamesQuoted(t *testing.T) {
	dir := t.TempDir()
	names := []string{"a\rimported 99.txt", "b\x1b[2J.txt", "c\nadded 1, failed 0.txt"}
	for _, name := range names {
		// No date in the heading: an error naming the file.
		writeFiles(t, dir, map[string]string{filepath.Join("c", name): "no date\n\nx\n"})
	}
	// And one with a warning: a folder of images for the wrong number of pages.
	warned := "d\x1b]0;title\a.txt"
	writeFiles(t, dir, map[string]string{filepath.Join("c", warned): doc})
	if err := os.MkdirAll(filepath.Join(dir, "c", strings.TrimSuffix(warned, ".txt")), 0o755); err != nil {
		t.Fatal(err)
	}
	im := newImporter(t)
	images, err := iiif.OpenImages(filepath.Join(t.TempDir(), "images"))
	if err != nil {
		t.Fatal(err)
	}
	im.Images = images
	var msgs []string
	im.Warn = func(msg string) { msgs = append(msgs, msg) }
	files, err := im.Files([]string{filepath.Join(dir, "c")})
	if err != nil {
		t.Fatal(err)
	}
	_, errs := im.Import(context.Background(), files)
	for _, err := range errs {
		msgs = append(msgs, err.Error())
	}
	if len(msgs) != 4 {
		t.Errorf("messages = %q, want 3 errors and a warning", msgs)
	}
	for _, msg := range msgs {
		for _, r := range msg {
			if unicode.IsControl(r) {
				t.Errorf("message %q holds the control character %U", msg, r)
				break
			}
		}
	}
	for _, name := range append(names, warned) {
		q := strconv.Quote(filepath.Join(dir, "c", name))
		if !strings.Contains(strings.Join(msgs, "\n"), q) {
			t.Errorf("no message names %s", q)
		}
	}
	if _, err := im.Files([]string{filepath.Join(dir, "c", "e\x1b[2J.txt")}); err == nil || strings.ContainsRune(err.Error(), 0x1b) {
		t.Errorf("Files(missing) = %q, want an error with the name quoted", err)
	}
}

func TestParseErrorQuotes(t *testing.T) {
	tests := []struct {
		err  fonds.ParseError
		want string
	}{
		{fonds.ParseError{Path: "in/a.txt", Line: 3, Msg: "bad"}, "in/a.txt:3: bad"},
		{fonds.ParseError{Path: "in/Пб 56 документ.txt", Msg: "bad"}, "in/Пб 56 документ.txt: bad"},
		{fonds.ParseError{Path: "a\rb.txt", Line: 1, Msg: "bad"}, `"a\rb.txt":1: bad`},
		{fonds.ParseError{Path: "a\x1b[2J.txt", Line: 1, Msg: "bad"}, `"a\x1b[2J.txt":1: bad`},
		{fonds.ParseError{Path: "a\nb.txt", Msg: "bad"}, `"a\nb.txt": bad`},
		{fonds.ParseError{Path: "a\xffb.txt", Msg: "bad"}, `"a\xffb.txt": bad`},
		{fonds.ParseError{Path: "a\u202eb.txt", Msg: "bad"}, `"a\u202eb.txt": bad`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("ParseError{Path: %q}.Error() = %q, want %q", tt.err.Path, got, tt.want)
		}
	}
}

// twoPages is a document of two pages.
const twoPages = "17 September 1979* (Pb 12/3) Meeting\n\nPolitburo. Resolution. Invented example.\n\n[page 1]\n\nOne.\n\n[page 2]\n\nTwo.\n"

// TestImageFailureStoresNothing checks that a document whose image the
// image store refuses is not stored, and that a changed document whose
// image is refused leaves the earlier version as the public sees it.
func TestImageFailureStoresNothing(t *testing.T) {
	ctx := context.Background()
	im := newImporter(t)
	images, err := iiif.OpenImages(filepath.Join(t.TempDir(), "images"))
	if err != nil {
		t.Fatal(err)
	}
	im.Images = images
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"c/doc.txt": twoPages, "c/doc/2.png": "not an image"})
	writePNG(t, filepath.Join(dir, "c", "doc", "1.png"), color.RGBA{R: 200, A: 255})
	files, err := im.Files([]string{filepath.Join(dir, "c")})
	if err != nil {
		t.Fatal(err)
	}
	const id = "1979-09-17-pb-12-3"

	// New: nothing stored, no image kept.
	sum, errs := im.Import(ctx, files)
	if sum.Failed != 1 || sum.Added != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "2.png") {
		t.Fatalf("Import = %v, %v; want failed, naming the image", sum, errs)
	}
	if _, err := im.Store.Document(ctx, id); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Document(%s) = %v, want not found", id, err)
	}
	if images.Has(id, "0001.png") {
		t.Errorf("the image of page 1 of a document not stored was kept")
	}

	// Stored with sound images, then changed with a bad one: the first
	// version stays, and its images.
	writePNG(t, filepath.Join(dir, "c", "doc", "2.png"), color.RGBA{G: 200, A: 255})
	if sum, errs := im.Import(ctx, files); sum.Added != 1 || len(errs) > 0 {
		t.Fatalf("Import = %v, %v; want added", sum, errs)
	}
	before, err := im.Store.Document(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"c/doc.txt": strings.Replace(twoPages, "Two.", "Two, changed.", 1), "c/doc/2.png": "not an image"})
	writePNG(t, filepath.Join(dir, "c", "doc", "1.png"), color.RGBA{B: 200, A: 255})
	sum, errs = im.Import(ctx, files)
	if sum.Failed != 1 || sum.Updated != 0 || len(errs) != 1 {
		t.Fatalf("Import = %v, %v; want failed", sum, errs)
	}
	after, err := im.Store.Document(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if after.Hash != before.Hash || after.Version != before.Version {
		t.Errorf("after a refused update the document is version %d (%s), want version %d (%s)", after.Version, after.Hash, before.Version, before.Hash)
	}
	if revs, err := im.Store.(fonds.Store).Revisions(ctx, id); err != nil || len(revs) != 0 {
		t.Errorf("Revisions = %d, %v; want none", len(revs), err)
	}
	for _, facs := range []string{"0001.png", "0002.png"} {
		if !images.Has(id, facs) {
			t.Errorf("the image %s of the published version was lost", facs)
		}
	}
}

// teiWithFacs is a TEI document whose pages name their images.
func teiWithFacs(facs ...string) string {
	var pbs strings.Builder
	for i, f := range facs {
		fmt.Fprintf(&pbs, `<pb n="%d" facs="%s"/><p>Page %d.</p>`, i+1, f, i+1)
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Invented</title></titleStmt>
<publicationStmt><p>Invented.</p></publicationStmt><sourceDesc><p>Invented.</p></sourceDesc></fileDesc></teiHeader>
<text><body><div type="document" xml:id="d1"><head>1. Invented Letter</head>
<opener><dateline><date when="1979-03-02">March 2, 1979</date></dateline></opener>` + pbs.String() + `</div></body></text></TEI>
`
}

// TestImagesConfined checks that images are read only from inside the
// folder the import names: a TEI page naming a file outside it, and an
// image folder that is a symbolic link, are refused with a warning naming
// them.
func TestImagesConfined(t *testing.T) {
	ctx := context.Background()
	outside := t.TempDir()
	writePNG(t, filepath.Join(outside, "private.png"), color.RGBA{R: 255, A: 255})
	if err := os.MkdirAll(filepath.Join(outside, "scans"), 0o755); err != nil {
		t.Fatal(err)
	}
	writePNG(t, filepath.Join(outside, "scans", "1.png"), color.RGBA{R: 255, A: 255})

	tests := []struct {
		name  string
		setup func(t *testing.T, in string) // in is the folder imported
		ext   string
		warn  string // in the warning
		want  int    // images kept
	}{
		{"tei facs inside", func(t *testing.T, in string) {
			writePNG(t, filepath.Join(in, "img", "p1.png"), color.RGBA{G: 255, A: 255})
			writeFiles(t, in, map[string]string{"vol/d.xml": teiWithFacs("../img/p1.png")})
		}, ".xml", "", 1},
		{"tei facs out", func(t *testing.T, in string) {
			rel, err := filepath.Rel(filepath.Join(in, "vol"), filepath.Join(outside, "private.png"))
			if err != nil {
				t.Fatal(err)
			}
			writeFiles(t, in, map[string]string{"vol/d.xml": teiWithFacs(filepath.ToSlash(rel))})
		}, ".xml", "private.png", 0},
		{"tei facs absolute", func(t *testing.T, in string) {
			writeFiles(t, in, map[string]string{"vol/d.xml": teiWithFacs(filepath.Join(outside, "private.png"))})
		}, ".xml", "private.png", 0},
		{"tei facs symlink", func(t *testing.T, in string) {
			writeFiles(t, in, map[string]string{"vol/d.xml": teiWithFacs("p1.png")})
			if err := os.Symlink(filepath.Join(outside, "private.png"), filepath.Join(in, "vol", "p1.png")); err != nil {
				t.Fatal(err)
			}
		}, ".xml", "p1.png", 0},
		{"image folder symlink", func(t *testing.T, in string) {
			writeFiles(t, in, map[string]string{"c/doc.txt": twoPages})
			if err := os.Symlink(filepath.Join(outside, "scans"), filepath.Join(in, "c", "doc")); err != nil {
				t.Fatal(err)
			}
		}, ".txt", "doc", 0},
		{"image symlink", func(t *testing.T, in string) {
			writeFiles(t, in, map[string]string{"c/doc.txt": twoPages, "c/doc/.keep": ""})
			writePNG(t, filepath.Join(in, "c", "doc", "1.png"), color.RGBA{G: 255, A: 255})
			if err := os.Symlink(filepath.Join(outside, "private.png"), filepath.Join(in, "c", "doc", "2.png")); err != nil {
				t.Fatal(err)
			}
		}, ".txt", "2.png", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := newImporter(t)
			im.Readers[".xml"] = tei.Reader{}
			images, err := iiif.OpenImages(filepath.Join(t.TempDir(), "images"))
			if err != nil {
				t.Fatal(err)
			}
			im.Images = images
			var warned []string
			im.Warn = func(msg string) { warned = append(warned, msg) }
			in := t.TempDir()
			if err := os.MkdirAll(filepath.Join(in, "img"), 0o755); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, in)
			files, err := im.Files([]string{in})
			if err != nil {
				t.Fatal(err)
			}
			sum, errs := im.Import(ctx, files)
			if len(errs) > 0 || sum.Added != 1 {
				t.Fatalf("Import = %v, %v; want added", sum, errs)
			}
			docs, _, err := im.Store.(fonds.Store).Documents(ctx, fonds.Filter{})
			if err != nil || len(docs) != 1 {
				t.Fatalf("Documents = %d, %v", len(docs), err)
			}
			kept := 0
			for _, p := range docs[0].Pages {
				if images.Has(docs[0].ID, p.Facs) {
					kept++
				}
			}
			if kept != tt.want {
				t.Errorf("%d images kept, want %d (pages %+v)", kept, tt.want, docs[0].Pages)
			}
			all := strings.Join(warned, "\n")
			if tt.warn == "" && strings.Contains(all, "not imported") || tt.warn != "" && !strings.Contains(all, "not imported") {
				t.Errorf("warnings = %q, want one refusing %q", warned, tt.warn)
			}
			if tt.warn != "" && !strings.Contains(all, tt.warn) {
				t.Errorf("warnings = %q, want one naming %q", warned, tt.warn)
			}
		})
	}
}
