package wxr

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"

	"fonds"
)

// declaredEncoding matches the encoding an XML declaration names.
var declaredEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)

// repairer mends, as it reads, the defects of an export that would stop
// an XML parser but not a reader: bytes that are not UTF-8 in a file that
// says it is (read as Windows-1252, as the text was most likely typed), and
// control characters XML does not allow (pasted from word processors), which
// are dropped. Each kind of repair is reported once, with the first line it
// was made on.
type repairer struct {
	r      io.Reader
	off    bool   // the file declares another encoding: the XML decoder reads it
	buf    []byte // read, and not yet repaired: the start of a character cut by a read
	out    []byte // repaired, and not yet returned
	err    error  // of the last read, given once out is drained
	line   int
	bad    lineCount // bytes that are not UTF-8
	ctrl   lineCount // characters XML does not allow
	reader []byte    // what each read reads into
}

// lineCount counts repairs, and the line of the first.
type lineCount struct{ first, n int }

func (c *lineCount) add(line int) {
	if c.n == 0 {
		c.first = line
	}
	c.n++
}

// newRepairer returns a repairer reading r. A byte order mark is dropped.
func newRepairer(r io.Reader) (*repairer, error) {
	br := bufio.NewReaderSize(r, 32<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\uFEFF")) {
		br.Discard(3)
	}
	head, err := br.Peek(1024)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	p := &repairer{r: br, line: 1, reader: make([]byte, 32<<10)}
	if m := declaredEncoding.FindSubmatch(head); m != nil {
		if enc := strings.ToLower(string(m[1])); enc != "utf-8" && enc != "utf8" {
			p.off = true
		}
	}
	return p, nil
}

func (p *repairer) Read(b []byte) (int, error) {
	if p.off {
		return p.r.Read(b)
	}
	for len(p.out) == 0 {
		if p.err != nil {
			return 0, p.err
		}
		n, err := p.r.Read(p.reader)
		p.buf = append(p.buf, p.reader[:n]...)
		cut := len(p.buf)
		if err == nil {
			// Keep the start of a character the read cut in two.
			for i := max(0, len(p.buf)-utf8.UTFMax+1); i < len(p.buf); i++ {
				if utf8.RuneStart(p.buf[i]) && p.buf[i] >= utf8.RuneSelf && !utf8.FullRune(p.buf[i:]) {
					cut = i
					break
				}
			}
		}
		p.out = p.repair(p.out[:0], p.buf[:cut])
		p.buf = append(p.buf[:0], p.buf[cut:]...)
		p.err = err
	}
	n := copy(b, p.out)
	p.out = p.out[n:]
	return n, nil
}

// repair appends data to out, repaired.
func (p *repairer) repair(out, data []byte) []byte {
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c == '\n' {
				p.line++
			}
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				p.ctrl.add(p.line)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			p.bad.add(p.line)
			out = utf8.AppendRune(out, charmap.Windows1252.DecodeByte(c))
		case r == 0xFFFE || r == 0xFFFF:
			p.ctrl.add(p.line)
		default:
			out = append(out, data[i:i+size]...)
		}
		i += size
	}
	return out
}

// take returns the warnings about the repairs made since it was last
// called.
func (p *repairer) take() []fonds.Warning {
	var ws []fonds.Warning
	if p.bad.n > 0 {
		ws = append(ws, fonds.Warning{Line: p.bad.first, Message: fmt.Sprintf("%s not UTF-8: read as Windows-1252", count(p.bad.n, "byte is", "bytes are"))})
	}
	if p.ctrl.n > 0 {
		ws = append(ws, fonds.Warning{Line: p.ctrl.first, Message: fmt.Sprintf("dropped %s XML does not allow", count(p.ctrl.n, "control character", "control characters"))})
	}
	p.bad, p.ctrl = lineCount{}, lineCount{}
	return ws
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// cleanTitle returns a post's title as plain text: WordPress keeps
// character references and now and then a tag in it.
func cleanTitle(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt == html.TextToken {
			b.Write(z.Text())
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
