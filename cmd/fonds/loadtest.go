package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"
	"unicode"
)

// The bounds of a load test: it may load this machine's server hard, but
// never for long, never without end, and never another machine's.
const (
	maxLoadClients  = 256
	maxLoadDuration = 15 * time.Minute
	maxLoadRequests = 10_000_000
	// loadSampleDocs is how many documents the test learns of before it
	// starts, and loadManifests how many of their manifests it reads to
	// find page images.
	loadSampleDocs = 500
	loadManifests  = 100
	// loadRequestTimeout bounds one request; one that takes longer is an
	// error.
	loadRequestTimeout = 30 * time.Second
	// loadListPage is the size of a page of the API's list of documents
	// when none is asked for.
	loadListPage = 20
)

// The groups of requests --mix chooses among.
var loadGroups = []string{"pages", "search", "api", "iiif"}

// loadKinds are the kinds of request the report counts, in its order.
var loadKinds = []string{"document", "collection", "home", "search", "api", "iiif"}

func loadtestCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("loadtest", stderr)
	target := fs.String("url", "http://127.0.0.1:8080", "the `URL` of the running server: on this machine only (127.0.0.1, ::1 or localhost)")
	clients := fs.Int("clients", 16, fmt.Sprintf("how many clients send requests at once (at most %d)", maxLoadClients))
	duration := fs.Duration("duration", 30*time.Second, fmt.Sprintf("how long to send requests (at most %v)", maxLoadDuration))
	requests := fs.Int("requests", 0, fmt.Sprintf("stop after this many requests, if sooner (0: no limit but the duration; at most %d)", maxLoadRequests))
	mix := fs.String("mix", strings.Join(loadGroups, ","), "the `kinds` of request to send: pages (document, collection and home pages), search (with facets), api, iiif (tiles)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	base, err := loopbackURL(*target)
	if err != nil {
		return usageError{err.Error()}
	}
	switch {
	case *clients < 1 || *clients > maxLoadClients:
		return usageError{fmt.Sprintf("--clients must be from 1 to %d", maxLoadClients)}
	case *duration <= 0 || *duration > maxLoadDuration:
		return usageError{fmt.Sprintf("--duration must be more than 0 and at most %v", maxLoadDuration)}
	case *requests < 0 || *requests > maxLoadRequests:
		return usageError{fmt.Sprintf("--requests must be from 0 to %d", maxLoadRequests)}
	}
	groups, err := parseMix(*mix)
	if err != nil {
		return usageError{err.Error()}
	}

	lt := &loadTest{base: base, client: loopbackClient(*clients)}
	defer lt.client.CloseIdleConnections()
	fmt.Fprintf(stderr, "learning the archive at %s\n", base)
	if err := lt.discover(ctx, groups["iiif"]); err != nil {
		return err
	}
	if groups["iiif"] && len(lt.images) == 0 {
		fmt.Fprintln(stderr, "no page images found: no IIIF tiles in the mix")
		delete(groups, "iiif")
		if len(groups) == 0 {
			return errors.New("nothing to request")
		}
	}
	lt.plan(groups)
	fmt.Fprintf(stderr, "%d documents, %d collections, %d page images known; %d clients for %v", len(lt.ids), len(lt.collections), len(lt.images), *clients, *duration)
	if *requests > 0 {
		fmt.Fprintf(stderr, " or %d requests", *requests)
	}
	fmt.Fprintln(stderr)

	stats := lt.run(ctx, *clients, *duration, int64(*requests))
	stats.print(stdout)
	if stats.total().errorCount() > 0 {
		return errReported
	}
	return nil
}

// loopbackURL returns the URL, without a trailing slash, if it is an http
// or https address on this machine, by name or by a loopback address.
func loopbackURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("--url %q: %v", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("--url %q: not an http or https address", s)
	}
	switch h := u.Hostname(); h {
	case "127.0.0.1", "::1", "localhost":
	default:
		return "", fmt.Errorf("--url %q: a load test runs only against this machine (127.0.0.1, ::1 or localhost), not %q", s, h)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("--url %q: give the server's address alone, such as http://127.0.0.1:8080", s)
	}
	return u.Scheme + "://" + u.Host, nil
}

