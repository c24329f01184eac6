package fondstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fonds"
)

// TestStore runs the contract of fonds.Store against stores made by open, a
// fresh empty store per subtest, which TestStore closes when the subtest
// ends.
//
// Beyond what the interface's documentation says, the contract fixes these
// choices, which the web and the importer rely on:
//   - a document's date month is 0 when its date is known only to the year,
//     so that it counts in DateCounts as month 0 of its year and no Month
//     filter admits it;
//   - ByDate orders by start date, undated last, then by id; ByAdded by
//     creation time, newest first, then by id descending;
//   - Neighbours always go in date order, whatever the filter's Order, and
//     are briefs (Document.Brief) whatever the filter's Brief;
//   - a list with After continues after that document in the filter's
//     order, whatever the document's status or collection, and after where
//     it was if it was deleted; an After that never named a document is an
//     ErrNotFound;
//   - Records gives the size of a list, or -1;
//   - a filter with a negative offset, limit or year, a month outside 1-12 or
//     without a year, or an unknown order is an ErrInvalid;
//   - a document without id or collection, with a status not among
//     fonds.Statuses, with an embargo ParseEmbargo refuses, or with a start
//     or end date not written YYYY-MM-DD is an ErrInvalid, as is one in a
//     collection that does not exist;
//   - a document is public (Filter.Published) when it is published, not
//     restricted, and out of its embargo: at its save when the embargo
//     ended before, or else at the first Release at or after its end,
//     which dates it (Updated, its stamp and its record's datestamp) at
//     the end of the embargo and lists it in the change feed; a document
//     public before and hidden now (a draft again, withdrawn, restricted,
//     embargoed again) is a deletion to harvesters; restricted documents
//     are never records;
//   - Filter.Restricted with Published admits the released documents,
//     restricted or not, in lists, counts, stamps and neighbours;
//     Filter.Status admits the documents in that status, and an unknown
//     one is an ErrInvalid; Collection counts only the public;
//   - a save from a version other than the stored one is an ErrConflict
//     whose message names the stored one ("version N"), and so is a save
//     from a version of a deleted document; a Save.Version below -1 is an
//     ErrInvalid; of saves from one version at once, one wins;
//   - every save that adds or updates a document and every deletion write
//     one AuditEntry (actions "save" and "delete", Target the id, the
//     Save's Author and Address, Detail holding its Message); an unchanged
//     or refused save writes none; Audit without an Action and
//     AuditEntries with a limit that is not positive are an ErrInvalid;
//   - History marks the last version of a deleted document Deleted, and a
//     document added again counts on after it;
//   - Revisions of an id that names neither a document nor a revision is an
//     ErrNotFound; of a document without revisions, an empty list;
//   - times are returned in UTC; they are compared to the microsecond;
//   - Changes with a limit that is not positive, and PutSetting with an
//     empty name, are an ErrInvalid; a PutCollection is no change.
func TestStore(t *testing.T, open func(t *testing.T) fonds.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, fonds.Store)
	}{
		{"Collections", testCollections},
		{"PutDocument", testPutDocument},
		{"PutDocumentInvalid", testPutDocumentInvalid},
		{"PutDocumentConflict", testPutDocumentConflict},
		{"RoundTrip", testRoundTrip},
		{"DocumentNotFound", testDocumentNotFound},
		{"Documents", testDocuments},
		{"After", testAfter},
		{"Neighbours", testNeighbours},
		{"DateCounts", testDateCounts},
		{"InvalidFilter", testInvalidFilter},
		{"Stamps", testStamps},
		{"Aliases", testAliases},
		{"Records", testRecords},
		{"Versions", testVersions},
		{"DeleteDocument", testDeleteDocument},
		{"ConcurrentPut", testConcurrentPut},
		{"ConcurrentSave", testConcurrentSave},
		{"LongKeys", testLongKeys},
		{"Cancelled", testCancelled},
		{"Changes", testChanges},
		{"Settings", testSettings},
		{"Counts", testCounts},
		{"Verify", testVerify},
		{"Statuses", testStatuses},
		{"Embargo", testEmbargo},
		{"Restricted", testRestricted},
		{"Withdrawn", testWithdrawn},
		{"SaveConflict", testSaveConflict},
		{"History", testHistory},
		{"Audit", testAudit},
		{"EntityMentions", testEntityMentions},
		{"EntityAccess", testEntityAccess},
		{"EntitySeen", testEntitySeen},
		{"EntityOrder", testEntityOrder},
		{"DescribeEntity", testDescribeEntity},
		{"Citations", testCitations},
		{"Volume", testVolume},
		{"ReplaceOrigin", testReplaceOrigin},
		{"Batch", testBatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			defer func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close() = %v", err)
				}
			}()
			tt.fn(t, s)
		})
	}
}

// normalize returns a copy of d with its times in UTC and to the
// microsecond, the precision every store keeps.
func normalize(d *fonds.Document) *fonds.Document {
	if d == nil {
		return nil
	}
	c := *d
	c.Created = normalTime(c.Created)
	c.Updated = normalTime(c.Updated)
	return &c
}

func normalTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// sameTime reports whether a and b are the same time, to the microsecond.
func sameTime(a, b time.Time) bool { return normalTime(a).Equal(normalTime(b)) }

// checkDocument reports where got differs from want, times normalized.
func checkDocument(t *testing.T, what string, got, want *fonds.Document) {
	t.Helper()
	if got == nil || want == nil {
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
		return
	}
	g, w := normalize(got), normalize(want)
	if reflect.DeepEqual(g, w) {
		return
	}
	gb, _ := json.MarshalIndent(g, "", "  ")
	wb, _ := json.MarshalIndent(w, "", "  ")
	gl, wl := strings.Split(string(gb), "\n"), strings.Split(string(wb), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var gs, ws string
		if i < len(gl) {
			gs = gl[i]
		}
		if i < len(wl) {
			ws = wl[i]
		}
		if gs != ws {
			t.Errorf("%s differs from what was put: at line %d of its JSON got\n\t%s\nwant\n\t%s", what, i+1, gs, ws)
			return
		}
	}
	// The JSON is the same: the difference is one JSON does not show, like
	// an empty slice against a nil one.
	t.Errorf("%s = %#v\nwant %#v", what, g, w)
}

// ids returns the ids of the documents, for messages and comparisons.
func ids(docs []*fonds.Document) []string {
	s := []string{}
	for _, d := range docs {
		s = append(s, d.ID)
	}
	return s
}

func id(d *fonds.Document) string {
	if d == nil {
		return "<nil>"
	}
	return d.ID
}

func mustPutCollection(t *testing.T, s fonds.Store, c fonds.Collection) {
	t.Helper()
	if err := s.PutCollection(context.Background(), c); err != nil {
		t.Fatalf("PutCollection(%q) = %v", c.Slug, err)
	}
}

func mustPut(t *testing.T, s fonds.Store, d *fonds.Document, want fonds.PutResult) {
	t.Helper()
	res, err := s.PutDocument(context.Background(), d)
	if err != nil {
		t.Fatalf("PutDocument(%s) = %v", d.ID, err)
	}
	if res != want {
		t.Fatalf("PutDocument(%s) = %q, want %q", d.ID, res, want)
	}
}

// waitPast waits until the clock has passed t, so that a later write gets a
// later time even where the clock is coarse. It does not wait on a clock as
// fine as the stores keep.
func waitPast(t time.Time) {
	for !normalTime(time.Now()).After(normalTime(t)) {
		time.Sleep(time.Microsecond)
	}
}

