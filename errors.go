package fonds

import (
	"errors"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// The domain errors. Adapters translate their own errors to these at their
// edge, so that callers test with errors.Is and the web answers 404, 409 or
// 400 without knowing which store is behind it.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrInvalid  = errors.New("invalid")
	// ErrNoSpace is a write refused because the disk (or the database's
	// quota) is full: nothing after it can succeed, so an import stops.
	ErrNoSpace = errors.New("no space left")
	// ErrReadOnly is a write to an archive opened read-only, such as a data
	// folder on read-only media.
	ErrReadOnly = errors.New("archive is read-only")
	// ErrTimeout is work stopped because it ran past its deadline, such as
	// a search that would cost more than a request may.
	ErrTimeout = errors.New("took too long")
)

// ParseError is an error in an input file, at a line of it. Its message is
// "path:line: what is wrong", the form editors and their editors understand.
// A path holding control characters or bytes that are not UTF-8 is quoted,
// so that a file's name cannot move a terminal's cursor or forge a line.
type ParseError struct {
	Path string
	Line int // 1-based; 0 when the error is about the whole file
	Msg  string
}

func (e *ParseError) Error() string {
	path := QuoteName(e.Path)
	switch {
	case e.Path == "" && e.Line == 0:
		return e.Msg
	case e.Path == "":
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", path, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", path, e.Line, e.Msg)
}

// QuoteName returns s as it is, or quoted with Go's escapes when it holds
// a control or formatting character (a newline, an escape, a change of
// writing direction) or bytes that are not UTF-8: a name read from a file
// system or a file is printed to terminals and logs, where such characters
// could move the cursor, clear the screen or forge a line.
func QuoteName(s string) string {
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

// Unwrap makes every ParseError an ErrInvalid.
func (e *ParseError) Unwrap() error { return ErrInvalid }
