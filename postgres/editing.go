package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"fonds"
	"fonds/internal/stored"

	"github.com/jackc/pgx/v5"
)

// Revisions returns the earlier versions of the document, oldest first. A
// document that has none has an empty list; an id that names neither a
// document nor a revision is not found.
func (s *Store) Revisions(ctx context.Context, id string) ([]fonds.Revision, error) {
	revs := []fonds.Revision{}
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT n, hash, created, body FROM revisions WHERE document_id = $1 ORDER BY n`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := fonds.Revision{DocumentID: id}
			var body []byte
			if err := rows.Scan(&r.N, &r.Hash, &r.Created, &body); err != nil {
				return err
			}
			r.Created = r.Created.UTC()
			if r.Document, err = stored.Decode(body); err != nil {
				return fmt.Errorf("revision %d: %w", r.N, err)
			}
			revs = append(revs, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(revs) == 0 {
			var found bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM documents WHERE id = $1)`, id).Scan(&found); err != nil {
				return err
			}
			if !found {
				return fonds.ErrNotFound
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: revisions of %s: %w", id, translate(err))
	}
	return revs, nil
}

// History lists every version of the document, oldest first, the stored
// one last and marked Current; the last version of a deleted document is
// marked Deleted. It reads the versions' descriptions, never their bodies.
func (s *Store) History(ctx context.Context, id string) ([]fonds.Version, error) {
	vs := []fonds.Version{}
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT n, hash, saved, author, message, status, deleted FROM versions
			WHERE document_id = $1 ORDER BY n`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v fonds.Version
			var status string
			if err := rows.Scan(&v.N, &v.Hash, &v.Saved, &v.Author, &v.Message, &status, &v.Deleted); err != nil {
				return err
			}
			v.Saved, v.Status = v.Saved.UTC(), fonds.Status(status)
			vs = append(vs, v)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(vs) == 0 {
			return fonds.ErrNotFound
		}
		var current bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM documents WHERE id = $1)`, id).Scan(&current); err != nil {
			return err
		}
		vs[len(vs)-1].Current = current
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: history of %s: %w", id, translate(err))
	}
	return vs, nil
}

