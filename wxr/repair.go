package wxr

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"

	"fonds"
)

// declaredEncoding matches the encoding an XML declaration names.
var declaredEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)

// repairBytes mends the defects of an export that would stop an XML parser
// but not a reader: bytes that are not UTF-8 in a file that says it is
// (read as Windows-1252, as the text was most likely typed), and control
// characters XML does not allow (pasted from word processors), which are
// dropped. Each repair is reported once, with the first line it was made on.
func repairBytes(data []byte) ([]byte, []fonds.Warning) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if m := declaredEncoding.FindSubmatch(data); m != nil {
		if enc := strings.ToLower(string(m[1])); enc != "utf-8" && enc != "utf8" {
			// The XML decoder reads the declared encoding.
			return data, nil
		}
	}
	var (
		out             []byte
		badLine, badN   int
		ctrlLine, ctrlN int
		line            = 1
		changed         bool
	)
	for i := 0; i < len(data); {
		c := data[i]
		if c == '\n' {
			line++
		}
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				if !changed {
					out, changed = append(out, data[:i]...), true
				}
				if ctrlN == 0 {
					ctrlLine = line
				}
				ctrlN++
				i++
				continue
			}
			if changed {
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			if !changed {
				out, changed = append(out, data[:i]...), true
			}
			if badN == 0 {
				badLine = line
			}
			badN++
			out = utf8.AppendRune(out, charmap.Windows1252.DecodeByte(c))
			i++
			continue
		}
		if r == 0xFFFE || r == 0xFFFF {
			if !changed {
				out, changed = append(out, data[:i]...), true
			}
			if ctrlN == 0 {
				ctrlLine = line
			}
			ctrlN++
			i += size
			continue
		}
		if changed {
			out = append(out, data[i:i+size]...)
		}
		i += size
	}
	if !changed {
		return data, nil
	}
	var ws []fonds.Warning
	if badN > 0 {
		ws = append(ws, fonds.Warning{Line: badLine, Message: fmt.Sprintf("%s not UTF-8: read as Windows-1252", count(badN, "byte is", "bytes are"))})
	}
	if ctrlN > 0 {
		ws = append(ws, fonds.Warning{Line: ctrlLine, Message: fmt.Sprintf("dropped %s XML does not allow", count(ctrlN, "control character", "control characters"))})
	}
	return out, ws
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// cp1252Byte maps each rune Windows-1252 decodes a byte of 0x80-0xFF to,
// back to the byte. The bytes it leaves undefined come back from most
// decoders as the C1 control of the same number, so those map to themselves.
var cp1252Byte = func() map[rune]byte {
	m := make(map[rune]byte)
	for b := 0x80; b <= 0xFF; b++ {
		if r := charmap.Windows1252.DecodeByte(byte(b)); r != utf8.RuneError {
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

// repairMojibake undoes UTF-8 that was once decoded as Windows-1252 ("â€œ"
// for "“"), twice if it was garbled twice. It rewrites only runs of runes
// whose bytes form one valid UTF-8 character, so text that merely uses
// accented letters stays as it is.
func repairMojibake(s string) (string, bool) {
	repaired := false
	for range 3 {
		r, ok := repairOnce(s)
		if !ok {
			break
		}
		s, repaired = r, true
	}
	return s, repaired
}

func repairOnce(s string) (string, bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s, false
	}
	rs := []rune(s)
	var b strings.Builder
	done := 0 // runes of rs written to b
	for i := 0; i < len(rs); i++ {
		lead, ok := cp1252Byte[rs[i]]
		n := seqLen(lead)
		if !ok || n < 2 {
			continue
		}
		seq := []byte{lead}
		j := i + 1
		for j < len(rs) && len(seq) < n {
			c, ok := cp1252Byte[rs[j]]
			if !ok || c < 0x80 || c > 0xBF {
				break
			}
			seq = append(seq, c)
			j++
		}
		// "”" ends in the byte 0x9D, which Windows-1252 leaves undefined
		// and many decoders drop: "â€" alone was "”".
		if len(seq) == 2 && seq[0] == 0xE2 && seq[1] == 0x80 && n == 3 {
			seq = append(seq, 0x9D)
		}
		r, size := utf8.DecodeRune(seq)
		if len(seq) != n || size != n || r == utf8.RuneError {
			continue
		}
		for _, x := range rs[done:i] {
			b.WriteRune(x)
		}
		b.WriteRune(r)
		done = j
		i = j - 1
	}
	if done == 0 {
		return s, false
	}
	for _, x := range rs[done:] {
		b.WriteRune(x)
	}
	return b.String(), true
}

func seqLen(b byte) int {
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