// loopbackClient returns an HTTP client that connects only to loopback
// addresses, whatever a name resolves to, uses no proxy, and follows no
// redirects, so that nothing it sends can leave the machine.
func loopbackClient(clients int) *http.Client {
	dialer := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !ap.Addr().IsLoopback() {
				return fmt.Errorf("refused to connect to %s: not this machine", address)
			}
			return nil
		},
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dialer.DialContext,
			MaxIdleConns:        clients,
			MaxIdleConnsPerHost: clients,
			IdleConnTimeout:     30 * time.Second,
		},
		Timeout: loadRequestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// parseMix returns the groups named in a comma-separated list.
func parseMix(s string) (map[string]bool, error) {
	groups := make(map[string]bool)
	for g := range strings.SplitSeq(s, ",") {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		if !slices.Contains(loadGroups, g) {
			return nil, fmt.Errorf("--mix: unknown kind %q: use %s", g, strings.Join(loadGroups, ", "))
		}
		groups[g] = true
	}
	if len(groups) == 0 {
		return nil, fmt.Errorf("--mix: name at least one of %s", strings.Join(loadGroups, ", "))
	}
	return groups, nil
}

// loadTest is a load test against one server: what it learned of the
// archive, and the requests it chooses among.
type loadTest struct {
	base   string
	client *http.Client

	ids         []string
	collections []string
	years       []string
	words       []string
	images      []pageImage
	// listPages is how many pages the API's list of documents has, at its
	// default size.
	listPages int
	// searches, if set, are the paths of the searches to send, instead of
	// searches made of the words learned.
	searches []string
	// kinds are the kinds of request to send, each as many times as its
	// weight, so that a uniform choice among them follows the mix.
	kinds []string
}

// pageImage is an image service: its path on the server and its size.
type pageImage struct {
	path          string
	width, height int
}

// plan sets the weights of the kinds of request: a document page is what
// readers ask for most; the home and collection pages, a search, a record
// of the API and a tile each as often as one another, so that the total
// shows each group, and --mix chooses which.
func (lt *loadTest) plan(groups map[string]bool) {
	add := func(kind string, n int) {
		for range n {
			lt.kinds = append(lt.kinds, kind)
		}
	}
	if groups["pages"] {
		add("document", 6)
		add("home", 1)
		if len(lt.collections) > 0 {
			add("collection", 1)
		}
	}
	if groups["search"] {
		add("search", 2)
	}
	if groups["api"] {
		add("api", 2)
	}
	if groups["iiif"] {
		add("iiif", 2)
	}
}

