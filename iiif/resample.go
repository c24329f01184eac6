package iiif

import (
	"image"
	"image/draw"
	"io"
	"math"
)

// rowSource gives the rows of an image from the top, one at a time, so that
// an image is scaled without being held whole.
type rowSource interface {
	size() (w, h int)
	// gray reports whether the rows are of one byte a pixel (gray, opaque)
	// rather than four (premultiplied RGBA).
	gray() bool
	// next puts columns x0 to x1 of the next row into dst.
	next(dst []byte, x0, x1 int) error
}

// imageRows gives the rows of a decoded image, in the format of the image
// converted one row at a time: never the whole image to RGBA.
type imageRows struct {
	img image.Image
	y   int
}

func (s *imageRows) size() (int, int) { return s.img.Bounds().Dx(), s.img.Bounds().Dy() }

func (s *imageRows) gray() bool {
	_, ok := s.img.(*image.Gray)
	return ok
}

func (s *imageRows) next(dst []byte, x0, x1 int) error {
	b := s.img.Bounds()
	if s.y >= b.Dy() {
		return io.EOF
	}
	y := b.Min.Y + s.y
	s.y++
	if g, ok := s.img.(*image.Gray); ok {
		i := g.PixOffset(b.Min.X+x0, y)
		copy(dst, g.Pix[i:i+x1-x0])
		return nil
	}
	row := &image.RGBA{Pix: dst, Stride: 4 * (x1 - x0), Rect: image.Rect(b.Min.X+x0, y, b.Min.X+x1, y+1)}
	draw.Draw(row, row.Rect, s.img, row.Rect.Min, draw.Src)
	return nil
}

// contribs is the filter of one axis: for each output pixel, the first
// source pixel it takes from and the weight of each from there on.
type contribs struct {
	first   []int
	weights [][]float32
}

// catmullRom is the cubic filter used to scale, of support 2.
func catmullRom(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1:
		return (1.5*x-2.5)*x*x + 1
	case x < 2:
		return ((-0.5*x+2.5)*x-4)*x + 2
	}
	return 0
}

// newContribs computes the filter that scales n source pixels to m: when
// shrinking, the filter widens to cover every source pixel, so that
// nothing is skipped and nothing aliases.
func newContribs(n, m int) contribs {
	c := contribs{first: make([]int, m), weights: make([][]float32, m)}
	scale := float64(n) / float64(m)
	width := max(1, scale)
	support := 2 * width
	for i := range m {
		center := (float64(i)+0.5)*scale - 0.5
		lo := max(0, int(math.Floor(center-support))+1)
		hi := min(n-1, int(math.Ceil(center+support))-1)
		if hi < lo {
			lo, hi = min(n-1, max(0, int(math.Round(center)))), min(n-1, max(0, int(math.Round(center))))
		}
		w := make([]float32, hi-lo+1)
		var sum float64
		for j := lo; j <= hi; j++ {
			v := catmullRom((float64(j) - center) / width)
			w[j-lo] = float32(v)
			sum += v
		}
		if sum == 0 {
			w[len(w)/2], sum = 1, 1
		}
		for k := range w {
			w[k] /= float32(sum)
		}
		c.first[i], c.weights[i] = lo, w
	}
	return c
}

// last returns the last source pixel output pixel i takes from.
func (c contribs) last(i int) int { return c.first[i] + len(c.weights[i]) - 1 }

