package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fonds"
	"fonds/iiif"
)

// migrateCmd moves an archive from one kind of store to another: from a
// data folder to a PostgreSQL database, or back, or between two of either.
// It copies the store whole (history, audit log, users, deletions and all)
// and the page images, then builds the target's search index. The target
// must be empty; the store is copied in one transaction, and page images
// copied before a failure are removed again, so that a failed migration
// leaves the target as it found it, or says what to remove.
func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	from := fs.String("from", "", "the archive to copy: a data `folder` or a postgres:// URL")
	to := fs.String("to", "", "the empty archive to copy it into: a data `folder` or a postgres:// URL")
	data := fs.String("data", "", "with --to a postgres:// URL: the data `folder` of the new archive, for its cache of derived images")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	case *from == "" || *to == "":
		return usageError{"give both --from and --to (a data folder or a postgres:// URL)"}
	case *from == *to:
		return usageError{"--from and --to name the same archive"}
	}
	if isURL(*to) && *data == "" {
		return usageError{"with --to a postgres:// URL, give --data: the data folder of the new archive, which holds its cache of derived images"}
	}
	if !isURL(*from) {
		// Opening a folder creates its database: a mistyped --from would
		// otherwise migrate an empty archive.
		if _, err := os.Stat(filepath.Join(*from, "fonds.db")); err != nil {
			return fmt.Errorf("--from %s holds no archive: %w", *from, err)
		}
	}
	src, err := openEnd(ctx, "--from", *from)
	if err != nil {
		return err
	}
	defer src.close()
	dst, err := openEnd(ctx, "--to", *to)
	if err != nil {
		return err
	}
	defer dst.close()

	start := time.Now()
	stats, err := migrate(ctx, src, dst, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "migrate: copied %s and %d page images (%d bytes) in %s\n",
		stats.items, stats.images, stats.bytes, time.Since(start).Round(time.Millisecond))
	src.close()
	dst.close()

	// The target's search index, built as fonds reindex builds it.
	loc := &location{data: *to, db: dbFlag{set: true}}
	if isURL(*to) {
		loc = &location{data: *data, db: dbFlag{url: *to, set: true}}
	}
	a, err := openArchiveAt(ctx, loc, indexIfFree)
	if err != nil {
		return fmt.Errorf("the archive is copied, but its search index could not be built (run fonds reindex on it): %w", err)
	}
	defer a.Close()
	if a.served {
		fmt.Fprintln(stderr, "migrate: a running fonds serve holds the target's search index: it follows the store")
		return nil
	}
	rep, err := a.rebuildIndex(ctx, stderr)
	if err != nil {
		return fmt.Errorf("the archive is copied, but its search index could not be built (run fonds reindex on it): %w", err)
	}
	fmt.Fprintf(stderr, "migrate: search index: %s\n", rep)
	fmt.Fprintf(stderr, "migrate: done in %s; fonds check on both archives prints the same counts and digest\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// isURL reports whether an end of a migration names a PostgreSQL database
// rather than a data folder.
func isURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// end is one side of a migration: a store and the blobs of its page
// images.
type end struct {
	name  string // the folder, or the URL with its password redacted
	store fonds.Store
	tr    fonds.Transferer
	blobs fonds.Blobs
}

// openEnd opens the archive at where, a folder or a URL, given by flag.
func openEnd(ctx context.Context, flag, where string) (*end, error) {
	e := &end{name: where}
	if isURL(where) {
		pg, err := openPostgres(ctx, where, flag)
		if err != nil {
			return nil, err
		}
		e.name, e.store, e.blobs = redactURL(where), pg, pg.Blobs(iiif.MaxImageBytes)
	} else {
		s, err := openStoreAt(ctx, &location{data: where, db: dbFlag{set: true}})
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", flag, where, err)
		}
		e.store = s
		if e.blobs, err = iiif.NewDirBlobs(filepath.Join(where, "images"), iiif.MaxImageBytes); err != nil {
			s.Close()
			return nil, fmt.Errorf("%s %s: %w", flag, where, err)
		}
	}
	tr, ok := e.store.(fonds.Transferer)
	if !ok {
		e.store.Close()
		return nil, fmt.Errorf("%s %s: this store cannot be migrated", flag, e.name)
	}
	e.tr = tr
	return e, nil
}

func (e *end) close() {
	if e.store != nil {
		e.store.Close()
		e.store = nil
	}
}

// migrated counts what a migration copied.
type migrated struct {
	items  itemCounts
	images int
	bytes  int64
}

// itemCounts counts the items of a store by kind.
type itemCounts map[fonds.ItemKind]int

