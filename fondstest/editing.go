package fondstest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fonds"
)

// The contract of what editors do: statuses, embargoes, restrictions,
// saves from a version, history and the audit log.

// mustSave saves d as sv, failing the test unless the store answers want.
func mustSave(t *testing.T, s fonds.Store, d *fonds.Document, sv fonds.Save, want fonds.PutResult) {
	t.Helper()
	res, err := s.SaveDocument(context.Background(), d, sv)
	if err != nil || res != want {
		t.Fatalf("SaveDocument(%s, %+v) = %q, %v, want %q", d.ID, sv, res, err, want)
	}
}

// listed returns the ids of the documents f admits, checking that the
// total is their number.
func listed(t *testing.T, s fonds.Store, f fonds.Filter) []string {
	t.Helper()
	docs, total, err := s.Documents(context.Background(), f)
	if err != nil {
		t.Fatalf("Documents(%+v) = %v", f, err)
	}
	if total != len(docs) {
		t.Errorf("Documents(%+v) total = %d, want %d, the number listed", f, total, len(docs))
	}
	got := ids(docs)
	slices.Sort(got)
	return got
}

// stamped returns the ids of the stamps f admits, sorted.
func stamped(t *testing.T, s fonds.Store, f fonds.Filter) []string {
	t.Helper()
	stamps, err := s.Stamps(context.Background(), f)
	if err != nil {
		t.Fatalf("Stamps(%+v) = %v", f, err)
	}
	var got []string
	for id := range stamps {
		got = append(got, id)
	}
	slices.Sort(got)
	if got == nil {
		got = []string{}
	}
	return got
}

// recorded returns the records of every document, by id.
func recorded(t *testing.T, s fonds.Store) map[string]fonds.Record {
	t.Helper()
	recs, _, err := s.Records(context.Background(), fonds.RecordFilter{})
	if err != nil {
		t.Fatalf("Records() = %v", err)
	}
	m := make(map[string]fonds.Record)
	for _, r := range recs {
		m[r.ID] = r
	}
	return m
}

// counted returns the count of collection Collection that f gives.
func counted(t *testing.T, s fonds.Store, f fonds.Filter) int {
	t.Helper()
	cs, err := s.Collections(context.Background(), f)
	if err != nil {
		t.Fatalf("Collections(%+v) = %v", f, err)
	}
	for _, c := range cs {
		if c.Slug == Collection {
			return c.Count
		}
	}
	t.Fatalf("Collections(%+v) = %+v, want %s among them", f, cs, Collection)
	return 0
}

// heldIDs returns the ids of the documents of the list h of held ones,
// read a page of one document at a time with After, most recently added
// first, checking that each page's total is their number and that the
// counts of the collection and of the dates agree.
func heldIDs(t *testing.T, s fonds.Store, h fonds.Held) []string {
	t.Helper()
	ctx := context.Background()
	all := listed(t, s, fonds.Filter{Held: h})
	var got []string
	f := fonds.Filter{Held: h, Order: fonds.ByAdded, Limit: 1, Brief: true}
	for range len(all) + 1 {
		docs, total, err := s.Documents(ctx, f)
		if err != nil {
			t.Fatalf("Documents(%+v) = %v", f, err)
		}
		if total != len(all) {
			t.Errorf("Documents(%+v) total = %d, want %d", f, total, len(all))
		}
		if len(docs) == 0 {
			break
		}
		got = append(got, docs[0].ID)
		f.After = docs[0].ID
	}
	if sorted := slices.Sorted(slices.Values(got)); !slices.Equal(sorted, all) {
		t.Errorf("Documents(held %s) page by page = %v, want %v", h, got, all)
	}
	if n := counted(t, s, fonds.Filter{Held: h}); n != len(all) {
		t.Errorf("Collections(held %s) counts %d, want %d", h, n, len(all))
	}
	dcs, err := s.DateCounts(ctx, fonds.Filter{Held: h})
	n := 0
	for _, c := range dcs {
		n += c.Count
	}
	if err != nil || n != len(all) {
		t.Errorf("DateCounts(held %s) = %v, %v, want %d in all", h, dcs, err, len(all))
	}
	if got := stamped(t, s, fonds.Filter{Held: h}); !slices.Equal(got, all) {
		t.Errorf("Stamps(held %s) = %v, want %v", h, got, all)
	}
	return all
}

