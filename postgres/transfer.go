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

var _ fonds.Transferer = (*Store)(nil)

// Dump calls fn for every item the store holds, read in one read-only
// transaction that sees one snapshot, so that writes meanwhile change
// nothing of what it gives.
func (s *Store) Dump(ctx context.Context, fn func(*fonds.Item) error) error {
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		for _, part := range []struct {
			what string
			q    string
			scan func(pgx.Rows) (*fonds.Item, error)
		}{
			{"settings", `SELECT name, value FROM settings ORDER BY name COLLATE "C"`, scanSettingItem},
			{"collections", `SELECT slug, title, description FROM collections ORDER BY slug`, scanCollectionItem},
			{"users", `SELECT ` + userColumns + ` FROM users ORDER BY name COLLATE "C"`, scanUserItem},
			{"sessions", `SELECT id, user_name, csrf, address, created, seen FROM sessions ORDER BY id COLLATE "C"`, scanSessionItem},
			{"versions", sqlDumpVersions, scanVersionItem},
			{"aliases", `SELECT path, document_id FROM aliases ORDER BY path COLLATE "C"`, scanAliasItem},
			{"deletions", `SELECT id, collection, datestamp, categories FROM deletions ORDER BY id COLLATE "C"`, scanDeletionItem},
			{"entities", `SELECT kind, key, editor_name, role, dates, note, authority FROM entities
				WHERE described ORDER BY kind COLLATE "C", key COLLATE "C"`, scanEntityItem},
			{"audit", `SELECT seq, time, user_name, address, action, target, detail FROM audit ORDER BY seq`, scanAuditItem},
			{"changes", `SELECT seq, document_id FROM changes ORDER BY seq`, scanChangeItem},
		} {
			if err := dumpRows(ctx, tx, part.q, part.scan, fn); err != nil {
				return fmt.Errorf("%s: %w", part.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: dump: %w", translate(err))
	}
	return nil
}

// sqlDumpVersions reads every version of every document with its body: a
// revision's from revisions, the stored one's from documents, with the
// columns of the stored document.
const sqlDumpVersions = `SELECT v.document_id, v.n, v.hash, v.saved, v.author, v.message, v.status, v.deleted,
		r.n IS NULL AND d.id IS NOT NULL, r.created, coalesce(r.body, d.body), coalesce(r.sha256, d.sha256, ''),
		d.created, d.updated, coalesce(d.released, false)
	FROM versions v
	LEFT JOIN revisions r ON r.document_id = v.document_id AND r.n = v.n
	LEFT JOIN documents d ON r.n IS NULL AND d.id = v.document_id
	ORDER BY v.document_id, v.n`

// dumpRows calls fn with the item of each row of q.
func dumpRows(ctx context.Context, tx pgx.Tx, q string, scan func(pgx.Rows) (*fonds.Item, error), fn func(*fonds.Item) error) error {
	rows, err := tx.Query(ctx, q)
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

// moment returns a time a column may leave NULL as a transfer keeps it.
func moment(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return fonds.TransferTime(*t)
}

func scanSettingItem(rows pgx.Rows) (*fonds.Item, error) {
	// The value is bytes, which may hold a NUL, as the setting may.
	var v []byte
	it := &fonds.Item{Kind: fonds.ItemSetting}
	err := rows.Scan(&it.Name, &v)
	it.Value = string(v)
	return it, err
}

func scanCollectionItem(rows pgx.Rows) (*fonds.Item, error) {
	var c fonds.Collection
	err := rows.Scan(&c.Slug, &c.Title, &c.Description)
	return &fonds.Item{Kind: fonds.ItemCollection, Collection: &c}, err
}

func scanUserItem(rows pgx.Rows) (*fonds.Item, error) {
	u, err := scanUser(rows)
	if err != nil {
		return nil, err
	}
	u.Created, u.Updated = fonds.TransferTime(u.Created), fonds.TransferTime(u.Updated)
	return &fonds.Item{Kind: fonds.ItemUser, User: u}, nil
}

func scanSessionItem(rows pgx.Rows) (*fonds.Item, error) {
	var ss fonds.Session
	if err := rows.Scan(&ss.ID, &ss.User, &ss.CSRF, &ss.Address, &ss.Created, &ss.Seen); err != nil {
		return nil, err
	}
	ss.Created, ss.Seen = fonds.TransferTime(ss.Created), fonds.TransferTime(ss.Seen)
	return &fonds.Item{Kind: fonds.ItemSession, Session: &ss}, nil
}

func scanVersionItem(rows pgx.Rows) (*fonds.Item, error) {
	var v fonds.StoredVersion
	var status string
	var replaced, created, updated *time.Time
	if err := rows.Scan(&v.ID, &v.N, &v.Hash, &v.Saved, &v.Author, &v.Message, &status, &v.Deleted,
		&v.Current, &replaced, &v.Body, &v.Sum, &created, &updated, &v.Released); err != nil {
		return nil, err
	}
	if len(v.Body) == 0 {
		return nil, fmt.Errorf("version %d of %s: no body is stored", v.N, v.ID)
	}
	v.Status, v.Saved = fonds.Status(status), fonds.TransferTime(v.Saved)
	v.Replaced, v.Created, v.Updated = moment(replaced), moment(created), moment(updated)
	return &fonds.Item{Kind: fonds.ItemVersion, Version: &v}, nil
}

func scanAliasItem(rows pgx.Rows) (*fonds.Item, error) {
	it := &fonds.Item{Kind: fonds.ItemAlias}
	return it, rows.Scan(&it.Name, &it.ID)
}

func scanDeletionItem(rows pgx.Rows) (*fonds.Item, error) {
	var d fonds.Deletion
	if err := rows.Scan(&d.ID, &d.Collection, &d.Datestamp, &d.Categories); err != nil {
		return nil, err
	}
	d.Datestamp = fonds.TransferTime(d.Datestamp)
	if len(d.Categories) == 0 {
		d.Categories = nil
	}
	return &fonds.Item{Kind: fonds.ItemDeletion, Deletion: &d}, nil
}

func scanEntityItem(rows pgx.Rows) (*fonds.Item, error) {
	var e fonds.Entity
	var kind string
	if err := rows.Scan(&kind, &e.Key, &e.Name, &e.Role, &e.Dates, &e.Note, &e.Authority); err != nil {
		return nil, err
	}
	e.Kind = fonds.EntityKind(kind)
	if len(e.Authority) == 0 {
		e.Authority = nil
	}
	return &fonds.Item{Kind: fonds.ItemEntity, Entity: &e}, nil
}

func scanAuditItem(rows pgx.Rows) (*fonds.Item, error) {
	var e fonds.AuditEntry
	err := rows.Scan(&e.Seq, &e.Time, &e.User, &e.Address, &e.Action, &e.Target, &e.Detail)
	e.Time = fonds.TransferTime(e.Time)
	return &fonds.Item{Kind: fonds.ItemAudit, Audit: &e}, err
}

func scanChangeItem(rows pgx.Rows) (*fonds.Item, error) {
	var c fonds.Change
	err := rows.Scan(&c.Seq, &c.ID)
	return &fonds.Item{Kind: fonds.ItemChange, Change: &c}, err
}

// loading is a load into the store in one transaction, which holds the
// lock of the feed's order from its start: every other write waits for it
// to end, and two loads cannot both find the store empty.
type loading struct {
	tx pgx.Tx
	// queued holds the inserts that nothing else in the load reads or
	// refers to (revisions, versions, the audit log, the change feed), the
	// most numerous, sent a batch at a time rather than each in a round
	// trip of its own.
	queued pgx.Batch
	bytes  int // of the bodies queued
	done   bool
}

// The most inserts, and bytes of bodies, loading.queued holds before it is
// sent: a few round trips a thousand items, memory bounded whatever the
// size of the documents.
const (
	queueLimit      = 1000
	queueBytesLimit = 16 << 20
)

// flush sends the queued inserts.
func (l *loading) flush(ctx context.Context) error {
	if l.queued.Len() == 0 {
		return nil
	}
	err := sendBatch(ctx, l.tx, &l.queued)
	l.queued, l.bytes = pgx.Batch{}, 0
	if err != nil {
		return fmt.Errorf("postgres: load versions, audit entries or changes: %w", translate(err))
	}
	return nil
}

// Load begins a load, after checking that the store holds nothing but
// settings.
func (s *Store) Load(ctx context.Context) (fonds.Loading, error) {
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: load: %w", translate(err))
	}
	if err := lockFeedOrder(ctx, tx); err != nil {
		tx.Rollback(ctx)
		return nil, fmt.Errorf("postgres: load: %w", translate(err))
	}
	for _, table := range []string{"collections", "documents", "versions", "revisions", "deletions", "users", "audit"} {
		var held bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+`)`).Scan(&held); err != nil {
			tx.Rollback(ctx)
			return nil, fmt.Errorf("postgres: load: %w", translate(err))
		}
		if held {
			tx.Rollback(ctx)
			return nil, fmt.Errorf("postgres: load: %w: the store is not empty (it holds %s)", fonds.ErrConflict, table)
		}
	}
	return &loading{tx: tx}, nil
}

// Add writes one item.
func (l *loading) Add(ctx context.Context, it *fonds.Item) error {
	if l.done {
		return errors.New("postgres: load: already ended")
	}
	if err := l.add(ctx, it); err != nil {
		if isForeignKey(err) {
			err = fmt.Errorf("%w: %w (what it refers to is not loaded)", fonds.ErrInvalid, err)
		}
		return fmt.Errorf("postgres: load %s: %w", it, translate(err))
	}
	return l.added(ctx)
}

func (l *loading) add(ctx context.Context, it *fonds.Item) error {
	tx := l.tx
	var err error
	switch {
	case it.Kind == fonds.ItemSetting:
		_, err = tx.Exec(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, text(it.Name), []byte(it.Value))
	case it.Kind == fonds.ItemCollection && it.Collection != nil:
		c := it.Collection
		if err := stored.CheckID("collection slug", c.Slug); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO collections (slug, title, description) VALUES ($1, $2, $3)`,
			text(c.Slug), text(c.Title), text(c.Description))
	case it.Kind == fonds.ItemUser && it.User != nil:
		u := it.User
		if err := stored.CheckUser(u); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			u.Name, text(u.FullName), text(u.Email), string(u.Role), u.Disabled, u.PasswordHash, u.Created, u.Updated)
	case it.Kind == fonds.ItemSession && it.Session != nil:
		ss := it.Session
		_, err = tx.Exec(ctx, `INSERT INTO sessions (id, user_name, csrf, address, created, seen) VALUES ($1, $2, $3, $4, $5, $6)`,
			ss.ID, ss.User, ss.CSRF, text(ss.Address), ss.Created, ss.Seen)
	case it.Kind == fonds.ItemVersion && it.Version != nil:
		err = loadVersion(ctx, tx, &l.queued, it.Version)
		l.bytes += len(it.Version.Body)
	case it.Kind == fonds.ItemAlias:
		_, err = tx.Exec(ctx, `INSERT INTO aliases (path, document_id) VALUES ($1, $2)`, text(it.Name), it.ID)
	case it.Kind == fonds.ItemDeletion && it.Deletion != nil:
		d := it.Deletion
		p := newPending(tx)
		noteDeletion(p, d.ID, text(d.Collection), texts(d.Categories), d.Datestamp)
		err = p.send(ctx)
	case it.Kind == fonds.ItemEntity && it.Entity != nil:
		err = loadDescription(ctx, tx, *it.Entity)
	case it.Kind == fonds.ItemAudit && it.Audit != nil:
		e := it.Audit
		if e.Seq <= 0 {
			return fmt.Errorf("%w: an audit entry without a sequence number", fonds.ErrInvalid)
		}
		l.queued.Queue(`INSERT INTO audit (seq, time, user_name, address, action, target, detail)
			OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			e.Seq, e.Time, text(e.User), text(e.Address), text(e.Action), text(e.Target), text(e.Detail))
	case it.Kind == fonds.ItemChange && it.Change != nil:
		l.queued.Queue(`INSERT INTO changes (seq, document_id) VALUES ($1, $2)`, it.Change.Seq, it.Change.ID)
	default:
		return fmt.Errorf("%w: an item of kind %q without its content", fonds.ErrInvalid, it.Kind)
	}
	return err
}

