package text

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"fonds"
)

// description is what the description paragraph says.
type description struct {
	summary string
	source  string
	// sourceText is the source note with the mentions it marks, nil when
	// it marks none.
	sourceText []fonds.Span
	excerpt    bool
	categories []string
}

// noDescription is the description of a document that has none, written so
// that the paragraph after the heading is not mistaken for one.
const noDescription = "(no description)"

var (
	// sourceNote matches the start of a bracketed source note: "R 19 May
	// 1977", "R: 2 April 1971", "Russian: 9 July 1968", "Source: …".
	sourceNote   = regexp.MustCompile(`^(?:R|Russian)(?:\s|:)`)
	sourceLabel  = regexp.MustCompile(`^(?i)source:\s*`)
	sourcePrefix = regexp.MustCompile(`^(?:R|Russian)\s*:?\s*`)
	// categoryList matches the archive's subject sections: "2.1; 5".
	categoryList = regexp.MustCompile(`^\s*\d+(?:\.\d+)*(?:\s*[;,]\s*\d+(?:\.\d+)*)*\s*$`)
	categorySep  = regexp.MustCompile(`\s*[;,]\s*`)
	// excerptMark matches a word that says the document is an excerpt.
	// "(excerpt)" may carry the punctuation of its sentence: "… (excerpt).".
	excerptMark = regexp.MustCompile(`^(?i)(?:excerpts?\.|\(excerpts?\)([.,;:]?))$`)
)

// bracketKind says what a bracketed group of a description is.
type bracketKind int

const (
	bracketOther bracketKind = iota
	bracketSource
	bracketCategories
)