func testStatuses(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	for i, st := range fonds.Statuses {
		d := NewDocument(string(st), fmt.Sprintf("1977-05-%02d", 10+i))
		d.Status = st
		mustPut(t, s, d, fonds.Added)
		got, err := s.Document(ctx, d.ID)
		if err != nil || got.Status != st {
			t.Errorf("Document(%s).Status = %v, want %q", d.ID, err, st)
		}
	}
	for _, tt := range []struct {
		f    fonds.Filter
		want []string
	}{
		{fonds.Filter{}, []string{"draft", "published", "review", "withdrawn"}},
		{fonds.Filter{Published: true}, []string{"published"}},
		{fonds.Filter{Published: true, Restricted: true}, []string{"published"}},
		{fonds.Filter{Status: fonds.StatusReview}, []string{"review"}},
		{fonds.Filter{Status: fonds.StatusWithdrawn, Year: 1977, Month: 5}, []string{"withdrawn"}},
		{fonds.Filter{Status: fonds.StatusDraft, Collection: Collection}, []string{"draft"}},
		{fonds.Filter{Status: fonds.StatusDraft, Collection: "other"}, []string{}},
		{fonds.Filter{Status: fonds.StatusPublished, Published: true}, []string{"published"}},
		{fonds.Filter{Status: fonds.StatusReview, Published: true}, []string{}},
	} {
		if got := listed(t, s, tt.f); !slices.Equal(got, tt.want) {
			t.Errorf("Documents(%+v) = %v, want %v", tt.f, got, tt.want)
		}
		if got := stamped(t, s, tt.f); tt.f.Collection == "" && !slices.Equal(got, tt.want) {
			t.Errorf("Stamps(%+v) = %v, want %v", tt.f, got, tt.want)
		}
		if tt.f.Collection == "" {
			if got := counted(t, s, tt.f); got != len(tt.want) {
				t.Errorf("Collections(%+v) counts %d in %s, want %d", tt.f, got, Collection, len(tt.want))
			}
			dcs, err := s.DateCounts(ctx, tt.f)
			n := 0
			for _, c := range dcs {
				n += c.Count
			}
			if err != nil || n != len(tt.want) {
				t.Errorf("DateCounts(%+v) = %v, %v, want %d in all", tt.f, dcs, err, len(tt.want))
			}
		}
	}
	if _, _, err := s.Documents(ctx, fonds.Filter{Status: "hidden"}); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("Documents(status hidden) = %v, want %v", err, fonds.ErrInvalid)
	}
	if _, _, err := s.Documents(ctx, fonds.Filter{Held: "secret"}); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("Documents(held secret) = %v, want %v", err, fonds.ErrInvalid)
	}
	// Neither a draft, nor one in review, nor a withdrawn document is held:
	// only published ones are.
	for _, h := range []fonds.Held{fonds.HeldEmbargoed, fonds.HeldRestricted} {
		if got := heldIDs(t, s, h); len(got) != 0 {
			t.Errorf("Documents(held %s) = %v, want none", h, got)
		}
	}
	// A harvester sees the published document only; the others were never
	// public, so none is a deletion.
	if recs := recorded(t, s); len(recs) != 1 || recs["published"].Deleted {
		t.Errorf("Records() = %+v, want the published document alone", recs)
	}
	for _, embargo := range []string{"tomorrow", "2030-13-01", "19 May 1977"} {
		d := NewDocument("bad", "1977-05-19")
		d.Embargo = embargo
		if _, err := s.PutDocument(ctx, d); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("PutDocument(embargo %q) = %v, want %v", embargo, err, fonds.ErrInvalid)
		}
	}
}

