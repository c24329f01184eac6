package iiif

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fonds"
	"fonds/internal/testenv"
)

// writeGrayPNG writes a grayscale PNG of w×h pixels, row by row, so that an
// image far larger than the memory it would take decoded costs the test
// almost nothing: four flat quarters compress to well under a megabyte.
func writeGrayPNG(out io.Writer, w, h int) error {
	bw := bufio.NewWriter(out)
	bw.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		bw.Write(n[:])
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		bw.WriteString(typ)
		bw.Write(data)
		binary.BigEndian.PutUint32(n[:], crc.Sum32())
		bw.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 0 // 8 bits of gray
	chunk("IHDR", ihdr)
	idat := &chunkWriter{chunk: chunk}
	z, err := zlib.NewWriterLevel(idat, zlib.BestSpeed)
	if err != nil {
		return err
	}
	row := make([]byte, 1+w)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := byte(40)
			if x >= w/2 {
				v += 80
			}
			if y >= h/2 {
				v += 40
			}
			row[1+x] = v
		}
		if _, err := z.Write(row); err != nil {
			return err
		}
	}
	if err := z.Close(); err != nil {
		return err
	}
	idat.flush()
	chunk("IEND", nil)
	return bw.Flush()
}

// chunkWriter cuts what is written into IDAT chunks.
type chunkWriter struct {
	chunk func(string, []byte)
	buf   []byte
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	if len(c.buf) >= 1<<16 {
		c.flush()
	}
	return len(p), nil
}

func (c *chunkWriter) flush() {
	if len(c.buf) > 0 {
		c.chunk("IDAT", c.buf)
		c.buf = c.buf[:0]
	}
}

// The environment of a child process of the test binary: the PNG it serves,
// and how many requests it makes at once.
const (
	childPNGEnv      = "IIIF_CHILD_PNG"
	childRequestsEnv = "IIIF_CHILD_REQUESTS"
	childPathEnv     = "IIIF_CHILD_PATH"
)

// bigPNG writes the 12000×12000 grayscale PNG into a folder of the test.
func bigPNG(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeGrayPNG(f, 12000, 12000); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestChildServe is the work of a child process: it stores the PNG as the
// first page of the fixture's document and asks the handler for an image
// of it, as many times at once as it is told. It does nothing in an
// ordinary run.
func TestChildServe(t *testing.T) {
	src := os.Getenv(childPNGEnv)
	if src == "" {
		t.Skip("run only as a child process of TestPeakMemory")
	}
	n, _ := strconv.Atoi(os.Getenv(childRequestsEnv))
	f := newFixture(t)
	file, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.images.Put(fullID, 1, file); err != nil {
		t.Fatal(err)
	}
	file.Close()
	h := f.server.Config.Handler
	var wg sync.WaitGroup
	for i := range max(1, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			path := os.Getenv(childPathEnv)
			if i > 0 && n > 1 {
				// Distinct images, so that none is shared.
				path = page1 + "/full/" + strconv.Itoa(3000+i) + ",/0/default.jpg"
			}
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if rec.Code != http.StatusOK {
				t.Errorf("GET %s = %d %s", path, rec.Code, rec.Body)
			}
		}()
	}
	wg.Wait()
}

// peakRSS runs TestChildServe in a child process of the test binary and
// returns the most memory it held, in MB.
func peakRSS(t *testing.T, png, path string, requests int) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildServe$", "-test.count=1")
	cmd.Env = append(os.Environ(), childPNGEnv+"="+png, childPathEnv+"="+path, childRequestsEnv+"="+strconv.Itoa(requests))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the child process failed: %v\n%s", err, out)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("no resource usage of child processes on this system")
	}
	return ru.Maxrss / 1024 // KB on Linux
}

// TestPeakMemory serves the largest image of a 12000×12000 PNG, which took
// 2.6 GB, and six images of it at once, which took 10 GB.
func TestPeakMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 144 million pixels")
	}
	if testenv.Race {
		t.Skip("the race detector multiplies the memory it measures")
	}
	png := bigPNG(t)
	for _, tc := range []struct {
		name     string
		path     string
		requests int
		limitMB  int64
	}{
		{"full/max", page1 + "/full/max/0/default.jpg", 1, 256},
		{"six at once", page1 + "/full/max/0/default.jpg", 6, 256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mb := peakRSS(t, png, tc.path, tc.requests)
			t.Logf("GET %s, %d at once: peak RSS %d MB", tc.path, tc.requests, mb)
			if mb > tc.limitMB {
				t.Errorf("GET %s, %d at once: peak RSS = %d MB, want at most %d MB", tc.path, tc.requests, mb, tc.limitMB)
			}
		})
	}
}

// serve answers a GET of path through h.
func serve(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// TestUpscaledWidths asks for ten upscaled widths, which once wrote 491 MB
// to the cache: beyond the caps they are refused, and within them the cache
// keeps to its limit.
func TestUpscaledWidths(t *testing.T) {
	f := newFixture(t)
	const limit = 64 << 10
	const page3 = "/iiif/image/" + fullID + "~3" // 300×300
	h, err := New(Config{Store: f.store, Images: f.images, BaseURL: "http://127.0.0.1", CacheBytes: limit})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		path := page1 + "/full/^" + strconv.Itoa(maxWidth+1+i*1000) + ",/0/default.png"
		if rec := serve(h, path); rec.Code != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 400", path, rec.Code)
		}
	}
	if got := f.images.CacheSize(); got != 0 {
		t.Errorf("after refused requests the cache holds %d bytes, want none", got)
	}
	written := 0
	for i := range 10 {
		path := page3 + "/full/^" + strconv.Itoa(1000+i*100) + ",/0/default.jpg"
		rec := serve(h, path)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, rec.Code, rec.Body)
		}
		written += rec.Body.Len()
		if got := f.images.CacheSize(); got > limit {
			t.Errorf("after GET %s the cache holds %d bytes, want at most %d", path, got, limit)
		}
	}
	var onDisk int64
	filepath.Walk(filepath.Join(f.dir, cacheDir), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			onDisk += fi.Size()
		}
		return nil
	})
	if written <= limit {
		t.Fatalf("the images served add up to %d bytes, under the limit of %d: nothing to evict", written, limit)
	}
	if onDisk > limit || onDisk != f.images.CacheSize() {
		t.Errorf("the cache folder holds %d bytes, the count says %d, want the same, at most %d", onDisk, f.images.CacheSize(), limit)
	}
}

