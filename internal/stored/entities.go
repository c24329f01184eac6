package stored

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"fonds"
	"fonds/entity"
	"fonds/translit"
)

// MaxWords bounds what a store keeps of one document's links beyond what
// package entity bounds: a name or the words of a mention, an anchor, the
// words of a citation, in bytes. A target longer than MaxTarget is no
// citation.
const MaxWords = 256

// ShownName returns the name an entity of the kind shows (the editor's, or
// else the one met), and what matches a prefix and sorts it.
func ShownName(kind fonds.EntityKind, met, ru, editor string) (string, Keys) {
	shown := editor
	if shown == "" {
		shown = met
	}
	return shown, SortKeys(kind, shown, ru)
}

// BestNames returns, of the spellings of an entity, the name it is shown
// by (the fullest written in Latin letters, or failing one the fullest of
// all) and the fullest written in Cyrillic, which sorts it in the Russian
// order; each as a name is shown (see ShowName). The choice depends only
// on the spellings, whatever the order they came in, so that it is the
// same however the archive was filled.
func BestNames(kind fonds.EntityKind, spellings []string) (met, ru string) {
	for _, s := range spellings {
		s = ShowName(kind, s)
		if s == "" {
			continue
		}
		if better(s, met) {
			met = s
		}
		if translit.IsCyrillic(s) && fuller(s, ru) {
			ru = s
		}
	}
	return met, ru
}

// ShowName returns a spelling as the name of an entity: spaces made
// single, a name in capitals in normal case, without an English
// possessive ("Sakharov's"), a person's in reading order ("Sakharov,
// Andrei" is Andrei Sakharov).
func ShowName(kind fonds.EntityKind, s string) string {
	s = translit.TrimPossessive(entity.NormalCase(strings.Join(strings.Fields(s), " ")))
	if kind == fonds.EntityPerson {
		s = entity.Uninvert(s)
	}
	return s
}

// better reports whether a should be shown rather than b: a name in Latin
// letters before any other, then the fuller.
func better(a, b string) bool {
	if la, lb := latin(a), latin(b); la != lb {
		return la
	}
	return fuller(a, b)
}

// latin reports whether s is written in Latin letters: it has letters,
// most of them not Cyrillic.
func latin(s string) bool {
	return strings.ContainsFunc(s, unicode.IsLetter) && !translit.IsCyrillic(s)
}

// fuller reports whether the name a is fuller than b: it has more letters
// in words that begin with a capital (so that "Andrei Sakharov" is fuller
// than "A. D. Sakharov" and than "academician Sakharov"), then more words;
// two names as full are ordered by their bytes, so that one of them is
// always the fuller.
func fuller(a, b string) bool {
	if b == "" {
		return a != ""
	}
	ca, wa := fullness(a)
	cb, wb := fullness(b)
	switch {
	case ca != cb:
		return ca > cb
	case wa != wb:
		return wa > wb
	}
	return a < b
}

func fullness(s string) (capitalLetters, words int) {
	for _, w := range strings.Fields(s) {
		words++
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			continue
		}
		for _, r := range w {
			if unicode.IsLetter(r) {
				capitalLetters++
			}
		}
	}
	return capitalLetters, words
}

// Keys are what match a prefix to an entity and sort it.
type Keys struct {
	Folded string // the name in the English order, folded: "sakharov, andrei"
	En, Ru []byte
}

// collators sort names in the English and the Russian order. A Collator is
// not safe for concurrent use.
var collators struct {
	sync.Mutex
	en, ru *collate.Collator
	buf    collate.Buffer
}

