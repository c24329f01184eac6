// Package sqlite is the embedded fonds.Store: an SQLite database in one file,
// through a pure-Go driver, so that the binary needs no C toolchain and no
// database server.
//
// The database runs in WAL mode: readers never wait for the writer. Writes
// go through one connection and begin IMMEDIATE transactions, so that two
// writers queue for the lock instead of deadlocking on a lock upgrade, and
// another process writing the same file (an import beside a server) waits
// up to the busy timeout. Each write records itself in the change feed in
// its transaction, which is how a process learns what another wrote.
//
// Every request costs O(log n) in the size of the archive, beside what it
// returns: lists are read through an index in their order, and the counts
// of documents by collection, year, month and status are kept by triggers
// in a table of their own rather than counted.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"fonds"
	"fonds/internal/stored"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout is how long a write waits for another process's write to
// finish, in milliseconds: long enough for the largest single transaction
// (a migration that fills in a column of every row of a big archive).
const busyTimeout = 30000

// Store is a fonds.Store on an SQLite database file. It is safe for
// concurrent use.
type Store struct {
	write *sql.DB // one connection: writes are serialized anyway; nil when read-only
	// stmts are the statements of a save, prepared on the writer.
	stmts statements
	read  *sql.DB // read-only connections, as many as readers
	// copier is the data source name of a connection that reads as the
	// readers do but may write another file: the one a backup writes.
	copier string
}

var (
	_ fonds.Store      = (*Store)(nil)
	_ fonds.BatchSaver = (*Store)(nil)
)

// An Option changes how Open opens a database.
type Option func(*options)

type options struct {
	maxPageCount int
}

// MaxPageCount limits the database to n pages (of 4096 bytes unless the
// file says otherwise): a quota, past which writes fail with an error
// wrapping fonds.ErrNoSpace as they would on a full disk. A limit below the
// database's size leaves it at its size.
func MaxPageCount(n int) Option {
	return func(o *options) { o.maxPageCount = n }
}

// Open opens the database file at path, creating it and its folder if they
// do not exist, and brings its schema up to date.
func Open(path string, opts ...Option) (*Store, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" {
		return nil, errors.New("sqlite: open: no database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s := &Store{}
	// The writer sets the persistent journal mode and applies migrations
	// before any reader opens the file.
	pragmas := []string{"journal_mode(WAL)", writeTempStore}
	if o.maxPageCount > 0 {
		pragmas = append(pragmas, fmt.Sprintf("max_page_count(%d)", o.maxPageCount))
	}
	s.write, err = sql.Open("sqlite", dsn(abs, url.Values{"_txlock": {"immediate"}}, pragmas...))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.write.SetMaxOpenConns(1)
	if err := migrate(context.Background(), s.write); err != nil {
		s.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, translate(err))
	}
	if err := derive(context.Background(), s.write); err != nil {
		s.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, translate(err))
	}
	if s.stmts, err = prepare(context.Background(), s.write); err != nil {
		s.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, translate(err))
	}
	s.read, err = sql.Open("sqlite", dsn(abs, nil, readPragmas...))
	if err != nil {
		s.stmts.close()
		s.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.setReaders()
	s.copier = dsn(abs, nil)
	return s, nil
}

// writeTempStore keeps the writer's temporary files in memory. The largest
// of them by far is the statement journal that SQLite writes as a save's
// statements (upserts, and inserts whose triggers keep the counts) change
// rows, so that one of them can be undone alone: as a file, each page of it
// is a write system call, a sixth of the time of a save.
const writeTempStore = "temp_store(MEMORY)"

// readPragmas are those of the connections that read. They map the file
// into memory, so that a read of a page is a read of memory shared by every
// connection and kept by the operating system, not a system call and a copy
// into each connection's own cache; and they give each connection a cache
// of 8 MB (from 2 MB) for the pages of the write-ahead log, which are not
// mapped.
var readPragmas = []string{"query_only(1)", "mmap_size(1073741824)", "cache_size(-8192)"}

// setReaders sizes the pool of readers to the processors.
func (s *Store) setReaders() {
	s.read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	s.read.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)))
}

// OpenReadOnly opens the database file at path for reading only, as on
// read-only media: every write returns an error wrapping fonds.ErrReadOnly.
// The file must exist with a schema as new as this package's.
//
// It opens the file read-only (mode=ro) and still takes part in the
// locking of the WAL, so that it reads what another process writes. Where
// that cannot be (the folder cannot be written, so the WAL's index file
// cannot be made), it opens the file as immutable, without locks; it
// refuses that if a write-ahead log holds changes it would not see.
func OpenReadOnly(path string) (*Store, error) {
	s, err := openReadOnly(path, false)
	var e *sqlite.Error
	if err == nil || !errors.As(err, &e) || (e.Code()&0xff != sqlite3.SQLITE_CANTOPEN && e.Code()&0xff != sqlite3.SQLITE_READONLY) {
		// Opened, or failed for a reason of its own: immutable, which
		// trusts that nothing writes, is only for a file that cannot be
		// written.
		return s, err
	}
	if fi, serr := os.Stat(path + "-wal"); serr == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("%w (and it has a write-ahead log that opening it as immutable would miss)", err)
	}
	return openReadOnly(path, true)
}

