package web

import (
	"context"
	"log/slog"
	"testing"

	"fonds"
	"fonds/bleve"
)

// newSearchFixture is the fixture with a real bleve index in a temporary
// folder, filled as the archive fills it: with the published documents of
// the store, and nothing else.
func newSearchFixture(t testing.TB) *fixture {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	ix, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	list, _, err := f.store.Documents(ctx, fonds.Filter{Published: true})
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]*fonds.Document, 0, len(list))
	for _, d := range list {
		full, err := f.store.Document(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, full)
	}
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	f.index = ix
	logger := slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.server, err = New(Config{Store: f.store, Index: ix, Logger: logger, BaseURL: testBaseURL})
	if err != nil {
		t.Fatal(err)
	}
	return f
}
