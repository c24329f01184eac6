package fondstest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/entity"
)

// The contract of the linked edition (fonds.Entities) and of the filters
// of volumes and timelines (Filter.From, To, Section, ExceptCollection,
// ByNumber). Beyond what the interface's documentation says, it fixes
// these choices:
//   - a store keeps what package entity derives from each document it
//     saves, replaced by each save and removed with the document;
//   - an entity is shown by the name an editor gave it, or else by the
//     fullest name met in Latin letters (the most letters in words that
//     begin with a capital, then the most words, then the first in byte
//     order), whatever the order the documents were saved in;
//   - Entities orders by that name, a person's surname first, in the
//     English or the Russian collation, names in Latin letters first in
//     the English order and those with a Cyrillic name met first in the
//     Russian (which sorts by it), then by key; a Prefix matches the
//     beginning of a spelling met or of the name shown surname first, in
//     any case, or the beginning of the key by its translit.Key;
//   - Entity lists the spellings, the most frequent first, then in byte
//     order;
//   - Mentioning lists by date then id; its Written is the document's
//     words, the name when they are the same;
//   - DescribeEntity writes an AuditEntry of action "entity" and target
//     "kind/key"; an invalid kind, key, or identifier that is not an
//     absolute URL is an ErrInvalid;
//   - CitedBy of a document that does not exist is an ErrNotFound;
//   - Resolve resolves a target with a place in a document ("v#d8fn3")
//     as the document; of several documents of one identity, the first
//     by id of those the public sees, or else the first by id;
//   - Sections counts and numbers the documents the public sees, as
//     Collection counts them, and lists no chapter of none; it is an
//     ErrNotFound for a collection that does not exist;
//   - From and To are YYYY-MM-DD, else an ErrInvalid, and leave undated
//     documents out; Section without Collection, and ByNumber without
//     Collection, are an ErrInvalid;
//   - Neighbours go in number order with ByNumber, in date order
//     otherwise.

// sakharov is the key of Andrei Sakharov.
var sakharov = entity.Key(fonds.EntityPerson, "Andrei Sakharov")

// personKey returns the key of the person named name.
func personKey(name string) string { return entity.Key(fonds.EntityPerson, name) }

// para returns a text of one paragraph of the spans.
func para(spans ...fonds.Span) fonds.Text {
	return fonds.Text{{Kind: fonds.BlockParagraph, Spans: spans}}
}

func plain(s string) fonds.Span { return fonds.Span{Kind: fonds.SpanText, Text: s} }

func person(s string) fonds.Span { return fonds.Span{Kind: fonds.SpanPerson, Text: s} }

// withText returns d with its first witness's text replaced by t.
func withText(d *fonds.Document, t fonds.Text) *fonds.Document {
	d.Witnesses[0].Text = t
	return d
}

// entityKeys returns the kinds and keys of the entities f lists, read a
// page of size at a time with After when size is positive.
func entityKeys(t *testing.T, s fonds.Store, f fonds.EntityFilter, size int) []string {
	t.Helper()
	ctx := context.Background()
	var got []string
	f.Limit = size
	for range 100 {
		es, err := s.Entities(ctx, f)
		if err != nil {
			t.Fatalf("Entities(%+v) = %v", f, err)
		}
		for _, e := range es {
			got = append(got, string(e.Kind)+"/"+e.Key)
		}
		if size == 0 || len(es) < size {
			return got
		}
		f.After = es[len(es)-1].Key
	}
	t.Fatalf("Entities(%+v) page by page does not end", f)
	return nil
}

// mentioningIDs returns the ids of the documents Mentioning lists.
func mentioningIDs(t *testing.T, s fonds.Store, kind fonds.EntityKind, key string, f fonds.Filter) []string {
	t.Helper()
	ms, err := s.Mentioning(context.Background(), kind, key, f)
	if err != nil {
		t.Fatalf("Mentioning(%s/%s, %+v) = %v", kind, key, f, err)
	}
	got := []string{}
	for _, m := range ms {
		if m.Document == nil {
			t.Fatalf("Mentioning(%s/%s) lists no document", kind, key)
		}
		for _, w := range m.Document.Witnesses {
			if w.Text != nil {
				t.Errorf("Mentioning(%s/%s) gives %s with its texts, want a brief", kind, key, m.Document.ID)
			}
		}
		got = append(got, m.Document.ID)
	}
	return got
}

// documentsOf returns how many documents the entity is mentioned by, as
// Entity says, or -1 when it is not found.
func documentsOf(t *testing.T, s fonds.Store, kind fonds.EntityKind, key string) int {
	t.Helper()
	e, err := s.Entity(context.Background(), kind, key, fonds.Filter{})
	if errors.Is(err, fonds.ErrNotFound) {
		return -1
	}
	if err != nil {
		t.Fatalf("Entity(%s/%s) = %v", kind, key, err)
	}
	return e.Documents
}

// sakharovDocuments puts three published documents that write Sakharov
// three ways, on three dates, and a draft that writes him and Bonner, and
// returns them.
func sakharovDocuments(t *testing.T, s fonds.Store) []*fonds.Document {
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	persons := NewDocument("persons", "1977-01-10")
	persons.Summary = "On Andrei SAKHAROV."
	persons.Persons = []fonds.Person{{Name: "Andrei Sakharov", Written: "Andrei SAKHAROV"}}
	span := withText(NewDocument("span", "1977-02-10"), para(plain("The case of "), person("Сахарова"), plain(" was raised.")))
	note := withText(NewDocument("note", "1977-03-10"), para(plain("He was exiled."),
		fonds.Span{Kind: fonds.SpanFootnote, Target: "1", Spans: []fonds.Span{person("Sakharov"), plain(" was then in Gorky.")}}))
	draft := withText(NewDocument("draft", "1977-04-10"), para(plain("A letter of "), person("A. D. Sakharov"),
		plain(" and "), person("Elena Bonner"), plain(".")))
	draft.Status = fonds.StatusDraft
	docs := []*fonds.Document{persons, span, note, draft}
	for _, d := range docs {
		mustPut(t, s, d, fonds.Added)
	}
	return docs
}

