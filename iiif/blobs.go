package iiif

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"fonds"
)

// DirBlobs keeps blobs as files of a folder, a key's segments its folders
// and file name: the page images of an archive whose store is the SQLite
// database of its data folder. Names starting with "." are its own (files
// being written) or another's (the cache of derived images), and are not
// listed.
type DirBlobs struct {
	dir string
	max int64
}

var _ fonds.Blobs = (*DirBlobs)(nil)

// NewDirBlobs returns the blobs of the folder dir, created if need be,
// each at most maxBytes.
func NewDirBlobs(dir string, maxBytes int64) (*DirBlobs, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("iiif: blobs %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("iiif: blobs: %w", err)
	}
	return &DirBlobs{dir: abs, max: maxBytes}, nil
}

// Path returns the file that holds the blob at key.
func (b *DirBlobs) Path(key string) string {
	return filepath.Join(b.dir, filepath.FromSlash(key))
}

func (b *DirBlobs) check(op, key string) error {
	if !fonds.ValidBlobKey(key) {
		return fmt.Errorf("iiif: %s blob %q: not a key: %w", op, key, fonds.ErrInvalid)
	}
	return nil
}

// Put writes r to a file beside the blob's, then renames it into place.
func (b *DirBlobs) Put(ctx context.Context, key string, r io.Reader) (fonds.BlobInfo, error) {
	if err := b.check("put", key); err != nil {
		return fonds.BlobInfo{}, err
	}
	path := b.Path(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fonds.BlobInfo{}, fmt.Errorf("iiif: put blob: %w", err)
	}
	err := replaceFile(path, ".blob-*", true, func(f *os.File) error {
		n, err := io.Copy(f, io.LimitReader(r, b.max+1))
		if err == nil && n > b.max {
			err = fmt.Errorf("larger than %d bytes: %w", b.max, fonds.ErrInvalid)
		}
		return err
	})
	if err != nil {
		return fonds.BlobInfo{}, fmt.Errorf("iiif: put blob %s: %w", key, err)
	}
	return b.Stat(ctx, key)
}

// dirBlob is a blob of a folder open for reading.
type dirBlob struct {
	*os.File
	info fonds.BlobInfo
}

func (f *dirBlob) Info() fonds.BlobInfo { return f.info }

// Open opens the blob's file.
func (b *DirBlobs) Open(ctx context.Context, key string) (fonds.Blob, error) {
	if err := b.check("open", key); err != nil {
		return nil, err
	}
	f, err := os.Open(b.Path(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("iiif: open blob %s: %w", key, fonds.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("iiif: open blob: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("iiif: open blob: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("iiif: open blob %s: %w", key, fonds.ErrNotFound)
	}
	return &dirBlob{File: f, info: fonds.BlobInfo{Key: key, Size: fi.Size(), Modified: fi.ModTime()}}, nil
}

// Stat returns the size and time of the blob's file.
func (b *DirBlobs) Stat(ctx context.Context, key string) (fonds.BlobInfo, error) {
	if err := b.check("stat", key); err != nil {
		return fonds.BlobInfo{}, err
	}
	fi, err := os.Stat(b.Path(key))
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || (err == nil && !fi.Mode().IsRegular()) {
		return fonds.BlobInfo{}, fmt.Errorf("iiif: blob %s: %w", key, fonds.ErrNotFound)
	} else if err != nil {
		return fonds.BlobInfo{}, fmt.Errorf("iiif: blob: %w", err)
	}
	return fonds.BlobInfo{Key: key, Size: fi.Size(), Modified: fi.ModTime()}, nil
}

// Delete removes the blob's file, and the folders it leaves empty.
func (b *DirBlobs) Delete(ctx context.Context, key string) error {
	if err := b.check("delete", key); err != nil {
		return err
	}
	if err := os.Remove(b.Path(key)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("iiif: delete blob: %w", err)
	}
	b.prune(key)
	return nil
}

// prune removes the folders of key left empty, up to the blobs' folder: a
// folder that is not empty stays.
func (b *DirBlobs) prune(key string) {
	for k := strings.LastIndexByte(key, '/'); k > 0; k = strings.LastIndexByte(key, '/') {
		key = key[:k]
		if os.Remove(b.Path(key)) != nil {
			return
		}
	}
}

// Rename renames the blob's file, and sets its time to now.
func (b *DirBlobs) Rename(ctx context.Context, from, to string) error {
	if err := b.check("rename", from); err != nil {
		return err
	}
	if err := b.check("rename", to); err != nil {
		return err
	}
	if _, err := b.Stat(ctx, from); err != nil {
		return err
	}
	dst := b.Path(to)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("iiif: rename blob: %w", err)
	}
	if err := os.Rename(b.Path(from), dst); err != nil {
		return fmt.Errorf("iiif: rename blob: %w", err)
	}
	now := time.Now()
	if err := os.Chtimes(dst, now, now); err != nil {
		return fmt.Errorf("iiif: rename blob: %w", err)
	}
	b.prune(from)
	return nil
}

// List walks the folders under prefix, each in the order that makes the
// keys sorted.
func (b *DirBlobs) List(ctx context.Context, prefix string, fn func(fonds.BlobInfo) error) error {
	// Start at the deepest folder every key with the prefix is in.
	base := ""
	if k := strings.LastIndexByte(prefix, '/'); k >= 0 {
		base = prefix[:k]
		if !fonds.ValidBlobKey(base) {
			return nil
		}
	}
	err := b.list(ctx, base, prefix, fn)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil
	}
	return err
}

func (b *DirBlobs) list(ctx context.Context, folder, prefix string, fn func(fonds.BlobInfo) error) error {
	entries, err := os.ReadDir(b.Path(folder))
	if err != nil {
		return err
	}
	type entry struct {
		key  string
		sort string // the key, and "/" after a folder's, as its keys sort
		dir  bool
	}
	var list []entry
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		key := e.Name()
		if folder != "" {
			key = folder + "/" + key
		}
		switch {
		case e.IsDir():
			if strings.HasPrefix(key+"/", prefix) || strings.HasPrefix(prefix, key+"/") {
				list = append(list, entry{key, key + "/", true})
			}
		case e.Type().IsRegular() && strings.HasPrefix(key, prefix) && fonds.ValidBlobKey(key):
			list = append(list, entry{key, key, false})
		}
	}
	slices.SortFunc(list, func(a, b entry) int { return strings.Compare(a.sort, b.sort) })
	for _, e := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.dir {
			if err := b.list(ctx, e.key, prefix, fn); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			continue
		}
		info, err := b.Stat(ctx, e.key)
		if errors.Is(err, fonds.ErrNotFound) {
			continue // removed meanwhile
		} else if err != nil {
			return err
		}
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}
