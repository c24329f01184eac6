package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"fonds"
	"fonds/ingest"
	"fonds/synth"
	"fonds/text"
	"fonds/translit"
)

// benchCmd measures import and search on a synthetic archive of known size:
// it writes N documents in the transcription format, imports them into a
// fresh archive as "fonds import" does, and times searches of each kind.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stderr)
	n := fs.Int("n", 10000, "the number of documents")
	queries := fs.Int("queries", 200, "the number of searches of each kind")
	seed := fs.Uint64("seed", 1, "the seed of the synthetic archive")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the import to this `file`")
	keep := fs.String("dir", "", "build the archive in this `folder` and keep it (default: a temporary folder, removed)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n < 1 || *queries < 1 {
		return usageError{"--n and --queries must be at least 1"}
	}
	dir := *keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "fonds-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	src, data := filepath.Join(dir, "src"), filepath.Join(dir, "data")

	fmt.Fprintf(stderr, "writing %d synthetic documents...\n", *n)
	textBytes, sourceBytes, err := writeCorpus(src, *n, *seed)
	if err != nil {
		return err
	}

	a, err := openArchive(data, indexHeld)
	if err != nil {
		return err
	}
	defer a.Close()
	im := &ingest.Importer{Store: a.store, Index: a.index, Readers: readers("handwriting"), Collection: "synthetic"}
	files, err := im.Files([]string{src})
	if err != nil {
		return err
	}
	bar := newBar(stderr, len(files), "importing")
	if bar != nil {
		im.Progress = func(string) { bar.Add(1) }
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	start := time.Now()
	sum, errs := im.Import(ctx, files)
	took := time.Since(start)
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if bar != nil {
		bar.Finish()
	}
	if len(errs) > 0 {
		return fmt.Errorf("import: %v (and %d more)", errs[0], len(errs)-1)
	}
	indexSize, err := du(indexDir(data))
	if err != nil {
		return err
	}
	dataSize, err := du(data)
	if err != nil {
		return err
	}
	dbSize := dataSize - indexSize // the database and its write-ahead log

	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "documents\t%d (%s)\n", *n, sum)
	fmt.Fprintf(w, "machine\t%s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(w, "text\t%.1f MB of text, %.1f MB of source files (mean %.1f KB a document)\n",
		mb(textBytes), mb(sourceBytes), float64(sourceBytes)/float64(*n)/1024)
	fmt.Fprintf(w, "import\t%.0f docs/s, %.2f MB/s (%s, store and index)\n",
		float64(*n)/took.Seconds(), mb(sourceBytes)/took.Seconds(), took.Round(time.Millisecond))
	fmt.Fprintf(w, "size\tindex %.1f MB = %.2f× the text; database %.1f MB\n",
		mb(indexSize), float64(indexSize)/float64(textBytes), mb(dbSize))
	w.Flush()

	kinds, err := benchQueries(ctx, a, *queries, *seed)
	if err != nil {
		return err
	}
	w = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "search\tp50\tp99\tmean hits\t")
	for _, k := range kinds {
		fmt.Fprintf(w, "%s\t%s\t%s\t%.0f\t\n", k.name, k.p50, k.p99, k.hits)
	}
	return w.Flush()
}

// writeCorpus writes n synthetic documents into dir in the transcription
// format, and returns the bytes of their text and of the files.
func writeCorpus(dir string, n int, seed uint64) (textBytes, fileBytes int64, err error) {
	g := synth.New(seed)
	for i := 0; i < n; i++ {
		d := g.Document(i)
		for _, wit := range d.Witnesses {
			textBytes += int64(len(wit.Text.PlainText()))
		}
		// A hundred files a folder, as archives are kept.
		sub := filepath.Join(dir, fmt.Sprintf("%04d", i/100))
		if i%100 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return 0, 0, err
			}
		}
		f, err := os.Create(filepath.Join(sub, d.ID+".txt"))
		if err != nil {
			return 0, 0, err
		}
		bw := bufio.NewWriter(f)
		if err := text.Write(bw, d); err != nil {
			f.Close()
			return 0, 0, err
		}
		if err := bw.Flush(); err != nil {
			f.Close()
			return 0, 0, err
		}
		info, err := f.Stat()
		if err != nil {
			f.Close()
			return 0, 0, err
		}
		fileBytes += info.Size()
		if err := f.Close(); err != nil {
			return 0, 0, err
		}
	}
	return textBytes, fileBytes, nil
}

type benchKind struct {
	name     string
	p50, p99 time.Duration
	hits     float64
}

// benchQueries times q searches of each kind, drawn from the archive's own
// words so that they find something.
func benchQueries(ctx context.Context, a *archive, q int, seed uint64) ([]benchKind, error) {
	rng := rand.New(rand.NewPCG(seed, 7))
	docs, _, err := a.store.Documents(ctx, fonds.Filter{Limit: 500})
	if err != nil {
		return nil, err
	}
	var words []string
	for _, d := range docs {
		for _, w := range d.Witnesses {
			words = append(words, strings.Fields(w.Text.PlainText())...)
		}
	}
	if len(words) < 2 {
		return nil, fmt.Errorf("no words to search for")
	}
	clean := func(s string) string { return strings.Trim(s, ".,;:") }
	// Readers search for words of every frequency, not for the commonest
	// words of the texts: single words are drawn from the distinct words
	// of four letters or more.
	seen := make(map[string]bool)
	var distinct []string
	for _, w := range words {
		if w = clean(w); len([]rune(w)) >= 4 && !seen[w] {
			seen[w] = true
			distinct = append(distinct, w)
		}
	}
	word := func() string { return distinct[rng.IntN(len(distinct))] }
	phrase := func() string {
		i := rng.IntN(len(words) - 1)
		return `"` + clean(words[i]) + " " + clean(words[i+1]) + `"`
	}
	surnames := synth.Surnames()
	schemes := translit.Schemes()
	name := func() string {
		s := surnames[rng.IntN(len(surnames))]
		return schemes[rng.IntN(len(schemes))].Romanize(s)
	}
	kinds := []struct {
		name  string
		query func() string
		full  bool
	}{
		{"single word", word, false},
		{"phrase", phrase, false},
		{"name in a romanization", name, false},
		{"word, all facets, highlighting", word, true},
	}
	var out []benchKind
	for _, k := range kinds {
		var times []time.Duration
		hits := 0
		for i := 0; i < q; i++ {
			req := fonds.SearchRequest{Query: k.query(), Limit: 20, Facets: k.full, Highlight: k.full}
			start := time.Now()
			res, err := a.index.Search(ctx, req)
			if err != nil {
				return nil, fmt.Errorf("search %q: %w", req.Query, err)
			}
			times = append(times, time.Since(start))
			hits += res.Total
		}
		slices.Sort(times)
		out = append(out, benchKind{
			name: k.name,
			p50:  times[len(times)/2].Round(10 * time.Microsecond),
			p99:  times[min(len(times)-1, len(times)*99/100)].Round(10 * time.Microsecond),
			hits: float64(hits) / float64(q),
		})
	}
	return out, nil
}

// du returns the bytes of the files at path.
func du(path string) (int64, error) {
	var n int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }
