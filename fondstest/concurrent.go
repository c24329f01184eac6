package fondstest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"fonds"
)

// testConcurrentSave saves one id from many goroutines at once, as several
// editors, servers or importers may: a document that does not exist yet,
// then changes of it without a version to check. Every save is kept, in
// some order: one adds the document, the others update it, and its
// history numbers the versions 1 to n without a gap or a repeat, each
// with its own content, the last the stored document.
func testConcurrentSave(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	const savers = 16
	var wg sync.WaitGroup
	results := make([]fonds.PutResult, savers)
	errs := make([]error, savers)
	titles := make([]string, savers)
	for i := range savers {
		titles[i] = fmt.Sprintf("Saver %d", i)
		wg.Go(func() {
			d := NewDocument("race", "1977-05-19")
			d.Title = titles[i]
			results[i], errs[i] = s.SaveDocument(ctx, d, fonds.Save{Author: fmt.Sprintf("u%d", i)})
		})
	}
	wg.Wait()
	added := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("saver %d: SaveDocument(race) = %v", i, err)
		}
		switch results[i] {
		case fonds.Added:
			added++
		case fonds.Updated:
		default:
			t.Errorf("saver %d: SaveDocument(race) = %q, want %q or %q", i, results[i], fonds.Added, fonds.Updated)
		}
	}
	if added != 1 {
		t.Errorf("%d of %d saves at once added the document, want 1", added, savers)
	}
	vs, err := s.History(ctx, "race")
	if err != nil {
		t.Fatalf("History(race) = %v", err)
	}
	if len(vs) != savers {
		t.Fatalf("History(race) has %d versions after %d saves, want %d", len(vs), savers, savers)
	}
	var seen []string
	for i, v := range vs {
		if v.N != i+1 {
			t.Errorf("History(race)[%d].N = %d, want %d", i, v.N, i+1)
		}
		d, err := s.Revision(ctx, "race", v.N)
		if err != nil {
			t.Errorf("Revision(race, %d) = %v", v.N, err)
			continue
		}
		if d.Hash != v.Hash {
			t.Errorf("Revision(race, %d).Hash = %s, History says %s", v.N, d.Hash, v.Hash)
		}
		if slices.Contains(seen, d.Title) {
			t.Errorf("Revision(race, %d) has the title %q of an earlier version", v.N, d.Title)
		}
		seen = append(seen, d.Title)
	}
	slices.Sort(seen)
	slices.Sort(titles)
	if !slices.Equal(seen, titles) {
		t.Errorf("the versions of race are titled %q, want one of each save: %q", seen, titles)
	}
	if d, err := s.Document(ctx, "race"); err != nil || d.Version != savers || d.Hash != vs[savers-1].Hash {
		t.Errorf("Document(race) = version %v, %v, want the last version %d", versionOf(d), err, savers)
	}
	if revs, err := s.Revisions(ctx, "race"); err != nil || len(revs) != savers-1 {
		t.Errorf("Revisions(race) = %d revisions, %v, want %d", len(revs), err, savers-1)
	}
	if cs, err := s.Changes(ctx, 0, 100); err != nil || len(cs) != 1 || cs[0].ID != "race" {
		t.Errorf("Changes(0) = %+v, %v, want race once", cs, err)
	}
	if es, err := s.AuditEntries(ctx, 0, 100); err != nil || len(es) != savers {
		t.Errorf("AuditEntries(0) = %d entries, %v, want one of each save, %d", len(es), err, savers)
	}
	problems := 0
	if n, err := s.Verify(ctx, func(string) { problems++ }); err != nil || n != savers || problems != 0 {
		t.Errorf("Verify() = %d checked, %d problems, %v, want %d checked, none", n, problems, err, savers)
	}

	// Saves of a new id that each require it not to exist: one wins.
	for i := range savers {
		wg.Go(func() {
			d := NewDocument("new", "1977-05-19")
			d.Title = titles[i]
			results[i], errs[i] = s.SaveDocument(ctx, d, fonds.Save{Version: -1})
		})
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, fonds.ErrConflict):
			t.Errorf("saver %d: SaveDocument(new, version -1) = %v, want nil or %v", i, err, fonds.ErrConflict)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d saves of a new document at once succeeded, want 1", won, savers)
	}

	followChanges(t, s)
}

// followChanges writes documents from several goroutines while another
// follows the change feed as a server's index does, reading on from the
// last Seq it saw: when the writers are done and it has read to the end,
// it has seen every document written, none missed because a write that
// committed later had been numbered earlier.
func followChanges(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	start, err := s.LastChange(ctx)
	if err != nil {
		t.Fatalf("LastChange() = %v", err)
	}
	const writers, each = 8, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				d := NewDocument(fmt.Sprintf("f%d-%02d", w, i), "1977-05-19")
				if _, err := s.PutDocument(ctx, d); err != nil {
					t.Errorf("PutDocument(%s) = %v", d.ID, err)
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := make(map[string]bool)
	after := start
	read := func() {
		for {
			cs, err := s.Changes(ctx, after, 7)
			if err != nil {
				t.Errorf("Changes(%d) while writing = %v", after, err)
				return
			}
			for _, c := range cs {
				if c.Seq <= after {
					t.Errorf("Changes(%d) gave Seq %d, not after it", after, c.Seq)
				}
				seen[c.ID], after = true, c.Seq
			}
			if len(cs) < 7 {
				return
			}
		}
	}
	for following := true; following; {
		select {
		case <-done:
			following = false
		default:
		}
		read()
	}
	read()
	missed := 0
	for w := range writers {
		for i := range each {
			if !seen[fmt.Sprintf("f%d-%02d", w, i)] {
				missed++
			}
		}
	}
	if missed > 0 {
		t.Errorf("a follower of the change feed missed %d of %d documents written at once", missed, writers*each)
	}
}

// versionOf returns d's version, or 0 for no document.
func versionOf(d *fonds.Document) int {
	if d == nil {
		return 0
	}
	return d.Version
}
