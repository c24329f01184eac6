package iiif

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io"

	"fonds"
)

// The memory the service lets one request take, and how it is shared out.
// A request's peak is its decoding, its result and a few rows of scaling,
// over what the process holds anyway; together they stay under 256 MB.
const (
	// decodeBudget is the most memory the decoding of one original may
	// take: Put refuses an original that would take more.
	decodeBudget = 96 << 20
	// wholeDecodeBytes is the size up to which an original that could be
	// read a row at a time is decoded whole instead, and kept in memory
	// for the next tiles of it.
	wholeDecodeBytes = 16 << 20
	// maxDecodedBytes bounds the decoded originals kept in memory and
	// being decoded, added up.
	maxDecodedBytes = 128 << 20
)

// decodeCost describes what reading an original takes: whether it can be
// read a row at a time, and the bytes decoding it whole would take.
type decodeCost struct {
	format string // png, jpeg or gif
	width  int
	height int
	stream bool  // a PNG that is not interlaced
	whole  int64 // bytes, decoding the whole image at once
}

// costOf reads the headers of the original at key, and returns what
// reading it takes and its format.
func (im *Images) costOf(ctx context.Context, key string) (decodeCost, string, error) {
	f, err := im.blobs.Open(ctx, key)
	if err != nil {
		return decodeCost{}, "", err
	}
	defer f.Close()
	c, err := costOfReader(f)
	return c, c.format, err
}

// costOfReader reads the headers of the original f.
func costOfReader(f io.ReadSeeker) (decodeCost, error) {
	cfg, format, err := image.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return decodeCost{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return decodeCost{}, err
	}
	c := decodeCost{format: format, width: cfg.Width, height: cfg.Height}
	px := int64(cfg.Width) * int64(cfg.Height)
	switch format {
	case "png":
		h, err := readPNGHeader(bufio.NewReader(f))
		if err != nil {
			return c, err
		}
		c.stream = !h.interlaced
		// The standard decoder's image: one byte a sample for gray and
		// palettes, else RGBA of 8 or 16 bits; an interlaced image
		// passes through a second image of each pass.
		per := int64(4 * h.depth / 8)
		if h.colorType == 0 || h.colorType == 3 {
			per = int64(max(1, h.depth/8))
		} else if h.depth < 8 {
			per = 4
		}
		c.whole = px * per
		if h.interlaced {
			c.whole *= 2
		}
	case "jpeg":
		whole, err := jpegCost(bufio.NewReader(f), cfg.Width, cfg.Height)
		if err != nil {
			return c, err
		}
		c.whole = whole
	default: // gif: one byte a pixel
		c.whole = px
	}
	return c, nil
}

// jpegCost returns the bytes the standard decoder takes for a JPEG of w×h:
// its planes, by the sampling of each component, and, for a progressive
// JPEG, the coefficients it keeps for every block until the end.
func jpegCost(r *bufio.Reader, w, h int) (int64, error) {
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return 0, errors.New("jpeg: not a JPEG file")
	}
	for {
		b, err := r.ReadByte()
		if err != nil {
			return 0, fmt.Errorf("jpeg: %w", err)
		}
		if b != 0xff {
			continue
		}
		m, err := r.ReadByte()
		for err == nil && m == 0xff {
			m, err = r.ReadByte()
		}
		if err != nil {
			return 0, fmt.Errorf("jpeg: %w", err)
		}
		if m == 0x01 || m == 0x00 || (m >= 0xd0 && m <= 0xd8) {
			continue
		}
		var l [2]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return 0, fmt.Errorf("jpeg: %w", err)
		}
		n := int(l[0])<<8 | int(l[1]) - 2
		if n < 0 {
			return 0, errors.New("jpeg: bad segment length")
		}
		isSOF := m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc
		if !isSOF {
			if m == 0xda {
				return 0, errors.New("jpeg: no frame header")
			}
			if _, err := r.Discard(n); err != nil {
				return 0, fmt.Errorf("jpeg: %w", err)
			}
			continue
		}
		seg := make([]byte, n)
		if _, err := io.ReadFull(r, seg); err != nil || n < 6 {
			return 0, errors.New("jpeg: short frame header")
		}
		progressive := m == 0xc2 || m == 0xc6 || m == 0xca || m == 0xce
		nc := int(seg[5])
		if n < 6+3*nc || nc == 0 {
			return 0, errors.New("jpeg: short frame header")
		}
		hmax, vmax := 1, 1
		for i := range nc {
			s := seg[6+3*i+1]
			hmax, vmax = max(hmax, int(s>>4)), max(vmax, int(s&15))
		}
		px := int64(w) * int64(h)
		var planes int64
		for i := range nc {
			s := seg[6+3*i+1]
			hs, vs := max(1, int(s>>4)), max(1, int(s&15))
			planes += px * int64(hs*vs) / int64(hmax*vmax)
		}
		cost := planes
		if nc == 4 {
			cost += 4 * px // converted to CMYK
		}
		if progressive {
			cost += 4 * planes // 64 coefficients of 4 bytes a block of 64
		}
		return cost + px/8, nil // and a margin for block padding
	}
}

// checkCost refuses an original the service could not serve within its
// bound of memory.
func checkCost(c decodeCost) error {
	if c.stream && c.whole > wholeDecodeBytes {
		return nil // read a row at a time
	}
	if c.whole > decodeBudget {
		return fmt.Errorf("the image is %d×%d pixels, which takes %d MB to decode as %s, more than the %d MB an image may take here (a PNG that is not interlaced has no such limit): %w",
			c.width, c.height, (c.whole+1<<20-1)>>20, c.format, decodeBudget>>20, fonds.ErrInvalid)
	}
	return nil
}
