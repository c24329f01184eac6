package iiif

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerify stores originals and spoils them in each way Verify must
// find: a flipped byte, a file gone, a file the manifest does not list.
func TestVerify(t *testing.T) {
	ctx := context.Background()
	im, err := OpenImages(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		id string
		n  int
	}{{"doc-a", 1}, {"doc-a", 2}, {"doc-b", 1}} {
		if _, err := im.Put(p.id, p.n, bytes.NewReader(encodePNG(t, quadrants(40+p.n, 30)))); err != nil {
			t.Fatal(err)
		}
	}
	verify := func() (int, []string) {
		t.Helper()
		var problems []string
		n, err := im.Verify(ctx, func(p string) { problems = append(problems, p) })
		if err != nil {
			t.Fatalf("Verify = %v", err)
		}
		return n, problems
	}
	if n, problems := verify(); n != 3 || len(problems) != 0 {
		t.Fatalf("Verify of a sound folder = %d, %q, want 3 and no problems", n, problems)
	}

	// A flipped byte.
	path := filepath.Join(im.blobs.(*DirBlobs).dir, "doc-a", "0002.png")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// A file gone, and a file put there by hand.
	if err := os.Remove(filepath.Join(im.blobs.(*DirBlobs).dir, "doc-b", "0001.png")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(im.blobs.(*DirBlobs).dir, "doc-b", "0005.png"), encodePNG(t, quadrants(8, 8)), 0o644); err != nil {
		t.Fatal(err)
	}
	n, problems := verify()
	for _, want := range []string{"doc-a/0002.png: changed", "doc-b/0001.png: missing", "doc-b/0005.png: unrecorded"} {
		found := false
		for _, p := range problems {
			found = found || strings.HasPrefix(p, want)
		}
		if !found {
			t.Errorf("Verify found %q, want a problem %q", problems, want)
		}
	}
	if n != 3 || len(problems) != 3 {
		t.Errorf("Verify = %d, %d problems, want 3 checked and 3 problems", n, len(problems))
	}

	// An archive from before manifests: Record lists what is unrecorded,
	// and leaves a changed file's sum as it was.
	if got, err := im.Record(ctx); got != 1 || err != nil {
		t.Errorf("Record = %d, %v, want 1", got, err)
	}
	if _, problems := verify(); len(problems) != 2 {
		t.Errorf("after Record, Verify found %q, want the changed and the missing file only", problems)
	}
}

func TestRemoveAndWalk(t *testing.T) {
	im, err := OpenImages(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"doc-b", "doc-a"} {
		for n := 2; n >= 1; n-- {
			if _, err := im.Put(id, n, bytes.NewReader(encodePNG(t, quadrants(10, 10)))); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Something derived, which Walk leaves out and Remove removes.
	derived := filepath.Join(im.cache, "doc-a", "0001.png", "x.jpg")
	os.MkdirAll(filepath.Dir(derived), 0o755)
	os.WriteFile(derived, []byte("x"), 0o644)
	walk := func() string {
		var rels []string
		err := im.Walk(func(rel, path string) error {
			if _, err := os.Stat(path); err != nil {
				t.Errorf("Walk gave %s at %s: %v", rel, path, err)
			}
			rels = append(rels, rel)
			return nil
		})
		if err != nil {
			t.Fatalf("Walk = %v", err)
		}
		return strings.Join(rels, " ")
	}
	want := "doc-a/0001.png doc-a/0002.png doc-a/manifest-sha256.txt doc-b/0001.png doc-b/0002.png doc-b/manifest-sha256.txt"
	if got := walk(); got != want {
		t.Errorf("Walk visits %s, want %s", got, want)
	}
	if err := im.Remove("doc-a"); err != nil {
		t.Fatalf("Remove(doc-a) = %v", err)
	}
	if got, want := walk(), "doc-b/0001.png doc-b/0002.png doc-b/manifest-sha256.txt"; got != want {
		t.Errorf("after Remove(doc-a), Walk visits %s, want %s", got, want)
	}
	if _, err := os.Stat(derived); !os.IsNotExist(err) {
		t.Errorf("after Remove(doc-a), its derived image: %v, want it gone", err)
	}
	for _, id := range []string{"nothing-here", "../x", ""} {
		err := im.Remove(id)
		if (err == nil) != (id == "nothing-here") {
			t.Errorf("Remove(%q) = %v", id, err)
		}
	}
}
