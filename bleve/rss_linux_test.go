package bleve

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fonds"
	"fonds/internal/testenv"
)

// childIndex names the environment variable that makes a run of the test
// binary the child of TestConcurrentWideQueries, searching the index in
// the folder it names.
const childIndex = "FONDS_BLEVE_CHILD_INDEX"

// maxWideRSS bounds the peak memory, in KB, of a process that opens an
// index of 2,000 documents and searches it with eight wide queries at once.
const maxWideRSS = 256 << 10

// TestConcurrentWideQueries searches an index with eight queries of 64
// prefixes at once, in a child process, and bounds its peak memory.
func TestConcurrentWideQueries(t *testing.T) {
	if testenv.Race {
		t.Skip("the race detector multiplies the memory it measures")
	}
	if dir := os.Getenv(childIndex); dir != "" {
		searchWide(t, dir, 8)
		peak, err := peakRSS()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s%d\n", peakPrefix, peak)
		return
	}
	if testing.Short() {
		t.Skip("builds an index of 2,000 documents")
	}
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(context.Background(), varietyDocuments(2000, 100000, 1)...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentWideQueries$", "-test.count=1")
	cmd.Env = append(os.Environ(), childIndex+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	_, after, ok := strings.Cut(string(out), peakPrefix)
	rss, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(after, "\n", 2)[0]))
	if !ok || err != nil {
		t.Fatalf("child did not tell its peak memory:\n%s", out)
	}
	t.Logf("peak RSS of eight wide queries at once: %d MB", rss>>10)
	if rss > maxWideRSS {
		t.Errorf("peak RSS = %d MB, want at most %d MB", rss>>10, maxWideRSS>>10)
	}
}

// searchWide opens the index in dir and searches it n times at once with
// 64 prefixes.
func searchWide(t *testing.T, dir string, n int) {
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// The memory is measured, not the time: a slow machine, or the race
	// detector, must not stop the searches at their deadline.
	ix.Timeout = time.Hour
	req := fonds.SearchRequest{Query: widePrefixQuery(), Highlight: true, Facets: fonds.AllFacets}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := ix.Search(context.Background(), req); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// peakPrefix begins the line on which the child tells its peak memory.
const peakPrefix = "peak RSS KB: "

// peakRSS returns the peak resident memory of this process in KB, as
// VmHWM of /proc/self/status. A child's Maxrss, as wait4 tells it, would
// not do: Linux counts in it the peak of the parent that started it, here
// the test binary, which has just built the index.
func peakRSS() (int, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}