func testEntityMentions(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	docs := sakharovDocuments(t, s)
	draft := docs[3]

	e, err := s.Entity(ctx, fonds.EntityPerson, sakharov, fonds.Filter{})
	if err != nil {
		t.Fatalf("Entity(person/%s) = %v", sakharov, err)
	}
	var names []string
	for _, n := range e.Names {
		names = append(names, n.Name)
		if n.Documents != 1 {
			t.Errorf("Entity(Sakharov) name %q written by %d documents, want 1", n.Name, n.Documents)
		}
	}
	slices.Sort(names)
	if want := []string{"A. D. Sakharov", "Andrei SAKHAROV", "Andrei Sakharov", "Sakharov", "Сахарова"}; !slices.Equal(names, want) {
		t.Errorf("Entity(Sakharov) names = %q, want %q", names, want)
	}
	if e.Name != "Andrei Sakharov" || e.Documents != 4 || e.Kind != fonds.EntityPerson || e.Key != sakharov {
		t.Errorf("Entity(Sakharov) = %+v, want Andrei Sakharov, of 4 documents", e)
	}

	ms, err := s.Mentioning(ctx, fonds.EntityPerson, sakharov, fonds.Filter{Published: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.Document.ID+" "+m.Written)
		if m.Passage == "" {
			t.Errorf("Mentioning(Sakharov): %s without a passage", m.Document.ID)
		}
	}
	if want := []string{"persons Andrei SAKHAROV", "span Сахарова", "note Sakharov"}; !slices.Equal(got, want) {
		t.Errorf("Mentioning(Sakharov, published) = %q, want %q, by date", got, want)
	}
	if len(ms) == 3 && (ms[1].Passage != "The case of Сахарова was raised." || ms[2].Passage != "Sakharov was then in Gorky.") {
		t.Errorf("Mentioning(Sakharov) passages = %q, %q, want the sentence and the footnote", ms[1].Passage, ms[2].Passage)
	}
	for _, tt := range []struct {
		f    fonds.Filter
		want []string
	}{
		{fonds.Filter{}, []string{"persons", "span", "note", "draft"}},
		{fonds.Filter{Status: fonds.StatusDraft}, []string{"draft"}},
		{fonds.Filter{Published: true, Restricted: true}, []string{"persons", "span", "note"}},
		{fonds.Filter{Published: true, Limit: 2}, []string{"persons", "span"}},
		{fonds.Filter{Published: true, After: "span"}, []string{"note"}},
		{fonds.Filter{After: "note", Limit: 5}, []string{"draft"}},
		{fonds.Filter{Published: true, Offset: 1, Limit: 1}, []string{"span"}},
	} {
		if got := mentioningIDs(t, s, fonds.EntityPerson, sakharov, tt.f); !slices.Equal(got, tt.want) {
			t.Errorf("Mentioning(Sakharov, %+v) = %v, want %v", tt.f, got, tt.want)
		}
	}
	if _, err := s.Mentioning(ctx, fonds.EntityPerson, sakharov, fonds.Filter{After: "never"}); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Mentioning(After a document that never was) = %v, want %v", err, fonds.ErrNotFound)
	}

	// The draft's Bonner is the editors' alone.
	bonner := personKey("Elena Bonner")
	if got, want := entityKeys(t, s, fonds.EntityFilter{Kind: fonds.EntityPerson, Published: true}, 0), []string{"person/" + sakharov}; !slices.Equal(got, want) {
		t.Errorf("Entities(persons, published) = %v, want %v", got, want)
	}
	if got, want := entityKeys(t, s, fonds.EntityFilter{Kind: fonds.EntityPerson}, 0), []string{"person/" + bonner, "person/" + sakharov}; !slices.Equal(got, want) {
		t.Errorf("Entities(persons) = %v, want %v", got, want)
	}
	if got := mentioningIDs(t, s, fonds.EntityPerson, bonner, fonds.Filter{Published: true}); len(got) != 0 {
		t.Errorf("Mentioning(Bonner, published) = %v, want none", got)
	}
	if n := documentsOf(t, s, fonds.EntityPerson, bonner); n != 1 {
		t.Errorf("Entity(Bonner) documents = %d, want 1", n)
	}
	if _, err := s.Entity(ctx, fonds.EntityPerson, "nobody", fonds.Filter{}); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Entity(person/nobody) = %v, want %v", err, fonds.ErrNotFound)
	}

	// Published, the draft shows Bonner; changed, its rows follow.
	draft.Status = fonds.StatusPublished
	mustPut(t, s, draft, fonds.Updated)
	if got := entityKeys(t, s, fonds.EntityFilter{Kind: fonds.EntityPerson, Published: true}, 0); len(got) != 2 {
		t.Errorf("Entities(persons, published) after publishing the draft = %v, want Bonner and Sakharov", got)
	}
	span := docs[1]
	span.Witnesses[0].Text = para(plain("Nothing about anyone."))
	mustPut(t, s, span, fonds.Updated)
	if got, want := mentioningIDs(t, s, fonds.EntityPerson, sakharov, fonds.Filter{}), []string{"persons", "note", "draft"}; !slices.Equal(got, want) {
		t.Errorf("Mentioning(Sakharov) after the span's text changed = %v, want %v", got, want)
	}
	e, err = s.Entity(ctx, fonds.EntityPerson, sakharov, fonds.Filter{})
	if err != nil || e.Documents != 3 || slices.ContainsFunc(e.Names, func(n fonds.EntityName) bool { return n.Name == "Сахарова" }) {
		t.Errorf("Entity(Sakharov) after the span's text changed = %+v, %v, want 3 documents and no Сахарова", e, err)
	}
	// Moved in time, a document moves in the list.
	docs[0].Date = NewDate("1977-12-31")
	mustPut(t, s, docs[0], fonds.Updated)
	if got, want := mentioningIDs(t, s, fonds.EntityPerson, sakharov, fonds.Filter{}), []string{"note", "draft", "persons"}; !slices.Equal(got, want) {
		t.Errorf("Mentioning(Sakharov) after a date changed = %v, want %v", got, want)
	}

	// Deleted, a document takes its mentions along.
	if err := s.DeleteDocument(ctx, "draft"); err != nil {
		t.Fatal(err)
	}
	if n := documentsOf(t, s, fonds.EntityPerson, bonner); n != -1 {
		t.Errorf("Entity(Bonner) after the only document mentioning her was deleted = %d documents, want ErrNotFound", n)
	}
	e, err = s.Entity(ctx, fonds.EntityPerson, sakharov, fonds.Filter{})
	if err != nil || e.Documents != 2 || e.Name != "Andrei Sakharov" || len(e.Names) != 3 {
		t.Errorf("Entity(Sakharov) after a deletion = %+v, %v, want Andrei Sakharov of 2 documents, 3 names", e, err)
	}
	// The name met depends on the spellings, not on the order of saves.
	if err := s.DeleteDocument(ctx, "persons"); err != nil {
		t.Fatal(err)
	}
	if e, err := s.Entity(ctx, fonds.EntityPerson, sakharov, fonds.Filter{}); err != nil || e.Name != "Sakharov" {
		t.Errorf("Entity(Sakharov) with only Sakharov met = %+v, %v, want the name Sakharov", e, err)
	}
	docs[0].Version = 0
	mustPut(t, s, docs[0], fonds.Added)
	if e, err := s.Entity(ctx, fonds.EntityPerson, sakharov, fonds.Filter{}); err != nil || e.Name != "Andrei Sakharov" {
		t.Errorf("Entity(Sakharov) saved again = %+v, %v, want the name Andrei Sakharov", e, err)
	}
}

