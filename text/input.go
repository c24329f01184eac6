package text

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"fonds"
	"fonds/mojibake"
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
		lines   []line
		buf     []byte
		n       int
		cp1252  lineCount
		garbled lineCount
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
			s = mojibake.DecodeWindows1252(b)
			cp1252.add(n)
		}
		// Text garbled twice is repaired twice; each repair shortens it, so
		// this ends.
		if r, ok := mojibake.Repair(s); ok {
			s = r
			garbled.add(n)
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
	if garbled.n > 0 {
		warnings = append(warnings, fonds.Warning{Line: garbled.first, Message: "repaired mojibake (UTF-8 read as Windows-1252)" + garbled.more()})
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