// scale reads the rectangle r of src and scales it to w×h, giving each row
// of the result to emit in order, as nc floats a pixel (premultiplied).
// Rows are scaled across as they are read; down the image, a shrinking
// scale adds each source row into the few output rows it falls in, and an
// enlarging one keeps the few source rows the next output row needs. Either
// way the memory is a few rows of the result, never the image.
func scale(src rowSource, r image.Rectangle, w, h int, emit func(y int, row []float32)) error {
	nc := 4
	if src.gray() {
		nc = 1
	}
	across, down := newContribs(r.Dx(), w), newContribs(r.Dy(), h)
	in := make([]byte, nc*r.Dx())
	rowOf := func(dst []float32) {
		for x := range w {
			f, ws := across.first[x], across.weights[x]
			for c := 0; c < nc; c++ {
				var v float32
				for k, wt := range ws {
					v += wt * float32(in[(f+k)*nc+c])
				}
				dst[x*nc+c] = v
			}
		}
	}
	for y := 0; y < r.Min.Y; y++ { // the rows above the region
		if err := src.next(in, r.Min.X, r.Max.X); err != nil {
			return err
		}
	}
	across1 := make([]float32, nc*w)
	if h <= r.Dy() {
		// Shrinking: each output row is a sum of source rows.
		acc := make(map[int][]float32)
		var free [][]float32
		done := 0 // output rows emitted
		for sy := 0; sy < r.Dy() && done < h; sy++ {
			if err := src.next(in, r.Min.X, r.Max.X); err != nil {
				return err
			}
			rowOf(across1)
			for y := done; y < h && down.first[y] <= sy; y++ {
				if sy > down.last(y) {
					continue
				}
				a, ok := acc[y]
				if !ok {
					if n := len(free); n > 0 {
						a, free = free[n-1], free[:n-1]
						clear(a)
					} else {
						a = make([]float32, nc*w)
					}
					acc[y] = a
				}
				wt := down.weights[y][sy-down.first[y]]
				for i, v := range across1 {
					a[i] += wt * v
				}
			}
			for done < h && down.last(done) <= sy {
				emit(done, acc[done])
				free = append(free, acc[done])
				delete(acc, done)
				done++
			}
		}
		return nil
	}
	// Enlarging: a ring of the source rows scaled across.
	ring := 0
	for y := range h {
		ring = max(ring, len(down.weights[y]))
	}
	rows := make([][]float32, ring)
	for i := range rows {
		rows[i] = make([]float32, nc*w)
	}
	out := make([]float32, nc*w)
	done := 0
	for sy := 0; sy < r.Dy() && done < h; sy++ {
		if err := src.next(in, r.Min.X, r.Max.X); err != nil {
			return err
		}
		rowOf(rows[sy%ring])
		for done < h && down.last(done) <= sy {
			clear(out)
			for k, wt := range down.weights[done] {
				row := rows[(down.first[done]+k)%ring]
				for i, v := range row {
					out[i] += wt * v
				}
			}
			emit(done, out)
			done++
		}
	}
	return nil
}

// canvas is the result of a request being made: its pixels, placed
// mirrored and rotated as they come, so that no second copy is needed.
type canvas struct {
	w, h     int // before rotation
	rotation int
	mirror   bool
	gray     *image.Gray // the result, when gray
	rgba     *image.RGBA // or else
	opaque   bool        // lay transparent pixels on white
}

func newCanvas(w, h, rotation int, mirror, gray, opaque bool) *canvas {
	c := &canvas{w: w, h: h, rotation: rotation, mirror: mirror, opaque: opaque}
	dw, dh := w, h
	if rotation == 90 || rotation == 270 {
		dw, dh = h, w
	}
	if gray {
		c.gray = image.NewGray(image.Rect(0, 0, dw, dh))
	} else {
		c.rgba = image.NewRGBA(image.Rect(0, 0, dw, dh))
	}
	return c
}

func (c *canvas) image() image.Image {
	if c.gray != nil {
		return c.gray
	}
	return c.rgba
}

// where returns where pixel (x, y) of the scaled image goes: mirrored left
// to right, then turned clockwise, as the Image API orders the two.
func (c *canvas) where(x, y int) (int, int) {
	if c.mirror {
		x = c.w - 1 - x
	}
	switch c.rotation {
	case 90:
		return c.h - 1 - y, x
	case 180:
		return c.w - 1 - x, c.h - 1 - y
	case 270:
		return y, c.w - 1 - x
	}
	return x, y
}

func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// put places row y of the scaled image, of nc floats a pixel.
func (c *canvas) put(y int, row []float32, nc int) {
	for x := range c.w {
		dx, dy := c.where(x, y)
		p := row[x*nc : x*nc+nc]
		if nc == 1 {
			v := clamp8(p[0])
			if c.gray != nil {
				c.gray.Pix[dy*c.gray.Stride+dx] = v
			} else {
				i := c.rgba.PixOffset(dx, dy)
				c.rgba.Pix[i], c.rgba.Pix[i+1], c.rgba.Pix[i+2], c.rgba.Pix[i+3] = v, v, v, 255
			}
			continue
		}
		a := clamp8(p[3])
		r, g, b := min(clamp8(p[0]), a), min(clamp8(p[1]), a), min(clamp8(p[2]), a)
		if c.opaque && a < 255 {
			// Premultiplied, over white paper.
			r, g, b, a = r+255-a, g+255-a, b+255-a, 255
		}
		if c.gray != nil {
			// The weights of image/color's Gray model.
			y := (19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16
			c.gray.Pix[dy*c.gray.Stride+dx] = uint8(y)
			continue
		}
		i := c.rgba.PixOffset(dx, dy)
		c.rgba.Pix[i], c.rgba.Pix[i+1], c.rgba.Pix[i+2], c.rgba.Pix[i+3] = r, g, b, a
	}
}