func testEmbargo(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	end := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	mustPut(t, s, NewDocument("open", "1977-05-18"), fonds.Added)
	held := NewDocument("held", "1977-05-19")
	held.Embargo = end.Format(time.RFC3339)
	mustPut(t, s, held, fonds.Added)
	// An embargo that has ended is no embargo: the save publishes it.
	past := NewDocument("past", "1977-05-20")
	past.Embargo = "1990-01-01"
	mustPut(t, s, past, fonds.Added)

	public := fonds.Filter{Published: true}
	reader := fonds.Filter{Published: true, Restricted: true}
	for _, f := range []fonds.Filter{public, reader} {
		if got, want := listed(t, s, f), []string{"open", "past"}; !slices.Equal(got, want) {
			t.Errorf("Documents(%+v) under embargo = %v, want %v", f, got, want)
		}
		if got, want := stamped(t, s, f), []string{"open", "past"}; !slices.Equal(got, want) {
			t.Errorf("Stamps(%+v) under embargo = %v, want %v", f, got, want)
		}
		if got := counted(t, s, f); got != 2 {
			t.Errorf("Collections(%+v) under embargo counts %d, want 2", f, got)
		}
	}
	if _, ok := recorded(t, s)["held"]; ok {
		t.Errorf("Records() lists a document under embargo")
	}
	if got, want := listed(t, s, fonds.Filter{Status: fonds.StatusPublished}), []string{"held", "open", "past"}; !slices.Equal(got, want) {
		t.Errorf("Documents(status published) = %v, want %v", got, want)
	}
	if got, want := heldIDs(t, s, fonds.HeldEmbargoed), []string{"held"}; !slices.Equal(got, want) {
		t.Errorf("Documents(held embargoed) = %v, want %v", got, want)
	}
	if got := heldIDs(t, s, fonds.HeldRestricted); len(got) != 0 {
		t.Errorf("Documents(held restricted) = %v, want none", got)
	}
	if n, err := s.Release(ctx, end.Add(-time.Second)); err != nil || n != 0 {
		t.Errorf("Release(before the embargo ends) = %d, %v, want 0", n, err)
	}
	seq, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}

	if n, err := s.Release(ctx, end); err != nil || n != 1 {
		t.Fatalf("Release(at the end of the embargo) = %d, %v, want 1", n, err)
	}
	for _, f := range []fonds.Filter{public, reader} {
		if got, want := listed(t, s, f), []string{"held", "open", "past"}; !slices.Equal(got, want) {
			t.Errorf("Documents(%+v) after Release = %v, want %v", f, got, want)
		}
		if got := counted(t, s, f); got != 3 {
			t.Errorf("Collections(%+v) after Release counts %d, want 3", f, got)
		}
	}
	stamps, err := s.Stamps(ctx, public)
	if err != nil || !sameTime(stamps["held"].Updated, end) || stamps["held"].Hash != held.Hash {
		t.Errorf("Stamps(published)[held] after Release = %+v, %v, want the hash %s and the end of the embargo %v", stamps["held"], err, held.Hash, end)
	}
	if r, ok := recorded(t, s)["held"]; !ok || r.Deleted || !sameTime(r.Datestamp, end) {
		t.Errorf("Records()[held] after Release = %+v, want it published at %v", r, end)
	}
	got, err := s.Document(ctx, "held")
	if err != nil || !sameTime(got.Updated, end) || got.Hash != held.Hash || got.Version != 1 {
		t.Errorf("Document(held) after Release = %v, want Updated %v, the same hash and version 1", err, end)
	}
	if ids := changeIDs(t, changes(t, s, seq)); !slices.Equal(ids, []string{"held"}) {
		t.Errorf("Changes after Release = %v, want [held]", ids)
	}
	if n, err := s.Release(ctx, end.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("Release again = %d, %v, want 0", n, err)
	}
	if got := heldIDs(t, s, fonds.HeldEmbargoed); len(got) != 0 {
		t.Errorf("Documents(held embargoed) after Release = %v, want none", got)
	}

	// A public document embargoed again is withdrawn from harvesters
	// until its embargo ends.
	again := NewDocument("open", "1977-05-18")
	again.Embargo = end.Add(time.Hour).Format(time.RFC3339)
	mustPut(t, s, again, fonds.Updated)
	if r := recorded(t, s)["open"]; !r.Deleted {
		t.Errorf("Records()[open] embargoed again = %+v, want a deletion", r)
	}
	if got, want := listed(t, s, public), []string{"held", "past"}; !slices.Equal(got, want) {
		t.Errorf("Documents(published) after a new embargo = %v, want %v", got, want)
	}
	if n, err := s.Release(ctx, end.Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("Release(at the new end) = %d, %v, want 1", n, err)
	}
	if r := recorded(t, s)["open"]; r.Deleted || !sameTime(r.Datestamp, end.Add(time.Hour)) {
		t.Errorf("Records()[open] after its release = %+v, want it published at %v", r, end.Add(time.Hour))
	}
	// A draft with an embargo that ended is not released: only published
	// documents are.
	draft := NewDocument("draft", "1977-05-21")
	draft.Status = fonds.StatusDraft
	draft.Embargo = end.Format(time.RFC3339)
	mustPut(t, s, draft, fonds.Added)
	if n, err := s.Release(ctx, end.Add(2*time.Hour)); err != nil || n != 0 {
		t.Errorf("Release with a draft under embargo = %d, %v, want 0", n, err)
	}
}