// discover learns ids, collections, years and title words from the API's
// list of documents, a bounded sample spread over the whole list, and, if
// images is set, the page images of some of them from their manifests.
func (lt *loadTest) discover(ctx context.Context, images bool) error {
	const perPage = 100
	var withPages []string
	seen := map[string]bool{}
	// list reads a page of the list, learns from it, and returns how many
	// documents the whole list holds.
	list := func(page int) (int, error) {
		var list struct {
			Total     int `json:"total"`
			Documents []struct {
				ID         string                 `json:"id"`
				Collection string                 `json:"collection"`
				Title      string                 `json:"title"`
				Date       struct{ Start string } `json:"date"`
				Pages      []struct{ N int }      `json:"pages"`
			} `json:"documents"`
		}
		err := lt.getJSON(ctx, fmt.Sprintf("/api/v1/documents?per_page=%d&page=%d", perPage, page), &list)
		if err != nil {
			return 0, fmt.Errorf("cannot list the documents of %s: %w", lt.base, err)
		}
		for _, d := range list.Documents {
			if seen[d.ID] {
				continue
			}
			seen[d.ID] = true
			lt.ids = append(lt.ids, d.ID)
			if d.Collection != "" && !seen["c "+d.Collection] {
				seen["c "+d.Collection] = true
				lt.collections = append(lt.collections, d.Collection)
			}
			if y, _, _ := strings.Cut(d.Date.Start, "-"); len(y) == 4 && !seen["y "+y] {
				seen["y "+y] = true
				lt.years = append(lt.years, y)
			}
			for _, w := range strings.FieldsFunc(d.Title, func(r rune) bool { return !unicode.IsLetter(r) }) {
				w = strings.ToLower(w)
				if len([]rune(w)) >= 4 && len(lt.words) < 200 && !seen["w "+w] {
					seen["w "+w] = true
					lt.words = append(lt.words, w)
				}
			}
			if len(d.Pages) > 0 {
				withPages = append(withPages, d.ID)
			}
		}
		return list.Total, nil
	}
	total, err := list(1)
	if err != nil {
		return err
	}
	lt.listPages = max(1, (total+loadListPage-1)/loadListPage)
	// The other pages of the sample are spread evenly over the list, so
	// that it does not hold only the oldest documents.
	pages := (total + perPage - 1) / perPage
	want := min(pages, loadSampleDocs/perPage)
	for i := 1; i < want; i++ {
		if _, err := list(1 + i*(pages-1)/(want-1)); err != nil {
			return err
		}
	}
	if len(lt.ids) == 0 {
		return fmt.Errorf("%s has no published documents to request", lt.base)
	}
	if len(lt.words) == 0 {
		lt.words = []string{"the"}
	}
	if !images {
		return nil
	}
	for _, id := range withPages[:min(len(withPages), loadManifests)] {
		var m struct {
			Items []struct {
				Items []struct {
					Items []struct {
						Body struct {
							Service []struct {
								ID string `json:"id"`
							} `json:"service"`
						} `json:"body"`
					} `json:"items"`
				} `json:"items"`
				Width  int `json:"width"`
				Height int `json:"height"`
			} `json:"items"`
		}
		if err := lt.getJSON(ctx, "/iiif/"+url.PathEscape(id)+"/manifest", &m); err != nil {
			return fmt.Errorf("cannot read the manifest of %s: %w", id, err)
		}
		for _, c := range m.Items {
			for _, page := range c.Items {
				for _, a := range page.Items {
					for _, s := range a.Body.Service {
						// Only the path is used: the manifest's
						// addresses are the public ones, which
						// may be another machine's.
						u, err := url.Parse(s.ID)
						if err == nil && strings.HasPrefix(u.EscapedPath(), "/iiif/image/") && c.Width > 0 && c.Height > 0 {
							lt.images = append(lt.images, pageImage{path: u.EscapedPath(), width: c.Width, height: c.Height})
						}
					}
				}
			}
		}
	}
	return nil
}

// getJSON reads the JSON answer of a GET of path into v.
func (lt *loadTest) getJSON(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, lt.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := lt.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	// The answers read here are a page of a list or a manifest: a few
	// hundred kilobytes at most.
	return json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(v)
}

// path returns the path of a request of the kind, chosen at random.
func (lt *loadTest) path(kind string, rnd *rand.Rand) string {
	pick := func(s []string) string { return s[rnd.IntN(len(s))] }
	switch kind {
	case "document":
		return "/documents/" + url.PathEscape(pick(lt.ids))
	case "collection":
		return "/collections/" + url.PathEscape(pick(lt.collections))
	case "home":
		return "/"
	case "search":
		if len(lt.searches) > 0 {
			return pick(lt.searches)
		}
		v := url.Values{"q": {pick(lt.words)}}
		switch rnd.IntN(4) {
		case 0:
			v.Set("q", pick(lt.words)+" "+pick(lt.words))
		case 1:
			if len(lt.collections) > 0 {
				v.Set("collection", pick(lt.collections))
			}
		case 2:
			if len(lt.years) > 0 {
				y := pick(lt.years)
				v.Set("from", y)
				v.Set("to", y)
			}
		}
		return "/search?" + v.Encode()
	case "api":
		if rnd.IntN(4) == 0 {
			return "/api/v1/documents?page=" + strconv.Itoa(1+rnd.IntN(min(lt.listPages, 5)))
		}
		return "/api/v1/documents/" + url.PathEscape(pick(lt.ids))
	case "iiif":
		// A tile as a viewer asks for it: a square of 512 pixels of the
		// image, at scale 1, 2 or 4, shrunk to at most 512 pixels, never
		// enlarged.
		im := lt.images[rnd.IntN(len(lt.images))]
		scale := 1 << rnd.IntN(3)
		side := 512 * scale
		x := side * rnd.IntN((im.width+side-1)/side)
		y := side * rnd.IntN((im.height+side-1)/side)
		w, h := min(side, im.width-x), min(side, im.height-y)
		return fmt.Sprintf("%s/%d,%d,%d,%d/%d,/0/default.jpg", im.path, x, y, w, h, max(1, w/scale))
	}
	panic("loadtest: unknown kind " + kind)
}

