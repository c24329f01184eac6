package postgres_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/sqlite"
)

// BenchmarkSave measures a save of a document of the size and shape of a
// real record (fondstest.NewFullDocument) and the reads of one and of a
// page of them, on PostgreSQL and, for comparison, on SQLite, in an archive
// of a thousand documents.
func BenchmarkSave(b *testing.B) {
	ctx := context.Background()
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run("backend="+backend, func(b *testing.B) {
			var s fonds.Store
			switch backend {
			case "sqlite":
				st, err := sqlite.Open(filepath.Join(b.TempDir(), "fonds.db"))
				if err != nil {
					b.Fatal(err)
				}
				s = st
			default:
				st, _ := open(b)
				s = st
			}
			defer s.Close()
			if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
				b.Fatal(err)
			}
			const n = 1000
			for i := range n {
				d := fondstest.NewFullDocument(fmt.Sprintf("doc-%06d", i), fmt.Sprintf("%d-%02d-01", 1917+i%75, 1+i%12))
				if _, err := s.PutDocument(ctx, d); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("Add", func(b *testing.B) {
				i := 0
				for b.Loop() {
					d := fondstest.NewFullDocument(fmt.Sprintf("new-%06d", i), "1977-05-19")
					i++
					if res, err := s.SaveDocument(ctx, d, fonds.Save{Author: "ann"}); err != nil || res != fonds.Added {
						b.Fatalf("SaveDocument(%s) = %q, %v", d.ID, res, err)
					}
				}
			})
			b.Run("Update", func(b *testing.B) {
				d := fondstest.NewFullDocument("doc-000500", "1977-05-19")
				i := 0
				for b.Loop() {
					d.Title = fmt.Sprintf("Version %d", i)
					i++
					if res, err := s.SaveDocument(ctx, d, fonds.Save{Author: "ann", Message: "Corrected"}); err != nil || res != fonds.Updated {
						b.Fatalf("SaveDocument(%s) = %q, %v", d.ID, res, err)
					}
				}
			})
			b.Run("Unchanged", func(b *testing.B) {
				d := fondstest.NewFullDocument("doc-000400", fmt.Sprintf("%d-%02d-01", 1917+400%75, 1+400%12))
				for b.Loop() {
					if res, err := s.PutDocument(ctx, d); err != nil || res != fonds.Unchanged {
						b.Fatalf("PutDocument(%s) = %q, %v", d.ID, res, err)
					}
				}
			})
			b.Run("Document", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Document(ctx, "doc-000300"); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Documents", func(b *testing.B) {
				f := fonds.Filter{Published: true, Collection: fondstest.Collection, Year: 1977, Brief: true, Limit: 20}
				for b.Loop() {
					if _, _, err := s.Documents(ctx, f); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