func testRestricted(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	end := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	mustPut(t, s, NewDocument("open", "1977-05-18"), fonds.Added)
	closed := NewDocument("closed", "1977-05-19")
	closed.Restricted = true
	mustPut(t, s, closed, fonds.Added)
	later := NewDocument("later", "1977-05-20")
	later.Restricted = true
	later.Embargo = end.Format(time.RFC3339)
	mustPut(t, s, later, fonds.Added)
	draft := NewDocument("draft", "1977-05-21")
	draft.Restricted = true
	draft.Status = fonds.StatusDraft
	mustPut(t, s, draft, fonds.Added)

	public := fonds.Filter{Published: true}
	reader := fonds.Filter{Published: true, Restricted: true}
	check := func(when string, wantPublic, wantReader []string) {
		t.Helper()
		for _, tt := range []struct {
			f    fonds.Filter
			want []string
		}{{public, wantPublic}, {reader, wantReader}} {
			if got := listed(t, s, tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("Documents(%+v) %s = %v, want %v", tt.f, when, got, tt.want)
			}
			if got := stamped(t, s, tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("Stamps(%+v) %s = %v, want %v", tt.f, when, got, tt.want)
			}
			if got := counted(t, s, tt.f); got != len(tt.want) {
				t.Errorf("Collections(%+v) %s counts %d, want %d", tt.f, when, got, len(tt.want))
			}
			f := tt.f
			f.Year = 1977
			dcs, err := s.DateCounts(ctx, f)
			n := 0
			for _, c := range dcs {
				if c.Year != 1977 || c.Month != 5 {
					t.Errorf("DateCounts(%+v) %s = %v, want May 1977 alone", f, when, dcs)
				}
				n += c.Count
			}
			if err != nil || n != len(tt.want) {
				t.Errorf("DateCounts(%+v) %s = %v, %v, want %d in May 1977", f, when, dcs, err, len(tt.want))
			}
		}
		var docs []string
		for id, r := range recorded(t, s) {
			if !r.Deleted {
				docs = append(docs, id)
			}
		}
		slices.Sort(docs)
		if !slices.Equal(docs, wantPublic) && len(docs)+len(wantPublic) > 0 {
			t.Errorf("Records() %s = %v, want %v: restricted documents are no records", when, docs, wantPublic)
		}
	}
	checkHeld := func(when string, wantEmbargoed, wantRestricted []string) {
		t.Helper()
		if got := heldIDs(t, s, fonds.HeldEmbargoed); !slices.Equal(got, wantEmbargoed) {
			t.Errorf("Documents(held embargoed) %s = %v, want %v", when, got, wantEmbargoed)
		}
		if got := heldIDs(t, s, fonds.HeldRestricted); !slices.Equal(got, wantRestricted) {
			t.Errorf("Documents(held restricted) %s = %v, want %v", when, got, wantRestricted)
		}
	}
	check("before the embargo ends", []string{"open"}, []string{"closed", "open"})
	checkHeld("before the embargo ends", []string{"later"}, []string{"closed", "later"})
	if c, err := s.Collection(ctx, Collection); err != nil || c.Count != 1 {
		t.Errorf("Collection(%s) = %+v, %v, want Count 1 (the public's)", Collection, c, err)
	}
	if prev, next, err := s.Neighbours(ctx, "closed", reader); err != nil || id(prev) != "open" || next != nil {
		t.Errorf("Neighbours(closed, %+v) = %s, %s, %v, want open, <nil>", reader, id(prev), id(next), err)
	}
	if prev, next, err := s.Neighbours(ctx, "open", public); err != nil || prev != nil || next != nil {
		t.Errorf("Neighbours(open, %+v) = %s, %s, %v, want none", public, id(prev), id(next), err)
	}
	if n, err := s.Release(ctx, end); err != nil || n != 1 {
		t.Errorf("Release(%v) = %d, %v, want 1", end, n, err)
	}
	check("after the embargo ends", []string{"open"}, []string{"closed", "later", "open"})
	checkHeld("after the embargo ends", []string{}, []string{"closed", "later"})

	// Restricting a public document withdraws it from harvesters; lifting
	// the restriction publishes it again.
	open := NewDocument("open", "1977-05-18")
	open.Restricted = true
	mustPut(t, s, open, fonds.Updated)
	if r := recorded(t, s)["open"]; !r.Deleted {
		t.Errorf("Records()[open] restricted = %+v, want a deletion", r)
	}
	check("after restricting open", []string{}, []string{"closed", "later", "open"})
	checkHeld("after restricting open", []string{}, []string{"closed", "later", "open"})
	closed.Restricted = false
	mustPut(t, s, closed, fonds.Updated)
	check("after opening closed", []string{"closed"}, []string{"closed", "later", "open"})
	checkHeld("after opening closed", []string{}, []string{"later", "open"})
}

