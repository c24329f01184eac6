package fondstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fonds"
)

// TestTransfer is the contract of fonds.Transferer: a store filled with
// documents (several versions, drafts, a deletion, aliases), users, a
// session, audit entries, settings and an entity's description moves to
// an empty store of another kind and back, and everything reads the same
// on the three (history, revisions, records, audit, users, settings,
// aliases, entities, the change feed), times to the microsecond. open
// returns an empty store of the kind under test, other an empty store of
// another kind; both must be Transferers.
func TestTransfer(t *testing.T, open, other func(t *testing.T) fonds.Store) {
	ctx := context.Background()
	src := open(t)
	FillForTransfer(t, src)
	want := Snapshot(t, src)
	wantDump := dumpText(t, src)

	mid := other(t)
	if _, err := fonds.Transfer(ctx, transferer(t, src), transferer(t, mid), nil); err != nil {
		t.Fatalf("Transfer to the other store: %v", err)
	}
	if got := Snapshot(t, mid); got != want {
		t.Errorf("the other store after the transfer differs:\n%s", diffLines(want, got))
	}
	if got := dumpText(t, mid); got != wantDump {
		t.Errorf("the other store's Dump differs:\n%s", diffLines(wantDump, got))
	}
	back := open(t)
	n, err := fonds.Transfer(ctx, transferer(t, mid), transferer(t, back), nil)
	if err != nil {
		t.Fatalf("Transfer back: %v", err)
	}
	if got := Snapshot(t, back); got != want {
		t.Errorf("the store transferred back differs:\n%s", diffLines(want, got))
	}
	if got := dumpText(t, back); got != wantDump {
		t.Errorf("the Dump of the store transferred back differs:\n%s", diffLines(wantDump, got))
	}
	if n == 0 {
		t.Errorf("Transfer back copied no items")
	}
	// The target goes on as the source would: a save numbers its version,
	// its audit entry and its change after those it took in.
	d, err := back.Document(ctx, "doc-a")
	if err != nil {
		t.Fatal(err)
	}
	d.Title = "After the move"
	if _, err := back.SaveDocument(ctx, d, fonds.Save{Author: "alice", Message: "after", Version: d.Version}); err != nil {
		t.Fatalf("SaveDocument after the transfer: %v", err)
	}
	hs, err := back.History(ctx, "doc-a")
	if err != nil || len(hs) != 4 || hs[3].N != 4 || hs[3].Message != "after" {
		t.Errorf("History after a save following the transfer = %+v, %v; want 4 versions, the last by the save", hs, err)
	}
	last, err := back.LastChange(ctx)
	wantLast, _ := src.LastChange(ctx)
	if err != nil || last <= wantLast {
		t.Errorf("LastChange after a save following the transfer = %d, %v; want more than %d", last, err, wantLast)
	}

	t.Run("non-empty target", func(t *testing.T) {
		_, err := transferer(t, src).Load(ctx)
		if !errors.Is(err, fonds.ErrConflict) {
			t.Errorf("Load of a filled store = %v, want ErrConflict", err)
		}
	})
	t.Run("all or nothing", func(t *testing.T) {
		dst := transferer(t, open(t))
		l, err := dst.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Add(ctx, &fonds.Item{Kind: fonds.ItemCollection, Collection: &fonds.Collection{Slug: "c", Title: "C"}}); err != nil {
			t.Fatalf("Add(collection) = %v", err)
		}
		// A document of a collection not loaded.
		body := NewDocument("orphan", "1977")
		body.Collection = "missing"
		err = transferer(t, src).Dump(ctx, func(it *fonds.Item) error {
			if it.Kind != fonds.ItemVersion || !it.Version.Current {
				return nil
			}
			v := *it.Version
			v.Body = []byte(strings.Replace(string(v.Body), `"collection":"`+Collection+`"`, `"collection":"missing"`, 1))
			return l.Add(ctx, &fonds.Item{Kind: fonds.ItemVersion, Version: &v})
		})
		if !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Add(version of a collection not loaded) = %v, want ErrInvalid", err)
		}
		l.Abort()
		l, err = dst.Load(ctx)
		if err != nil {
			t.Fatalf("Load after an aborted load = %v, want the store still empty", err)
		}
		l.Abort()
	})
}

