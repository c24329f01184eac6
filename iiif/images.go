package iiif

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // the formats Put accepts and the image service reads
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"fonds"
)

// Images keeps the page images of documents in a folder of the data folder:
// originals under DIR/ID/FILE, derived images cached under DIR/.cache
// (derived: deleting it loses nothing).
type Images struct {
	dir   string
	cache string

	// derive runs each computation of a derived image, and each decoding
	// of an original, once however many requests ask for it at once.
	derive flight
	// renders counts the derived images made, which tells whether a
	// request was answered from the cache.
	renders atomic.Int64

	mu      sync.Mutex
	sizes   map[string]image.Point // dimensions of originals, by stamp
	decoded []decodedImage         // recently decoded originals, newest last
	pixels  int                    // the pixels of decoded, added up
}

// decodedImage is an original kept in memory, since the tiles of one image
// are asked for together and decoding a scan dominates the cost of each.
type decodedImage struct {
	stamp string
	img   image.Image
}

// The bounds of what Put accepts and the service keeps in memory.
const (
	maxUploadBytes   = 256 << 20
	maxSourceSide    = 30000
	maxSourcePixels  = 150_000_000
	maxDecodedPixels = 80_000_000 // about 320 MB of decoded originals
	maxSizeEntries   = 10000
)

// cacheDir is the folder of derived images inside the images folder. Its
// leading dot keeps it apart from documents, whose ids never start with one.
const cacheDir = ".cache"

// OpenImages opens the images folder dir, creating it if need be.
func OpenImages(dir string) (*Images, error) {
	if dir == "" {
		return nil, errors.New("iiif: open images: no folder")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("iiif: open images %s: %w", dir, err)
	}
	cache := filepath.Join(abs, cacheDir)
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("iiif: open images: %w", err)
	}
	return &Images{dir: abs, cache: cache, sizes: make(map[string]image.Point)}, nil
}

// validID reports whether a document id can name a folder of its own: one
// path segment, not hidden.
func validID(id string) bool {
	return id != "" && len(id) <= 255 && utf8.ValidString(id) &&
		!strings.HasPrefix(id, ".") && !strings.ContainsAny(id, "/\\\x00")
}

// imageExts are the extensions of the originals, by the format name
// image.DecodeConfig gives.
var imageExts = map[string]string{"png": "png", "jpeg": "jpg", "gif": "gif"}

// validFacs reports whether facs names an original the folder may hold: a
// file name, not a path or a URL, of an image format the service reads.
func validFacs(facs string) bool {
	if !validID(facs) || strings.ContainsRune(facs, ':') {
		return false
	}
	switch strings.ToLower(filepath.Ext(facs)) {
	case ".png", ".jpg", ".jpeg", ".gif":
		return true
	}
	return false
}

// Put stores the image of page n of document id from r (PNG, JPEG or GIF;
// checked by decoding the header), replacing any; it returns the file name
// to record in Page.Facs ("0003.png"). Atomic: temp file + rename.
func (im *Images) Put(id string, n int, r io.Reader) (string, error) {
	if !validID(id) {
		return "", fmt.Errorf("iiif: put image: document id %q cannot name a folder: %w", id, fonds.ErrInvalid)
	}
	if n < 1 {
		return "", fmt.Errorf("iiif: put image of %s: page %d: pages count from 1: %w", id, n, fonds.ErrInvalid)
	}
	dir := filepath.Join(im.dir, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("iiif: put image: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".put-*")
	if err != nil {
		return "", fmt.Errorf("iiif: put image: %w", err)
	}
	renamed := false
	defer func() {
		if !renamed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	written, err := io.Copy(tmp, io.LimitReader(r, maxUploadBytes+1))
	if err != nil {
		return "", fmt.Errorf("iiif: put image of %s page %d: %w", id, n, err)
	}
	if written > maxUploadBytes {
		return "", fmt.Errorf("iiif: image of %s page %d is larger than %d MB: %w", id, n, maxUploadBytes>>20, fonds.ErrInvalid)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("iiif: put image: %w", err)
	}
	cfg, format, err := image.DecodeConfig(bufio.NewReader(tmp))
	if err != nil {
		return "", fmt.Errorf("iiif: image of %s page %d is not a PNG, JPEG or GIF image (%v): %w", id, n, err, fonds.ErrInvalid)
	}
	ext, ok := imageExts[format]
	if !ok {
		return "", fmt.Errorf("iiif: image of %s page %d is %s, not PNG, JPEG or GIF: %w", id, n, format, fonds.ErrInvalid)
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return "", fmt.Errorf("iiif: image of %s page %d: %w", id, n, err)
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("iiif: put image: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("iiif: put image: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", fmt.Errorf("iiif: put image: %w", err)
	}
	name := fmt.Sprintf("%04d.%s", n, ext)
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return "", fmt.Errorf("iiif: put image: %w", err)
	}
	renamed = true
	// The page has one image: an earlier one in another format goes, and
	// with it whatever was derived from the page's images.
	for _, e := range []string{"png", "jpg", "jpeg", "gif"} {
		old := fmt.Sprintf("%04d.%s", n, e)
		if old == name {
			continue
		}
		if err := os.Remove(filepath.Join(dir, old)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("iiif: put image: remove the page's old image: %w", err)
		}
		os.RemoveAll(filepath.Join(im.cache, id, old))
	}
	os.RemoveAll(filepath.Join(im.cache, id, name))
	return name, nil
}

// checkDimensions refuses an image too large to be decoded safely.
func checkDimensions(w, h int) error {
	switch {
	case w <= 0 || h <= 0:
		return fmt.Errorf("the image has no pixels: %w", fonds.ErrInvalid)
	case w > maxSourceSide || h > maxSourceSide || w*h > maxSourcePixels:
		return fmt.Errorf("the image is %d×%d pixels, larger than the %d pixels a side and %d million pixels allowed: %w",
			w, h, maxSourceSide, maxSourcePixels/1_000_000, fonds.ErrInvalid)
	}
	return nil
}

// Has reports whether the image facs of document id is in the folder.
func (im *Images) Has(id, facs string) bool {
	if !validID(id) || !validFacs(facs) {
		return false
	}
	fi, err := os.Stat(filepath.Join(im.dir, id, facs))
	return err == nil && fi.Mode().IsRegular()
}

// source is an original image as the service sees it.
type source struct {
	id, facs string
	path     string
	// stamp identifies this version of the file: a replaced image has a
	// new stamp, and so new validators and new cached derivatives.
	stamp    string
	modified time.Time
	width    int
	height   int
}

// source returns the original facs of document id, with its dimensions.
func (im *Images) source(id, facs string) (*source, error) {
	if !validID(id) || !validFacs(facs) {
		return nil, fonds.ErrNotFound
	}
	path := filepath.Join(im.dir, id, facs)
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fonds.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fonds.ErrNotFound
	}
	src := &source{
		id: id, facs: facs, path: path,
		stamp:    fmt.Sprintf("%s/%s@%d.%d", id, facs, fi.Size(), fi.ModTime().UnixNano()),
		modified: fi.ModTime(),
	}
	im.mu.Lock()
	size, ok := im.sizes[src.stamp]
	im.mu.Unlock()
	if !ok {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		cfg, _, err := image.DecodeConfig(bufio.NewReader(f))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read the image %s: %w", path, err)
		}
		if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
			return nil, fmt.Errorf("the image %s: %v", path, err)
		}
		size = image.Pt(cfg.Width, cfg.Height)
		im.mu.Lock()
		if len(im.sizes) >= maxSizeEntries {
			clear(im.sizes)
		}
		im.sizes[src.stamp] = size
		im.mu.Unlock()
	}
	src.width, src.height = size.X, size.Y
	return src, nil
}

