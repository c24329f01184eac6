// Package tei reads and writes TEI P5, the interchange format of the field
// and the format Foreign Relations of the United States (FRUS) publishes in.
//
// The reader takes a file holding one <div type="document"> (a FRUS
// document), a whole volume (a <TEI> whose body holds many such divs, each
// read as a document in order), or a TEI file with one text. It reads token
// by token and holds one document at a time, so a volume of any size reads
// in bounded memory. Write writes one document as a TEI file with a full
// teiHeader; reading it back gives the same document.
//
// A volume is read document by document: each document is read whole and
// checked before it is passed on, and an error in the file stops the
// reading there, so the documents before the error have been passed on,
// each complete, and none after it.
//
// A FRUS document has the same id and collection (its volume) whether it
// comes in its volume or in a file of its own named after it
// ("frus1977-80v02_d1.xml"): its number is the div's @n, its section the
// heading of the chapter it stands in (a file of its own names none).
// What it points to within its volume ("#d9", "#d8fn3") is named so from
// anywhere ("frus1977-80v02#d9"). The mentions of its heading and of its
// source note are kept as spans beside their words.
package tei

import (
	"bytes"
	"encoding/xml"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"fonds"
)

// Reader implements fonds.Reader for TEI.
type Reader struct{}

var _ fonds.Reader = Reader{}

// ReadDocuments reads the documents of the TEI file r, named name, and
// calls fn for each in order with the warnings about it. An error in the
// file is a *fonds.ParseError naming the file and the line.
func (Reader) ReadDocuments(r io.Reader, name string, fn func(*fonds.Document, []fonds.Warning) error) error {
	dec := newDecoder(r, name)
	root, err := dec.root()
	if err != nil {
		return err
	}
	rd := &reader{name: name, dec: dec, reported: make(map[string]bool), lang: root.xmlLang()}
	switch {
	case isTEI(root.Name, "TEI"):
		return rd.readTEI(root, fn)
	case isTEI(root.Name, "div"):
		rd.volume = volumeFromName(name)
		tree, err := dec.readTree(xml.StartElement(root))
		if err != nil {
			return err
		}
		if err := dec.end(); err != nil {
			return err
		}
		d, warnings, err := rd.document(tree, false)
		if err != nil {
			return err
		}
		return fn(d, warnings)
	}
	return &fonds.ParseError{Path: name, Line: dec.line(), Msg: "not a TEI file: the root element is <" + root.Name.Local + ">"}
}

// startElement is an xml.StartElement with helpers.
type startElement xml.StartElement

func (s startElement) xmlLang() string {
	for _, a := range s.Attr {
		if a.Name.Space == xmlNS && a.Name.Local == "lang" {
			return a.Value
		}
	}
	return ""
}

func (s startElement) get(local string) string {
	for _, a := range s.Attr {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func isTEI(n xml.Name, local string) bool {
	return n.Local == local && (n.Space == teiNS || n.Space == "")
}

// root reads up to the root element.
func (dec *decoder) root() (startElement, error) {
	for {
		tok, err := dec.next()
		if err == io.EOF {
			return startElement{}, &fonds.ParseError{Path: dec.name, Line: dec.line(), Msg: "not a TEI file: no XML element"}
		}
		if err != nil {
			return startElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return startElement(t), nil
		case xml.CharData:
			if !isBlank(t) {
				return startElement{}, dec.errorf("not a TEI file: text before the root element")
			}
		}
	}
}

// end reads the rest of the file after the root element, which may hold
// only comments and white space.
func (dec *decoder) end() error {
	for {
		tok, err := dec.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return dec.errorf("invalid XML: a second root element <%s>", t.Name.Local)
		case xml.CharData:
			if !isBlank(t) {
				return dec.errorf("invalid XML: text after the root element")
			}
		}
	}
}

// frusFile matches the name of a FRUS single-document file:
// "frus1977-80v02_d1.xml".
var frusFile = regexp.MustCompile(`^(frus[\w-]+?)_(d\d+)$`)

// volumeFromName returns the volume a single-document file's name gives.
func volumeFromName(name string) string {
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	if m := frusFile.FindStringSubmatch(base); m != nil {
		return m[1]
	}
	return ""
}

// Volume returns the collection a volume file declares: its slug from the
// id of its <TEI> (or its idno), its title from the teiHeader's titleStmt.
// ok is false for a file that is not a volume (a single document, or a TEI
// file with one text). It reads the header and only as far as the first
// document.
func Volume(r io.Reader) (c fonds.Collection, ok bool, err error) {
	dec := newDecoder(r, "")
	root, err := dec.root()
	if err != nil {
		return c, false, err
	}
	if !isTEI(root.Name, "TEI") {
		return c, false, nil
	}
	for _, a := range root.Attr {
		if a.Name.Space == xmlNS && a.Name.Local == "id" {
			c.Slug = a.Value
		}
	}
	depth := 0
	for {
		tok, err := dec.next()
		if err == io.EOF {
			return c, false, nil
		}
		if err != nil {
			return c, false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 && isTEI(t.Name, "teiHeader") {
				tree, err := dec.readTree(t)
				if err != nil {
					return c, false, err
				}
				h := parseHeader(tree)
				if c.Slug == "" {
					c.Slug = h.volumeID
				}
				c.Title = h.volumeTitle
				if c.Slug == "" && c.Title != "" {
					c.Slug = fonds.CollectionSlug(c.Title)
				}
				continue
			}
			if isTEI(t.Name, "div") && startElement(t).get("type") == "document" {
				return c, c.Slug != "", nil
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// Sniff reports whether head, the start of a file, is TEI: an XML file
// whose root element is <TEI> or a <div> in the TEI namespace.
func Sniff(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for {
		head = bytes.TrimLeft(head, " \t\r\n")
		switch {
		case bytes.HasPrefix(head, []byte("<?")):
			i := bytes.Index(head, []byte("?>"))
			if i < 0 {
				return false
			}
			head = head[i+2:]
		case bytes.HasPrefix(head, []byte("<!--")):
			i := bytes.Index(head, []byte("-->"))
			if i < 0 {
				return false
			}
			head = head[i+3:]
		case bytes.HasPrefix(head, []byte("<!")):
			i := bytes.IndexByte(head, '>')
			if i < 0 {
				return false
			}
			head = head[i+1:]
		case bytes.HasPrefix(head, []byte("<TEI")) || bytes.HasPrefix(head, []byte("<tei:TEI")):
			return true
		case bytes.HasPrefix(head, []byte("<div")):
			i := bytes.IndexByte(head, '>')
			tag := head
			if i >= 0 {
				tag = head[:i]
			}
			return bytes.Contains(tag, []byte(teiNS))
		default:
			return false
		}
	}
}
