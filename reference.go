package fonds

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	// seriesPrefix matches a series written before its number, with or
	// without a space or hyphen: "Pb 56", "St-21", "No. 340".
	seriesPrefix = regexp.MustCompile(`^(\p{L}+)\.?\s*-?\s*(\d)`)
	// seriesItem matches a protocol and item joined by a hyphen after a
	// series prefix: the "56-68" of "pb 56-68", which means 56/68.
	seriesItem = regexp.MustCompile(`^(\p{L}+ \d+)-(\d+|[\p{L}]+)$`)
	spaceRun   = regexp.MustCompile(`\s+`)
	slashSpace = regexp.MustCompile(`\s*/\s*`)
)

// NormalizeReference returns the form of an archival reference code by which
// two writings of it compare equal: lower case, single spaces, hyphens of every
// kind written as "-", the series separated from its number by a space, and a
// protocol and item joined by "/" ("Pb 56-68", "Pb 56/68" and "PB 56 / 68" are
// all "pb 56/68"; "St-21/7" is "st 21/7"; "2811-A" is "2811-a").
func NormalizeReference(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
			return '-'
		case '\u00a0':
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	s = strings.TrimSpace(spaceRun.ReplaceAllString(s, " "))
	s = slashSpace.ReplaceAllString(s, "/")
	s = seriesPrefix.ReplaceAllString(s, "$1 $2")
	s = seriesItem.ReplaceAllString(s, "$1/$2")
	return s
}

// Slug returns s as a URL path segment: lower case letters and digits of any
// script, runs of anything else written as a single "-".
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// DocumentID returns the stable id of a document, which is its permalink:
// its start date and its primary reference ("1977-05-19-pb-56-68"), or, for a
// document without a reference or with a series but no number, its date and
// title ("1972-03-16-pb-writers-union"). The collection is not part
// of it, so a document keeps its id when it moves; the importer adds a suffix
// when two files would otherwise share one.
func DocumentID(d *Document) string {
	parts := []string{d.Date.Start}
	if d.Date.Start == "" {
		parts[0] = "undated"
	}
	r := d.PrimaryReference()
	if r.Normalized != "" {
		parts = append(parts, r.Normalized)
	}
	// A reference with a number identifies the document; a series alone
	// ("Pb") does not, and the title or the summary helps.
	if !strings.ContainsAny(r.Normalized, "0123456789") {
		switch {
		case d.Title != "":
			parts = append(parts, d.Title)
		case d.Summary != "":
			words := strings.Fields(d.Summary)
			if len(words) > 6 {
				words = words[:6]
			}
			parts = append(parts, strings.Join(words, " "))
		}
	}
	return Slug(strings.Join(parts, " "))
}

// seriesKeys are the series of reference codes written in more than one
// way, each with the form ReferenceKey writes: the Politburo's protocols
// are "Pb", "P", "Пб" or "П" as archives and books transcribe them, the
// Secretariat's "St" or "Ст", a number "No" or "№".
var seriesKeys = map[string]string{
	"pb": "pb", "p": "pb", "пб": "pb", "п": "pb",
	"st": "st", "ст": "st",
	"no": "no", "№": "no",
}

// partySeries are the series keys of the Central Committee's protocols,
// whose numbers (protocol/item) tell a document apart by themselves.
var partySeries = map[string]bool{"pb": true, "st": true}

// ReferenceKey returns the form of a reference code by which every writing
// of it the archives use compares equal: its normalized form (see
// NormalizeReference) with the series in one Latin spelling ("P56/68",
// "П 56/68", "Пб 56-68" and "Pb 56/68" are all "pb 56/68"; "Ст 248/9" is
// "st 248/9").
func ReferenceKey(s string) string {
	n := NormalizeReference(s)
	series, rest, ok := strings.Cut(n, " ")
	if !ok {
		if k, ok := seriesKeys[n]; ok {
			return k
		}
		return n
	}
	if k, ok := seriesKeys[series]; ok {
		return k + " " + rest
	}
	return n
}

// ReferenceNumber returns the number of a reference code of the Central
// Committee's protocols without its series ("56/68" of "Pb 56/68", of
// "St-56/68" and of "П 56/68"), by which a reference is found when the
// series is written differently from the catalogue, or "" for any other
// code.
func ReferenceNumber(s string) string {
	k := ReferenceKey(s)
	series, rest, ok := strings.Cut(k, " ")
	if !ok || !partySeries[series] || rest == "" || !unicode.IsDigit([]rune(rest)[0]) {
		return ""
	}
	return rest
}