// testEntitySeen checks that an entity read for a viewer says only what
// the documents they may see say of it: a draft's fuller name, spelling and
// identifier show to editors alone until it is published.
func testEntitySeen(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	public := withText(NewDocument("public", "1977-01-10"), para(person("Sakharov"), plain(" wrote.")))
	restricted := withText(NewDocument("restricted", "1977-02-10"), para(person("А. Д. Сахаров"), plain(" wrote.")))
	restricted.Restricted = true
	const viaf = "https://viaf.org/viaf/71403457"
	fuller := person("Andrei Dmitrievich Sakharov")
	fuller.Ref = viaf
	draft := withText(NewDocument("draft", "1977-03-10"), para(fuller, plain(" wrote.")))
	draft.Status = fonds.StatusDraft
	for _, d := range []*fonds.Document{public, restricted, draft} {
		mustPut(t, s, d, fonds.Added)
	}
	check := func(when string, f fonds.Filter, name string, documents int, names []string, authority []string) {
		t.Helper()
		e, err := s.Entity(ctx, fonds.EntityPerson, sakharov, f)
		if err != nil {
			t.Fatalf("%s: Entity(Sakharov, %+v) = %v", when, f, err)
		}
		var got []string
		for _, n := range e.Names {
			got = append(got, n.Name)
		}
		slices.Sort(got)
		if e.Name != name || e.Documents != documents || !slices.Equal(got, names) || !slices.Equal(e.Authority, authority) {
			t.Errorf("%s: Entity(Sakharov, %+v) = %q of %d documents, names %q, authority %q; want %q of %d, names %q, authority %q",
				when, f, e.Name, e.Documents, got, e.Authority, name, documents, names, authority)
		}
		es, err := s.Entities(ctx, fonds.EntityFilter{Kind: fonds.EntityPerson, Published: f.Published, Restricted: f.Restricted})
		if err != nil || len(es) != 1 || es[0].Name != name || es[0].Documents != documents {
			t.Errorf("%s: Entities(persons, %+v) = %+v, %v, want %q of %d documents", when, f, es, err, name, documents)
		}
	}
	check("a draft", fonds.Filter{}, "Andrei Dmitrievich Sakharov", 3,
		[]string{"Andrei Dmitrievich Sakharov", "Sakharov", "А. Д. Сахаров"}, []string{viaf})
	check("a draft", fonds.Filter{Published: true}, "Sakharov", 1, []string{"Sakharov"}, nil)
	check("a draft", fonds.Filter{Published: true, Restricted: true}, "Sakharov", 2, []string{"Sakharov", "А. Д. Сахаров"}, nil)
	// A spelling only the draft writes finds nothing for the public.
	for _, tt := range []struct {
		f    fonds.EntityFilter
		want int
	}{
		{fonds.EntityFilter{Prefix: "andrei dm"}, 1},
		{fonds.EntityFilter{Prefix: "andrei dm", Published: true}, 0},
		{fonds.EntityFilter{Prefix: "а. д.", Published: true}, 0},
		{fonds.EntityFilter{Prefix: "а. д.", Published: true, Restricted: true}, 1},
		{fonds.EntityFilter{Prefix: "sakh", Published: true}, 1},
	} {
		if es, err := s.Entities(ctx, tt.f); err != nil || len(es) != tt.want {
			t.Errorf("Entities(%+v) = %+v, %v, want %d", tt.f, es, err, tt.want)
		}
	}

	// Published, the draft shows; restricted later, the public loses it.
	draft.Status = fonds.StatusPublished
	mustPut(t, s, draft, fonds.Updated)
	check("published", fonds.Filter{Published: true}, "Andrei Dmitrievich Sakharov", 2,
		[]string{"Andrei Dmitrievich Sakharov", "Sakharov"}, []string{viaf})
	draft.Restricted = true
	mustPut(t, s, draft, fonds.Updated)
	check("restricted", fonds.Filter{Published: true}, "Sakharov", 1, []string{"Sakharov"}, nil)
	check("restricted", fonds.Filter{Published: true, Restricted: true}, "Andrei Dmitrievich Sakharov", 3,
		[]string{"Andrei Dmitrievich Sakharov", "Sakharov", "А. Д. Сахаров"}, []string{viaf})

	// An editor's name shows to all; describing moves the setting that
	// tells caches.
	before, err := s.Setting(ctx, fonds.SettingEntitiesDescribed)
	if err != nil && !errors.Is(err, fonds.ErrNotFound) {
		t.Fatal(err)
	}
	if err := s.DescribeEntity(ctx, fonds.Entity{Kind: fonds.EntityPerson, Key: sakharov, Name: "Andrei D. Sakharov"}, fonds.Save{Author: "editor"}); err != nil {
		t.Fatal(err)
	}
	if after, err := s.Setting(ctx, fonds.SettingEntitiesDescribed); err != nil || after == before {
		t.Errorf("Setting(%s) after DescribeEntity = %q, %v, the same as before", fonds.SettingEntitiesDescribed, after, err)
	}
	check("described", fonds.Filter{Published: true}, "Andrei D. Sakharov", 1, []string{"Sakharov"}, nil)
}