func transferer(t *testing.T, s fonds.Store) fonds.Transferer {
	t.Helper()
	tr, ok := s.(fonds.Transferer)
	if !ok {
		t.Fatalf("%T is not a fonds.Transferer", s)
	}
	return tr
}

// FillForTransfer fills s with a little of everything a store keeps.
func FillForTransfer(t *testing.T, s fonds.Store) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.PutCollection(ctx, fonds.Collection{Slug: Collection, Title: "Test", Description: "For the transfer"}))
	must(s.PutCollection(ctx, fonds.Collection{Slug: "other", Title: "Other"}))
	must(s.PutSetting(ctx, "site.name", "Transferred archive"))
	// A setting is any string, a NUL and a name that sorts apart by
	// case too: both stores give them back, in the order of their bytes.
	must(s.PutSetting(ctx, "Zeta.note", "a\x00b"))
	must(s.PutUser(ctx, &fonds.User{Name: "alice", FullName: "Alice A.", Email: "alice@example.org", Role: fonds.RoleEditor, PasswordHash: "hash-of-alice"}))
	must(s.PutUser(ctx, &fonds.User{Name: "bob", Role: fonds.RoleReader, Disabled: true, PasswordHash: "hash-of-bob"}))
	must(s.PutSession(ctx, &fonds.Session{ID: strings.Repeat("ab", 32), User: "alice", CSRF: "csrf", Address: "127.0.0.1"}))
	must(s.Audit(ctx, &fonds.AuditEntry{User: "alice", Address: "127.0.0.1", Action: "login"}))

	save := func(d *fonds.Document, sv fonds.Save) {
		t.Helper()
		if _, err := s.SaveDocument(ctx, d, sv); err != nil {
			t.Fatalf("SaveDocument(%s): %v", d.ID, err)
		}
	}
	a := NewFullDocument("doc-a", "1977-05-19")
	a.Aliases = []string{"/2010/05/old-post/"}
	save(a, fonds.Save{Author: "alice", Address: "cli", Message: "import"})
	a.Title = "Second title"
	save(a, fonds.Save{Author: "alice", Message: "retitled", Version: 1})
	a.Status = fonds.StatusReview
	save(a, fonds.Save{Author: "bob", Message: "for review", Version: 2})

	b := NewDocument("doc-b", "1978")
	b.Status = fonds.StatusDraft
	save(b, fonds.Save{Author: "alice"})

	c := NewDocument("doc-c", "1979-02")
	c.Categories = []string{"7"}
	save(c, fonds.Save{})
	c.Summary = "Changed before its deletion."
	save(c, fonds.Save{Message: "changed"})
	must(s.DeleteDocumentBy(ctx, "doc-c", fonds.Save{Author: "alice", Message: "duplicate"}))

	d := NewDocument("doc-d", "")
	d.Collection = "other"
	d.Restricted = true
	d.Aliases = []string{"/d", "/d/again"}
	save(d, fonds.Save{})
	e := NewDocument("doc-e", "1980-01-01")
	e.Embargo = "2999-01-01"
	save(e, fonds.Save{})

	es, err := s.Entities(ctx, fonds.EntityFilter{Kind: fonds.EntityPerson})
	must(err)
	if len(es) == 0 {
		t.Fatal("the documents of the fill mention no person")
	}
	must(s.DescribeEntity(ctx, fonds.Entity{Kind: es[0].Kind, Key: es[0].Key, Name: "Described Name", Role: "Minister",
		Authority: []string{"https://www.wikidata.org/wiki/Q1"}}, fonds.Save{Author: "alice"}))
	must(s.DescribeEntity(ctx, fonds.Entity{Kind: fonds.EntityPlace, Key: "nowhere", Name: "Nowhere", Note: "mentioned by none"}, fonds.Save{Author: "alice"}))
}