// openReadOnly opens the file at path read-only, or as immutable.
func openReadOnly(path string, immutable bool) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: open read-only: no database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s read-only: %w", path, err)
	}
	// mode=ro does not create a missing file, but SQLite would take an
	// empty one for an empty database: refuse both plainly.
	if fi, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("sqlite: open %s read-only: %w", path, err)
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("sqlite: open %s read-only: not a file", path)
	}
	params := url.Values{"mode": {"ro"}}
	if immutable {
		params.Set("immutable", "1")
	}
	db, err := sql.Open("sqlite", dsn(abs, params, readPragmas...))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s read-only: %w", path, err)
	}
	if err := checkVersion(context.Background(), db); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s read-only: %w", path, translate(err))
	}
	s := &Store{read: db, copier: dsn(abs, params)}
	s.setReaders()
	return s, nil
}

// dsn returns the driver's data source name for the file at abs, with the
// parameters and the pragmas every connection needs besides the common
// ones: a URI, so that no character of the path is taken for a parameter.
func dsn(abs string, params url.Values, pragmas ...string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a drive letter
	}
	q := url.Values{"_pragma": {
		fmt.Sprintf("busy_timeout(%d)", busyTimeout),
		"foreign_keys(1)",
		"synchronous(NORMAL)",
	}}
	q["_pragma"] = append(q["_pragma"], pragmas...)
	for k, v := range params {
		q[k] = v
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: p, RawQuery: q.Encode()}
	return u.String()
}

// writer returns the connection that writes, or an error wrapping
// fonds.ErrReadOnly when the store was opened read-only.
func (s *Store) writer() (*sql.DB, error) {
	if s.write == nil {
		return nil, fonds.ErrReadOnly
	}
	return s.write, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if s.write == nil {
		return s.read.Close()
	}
	return errors.Join(s.read.Close(), s.stmts.close(), s.write.Close())
}

// timeLayout is RFC 3339 with a fixed nine-digit fraction: in UTC the text
// of two times sorts as the times do.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// now returns the current time as the store keeps it: in UTC, without the
// monotonic reading, so that it equals itself read back.
func now() time.Time { return time.Now().UTC().Round(0) }

// isForeignKey reports whether err is the violation of a foreign key.
func isForeignKey(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// translate turns the driver's errors into the domain's.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fonds.ErrNotFound
	}
	// A full disk: SQLite reports a write that failed with ENOSPC, or one
	// past max_page_count, as SQLITE_FULL; the file system's own calls (of
	// a backup) fail with ENOSPC.
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w: %w", fonds.ErrNoSpace, err)
	}
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_CONSTRAINT:
		// A constraint the checks before a write did not catch (a foreign
		// key, a CHECK) is the caller's invalid input, not a failure of the
		// store.
		return fmt.Errorf("%w: %w", fonds.ErrInvalid, err)
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("%w: %w", fonds.ErrNoSpace, err)
	case sqlite3.SQLITE_READONLY:
		return fmt.Errorf("%w: %w", fonds.ErrReadOnly, err)
	}
	return err
}

