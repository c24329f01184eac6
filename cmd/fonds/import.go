package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"fonds"
	"fonds/ingest"
	"fonds/reindex"
	"fonds/text"
)

var textReader fonds.Reader = text.Reader{}

func importCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	loc := locationFlags(fs)
	collection := fs.String("collection", "", "the collection to import into: its slug, or a `title` (\"Bukovsky Archive\" goes to bukovsky-archive; default: the collection each file declares, or its folder's name)")
	status := fs.String("status", "", "the `status` of every document imported: draft, review, published or withdrawn (default: what each file says, else published)")
	draft := fs.Bool("draft", false, "import as drafts: the same as --status draft")
	embargo := fs.String("embargo", "", "hide every document imported until this `date` (YYYY-MM-DD, or an RFC 3339 time) (default: what each file says)")
	restricted := fs.Bool("restricted", false, "open every document imported only to readers granted access, and editors (--restricted=false: to all; default: what each file says)")
	user := fs.String("user", "", "the `name` of the user the revisions are by (default: import)")
	maxDocument := fs.Int64("max-document", ingest.DefaultMaxDocument>>20, "the most `MB` one document may take")
	italic := fs.String("italic", "handwriting", "what italic means in WordPress exports: handwriting (underlined italic: a handwritten insertion) or emphasis")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"no files or folders to import"}
	}
	if *maxDocument <= 0 {
		return usageError{"--max-document must be positive"}
	}
	if *italic != "handwriting" && *italic != "emphasis" {
		return usageError{fmt.Sprintf("--italic must be handwriting or emphasis, not %q", *italic)}
	}
	im := &ingest.Importer{Readers: readers(*italic), Collection: *collection, MaxDocument: *maxDocument << 20, Author: *user, Address: "cli"}
	if err := importAccess(fs, im, *status, *draft, *embargo, *restricted); err != nil {
		return err
	}
	if *collection != "" && fonds.CollectionSlug(*collection) == "" {
		return usageError{fmt.Sprintf("--collection %q: a collection's name needs a letter or digit to make its slug of", *collection)}
	}
	if *user != "" && !fonds.ValidUserName(*user) {
		return usageError{fmt.Sprintf("--user %q is not a user name", *user)}
	}
	a, err := openArchiveAt(ctx, loc, indexIfFree)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.readOnly {
		return fmt.Errorf("%s: %w", loc.data, fonds.ErrReadOnly)
	}
	if *user != "" {
		if _, err := a.store.User(ctx, *user); errors.Is(err, fonds.ErrNotFound) {
			return usageError{fmt.Sprintf("--user %q: there is no such user (fonds user list)", *user)}
		} else if err != nil {
			return err
		}
	}
	im.Store, im.Images = a.store, a.images
	if a.index != nil {
		im.Index = a.index
	}
	sum, err := runImport(ctx, im, fs.Args(), stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, sum)
	if a.served {
		fmt.Fprintln(stderr, "the running fonds serve indexes the documents stored: they will be found within seconds")
	} else if sum.Unchanged > 0 {
		// Documents found unchanged may be ones an interrupted import
		// stored but did not get to index: finish its job.
		rep, err := reindex.Sync(ctx, a.store, a.index, nil)
		if err != nil {
			return err
		}
		if rep.Indexed > 0 || rep.Removed > 0 {
			fmt.Fprintf(stderr, "search index mended: %d indexed, %d removed\n", rep.Indexed, rep.Removed)
		}
	}
	if sum.Failed > 0 {
		return errReported
	}
	return nil
}

// importAccess sets the status, embargo and restriction the import gives
// every document: only those given on the command line, so that the rest
// come from the files.
func importAccess(fs *flag.FlagSet, im *ingest.Importer, status string, draft bool, embargo string, restricted bool) error {
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if status != "" {
		im.Status = fonds.Status(status)
		if !im.Status.Valid() {
			return usageError{fmt.Sprintf("--status must be draft, review, published or withdrawn, not %q", status)}
		}
	}
	if draft {
		if im.Status != "" && im.Status != fonds.StatusDraft {
			return usageError{fmt.Sprintf("--draft and --status %s say different things", status)}
		}
		im.Status = fonds.StatusDraft
	}
	if set["embargo"] {
		if _, err := fonds.ParseEmbargo(embargo); err != nil {
			return usageError{fmt.Sprintf("--embargo %q is neither a date (2027-01-01) nor a time (2027-01-01T09:00:00Z)", embargo)}
		}
		im.Embargo = embargo
	}
	if set["restricted"] {
		im.Restricted = &restricted
	}
	return nil
}

// runImport imports paths with im, showing a progress bar when stderr is a
// terminal, and writing each warning and error to stderr as "path:line: msg".
func runImport(ctx context.Context, im *ingest.Importer, paths []string, stderr io.Writer) (ingest.Summary, error) {
	files, err := im.Files(paths)
	if err != nil {
		return ingest.Summary{}, err
	}
	var bar *progressbar.ProgressBar
	if len(files) > 1 {
		bar = newBar(stderr, len(files), "importing")
	}
	if bar == nil && len(files) == 1 {
		// One file may be a volume of thousands of documents: count them.
		bar = newBar(stderr, -1, "importing documents")
		if bar != nil {
			im.Stored = func() { bar.Add(1) }
		}
	} else if bar != nil {
		documents := 0
		im.Progress = func(string) { bar.Add(1) }
		im.Stored = func() {
			documents++
			bar.Describe(fmt.Sprintf("importing (%d documents)", documents))
		}
	}
	// Messages go above the bar: clear it, print, and let it redraw.
	say := func(msg string) {
		if bar != nil {
			bar.Clear()
		}
		fmt.Fprintln(stderr, msg)
	}
	im.Warn = say
	sum, errs := im.Import(ctx, files)
	if bar != nil {
		bar.Finish()
	}
	for _, err := range errs {
		say(err.Error())
	}
	return sum, ctx.Err()
}

// newBar returns a progress bar counting to max (-1 when not yet known) on
// stderr, or nil when stderr is not a terminal: a log file gets no bar.
func newBar(stderr io.Writer, max int, what string) *progressbar.ProgressBar {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions(max,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
}
