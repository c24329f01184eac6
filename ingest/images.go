package ingest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fonds"
)

// imageExts are the extensions of page images, and the extension the image
// store gives each kind.
var imageExts = map[string]string{".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".gif": ".gif"}

// pageImage is an image file found for a page.
type pageImage struct {
	page int      // Page.N
	name string   // the file, relative to root
	root *os.Root // the folder the import named
	path string   // the file as the user knows it, for messages
}

func (p pageImage) open() (*os.File, error) {
	f, err := p.root.Open(p.name)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", quote(p.path), errors.Unwrap(err))
	}
	return f, nil
}

// pageImages finds the images of d's pages beside the file f, records their
// names in d's Pages (before the document is stored, so that it is stored
// whole), and returns them to be copied once the document's id is final.
// Images are looked for only when the import keeps images and f is on disk,
// and only inside the folder the import named: an image folder or file that
// is a symbolic link, or a path that leads out of the folder, is refused
// with a warning, so that a file cannot publish what else the importing
// machine can read.
func (im *Importer) pageImages(f File, d *fonds.Document) ([]pageImage, []string) {
	if im.Images == nil || f.fsys != nil || len(d.Pages) == 0 {
		return nil, nil
	}
	root, err := os.OpenRoot(f.root)
	if err != nil {
		return nil, []string{fmt.Sprintf("cannot look for images in %s: %v", quote(f.root), errors.Unwrap(err))}
	}
	// The root stays open while the images are copied; the finalizer of
	// os.Root closes it once they are done with.
	fileDir, err := filepath.Rel(f.root, filepath.Dir(f.Path))
	if err != nil || !filepath.IsLocal(fileDir) && fileDir != "." {
		return nil, []string{fmt.Sprintf("cannot look for images: %s is not inside %s", quote(f.Path), quote(f.root))}
	}
	var found []pageImage
	var warnings []string
	refuse := func(path, why string) {
		warnings = append(warnings, fmt.Sprintf("image %s %s: not imported", quote(path), why))
	}

	base := filepath.Base(f.Path)
	dirName := filepath.Join(fileDir, strings.TrimSuffix(base, filepath.Ext(base)))
	dirPath := strings.TrimSuffix(f.Path, filepath.Ext(f.Path))
	if info, err := root.Lstat(dirName); err == nil && (info.IsDir() || info.Mode()&fs.ModeSymlink != 0) {
		// NAME/ beside NAME.txt: one image a page, in name order.
		if info.Mode()&fs.ModeSymlink != 0 {
			refuse(dirPath, "folder is a symbolic link")
			return nil, warnings
		}
		entries, err := fs.ReadDir(root.FS(), filepath.ToSlash(dirName))
		if err != nil {
			return nil, append(warnings, fmt.Sprintf("cannot read the image folder %s: %v", quote(dirPath), errors.Unwrap(err)))
		}
		var files []string
		for _, e := range entries {
			if _, ok := imageExts[strings.ToLower(filepath.Ext(e.Name()))]; !ok {
				continue
			}
			switch {
			case e.Type()&fs.ModeSymlink != 0:
				refuse(filepath.Join(dirPath, e.Name()), "is a symbolic link")
			case e.Type().IsRegular():
				files = append(files, e.Name())
			}
		}
		sort.Strings(files)
		if len(files) != len(d.Pages) {
			warnings = append(warnings, fmt.Sprintf("%d images in %s for %d pages: the pages without one have no image", len(files), quote(dirPath), len(d.Pages)))
		}
		for i := range min(len(files), len(d.Pages)) {
			found = append(found, pageImage{page: d.Pages[i].N, root: root,
				name: filepath.Join(dirName, files[i]), path: filepath.Join(dirPath, files[i])})
			d.Pages[i].Facs = facsName(d.Pages[i].N, files[i])
		}
		return found, warnings
	}
	// Pages that name their image, relative to the file's folder.
	for i, p := range d.Pages {
		if p.Facs == "" || strings.Contains(p.Facs, "://") {
			continue
		}
		if _, ok := imageExts[strings.ToLower(filepath.Ext(p.Facs))]; !ok {
			continue
		}
		path := filepath.Join(filepath.Dir(f.Path), filepath.FromSlash(p.Facs))
		name := filepath.Join(fileDir, filepath.FromSlash(p.Facs))
		if filepath.IsAbs(filepath.FromSlash(p.Facs)) || !filepath.IsLocal(name) {
			refuse(p.Facs, fmt.Sprintf("of page %d lies outside %s", p.N, quote(f.root)))
			continue
		}
		info, err := root.Lstat(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // a reference to an image not supplied: kept as written
		case err != nil:
			refuse(p.Facs, fmt.Sprintf("of page %d cannot be read inside %s (%v)", p.N, quote(f.root), errors.Unwrap(err)))
			continue
		case info.Mode()&fs.ModeSymlink != 0:
			refuse(path, fmt.Sprintf("of page %d is a symbolic link", p.N))
			continue
		case !info.Mode().IsRegular():
			continue
		}
		found = append(found, pageImage{page: p.N, root: root, name: name, path: path})
		d.Pages[i].Facs = facsName(p.N, name)
	}
	return found, warnings
}