// testEntityAccess checks that who may see an entity follows who may see
// the documents that mention it: restricted, under embargo, released.
func testEntityAccess(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	restricted := withText(NewDocument("restricted", "1977-05-19"), para(person("Pyotr Grigorenko"), plain(" wrote.")))
	restricted.Restricted = true
	end := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	embargoed := withText(NewDocument("embargoed", "1977-05-20"), para(person("Yuri Orlov"), plain(" wrote.")))
	embargoed.Embargo = "2100-01-01"
	mustPut(t, s, restricted, fonds.Added)
	mustPut(t, s, embargoed, fonds.Added)
	grigorenko, orlov := "person/"+personKey("Grigorenko"), "person/"+personKey("Orlov")
	for _, tt := range []struct {
		f    fonds.EntityFilter
		want []string
	}{
		{fonds.EntityFilter{Published: true}, nil},
		{fonds.EntityFilter{Published: true, Restricted: true}, []string{grigorenko}},
		{fonds.EntityFilter{}, []string{grigorenko, orlov}},
	} {
		if got := entityKeys(t, s, tt.f, 0); !slices.Equal(got, tt.want) {
			t.Errorf("Entities(%+v) = %v, want %v", tt.f, got, tt.want)
		}
	}
	if n, err := s.Release(ctx, end); err != nil || n != 1 {
		t.Fatalf("Release(%v) = %d, %v, want 1", end, n, err)
	}
	if got, want := entityKeys(t, s, fonds.EntityFilter{Published: true}, 0), []string{orlov}; !slices.Equal(got, want) {
		t.Errorf("Entities(published) after the embargo ended = %v, want %v", got, want)
	}
	if got := mentioningIDs(t, s, fonds.EntityPerson, personKey("Orlov"), fonds.Filter{Published: true}); !slices.Equal(got, []string{"embargoed"}) {
		t.Errorf("Mentioning(Orlov, published) after the embargo ended = %v, want [embargoed]", got)
	}
	restricted.Restricted = false
	mustPut(t, s, restricted, fonds.Updated)
	if got := entityKeys(t, s, fonds.EntityFilter{Published: true}, 0); len(got) != 2 {
		t.Errorf("Entities(published) after the restriction was lifted = %v, want both", got)
	}
}

// testEntityOrder checks the orders of the lists of entities, their
// prefixes in both scripts, and paging by key.
func testEntityOrder(t *testing.T, s fonds.Store) {
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	d := withText(NewDocument("names", "1977-05-19"), para(
		person("Andrei Sakharov"), plain(", "), person("Сахарова"), plain(", "),
		person("Bonner"), plain(", "), person("Елена Георгиевна Боннэр"), plain(", "),
		person("Yuri ANDROPOV"), plain(", "), person("Щаранского"), plain(", "),
		person("Zbigniew Brzezinski"), plain(". The "),
		fonds.Span{Kind: fonds.SpanOrg, Text: "KGB"}, plain(" in "),
		fonds.Span{Kind: fonds.SpanPlace, Text: "Moscow"}, plain(" and "),
		fonds.Span{Kind: fonds.SpanPlace, Text: "Горький"}, plain("."),
	))
	mustPut(t, s, d, fonds.Added)
	p := func(name string) string { return "person/" + personKey(name) }
	pl := func(name string) string { return "place/" + entity.Key(fonds.EntityPlace, name) }
	andropov, bonner, brzezinski, sakharov, shcharansky := p("Andropov"), p("Bonner"), p("Brzezinski"), p("Sakharov"), p("Shcharansky")
	kgb, moscow, gorky := "org/"+entity.Key(fonds.EntityOrg, "KGB"), pl("Moscow"), pl("Горький")
	for _, tt := range []struct {
		f    fonds.EntityFilter
		want []string
	}{
		// Latin names first in the English order, surname first; a person
		// known only in Cyrillic after.
		{fonds.EntityFilter{Kind: fonds.EntityPerson}, []string{andropov, bonner, brzezinski, sakharov, shcharansky}},
		// Cyrillic names first in the Russian order, by the Cyrillic name
		// met (Боннэр, Сахаров, Щаранский), then the others.
		{fonds.EntityFilter{Kind: fonds.EntityPerson, Order: fonds.ByRussianName}, []string{bonner, sakharov, shcharansky, andropov, brzezinski}},
		{fonds.EntityFilter{Kind: fonds.EntityPlace}, []string{moscow, gorky}},
		{fonds.EntityFilter{Kind: fonds.EntityPlace, Order: fonds.ByRussianName}, []string{gorky, moscow}},
		// Of every kind, by name.
		{fonds.EntityFilter{}, []string{andropov, bonner, brzezinski, kgb, moscow, sakharov, gorky, shcharansky}},
		{fonds.EntityFilter{Published: true, Kind: fonds.EntityOrg}, []string{kgb}},
		// Prefixes in either script and any case, of a spelling, of the
		// name surname first, of the key.
		{fonds.EntityFilter{Prefix: "sak"}, []string{sakharov}},
		{fonds.EntityFilter{Prefix: "Sakh"}, []string{sakharov}},
		{fonds.EntityFilter{Prefix: "сах"}, []string{sakharov}},
		{fonds.EntityFilter{Prefix: "САХАРОВА"}, []string{sakharov}},
		{fonds.EntityFilter{Prefix: "andrei s"}, []string{sakharov}},
		{fonds.EntityFilter{Prefix: "andro"}, []string{andropov}},
		{fonds.EntityFilter{Prefix: "Андроп"}, []string{andropov}},
		{fonds.EntityFilter{Prefix: "shcha"}, []string{shcharansky}},
		{fonds.EntityFilter{Prefix: "b"}, []string{bonner, brzezinski}},
		{fonds.EntityFilter{Prefix: "b", Order: fonds.ByRussianName}, []string{bonner, brzezinski}},
		{fonds.EntityFilter{Prefix: "b", Kind: fonds.EntityPlace}, nil},
		{fonds.EntityFilter{Prefix: "gork"}, []string{gorky}},
		{fonds.EntityFilter{Prefix: "zzz"}, nil},
	} {
		for _, size := range []int{0, 1, 2, 3} {
			if got := entityKeys(t, s, tt.f, size); !slices.Equal(got, tt.want) {
				t.Errorf("Entities(%+v) in pages of %d = %v, want %v", tt.f, size, got, tt.want)
			}
		}
	}
	ctx := context.Background()
	if _, err := s.Entities(ctx, fonds.EntityFilter{After: "nobody"}); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Entities(After an entity that is not) = %v, want %v", err, fonds.ErrNotFound)
	}
	for _, f := range []fonds.EntityFilter{{Kind: "people"}, {Order: "fr"}, {Limit: -1}} {
		if _, err := s.Entities(ctx, f); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Entities(%+v) = %v, want %v", f, err, fonds.ErrInvalid)
		}
	}
	// A name in Latin letters is shown rather than a fuller one in
	// Cyrillic; a name written only in Cyrillic is shown so.
	if e, err := s.Entity(ctx, fonds.EntityPerson, personKey("Bonner"), fonds.Filter{}); err != nil || e.Name != "Bonner" {
		t.Errorf("Entity(Bonner) = %+v, %v, want the name Bonner", e, err)
	}
	if e, err := s.Entity(ctx, fonds.EntityPerson, personKey("Shcharansky"), fonds.Filter{}); err != nil || e.Name != "Щаранского" {
		t.Errorf("Entity(Shcharansky) = %+v, %v, want the name Щаранского", e, err)
	}
}

