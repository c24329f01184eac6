package iiif

import (
	"bufio"
	"context"
	"crypto/rand"
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
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"fonds"
)

// Images keeps the page images of documents: the originals in blobs under
// the keys ID/FILE (a folder of the data folder, or the database of the
// store), the images derived from them cached in a folder of the data
// folder, each server its own (derived: deleting it loses nothing).
type Images struct {
	blobs fonds.Blobs
	cache string
	disk  *diskCache // what the cache holds, kept within its limit

	// fixity serialises the writing of the documents' manifests of sums.
	fixity sync.Mutex

	// derive runs each computation of a derived image, and each decoding
	// of an original, once however many requests ask for it at once.
	derive flight
	// renders counts the derived images made, which tells whether a
	// request was answered from the cache.
	renders atomic.Int64

	mu       sync.Mutex
	sizes    map[string]decodeCost // what reading each original takes, by stamp
	decoded  []decodedImage        // recently decoded originals, newest last
	bytes    int64                 // the bytes of decoded, added up
	decoding int64                 // the bytes of the decodings under way
}

// decodedImage is an original kept in memory, since the tiles of one image
// are asked for together and decoding a scan dominates the cost of each.
type decodedImage struct {
	stamp string
	img   image.Image
	bytes int64
}

// MaxImageBytes bounds the size of an original, and so of the blobs that
// hold them.
const MaxImageBytes = 256 << 20

// The bounds of what Put accepts and the service keeps in memory.
const (
	maxUploadBytes  = MaxImageBytes
	maxSourceSide   = 30000
	maxSourcePixels = 150_000_000
	maxSizeEntries  = 10000
)

// cacheDir is the folder of derived images inside the images folder. Its
// leading dot keeps it apart from documents, whose ids never start with one.
const cacheDir = ".cache"

// OpenImages opens the images folder dir, creating it if need be: the
// originals in it, the derived images in its folder .cache.
func OpenImages(dir string) (*Images, error) {
	if dir == "" {
		return nil, errors.New("iiif: open images: no folder")
	}
	blobs, err := NewDirBlobs(dir, MaxImageBytes)
	if err != nil {
		return nil, err
	}
	return NewImages(blobs, filepath.Join(blobs.dir, cacheDir))
}

// NewImages returns the images whose originals are in blobs, the images
// derived from them cached in the folder cache, created if need be.
func NewImages(blobs fonds.Blobs, cache string) (*Images, error) {
	abs, err := filepath.Abs(cache)
	if err != nil {
		return nil, fmt.Errorf("iiif: open images %s: %w", cache, err)
	}
	disk, err := openDiskCache(abs, DefaultCacheBytes)
	if err != nil {
		return nil, fmt.Errorf("iiif: open images: %w", err)
	}
	return &Images{blobs: blobs, cache: abs, disk: disk, sizes: make(map[string]decodeCost)}, nil
}

// key returns the key of the blob of the original facs of document id.
func key(id, facs string) string { return id + "/" + facs }

// CacheSize returns the bytes the cache of derived images holds.
func (im *Images) CacheSize() int64 { return im.disk.size() }

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
	return im.put(id, n, r, true)
}

// Add stores the image of page n of document id from r, as Put does, but
// under a name of its own, the page's and the start of its SHA-256
// ("0003-1a2b3c4d.png", as Reorder names a page's image), and keeps the
// page's other images: the document that names one of them stays whole
// until a save names the new one. The caller then removes the image the
// page had (RemoveImage), or the new one if the save failed.
func (im *Images) Add(id string, n int, r io.Reader) (string, error) {
	return im.put(id, n, r, false)
}

// RemoveImage removes the original facs of document id, its sum from the
// manifest and the images derived from it. An original that is not there
// is no error.
func (im *Images) RemoveImage(id, facs string) error {
	if !validID(id) || !validFacs(facs) {
		return fmt.Errorf("iiif: remove image %q of %q: %w", facs, id, fonds.ErrInvalid)
	}
	unlock, err := im.lockFixity(id)
	if err != nil {
		return fmt.Errorf("iiif: remove image %s of %s: %w", facs, id, err)
	}
	defer unlock()
	if err := im.blobs.Delete(context.Background(), key(id, facs)); err != nil {
		return fmt.Errorf("iiif: remove image: %w", err)
	}
	im.removeDerived(id, facs)
	if err := im.recordLocked(id, nil, []string{facs}); err != nil {
		return fmt.Errorf("iiif: remove image %s of %s: %w", facs, id, err)
	}
	return nil
}