// facsName is the name the image store gives the image of page n.
func facsName(n int, file string) string {
	return fmt.Sprintf("%04d%s", n, imageExts[strings.ToLower(filepath.Ext(file))])
}

// put stores d and its images, all or nothing: a document whose images the
// image store refuses is not stored, and one that replaces an earlier
// version leaves that version as the public sees it. When another file's
// document holds d's id and is the same document (see sameDocument), same
// is that one, and the two are kept once: res is "" when the stored one is
// kept and d is not stored.
func (im *Importer) put(ctx context.Context, d *fonds.Document, images []pageImage, s fonds.Save) (res fonds.PutResult, same *fonds.Document, err error) {
	if len(images) == 0 {
		return im.putDocument(ctx, d, s)
	}
	prev, same, err := im.previous(ctx, d)
	switch {
	case err != nil:
		return "", nil, err
	case same != nil:
		return im.keepOnce(ctx, d, same, images, s)
	case prev != nil && prev.Hash == d.ContentHash():
		// Unchanged: only the images missing are added, and the public
		// sees nothing it did not before.
		res, err := im.Store.SaveDocument(ctx, d, s)
		if err != nil {
			return "", nil, err
		}
		return res, nil, im.putImages(d.ID, images, true)
	case prev == nil:
		// New: nothing is public under the id yet, so the images go
		// there first, and are taken out again if one fails.
		if err := im.putImages(d.ID, images, false); err != nil {
			return "", nil, errors.Join(err, im.Images.Remove(d.ID))
		}
		res, err := im.Store.SaveDocument(ctx, d, s)
		if err != nil {
			return "", nil, errors.Join(err, im.Images.Remove(d.ID))
		}
		return res, nil, nil
	}
	res, err = im.putChanged(ctx, d, prev, images, s)
	return res, nil, err
}

// putChanged stores d, which changes prev, and its images: the images of
// the version the public sees stay until the new ones have all been
// accepted, under an id of their own.
func (im *Importer) putChanged(ctx context.Context, d, prev *fonds.Document, images []pageImage, s fonds.Save) (fonds.PutResult, error) {
	stage, err := stageID()
	if err != nil {
		return "", err
	}
	err = im.putImages(stage, images, false)
	if rerr := im.Images.Remove(stage); err == nil {
		err = rerr
	}
	if err != nil {
		return "", err
	}
	res, err := im.Store.SaveDocument(ctx, d, s)
	if err != nil {
		return "", err
	}
	if err := im.putImages(d.ID, images, false); err != nil {
		// Accepted once, refused now: the disk is full or failing. Put
		// the earlier version back, as it was.
		s.Message = "import of " + d.Origin + " failed: the earlier version put back"
		s.Version = 0
		_, rerr := im.Store.SaveDocument(ctx, prev, s)
		return "", errors.Join(err, rerr)
	}
	return res, nil
}

// previous returns the stored version of d, if any, and settles d's id as
// the store would: another file's document that holds it makes d take one
// derived from its origin, unless it is the same document as d, which is
// returned as same.
func (im *Importer) previous(ctx context.Context, d *fonds.Document) (prev, same *fonds.Document, err error) {
	for range 2 {
		prev, err := im.Store.Document(ctx, d.ID)
		switch {
		case errors.Is(err, fonds.ErrNotFound):
			return nil, nil, nil
		case err != nil:
			return nil, nil, err
		case prev.Origin == "" || d.Origin == "" || prev.Origin == d.Origin:
			return prev, nil, nil
		case sameDocument(prev, d):
			return nil, prev, nil
		}
		d.ID = derivedID(d)
	}
	return nil, nil, fmt.Errorf("%w: the id is taken by another document", fonds.ErrConflict)
}