func testDescribeEntity(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	sakharovDocuments(t, s)
	wikidata := "https://www.wikidata.org/entity/Q160556"
	given := fonds.Entity{Kind: fonds.EntityPerson, Key: sakharov, Name: "Andrei Dmitrievich Sakharov",
		Role: "Physicist", Dates: "1921–1989", Note: "Nobel Peace Prize, 1975.", Authority: []string{wikidata}}
	if err := s.DescribeEntity(ctx, given, fonds.Save{Author: "ann", Address: "192.0.2.1", Message: "Identified"}); err != nil {
		t.Fatalf("DescribeEntity(%+v) = %v", given, err)
	}
	e, err := s.Entity(ctx, fonds.EntityPerson, sakharov, fonds.Filter{})
	if err != nil || e.Name != given.Name || e.Role != given.Role || e.Dates != given.Dates || e.Note != given.Note ||
		!slices.Equal(e.Authority, given.Authority) || e.Documents != 4 {
		t.Errorf("Entity(Sakharov) described = %+v, %v, want %+v of 4 documents", e, err, given)
	}
	es, err := s.Entities(ctx, fonds.EntityFilter{Kind: fonds.EntityPerson, Prefix: "sakharov"})
	if err != nil || len(es) != 1 || es[0].Name != given.Name || es[0].Role != given.Role {
		t.Errorf("Entities(Sakharov) described = %+v, %v, want it with the editor's name and role", es, err)
	}
	entries, err := s.AuditEntries(ctx, 0, 100)
	if err != nil || len(entries) == 0 {
		t.Fatalf("AuditEntries = %v, %v", entries, err)
	}
	last := entries[len(entries)-1]
	if last.Action != "entity" || last.Target != "person/"+sakharov || last.User != "ann" || last.Address != "192.0.2.1" || !strings.Contains(last.Detail, "Identified") {
		t.Errorf("the audit entry of DescribeEntity = %+v, want action entity, target person/%s, by ann, Identified", last, sakharov)
	}

	// An entity no document mentions is the editors' until one does.
	nobody := fonds.Entity{Kind: fonds.EntityPlace, Key: "perm-36", Name: "Perm-36", Note: "A camp."}
	if err := s.DescribeEntity(ctx, nobody, fonds.Save{Author: "ann"}); err != nil {
		t.Fatal(err)
	}
	if e, err := s.Entity(ctx, fonds.EntityPlace, "perm-36", fonds.Filter{}); err != nil || e.Name != "Perm-36" || e.Documents != 0 {
		t.Errorf("Entity(perm-36) described = %+v, %v, want Perm-36 of no document", e, err)
	}
	if got := entityKeys(t, s, fonds.EntityFilter{Kind: fonds.EntityPlace}, 0); !slices.Equal(got, []string{"place/perm-36"}) {
		t.Errorf("Entities(places) = %v, want the one described", got)
	}
	if got := entityKeys(t, s, fonds.EntityFilter{Kind: fonds.EntityPlace, Published: true}, 0); len(got) != 0 {
		t.Errorf("Entities(places, published) = %v, want none", got)
	}

	// A description taken back leaves the name met, and an entity no
	// document mentions goes.
	if err := s.DescribeEntity(ctx, fonds.Entity{Kind: fonds.EntityPerson, Key: sakharov}, fonds.Save{Author: "ann"}); err != nil {
		t.Fatal(err)
	}
	if e, err := s.Entity(ctx, fonds.EntityPerson, sakharov, fonds.Filter{}); err != nil || e.Name != "Andrei Sakharov" || e.Role != "" || len(e.Authority) != 0 {
		t.Errorf("Entity(Sakharov) without a description = %+v, %v, want the name met and nothing else", e, err)
	}
	if err := s.DescribeEntity(ctx, fonds.Entity{Kind: fonds.EntityPlace, Key: "perm-36"}, fonds.Save{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Entity(ctx, fonds.EntityPlace, "perm-36", fonds.Filter{}); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Entity(perm-36) without a description = %v, want %v", err, fonds.ErrNotFound)
	}

	// The sources' identifiers come after the editor's.
	d := withText(NewDocument("identified", "1977-06-01"), para(fonds.Span{Kind: fonds.SpanPerson, Text: "Sakharov", Ref: "https://viaf.org/viaf/71403457"}))
	mustPut(t, s, d, fonds.Added)
	if err := s.DescribeEntity(ctx, given, fonds.Save{}); err != nil {
		t.Fatal(err)
	}
	if e, err := s.Entity(ctx, fonds.EntityPerson, sakharov, fonds.Filter{}); err != nil || !slices.Equal(e.Authority, []string{wikidata, "https://viaf.org/viaf/71403457"}) {
		t.Errorf("Entity(Sakharov).Authority = %v, %v, want the editor's, then the source's", e.Authority, err)
	}

	for _, bad := range []fonds.Entity{
		{Kind: "people", Key: sakharov, Name: "X"},
		{Kind: fonds.EntityPerson, Key: "", Name: "X"},
		{Kind: fonds.EntityPerson, Key: "Sakharov", Name: "X"},
		{Kind: fonds.EntityPerson, Key: sakharov, Name: "Two\nlines"},
		{Kind: fonds.EntityPerson, Key: sakharov, Authority: []string{"Q160556"}},
		{Kind: fonds.EntityPerson, Key: sakharov, Note: strings.Repeat("x", 1<<20)},
	} {
		if err := s.DescribeEntity(ctx, bad, fonds.Save{}); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("DescribeEntity(%.80v) = %v, want %v", bad, err, fonds.ErrInvalid)
		}
	}
}

