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
	"time"

	"fonds"
	"fonds/discovery"
	"fonds/iiif"
	"fonds/ingest"
	"fonds/oai"
	"fonds/reindex"
	"fonds/sample"
	"fonds/web"
)

func serveCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	data := fs.String("data", "fonds-data", "the data `folder`")
	addr := fs.String("addr", "127.0.0.1:8080", "the `address` to listen on")
	publicURL := fs.String("url", "", "the public `URL` of the archive, for permalinks, citations and OAI-PMH identifiers (default: the address of each request)")
	demo := fs.Bool("demo", false, "load the sample collection (invented documents) into a fresh archive; without --data, a temporary one")
	var imports stringsFlag
	fs.Var(&imports, "import", "import this `path` before serving (may be repeated)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	logger := newLogger(stderr)

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
	a, err := openArchive(*data)
	if err != nil {
		return err
	}
	defer a.Close()
	store := a.store

	if *demo {
		sum, err := loadSample(ctx, store, a.index)
		if err != nil {
			return err
		}
		logger.Info("sample collection loaded", "summary", sum.String())
	}
	if len(imports) > 0 {
		im := &ingest.Importer{Store: store, Index: a.index, Images: a.images, Readers: readers("handwriting")}
		sum, err := runImport(ctx, im, imports, stderr)
		if err != nil {
			return err
		}
		logger.Info("imported", "summary", sum.String())
	}

	// Mend the index where a crash left it behind the store.
	rep, err := reindex.Sync(ctx, store, a.index, nil)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if rep.Indexed > 0 || rep.Removed > 0 {
		logger.Info("search index brought up to date", "report", rep.String())
	}

	base := strings.TrimSuffix(*publicURL, "/")
	site, err := web.New(web.Config{Store: store, Index: a.index, Logger: logger, BaseURL: base, TEI: teiWriter})
	if err != nil {
		return err
	}
	oaiURL := ""
	if base != "" {
		oaiURL = base + "/oai"
	}
	harvest, err := oai.New(oai.Config{Store: store, BaseURL: oaiURL, Logger: logger, TEI: teiWriter})
	if err != nil {
		return err
	}
	site.Handle("/oai", harvest)
	images, err := iiif.New(iiif.Config{Store: store, Images: a.images, BaseURL: base, Logger: logger})
	if err != nil {
		return err
	}
	// Without a method, so that CORS preflight requests reach it.
	site.Handle("/iiif/", images)
	disc, err := discovery.New(discovery.Config{Store: store, Logger: logger, BaseURL: base})
	if err != nil {
		return err
	}
	for _, p := range discovery.Patterns {
		site.Handle(p, disc)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           site,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("serving", "url", "http://"+ln.Addr().String()+"/", "data", *data)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	// Finish the requests in flight, then stop.
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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
