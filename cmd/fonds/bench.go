package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"fonds"
	"fonds/ingest"
	"fonds/synth"
	"fonds/text"
	"fonds/translit"

	"github.com/jackc/pgx/v5"
)

// benchCmd measures import and search on a synthetic archive of known size:
// it writes N documents in the transcription format, imports them into a
// fresh archive as "fonds import" does, times searches of each kind, then
// serves the archive with "fonds serve" and loads its search page with
// many clients at once. It writes its figures as Markdown tables.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stderr)
	n := fs.Int("n", 10000, "the number of documents")
	queries := fs.Int("queries", 200, "the number of searches of each kind")
	seed := fs.Uint64("seed", 1, "the seed of the synthetic archive")
	clients := fs.Int("clients", 16, fmt.Sprintf("how many clients load the search page at once (at most %d)", maxLoadClients))
	duration := fs.Duration("duration", 20*time.Second, fmt.Sprintf("how long the clients load the search page (at most %v); 0 skips serving", maxLoadDuration))
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the import to this `file`")
	memprofile := fs.String("memprofile", "", "write a profile of the memory allocated up to the end of the import to this `file`")
	traceFile := fs.String("trace", "", "write an execution trace of the import to this `file` (go tool trace)")
	keep := fs.String("dir", "", "build the archive in this `folder` and keep it (default: a temporary folder, removed)")
	dbURL := fs.String("db", "", "import into the empty PostgreSQL database at this `URL` (postgres://user@host:5432/name), not a SQLite database in the folder")
	verbose := fs.Bool("v", false, "list the size of each table of the PostgreSQL database")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	case *n < 1 || *queries < 1:
		return usageError{"--n and --queries must be at least 1"}
	case *clients < 1 || *clients > maxLoadClients:
		return usageError{fmt.Sprintf("--clients must be from 1 to %d", maxLoadClients)}
	case *duration < 0 || *duration > maxLoadDuration:
		return usageError{fmt.Sprintf("--duration must be from 0 to %v", maxLoadDuration)}
	}
	// The database is checked before the corpus is written, which takes
	// a while.
	var pg *pgBench
	if *dbURL != "" {
		var err error
		if pg, err = openPGBench(ctx, *dbURL); err != nil {
			return err
		}
		defer pg.close()
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

	// An empty URL is the SQLite database in the folder, whatever FONDS_DB
	// says: bench never writes into an archive it was not given.
	a, err := openArchiveAt(ctx, &location{data: data, db: dbFlag{url: *dbURL, set: true}}, indexHeld)
	if err != nil {
		return err
	}
	defer func() {
		if a != nil {
			a.Close()
		}
	}()
	indexType := fmt.Sprintf("%T", a.index.ix)
	fmt.Fprintf(stderr, "importing...\n")
	var server *pgMemory
	if pg != nil {
		server = pg.sample(ctx)
	}
	imp, err := benchImport(ctx, a, src, stderr, *cpuprofile, *memprofile, *traceFile)
	if server != nil {
		imp.server = server.stop()
	}
	if err != nil {
		return err
	}

	kinds, err := benchQueries(ctx, a, *queries, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "searching...\n")
	if err := timeSearches(ctx, a.index, kinds); err != nil {
		return err
	}
	// The sizes are those of the archive at rest: closing the store
	// checkpoints its write-ahead log into the database.
	err = a.Close()
	a = nil
	if err != nil {
		return err
	}
	var indexSize, dbSize int64
	var tables []tableSize
	if pg != nil {
		if tables, dbSize, err = pg.sizes(ctx); err != nil {
			return err
		}
	}
	switch {
	case pg != nil && strings.HasPrefix(indexType, "*postgres."):
		// The index's tables are in the database beside the store's.
		for _, t := range tables {
			if strings.HasPrefix(t.name, "search_") {
				indexSize += t.size
			}
		}
		dbSize -= indexSize
	default:
		if indexSize, err = du(indexDir(data)); err != nil {
			return err
		}
		if pg == nil {
			if dbSize, err = storeSize(data); err != nil {
				return err
			}
		}
	}

	var served *serveFigures
	if *duration > 0 {
		fmt.Fprintf(stderr, "serving: %d clients for %v...\n", *clients, *duration)
		var paths []string
		for _, k := range kinds {
			for _, q := range k.queries {
				paths = append(paths, "/search?"+url.Values{"q": {q}}.Encode())
			}
		}
		if pg != nil {
			server = pg.sample(ctx)
		}
		served, err = benchServe(ctx, data, *dbURL, *clients, *duration, paths)
		if server != nil {
			mem := server.stop()
			if served != nil {
				served.server = mem
			}
		}
		if err != nil {
			return err
		}
	}

	// The report, as Markdown tables to paste into the README.
	fmt.Fprintf(stdout, "fonds bench: %s synthetic documents (seed %d) on %s/%s, %d CPUs, %s\n\n",
		thousands(*n), *seed, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if pg != nil {
		fmt.Fprintf(stdout, "Store: PostgreSQL %s (%s); search index: %s\n\n", pg.version, redactURL(*dbURL), indexType)
	} else {
		fmt.Fprintf(stdout, "Store: SQLite in the data folder; search index: %s\n\n", indexType)
	}
	fmt.Fprintf(stdout, "%.1f MB of text in %.1f MB of files (mean %.1f KB a document); %s\n\n",
		mb(textBytes), mb(sourceBytes), float64(sourceBytes)/float64(*n)/1024, imp.sum)
	fmt.Fprintf(stdout, "| Figure | %s documents |\n|---|---|\n", thousands(*n))
	row := func(name, format string, v ...any) {
		fmt.Fprintf(stdout, "| %s | %s |\n", name, fmt.Sprintf(format, v...))
	}
	row("Import rate", "%.0f documents/s (%.1f s for parse, store and index)", float64(*n)/imp.took.Seconds(), imp.took.Seconds())
	if imp.cpu > 0 {
		row("CPU per document", "%.2f ms (user and system, every thread; %.2f cores busy)",
			float64(imp.cpu)/float64(*n)/1e6, imp.cpu.Seconds()/imp.took.Seconds())
	}
	perText := func(size int64) string {
		return fmt.Sprintf("%.2f bytes a byte of text (%.1f MB)", float64(size)/float64(textBytes), mb(size))
	}
	switch {
	case pg != nil && strings.HasPrefix(indexType, "*postgres."):
		row("On disk: store", "%s (pg_database_size less the index's tables)", perText(dbSize))
		row("On disk: index", "%s (pg_total_relation_size of the search_ tables)", perText(indexSize))
	case pg != nil:
		row("On disk: store", "%s (pg_database_size)", perText(dbSize))
		row("On disk: index", "%s (in the data folder)", perText(indexSize))
	default:
		row("On disk: store", "%s", perText(dbSize))
		row("On disk: index", "%s", perText(indexSize))
	}
	row("On disk: together", "%s", perText(dbSize+indexSize))
	if imp.peak > 0 {
		row("Peak memory: import", "%.0f MB (peak resident set, getrusage ru_maxrss)", mb(imp.peak))
	}
	if imp.anon > 0 {
		row("Peak anonymous memory: import", "%.0f MB (RssAnon, read every %v: the resident set less the pages of mapped files)", mb(imp.anon), anonEvery)
	}
	if imp.server.ok {
		row("Peak memory: PostgreSQL, import", "%s", imp.server)
	}
	if served != nil {
		if served.peak > 0 {
			row("Peak memory: serving", "%.0f MB (peak resident set of fonds serve, from its start to the end of the load below, %s)", mb(served.peak), served.peakHow)
		}
		if served.anon > 0 {
			row("Peak anonymous memory: serving", "%.0f MB (RssAnon of fonds serve from its start to the end of the load, read every %v)", mb(served.anon), anonEvery)
		}
		if served.server.ok {
			row("Peak memory: PostgreSQL, serving", "%s", served.server)
		}
		t := served.stats.total()
		row(fmt.Sprintf("Search page at %d clients", *clients), "%.0f requests/s (p50 %s, p99 %s, %d errors; page cache off)",
			float64(t.n)/served.stats.elapsed.Seconds(), fmtLatency(t.quantile(0.5)), fmtLatency(t.quantile(0.99)), t.errorCount())
		if t.n > 0 {
			row("Server CPU per search", "%.1f ms", float64(served.cpu)/float64(t.n)/1e6)
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "| Query (%d of each kind) | Mean hits | p50 | p99 | p50 with facets | p99 with facets | p50 as the page asks | p99 as the page asks |\n", *queries)
	fmt.Fprintln(stdout, "|---|--:|--:|--:|--:|--:|--:|--:|")
	for _, k := range kinds {
		name := k.name
		if k.stopped > 0 {
			name += fmt.Sprintf(" (%d of %d stopped at the timeout)", k.stopped, len(k.queries)*len(searchModes))
		}
		fmt.Fprintf(stdout, "| %s | %.0f |", name, k.hits)
		for _, m := range k.modes {
			fmt.Fprintf(stdout, " %s | %s |", fmtLatency(m.p50), fmtLatency(m.p99))
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Searches of the index in the process, one at a time; with facets: all eight (collection, decade, year, creator, type, language, person, category); as the page asks: those facets and snippets.")
	if *verbose && pg != nil {
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "| Table | On disk (pg_total_relation_size) |\n|---|--:|")
		for _, t := range tables {
			fmt.Fprintf(stdout, "| %s | %.1f MB |\n", t.name, mb(t.size))
		}
	}
	if served != nil && served.stats.total().errorCount() > 0 {
		fmt.Fprintf(stdout, "errors of the search page: %s\n", served.stats.total().errorSummary())
		return errReported
	}
	return nil
}

// importFigures are what bench measures of an import.
type importFigures struct {
	sum    ingest.Summary
	took   time.Duration
	cpu    time.Duration // 0 when the system does not say
	peak   int64         // bytes; 0 when the system does not say
	anon   int64         // peak anonymous memory, bytes; 0 when the system does not say
	server serverMemory  // of the PostgreSQL server, when it is one
}

// benchImport imports the files below src into the archive, as "fonds
// import" does, profiling it as asked.
func benchImport(ctx context.Context, a *archive, src string, stderr io.Writer, cpuprofile, memprofile, traceFile string) (importFigures, error) {
	var f importFigures
	im := &ingest.Importer{Store: a.store, Index: a.index, Readers: readers("handwriting"), Collection: "synthetic"}
	files, err := im.Files([]string{src})
	if err != nil {
		return f, err
	}
	bar := newBar(stderr, len(files), "importing")
	if bar != nil {
		im.Progress = func(string) { bar.Add(1) }
	}
	if cpuprofile != "" {
		out, err := os.Create(cpuprofile)
		if err != nil {
			return f, err
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			return f, err
		}
		defer pprof.StopCPUProfile()
	}
	if traceFile != "" {
		out, err := os.Create(traceFile)
		if err != nil {
			return f, err
		}
		defer out.Close()
		if err := trace.Start(out); err != nil {
			return f, err
		}
		defer trace.Stop()
	}
	cpu0, _, _ := selfUsage()
	anon := watchAnonymous(os.Getpid())
	start := time.Now()
	sum, errs := im.Import(ctx, files)
	f.took = time.Since(start)
	f.anon = anon.stop()
	if cpu, peak, ok := selfUsage(); ok {
		f.cpu, f.peak = cpu-cpu0, peak
	}
	f.sum = sum
	if bar != nil {
		bar.Finish()
	}
	if len(errs) > 0 {
		return f, fmt.Errorf("import: %v (and %d more)", errs[0], len(errs)-1)
	}
	if memprofile != "" {
		out, err := os.Create(memprofile)
		if err != nil {
			return f, err
		}
		defer out.Close()
		if err := pprof.Lookup("allocs").WriteTo(out, 0); err != nil {
			return f, err
		}
	}
	return f, nil
}

// storeSize returns the bytes of the database files in the data folder.
func storeSize(data string) (int64, error) {
	names, err := filepath.Glob(filepath.Join(data, "fonds.db*"))
	if err != nil {
		return 0, err
	}
	var n int64
	for _, name := range names {
		info, err := os.Stat(name)
		if err != nil {
			return 0, err
		}
		n += info.Size()
	}
	return n, nil
}

// thousands writes n with a comma between each three digits: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
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

// benchKind is a kind of query: the queries of the kind and what
// searching them measured, in each mode of searchModes.
type benchKind struct {
	name    string
	queries []string
	hits    float64
	modes   []modeTimes
	// stopped counts the searches the index stopped at its timeout, in
	// every mode; each counts in the times with the time it took.
	stopped int
}

type modeTimes struct{ p50, p99 time.Duration }

// searchModes are the ways each query is searched: bare, with every facet
// (those the search page shows), and as the search page asks (facets and
// snippets).
var searchModes = []struct {
	facets    []string
	highlight bool
}{
	{nil, false},
	{fonds.AllFacets, false},
	{fonds.AllFacets, true},
}

// benchQueries makes q queries of each kind, drawn from the archive's own
// words so that they find something.
func benchQueries(ctx context.Context, a *archive, q int, seed uint64) ([]*benchKind, error) {
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
	stops := make(map[string]bool)
	var stopEN, stopRU []string
	for _, w := range synth.StopWords() {
		stops[w] = true
		if isCyrillic(w) {
			stopRU = append(stopRU, w)
		} else {
			stopEN = append(stopEN, w)
		}
	}
	// Readers search for words of every frequency, not for the commonest
	// words of the texts: single words are drawn from the distinct words
	// of four letters or more.
	seen := make(map[string]bool)
	var distinct, russian []string
	var stopPairs []int // where a pair of words holds a stop word
	for i, w := range words {
		w = clean(w)
		if len([]rune(w)) >= 4 && !seen[w] {
			seen[w] = true
			distinct = append(distinct, w)
			if isCyrillic(w) && !stops[w] {
				russian = append(russian, w)
			}
		}
		if i+1 < len(words) && (stops[w] || stops[clean(words[i+1])]) && clean(words[i+1]) != "" {
			stopPairs = append(stopPairs, i)
		}
	}
	if len(distinct) == 0 || len(russian) == 0 || len(stopPairs) == 0 {
		return nil, fmt.Errorf("too few words to search for: write more documents")
	}
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	pair := func(i int) string { return `"` + clean(words[i]) + " " + clean(words[i+1]) + `"` }
	surnames := synth.Surnames()
	schemes := translit.Schemes()
	kinds := []struct {
		name  string
		query func() string
	}{
		{"word", func() string { return pick(distinct) }},
		{"phrase", func() string { return pair(rng.IntN(len(words) - 1)) }},
		{"phrase with a stop word", func() string { return pair(stopPairs[rng.IntN(len(stopPairs))]) }},
		{"stop words only", func() string {
			list := stopEN
			if rng.IntN(3) == 0 {
				list = stopRU
			}
			w := make([]string, 1+rng.IntN(3))
			for i := range w {
				w[i] = pick(list)
			}
			return strings.Join(w, " ")
		}},
		{"Russian case form", func() string {
			if rng.IntN(2) == 0 {
				return caseForm(pick(surnames), rng)
			}
			return caseForm(pick(russian), rng)
		}},
		{"name in a romanization", func() string {
			return schemes[rng.IntN(len(schemes))].Romanize(pick(surnames))
		}},
	}
	var out []*benchKind
	for _, k := range kinds {
		bk := &benchKind{name: k.name}
		for range q {
			bk.queries = append(bk.queries, k.query())
		}
		out = append(out, bk)
	}
	return out, nil
}

// timeSearches searches each kind's queries in every mode of searchModes.
func timeSearches(ctx context.Context, ix fonds.Index, kinds []*benchKind) error {
	for _, k := range kinds {
		for m, mode := range searchModes {
			var times []time.Duration
			hits := 0
			for _, q := range k.queries {
				req := fonds.SearchRequest{Query: q, Limit: 20, Facets: mode.facets, Highlight: mode.highlight}
				start := time.Now()
				res, err := ix.Search(ctx, req)
				switch {
				case errors.Is(err, fonds.ErrTimeout) && ctx.Err() == nil:
					// A figure of the index at this size, not a failure
					// of the benchmark.
					k.stopped++
				case err != nil:
					return fmt.Errorf("search %q: %w", req.Query, err)
				default:
					hits += res.Total
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			k.modes = append(k.modes, modeTimes{
				p50: times[len(times)/2],
				p99: times[min(len(times)-1, len(times)*99/100)],
			})
			if m == 0 && len(k.queries) > k.stopped {
				k.hits = float64(hits) / float64(len(k.queries)-k.stopped)
			}
		}
	}
	return nil
}

func isCyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}

// caseForm returns a Russian word, a noun or a surname in the nominative as
// the synthetic texts write it, in another case, as a reader types it:
// Сахаров is found as Сахарова or Сахаровым, комитет as комитета. The
// endings are those of the commonest declensions; a word it does not know
// how to decline is returned as it is.
func caseForm(w string, rng *rand.Rand) string {
	r := []rune(w)
	last := r[len(r)-1]
	stem := string(r[:len(r)-1])
	var forms []string
	switch {
	case strings.HasSuffix(w, "ий"), strings.HasSuffix(w, "ый"), strings.HasSuffix(w, "ой"):
		stem = string(r[:len(r)-2])
		forms = []string{stem + "ого", stem + "ому", stem + "ым"}
		if last == 'й' && r[len(r)-2] == 'и' {
			forms = []string{stem + "ого", stem + "ому", stem + "им"}
		}
	case strings.HasSuffix(w, "ие"):
		stem = string(r[:len(r)-2])
		forms = []string{stem + "ия", stem + "ию", stem + "ием"}
	case strings.HasSuffix(w, "ия"):
		stem = string(r[:len(r)-2])
		forms = []string{stem + "ии", stem + "ию", stem + "ией"}
	case last == 'а':
		forms = []string{stem + "ы", stem + "е", stem + "у", stem + "ой"}
		if strings.ContainsRune("гкхжшчщ", r[len(r)-2]) {
			forms[0] = stem + "и"
		}
	case last == 'я':
		forms = []string{stem + "и", stem + "е", stem + "ю"}
	case last == 'ы' || last == 'и':
		forms = []string{stem + "ов", stem + "ам", stem + "ах"}
	case last == 'о':
		forms = []string{stem + "а", stem + "у", stem + "ом"}
	case last == 'ь':
		forms = []string{stem + "и", stem + "ью"}
	case unicode.Is(unicode.Cyrillic, last) && !strings.ContainsRune("аеёиоуыэюяй", last):
		forms = []string{w + "а", w + "у", w + "ом", w + "е"}
		if strings.HasSuffix(w, "ов") || strings.HasSuffix(w, "ев") || strings.HasSuffix(w, "ин") {
			forms[2] = w + "ым" // a surname: Сахаровым
		}
	default:
		return w
	}
	return forms[rng.IntN(len(forms))]
}

// serveFigures are what bench measures of a server under load.
type serveFigures struct {
	stats *loadStats
	peak  int64 // bytes; 0 when the system does not say
	anon  int64 // peak anonymous memory, bytes; 0 when the system does not say
	// peakHow names what peak was read from.
	peakHow string
	cpu     time.Duration
	server  serverMemory // of the PostgreSQL server, when it is one
}

// benchServe serves the archive in data (its store in the PostgreSQL
// database at dbURL, if not "") with "fonds serve" on a loopback address,
// sends it the paths from clients at once for d, then stops it.
func benchServe(ctx context.Context, data, dbURL string, clients int, d time.Duration, paths []string) (*serveFigures, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	// The page cache is off, so that every search is answered anew.
	args := []string{"serve", "--data", data, "--addr", addr, "--access-log=false", "--page-cache", "0"}
	if dbURL != "" {
		args = append(args, "--db", dbURL)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// From its start, as ru_maxrss counts.
	anon := watchAnonymous(cmd.Process.Pid)
	defer anon.stop()
	// exited is closed when the server has exited, with waitErr set.
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	defer func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
	}()
	lt := &loadTest{base: "http://" + addr, client: loopbackClient(clients), kinds: []string{"search"}, searches: paths}
	defer lt.client.CloseIdleConnections()
	// Wait for the server to answer, for up to a minute.
	deadline := time.Now().Add(time.Minute)
	for {
		status, _, err := lt.do(ctx, "/healthz")
		if err == nil && status == http.StatusOK {
			break
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("fonds serve stopped: %v: %s", waitErr, lastLines(logs.String(), 5))
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("fonds serve did not answer within a minute")
		}
	}
	stats := lt.run(ctx, clients, d, 0)
	anonPeak := anon.stop()
	hwm, hwmOK := residentPeak(cmd.Process.Pid)
	lt.client.CloseIdleConnections()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		cmd.Process.Kill() // no interrupt on this system
	}
	<-exited
	if waitErr != nil {
		return nil, fmt.Errorf("fonds serve: %v: %s", waitErr, lastLines(logs.String(), 5))
	}
	f := &serveFigures{stats: stats, anon: anonPeak, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	f.peak, f.peakHow = hwm, "VmHWM"
	if !hwmOK {
		f.peak, _ = childPeak(cmd.ProcessState)
		f.peakHow = "ru_maxrss"
	}
	return f, nil
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
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

// pgBench is bench's own connection to the PostgreSQL database it imports
// into: it checks that the database is empty, watches the memory of the
// server's processes and reads the sizes of the tables.
type pgBench struct {
	conn    *pgx.Conn
	version string
}

// openPGBench connects to the database at raw (--db), and refuses one
// that holds any table: bench measures an import from nothing, and
// writes only into a database made for it.
func openPGBench(ctx context.Context, raw string) (*pgBench, error) {
	dsn, err := postgresURL(raw, "--db")
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("--db %s: %w", redactURL(raw), redactError(err, raw))
	}
	var tables int
	var version string
	err = conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
			AND n.nspname NOT LIKE 'pg\_%'), current_setting('server_version')`).Scan(&tables, &version)
	if err == nil && tables > 0 {
		err = fmt.Errorf("the database holds %d tables: bench imports into an empty database (CREATE DATABASE a new one)", tables)
	}
	if err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("--db %s: %w", redactURL(raw), redactError(err, raw))
	}
	return &pgBench{conn: conn, version: version}, nil
}

func (p *pgBench) close() { p.conn.Close(context.Background()) }

// tableSize is the size of a table on disk, its indexes and TOAST included.
type tableSize struct {
	name string
	size int64
}

// sizes returns the tables of the database, largest first, and the size
// of the database.
func (p *pgBench) sizes(ctx context.Context) ([]tableSize, int64, error) {
	var total int64
	if err := p.conn.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := p.conn.Query(ctx, `SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()
		ORDER BY 2 DESC, 1`)
	if err != nil {
		return nil, 0, err
	}
	tables, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (tableSize, error) {
		var t tableSize
		err := row.Scan(&t.name, &t.size)
		return t, err
	})
	return tables, total, err
}

// serverMemory is the memory of the PostgreSQL server's processes that
// serve the database, at their peak.
type serverMemory struct {
	ok       bool  // false when the system does not say (a server elsewhere)
	pss, rss int64 // the peaks of their sums, bytes
	backends int   // the most processes at once
}

func (m serverMemory) String() string {
	return fmt.Sprintf("%.0f MB proportional set (%.0f MB resident; peak sums over the database's backends, at most %d, read from /proc/PID/smaps_rollup every %v)",
		mb(m.pss), mb(m.rss), m.backends, memoryEvery)
}

// memoryEvery is how often pgMemory reads the server's memory: reading a
// backend's smaps_rollup walks its pages, which four times a second took
// 12 % of the import's CPU at 370,000 documents.
const memoryEvery = 2 * time.Second

// watcher calls a sample function at an interval, from its start until
// stopped, or until the sample returns false.
type watcher struct {
	once    sync.Once
	stopped chan struct{}
	done    chan struct{}
}

func watch(every time.Duration, sample func() bool) *watcher {
	w := &watcher{stopped: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for sample() {
			select {
			case <-w.stopped:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// stop stops the watching and waits for the last sample; it may be called
// more than once.
func (w *watcher) stop() {
	w.once.Do(func() { close(w.stopped) })
	<-w.done
}

// pgMemory watches the memory of the server's backends of the database
// until stopped. Their proportional set sizes share out the pages they
// share (the buffer cache) among the processes mapping them, so that
// their sum counts each page once; their resident sets count a shared
// page in each.
type pgMemory struct {
	w    *watcher
	peak serverMemory
}

// sample starts watching; stop ends it. Bench's own connection, which
// asks, is left out.
func (p *pgBench) sample(ctx context.Context) *pgMemory {
	m := &pgMemory{}
	m.w = watch(memoryEvery, func() bool {
		rows, err := p.conn.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
		if err != nil {
			return false
		}
		pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			return false
		}
		var pss, rss int64
		n := 0
		for _, pid := range pids {
			if ps, rs, ok := processMemory(int(pid)); ok {
				pss, rss, n = pss+ps, rss+rs, n+1
			}
		}
		if n > 0 {
			m.peak.ok = true
			m.peak.pss, m.peak.rss, m.peak.backends = max(m.peak.pss, pss), max(m.peak.rss, rss), max(m.peak.backends, n)
		}
		return ctx.Err() == nil
	})
	return m
}

// stop stops the watching, and returns the peaks seen.
func (m *pgMemory) stop() serverMemory {
	m.w.stop()
	return m.peak
}

// anonEvery is how often anonPeak reads a process's memory: reading its
// status costs microseconds.
const anonEvery = 100 * time.Millisecond

// anonPeak watches the anonymous memory of a process (see
// anonymousMemory) until stopped, and keeps its peak.
type anonPeak struct {
	w    *watcher
	peak int64 // bytes; 0 when the system does not say
}

func watchAnonymous(pid int) *anonPeak {
	m := &anonPeak{}
	m.w = watch(anonEvery, func() bool {
		if n, ok := anonymousMemory(pid); ok {
			m.peak = max(m.peak, n)
		}
		return true
	})
	return m
}

// stop stops the watching, and returns the peak seen; it may be called
// more than once.
func (m *anonPeak) stop() int64 {
	m.w.stop()
	return m.peak
}
