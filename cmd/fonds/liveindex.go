package main

import (
	"context"
	"sync"

	"fonds"
)

// liveIndex is the search index a running server holds: an index that can be
// replaced by a rebuilt one while requests read it, so that "fonds reindex"
// works without stopping the server. It is the bleve index in the data
// folder, or the index in the PostgreSQL database of the store.
type liveIndex struct {
	mu sync.RWMutex
	ix fonds.Index
}

var _ fonds.Index = (*liveIndex)(nil)

func (l *liveIndex) current() fonds.Index {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ix
}

// swap puts ix in the place of the index, and returns the one it replaces.
func (l *liveIndex) swap(ix fonds.Index) fonds.Index {
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.ix
	l.ix = ix
	return old
}

func (l *liveIndex) Put(ctx context.Context, docs ...*fonds.Document) error {
	return l.current().Put(ctx, docs...)
}

func (l *liveIndex) Delete(ctx context.Context, ids ...string) error {
	return l.current().Delete(ctx, ids...)
}

func (l *liveIndex) Search(ctx context.Context, req fonds.SearchRequest) (*fonds.SearchResults, error) {
	return l.current().Search(ctx, req)
}

func (l *liveIndex) Stamps(ctx context.Context) (map[string]string, error) {
	return l.current().Stamps(ctx)
}

func (l *liveIndex) Close() error { return l.current().Close() }