// SortKeys returns the keys of an entity of the kind shown as name, whose
// fullest Cyrillic name met is ru (or ""). A person sorts by surname
// first; in the English order names in Latin letters come first, in the
// Russian order names in Cyrillic, the Cyrillic name met when there is
// one, its surname in the nominative ("Сахарова" sorts as Сахаров).
func SortKeys(kind fonds.EntityKind, name, ru string) Keys {
	en := SortName(kind, name)
	if ru == "" {
		ru = name
	}
	ru = SortName(kind, ru)
	if kind == fonds.EntityPerson && translit.IsCyrillic(ru) {
		sur, rest, _ := strings.Cut(ru, ",")
		ru = translit.Lemma(sur) + "," + rest
		ru = strings.TrimSuffix(ru, ",")
	}
	collators.Lock()
	defer collators.Unlock()
	if collators.en == nil {
		collators.en = collate.New(language.English)
		collators.ru = collate.New(language.Russian)
	}
	key := func(c *collate.Collator, first bool, s string) []byte {
		k := []byte{1}
		if first {
			k[0] = 0
		}
		k = append(k, c.KeyFromString(&collators.buf, s)...)
		collators.buf.Reset()
		return k
	}
	return Keys{
		Folded: Fold(en),
		En:     key(collators.en, latin(en), en),
		Ru:     key(collators.ru, translit.IsCyrillic(ru), ru),
	}
}

// SortName returns the name as a list sorts it: a person's surname first
// ("Sakharov, Andrei", "Сахаров, Андрей Дмитриевич").
func SortName(kind fonds.EntityKind, name string) string {
	if kind != fonds.EntityPerson {
		return name
	}
	sur := entity.Surname(name)
	if sur == "" {
		return name
	}
	fields := strings.Fields(name)
	i := slices.IndexFunc(fields, func(f string) bool {
		return strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) == strings.Trim(sur, ".")
	})
	if i < 0 {
		i = slices.IndexFunc(fields, func(f string) bool { return strings.Contains(f, sur) })
	}
	if i < 0 {
		return name
	}
	rest := slices.Concat(fields[:i], fields[i+1:])
	if len(rest) == 0 {
		return fields[i]
	}
	return strings.TrimRight(fields[i], ",") + ", " + strings.Join(rest, " ")
}

// Fold returns s as a prefix is matched against it: in lower case, ё as
// е, spaces single.
func Fold(s string) string {
	return translit.FoldYo(strings.ToLower(strings.Join(strings.Fields(s), " ")))
}

// Inverted returns a spelling of an entity of the kind as a prefix
// matches it besides its own form: a person's name surname first, folded,
// as SortKeys folds the name shown.
func Inverted(kind fonds.EntityKind, spelling string) string {
	return Fold(SortName(kind, ShowName(kind, spelling)))
}

