package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// quote returns a file's name as it is, or quoted with Go's escapes when it
// holds a control or formatting character or bytes that are not UTF-8: a
// name is printed to a terminal, where such characters could move the
// cursor, clear the screen or forge a line of the summary.
func quote(s string) string {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return strconv.Quote(s)
			}
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return strconv.Quote(s)
		}
	}
	return s
}

// quoteError returns err with the name of the file it is about quoted: the
// errors of package os print names as they are.
func quoteError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s %s: %w", pe.Op, quote(pe.Path), pe.Err)
	}
	return err
}
