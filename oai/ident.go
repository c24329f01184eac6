package oai

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// repositoryIdentifier is the form of the namespace of OAI identifiers the
// oai-identifier description allows: a domain name.
var repositoryIdentifier = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$`)

// identifier returns the OAI identifier of the document id in the namespace
// host: "oai:host:id".
func identifier(host, id string) string {
	return "oai:" + host + ":" + escapeLocal(id)
}

// parseIdentifier returns the document id of the OAI identifier, and whether
// it is one of the namespace host. Scheme and host compare regardless of
// case; surrounding spaces are ignored.
func parseIdentifier(host, s string) (string, bool) {
	s = strings.TrimSpace(s)
	prefix := "oai:" + host + ":"
	if len(s) <= len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	id, err := url.PathUnescape(s[len(prefix):])
	if err != nil || id == "" {
		return "", false
	}
	return id, true
}

// escapeLocal percent-encodes the bytes of id that the local part of an OAI
// identifier does not allow, and the percent sign, so that parseIdentifier
// gives id back.
func escapeLocal(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < 0x80 && c != '%' && (isAlnum(c) || strings.IndexByte("-_.!~*'();/?:@&=+$,", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// The forms of datestamps: the repository's granularity, and days.
const (
	secondLayout = "2006-01-02T15:04:05Z"
	dayLayout    = "2006-01-02"
)

// datestamp returns t in UTC to the second, as the protocol writes it.
func datestamp(t time.Time) string {
	return t.UTC().Format(secondLayout)
}

// parseDatestamp reads a from or until argument of either granularity, and
// says whether it was a day.
func parseDatestamp(s string) (t time.Time, day bool, err error) {
	switch len(s) {
	case len(dayLayout):
		t, err = time.Parse(dayLayout, s)
		day = true
	case len(secondLayout):
		t, err = time.Parse(secondLayout, s)
	default:
		err = errors.New("wrong length")
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%q is not a datestamp YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ", s)
	}
	return t, day, nil
}

// parseRange reads the from and until arguments (either may be "") as the
// inclusive bounds of the records' datestamps, which the store keeps finer
// than seconds: until a day means to the end of the day, until a second to
// its end. It returns what is wrong with them, or "".
func parseRange(from, until string) (lo, hi time.Time, msg string) {
	var loDay, hiDay bool
	var err error
	if from != "" {
		if lo, loDay, err = parseDatestamp(from); err != nil {
			return time.Time{}, time.Time{}, "from: " + err.Error()
		}
	}
	if until != "" {
		if hi, hiDay, err = parseDatestamp(until); err != nil {
			return time.Time{}, time.Time{}, "until: " + err.Error()
		}
	}
	if from == "" || until == "" {
		// One bound alone: nothing to compare.
	} else if loDay != hiDay {
		return time.Time{}, time.Time{}, "from and until have different granularities"
	} else if lo.After(hi) {
		return time.Time{}, time.Time{}, "from is later than until"
	}
	switch {
	case until == "":
	case hiDay:
		hi = hi.AddDate(0, 0, 1).Add(-time.Nanosecond)
	default:
		hi = hi.Add(time.Second - time.Nanosecond)
	}
	return lo, hi, ""
}

// rootElement returns the root element of the XML document b, without what
// comes before it (declaration, comments, doctype) or after it, and its
// start tag; it checks that the document is well formed.
func rootElement(b []byte) ([]byte, xml.StartElement, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var root xml.StartElement
	start, end := -1, -1
	depth := 0
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, root, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if start >= 0 {
					return nil, root, errors.New("more than one root element")
				}
				start, root = int(off), tok.Copy()
			}
			depth++
		case xml.EndElement:
			depth--
			if depth == 0 {
				end = int(dec.InputOffset())
			}
		}
	}
	if start < 0 || end < 0 {
		return nil, root, errors.New("no root element")
	}
	return b[start:end], root, nil
}

// withSchemaLocation returns the element elem, whose start tag is start,
// with an xsi:schemaLocation attribute of the namespace and schema, unless
// it declares the prefix xsi or a schema location already. Validating
// harvesters need it: the protocol's schema validates metadata strictly.
func withSchemaLocation(elem []byte, start xml.StartElement, namespace, schema string) []byte {
	for _, a := range start.Attr {
		if (a.Name.Space == "xmlns" && a.Name.Local == "xsi") || (a.Name.Space == nsXSI && a.Name.Local == "schemaLocation") {
			return elem
		}
	}
	// The name of the element ends at the first space, slash or '>'.
	i := bytes.IndexAny(elem, " \t\r\n/>")
	if i < 0 {
		return elem
	}
	var w xmlWriter
	w.Write(elem[:i])
	w.WriteString(` xmlns:xsi="` + nsXSI + `" xsi:schemaLocation="`)
	w.text(namespace + " " + schema)
	w.WriteByte('"')
	w.Write(elem[i:])
	return w.Bytes()
}
