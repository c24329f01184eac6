package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"fonds"
	"fonds/bleve"
	"fonds/iiif"
	"fonds/postgres"
	"fonds/reindex"
	"fonds/sqlite"
)

// archive is an open data folder: the store, the source of truth, the
// search index derived from it, and the page images. The store is the SQLite
// database in the folder, with the index in the folder; or a PostgreSQL
// database (--db), which holds the index too, shared by every server on it. The page images are kept with the store (in the
// folder, or in the database, so that every server on it has them); the
// images derived from them are cached in the folder, each server its own.
type archive struct {
	dir string
	// db is the URL of the PostgreSQL database of the store, its password
	// redacted; "" when the store is the SQLite database in dir.
	db    string
	store fonds.Store
	index *liveIndex // nil when the command does not use it, or a server holds it
	// images holds the page images, and the images derived from them;
	// nil when a command on a PostgreSQL store needs neither them nor the
	// index, and so leaves the data folder alone.
	images *iiif.Images
	// served is set when a running server holds the search index: it
	// follows the store, so a command that writes leaves the index to it.
	served bool
	// readOnly is set when the data folder cannot be written (read-only
	// media): reading and search work, every write is refused.
	readOnly bool
}

// indexUse says what a command needs of the search index.
type indexUse int

const (
	// noIndex: the command reads or writes the store alone (export,
	// backup); a server that runs indexes what it writes.
	noIndex indexUse = iota
	// indexIfFree: the command uses the index unless a running server
	// holds it (import, check, reindex); then the server does the indexing.
	indexIfFree
	// indexHeld: the command holds the index for as long as it runs
	// (serve).
	indexHeld
)

// openArchive opens the data folder, its store the SQLite database in it,
// creating it if need be. A folder that cannot be written is opened
// read-only.
func openArchive(dir string, use indexUse) (*archive, error) {
	return openArchiveAt(context.Background(), &location{data: dir, db: dbFlag{set: true}}, use)
}

// openArchiveAt opens the archive at l: its store, search index and page
// images in the PostgreSQL database of --db or FONDS_DB when one is given,
// else in the data folder; its derived images in the data folder.
func openArchiveAt(ctx context.Context, l *location, use indexUse) (*archive, error) {
	dir := l.data
	a := &archive{dir: dir}
	var pg *postgres.Store // the store, when it is PostgreSQL
	raw, from := l.dbURL()
	if raw != "" {
		// A command that uses neither the index nor the images (user,
		// site, collection) needs no data folder at all.
		if use != noIndex && !writable(dir) {
			return nil, fmt.Errorf("the data folder %s cannot be written: with %s it holds the cache of derived images", dir, from)
		}
		store, err := openPostgres(ctx, raw, from)
		if err != nil {
			return nil, err
		}
		a.store, a.db, pg = store, redactURL(raw), store
		if use == noIndex {
			return a, nil
		}
	} else {
		a.readOnly = !writable(dir)
		var (
			store *sqlite.Store
			err   error
		)
		if a.readOnly {
			store, err = sqlite.OpenReadOnly(filepath.Join(dir, "fonds.db"))
		} else {
			store, err = sqlite.Open(filepath.Join(dir, "fonds.db"))
		}
		if err != nil {
			return nil, err
		}
		a.store = store
	}
	var err error
	switch {
	case use != noIndex && pg != nil:
		// The index in the database, which every server and command on
		// it writes and reads: none holds it.
		ix, err := pg.Index()
		if err != nil {
			a.store.Close()
			return nil, err
		}
		a.index = &liveIndex{ix: ix}
	case use != noIndex:
		var ix *bleve.Index
		if a.readOnly {
			ix, err = bleve.OpenReadOnly(indexDir(dir))
		} else {
			ix, err = bleve.Open(indexDir(dir))
		}
		switch {
		case errors.Is(err, bleve.ErrLocked) && use == indexIfFree:
			a.served = true
		case errors.Is(err, bleve.ErrLocked):
			a.store.Close()
			return nil, fmt.Errorf("the search index in %s is held by another process: is a fonds serve already running on this folder?", dir)
		case err != nil:
			a.store.Close()
			return nil, fmt.Errorf("search index: %w (fonds reindex rebuilds it from the database)", err)
		default:
			a.index = &liveIndex{ix: ix}
		}
	}
	var images *iiif.Images
	if pg != nil {
		images, err = iiif.NewImages(pg.Blobs(iiif.MaxImageBytes), filepath.Join(dir, "images", ".cache"))
	} else {
		images, err = iiif.OpenImages(filepath.Join(dir, "images"))
	}
	if err != nil {
		a.Close()
		return nil, err
	}
	a.images = images
	return a, nil
}