func testCollections(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	fixture(t, s)

	if err := s.PutCollection(ctx, fonds.Collection{Title: "No slug"}); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutCollection(no slug) = %v, want %v", err, fonds.ErrInvalid)
	}
	if _, err := s.Collection(ctx, "missing"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Collection(%q) = %v, want %v", "missing", err, fonds.ErrNotFound)
	}

	c, err := s.Collection(ctx, "a")
	want := fonds.Collection{Slug: "a", Title: "Second", Description: "The collection a.", Count: 4}
	if err != nil || c != want {
		t.Errorf("Collection(%q) = %+v, %v, want %+v (published documents counted)", "a", c, err, want)
	}

	for _, tt := range []struct {
		f    fonds.Filter
		want []fonds.Collection
	}{
		{fonds.Filter{}, []fonds.Collection{
			{Slug: "b", Title: "First", Count: 4},
			{Slug: "a", Title: "Second", Description: "The collection a.", Count: 5},
			{Slug: "e", Title: "Third", Count: 0},
		}},
		{fonds.Filter{Published: true}, []fonds.Collection{
			{Slug: "b", Title: "First", Count: 3},
			{Slug: "a", Title: "Second", Description: "The collection a.", Count: 4},
			{Slug: "e", Title: "Third", Count: 0},
		}},
		{fonds.Filter{Year: 1977}, []fonds.Collection{
			{Slug: "b", Title: "First", Count: 2},
			{Slug: "a", Title: "Second", Description: "The collection a.", Count: 3},
			{Slug: "e", Title: "Third", Count: 0},
		}},
		{fonds.Filter{Published: true, Year: 1977, Month: 5, Collection: "b", Limit: 1, Offset: 2}, []fonds.Collection{
			{Slug: "b", Title: "First", Count: 0},
			{Slug: "a", Title: "Second", Description: "The collection a.", Count: 2},
			{Slug: "e", Title: "Third", Count: 0},
		}},
	} {
		got, err := s.Collections(ctx, tt.f)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Collections(%+v) = %+v, %v, want %+v", tt.f, got, err, tt.want)
		}
	}

	// Putting it again updates its title and description.
	mustPutCollection(t, s, fonds.Collection{Slug: "a", Title: "Renamed", Count: 99})
	c, err = s.Collection(ctx, "a")
	want = fonds.Collection{Slug: "a", Title: "Renamed", Count: 4}
	if err != nil || c != want {
		t.Errorf("Collection(%q) after update = %+v, %v, want %+v", "a", c, err, want)
	}
}

func testPutDocument(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})

	first := NewDocument("doc", "1977-05-19")
	mustPut(t, s, first, fonds.Added)
	if first.Hash != first.ContentHash() {
		t.Errorf("PutDocument set Hash %q, want ContentHash %q", first.Hash, first.ContentHash())
	}
	if first.Created.IsZero() || !first.Created.Equal(first.Updated) {
		t.Errorf("PutDocument(new) set Created %v, Updated %v, want both the same time", first.Created, first.Updated)
	}
	if first.Created.Location() != time.UTC {
		t.Errorf("PutDocument set Created in %v, want UTC", first.Created.Location())
	}
	got, err := s.Document(ctx, "doc")
	if err != nil {
		t.Fatalf("Document(%q) = %v", "doc", err)
	}
	checkDocument(t, "Document(doc)", got, first)
	if got.Created.Location() != time.UTC || got.Updated.Location() != time.UTC {
		t.Errorf("Document(doc) times in %v and %v, want UTC", got.Created.Location(), got.Updated.Location())
	}
	if revs, err := s.Revisions(ctx, "doc"); err != nil || len(revs) != 0 {
		t.Errorf("Revisions(doc) of a new document = %v, %v, want none", revs, err)
	}

	// The same content again changes nothing, and reports the stored times.
	waitPast(first.Updated)
	same := NewDocument("doc", "1977-05-19")
	mustPut(t, s, same, fonds.Unchanged)
	if same.Hash != first.Hash || !sameTime(same.Created, first.Created) || !sameTime(same.Updated, first.Updated) {
		t.Errorf("PutDocument(unchanged) set Hash %q, Created %v, Updated %v, want the stored %q, %v, %v",
			same.Hash, same.Created, same.Updated, first.Hash, first.Created, first.Updated)
	}
	if revs, err := s.Revisions(ctx, "doc"); err != nil || len(revs) != 0 {
		t.Errorf("Revisions(doc) after an unchanged put = %v, %v, want none", revs, err)
	}

	// A change replaces the document and keeps the first version.
	second := NewDocument("doc", "1977-05-19")
	second.Title = "Changed"
	second.Status = fonds.StatusDraft
	mustPut(t, s, second, fonds.Updated)
	if second.Hash != second.ContentHash() || second.Hash == first.Hash {
		t.Errorf("PutDocument(changed) set Hash %q, want its ContentHash %q", second.Hash, second.ContentHash())
	}
	if !sameTime(second.Created, first.Created) {
		t.Errorf("PutDocument(changed) set Created %v, want the first %v", second.Created, first.Created)
	}
	if !normalTime(second.Updated).After(normalTime(first.Updated)) {
		t.Errorf("PutDocument(changed) set Updated %v, want after %v", second.Updated, first.Updated)
	}
	got, err = s.Document(ctx, "doc")
	if err != nil {
		t.Fatalf("Document(%q) = %v", "doc", err)
	}
	checkDocument(t, "Document(doc) after update", got, second)

	revs, err := s.Revisions(ctx, "doc")
	if err != nil || len(revs) != 1 {
		t.Fatalf("Revisions(doc) = %v, %v, want one", revs, err)
	}
	r := revs[0]
	if r.DocumentID != "doc" || r.N != 1 || r.Hash != first.Hash {
		t.Errorf("Revisions(doc)[0] = {%q %d %q}, want {%q %d %q}", r.DocumentID, r.N, r.Hash, "doc", 1, first.Hash)
	}
	if normalTime(r.Created).Before(normalTime(first.Updated)) || normalTime(r.Created).After(normalTime(second.Updated)) {
		t.Errorf("Revisions(doc)[0].Created = %v, want between %v and %v", r.Created, first.Updated, second.Updated)
	}
	checkDocument(t, "Revisions(doc)[0].Document", r.Document, first)

	// Going back to the first content is a change too.
	waitPast(second.Updated)
	third := NewDocument("doc", "1977-05-19")
	mustPut(t, s, third, fonds.Updated)
	revs, err = s.Revisions(ctx, "doc")
	if err != nil || len(revs) != 2 {
		t.Fatalf("Revisions(doc) = %v, %v, want two", revs, err)
	}
	for i, want := range []*fonds.Document{first, second} {
		if revs[i].N != i+1 || revs[i].Hash != want.Hash {
			t.Errorf("Revisions(doc)[%d] = {N %d, Hash %q}, want {N %d, Hash %q}", i, revs[i].N, revs[i].Hash, i+1, want.Hash)
		}
		checkDocument(t, fmt.Sprintf("Revisions(doc)[%d].Document", i), revs[i].Document, want)
	}
	if third.Hash != first.Hash || !sameTime(third.Created, first.Created) {
		t.Errorf("PutDocument(third) set Hash %q, Created %v, want %q, %v", third.Hash, third.Created, first.Hash, first.Created)
	}
}

// testPutDocumentConflict checks that a document from another origin does not
// overwrite the one holding its id, while one from no origin (an edit) or the
// same origin (a re-import) does.
func testPutDocumentConflict(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	d := NewDocument("doc", "1977-05-19")
	d.Origin = "a.txt"
	mustPut(t, s, d, fonds.Added)

	other := NewDocument("doc", "1977-05-19")
	other.Origin = "b.txt"
	other.Title = "Another document"
	if res, err := s.PutDocument(ctx, other); !errors.Is(err, fonds.ErrConflict) {
		t.Errorf("PutDocument from another origin = %q, %v, want %v", res, err, fonds.ErrConflict)
	}
	got, err := s.Document(ctx, "doc")
	if err != nil {
		t.Fatal(err)
	}
	if got.Origin != "a.txt" || got.Title == other.Title {
		t.Errorf("after a refused put, the document is %q from %q; want it untouched", got.Title, got.Origin)
	}

	same := NewDocument("doc", "1977-05-19")
	same.Origin = "a.txt"
	same.Title = "Changed"
	mustPut(t, s, same, fonds.Updated)
}

