package bleve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
	"fonds/fondstest"
)

// childHold names the environment variable that makes a run of the test
// binary the child of TestOpenLocked, holding the index in the folder it
// names open until its standard input is closed.
const childHold = "FONDS_BLEVE_CHILD_HOLD"

// TestOpenLocked opens an index that another Open, in this process or in
// another, holds: it fails with ErrLocked, saying nothing of deleting the
// index, and succeeds once the other lets it go.
func TestOpenLocked(t *testing.T) {
	if dir := os.Getenv(childHold); dir != "" {
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		os.Stdout.WriteString("open\n")
		io.Copy(io.Discard, os.Stdin)
		return
	}
	opens := []struct {
		name string
		open func(string) (*Index, error)
	}{
		{"Open", Open},
		{"OpenReadOnly", OpenReadOnly},
	}
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(context.Background(), fondstest.IndexCorpus()...); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T) {
		t.Helper()
		for _, o := range opens {
			other, err := o.open(dir)
			if err == nil {
				other.Close()
			}
			if !errors.Is(err, ErrLocked) {
				t.Errorf("%s(%s) = %v, want ErrLocked", o.name, dir, err)
			}
			if err != nil && strings.Contains(err.Error(), "delete") {
				t.Errorf("%s(%s) = %v, advising to delete the index", o.name, dir, err)
			}
		}
	}
	t.Run("same process", check)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("other process", func(t *testing.T) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOpenLocked$", "-test.count=1")
		cmd.Env = append(os.Environ(), childHold+"="+dir)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Wait()
		defer stdin.Close()
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if line != "open\n" {
			t.Fatalf("child = %q, %v, want it to hold the index open", line, err)
		}
		check(t)
	})

	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("Open once the others closed = %v", err)
	}
	ix.Close()
}

// TestOpenReadOnly searches an index opened read-only, twice at once,
// which refuses writes and leaves its folder as it was.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, fondstest.IndexCorpus()...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	before := folderState(t, dir)

	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatalf("OpenReadOnly = %v", err)
	}
	ro2, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatalf("OpenReadOnly a second time = %v", err)
	}
	ro2.Close()
	res, err := ro.Search(ctx, fonds.SearchRequest{Query: "Брежнева", Highlight: true, Facets: fonds.AllFacets})
	if err != nil || res.Total != 3 {
		t.Errorf("Search(Брежнева) read-only = %+v, %v, want 3 hits", res, err)
	}
	if s, err := ro.Stamps(ctx); err != nil || len(s) != 6 {
		t.Errorf("Stamps() read-only = %d stamps, %v, want 6", len(s), err)
	}
	for _, tt := range []struct {
		name  string
		write func() error
	}{
		{"Put", func() error { return ro.Put(ctx, fondstest.IndexDocument("new", "1980", "Text.")) }},
		{"Delete", func() error { return ro.Delete(ctx, fondstest.IndexExile) }},
	} {
		if err := tt.write(); !errors.Is(err, fonds.ErrReadOnly) {
			t.Errorf("%s on a read-only index = %v, want ErrReadOnly", tt.name, err)
		}
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	if after := folderState(t, dir); after != before {
		t.Errorf("folder after a read-only open:\n%s\nwant as before:\n%s", after, before)
	}

	if _, err := OpenReadOnly(t.TempDir()); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("OpenReadOnly of an empty folder = %v, want ErrNotFound", err)
	}
}

// folderState lists the files under dir with their sizes and times.
func folderState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if !d.IsDir() {
			fmt.Fprintf(&b, "%s %d %s\n", rel, info.Size(), info.ModTime())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
