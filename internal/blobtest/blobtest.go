// Package blobtest holds the contract every fonds.Blobs implementation
// must keep, run by the tests of each.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"fonds"
)

// Run tests the blobs newBlobs returns, empty and each bounded to max
// bytes (max at least 3 MB, so that a blob spans chunks).
func Run(t *testing.T, max int64, newBlobs func(t *testing.T) fonds.Blobs) {
	ctx := context.Background()
	// Not a multiple of any chunk size, and bytes that differ by position.
	big := make([]byte, 2<<20+12345)
	for i := range big {
		big[i] = byte(i*7 + i>>11)
	}

	t.Run("PutOpenStatDelete", func(t *testing.T) {
		b := newBlobs(t)
		info, err := b.Put(ctx, "doc/0001.png", bytes.NewReader(big))
		if err != nil {
			t.Fatalf("Put: %v", err)
		}
		if info.Key != "doc/0001.png" || info.Size != int64(len(big)) || info.Modified.IsZero() {
			t.Errorf("Put = %+v, want the key, size %d and a time", info, len(big))
		}
		st, err := b.Stat(ctx, "doc/0001.png")
		if err != nil || st.Size != info.Size || !st.Modified.Equal(info.Modified) {
			t.Errorf("Stat = %+v, %v, want %+v", st, err, info)
		}
		f, err := b.Open(ctx, "doc/0001.png")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		got, err := io.ReadAll(f)
		if err != nil || !bytes.Equal(got, big) {
			t.Errorf("ReadAll: %d bytes, %v; want the %d put", len(got), err, len(big))
		}
		if f.Info().Size != int64(len(big)) {
			t.Errorf("Info().Size = %d, want %d", f.Info().Size, len(big))
		}
		// Seeking across chunks, as the image decoders do.
		for _, off := range []int64{0, 1<<20 - 3, 2<<20 + 12000, 17} {
			if _, err := f.Seek(off, io.SeekStart); err != nil {
				t.Fatalf("Seek(%d): %v", off, err)
			}
			buf := make([]byte, 300)
			n, err := io.ReadFull(f, buf)
			want := big[off:min(off+300, int64(len(big)))]
			if !bytes.Equal(buf[:n], want) || (err != nil && n != len(want)) {
				t.Errorf("read at %d: %d bytes, %v; want %d", off, n, err, len(want))
			}
		}
		if pos, err := f.Seek(-10, io.SeekEnd); err != nil || pos != int64(len(big))-10 {
			t.Errorf("Seek(-10, end) = %d, %v", pos, err)
		}
		f.Close()

		// Replacing.
		if _, err := b.Put(ctx, "doc/0001.png", strings.NewReader("small")); err != nil {
			t.Fatalf("Put again: %v", err)
		}
		if got := read(t, b, "doc/0001.png"); got != "small" {
			t.Errorf("after replacing, read %q, want %q", got, "small")
		}
		if err := b.Delete(ctx, "doc/0001.png"); err != nil {
			t.Errorf("Delete: %v", err)
		}
		if err := b.Delete(ctx, "doc/0001.png"); err != nil {
			t.Errorf("Delete of a deleted blob: %v, want nil", err)
		}
		if _, err := b.Stat(ctx, "doc/0001.png"); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("Stat after Delete: %v, want ErrNotFound", err)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		b := newBlobs(t)
		if _, err := b.Open(ctx, "doc/none.png"); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("Open(missing) = %v, want ErrNotFound", err)
		}
		if _, err := b.Stat(ctx, "doc/none.png"); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("Stat(missing) = %v, want ErrNotFound", err)
		}
		if err := b.Rename(ctx, "doc/none.png", "doc/other.png"); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("Rename(missing) = %v, want ErrNotFound", err)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		b := newBlobs(t)
		for _, key := range []string{"", "/a", "a//b", "a/../b", "a/.hidden", "a\\b", "a\x00b", "a/", "\xff"} {
			if _, err := b.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, fonds.ErrInvalid) {
				t.Errorf("Put(%q) = %v, want ErrInvalid", key, err)
			}
		}
		tooBig := io.LimitReader(zeros{}, max+1)
		if _, err := b.Put(ctx, "doc/big.png", tooBig); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Put of %d bytes = %v, want ErrInvalid", max+1, err)
		}
		if _, err := b.Stat(ctx, "doc/big.png"); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("Stat after a refused Put: %v, want ErrNotFound", err)
		}
		if _, err := b.Put(ctx, "doc/max.png", io.LimitReader(zeros{}, max)); err != nil {
			t.Errorf("Put of %d bytes: %v", max, err)
		}
	})

	t.Run("RenameList", func(t *testing.T) {
		b := newBlobs(t)
		for _, k := range []string{"a/2.png", "a/1.png", "a-b/1.png", "b/1.png", "a/x/deep.png"} {
			if _, err := b.Put(ctx, k, strings.NewReader(k)); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Rename(ctx, "a/1.png", "a/2.png"); err != nil {
			t.Fatalf("Rename: %v", err)
		}
		if got := read(t, b, "a/2.png"); got != "a/1.png" {
			t.Errorf("after Rename, a/2.png holds %q", got)
		}
		if _, err := b.Stat(ctx, "a/1.png"); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("Stat of a renamed blob: %v, want ErrNotFound", err)
		}
		tests := []struct{ prefix, want string }{
			{"", "a-b/1.png a/2.png a/x/deep.png b/1.png"},
			{"a/", "a/2.png a/x/deep.png"},
			{"a", "a-b/1.png a/2.png a/x/deep.png"},
			{"a/x/", "a/x/deep.png"},
			{"c/", ""},
		}
		for _, tt := range tests {
			var keys []string
			if err := b.List(ctx, tt.prefix, func(i fonds.BlobInfo) error {
				keys = append(keys, i.Key)
				return nil
			}); err != nil {
				t.Errorf("List(%q): %v", tt.prefix, err)
			}
			if got := strings.Join(keys, " "); got != tt.want {
				t.Errorf("List(%q) = %q, want %q", tt.prefix, got, tt.want)
			}
		}
		stop := errors.New("stop")
		if err := b.List(ctx, "", func(fonds.BlobInfo) error { return stop }); err != stop {
			t.Errorf("List with fn failing = %v, want its error", err)
		}
	})
}

func read(t *testing.T, b fonds.Blobs, key string) string {
	t.Helper()
	f, err := b.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer f.Close()
	got, err := io.ReadAll(f)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return string(got)
}

// zeros reads as endless zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
