package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/internal/testenv"
	"fonds/sqlite"
)

// These tests run the real binary, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	// The tests choose their store: one the environment names is not theirs.
	os.Unsetenv("FONDS_DB")
	dir, err := os.MkdirTemp("", "fonds-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "fonds")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var sampleDir = filepath.Join("..", "..", "sample")

// corpusDir returns the shared corpus, or skips the test without it (fails
// it where FONDS_REQUIRE_TOOLS is set).
func corpusDir(t *testing.T) string { t.Helper(); return testenv.Corpus(t) }

// seedDir returns the folder of the seed record, as corpusDir.
func seedDir(t *testing.T) string { t.Helper(); return filepath.Join(corpusDir(t), "seed") }

const seedID = "1977-05-19-pb-56-68"

// fonds runs the binary and returns its standard output and error and its
// exit code.
func runFonds(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("fonds %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

func mustFonds(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	stdout, stderr, code := runFonds(t, args...)
	if code != 0 {
		t.Fatalf("fonds %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return stdout, stderr
}

func openData(t *testing.T, dir string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(dir, "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestImportSeed(t *testing.T) {
	data := t.TempDir()
	_, stderr := mustFonds(t, "import", "--data", data, seedDir(t))
	if want := "added 1, updated 0, unchanged 0, failed 0"; !strings.Contains(stderr, want) {
		t.Errorf("first import said %q, want %q", stderr, want)
	}
	_, stderr = mustFonds(t, "import", "--data", data, seedDir(t))
	if want := "added 0, updated 0, unchanged 1, failed 0"; !strings.Contains(stderr, want) {
		t.Errorf("second import said %q, want %q", stderr, want)
	}
	out, _ := mustFonds(t, "export", "--data", data, "--format", "json", seedID)
	for _, want := range []string{`"id":"1977-05-19-pb-56-68"`, `"title":"Human rights"`, `"collection":"seed"`, `"John Crowfoot"`, `"extent_pages":21`} {
		if !strings.Contains(out, want) {
			t.Errorf("export json lacks %s:\n%s", want, out)
		}
	}
}

func TestImportUpdateKeepsRevision(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	file := filepath.Join(src, "doc.txt")
	write := func(body string) {
		doc := "3 March 1972* (Pb 31/7) Writers\n\nSecretariat. Note on a writers' meeting (2 pp). Invented example.\n\n[page 1]\n\n" + body + "\n"
		if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("The meeting was held.")
	mustFonds(t, "import", "--data", data, file)
	write("The meeting was held [in Moscow].")
	_, stderr := mustFonds(t, "import", "--data", data, file)
	if want := "added 0, updated 1, unchanged 0"; !strings.Contains(stderr, want) {
		t.Errorf("changed import said %q, want %q", stderr, want)
	}
	s := openData(t, data)
	revs, err := s.Revisions(context.Background(), "1972-03-03-pb-31-7")
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 1 || strings.Contains(revs[0].Document.Witnesses[0].Text.PlainText(), "Moscow") {
		t.Errorf("revisions = %+v, want the one earlier version", revs)
	}
}

func TestImportDraftIsNotPublic(t *testing.T) {
	data := t.TempDir()
	mustFonds(t, "import", "--data", data, "--draft", seedDir(t))
	s := openData(t, data)
	d, err := s.Document(context.Background(), seedID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != fonds.StatusDraft {
		t.Errorf("status = %q, want draft", d.Status)
	}
}

func TestImportMalformed(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	files := map[string]string{
		"good.txt":     "17 September 1979\n\nKGB. Report. Invented example.\n\nText.\n",
		"nodate.txt":   "A heading without any date\n\nDescription.\n\nText.\n",
		"unclosed.txt": "17 September 1980\n\nKGB. Report. Invented example.\n\n[page 1]\n\nThe {hand:first\nline.\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, stderr, code := runFonds(t, "import", "--data", data, src)
	if code != 1 {
		t.Errorf("exit code = %d, want 1; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{filepath.Join(src, "nodate.txt") + ":1: ", filepath.Join(src, "unclosed.txt") + ":7: ", "added 1, updated 0, unchanged 0, failed 2"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	docs, total, err := openData(t, data).Documents(context.Background(), fonds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || !strings.HasSuffix(docs[0].Origin, "/good.txt") {
		t.Errorf("stored %d documents, want only the good one", total)
	}
}

func TestUsageErrors(t *testing.T) {
	data := t.TempDir()
	tests := [][]string{
		{},
		{"frobnicate"},
		{"import", "--data", data},
		{"export", "--data", data, "--format", "pdf", "--all"},
		{"export", "--data", data, "--format", "text"},
		{"serve", "--data", data, "--nonsense"},
		{"import", "--data", data, "--italic", "bold", seedDir(t)},
	}
	for _, args := range tests {
		_, stderr, code := runFonds(t, args...)
		if code != 2 || stderr == "" {
			t.Errorf("fonds %v: exit %d, stderr %q; want 2 and a message", args, code, stderr)
		}
	}
	_, stderr, code := runFonds(t, "export", "--data", data, "--format", "text", "no-such-document")
	if code != 1 || !strings.Contains(stderr, "not found") {
		t.Errorf("export of an unknown id: exit %d, stderr %q; want 1 and not found", code, stderr)
	}
}

// TestExportRoundTrip imports the sample collection and the seed, exports
// them in the transcription format, imports the export into a new archive,
// and finds every document the same.
func TestExportRoundTrip(t *testing.T) {
	data, out, again := t.TempDir(), t.TempDir(), t.TempDir()
	mustFonds(t, "import", "--data", data, "--collection", "c", sampleDir, seedDir(t))
	mustFonds(t, "export", "--data", data, "--format", "text", "--out", out, "--all")
	mustFonds(t, "import", "--data", again, "--collection", "c", out)

	ctx := context.Background()
	first, n1, err := openData(t, data).Documents(ctx, fonds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	second, n2, err := openData(t, again).Documents(ctx, fonds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if n1 != n2 || n1 < 15 {
		t.Fatalf("exported and re-imported %d documents of %d", n2, n1)
	}
	for i := range first {
		a, b := comparable(first[i]), comparable(second[i])
		if !reflect.DeepEqual(a, b) {
			t.Errorf("document %s changed in the round trip:\n%+v\n%+v", a.ID, a, b)
		}
	}
}

// comparable clears what an import sets from where and when it ran.
func comparable(d *fonds.Document) *fonds.Document {
	c := *d
	c.Origin, c.Hash = "", ""
	c.Created, c.Updated = time.Time{}, time.Time{}
	return &c
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer starts "fonds serve" with args and waits until it answers.
func startServer(t *testing.T, args ...string) (base string, cmd *exec.Cmd, stderr *bytes.Buffer) {
	t.Helper()
	addr := freeAddr(t)
	cmd = exec.Command(binary, append([]string{"serve", "--addr", addr}, args...)...)
	stderr = new(bytes.Buffer)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base = "http://" + addr
	for i := 0; ; i++ {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base, cmd, stderr
			}
		}
		if i == 600 {
			t.Fatalf("server did not answer: %v\n%s", err, stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

func TestServeAndShutDown(t *testing.T) {
	data := t.TempDir()
	base, cmd, stderr := startServer(t, "--data", data, "--import", seedDir(t))
	// The import runs while the server answers.
	var code int
	var body string
	eventually(t, time.Minute, "the imported seed served", func() bool {
		code, body = get(t, base+"/documents/"+seedID)
		return code == 200
	})
	if code != 200 || !strings.Contains(body, "Human rights") || !strings.Contains(body, `id="page-3"`) {
		t.Errorf("GET seed page: %d\n%.500s", code, body)
	}
	if code, _ := get(t, base+"/documents/no-such-document"); code != 404 {
		t.Errorf("GET unknown document: %d, want 404", code)
	}
	terminate(t, cmd, stderr)
}

func TestServeDemo(t *testing.T) {
	base, _, _ := startServer(t, "--demo")
	code, body := get(t, base+"/")
	if code != 200 || !strings.Contains(body, "Sample collection (invented)") {
		t.Errorf("GET / of the demo: %d\n%.800s", code, body)
	}
	code, body = get(t, base+"/api/v1/documents?collection=sample")
	if code != 200 || !strings.Contains(body, `"total":`) {
		t.Errorf("GET /api/v1/documents of the demo: %d\n%.300s", code, body)
	}
	// A Latin spelling of a Russian name finds the document written only
	// in Cyrillic, through the page and through the API.
	const cyrillicOnly = "1990-07-01-central-committee-note-by-the-ideological"
	for _, path := range []string{"/search?q=Iakovlev", "/api/v1/search?q=Jakovlev"} {
		code, body = get(t, base+path)
		if code != 200 || !strings.Contains(body, cyrillicOnly) {
			t.Errorf("GET %s: %d, want the Cyrillic-only document\n%.500s", path, code, body)
		}
	}
}

// TestIndexRepair deletes the search index behind the archive's back and
// checks that "fonds check" and "fonds reindex" bring it back.
func TestIndexRepair(t *testing.T) {
	data := t.TempDir()
	mustFonds(t, "import", "--data", data, seedDir(t), sampleDir)
	if err := os.RemoveAll(filepath.Join(data, "index")); err != nil {
		t.Fatal(err)
	}
	_, stderr := mustFonds(t, "check", "--data", data)
	if want := "18 published documents; 18 indexed, 0 removed"; !strings.Contains(stderr, want) {
		t.Errorf("check said %q, want %q", stderr, want)
	}
	_, stderr = mustFonds(t, "check", "--data", data)
	if want := "18 published documents; 0 indexed, 0 removed"; !strings.Contains(stderr, want) {
		t.Errorf("second check said %q, want %q", stderr, want)
	}
	_, stderr = mustFonds(t, "reindex", "--data", data)
	if want := "18 published documents; 18 indexed"; !strings.Contains(stderr, want) {
		t.Errorf("reindex said %q, want %q", stderr, want)
	}
	base, _, _ := startServer(t, "--data", data)
	code, body := get(t, base+"/api/v1/search?q=pb+56-68")
	if code != 200 || !strings.Contains(body, seedID) {
		t.Errorf("search after reindex: %d\n%.300s", code, body)
	}
}

// TestWordPressImport imports the WordPress exports of the corpus and follows
// an old WordPress address to the document's permalink.
func TestWordPressImport(t *testing.T) {
	data := t.TempDir()
	_, stderr := mustFonds(t, "import", "--data", data, filepath.Join(corpusDir(t), "wxr"))
	if !strings.Contains(stderr, "failed 0") {
		t.Fatalf("import of the WordPress exports: %s", stderr)
	}
	docs, _, err := openData(t, data).Documents(context.Background(), fonds.Filter{Published: true})
	if err != nil {
		t.Fatal(err)
	}
	var alias, id string
	for _, d := range docs {
		if len(d.Aliases) > 0 {
			alias, id = d.Aliases[0], d.ID
			break
		}
	}
	if alias == "" {
		t.Fatal("no imported post kept its WordPress address")
	}
	base, _, _ := startServer(t, "--data", data)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + alias)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/documents/"+id {
		t.Errorf("GET %s = %d to %q, want 301 to /documents/%s", alias, resp.StatusCode, resp.Header.Get("Location"), id)
	}
}

// TestFacsimiles imports a transcription with its page images beside it and
// reads the scans through the document page, the IIIF Image API and the
// manifest.
func TestFacsimiles(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	doc := "3 March 1972* (Pb 31/7) Writers\n\nSecretariat. Note (2 pp). Invented example.\n\n[page 1]\n\nFirst.\n\n[page 2]\n\nSecond.\n"
	if err := os.WriteFile(filepath.Join(src, "note.txt"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(src, "note"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"scan-1.png", "scan-2.png"} {
		img := image.NewGray(image.Rect(0, 0, 300, 420))
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, "note", name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustFonds(t, "import", "--data", data, src)
	base, _, _ := startServer(t, "--data", data)
	const id = "1972-03-03-pb-31-7"
	code, body := get(t, base+"/documents/"+id)
	img := "/iiif/image/" + id + "~2/full/!480,720/0/default.jpg"
	if code != 200 || !strings.Contains(body, img) || !strings.Contains(body, "/iiif/"+id+"/manifest") {
		t.Fatalf("document page: %d, want the scan of page 2 and the manifest link\n%.2000s", code, body)
	}
	resp, err := http.Get(base + img)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("GET %s = %d %s", img, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	code, body = get(t, base+"/iiif/"+id+"/manifest")
	if code != 200 || !strings.Contains(body, `"type": "Canvas"`) && !strings.Contains(body, `"type":"Canvas"`) {
		t.Errorf("manifest: %d\n%.500s", code, body)
	}
}

// TestImportCorpus imports the whole real corpus — the seed, FRUS documents
// and volumes in TEI, WordPress exports — and reads it back out as TEI.
func TestImportCorpus(t *testing.T) {
	data := t.TempDir()
	_, stderr := mustFonds(t, "import", "--data", data, corpusDir(t))
	if !strings.Contains(stderr, "failed 0") {
		t.Fatalf("import of the corpus: %s", stderr)
	}
	ctx := context.Background()
	s := openData(t, data)
	for slug, want := range map[string]int{"frus1977-80v02": 24, "frus1977-80v06": 18} {
		c, err := s.Collection(ctx, slug)
		if err != nil {
			t.Fatalf("the volume %s is not a collection: %v", slug, err)
		}
		if c.Count != want || !strings.Contains(c.Title, "Foreign Relations") {
			t.Errorf("collection %s = %q with %d documents, want the volume's title and %d", slug, c.Title, c.Count, want)
		}
	}
	out := filepath.Join(t.TempDir(), "tei.zip")
	mustFonds(t, "export", "--data", data, "--format", "tei-zip", "--all", "--out", out)
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	_, total, err := s.Documents(ctx, fonds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != total || total != 51 {
		t.Errorf("the TEI zip holds %d files for %d documents", len(zr.File), total)
	}
	// Every document, whatever format it came from, is valid TEI.
	if jing := testenv.Tool(t, "jing"); jing != "" {
		dir := t.TempDir()
		var files []string
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, f.Name)
			if err := os.WriteFile(name, b, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, name)
		}
		schema := filepath.Join(corpusDir(t), "schema", "tei_all.rng")
		out, err := exec.Command(jing, append([]string{schema}, files...)...).CombinedOutput()
		if err != nil {
			t.Errorf("jing finds the exported TEI invalid: %v\n%.3000s", err, out)
		}
	}
	base, _, _ := startServer(t, "--data", data)
	code, body := get(t, base+"/documents/frus1977-80v02-d1.tei.xml")
	if code != 200 || !strings.Contains(body, "<TEI") {
		t.Errorf("GET the TEI of a FRUS document: %d\n%.300s", code, body)
	}
	code, body = get(t, base+"/oai?verb=GetRecord&metadataPrefix=tei&identifier=oai:127.0.0.1:frus1977-80v02-d1")
	if code != 200 || !strings.Contains(body, "<TEI") {
		t.Errorf("GET a FRUS document as TEI through OAI-PMH: %d\n%.500s", code, body)
	}
}
