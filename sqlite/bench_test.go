package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fonds"
	"fonds/fondstest"
)

// bulk fills s with n documents of the size and shape of a real record
// (fondstest.NewFullDocument: two texts of four pages) in one transaction:
// ten collections, dates over 75 years (some known only to the year, some
// undated), one in ten a draft. Only the setup of benchmarks needs so many
// so fast.
func bulk(b *testing.B, s *Store, n int) {
	ctx := context.Background()
	for c := range 10 {
		if err := s.PutCollection(ctx, fonds.Collection{Slug: fmt.Sprintf("c%d", c), Title: fmt.Sprintf("Collection %d", c)}); err != nil {
			b.Fatal(err)
		}
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	for i := range n {
		date := fmt.Sprintf("%d-%02d-%02d", 1917+i%75, 1+i/75%12, 1+i/900%28)
		switch {
		case i%50 == 0:
			date = ""
		case i%37 == 0:
			date = date[:4]
		}
		d := fondstest.NewFullDocument(fmt.Sprintf("doc-%06d", i), date)
		d.Collection = fmt.Sprintf("c%d", i%10)
		if i%10 == 3 {
			d.Status = fonds.StatusDraft
		}
		if _, _, err := put(ctx, tx, d, fonds.Save{}); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReads measures what the public pages ask of the store, at two
// sizes of archive: each figure should be the same at both, since each read
// seeks through an index and reads what it returns, never the archive.
func BenchmarkReads(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "fonds.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			bulk(b, s, n)
			mid := fmt.Sprintf("doc-%06d", n/2+1)
			seq, err := s.LastChange(ctx)
			if err != nil {
				b.Fatal(err)
			}
			// A page of briefs halfway down the list of everything
			// published, in date order, and the document it starts
			// after: what the two ways of paging cost beside the page.
			deep := fonds.Filter{Published: true, Offset: n / 2, Limit: 20, Brief: true}
			before, _, err := s.Documents(ctx, fonds.Filter{Published: true, Offset: n/2 - 1, Limit: 1})
			if err != nil || len(before) != 1 {
				b.Fatalf("Documents(offset %d) = %d documents, %v", n/2-1, len(before), err)
			}
			after := fonds.Filter{Published: true, After: before[0].ID, Limit: 20, Brief: true}
			for _, bb := range []struct {
				name string
				fn   func() error
			}{
				{"Collection", func() error {
					c, err := s.Collection(ctx, "c4")
					if err == nil && c.Count != n/10 {
						err = fmt.Errorf("Collection(c4).Count = %d, want %d", c.Count, n/10)
					}
					return err
				}},
				{"Collections", func() error {
					_, err := s.Collections(ctx, fonds.Filter{Published: true})
					return err
				}},
				{"DateCounts", func() error {
					_, err := s.DateCounts(ctx, fonds.Filter{Published: true})
					return err
				}},
				{"DateCountsYear", func() error {
					_, err := s.DateCounts(ctx, fonds.Filter{Published: true, Year: 1950})
					return err
				}},
				{"DocumentsHome", func() error {
					_, total, err := s.Documents(ctx, fonds.Filter{Published: true, Order: fonds.ByAdded, Limit: 10})
					if err == nil && total != n-n/10 {
						err = fmt.Errorf("Documents(published) total = %d, want %d", total, n-n/10)
					}
					return err
				}},
				{"DocumentsCollection", func() error {
					_, _, err := s.Documents(ctx, fonds.Filter{Published: true, Collection: "c4", Offset: 20, Limit: 20})
					return err
				}},
				{"DocumentsMonth", func() error {
					_, _, err := s.Documents(ctx, fonds.Filter{Published: true, Year: 1951, Month: 5, Limit: 10})
					return err
				}},
				{"DocumentsCollectionBrief", func() error {
					_, _, err := s.Documents(ctx, fonds.Filter{Published: true, Collection: "c4", Offset: 20, Limit: 20, Brief: true})
					return err
				}},
				{"DocumentsDeepOffset", func() error {
					_, _, err := s.Documents(ctx, deep)
					return err
				}},
				{"DocumentsDeepAfter", func() error {
					docs, _, err := s.Documents(ctx, after)
					if err == nil && len(docs) != 20 {
						err = fmt.Errorf("Documents(%+v) = %d documents, want 20", after, len(docs))
					}
					return err
				}},
				{"Document", func() error {
					_, err := s.Document(ctx, mid)
					return err
				}},
				{"Records", func() error {
					_, _, err := s.Records(ctx, fonds.RecordFilter{Collection: "c4", Limit: 101})
					return err
				}},
				{"Neighbours", func() error {
					_, _, err := s.Neighbours(ctx, mid, fonds.Filter{Published: true})
					return err
				}},
				{"Changes", func() error {
					_, err := s.Changes(ctx, seq/2, 100)
					return err
				}},
				{"LastChange", func() error {
					_, err := s.LastChange(ctx)
					return err
				}},
			} {
				b.Run(bb.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if err := bb.fn(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkEditing measures what an editor's history page and the server's
// release of embargoes cost, at two sizes of archive: the same at both,
// since each seeks through an index. Every tenth document of the archive
// is under an embargo that has not ended.
func BenchmarkEditing(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "fonds.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			bulk(b, s, n)
			far := time.Now().UTC().AddDate(10, 0, 0)
			tx, err := s.write.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE documents SET released = 0, status = 'draft', embargo_at = ?
				WHERE rowid % 10 = 5 AND state = 'published'`, formatTime(far)); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			// A document of twenty versions.
			mid := fmt.Sprintf("doc-%06d", n/2+1)
			d, err := s.Document(ctx, mid)
			if err != nil {
				b.Fatal(err)
			}
			for i := range 19 {
				d.Title = fmt.Sprintf("Version %d", i+2)
				if _, err := s.SaveDocument(ctx, d, fonds.Save{Author: "ann", Message: "Corrected", Version: d.Version}); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("History", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if vs, err := s.History(ctx, mid); err != nil || len(vs) != 20 {
						b.Fatalf("History(%s) = %d versions, %v, want 20", mid, len(vs), err)
					}
				}
			})
			b.Run("Revision", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Revision(ctx, mid, 10); err != nil {
						b.Fatal(err)
					}
				}
			})
			// What the server's loop costs when no embargo has ended.
			b.Run("ReleaseNone", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if k, err := s.Release(ctx, time.Now()); err != nil || k != 0 {
						b.Fatalf("Release(now) = %d, %v, want 0", k, err)
					}
				}
			})
			// The release of one document whose embargo ended.
			b.Run("ReleaseOne", func(b *testing.B) {
				b.ReportAllocs()
				e := fondstest.NewFullDocument("embargoed", "1977-05-19")
				e.Collection = "c1"
				i := 0
				for b.Loop() {
					b.StopTimer()
					i++
					end := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
					e.Embargo, e.Title = end.Format(time.RFC3339), fmt.Sprint(i)
					if _, err := s.SaveDocument(ctx, e, fonds.Save{}); err != nil {
						b.Fatal(err)
					}
					// Under embargo as of its save: at most a save in the
					// past releases it at once, so mark it held, as a save
					// before its end would have.
					if _, err := s.write.ExecContext(ctx, `UPDATE documents SET released = 0, status = 'draft', embargo_at = ? WHERE id = 'embargoed'`,
						formatTime(end)); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if k, err := s.Release(ctx, end); err != nil || k != 1 {
						b.Fatalf("Release(%v) = %d, %v, want 1", end, k, err)
					}
				}
			})
		})
	}
}
