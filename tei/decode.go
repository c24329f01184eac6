package tei

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"fonds"
)

// The namespaces a TEI file uses.
const (
	teiNS  = "http://www.tei-c.org/ns/1.0"
	frusNS = "http://history.state.gov/frus/ns/1.0"
	xmlNS  = "http://www.w3.org/XML/1998/namespace"
)

// Limits that keep a hostile or broken file from taking the memory of the
// machine: the reader holds one document at a time, never the whole file.
const (
	// maxRun is the longest run of bytes without "<" or ">": a text or a
	// tag longer than this is not a transcription.
	maxRun = 16 << 20
	// maxDocument is the most input one document may take.
	maxDocument = 64 << 20
	// maxDepth is how deeply elements may nest.
	maxDepth = 200
)

// node is an element of the XML tree of one document, or a run of its text.
type node struct {
	name xml.Name // empty for text
	attr []xml.Attr
	line int
	kids []*node
	text string
}

func (n *node) isText() bool { return n.name.Local == "" }

// is reports whether n is the TEI (or un-namespaced) element local.
func (n *node) is(local string) bool {
	return n.name.Local == local && (n.name.Space == teiNS || n.name.Space == "")
}

// get returns the value of the attribute local in no namespace, or "".
func (n *node) get(local string) string {
	for _, a := range n.attr {
		if a.Name.Local == local && (a.Name.Space == "" || a.Name.Space == teiNS) {
			return a.Value
		}
	}
	return ""
}

// getNS returns the value of the attribute local in namespace space.
func (n *node) getNS(space, local string) string {
	for _, a := range n.attr {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value
		}
	}
	return ""
}

// child returns the first child element named local, or nil.
func (n *node) child(local string) *node {
	for _, k := range n.kids {
		if k.is(local) {
			return k
		}
	}
	return nil
}

// children returns the child elements named local.
func (n *node) children(local string) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.is(local) {
			out = append(out, k)
		}
	}
	return out
}

// find returns the first descendant element named local, depth first.
func (n *node) find(local string) *node {
	for _, k := range n.kids {
		if k.is(local) {
			return k
		}
		if f := k.find(local); f != nil {
			return f
		}
	}
	return nil
}

// rawText returns the character data of n and its descendants as written.
func (n *node) rawText() string {
	if n.isText() {
		return n.text
	}
	var b strings.Builder
	for _, k := range n.kids {
		b.WriteString(k.rawText())
	}
	return b.String()
}

// plainText returns the words of n with the white space of the file's
// layout (runs holding a line end) read as one space, and trimmed.
func (n *node) plainText() string { return collapse(n.rawText()) }

// collapse reads every run of white space that holds a line end as one
// space, and trims such runs at the ends. Spaces written on one line are
// kept.
func collapse(s string) string {
	var b strings.Builder
	pending := false
	for len(s) > 0 {
		i := strings.IndexFunc(s, func(r rune) bool { return !isSpace(r) })
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			run := s[:i]
			if strings.ContainsAny(run, "\n\r") {
				pending = b.Len() > 0
			} else {
				b.WriteString(run)
				pending = false
			}
			s = s[i:]
			continue
		}
		j := strings.IndexFunc(s, isSpace)
		if j < 0 {
			j = len(s)
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteString(s[:j])
		s = s[j:]
	}
	return b.String()
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// decoder reads the tokens of a file, turning every failure into a
// *fonds.ParseError that names the file and the line.
type decoder struct {
	d        *xml.Decoder
	name     string
	warnings []fonds.Warning // about the file as a whole
}

// runError is the error of a run of bytes longer than maxRun.
type runError struct{}

func (runError) Error() string {
	return fmt.Sprintf("a text or tag longer than %d MiB without markup: not a transcription", maxRun>>20)
}

// encodingError is the error of a file whose bytes contradict the encoding
// it declares.
type encodingError struct{ msg string }

func (e encodingError) Error() string { return e.msg }

// guard fails a read once a run of bytes without "<" or ">" grows longer
// than maxRun, so that a file of one endless line or text costs bounded
// memory in the XML decoder.
type guard struct {
	r   io.Reader
	run int
}

func (g *guard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		if c == '<' || c == '>' {
			g.run = 0
			continue
		}
		if g.run++; g.run > maxRun {
			return 0, runError{}
		}
	}
	return n, err
}

func newDecoder(r io.Reader, name string) *decoder {
	d := xml.NewDecoder(&guard{r: r})
	d.Strict = true
	d.CharsetReader = charsetReader
	return &decoder{d: d, name: name}
}

// charsetReader reads the encodings transcriptions come in besides UTF-8.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	var cm *charmap.Charmap
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		cm = charmap.ISO8859_1
	case "windows-1252", "cp1252", "x-cp1252":
		cm = charmap.Windows1252
	default:
		return nil, encodingError{fmt.Sprintf("encoding %q is not supported (use UTF-8, ISO-8859-1 or windows-1252)", label)}
	}
	return cm.NewDecoder().Reader(&notUTF8{r: input, label: label}), nil
}

