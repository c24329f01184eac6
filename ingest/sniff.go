package ingest

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"fonds"
)

// sniffLen is how much of a file the formats are told apart by.
const sniffLen = 4096

// Format is a file format told apart from others of the same extension by
// how its files begin.
type Format struct {
	Name   string
	Sniff  func(head []byte) bool
	Reader fonds.Reader
}

// Sniffer is the Reader of an extension several formats share (".xml": TEI,
// WordPress exports): it reads each file with the first format whose Sniff
// accepts the file's first bytes.
type Sniffer []Format

func (s Sniffer) pick(r io.Reader) (Format, *bufio.Reader, error) {
	br := bufio.NewReaderSize(r, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return Format{}, nil, err
	}
	for _, f := range s {
		if f.Sniff(head) {
			return f, br, nil
		}
	}
	var names []string
	for _, f := range s {
		names = append(names, f.Name)
	}
	return Format{}, nil, fmt.Errorf("not a format fonds reads (%s)", strings.Join(names, ", "))
}

// ReadDocuments reads r with the reader of its format.
func (s Sniffer) ReadDocuments(r io.Reader, name string, fn func(*fonds.Document, []fonds.Warning) error) error {
	f, br, err := s.pick(r)
	if err != nil {
		return &fonds.ParseError{Path: name, Msg: err.Error()}
	}
	return f.Reader.ReadDocuments(br, name, fn)
}

// DeclaredCollection asks the reader of r's format for the collection r
// declares, if that reader knows of such a thing.
func (s Sniffer) DeclaredCollection(r io.Reader) (fonds.Collection, bool, error) {
	f, br, err := s.pick(r)
	if err != nil {
		return fonds.Collection{}, false, nil // ReadDocuments will say what is wrong
	}
	if cd, ok := f.Reader.(CollectionDeclarer); ok {
		return cd.DeclaredCollection(br)
	}
	return fonds.Collection{}, false, nil
}