// put is Put, and Add when replace is false.
func (im *Images) put(id string, n int, r io.Reader, replace bool) (string, error) {
	if !validID(id) {
		return "", fmt.Errorf("iiif: put image: document id %q cannot name a folder: %w", id, fonds.ErrInvalid)
	}
	if n < 1 {
		return "", fmt.Errorf("iiif: put image of %s: page %d: pages count from 1: %w", id, n, fonds.ErrInvalid)
	}
	ctx := context.Background()
	var rnd [8]byte
	rand.Read(rnd[:])
	// Written under a name of its own first, so that the page's image is
	// the old one until the new one is whole and checked.
	tmp := key(id, fmt.Sprintf("put-%x.tmp", rnd))
	renamed := false
	defer func() {
		if !renamed {
			im.blobs.Delete(ctx, tmp)
		}
	}()
	hash := sha256.New()
	counted := &countReader{r: io.TeeReader(io.LimitReader(r, maxUploadBytes+1), hash)}
	if _, err := im.blobs.Put(ctx, tmp, counted); err != nil {
		if counted.n > maxUploadBytes {
			return "", fmt.Errorf("iiif: image of %s page %d is larger than %d MB: %w", id, n, maxUploadBytes>>20, fonds.ErrInvalid)
		}
		return "", fmt.Errorf("iiif: put image of %s page %d: %w", id, n, err)
	}
	if counted.n > maxUploadBytes {
		return "", fmt.Errorf("iiif: image of %s page %d is larger than %d MB: %w", id, n, maxUploadBytes>>20, fonds.ErrInvalid)
	}
	cost, format, err := im.costOf(ctx, tmp)
	if err != nil {
		return "", fmt.Errorf("iiif: image of %s page %d is not a PNG, JPEG or GIF image (%v): %w", id, n, err, fonds.ErrInvalid)
	}
	ext, ok := imageExts[format]
	if !ok {
		return "", fmt.Errorf("iiif: image of %s page %d is %s, not PNG, JPEG or GIF: %w", id, n, format, fonds.ErrInvalid)
	}
	if err := checkDimensions(cost.width, cost.height); err != nil {
		return "", fmt.Errorf("iiif: image of %s page %d: %w", id, n, err)
	}
	if err := checkCost(cost); err != nil {
		return "", fmt.Errorf("iiif: image of %s page %d: %w", id, n, err)
	}
	sum := hex.EncodeToString(hash.Sum(nil))
	name := fmt.Sprintf("%04d.%s", n, ext)
	if !replace {
		name = fmt.Sprintf("%04d-%s.%s", n, sum[:8], ext)
	}
	if err := im.blobs.Rename(ctx, tmp, key(id, name)); err != nil {
		return "", fmt.Errorf("iiif: put image: %w", err)
	}
	renamed = true
	if !replace {
		im.removeDerived(id, name)
		if err := im.record(id, map[string]string{name: sum}, nil); err != nil {
			return "", fmt.Errorf("iiif: put image of %s page %d: %w", id, n, err)
		}
		return name, nil
	}
	// The page has one image: an earlier one in another format, or under
	// the name Reorder gave it, goes, and with it whatever was derived
	// from the page's images.
	var gone []string
	for _, e := range []string{"png", "jpg", "jpeg", "gif"} {
		if old := fmt.Sprintf("%04d.%s", n, e); old != name {
			gone = append(gone, old)
		}
	}
	if names, err := im.originals(id); err == nil {
		for _, old := range names {
			if p, ok := pageOf(old); ok && p == n && strings.HasPrefix(old, fmt.Sprintf("%04d-", n)) {
				gone = append(gone, old)
			}
		}
	}
	for _, old := range gone {
		if err := im.blobs.Delete(ctx, key(id, old)); err != nil {
			return "", fmt.Errorf("iiif: put image: remove the page's old image: %w", err)
		}
		im.removeDerived(id, old)
	}
	im.removeDerived(id, name)
	if err := im.record(id, map[string]string{name: sum}, gone); err != nil {
		return "", fmt.Errorf("iiif: put image of %s page %d: %w", id, n, err)
	}
	return name, nil
}

