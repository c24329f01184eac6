package fondstest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"fonds"
)

// testBatch checks fonds.BatchSaver, for a store that is one: a batch
// saves each document as SaveDocument would, in order, the later seeing
// the earlier, and writes them all or none.
func testBatch(t *testing.T, s fonds.Store) {
	b, ok := s.(fonds.BatchSaver)
	if !ok {
		t.Skip("the store is not a fonds.BatchSaver")
	}
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	old := NewDocument("old", "1977-01-01")
	mustSave(t, s, old, fonds.Save{Author: "ann", Message: "First"}, fonds.Added)
	kept := NewDocument("kept", "1977-01-02")
	mustSave(t, s, kept, fonds.Save{Author: "ann"}, fonds.Added)
	from, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	audited := auditSeq(t, s)

	if res, err := b.SaveDocuments(ctx, nil, nil); err != nil || len(res) != 0 {
		t.Errorf("SaveDocuments(none) = %v, %v, want no results and no error", res, err)
	}
	if _, err := b.SaveDocuments(ctx, []*fonds.Document{NewDocument("x", "1977")}, nil); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("SaveDocuments(one document, no save) = %v, want %v", err, fonds.ErrInvalid)
	}

	// A batch that fails at its fourth document writes nothing, and
	// leaves the documents before it as they were given.
	a1, a2 := NewDocument("a1", "1977-02-01"), NewDocument("a2", "1977-02-02")
	changed := NewDocument("old", "1977-01-01")
	changed.Title = "Changed"
	for _, tc := range []struct {
		name string
		bad  *fonds.Document
		save fonds.Save
		want error
	}{
		{"no collection", func() *fonds.Document { d := NewDocument("bad", "1977"); d.Collection = "missing"; return d }(), fonds.Save{}, fonds.ErrInvalid},
		{"no id", NewDocument("", "1977"), fonds.Save{}, fonds.ErrInvalid},
		{"stale version", NewDocument("kept", "1977-01-02"), fonds.Save{Version: 5}, fonds.ErrConflict},
	} {
		docs := []*fonds.Document{a1, changed, a2, tc.bad}
		saves := []fonds.Save{{}, {}, {}, tc.save}
		_, err := b.SaveDocuments(ctx, docs, saves)
		if !errors.Is(err, tc.want) {
			t.Fatalf("SaveDocuments(%s) = %v, want %v", tc.name, err, tc.want)
		}
		if tc.bad.ID != "" && !strings.Contains(err.Error(), tc.bad.ID) {
			t.Errorf("SaveDocuments(%s) = %q, want the id %s in it", tc.name, err, tc.bad.ID)
		}
		for _, d := range docs[:3] {
			if d.Version != 0 || d.Hash != "" || !d.Updated.IsZero() {
				t.Errorf("SaveDocuments(%s) set %s's version %d, hash %q, updated %v; want it left as given", tc.name, d.ID, d.Version, d.Hash, d.Updated)
			}
		}
		for _, id := range []string{"a1", "a2"} {
			if _, err := s.Document(ctx, id); !errors.Is(err, fonds.ErrNotFound) {
				t.Errorf("after SaveDocuments(%s): Document(%s) = %v, want %v", tc.name, id, err, fonds.ErrNotFound)
			}
		}
		if got, err := s.Document(ctx, "old"); err != nil || got.Title != old.Title || got.Version != 1 {
			t.Errorf("after SaveDocuments(%s): Document(old) = %+v, %v, want version 1 as first saved", tc.name, got, err)
		}
		if last, err := s.LastChange(ctx); err != nil || last != from {
			t.Errorf("after SaveDocuments(%s): LastChange() = %d, %v, want %d", tc.name, last, err, from)
		}
		if seq := auditSeq(t, s); seq != audited {
			t.Errorf("after SaveDocuments(%s): the audit log goes on to %d from %d, want no entry", tc.name, seq, audited)
		}
	}

	// A batch that succeeds: added, updated, unchanged, the same id twice
	// (the second an update of the first), a document that names a person.
	twice1, twice2 := NewDocument("twice", "1977-03-01"), NewDocument("twice", "1977-03-01")
	twice2.Title = "Second of the batch"
	named := withText(NewDocument("named", "1977-03-02"), para(plain("A letter of "), person("Andrei Sakharov"), plain(".")))
	same := NewDocument("kept", "1977-01-02")
	docs := []*fonds.Document{a1, changed, twice1, same, twice2, named}
	saves := []fonds.Save{
		{Author: "bob", Address: "cli", Message: "import of a1"},
		{Author: "bob", Message: "import of old", Version: 1},
		{Author: "bob", Message: "import of twice", Version: -1},
		{Author: "bob", Message: "import of kept"},
		{Author: "carl", Message: "import of twice again", Version: 1},
		{Author: "bob", Message: "import of named"},
	}
	res, err := b.SaveDocuments(ctx, docs, saves)
	if err != nil {
		t.Fatalf("SaveDocuments() = %v", err)
	}
	want := []fonds.PutResult{fonds.Added, fonds.Updated, fonds.Added, fonds.Unchanged, fonds.Updated, fonds.Added}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("SaveDocuments() = %v, want %v", res, want)
	}
	for i, d := range docs {
		if d.Hash != d.ContentHash() || d.Updated.IsZero() || d.Created.IsZero() {
			t.Errorf("SaveDocuments(): document %d (%s) has hash %q, created %v, updated %v; want them set", i, d.ID, d.Hash, d.Created, d.Updated)
		}
	}
	for i, v := range []int{1, 2, 1, 1, 2, 1} {
		if docs[i].Version != v {
			t.Errorf("SaveDocuments(): document %d (%s) has version %d, want %d", i, docs[i].ID, docs[i].Version, v)
		}
	}
	for _, d := range []*fonds.Document{a1, changed, twice2, named} {
		got, err := s.Document(ctx, d.ID)
		if err != nil {
			t.Fatalf("Document(%s) = %v", d.ID, err)
		}
		checkDocument(t, "Document("+d.ID+")", got, d)
	}
	vs, err := s.History(ctx, "twice")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Author != "bob" || vs[0].Message != "import of twice" || vs[1].Author != "carl" || vs[1].Message != "import of twice again" {
		t.Errorf("History(twice) = %+v, want versions by bob and carl with their messages", vs)
	}
	if vs, err := s.History(ctx, "old"); err != nil || len(vs) != 2 || vs[1].Author != "bob" || vs[1].Message != "import of old" {
		t.Errorf("History(old) = %+v, %v, want a second version by bob", vs, err)
	}
	es, err := s.AuditEntries(ctx, audited, 100)
	if err != nil {
		t.Fatal(err)
	}
	type entry struct{ user, address, target, message string }
	var got []entry
	for _, e := range es {
		got = append(got, entry{e.User, e.Address, e.Target, e.Detail})
	}
	wantEntries := []entry{{"bob", "cli", "a1", "import of a1"}, {"bob", "", "old", "import of old"},
		{"bob", "", "twice", "import of twice"}, {"carl", "", "twice", "import of twice again"}, {"bob", "", "named", "import of named"}}
	if len(got) != len(wantEntries) {
		t.Fatalf("AuditEntries after SaveDocuments() = %+v, want %d entries (none for the unchanged)", got, len(wantEntries))
	}
	for i, w := range wantEntries {
		g := got[i]
		if g.user != w.user || g.address != w.address || g.target != w.target || !strings.Contains(g.message, w.message) {
			t.Errorf("AuditEntries after SaveDocuments()[%d] = %+v, want %+v", i, g, w)
		}
	}
	cs, err := s.Changes(ctx, from, 100)
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, c := range cs {
		changes = append(changes, c.ID)
	}
	if want := []string{"a1", "old", "twice", "named"}; !reflect.DeepEqual(changes, want) {
		t.Errorf("Changes(%d) after SaveDocuments() = %v, want %v in the order saved", from, changes, want)
	}
	if n := documentsOf(t, s, fonds.EntityPerson, personKey("Andrei Sakharov")); n != 1 {
		t.Errorf("Entity(Andrei Sakharov) after SaveDocuments() counts %d documents, want 1", n)
	}
}

// auditSeq returns the Seq of the last entry of the audit log, 0 if none.
func auditSeq(t *testing.T, s fonds.Store) int64 {
	t.Helper()
	var seq int64
	for {
		es, err := s.AuditEntries(context.Background(), seq, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 {
			return seq
		}
		seq = es[len(es)-1].Seq
	}
}