// Revision returns version n of the document: a revision, or the stored
// document when n is its version.
func (s *Store) Revision(ctx context.Context, id string, n int) (*fonds.Document, error) {
	var body []byte
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT body FROM revisions WHERE document_id = $1 AND n = $2`, id, n).Scan(&body)
		if errors.Is(err, pgx.ErrNoRows) {
			// The stored document is the version after its revisions.
			err = tx.QueryRow(ctx, `SELECT body FROM documents
				WHERE id = $1 AND (SELECT coalesce(max(n), 0) + 1 FROM revisions WHERE document_id = $1) = $2`, id, n).Scan(&body)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: revision %d of %s: %w", n, id, translate(err))
	}
	d, err := stored.Decode(body)
	if err != nil {
		return nil, fmt.Errorf("postgres: revision %d of %s: %w", n, id, err)
	}
	d.Version = n
	return d, nil
}

// Release makes public the published documents whose embargo ended by now,
// as though they were published then: each is marked released (and, when
// it is not restricted, public), its update time becomes the end of its
// embargo, which a harvest gives as its datestamp, any record of its
// deletion goes, and the change feed lists it. Each is released under the
// lock of its id, and only if it is still due then: of several servers
// releasing at once, one releases each document.
func (s *Store) Release(ctx context.Context, t time.Time) (int, error) {
	n, err := s.release(ctx, t)
	if err != nil {
		return 0, fmt.Errorf("postgres: release: %w", translate(err))
	}
	return n, nil
}

// releaseQuery selects the documents under an embargo ended by $1, through
// the partial index of embargoed documents.
const releaseQuery = ` FROM documents WHERE state = 'published' AND NOT released AND embargo_at <= $1`

func (s *Store) release(ctx context.Context, t time.Time) (int, error) {
	rows, err := s.db.Query(ctx, `SELECT id`+releaseQuery+` ORDER BY embargo_at, id`, t)
	if err != nil {
		return 0, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	released := 0
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var done []string
		var entries []*fonds.AuditEntry
		cs := make(counts)
		// A release changes who may see the documents' mentions, and so
		// the rows of the entities they mention: every lock is taken
		// first, in the order every writer takes them.
		if err := lockIDs(ctx, tx, ids, nil); err != nil {
			return err
		}
		for _, id := range ids {
			e, err := releaseOne(ctx, tx, id, t, cs)
			if err != nil {
				return fmt.Errorf("%s: %w", id, err)
			}
			if e != nil {
				done, entries = append(done, id), append(entries, e)
			}
		}
		released = len(done)
		if len(done) == 0 {
			return nil
		}
		p := newPending(tx)
		written(p, done, cs, entries...)
		return p.send(ctx)
	})
	if err != nil {
		return 0, err
	}
	return released, nil
}

// releaseOne releases the document id at t if it is still due, and returns
// the audit entry of its release, or nil when another released it first.
// Its body is written again with its update time the end of its embargo,
// so that the document, its brief and the column harvests read agree.
func releaseOne(ctx context.Context, tx pgx.Tx, id string, t time.Time, cs counts) (*fonds.AuditEntry, error) {
	var body []byte
	var restricted bool
	var at time.Time
	var collection, status string
	var year, month int
	err := tx.QueryRow(ctx, `SELECT body, restricted, embargo_at, collection, status, year, month`+releaseQuery+` AND id = $2`, t, id).
		Scan(&body, &restricted, &at, &collection, &status, &year, &month)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	c, err := stored.Decode(body)
	if err != nil {
		return nil, err
	}
	at = at.UTC()
	c.Updated = at
	if body, err = stored.Encode(c); err != nil {
		return nil, err
	}
	brief, err := json.Marshal(c.Brief())
	if err != nil {
		return nil, err
	}
	cs.add(collection, year, month, accessOf(status, false), -1)
	newStatus := fonds.StatusPublished
	if restricted {
		newStatus = fonds.StatusDraft
	}
	cs.add(collection, year, month, accessOf(string(newStatus), true), 1)
	if _, err := tx.Exec(ctx, `UPDATE documents SET body = $1, sha256 = $2, brief = $3, updated = $4, released = true, status = $5
		WHERE id = $6`, body, stored.Sum(body), brief, at, string(newStatus), id); err != nil {
		return nil, err
	}
	if newStatus == fonds.StatusPublished {
		if _, err := tx.Exec(ctx, `DELETE FROM deletions WHERE id = $1`, id); err != nil {
			return nil, err
		}
	}
	return &fonds.AuditEntry{Time: t, Action: "release", Target: id, Detail: "embargo ended " + at.Format("2006-01-02T15:04:05.000000000Z07:00")}, nil
}

// Audit adds the entry to the audit log, setting its Seq, and its Time when
// it is zero. Texts longer than the log keeps are cut.
func (s *Store) Audit(ctx context.Context, e *fonds.AuditEntry) error {
	if e == nil || e.Action == "" {
		return fmt.Errorf("postgres: audit: %w: an entry without an action", fonds.ErrInvalid)
	}
	c := *e
	if c.Time.IsZero() {
		c.Time = now()
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		p := newPending(tx)
		written(p, nil, nil, &c)
		return p.send(ctx)
	})
	if err != nil {
		return fmt.Errorf("postgres: audit: %w", translate(err))
	}
	*e = c
	return nil
}

// audit queues the writing of e on p. It sets e's Time in UTC to the
// microsecond and its texts as kept, and its Seq when p is sent.
func audit(p *pending, e *fonds.AuditEntry) {
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	e.User, e.Address = stored.Bound(e.User, stored.MaxName), stored.Bound(e.Address, stored.MaxName)
	e.Action, e.Target, e.Detail = stored.Bound(e.Action, stored.MaxName), stored.Bound(e.Target, stored.MaxTarget), stored.Bound(e.Detail, stored.MaxDetail)
	e.User, e.Address, e.Action, e.Target, e.Detail = text(e.User), text(e.Address), text(e.Action), text(e.Target), text(e.Detail)
	p.queue(`INSERT INTO audit (time, user_name, address, action, target, detail)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
		e.Time, e.User, e.Address, e.Action, e.Target, e.Detail).QueryRow(func(row pgx.Row) error { return row.Scan(&e.Seq) })
}

