package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"fonds"
	"fonds/fondstest"
)

// BenchmarkSave measures how many new documents of the size and shape of
// a real record (fondstest.NewFullDocument) a store saves a second, as an
// import saves them: one a transaction with SaveDocument, or in batches of
// 200 with SaveDocuments. An operation is one batch (of one, or of 200).
func BenchmarkSave(b *testing.B) {
	for _, size := range []int{1, 200} {
		name := "one by one"
		if size > 1 {
			name = fmt.Sprintf("batches of %d", size)
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(filepath.Join(b.TempDir(), "fonds.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
				b.Fatal(err)
			}
			sv := fonds.Save{Author: "import", Address: "cli", Message: "import of a file"}
			saves := make([]fonds.Save, size)
			for i := range saves {
				saves[i] = sv
			}
			n := 0
			for b.Loop() {
				docs := make([]*fonds.Document, size)
				for i := range docs {
					date := fmt.Sprintf("%d-%02d-%02d", 1917+n%75, 1+n/75%12, 1+n/900%28)
					docs[i] = fondstest.NewFullDocument(fmt.Sprintf("doc-%07d", n), date)
					n++
				}
				if size == 1 {
					_, err = s.SaveDocument(ctx, docs[0], sv)
				} else {
					_, err = s.SaveDocuments(ctx, docs, saves)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
