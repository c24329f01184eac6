package reindex

import (
	"context"
	"errors"
	"log/slog"
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
// to (an import while the server runs, an edit through another server): it
// reads the store's change feed every Interval and indexes what changed.
//
// Start it with the store's LastChange read before a Sync, so that what
// Sync saw and what the feed says after it leave nothing out.
type Follower struct {
	Store    ChangeSource
	Index    fonds.Index
	Interval time.Duration // how often to look; a second when zero
	Logger   *slog.Logger
	// Indexed, if not nil, is called after each round that changed the
	// index, with the number of documents put and removed.
	Indexed func(put, removed int)

	seen int64
}

// followBatch bounds the changes read, and so the documents held, at once.
const followBatch = 500

// NewFollower returns a Follower that starts after the change seq.
func NewFollower(store ChangeSource, ix fonds.Index, seq int64) *Follower {
	return &Follower{Store: store, Index: ix, seen: seq}
}

// Seen returns the seq of the last change the follower has indexed.
func (f *Follower) Seen() int64 { return f.seen }

// Run follows the store until ctx is done. A failed round is logged and
// tried again at the next tick: the feed keeps what was not yet indexed.
func (f *Follower) Run(ctx context.Context) {
	interval := f.Interval
	if interval <= 0 {
		interval = time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := f.Step(ctx); err != nil && ctx.Err() == nil && f.Logger != nil {
			f.Logger.Warn("following the store", "err", err)
		}
	}
}

// Step indexes every change recorded since the last step.
func (f *Follower) Step(ctx context.Context) error {
	for {
		changes, err := f.Store.Changes(ctx, f.seen, followBatch)
		if err != nil || len(changes) == 0 {
			return err
		}
		var put []*fonds.Document
		var gone []string
		for _, c := range changes {
			d, err := f.Store.Document(ctx, c.ID)
			switch {
			case errors.Is(err, fonds.ErrNotFound):
				gone = append(gone, c.ID)
			case err != nil:
				return err
			case d.Public():
				put = append(put, d)
			default:
				gone = append(gone, c.ID)
			}
		}
		if len(put) > 0 {
			if err := f.Index.Put(ctx, put...); err != nil {
				return err
			}
		}
		if len(gone) > 0 {
			if err := f.Index.Delete(ctx, gone...); err != nil {
				return err
			}
		}
		f.seen = changes[len(changes)-1].Seq
		if f.Indexed != nil {
			f.Indexed(len(put), len(gone))
		}
		if len(changes) < followBatch {
			return nil
		}
	}
}
