package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"fonds"
	"fonds/discovery"
	"fonds/iiif"
	"fonds/ingest"
	"fonds/metrics"
	"fonds/oai"
	"fonds/reindex"
	"fonds/sample"
	"fonds/web"
)

func serveCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	loc := locationFlags(fs)
	data := &loc.data
	addr := fs.String("addr", "127.0.0.1:8080", "the `address` to listen on")
	publicURL := fs.String("url", "", "the public `URL` of the archive, for permalinks, citations and OAI-PMH identifiers (default: the address it listens on)")
	demo := fs.Bool("demo", false, "load the sample collection (invented documents) into a fresh archive; without --data, a temporary one")
	grace := fs.Duration("grace", 10*time.Second, "how long requests in flight may take to finish at shutdown")
	follow := fs.Duration("follow", time.Second, "how often to release the documents whose embargo ended and to index what other processes stored")
	logFormat := fs.String("log", "text", "the log `format`: text or json")
	accessLog := fs.Bool("access-log", true, "log a line for each request")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus metrics (/metrics) and the profiler (/debug/pprof/) at this `address`, for operators only")
	pageCache := fs.Int64("page-cache", web.DefaultPageCacheBytes>>20, "the most `MB` of rendered pages kept in memory; 0 turns the cache off")
	imageCache := fs.Int64("image-cache", iiif.DefaultCacheBytes>>20, "the most `MB` of derived images (sizes, tiles) kept on disk")
	imageRenders := fs.Int("image-renders", 0, "how many images are made at once (each may take up to about 150 MB); 0: one per processor")
	trustProxy := fs.Bool("trust-proxy", false, "the server is reached only through a proxy that sets X-Forwarded-For and X-Forwarded-Proto: take the client's address (for sign-in throttles and the audit log) and scheme from them")
	sessionIdle := fs.Duration("session-idle", 12*time.Hour, "how long a signed-in session lasts without a request")
	sessionMax := fs.Duration("session-max", 30*24*time.Hour, "how long a signed-in session lasts at most")
	maxDocument := fs.Int64("max-document", ingest.DefaultMaxDocument>>20, "with --import: the most `MB` one document may take")
	var imports stringsFlag
	fs.Var(&imports, "import", "import this `path` while serving (may be repeated)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *sessionIdle <= 0 || *sessionMax <= 0 {
		return usageError{"--session-idle and --session-max must be positive"}
	}
	if *follow <= 0 || *grace < 0 || *imageCache <= 0 || *imageRenders < 0 || *maxDocument <= 0 || *pageCache < 0 {
		return usageError{"--follow, --image-cache and --max-document must be positive; --grace, --page-cache and --image-renders not negative"}
	}
	pageCacheBytes := *pageCache << 20
	if pageCacheBytes == 0 {
		pageCacheBytes = -1 // off
	}
	logger, err := newLoggerFormat(stderr, *logFormat)
	if err != nil {
		return err
	}

	dataSet := false
	fs.Visit(func(f *flag.Flag) { dataSet = dataSet || f.Name == "data" })
	if *demo && !dataSet {
		dir, err := os.MkdirTemp("", "fonds-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*data = dir
	}
	a, err := openArchiveAt(ctx, loc, indexHeld)
	if err != nil {
		return err
	}
	defer a.Close()
	store := a.store
	if a.readOnly {
		logger.Warn("the data folder cannot be written: serving it read-only (reading and search work; nothing can be imported or changed)", "data", *data)
		if *demo || len(imports) > 0 {
			return fmt.Errorf("%s: %w: cannot load the sample or import", *data, fonds.ErrReadOnly)
		}
	}

	if *demo {
		sum, err := loadSample(ctx, store, a.index)
		if err != nil {
			return err
		}
		logger.Info("sample collection loaded", "summary", sum.String())
	}

	// The server follows the store from the change seen before it mends
	// the index (once it serves), so nothing falls between the two.
	var follower *reindex.Follower
	if !a.readOnly {
		seq, err := store.LastChange(ctx)
		if err != nil {
			return err
		}
		follower = reindex.NewFollower(store, a.index, seq)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base, from := publicAddress(ctx, store, strings.TrimSuffix(*publicURL, "/"))
	if base == "" {
		if from != "" {
			logger.Warn("public address", "err", from)
		}
		base, from = "http://"+ln.Addr().String(), "the listening address (give --url, or fonds site set --url)"
		if ip := ln.Addr().(*net.TCPAddr).IP; ip.IsUnspecified() {
			logger.Warn("listening on every interface without --url: permalinks and identifiers name an unspecified address", "url", base)
		}
	}
	logger.Info("public address", "url", base, "from", from)

	reg := metrics.New()
	site, err := newSite(a, siteOptions{base: base, logger: logger, metrics: reg, accessLog: *accessLog,
		pageCache: pageCacheBytes, follow: min(*follow, time.Second), imageCache: *imageCache << 20, imageRenders: *imageRenders,
		trustProxy: *trustProxy, sessionIdle: *sessionIdle, sessionMax: *sessionMax})
	if err != nil {
		ln.Close()
		return err
	}
	// Requests run under a context that shutdown cancels once the grace
	// period is over, so that no search or image outlives it.
	reqCtx, cancelRequests := context.WithCancel(context.Background())
	defer cancelRequests()
	srv := &http.Server{
		Handler:           site,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
	}
	if a.db != "" {
		logger.Info("serving", "url", "http://"+ln.Addr().String()+"/", "db", a.db, "data", *data, "version", versionString())
	} else {
		logger.Info("serving", "url", "http://"+ln.Addr().String()+"/", "data", *data, "version", versionString())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			srv.Close()
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		msrv := &http.Server{Handler: reg.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go msrv.Serve(mln)
		defer msrv.Close()
		logger.Info("serving metrics and the profiler", "url", "http://"+mln.Addr().String()+"/metrics")
	}

	// Work beside the server stops with it.
	workCtx, stopWork := context.WithCancel(ctx)
	var work sync.WaitGroup
	defer work.Wait()
	defer stopWork()
	if follower != nil {
		work.Go(func() {
			// Mend the index where a crash left it behind the store: it
			// reads every stamp of both, so the server answers meanwhile.
			rep, err := reindex.Sync(workCtx, store, a.index, nil)
			switch {
			case err != nil && workCtx.Err() == nil:
				logger.Error("mending the search index", "err", err)
			case rep.Indexed > 0 || rep.Removed > 0:
				logger.Info("search index brought up to date", "report", rep.String())
			}
			followStore(workCtx, a, follower, *follow, logger)
		})
	}
	if len(imports) > 0 {
		work.Go(func() {
			// The follower indexes what the import stores, as it would
			// for an import run beside the server.
			im := &ingest.Importer{Store: store, Images: a.images, Readers: readers("handwriting"), MaxDocument: *maxDocument << 20}
			sum, err := runImport(workCtx, im, imports, stderr)
			countImport(reg, sum)
			if err != nil && workCtx.Err() == nil {
				logger.Error("import", "err", err)
				return
			}
			logger.Info("imported", "summary", sum.String())
		})
	}

	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	// Finish the requests in flight, then stop; past the grace period,
	// cancel what still runs and close every connection.
	logger.Info("shutting down", "grace", grace.String())
	stopWork()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("requests still running after the grace period: cancelled", "err", err)
		cancelRequests()
		srv.Close()
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// siteOptions is how the site of an archive is set up: what newSite needs
// besides the archive.
type siteOptions struct {
	base         string // the public address
	logger       *slog.Logger
	metrics      *metrics.Registry // nil records nothing
	accessLog    bool
	pageCache    int64         // bytes; negative turns it off
	follow       time.Duration // how often other processes' changes are looked for; 0: one second
	imageCache   int64         // bytes
	imageRenders int
	trustProxy   bool          // see web.Config.TrustProxy
	sessionIdle  time.Duration // 0: web's default
	sessionMax   time.Duration
}

// newSite returns the whole site of the archive: pages and API, OAI-PMH,
// IIIF, sitemaps and feed, every route on one handler.
func newSite(a *archive, o siteOptions) (*web.Server, error) {
	site, err := web.New(web.Config{Store: a.store, Index: a.index, Logger: o.logger, BaseURL: o.base, TEI: teiWriter,
		Metrics: o.metrics, NoAccessLog: !o.accessLog, PageCacheBytes: o.pageCache,
		PageCacheRefresh: o.follow,
		TrustProxy:       o.trustProxy, SessionIdle: o.sessionIdle, SessionMax: o.sessionMax,
		PageImages: a.images})
	if err != nil {
		return nil, err
	}
	key, err := oaiTokenKey(context.Background(), a.store)
	if err != nil {
		return nil, err
	}
	harvest, err := oai.New(oai.Config{Store: a.store, BaseURL: o.base + "/oai", Logger: o.logger, TEI: teiWriter, TokenKey: key})
	if err != nil {
		return nil, err
	}
	site.Handle("/oai", harvest)
	images, err := iiif.New(iiif.Config{Store: a.store, Images: a.images, BaseURL: o.base, Logger: o.logger, CacheBytes: o.imageCache, Renders: o.imageRenders})
	if err != nil {
		return nil, err
	}
	if o.metrics != nil {
		o.metrics.SetCacheSize(a.images.CacheSize)
	}
	// Without a method, so that CORS preflight requests reach it.
	site.Handle("/iiif/", images)
	disc, err := discovery.New(discovery.Config{Store: a.store, Logger: o.logger, BaseURL: o.base})
	if err != nil {
		return nil, err
	}
	for _, p := range discovery.Patterns {
		site.Handle(p, disc)
	}
	return site, nil
}

// followStore releases the documents whose embargo has ended and indexes
// what other processes store, every interval, and rebuilds the index when
// "fonds reindex" asks for it, until ctx is done.
func followStore(ctx context.Context, a *archive, f *reindex.Follower, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	handled, _ := a.store.Setting(ctx, rebuildRequested)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := followStep(ctx, a.store, f, time.Now(), logger); err != nil {
			if ctx.Err() == nil {
				logger.Warn("following the store", "err", err)
			}
			continue
		}
		req, err := a.store.Setting(ctx, rebuildRequested)
		if err != nil || req == handled {
			continue
		}
		handled = req
		logger.Info("rebuilding the search index, as asked")
		rep, err := a.rebuildIndex(ctx, io.Discard)
		msg := rep.String()
		if err != nil {
			logger.Error("rebuilding the search index", "err", err)
			msg = "the rebuild failed: " + err.Error()
		} else {
			logger.Info("search index rebuilt", "report", msg)
		}
		if err := a.store.PutSetting(ctx, rebuildDone, req+"\t"+msg); err != nil {
			logger.Error("rebuilding the search index", "err", err)
		}
	}
}

// followStep releases the documents whose embargo ended by now, then
// indexes what changed in the store since the last step, the released
// documents with it: an embargo ends everywhere (pages, search, OAI-PMH,
// feed) without a restart and without anyone acting. Several servers on one
// archive may all release; the store makes that harmless.
func followStep(ctx context.Context, store fonds.Store, f *reindex.Follower, now time.Time, logger *slog.Logger) error {
	n, err := store.Release(ctx, now)
	switch {
	case err != nil && ctx.Err() == nil:
		// The index is followed all the same; the release is tried again
		// at the next step.
		logger.Warn("releasing the documents whose embargo ended", "err", err)
	case n > 0:
		logger.Info("embargo ended: documents released", "count", n)
	}
	return f.Step(ctx)
}

// countImport adds what an import did to the metrics.
func countImport(reg *metrics.Registry, sum ingest.Summary) {
	for result, n := range map[string]int{"added": sum.Added, "updated": sum.Updated, "unchanged": sum.Unchanged, "failed": sum.Failed} {
		reg.Imported(result, n)
	}
}

// loadSample imports the sample collection from the binary itself.
func loadSample(ctx context.Context, store fonds.Store, ix fonds.Index) (ingest.Summary, error) {
	err := store.PutCollection(ctx, fonds.Collection{Slug: sample.Slug, Title: sample.Title, Description: sample.Description})
	if err != nil {
		return ingest.Summary{}, err
	}
	im := &ingest.Importer{Store: store, Index: ix, Readers: readers("handwriting"), Collection: sample.Slug}
	files, err := im.FilesFS(sample.Files, sample.Slug)
	if err != nil {
		return ingest.Summary{}, err
	}
	sum, errs := im.Import(ctx, files)
	return sum, errors.Join(errs...)
}
