package iiif

import (
	"testing"

	"fonds"
	"fonds/internal/blobtest"
)

func TestDirBlobs(t *testing.T) {
	blobtest.Run(t, 3<<20, func(t *testing.T) fonds.Blobs {
		b, err := NewDirBlobs(t.TempDir(), 3<<20)
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

func BenchmarkDirBlobs20MB(b *testing.B) {
	blobs, err := NewDirBlobs(b.TempDir(), MaxImageBytes)
	if err != nil {
		b.Fatal(err)
	}
	blobtest.Bench(b, 20<<20, blobs)
}