// run sends requests from clients at once until the duration has passed,
// the count is reached (when not 0), or ctx is done. The requests in flight
// when the duration ends are let finish (each within loadRequestTimeout) and
// counted, so that the server sees no clients leave and the slowest are not
// left out; those cut off by ctx are not counted.
func (lt *loadTest) run(ctx context.Context, clients int, d time.Duration, count int64) *loadStats {
	sending, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	stats := newLoadStats()
	var sent atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(c), uint64(start.UnixNano())))
			for sending.Err() == nil {
				if count > 0 && sent.Add(1) > count {
					return
				}
				kind := lt.kinds[rnd.IntN(len(lt.kinds))]
				status, took, err := lt.do(ctx, lt.path(kind, rnd))
				if ctx.Err() != nil {
					return // cut off by the user, not the server
				}
				stats.add(kind, status, took, err)
			}
		})
	}
	wg.Wait()
	stats.elapsed = time.Since(start)
	return stats
}

// do sends one request and reads the whole answer.
func (lt *loadTest) do(ctx context.Context, path string) (status int, took time.Duration, err error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, lt.base+path, nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := lt.client.Do(req)
	if err != nil {
		return 0, time.Since(start), err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(start), err
}

// loadStats are the counts and latencies of a load test, by kind.
type loadStats struct {
	mu      sync.Mutex
	kinds   map[string]*kindStats
	elapsed time.Duration
}

func newLoadStats() *loadStats {
	return &loadStats{kinds: make(map[string]*kindStats)}
}

func (s *loadStats) add(kind string, status int, took time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.kinds[kind]
	if k == nil {
		k = &kindStats{}
		s.kinds[kind] = k
	}
	k.add(status, took, err)
}

// total returns the counts of every kind together.
func (s *loadStats) total() *kindStats {
	t := &kindStats{}
	for _, k := range s.kinds {
		t.merge(k)
	}
	return t
}

// print writes the report: a line per kind and the total, then the errors.
func (s *loadStats) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind      \trequests\treq/s\tp50\tp90\tp99\tmax\terrors\t")
	line := func(name string, k *kindStats) {
		rate := float64(k.n) / s.elapsed.Seconds()
		fmt.Fprintf(tw, "%-10s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%d\t\n", name, k.n, rate,
			fmtLatency(k.quantile(0.50)), fmtLatency(k.quantile(0.90)), fmtLatency(k.quantile(0.99)), fmtLatency(k.max), k.errorCount())
	}
	for _, name := range loadKinds {
		if k := s.kinds[name]; k != nil {
			line(name, k)
		}
	}
	t := s.total()
	line("total", t)
	tw.Flush()
	fmt.Fprintf(w, "%d requests in %v\n", t.n, s.elapsed.Round(time.Millisecond))
	for _, name := range append(slices.Clone(loadKinds), "total") {
		k := s.kinds[name]
		if name == "total" {
			k = t
		}
		if k == nil || k.errorCount() == 0 {
			continue
		}
		fmt.Fprintf(w, "errors of %s: %s\n", name, k.errorSummary())
	}
}

