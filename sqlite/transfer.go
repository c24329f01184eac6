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

var _ fonds.Transferer = (*Store)(nil)

// Dump calls fn for every item the store holds, read in one read
// transaction, so that a server writing meanwhile changes nothing of what
// it gives.
func (s *Store) Dump(ctx context.Context, fn func(*fonds.Item) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: dump: %w", translate(err))
	}
	defer tx.Rollback()
	for _, part := range []struct {
		what string
		q    string
		scan func(*sql.Rows) (*fonds.Item, error)
	}{
		{"settings", `SELECT name, value FROM settings ORDER BY name`, scanSettingItem},
		{"collections", `SELECT slug, title, description FROM collections ORDER BY slug`, scanCollectionItem},
		{"users", `SELECT ` + userColumns + ` FROM users ORDER BY name`, scanUserItem},
		{"sessions", `SELECT id, user, csrf, address, created, seen FROM sessions ORDER BY id`, scanSessionItem},
		{"versions", sqlDumpVersions, scanVersionItem},
		{"aliases", `SELECT path, document_id FROM aliases ORDER BY path`, scanAliasItem},
		{"deletions", `SELECT id, collection, datestamp, categories FROM deletions ORDER BY id`, scanDeletionItem},
		{"entities", `SELECT kind, key, editor_name, role, dates, note, authority FROM entities
			WHERE described ORDER BY kind, key`, scanEntityItem},
		{"audit", `SELECT seq, time, user_name, address, action, target, detail FROM audit ORDER BY seq`, scanAuditItem},
		{"changes", `SELECT seq, document_id FROM changes ORDER BY seq`, scanChangeItem},
	} {
		if err := dumpRows(ctx, tx, part.q, part.scan, fn); err != nil {
			return fmt.Errorf("sqlite: dump %s: %w", part.what, translate(err))
		}
	}
	return nil
}

// sqlDumpVersions reads every version of every document with its body: a
// revision's from revisions, the stored one's from documents, with the
// columns of the stored document.
const sqlDumpVersions = `SELECT v.document_id, v.n, v.hash, v.saved, v.author, v.message, v.status, v.deleted,
		r.n IS NULL AND d.id IS NOT NULL, coalesce(r.created, ''),
		coalesce(r.packed, CAST(r.body AS BLOB), d.packed, CAST(d.body AS BLOB), X''), coalesce(r.sha256, d.sha256, ''),
		coalesce(d.created, ''), coalesce(d.updated, ''), coalesce(d.released, 0)
	FROM versions v
	LEFT JOIN revisions r ON r.document_id = v.document_id AND r.n = v.n
	LEFT JOIN documents d ON r.n IS NULL AND d.id = v.document_id
	ORDER BY v.document_id, v.n`

// dumpRows calls fn with the item of each row of q.
func dumpRows(ctx context.Context, tx *sql.Tx, q string, scan func(*sql.Rows) (*fonds.Item, error), fn func(*fonds.Item) error) error {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scan(rows)
		if err != nil {
			return err
		}
		if err := fn(it); err != nil {
			return err
		}
	}
	return rows.Err()
}

// transferTime reads a stored time as a transfer keeps it; "" is the zero
// time.
func transferTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := parseTime(s)
	return fonds.TransferTime(t), err
}

func scanSettingItem(rows *sql.Rows) (*fonds.Item, error) {
	it := &fonds.Item{Kind: fonds.ItemSetting}
	return it, rows.Scan(&it.Name, &it.Value)
}

func scanCollectionItem(rows *sql.Rows) (*fonds.Item, error) {
	var c fonds.Collection
	err := rows.Scan(&c.Slug, &c.Title, &c.Description)
	return &fonds.Item{Kind: fonds.ItemCollection, Collection: &c}, err
}

func scanUserItem(rows *sql.Rows) (*fonds.Item, error) {
	u, err := scanUser(rows)
	if err != nil {
		return nil, err
	}
	u.Created, u.Updated = fonds.TransferTime(u.Created), fonds.TransferTime(u.Updated)
	return &fonds.Item{Kind: fonds.ItemUser, User: u}, nil
}

