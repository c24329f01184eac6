package reindex

import (
	"context"
	"errors"
	"time"

	"fonds"
)

// ChangeSource is what a Follower reads of the store: the feed of changes,
// and the documents they name.
type ChangeSource interface {
	Changes(ctx context.Context, after int64, limit int) ([]fonds.Change, error)
	LastChange(ctx context.Context) (int64, error)
	Document(ctx context.Context, id string) (*fonds.Document, error)
}

// Follower keeps an index in step with a store that other processes write
// to (an import while the server runs, an edit through another server): each
// Step reads the store's change feed and indexes what changed since the last.
// An embargo that ends is a change too (the store's Release records it), so
// the document is indexed when it is released.
//
// Start it with the store's LastChange read before a Sync, so that what
// Sync saw and what the feed says after it leave nothing out.
type Follower struct {
	store ChangeSource
	index fonds.Index
	seen  int64
}

// followBatch bounds the changes read, and so the documents held, at once.
const followBatch = 500

// NewFollower returns a Follower that starts after the change seq.
func NewFollower(store ChangeSource, ix fonds.Index, seq int64) *Follower {
	return &Follower{store: store, index: ix, seen: seq}
}

// Seen returns the seq of the last change the follower has indexed.
func (f *Follower) Seen() int64 { return f.seen }

// Step indexes every change recorded since the last step.
func (f *Follower) Step(ctx context.Context) error {
	for {
		changes, err := f.store.Changes(ctx, f.seen, followBatch)
		if err != nil || len(changes) == 0 {
			return err
		}
		var put []*fonds.Document
		var gone []string
		for _, c := range changes {
			d, err := f.store.Document(ctx, c.ID)
			switch {
			case errors.Is(err, fonds.ErrNotFound):
				gone = append(gone, c.ID)
			case err != nil:
				return err
			case d.Released(time.Now()):
				put = append(put, d)
			default:
				gone = append(gone, c.ID)
			}
		}
		if len(put) > 0 {
			if err := f.index.Put(ctx, put...); err != nil {
				return err
			}
		}
		if len(gone) > 0 {
			if err := f.index.Delete(ctx, gone...); err != nil {
				return err
			}
		}
		f.seen = changes[len(changes)-1].Seq
		if len(changes) < followBatch {
			return nil
		}
	}
}
