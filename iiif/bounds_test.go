package iiif

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
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
