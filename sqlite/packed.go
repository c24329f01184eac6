package sqlite

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"sync"

	"fonds"
	"fonds/internal/stored"
)

// Bodies are kept packed: the JSON of a document, which is most of what the
// store holds, compressed with zlib in the packed column (see migration
// 16). A row written before packing keeps its JSON in body, which bodyOf
// reads when packed is NULL. A zlib stream begins with 0x78, never with the
// '{' a body's JSON begins with, so that unpack tells the two apart.

// bodyOf returns the SQL expression of the stored body of the row of
// documents or revisions named table (an alias, or "" for the table
// itself): its packed bytes, or else its JSON.
func bodyOf(table string) string {
	if table != "" {
		table += "."
	}
	return "coalesce(" + table + "packed, CAST(" + table + "body AS BLOB))"
}

// maxUnpacked bounds the JSON a packed body may unpack to, so that a
// damaged row cannot take the memory of the process: far beyond the JSON
// of the largest document an import takes.
const maxUnpacked = 1 << 30

// packers keeps zlib writers, whose state is some hundreds of kilobytes,
// for the next save.
var packers = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

// unpackers keeps zlib readers for the next read of a body: a new one
// allocates tens of kilobytes.
var unpackers sync.Pool

// pack returns body, a document's JSON, compressed. BestSpeed: the import
// saves thousands of documents a minute, and more effort saves a few
// percent more.
func pack(body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body)/2 + 64)
	w := packers.Get().(*zlib.Writer)
	w.Reset(&buf)
	w.Write(body) // writes to a bytes.Buffer do not fail
	w.Close()
	packers.Put(w)
	return buf.Bytes()
}

// unpack returns the JSON of a stored body: b itself when it is JSON, or
// else b uncompressed.
func unpack(b []byte) ([]byte, error) {
	if len(b) == 0 || b[0] == '{' {
		return b, nil
	}
	var r io.ReadCloser
	var err error
	if pooled, ok := unpackers.Get().(io.ReadCloser); ok {
		r, err = pooled, pooled.(zlib.Resetter).Reset(bytes.NewReader(b), nil)
	} else {
		r, err = zlib.NewReader(bytes.NewReader(b))
	}
	if err != nil {
		return nil, fmt.Errorf("packed body: %w", err)
	}
	defer unpackers.Put(r)
	out, err := io.ReadAll(io.LimitReader(r, maxUnpacked+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("packed body: %w", err)
	case len(out) > maxUnpacked:
		return nil, fmt.Errorf("packed body: more than %d bytes unpacked", maxUnpacked)
	}
	return out, nil
}

// decodeBody returns the document of a stored body, packed or not.
func decodeBody(b []byte) (*fonds.Document, error) {
	j, err := unpack(b)
	if err != nil {
		return nil, err
	}
	return stored.Decode(j)
}