func TestCacheEviction(t *testing.T) {
	dir := t.TempDir()
	c, err := openDiskCache(dir, 300)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, make([]byte, 100), 0o644); err != nil {
			t.Fatal(err)
		}
		c.added(path, 100)
		return path
	}
	exists := func(path string) bool {
		_, err := os.Stat(path)
		return err == nil
	}
	a, b, d := write("a"), write("b"), write("d")
	c.used(a) // b is now the least recently used
	e := write("e")
	for _, tc := range []struct {
		path string
		want bool
	}{{a, true}, {b, false}, {d, true}, {e, true}} {
		if got := exists(tc.path); got != tc.want {
			t.Errorf("after adding a fourth file to a cache of three, exists(%s) = %v, want %v", filepath.Base(tc.path), got, tc.want)
		}
	}
	if c.size() != 300 {
		t.Errorf("size() = %d, want 300", c.size())
	}

	// Opened again with a smaller limit, the cache measures what is on
	// disk and removes the least recently used, by modification time.
	old := time.Now().Add(-time.Hour)
	os.Chtimes(d, old, old)
	c2, err := openDiskCache(dir, 200)
	if err != nil {
		t.Fatal(err)
	}
	if c2.size() != 200 || exists(d) || !exists(a) || !exists(e) {
		t.Errorf("reopened with a limit of 200: size() = %d, d exists %v, a %v, e %v; want 200, d removed", c2.size(), exists(d), exists(a), exists(e))
	}
}

// TestRenderWaitsForClient fills every render slot and asks for an image:
// the request waits, and gives up when its client goes away.
func TestRenderWaitsForClient(t *testing.T) {
	f := newFixture(t)
	hh, err := New(Config{Store: f.store, Images: f.images, BaseURL: "http://127.0.0.1", Renders: 1})
	if err != nil {
		t.Fatal(err)
	}
	h := hh.(*handler)
	h.renders <- struct{}{} // the one slot, taken
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodGet, page1+"/0,0,100,100/max/0/default.png", nil).WithContext(ctx)
	done := make(chan struct{})
	go func() {
		h.ServeHTTP(httptest.NewRecorder(), req)
		close(done)
	}()
	for h.waiting.Load() == 0 {
		time.Sleep(time.Millisecond) // until the request waits for the slot
	}
	cancel()
	<-done // a request that ignored its context would wait here for ever
	if n := h.waiting.Load(); n != 0 {
		t.Errorf("after its client went away, %d requests wait, want none", n)
	}
	<-h.renders
	if rec := serve(h, page1+"/0,0,100,100/max/0/default.png"); rec.Code != http.StatusOK {
		t.Errorf("with the slot free, GET = %d %s, want 200", rec.Code, rec.Body)
	}
}

// TestPutTooLarge stores originals the service could not decode within its
// memory: they are refused, naming their size and the limit.
func TestPutTooLarge(t *testing.T) {
	im, err := OpenImages(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// A GIF's header: 12000×12000 pixels, decoded whole at a byte each.
	gif := []byte("GIF89a\xe0\x2e\xe0\x2e\x00\x00\x00;")
	_, err = im.Put("doc", 1, bytes.NewReader(gif))
	if !errors.Is(err, fonds.ErrInvalid) || !strings.Contains(err.Error(), "12000×12000") || !strings.Contains(err.Error(), "96 MB") {
		t.Errorf("Put(12000×12000 GIF) = %v, want ErrInvalid naming 12000×12000 and 96 MB", err)
	}
	// The same size as a PNG is read a row at a time: accepted.
	var png bytes.Buffer
	if err := writeGrayPNG(&png, 12000, 12000); err != nil {
		t.Fatal(err)
	}
	if _, err := im.Put("doc", 1, &png); err != nil {
		t.Errorf("Put(12000×12000 PNG) = %v, want it stored", err)
	}
}

// BenchmarkImage makes a tile and the largest image of a gray PNG of two
// sizes, from the original each time (the cache is emptied): the memory a
// request takes does not grow with the image, and its time grows with the
// rows it reads.
func BenchmarkImage(b *testing.B) {
	for _, side := range []int{3000, 12000} {
		f := newFixture(b)
		var png bytes.Buffer
		if err := writeGrayPNG(&png, side, side); err != nil {
			b.Fatal(err)
		}
		if _, err := f.images.Put(fullID, 1, &png); err != nil {
			b.Fatal(err)
		}
		h := f.server.Config.Handler
		for _, req := range []struct{ name, path string }{
			{"tile", page1 + "/1024,1024,512,512/max/0/default.jpg"},
			{"full-max", page1 + "/full/max/0/default.jpg"},
		} {
			b.Run(fmt.Sprintf("%s/%d", req.name, side), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					f.images.removeDerived(fullID, "")
					b.StartTimer()
					if rec := serve(h, req.path); rec.Code != http.StatusOK {
						b.Fatalf("GET %s = %d %s", req.path, rec.Code, rec.Body)
					}
				}
			})
		}
	}
}
