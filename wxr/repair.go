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