// removeDerived removes the images derived from the original facs of
// document id (all of the document's, when facs is empty).
func (im *Images) removeDerived(id, facs string) {
	dir := filepath.Join(im.cache, id, facs)
	os.RemoveAll(dir)
	im.disk.forget(dir)
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
	_, err := im.blobs.Stat(context.Background(), key(id, facs))
	return err == nil
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// source is an original image as the service sees it.
type source struct {
	id, facs string
	key      string
	// stamp identifies this version of the file: a replaced image has a
	// new stamp, and so new validators and new cached derivatives.
	stamp    string
	modified time.Time
	width    int
	height   int
	cost     decodeCost
}

// source returns the original facs of document id, with its dimensions.
func (im *Images) source(ctx context.Context, id, facs string) (*source, error) {
	if !validID(id) || !validFacs(facs) {
		return nil, fonds.ErrNotFound
	}
	path := key(id, facs)
	fi, err := im.blobs.Stat(ctx, path)
	if errors.Is(err, fonds.ErrNotFound) {
		return nil, fonds.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	src := &source{
		id: id, facs: facs, key: path,
		stamp:    fmt.Sprintf("%s/%s@%d.%d", id, facs, fi.Size, fi.Modified.UnixNano()),
		modified: fi.Modified,
	}
	im.mu.Lock()
	cost, ok := im.sizes[src.stamp]
	im.mu.Unlock()
	if !ok {
		cost, _, err = im.costOf(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("read the image %s: %w", path, err)
		}
		if err := checkDimensions(cost.width, cost.height); err != nil {
			return nil, fmt.Errorf("the image %s: %v", path, err)
		}
		// An original stored before Put refused what the service cannot
		// serve within its memory is refused here.
		if err := checkCost(cost); err != nil {
			return nil, fmt.Errorf("the image %s: %v", path, err)
		}
		im.mu.Lock()
		if len(im.sizes) >= maxSizeEntries {
			clear(im.sizes)
		}
		im.sizes[src.stamp] = cost
		im.mu.Unlock()
	}
	src.width, src.height = cost.width, cost.height
	src.cost = cost
	return src, nil
}

// rows opens the original to be read a row at a time: a large PNG straight
// from its file, any other decoded whole (within decodeBudget, as Put and
// source made sure) and kept in memory for the next request.
func (im *Images) rows(ctx context.Context, src *source) (rowSource, func(), error) {
	if src.cost.stream && src.cost.whole > wholeDecodeBytes {
		f, err := im.blobs.Open(ctx, src.key)
		if err != nil {
			return nil, nil, err
		}
		p, err := openPNGRows(f)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("read the image %s: %w", src.key, err)
		}
		return p, func() { p.Close() }, nil
	}
	img, err := im.decode(ctx, src)
	if err != nil {
		return nil, nil, err
	}
	return &imageRows{img: img}, func() {}, nil
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
		cost := src.cost.whole
		// Make room: what is kept and what is being decoded stay
		// within maxDecodedBytes.
		im.mu.Lock()
		im.decoding += cost
		im.shrink(0)
		im.mu.Unlock()
		defer func() {
			im.mu.Lock()
			im.decoding -= cost
			im.mu.Unlock()
		}()
		f, err := im.blobs.Open(ctx, src.key)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		img, _, err := image.Decode(bufio.NewReaderSize(f, 256<<10))
		if err != nil {
			return nil, fmt.Errorf("decode the image %s: %w", src.key, err)
		}
		im.remember(src.stamp, img, cost)
		return img, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(image.Image), nil
}

// remember keeps a decoded original, forgetting the oldest ones beyond the
// bound.
func (im *Images) remember(stamp string, img image.Image, bytes int64) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if bytes > maxDecodedBytes/4 {
		return // kept, it would push out all the others
	}
	im.decoded = append(im.decoded, decodedImage{stamp, img, bytes})
	im.bytes += bytes
	im.shrink(1)
}

