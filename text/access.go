package text

import (
	"fmt"
	"regexp"
	"strings"

	"fonds"
)

// The directives between the heading and the description say who may see
// the document: "@status review", "@embargo 2027-01-01", "@restricted".

// directiveLine matches a line that is a directive in the place of the
// catalogue's: "@" and a lower-case word, alone or followed by a value.
var directiveLine = regexp.MustCompile(`^@([a-z]+)(?:[ \t]+(.*))?$`)

// access is what the directives say.
type access struct {
	status     fonds.Status
	embargo    string
	restricted bool
}

// isDirective reports whether s, a trimmed line after the heading, is a
// catalogue directive (or an attempt at one: an unknown name is an error,
// not a description). The directives of the body (@opener, @closer,
// @attachment) are not: they begin the body.
func isDirective(s string) bool {
	m := directiveLine.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	switch m[1] {
	case "opener", "closer", "attachment":
		return false
	}
	return true
}

// parseDirective reads the directive s at line n into a.
func (a *access) parseDirective(s string, n int, seen map[string]int) error {
	m := directiveLine.FindStringSubmatch(s)
	name, value := m[1], trimLine(m[2])
	fail := func(format string, args ...any) error {
		return &lineError{line: n, msg: fmt.Sprintf(format, args...)}
	}
	if first, ok := seen[name]; ok {
		return fail("@%s is given twice (first at line %d)", name, first)
	}
	seen[name] = n
	switch name {
	case "status":
		st := fonds.Status(value)
		if !st.Valid() {
			return fail("@status %q is not one of draft, review, published, withdrawn", value)
		}
		a.status = st
	case "embargo":
		if value == "" {
			return fail("@embargo needs a date: @embargo 2027-01-01, or a time: @embargo 2027-01-01T09:00:00Z")
		}
		if _, err := fonds.ParseEmbargo(value); err != nil {
			return fail("@embargo %q is not a date (YYYY-MM-DD) nor a time (2027-01-01T09:00:00Z)", value)
		}
		a.embargo = value
	case "restricted":
		if value != "" {
			return fail("@restricted takes no value, not %q", value)
		}
		a.restricted = true
	default:
		return fail("unknown directive @%s: after the heading come @status, @embargo and @restricted (write \\@%s for a description that begins so)", name, name)
	}
	return nil
}

// formatAccess returns the directive lines of d, each ending in a newline:
// none for a published document open to all.
func formatAccess(d *fonds.Document) string {
	var b strings.Builder
	if d.Status != "" && d.Status != fonds.StatusPublished {
		b.WriteString("@status " + string(d.Status) + "\n")
	}
	if d.Embargo != "" {
		b.WriteString("@embargo " + d.Embargo + "\n")
	}
	if d.Restricted {
		b.WriteString("@restricted\n")
	}
	return b.String()
}