func testWithdrawn(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	d := NewDocument("doc", "1977-05-19")
	d.Categories = []string{"5"}
	mustPut(t, s, d, fonds.Added)
	d.Status = fonds.StatusWithdrawn
	mustPut(t, s, d, fonds.Updated)
	if r, ok := recorded(t, s)["doc"]; !ok || !r.Deleted || !slices.Equal(r.Categories, d.Categories) {
		t.Errorf("Records()[doc] withdrawn = %+v, want its deletion with its categories", r)
	}
	if got := listed(t, s, fonds.Filter{Published: true, Restricted: true}); len(got) != 0 {
		t.Errorf("Documents(published, restricted) = %v, want none", got)
	}
	if got := listed(t, s, fonds.Filter{Status: fonds.StatusWithdrawn}); !slices.Equal(got, []string{"doc"}) {
		t.Errorf("Documents(status withdrawn) = %v, want [doc]", got)
	}
	if cats, err := s.Categories(ctx); err != nil || len(cats) != 0 {
		t.Errorf("Categories() with the only document withdrawn = %v, %v, want none", cats, err)
	}
	// In review after withdrawal it is still no record but its deletion.
	d.Status = fonds.StatusReview
	mustPut(t, s, d, fonds.Updated)
	if r := recorded(t, s)["doc"]; !r.Deleted {
		t.Errorf("Records()[doc] in review after withdrawal = %+v, want its deletion", r)
	}
}