// dumpText returns the items of s's Dump, one JSON line each, with the
// passwords' hashes.
func dumpText(t *testing.T, s fonds.Store) string {
	t.Helper()
	var b strings.Builder
	err := transferer(t, s).Dump(context.Background(), func(it *fonds.Item) error {
		j, err := json.Marshal(it)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s\n", j)
		if it.User != nil {
			fmt.Fprintf(&b, "password %s %s\n", it.User.Name, it.User.PasswordHash)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Dump: %v", err)
	}
	return b.String()
}

// Snapshot returns what s holds as its methods read it, as text, every
// time to the microsecond: two stores with the same content give the
// same text.
func Snapshot(t *testing.T, s fonds.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	put := func(what string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		fmt.Fprintf(&b, "%s %s\n", what, j)
	}
	cs, err := s.Collections(ctx, fonds.Filter{})
	put("collections", cs, err)
	cs, err = s.Collections(ctx, fonds.Filter{Published: true})
	put("collections published", cs, err)
	for _, name := range []string{"site.name", fonds.SettingEntitiesDescribed} {
		v, err := s.Setting(ctx, name)
		put("setting "+name, v, err)
	}
	us, err := s.Users(ctx)
	put("users", us, err)
	for _, u := range us {
		put("password "+u.Name, u.PasswordHash, nil)
	}
	ss, err := s.Session(ctx, strings.Repeat("ab", 32))
	put("session", ss, err)
	docs, total, err := s.Documents(ctx, fonds.Filter{})
	put("documents", docs, err)
	put("total", total, nil)
	ids := []string{"doc-c"} // deleted
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	for _, id := range ids {
		hs, err := s.History(ctx, id)
		put("history "+id, hs, err)
		rs, err := s.Revisions(ctx, id)
		put("revisions "+id, rs, err)
		for _, h := range hs {
			r, err := s.Revision(ctx, id, h.N)
			put(fmt.Sprintf("revision %s %d", id, h.N), r, err)
		}
	}
	for _, p := range []string{"/2010/05/old-post/", "/d", "/d/again"} {
		id, err := s.Alias(ctx, p)
		put("alias "+p, id, err)
	}
	for _, f := range []fonds.Filter{{}, {Published: true}, {Published: true, Restricted: true}} {
		st, err := s.Stamps(ctx, f)
		put(fmt.Sprintf("stamps %+v", f), st, err)
		dc, err := s.DateCounts(ctx, f)
		put(fmt.Sprintf("date counts %+v", f), dc, err)
		_, n, err := s.Documents(ctx, f)
		put(fmt.Sprintf("count %+v", f), n, err)
	}
	rs, n, err := s.Records(ctx, fonds.RecordFilter{})
	put("records", rs, err)
	put("records count", n, nil)
	ed, err := s.EarliestDatestamp(ctx)
	put("earliest datestamp", ed, err)
	cats, err := s.Categories(ctx)
	put("categories", cats, err)
	as, err := s.AuditEntries(ctx, 0, 1000)
	put("audit", as, err)
	ch, err := s.Changes(ctx, 0, 1000)
	put("changes", ch, err)
	last, err := s.LastChange(ctx)
	put("last change", last, err)
	for _, f := range []fonds.EntityFilter{{}, {Published: true}} {
		es, err := s.Entities(ctx, f)
		put(fmt.Sprintf("entities %+v", f), es, err)
		for _, e := range es {
			one, err := s.Entity(ctx, e.Kind, e.Key, fonds.Filter{Published: f.Published})
			put("entity "+string(e.Kind)+"/"+e.Key, one, err)
			ms, err := s.Mentioning(ctx, e.Kind, e.Key, fonds.Filter{Published: f.Published})
			put("mentioning "+string(e.Kind)+"/"+e.Key, ms, err)
		}
	}
	return microseconds(b.String())
}

var stamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)

// microseconds writes every time in s to the microsecond, in UTC.
func microseconds(s string) string {
	return stamp.ReplaceAllStringFunc(s, func(m string) string {
		t, err := time.Parse(time.RFC3339Nano, m)
		if err != nil {
			return m
		}
		return fonds.TransferTime(t).Format(time.RFC3339Nano)
	})
}

// diffLines returns the lines of want and got that differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var x, y string
		if i < len(w) {
			x = w[i]
		}
		if i < len(g) {
			y = g[i]
		}
		if x != y {
			fmt.Fprintf(&b, "want %s\n got %s\n", x, y)
		}
	}
	return b.String()
}
