package bleve

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"
	"sync"
)

// The page texts of a document are stored as one value, compressed with
// DEFLATE: the snippets are cut from them, and they are the largest part of
// what the index stores. bleve compresses stored values with Snappy, which
// leaves more than half of a text; DEFLATE leaves little more than a third,
// and one value for all the pages compresses better than a value each.
//
// The value is, before compression, the length of each page text as a
// uvarint followed by its bytes, page after page in the order of the
// document's page arrays.

// pagesLevel is the DEFLATE level of the page texts: past it, more time
// buys few bytes.
const pagesLevel = flate.DefaultCompression

var pageWriters = sync.Pool{New: func() any {
	w, err := flate.NewWriter(nil, pagesLevel)
	if err != nil {
		panic(err) // only for a bad level
	}
	return w
}}

// encodePages returns the stored value of the page texts.
func encodePages(pages []string) []byte {
	n := 0
	for _, p := range pages {
		n += len(p) + binary.MaxVarintLen32
	}
	raw := make([]byte, 0, n)
	for _, p := range pages {
		raw = binary.AppendUvarint(raw, uint64(len(p)))
		raw = append(raw, p...)
	}
	var out bytes.Buffer
	out.Grow(len(raw)/2 + 64)
	w := pageWriters.Get().(*flate.Writer)
	w.Reset(&out)
	w.Write(raw) // a bytes.Buffer does not fail
	w.Close()
	pageWriters.Put(w)
	return out.Bytes()
}

var pageReaders sync.Pool

// decodePages returns the page texts of a stored value: all of them when n
// is negative, else the first n (or fewer), which spares decompressing the
// rest.
func decodePages(value []byte, n int) ([]string, error) {
	if n == 0 {
		return nil, nil
	}
	r, ok := pageReaders.Get().(io.ReadCloser)
	if ok {
		r.(flate.Resetter).Reset(bytes.NewReader(value), nil)
	} else {
		r = flate.NewReader(bytes.NewReader(value))
	}
	defer pageReaders.Put(r)
	br := byteReader{r: r}
	var pages []string
	for n < 0 || len(pages) < n {
		size, err := binary.ReadUvarint(&br)
		if err == io.EOF {
			break
		}
		if err != nil || size > uint64(len(value))*1032+64 {
			// DEFLATE expands at most 1032 times: a bigger length is corrupt.
			return nil, errCorruptPages
		}
		page := make([]byte, size)
		if _, err := io.ReadFull(r, page); err != nil {
			return nil, errCorruptPages
		}
		pages = append(pages, string(page))
	}
	return pages, nil
}

// byteReader reads one byte at a time, for binary.ReadUvarint.
type byteReader struct {
	r   io.Reader
	buf [1]byte
}

func (b *byteReader) ReadByte() (byte, error) {
	if _, err := io.ReadFull(b.r, b.buf[:]); err != nil {
		return 0, err
	}
	return b.buf[0], nil
}

var errCorruptPages = errors.New("corrupt stored page texts")
