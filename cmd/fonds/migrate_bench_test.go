package main

import (
	"context"
	"flag"
	"io"
	"path/filepath"
	"testing"
	"time"

	"fonds"
	"fonds/internal/pgtest"
	"fonds/synth"
)

var migrateN = flag.Int("migrate-n", 2000, "documents of the archive BenchmarkMigrate moves")

// BenchmarkMigrate moves a synthetic archive of -migrate-n documents, each
// saved twice (two versions), from a data folder to PostgreSQL and back,
// and reports the seconds of each move, without the index, which fonds
// reindex's figures measure. Run it with -benchtime=1x.
func BenchmarkMigrate(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		from := filepath.Join(b.TempDir(), "from")
		src, err := openEnd(ctx, "--from", from)
		if err != nil {
			b.Fatal(err)
		}
		fillSynthetic(b, src.store, *migrateN)
		pg, err := openEnd(ctx, "--to", pgtest.Database(b))
		if err != nil {
			b.Fatal(err)
		}
		back, err := openEnd(ctx, "--to", filepath.Join(b.TempDir(), "back"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		st, err := migrate(ctx, src, pg, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		there := time.Since(start)
		start = time.Now()
		if _, err := migrate(ctx, pg, back, io.Discard); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(there.Seconds(), "s-to-postgres")
		b.ReportMetric(time.Since(start).Seconds(), "s-to-folder")
		b.ReportMetric(float64(st.items[fonds.ItemVersion]), "versions")
		src.close()
		pg.close()
		back.close()
	}
}

// fillSynthetic saves n synthetic documents in s, each twice.
func fillSynthetic(b *testing.B, s fonds.Store, n int) {
	ctx := context.Background()
	g := synth.New(1)
	bs, ok := s.(fonds.BatchSaver)
	if !ok {
		b.Fatalf("%T saves no batches", s)
	}
	for round := 0; round < 2; round++ {
		for i := 0; i < n; i += 500 {
			var docs []*fonds.Document
			var saves []fonds.Save
			for j := i; j < min(n, i+500); j++ {
				d := g.Document(j)
				if round == 1 {
					d.Summary += " (revised)"
				}
				if j == 0 && round == 0 {
					if err := s.PutCollection(ctx, fonds.Collection{Slug: d.Collection, Title: d.Collection}); err != nil {
						b.Fatal(err)
					}
				}
				docs = append(docs, d)
				saves = append(saves, fonds.Save{Author: "bench", Message: "round"})
			}
			if _, err := bs.SaveDocuments(ctx, docs, saves); err != nil {
				b.Fatal(err)
			}
		}
	}
}