// notUTF8 fails when bytes declared to be a single-byte encoding read as
// UTF-8 characters: the declaration is then wrong, and decoding by it would
// garble every accented letter.
type notUTF8 struct {
	r     io.Reader
	label string
}

func (u *notUTF8) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	b := p[:n]
	for i := 0; i < len(b); i++ {
		if b[i] < 0xC2 || b[i] > 0xF4 {
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError && size > 1 {
			return 0, encodingError{fmt.Sprintf("the file declares encoding %q but is UTF-8 (%q): declare encoding=\"UTF-8\"", u.label, string(r))}
		}
	}
	return n, err
}

// line returns the line the decoder has read to.
func (dec *decoder) line() int {
	line, _ := dec.d.InputPos()
	return line
}

// errorf returns a ParseError at the current line.
func (dec *decoder) errorf(format string, args ...any) error {
	return &fonds.ParseError{Path: dec.name, Line: dec.line(), Msg: fmt.Sprintf(format, args...)}
}

// wrap turns an error of the XML decoder into a ParseError.
func (dec *decoder) wrap(err error) error {
	var pe *fonds.ParseError
	if errors.As(err, &pe) {
		return err
	}
	var re runError
	var ee encodingError
	var se *xml.SyntaxError
	switch {
	case errors.As(err, &re):
		return dec.errorf("%v", re)
	case errors.As(err, &ee):
		return dec.errorf("%v", ee)
	case errors.As(err, &se):
		msg := se.Msg
		switch {
		case strings.Contains(msg, "invalid UTF-8"):
			msg = "text is not UTF-8: if the file is ISO-8859-1 or windows-1252, declare it in <?xml … encoding=\"…\"?>"
		case msg == "unexpected EOF":
			msg = "unexpected end of file"
		case strings.Contains(msg, "entity"):
			msg += " (only the five predefined entities and character references are read)"
		}
		return &fonds.ParseError{Path: dec.name, Line: se.Line, Msg: "invalid XML: " + msg}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return dec.errorf("invalid XML: unexpected end of file")
	}
	return dec.errorf("invalid XML: %v", err)
}

// next returns the next token that matters: elements, their text and their
// ends. A DOCTYPE with an internal subset (where entities are declared) is
// refused; one that names an external DTD is ignored with a warning, and
// the DTD never fetched.
func (dec *decoder) next() (xml.Token, error) {
	for {
		tok, err := dec.d.Token()
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			return nil, dec.wrap(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			s := strings.TrimSpace(string(t))
			if !strings.HasPrefix(s, "DOCTYPE") {
				continue
			}
			if strings.Contains(s, "[") {
				return nil, dec.errorf("DOCTYPE with an internal subset refused: entity declarations are not read")
			}
			dec.warnings = append(dec.warnings, fonds.Warning{Line: dec.line(),
				Message: "DOCTYPE ignored: its DTD is never fetched and the file is read as TEI P5"})
		case xml.ProcInst, xml.Comment:
		case xml.StartElement:
			t = t.Copy()
			for i, a := range t.Attr {
				// XML reads white space in an attribute as spaces.
				t.Attr[i].Value = strings.Map(func(r rune) rune {
					if r == '\n' || r == '\r' || r == '\t' {
						return ' '
					}
					return r
				}, a.Value)
			}
			return t, nil
		case xml.EndElement:
			return t, nil
		case xml.CharData:
			return t.Copy(), nil
		}
	}
}

// readTree reads the element start opened, and everything up to its end,
// as a tree. It fails if the element takes more than maxDocument bytes of
// input or nests more than maxDepth deep.
func (dec *decoder) readTree(start xml.StartElement) (*node, error) {
	root := &node{name: start.Name, attr: start.Attr, line: dec.line()}
	stack := []*node{root}
	begin := dec.d.InputOffset()
	for len(stack) > 0 {
		tok, err := dec.next()
		if err == io.EOF {
			return nil, dec.errorf("invalid XML: unexpected end of file inside <%s> of line %d", root.name.Local, root.line)
		}
		if err != nil {
			return nil, err
		}
		if dec.d.InputOffset()-begin > maxDocument {
			return nil, dec.errorf("<%s> of line %d is larger than %d MiB", root.name.Local, root.line, maxDocument>>20)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return nil, dec.errorf("elements nested more than %d deep", maxDepth)
			}
			n := &node{name: t.Name, attr: t.Attr, line: dec.line()}
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if k := len(top.kids); k > 0 && top.kids[k-1].isText() {
				top.kids[k-1].text += string(t)
			} else {
				top.kids = append(top.kids, &node{text: string(t), line: dec.line()})
			}
		}
	}
	return root, nil
}

// skip reads past the end of the element whose start was just read.
func (dec *decoder) skip() error {
	depth := 1
	for depth > 0 {
		tok, err := dec.next()
		if err == io.EOF {
			return dec.errorf("invalid XML: unexpected end of file")
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// isBlank reports whether b is only white space.
func isBlank(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }
