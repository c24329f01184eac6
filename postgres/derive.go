package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fonds"
	"fonds/entity"
	"fonds/internal/stored"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The settings that say which rules derived what the store keeps of the
// documents' links: the version of package entity whose rules derived it
// all, and how far a derivation under way has gone ("version id").
const (
	settingEntityVersion  = "entity.version"
	settingEntityProgress = "entity.progress"
)

// deriveBatch is how many documents a derivation reads in one transaction.
const deriveBatch = 100

// derive derives again, from every stored document, what link keeps, when
// the rules it was derived by are not entity.Version's: in an archive
// written by an older program. It reads the documents in order of id, a
// batch in each transaction, each under the lock of its id, so that it
// holds neither the archive in memory nor a lock for long, and notes how
// far it went, so that a derivation interrupted goes on where it stopped.
// A document saved meanwhile is linked by its save; two servers deriving
// at once find each other's work done. At the end it names every entity
// again.
func derive(ctx context.Context, db *pgxpool.Pool) error {
	want := strconv.Itoa(entity.Version)
	have, err := setting(ctx, db, settingEntityVersion)
	if err != nil || have == want {
		return err
	}
	progress, err := setting(ctx, db, settingEntityProgress)
	if err != nil {
		return err
	}
	after := ""
	if v, id, ok := strings.Cut(progress, " "); ok && v == want {
		after = id
	}
	for {
		n, last, err := deriveDocuments(ctx, db, after)
		if err != nil {
			return fmt.Errorf("derive the links of the documents after %q: %w", after, err)
		}
		if n == 0 {
			break
		}
		after = last
		if err := putSetting(ctx, db, settingEntityProgress, want+" "+after); err != nil {
			return err
		}
	}
	var kind, key string
	for {
		n, err := renameEntities(ctx, db, &kind, &key)
		if err != nil {
			return fmt.Errorf("name the entities after %s/%s: %w", kind, key, err)
		}
		if n == 0 {
			break
		}
	}
	if err := putSetting(ctx, db, settingEntityVersion, want); err != nil {
		return err
	}
	_, err = db.Exec(ctx, `DELETE FROM settings WHERE name = $1`, settingEntityProgress)
	return err
}

// setting returns the value of the named setting, "" when it is not set.
func setting(ctx context.Context, db *pgxpool.Pool, name string) (string, error) {
	var v []byte
	err := db.QueryRow(ctx, `SELECT value FROM settings WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return string(v), err
}

func putSetting(ctx context.Context, db *pgxpool.Pool, name, value string) error {
	_, err := db.Exec(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, []byte(value))
	return err
}

// deriveDocuments links the next batch of documents after the id after,
// in one transaction, and returns how many and the last id.
func deriveDocuments(ctx context.Context, db *pgxpool.Pool, after string) (int, string, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return 0, "", err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT id FROM documents WHERE id > $1 ORDER BY id LIMIT $2`, after, deriveBatch)
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
		if err := link(ctx, tx, d, v, false); err != nil {
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
		*kind, *key, 10*deriveBatch)
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
