// Package reindex keeps a search Index in step with the Store it is derived
// from: it finds what the index lacks, holds stale, or holds but should not
// (a document deleted, taken back to draft or withdrawn), and mends it. Run at start-up and by
// "fonds check", it repairs a crash between a store write and its index write;
// run on an empty index, it rebuilds the index from scratch.
package reindex

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"fonds"
)

// Report says what Sync did.
type Report struct {
	Indexed int // documents put in the index (new or changed)
	Removed int // documents taken out of it
	Total   int // released documents in the store (restricted ones too)
}

func (r Report) String() string {
	return fmt.Sprintf("%d published documents; %d indexed, %d removed from the index", r.Total, r.Indexed, r.Removed)
}

// Released is the filter of the documents an index holds: those the
// store's last Release made public, restricted ones included.
var Released = fonds.Filter{Published: true, Restricted: true}

// batchSize is how many documents go to the index at once: large enough to
// amortize the index's per-batch cost, small enough to keep memory flat.
const batchSize = 500

// Source is what Sync reads of the store: the stamps of the released
// documents, and each one to index.
type Source interface {
	Stamps(ctx context.Context, f fonds.Filter) (map[string]fonds.Stamp, error)
	Document(ctx context.Context, id string) (*fonds.Document, error)
}

// Sync makes the index hold exactly the released documents of the store
// (restricted ones too, which the index marks), each at its current version. It compares the stamps (id and content hash)
// of both, so that it reads from the store only the documents to index.
// progress, if not nil, is called with the number of documents indexed so
// far and the number to index.
func Sync(ctx context.Context, store Source, ix fonds.Index, progress func(done, total int)) (Report, error) {
	var rep Report
	want, err := store.Stamps(ctx, Released)
	if err != nil {
		return rep, err
	}
	have, err := ix.Stamps(ctx)
	if err != nil {
		return rep, err
	}
	rep.Total = len(want)
	var todo, gone []string
	for id, stamp := range want {
		if have[id] != stamp.Hash {
			todo = append(todo, id)
		}
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			gone = append(gone, id)
		}
	}
	slices.Sort(todo)
	var batch []*fonds.Document
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := ix.Put(ctx, batch...); err != nil {
			return err
		}
		rep.Indexed += len(batch)
		batch = batch[:0]
		if progress != nil {
			progress(rep.Indexed, len(todo))
		}
		return nil
	}
	for _, id := range todo {
		d, err := store.Document(ctx, id)
		if errors.Is(err, fonds.ErrNotFound) {
			continue // deleted since the stamps were read
		}
		if err != nil {
			return rep, err
		}
		if !d.Released(time.Now()) {
			gone = append(gone, id)
			continue
		}
		batch = append(batch, d)
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	if len(gone) > 0 {
		if err := ix.Delete(ctx, gone...); err != nil {
			return rep, err
		}
	}
	rep.Removed = len(gone)
	return rep, nil
}
