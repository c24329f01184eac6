package ingest

import (
	"errors"
	"fmt"
	"io/fs"

	"fonds"
)

// quote returns a file's name as it is, or quoted when printing it could
// move the cursor, clear the screen or forge a line of the summary.
func quote(s string) string { return fonds.QuoteName(s) }

// quoteError returns err with the name of the file it is about quoted: the
// errors of package os print names as they are.
func quoteError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s %s: %w", pe.Op, quote(pe.Path), pe.Err)
	}
	return err
}
