package main

import (
	"context"
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
	data := fs.String("data", "fonds-data", "the data `folder`")
	collection := fs.String("collection", "", "the `slug` of the collection to import into (default: each file's folder name)")
	draft := fs.Bool("draft", false, "import as drafts, not visible to the public")
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
	a, err := openArchive(*data, indexIfFree)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.readOnly {
		return fmt.Errorf("%s: %w", *data, fonds.ErrReadOnly)
	}
	im := &ingest.Importer{Store: a.store, Images: a.images, Readers: readers(*italic), Collection: *collection, Draft: *draft, MaxDocument: *maxDocument << 20}
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