// testVersions checks that a document counts its versions, that revision N
// is version N, and that counting carries on after a delete and re-add.
func testVersions(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	d := NewDocument("v", "1977-05-19")
	mustPut(t, s, d, fonds.Added)
	if d.Version != 1 {
		t.Fatalf("Version after Added = %d, want 1", d.Version)
	}
	mustPut(t, s, d, fonds.Unchanged)
	if d.Version != 1 {
		t.Errorf("Version after Unchanged = %d, want 1", d.Version)
	}
	d.Title = "Second"
	mustPut(t, s, d, fonds.Updated)
	d.Title = "Third"
	mustPut(t, s, d, fonds.Updated)
	got, err := s.Document(ctx, "v")
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 3 || got.Version != 3 {
		t.Errorf("Version after two updates = %d (stored %d), want 3", d.Version, got.Version)
	}
	revs, err := s.Revisions(ctx, "v")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range revs {
		if r.N != i+1 || r.Document.Version != r.N {
			t.Errorf("revision %d has N %d and holds version %d", i+1, r.N, r.Document.Version)
		}
	}
	if err := s.DeleteDocument(ctx, "v"); err != nil {
		t.Fatal(err)
	}
	d = NewDocument("v", "1977-05-19")
	mustPut(t, s, d, fonds.Added)
	if d.Version != 4 {
		t.Errorf("Version of a re-added document = %d, want 4 (after its three versions, the deleted one kept)", d.Version)
	}
}