// volume is the slug of the volume of testCitations and testVolume.
const volume = "frus1977-80v02"

// volumeDocument returns a published document of the volume with the
// number, in the chapter, on the date.
func volumeDocument(n int, section, date string) *fonds.Document {
	d := NewDocument(fmt.Sprintf("%s-d%d", volume, n), date)
	d.Collection, d.Number, d.Section = volume, n, section
	return d
}

func testCitations(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	mustPutCollection(t, s, fonds.Collection{Slug: volume, Title: "Volume II"})
	mustPutCollection(t, s, fonds.Collection{Slug: "frus1977-80v06", Title: "Volume VI"})
	d8 := volumeDocument(8, "", "1977-02-01")
	d9 := volumeDocument(9, "", "1977-02-02")
	d9.References = []fonds.Reference{fonds.NewReference("Pb 56/68", "heading")}
	d10 := withText(volumeDocument(10, "", "1977-02-03"), para(plain("See Document 9. On the "),
		fonds.Span{Kind: fonds.SpanReference, Target: "#d8fn3", Text: "note"}, plain(".")))
	// A document of the archive that cites the same protocol, another
	// volume, and what is not there.
	b1 := withText(NewDocument("b1", "1977-01-15"), para(plain("As decided (Pb 56-68) and (St 248/9), in "),
		fonds.Span{Kind: fonds.SpanReference, Target: "frus1977-80v06", Text: "volume VI"}, plain(" and "),
		fonds.Span{Kind: fonds.SpanReference, Target: volume + "#d99", Text: "Document 99"}, plain(".")))
	draft := withText(NewDocument("b0-draft", "1977-01-01"), para(plain("Compare Pb 56/68.")))
	draft.Status = fonds.StatusDraft
	for _, d := range []*fonds.Document{d8, d9, d10, b1, draft} {
		mustPut(t, s, d, fonds.Added)
	}
	citedBy := func(id string, f fonds.Filter) []string {
		t.Helper()
		docs, err := s.CitedBy(ctx, id, f)
		if err != nil {
			t.Fatalf("CitedBy(%s, %+v) = %v", id, f, err)
		}
		return ids(docs)
	}
	for _, tt := range []struct {
		id   string
		f    fonds.Filter
		want []string
	}{
		{d9.ID, fonds.Filter{Published: true}, []string{"b1", d10.ID}},
		{d9.ID, fonds.Filter{}, []string{"b0-draft", "b1", d10.ID}},
		{d9.ID, fonds.Filter{Status: fonds.StatusDraft}, []string{"b0-draft"}},
		{d9.ID, fonds.Filter{Published: true, Limit: 1}, []string{"b1"}},
		{d9.ID, fonds.Filter{Published: true, After: "b1"}, []string{d10.ID}},
		{d9.ID, fonds.Filter{Offset: 1, Limit: 1}, []string{"b1"}},
		{d8.ID, fonds.Filter{Published: true}, []string{d10.ID}},
		{d10.ID, fonds.Filter{}, []string{}},
		{"b1", fonds.Filter{}, []string{}},
	} {
		if got := citedBy(tt.id, tt.f); !slices.Equal(got, tt.want) {
			t.Errorf("CitedBy(%s, %+v) = %v, want %v", tt.id, tt.f, got, tt.want)
		}
	}
	if _, err := s.CitedBy(ctx, "missing", fonds.Filter{}); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("CitedBy(missing) = %v, want %v", err, fonds.ErrNotFound)
	}

	got, err := s.Resolve(ctx, []string{volume + "#d9", "ref:pb 56/68", volume + "#d8fn3", "frus1977-80v06", volume + "#d99", "nothing"})
	want := map[string]string{volume + "#d9": d9.ID, "ref:pb 56/68": d9.ID, volume + "#d8fn3": d8.ID}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Resolve = %v, %v, want %v", got, err, want)
	}

	type cited struct{ id, target string }
	unresolved := func() []cited {
		t.Helper()
		var got []cited
		if err := s.Unresolved(ctx, func(id string, c fonds.Citation) error {
			got = append(got, cited{id, c.Target})
			return nil
		}); err != nil {
			t.Fatalf("Unresolved = %v", err)
		}
		return got
	}
	// The volume VI is a collection; Document 99 and St 248/9 are not there.
	if got, want := unresolved(), []cited{{"b1", volume + "#d99"}, {"b1", "ref:st 248/9"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Unresolved = %v, want %v", got, want)
	}
	stop := errors.New("stop")
	if err := s.Unresolved(ctx, func(string, fonds.Citation) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Unresolved(fn failing) = %v, want fn's error", err)
	}

	// Two documents of one identity: the first the public sees.
	twin := NewDocument("a-twin", "1977-05-19")
	twin.References = []fonds.Reference{fonds.NewReference("Pb 56-68", "heading")}
	twin.Status = fonds.StatusDraft
	mustPut(t, s, twin, fonds.Added)
	if got, _ := s.Resolve(ctx, []string{"ref:pb 56/68"}); got["ref:pb 56/68"] != d9.ID {
		t.Errorf("Resolve(ref:pb 56/68) with a draft twin = %v, want %s, the one the public sees", got, d9.ID)
	}
	twin.Status = fonds.StatusPublished
	mustPut(t, s, twin, fonds.Updated)
	if got, _ := s.Resolve(ctx, []string{"ref:pb 56/68"}); got["ref:pb 56/68"] != "a-twin" {
		t.Errorf("Resolve(ref:pb 56/68) with a published twin = %v, want a-twin, the first by id", got)
	}
	// The twin is cited too; each citing document comes once.
	if got, want := citedBy("a-twin", fonds.Filter{Published: true}), []string{"b1"}; !slices.Equal(got, want) {
		t.Errorf("CitedBy(a-twin) = %v, want %v", got, want)
	}

	// A citation's target added resolves it; a deletion undoes it.
	d99 := volumeDocument(99, "", "1977-03-01")
	mustPut(t, s, d99, fonds.Added)
	if got, want := unresolved(), []cited{{"b1", "ref:st 248/9"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Unresolved after Document 99 was added = %v, want %v", got, want)
	}
	if err := s.DeleteDocument(ctx, d99.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDocument(ctx, "b1"); err != nil {
		t.Fatal(err)
	}
	if got := unresolved(); len(got) != 0 {
		t.Errorf("Unresolved after the citing document was deleted = %v, want none", got)
	}
	if got, want := citedBy(d9.ID, fonds.Filter{Published: true}), []string{d10.ID}; !slices.Equal(got, want) {
		t.Errorf("CitedBy(d9) after b1 was deleted = %v, want %v", got, want)
	}
}

// testVolume checks the chapters of a volume and the filters of its
// lists: by number, of a chapter, of a range of dates, of the rest of the
// archive.
func testVolume(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	mustPutCollection(t, s, fonds.Collection{Slug: volume, Title: "Volume II"})
	// Numbers out of date order, a document without a number, a draft in
	// a chapter of its own.
	vol := []*fonds.Document{
		volumeDocument(1, "Chapter 1", "1977-05-20"),
		volumeDocument(2, "Chapter 1", "1977-05-18"),
		volumeDocument(3, "Chapter 1", "1977-06-01"),
		volumeDocument(4, "Chapter 2", "1977-05-19"),
		volumeDocument(5, "Chapter 2", ""),
		volumeDocument(6, "Chapter 3", "1977-07-01"),
	}
	vol[5].Status = fonds.StatusDraft
	note := volumeDocument(0, "Chapter 2", "1977-05-17")
	note.ID = volume + "-editorial-note"
	vol = append(vol, note)
	others := []*fonds.Document{NewDocument("o1", "1977-05-19"), NewDocument("o2", "1977-05-22"), NewDocument("o3", "1977-05-23"), NewDocument("o4", "")}
	for _, d := range append(slices.Clone(vol), others...) {
		mustPut(t, s, d, fonds.Added)
	}
	num := func(n int) string { return fmt.Sprintf("%s-d%d", volume, n) }

	sections := func() []fonds.Section {
		t.Helper()
		ss, err := s.Sections(ctx, volume)
		if err != nil {
			t.Fatalf("Sections(%s) = %v", volume, err)
		}
		return ss
	}
	want := []fonds.Section{{Title: "Chapter 1", First: 1, Count: 3}, {Title: "Chapter 2", First: 4, Count: 3}}
	if got := sections(); !reflect.DeepEqual(got, want) {
		t.Errorf("Sections = %+v, want %+v (the draft's chapter not among them)", got, want)
	}
	if ss, err := s.Sections(ctx, Collection); err != nil || len(ss) != 0 {
		t.Errorf("Sections(%s) = %+v, %v, want none", Collection, ss, err)
	}
	if _, err := s.Sections(ctx, "missing"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Sections(missing) = %v, want %v", err, fonds.ErrNotFound)
	}

	for _, tt := range []struct {
		f    fonds.Filter
		want []string
	}{
		{fonds.Filter{Collection: volume, Order: fonds.ByNumber}, []string{num(1), num(2), num(3), num(4), num(5), num(6), note.ID}},
		{fonds.Filter{Collection: volume, Order: fonds.ByNumber, Published: true}, []string{num(1), num(2), num(3), num(4), num(5), note.ID}},
		{fonds.Filter{Collection: volume, Order: fonds.ByNumber, Published: true, Restricted: true, After: num(3), Limit: 2}, []string{num(4), num(5)}},
		{fonds.Filter{Collection: volume, Order: fonds.ByNumber, Status: fonds.StatusDraft}, []string{num(6)}},
		{fonds.Filter{Collection: volume, Order: fonds.ByNumber, After: num(5)}, []string{num(6), note.ID}},
		{fonds.Filter{Collection: volume, Order: fonds.ByNumber, Section: "Chapter 2", Published: true}, []string{num(4), num(5), note.ID}},
		{fonds.Filter{Collection: volume, Order: fonds.ByNumber, Section: "Chapter 2", Published: true, Restricted: true, After: num(4)}, []string{num(5), note.ID}},
		{fonds.Filter{Collection: volume, Order: fonds.ByNumber, Section: "Chapter 3", Status: fonds.StatusDraft}, []string{num(6)}},
		{fonds.Filter{Collection: volume, Section: "Chapter 1"}, []string{num(2), num(1), num(3)}},
		{fonds.Filter{Collection: volume, Section: "None"}, []string{}},
		// A week, here and elsewhere.
		{fonds.Filter{From: "1977-05-16", To: "1977-05-22"}, []string{note.ID, num(2), num(4), "o1", num(1), "o2"}},
		{fonds.Filter{From: "1977-05-16", To: "1977-05-22", ExceptCollection: volume, Published: true}, []string{"o1", "o2"}},
		{fonds.Filter{From: "1977-05-16", To: "1977-05-22", Collection: volume, Published: true, Limit: 2, After: num(2)}, []string{num(4), num(1)}},
		{fonds.Filter{From: "1977-05-20"}, []string{num(1), "o2", "o3", num(3), num(6)}},
		{fonds.Filter{To: "1977-05-18", Published: true}, []string{note.ID, num(2)}},
		{fonds.Filter{From: "1977-05-20", To: "1977-05-19"}, []string{}},
		{fonds.Filter{ExceptCollection: volume}, []string{"o1", "o2", "o3", "o4"}},
		{fonds.Filter{ExceptCollection: volume, Collection: volume}, []string{}},
		{fonds.Filter{ExceptCollection: Collection, Collection: volume, Published: true, Year: 1977, Month: 6}, []string{num(3)}},
	} {
		docs, total, err := s.Documents(ctx, tt.f)
		if err != nil {
			t.Errorf("Documents(%+v) = %v", tt.f, err)
			continue
		}
		if got := ids(docs); !slices.Equal(got, tt.want) {
			t.Errorf("Documents(%+v) = %v, want %v", tt.f, got, tt.want)
		}
		all := tt.f
		all.After, all.Limit = "", 0
		n, _, err := s.Documents(ctx, all)
		if err != nil || total != len(n) {
			t.Errorf("Documents(%+v) total = %d, %v, want %d", tt.f, total, err, len(n))
		}
	}

	// The counts of the filters of a week and of the rest.
	cs, err := s.Collections(ctx, fonds.Filter{ExceptCollection: volume, Published: true})
	if err != nil || len(cs) != 2 || cs[0].Slug != Collection || cs[0].Count != 4 || cs[1].Count != 0 {
		t.Errorf("Collections(except %s) = %+v, %v, want %s of 4 and none of %s", volume, cs, err, Collection, volume)
	}
	cs, err = s.Collections(ctx, fonds.Filter{From: "1977-05-16", To: "1977-05-22"})
	if err != nil || len(cs) != 2 || cs[0].Count != 2 || cs[1].Count != 4 {
		t.Errorf("Collections(a week) = %+v, %v, want 2 and 4", cs, err)
	}
	for _, tt := range []struct {
		f    fonds.Filter
		want []fonds.DateCount
	}{
		{fonds.Filter{ExceptCollection: volume}, []fonds.DateCount{dc(1977, 5, 3)}},
		{fonds.Filter{ExceptCollection: Collection, Published: true}, []fonds.DateCount{dc(1977, 5, 4), dc(1977, 6, 1)}},
		{fonds.Filter{ExceptCollection: volume, Collection: volume}, []fonds.DateCount{}},
		{fonds.Filter{From: "1977-05-20", To: "1977-06-30"}, []fonds.DateCount{dc(1977, 5, 3), dc(1977, 6, 1)}},
		{fonds.Filter{Collection: volume, Section: "Chapter 1"}, []fonds.DateCount{dc(1977, 5, 2), dc(1977, 6, 1)}},
	} {
		got, err := s.DateCounts(ctx, tt.f)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DateCounts(%+v) = %v, %v, want %v", tt.f, got, err, tt.want)
		}
	}

	// Neighbours in number order go through the volume; in date order,
	// by date.
	for _, tt := range []struct {
		id         string
		f          fonds.Filter
		prev, next string
	}{
		{num(2), fonds.Filter{Collection: volume, Order: fonds.ByNumber, Published: true}, num(1), num(3)},
		{num(1), fonds.Filter{Collection: volume, Order: fonds.ByNumber, Published: true}, "<nil>", num(2)},
		{num(5), fonds.Filter{Collection: volume, Order: fonds.ByNumber, Published: true}, num(4), note.ID},
		{num(5), fonds.Filter{Collection: volume, Order: fonds.ByNumber}, num(4), num(6)},
		{note.ID, fonds.Filter{Collection: volume, Order: fonds.ByNumber, Published: true, Restricted: true}, num(5), "<nil>"},
		{num(4), fonds.Filter{Collection: volume, Order: fonds.ByNumber, Section: "Chapter 2", Published: true}, "<nil>", num(5)},
		{num(2), fonds.Filter{Collection: volume, Published: true}, note.ID, num(4)},
		{num(4), fonds.Filter{From: "1977-05-19", To: "1977-05-22", ExceptCollection: Collection}, "<nil>", num(1)},
	} {
		prev, next, err := s.Neighbours(ctx, tt.id, tt.f)
		if err != nil || id(prev) != tt.prev || id(next) != tt.next {
			t.Errorf("Neighbours(%s, %+v) = %s, %s, %v, want %s, %s", tt.id, tt.f, id(prev), id(next), err, tt.prev, tt.next)
		}
	}

	// A document renumbered, moved to another chapter, published, deleted:
	// the chapters follow.
	vol[5].Status = fonds.StatusPublished
	mustPut(t, s, vol[5], fonds.Updated)
	vol[2].Section, vol[2].Number = "Chapter 2", 7
	mustPut(t, s, vol[2], fonds.Updated)
	if err := s.DeleteDocument(ctx, num(1)); err != nil {
		t.Fatal(err)
	}
	want = []fonds.Section{{Title: "Chapter 1", First: 2, Count: 1}, {Title: "Chapter 2", First: 4, Count: 4}, {Title: "Chapter 3", First: 6, Count: 1}}
	if got := sections(); !reflect.DeepEqual(got, want) {
		t.Errorf("Sections after changes = %+v, want %+v", got, want)
	}
	vol[3].Status = fonds.StatusDraft
	mustPut(t, s, vol[3], fonds.Updated)
	want[1] = fonds.Section{Title: "Chapter 2", First: 5, Count: 3}
	if got := sections(); !reflect.DeepEqual(got, want) {
		t.Errorf("Sections after Document 4 was made a draft = %+v, want %+v", got, want)
	}

	for _, f := range []fonds.Filter{
		{From: "1977-5-1"},
		{To: "May 1977"},
		{Order: fonds.ByNumber},
		{Section: "Chapter 1"},
	} {
		if _, _, err := s.Documents(ctx, f); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Documents(%+v) = %v, want %v", f, err, fonds.ErrInvalid)
		}
	}
	bad := NewDocument("negative", "1977")
	bad.Number = -1
	if _, err := s.PutDocument(ctx, bad); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutDocument(negative number) = %v, want %v", err, fonds.ErrInvalid)
	}
}
