// Package mojibake repairs text that went through the wrong decoder: UTF-8
// read as Windows-1252, the commonest defect of files exported from old
// systems and word processors.
package mojibake

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// DecodeWindows1252 reads b as Windows-1252, the encoding of files that
// are not UTF-8 in archives of the period.
func DecodeWindows1252(b []byte) string {
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

// Repair undoes UTF-8 that was decoded as Windows-1252 ("â€œ" for "“"), as
// often as it was garbled, and reports whether it changed anything. It
// rewrites only runs of runes whose Windows-1252 bytes form one UTF-8
// character, so text that merely uses accented letters stays as it is.
//
// Only valid UTF-8 is repaired: a decoder's output always is.
func Repair(s string) (string, bool) {
	if !utf8.ValidString(s) {
		return s, false
	}
	repaired := false
	// Each repair shortens the text, so this ends.
	for {
		r, ok := repairOnce(s)
		if !ok {
			return s, repaired
		}
		s, repaired = r, true
	}
}

// repairOnce undoes one layer of mojibake: "â€œ" is the three bytes of "“"
// shown one by one.
func repairOnce(s string) (string, bool) {
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