func testSaveConflict(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	d := NewDocument("doc", "1977-05-19")
	mustSave(t, s, d, fonds.Save{Version: -1}, fonds.Added)
	if _, err := s.SaveDocument(ctx, NewDocument("doc", "1977-05-19"), fonds.Save{Version: -1}); !errors.Is(err, fonds.ErrConflict) {
		t.Errorf("SaveDocument(version -1) of an existing document = %v, want %v", err, fonds.ErrConflict)
	}
	d.Title = "Second"
	mustSave(t, s, d, fonds.Save{Version: 1}, fonds.Updated)
	if d.Version != 2 {
		t.Fatalf("Version after a save from version 1 = %d, want 2", d.Version)
	}
	stale := NewDocument("doc", "1977-05-19")
	stale.Title = "From version 1"
	_, err := s.SaveDocument(ctx, stale, fonds.Save{Version: 1})
	if !errors.Is(err, fonds.ErrConflict) || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("SaveDocument(from version 1 of version 2) = %v, want %v naming version 2", err, fonds.ErrConflict)
	}
	if got, err := s.Document(ctx, "doc"); err != nil || got.Title != "Second" {
		t.Errorf("Document(doc) after a stale save = %v, want the title %q kept", err, "Second")
	}
	if _, err := s.SaveDocument(ctx, stale, fonds.Save{Version: -2}); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("SaveDocument(version -2) = %v, want %v", err, fonds.ErrInvalid)
	}
	if err := s.DeleteDocumentBy(ctx, "doc", fonds.Save{Version: 1}); !errors.Is(err, fonds.ErrConflict) {
		t.Errorf("DeleteDocumentBy(doc, version 1 of 2) = %v, want %v", err, fonds.ErrConflict)
	}
	if err := s.DeleteDocumentBy(ctx, "doc", fonds.Save{Version: 2}); err != nil {
		t.Errorf("DeleteDocumentBy(doc, version 2) = %v", err)
	}
	if _, err := s.SaveDocument(ctx, stale, fonds.Save{Version: 2}); !errors.Is(err, fonds.ErrConflict) {
		t.Errorf("SaveDocument(from version 2 of a deleted document) = %v, want %v", err, fonds.ErrConflict)
	}

	// Many saves from one version at once: one wins, the others are told.
	mustSave(t, s, NewDocument("race", "1977-05-19"), fonds.Save{}, fonds.Added)
	const savers = 8
	var wg sync.WaitGroup
	errs := make([]error, savers)
	for i := range savers {
		wg.Go(func() {
			d := NewDocument("race", "1977-05-19")
			d.Title = fmt.Sprintf("Saver %d", i)
			_, errs[i] = s.SaveDocument(ctx, d, fonds.Save{Author: fmt.Sprintf("u%d", i), Version: 1})
		})
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, fonds.ErrConflict):
			t.Errorf("saver %d: SaveDocument = %v, want nil or %v", i, err, fonds.ErrConflict)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d saves from version 1 succeeded, want 1", won, savers)
	}
	if vs, err := s.History(ctx, "race"); err != nil || len(vs) != 2 {
		t.Errorf("History(race) = %+v, %v, want two versions", vs, err)
	}
}

