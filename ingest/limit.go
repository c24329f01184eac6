package ingest

import (
	"bytes"
	"fmt"
	"io"

	"fonds"
)

// DefaultMaxDocument is the largest document an import reads when the
// Importer names no limit: far above any transcription of a real document,
// and low enough that the parsed document, its encodings and its index
// entries fit in memory many times over.
const DefaultMaxDocument = 16 << 20

// limitReader reads a file for the importer. It counts the bytes read since
// the reader last gave a document, and fails once they pass max: a reader
// then holds no more than one document's worth of the file, however large
// the file.
type limitReader struct {
	r     io.Reader
	path  string
	max   int64 // no limit if 0
	n     int64 // bytes read since the last document
	total int64 // bytes read in all
	lines int   // newlines read
	err   *fonds.ParseError
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.max > 0 && int64(len(p)) > l.max-l.n+1 {
		// Read no further than the byte past the limit, so that the error
		// names the line it is on.
		p = p[:l.max-l.n+1]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	l.total += int64(n)
	if l.max > 0 && l.n > l.max {
		line := l.lines + 1 + bytes.Count(p[:n-1], []byte("\n"))
		l.err = &fonds.ParseError{Path: l.path, Line: line,
			Msg: fmt.Sprintf("document is larger than the limit of %s", sizeString(l.max))}
		return 0, l.err
	}
	l.lines += bytes.Count(p[:n], []byte("\n"))
	return n, err
}

// document marks the end of a document: what the reader read so far was
// its. It returns the bytes read since the document before.
func (l *limitReader) document() int64 {
	n := l.n
	l.n = 0
	return n
}

// sizeString returns n bytes as people write it: "16 MB", "512 KB".
func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
