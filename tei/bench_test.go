package tei

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fonds"
	"fonds/internal/testenv"
)

// divID matches the id on the start tag of a FRUS document's div.
var divID = regexp.MustCompile(`xml:id="d\d+"`)

// buildVolume writes a volume of at least size bytes to dir by repeating
// the FRUS documents of the corpus, each copy given a new id, and returns
// its path and the number of documents it holds.
func buildVolume(tb testing.TB, dir string, size int64) (string, int) {
	tb.Helper()
	corpus := testenv.Corpus(tb)
	files, err := filepath.Glob(filepath.Join(corpus, "frus", "*.xml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no FRUS files in %s", corpus)
	}
	var docs [][]byte
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		if i := bytes.Index(b, []byte("?>")); i >= 0 && bytes.HasPrefix(b, []byte("<?xml")) {
			b = b[i+2:]
		}
		docs = append(docs, bytes.TrimSpace(b))
	}
	path := filepath.Join(dir, "frusbench.xml")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:frus="http://history.state.gov/frus/ns/1.0" xml:id="frusbench">
<teiHeader><fileDesc><titleStmt><title type="complete">Benchmark volume</title></titleStmt>
<publicationStmt><p>Generated.</p></publicationStmt><sourceDesc><p>Generated.</p></sourceDesc></fileDesc></teiHeader>
<text><body><div type="compilation" xml:id="comp1">
`)
	var written int64
	n := 0
	for written < size {
		for _, d := range docs {
			n++
			loc := divID.FindIndex(d)
			if loc == nil {
				tb.Fatalf("a corpus document without an id")
			}
			var buf bytes.Buffer
			buf.Write(d[:loc[0]])
			fmt.Fprintf(&buf, `xml:id="d%d"`, n)
			buf.Write(d[loc[1]:])
			buf.WriteByte('\n')
			w.Write(buf.Bytes())
			written += int64(buf.Len())
		}
	}
	w.WriteString("</div></body></text></TEI>\n")
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path, n
}

// countDocuments reads the file and counts its documents.
func countDocuments(tb testing.TB, path string) int {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	n := 0
	err = Reader{}.ReadDocuments(f, filepath.Base(path), func(*fonds.Document, []fonds.Warning) error {
		n++
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// BenchmarkLargeVolume reads a volume of about 100 MB and reports the
// documents read, the peak heap (sampled) and the peak resident memory of
// a process that does nothing but read it.
func BenchmarkLargeVolume(b *testing.B) {
	path, want := buildVolume(b, b.TempDir(), 100<<20)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	var got int
	for b.Loop() {
		got = countDocuments(b, path)
	}
	close(stop)
	wg.Wait()
	if got != want {
		b.Errorf("read %d documents, want %d", got, want)
	}
	b.ReportMetric(float64(got), "docs")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")

	cmd := exec.Command(os.Args[0], "-test.run=^TestReadChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "TEI_CHILD_READ="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("child: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`VmHWM=(\d+) kB`).FindSubmatch(out)
	if m == nil {
		b.Fatalf("child reported no VmHWM:\n%s", out)
	}
	if line := regexp.MustCompile(`docs=.*`).Find(out); line != nil {
		b.Logf("child process: %s", line)
	}
	kb, _ := strconv.Atoi(string(m[1]))
	b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
}

// TestReadChild is run by BenchmarkLargeVolume in a process of its own, so
// that its peak resident memory is that of the reading alone.
func TestReadChild(t *testing.T) {
	path := os.Getenv("TEI_CHILD_READ")
	if path == "" {
		t.Skip("run by BenchmarkLargeVolume")
	}
	start := time.Now()
	n := countDocuments(t, path)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			fmt.Printf("docs=%d seconds=%.1f VmHWM=%s kB\n", n, time.Since(start).Seconds(), strings.Fields(l)[1])
		}
	}
}
