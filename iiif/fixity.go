package iiif

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"fonds"
)

// ManifestName is the file beside a document's originals that records the
// SHA-256 of each, one line "HEX  FILE" a file, as a BagIt manifest does.
const ManifestName = "manifest-sha256.txt"

// readManifest returns the sums the manifest of document id records, by
// file name; none when it has no manifest. A line it cannot read is
// reported to bad, if not nil.
func (im *Images) readManifest(id string, bad func(string)) (map[string]string, error) {
	f, err := im.blobs.Open(context.Background(), key(id, ManifestName))
	if errors.Is(err, fonds.ErrNotFound) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// A manifest holds a line of about 80 bytes an image: far less than
	// this even for a document of 100,000 pages.
	b, err := io.ReadAll(io.LimitReader(f, maxManifestBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxManifestBytes {
		return nil, fmt.Errorf("%s/%s is larger than %d MB", id, ManifestName, maxManifestBytes>>20)
	}
	sums := make(map[string]string)
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 2*sha256.Size || !validFacs(name) {
			if bad != nil && line != "" {
				bad(fmt.Sprintf("%s/%s: line %d is not a sum and a file name: %q", id, ManifestName, i+1, line))
			}
			continue
		}
		sums[name] = strings.ToLower(sum)
	}
	return sums, nil
}

// record sets the sums of the files in set, and drops those of the files
// in drop, in the manifest of document id. Atomic: temp file + rename.
func (im *Images) record(id string, set map[string]string, drop []string) error {
	unlock, err := im.lockFixity(id)
	if err != nil {
		return err
	}
	defer unlock()
	return im.recordLocked(id, set, drop)
}

// lockFixity takes the lock under which the manifest of document id is
// read and written: this process's, and, where the blobs are shared by
// several servers, the lock of the manifest's key in all of them.
func (im *Images) lockFixity(id string) (unlock func(), err error) {
	im.fixity.Lock()
	locker, ok := im.blobs.(fonds.BlobLocker)
	if !ok {
		return im.fixity.Unlock, nil
	}
	// Another server holds it only while it changes the manifest: one
	// that holds it this long is stuck, and the change is refused.
	ctx, cancel := context.WithTimeout(context.Background(), manifestLockWait)
	defer cancel()
	release, err := locker.Lock(ctx, key(id, ManifestName))
	if err != nil {
		im.fixity.Unlock()
		return nil, fmt.Errorf("the manifest of %s is locked by another server: %w", id, err)
	}
	return func() {
		release()
		im.fixity.Unlock()
	}, nil
}

// manifestLockWait bounds the wait for the lock of a manifest that
// another server holds.
const manifestLockWait = 30 * time.Second

// recordLocked is record for a caller that holds the lock of lockFixity.
func (im *Images) recordLocked(id string, set map[string]string, drop []string) error {
	sums, err := im.readManifest(id, nil)
	if err != nil {
		return err
	}
	for name, sum := range set {
		sums[name] = sum
	}
	for _, name := range drop {
		delete(sums, name)
	}
	var buf bytes.Buffer
	for _, name := range slices.Sorted(maps.Keys(sums)) {
		fmt.Fprintf(&buf, "%s  %s\n", sums[name], name)
	}
	_, err = im.blobs.Put(context.Background(), key(id, ManifestName), &buf)
	return err
}

// maxManifestBytes bounds the manifest of a document's sums.
const maxManifestBytes = 64 << 20

// documents returns the ids of the documents that have originals (or a
// manifest), in order.
func (im *Images) documents() ([]string, error) {
	var ids []string
	err := im.blobs.List(context.Background(), "", func(b fonds.BlobInfo) error {
		id, _, ok := strings.Cut(b.Key, "/")
		if ok && validID(id) && (len(ids) == 0 || ids[len(ids)-1] != id) {
			ids = append(ids, id)
		}
		return nil
	})
	// The keys of a document are together, but "a-b/" sorts before "a/".
	slices.Sort(ids)
	return ids, err
}

// originals returns the names of the originals of document id, in order.
func (im *Images) originals(id string) ([]string, error) {
	var names []string
	err := im.blobs.List(context.Background(), id+"/", func(b fonds.BlobInfo) error {
		if name := strings.TrimPrefix(b.Key, id+"/"); validFacs(name) {
			names = append(names, name)
		}
		return nil
	})
	return names, err
}

// hashBlob returns the SHA-256 of the blob at key, in hex.
func (im *Images) hashBlob(ctx context.Context, key string) (string, error) {
	f, err := im.blobs.Open(ctx, key)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, bufio.NewReaderSize(f, 256<<10)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Verify hashes every original again and compares it with what the
// document's manifest records, reporting to problem each original that is
// missing, changed, or not recorded (as are all those stored before Put
// kept manifests: Record brings them in). It returns how many originals
// it hashed; the error is for what stopped it, not for what it found.
func (im *Images) Verify(ctx context.Context, problem func(string)) (checked int, err error) {
	ids, err := im.documents()
	if err != nil {
		return 0, fmt.Errorf("iiif: verify images: %w", err)
	}
	for _, id := range ids {
		sums, err := im.readManifest(id, problem)
		if err != nil {
			return checked, fmt.Errorf("iiif: verify images of %s: %w", id, err)
		}
		names, err := im.originals(id)
		if err != nil {
			return checked, fmt.Errorf("iiif: verify images of %s: %w", id, err)
		}
		for _, name := range names {
			if err := ctx.Err(); err != nil {
				return checked, err
			}
			want, recorded := sums[name]
			delete(sums, name)
			got, err := im.hashBlob(ctx, key(id, name))
			if err != nil {
				problem(fmt.Sprintf("%s/%s: cannot be read: %v", id, name, err))
				continue
			}
			checked++
			switch {
			case !recorded:
				problem(fmt.Sprintf("%s/%s: unrecorded: no sum in %s", id, name, ManifestName))
			case got != want:
				problem(fmt.Sprintf("%s/%s: changed: SHA-256 %s, recorded %s", id, name, got, want))
			}
		}
		for _, name := range slices.Sorted(maps.Keys(sums)) {
			problem(fmt.Sprintf("%s/%s: missing: recorded in %s, not on disk", id, name, ManifestName))
		}
	}
	return checked, nil
}

// Record adds to the manifests the sum of every original they do not list,
// such as those stored before Put kept manifests, and returns how many it
// added. It never changes a recorded sum: a changed original stays a
// finding of Verify.
func (im *Images) Record(ctx context.Context) (recorded int, err error) {
	ids, err := im.documents()
	if err != nil {
		return 0, fmt.Errorf("iiif: record images: %w", err)
	}
	for _, id := range ids {
		sums, err := im.readManifest(id, nil)
		if err != nil {
			return recorded, fmt.Errorf("iiif: record images of %s: %w", id, err)
		}
		names, err := im.originals(id)
		if err != nil {
			return recorded, fmt.Errorf("iiif: record images of %s: %w", id, err)
		}
		add := make(map[string]string)
		for _, name := range names {
			if err := ctx.Err(); err != nil {
				return recorded, err
			}
			if _, ok := sums[name]; ok {
				continue
			}
			sum, err := im.hashBlob(ctx, key(id, name))
			if err != nil {
				return recorded, fmt.Errorf("iiif: record %s/%s: %w", id, name, err)
			}
			add[name] = sum
		}
		if len(add) == 0 {
			continue
		}
		if err := im.record(id, add, nil); err != nil {
			return recorded, fmt.Errorf("iiif: record images of %s: %w", id, err)
		}
		recorded += len(add)
	}
	return recorded, nil
}

// Remove removes the originals of document id, their manifest and the
// images derived from them. A document without images is no error.
func (im *Images) Remove(id string) error {
	if !validID(id) {
		return fmt.Errorf("iiif: remove images: document id %q cannot name a folder: %w", id, fonds.ErrInvalid)
	}
	ctx := context.Background()
	unlock, err := im.lockFixity(id)
	if err != nil {
		return fmt.Errorf("iiif: remove images of %s: %w", id, err)
	}
	var keys []string
	err = im.blobs.List(ctx, id+"/", func(b fonds.BlobInfo) error {
		keys = append(keys, b.Key)
		return nil
	})
	for _, k := range keys {
		if err != nil {
			break
		}
		err = im.blobs.Delete(ctx, k)
	}
	if d, ok := im.blobs.(*DirBlobs); ok && err == nil {
		// What a crash left behind, such as an image being written.
		err = os.RemoveAll(d.Path(id))
	}
	unlock()
	im.removeDerived(id, "")
	if err != nil {
		return fmt.Errorf("iiif: remove images of %s: %w", id, err)
	}
	return nil
}

// Walk calls fn for every original and every manifest, in order of
// document id and file name, with its path relative to the images folder
// ("ID/FILE", with a slash) and its path on disk: what a backup copies.
// Derived images are left out. An error of fn stops the walk. Originals
// kept elsewhere than in a folder (in the database) are copied to a
// temporary file of the cache for fn, one at a time.
func (im *Images) Walk(fn func(rel, path string) error) error {
	ctx := context.Background()
	dir, _ := im.blobs.(*DirBlobs)
	ids, err := im.documents()
	if err != nil {
		return fmt.Errorf("iiif: walk images: %w", err)
	}
	for _, id := range ids {
		if err := im.walk(ctx, dir, id, fn); err != nil {
			return err
		}
	}
	return nil
}

// walk is Walk for the images of document id.
func (im *Images) walk(ctx context.Context, dir *DirBlobs, id string, fn func(rel, path string) error) error {
	err := im.blobs.List(ctx, id+"/", func(b fonds.BlobInfo) error {
		name := strings.TrimPrefix(b.Key, id+"/")
		if name != ManifestName && !validFacs(name) {
			return nil
		}
		if dir != nil {
			return fn(b.Key, dir.Path(b.Key))
		}
		path, err := im.spool(ctx, b.Key)
		if err != nil {
			return err
		}
		defer os.Remove(path)
		return fn(b.Key, path)
	})
	if err != nil {
		return fmt.Errorf("iiif: walk images: %w", err)
	}
	return nil
}

// spool copies the blob at key to a temporary file of the cache folder,
// and returns its path.
func (im *Images) spool(ctx context.Context, key string) (string, error) {
	src, err := im.blobs.Open(ctx, key)
	if err != nil {
		return "", err
	}
	defer src.Close()
	if err := os.MkdirAll(im.cache, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(im.cache, ".walk-*")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