// writable reports whether the data folder can be written, creating it if
// need be. Only a read-only file system (or a folder the user may not
// write) makes it false.
func writable(dir string) bool {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return !(errors.Is(err, syscall.EROFS) || errors.Is(err, os.ErrPermission))
	}
	f, err := os.CreateTemp(dir, ".fonds-write-*")
	if err != nil {
		return !(errors.Is(err, syscall.EROFS) || errors.Is(err, os.ErrPermission))
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

func indexDir(dir string) string { return filepath.Join(dir, "index") }

func (a *archive) Close() error {
	var err error
	if a.index != nil {
		err = a.index.Close()
	}
	return errors.Join(err, a.store.Close())
}

// rebuildIndex builds a new search index from the store beside the one in
// use, then puts it in its place: searches go on meanwhile. The index in a
// PostgreSQL database is rebuilt in place, each document put again.
func (a *archive) rebuildIndex(ctx context.Context, stderr io.Writer) (reindex.Report, error) {
	if a.db != "" {
		return a.reputIndex(ctx, stderr)
	}
	next := indexDir(a.dir) + ".new"
	if err := os.RemoveAll(next); err != nil {
		return reindex.Report{}, err
	}
	ix, err := bleve.Open(next)
	if err != nil {
		return reindex.Report{}, err
	}
	bar := newBar(stderr, -1, "indexing")
	rep, err := reindex.Sync(ctx, a.store, ix, func(done, total int) {
		if bar != nil {
			bar.ChangeMax(total)
			bar.Set(done)
		}
	})
	if bar != nil {
		bar.Finish()
	}
	if err == nil {
		err = ix.Close()
	} else {
		ix.Close()
	}
	if err != nil {
		os.RemoveAll(next)
		return rep, err
	}
	// The old index stays open (its files too) until the new one is in
	// place under the usual name.
	old := indexDir(a.dir) + ".old"
	if err := os.RemoveAll(old); err != nil {
		return rep, err
	}
	if err := os.Rename(indexDir(a.dir), old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return rep, err
	}
	if err := os.Rename(next, indexDir(a.dir)); err != nil {
		return rep, err
	}
	ix, err = bleve.Open(indexDir(a.dir))
	if err != nil {
		return rep, err
	}
	if prev := a.index.swap(ix); prev != nil {
		prev.Close()
	}
	os.RemoveAll(old)
	// What was written while the new index was built.
	after, err := reindex.Sync(ctx, a.store, a.index, nil)
	rep.Indexed += after.Indexed
	rep.Removed += after.Removed
	return rep, err
}

// reputIndex puts every released document of the store in the index again,
// then removes those the store no longer has.
func (a *archive) reputIndex(ctx context.Context, stderr io.Writer) (reindex.Report, error) {
	bar := newBar(stderr, -1, "indexing")
	all := unstamped{Index: a.index}
	if rw, ok := a.index.current().(rewriter); ok {
		all.rewrite = rw.Rewrite
	}
	rep, err := reindex.Sync(ctx, a.store, all, func(done, total int) {
		if bar != nil {
			bar.ChangeMax(total)
			bar.Set(done)
		}
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return rep, err
	}
	after, err := reindex.Sync(ctx, a.store, a.index, nil)
	rep.Indexed += after.Indexed
	rep.Removed += after.Removed
	if err != nil {
		return rep, err
	}
	// The vocabulary that prefixes expand to keeps the words of removed
	// documents until a reindex prunes it.
	if p, ok := a.index.current().(termPruner); ok {
		_, err = p.PruneTerms(ctx)
	}
	return rep, err
}

// termPruner is an index whose vocabulary a reindex prunes.
type termPruner interface {
	PruneTerms(ctx context.Context) (int64, error)
}

// unstamped is an index that reports no stamps, so that reindex.Sync puts
// every document in it again, and writes each again (rewrite) where the
// index would leave one it holds at the same hash.
type unstamped struct {
	fonds.Index
	rewrite func(ctx context.Context, docs ...*fonds.Document) error
}

func (unstamped) Stamps(context.Context) (map[string]string, error) {
	return map[string]string{}, nil
}

func (u unstamped) Put(ctx context.Context, docs ...*fonds.Document) error {
	if u.rewrite != nil {
		return u.rewrite(ctx, docs...)
	}
	return u.Index.Put(ctx, docs...)
}

// rewriter is an index that writes again on request the documents it
// holds at the same hash.
type rewriter interface {
	Rewrite(ctx context.Context, docs ...*fonds.Document) error
}

// openArchiveCmd parses the flags of a command that takes only --data and
// --db, and
// opens the archive.
func openArchiveCmd(ctx context.Context, name string, args []string, use indexUse, stderr io.Writer) (*archive, error) {
	fs := newFlagSet(name, stderr)
	loc := locationFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return openArchiveAt(ctx, loc, use)
}

// reindexCmd builds the search index anew from the store. While a server
// runs on the folder, it asks the server to do it and waits.
func reindexCmd(ctx context.Context, args []string, stderr io.Writer) error {
	a, err := openArchiveCmd(ctx, "reindex", args, indexIfFree, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.readOnly {
		return fmt.Errorf("%s: %w", a.dir, fonds.ErrReadOnly)
	}
	if a.served {
		fmt.Fprintln(stderr, "a running fonds serve holds the search index: asking it to rebuild the index")
		return requestRebuild(ctx, a.store, stderr)
	}
	rep, err := a.rebuildIndex(ctx, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, rep)
	return nil
}