// shrink forgets the oldest decoded originals, but the newest keep of
// them, while they and the decodings under way take more than
// maxDecodedBytes. The caller holds im.mu.
func (im *Images) shrink(keep int) {
	for len(im.decoded) > keep && im.bytes+im.decoding > maxDecodedBytes {
		im.bytes -= im.decoded[0].bytes
		im.decoded[0] = decodedImage{}
		im.decoded = im.decoded[1:]
	}
}

// derived returns the cached derivative of src that the canonical request
// names, open, calling render to make it if it is not cached. Concurrent
// calls for one derivative render it once. The file is returned open since
// the cache may remove it at any time to keep within its limit.
func (im *Images) derived(ctx context.Context, src *source, canonical, ext string, render func(context.Context, io.Writer) error) (*os.File, error) {
	sum := sha256.Sum256([]byte(src.stamp + "\x00" + canonical))
	dir := filepath.Join(im.cache, src.id, src.facs)
	path := filepath.Join(dir, hex.EncodeToString(sum[:16])+"."+ext)
	for try := 0; ; try++ {
		if f, err := os.Open(path); err == nil {
			im.disk.used(path)
			return f, nil
		}
		f, err := im.render(ctx, dir, path, render)
		switch {
		case f != nil:
			return f, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded):
			return nil, err
		case try == 3:
			return nil, errors.New("iiif: derived images are removed as soon as they are made: the cache is too small")
		}
		// Made by another request and already evicted, or not made
		// because the client that asked first went away: this
		// request makes it.
	}
}

// render makes the derived image at path in dir, once however many ask,
// and returns it open to the caller that made it.
func (im *Images) render(ctx context.Context, dir, path string, render func(context.Context, io.Writer) error) (*os.File, error) {
	var made *os.File // only the call that runs fn sets it
	_, err := im.derive.do(ctx, path, func() (any, error) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		im.renders.Add(1)
		var n int64
		err := replaceFile(path, ".render-*", false, func(f *os.File) error {
			counted := &countWriter{w: f}
			bw := bufio.NewWriterSize(counted, 64<<10)
			err := render(ctx, bw)
			if err == nil {
				err = bw.Flush()
			}
			n = counted.n
			return err
		})
		if err == nil {
			made, err = os.Open(path)
		}
		if err == nil {
			im.disk.added(path, n)
		}
		return nil, err
	})
	return made, err
}