// decode returns the pixels of the original, decoding it only when no
// recent request did.
func (im *Images) decode(ctx context.Context, src *source) (image.Image, error) {
	im.mu.Lock()
	for _, d := range im.decoded {
		if d.stamp == src.stamp {
			im.mu.Unlock()
			return d.img, nil
		}
	}
	im.mu.Unlock()
	v, err := im.derive.do(ctx, "decode "+src.stamp, func() (any, error) {
		f, err := os.Open(src.path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		img, _, err := image.Decode(bufio.NewReader(f))
		if err != nil {
			return nil, fmt.Errorf("decode the image %s: %w", src.path, err)
		}
		im.remember(src.stamp, img)
		return img, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(image.Image), nil
}

// remember keeps a decoded original, forgetting the oldest ones beyond the
// bound.
func (im *Images) remember(stamp string, img image.Image) {
	px := img.Bounds().Dx() * img.Bounds().Dy()
	im.mu.Lock()
	defer im.mu.Unlock()
	im.decoded = append(im.decoded, decodedImage{stamp, img})
	im.pixels += px
	for len(im.decoded) > 1 && im.pixels > maxDecodedPixels {
		b := im.decoded[0].img.Bounds()
		im.pixels -= b.Dx() * b.Dy()
		im.decoded = im.decoded[1:]
	}
}

// derived returns the path of the cached derivative of src that the
// canonical request names, calling render to make it if it is not cached.
// Concurrent calls for one derivative render it once.
func (im *Images) derived(ctx context.Context, src *source, canonical, ext string, render func(io.Writer) error) (string, error) {
	sum := sha256.Sum256([]byte(src.stamp + "\x00" + canonical))
	dir := filepath.Join(im.cache, src.id, src.facs)
	path := filepath.Join(dir, hex.EncodeToString(sum[:16])+"."+ext)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	_, err := im.derive.do(ctx, path, func() (any, error) {
		if _, err := os.Stat(path); err == nil {
			return nil, nil // made by a call that just finished
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		tmp, err := os.CreateTemp(dir, ".render-*")
		if err != nil {
			return nil, err
		}
		defer os.Remove(tmp.Name()) // fails harmlessly once renamed
		im.renders.Add(1)
		bw := bufio.NewWriterSize(tmp, 64<<10)
		err = render(bw)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(tmp.Name(), 0o644)
		}
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		return nil, err
	})
	if err != nil {
		return "", err
	}
	return path, nil
}

// flight runs a function once for each key among the callers that ask for
// the key while it runs; the others wait for its result.
type flight struct {
	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	done chan struct{}
	val  any
	err  error
}

// do runs fn for key, or waits for the run already under way. A waiter
// whose context ends stops waiting; the run goes on for the others.
func (f *flight) do(ctx context.Context, key string, fn func() (any, error)) (any, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = make(map[string]*call)
	}
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.val, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c := &call{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.err = errors.New("iiif: computation panicked")
	c.val, c.err = fn()
	return c.val, c.err
}
