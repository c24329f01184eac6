package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"fonds/bleve"
	"fonds/iiif"
	"fonds/reindex"
	"fonds/sqlite"
)

// archive is an open data folder: the store, the source of truth, and the
// search index derived from it.
type archive struct {
	dir    string
	store  *sqlite.Store
	index  *bleve.Index
	images *iiif.Images // page images, and the images derived from them
}

// openArchive opens the data folder, creating it if need be.
func openArchive(dir string) (*archive, error) {
	store, err := sqlite.Open(filepath.Join(dir, "fonds.db"))
	if err != nil {
		return nil, err
	}
	ix, err := bleve.Open(indexDir(dir))
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("search index: %w (delete %s and run fonds reindex to rebuild it)", err, indexDir(dir))
	}
	images, err := iiif.OpenImages(filepath.Join(dir, "images"))
	if err != nil {
		ix.Close()
		store.Close()
		return nil, err
	}
	return &archive{dir: dir, store: store, index: ix, images: images}, nil
}

func indexDir(dir string) string { return filepath.Join(dir, "index") }

func (a *archive) Close() error {
	return errors.Join(a.index.Close(), a.store.Close())
}

// rebuildIndex deletes the search index and builds it anew from the store.
func (a *archive) rebuildIndex(ctx context.Context, stderr io.Writer) (reindex.Report, error) {
	if err := a.index.Close(); err != nil {
		return reindex.Report{}, err
	}
	if err := os.RemoveAll(indexDir(a.dir)); err != nil {
		return reindex.Report{}, err
	}
	ix, err := bleve.Open(indexDir(a.dir))
	if err != nil {
		return reindex.Report{}, err
	}
	a.index = ix
	bar := newBar(stderr, -1, "indexing")
	rep, err := reindex.Sync(ctx, a.store, a.index, func(done, total int) {
		if bar != nil {
			bar.ChangeMax(total)
			bar.Set(done)
		}
	})
	if bar != nil {
		bar.Finish()
	}
	return rep, err
}

// openArchiveCmd parses the flags of a command that takes only --data, and
// opens the archive.
func openArchiveCmd(name string, args []string, stderr io.Writer) (*archive, error) {
	fs := newFlagSet(name, stderr)
	data := fs.String("data", "fonds-data", "the data `folder`")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return openArchive(*data)
}

// reindexCmd deletes the search index and builds it anew from the store.
func reindexCmd(ctx context.Context, args []string, stderr io.Writer) error {
	a, err := openArchiveCmd("reindex", args, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.rebuildIndex(ctx, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, rep)
	return nil
}

// checkCmd compares the search index with the store and mends what differs,
// such as what a crash between a store write and an index write left.
func checkCmd(ctx context.Context, args []string, stderr io.Writer) error {
	a, err := openArchiveCmd("check", args, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := reindex.Sync(ctx, a.store, a.index, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, rep)
	return nil
}