// kindStats counts the requests of one kind. Latencies go into a histogram
// of bounded size, whose buckets are within 1/64 (1.6 %) of one another, so
// that a test of any length holds the same memory.
type kindStats struct {
	n       int64
	max     time.Duration
	buckets [latencyBuckets]int64
	// errors counts the failed requests by status, or by the error of
	// those without one ("connection refused").
	errors map[string]int64
}

func (k *kindStats) add(status int, took time.Duration, err error) {
	k.n++
	k.max = max(k.max, took)
	k.buckets[latencyBucket(took)]++
	switch {
	case err != nil:
		k.addError(errorKey(err), 1)
	case status >= 400:
		k.addError(strconv.Itoa(status), 1)
	}
}

func (k *kindStats) addError(key string, n int64) {
	if k.errors == nil {
		k.errors = make(map[string]int64)
	}
	k.errors[key] += n
}

func (k *kindStats) merge(o *kindStats) {
	k.n += o.n
	k.max = max(k.max, o.max)
	for i, c := range o.buckets {
		k.buckets[i] += c
	}
	for key, n := range o.errors {
		k.addError(key, n)
	}
}

func (k *kindStats) errorCount() int64 {
	var n int64
	for _, c := range k.errors {
		n += c
	}
	return n
}

// errorSummary lists the errors, most first: "503 ×12, 500 ×1".
func (k *kindStats) errorSummary() string {
	keys := make([]string, 0, len(k.errors))
	for key := range k.errors {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool {
		if k.errors[keys[i]] != k.errors[keys[j]] {
			return k.errors[keys[i]] > k.errors[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, key := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", key, k.errors[key])
	}
	return strings.Join(parts, ", ")
}

// quantile returns the latency below which the fraction q of the requests
// fall, as the middle of its bucket, or 0 when there were none.
func (k *kindStats) quantile(q float64) time.Duration {
	if k.n == 0 {
		return 0
	}
	rank := int64(q*float64(k.n-1)) + 1
	var seen int64
	for i, c := range k.buckets {
		seen += c
		if seen >= rank {
			lo, hi := bucketBounds(i)
			return min(time.Duration((lo+hi)/2), k.max)
		}
	}
	return k.max
}

// errorKey names a failed request's error briefly, without the address,
// so that errors of one cause are counted together.
func errorKey(err error) string {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed"
	}
	return "error"
}

// The latency histogram: durations under 128 ns have a bucket each; above,
// each power of two is cut into 64 buckets. 128 + 57×64 buckets cover every
// time.Duration.
const latencyBuckets = 128 + 57*64

// latencyBucket returns the bucket of a duration.
func latencyBucket(d time.Duration) int {
	ns := uint64(max(d, 0))
	if ns < 128 {
		return int(ns)
	}
	shift := bits.Len64(ns) - 7 // keeps the top 7 bits: 64 to 127
	return 128 + (shift-1)*64 + int(ns>>shift) - 64
}

// bucketBounds returns the lowest and one past the highest duration, in
// nanoseconds, of a bucket.
func bucketBounds(i int) (lo, hi uint64) {
	if i < 128 {
		return uint64(i), uint64(i) + 1
	}
	shift := (i-128)/64 + 1
	m := uint64((i-128)%64 + 64)
	return m << shift, (m + 1) << shift
}

// fmtLatency writes a latency with three significant digits.
func fmtLatency(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Microsecond:
		return d.String()
	case d < time.Millisecond:
		return strconv.FormatFloat(float64(d)/1e3, 'f', digitsAfter(float64(d)/1e3), 64) + "µs"
	case d < time.Second:
		return strconv.FormatFloat(float64(d)/1e6, 'f', digitsAfter(float64(d)/1e6), 64) + "ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', digitsAfter(d.Seconds()), 64) + "s"
}

// digitsAfter returns how many digits after the point give v three
// significant digits.
func digitsAfter(v float64) int {
	switch {
	case v >= 100:
		return 0
	case v >= 10:
		return 1
	}
	return 2
}
