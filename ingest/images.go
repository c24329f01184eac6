package ingest

import (
	"fmt"
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
	page int    // Page.N
	path string // the file, on disk
}

// pageImages finds the images of d's pages beside the file f, records their
// names in d's Pages (before the document is stored, so that it is stored
// whole), and returns them to be copied once the document's id is final.
// Images are looked for only when the import keeps images and f is on disk.
func (im *Importer) pageImages(f File, d *fonds.Document) ([]pageImage, []string) {
	if im.Images == nil || f.fsys != nil || len(d.Pages) == 0 {
		return nil, nil
	}
	var found []pageImage
	var warnings []string
	dir := strings.TrimSuffix(f.Path, filepath.Ext(f.Path))
	if entries, err := os.ReadDir(dir); err == nil {
		// NAME/ beside NAME.txt: one image a page, in name order.
		var files []string
		for _, e := range entries {
			if _, ok := imageExts[strings.ToLower(filepath.Ext(e.Name()))]; ok && e.Type().IsRegular() {
				files = append(files, e.Name())
			}
		}
		sort.Strings(files)
		if len(files) != len(d.Pages) {
			warnings = append(warnings, fmt.Sprintf("%d images in %s for %d pages: the pages without one have no image", len(files), dir, len(d.Pages)))
		}
		for i := range min(len(files), len(d.Pages)) {
			found = append(found, pageImage{page: d.Pages[i].N, path: filepath.Join(dir, files[i])})
			d.Pages[i].Facs = facsName(d.Pages[i].N, files[i])
		}
		return found, warnings
	}
	// Pages that name their image, relative to the file's folder.
	for i, p := range d.Pages {
		if p.Facs == "" || strings.Contains(p.Facs, "://") {
			continue
		}
		path := filepath.Join(filepath.Dir(f.Path), filepath.FromSlash(p.Facs))
		if _, ok := imageExts[strings.ToLower(filepath.Ext(path))]; !ok {
			continue
		}
		if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
			continue // a reference to an image not supplied: kept as written
		}
		found = append(found, pageImage{page: p.N, path: path})
		d.Pages[i].Facs = facsName(p.N, path)
	}
	return found, warnings
}

// facsName is the name the image store gives the image of page n.
func facsName(n int, file string) string {
	return fmt.Sprintf("%04d%s", n, imageExts[strings.ToLower(filepath.Ext(file))])
}

// putImages copies the images into the image store under the document's
// final id: all of them when the document changed, else those missing.
func (im *Importer) putImages(d *fonds.Document, images []pageImage, changed bool) error {
	for _, img := range images {
		if !changed && im.Images.Has(d.ID, facsName(img.page, img.path)) {
			continue
		}
		f, err := os.Open(img.path)
		if err != nil {
			return err
		}
		name, err := im.Images.Put(d.ID, img.page, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("image %s: %w", img.path, err)
		}
		if want := facsName(img.page, img.path); name != want {
			return fmt.Errorf("image %s is not the kind its name says (stored as %s)", img.path, name)
		}
	}
	return nil
}