func testHistory(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	if _, err := s.History(ctx, "doc"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("History(doc) of an empty store = %v, want %v", err, fonds.ErrNotFound)
	}
	start := time.Now()
	var saved []*fonds.Document
	for i, sv := range []fonds.Save{
		{Author: "ann", Message: "Imported"},
		{Author: "bob", Message: "Transcribed page 2", Version: 1},
		{Message: "Published", Version: 2},
	} {
		d := NewDocument("doc", "1977-05-19")
		d.Title = fmt.Sprintf("Version %d", i+1)
		d.Status = []fonds.Status{fonds.StatusDraft, fonds.StatusReview, fonds.StatusPublished}[i]
		want := fonds.Updated
		if i == 0 {
			want = fonds.Added
		}
		mustSave(t, s, d, sv, want)
		saved = append(saved, d)
	}
	// An unchanged save is no version.
	mustSave(t, s, NewDocument("other", "1977-05-20"), fonds.Save{}, fonds.Added)
	same := *saved[2]
	mustSave(t, s, &same, fonds.Save{Author: "carl", Message: "Nothing"}, fonds.Unchanged)

	vs, err := s.History(ctx, "doc")
	if err != nil || len(vs) != 3 {
		t.Fatalf("History(doc) = %+v, %v, want three versions", vs, err)
	}
	for i, want := range []fonds.Version{
		{N: 1, Hash: saved[0].Hash, Author: "ann", Message: "Imported", Status: fonds.StatusDraft},
		{N: 2, Hash: saved[1].Hash, Author: "bob", Message: "Transcribed page 2", Status: fonds.StatusReview},
		{N: 3, Hash: saved[2].Hash, Message: "Published", Status: fonds.StatusPublished, Current: true},
	} {
		got := vs[i]
		if !sameTime(got.Saved, saved[i].Updated) || got.Saved.Before(normalTime(start)) {
			t.Errorf("History(doc)[%d].Saved = %v, want %v", i, got.Saved, saved[i].Updated)
		}
		got.Saved = time.Time{}
		if got != want {
			t.Errorf("History(doc)[%d] = %+v, want %+v", i, got, want)
		}
	}
	for n, want := range saved {
		got, err := s.Revision(ctx, "doc", n+1)
		if err != nil {
			t.Errorf("Revision(doc, %d) = %v", n+1, err)
			continue
		}
		if got.Version != n+1 {
			t.Errorf("Revision(doc, %d).Version = %d, want %d", n+1, got.Version, n+1)
		}
		checkDocument(t, fmt.Sprintf("Revision(doc, %d)", n+1), got, want)
	}
	for _, n := range []int{0, -1, 4, 99} {
		if _, err := s.Revision(ctx, "doc", n); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("Revision(doc, %d) = %v, want %v", n, err, fonds.ErrNotFound)
		}
	}
	if _, err := s.Revision(ctx, "missing", 1); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Revision(missing, 1) = %v, want %v", err, fonds.ErrNotFound)
	}

	// Deleted, its last version is marked so and none is current; the
	// versions are still there to read.
	if err := s.DeleteDocumentBy(ctx, "doc", fonds.Save{Author: "dan", Message: "Duplicate"}); err != nil {
		t.Fatal(err)
	}
	vs, err = s.History(ctx, "doc")
	if err != nil || len(vs) != 3 || !vs[2].Deleted || vs[2].Current || vs[1].Deleted {
		t.Errorf("History(doc) after deletion = %+v, %v, want three, the last deleted and none current", vs, err)
	}
	if got, err := s.Revision(ctx, "doc", 3); err != nil || got.Title != "Version 3" || got.Version != 3 {
		t.Errorf("Revision(doc, 3) after deletion = %v, want version 3", err)
	}
	// Added again, it counts on.
	mustSave(t, s, NewDocument("doc", "1977-05-19"), fonds.Save{Author: "eve", Version: -1}, fonds.Added)
	vs, err = s.History(ctx, "doc")
	if err != nil || len(vs) != 4 || vs[3].N != 4 || !vs[3].Current || vs[3].Author != "eve" || !vs[2].Deleted {
		t.Errorf("History(doc) after adding it again = %+v, %v, want four, the fourth current by eve", vs, err)
	}
}