func classifyDescBracket(raw string) bracketKind {
	switch {
	case strings.HasPrefix(raw, `\`):
		return bracketOther
	case sourceNote.MatchString(raw) || sourceLabel.MatchString(raw):
		return bracketSource
	case categoryList.MatchString(raw):
		return bracketCategories
	}
	return bracketOther
}

// descGroup is a bracketed group at the top level of a description.
type descGroup struct {
	start, end int // of the brackets, end exclusive
	kind       bracketKind
}

// descGroups returns the top-level bracketed groups of s, in order.
func descGroups(s string) []descGroup {
	var groups []descGroup
	closes := matchBrackets(s)
	for i := 0; i < len(s); {
		if n := skipEscape(s, i); n > 0 {
			i += n
			continue
		}
		if s[i] != '[' {
			i++
			continue
		}
		j := closes[i]
		if j < 0 {
			// An unclosed bracket is a character like another.
			i++
			continue
		}
		groups = append(groups, descGroup{i, j + 1, classifyDescBracket(s[i+1 : j])})
		i = j + 1
	}
	return groups
}

// parseDescription reads the description paragraph, its lines joined: the
// source note, the excerpt mark and the categories are taken out, the rest
// is the summary. The source note may mark mentions: an error is one of
// them.
func parseDescription(src *source) (description, error) {
	var d description
	s := src.read()
	if s == noDescription {
		return d, nil
	}
	var pieces []string
	start := 0
	for _, g := range descGroups(s) {
		raw := s[g.start+1 : g.end-1]
		switch {
		case g.kind == bracketSource && d.source == "":
			note := trimLine(sourceLabel.ReplaceAllString(raw, ""))
			if note == "" {
				continue
			}
			// The note ends where the group does, less the spaces.
			end := g.end - 1 - (len(raw) - len(strings.TrimRight(raw, " \t")))
			spans, err := parsePlain(src.slice(end-len(note), end))
			if err != nil {
				return d, err
			}
			d.source = plainOf(spans)
			if marksMention(spans) {
				d.sourceText = spans
			}
		case g.kind == bracketCategories:
			d.categories = append(d.categories, categorySep.Split(trimLine(raw), -1)...)
		default:
			continue
		}
		pieces = append(pieces, s[start:g.start])
		start = g.end
	}
	pieces = append(pieces, s[start:])

	// Take out the words that mark an excerpt.
	var kept []string
	for _, p := range pieces {
		from := 0
		for _, w := range wordSpans(p) {
			m := excerptMark.FindStringSubmatch(p[w[0]:w[1]])
			if m == nil {
				continue
			}
			d.excerpt = true
			// The sentence's punctuation stays, on the word before.
			kept = append(kept, strings.TrimRight(p[from:w[0]], " \t")+m[1])
			from = w[1]
		}
		kept = append(kept, p[from:])
	}
	var parts []string
	for _, k := range kept {
		if k = trimLine(k); k != "" {
			parts = append(parts, k)
		}
	}
	d.summary = unescape(strings.Join(parts, " "))
	return d, nil
}

// wordSpans returns the start and end of each run of characters of s
// between spaces and tabs.
func wordSpans(s string) [][2]int {
	var spans [][2]int
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' || s[i] == '\t' {
			if start >= 0 {
				spans = append(spans, [2]int{start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return spans
}

// formatDescription writes d as one line that parseDescription reads back
// as d.
func formatDescription(d description) string {
	line := buildDescription(d, false)
	src := &source{}
	src.addAt("", 1, 1, line)
	if got, err := parseDescription(src); err != nil || !sameDescription(got, d) {
		line = buildDescription(d, true)
	}
	if sameDescription(d, description{}) {
		return noDescription
	}
	if line == noDescription || isBodyStart(line) || isDirective(line) {
		line = `\` + line
	}
	return line
}

func sameDescription(a, b description) bool {
	return a.summary == b.summary && a.source == b.source && a.excerpt == b.excerpt &&
		slices.Equal(a.categories, b.categories)
}

func buildDescription(d description, strict bool) string {
	var parts []string
	if d.summary != "" {
		parts = append(parts, escapeSummary(d.summary, strict))
	}
	if d.source != "" {
		src := escape(d.source, "[]{}")
		if d.sourceText != nil {
			src = renderPlain(d.sourceText, func(s string, _ bool) string { return escape(s, "[]{}") })
		}
		if !sourceNote.MatchString(src) || trimLine(src) != src {
			src = "Source: " + src
		}
		parts = append(parts, "["+src+"]")
	}
	if d.excerpt {
		parts = append(parts, "Excerpt.")
	}
	if len(d.categories) > 0 {
		parts = append(parts, "["+strings.Join(d.categories, "; ")+"]")
	}
	if len(parts) == 0 {
		return noDescription
	}
	return strings.Join(parts, " ")
}

// escapeSummary escapes what in the summary would be read as a source note,
// categories or an excerpt mark; strict escapes every bracket.
func escapeSummary(s string, strict bool) string {
	if strict {
		s = escape(s, "[]")
	} else {
		s = escape(s, "")
		var at []int
		for _, g := range descGroups(s) {
			if g.kind != bracketOther {
				at = append(at, g.start)
			}
		}
		s = insertBackslashes(s, at)
	}
	var at []int
	for _, w := range wordSpans(s) {
		if excerptMark.MatchString(s[w[0]:w[1]]) {
			at = append(at, w[0])
		}
	}
	return insertBackslashes(s, at)
}

// insertBackslashes returns s with a backslash before each of the indexes
// at, in increasing order.
func insertBackslashes(s string, at []int) string {
	if len(at) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, i := range at {
		b.WriteString(s[last:i])
		b.WriteByte('\\')
		last = i
	}
	b.WriteString(s[last:])
	return b.String()
}

// sourceReferences returns the references a source note gives: what follows
// its date, "Pb 56-68" in "R 19 May 1977, Pb 56-68".
func sourceReferences(source string) []string {
	if !sourceNote.MatchString(source) {
		return nil
	}
	rest := sourcePrefix.ReplaceAllString(source, "")
	if _, n, ok, err := parseDate(rest); ok && err == nil {
		rest = rest[n:]
	} else if _, after, found := strings.Cut(rest, ","); found {
		rest = after
	} else {
		return nil
	}
	rest = strings.TrimLeft(rest, ",;: \t")
	rest = trimLine(strings.ReplaceAll(rest, "\u00a0", " "))
	if rest == "" {
		return nil
	}
	return []string{rest}
}

// issuingBodies are the bodies a description's first sentence may name as
// the document's creator.
var issuingBodies = []string{
	"Politburo", "Secretariat", "Central Committee", "CPSU Central Committee",
	"KGB", "Council of Ministers", "Procuracy", "USSR Procuracy", "Supreme Court",
	"Presidium", "Presidium of the Supreme Soviet", "Ministry of Foreign Affairs",
	"Ministry of Internal Affairs", "MVD", "Defence Council", "Glavlit",
	"International Department", "Propaganda Department", "Culture Department",
	"Politburo Commission",
}

// summaryCreator returns the issuing body the summary's first sentence
// names ("Politburo." in "Politburo. Instructions to …"), or "".
func summaryCreator(s string) string {
	first, _, found := strings.Cut(s, ".")
	if !found {
		return ""
	}
	first = strings.TrimSpace(first)
	for _, b := range issuingBodies {
		if strings.EqualFold(first, b) {
			return first
		}
	}
	return ""
}

// documentTypes maps the words that name a kind of document to the type.
var documentTypes = map[string]string{
	"instruction": "instruction", "instructions": "instruction",
	"resolution": "resolution", "resolutions": "resolution",
	"report": "report", "reports": "report",
	"note": "note", "notes": "note",
	"letter": "letter", "letters": "letter",
	"memorandum": "memorandum", "memoranda": "memorandum",
	"decree": "decree", "decrees": "decree",
	"telegram": "telegram", "telegrams": "telegram",
	"decision": "decision", "decisions": "decision",
	"directive": "directive", "directives": "directive",
	"transcript": "transcript", "minutes": "minutes",
	"speech": "speech", "statement": "statement", "appeal": "appeal",
	"proposal": "proposal", "proposals": "proposal",
	"постановление": "resolution", "записка": "note", "письмо": "letter",
	"телеграмма": "telegram", "решение": "decision", "указ": "decree",
	"докладная": "report", "доклад": "report", "инструкция": "instruction",
}

// summaryType returns the type of document the summary names in its first
// words, after the issuing body: "Politburo. Instructions to …" is an
// instruction, "A note on …" a note.
func summaryType(s string) string {
	if c := summaryCreator(s); c != "" {
		_, s, _ = strings.Cut(s, ".")
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	for i, w := range words {
		if i == 3 {
			break
		}
		if t, ok := documentTypes[strings.ToLower(w)]; ok {
			return t
		}
	}
	return ""
}

var extentPattern = regexp.MustCompile(`(?i)(?:^|[\s(])(?:total\s+)?(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s*(?:pp\.?|pages?|p\.?)(?:$|[\s).,;])`)

// summaryExtent returns the number of pages the summary gives: "(21 pp)",
// "total 5 pp", "One page".
func summaryExtent(s string) int {
	m := extentPattern.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	if n, err := strconv.Atoi(m[1]); err == nil {
		return n
	}
	n, _ := parseNumber(m[1])
	return n
}

// notNames are words written in capitals that are not surnames.
var notNames = map[string]bool{
	"USSR": true, "USA": true, "CPSU": true, "KGB": true, "MVD": true, "TASS": true,
	"NATO": true, "UNESCO": true, "SALT": true, "GDR": true, "FRG": true, "CSCE": true,
	"RSFSR": true, "MGB": true, "NKVD": true, "OGPU": true, "GRU": true, "APN": true,
	"VAAP": true, "UPI": true, "BBC": true, "ITAR": true, "AIDS": true, "CIA": true,
	"FBI": true, "UNO": true, "ABM": true, "PRC": true, "OVIR": true, "SMERSH": true,
	"СССР": true, "КПСС": true, "КГБ": true, "МВД": true, "ТАСС": true, "США": true,
	"РСФСР": true, "ГДР": true, "ФРГ": true,
}

// summaryPersons returns the people the summary names with their surnames
// in capitals: "Andrei GROMYKO" is Andrei Gromyko.
func summaryPersons(s string) []fonds.Person {
	var persons []fonds.Person
	words := wordSpans(s)
	for i, w := range words {
		word := s[w[0]:w[1]]
		core := strings.TrimRightFunc(word, func(r rune) bool { return !unicode.IsLetter(r) })
		core = strings.TrimSuffix(strings.TrimSuffix(core, "'s"), "’s")
		core = strings.TrimLeftFunc(core, func(r rune) bool { return !unicode.IsLetter(r) })
		if !isSurname(core) {
			continue
		}
		// Take the given names and initials written just before it.
		first := i
		for first > 0 && isGivenName(s[words[first-1][0]:words[first-1][1]]) {
			first--
		}
		start := w[0] + strings.Index(word, core)
		if first < i {
			start = words[first][0]
		}
		end := w[0] + strings.Index(word, core) + len(core)
		written := s[start:end]
		name := strings.TrimSuffix(written, core) + titleCase(core)
		persons = append(persons, fonds.Person{Name: name, Written: written})
	}
	return persons
}

func isSurname(w string) bool {
	letters, vowel := 0, false
	for _, r := range w {
		switch {
		case r == '-':
		case unicode.IsUpper(r):
			letters++
			if strings.ContainsRune("AEIOUYАЕЁИОУЫЭЮЯ", r) {
				vowel = true
			}
		default:
			return false
		}
	}
	if letters < 3 || !vowel || notNames[w] || strings.Trim(w, "IVXLCDM") == "" {
		return false
	}
	return !strings.HasPrefix(w, "-") && !strings.HasSuffix(w, "-")
}

// isGivenName reports whether w is a given name ("Andrei") or initials
// ("Yu.", "L.I.") written before a surname.
func isGivenName(w string) bool {
	rs := []rune(w)
	if len(rs) < 2 || !unicode.IsUpper(rs[0]) {
		return false
	}
	if rs[len(rs)-1] == '.' {
		// Initials: letters of at most two, each followed by a dot.
		for _, part := range strings.Split(strings.TrimSuffix(w, "."), ".") {
			p := []rune(part)
			if len(p) == 0 || len(p) > 2 || !unicode.IsUpper(p[0]) {
				return false
			}
		}
		return true
	}
	for _, r := range rs[1:] {
		if !unicode.IsLower(r) && r != '-' {
			return false
		}
	}
	return true
}

func titleCase(w string) string {
	parts := strings.Split(w, "-")
	for i, p := range parts {
		rs := []rune(strings.ToLower(p))
		if len(rs) > 0 {
			rs[0] = unicode.ToUpper(rs[0])
		}
		parts[i] = string(rs)
	}
	return strings.Join(parts, "-")
}
