package iiif

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fonds"
)

// page1 is the image service of the fixture's first page (1200×1700 PNG).
const page1 = "/iiif/image/" + fullID + "~1"

func TestPut(t *testing.T) {
	im, err := OpenImages(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	png := encodePNG(t, quadrants(40, 30))
	name, err := im.Put("doc-1", 3, bytes.NewReader(png))
	if err != nil || name != "0003.png" {
		t.Fatalf("Put(doc-1, 3, PNG) = %q, %v, want 0003.png", name, err)
	}
	if !im.Has("doc-1", "0003.png") {
		t.Errorf("Has(doc-1, 0003.png) = false after Put")
	}

	// A JPEG for the same page replaces the PNG.
	var jpg bytes.Buffer
	if err := encodeJPEG(&jpg, quadrants(40, 30)); err != nil {
		t.Fatal(err)
	}
	name, err = im.Put("doc-1", 3, &jpg)
	if err != nil || name != "0003.jpg" {
		t.Fatalf("Put(doc-1, 3, JPEG) = %q, %v, want 0003.jpg", name, err)
	}
	if im.Has("doc-1", "0003.png") {
		t.Errorf("Has(doc-1, 0003.png) = true after the page's image was replaced by a JPEG")
	}
	if !im.Has("doc-1", "0003.jpg") {
		t.Errorf("Has(doc-1, 0003.jpg) = false after Put")
	}

	for _, tc := range []struct {
		name string
		id   string
		n    int
		data []byte
	}{
		{"not an image", "doc-1", 1, []byte("%PDF-1.4 not an image")},
		{"empty", "doc-1", 1, nil},
		{"page 0", "doc-1", 0, png},
		{"id with a slash", "a/b", 1, png},
		{"hidden id", ".cache", 1, png},
		{"parent", "..", 1, png},
		{"empty id", "", 1, png},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, err := im.Put(tc.id, tc.n, bytes.NewReader(tc.data))
			if !errors.Is(err, fonds.ErrInvalid) {
				t.Errorf("Put(%q, %d) = %q, %v, want ErrInvalid", tc.id, tc.n, name, err)
			}
		})
	}
	// A refused image leaves no file behind.
	entries, err := os.ReadDir(filepath.Join(im.blobs.(*DirBlobs).dir, "doc-1"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "0003.jpg "+ManifestName {
		t.Errorf("the document's folder holds %v, want only 0003.jpg and its manifest", names)
	}

	for _, tc := range []struct{ id, facs string }{
		{"doc-1", "0004.jpg"},
		{"doc-1", "../doc-1/0003.jpg"},
		{"doc-1", "http://example.org/0003.jpg"},
		{"nope", "0003.jpg"},
		{"doc-1", "0003.txt"},
	} {
		if im.Has(tc.id, tc.facs) {
			t.Errorf("Has(%q, %q) = true, want false", tc.id, tc.facs)
		}
	}
}

func TestInfo(t *testing.T) {
	f := newFixture(t)
	info := f.getJSON(t, page1+"/info.json")
	for key, want := range map[string]any{
		"@context": "http://iiif.io/api/image/3/context.json",
		"id":       f.server.URL + page1,
		"type":     "ImageService3",
		"protocol": "http://iiif.io/api/image",
		"profile":  "level2",
		"width":    float64(page1Size.X),
		"height":   float64(page1Size.Y),
	} {
		if info[key] != want {
			t.Errorf("info.json %s = %v, want %v", key, info[key], want)
		}
	}
	sizes := fmt.Sprint(info["sizes"])
	if want := "[map[height:425 type:Size width:300] map[height:850 type:Size width:600] map[height:1700 type:Size width:1200]]"; sizes != want {
		t.Errorf("info.json sizes = %s, want %s", sizes, want)
	}
	tiles := fmt.Sprint(info["tiles"])
	if want := "[map[height:512 scaleFactors:[1 2 4] type:Tile width:512]]"; tiles != want {
		t.Errorf("info.json tiles = %s, want %s", tiles, want)
	}
	if got := fmt.Sprint(info["extraQualities"]); got != "[color gray]" {
		t.Errorf("info.json extraQualities = %s, want [color gray]", got)
	}

	resp, _ := f.get(t, page1+"/info.json")
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("info.json Content-Type = %q, want application/json", ct)
	}
	resp, _ = f.get(t, page1+"/info.json", "Accept", "application/ld+json")
	if ct := resp.Header.Get("Content-Type"); ct != `application/ld+json;profile="http://iiif.io/api/image/3/context.json"` {
		t.Errorf("info.json Content-Type for an Accept of JSON-LD = %q", ct)
	}

	// The base address redirects to the information.
	client := *f.server.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(f.server.URL + page1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != f.server.URL+page1+"/info.json" {
		t.Errorf("GET %s = %d to %q, want 303 to its info.json", page1, resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestImageSizes(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		path   string // after the image service
		w, h   int
		format string
	}{
		{"/full/max/0/default.jpg", 1200, 1700, "jpeg"},
		{"/full/max/0/default.png", 1200, 1700, "png"},
		{"/square/max/0/default.jpg", 1200, 1200, "jpeg"},
		{"/0,0,512,512/max/0/default.jpg", 512, 512, "jpeg"},
		{"/1024,1536,512,512/max/0/default.jpg", 176, 164, "jpeg"}, // past the edge: clipped
		{"/1000,1000,5000,5000/200,/0/default.jpg", 200, 700, "jpeg"},
		{"/pct:50,50,50,50/max/0/default.jpg", 600, 850, "jpeg"},
		{"/pct:0,0,100,100/max/0/default.jpg", 1200, 1700, "jpeg"},
		{"/pct:90,90,50,50/max/0/default.jpg", 120, 170, "jpeg"},
		{"/full/600,/0/default.jpg", 600, 850, "jpeg"},
		{"/full/,850/0/default.jpg", 600, 850, "jpeg"},
		{"/full/pct:25/0/default.jpg", 300, 425, "jpeg"},
		{"/full/100,100/0/default.jpg", 100, 100, "jpeg"},  // w,h may distort
		{"/full/!600,600/0/default.jpg", 424, 600, "jpeg"}, // !w,h keeps the aspect
		{"/full/!300,1000/0/default.jpg", 300, 425, "jpeg"},
		{"/full/!5000,5000/0/default.jpg", 1200, 1700, "jpeg"}, // no upscaling without ^
		{"/full/^!3400,3400/0/default.jpg", 2400, 3400, "jpeg"},
		{"/full/^2400,/0/default.jpg", 2400, 3400, "jpeg"},
		{"/full/^,3400/0/default.jpg", 2400, 3400, "jpeg"},
		{"/full/^pct:200/0/default.jpg", 2400, 3400, "jpeg"},
		{"/full/^1300,1800/0/default.jpg", 1300, 1800, "jpeg"},
		{"/full/^max/0/default.jpg", 2910, 4123, "jpeg"}, // up to maxArea
		{"/full/^600,/0/default.jpg", 600, 850, "jpeg"},  // ^ allows, does not require
		{"/0,0,300,200/max/90/default.jpg", 200, 300, "jpeg"},
		{"/0,0,300,200/max/!270/default.png", 200, 300, "png"},
		{"/0,0,300,200/max/180/gray.png", 300, 200, "png"},
		{"/full/150,/0/color.jpg", 150, 213, "jpeg"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := f.get(t, page1+tc.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d %s", tc.path, resp.StatusCode, body)
			}
			wantType := "image/" + tc.format
			if ct := resp.Header.Get("Content-Type"); ct != wantType {
				t.Errorf("GET %s: Content-Type = %q, want %q", tc.path, ct, wantType)
			}
			img, format, err := image.Decode(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("GET %s: decode: %v", tc.path, err)
			}
			if format != tc.format || img.Bounds().Dx() != tc.w || img.Bounds().Dy() != tc.h {
				t.Errorf("GET %s = %s of %v, want %s of %d×%d", tc.path, format, img.Bounds().Size(), tc.format, tc.w, tc.h)
			}
		})
	}
}

// TestImageContent checks what the pixels show: the region asked for,
// mirrored and rotated as asked.
func TestImageContent(t *testing.T) {
	f := newFixture(t)
	// The corners of the answer, clockwise from the top left.
	for _, tc := range []struct {
		path    string
		corners [4]color.RGBA
	}{
		{"/full/300,/0/default.png", [4]color.RGBA{red, green, yellow, blue}},
		{"/full/300,/90/default.png", [4]color.RGBA{blue, red, green, yellow}},
		{"/full/300,/180/default.png", [4]color.RGBA{yellow, blue, red, green}},
		{"/full/300,/270/default.png", [4]color.RGBA{green, yellow, blue, red}},
		{"/full/300,/!0/default.png", [4]color.RGBA{green, red, blue, yellow}},
		{"/full/300,/!90/default.png", [4]color.RGBA{yellow, green, red, blue}},
		{"/600,0,600,850/max/0/default.png", [4]color.RGBA{green, green, green, green}},
		{"/pct:50,50,50,50/max/0/default.jpg", [4]color.RGBA{yellow, yellow, yellow, yellow}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := f.get(t, page1+tc.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d %s", tc.path, resp.StatusCode, body)
			}
			img, _, err := image.Decode(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			b := img.Bounds()
			points := []image.Point{{b.Min.X + 2, b.Min.Y + 2}, {b.Max.X - 3, b.Min.Y + 2}, {b.Max.X - 3, b.Max.Y - 3}, {b.Min.X + 2, b.Max.Y - 3}}
			for i, p := range points {
				if got := img.At(p.X, p.Y); !closeTo(got, tc.corners[i]) {
					t.Errorf("GET %s: corner %d at %v = %v, want %v", tc.path, i, p, got, tc.corners[i])
				}
			}
		})
	}

	// Gray has no colour left.
	_, body := f.get(t, page1+"/full/100,/0/gray.png")
	img, _, err := image.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.(*image.Gray); !ok {
		t.Errorf("gray.png decodes to %T, want *image.Gray", img)
	}
	// The JPEG and GIF pages are served as well.
	for _, page := range []struct {
		ident string
		size  image.Point
	}{{fullID + "~2", page2Size}, {fullID + "~3", page3Size}} {
		_, body := f.get(t, "/iiif/image/"+page.ident+"/full/max/0/default.png")
		img, _, err := image.Decode(bytes.NewReader(body))
		if err != nil || img.Bounds().Size() != page.size {
			t.Errorf("the full image of %s: %v, %v, want %v", page.ident, err, boundsOf(img), page.size)
			continue
		}
		if got := img.At(1, 1); !closeTo(got, red) {
			t.Errorf("the top left of %s is %v, want red", page.ident, got)
		}
	}
}

func boundsOf(img image.Image) image.Point {
	if img == nil {
		return image.Point{}
	}
	return img.Bounds().Size()
}

func TestImageErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		path   string
		status int
	}{
		// Malformed requests.
		{page1 + "/0,0,0,10/max/0/default.jpg", 400},            // region of no width
		{page1 + "/0,0,10,0/max/0/default.jpg", 400},            // nor height
		{page1 + "/pct:0,0,0,10/max/0/default.jpg", 400},        // pct of no width
		{page1 + "/1200,0,10,10/max/0/default.jpg", 400},        // outside
		{page1 + "/0,1700,10,10/max/0/default.jpg", 400},        // outside
		{page1 + "/pct:100,0,10,10/max/0/default.jpg", 400},     // outside
		{page1 + "/pct:0,0,0.001,0.001/max/0/default.jpg", 400}, // under a pixel
		{page1 + "/-1,0,10,10/max/0/default.jpg", 400},
		{page1 + "/0,0,10/max/0/default.jpg", 400},
		{page1 + "/1.5,0,10,10/max/0/default.jpg", 400},
		{page1 + "/whole/max/0/default.jpg", 400},
		{page1 + "/full/0,/0/default.jpg", 400},
		{page1 + "/full/,0/0/default.jpg", 400},
		{page1 + "/full/0,0/0/default.jpg", 400},
		{page1 + "/full/pct:0/0/default.jpg", 400},
		{page1 + "/full/pct:0.001/0/default.jpg", 400}, // rounds to nothing
		{page1 + "/full/,/0/default.jpg", 400},
		{page1 + "/full/!100,/0/default.jpg", 400},
		{page1 + "/full/full/0/default.jpg", 400}, // the 2.x name, gone in 3.0
		{page1 + "/full/big/0/default.jpg", 400},
		{page1 + "/full/1201,/0/default.jpg", 400},     // upscaling without ^
		{page1 + "/full/,1701/0/default.jpg", 400},     // upscaling without ^
		{page1 + "/full/1300,1800/0/default.jpg", 400}, // upscaling without ^
		{page1 + "/full/pct:101/0/default.jpg", 400},   // upscaling without ^
		{page1 + "/0,0,10,10/20,20/0/default.jpg", 400},
		{page1 + "/full/^20000,/0/default.jpg", 400},    // beyond maxWidth
		{page1 + "/full/^6000,6000/0/default.jpg", 400}, // beyond maxArea
		{page1 + "/full/max/-90/default.jpg", 400},
		{page1 + "/full/max/400/default.jpg", 400},
		{page1 + "/full/max/x/default.jpg", 400},
		{page1 + "/full/max/0/best.jpg", 400},
		{page1 + "/full/max/0/default", 400},
		{page1 + "/full/max/0/default.exe", 400},
		// What the service does not do.
		{page1 + "/full/max/45/default.jpg", 501},
		{page1 + "/full/max/22.5/default.jpg", 501},
		{page1 + "/full/max/0/bitonal.jpg", 501},
		{page1 + "/full/max/0/default.webp", 501},
		{page1 + "/full/max/0/default.tif", 501},
		// Unknown images.
		{"/iiif/image/" + fullID + "~4/full/max/0/default.jpg", 404}, // a page without an image
		{"/iiif/image/" + fullID + "~9/info.json", 404},
		{"/iiif/image/" + fullID + "~0/info.json", 404},
		{"/iiif/image/" + fullID + "/info.json", 404},
		{"/iiif/image/nope~1/info.json", 404},
		{"/iiif/image/nope~1/full/max/0/default.jpg", 404},
		{"/iiif/image/" + draftID + "~1/info.json", 404},
		{"/iiif/image/" + draftID + "~1/full/max/0/default.jpg", 404},
		{"/iiif/image/..%2F" + fullID + "~1/info.json", 404},
		{"/iiif/image/.cache~1/info.json", 404},
		{"/iiif/image/" + plainID + "~1/info.json", 404},
		{page1 + "/full/max/0", 404},
		{"/iiif/nothing/here/at/all", 404},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := f.get(t, tc.path)
			if resp.StatusCode != tc.status {
				t.Errorf("GET %s = %d %s, want %d", tc.path, resp.StatusCode, body, tc.status)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("GET %s: Access-Control-Allow-Origin = %q, want *", tc.path, got)
			}
			if len(body) == 0 {
				t.Errorf("GET %s: the error has no message", tc.path)
			}
		})
	}
}

