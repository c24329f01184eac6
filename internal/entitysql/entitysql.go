// Package entitysql owns what the SQLite and PostgreSQL stores do alike
// with the entities documents mention: the order of a list of entities and
// the SQL of it that both dialects read the same (the columns a list
// reads, the rank of a kind, the column that counts what a filter admits),
// and the changes a save makes to the counts of their spellings and
// identifiers. What differs by dialect, the placeholders and the way
// statements are sent, stays in each store.
package entitysql

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"fonds"
)

// Columns are the columns of entities (as e) a list returns, as Scan
// reads them, followed by the sort key of the list's order.
const Columns = "e.kind, e.key, e.name, e.editor_name, e.documents, e.public, e.released, e.role, e.dates, e.note, e.authority"

// KindRank orders the kinds of entities (as e) as fonds.EntityKinds lists
// them, in SQL: the rank stored.Rank gives.
var KindRank = func() string {
	var b strings.Builder
	b.WriteString("CASE e.kind")
	for i, k := range fonds.EntityKinds {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", k, i)
	}
	fmt.Fprintf(&b, " ELSE %d END", len(fonds.EntityKinds))
	return b.String()
}()

// The columns of entities, entity_names and entity_authorities that count
// documents: all of them, those the public sees, those a reader sees.
const (
	SeenAll      = "documents"
	SeenPublic   = "public"
	SeenReleased = "released"
)

// SeenColumn returns the column of entities, entity_names and
// entity_authorities that counts the documents a filter with published and
// restricted admits: those the public sees, those a reader sees, or all.
func SeenColumn(published, restricted bool) string {
	switch {
	case published && restricted:
		return SeenReleased
	case published:
		return SeenPublic
	}
	return SeenAll
}

// Visibility returns the condition on entities (as e) that admits those a
// document the filter admits mentions, or "" for every one. The literals
// are those of the partial indexes.
func Visibility(f fonds.EntityFilter) string {
	if c := SeenColumn(f.Published, f.Restricted); c != SeenAll {
		return "e." + c + " > 0"
	}
	return ""
}

// Listed is an entity of a list, with its place in the list's order.
type Listed struct {
	Entity fonds.Entity
	Sort   []byte // the sort key of the list's order
	Rank   int    // of the kind (stored.Rank)
	Editor string // the name an editor gave it
	Seen   int    // documents the list's filter admits
}

// Before reports whether a comes before b in a list: by sort key, then by
// key, then by the rank of the kind.
func (a Listed) Before(b Listed) bool {
	if c := bytes.Compare(a.Sort, b.Sort); c != 0 {
		return c < 0
	}
	if a.Entity.Key != b.Entity.Key {
		return a.Entity.Key < b.Entity.Key
	}
	return a.Rank < b.Rank
}

// Merge returns the lists of several kinds, each in order, as one list in
// order, at most limit long when limit is more than 0.
func Merge(ls []Listed, limit int) []Listed {
	slices.SortFunc(ls, func(a, b Listed) int {
		if a.Before(b) {
			return -1
		}
		return 1
	})
	if limit > 0 && len(ls) > limit {
		ls = ls[:limit]
	}
	return ls
}

// Count returns, of the counts of a row of entities, entity_names or
// entity_authorities, the one the column seen names.
func Count(seen string, documents, public, released int) int {
	switch seen {
	case SeenPublic:
		return public
	case SeenReleased:
		return released
	}
	return documents
}

// Shown returns the entities of a list as the documents that the column
// seen counts show them: counted among those documents, and named by the
// best of their spellings (name, "" when they write none) when some of
// the entity's documents are not among them and no editor named it. The
// sort key stays that of every spelling, which the list is ordered by, and
// shows nothing.
func Shown(ls []Listed, seen string, name func(kind fonds.EntityKind, key string) (string, error)) ([]fonds.Entity, error) {
	es := []fonds.Entity{}
	for _, l := range ls {
		e := l.Entity
		if seen != SeenAll && l.Seen < e.Documents && l.Editor == "" {
			n, err := name(e.Kind, e.Key)
			if err != nil {
				return nil, err
			}
			if n != "" {
				e.Name = n
			}
		}
		if seen != SeenAll {
			e.Documents = l.Seen
		}
		es = append(es, e)
	}
	return es, nil
}

// Deltas are how a save changes what documents say of the entities it
// touches (R names one): the number of documents writing each spelling and
// giving each identifier. They are changes of one document's mentions,
// which all have its visibility, so that the counts of the documents the
// public and readers see change by as many, or not at all (see Seen).
type Deltas[R comparable] map[R]*Delta

// Delta is how a save changes the counts of one entity's spellings
// (Names) and identifiers (Authority).
type Delta struct {
	Names, Authority map[string]int
}

// Add counts the spellings and identifiers of one document's mention of r
// by (1 or -1).
func (ds Deltas[R]) Add(r R, spellings, authority []string, by int) {
	d := ds[r]
	if d == nil {
		d = &Delta{Names: make(map[string]int), Authority: make(map[string]int)}
		ds[r] = d
	}
	for _, s := range spellings {
		d.Names[s] += by
	}
	for _, s := range authority {
		d.Authority[s] += by
	}
}

// Seen returns by how much a change of n documents changes the count of
// those of a visibility: n when the documents have it (yes), else 0.
func Seen(n int, yes bool) int {
	if yes {
		return n
	}
	return 0
}

// Renamed returns the entities to name again after a save added the
// spellings added and took away every document's spelling of those
// removed marks: each once.
func Renamed[R comparable](added map[R][]string, removed map[R]bool) []R {
	var rs []R
	for r := range added {
		rs = append(rs, r)
	}
	for r, yes := range removed {
		if _, ok := added[r]; yes && !ok {
			rs = append(rs, r)
		}
	}
	return rs
}
