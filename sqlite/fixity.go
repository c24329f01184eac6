package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"fonds/internal/stored"
)

// fillBatch is how many rows fillSums reads at a time: few enough that the
// bodies held in memory stay small.
const fillBatch = 256

// fillSums records the checksums of the versions written before they were
// kept, once, in the transaction of the migration that adds their columns:
// long before bodies were packed, so that every body it reads is JSON.
// It reads a batch at a time, each after the key of the last, so that it
// holds few bodies in memory and reads no row twice.
func fillSums(ctx context.Context, tx *sql.Tx) error {
	if err := fillDocuments(ctx, tx); err != nil {
		return fmt.Errorf("checksums of documents: %w", err)
	}
	if err := fillRevisions(ctx, tx); err != nil {
		return fmt.Errorf("checksums of revisions: %w", err)
	}
	return nil
}

func fillDocuments(ctx context.Context, tx *sql.Tx) error {
	var last int64
	for {
		type version struct {
			rowid int64
			body  []byte
		}
		var batch []version
		rows, err := tx.QueryContext(ctx, `SELECT rowid, body FROM documents
			WHERE sha256 IS NULL AND rowid > ? ORDER BY rowid LIMIT ?`, last, fillBatch)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v version
			if err := rows.Scan(&v.rowid, &v.body); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, v := range batch {
			if _, err := tx.ExecContext(ctx, `UPDATE documents SET sha256 = ? WHERE rowid = ?`, stored.Sum(v.body), v.rowid); err != nil {
				return err
			}
		}
		last = batch[len(batch)-1].rowid
	}
}

func fillRevisions(ctx context.Context, tx *sql.Tx) error {
	var lastID string
	var lastN int
	for {
		type version struct {
			id   string
			n    int
			body []byte
		}
		var batch []version
		rows, err := tx.QueryContext(ctx, `SELECT document_id, n, body FROM revisions
			WHERE sha256 IS NULL AND (document_id, n) > (?, ?) ORDER BY document_id, n LIMIT ?`, lastID, lastN, fillBatch)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v version
			if err := rows.Scan(&v.id, &v.n, &v.body); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, v := range batch {
			if _, err := tx.ExecContext(ctx, `UPDATE revisions SET sha256 = ? WHERE document_id = ? AND n = ?`, stored.Sum(v.body), v.id, v.n); err != nil {
				return err
			}
		}
		lastID, lastN = batch[len(batch)-1].id, batch[len(batch)-1].n
	}
}

// Verify recomputes the SHA-256 of every stored version of every document,
// the current ones and the revisions, and calls problem for each that does
// not match the one recorded when it was written (or has none recorded),
// naming the document and the revision. It also runs SQLite's own check of
// the file (PRAGMA quick_check) and reports what that finds. It returns how
// many versions it checked. It reads one snapshot, one version at a time,
// while others go on reading and writing.
func (s *Store) Verify(ctx context.Context, problem func(string)) (checked int, err error) {
	checked, err = s.verify(ctx, problem)
	if err != nil {
		return checked, fmt.Errorf("sqlite: verify: %w", translate(err))
	}
	return checked, nil
}

func (s *Store) verify(ctx context.Context, problem func(string)) (int, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return 0, err
		}
		if msg != "ok" {
			problem("database file: " + msg)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}

	checked := 0
	// check compares the versions the query selects, as (id, n, body,
	// sha256) with n 0 for the current version, with their sums.
	check := func(query string) error {
		rows, err := tx.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		var body sql.RawBytes // reused: one body in memory at a time
		for rows.Next() {
			var id string
			var n int
			var recorded sql.NullString
			if err := rows.Scan(&id, &n, &body, &recorded); err != nil {
				return err
			}
			checked++
			json, err := unpack(body)
			if err != nil {
				problem(stored.Damaged(id, n, err))
				continue
			}
			// A NULL sum is none recorded, as an empty one is.
			if p := stored.CheckSum(id, n, json, recorded.String); p != "" {
				problem(p)
			}
		}
		return rows.Err()
	}
	if err := check(`SELECT id, 0, ` + bodyOf("") + `, sha256 FROM documents ORDER BY id`); err != nil {
		return checked, err
	}
	if err := check(`SELECT document_id, n, ` + bodyOf("") + `, sha256 FROM revisions ORDER BY document_id, n`); err != nil {
		return checked, err
	}
	return checked, nil
}

// Backup writes a copy of the database to path, consistent as of one moment
// while others go on reading and writing. The copy is made under a
// temporary name in path's folder and renamed to path once it is whole and
// on disk, so that path never holds half a backup; an existing file at path
// is replaced. A read-only store can be backed up.
func (s *Store) Backup(ctx context.Context, path string) error {
	if err := s.backup(ctx, path); err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", path, translate(err))
	}
	return nil
}

func (s *Store) backup(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(abs)
	f, err := os.CreateTemp(dir, "."+filepath.Base(abs)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := f.Close(); err != nil {
		return err
	}
	renamed := false
	defer func() {
		if !renamed {
			os.Remove(tmp)
		}
	}()
	// VACUUM INTO writes to an empty file, as this one is, one snapshot of
	// the database, compacted. It only reads the database, but the readers
	// refuse every write (query_only), that one too: it has a connection of
	// its own, opened as the readers are otherwise.
	db, err := sql.Open("sqlite", s.copier)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	// SQLite does not sync the copy: it must be on disk before it takes
	// the place of an older backup.
	if f, err = os.OpenFile(tmp, os.O_RDWR, 0); err != nil {
		return err
	}
	if err := errors.Join(f.Sync(), f.Close()); err != nil {
		return err
	}
	if err := os.Rename(tmp, abs); err != nil {
		return err
	}
	renamed = true
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Where folders cannot be opened for
// syncing (Windows), a rename is as durable as the system makes it.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}
