package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fonds"
	"fonds/fondstest"

	"github.com/jackc/pgx/v5"
)

// bulk opens a store on a new database holding n documents of the size and
// shape of a real record (fondstest.NewFullDocument), put a hundred to a
// transaction (in one, the rows of counts and entities every save updates
// would grow a version per save, each read through the ones before): ten
// collections, dates over 75 years (some known only to
// the year, some undated), one in ten a draft, as the SQLite store's
// benchmarks fill theirs.
func bulk(b *testing.B, n int) *Store {
	ctx := context.Background()
	s, err := Open(ctx, testDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	for c := range 10 {
		if err := s.PutCollection(ctx, fonds.Collection{Slug: fmt.Sprintf("c%d", c), Title: fmt.Sprintf("Collection %d", c)}); err != nil {
			b.Fatal(err)
		}
	}
	for first := 0; first < n; first += 100 {
		err := s.inTx(ctx, func(tx pgx.Tx) error {
			return fillRange(ctx, tx, first, min(first+100, n))
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.db.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return s
}

// fillRange puts documents i to j-1 of bulk in tx.
func fillRange(ctx context.Context, tx pgx.Tx, i0, j int) error {
	for i := i0; i < j; i++ {
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
		if err := lockSave(ctx, tx, d); err != nil {
			return err
		}
		if _, _, err := put(ctx, tx, d, fonds.Save{}); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkReads measures what the public pages ask of the store.
func BenchmarkReads(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			start := time.Now()
			s := bulk(b, n)
			b.Logf("filled %d documents in %v", n, time.Since(start))
			public := fonds.Filter{Published: true, Brief: true, Limit: 20}
			for _, bm := range []struct {
				name string
				fn   func() error
			}{
				{"Document", func() error { _, err := s.Document(ctx, "doc-005001"); return err }},
				{"Collection", func() error { _, err := s.Collection(ctx, "c1"); return err }},
				{"Collections", func() error { _, err := s.Collections(ctx, fonds.Filter{Published: true}); return err }},
				{"Documents", func() error { _, _, err := s.Documents(ctx, public); return err }},
				{"DocumentsCollection", func() error {
					f := public
					f.Collection = "c1"
					_, _, err := s.Documents(ctx, f)
					return err
				}},
				{"DocumentsAfter", func() error {
					f := public
					f.After = "doc-005001"
					_, _, err := s.Documents(ctx, f)
					return err
				}},
				{"DocumentsAdded", func() error {
					f := public
					f.Order = fonds.ByAdded
					_, _, err := s.Documents(ctx, f)
					return err
				}},
				{"Neighbours", func() error { _, _, err := s.Neighbours(ctx, "doc-005001", public); return err }},
				{"DateCounts", func() error { _, err := s.DateCounts(ctx, fonds.Filter{Published: true}); return err }},
				{"Records", func() error { _, _, err := s.Records(ctx, fonds.RecordFilter{Limit: 100}); return err }},
				{"Entities", func() error {
					_, err := s.Entities(ctx, fonds.EntityFilter{Kind: fonds.EntityPerson, Published: true, Limit: 50})
					return err
				}},
				{"Mentioning", func() error {
					_, err := s.Mentioning(ctx, fonds.EntityPerson, "ivanov", fonds.Filter{Published: true, Limit: 20})
					return err
				}},
			} {
				b.Run(bm.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if err := bm.fn(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
