package text

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"fonds"
)

// maxLine is the longest line Parse accepts. Paragraphs are written on one
// line, so lines can be long, but a line of a mebibyte is not a paragraph.
const maxLine = 1 << 20

// line is one line of the input, decoded, with its 1-based number.
type line struct {
	n    int
	text string
}

// readLines reads r as lines of text: CR LF and lone CR end lines too, a
// byte order mark is dropped, text that is not UTF-8 is read as
// Windows-1252, and UTF-8 that was once read as Windows-1252 (mojibake) is
// repaired. Each repair is reported as a warning.
func readLines(r io.Reader, name string) ([]line, []fonds.Warning, error) {
	br := bufio.NewReaderSize(r, 16<<10)
	var (
		lines    []line
		buf      []byte
		n        int
		cp1252   lineCount
		mojibake lineCount
	)
	emit := func(b []byte) error {
		n++
		if bytes.IndexByte(b, 0) >= 0 {
			return &fonds.ParseError{Path: name, Line: n, Msg: "not a text file (NUL byte)"}
		}
		if n == 1 {
			b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		}
		s := string(b)
		if !utf8.Valid(b) {
			s = decodeWindows1252(b)
			cp1252.add(n)
		}
		// Text garbled twice is repaired twice; each repair shortens it, so
		// this ends.
		repaired := false
		for {
			r, ok := repairMojibake(s)
			if !ok {
				break
			}
			s, repaired = r, true
		}
		if repaired {
			mojibake.add(n)
		}
		lines = append(lines, line{n: n, text: s})
		return nil
	}
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxLine+2 {
			return nil, nil, &fonds.ParseError{Path: name, Line: n + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxLine)}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, nil, &fonds.ParseError{Path: name, Line: n + 1, Msg: "read: " + err.Error()}
		}
		if len(buf) > 0 || err == nil {
			b := bytes.TrimSuffix(buf, []byte("\n"))
			b = bytes.TrimSuffix(b, []byte("\r"))
			// A lone CR ends a line as well (old Macintosh files).
			parts := bytes.Split(b, []byte("\r"))
			for _, p := range parts {
				if len(p) > maxLine {
					return nil, nil, &fonds.ParseError{Path: name, Line: n + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxLine)}
				}
				if e := emit(p); e != nil {
					return nil, nil, e
				}
			}
		}
		buf = buf[:0]
		if err == io.EOF {
			break
		}
	}
	var warnings []fonds.Warning
	if cp1252.n > 0 {
		warnings = append(warnings, fonds.Warning{Line: cp1252.first, Message: "text is not UTF-8: read as Windows-1252" + cp1252.more()})
	}
	if mojibake.n > 0 {
		warnings = append(warnings, fonds.Warning{Line: mojibake.first, Message: "repaired mojibake (UTF-8 read as Windows-1252)" + mojibake.more()})
	}
	return lines, warnings, nil
}

// lineCount counts the lines a repair was made on, so that a file repaired
// throughout gives one warning rather than one a line.
type lineCount struct{ first, n int }

func (c *lineCount) add(n int) {
	if c.n == 0 {
		c.first = n
	}
	c.n++
}

func (c *lineCount) more() string {
	switch c.n {
	case 1:
		return ""
	case 2:
		return " (and 1 more line)"
	}
	return fmt.Sprintf(" (and %d more lines)", c.n-1)
}

func decodeWindows1252(b []byte) string {
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		// The decoder maps every byte to a rune; this cannot happen.
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
	}
	return string(s)
}

// cp1252Byte maps the runes Windows-1252 gives to bytes 0x80-0xFF back to
// those bytes. The five bytes Windows-1252 leaves undefined come back as C1
// control characters from most decoders, so those map to themselves.
var cp1252Byte = func() map[rune]byte {
	m := make(map[rune]byte)
	for b := 0x80; b <= 0xFF; b++ {
		r := charmap.Windows1252.DecodeByte(byte(b))
		if r != utf8.RuneError {
			m[r] = byte(b)
		}
	}
	for r := rune(0x80); r <= 0x9F; r++ {
		if _, ok := m[r]; !ok {
			m[r] = byte(r)
		}
	}
	return m
}()

// repairMojibake undoes UTF-8 that was decoded as Windows-1252: "â€œ" is
// the three bytes of "“" shown one by one. It replaces each run of runes
// whose Windows-1252 bytes form one UTF-8 character, and leaves the rest.
func repairMojibake(s string) (string, bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s, false
	}
	rs := []rune(s)
	var out []rune
	repaired := false
	for i := 0; i < len(rs); {
		lead, ok := cp1252Byte[rs[i]]
		if size := utf8SeqLen(lead); ok && size > 1 {
			seq := []byte{lead}
			j := i + 1
			for j < len(rs) && len(seq) < size {
				b, ok := cp1252Byte[rs[j]]
				if !ok || b < 0x80 || b > 0xBF {
					break
				}
				seq = append(seq, b)
				j++
			}
			// The closing quote "”" ends in a byte Windows-1252 leaves
			// undefined, which some decoders drop: "â€" alone is "”".
			if len(seq) == 2 && seq[0] == 0xE2 && seq[1] == 0x80 {
				seq = append(seq, 0x9D)
			}
			if r, n := utf8.DecodeRune(seq); len(seq) == size && r != utf8.RuneError && n == size {
				if !repaired {
					out = append(out, rs[:i]...)
					repaired = true
				}
				out = append(out, r)
				i = j
				continue
			}
		}
		if repaired {
			out = append(out, rs[i])
		}
		i++
	}
	if !repaired {
		return s, false
	}
	return string(out), true
}

// utf8SeqLen returns the length of the UTF-8 sequence that b leads, or 0.
func utf8SeqLen(b byte) int {
	switch {
	case b >= 0xC2 && b <= 0xDF:
		return 2
	case b >= 0xE0 && b <= 0xEF:
		return 3
	case b >= 0xF0 && b <= 0xF4:
		return 4
	}
	return 0
}