// putDocument stores d, which has no images; should another file's
// document hold its id, d takes one derived from its origin, the same at
// every re-import, unless the two are the same document.
func (im *Importer) putDocument(ctx context.Context, d *fonds.Document, s fonds.Save) (fonds.PutResult, *fonds.Document, error) {
	res, err := im.Store.SaveDocument(ctx, d, s)
	if !errors.Is(err, fonds.ErrConflict) || strings.HasSuffix(d.ID, derivedSuffix(d)) {
		return res, nil, err
	}
	// Read only now: a document that takes its id unopposed, as most do,
	// costs no look-up.
	prev, err := im.Store.Document(ctx, d.ID)
	if err != nil {
		return "", nil, err
	}
	if sameDocument(prev, d) {
		return im.keepOnce(ctx, d, prev, nil, s)
	}
	d.ID = derivedID(d)
	res, err = im.Store.SaveDocument(ctx, d, s)
	return res, nil, err
}

// sameDocument reports whether d, read from one file, is the same document
// as stored, read from another, so that the two are kept once: they have
// the same identity (see identity).
func sameDocument(stored, d *fonds.Document) bool {
	if stored.Origin == "" || d.Origin == "" || stored.Origin == d.Origin {
		return false
	}
	id := identity(d)
	return id != "" && id == identity(stored)
}

// identity returns what tells d from every other document whatever file it
// is read from, or "" when nothing does: its collection and its number in
// it, when it has one (a FRUS document, read alone or in its volume); else
// its date and the reference it is filed under, when the reference has a
// number (from which fonds.DocumentID makes its id). A date with a series
// alone ("Pb"), or a date alone, is shared by distinct documents, which
// must not be taken for one.
func identity(d *fonds.Document) string {
	if d.Number > 0 {
		return fmt.Sprintf("number %s %d", d.Collection, d.Number)
	}
	r := d.PrimaryReference().Normalized
	if d.Date.Start != "" && strings.ContainsAny(r, "0123456789") {
		return "reference " + d.Date.Start + " " + r
	}
	return ""
}

// ranksBefore reports whether a is the version of a document to keep
// rather than b, another arrival of it: the one read from its volume, which
// knows the chapter it stands in, else the one whose origin sorts first.
// It depends on the two alone, so that the version kept does not depend
// on the order in which the files are read.
func ranksBefore(a, b *fonds.Document) bool {
	if (a.Section != "") != (b.Section != "") {
		return a.Section != ""
	}
	return a.Origin < b.Origin
}

// keepOnce keeps one of d and stored, two arrivals of the same document
// from different files: stored, or d in its place under the same id when d
// ranks before it. It returns res "" when stored is kept, and stored as
// same either way.
func (im *Importer) keepOnce(ctx context.Context, d, stored *fonds.Document, images []pageImage, s fonds.Save) (res fonds.PutResult, same *fonds.Document, err error) {
	if !ranksBefore(d, stored) {
		return "", stored, nil
	}
	// d takes the place of stored under its id, as a new version of it,
	// as it would have had it come first.
	s.Replace = true
	s.Version = stored.Version
	s.Message = "import of " + d.Origin + ": the same document as " + stored.Origin + ", kept once"
	if len(images) == 0 {
		res, err = im.Store.SaveDocument(ctx, d, s)
	} else {
		res, err = im.putChanged(ctx, d, stored, images, s)
	}
	if err != nil {
		return "", nil, err
	}
	if res == fonds.Added {
		res = fonds.Updated
	}
	return res, stored, nil
}

func derivedSuffix(d *fonds.Document) string {
	sum := sha256.Sum256([]byte(d.Origin))
	return "-" + hex.EncodeToString(sum[:3])
}

func derivedID(d *fonds.Document) string {
	if strings.HasSuffix(d.ID, derivedSuffix(d)) {
		return d.ID
	}
	return d.ID + derivedSuffix(d)
}

// stageID returns an id under which images are tried before they replace
// those of a published document: a random one, which no document takes.
func stageID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "Import-" + hex.EncodeToString(b), nil
}

// putImages copies the images into the image store under id: all of them,
// or when missingOnly those it lacks.
func (im *Importer) putImages(id string, images []pageImage, missingOnly bool) error {
	for _, img := range images {
		if missingOnly && im.Images.Has(id, facsName(img.page, img.name)) {
			continue
		}
		f, err := img.open()
		if err != nil {
			return err
		}
		name, err := im.Images.Put(id, img.page, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("image %s: %w", quote(img.path), err)
		}
		if want := facsName(img.page, img.name); name != want {
			return fmt.Errorf("image %s is not the kind its name says (stored as %s)", quote(img.path), name)
		}
	}
	return nil
}