func scanSessionItem(rows *sql.Rows) (*fonds.Item, error) {
	var ss fonds.Session
	var created, seen string
	if err := rows.Scan(&ss.ID, &ss.User, &ss.CSRF, &ss.Address, &created, &seen); err != nil {
		return nil, err
	}
	var err error
	if ss.Created, err = transferTime(created); err != nil {
		return nil, err
	}
	if ss.Seen, err = transferTime(seen); err != nil {
		return nil, err
	}
	return &fonds.Item{Kind: fonds.ItemSession, Session: &ss}, nil
}

func scanVersionItem(rows *sql.Rows) (*fonds.Item, error) {
	var v fonds.StoredVersion
	var saved, replaced, created, updated string
	var status string
	if err := rows.Scan(&v.ID, &v.N, &v.Hash, &saved, &v.Author, &v.Message, &status, &v.Deleted,
		&v.Current, &replaced, &v.Body, &v.Sum, &created, &updated, &v.Released); err != nil {
		return nil, err
	}
	v.Status = fonds.Status(status)
	if len(v.Body) == 0 {
		return nil, fmt.Errorf("version %d of %s: no body is stored", v.N, v.ID)
	}
	body, err := unpack(v.Body)
	if err != nil {
		return nil, fmt.Errorf("version %d of %s: %w", v.N, v.ID, err)
	}
	v.Body = body
	for _, t := range []struct {
		s string
		t *time.Time
	}{{saved, &v.Saved}, {replaced, &v.Replaced}, {created, &v.Created}, {updated, &v.Updated}} {
		var err error
		if *t.t, err = transferTime(t.s); err != nil {
			return nil, fmt.Errorf("version %d of %s: %w", v.N, v.ID, err)
		}
	}
	return &fonds.Item{Kind: fonds.ItemVersion, Version: &v}, nil
}

func scanAliasItem(rows *sql.Rows) (*fonds.Item, error) {
	it := &fonds.Item{Kind: fonds.ItemAlias}
	return it, rows.Scan(&it.Name, &it.ID)
}

func scanDeletionItem(rows *sql.Rows) (*fonds.Item, error) {
	var d fonds.Deletion
	var stamp, cats string
	if err := rows.Scan(&d.ID, &d.Collection, &stamp, &cats); err != nil {
		return nil, err
	}
	var err error
	if d.Datestamp, err = transferTime(stamp); err != nil {
		return nil, err
	}
	// None is nil, as from every store.
	if d.Categories = list(cats); len(d.Categories) == 0 {
		d.Categories = nil
	}
	return &fonds.Item{Kind: fonds.ItemDeletion, Deletion: &d}, nil
}

func scanEntityItem(rows *sql.Rows) (*fonds.Item, error) {
	var e fonds.Entity
	var kind, authority string
	if err := rows.Scan(&kind, &e.Key, &e.Name, &e.Role, &e.Dates, &e.Note, &authority); err != nil {
		return nil, err
	}
	e.Kind, e.Authority = fonds.EntityKind(kind), list(authority)
	if len(e.Authority) == 0 {
		e.Authority = nil
	}
	return &fonds.Item{Kind: fonds.ItemEntity, Entity: &e}, nil
}

func scanAuditItem(rows *sql.Rows) (*fonds.Item, error) {
	var e fonds.AuditEntry
	var t string
	if err := rows.Scan(&e.Seq, &t, &e.User, &e.Address, &e.Action, &e.Target, &e.Detail); err != nil {
		return nil, err
	}
	var err error
	e.Time, err = transferTime(t)
	return &fonds.Item{Kind: fonds.ItemAudit, Audit: &e}, err
}

func scanChangeItem(rows *sql.Rows) (*fonds.Item, error) {
	var c fonds.Change
	err := rows.Scan(&c.Seq, &c.ID)
	return &fonds.Item{Kind: fonds.ItemChange, Change: &c}, err
}

// loading is a load into the store, in one write transaction on its
// writer: no other write runs until it ends.
type loading struct {
	tx *sql.Tx
	// changes is set once the change feed the triggers wrote as documents
	// came in has been replaced by the source's.
	changes bool
	done    bool
}

