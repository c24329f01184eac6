package ingest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fonds/iiif"
)

// writePNG writes a small image of one colour.
func writePNG(t *testing.T, path string, c color.Color) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 60))
	for x := range 40 {
		for y := range 60 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPageImages(t *testing.T) {
	im := newImporter(t)
	images, err := iiif.OpenImages(filepath.Join(t.TempDir(), "images"))
	if err != nil {
		t.Fatal(err)
	}
	im.Images = images
	var warned []string
	im.Warn = func(msg string) { warned = append(warned, msg) }
	dir := t.TempDir()
	two := "17 September 1979* (Pb 12/3) Meeting\n\nPolitburo. Resolution. Invented example.\n\n[page 1]\n\nOne.\n\n[page 2]\n\nTwo.\n"
	writeFiles(t, dir, map[string]string{"c/doc.txt": two, "c/short.txt": strings.ReplaceAll(two, "12/3", "12/4")})
	for _, name := range []string{"doc/b.png", "doc/a.png", "short/a.png"} {
		if err := os.MkdirAll(filepath.Join(dir, "c", filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		writePNG(t, filepath.Join(dir, "c", name), color.RGBA{R: 200, A: 255})
	}
	files, err := im.Files([]string{filepath.Join(dir, "c")})
	if err != nil {
		t.Fatal(err)
	}
	sum, errs := im.Import(context.Background(), files)
	if len(errs) > 0 || sum.Added != 2 {
		t.Fatalf("Import = %v, %v", sum, errs)
	}
	d, err := im.Store.Document(context.Background(), "1979-09-17-pb-12-3")
	if err != nil {
		t.Fatal(err)
	}
	if d.Pages[0].Facs != "0001.png" || d.Pages[1].Facs != "0002.png" || !images.Has(d.ID, "0002.png") {
		t.Errorf("pages = %+v, want images 0001.png and 0002.png stored", d.Pages)
	}
	short, err := im.Store.Document(context.Background(), "1979-09-17-pb-12-4")
	if err != nil {
		t.Fatal(err)
	}
	if short.Pages[0].Facs != "0001.png" || short.Pages[1].Facs != "" {
		t.Errorf("pages of the short folder = %+v, want an image for page 1 only", short.Pages)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "1 images") {
		t.Errorf("warnings = %q, want one about the missing image", warned)
	}
	// Importing again changes nothing.
	sum, errs = im.Import(context.Background(), files)
	if len(errs) > 0 || sum.Unchanged != 2 {
		t.Errorf("second Import = %v, %v; want both unchanged", sum, errs)
	}
}
