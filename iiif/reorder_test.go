package iiif

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fonds"
)

// canvasWidths returns the width of the image of each canvas of the
// manifest of document id, 0 for a canvas without one.
func (f *fixture) canvasWidths(t *testing.T, id string) []int {
	t.Helper()
	var ws []int
	for _, c := range f.manifest(t, id).Items {
		w := 0
		if len(c.Items) > 0 && len(c.Items[0].Items) > 0 {
			w = c.Items[0].Items[0].Body.Width
		}
		ws = append(ws, w)
	}
	return ws
}

// verified checks every original against its manifest, failing the test
// at a problem, and returns how many it checked.
func verified(t *testing.T, im *Images) int {
	t.Helper()
	n, err := im.Verify(context.Background(), func(p string) { t.Errorf("Verify: %s", p) })
	if err != nil {
		t.Fatalf("Verify() = %v", err)
	}
	return n
}

// TestReorder moves the fixture's images between its four pages (images of
// 1200, 600 and 300 pixels on pages 1 to 3, none on page 4): the manifest
// shows them in their new order, their sums still check, and the inverse
// moves put them back.
func TestReorder(t *testing.T) {
	originals := map[int]string{1: "0001.png", 2: "0002.jpg", 3: "0003.gif"}
	for _, tt := range []struct {
		name string
		to   map[int]int
		want []int
	}{
		{"swap 1 and 3", map[int]int{1: 3, 3: 1}, []int{300, 600, 1200, 0}},
		{"swap 2 and the page without an image", map[int]int{2: 4, 4: 2}, []int{1200, 0, 300, 600}},
		{"move 1 to 4", map[int]int{1: 4, 2: 1, 3: 2, 4: 3}, []int{600, 300, 0, 1200}},
		{"move 4 to 1", map[int]int{4: 1, 1: 2, 2: 3, 3: 4}, []int{0, 1200, 600, 300}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			sums, err := f.images.readManifest(fullID, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Each page's image under its new page's number and the
			// start of its sum.
			wantNames := make(map[int]string)
			for p, q := range tt.to {
				wantNames[q] = ""
				if name := originals[p]; name != "" {
					wantNames[q] = fmt.Sprintf("%04d-%s%s", q, sums[name][:8], filepath.Ext(name))
				}
			}
			// A derived image of each page, which the moves must not
			// leave behind for another page.
			for n := 1; n <= 3; n++ {
				if resp, body := f.get(t, fmt.Sprintf("/iiif/image/%s~%d/full/max/0/default.jpg", fullID, n)); resp.StatusCode != 200 {
					t.Fatalf("GET image of page %d = %d %s", n, resp.StatusCode, body)
				}
			}
			names, err := f.images.Reorder(fullID, tt.to)
			if err != nil {
				t.Fatalf("Reorder(%v) = %v", tt.to, err)
			}
			if fmt.Sprint(names) != fmt.Sprint(wantNames) {
				t.Errorf("Reorder(%v) = %v, want %v", tt.to, names, wantNames)
			}
			d, err := f.store.Document(ctx, fullID)
			if err != nil {
				t.Fatal(err)
			}
			for i := range d.Pages {
				if name, ok := names[d.Pages[i].N]; ok {
					d.Pages[i].Facs = name
				}
			}
			if _, err := f.store.PutDocument(ctx, d); err != nil {
				t.Fatal(err)
			}
			if got := f.canvasWidths(t, fullID); !slices.Equal(got, tt.want) {
				t.Errorf("after Reorder(%v) the manifest's images are %v pixels wide, want %v", tt.to, got, tt.want)
			}
			for n, w := range tt.want {
				if w == 0 {
					continue
				}
				info := f.getJSON(t, fmt.Sprintf("/iiif/image/%s~%d/info.json", fullID, n+1))
				if got := int(info["width"].(float64)); got != w {
					t.Errorf("after Reorder(%v) page %d's image is %d pixels wide, want %d", tt.to, n+1, got, w)
				}
				_, body := f.get(t, fmt.Sprintf("/iiif/image/%s~%d/full/max/0/default.jpg", fullID, n+1))
				if cfg, err := jpeg.DecodeConfig(bytes.NewReader(body)); err != nil || cfg.Width != w {
					t.Errorf("after Reorder(%v) the full image of page %d is %d pixels wide (%v), want %d", tt.to, n+1, cfg.Width, err, w)
				}
			}
			if n := verified(t, f.images); n != 4 {
				t.Errorf("Verify() checked %d originals, want 4: three of %s, one of %s", n, fullID, draftID)
			}

			back := make(map[int]int)
			for p, q := range tt.to {
				back[q] = p
			}
			names, err = f.images.Reorder(fullID, back)
			var files []string
			for p := 1; p <= 3; p++ {
				name := originals[p]
				if _, ok := back[p]; ok {
					name = fmt.Sprintf("%04d-%s%s", p, sums[name][:8], filepath.Ext(name))
					if names[p] != name {
						t.Errorf("Reorder(%v), undoing, gives page %d the image %q, want %q", back, p, names[p], name)
					}
				}
				files = append(files, name)
			}
			if err != nil {
				t.Errorf("Reorder(%v), undoing = %v", back, err)
			}
			verified(t, f.images)
			entries, err := os.ReadDir(filepath.Join(f.dir, fullID))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.Name())
			}
			if want := append(files, ManifestName); !slices.Equal(got, want) {
				t.Errorf("after undoing, the folder holds %v, want %v", got, want)
			}
			// A new image of a page whose image was moved replaces it.
			if _, err := f.images.Put(fullID, 1, bytes.NewReader(encodePNG(t, quadrants(50, 50)))); err != nil {
				t.Fatal(err)
			}
			files[0] = "0001.png"
			entries, err = os.ReadDir(filepath.Join(f.dir, fullID))
			if err != nil {
				t.Fatal(err)
			}
			got = got[:0]
			for _, e := range entries {
				got = append(got, e.Name())
			}
			slices.Sort(files)
			if want := append(files, ManifestName); !slices.Equal(got, want) {
				t.Errorf("after a new image of page 1, the folder holds %v, want %v", got, want)
			}
			verified(t, f.images)
		})
	}
}

func TestReorderRefused(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		id string
		to map[int]int
	}{
		{fullID, map[int]int{1: 2}},
		{fullID, map[int]int{1: 2, 2: 2}},
		{fullID, map[int]int{1: 2, 2: 3}},
		{fullID, map[int]int{0: 1, 1: 0}},
		{"../x", map[int]int{1: 2, 2: 1}},
		{".cache", map[int]int{1: 2, 2: 1}},
	} {
		if _, err := f.images.Reorder(tt.id, tt.to); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Reorder(%q, %v) = %v, want %v", tt.id, tt.to, err, fonds.ErrInvalid)
		}
	}
	if n := verified(t, f.images); n != 4 {
		t.Errorf("Verify() after refusals checked %d originals, want 4", n)
	}
}

func TestPageOf(t *testing.T) {
	for _, tt := range []struct {
		name string
		n    int
		ok   bool
	}{
		{"0003.png", 3, true},
		{"0003-1a2b3c4d.jpg", 3, true},
		{"12345.gif", 12345, true},
		{"12345-00ff00ff.gif", 12345, true},
		{"3.png", 0, false},
		{"0000.png", 0, false},
		{"scan-0003.png", 0, false},
		{"0003", 0, false},
	} {
		if n, ok := pageOf(tt.name); ok != tt.ok || ok && n != tt.n {
			t.Errorf("pageOf(%q) = %d, %v, want %d, %v", tt.name, n, ok, tt.n, tt.ok)
		}
	}
}
