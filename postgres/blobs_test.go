package postgres

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"fonds"
	"fonds/iiif"
	"fonds/internal/blobtest"
)

func TestBlobs(t *testing.T) {
	db := testDatabase(t)
	s, err := Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	blobtest.Run(t, 3<<20, func(t *testing.T) fonds.Blobs {
		// Each test empties the table rather than making a database.
		if _, err := s.db.Exec(context.Background(), `DELETE FROM blobs`); err != nil {
			t.Fatal(err)
		}
		return s.Blobs(3 << 20)
	})
}

// TestBlobLock locks a key through one store and waits for it through
// another on the same database, as two servers do.
func TestBlobLock(t *testing.T) {
	ctx := context.Background()
	db := testDatabase(t)
	var blobs [2]*Blobs
	for i := range blobs {
		s, err := Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		blobs[i] = s.Blobs(3 << 20)
	}
	unlock, err := blobs[0].Lock(ctx, "doc/manifest-sha256.txt")
	if err != nil {
		t.Fatal(err)
	}
	// Another key is free.
	other, err := blobs[1].Lock(ctx, "doc/0001.png")
	if err != nil {
		t.Fatal(err)
	}
	other()
	got := make(chan error, 1)
	go func() {
		again, err := blobs[1].Lock(ctx, "doc/manifest-sha256.txt")
		if err == nil {
			again()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("the second lock of a held key was taken at once (%v)", err)
	case <-time.After(200 * time.Millisecond):
	}
	unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second lock of a key was not taken after the first was given back")
	}
	// A lock given up waiting for ends with its context.
	unlock, err = blobs[0].Lock(ctx, "doc/manifest-sha256.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := blobs[1].Lock(short, "doc/manifest-sha256.txt"); err == nil {
		t.Error("a lock of a held key taken before its context ended")
	}
	if _, err := blobs[1].Lock(ctx, "../x"); err == nil {
		t.Error("Lock of a key that is not one succeeded")
	}
}

// TestImagesManifestShared adds the images of one document through two
// servers' images on one database at once: the manifest of sums, which
// each reads, changes and writes again, records every one.
func TestImagesManifestShared(t *testing.T) {
	ctx := context.Background()
	db := testDatabase(t)
	var ims [2]*iiif.Images
	for i := range ims {
		s, err := Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		im, err := iiif.NewImages(s.Blobs(3<<20), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		ims[i] = im
	}
	const pages = 12
	var wg sync.WaitGroup
	errs := make(chan error, pages)
	for n := 1; n <= pages; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			img := image.NewGray(image.Rect(0, 0, 4, 4))
			img.Pix[0] = byte(n) // a sum of its own
			var buf bytes.Buffer
			if err := png.Encode(&buf, img); err != nil {
				errs <- err
				return
			}
			_, err := ims[n%2].Put("shared", n, &buf)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := s.Blobs(3<<20).Open(ctx, "shared/"+iiif.ManifestName)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var manifest bytes.Buffer
	if _, err := manifest.ReadFrom(f); err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= pages; n++ {
		if name := fmt.Sprintf("%04d.png", n); !strings.Contains(manifest.String(), "  "+name+"\n") {
			t.Errorf("the manifest does not record %s:\n%s", name, manifest.String())
		}
	}
}

func TestSuccessor(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "", false},
		{"doc/", "doc0", true},
		{"a", "b", true},
		{"\uD7FF", "\uE000", true},
		{"a\U0010FFFF", "b", true},
	}
	for _, tt := range tests {
		if got, ok := successor(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("successor(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func BenchmarkBlobs20MB(b *testing.B) {
	s, err := Open(context.Background(), testDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	blobtest.Bench(b, 20<<20, s.Blobs(256<<20))
}
