package fonds

import (
	"context"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Blobs keeps files that are too large for a row of the store, such as the
// scans of the pages of documents, by key. A key is two or more path
// segments joined by "/" ("DOCUMENT/0001.png"); no segment is empty, "."
// or "..". The folder of a data folder keeps them (iiif.DirBlobs), or the
// PostgreSQL database of the store, so that every server on it sees the
// same ones; an S3-compatible store may be added behind the same methods.
type Blobs interface {
	// Put stores the bytes of r under key, replacing any blob there,
	// once they are all read: a reader of the key sees the old blob or
	// the new one, never part of one. More bytes than the
	// implementation's bound is ErrInvalid, and nothing is stored.
	Put(ctx context.Context, key string, r io.Reader) (BlobInfo, error)
	// Open returns the blob at key to read, or ErrNotFound. It reads
	// the blob a part at a time, never all of it at once.
	Open(ctx context.Context, key string) (Blob, error)
	// Stat returns what is known of the blob at key, or ErrNotFound.
	Stat(ctx context.Context, key string) (BlobInfo, error)
	// Delete removes the blob at key. A key with no blob is no error.
	Delete(ctx context.Context, key string) error
	// Rename moves the blob at from to the key to, replacing any blob
	// there, and sets its time to now (its content is the same, its
	// place new); ErrNotFound when from has none.
	Rename(ctx context.Context, from, to string) error
	// List calls fn for each blob whose key starts with prefix, in order
	// of key. An error of fn stops it and is returned.
	List(ctx context.Context, prefix string, fn func(BlobInfo) error) error
}

// BlobLocker is Blobs that several processes share (several servers on one
// database), whose keys a caller can lock in all of them at once: a blob
// read, changed and written again (a manifest of sums) under its key's
// lock loses no other server's change.
type BlobLocker interface {
	// Lock waits for the lock of key, takes it and returns the function
	// that gives it back. It locks key for every holder of the blobs, this
	// process's other callers too; it does not stop a Put of the key.
	Lock(ctx context.Context, key string) (unlock func(), err error)
}

// BlobInfo describes a stored blob.
type BlobInfo struct {
	Key      string
	Size     int64
	Modified time.Time
}

// Blob is a blob open for reading.
type Blob interface {
	io.ReadSeekCloser
	Info() BlobInfo
}

// ValidBlobKey reports whether key can name a blob: path segments joined by
// "/", none empty or starting with "." (names a folder of blobs keeps for
// itself, such as its files being written), no backslash, NUL or invalid
// UTF-8, at most 1024 bytes.
func ValidBlobKey(key string) bool {
	if key == "" || len(key) > 1024 || !utf8.ValidString(key) || strings.ContainsAny(key, "\\\x00") {
		return false
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || strings.HasPrefix(seg, ".") {
			return false
		}
	}
	return true
}
