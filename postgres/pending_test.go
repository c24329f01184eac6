package postgres

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"fonds"
	"fonds/fondstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// roundTrips counts the round trips of a store's connections: a query
// alone is one, and so is a batch of them.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	r.n.Add(1)
	return ctx
}

func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.n.Add(1)
	return ctx
}

func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TestSaveRoundTrips counts the round trips of saves of documents of the
// size and shape of a real record, which mention persons and places and
// cite others: a save alone costs a few beside its transaction's, and a
// save in a batch fewer, its locks taken once for the batch. Sent a
// statement at a time, a save took over twenty.
func TestSaveRoundTrips(t *testing.T) {
	ctx := context.Background()
	rt := &roundTrips{}
	s, err := Open(ctx, testDatabase(t), func(c *pgxpool.Config) { c.ConnConfig.Tracer = rt })
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	doc := func(i int) *fonds.Document {
		d := fondstest.NewFullDocument(fmt.Sprintf("doc-%03d", i), "1977-05-19")
		d.Collection = fondstest.Collection
		return d
	}
	if n := len(mentionRefs(doc(0))); n < 2 {
		t.Fatalf("the document mentions %d entities; the test wants several", n)
	}

	// One save: begin, the locks (id, stored mentions, entities, feed),
	// the reads, the names, the writes, commit.
	rt.n.Store(0)
	if _, err := s.PutDocument(ctx, doc(0)); err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n > 10 {
		t.Errorf("a save took %d round trips, want at most 10", n)
	}
	t.Logf("a save took %d round trips", rt.n.Load())
	// The same again, changed: its stored mentions are read too.
	d := doc(0)
	d.Title += " (revised)"
	rt.n.Store(0)
	if _, err := s.PutDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n > 11 {
		t.Errorf("a save of a change took %d round trips, want at most 11", n)
	}
	t.Logf("a save of a change took %d round trips", rt.n.Load())

	// A batch: the locks once, then a few round trips a document.
	const size = 20
	docs := make([]*fonds.Document, size)
	for i := range docs {
		docs[i] = doc(i + 1)
	}
	rt.n.Store(0)
	if _, err := s.SaveDocuments(ctx, docs, make([]fonds.Save, size)); err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n > 3*size+8 {
		t.Errorf("a batch of %d saves took %d round trips, want at most %d", size, n, 3*size+8)
	}
	t.Logf("a batch of %d saves took %d round trips", size, rt.n.Load())
}
