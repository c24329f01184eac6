// Package reindex keeps a search Index in step with the Store it is derived
// from: it finds what the index lacks, holds stale, or holds but should not
// (a document deleted or made a draft), and mends it. Run at start-up and by
// "fonds check", it repairs a crash between a store write and its index write;
// run on an empty index, it rebuilds the index from scratch.
package reindex

import (
	"context"
	"fmt"

	"fonds"
)

// Report says what Sync did.
type Report struct {
	Indexed int // documents put in the index (new or changed)
	Removed int // documents taken out of it
	Total   int // published documents in the store
}

func (r Report) String() string {
	return fmt.Sprintf("%d published documents; %d indexed, %d removed from the index", r.Total, r.Indexed, r.Removed)
}

// batchSize is how many documents go to the index at once: large enough to
// amortize the index's per-batch cost, small enough to keep memory flat.
const batchSize = 500

// Sync makes the index hold exactly the published documents of the store,
// each at its current version. progress, if not nil, is called with the
// number of documents examined so far and the total.
func Sync(ctx context.Context, store fonds.Store, ix fonds.Index, progress func(done, total int)) (Report, error) {
	var rep Report
	stamps, err := ix.Stamps(ctx)
	if err != nil {
		return rep, err
	}
	f := fonds.Filter{Published: true, Limit: batchSize}
	var batch []*fonds.Document
	for {
		docs, total, err := store.Documents(ctx, f)
		if err != nil {
			return rep, err
		}
		rep.Total = total
		for _, d := range docs {
			if h, ok := stamps[d.ID]; !ok || h != d.Hash {
				batch = append(batch, d)
			}
			delete(stamps, d.ID)
		}
		if len(batch) > 0 && (len(batch) >= batchSize || len(docs) < f.Limit) {
			if err := ix.Put(ctx, batch...); err != nil {
				return rep, err
			}
			rep.Indexed += len(batch)
			batch = batch[:0]
		}
		f.Offset += len(docs)
		if progress != nil {
			progress(f.Offset, total)
		}
		if len(docs) < f.Limit {
			break
		}
	}
	// What is left was deleted from the store or is no longer published.
	var gone []string
	for id := range stamps {
		gone = append(gone, id)
	}
	if len(gone) > 0 {
		if err := ix.Delete(ctx, gone...); err != nil {
			return rep, err
		}
	}
	rep.Removed = len(gone)
	return rep, nil
}