func TestImageCache(t *testing.T) {
	f := newFixture(t)
	const path = page1 + "/0,0,512,512/256,/0/default.jpg"
	resp, body := f.get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Last-Modified") == "" {
		t.Errorf("GET %s: ETag %q, Last-Modified %q, want both", path, etag, resp.Header.Get("Last-Modified"))
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
		t.Errorf("GET %s: Cache-Control = %q, want public, max-age", path, cc)
	}
	if got := resp.Header.Get("Link"); !strings.Contains(got, "/0,0,512,512/256,256/0/default.jpg>") {
		t.Errorf("GET %s: canonical Link = %q, want …/0,0,512,512/256,256/0/default.jpg", path, got)
	}
	cached, err := filepath.Glob(filepath.Join(f.dir, cacheDir, fullID, "0001.png", "*.jpg"))
	if err != nil || len(cached) != 1 {
		t.Fatalf("the cache holds %v (%v), want one derived image", cached, err)
	}
	if b, err := os.ReadFile(cached[0]); err != nil || !bytes.Equal(b, body) {
		t.Errorf("the cached file is not what was served (%v)", err)
	}
	renders := f.images.renders.Load()

	// The same image again, and the same image asked in other words: the
	// canonical request is the same, so nothing is made.
	for _, again := range []string{path, page1 + "/0,0,512,512/,256/0/default.jpg", page1 + "/0,0,512,512/pct:50/0/default.jpg"} {
		resp, body2 := f.get(t, again)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body2, body) {
			t.Errorf("GET %s = %d, %d bytes, want 200 and the cached image", again, resp.StatusCode, len(body2))
		}
		if got := resp.Header.Get("ETag"); got != etag {
			t.Errorf("GET %s: ETag = %q, want %q", again, got, etag)
		}
	}
	if got := f.images.renders.Load(); got != renders {
		t.Errorf("asking again made %d images, want none", got-renders)
	}
	resp, empty := f.get(t, path, "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || len(empty) != 0 {
		t.Errorf("GET %s with If-None-Match = %d, %d bytes, want 304 and no body", path, resp.StatusCode, len(empty))
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("the 304 has Access-Control-Allow-Origin %q, want *", got)
	}
	resp, _ = f.get(t, path, "If-None-Match", `"something else"`)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s with another ETag = %d, want 200", path, resp.StatusCode)
	}

	// Requests at once for one image not yet made make it once.
	const fresh = page1 + "/512,512,512,512/max/0/default.png"
	var wg sync.WaitGroup
	sizes := make([]int, 8)
	for i := range sizes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := f.server.Client().Get(f.server.URL + fresh)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			buf.ReadFrom(resp.Body)
			if resp.StatusCode == http.StatusOK {
				sizes[i] = buf.Len()
			}
		}()
	}
	wg.Wait()
	for i, n := range sizes {
		if n == 0 || n != sizes[0] {
			t.Errorf("request %d of the same image at once got %d bytes, want %d", i, n, sizes[0])
		}
	}
	if got := f.images.renders.Load() - renders; got != 1 {
		t.Errorf("%d requests at once for one new image made it %d times, want once", len(sizes), got)
	}

	// Deleting the cache loses nothing: the image is made again.
	if err := os.RemoveAll(filepath.Join(f.dir, cacheDir)); err != nil {
		t.Fatal(err)
	}
	resp, body2 := f.get(t, path)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body2, body) || resp.Header.Get("ETag") != etag {
		t.Errorf("after deleting the cache, GET %s = %d, %d bytes (was %d), ETag %q; want the same image", path, resp.StatusCode, len(body2), len(body), resp.Header.Get("ETag"))
	}

	// A replaced original changes the ETag, and what is served.
	if _, err := f.images.Put(fullID, 1, bytes.NewReader(encodePNG(t, quadrants(1200, 1700)))); err != nil {
		t.Fatal(err)
	}
	// The same pixels, but a new file: its stamp differs.
	resp, _ = f.get(t, path, "If-None-Match", etag)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == etag {
		t.Errorf("after replacing the original, GET with the old ETag = %d, ETag %q; want 200 and a new ETag", resp.StatusCode, resp.Header.Get("ETag"))
	}
}

func TestCORS(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{
		page1 + "/info.json",
		page1 + "/full/100,/0/default.jpg",
		"/iiif/" + fullID + "/manifest",
		"/iiif/" + draftID + "/manifest",
		page1 + "/full/max/0/default.gif",
	} {
		resp, _ := f.get(t, path, "Origin", "http://viewer.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("GET %s: Access-Control-Allow-Origin = %q, want *", path, got)
		}
	}
	req, _ := http.NewRequest(http.MethodOptions, f.server.URL+page1+"/info.json", nil)
	req.Header.Set("Origin", "http://viewer.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	resp, err := f.server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("OPTIONS preflight = %d %v, want 204 allowing GET from anywhere", resp.StatusCode, resp.Header)
	}
}