// AuditEntries returns the entries of the audit log after the Seq after,
// oldest first, at most limit.
func (s *Store) AuditEntries(ctx context.Context, after int64, limit int) ([]fonds.AuditEntry, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("postgres: audit entries: %w: limit %d is not positive", fonds.ErrInvalid, limit)
	}
	rows, err := s.db.Query(ctx, `SELECT seq, time, user_name, address, action, target, detail FROM audit
		WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: audit entries: %w", translate(err))
	}
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (fonds.AuditEntry, error) {
		var e fonds.AuditEntry
		err := row.Scan(&e.Seq, &e.Time, &e.User, &e.Address, &e.Action, &e.Target, &e.Detail)
		e.Time = e.Time.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: audit entries: %w", translate(err))
	}
	if es == nil {
		es = []fonds.AuditEntry{}
	}
	return es, nil
}

// Changes returns the changes with Seq greater than after, oldest first, at
// most limit.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]fonds.Change, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("postgres: changes: %w: limit %d is not positive", fonds.ErrInvalid, limit)
	}
	rows, err := s.db.Query(ctx, `SELECT seq, document_id FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: changes: %w", translate(err))
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (fonds.Change, error) {
		var c fonds.Change
		err := row.Scan(&c.Seq, &c.ID)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: changes: %w", translate(err))
	}
	if cs == nil {
		cs = []fonds.Change{}
	}
	return cs, nil
}

// LastChange returns the Seq of the latest change, 0 when there is none.
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.db.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("postgres: last change: %w", translate(err))
	}
	return seq, nil
}

// Setting returns the value of the named setting, or fonds.ErrNotFound.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var v []byte
	if err := s.db.QueryRow(ctx, `SELECT value FROM settings WHERE name = $1`, name).Scan(&v); err != nil {
		return "", fmt.Errorf("postgres: setting %q: %w", name, translate(err))
	}
	return string(v), nil
}

// PutSetting sets the named setting to value.
func (s *Store) PutSetting(ctx context.Context, name, value string) error {
	if err := stored.CheckID("setting name", name); err != nil {
		return fmt.Errorf("postgres: put setting: %w", err)
	}
	_, err := s.db.Exec(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, []byte(value))
	if err != nil {
		return fmt.Errorf("postgres: put setting %q: %w", name, translate(err))
	}
	return nil
}

// Verify recomputes the SHA-256 of every stored version of every document,
// the current ones and the revisions, and calls problem for each that does
// not match the one recorded when it was written, naming the document and
// the revision. It returns how many versions it checked. It reads one
// snapshot, one version at a time, while others go on reading and writing.
func (s *Store) Verify(ctx context.Context, problem func(string)) (int, error) {
	checked := 0
	// check compares the versions the query selects, as (id, n, body,
	// sha256) with n 0 for the current version, with their sums.
	check := func(tx pgx.Tx, query string) error {
		rows, err := tx.Query(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, recorded string
			var n int
			var body []byte
			if err := rows.Scan(&id, &n, &body, &recorded); err != nil {
				return err
			}
			checked++
			if p := stored.CheckSum(id, n, body, recorded); p != "" {
				problem(p)
			}
		}
		return rows.Err()
	}
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		if err := check(tx, `SELECT id, 0, body, sha256 FROM documents ORDER BY id`); err != nil {
			return err
		}
		return check(tx, `SELECT document_id, n, body, sha256 FROM revisions ORDER BY document_id, n`)
	})
	if err != nil {
		return checked, fmt.Errorf("postgres: verify: %w", translate(err))
	}
	return checked, nil
}
