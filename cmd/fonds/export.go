package main

import (
	"archive/zip"
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

// exportFormat is a format documents are exported in.
type exportFormat struct {
	ext   string // of a file of one document
	write func(io.Writer, *fonds.Document) error
	// many says how documents share one stream: "" when they cannot (each
	// is a whole file), else what goes between two.
	many string
}

var exportFormats = map[string]exportFormat{
	// The transcription format holds one document a file; on one stream,
	// a form feed line parts them.
	"text": {ext: ".txt", write: text.Write, many: "\f\n"},
	"json": {ext: ".json", write: writeJSON, many: "\n"},
	// jsonl is json by the name data users look for: a document a line.
	"jsonl": {ext: ".json", write: writeJSON, many: "\n"},
	"tei":   {ext: ".tei.xml", write: func(w io.Writer, d *fonds.Document) error { return teiWriter(w, d) }},
}

func writeJSON(w io.Writer, d *fonds.Document) error {
	b, err := json.Marshal(web.NewAPIDocument(d, ""))
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", stderr)
	loc := locationFlags(fs)
	format := fs.String("format", "", "the format: text (the transcription format), json or jsonl (one document a line), tei (TEI P5, with --out), tei-zip (a zip of TEI files)")
	out := fs.String("out", "", "write one file per document into this `folder` (tei-zip: the zip file) instead of to standard output")
	all := fs.Bool("all", false, "export every document, drafts included")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f, ok := exportFormats[*format]
	if !ok && *format != "tei-zip" {
		return usageError{fmt.Sprintf("--format must be text, json, jsonl, tei or tei-zip, not %q", *format)}
	}
	if *format == "tei" && *out == "" {
		return usageError{"--format tei writes a file a document: give the folder with --out, or use tei-zip"}
	}
	if *all == (fs.NArg() > 0) {
		return usageError{"name the documents to export, or --all"}
	}
	store, err := openStoreAt(ctx, loc)
	if err != nil {
		return err
	}
	defer store.Close()
	each := func(emit func(*fonds.Document) error) error {
		if *all {
			return eachDocument(ctx, store, emit)
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
		return nil
	}

	switch {
	case *format == "tei-zip":
		return exportZip(*out, stdout, each)
	case *out != "":
		return each(func(d *fonds.Document) error { return exportFile(*out, f, d) })
	}
	w := bufio.NewWriter(stdout)
	n := 0
	err = each(func(d *fonds.Document) error {
		if n++; n > 1 && f.many == "\f\n" {
			io.WriteString(w, f.many)
		}
		if err := f.write(w, d); err != nil {
			return err
		}
		if f.many == "\n" {
			io.WriteString(w, "\n")
		}
		return nil
	})
	if err != nil {
		return err
	}
	return w.Flush()
}

// eachDocument calls emit for every document of the store, in date order,
// a page at a time, so that memory stays flat however large the archive.
func eachDocument(ctx context.Context, store fonds.Store, emit func(*fonds.Document) error) error {
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
			return nil
		}
	}
}

// exportZip writes a zip of TEI files, one a document, to the file named
// path (through a temporary file renamed into place) or to stdout.
func exportZip(path string, stdout io.Writer, each func(func(*fonds.Document) error) error) error {
	write := func(w io.Writer) error {
		zw := zip.NewWriter(w)
		err := each(func(d *fonds.Document) error {
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: d.ID + ".tei.xml", Method: zip.Deflate, Modified: d.Updated})
			if err != nil {
				return err
			}
			return teiWriter(fw, d)
		})
		if err != nil {
			return err
		}
		return zw.Close()
	}
	if path == "" {
		bw := bufio.NewWriter(stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	return writeAtomically(path, func(w io.Writer) error { return write(w) })
}

// exportFile writes d to DIR/ID.EXT.
func exportFile(dir string, f exportFormat, d *fonds.Document) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return writeAtomically(filepath.Join(dir, d.ID+f.ext), func(w io.Writer) error { return f.write(w, d) })
}

// writeAtomically writes the file at path through a temporary file renamed
// into place, so that no half-written file is ever left behind.
func writeAtomically(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
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
	return os.Rename(f.Name(), path)
}
