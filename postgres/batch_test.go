package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"fonds"
	"fonds/fondstest"
)

// TestSaveDocumentsBeside runs batches of the same documents, each in its
// own order, beside saves of one of them at a time: none waits forever for
// another (the locks are taken in one order), none fails, and every
// document ends with one version a write, its history whole.
func TestSaveDocumentsBeside(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	const ids, rounds = 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, 3*rounds)
	var mu sync.Mutex
	writes := make(map[string]int) // how many writes of each id changed it
	count := func(docs []*fonds.Document, res []fonds.PutResult) {
		mu.Lock()
		defer mu.Unlock()
		for i, r := range res {
			if r != fonds.Unchanged {
				writes[docs[i].ID]++
			}
		}
	}
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				var docs []*fonds.Document
				for i := range ids {
					k := i
					if w == 1 {
						k = ids - 1 - i // the other order
					}
					d := fondstest.NewFullDocument(fmt.Sprintf("doc-%d", k), "1977-05-19")
					d.Title = fmt.Sprintf("Batch %d, round %d", w, r)
					docs = append(docs, d)
				}
				res, err := s.SaveDocuments(ctx, docs, make([]fonds.Save, len(docs)))
				if err != nil {
					errs <- fmt.Errorf("SaveDocuments(batch %d, round %d) = %w", w, r, err)
					return
				}
				count(docs, res)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for r := range rounds {
			d := fondstest.NewFullDocument(fmt.Sprintf("doc-%d", r%ids), "1977-05-19")
			d.Title = fmt.Sprintf("Alone, round %d", r)
			res, err := s.SaveDocument(ctx, d, fonds.Save{})
			if err != nil {
				errs <- fmt.Errorf("SaveDocument(%s) = %w", d.ID, err)
				return
			}
			count([]*fonds.Document{d}, []fonds.PutResult{res})
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range ids {
		id := fmt.Sprintf("doc-%d", i)
		vs, err := s.History(ctx, id)
		if err != nil {
			t.Fatalf("History(%s) = %v", id, err)
		}
		if len(vs) != writes[id] {
			t.Errorf("History(%s) has %d versions, want %d, one a write", id, len(vs), writes[id])
		}
		for n, v := range vs {
			if v.N != n+1 {
				t.Errorf("History(%s)[%d] is version %d, want %d", id, n, v.N, n+1)
			}
		}
	}
}

// BenchmarkSaveDocuments measures the saving of new documents of the size
// and shape of a real record, one transaction each and 200 to a
// transaction as an import saves them, per document.
func BenchmarkSaveDocuments(b *testing.B) {
	ctx := context.Background()
	for _, batch := range []int{1, 200} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s, _ := open(b)
			if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
				b.Fatal(err)
			}
			n := 0
			for b.Loop() {
				var docs []*fonds.Document
				for range batch {
					docs = append(docs, fondstest.NewFullDocument(fmt.Sprintf("doc-%07d", n), fmt.Sprintf("%d-%02d-01", 1917+n%75, 1+n%12)))
					n++
				}
				if batch == 1 {
					if _, err := s.SaveDocument(ctx, docs[0], fonds.Save{Author: "ann"}); err != nil {
						b.Fatal(err)
					}
					continue
				}
				if _, err := s.SaveDocuments(ctx, docs, make([]fonds.Save, len(docs))); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/1e6, "ms/doc")
		})
	}
}
