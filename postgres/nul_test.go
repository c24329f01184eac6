package postgres_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/sqlite"
)

// TestNUL saves a document with NUL characters where a damaged import may
// leave them (its title, chapter, origin, a mention, a reference, the
// message of the save), which PostgreSQL's text cannot hold: the
// document is kept as given, as SQLite keeps it.
func TestNUL(t *testing.T) {
	ctx := context.Background()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			var s fonds.Store
			if backend == "sqlite" {
				st, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
				if err != nil {
					t.Fatal(err)
				}
				s = st
			} else {
				s, _ = open(t)
			}
			defer s.Close()
			if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
				t.Fatal(err)
			}
			d := fondstest.NewFullDocument("nul", "1977-05-19")
			d.Title, d.Section, d.Origin, d.Number = "Cultural\x00exchanges", "Chapter\x00one", "imports/\x00.txt", 3
			d.Witnesses[0].Text = append(d.Witnesses[0].Text, fonds.Block{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
				{Kind: fonds.SpanPerson, Target: "iva\x00nov", Text: "Iva\x00nov"},
				{Kind: fonds.SpanReference, Text: "see St\x00 11/2", Target: "st\x00 11/2"},
			}})
			want := *d
			res, err := s.SaveDocument(ctx, d, fonds.Save{Author: "ann", Message: "fixed\x00", Address: "cli"})
			if err != nil || res != fonds.Added {
				t.Fatalf("SaveDocument(with NULs) = %q, %v, want %q", res, err, fonds.Added)
			}
			got, err := s.Document(ctx, "nul")
			if err != nil {
				t.Fatal(err)
			}
			want.Hash, want.Created, want.Updated, want.Version = got.Hash, got.Created, got.Updated, got.Version
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("Document(nul) differs from the document saved")
			}
			again := *d
			if res, err := s.PutDocument(ctx, &again); err != nil || res != fonds.Unchanged {
				t.Errorf("PutDocument(the same again) = %q, %v, want %q", res, err, fonds.Unchanged)
			}
			if docs, _, err := s.Documents(ctx, fonds.Filter{Collection: fondstest.Collection, Section: "Chapter\x00one"}); err != nil || len(docs) != 1 {
				t.Errorf("Documents(section with a NUL) = %d documents, %v, want 1", len(docs), err)
			}
			if err := s.DeleteDocument(ctx, "nul"); err != nil {
				t.Errorf("DeleteDocument(nul) = %v", err)
			}
		})
	}
}
