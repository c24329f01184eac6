// Package entity derives from a document what links it into the edition:
// the people, organizations, places and terms it mentions, keyed so that
// every spelling of one name meets (Latin or Cyrillic, any case form, any
// romanization); the documents and volumes it cites; and the identities
// by which others cite it.
//
// Every Store keeps what Mentions, Citations and Identities return for each
// document it saves, and the web links a mention to its entity with
// SpanKey, so one definition serves every backend and every page.
package entity

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fonds"
	"fonds/translit"
)

// Version numbers the rules of this package. A store that keeps what they
// derived under an older version derives it again from every document.
const Version = 2

// Bounds on what one document contributes, so that a crafted document cannot
// make the index of entities cost more than its own size.
const (
	maxMentions  = 2000 // entities per document
	maxSpellings = 8    // spellings kept per entity and document
	maxPassage   = 280  // bytes of a passage, about two lines
	maxCitations = 1000
	maxKey       = 120
)

// SpanKey returns the kind and key of the entity a span mentions, or ok
// false when the span is not a mention or its words give no key.
func SpanKey(s fonds.Span) (kind fonds.EntityKind, key string, ok bool) {
	kind, ok = spanKinds[s.Kind]
	if !ok {
		return "", "", false
	}
	key = Key(kind, CanonicalName(s))
	return kind, key, key != ""
}

var spanKinds = map[fonds.SpanKind]fonds.EntityKind{
	fonds.SpanPerson: fonds.EntityPerson,
	fonds.SpanOrg:    fonds.EntityOrg,
	fonds.SpanPlace:  fonds.EntityPlace,
	fonds.SpanTerm:   fonds.EntityTerm,
}

// CanonicalName returns the name a mention stands for: the name its
// identifier resolves to (Label), the canonical name it gives in Target, or
// else its own words, with a surname written in capitals in normal case
// ("Andrei GROMYKO" is Andrei Gromyko).
func CanonicalName(s fonds.Span) string {
	if s.Label != "" && s.Kind != fonds.SpanTerm {
		return clean(s.Label)
	}
	if s.Target != "" && !IsIdentifier(s.Target) && s.Kind != fonds.SpanTerm {
		return clean(s.Target)
	}
	name := clean(s.PlainText())
	if s.Kind == fonds.SpanPerson {
		name = WithoutTitles(Uninvert(NormalCase(name)))
	}
	return name
}

// WithoutTitles removes the titles before a person's name: "Comrade
// Andropov" is Andropov, "Secretary Vance" is Vance. A name that is all
// title is left as it is.
func WithoutTitles(name string) string {
	fields := strings.Fields(name)
	i := 0
	for i < len(fields)-1 && titles[strings.ToLower(strings.TrimSuffix(fields[i], "."))] {
		i++
	}
	if i == 0 {
		return name
	}
	return strings.Join(fields[i:], " ")
}

// Uninvert writes a name a list gives surname first in reading order:
// "Sakharov, Andrei" is "Andrei Sakharov"; "Carter, Hodding, III" is
// "Hodding Carter III". A name without a comma is left as it is.
func Uninvert(name string) string {
	parts := strings.Split(name, ",")
	if len(parts) < 2 || len(parts) > 3 {
		return name
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
		if parts[i] == "" {
			return name
		}
	}
	if titles[strings.ToLower(strings.TrimSuffix(parts[1], "."))] {
		return name // "Carter, Jr.": a suffix, not given names
	}
	out := parts[1] + " " + parts[0]
	if len(parts) == 3 {
		out += " " + parts[2]
	}
	return out
}

// IsIdentifier reports whether a mention's Target is the identifier of an
// entry of a list ("p_SAA_1", "#pl12") rather than a name.
func IsIdentifier(t string) bool {
	if strings.HasPrefix(t, "#") || strings.Contains(t, "_") {
		return true
	}
	return !strings.ContainsFunc(t, unicode.IsSpace) && strings.ContainsFunc(t, unicode.IsDigit)
}