// testRecords follows documents through publication, change, withdrawal and
// deletion as a harvester sees them.
func testRecords(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	mustPutCollection(t, s, fonds.Collection{Slug: "other", Title: "Other"})
	// records returns the records f admits and their number, which is
	// theirs when the store does not tell it (-1): a test of a total is
	// then a test of the list.
	records := func(f fonds.RecordFilter) ([]fonds.Record, int) {
		t.Helper()
		recs, total, err := s.Records(ctx, f)
		if err != nil {
			t.Fatalf("Records(%+v): %v", f, err)
		}
		if total == -1 {
			all, _, err := s.Records(ctx, fonds.RecordFilter{From: f.From, Until: f.Until, Collection: f.Collection, Category: f.Category, ID: f.ID})
			if err != nil {
				t.Fatalf("Records(%+v): %v", f, err)
			}
			total = len(all)
		}
		return recs, total
	}
	if earliest, err := s.EarliestDatestamp(ctx); err != nil || !earliest.IsZero() {
		t.Errorf("EarliestDatestamp of an empty store = %v, %v; want zero", earliest, err)
	}
	a := NewDocument("a", "1970-01-01")
	mustPut(t, s, a, fonds.Added)
	b := NewDocument("b", "1971-01-01")
	b.Collection = "other"
	mustPut(t, s, b, fonds.Added)
	draft := NewDocument("draft", "1972-01-01")
	draft.Status = fonds.StatusDraft
	mustPut(t, s, draft, fonds.Added)

	recs, total := records(fonds.RecordFilter{})
	if total != 2 || len(recs) != 2 || recs[0].ID != "a" || recs[1].ID != "b" || recs[0].Document == nil || recs[0].Deleted {
		t.Fatalf("Records() = %+v (%d), want a then b, no draft", recs, total)
	}
	if earliest, err := s.EarliestDatestamp(ctx); err != nil || !earliest.Equal(recs[0].Datestamp) {
		t.Errorf("EarliestDatestamp = %v, %v; want %v", earliest, err, recs[0].Datestamp)
	}
	if recs, total := records(fonds.RecordFilter{Collection: "other"}); total != 1 || recs[0].ID != "b" {
		t.Errorf("Records(collection other) = %+v, want b", recs)
	}
	// Paging continues after the last record seen.
	page, total := records(fonds.RecordFilter{Limit: 1})
	rest, _ := records(fonds.RecordFilter{Limit: 1, AfterTime: page[0].Datestamp, AfterID: page[0].ID})
	if total != 2 || len(page) != 1 || len(rest) != 1 || rest[0].ID != "b" {
		t.Errorf("Records paged = %+v then %+v, want a then b", page, rest)
	}

	// Withdraw a (made a draft) and delete b: both become deletions, dated
	// after everything before, and the datestamp range selects them.
	before := recs[1].Datestamp
	a.Status = fonds.StatusDraft
	mustPut(t, s, a, fonds.Updated)
	if err := s.DeleteDocument(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	recs, total = records(fonds.RecordFilter{From: before.Add(time.Nanosecond)})
	if total != 2 || !recs[0].Deleted || !recs[1].Deleted || recs[0].Document != nil {
		t.Fatalf("Records after withdrawal = %+v, want two deletions", recs)
	}
	if recs[0].ID != "a" || recs[1].ID != "b" || recs[1].Collection != "other" {
		t.Errorf("deletions = %+v, want a then b (of other)", recs)
	}
	if recs, total := records(fonds.RecordFilter{Until: before}); total != 0 {
		t.Errorf("Records(until before the deletions) = %+v, want none (the old versions are gone)", recs)
	}
	// A withdrawn document edited while still a draft stays deleted; the
	// record of one document is found by its id.
	a.Title = "Edited while withdrawn"
	mustPut(t, s, a, fonds.Updated)
	if recs, total := records(fonds.RecordFilter{ID: "a"}); total != 1 || !recs[0].Deleted {
		t.Errorf("Records(id a) after an edit of the draft = %+v, want its deletion", recs)
	}
	// Publishing again replaces the deletion with the document.
	a.Status = fonds.StatusPublished
	mustPut(t, s, a, fonds.Updated)
	recs, total = records(fonds.RecordFilter{})
	if total != 2 || recs[0].ID != "b" || !recs[0].Deleted || recs[1].ID != "a" || recs[1].Deleted {
		t.Errorf("Records after republishing = %+v, want b deleted then a", recs)
	}
	// Records of a category, deletions included; the categories of what is
	// published.
	c := NewDocument("c", "1973-01-01")
	c.Categories = []string{"2.1", "5"}
	mustPut(t, s, c, fonds.Added)
	if recs, total := records(fonds.RecordFilter{Category: "5"}); total != 1 || recs[0].ID != "c" || !slices.Equal(recs[0].Categories, c.Categories) {
		t.Errorf("Records(category 5) = %+v, want c with its categories", recs)
	}
	if cats, err := s.Categories(ctx); err != nil || !slices.Equal(cats, []string{"2.1", "5"}) {
		t.Errorf("Categories() = %v, %v; want [2.1 5]", cats, err)
	}
	if err := s.DeleteDocument(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if recs, total := records(fonds.RecordFilter{Category: "2.1"}); total != 1 || !recs[0].Deleted || !slices.Equal(recs[0].Categories, c.Categories) {
		t.Errorf("Records(category 2.1) after deleting c = %+v, want its deletion with its categories", recs)
	}
	if cats, err := s.Categories(ctx); err != nil || len(cats) != 0 {
		t.Errorf("Categories() with nothing filed = %v, %v; want none", cats, err)
	}
	// A draft deleted was never public: no deletion is recorded.
	if err := s.DeleteDocument(ctx, "draft"); err != nil {
		t.Fatal(err)
	}
	if _, total := records(fonds.RecordFilter{}); total != 3 {
		t.Errorf("deleting a draft made %d records, want 3", total)
	}
}

func testAliases(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	a := NewDocument("a", "1977-05-19")
	a.Aliases = []string{"/1977/05/old-post/", "/?p=12"}
	mustPut(t, s, a, fonds.Added)
	for _, p := range a.Aliases {
		if id, err := s.Alias(ctx, p); err != nil || id != "a" {
			t.Errorf("Alias(%q) = %q, %v, want a", p, id, err)
		}
	}
	if _, err := s.Alias(ctx, "/nowhere/"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Alias(/nowhere/) = %v, want %v", err, fonds.ErrNotFound)
	}
	// An update replaces the aliases; a path taken by another document moves.
	a.Aliases = []string{"/1977/05/old-post/"}
	mustPut(t, s, a, fonds.Updated)
	if _, err := s.Alias(ctx, "/?p=12"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Alias of a dropped alias = %v, want %v", err, fonds.ErrNotFound)
	}
	b := NewDocument("b", "1978-01-01")
	b.Aliases = []string{"/1977/05/old-post/"}
	mustPut(t, s, b, fonds.Added)
	if id, err := s.Alias(ctx, "/1977/05/old-post/"); err != nil || id != "b" {
		t.Errorf("Alias of a moved alias = %q, %v, want b", id, err)
	}
	if err := s.DeleteDocument(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Alias(ctx, "/1977/05/old-post/"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Alias of a deleted document = %v, want %v", err, fonds.ErrNotFound)
	}
}

func testStamps(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	pub := NewDocument("pub", "1977-05-19")
	mustPut(t, s, pub, fonds.Added)
	draft := NewDocument("draft", "1978-01-02")
	draft.Status = fonds.StatusDraft
	mustPut(t, s, draft, fonds.Added)

	got, err := s.Stamps(ctx, fonds.Filter{Published: true})
	if err != nil {
		t.Fatal(err)
	}
	stamp := func(d *fonds.Document) fonds.Stamp { return fonds.Stamp{Hash: d.Hash, Updated: normalTime(d.Updated)} }
	normal := func(m map[string]fonds.Stamp) map[string]fonds.Stamp {
		for id, s := range m {
			m[id] = fonds.Stamp{Hash: s.Hash, Updated: normalTime(s.Updated)}
		}
		return m
	}
	if want := map[string]fonds.Stamp{"pub": stamp(pub)}; !reflect.DeepEqual(normal(got), want) {
		t.Errorf("Stamps(published) = %v, want %v", got, want)
	}
	got, err = s.Stamps(ctx, fonds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]fonds.Stamp{"pub": stamp(pub), "draft": stamp(draft)}; !reflect.DeepEqual(normal(got), want) {
		t.Errorf("Stamps() = %v, want %v", got, want)
	}
	if pub.Hash != pub.ContentHash() {
		t.Errorf("the stamp of a document is not its content hash")
	}
}

func testPutDocumentInvalid(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	for _, tt := range []struct {
		name   string
		change func(*fonds.Document)
	}{
		{"missing collection", func(d *fonds.Document) { d.Collection = "missing" }},
		{"no collection", func(d *fonds.Document) { d.Collection = "" }},
		{"no id", func(d *fonds.Document) { d.ID = "" }},
		{"no status", func(d *fonds.Document) { d.Status = "" }},
		{"unknown status", func(d *fonds.Document) { d.Status = "hidden" }},
		{"bad start", func(d *fonds.Document) { d.Date.Start = "19 May 1977" }},
		{"bad end", func(d *fonds.Document) { d.Date.End = "1977-13-01" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDocument("bad", "1977-05-19")
			tt.change(d)
			res, err := s.PutDocument(ctx, d)
			if !errors.Is(err, fonds.ErrInvalid) {
				t.Errorf("PutDocument(%s) = %q, %v, want %v", tt.name, res, err, fonds.ErrInvalid)
			}
			if _, err := s.Document(ctx, "bad"); !errors.Is(err, fonds.ErrNotFound) {
				t.Errorf("Document(bad) after a failed put = %v, want %v", err, fonds.ErrNotFound)
			}
			if docs, total, err := s.Documents(ctx, fonds.Filter{}); err != nil || total != 0 || len(docs) != 0 {
				t.Errorf("Documents() after a failed put = %v, %d, %v, want none", ids(docs), total, err)
			}
		})
	}

	// A failed update leaves the stored document and its revisions alone.
	good := NewDocument("good", "1977-05-19")
	mustPut(t, s, good, fonds.Added)
	moved := NewDocument("good", "1977-05-19")
	moved.Collection = "missing"
	if _, err := s.PutDocument(ctx, moved); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutDocument(good moved to a missing collection) = %v, want %v", err, fonds.ErrInvalid)
	}
	got, err := s.Document(ctx, "good")
	if err != nil {
		t.Fatalf("Document(good) = %v", err)
	}
	checkDocument(t, "Document(good) after a failed update", got, good)
	if revs, err := s.Revisions(ctx, "good"); err != nil || len(revs) != 0 {
		t.Errorf("Revisions(good) after a failed update = %v, %v, want none", revs, err)
	}
}

func testRoundTrip(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	for _, want := range []*fonds.Document{
		NewFullDocument("1977-05-19-st-12-34", "1977-05-19"),
		func() *fonds.Document {
			d := NewFullDocument("draft", "1991-06")
			d.Status = fonds.StatusDraft
			return d
		}(),
		NewFullDocument("undated", ""),
	} {
		mustPut(t, s, want, fonds.Added)
		got, err := s.Document(ctx, want.ID)
		if err != nil {
			t.Fatalf("Document(%s) = %v", want.ID, err)
		}
		checkDocument(t, fmt.Sprintf("Document(%s)", want.ID), got, want)
		if got.ContentHash() != want.Hash {
			t.Errorf("Document(%s).ContentHash() = %s, want %s", want.ID, got.ContentHash(), want.Hash)
		}
	}
	docs, _, err := s.Documents(ctx, fonds.Filter{})
	if err != nil || len(docs) != 3 {
		t.Fatalf("Documents() = %v, %v, want three", ids(docs), err)
	}
	full := NewFullDocument("1977-05-19-st-12-34", "1977-05-19")
	mustPut(t, s, full, fonds.Unchanged)
	checkDocument(t, "Documents()[0]", docs[0], full)
}

func testDocumentNotFound(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	mustPut(t, s, NewDocument("doc", "1977"), fonds.Added)
	for _, id := range []string{"missing", "", "DOC", "doc "} {
		d, err := s.Document(ctx, id)
		if !errors.Is(err, fonds.ErrNotFound) || d != nil {
			t.Errorf("Document(%q) = %v, %v, want nil, %v", id, d, err, fonds.ErrNotFound)
		}
		if err != nil && !strings.Contains(err.Error(), id) {
			t.Errorf("Document(%q) = %v, want an error naming the id", id, err)
		}
		if _, _, err := s.Neighbours(ctx, id, fonds.Filter{}); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("Neighbours(%q) = %v, want %v", id, err, fonds.ErrNotFound)
		}
		if _, err := s.Revisions(ctx, id); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("Revisions(%q) = %v, want %v", id, err, fonds.ErrNotFound)
		}
		if err := s.DeleteDocument(ctx, id); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("DeleteDocument(%q) = %v, want %v", id, err, fonds.ErrNotFound)
		}
	}
}

