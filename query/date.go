package query

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

type filterKind int

const (
	filterRange filterKind = iota // both bounds: year:, decade:, date:, plain dates
	filterFrom                    // from:, the start of its date
	filterTo                      // to:, the end of its date
)

// dateFilter is one date filter of a query, with the days its date covers,
// "YYYY-MM-DD" inclusive.
type dateFilter struct {
	kind       filterKind
	start, end string
}

// months maps the names of months, in English and Russian (nominative,
// genitive and prepositional), and their abbreviations, to their numbers.
var months = func() map[string]int {
	names := [12]string{
		"january jan январь января январе янв",
		"february feb febr февраль февраля феврале фев февр",
		"march mar март марта марте мар",
		"april apr апрель апреля апреле апр",
		"may май мая мае",
		"june jun июнь июня июне июн",
		"july jul июль июля июле июл",
		"august aug август августа августе авг",
		"september sep sept сентябрь сентября сентябре сен сент",
		"october oct октябрь октября октябре окт",
		"november nov ноябрь ноября ноябре ноя нояб",
		"december dec декабрь декабря декабре дек",
	}
	m := make(map[string]int)
	for i, ns := range names {
		for _, n := range strings.Fields(ns) {
			m[n] = i + 1
		}
	}
	return m
}()

// yearMarks are the words that may follow a year in Russian: "1977 г.".
var yearMarks = map[string]bool{"г": true, "год": true, "года": true, "году": true, "гг": true}

func day(y, m, d int) string { return fmt.Sprintf("%04d-%02d-%02d", y, m, d) }

func daysIn(y, m int) int { return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() }