// Key returns the key of an entity of the kind named name: for a person the
// name key of the surname, so that "Andrei Sakharov", "Sakharov's",
// "A. D. Sakharov", "САХАРОВ" and "Сахарова" are one person; for other kinds
// the name keys of its words, joined by "-". It returns "" for a name with
// no letters.
func Key(kind fonds.EntityKind, name string) string {
	var k string
	if kind == fonds.EntityPerson {
		k = translit.NameKey(Surname(name))
	} else {
		var keys []string
		for _, w := range words(name) {
			if wk := translit.NameKey(w); wk != "" {
				keys = append(keys, wk)
			}
		}
		k = strings.Join(keys, "-")
	}
	if len(k) > maxKey {
		k = strings.TrimRight(k[:maxKey], "-")
	}
	return k
}

// Surname returns the word of a person's name that names the family: a word
// written in capitals ("Andrei SAKHAROV", "SAKHAROV A.D."), or else the last
// word that is not an initial, a title or a generation ("C. Arthur Borg",
// "Сахаров А.Д.", "Hodding Carter III"); in the Russian order of surname,
// given name and patronymic ("Сахаров Андрей Дмитриевич") the first.
func Surname(name string) string {
	if before, _, ok := strings.Cut(name, ","); ok && strings.TrimSpace(before) != "" {
		name = before // "Sakharov, Andrei"
	}
	var kept []string
	for _, w := range words(name) {
		if initial(w) || titles[strings.ToLower(strings.TrimSuffix(w, "."))] {
			continue
		}
		kept = append(kept, w)
	}
	if len(kept) == 0 {
		return ""
	}
	for _, w := range kept {
		if capitals(w) {
			return w
		}
	}
	if n := len(kept); n == 3 && patronymic(kept[2]) {
		return kept[0]
	}
	return kept[len(kept)-1]
}

// titles are words before or after a name that are not part of it.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "sir": true, "jr": true, "sr": true,
	"ii": true, "iii": true, "iv": true,
	"president": true, "secretary": true, "ambassador": true, "general": true,
	"senator": true, "minister": true, "academician": true, "comrade": true,
	"comrades": true, "deputy": true, "assistant": true, "professor": true,
	"тов": true, "товарищ": true, "академик": true, "г-н": true, "госпожа": true,
}

// initial reports whether w is an initial or several: "A.", "A.D.", "Yu.",
// "Yu.V.", or a single letter.
func initial(w string) bool {
	if utf8.RuneCountInString(w) == 1 {
		return true
	}
	if !strings.HasSuffix(w, ".") {
		return false
	}
	for _, part := range strings.Split(strings.TrimSuffix(w, "."), ".") {
		if n := utf8.RuneCountInString(part); n == 0 || n > 2 {
			return false
		}
	}
	return true
}

// capitals reports whether w is a surname written in capitals: two letters
// or more, all upper case.
func capitals(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters >= 2
}

var patronymicEndings = []string{"вич", "вна", "чна", "ьич", "vich", "vna", "ichna"}

func patronymic(w string) bool {
	w = strings.ToLower(w)
	for _, e := range patronymicEndings {
		if strings.HasSuffix(w, e) && utf8.RuneCountInString(w) > len([]rune(e))+2 {
			return true
		}
	}
	return false
}

