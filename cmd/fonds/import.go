package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"fonds"
	"fonds/ingest"
	"fonds/text"
)

var textReader fonds.Reader = text.Reader{}

func importCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	data := fs.String("data", "fonds-data", "the data `folder`")
	collection := fs.String("collection", "", "the `slug` of the collection to import into (default: each file's folder name)")
	draft := fs.Bool("draft", false, "import as drafts, not visible to the public")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"no files or folders to import"}
	}
	store, err := openStore(*data)
	if err != nil {
		return err
	}
	defer store.Close()
	im := &ingest.Importer{Store: store, Readers: readers(), Collection: *collection, Draft: *draft}
	sum, err := runImport(ctx, im, fs.Args(), stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, sum)
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
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && len(files) > 1 {
		bar = progressbar.NewOptions(len(files),
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("importing"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("files"),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100_000_000),
		)
		im.Progress = func(string) { bar.Add(1) }
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