// BoundList returns l with each string cut to n bytes, each once.
func BoundList(l []string, n int) []string {
	var out []string
	for _, s := range l {
		if s = Bound(s, n); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// The bounds of an entity's description and of what Entity returns.
const (
	MaxAuthority = 16 // identifiers an editor gives
	MaxNames     = 20 // spellings and identifiers Entity returns
)

// CheckEntityFilter reports what makes f meaningless, as an ErrInvalid.
func CheckEntityFilter(f fonds.EntityFilter) error {
	switch {
	case f.Kind != "" && !f.Kind.Valid():
		return fmt.Errorf("%w: unknown kind of entity %q", fonds.ErrInvalid, f.Kind)
	case f.Order != "" && f.Order != fonds.ByEnglishName && f.Order != fonds.ByRussianName:
		return fmt.Errorf("%w: unknown order of entities %q", fonds.ErrInvalid, f.Order)
	case f.Limit < 0:
		return fmt.Errorf("%w: negative limit %d", fonds.ErrInvalid, f.Limit)
	}
	return nil
}

// CheckDescription trims what an editor says of e and reports what makes
// it unfit to keep, as an ErrInvalid.
func CheckDescription(e *fonds.Entity) error {
	if !e.Kind.Valid() {
		return fmt.Errorf("%w: unknown kind of entity %q", fonds.ErrInvalid, e.Kind)
	}
	if e.Key == "" || len(e.Key) > 120 || strings.Trim(e.Key, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return fmt.Errorf("%w: key %q is not lower-case ASCII letters, digits and '-'", fonds.ErrInvalid, e.Key)
	}
	for _, f := range []struct {
		name  string
		v     *string
		max   int
		lines bool
	}{{"name", &e.Name, MaxName, false}, {"role", &e.Role, MaxName, false}, {"dates", &e.Dates, MaxName, false},
		{"note", &e.Note, MaxDetail, true}} {
		*f.v = strings.TrimSpace(*f.v)
		if len(*f.v) > f.max {
			return fmt.Errorf("%w: the %s is %d bytes long, more than %d", fonds.ErrInvalid, f.name, len(*f.v), f.max)
		}
		if !f.lines && strings.ContainsAny(*f.v, "\r\n") {
			return fmt.Errorf("%w: the %s is more than one line", fonds.ErrInvalid, f.name)
		}
	}
	if len(e.Authority) > MaxAuthority {
		return fmt.Errorf("%w: %d identifiers, more than %d", fonds.ErrInvalid, len(e.Authority), MaxAuthority)
	}
	var authority []string
	for _, a := range e.Authority {
		a = strings.TrimSpace(a)
		if a == "" || slices.Contains(authority, a) {
			continue
		}
		u, err := url.Parse(a)
		if err != nil || !u.IsAbs() || u.Host == "" || len(a) > MaxTarget || strings.ContainsAny(a, " \t\r\n") {
			return fmt.Errorf("%w: identifier %q is not the address of an entry of a catalogue (https://www.wikidata.org/entity/Q…)", fonds.ErrInvalid, Bound(a, 80))
		}
		authority = append(authority, a)
	}
	e.Authority = authority
	return nil
}

func Rank(k fonds.EntityKind) int {
	if i := slices.Index(fonds.EntityKinds, k); i >= 0 {
		return i
	}
	return len(fonds.EntityKinds)
}

// Described reports whether e says anything of an entity, so that a store
// keeps the editor's description; a description of nothing removes it.
func Described(e fonds.Entity) bool {
	return e.Name != "" || e.Role != "" || e.Dates != "" || e.Note != "" || len(e.Authority) > 0
}

// DescriptionEntry returns the entry of the audit log of the description
// e, saved as sv says at t: action "entity", the target its kind and key.
func DescriptionEntry(e fonds.Entity, sv fonds.Save, t time.Time) fonds.AuditEntry {
	detail := "described"
	if !Described(e) {
		detail = "description removed"
	}
	if m := Bound(sv.Message, MaxDetail); m != "" {
		detail += ": " + m
	}
	return fonds.AuditEntry{Time: t, User: sv.Author, Address: sv.Address, Action: "entity",
		Target: string(e.Kind) + "/" + e.Key, Detail: detail}
}

// Resolve returns, for each target that find finds the id of a document
// by, that id. A target with a place within the document ("v#d8fn3") that
// find does not find resolves as the document ("v#d8") does.
func Resolve(targets []string, find func(target string) (id string, found bool, err error)) (map[string]string, error) {
	m := make(map[string]string)
	for _, t := range targets {
		if _, done := m[t]; done {
			continue
		}
		candidates := []string{t}
		if d, _, ok := entity.Target(t, ""); ok && d != t {
			candidates = append(candidates, d)
		}
		for _, c := range candidates {
			id, found, err := find(c)
			if err != nil {
				return nil, err
			}
			if found {
				m[t] = id
				break
			}
		}
	}
	return m, nil
}

// UnresolvedBatch is how many citations Unresolved reads at a time.
const UnresolvedBatch = 500

// Cited is a citation and the id of the document that makes it.
type Cited struct {
	ID       string
	Citation fonds.Citation
}

// Unresolved calls fn for every citation read returns, a batch of at most
// UnresolvedBatch at a time, each read after the last of the batch before
// (the zero Cited at first), in the order of the citing documents' ids,
// then of targets and anchors. It calls fn between reads, so that fn may
// use the store.
func Unresolved(read func(after Cited) ([]Cited, error), fn func(id string, c fonds.Citation) error) error {
	var after Cited
	for {
		batch, err := read(after)
		if err != nil {
			return err
		}
		for _, c := range batch {
			if err := fn(c.ID, c.Citation); err != nil {
				return err
			}
		}
		if len(batch) < UnresolvedBatch {
			return nil
		}
		after = batch[len(batch)-1]
	}
}
