package iiif

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// pngHeader is what the IHDR chunk of a PNG file says.
type pngHeader struct {
	width, height int
	depth         int // bits a sample
	colorType     int // 0 gray, 2 RGB, 3 paletted, 4 gray and alpha, 6 RGBA
	interlaced    bool
}

// channels returns the samples a pixel of the colour type holds.
func (h pngHeader) channels() int {
	switch h.colorType {
	case 0, 3:
		return 1
	case 4:
		return 2
	case 2:
		return 3
	}
	return 4
}

// readPNGHeader reads the signature and the IHDR chunk.
func readPNGHeader(r io.Reader) (pngHeader, error) {
	var b [33]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return pngHeader{}, fmt.Errorf("png: %w", err)
	}
	if string(b[:8]) != "\x89PNG\r\n\x1a\n" || string(b[12:16]) != "IHDR" || binary.BigEndian.Uint32(b[8:12]) != 13 {
		return pngHeader{}, errors.New("png: not a PNG file")
	}
	h := pngHeader{
		width:      int(binary.BigEndian.Uint32(b[16:20])),
		height:     int(binary.BigEndian.Uint32(b[20:24])),
		depth:      int(b[24]),
		colorType:  int(b[25]),
		interlaced: b[28] == 1,
	}
	valid := map[int][]int{0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
	ok := false
	for _, d := range valid[h.colorType] {
		ok = ok || d == h.depth
	}
	if !ok || b[26] != 0 || b[27] != 0 || b[28] > 1 || h.width <= 0 || h.height <= 0 || h.width > 1<<24 || h.height > 1<<24 {
		return pngHeader{}, errors.New("png: unsupported or invalid header")
	}
	return h, nil
}

// pngRows reads a PNG that is not interlaced one row at a time, so that
// however large the image, the memory it takes is a few rows: the standard
// decoder holds every pixel at once.
type pngRows struct {
	pngHeader
	src     *bufio.Reader
	closer  io.Closer
	z       io.ReadCloser
	palette [][4]uint8 // premultiplied RGBA
	key     []byte     // the tRNS colour of a gray or RGB image, as stored
	cur     []byte     // the row being read, after its filter byte
	prev    []byte
	bpp     int // bytes a pixel, for the filters (at least 1)
	y       int
}

// openPNGRows starts reading r, which must be a PNG that is not interlaced.
func openPNGRows(r io.ReadCloser) (*pngRows, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	h, err := readPNGHeader(br)
	if err != nil {
		return nil, err
	}
	if h.interlaced {
		return nil, errors.New("png: interlaced")
	}
	p := &pngRows{pngHeader: h, src: br, closer: r}
	bits := h.depth * h.channels()
	rowBytes := (h.width*bits + 7) / 8
	p.cur, p.prev = make([]byte, rowBytes), make([]byte, rowBytes)
	p.bpp = max(1, bits/8)
	// The chunks before the image data: the palette and transparency.
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return nil, fmt.Errorf("png: %w", err)
		}
		n, typ := int(binary.BigEndian.Uint32(hdr[:4])), string(hdr[4:])
		if n > 1<<30 {
			return nil, errors.New("png: chunk too long")
		}
		if typ == "IDAT" {
			p.z, err = zlib.NewReader(&idatReader{r: br, left: n})
			if err != nil {
				return nil, fmt.Errorf("png: %w", err)
			}
			return p, nil
		}
		var data []byte
		if typ == "PLTE" || typ == "tRNS" {
			if n > 1024 {
				return nil, fmt.Errorf("png: %s chunk too long", typ)
			}
			data = make([]byte, n)
			if _, err := io.ReadFull(br, data); err != nil {
				return nil, fmt.Errorf("png: %w", err)
			}
		} else if _, err := br.Discard(n); err != nil {
			return nil, fmt.Errorf("png: %w", err)
		}
		if _, err := br.Discard(4); err != nil { // the CRC
			return nil, fmt.Errorf("png: %w", err)
		}
		switch typ {
		case "PLTE":
			p.palette = make([][4]uint8, 256)
			for i := 0; i+2 < len(data) && i/3 < 256; i += 3 {
				p.palette[i/3] = [4]uint8{data[i], data[i+1], data[i+2], 255}
			}
		case "tRNS":
			if h.colorType == 3 {
				for i, a := range data {
					if i < len(p.palette) {
						c := &p.palette[i]
						c[0], c[1], c[2], c[3] = premul(c[0], a), premul(c[1], a), premul(c[2], a), a
					}
				}
			} else {
				p.key = data
			}
		case "IEND":
			return nil, errors.New("png: no image data")
		}
	}
}

// idatReader reads the data of consecutive IDAT chunks as one stream.
type idatReader struct {
	r    *bufio.Reader
	left int
	done bool
}