// number returns the value of s if it is made of 1 to max ASCII digits.
func number(s string, max int) (int, bool) {
	if len(s) == 0 || len(s) > max {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, _ := strconv.Atoi(s)
	return n, true
}

// year returns the year written as s, four digits from 1000 to 2999.
func year(s string) (int, bool) {
	y, ok := number(s, 4)
	return y, ok && len(s) == 4 && y >= 1000 && y <= 2999
}

func month(s string) (int, bool) {
	m, ok := number(s, 2)
	return m, ok && m >= 1 && m <= 12
}

func dayOf(s string, y, m int) (int, bool) {
	d, ok := number(s, 2)
	return d, ok && d >= 1 && d <= daysIn(y, m)
}

// isoDate reads "1977", "1977-05", "1977-05-19" and "19.05.1977"; year says
// whether a year alone is a date.
func isoDate(w string, yearAlone bool) (start, end string, ok bool) {
	parts := strings.Split(w, "-")
	if dots := strings.Split(w, "."); len(dots) == 3 {
		parts = []string{dots[2], dots[1], dots[0]}
	}
	y, ok := year(parts[0])
	if !ok {
		return "", "", false
	}
	switch len(parts) {
	case 1:
		if yearAlone {
			return day(y, 1, 1), day(y, 12, 31), true
		}
	case 2:
		if m, ok := month(parts[1]); ok && len(parts[1]) == 2 {
			return day(y, m, 1), day(y, m, daysIn(y, m)), true
		}
	case 3:
		if m, ok := month(parts[1]); ok {
			if d, ok := dayOf(parts[2], y, m); ok {
				return day(y, m, d), day(y, m, d), true
			}
		}
	}
	return "", "", false
}

// matchDate returns how many of the words, from the first, write a date, and
// the days it covers: "19 May 1977", "May 19 1977", "May 1977", "1977-05-19",
// "1977-05", "19.05.1977", and, when yearAlone, "1977". A Russian "г." after
// the year is part of the date.
func matchDate(words []string, yearAlone bool) (n int, start, end string) {
	mark := func(n int) int {
		if n < len(words) && yearMarks[words[n]] {
			return n + 1
		}
		return n
	}
	if len(words) >= 3 {
		d, m, y := words[0], words[1], words[2]
		if _, isMonth := months[d]; isMonth {
			d, m = m, d
		}
		if mo, ok := months[m]; ok {
			if yr, ok := year(y); ok {
				if dd, ok := dayOf(d, yr, mo); ok {
					return mark(3), day(yr, mo, dd), day(yr, mo, dd)
				}
			}
		}
	}
	if len(words) >= 2 {
		if mo, ok := months[words[0]]; ok {
			if yr, ok := year(words[1]); ok {
				return mark(2), day(yr, mo, 1), day(yr, mo, daysIn(yr, mo))
			}
		}
	}
	if len(words) >= 1 {
		if s, e, ok := isoDate(words[0], yearAlone); ok {
			return mark(1), s, e
		}
	}
	return 0, "", ""
}

// decade reads "1970s", "1970", "1970's", "1970-е" and "1970-х".
func decade(w string) (start, end string, ok bool) {
	for _, suffix := range []string{"s", "'s", "-s", "-е", "-х"} {
		if s, found := strings.CutSuffix(w, suffix); found {
			w = s
			break
		}
	}
	y, ok := year(w)
	if !ok || y%10 != 0 {
		return "", "", false
	}
	return day(y, 1, 1), day(y+9, 12, 31), true
}

// parseDateFilter reads the value of a date filter, as words.
func parseDateFilter(field string, words []string) (dateFilter, bool) {
	var f dateFilter
	ok := false
	switch field {
	case fieldYear:
		if len(words) == 1 || (len(words) == 2 && yearMarks[words[1]]) {
			if y, isYear := year(words[0]); isYear {
				f, ok = dateFilter{filterRange, day(y, 1, 1), day(y, 12, 31)}, true
			}
		}
	case fieldDecade:
		if len(words) == 1 {
			f.start, f.end, ok = decade(words[0])
		}
	default:
		var n int
		n, f.start, f.end = matchDate(words, true)
		ok = n > 0 && n == len(words)
		switch field {
		case fieldFrom:
			f.kind = filterFrom
		case fieldTo:
			f.kind = filterTo
		}
	}
	return f, ok
}

// resolveDates returns the bounds of the dates all the filters allow. When
// the filters contradict each other, a from: after a to: is taken as
// written the wrong way round, and otherwise the last filter wins.
func resolveDates(fs []dateFilter, n *notes) (from, to string) {
	var froms, tos []dateFilter
	for _, f := range fs {
		if f.kind != filterTo && f.start > from {
			from = f.start
		}
		if f.kind != filterFrom && (to == "" || f.end < to) {
			to = f.end
		}
		switch f.kind {
		case filterFrom:
			froms = append(froms, f)
		case filterTo:
			tos = append(tos, f)
		}
	}
	if from == "" || to == "" || from <= to {
		return from, to
	}
	if len(froms) == 1 && len(tos) == 1 && len(fs) == 2 {
		n.add(noteDatesSwapped, "")
		return tos[0].start, froms[0].end
	}
	n.add(noteDatesConflict, "")
	last := fs[len(fs)-1]
	switch last.kind {
	case filterFrom:
		return last.start, ""
	case filterTo:
		return "", last.end
	}
	return last.start, last.end
}

// formatDates returns the date filters that give the bounds from and to, in
// their shortest form.
func formatDates(from, to string) string {
	if from != "" && to != "" {
		y, m, d := parseDay(from)
		ty, tm, td := parseDay(to)
		switch {
		case from == to:
			return "date:" + from
		case m == 1 && d == 1 && tm == 12 && td == 31 && y == ty:
			return fmt.Sprintf("year:%04d", y)
		case m == 1 && d == 1 && tm == 12 && td == 31 && y%10 == 0 && ty == y+9:
			return fmt.Sprintf("decade:%04ds", y)
		case d == 1 && y == ty && m == tm && td == daysIn(ty, tm):
			return fmt.Sprintf("date:%04d-%02d", y, m)
		}
	}
	var parts []string
	if from != "" {
		parts = append(parts, "from:"+shortStart(from))
	}
	if to != "" {
		parts = append(parts, "to:"+shortEnd(to))
	}
	return strings.Join(parts, " ")
}

func parseDay(s string) (y, m, d int) {
	y, _ = strconv.Atoi(s[0:4])
	m, _ = strconv.Atoi(s[5:7])
	d, _ = strconv.Atoi(s[8:10])
	return y, m, d
}

// shortStart returns the shortest date whose first day is s.
func shortStart(s string) string {
	switch {
	case strings.HasSuffix(s, "-01-01"):
		return s[:4]
	case strings.HasSuffix(s, "-01"):
		return s[:7]
	}
	return s
}

// shortEnd returns the shortest date whose last day is s.
func shortEnd(s string) string {
	y, m, d := parseDay(s)
	switch {
	case m == 12 && d == 31:
		return s[:4]
	case d == daysIn(y, m):
		return s[:7]
	}
	return s
}