func (c itemCounts) String() string {
	var parts []string
	for _, k := range []struct {
		kind         fonds.ItemKind
		one, several string
	}{
		{fonds.ItemVersion, "version", "versions"},
		{fonds.ItemCollection, "collection", "collections"},
		{fonds.ItemUser, "user", "users"},
		{fonds.ItemAudit, "audit entry", "audit entries"},
		{fonds.ItemAlias, "alias", "aliases"},
		{fonds.ItemDeletion, "deletion", "deletions"},
		{fonds.ItemSetting, "setting", "settings"},
		{fonds.ItemSession, "session", "sessions"},
		{fonds.ItemEntity, "entity description", "entity descriptions"},
		{fonds.ItemChange, "change", "changes"},
	} {
		name := k.several
		if c[k.kind] == 1 {
			name = k.one
		}
		parts = append(parts, fmt.Sprintf("%d %s", c[k.kind], name))
	}
	return strings.Join(parts, ", ")
}

// migrate copies the store and the images of src into dst: it begins the
// load of the store (which refuses a target that is not empty), copies
// the store from one snapshot, then the images into the target, which
// must have none, and commits. On a failure the load is rolled back and the images copied are
// removed; what cannot be removed is named.
func migrate(ctx context.Context, src, dst *end, stderr io.Writer) (migrated, error) {
	st := migrated{items: itemCounts{}}
	l, err := dst.tr.Load(ctx)
	if err != nil {
		return st, fmt.Errorf("--to %s: %w", dst.name, err)
	}
	defer l.Abort()
	err = dst.blobs.List(ctx, "", func(fonds.BlobInfo) error { return errHasImages })
	if errors.Is(err, errHasImages) {
		// What a migration killed before it could clean up leaves.
		return st, fmt.Errorf("--to %s: %w: its store is empty but it holds page images already; if a migration left them, remove them (the folder images of a data folder; the rows of the table blobs of a PostgreSQL database) and migrate again",
			dst.name, fonds.ErrConflict)
	}
	if err != nil {
		return st, fmt.Errorf("--to %s: %w", dst.name, err)
	}

	p := newProgress(stderr)
	var copied []string
	undo := func(cause error) error {
		var left []string
		for _, k := range copied {
			if err := dst.blobs.Delete(context.WithoutCancel(ctx), k); err != nil {
				left = append(left, k)
			}
		}
		if len(left) > 0 {
			return fmt.Errorf("%w; the store of %s is left as it was, but %d page images copied into it could not be removed (%s…): remove them before migrating again",
				cause, dst.name, len(left), left[0])
		}
		return fmt.Errorf("%w; %s is left as it was", cause, dst.name)
	}
	err = src.tr.Dump(ctx, func(it *fonds.Item) error {
		if err := l.Add(ctx, it); err != nil {
			return err
		}
		st.items[it.Kind]++
		p.show(func() string {
			return fmt.Sprintf("%d versions of documents, %d audit entries", st.items[fonds.ItemVersion], st.items[fonds.ItemAudit])
		})
		return nil
	})
	if err != nil {
		p.done()
		return st, undo(fmt.Errorf("copying the store: %w", err))
	}
	// The images after the store's snapshot, so that a document the
	// snapshot holds has its images, even one added while it was read.
	err = src.blobs.List(ctx, "", func(b fonds.BlobInfo) error {
		r, err := src.blobs.Open(ctx, b.Key)
		if err != nil {
			return err
		}
		defer r.Close()
		copied = append(copied, b.Key)
		info, err := dst.blobs.Put(ctx, b.Key, r)
		if err != nil {
			return fmt.Errorf("image %s: %w", b.Key, err)
		}
		st.images++
		st.bytes += info.Size
		p.show(func() string { return fmt.Sprintf("%d page images (%d bytes)", st.images, st.bytes) })
		return nil
	})
	if err != nil {
		p.done()
		return st, undo(fmt.Errorf("copying the page images: %w", err))
	}
	p.show(func() string { return "committing" })
	err = l.Commit(ctx)
	p.done()
	if err != nil {
		return st, undo(fmt.Errorf("copying the store: %w", err))
	}
	return st, nil
}

var errHasImages = errors.New("has images")

// progress writes a line of progress on stderr at most every half second,
// each over the last.
type progress struct {
	w     io.Writer
	last  time.Time
	shown bool
}

func newProgress(w io.Writer) *progress { return &progress{w: w, last: time.Now()} }

func (p *progress) show(line func() string) {
	if time.Since(p.last) < 500*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\rmigrate: %s\033[K", line())
	p.shown = true
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.w)
	}
}
