// Package testenv says what a test may take from its surroundings: the tools
// it runs (chromium, jing, npm, ...) and the shared corpus of real documents.
//
// Outside CI a test whose tool or corpus is missing is skipped, and says
// which. Where FONDS_REQUIRE_TOOLS is set (CI sets it), the same test fails
// instead: CI must not turn green because something it should have installed
// is missing.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Required reports whether missing tools and a missing corpus fail tests
// instead of skipping them.
func Required() bool { return os.Getenv("FONDS_REQUIRE_TOOLS") != "" }

// Missing skips the test, saying why, or fails it where tools are required.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if Required() {
		t.Fatalf("FONDS_REQUIRE_TOOLS is set, but "+format, args...)
	}
	t.Skipf(format, args...)
}

// Tool returns the path of the named program, or skips (or fails) the test
// when it is not installed.
func Tool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is not installed", name)
	}
	return path
}

// Corpus returns the folder of the shared corpus of real documents (the
// folder shared/corpus beside the project's own folder), or skips (or fails)
// the test when it is not there, as in a clone of the project alone.
func Corpus(t testing.TB) string {
	t.Helper()
	dir := CorpusDir()
	if _, err := os.Stat(dir); err != nil {
		Missing(t, "the shared corpus is not at %s: the test needs it", dir)
	}
	return dir
}

// CorpusDir returns where the shared corpus is expected, whether or not it
// is there.
func CorpusDir() string {
	_, file, _, _ := runtime.Caller(0)
	// file is ROOT/internal/testenv/testenv.go; the corpus is ROOT/../shared/corpus.
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	return filepath.Join(filepath.Dir(root), "shared", "corpus")
}