func (d *idatReader) Read(b []byte) (int, error) {
	for d.left == 0 {
		if d.done {
			return 0, io.EOF
		}
		var hdr [12]byte // the CRC of this chunk, and the next chunk's head
		if _, err := io.ReadFull(d.r, hdr[:]); err != nil {
			return 0, io.ErrUnexpectedEOF
		}
		if string(hdr[8:]) != "IDAT" {
			d.done = true
			return 0, io.EOF
		}
		d.left = int(binary.BigEndian.Uint32(hdr[4:8]))
	}
	n, err := d.r.Read(b[:min(len(b), d.left)])
	d.left -= n
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (p *pngRows) size() (int, int) { return p.width, p.height }

// gray reports whether the image has neither colour nor transparency.
func (p *pngRows) gray() bool { return p.colorType == 0 && p.key == nil }

func (p *pngRows) Close() error { return p.closer.Close() }

// next reads the next row and puts columns x0 to x1 of it into dst: one
// byte a pixel when the image is gray, else four (premultiplied RGBA).
func (p *pngRows) next(dst []byte, x0, x1 int) error {
	if p.y >= p.height {
		return io.EOF
	}
	p.y++
	p.cur, p.prev = p.prev, p.cur
	var f [1]byte
	if _, err := io.ReadFull(p.z, f[:]); err != nil {
		return fmt.Errorf("png: row %d: %w", p.y, err)
	}
	if _, err := io.ReadFull(p.z, p.cur); err != nil {
		return fmt.Errorf("png: row %d: %w", p.y, err)
	}
	if err := unfilter(f[0], p.cur, p.prev, p.bpp); err != nil {
		return fmt.Errorf("png: row %d: %w", p.y, err)
	}
	p.pixels(dst, x0, x1)
	return nil
}

// unfilter undoes the filter of a row, given the row above.
func unfilter(filter byte, cur, prev []byte, bpp int) error {
	switch filter {
	case 0:
	case 1:
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2:
		for i := range cur {
			cur[i] += prev[i]
		}
	case 3:
		for i := range cur {
			var left int
			if i >= bpp {
				left = int(cur[i-bpp])
			}
			cur[i] += byte((left + int(prev[i])) / 2)
		}
	case 4:
		for i := range cur {
			var a, c int
			if i >= bpp {
				a, c = int(cur[i-bpp]), int(prev[i-bpp])
			}
			b := int(prev[i])
			pa, pb, pc := abs(b-c), abs(a-c), abs(a+b-2*c)
			switch {
			case pa <= pb && pa <= pc:
				cur[i] += byte(a)
			case pb <= pc:
				cur[i] += byte(b)
			default:
				cur[i] += byte(c)
			}
		}
	default:
		return fmt.Errorf("unknown filter %d", filter)
	}
	return nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// premul multiplies a colour sample by an alpha, both of 8 bits.
func premul(c, a uint8) uint8 { return uint8((int(c)*int(a) + 127) / 255) }

// pixels converts columns x0 to x1 of the current row.
func (p *pngRows) pixels(dst []byte, x0, x1 int) {
	row := p.cur
	if p.gray() {
		switch p.depth {
		case 8:
			copy(dst, row[x0:x1])
		case 16:
			for x := x0; x < x1; x++ {
				dst[x-x0] = row[2*x]
			}
		default:
			for x := x0; x < x1; x++ {
				dst[x-x0] = p.sample(row, x)
			}
		}
		return
	}
	for x := x0; x < x1; x++ {
		d := dst[4*(x-x0) : 4*(x-x0)+4]
		switch p.colorType {
		case 0:
			v := p.sample(row, x)
			a := uint8(255)
			if p.key != nil && p.rawGray(row, x) == int(binary.BigEndian.Uint16(pad2(p.key))) {
				a, v = 0, 0
			}
			d[0], d[1], d[2], d[3] = v, v, v, a
		case 3:
			i := int(p.sample(row, x))
			if p.palette == nil {
				d[0], d[1], d[2], d[3] = 0, 0, 0, 255
			} else {
				c := p.palette[i]
				d[0], d[1], d[2], d[3] = c[0], c[1], c[2], c[3]
			}
		case 2:
			s := p.depth / 8
			o := 3 * s * x
			d[0], d[1], d[2], d[3] = row[o], row[o+s], row[o+2*s], 255
			if len(p.key) == 6 && keyMatches(p.key, row[o:o+3*s], s) {
				d[0], d[1], d[2], d[3] = 0, 0, 0, 0
			}
		case 4:
			s := p.depth / 8
			v, a := row[2*s*x], row[2*s*x+s]
			v = premul(v, a)
			d[0], d[1], d[2], d[3] = v, v, v, a
		case 6:
			s := p.depth / 8
			o := 4 * s * x
			a := row[o+3*s]
			d[0], d[1], d[2], d[3] = premul(row[o], a), premul(row[o+s], a), premul(row[o+2*s], a), a
		}
	}
}

// sample returns the 8-bit value of pixel x of a row of one sample a pixel
// (gray or a palette index; for a palette index, the index itself).
func (p *pngRows) sample(row []byte, x int) uint8 {
	switch p.depth {
	case 8:
		return row[x]
	case 16:
		return row[2*x]
	}
	v := p.rawGray(row, x)
	if p.colorType == 3 {
		return uint8(v)
	}
	return uint8(v * 255 / (1<<p.depth - 1))
}

// rawGray returns the sample of pixel x as stored, at the image's depth.
func (p *pngRows) rawGray(row []byte, x int) int {
	switch p.depth {
	case 8:
		return int(row[x])
	case 16:
		return int(binary.BigEndian.Uint16(row[2*x:]))
	}
	perByte := 8 / p.depth
	b := row[x/perByte]
	shift := 8 - p.depth*(x%perByte+1)
	return int(b>>shift) & (1<<p.depth - 1)
}

func pad2(b []byte) []byte {
	if len(b) >= 2 {
		return b
	}
	return []byte{0, 0}
}

// keyMatches reports whether an RGB pixel of s bytes a sample is the
// transparent colour of tRNS (three 16-bit samples).
func keyMatches(key, px []byte, s int) bool {
	for c := 0; c < 3; c++ {
		want := int(binary.BigEndian.Uint16(key[2*c:]))
		got := int(px[c*s])
		if s == 2 {
			got = int(binary.BigEndian.Uint16(px[c*s:]))
		}
		if got != want {
			return false
		}
	}
	return true
}