// fixture fills s with collections and documents for the tests of lists,
// and returns the ids in the order they were put.
//
// In date order: d0 1975-12-31 (b), d5 1977 (b, known to the year),
// d1 1977-05-19 (a), d2 1977-05-19 (a), d3 1977-05-20 (b, draft),
// d4 1977-06 (a), d6 1980-01-02 (a), d7 undated (b), d8 undated (a, draft).
// Collection e has no documents; b's title sorts before a's.
func fixture(t *testing.T, s fonds.Store) []string {
	t.Helper()
	mustPutCollection(t, s, fonds.Collection{Slug: "a", Title: "Second", Description: "The collection a."})
	mustPutCollection(t, s, fonds.Collection{Slug: "b", Title: "First"})
	mustPutCollection(t, s, fonds.Collection{Slug: "e", Title: "Third"})
	docs := []struct {
		id, date, collection string
		draft                bool
	}{
		{"d6", "1980-01-02", "a", false},
		{"d2", "1977-05-19", "a", false},
		{"d1", "1977-05-19", "a", false},
		{"d7", "", "b", false},
		{"d0", "1975-12-31", "b", false},
		{"d3", "1977-05-20", "b", true},
		{"d8", "", "a", true},
		{"d5", "1977", "b", false},
		{"d4", "1977-06", "a", false},
	}
	var put []string
	for _, f := range docs {
		d := NewDocument(f.id, f.date)
		d.Collection = f.collection
		if f.draft {
			d.Status = fonds.StatusDraft
		}
		mustPut(t, s, d, fonds.Added)
		waitPast(d.Created)
		put = append(put, f.id)
	}
	return put
}

func testDocuments(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	fixture(t, s)
	all := []string{"d0", "d5", "d1", "d2", "d3", "d4", "d6", "d7", "d8"}
	for _, tt := range []struct {
		f     fonds.Filter
		want  []string
		total int
	}{
		{fonds.Filter{}, all, 9},
		{fonds.Filter{Order: fonds.ByDate}, all, 9},
		{fonds.Filter{Published: true}, []string{"d0", "d5", "d1", "d2", "d4", "d6", "d7"}, 7},
		{fonds.Filter{Collection: "a"}, []string{"d1", "d2", "d4", "d6", "d8"}, 5},
		{fonds.Filter{Collection: "b", Published: true}, []string{"d0", "d5", "d7"}, 3},
		{fonds.Filter{Collection: "e"}, []string{}, 0},
		{fonds.Filter{Collection: "missing"}, []string{}, 0},
		{fonds.Filter{Year: 1977}, []string{"d5", "d1", "d2", "d3", "d4"}, 5},
		{fonds.Filter{Year: 1977, Month: 5}, []string{"d1", "d2", "d3"}, 3},
		{fonds.Filter{Year: 1977, Month: 1}, []string{}, 0},
		{fonds.Filter{Year: 1977, Published: true, Collection: "a"}, []string{"d1", "d2", "d4"}, 3},
		{fonds.Filter{Year: 1990}, []string{}, 0},
		{fonds.Filter{Limit: 3}, []string{"d0", "d5", "d1"}, 9},
		{fonds.Filter{Offset: 3, Limit: 3}, []string{"d2", "d3", "d4"}, 9},
		{fonds.Filter{Offset: 8}, []string{"d8"}, 9},
		{fonds.Filter{Offset: 20, Limit: 5}, []string{}, 9},
		{fonds.Filter{Published: true, Offset: 5, Limit: 5}, []string{"d6", "d7"}, 7},
		{fonds.Filter{Order: fonds.ByAdded}, []string{"d4", "d5", "d8", "d3", "d0", "d7", "d1", "d2", "d6"}, 9},
		{fonds.Filter{Order: fonds.ByAdded, Published: true, Limit: 2}, []string{"d4", "d5"}, 7},
		{fonds.Filter{Order: fonds.ByAdded, Collection: "b", Offset: 1}, []string{"d3", "d0", "d7"}, 4},
	} {
		docs, total, err := s.Documents(ctx, tt.f)
		if err != nil || !reflect.DeepEqual(ids(docs), tt.want) || total != tt.total {
			t.Errorf("Documents(%+v) = %v, %d, %v, want %v, %d", tt.f, ids(docs), total, err, tt.want, tt.total)
		}
	}

	// The listed documents are whole.
	docs, _, err := s.Documents(ctx, fonds.Filter{Collection: "a", Limit: 1})
	if err != nil || len(docs) != 1 {
		t.Fatalf("Documents(a, limit 1) = %v, %v", ids(docs), err)
	}
	want, err := s.Document(ctx, docs[0].ID)
	if err != nil {
		t.Fatalf("Document(%s) = %v", docs[0].ID, err)
	}
	checkDocument(t, "Documents(a, limit 1)[0]", docs[0], want)
	// Briefs are the listed documents without their texts.
	docs, _, err = s.Documents(ctx, fonds.Filter{Collection: "a", Limit: 1, Brief: true})
	if err != nil || len(docs) != 1 {
		t.Fatalf("Documents(a, limit 1, brief) = %v, %v", ids(docs), err)
	}
	checkDocument(t, "Documents(a, limit 1, brief)[0]", docs[0], want.Brief())
}

// testAfter checks that a list continued After the last document of each
// page is the list read whole, in each order and filter, and that a page
// with After costs no more the deeper it is (as far as a test can say: it
// gives the same documents as Offset).
func testAfter(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	fixture(t, s)
	for _, f := range []fonds.Filter{
		{},
		{Published: true},
		{Collection: "a"},
		{Collection: "b", Published: true},
		{Year: 1977},
		{Year: 1977, Month: 5, Published: true},
		{Order: fonds.ByAdded},
		{Order: fonds.ByAdded, Published: true},
		{Order: fonds.ByAdded, Collection: "b"},
		{Brief: true},
	} {
		whole, total, err := s.Documents(ctx, f)
		if err != nil {
			t.Fatalf("Documents(%+v) = %v", f, err)
		}
		for size := 1; size <= 3; size++ {
			var paged []string
			p := f
			p.Limit = size
			for range len(whole) + 1 {
				docs, n, err := s.Documents(ctx, p)
				if err != nil || n != total {
					t.Fatalf("Documents(%+v) = %v, %d, %v, want total %d", p, ids(docs), n, err, total)
				}
				paged = append(paged, ids(docs)...)
				if len(docs) < size {
					break
				}
				p.After = docs[len(docs)-1].ID
			}
			if !slices.Equal(paged, ids(whole)) {
				t.Errorf("Documents(%+v) in pages of %d after the last = %v, want %v", f, size, paged, ids(whole))
			}
		}
		// Offset counts from After.
		if len(whole) >= 3 {
			p := f
			p.After, p.Offset, p.Limit = whole[0].ID, 1, 1
			if docs, _, err := s.Documents(ctx, p); err != nil || !slices.Equal(ids(docs), ids(whole[2:3])) {
				t.Errorf("Documents(%+v) = %v, %v, want %v", p, ids(docs), err, ids(whole[2:3]))
			}
		}
	}
	// After a document the filter does not admit: where it would be.
	docs, _, err := s.Documents(ctx, fonds.Filter{Published: true, After: "d3"})
	if want := []string{"d4", "d6", "d7"}; err != nil || !slices.Equal(ids(docs), want) {
		t.Errorf("Documents(published, after draft d3) = %v, %v, want %v", ids(docs), err, want)
	}
	// After a document deleted since: where it was.
	if err := s.DeleteDocument(ctx, "d2"); err != nil {
		t.Fatalf("DeleteDocument(d2) = %v", err)
	}
	for _, tt := range []struct {
		f    fonds.Filter
		want []string
	}{
		{fonds.Filter{After: "d2", Limit: 2}, []string{"d3", "d4"}},
		{fonds.Filter{After: "d2", Order: fonds.ByAdded, Limit: 2}, []string{"d6"}},
	} {
		if docs, _, err := s.Documents(ctx, tt.f); err != nil || !slices.Equal(ids(docs), tt.want) {
			t.Errorf("Documents(%+v) after deleting d2 = %v, %v, want %v", tt.f, ids(docs), err, tt.want)
		}
	}
	if docs, _, err := s.Documents(ctx, fonds.Filter{After: "missing"}); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Documents(after missing) = %v, %v, want %v", ids(docs), err, fonds.ErrNotFound)
	}
}

