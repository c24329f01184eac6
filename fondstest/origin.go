package fondstest

import (
	"context"
	"errors"
	"testing"

	"fonds"
)

// testReplaceOrigin checks that a document from another origin than the
// stored one of its id is refused, unless the save says Replace, which
// makes it a new version of the stored one.
func testReplaceOrigin(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	d := NewDocument("doc", "1977-05-19")
	d.Origin = "volume.xml"
	mustPut(t, s, d, fonds.Added)
	other := NewDocument("doc", "1977-05-19")
	other.Origin, other.Summary = "doc.xml", "Read from a file of its own."
	if _, err := s.PutDocument(ctx, other); !errors.Is(err, fonds.ErrConflict) {
		t.Fatalf("PutDocument(another origin) = %v, want %v", err, fonds.ErrConflict)
	}
	mustSave(t, s, other, fonds.Save{Replace: true, Message: "the file of its own"}, fonds.Updated)
	got, err := s.Document(ctx, "doc")
	if err != nil || got.Origin != "doc.xml" || got.Version != 2 {
		t.Errorf("Document(doc) after a save with Replace = %+v, %v, want version 2 from doc.xml", got, err)
	}
}
