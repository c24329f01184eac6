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
	for _, tt := range []struct {
		name  string
		to    map[int]int
		names map[int]string
		want  []int
	}{
		{"swap 1 and 3", map[int]int{1: 3, 3: 1}, map[int]string{1: "0001.gif", 3: "0003.png"}, []int{300, 600, 1200, 0}},
		{"swap 2 and the page without an image", map[int]int{2: 4, 4: 2}, map[int]string{2: "", 4: "0004.jpg"}, []int{1200, 0, 300, 600}},
		{"move 1 to 4", map[int]int{1: 4, 2: 1, 3: 2, 4: 3}, map[int]string{1: "0001.jpg", 2: "0002.gif", 3: "", 4: "0004.png"}, []int{600, 300, 0, 1200}},
		{"move 4 to 1", map[int]int{4: 1, 1: 2, 2: 3, 3: 4}, map[int]string{1: "", 2: "0002.png", 3: "0003.jpg", 4: "0004.gif"}, []int{0, 1200, 600, 300}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
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
			if fmt.Sprint(names) != fmt.Sprint(tt.names) {
				t.Errorf("Reorder(%v) = %v, want %v", tt.to, names, tt.names)
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
			want := map[int]string{1: "0001.png", 2: "0002.jpg", 3: "0003.gif", 4: ""}
			for p := range want {
				if _, ok := back[p]; !ok {
					delete(want, p)
				}
			}
			if err != nil || fmt.Sprint(names) != fmt.Sprint(want) {
				t.Errorf("Reorder(%v), undoing = %v, %v, want %v", back, names, err, want)
			}
			verified(t, f.images)
			entries, err := os.ReadDir(filepath.Join(f.dir, fullID))
			if err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, e := range entries {
				files = append(files, e.Name())
			}
			if want := []string{"0001.png", "0002.jpg", "0003.gif", ManifestName}; !slices.Equal(files, want) {
				t.Errorf("after undoing, the folder holds %v, want %v", files, want)
			}
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