// Load begins a load in a write transaction, after checking that the
// store holds nothing but settings.
func (s *Store) Load(ctx context.Context) (fonds.Loading, error) {
	db, err := s.writer()
	if err != nil {
		return nil, fmt.Errorf("sqlite: load: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: load: %w", translate(err))
	}
	for _, table := range []string{"collections", "documents", "versions", "revisions", "deletions", "users", "audit"} {
		var held bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+`)`).Scan(&held); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("sqlite: load: %w", translate(err))
		}
		if held {
			tx.Rollback()
			return nil, fmt.Errorf("sqlite: load: %w: the store is not empty (it holds %s)", fonds.ErrConflict, table)
		}
	}
	return &loading{tx: tx}, nil
}

// Add writes one item.
func (l *loading) Add(ctx context.Context, it *fonds.Item) error {
	if l.done {
		return errors.New("sqlite: load: already ended")
	}
	if err := l.add(ctx, it); err != nil {
		if isForeignKey(err) {
			err = fmt.Errorf("%w: %w (what it refers to is not loaded)", fonds.ErrInvalid, err)
		}
		return fmt.Errorf("sqlite: load %s: %w", it, translate(err))
	}
	return nil
}

func (l *loading) add(ctx context.Context, it *fonds.Item) error {
	tx := l.tx
	var err error
	switch {
	case it.Kind == fonds.ItemSetting:
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, it.Name, it.Value)
	case it.Kind == fonds.ItemCollection && it.Collection != nil:
		c := it.Collection
		if err := stored.CheckID("collection slug", c.Slug); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO collections (slug, title, description) VALUES (?, ?, ?)`,
			c.Slug, c.Title, c.Description)
	case it.Kind == fonds.ItemUser && it.User != nil:
		u := it.User
		if err := stored.CheckUser(u); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			u.Name, u.FullName, u.Email, string(u.Role), u.Disabled, u.PasswordHash, formatTime(u.Created), formatTime(u.Updated))
	case it.Kind == fonds.ItemSession && it.Session != nil:
		ss := it.Session
		_, err = tx.ExecContext(ctx, `INSERT INTO sessions (id, user, csrf, address, created, seen) VALUES (?, ?, ?, ?, ?, ?)`,
			ss.ID, ss.User, ss.CSRF, ss.Address, formatTime(ss.Created), formatTime(ss.Seen))
	case it.Kind == fonds.ItemVersion && it.Version != nil:
		err = loadVersion(ctx, tx, it.Version)
	case it.Kind == fonds.ItemAlias:
		_, err = tx.ExecContext(ctx, `INSERT INTO aliases (path, document_id) VALUES (?, ?)`, it.Name, it.ID)
	case it.Kind == fonds.ItemDeletion && it.Deletion != nil:
		d := it.Deletion
		cats, err := categories(d.Categories)
		if err != nil {
			return err
		}
		err = noteDeletion(ctx, tx, d.ID, d.Collection, cats, d.Datestamp)
		return err
	case it.Kind == fonds.ItemEntity && it.Entity != nil:
		err = loadDescription(ctx, tx, *it.Entity)
	case it.Kind == fonds.ItemAudit && it.Audit != nil:
		e := it.Audit
		if e.Seq <= 0 {
			return fmt.Errorf("%w: an audit entry without a sequence number", fonds.ErrInvalid)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit (seq, time, user_name, address, action, target, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, e.Seq, formatTime(e.Time), e.User, e.Address, e.Action, e.Target, e.Detail)
	case it.Kind == fonds.ItemChange && it.Change != nil:
		if !l.changes {
			// The source's feed, numbers and all, replaces the one the
			// triggers wrote as the documents came in.
			if _, err := tx.ExecContext(ctx, `DELETE FROM changes`); err != nil {
				return err
			}
			l.changes = true
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO changes (seq, document_id) VALUES (?, ?)`, it.Change.Seq, it.Change.ID)
	default:
		return fmt.Errorf("%w: an item of kind %q without its content", fonds.ErrInvalid, it.Kind)
	}
	return err
}

