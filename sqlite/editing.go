package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"fonds"
	"fonds/internal/stored"
)

// History lists every version of the document, oldest first, the stored
// one last and marked Current; the last version of a deleted document is
// marked Deleted. It reads the versions' descriptions, never their bodies.
func (s *Store) History(ctx context.Context, id string) ([]fonds.Version, error) {
	vs, err := s.history(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: history of %s: %w", id, translate(err))
	}
	return vs, nil
}

func (s *Store) history(ctx context.Context, id string) ([]fonds.Version, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT n, hash, saved, author, message, status, deleted FROM versions
		WHERE document_id = ? ORDER BY n`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vs := []fonds.Version{}
	for rows.Next() {
		var v fonds.Version
		var saved string
		if err := rows.Scan(&v.N, &v.Hash, &saved, &v.Author, &v.Message, &v.Status, &v.Deleted); err != nil {
			return nil, err
		}
		if v.Saved, err = parseTime(saved); err != nil {
			return nil, fmt.Errorf("version %d: %w", v.N, err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, fonds.ErrNotFound
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, id).Scan(&current); err != nil {
		return nil, err
	}
	if current > 0 {
		vs[len(vs)-1].Current = true
	}
	return vs, nil
}

// Revision returns version n of the document: a revision, or the stored
// document when n is its version.
func (s *Store) Revision(ctx context.Context, id string, n int) (*fonds.Document, error) {
	d, err := s.revision(ctx, id, n)
	if err != nil {
		return nil, fmt.Errorf("sqlite: revision %d of %s: %w", n, id, translate(err))
	}
	return d, nil
}

func (s *Store) revision(ctx context.Context, id string, n int) (*fonds.Document, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var body []byte
	err = tx.QueryRowContext(ctx, `SELECT `+bodyOf("")+` FROM revisions WHERE document_id = ? AND n = ?`, id, n).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		// The stored document is the version after its revisions.
		err = tx.QueryRowContext(ctx, `SELECT `+bodyOf("")+` FROM documents
			WHERE id = ?1 AND (SELECT coalesce(max(n), 0) + 1 FROM revisions WHERE document_id = ?1) = ?2`, id, n).Scan(&body)
	}
	if err != nil {
		return nil, err
	}
	d, err := decodeBody(body)
	if err != nil {
		return nil, err
	}
	d.Version = n
	return d, nil
}

// Release makes public the published documents whose embargo ended by now,
// as though they were published then: each is marked released (and, when
// it is not restricted, public), its update time becomes the end of its
// embargo, which a harvest gives as its datestamp, any record of its
// deletion goes, and the change feed lists it. It reads only the documents
// it releases, through the index of those under embargo, in one
// transaction: a second call at once, from this process or another, finds
// none left.
func (s *Store) Release(ctx context.Context, now time.Time) (int, error) {
	n, err := s.release(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("sqlite: release: %w", translate(err))
	}
	return n, nil
}

func (s *Store) release(ctx context.Context, t time.Time) (int, error) {
	db, err := s.writer()
	if err != nil {
		return 0, err
	}
	// Most calls find nothing to release: ask a reader first, so that they
	// take no write lock.
	var due int
	if err := s.read.QueryRowContext(ctx, releaseQuery(`count(*)`), formatTime(t)).Scan(&due); err != nil || due == 0 {
		return 0, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, releaseQuery(`id, embargo_at`)+` ORDER BY embargo_at`, formatTime(t))
	if err != nil {
		return 0, err
	}
	type doc struct{ id, at string }
	var docs []doc
	for rows.Next() {
		var d doc
		if err := rows.Scan(&d.id, &d.at); err != nil {
			rows.Close()
			return 0, err
		}
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, d := range docs {
		at, err := parseTime(d.at)
		if err != nil {
			return 0, fmt.Errorf("embargo of %s: %w", d.id, err)
		}
		if err := releaseOne(ctx, tx, d.id, at, t); err != nil {
			return 0, fmt.Errorf("%s: %w", d.id, err)
		}
	}
	return len(docs), tx.Commit()
}

// releaseQuery returns the query of the documents under an embargo that
// ended by its argument, selecting what. Its conditions are those of the
// partial index documents_embargoed, which it names: the planner, without
// statistics, would rather seek the index of statuses, and read every
// published document.
func releaseQuery(what string) string {
	return `SELECT ` + what + ` FROM documents INDEXED BY documents_embargoed
		WHERE state = 'published' AND released = 0 AND embargo_at > '' AND embargo_at <= ?`
}

// releaseOne releases the document id, whose embargo ended at, at t. Its
// body is written again with its update time at, so that the document, its
// brief, and the column harvests read agree; its content hash, which leaves
// out times, is the same, and its checksum is that of the new body.
func releaseOne(ctx context.Context, tx *sql.Tx, id string, at, t time.Time) error {
	var body []byte
	var restricted bool
	var collection, cats string
	if err := tx.QueryRowContext(ctx, `SELECT `+bodyOf("")+`, restricted, collection, categories FROM documents WHERE id = ?`, id).
		Scan(&body, &restricted, &collection, &cats); err != nil {
		return err
	}
	c, err := decodeBody(body)
	if err != nil {
		return err
	}
	c.Updated = at
	if body, err = stored.Encode(c); err != nil {
		return err
	}
	status := fonds.StatusPublished
	if restricted {
		status = fonds.StatusDraft
	}
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET body = '', packed = ?, sha256 = ?, updated = ?, released = 1, status = ?
		WHERE id = ?`, pack(body), stored.Sum(body), formatTime(at), string(status), id); err != nil {
		return err
	}
	if err := putBrief(ctx, tx, c); err != nil {
		return err
	}
	if status == fonds.StatusPublished {
		if _, err := tx.ExecContext(ctx, `DELETE FROM deletions WHERE id = ?`, id); err != nil {
			return err
		}
	}
	e := fonds.AuditEntry{Time: t, Action: "release", Target: id, Detail: "embargo ended " + formatTime(at)}
	return audit(ctx, tx, &e)
}

