package postgres_test

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"fonds"
	"fonds/fondstest"
	"fonds/postgres"
)

// TestConcurrentEntities saves, through two stores at once, documents that
// all mention the same people in different orders: none may fail (each
// save touches the rows of every one of them), and the counts must add up.
func TestConcurrentEntities(t *testing.T) {
	ctx := context.Background()
	s1, url := open(t)
	s2, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s1.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	people := []string{"Andrei Sakharov", "Yuri Andropov", "Leonid Brezhnev", "Mikhail Suslov", "Elena Bonner",
		"Alexander Solzhenitsyn", "Andrei Gromyko", "Dmitri Ustinov", "Konstantin Chernenko", "Nikolai Podgorny"}
	const writers, each = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := s1
			if g%2 == 1 {
				s = s2
			}
			rnd := rand.New(rand.NewSource(int64(g)))
			for i := range each {
				d := fondstest.NewDocument(fmt.Sprintf("d%d-%d", g, i), "1977-05-19")
				var spans []fonds.Span
				for _, j := range rnd.Perm(len(people)) {
					spans = append(spans, fonds.Span{Kind: fonds.SpanPerson, Text: people[j]}, fonds.Span{Text: " and "})
				}
				d.Witnesses = []fonds.Witness{{Text: []fonds.Block{{Kind: fonds.BlockParagraph, Spans: spans}}}}
				if i%2 == 0 {
					d.Status = fonds.StatusPublished
				}
				if _, err := s.SaveDocument(ctx, d, fonds.Save{}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if failed++; failed <= 3 {
			t.Error(err)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d saves failed", failed, writers*each)
	}
	es, err := s1.Entities(ctx, fonds.EntityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != len(people) {
		t.Fatalf("%d entities, want %d", len(es), len(people))
	}
	for _, e := range es {
		if e.Documents != writers*each {
			t.Errorf("%s: %d documents, want %d", e.Key, e.Documents, writers*each)
		}
	}
}