func testNeighbours(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	fixture(t, s)
	for _, tt := range []struct {
		id         string
		f          fonds.Filter
		prev, next string
	}{
		{"d1", fonds.Filter{}, "d5", "d2"},
		{"d2", fonds.Filter{}, "d1", "d3"},
		{"d0", fonds.Filter{}, "", "d5"},
		{"d6", fonds.Filter{}, "d4", "d7"},
		{"d7", fonds.Filter{}, "d6", "d8"},
		{"d8", fonds.Filter{}, "d7", ""},
		{"d1", fonds.Filter{Order: fonds.ByAdded}, "d5", "d2"},
		{"d2", fonds.Filter{Published: true}, "d1", "d4"},
		{"d3", fonds.Filter{Published: true}, "d2", "d4"},
		{"d7", fonds.Filter{Published: true}, "d6", ""},
		{"d1", fonds.Filter{Collection: "a"}, "", "d2"},
		{"d6", fonds.Filter{Collection: "a"}, "d4", "d8"},
		{"d0", fonds.Filter{Collection: "b", Published: true}, "", "d5"},
		{"d4", fonds.Filter{Year: 1977}, "d3", ""},
		{"d5", fonds.Filter{Year: 1977}, "", "d1"},
		{"d2", fonds.Filter{Year: 1977, Month: 5}, "d1", "d3"},
		{"d0", fonds.Filter{Year: 1977}, "", "d5"},
		{"d7", fonds.Filter{Year: 1977}, "d4", ""},
	} {
		prev, next, err := s.Neighbours(ctx, tt.id, tt.f)
		if err != nil {
			t.Errorf("Neighbours(%s, %+v) = %v", tt.id, tt.f, err)
			continue
		}
		want := func(id string) string {
			if id == "" {
				return "<nil>"
			}
			return id
		}
		if id(prev) != want(tt.prev) || id(next) != want(tt.next) {
			t.Errorf("Neighbours(%s, %+v) = %s, %s, want %s, %s", tt.id, tt.f, id(prev), id(next), want(tt.prev), want(tt.next))
		}
	}
	prev, _, err := s.Neighbours(ctx, "d2", fonds.Filter{})
	if err != nil || prev == nil {
		t.Fatalf("Neighbours(d2) = %v, %v", prev, err)
	}
	want, err := s.Document(ctx, "d1")
	if err != nil {
		t.Fatalf("Document(d1) = %v", err)
	}
	checkDocument(t, "Neighbours(d2) prev", prev, want.Brief())
}

func testDateCounts(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	fixture(t, s)
	for _, tt := range []struct {
		f    fonds.Filter
		want []fonds.DateCount
	}{
		{fonds.Filter{}, []fonds.DateCount{dc(1975, 12, 1), dc(1977, 0, 1), dc(1977, 5, 3), dc(1977, 6, 1), dc(1980, 1, 1)}},
		{fonds.Filter{Published: true}, []fonds.DateCount{dc(1975, 12, 1), dc(1977, 0, 1), dc(1977, 5, 2), dc(1977, 6, 1), dc(1980, 1, 1)}},
		{fonds.Filter{Collection: "b"}, []fonds.DateCount{dc(1975, 12, 1), dc(1977, 0, 1), dc(1977, 5, 1)}},
		{fonds.Filter{Collection: "b", Published: true}, []fonds.DateCount{dc(1975, 12, 1), dc(1977, 0, 1)}},
		{fonds.Filter{Year: 1977}, []fonds.DateCount{dc(1977, 0, 1), dc(1977, 5, 3), dc(1977, 6, 1)}},
		{fonds.Filter{Year: 1977, Month: 5, Limit: 1}, []fonds.DateCount{dc(1977, 5, 3)}},
		{fonds.Filter{Collection: "e"}, []fonds.DateCount{}},
	} {
		got, err := s.DateCounts(ctx, tt.f)
		if err != nil || len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("DateCounts(%+v) = %v, %v, want %v", tt.f, got, err, tt.want)
		}
	}
}

// dc returns the DateCount of year and month.
func dc(year, month, count int) fonds.DateCount {
	return fonds.DateCount{Year: year, Month: month, Count: count}
}

func testInvalidFilter(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	fixture(t, s)
	for _, f := range []fonds.Filter{
		{Offset: -1},
		{Limit: -1},
		{Year: -1},
		{Year: 1977, Month: 13},
		{Year: 1977, Month: -1},
		{Month: 5},
		{Order: "title"},
	} {
		if _, _, err := s.Documents(ctx, f); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Documents(%+v) = %v, want %v", f, err, fonds.ErrInvalid)
		}
		if _, _, err := s.Neighbours(ctx, "d1", f); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Neighbours(d1, %+v) = %v, want %v", f, err, fonds.ErrInvalid)
		}
		if _, err := s.DateCounts(ctx, f); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("DateCounts(%+v) = %v, want %v", f, err, fonds.ErrInvalid)
		}
		if _, err := s.Collections(ctx, f); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Collections(%+v) = %v, want %v", f, err, fonds.ErrInvalid)
		}
	}
}

func testDeleteDocument(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	first := NewDocument("doc", "1977-05-19")
	mustPut(t, s, first, fonds.Added)
	mustPut(t, s, NewDocument("other", "1977-05-20"), fonds.Added)
	second := NewDocument("doc", "1977-05-19")
	second.Summary = "Changed."
	mustPut(t, s, second, fonds.Updated)

	if err := s.DeleteDocument(ctx, "doc"); err != nil {
		t.Fatalf("DeleteDocument(doc) = %v", err)
	}
	if _, err := s.Document(ctx, "doc"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Document(doc) after delete = %v, want %v", err, fonds.ErrNotFound)
	}
	if err := s.DeleteDocument(ctx, "doc"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("DeleteDocument(doc) again = %v, want %v", err, fonds.ErrNotFound)
	}
	if docs, total, err := s.Documents(ctx, fonds.Filter{}); err != nil || total != 1 || !reflect.DeepEqual(ids(docs), []string{"other"}) {
		t.Errorf("Documents() after delete = %v, %d, %v, want [other], 1", ids(docs), total, err)
	}
	if c, err := s.Collection(ctx, Collection); err != nil || c.Count != 1 {
		t.Errorf("Collection(%s) after delete = %+v, %v, want Count 1", Collection, c, err)
	}
	// The deleted version is kept as a revision, after the one it replaced.
	revs, err := s.Revisions(ctx, "doc")
	if err != nil || len(revs) != 2 {
		t.Fatalf("Revisions(doc) after delete = %v, %v, want two", revs, err)
	}
	checkDocument(t, "Revisions(doc)[0].Document after delete", revs[0].Document, first)
	checkDocument(t, "Revisions(doc)[1].Document after delete", revs[1].Document, second)

	// The id can be used again; its revisions count on.
	waitPast(second.Updated)
	third := NewDocument("doc", "1977-05-19")
	third.Title = "Again"
	mustPut(t, s, third, fonds.Added)
	if !normalTime(third.Created).After(normalTime(first.Created)) {
		t.Errorf("PutDocument(doc) after delete set Created %v, want a new time after %v", third.Created, first.Created)
	}
	mustPut(t, s, NewDocument("doc", "1977-05-19"), fonds.Updated)
	revs, err = s.Revisions(ctx, "doc")
	if err != nil || len(revs) != 3 {
		t.Fatalf("Revisions(doc) = %v, %v, want three", revs, err)
	}
	if revs[0].N != 1 || revs[1].N != 2 || revs[2].N != 3 {
		t.Errorf("Revisions(doc) numbered %d, %d, %d, want 1, 2, 3", revs[0].N, revs[1].N, revs[2].N)
	}
	checkDocument(t, "Revisions(doc)[2].Document", revs[2].Document, third)
}