// replaceFile writes a file beside path through write, and renames it into
// place once it is whole: a reader, or a crash, never sees half of it.
// With sync set it is on disk before it takes the name.
func replaceFile(path, pattern string, sync bool, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	err = write(tmp)
	if err == nil && sync {
		err = tmp.Sync()
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
	return err
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
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

// maxReorder bounds the pages one Reorder moves.
const maxReorder = 100000

// pageOf returns the page whose original name is: Put names the image of
// page n "0003.png", and Reorder "0003-TAG.png".
func pageOf(name string) (int, bool) {
	k := strings.IndexAny(name, ".-")
	if k < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(name[:k])
	return n, err == nil && n >= 1 && fmt.Sprintf("%04d", n) == name[:k]
}

// pageOriginals returns the name of the original of each page of document
// id that has one: the first in name order, should a page have several.
func (im *Images) pageOriginals(id string) (map[int]string, error) {
	names, err := im.originals(id)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	pages := make(map[int]string)
	for _, name := range names {
		if n, ok := pageOf(name); ok && pages[n] == "" {
			pages[n] = name
		}
	}
	return pages, nil
}

// Reorder moves the originals of document id between its pages: for each
// page p in to, the image of page p becomes the image of page to[p]. The
// values of to must be its keys in another order, so that every page whose
// image leaves takes another's (or none). Each file moved is renamed for
// its new page and its content, "0002-1a2b3c4d.jpg" (the start of its
// SHA-256), so that the page's Facs changes with its image and a later
// Put of a page replaces that page's image alone; the manifest records
// each sum under its new name, and the derived images of the pages go. It
// returns the name of each page's image now, "" for a page left without
// one: what its Page.Facs records. Reorder with the inverse of to undoes
// it, under other names.
//
// The renames go through temporary names: a crash between them leaves
// originals that Verify reports missing, and blobs named reorder-N.tmp.
func (im *Images) Reorder(id string, to map[int]int) (map[int]string, error) {
	if !validID(id) {
		return nil, fmt.Errorf("iiif: reorder images: document id %q cannot name a folder: %w", id, fonds.ErrInvalid)
	}
	if len(to) > maxReorder {
		return nil, fmt.Errorf("iiif: reorder images of %s: more than %d pages: %w", id, maxReorder, fonds.ErrInvalid)
	}
	taken := make(map[int]bool, len(to))
	for p, q := range to {
		if p < 1 || q < 1 || taken[q] {
			return nil, fmt.Errorf("iiif: reorder images of %s: page %d to page %d: pages count from 1 and each takes one image: %w", id, p, q, fonds.ErrInvalid)
		}
		taken[q] = true
	}
	for p := range to {
		if !taken[p] {
			return nil, fmt.Errorf("iiif: reorder images of %s: page %d gives its image and takes none: %w", id, p, fonds.ErrInvalid)
		}
	}
	unlock, err := im.lockFixity(id)
	if err != nil {
		return nil, fmt.Errorf("iiif: reorder images of %s: %w", id, err)
	}
	defer unlock()
	ctx := context.Background()
	sums, err := im.readManifest(id, nil)
	if err != nil {
		return nil, fmt.Errorf("iiif: reorder images of %s: %w", id, err)
	}
	originals, err := im.pageOriginals(id)
	if err != nil {
		return nil, fmt.Errorf("iiif: reorder images of %s: %w", id, err)
	}
	names := make(map[int]string, len(to))
	old := make(map[int]string) // the original of each page moved that has one
	for p := range to {
		names[p] = ""
		if name := originals[p]; name != "" {
			old[p] = name
		}
	}
	// The sums the new names are made from, before anything moves: an
	// original the manifest does not record is hashed for its name, and
	// stays unrecorded.
	tags := make(map[string]string, len(old))
	for _, name := range old {
		sum, ok := sums[name]
		if !ok {
			if sum, err = im.hashBlob(ctx, key(id, name)); err != nil {
				return nil, fmt.Errorf("iiif: reorder images of %s: %s: %w", id, name, err)
			}
		}
		tags[name] = sum[:8]
	}
	// Out of the way first, since a page's new name may be another's old
	// one; then each to its new page.
	for p, name := range old {
		if err := im.blobs.Rename(ctx, key(id, name), key(id, fmt.Sprintf("reorder-%d.tmp", p))); err != nil {
			return nil, fmt.Errorf("iiif: reorder images of %s: %w", id, err)
		}
	}
	set := make(map[string]string)
	var drop []string
	for p, name := range old {
		q := to[p]
		moved := fmt.Sprintf("%04d-%s%s", q, tags[name], filepath.Ext(name))
		// Rename gives the blob a new time, so that the page's image
		// has new validators and a cache that holds the page's old
		// image asks again.
		if err := im.blobs.Rename(ctx, key(id, fmt.Sprintf("reorder-%d.tmp", p)), key(id, moved)); err != nil {
			return nil, fmt.Errorf("iiif: reorder images of %s: %w", id, err)
		}
		names[q] = moved
		if sum, ok := sums[name]; ok {
			set[moved] = sum
		}
		drop = append(drop, name)
		im.removeDerived(id, name)
	}
	// A name both left and taken keeps the sum set for it.
	drop = slices.DeleteFunc(drop, func(name string) bool { _, ok := set[name]; return ok })
	if len(old) > 0 {
		if err := im.recordLocked(id, set, drop); err != nil {
			return nil, fmt.Errorf("iiif: reorder images of %s: %w", id, err)
		}
	}
	return names, nil
}
