package text

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fonds"
)

// datePattern matches a date at the start of a string: "19 May 1977",
// "19 Nov. 1969", "June 1991", "1970", "1977-05-19", each optionally
// approximate ("c. 1970", "1970?").
var datePattern = regexp.MustCompile(`(?i)^((?:c\.|ca\.|circa)\s*)?(?:(\d{4})-(\d{2})-(\d{2})|(?:(\d{1,2})\s+)?(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)(?:\.\s*|\s+)(\d{4})|(\d{4}))(\?)?`)

var months = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// parseDate reads a date at the start of s. It returns the date and the
// number of bytes it took; ok is false if s does not start with a date. A
// date of the right shape that does not exist (31 February) is an error.
func parseDate(s string) (d fonds.Date, n int, ok bool, err error) {
	m := datePattern.FindStringSubmatchIndex(s)
	if m == nil {
		return fonds.Date{}, 0, false, nil
	}
	n = m[1]
	// A date ends at a word's end: "1650-A" is a reference, not a year.
	if r, _ := utf8.DecodeRuneInString(s[n:]); n < len(s) && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '/') {
		return fonds.Date{}, 0, false, nil
	}
	group := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return s[m[2*i]:m[2*i+1]]
	}
	d.Written = s[:n]
	d.Approximate = group(1) != "" || group(9) != ""
	var year, day int
	var month time.Month
	switch {
	case group(2) != "":
		year, _ = strconv.Atoi(group(2))
		mo, _ := strconv.Atoi(group(3))
		day, _ = strconv.Atoi(group(4))
		if mo < 1 || mo > 12 {
			return fonds.Date{}, 0, true, fmt.Errorf("impossible date %q", d.Written)
		}
		month = time.Month(mo)
	case group(6) != "":
		year, _ = strconv.Atoi(group(7))
		month = months[strings.ToLower(group(6))[:3]]
		if group(5) != "" {
			day, _ = strconv.Atoi(group(5))
		}
	default:
		year, _ = strconv.Atoi(group(8))
	}
	switch {
	case day > 0 || group(2) != "":
		last := lastDay(year, month)
		if day < 1 || day > last {
			return fonds.Date{}, 0, true, fmt.Errorf("impossible date %q", d.Written)
		}
		d.Start = isoDate(year, month, day)
		d.End = d.Start
		d.Precision = fonds.PrecisionDay
	case month > 0:
		d.Start = isoDate(year, month, 1)
		d.End = isoDate(year, month, lastDay(year, month))
		d.Precision = fonds.PrecisionMonth
	default:
		d.Start = isoDate(year, 1, 1)
		d.End = isoDate(year, 12, 31)
		d.Precision = fonds.PrecisionYear
	}
	return d, n, true, nil
}

func lastDay(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func isoDate(year int, month time.Month, day int) string {
	return fmt.Sprintf("%04d-%02d-%02d", year, int(month), day)
}

// formatDate writes d so that parseDate reads it back: as the source wrote
// it when that still says the same, or else in the form "19 May 1977".
func formatDate(d fonds.Date) string {
	if d.Written != "" {
		if got, n, ok, err := parseDate(d.Written); ok && err == nil && n == len(d.Written) && got == d {
			return d.Written
		}
	}
	t, err := time.Parse("2006-01-02", d.Start)
	if err != nil {
		return d.Start
	}
	var s string
	switch d.Precision {
	case fonds.PrecisionYear:
		s = t.Format("2006")
	case fonds.PrecisionMonth:
		s = t.Format("January 2006")
	default:
		s = t.Format("2 January 2006")
	}
	if d.Approximate {
		s = "c. " + s
	}
	return s
}

// numberWords are the page numbers written in words.
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
	"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
	"nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

// parseNumber reads a page number written in digits or in English words up
// to ninety-nine ("two", "twenty-one").
func parseNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, n > 0 && s[0] != '+' && s[0] != '-'
	}
	s = strings.ToLower(s)
	if n, ok := numberWords[s]; ok {
		return n, true
	}
	tens, units, ok := strings.Cut(s, "-")
	if !ok {
		return 0, false
	}
	t, ok1 := numberWords[tens]
	u, ok2 := numberWords[units]
	if !ok1 || !ok2 || t < 20 || t%10 != 0 || u > 9 {
		return 0, false
	}
	return t + u, true
}
