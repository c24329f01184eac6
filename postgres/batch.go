package postgres

import (
	"context"
	"fmt"
	"hash/fnv"

	"fonds"
	"fonds/internal/stored"

	"github.com/jackc/pgx/v5"
)

var _ fonds.BatchSaver = (*Store)(nil)

// SaveDocuments saves docs[i] as SaveDocument(ctx, docs[i], saves[i])
// would, in order, in one transaction: an import pays for one commit, and
// one wait for the locks, a batch instead of a document.
//
// The transaction takes every lock its saves will take before the first
// of them: the locks of the documents' ids in the order of their keys,
// then those of every entity they mention now or mentioned before, then
// the feed's order; the saves then take none of their own. Taken one save
// at a time instead, the lock of a later id would be asked for under the
// feed's lock, which a concurrent save of that id waits for while holding
// it.
func (s *Store) SaveDocuments(ctx context.Context, docs []*fonds.Document, saves []fonds.Save) ([]fonds.PutResult, error) {
	if len(saves) != len(docs) {
		return nil, fmt.Errorf("postgres: save documents: %w: %d saves for %d documents", fonds.ErrInvalid, len(saves), len(docs))
	}
	for i, d := range docs {
		if err := stored.CheckDocument(d); err != nil {
			return nil, fmt.Errorf("postgres: put document: %w", err)
		}
		if v := saves[i].Version; v < -1 {
			return nil, fmt.Errorf("postgres: put document %s: %w: version %d", d.ID, fonds.ErrInvalid, v)
		}
	}
	results := make([]fonds.PutResult, len(docs))
	if len(docs) == 0 {
		return results, nil
	}
	cs := make([]*fonds.Document, len(docs))
	var failed string // the id of the document a failure is about
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		failed = ""
		if err := lockBatch(ctx, tx, docs); err != nil {
			return err
		}
		for i, d := range docs {
			var err error
			if results[i], cs[i], err = put(ctx, tx, d, saves[i]); err != nil {
				failed = d.ID
				return err
			}
		}
		return nil
	})
	if err != nil {
		if failed != "" {
			return nil, fmt.Errorf("postgres: put document %s: %w", failed, translate(err))
		}
		return nil, fmt.Errorf("postgres: save documents: %w", translate(err))
	}
	// The documents change only once the transaction has committed.
	for i, d := range docs {
		c := cs[i]
		d.Hash, d.Created, d.Updated, d.Version = c.Hash, c.Created, c.Updated, c.Version
	}
	return results, nil
}

// lockBatch takes, until the end of tx, every lock the saves of docs take
// (see put), in the order every writer takes them: the documents' ids,
// the entities, the feed's order. The ids' locks are taken in the order
// of their keys, so that two batches of the same documents queue rather
// than each wait for the other.
func lockBatch(ctx context.Context, tx pgx.Tx, docs []*fonds.Document) error {
	ids := make([]string, 0, len(docs))
	var refs []ref
	for _, d := range docs {
		ids = append(ids, d.ID)
		refs = append(refs, mentionRefs(d)...)
	}
	if err := lockIDs(ctx, tx, ids, refs); err != nil {
		return err
	}
	return lockFeedOrder(ctx, tx)
}

// idLockKey returns the second key of the lock of the writes of the
// document id, as lockID computes it.
func idLockKey(id string) int32 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int32(h.Sum32())
}
