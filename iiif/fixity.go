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
	"path/filepath"
	"slices"
	"strings"

	"fonds"
)

// ManifestName is the file beside a document's originals that records the
// SHA-256 of each, one line "HEX  FILE" a file, as a BagIt manifest does.
const ManifestName = "manifest-sha256.txt"

// readManifest returns the sums the manifest of document id records, by
// file name; none when it has no manifest. A line it cannot read is
// reported to bad, if not nil.
func (im *Images) readManifest(id string, bad func(string)) (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(im.dir, id, ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
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
	im.fixity.Lock()
	defer im.fixity.Unlock()
	return im.recordLocked(id, set, drop)
}

// recordLocked is record for a caller that holds im.fixity.
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
	dir := filepath.Join(im.dir, id)
	tmp, err := os.CreateTemp(dir, ".manifest-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	_, err = tmp.Write(buf.Bytes())
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, ManifestName))
	}
	return err
}

// documents returns the ids of the documents that have a folder of
// originals, in order.
func (im *Images) documents() ([]string, error) {
	entries, err := os.ReadDir(im.dir)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && validID(e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil // ReadDir sorts by name
}

// originals returns the names of the originals of document id, in order.
func (im *Images) originals(id string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(im.dir, id))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if validFacs(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// hashFile returns the SHA-256 of the file at path, in hex.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", errors.New("not a regular file")
	}
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
			got, err := hashFile(filepath.Join(im.dir, id, name))
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
			sum, err := hashFile(filepath.Join(im.dir, id, name))
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
	im.fixity.Lock()
	err := os.RemoveAll(filepath.Join(im.dir, id))
	im.fixity.Unlock()
	im.removeDerived(id, "")
	if err != nil {
		return fmt.Errorf("iiif: remove images of %s: %w", id, err)
	}
	return nil
}

// Walk calls fn for every original and every manifest, in order of
// document id and file name, with its path relative to the images folder
// ("ID/FILE", with a slash) and its path on disk: what a backup copies.
// Derived images are left out. An error of fn stops the walk.
func (im *Images) Walk(fn func(rel, path string) error) error {
	ids, err := im.documents()
	if err != nil {
		return fmt.Errorf("iiif: walk images: %w", err)
	}
	for _, id := range ids {
		entries, err := os.ReadDir(filepath.Join(im.dir, id))
		if err != nil {
			return fmt.Errorf("iiif: walk images: %w", err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || (e.Name() != ManifestName && !validFacs(e.Name())) {
				continue
			}
			if err := fn(id+"/"+e.Name(), filepath.Join(im.dir, id, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