func testAudit(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	if err := s.Audit(ctx, &fonds.AuditEntry{User: "ann"}); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("Audit(no action) = %v, want %v", err, fonds.ErrInvalid)
	}
	for _, limit := range []int{0, -1} {
		if _, err := s.AuditEntries(ctx, 0, limit); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("AuditEntries(0, %d) = %v, want %v", limit, err, fonds.ErrInvalid)
		}
	}
	if es, err := s.AuditEntries(ctx, 0, 10); err != nil || len(es) != 0 {
		t.Errorf("AuditEntries(0, 10) of an empty store = %+v, %v, want none", es, err)
	}
	before := time.Now()
	login := fonds.AuditEntry{User: "ann", Address: "192.0.2.1", Action: "login"}
	if err := s.Audit(ctx, &login); err != nil {
		t.Fatalf("Audit(login) = %v", err)
	}
	if login.Seq <= 0 || normalTime(login.Time).Before(normalTime(before)) {
		t.Errorf("Audit(login) set Seq %d, Time %v, want a positive Seq and the time now", login.Seq, login.Time)
	}
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	given := fonds.AuditEntry{Time: at, Action: "site", Target: "name", Detail: "Archive"}
	if err := s.Audit(ctx, &given); err != nil || !given.Time.Equal(at) {
		t.Fatalf("Audit(with a time) = %v, time %v, want %v", err, given.Time, at)
	}

	d := NewDocument("doc", "1977-05-19")
	mustSave(t, s, d, fonds.Save{Author: "ann", Address: "192.0.2.1", Message: "First"}, fonds.Added)
	mustSave(t, s, d, fonds.Save{Author: "ann", Message: "Again"}, fonds.Unchanged)
	d.Title = "Changed"
	mustSave(t, s, d, fonds.Save{Author: "bob", Address: "cli", Message: "Second"}, fonds.Updated)
	if _, err := s.SaveDocument(ctx, d, fonds.Save{Author: "carl", Version: 1}); !errors.Is(err, fonds.ErrConflict) {
		t.Fatalf("SaveDocument(stale) = %v, want %v", err, fonds.ErrConflict)
	}
	if err := s.DeleteDocumentBy(ctx, "doc", fonds.Save{Author: "dan", Address: "192.0.2.2", Message: "Duplicate"}); err != nil {
		t.Fatal(err)
	}
	es, err := s.AuditEntries(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	type entry struct{ user, address, action, target string }
	var got []entry
	for i, e := range es {
		if i > 0 && e.Seq <= es[i-1].Seq {
			t.Errorf("AuditEntries: Seq %d after %d, want it larger", e.Seq, es[i-1].Seq)
		}
		got = append(got, entry{e.User, e.Address, e.Action, e.Target})
	}
	want := []entry{
		{"ann", "192.0.2.1", "login", ""},
		{"", "", "site", "name"},
		{"ann", "192.0.2.1", "save", "doc"},
		{"bob", "cli", "save", "doc"},
		{"dan", "192.0.2.2", "delete", "doc"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("AuditEntries(0, 100) = %+v, want %+v (no entry for an unchanged or a refused save)", got, want)
	}
	if e := es[0]; e.Seq != login.Seq || !sameTime(e.Time, login.Time) || e.Time.Location() != time.UTC {
		t.Errorf("AuditEntries[0] = %+v, want %+v as Audit set it, in UTC", e, login)
	}
	for i, msg := range map[int]string{2: "First", 3: "Second", 4: "Duplicate"} {
		if !strings.Contains(es[i].Detail, msg) {
			t.Errorf("AuditEntries[%d].Detail = %q, want the message %q in it", i, es[i].Detail, msg)
		}
	}
	page, err := s.AuditEntries(ctx, es[1].Seq, 2)
	if err != nil || len(page) != 2 || page[0] != es[2] || page[1] != es[3] {
		t.Errorf("AuditEntries(%d, 2) = %+v, %v, want entries 3 and 4", es[1].Seq, page, err)
	}
}