// added sends the queued inserts once there are enough of them.
func (l *loading) added(ctx context.Context) error {
	if l.queued.Len() < queueLimit && l.bytes < queueBytesLimit {
		return nil
	}
	return l.flush(ctx)
}

// loadVersion writes one version: a revision, or the stored document with
// what a save derives from it (its brief, its links; the counts come at
// the end). The rows of revisions and versions, which nothing in the load
// reads or refers to, are queued in b.
func loadVersion(ctx context.Context, tx pgx.Tx, b *pgx.Batch, v *fonds.StoredVersion) error {
	if err := stored.CheckID("document id", v.ID); err != nil {
		return err
	}
	if v.N < 1 {
		return fmt.Errorf("%w: version number %d", fonds.ErrInvalid, v.N)
	}
	sum := v.Sum
	if sum == "" {
		// A version stored before checksums were: this store requires
		// one, and the body is as it was read.
		sum = stored.Sum(v.Body)
	}
	if !v.Current {
		b.Queue(`INSERT INTO revisions (document_id, n, hash, created, body, sha256)
			VALUES ($1, $2, $3, $4, $5, $6)`, v.ID, v.N, v.Hash, v.Replaced, v.Body, sum)
	} else {
		c, err := stored.Decode(v.Body)
		if err != nil {
			return fmt.Errorf("%w: %w", fonds.ErrInvalid, err)
		}
		if c.ID != v.ID {
			return fmt.Errorf("%w: the body is of document %q", fonds.ErrInvalid, c.ID)
		}
		brief, err := json.Marshal(c.Brief())
		if err != nil {
			return err
		}
		a := stored.AccessOf(c, v.Updated)
		a.Released = v.Released
		a.Status = fonds.StatusDraft
		if a.Released && !a.Restricted {
			a.Status = fonds.StatusPublished
		}
		if _, err := tx.Exec(ctx, `INSERT INTO documents
			(id, collection, date_start, date_end, year, month, status, state, released, restricted, embargo_at,
				title, hash, origin, created, updated, number, section, categories, body, sha256, brief)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
			c.ID, c.Collection, c.Date.Start, c.Date.End, c.Date.Year(), stored.Month(c.Date), string(a.Status),
			string(c.Status), a.Released, a.Restricted, embargoAt(a), text(c.Title), v.Hash, text(c.Origin), v.Created, v.Updated,
			c.Number, text(c.Section), texts(c.Categories), v.Body, sum, brief); err != nil {
			if isForeignKey(err) {
				return fmt.Errorf("%w: collection %q is not loaded", fonds.ErrInvalid, c.Collection)
			}
			return err
		}
		p := newPending(tx)
		if err := link(ctx, p, c, visibility{public: a.Status == fonds.StatusPublished, released: a.Released, state: c.Status}, true); err != nil {
			return err
		}
		if err := p.send(ctx); err != nil {
			return err
		}
	}
	b.Queue(`INSERT INTO versions (document_id, n, hash, saved, author, message, status, deleted)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, v.ID, v.N, v.Hash, v.Saved, text(v.Author), text(v.Message), string(v.Status), v.Deleted)
	return nil
}

// loadDescription keeps what an editor said of an entity, as
// DescribeEntity does, without its audit entry (the log comes whole) or a
// new value of the setting (the source's comes).
func loadDescription(ctx context.Context, tx pgx.Tx, e fonds.Entity) error {
	if err := stored.CheckDescription(&e); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO entities (kind, key, described, editor_name, role, dates, note, authority)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (kind, key) DO UPDATE SET described = excluded.described, editor_name = excluded.editor_name,
			role = excluded.role, dates = excluded.dates, note = excluded.note, authority = excluded.authority`,
		string(e.Kind), e.Key, stored.Described(e), text(e.Name), text(e.Role), text(e.Dates), text(e.Note), texts(e.Authority)); err != nil {
		return err
	}
	var met, ru string
	if err := tx.QueryRow(ctx, `SELECT met_name, met_ru FROM entities WHERE kind = $1 AND key = $2`, string(e.Kind), e.Key).Scan(&met, &ru); err != nil {
		return err
	}
	var b pgx.Batch
	queueNames(&b, ref{e.Kind, e.Key}, met, ru, e.Name)
	return sendBatch(ctx, tx, &b)
}

// sqlCountDocuments fills document_counts from the documents, every sum
// included, as migration 3 first did.
const sqlCountDocuments = `INSERT INTO document_counts (collection, year, month, access, n)
	SELECT coalesce(collection, ''), coalesce(year, -1), coalesce(month, -1), access, count(*)
	FROM (SELECT collection, year, month,
			CASE WHEN status = 'published' THEN 'published' WHEN released THEN 'restricted' ELSE 'draft' END AS access
		FROM documents) d
	GROUP BY GROUPING SETS ((collection, year, month, access), (collection, year, access), (collection, access),
		(year, month, access), (year, access), (access))`

// Commit counts the documents loaded, carries the numbering of the audit
// log and the change feed on from the largest numbers loaded, and keeps
// what the load wrote.
func (l *loading) Commit(ctx context.Context) error {
	if l.done {
		return errors.New("postgres: load: already ended")
	}
	l.done = true
	defer l.tx.Rollback(ctx)
	if err := l.flush(ctx); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM document_counts`,
		sqlCountDocuments,
		`SELECT setval(pg_get_serial_sequence('audit', 'seq'), max(seq)) FROM audit HAVING count(*) > 0`,
		`SELECT setval('changes_seq', max(seq)) FROM changes HAVING count(*) > 0`,
	} {
		if _, err := l.tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("postgres: load: %w", translate(err))
		}
	}
	if err := l.tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: load: %w", translate(err))
	}
	return nil
}

// Abort ends the load, forgetting what it wrote.
func (l *loading) Abort() {
	if !l.done {
		l.done = true
		l.tx.Rollback(context.Background())
	}
}