// PutCollection creates the collection, or updates its title and description.
func (s *Store) PutCollection(ctx context.Context, c fonds.Collection) error {
	if err := stored.CheckID("collection slug", c.Slug); err != nil {
		return fmt.Errorf("sqlite: put collection: %w", err)
	}
	db, err := s.writer()
	if err != nil {
		return fmt.Errorf("sqlite: put collection %q: %w", c.Slug, err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO collections (slug, title, description) VALUES (?, ?, ?)
		ON CONFLICT (slug) DO UPDATE SET title = excluded.title, description = excluded.description`,
		c.Slug, c.Title, c.Description)
	if err != nil {
		return fmt.Errorf("sqlite: put collection %q: %w", c.Slug, translate(err))
	}
	return nil
}

// Collection returns the collection with the slug, its Count the number of
// its published documents.
func (s *Store) Collection(ctx context.Context, slug string) (fonds.Collection, error) {
	var c fonds.Collection
	err := s.read.QueryRowContext(ctx, `SELECT c.slug, c.title, c.description,
		coalesce((SELECT n FROM document_counts
			WHERE collection = c.slug AND year = -1 AND month = -1 AND status = 'published'), 0)
		FROM collections c WHERE c.slug = ?`, slug).Scan(&c.Slug, &c.Title, &c.Description, &c.Count)
	if err != nil {
		return fonds.Collection{}, fmt.Errorf("sqlite: collection %q: %w", slug, translate(err))
	}
	return c, nil
}

// Collections returns every collection in order of title, each Count the
// number of its documents the filter admits.
func (s *Store) Collections(ctx context.Context, f fonds.Filter) ([]fonds.Collection, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, fmt.Errorf("sqlite: collections: %w", err)
	}
	f.Collection = ""
	conds, args := countConditions(f)
	count := `SELECT sum(n) FROM document_counts` + where(append([]string{"collection = c.slug"}, conds...)...)
	if !counted(f) {
		count, args = countQuery(f, "c.slug")
	} else if f.ExceptCollection != "" {
		// The collection left out counts none.
		count = `SELECT CASE WHEN c.slug = ? THEN 0 ELSE (` + count + `) END`
		args = append([]any{f.ExceptCollection}, args...)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT c.slug, c.title, c.description,
		coalesce((`+count+`), 0)
		FROM collections c ORDER BY c.title, c.slug`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: collections: %w", translate(err))
	}
	defer rows.Close()
	cs := []fonds.Collection{}
	for rows.Next() {
		var c fonds.Collection
		if err := rows.Scan(&c.Slug, &c.Title, &c.Description, &c.Count); err != nil {
			return nil, fmt.Errorf("sqlite: collections: %w", err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: collections: %w", translate(err))
	}
	return cs, nil
}

// PutDocument stores d in one transaction: it adds a new document, leaves an
// unchanged one alone, or keeps the stored version of a changed one as a
// revision and replaces it. It sets d.Hash, d.Created and d.Updated, and
// leaves d untouched when it fails. It is SaveDocument with a zero Save.
func (s *Store) PutDocument(ctx context.Context, d *fonds.Document) (fonds.PutResult, error) {
	return s.SaveDocument(ctx, d, fonds.Save{})
}

// SaveDocument is PutDocument by someone, for a reason, from a version: the
// version it stores records the author and message, and so does an entry
// of the audit log written in its transaction. The version is checked in
// the transaction, so that of two saves from one version one wins and the
// other is refused with ErrConflict.
func (s *Store) SaveDocument(ctx context.Context, d *fonds.Document, sv fonds.Save) (fonds.PutResult, error) {
	if d == nil {
		return "", fmt.Errorf("sqlite: put document: %w", stored.CheckDocument(d))
	}
	res, err := s.save(ctx, []*fonds.Document{d}, []fonds.Save{sv}, "put document "+d.ID)
	if err != nil {
		return "", err
	}
	return res[0], nil
}

// SaveDocuments saves each of docs as SaveDocument would, with the Save of
// the same index, all in one write transaction: an import commits, and
// syncs the write-ahead log, once a batch rather than once a document.
func (s *Store) SaveDocuments(ctx context.Context, docs []*fonds.Document, saves []fonds.Save) ([]fonds.PutResult, error) {
	if len(saves) != len(docs) {
		return nil, fmt.Errorf("sqlite: save documents: %w: %d saves for %d documents", fonds.ErrInvalid, len(saves), len(docs))
	}
	return s.save(ctx, docs, saves, "save documents")
}

// save stores docs[i] as saved by saves[i], in one transaction, and sets
// their Hash, Created, Updated and Version once it has committed: all or
// nothing. An error about one document names it; what names the whole
// (the id of the one document of a SaveDocument) begins other errors.
func (s *Store) save(ctx context.Context, docs []*fonds.Document, saves []fonds.Save, what string) ([]fonds.PutResult, error) {
	for i, d := range docs {
		if err := stored.CheckDocument(d); err != nil {
			return nil, fmt.Errorf("sqlite: put document: %w", err)
		}
		if v := saves[i].Version; v < -1 {
			return nil, fmt.Errorf("sqlite: put document %s: %w: version %d", d.ID, fonds.ErrInvalid, v)
		}
	}
	results := make([]fonds.PutResult, len(docs))
	if len(docs) == 0 {
		return results, nil
	}
	db, err := s.writer()
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, translate(err))
	}
	defer tx.Rollback()
	cs := make([]*fonds.Document, len(docs))
	for i, d := range docs {
		if results[i], cs[i], err = s.stmts.put(ctx, tx, d, saves[i]); err != nil {
			return nil, fmt.Errorf("sqlite: put document %s: %w", d.ID, translate(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, translate(err))
	}
	// The documents change only once the transaction has committed.
	for i, d := range docs {
		c := cs[i]
		d.Hash, d.Created, d.Updated, d.Version = c.Hash, c.Created, c.Updated, c.Version
	}
	return results, nil
}

// The statements of a save, which it runs in the same shape whatever the
// document: Open prepares them (see statements).
const (
	sqlStored      = `SELECT hash, origin, status, created, updated FROM documents WHERE id = ?`
	sqlNextVersion = `SELECT coalesce(max(n), 0) + 1 FROM revisions WHERE document_id = ?`
	sqlPutDocument = `INSERT INTO documents
		(id, collection, date_start, date_end, year, month, status, title, hash, origin, created, updated, body, sha256, categories,
			state, released, restricted, embargo_at, number, section, packed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			collection = excluded.collection, date_start = excluded.date_start, date_end = excluded.date_end,
			year = excluded.year, month = excluded.month, status = excluded.status, title = excluded.title,
			hash = excluded.hash, origin = excluded.origin, updated = excluded.updated, body = excluded.body,
			sha256 = excluded.sha256, categories = excluded.categories, state = excluded.state,
			released = excluded.released, restricted = excluded.restricted, embargo_at = excluded.embargo_at,
			number = excluded.number, section = excluded.section, packed = excluded.packed`
	sqlPutBrief = `INSERT INTO document_briefs (id, brief) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET brief = excluded.brief`
	sqlDeleteAliases = `DELETE FROM aliases WHERE document_id = ?`
	sqlPutAlias      = `INSERT INTO aliases (path, document_id) VALUES (?, ?)
		ON CONFLICT (path) DO UPDATE SET document_id = excluded.document_id`
	sqlUndelete   = `DELETE FROM deletions WHERE id = ?`
	sqlPutVersion = `INSERT INTO versions (document_id, n, hash, saved, author, message, status)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (document_id, n) DO UPDATE SET hash = excluded.hash, saved = excluded.saved,
			author = excluded.author, message = excluded.message, status = excluded.status, deleted = 0`
)

// statements are the writer's prepared statements, by their text: those
// every save runs, compiled once rather than at every save, which costs
// more than running them (the insert of a document compiles with it the
// triggers that keep the counts). A statement not among them, or every
// statement of a nil statements, is compiled where it runs.
type statements map[string]*sql.Stmt

// prepare prepares the statements of a save on db, which has one
// connection: before any transaction holds it, since preparing on db
// waits for a free connection.
func prepare(ctx context.Context, db *sql.DB) (statements, error) {
	st := statements{}
	for _, q := range []string{sqlStored, sqlNextVersion, sqlPutDocument, sqlPutBrief, sqlDeleteAliases, sqlPutAlias, sqlUndelete, sqlPutVersion} {
		p, err := db.PrepareContext(ctx, q)
		if err != nil {
			st.close()
			return nil, err
		}
		st[q] = p
	}
	return st, nil
}

func (st statements) close() error {
	var errs []error
	for _, p := range st {
		errs = append(errs, p.Close())
	}
	return errors.Join(errs...)
}

// exec runs q in tx, prepared if it is among st. A statement prepared on
// the database runs in the transaction as prepared on its connection,
// which is the writer's one.
func (st statements) exec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if p := st[q]; p != nil {
		return tx.StmtContext(ctx, p).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// queryRow is exec for a query of one row.
func (st statements) queryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	if p := st[q]; p != nil {
		return tx.StmtContext(ctx, p).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// put stores d in tx as saved by sv, and returns what it did and a copy of
// d as stored. It is statements.put without prepared statements.
func put(ctx context.Context, tx *sql.Tx, d *fonds.Document, sv fonds.Save) (fonds.PutResult, *fonds.Document, error) {
	return statements(nil).put(ctx, tx, d, sv)
}

// put stores d in tx as saved by sv, and returns what it did and a copy of
// d as stored. It encodes d once, for its content hash and its body both,
// and never reads the stored body into memory: a revision is copied from
// it inside the database.
func (st statements) put(ctx context.Context, tx *sql.Tx, d *fonds.Document, sv fonds.Save) (fonds.PutResult, *fonds.Document, error) {
	t := now()
	var old struct {
		hash, origin, status, created, updated string
	}
	// These columns come before the body in a row, so that reading them
	// does not read a body that runs over many pages.
	err := st.queryRow(ctx, tx, sqlStored, d.ID).Scan(&old.hash, &old.origin, &old.status, &old.created, &old.updated)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", nil, err
	}
	if found && old.origin != "" && d.Origin != "" && old.origin != d.Origin && !sv.Replace {
		return "", nil, fmt.Errorf("%w: the id is taken by the document from %s", fonds.ErrConflict, old.origin)
	}

	result, created := fonds.Added, t
	if found {
		result = fonds.Updated
		if created, err = parseTime(old.created); err != nil {
			return "", nil, fmt.Errorf("stored creation time: %w", err)
		}
	}
	// The version after those kept as revisions (which outlive a deleted
	// document, so that a re-added one carries on counting), and after
	// the stored one, which a change makes a revision.
	var version int
	if err := st.queryRow(ctx, tx, sqlNextVersion, d.ID).Scan(&version); err != nil {
		return "", nil, err
	}
	have := 0
	if found {
		have = version
		version++
	}
	if err := stored.CheckSave(d.ID, sv.Version, have); err != nil {
		return "", nil, err
	}
	// Encode a copy, so that d changes only once the transaction commits.
	c := *d
	c.Created, c.Updated, c.Version = created, t, version
	body, err := stored.Encode(&c)
	if err != nil {
		return "", nil, err
	}
	if found && old.hash == c.Hash {
		if c.Updated, err = parseTime(old.updated); err != nil {
			return "", nil, fmt.Errorf("stored update time: %w", err)
		}
		c.Version = have
		return fonds.Unchanged, &c, nil
	}
	if found {
		if err := keepRevision(ctx, tx, d.ID, t); err != nil {
			return "", nil, err
		}
	}
	cats, err := categories(c.Categories)
	if err != nil {
		return "", nil, err
	}
	a := stored.AccessOf(&c, t)
	// The checksum is that of the JSON, whatever form it is kept in.
	if _, err := st.exec(ctx, tx, sqlPutDocument,
		c.ID, c.Collection, c.Date.Start, c.Date.End, c.Date.Year(), stored.Month(c.Date), string(a.Status),
		c.Title, c.Hash, c.Origin, formatTime(created), formatTime(t), stored.Sum(body), cats,
		string(c.Status), a.Released, a.Restricted, embargoAt(a), c.Number, c.Section, pack(body)); err != nil {
		if isForeignKey(err) {
			return "", nil, fmt.Errorf("%w: collection %q does not exist", fonds.ErrInvalid, c.Collection)
		}
		return "", nil, err
	}
	body = nil // free for the collector while the rest is written
	if err := st.putBrief(ctx, tx, &c); err != nil {
		return "", nil, err
	}
	if err := st.putAliases(ctx, tx, c.ID, c.Aliases); err != nil {
		return "", nil, err
	}
	if err := link(ctx, tx, &c, visibility{public: a.Status == fonds.StatusPublished, released: a.Released, state: c.Status}, !found); err != nil {
		return "", nil, err
	}
	switch {
	case a.Status == fonds.StatusPublished:
		// Public again: the record is the document, not its deletion.
		_, err = st.exec(ctx, tx, sqlUndelete, c.ID)
	case found && old.status == string(fonds.StatusPublished):
		// Withdrawn, made a draft, restricted or embargoed again: to a
		// harvester, deleted.
		err = noteDeletion(ctx, tx, c.ID, c.Collection, cats, t)
	}
	if err != nil {
		return "", nil, err
	}
	author, message := stored.Bound(sv.Author, stored.MaxName), stored.Bound(sv.Message, stored.MaxDetail)
	if _, err := st.exec(ctx, tx, sqlPutVersion,
		c.ID, c.Version, c.Hash, formatTime(t), author, message, string(c.Status)); err != nil {
		return "", nil, err
	}
	detail := "added"
	if result == fonds.Updated {
		detail = fmt.Sprintf("updated to version %d", c.Version)
	}
	if message != "" {
		detail += ": " + message
	}
	e := fonds.AuditEntry{Time: t, User: author, Address: sv.Address, Action: "save", Target: c.ID, Detail: detail}
	if err := audit(ctx, tx, &e); err != nil {
		return "", nil, err
	}
	return result, &c, nil
}

// putBrief writes the brief of c, the document as stored.
func putBrief(ctx context.Context, tx *sql.Tx, c *fonds.Document) error {
	return statements(nil).putBrief(ctx, tx, c)
}

func (st statements) putBrief(ctx context.Context, tx *sql.Tx, c *fonds.Document) error {
	b, err := json.Marshal(c.Brief())
	if err != nil {
		return err
	}
	_, err = st.exec(ctx, tx, sqlPutBrief, c.ID, string(b))
	return err
}

// keepRevision keeps the stored version of the document id, replaced or
// deleted at t, as its next revision, copying it inside the database. Its
// checksum is the one stored with it, so that damage to it is still found;
// one computed now only if none was stored.
func keepRevision(ctx context.Context, tx *sql.Tx, id string, t time.Time) error {
	var n int
	var missing bool
	err := tx.QueryRowContext(ctx, `INSERT INTO revisions (document_id, n, hash, created, body, sha256, packed)
		SELECT id, (SELECT coalesce(max(n), 0) + 1 FROM revisions WHERE document_id = ?1), hash, ?2, body, sha256, packed
		FROM documents WHERE id = ?1
		RETURNING n, sha256 IS NULL OR sha256 = ''`, id, formatTime(t)).Scan(&n, &missing)
	if err != nil || !missing {
		return err // sql.ErrNoRows: no such document
	}
	var b []byte
	if err := tx.QueryRowContext(ctx, `SELECT `+bodyOf("")+` FROM revisions WHERE document_id = ? AND n = ?`, id, n).Scan(&b); err != nil {
		return err
	}
	body, err := unpack(b)
	if err != nil {
		return fmt.Errorf("document %s: %w", id, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE revisions SET sha256 = ? WHERE document_id = ? AND n = ?`, stored.Sum(body), id, n)
	return err
}

// putAliases makes paths the aliases of the document id. A path another
// document held moves to this one: the latest import of an old URL wins.
func (st statements) putAliases(ctx context.Context, tx *sql.Tx, id string, paths []string) error {
	if _, err := st.exec(ctx, tx, sqlDeleteAliases, id); err != nil {
		return err
	}
	for _, p := range paths {
		if _, err := st.exec(ctx, tx, sqlPutAlias, p, id); err != nil {
			return err
		}
	}
	return nil
}

// Alias returns the id of the document that lists path among its aliases.
func (s *Store) Alias(ctx context.Context, path string) (string, error) {
	var id string
	err := s.read.QueryRowContext(ctx, `SELECT document_id FROM aliases WHERE path = ?`, path).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("sqlite: alias %q: %w", path, translate(err))
	}
	return id, nil
}

// Document returns the document with the id, drafts included.
func (s *Store) Document(ctx context.Context, id string) (*fonds.Document, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+column(false)+` FROM documents WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: document %s: %w", id, translate(err))
	}
	docs, err := scanDocuments(rows)
	if err == nil && len(docs) == 0 {
		err = sql.ErrNoRows
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: document %s: %w", id, translate(err))
	}
	return docs[0], nil
}

// conditions returns the conditions selecting what f admits, and their
// arguments. The published and released tests are written as literals so
// that the partial indexes on published and released documents serve them.
func conditions(f fonds.Filter) ([]string, []any) {
	var conds []string
	var args []any
	switch {
	case f.Published && f.Restricted:
		conds = append(conds, "released = 1")
	case f.Published:
		conds = append(conds, "status = 'published'")
	}
	if f.Status != "" {
		conds = append(conds, "state = ?")
		args = append(args, string(f.Status))
	}
	switch f.Held {
	case fonds.HeldEmbargoed:
		conds = append(conds, "state = 'published'", "released = 0")
	case fonds.HeldRestricted:
		conds = append(conds, "state = 'published'", "restricted = 1")
	}
	if f.Collection != "" {
		conds = append(conds, "collection = ?")
		args = append(args, f.Collection)
	}
	if f.Year != 0 {
		conds = append(conds, "year = ?")
		args = append(args, f.Year)
		if f.Month != 0 {
			conds = append(conds, "month = ?")
			args = append(args, f.Month)
		}
	}
	// A range of start dates, which leaves out undated documents: undated
	// = 0 lets the indexes by date seek to the range's start. For one
	// status, the range is said to be likely, so that the planner, which
	// takes a range closed at both ends for a narrow one, seeks it in the
	// index of the status rather than in the index of all documents by
	// date, which does not hold the status.
	if f.From != "" || f.To != "" {
		conds = append(conds, "undated = 0")
	}
	rangeTerm := func(t string) string {
		if f.Status != "" {
			return "likely(" + t + ")"
		}
		return t
	}
	if f.From != "" {
		conds = append(conds, rangeTerm("date_start >= ?"))
		args = append(args, f.From)
	}
	if f.To != "" {
		conds = append(conds, rangeTerm("date_start <= ?"))
		args = append(args, f.To)
	}
	if f.Section != "" {
		conds = append(conds, "section = ?")
		args = append(args, f.Section)
	}
	if f.ExceptCollection != "" {
		conds = append(conds, "collection <> ?")
		args = append(args, f.ExceptCollection)
	}
	return conds, args
}

// countConditions returns the conditions on year, month and status that
// select from document_counts the rows of one collection (or of all, under
// the empty slug) whose sum is the number of documents of it f admits, and their arguments.
// The sums over all years and months are the rows of year and month -1.
func countConditions(f fonds.Filter) ([]string, []any) {
	year, month := -1, -1
	if f.Year != 0 {
		year = f.Year
		if f.Month != 0 {
			month = f.Month
		}
	}
	conds := []string{"year = ?", "month = ?"}
	args := []any{year, month}
	if c := countedStatus(f); c != "" {
		conds = append(conds, c)
	}
	return conds, args
}

// countedStatus returns the condition on the status of document_counts
// that f asks for: the public's documents, or those and the released
// restricted ones, or "" for all.
func countedStatus(f fonds.Filter) string {
	switch {
	case f.Published && f.Restricted:
		return "status IN ('published', 'restricted')"
	case f.Published:
		return "status = 'published'"
	}
	return ""
}

// counted reports whether document_counts counts what f admits: not the
// documents of one status, nor those held from the public, which it does
// not tell apart.
//
// Nor does it count a range of dates or a chapter, which are counted from
// the documents through the index that lists them: a week, a chapter, few
// beside the archive. It counts what a collection left out
// (ExceptCollection) leaves, as a difference of two of its sums.
func counted(f fonds.Filter) bool {
	return f.Status == "" && f.Held == "" && f.From == "" && f.To == "" && f.Section == ""
}

// countedQuery returns the query of how many documents f admits, read from
// document_counts, for a filter it counts (see counted).
func countedQuery(f fonds.Filter) (string, []any) {
	cc, cargs := countConditions(f)
	sum := `SELECT coalesce(sum(n), 0) FROM document_counts` + where(append([]string{"collection = ?"}, cc...)...)
	q, args := sum, append([]any{f.Collection}, cargs...)
	if e := f.ExceptCollection; e != "" && (f.Collection == "" || f.Collection == e) {
		q = `SELECT (` + sum + `) - (` + sum + `)`
		args = append(args, append([]any{e}, cargs...)...)
	}
	return q, args
}

// countQuery returns a query of how many documents f admits, counted
// from the documents themselves through the index of their status: for a
// filter by status or of held documents, which document_counts does not
// count, and which selects an editor's short lists. The collection is the query's
// first argument, or the expression coll where one is given.
func countQuery(f fonds.Filter, coll string) (string, []any) {
	f.Collection, f.After = "", ""
	conds, args := conditions(f)
	if coll != "" {
		conds = append([]string{"collection = " + coll}, conds...)
	}
	return `SELECT count(*) FROM documents` + where(conds...), args
}

// where returns the WHERE clause of the conditions, or "" if there are none.
func where(conds ...string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Stamps returns the content hash and update time of every document the
// filter admits, by id.
func (s *Store) Stamps(ctx context.Context, f fonds.Filter) (map[string]fonds.Stamp, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, fmt.Errorf("sqlite: stamps: %w", err)
	}
	conds, args := conditions(f)
	rows, err := s.read.QueryContext(ctx, `SELECT id, hash, updated FROM documents`+where(conds...), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: stamps: %w", translate(err))
	}
	defer rows.Close()
	stamps := make(map[string]fonds.Stamp)
	for rows.Next() {
		var id, hash, updated string
		if err := rows.Scan(&id, &hash, &updated); err != nil {
			return nil, fmt.Errorf("sqlite: stamps: %w", err)
		}
		t, err := parseTime(updated)
		if err != nil {
			return nil, fmt.Errorf("sqlite: stamps: %s: %w", id, err)
		}
		stamps[id] = fonds.Stamp{Hash: hash, Updated: t}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: stamps: %w", translate(err))
	}
	return stamps, nil
}

// dateOrder is the order of documents by date: undated last, then by start
// date, then by id. It matches the columns of the date indexes.
const dateOrder = "undated, date_start, id"

// numberOrder is the order of a volume's documents by number: those
// without one last, then by date. It matches the columns of the number
// indexes after the collection.
const numberOrder = "unnumbered, number, undated, date_start, id"

// Documents returns the page of documents the filter admits, and how many it
// admits in all.
func (s *Store) Documents(ctx context.Context, f fonds.Filter) ([]*fonds.Document, int, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, 0, fmt.Errorf("sqlite: documents: %w", err)
	}
	docs, total, err := s.documents(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: documents: %w", translate(err))
	}
	return docs, total, nil
}

func (s *Store) documents(ctx context.Context, f fonds.Filter) ([]*fonds.Document, int, error) {
	limit := f.Limit
	if limit == 0 {
		limit = -1 // no limit, to SQLite
	}
	// One read transaction, so that the count and the page see the same
	// snapshot of the database.
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	count, cargs := countedQuery(f)
	if !counted(f) {
		count, cargs = countQuery(f, "")
		if f.Collection != "" {
			count, cargs = countQuery(f, "?")
			cargs = append([]any{f.Collection}, cargs...)
		}
	}
	var total int
	if err := tx.QueryRowContext(ctx, count, cargs...).Scan(&total); err != nil {
		return nil, 0, err
	}
	conds, args := conditions(f)
	order := dateOrder
	switch f.Order {
	case fonds.ByAdded:
		order = "created DESC, id DESC"
	case fonds.ByNumber:
		order = numberOrder
	}
	if f.After != "" {
		// The place of the document in the order, as a row value the
		// index of the order seeks to.
		p, err := place(ctx, tx, f.After)
		if err != nil {
			return nil, 0, err
		}
		switch f.Order {
		case fonds.ByAdded:
			conds = append(conds, "(created, id) < (?, ?)")
			args = append(args, p.created, f.After)
		case fonds.ByNumber:
			conds = append(conds, "("+numberOrder+") > (?, ?, ?, ?, ?)")
			args = append(args, p.number == 0, p.number, p.start == "", p.start, f.After)
		default:
			conds = append(conds, "(undated, date_start, id) > (?, ?, ?)")
			args = append(args, p.start == "", p.start, f.After)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+column(f.Brief)+` FROM documents`+where(conds...)+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	docs, err := scanDocuments(rows)
	if err != nil {
		return nil, 0, err
	}
	return docs, total, nil
}

// A position is the place of a document in the orders of lists: its start
// date, its creation time (as stored) and its number.
type position struct {
	start, created string
	number         int
}

// place returns the position of the document id: of the stored document,
// or else of its last version, kept as a revision when it was deleted, so
// that a list continued after a document deleted meanwhile goes on from
// where it was.
func place(ctx context.Context, tx *sql.Tx, id string) (position, error) {
	var p position
	err := tx.QueryRowContext(ctx, `SELECT date_start, created, number FROM documents WHERE id = ?`, id).Scan(&p.start, &p.created, &p.number)
	if !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	var body []byte
	err = tx.QueryRowContext(ctx, `SELECT `+bodyOf("")+`
		FROM revisions WHERE document_id = ? ORDER BY n DESC LIMIT 1`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return position{}, fmt.Errorf("%w: no document %s to continue after", fonds.ErrNotFound, id)
	} else if err != nil {
		return position{}, err
	}
	last, err := decodeBody(body)
	if err != nil {
		return position{}, fmt.Errorf("last version of %s: %w", id, err)
	}
	p.start, p.created, p.number = last.Date.Start, formatTime(last.Created), last.Number
	return p, nil
}

// column returns the column of documents a list reads: the whole body, or
// the brief, read by key from its table while the list itself is read from
// an index of documents alone. Either comes as bytes, which the driver
// copies once and scanDocuments decodes where they are.
func column(brief bool) string {
	if brief {
		return "CAST((SELECT brief FROM document_briefs WHERE id = documents.id) AS BLOB)"
	}
	return bodyOf("")
}

// scanDocuments decodes the documents the rows hold, in the column that
// column returns, and closes them.
func scanDocuments(rows *sql.Rows) ([]*fonds.Document, error) {
	defer rows.Close()
	docs := []*fonds.Document{}
	for rows.Next() {
		var body sql.RawBytes
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		d, err := decodeBody(body)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// Neighbours returns the documents just before and after the document in
// date order among those the filter admits, as briefs; either may be nil.
func (s *Store) Neighbours(ctx context.Context, id string, f fonds.Filter) (prev, next *fonds.Document, err error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, nil, fmt.Errorf("sqlite: neighbours of %s: %w", id, err)
	}
	prev, next, err = s.neighbours(ctx, id, f)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: neighbours of %s: %w", id, translate(err))
	}
	return prev, next, nil
}

func (s *Store) neighbours(ctx context.Context, id string, f fonds.Filter) (prev, next *fonds.Document, err error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	var start string
	var number int
	if err := tx.QueryRowContext(ctx, `SELECT date_start, number FROM documents WHERE id = ?`, id).Scan(&start, &number); err != nil {
		return nil, nil, err
	}
	conds, args := conditions(f)
	// The row value of the document's place in date order, or in number
	// order, with the orders each way.
	place, asc, desc := "(undated, date_start, id)", dateOrder, "undated DESC, date_start DESC, id DESC"
	args = append(args, start == "", start, id)
	if f.Order == fonds.ByNumber {
		place, asc, desc = "("+numberOrder+")", numberOrder, "unnumbered DESC, number DESC, undated DESC, date_start DESC, id DESC"
		args = append(args[:len(args)-3], number == 0, number, start == "", start, id)
	}
	marks := strings.Repeat("?, ", strings.Count(place, ",")) + "?"
	one := func(cmp, order string) (*fonds.Document, error) {
		w := where(append(slices.Clip(conds), place+" "+cmp+" ("+marks+")")...)
		rows, err := tx.QueryContext(ctx, `SELECT `+column(true)+` FROM documents`+w+` ORDER BY `+order+` LIMIT 1`, args...)
		if err != nil {
			return nil, err
		}
		docs, err := scanDocuments(rows)
		if err != nil || len(docs) == 0 {
			return nil, err
		}
		return docs[0], nil
	}
	if prev, err = one("<", desc); err != nil {
		return nil, nil, err
	}
	if next, err = one(">", asc); err != nil {
		return nil, nil, err
	}
	return prev, next, nil
}

// DateCounts returns how many documents the filter admits per year and
// month, in date order; undated documents are left out. A document dated
// only to the year counts in month 0 of its year.
func (s *Store) DateCounts(ctx context.Context, f fonds.Filter) ([]fonds.DateCount, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, fmt.Errorf("sqlite: date counts: %w", err)
	}
	// The rows of single months (not the sums over months and years, of
	// month -1) of the collection, or of all (the empty slug).
	conds := []string{"collection = ?", "year > 0", "month >= 0"}
	args := []any{f.Collection}
	if c := countedStatus(f); c != "" {
		conds = append(conds, c)
	}
	if f.Year != 0 {
		conds = append(conds, "year = ?")
		args = append(args, f.Year)
		if f.Month != 0 {
			conds = append(conds, "month = ?")
			args = append(args, f.Month)
		}
	}
	sum, having := "sum(n)", ""
	if e := f.ExceptCollection; e != "" && (f.Collection == "" || f.Collection == e) {
		if f.Collection == e {
			return []fonds.DateCount{}, nil
		}
		// The sums of all collections less those of the one left out.
		conds[0], args[0] = "collection IN ('', ?)", e
		sum = "sum(CASE WHEN collection = '' THEN n ELSE -n END)"
		having = " HAVING " + sum + " > 0"
	}
	q := `SELECT year, month, ` + sum + ` FROM document_counts` + where(conds...) + ` GROUP BY year, month` + having + ` ORDER BY year, month`
	if !counted(f) {
		// Counted from the documents of the status, or held, or of a
		// range of dates or a chapter, which document_counts does not
		// tell apart.
		dc, dargs := conditions(fonds.Filter{Published: f.Published, Restricted: f.Restricted, Status: f.Status,
			Held: f.Held, Collection: f.Collection, Year: f.Year, Month: f.Month,
			From: f.From, To: f.To, Section: f.Section, ExceptCollection: f.ExceptCollection})
		q, args = `SELECT year, month, count(*) FROM documents`+where(append(dc, "year > 0")...)+
			` GROUP BY year, month ORDER BY year, month`, dargs
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: date counts: %w", translate(err))
	}
	defer rows.Close()
	counts := []fonds.DateCount{}
	for rows.Next() {
		var c fonds.DateCount
		if err := rows.Scan(&c.Year, &c.Month, &c.Count); err != nil {
			return nil, fmt.Errorf("sqlite: date counts: %w", err)
		}
		counts = append(counts, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: date counts: %w", translate(err))
	}
	return counts, nil
}

// DeleteDocument removes the document, keeping its last version as a
// revision. It is DeleteDocumentBy with a zero Save.
func (s *Store) DeleteDocument(ctx context.Context, id string) error {
	return s.DeleteDocumentBy(ctx, id, fonds.Save{})
}

// DeleteDocumentBy removes the document as saved by sv: its version is
// checked as SaveDocument checks it, and the deletion is written in the
// audit log and on its last version.
func (s *Store) DeleteDocumentBy(ctx context.Context, id string, sv fonds.Save) error {
	if err := s.deleteDocument(ctx, id, sv); err != nil {
		return fmt.Errorf("sqlite: delete document %s: %w", id, translate(err))
	}
	return nil
}

func (s *Store) deleteDocument(ctx context.Context, id string, sv fonds.Save) error {
	db, err := s.writer()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int
	err = tx.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(n), 0) + 1 FROM revisions WHERE document_id = ?1)
		FROM documents WHERE id = ?1`, id).Scan(&version)
	if err != nil {
		return err // sql.ErrNoRows: not found
	}
	if err := stored.CheckSave(id, sv.Version, version); err != nil {
		return err
	}
	t := now()
	// The deleted version is kept like any replaced one: nothing is lost,
	// and a citation of it still finds it.
	if err := keepRevision(ctx, tx, id, t); err != nil {
		return err
	}
	if err := unlink(ctx, tx, id); err != nil {
		return err
	}
	var collection, status, cats string
	err = tx.QueryRowContext(ctx, `DELETE FROM documents WHERE id = ? RETURNING collection, status, categories`, id).
		Scan(&collection, &status, &cats)
	if err != nil {
		return err
	}
	if status == string(fonds.StatusPublished) {
		if err := noteDeletion(ctx, tx, id, collection, cats, t); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE versions SET deleted = 1 WHERE document_id = ? AND n = ?`, id, version); err != nil {
		return err
	}
	detail := fmt.Sprintf("deleted version %d", version)
	if m := stored.Bound(sv.Message, stored.MaxDetail); m != "" {
		detail += ": " + m
	}
	e := fonds.AuditEntry{Time: t, User: sv.Author, Address: sv.Address, Action: "delete", Target: id, Detail: detail}
	if err := audit(ctx, tx, &e); err != nil {
		return err
	}
	return tx.Commit()
}

// noteDeletion records that the document was withdrawn from the public at t.
// A deletion is kept until the document is published again.
func noteDeletion(ctx context.Context, tx *sql.Tx, id, collection string, cats string, t time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO deletions (id, collection, datestamp, categories) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET collection = excluded.collection, datestamp = excluded.datestamp,
			categories = excluded.categories`,
		id, collection, formatTime(t), cats)
	return err
}

// categories returns the categories as the column of documents keeps them:
// a JSON array, empty rather than null.
func categories(cats []string) (string, error) {
	if cats == nil {
		cats = []string{}
	}
	b, err := json.Marshal(cats)
	return string(b), err
}

// Revisions returns the earlier versions of the document, oldest first. A
// document that has none has an empty list; an id that names neither a
// document nor a revision is not found.
func (s *Store) Revisions(ctx context.Context, id string) ([]fonds.Revision, error) {
	revs, err := s.revisions(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: revisions of %s: %w", id, translate(err))
	}
	return revs, nil
}

func (s *Store) revisions(ctx context.Context, id string) ([]fonds.Revision, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT n, hash, created, `+bodyOf("")+` FROM revisions
		WHERE document_id = ? ORDER BY n`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	revs := []fonds.Revision{}
	for rows.Next() {
		r := fonds.Revision{DocumentID: id}
		var created string
		var body sql.RawBytes
		if err := rows.Scan(&r.N, &r.Hash, &created, &body); err != nil {
			return nil, err
		}
		if r.Created, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("revision %d: %w", r.N, err)
		}
		if r.Document, err = decodeBody(body); err != nil {
			return nil, fmt.Errorf("revision %d: %w", r.N, err)
		}
		revs = append(revs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, id).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fonds.ErrNotFound
		}
	}
	return revs, nil
}

// embargoAt returns the end of the embargo of a, as formatTime writes it,
// or "" when there is none.
func embargoAt(a stored.Access) string {
	if a.EmbargoAt.IsZero() {
		return ""
	}
	return formatTime(a.EmbargoAt)
}