func testConcurrentPut(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	const writers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				d := NewFullDocument(fmt.Sprintf("w%d-%02d", w, i), fmt.Sprintf("19%02d-01-01", 50+i))
				if res, err := s.PutDocument(ctx, d); err != nil || res != fonds.Added {
					errs <- fmt.Errorf("PutDocument(%s) = %q, %v, want %q", d.ID, res, err, fonds.Added)
				}
			}
		})
		// Readers at the same time.
		wg.Go(func() {
			for range each {
				if _, _, err := s.Documents(ctx, fonds.Filter{Limit: 5}); err != nil {
					errs <- fmt.Errorf("Documents() while writing = %v", err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if docs, total, err := s.Documents(ctx, fonds.Filter{}); err != nil || total != writers*each || len(docs) != writers*each {
		t.Errorf("Documents() after concurrent puts = %d documents, total %d, %v, want %d", len(docs), total, err, writers*each)
	}
}

func testCancelled(t *testing.T, s fonds.Store) {
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	mustPut(t, s, NewDocument("doc", "1977-05-19"), fonds.Added)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	check := func(call string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context = %v, want %v", call, err, context.Canceled)
		}
	}
	_, err := s.PutDocument(ctx, NewDocument("new", "1977-05-19"))
	check("PutDocument(new)", err)
	changed := NewDocument("doc", "1977-05-19")
	changed.Title = "Changed"
	_, err = s.PutDocument(ctx, changed)
	check("PutDocument(doc changed)", err)
	check("PutCollection", s.PutCollection(ctx, fonds.Collection{Slug: "other", Title: "Other"}))
	_, err = s.Document(ctx, "doc")
	check("Document(doc)", err)
	_, _, err = s.Documents(ctx, fonds.Filter{})
	check("Documents", err)
	_, _, err = s.Neighbours(ctx, "doc", fonds.Filter{})
	check("Neighbours", err)
	_, err = s.DateCounts(ctx, fonds.Filter{})
	check("DateCounts", err)
	_, err = s.Collection(ctx, Collection)
	check("Collection", err)
	_, err = s.Collections(ctx, fonds.Filter{})
	check("Collections", err)
	_, err = s.Revisions(ctx, "doc")
	check("Revisions", err)
	check("DeleteDocument", s.DeleteDocument(ctx, "doc"))

	// Nothing was written.
	bg := context.Background()
	if _, err := s.Document(bg, "new"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Document(new) after a cancelled put = %v, want %v", err, fonds.ErrNotFound)
	}
	if d, err := s.Document(bg, "doc"); err != nil || d.Title != "Document doc" {
		t.Errorf("Document(doc) after a cancelled update and delete = %v, %v, want it unchanged", d, err)
	}
	if _, err := s.Collection(bg, "other"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Collection(other) after a cancelled put = %v, want %v", err, fonds.ErrNotFound)
	}
}

// changes returns every change after seq, in order.
func changes(t *testing.T, s fonds.Store, after int64) []fonds.Change {
	t.Helper()
	cs, err := s.Changes(context.Background(), after, 1000)
	if err != nil {
		t.Fatalf("Changes(%d, 1000) = %v", after, err)
	}
	return cs
}

// changeIDs returns the ids of the changes, checking that their Seq
// increases.
func changeIDs(t *testing.T, cs []fonds.Change) []string {
	t.Helper()
	ids := []string{}
	for i, c := range cs {
		if i > 0 && c.Seq <= cs[i-1].Seq {
			t.Errorf("Changes: Seq %d after %d, want it larger", c.Seq, cs[i-1].Seq)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

func testChanges(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	if seq, err := s.LastChange(ctx); err != nil || seq != 0 {
		t.Errorf("LastChange() of an empty store = %d, %v, want 0", seq, err)
	}
	if cs := changes(t, s, 0); len(cs) != 0 {
		t.Errorf("Changes(0) of an empty store = %v, want none", cs)
	}
	for _, limit := range []int{0, -1} {
		if _, err := s.Changes(ctx, 0, limit); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("Changes(0, %d) = %v, want %v", limit, err, fonds.ErrInvalid)
		}
	}
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	if seq, err := s.LastChange(ctx); err != nil || seq != 0 {
		t.Errorf("LastChange() after PutCollection = %d, %v, want 0", seq, err)
	}

	mustPut(t, s, NewDocument("a", "1977-05-19"), fonds.Added)
	mustPut(t, s, NewDocument("b", "1977-05-20"), fonds.Added)
	mustPut(t, s, NewDocument("c", "1977-05-21"), fonds.Added)
	cs := changes(t, s, 0)
	if got := changeIDs(t, cs); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Fatalf("Changes(0) after adding a, b, c = %v, want [a b c]", got)
	}
	last, err := s.LastChange(ctx)
	if err != nil || last != cs[2].Seq {
		t.Errorf("LastChange() = %d, %v, want %d", last, err, cs[2].Seq)
	}
	if got, err := s.Changes(ctx, cs[0].Seq, 1); err != nil || !reflect.DeepEqual(got, cs[1:2]) {
		t.Errorf("Changes(%d, 1) = %v, %v, want %v", cs[0].Seq, got, err, cs[1:2])
	}

	// An unchanged put is no change; an update and a deletion are, and
	// each document is listed once, at its latest change.
	mustPut(t, s, NewDocument("b", "1977-05-20"), fonds.Unchanged)
	if seq, err := s.LastChange(ctx); err != nil || seq != last {
		t.Errorf("LastChange() after an unchanged put = %d, %v, want %d", seq, err, last)
	}
	changed := NewDocument("a", "1977-05-19")
	changed.Status = fonds.StatusDraft
	mustPut(t, s, changed, fonds.Updated)
	if err := s.DeleteDocument(ctx, "b"); err != nil {
		t.Fatalf("DeleteDocument(b) = %v", err)
	}
	after := changes(t, s, last)
	if got := changeIDs(t, after); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Changes(%d) after updating a and deleting b = %v, want [a b]", last, got)
	}
	if got := changeIDs(t, changes(t, s, 0)); !reflect.DeepEqual(got, []string{"c", "a", "b"}) {
		t.Errorf("Changes(0) = %v, want [c a b]", got)
	}
	if len(after) == 2 && after[0].Seq <= last {
		t.Errorf("Changes(%d)[0].Seq = %d, want it larger", last, after[0].Seq)
	}
	if seq, err := s.LastChange(ctx); err != nil || len(after) != 2 || seq != after[1].Seq {
		t.Errorf("LastChange() = %d, %v, want the Seq of the deletion", seq, err)
	}
	// A cancelled or failed put is no change.
	bad := NewDocument("d", "1977-05-19")
	bad.Collection = "missing"
	if _, err := s.PutDocument(ctx, bad); err == nil {
		t.Fatalf("PutDocument(in a missing collection) = nil error")
	}
	if cs := changes(t, s, after[len(after)-1].Seq); len(cs) != 0 {
		t.Errorf("Changes after a refused put = %v, want none", cs)
	}
}

func testSettings(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	if v, err := s.Setting(ctx, "title"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Setting(%q) of an empty store = %q, %v, want %v", "title", v, err, fonds.ErrNotFound)
	}
	if err := s.PutSetting(ctx, "", "x"); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutSetting(%q) = %v, want %v", "", err, fonds.ErrInvalid)
	}
	for _, tt := range []struct{ name, value string }{
		{"title", "Архив"},
		{"title", "The archive"}, // replaced
		{"empty", ""},
		{"multi\nline", "a\nb\x00c"},
	} {
		if err := s.PutSetting(ctx, tt.name, tt.value); err != nil {
			t.Fatalf("PutSetting(%q, %q) = %v", tt.name, tt.value, err)
		}
		if v, err := s.Setting(ctx, tt.name); err != nil || v != tt.value {
			t.Errorf("Setting(%q) = %q, %v, want %q", tt.name, v, err, tt.value)
		}
	}
	if v, err := s.Setting(ctx, "Title"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Setting(%q) = %q, %v, want %v: names are case-sensitive", "Title", v, err, fonds.ErrNotFound)
	}
}

// testCounts makes many adds, updates, status changes, moves between
// collections and deletions, and checks after each round that every count
// the store gives equals the count of the documents it lists.
func testCounts(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	slugs := []string{"a", "b", "c"}
	for _, c := range slugs {
		mustPutCollection(t, s, fonds.Collection{Slug: c, Title: "Collection " + c})
	}
	dates := []string{"", "1977", "1977-05", "1977-05-19", "1977-06-01", "1980-01-02", "1980"}
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 6 {
		for range 15 {
			id := fmt.Sprintf("doc-%02d", r.IntN(30))
			if r.IntN(5) == 0 {
				if err := s.DeleteDocument(ctx, id); err != nil && !errors.Is(err, fonds.ErrNotFound) {
					t.Fatalf("DeleteDocument(%s) = %v", id, err)
				}
				continue
			}
			d := NewDocument(id, dates[r.IntN(len(dates))])
			d.Collection = slugs[r.IntN(len(slugs))]
			d.Categories = [][]string{nil, {"1"}, {"1", "2"}, {"3"}}[r.IntN(4)]
			if r.IntN(3) == 0 {
				d.Status = fonds.StatusDraft
			}
			if _, err := s.PutDocument(ctx, d); err != nil {
				t.Fatalf("PutDocument(%s) = %v", id, err)
			}
		}
		checkCounts(t, s, fmt.Sprintf("round %d", round), slugs)
	}
}

// checkCounts compares the counts of s with those of the documents it holds.
func checkCounts(t *testing.T, s fonds.Store, when string, slugs []string) {
	t.Helper()
	ctx := context.Background()
	all, _, err := s.Documents(ctx, fonds.Filter{})
	if err != nil {
		t.Fatalf("%s: Documents() = %v", when, err)
	}
	admits := func(f fonds.Filter, d *fonds.Document) bool {
		m := d.Date.Month()
		if d.Date.Precision == fonds.PrecisionYear {
			m = 0
		}
		return (!f.Published || d.Status == fonds.StatusPublished) &&
			(f.Collection == "" || d.Collection == f.Collection) &&
			(f.Year == 0 || d.Date.Year() == f.Year) &&
			(f.Month == 0 || m == f.Month)
	}
	count := func(f fonds.Filter) int {
		n := 0
		for _, d := range all {
			if admits(f, d) {
				n++
			}
		}
		return n
	}
	var filters []fonds.Filter
	for _, c := range append([]string{""}, slugs...) {
		for _, p := range []bool{false, true} {
			for _, ym := range [][2]int{{0, 0}, {1977, 0}, {1977, 5}, {1977, 6}, {1980, 1}, {1990, 0}} {
				filters = append(filters, fonds.Filter{Collection: c, Published: p, Year: ym[0], Month: ym[1]})
			}
		}
	}
	for _, f := range filters {
		if _, total, err := s.Documents(ctx, f); err != nil || total != count(f) {
			t.Errorf("%s: Documents(%+v) total = %d, %v, want %d", when, f, total, err, count(f))
		}
		var want []fonds.DateCount
		for _, d := range all {
			if !admits(f, d) || d.Date.IsZero() {
				continue
			}
			m := d.Date.Month()
			if d.Date.Precision == fonds.PrecisionYear {
				m = 0
			}
			i := slices.IndexFunc(want, func(c fonds.DateCount) bool { return c.Year == d.Date.Year() && c.Month == m })
			if i < 0 {
				want = append(want, dc(d.Date.Year(), m, 0))
				i = len(want) - 1
			}
			want[i].Count++
		}
		slices.SortFunc(want, func(a, b fonds.DateCount) int { return (a.Year*100 + a.Month) - (b.Year*100 + b.Month) })
		if got, err := s.DateCounts(ctx, f); err != nil || len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
			t.Errorf("%s: DateCounts(%+v) = %v, %v, want %v", when, f, got, err, want)
		}
		if f.Collection != "" {
			continue
		}
		cols, err := s.Collections(ctx, f)
		if err != nil {
			t.Fatalf("%s: Collections(%+v) = %v", when, f, err)
		}
		for _, c := range cols {
			cf := f
			cf.Collection = c.Slug
			if c.Count != count(cf) {
				t.Errorf("%s: Collections(%+v): %s counts %d, want %d", when, f, c.Slug, c.Count, count(cf))
			}
		}
	}
	cats := []string{}
	for _, d := range all {
		for _, c := range d.Categories {
			if d.Status == fonds.StatusPublished && !slices.Contains(cats, c) {
				cats = append(cats, c)
			}
		}
	}
	slices.Sort(cats)
	if got, err := s.Categories(ctx); err != nil || !slices.Equal(got, cats) {
		t.Errorf("%s: Categories() = %v, %v, want %v", when, got, err, cats)
	}
	for _, slug := range slugs {
		want := count(fonds.Filter{Collection: slug, Published: true})
		if c, err := s.Collection(ctx, slug); err != nil || c.Count != want {
			t.Errorf("%s: Collection(%s) = %+v, %v, want Count %d", when, slug, c, err, want)
		}
	}
	// The size of a harvest list, where the store tells it, is that of
	// the list.
	recs, _, err := s.Records(ctx, fonds.RecordFilter{})
	if err != nil {
		t.Fatalf("%s: Records() = %v", when, err)
	}
	rfilters := []fonds.RecordFilter{{}, {Category: "none"}}
	for _, slug := range slugs {
		rfilters = append(rfilters, fonds.RecordFilter{Collection: slug})
	}
	for _, c := range []string{"1", "2", "3"} {
		rfilters = append(rfilters, fonds.RecordFilter{Category: c}, fonds.RecordFilter{Category: c, Collection: slugs[0]})
	}
	for _, f := range rfilters {
		want := 0
		for _, r := range recs {
			if (f.Collection == "" || r.Collection == f.Collection) && (f.Category == "" || slices.Contains(r.Categories, f.Category)) {
				want++
			}
		}
		f.Limit = 1
		if _, total, err := s.Records(ctx, f); err != nil || (total != want && total != -1) {
			t.Errorf("%s: Records(%+v) total = %d, %v, want %d (or -1)", when, f, total, err, want)
		}
	}
}

func testVerify(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	var problems []string
	report := func(p string) { problems = append(problems, p) }
	if n, err := s.Verify(ctx, report); err != nil || n != 0 || len(problems) != 0 {
		t.Errorf("Verify() of an empty store = %d, %v, problems %q, want 0 and none", n, err, problems)
	}
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	mustPut(t, s, NewFullDocument("a", "1977-05-19"), fonds.Added)
	mustPut(t, s, NewDocument("b", "1977-05-20"), fonds.Added)
	changed := NewFullDocument("a", "1977-05-19")
	changed.Summary = "Changed."
	mustPut(t, s, changed, fonds.Updated)
	if err := s.DeleteDocument(ctx, "b"); err != nil {
		t.Fatalf("DeleteDocument(b) = %v", err)
	}
	// a and its revision; b's deleted version.
	if n, err := s.Verify(ctx, report); err != nil || n != 3 || len(problems) != 0 {
		t.Errorf("Verify() = %d, %v, problems %q, want 3 and none", n, err, problems)
	}
}