// loadVersion writes one version: a revision, or the stored document with
// what a save derives from it (brief, counts by the triggers, links).
func loadVersion(ctx context.Context, tx *sql.Tx, v *fonds.StoredVersion) error {
	if err := stored.CheckID("document id", v.ID); err != nil {
		return err
	}
	if v.N < 1 {
		return fmt.Errorf("%w: version number %d", fonds.ErrInvalid, v.N)
	}
	var sum any
	if v.Sum != "" {
		sum = v.Sum
	}
	if !v.Current {
		if _, err := tx.ExecContext(ctx, `INSERT INTO revisions (document_id, n, hash, created, body, sha256, packed)
			VALUES (?, ?, ?, ?, '', ?, ?)`, v.ID, v.N, v.Hash, formatTime(v.Replaced), sum, pack(v.Body)); err != nil {
			return err
		}
	} else {
		c, err := stored.Decode(v.Body)
		if err != nil {
			return fmt.Errorf("%w: %w", fonds.ErrInvalid, err)
		}
		if c.ID != v.ID {
			return fmt.Errorf("%w: the body is of document %q", fonds.ErrInvalid, c.ID)
		}
		cats, err := categories(c.Categories)
		if err != nil {
			return err
		}
		a := stored.AccessOf(c, v.Updated)
		a.Released = v.Released
		a.Status = fonds.StatusDraft
		if a.Released && !a.Restricted {
			a.Status = fonds.StatusPublished
		}
		if _, err := tx.ExecContext(ctx, sqlPutDocument,
			c.ID, c.Collection, c.Date.Start, c.Date.End, c.Date.Year(), stored.Month(c.Date), string(a.Status),
			c.Title, v.Hash, c.Origin, formatTime(v.Created), formatTime(v.Updated), sum, cats,
			string(c.Status), a.Released, a.Restricted, embargoAt(a), c.Number, c.Section, pack(v.Body)); err != nil {
			if isForeignKey(err) {
				return fmt.Errorf("%w: collection %q is not loaded", fonds.ErrInvalid, c.Collection)
			}
			return err
		}
		if err := putBrief(ctx, tx, c); err != nil {
			return err
		}
		if err := link(ctx, tx, c, visibility{public: a.Status == fonds.StatusPublished, released: a.Released, state: c.Status}, true); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO versions (document_id, n, hash, saved, author, message, status, deleted)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, v.N, v.Hash, formatTime(v.Saved), v.Author, v.Message, string(v.Status), v.Deleted)
	return err
}

// loadDescription keeps what an editor said of an entity, as
// DescribeEntity does, without its audit entry (the log comes whole) or a
// new value of the setting (the source's comes).
func loadDescription(ctx context.Context, tx *sql.Tx, e fonds.Entity) error {
	if err := stored.CheckDescription(&e); err != nil {
		return err
	}
	authority, err := jsonList(e.Authority)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO entities (kind, key, described, editor_name, role, dates, note, authority)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, key) DO UPDATE SET described = excluded.described, editor_name = excluded.editor_name,
			role = excluded.role, dates = excluded.dates, note = excluded.note, authority = excluded.authority`,
		string(e.Kind), e.Key, stored.Described(e), e.Name, e.Role, e.Dates, e.Note, authority); err != nil {
		return err
	}
	var met, ru string
	err = tx.QueryRowContext(ctx, `SELECT met_name, met_ru FROM entities WHERE kind = ? AND key = ?`, string(e.Kind), e.Key).Scan(&met, &ru)
	if err != nil {
		return err
	}
	return setNames(ctx, tx, ref{e.Kind, e.Key}, met, ru, e.Name)
}

// Commit ends the load, keeping what it wrote.
func (l *loading) Commit(ctx context.Context) error {
	if l.done {
		return errors.New("sqlite: load: already ended")
	}
	l.done = true
	if err := l.tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: load: %w", translate(err))
	}
	return nil
}

// Abort ends the load, forgetting what it wrote.
func (l *loading) Abort() {
	if !l.done {
		l.done = true
		l.tx.Rollback()
	}
}
