package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fonds"
	"fonds/internal/testenv"
)

// eventually calls ok until it returns true, or fails the test after the
// limit: a bound that keeps a broken feature from hanging the test, not a
// measure of speed.
func eventually(t *testing.T, limit time.Duration, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not after %v", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start)
}

// found reports whether a search for q through the API finds the document.
func found(t *testing.T, base, q, id string) bool {
	t.Helper()
	code, body := get(t, base+"/api/v1/search?q="+q)
	if code != 200 {
		return false
	}
	var res struct {
		Hits []struct{ ID string } `json:"hits"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("search answer: %v\n%s", err, body)
	}
	for _, h := range res.Hits {
		if h.ID == id {
			return true
		}
	}
	return false
}

// searchTotal returns how many documents a search for q finds through the
// API, or -1 when it does not answer.
func searchTotal(t *testing.T, base, q string) int {
	t.Helper()
	code, body := get(t, base+"/api/v1/search?q="+q)
	if code != 200 {
		return -1
	}
	var res struct{ Total int }
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("search answer: %v\n%s", err, body)
	}
	return res.Total
}

// TestImportWhileServing imports, re-indexes, checks and backs up an
// archive while a server runs on it, and finds what was imported through the
// running server's search, without a restart.
func TestImportWhileServing(t *testing.T) {
	data := t.TempDir()
	base, _, serverLog := startServer(t, "--data", data, "--follow", "200ms")

	_, stderr := mustFonds(t, "import", "--data", data, seedDir(t))
	if !strings.Contains(stderr, "added 1,") || strings.Contains(stderr, "delete") {
		t.Errorf("import beside the server said:\n%s", stderr)
	}
	took := eventually(t, 30*time.Second, "the imported seed found by the running server", func() bool {
		return found(t, base, "rights", seedID)
	})
	t.Logf("an imported document was found by the running server after %v", took)

	// More documents, and their pages.
	src := t.TempDir()
	writeSynthetic(t, src, 50)
	mustFonds(t, "import", "--data", data, src)
	eventually(t, 30*time.Second, "the synthetic documents found", func() bool {
		return searchTotal(t, base, "Synthetic") == 50
	})

	_, stderr = mustFonds(t, "check", "--data", data)
	if !strings.Contains(stderr, "0 problems") || !strings.Contains(stderr, "held by the running fonds serve") {
		t.Errorf("check beside the server said:\n%s", stderr)
	}
	_, stderr = mustFonds(t, "reindex", "--data", data)
	if !strings.Contains(stderr, "51 published documents") {
		t.Errorf("reindex beside the server said:\n%s\nserver:\n%s", stderr, serverLog)
	}
	if !found(t, base, "rights", seedID) {
		t.Error("after the rebuild, the seed is not found")
	}

	// A backup taken while the server runs restores to the same archive.
	backup, restored, stderr := backupRestore(t, data)
	if !strings.Contains(stderr, "51 published documents; 0 indexed, 0 removed") {
		t.Errorf("check of the restored archive:\n%s", stderr)
	}
	if _, stderr, code := runFonds(t, "restore", "--data", restored, backup); code == 0 {
		t.Errorf("restore over an archive succeeded:\n%s", stderr)
	}
}

// backupRestore backs up the archive in data, restores the backup into a
// new folder, and checks that check gives both the same digest. It returns
// the backup, the new folder and what check said of it.
func backupRestore(t *testing.T, data string) (backup, restored, checked string) {
	t.Helper()
	backup = filepath.Join(t.TempDir(), "archive.tar.gz")
	mustFonds(t, "backup", "--data", data, backup)
	restored = filepath.Join(t.TempDir(), "restored")
	mustFonds(t, "restore", "--data", restored, backup)
	before, _ := mustFonds(t, "check", "--data", data)
	after, checked := mustFonds(t, "check", "--data", restored)
	if before != after || !strings.HasPrefix(after, "archive digest sha256:") {
		t.Errorf("check of the original says %q, of the restored %q\n%s", before, after, checked)
	}
	return backup, restored, checked
}

// TestServeImportAnswers checks that "serve --import" answers requests
// while it imports.
func TestServeImportAnswers(t *testing.T) {
	src := t.TempDir()
	writeSynthetic(t, src, 2000)
	base, _, stderr := startServer(t, "--data", t.TempDir(), "--import", src, "--follow", "200ms")
	// startServer returned on the first 200 from /healthz: the import of
	// 2,000 files takes seconds, so it is still running.
	if strings.Contains(stderr.String(), "msg=imported") {
		t.Errorf("the server first answered after the import had finished:\n%s", stderr)
	}
	eventually(t, 2*time.Minute, "the import done and indexed", func() bool {
		return searchTotal(t, base, "Synthetic") == 2000
	})
}

// TestHostHeaderIgnored checks that permalinks come from --url, or from the
// address the server listens on, never from a request's Host header.
func TestHostHeaderIgnored(t *testing.T) {
	data := t.TempDir()
	mustFonds(t, "import", "--data", data, seedDir(t))
	for _, url := range []string{"", "https://archive.example.org"} {
		args := []string{"--data", data}
		if url != "" {
			args = append(args, "--url", url)
		}
		base, cmd, stderr := startServer(t, args...)
		want := url
		if want == "" {
			want = base
		}
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("startup does not say the public address %s:\n%s", want, stderr)
		}
		for _, path := range []string{"/documents/" + seedID, "/sitemaps/1.xml", "/robots.txt", "/oai?verb=Identify", "/feed.atom", "/iiif/" + seedID + "/manifest"} {
			req, err := http.NewRequest("GET", base+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = "evil.example"
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(readAll(t, resp), "evil.example") {
				t.Errorf("GET %s with Host evil.example (--url %q) names that host", path, url)
			}
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mountTmpfs mounts a tmpfs of the size at dir, read-only if ro, and
// unmounts it when the test ends. Mounting needs root; without it the test
// is skipped (failed where FONDS_REQUIRE_TOOLS is set).
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		testenv.Missing(t, "cannot mount a tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
}

func remountReadOnly(t *testing.T, dir string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v %s", err, out)
	}
}

// TestReadOnlyFolder serves a data folder on a read-only file system: pages
// and search work, and the server says it is read-only.
func TestReadOnlyFolder(t *testing.T) {
	data := t.TempDir()
	mountTmpfs(t, data, "64m")
	mustFonds(t, "import", "--data", data, seedDir(t))
	remountReadOnly(t, data)
	base, _, stderr := startServer(t, "--data", data)
	if !strings.Contains(stderr.String(), "read-only") {
		t.Errorf("the server does not say it serves read-only:\n%s", stderr)
	}
	if code, _ := get(t, base+"/documents/"+seedID); code != 200 {
		t.Errorf("GET the seed from a read-only folder: %d", code)
	}
	if !found(t, base, "rights", seedID) {
		t.Error("search on a read-only folder does not find the seed")
	}
	if _, stderr, code := runFonds(t, "import", "--data", data, seedDir(t)); code == 0 || !strings.Contains(stderr, "read-only") {
		t.Errorf("import into a read-only folder: exit %d\n%s", code, stderr)
	}
}

// TestFullDisk imports into a data folder on a file system too small for
// it: the import stops at the first write that finds no space, says so, and
// check then counts only what is stored.
func TestFullDisk(t *testing.T) {
	data := t.TempDir()
	mountTmpfs(t, data, "3m")
	src := t.TempDir()
	writeSynthetic(t, src, 3000)
	_, stderr, code := runFonds(t, "import", "--data", data, src)
	if code == 0 {
		t.Fatalf("import onto a full disk succeeded:\n%s", stderr)
	}
	if n := strings.Count(stderr, "\n"); n > 20 {
		t.Errorf("import onto a full disk wrote %d lines; want it to stop at the first failure:\n%.2000s", n, stderr)
	}
	if !strings.Contains(strings.ToLower(stderr), "space") {
		t.Errorf("import onto a full disk does not say the disk is full:\n%.2000s", stderr)
	}
	// Room again for check's own writes (the index), then compare.
	if out, err := exec.Command("mount", "-o", "remount,size=64m", data).CombinedOutput(); err != nil {
		t.Fatalf("remount larger: %v %s", err, out)
	}
	s := openData(t, data)
	_, stored, err := s.Documents(t.Context(), fonds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, stderr, _ = runFonds(t, "check", "--data", data)
	if strings.Contains(stderr, fmt.Sprintf("%d published documents", stored)) {
		return
	}
	t.Errorf("%d documents stored; check said:\n%s", stored, stderr)
}

// terminate sends the server SIGTERM and checks that it exits cleanly.
func terminate(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGTERM: %v\n%s", err, stderr)
		}
	case <-time.After(time.Minute):
		t.Fatalf("the server did not stop on SIGTERM\n%s", stderr)
	}
}

// TestShutdownWithinGrace sends SIGTERM while a costly search runs (a large
// document in which nearly every word matches): the server cancels what
// still runs when the grace period is over, and exits.
func TestShutdownWithinGrace(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	var b strings.Builder
	b.WriteString("19 May 1977* (Pb 1/1) Large\n\nPolitburo. Resolution (1 p). [R 19 May 1977, Pb 1-1] Invented example.\n\n[page one]\n\n")
	for b.Len() < 3<<20 {
		b.WriteString("matter matters mattered matter again and matter.\n\n")
	}
	if err := os.WriteFile(filepath.Join(src, "large.txt"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	mustFonds(t, "import", "--data", data, src)
	base, cmd, stderr := startServer(t, "--data", data, "--grace", "200ms")
	for range 4 {
		go http.Get(base + "/search?q=matter*+OR+mat~&page=1")
	}
	time.Sleep(100 * time.Millisecond)
	terminate(t, cmd, stderr)
}

// TestCheckFindsFlippedByte flips one byte of a stored page image: check
// names the file and exits 1; the backup of a sound archive restores to one
// whose digest is the same.
func TestCheckFindsFlippedByte(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	doc := "3 March 1972* (Pb 31/7) Writers\n\nSecretariat. Note (1 p). Invented example.\n\n[page 1]\n\nFirst.\n"
	if err := os.WriteFile(filepath.Join(src, "note.txt"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(src, "note"), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 80))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "note", "scan.png"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	mustFonds(t, "import", "--data", data, src)
	_, stderr := mustFonds(t, "check", "--data", data)
	if !strings.Contains(stderr, "1 page images: 0 problems") {
		t.Fatalf("check of a sound archive:\n%s", stderr)
	}
	backupRestore(t, data)

	images, err := filepath.Glob(filepath.Join(data, "images", "*", "*.png"))
	if err != nil || len(images) != 1 {
		t.Fatalf("stored images: %v %v", images, err)
	}
	f, err := os.ReadFile(images[0])
	if err != nil {
		t.Fatal(err)
	}
	f[len(f)/2] ^= 0x01
	if err := os.WriteFile(images[0], f, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runFonds(t, "check", "--data", data)
	if code != 1 || !strings.Contains(stderr, filepath.Base(images[0])) || !strings.Contains(stderr, "1 problems") {
		t.Errorf("check after a flipped byte: exit %d\n%s", code, stderr)
	}
}

// TestMetricsAndVersion checks the operator's side: metrics and the
// profiler at --metrics-addr, apart from the site, and fonds version.
func TestMetricsAndVersion(t *testing.T) {
	maddr := freeAddr(t)
	base, _, stderr := startServer(t, "--demo", "--metrics-addr", maddr, "--log", "json")
	get(t, base+"/documents/no-such-document")
	get(t, base+"/search?q=Politburo")
	code, body := get(t, "http://"+maddr+"/metrics")
	for _, want := range []string{`fonds_http_request_duration_seconds_count{code="4xx",route="GET /documents/{id}"}`, "fonds_search_duration_seconds", "fonds_image_cache_bytes", "go_goroutines"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("metrics: %d, lack %q", code, want)
		}
	}
	if code, _ := get(t, "http://"+maddr+"/debug/pprof/"); code != 200 {
		t.Errorf("pprof index: %d", code)
	}
	if code, _ := get(t, base+"/metrics"); code != 404 {
		t.Errorf("the site answers /metrics: %d, want 404", code)
	}
	if !strings.Contains(stderr.String(), `"msg":"request"`) {
		t.Errorf("the JSON access log lacks the requests:\n%.1000s", stderr)
	}
	out, _ := mustFonds(t, "version")
	if !strings.HasPrefix(out, "fonds ") || !strings.Contains(out, "go1.") {
		t.Errorf("fonds version = %q", out)
	}
}
