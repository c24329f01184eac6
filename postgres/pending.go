package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// pending is a transaction and the writes queued on it whose answers are
// not read. They go to the server together, in one round trip, when a
// read needs them done first (send, then the read) or when the writer is
// done (send): a save of a document, which was a round trip a statement,
// some twenty, is a few. The statements run in the order they were
// queued, so a lock queued before a write is still taken before it.
type pending struct {
	tx pgx.Tx
	b  pgx.Batch
}

func newPending(tx pgx.Tx) *pending { return &pending{tx: tx} }

// queue adds a statement to those sent next. The answer of a statement
// that returns one is read through the QueuedQuery's QueryRow, when it is
// sent.
func (p *pending) queue(sql string, args ...any) *pgx.QueuedQuery {
	return p.b.Queue(sql, args...)
}

// send runs the queued statements, if any, in one round trip, and reports
// the first that failed.
func (p *pending) send(ctx context.Context) error {
	b := p.b
	p.b = pgx.Batch{}
	return sendBatch(ctx, p.tx, &b)
}
