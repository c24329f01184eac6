package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"fonds"
	"fonds/text"
	"fonds/web"
)

func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", stderr)
	data := fs.String("data", "fonds-data", "the data `folder`")
	format := fs.String("format", "", "the format: text (the transcription format) or json (one document a line)")
	out := fs.String("out", "", "write one file per document into this `folder` instead of to standard output")
	all := fs.Bool("all", false, "export every document, drafts included")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Sprintf("--format must be text or json, not %q", *format)}
	}
	if *all == (fs.NArg() > 0) {
		return usageError{"name the documents to export, or --all"}
	}
	store, err := openStore(*data)
	if err != nil {
		return err
	}
	defer store.Close()

	w := bufio.NewWriter(stdout)
	n := 0
	emit := func(d *fonds.Document) error {
		n++
		if *out != "" {
			return exportFile(*out, *format, d)
		}
		if *format == "text" && n > 1 {
			// The transcription format holds one document a file; on one
			// stream, a form feed line parts them.
			fmt.Fprint(w, "\f\n")
		}
		return writeDocument(w, *format, d)
	}
	if *all {
		// Page through the archive so memory stays flat however large it is.
		const page = 500
		for offset := 0; ; offset += page {
			docs, _, err := store.Documents(ctx, fonds.Filter{Offset: offset, Limit: page})
			if err != nil {
				return err
			}
			for _, d := range docs {
				if err := emit(d); err != nil {
					return err
				}
			}
			if len(docs) < page {
				break
			}
		}
		return w.Flush()
	}
	for _, id := range fs.Args() {
		d, err := store.Document(ctx, id)
		if err != nil {
			return err
		}
		if err := emit(d); err != nil {
			return err
		}
	}
	return w.Flush()
}

func writeDocument(w io.Writer, format string, d *fonds.Document) error {
	if format == "json" {
		return json.NewEncoder(w).Encode(web.NewAPIDocument(d, ""))
	}
	return text.Write(w, d)
}

// exportFile writes d to DIR/ID.txt or DIR/ID.json, through a temporary file
// renamed into place, so that no half-written file is left behind.
func exportFile(dir, format string, d *fonds.Document) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ext := ".txt"
	if format == "json" {
		ext = ".json"
	}
	f, err := os.CreateTemp(dir, ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriter(f)
	if err := writeDocument(bw, format, d); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, d.ID+ext))
}
