package iiif

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/sqlite"
)

// The documents of the fixture.
const (
	fullID  = "1977-05-19-st-12-34" // four pages; images of pages 1 to 3
	plainID = "1980-01-02-plain"    // no page markers, no images
	draftID = "1981-03-04-draft"    // a draft with an image
)

// The sizes of the fixture's page images.
var (
	page1Size = image.Pt(1200, 1700) // PNG
	page2Size = image.Pt(600, 400)   // JPEG
	page3Size = image.Pt(300, 300)   // GIF
)

type fixture struct {
	store  fonds.Store
	images *Images
	dir    string // the images folder
	server *httptest.Server
}

// newFixture stores the fixture's documents in a new SQLite database, their
// page images in a new folder, and serves the IIIF handler on 127.0.0.1.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(filepath.Join(dir, "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test Archive"}); err != nil {
		t.Fatal(err)
	}
	images, err := OpenImages(filepath.Join(dir, "images"))
	if err != nil {
		t.Fatal(err)
	}

	full := fondstest.NewFullDocument(fullID, "1977-05-19")
	for i, img := range []struct {
		size   image.Point
		encode func(io.Writer, image.Image) error
	}{
		{page1Size, png.Encode},
		{page2Size, encodeJPEG},
		{page3Size, func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) }},
	} {
		var buf bytes.Buffer
		if err := img.encode(&buf, quadrants(img.size.X, img.size.Y)); err != nil {
			t.Fatal(err)
		}
		name, err := images.Put(fullID, i+1, &buf)
		if err != nil {
			t.Fatalf("Put(%s, %d) = %v", fullID, i+1, err)
		}
		full.Pages[i].Facs = name
	}
	plain := fondstest.NewDocument(plainID, "1980-01-02")
	draft := fondstest.NewDocument(draftID, "1981-03-04")
	draft.Status = fonds.StatusDraft
	draft.Pages = []fonds.Page{{N: 1, Label: "one"}}
	draft.Pages[0].Facs, err = images.Put(draftID, 1, bytes.NewReader(encodePNG(t, quadrants(100, 100))))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*fonds.Document{full, plain, draft} {
		if _, err := store.PutDocument(ctx, d); err != nil {
			t.Fatalf("PutDocument(%s) = %v", d.ID, err)
		}
	}

	// The server's address is the base URL, known once it listens.
	srv := httptest.NewUnstartedServer(nil)
	h, err := New(Config{Store: store, Images: images, BaseURL: "http://" + srv.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return &fixture{store: store, images: images, dir: filepath.Join(dir, "images"), server: srv}
}

// The colours of the quadrants of a test image, which tell where a
// region, a mirror or a rotation put each part of the image.
var (
	red    = color.RGBA{220, 30, 30, 255}  // top left
	green  = color.RGBA{30, 200, 30, 255}  // top right
	blue   = color.RGBA{30, 30, 220, 255}  // bottom left
	yellow = color.RGBA{230, 220, 30, 255} // bottom right
)

// quadrants returns an image of w×h pixels in four coloured quarters.
func quadrants(w, h int) *image.Paletted {
	pal := color.Palette{red, green, blue, yellow}
	img := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := 0
			if x >= w/2 {
				i++
			}
			if y >= h/2 {
				i += 2
			}
			img.SetColorIndex(x, y, uint8(i))
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// get asks the fixture's server for path with the headers.
func (f *fixture) get(t *testing.T, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.server.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// getJSON asks for path and decodes the answer, which must be 200.
func (f *fixture) getJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	resp, body := f.get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
	}
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return v
}

// closeTo reports whether two colours differ by little in every channel,
// as they do after JPEG compression or scaling.
func closeTo(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) bool {
		x := int(a>>8) - int(b)
		return x > -40 && x < 40
	}
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func encodeJPEG(w io.Writer, img image.Image) error {
	return jpeg.Encode(w, img, &jpeg.Options{Quality: 95})
}
