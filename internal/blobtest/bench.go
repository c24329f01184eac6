package blobtest

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"testing"

	"fonds"
)

// Bench measures putting and reading whole a blob of size bytes, as a
// scan is stored and then decoded.
func Bench(b *testing.B, size int, blobs fonds.Blobs) {
	ctx := context.Background()
	data := make([]byte, size)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.Uint32()) // as incompressible as a scan
	}
	b.Run("Put", func(b *testing.B) {
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := blobs.Put(ctx, "bench/scan.png", bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			f, err := blobs.Open(ctx, "bench/scan.png")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, f); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
}