// Audit adds the entry to the audit log, setting its Seq, and its Time when
// it is zero. Texts longer than the log keeps are cut.
func (s *Store) Audit(ctx context.Context, e *fonds.AuditEntry) error {
	if e == nil || e.Action == "" {
		return fmt.Errorf("sqlite: audit: %w: an entry without an action", fonds.ErrInvalid)
	}
	db, err := s.writer()
	if err != nil {
		return fmt.Errorf("sqlite: audit: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: audit: %w", translate(err))
	}
	defer tx.Rollback()
	c := *e
	if c.Time.IsZero() {
		c.Time = now()
	}
	if err := audit(ctx, tx, &c); err != nil {
		return fmt.Errorf("sqlite: audit: %w", translate(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: audit: %w", translate(err))
	}
	*e = c
	return nil
}

// audit writes e in tx and sets its Seq, its Time in UTC, and its texts
// as kept.
func audit(ctx context.Context, tx *sql.Tx, e *fonds.AuditEntry) error {
	e.Time = e.Time.UTC().Round(0)
	e.User, e.Address = stored.Bound(e.User, stored.MaxName), stored.Bound(e.Address, stored.MaxName)
	e.Action, e.Target, e.Detail = stored.Bound(e.Action, stored.MaxName), stored.Bound(e.Target, stored.MaxTarget), stored.Bound(e.Detail, stored.MaxDetail)
	return tx.QueryRowContext(ctx, `INSERT INTO audit (time, user_name, address, action, target, detail)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING seq`,
		formatTime(e.Time), e.User, e.Address, e.Action, e.Target, e.Detail).Scan(&e.Seq)
}

// AuditEntries returns the entries of the audit log after the Seq after,
// oldest first, at most limit.
func (s *Store) AuditEntries(ctx context.Context, after int64, limit int) ([]fonds.AuditEntry, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("sqlite: audit entries: %w: limit %d is not positive", fonds.ErrInvalid, limit)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT seq, time, user_name, address, action, target, detail FROM audit
		WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit entries: %w", translate(err))
	}
	defer rows.Close()
	es := []fonds.AuditEntry{}
	for rows.Next() {
		var e fonds.AuditEntry
		var t string
		if err := rows.Scan(&e.Seq, &t, &e.User, &e.Address, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("sqlite: audit entries: %w", err)
		}
		if e.Time, err = parseTime(t); err != nil {
			return nil, fmt.Errorf("sqlite: audit entry %d: %w", e.Seq, err)
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: audit entries: %w", translate(err))
	}
	return es, nil
}

// fillAccess sets the access columns of the documents stored with an
// embargo or a restriction before the store kept them, as a save would
// have: read from their briefs, once, in the migration that adds the
// columns. A document public before and hidden now becomes a deletion,
// as though it were withdrawn.
func fillAccess(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT CAST(b.brief AS BLOB), d.status, d.categories FROM document_briefs b JOIN documents d ON d.id = b.id
		WHERE json_extract(b.brief, '$.embargo') IS NOT NULL OR json_extract(b.brief, '$.restricted')`)
	if err != nil {
		return err
	}
	type doc struct {
		d            *fonds.Document
		status, cats string
	}
	var docs []doc
	for rows.Next() {
		var brief []byte
		var d doc
		if err := rows.Scan(&brief, &d.status, &d.cats); err != nil {
			rows.Close()
			return err
		}
		if d.d, err = stored.Decode(brief); err != nil {
			rows.Close()
			return err
		}
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	t := now()
	for _, d := range docs {
		a := stored.AccessOf(d.d, t)
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET status = ?, released = ?, restricted = ?, embargo_at = ? WHERE id = ?`,
			string(a.Status), a.Released, a.Restricted, embargoAt(a), d.d.ID); err != nil {
			return err
		}
		if d.status == string(fonds.StatusPublished) && a.Status != fonds.StatusPublished {
			if err := noteDeletion(ctx, tx, d.d.ID, d.d.Collection, d.cats, t); err != nil {
				return err
			}
		}
	}
	return nil
}
