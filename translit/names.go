package translit

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"
)

// namesText is the table of spellings that no rule of Key reaches: the
// conventional spellings of well-known names (Sharansky, Ehrenburg), the
// German and French spellings of names with letters those languages merge
// (Breschnew, Soljenitsyne), and Western names as Russian writes them
// (Картер, Carter). It is data, kept and reviewed as a text file.
//
//go:embed names.txt
var namesText string

// conventional is the table of names.txt.
var conventional = mustParseNames("names.txt", namesText)

// nameTable is a table of spellings read.
type nameTable struct {
	// keys maps the key that the rules of Key make of each spelling to
	// the key they make of its Cyrillic. Every spelling with that key is
	// read so: Sharansky, Sharanskii and Šaranskij alike.
	keys map[string]string
	// shapes holds, for each letter a to z, the lengths of the keys in
	// keys that begin with it, as bits (bit 63 for any longer), and for
	// any other first byte, bit 0 set on all: most words need no look-up.
	shapes [27]uint64
}

// mayHold reports whether b may be a key in t.keys, by its first letter
// and its length, which is cheaper to tell than a look-up in the map.
func (t *nameTable) mayHold(b []byte) bool {
	if len(b) == 0 || b[0] < 'a' || b[0] > 'z' {
		return t.shapes[26] != 0
	}
	return t.shapes[b[0]-'a']&(1<<min(len(b), 63)) != 0
}

func mustParseNames(name, text string) *nameTable {
	m, err := parseNames(name, text)
	if err != nil {
		panic("translit: " + err.Error())
	}
	return m
}

// parseNames reads a table of spellings (see names.txt for the format):
// the key of each spelling and that of its Cyrillic, both by the rules
// alone. Its errors name the file and the line.
func parseNames(name, text string) (*nameTable, error) {
	m := make(map[string]string)
	lineOf := make(map[string]int) // the line of each spelling in m
	for n, line := range strings.Split(text, "\n") {
		n++
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		errorf := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", name, n, fmt.Sprintf(format, args...))
		}
		cyrillic, spellings, ok := strings.Cut(line, ":")
		if !ok {
			return nil, errorf("no colon between the Cyrillic and its spellings")
		}
		cyrillic = strings.TrimSpace(cyrillic)
		if !isWord(cyrillic) || !IsCyrillic(cyrillic) {
			return nil, errorf("%q is not one word in Cyrillic", cyrillic)
		}
		target := key(cyrillic, nil)
		if strings.TrimSpace(spellings) == "" {
			return nil, errorf("no spellings for %s", cyrillic)
		}
		for _, s := range strings.Split(spellings, ",") {
			s = strings.TrimSpace(s)
			if !isWord(s) {
				return nil, errorf("spelling %q is not one word", s)
			}
			c := key(s, nil)
			switch prev, seen := m[c]; {
			case c == target:
				return nil, errorf("the rules read %s as %s already", s, cyrillic)
			case seen && prev != target:
				return nil, errorf("%s is on line %d for another word", s, lineOf[c])
			}
			m[c] = target
			lineOf[c] = n
		}
	}
	// A key must key to itself: the key of a Cyrillic word in the table
	// may not be a spelling it reads as another.
	for c, target := range m {
		if t, ok := m[target]; ok && t != target {
			return nil, fmt.Errorf("%s:%d: %s, the key of the Cyrillic for %s, is the key of a spelling on line %d", name, lineOf[c], target, c, lineOf[target])
		}
	}
	t := &nameTable{keys: m}
	for k := range m {
		if k == "" || k[0] < 'a' || k[0] > 'z' {
			t.shapes[26] = 1
			continue
		}
		t.shapes[k[0]-'a'] |= 1 << min(len(k), 63)
	}
	return t, nil
}

// isWord reports whether s is one word: not empty, with no spaces and at
// least one letter.
func isWord(s string) bool {
	return s != "" && !strings.ContainsFunc(s, unicode.IsSpace) && strings.ContainsFunc(s, unicode.IsLetter)
}
