package postgres

import (
	"context"
	"errors"
	"fmt"

	"fonds"
	"fonds/internal/stored"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// derive derives again, from every stored document, what link keeps, when
// the rules it was derived by are not entity.Version's (see
// stored.Derive). Each document of a batch is linked under the lock of its
// id: a document saved meanwhile is linked by its save, and two servers
// deriving at once find each other's work done.
func derive(ctx context.Context, db *pgxpool.Pool) error {
	return stored.Derive(ctx, deriver{db})
}

// deriver is a stored.Deriver of a PostgreSQL database.
type deriver struct {
	db *pgxpool.Pool
}

func (d deriver) Setting(ctx context.Context, name string) (string, error) {
	var v []byte
	err := d.db.QueryRow(ctx, `SELECT value FROM settings WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return string(v), err
}

func (d deriver) PutSetting(ctx context.Context, name, value string) error {
	_, err := d.db.Exec(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, []byte(value))
	return err
}

func (d deriver) DeleteSetting(ctx context.Context, name string) error {
	_, err := d.db.Exec(ctx, `DELETE FROM settings WHERE name = $1`, name)
	return err
}

func (d deriver) Documents(ctx context.Context, after string) (int, string, error) {
	return deriveDocuments(ctx, d.db, after)
}

func (d deriver) Entities(ctx context.Context, kind, key *string) (int, error) {
	return renameEntities(ctx, d.db, kind, key)
}

// deriveDocuments links the next batch of documents after the id after,
// in one transaction, and returns how many and the last id.
func deriveDocuments(ctx context.Context, db *pgxpool.Pool, after string) (int, string, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return 0, "", err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT id FROM documents WHERE id > $1 ORDER BY id LIMIT $2`, after, stored.DeriveBatch)
	if err != nil {
		return 0, "", err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(ids) == 0 {
		return 0, "", err
	}
	for _, id := range ids {
		if err := lockID(ctx, tx, id); err != nil {
			return 0, "", err
		}
		var body []byte
		var v visibility
		var state string
		err := tx.QueryRow(ctx, `SELECT body, status = 'published', released, state FROM documents WHERE id = $1`, id).
			Scan(&body, &v.public, &v.released, &state)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // deleted meanwhile
		} else if err != nil {
			return 0, "", err
		}
		d, err := stored.Decode(body)
		if err != nil {
			return 0, "", fmt.Errorf("%s: %w", id, err)
		}
		v.state = fonds.Status(state)
		if err := lockEntities(ctx, tx, id, mentionRefs(d)); err != nil {
			return 0, "", err
		}
		p := newPending(tx)
		err = link(ctx, p, d, v, false)
		if err == nil {
			err = p.send(ctx)
		}
		if err != nil {
			return 0, "", fmt.Errorf("%s: %w", id, err)
		}
	}
	return len(ids), ids[len(ids)-1], tx.Commit(ctx)
}

// renameEntities names the next batch of entities after *kind, *key again
// from their spellings, in one transaction, advancing *kind and *key, and
// returns how many it named.
func renameEntities(ctx context.Context, db *pgxpool.Pool, kind, key *string) (int, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT kind, key, editor_name FROM entities WHERE (kind, key) > ($1, $2) ORDER BY kind, key LIMIT $3`,
		*kind, *key, 10*stored.DeriveBatch)
	if err != nil {
		return 0, err
	}
	type named struct {
		kind, key, editor string
	}
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (named, error) {
		var e named
		err := row.Scan(&e.kind, &e.key, &e.editor)
		return e, err
	})
	if err != nil || len(es) == 0 {
		return 0, err
	}
	refs := make([]ref, len(es))
	for i, e := range es {
		refs[i] = ref{fonds.EntityKind(e.kind), e.key}
	}
	if err := lockEntities(ctx, tx, "", refs); err != nil {
		return 0, err
	}
	var b pgx.Batch
	for _, e := range es {
		r := ref{fonds.EntityKind(e.kind), e.key}
		met, ru, err := metNames(ctx, tx, r)
		if err != nil {
			return 0, err
		}
		queueNames(&b, r, met, ru, e.editor)
	}
	if err := sendBatch(ctx, tx, &b); err != nil {
		return 0, err
	}
	last := es[len(es)-1]
	*kind, *key = last.kind, last.key
	return len(es), tx.Commit(ctx)
}