// words splits a name into its words, without the punctuation around them
// (an initial keeps its dot).
func words(name string) []string {
	var out []string
	for _, f := range strings.Fields(name) {
		f = strings.TrimFunc(f, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.'
		})
		f = strings.TrimLeft(f, ".")
		if strings.Count(f, ".") == 1 && !initial(f) {
			f = strings.TrimSuffix(f, ".") // the end of a sentence
		}
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// NormalCase writes the words of a person's name that are in capitals in
// normal case: "Andrei GROMYKO" is "Andrei Gromyko", "Yu.V. ANDROPOV" is
// "Yu.V. Andropov"; a generation ("III") is left.
// A name all in capitals of one word of up to four letters (an acronym:
// "KGB", "SALT") is left as it is.
func NormalCase(name string) string {
	fields := strings.Fields(name)
	if len(fields) == 1 && utf8.RuneCountInString(fields[0]) <= 4 {
		return name
	}
	for i, f := range fields {
		if capitals(f) && utf8.RuneCountInString(f) > 1 && !titles[strings.ToLower(f)] {
			r, n := utf8.DecodeRuneInString(f)
			fields[i] = string(r) + strings.ToLower(f[n:])
		}
	}
	return strings.Join(fields, " ")
}

func clean(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Mentions returns the entities the document mentions — in its texts, its
// heading and source note, and its list of persons — one Mention each, in
// the order of their first mention.
func Mentions(d *fonds.Document) []fonds.Mention {
	c := collector{index: make(map[string]int)}
	c.spans(d.TitleText, d.Title)
	c.spans(d.SourceText, d.Source)
	for _, p := range d.Persons {
		c.add(fonds.EntityPerson, WithoutTitles(clean(p.Name)), firstNonEmpty(p.Written, p.Name), d.DisplaySummary(), "")
	}
	for _, w := range d.Witnesses {
		for _, b := range w.Text {
			c.spans(b.Spans, "")
		}
	}
	return c.out
}

type collector struct {
	out   []fonds.Mention
	index map[string]int // kind/key → index in out
}

// spans collects the mentions of one run of spans, a block or a heading,
// with the sentence each stands in. A footnote or note is a run of its own:
// its passage is the note's words, not the sentence it annotates.
func (c *collector) spans(spans []fonds.Span, passage string) {
	if len(spans) == 0 {
		return
	}
	var text strings.Builder
	type at struct {
		s   fonds.Span
		off int
	}
	var found []at
	var walk func([]fonds.Span)
	walk = func(spans []fonds.Span) {
		for _, s := range spans {
			switch s.Kind {
			case fonds.SpanFootnote, fonds.SpanNote:
				c.spans(s.Spans, "")
				continue
			case fonds.SpanPageBreak:
				continue
			case fonds.SpanLineBreak:
				text.WriteByte(' ')
				continue
			}
			if _, ok := spanKinds[s.Kind]; ok {
				found = append(found, at{s, text.Len()})
				text.WriteString(s.PlainText())
				continue
			}
			text.WriteString(s.Text)
			walk(s.Spans)
		}
	}
	walk(spans)
	all := text.String()
	for _, f := range found {
		kind, key, ok := SpanKey(f.s)
		if !ok {
			continue
		}
		p := passage
		if p == "" {
			p = Passage(all, f.off)
		}
		c.addKey(kind, key, CanonicalName(f.s), clean(f.s.PlainText()), p, f.s.Ref)
	}
}

func (c *collector) add(kind fonds.EntityKind, name, written, passage, ref string) {
	if key := Key(kind, name); key != "" {
		c.addKey(kind, key, NormalCase(name), clean(written), passage, ref)
	}
}

func (c *collector) addKey(kind fonds.EntityKind, key, name, written, passage, ref string) {
	id := string(kind) + "/" + key
	i, ok := c.index[id]
	if !ok {
		if len(c.out) >= maxMentions {
			return
		}
		i = len(c.out)
		c.index[id] = i
		m := fonds.Mention{Kind: kind, Key: key, Name: name, Passage: bound(passage)}
		if written != name {
			m.Written = written
		}
		c.out = append(c.out, m)
	}
	m := &c.out[i]
	// The fullest name given stands for the entity in this document:
	// "Andrei Sakharov" over "Sakharov".
	if len(strings.Fields(name)) > len(strings.Fields(m.Name)) {
		m.Name = name
	}
	for _, u := range strings.Fields(ref) {
		if !contains(m.Authority, u) && len(m.Authority) < maxSpellings {
			m.Authority = append(m.Authority, u)
		}
	}
	for _, s := range []string{name, written} {
		if s != "" && !contains(m.Spellings, s) && len(m.Spellings) < maxSpellings {
			m.Spellings = append(m.Spellings, s)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Passage returns the sentence of text that holds the byte offset off,
// shortened around it to about two lines.
func Passage(text string, off int) string {
	if off > len(text) {
		off = len(text)
	}
	start := 0
	for i := off - 1; i > 0; i-- {
		if (text[i-1] == '.' || text[i-1] == '!' || text[i-1] == '?') && text[i] == ' ' {
			start = i + 1
			break
		}
	}
	end := len(text)
	for i := off; i < len(text)-1; i++ {
		if (text[i] == '.' || text[i] == '!' || text[i] == '?') && text[i+1] == ' ' {
			end = i + 1
			break
		}
	}
	s := text[start:end]
	off -= start
	if len(s) <= maxPassage {
		return clean(s)
	}
	// Keep a window around the mention, cut at spaces.
	from := max(0, off-maxPassage/2)
	to := min(len(s), from+maxPassage)
	if i := strings.IndexByte(s[from:], ' '); from > 0 && i >= 0 && from+i < off {
		from += i + 1
	}
	if i := strings.LastIndexByte(s[:to], ' '); to < len(s) && i > off {
		to = i
	}
	out := clean(s[from:to])
	if from > 0 {
		out = "…" + out
	}
	if to < len(s) {
		out += "…"
	}
	return out
}

// bound cuts s to the bytes of a passage at a rune boundary.
func bound(s string) string {
	if len(s) <= maxPassage+8 {
		return s
	}
	i := maxPassage
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// Citations returns what the document cites: the targets of its references
// (absolute, as a reader makes them: "frus1977-80v02#d9", or relative to its
// collection: "#d9"), the archival references written in its text, notes
// and source note that are not its own ("Pb 56/68", "St 248/9", "2154-S"),
// and "See Document N" in a document of a volume. Each target once.
func Citations(d *fonds.Document) []fonds.Citation {
	own := make(map[string]bool)
	for _, id := range Identities(d) {
		own[id] = true
	}
	var out []fonds.Citation
	seen := make(map[string]bool)
	add := func(c fonds.Citation) {
		k := c.Target + "#" + c.Anchor
		if c.Target == "" || own[c.Target] || seen[k] || len(out) >= maxCitations {
			return
		}
		seen[k] = true
		out = append(out, c)
	}
	scan := func(s string) {
		for _, ref := range References(s) {
			add(fonds.Citation{Target: "ref:" + fonds.NormalizeReference(ref), Written: ref})
		}
		// "Document" is the part of seeDocument without which it cannot
		// match, found far faster than the expression is run.
		if d.Number > 0 && d.Collection != "" && strings.Contains(s, "Document") {
			for _, m := range seeDocument.FindAllStringSubmatchIndex(s, -1) {
				rest := strings.TrimLeft(s[m[1]:], " ,")
				if strings.HasPrefix(rest, "in ") || strings.HasPrefix(rest, "of ") {
					continue // a document of another volume
				}
				n := s[m[2]:m[3]]
				add(fonds.Citation{Target: d.Collection + "#d" + n, Written: s[m[0]:m[1]]})
			}
		}
	}
	var walk func([]fonds.Span)
	var plain strings.Builder
	walk = func(spans []fonds.Span) {
		for _, s := range spans {
			if s.Kind == fonds.SpanReference {
				if t, a, ok := Target(s.Target, d.Collection); ok {
					add(fonds.Citation{Target: t, Anchor: a, Written: clean(s.PlainText())})
				}
				continue
			}
			plain.WriteString(s.Text)
			if s.Kind == fonds.SpanLineBreak || s.Kind == fonds.SpanPageBreak {
				plain.WriteByte(' ')
			}
			walk(s.Spans)
			if s.Kind == fonds.SpanFootnote || s.Kind == fonds.SpanNote {
				plain.WriteByte(' ')
			}
		}
	}
	walk(d.TitleText)
	walk(d.SourceText)
	if d.SourceText == nil {
		plain.WriteString(" " + d.Source + " ")
	}
	for _, w := range d.Witnesses {
		for _, b := range w.Text {
			walk(b.Spans)
			plain.WriteByte('\n')
		}
	}
	scan(plain.String())
	return out
}

// seeDocument matches "See Document 12" and "see Documents 3": a document of
// the same volume, unless the words after it name another.
var seeDocument = regexp.MustCompile(`(?i:see)(?:\s+also)?\s+Documents?\s+(\d{1,4})\b`)

// Target reads the target of a reference as a citation: an absolute target
// ("frus1977-80v02#d8fn3", "frus1977-80v06") or one relative to the
// document's collection ("#d9"), split into the document it names and the
// place within it ("frus1977-80v02#d8" and "fn3"). Links to the web and
// empty targets are not citations.
func Target(t, collection string) (target, anchor string, ok bool) {
	t = strings.TrimSpace(t)
	if t == "" || strings.Contains(t, "://") || strings.HasPrefix(t, "mailto:") || strings.ContainsAny(t, " \t\n") {
		return "", "", false
	}
	if strings.HasPrefix(t, "#") {
		if collection == "" {
			return "", "", false
		}
		t = collection + t
	}
	if m := documentTarget.FindStringSubmatch(t); m != nil {
		return m[1], m[2], true
	}
	return t, "", true
}

// documentTarget splits a target into a document of a volume and the place
// within it: "frus1977-80v02#d8fn3" is "frus1977-80v02#d8" and "fn3".
var documentTarget = regexp.MustCompile(`^([^#]+#d\d+)(.*)$`)

// References returns the archival references written in s: a series and a
// protocol and item ("Pb 56/68", "St-248/9", "П 56/68", "Пб 56-68") or a
// registration number with its letters ("2154-S", "1102-Ш").
func References(s string) []string {
	var out []string
	spans := referenceSpans(s)
	for _, re := range []*regexp.Regexp{seriesReference, numberReference} {
		for _, sp := range spans {
			for _, m := range re.FindAllStringSubmatch(s[sp[0]:sp[1]], -1) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

var (
	seriesReference = regexp.MustCompile(`(?:^|[^\p{L}\p{N}])((?:Pb|St|P|Пб|Ст|П)\.?\s?[-‑]?\s?\d{1,4}\s?[/‑-]\s?\d{1,4})(?:$|[^\p{L}\p{N}/])`)
	numberReference = regexp.MustCompile(`(?:^|[^\p{L}\p{N}/-])(\d{2,5}[‑-](?:\p{Lu}{1,2}|ов|ОП))(?:$|[^\p{L}\p{N}])`)
)

// referenceReach is more than the bytes a match of seriesReference or
// numberReference spans on either side of the digit it starts from: the
// context character (4 bytes at most) and the series (Пб, 4) with its dot,
// spaces and hyphen (‑, 3) before it; the digits, the hyphen, the slash or
// two capitals (8) and the context character after it.
const referenceReach = 32

// referenceSpans returns the parts of s, as start and end offsets in
// order, where alone the expressions of References can match: within
// referenceReach bytes of a digit that a series letter stands shortly
// before (P, S, П, С), or that a hyphen follows. Searched part by part, s
// gives the matches it gives whole, in the same order, at a fraction of
// the cost of running the expressions over every byte of a long text:
// every match holds such a digit, so lies within a part; and the ends of a
// part lie further from each such digit than a match reaches, so that ^
// and $ match there only where they match in s.
func referenceSpans(s string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || !seriesBefore(s, i) && !hyphenAfter(s, i) {
			continue
		}
		from, to := max(0, i-referenceReach), min(len(s), i+1+referenceReach)
		for from > 0 && !utf8.RuneStart(s[from]) {
			from--
		}
		for to < len(s) && !utf8.RuneStart(s[to]) {
			to++
		}
		if n := len(spans); n > 0 && from <= spans[n-1][1] {
			spans[n-1][1] = to
		} else {
			spans = append(spans, [2]int{from, to})
		}
	}
	return spans
}

// seriesBefore reports whether the first letter of a series (P, S, П, С)
// stands in the 14 bytes before s[i]: at most the series, a dot, two
// spaces and a hyphen of three bytes.
func seriesBefore(s string, i int) bool {
	for j := max(0, i-14); j < i; j++ {
		switch s[j] {
		case 'P', 'S':
			return true
		case 0xD0: // П is D0 9F, С is D0 A1
			if j+1 < len(s) && (s[j+1] == 0x9F || s[j+1] == 0xA1) {
				return true
			}
		}
	}
	return false
}

// hyphenAfter reports whether a hyphen (- or ‑) follows s[i].
func hyphenAfter(s string, i int) bool {
	rest := s[i+1:]
	return strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "‑")
}

// Identities returns the targets by which other documents cite d: its place
// in its volume ("frus1977-80v02#d9") and each of its archival references
// ("ref:pb 56/68").
func Identities(d *fonds.Document) []string {
	var out []string
	if d.Number > 0 && d.Collection != "" {
		out = append(out, d.Collection+"#d"+strconv.Itoa(d.Number))
	}
	seen := make(map[string]bool)
	for _, r := range d.References {
		n := r.Normalized
		if n == "" {
			n = fonds.NormalizeReference(r.Written)
		}
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, "ref:"+n)
		}
	}
	return out
}
