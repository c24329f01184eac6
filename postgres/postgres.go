// Package postgres is the fonds.Store on a PostgreSQL server, through pgx:
// the store of an archive that outgrows one machine, which several fonds
// servers share.
//
// Every write is one transaction at PostgreSQL's default isolation (read
// committed). Writes of one document queue on an advisory lock of its id
// held to their commit, so that of two saves from one version one wins
// and the other sees what the first wrote; then they take the locks of
// the entities they touch, in one order. A write ends under a last lock,
// of the feed's order, held to its commit: there it changes the counts
// of documents, numbers its change in the feed and adds its audit
// entries, so that the feed's numbers follow the order of commits (a
// follower misses none) and writers never wait for each other's rows of
// counts in different orders. A save or deletion takes it before reading
// the time it writes, so that harvests' datestamps follow that order too.
//
// A document's body is kept as the bytes written (bytea), whose SHA-256
// Verify checks; the columns beside it that lists filter and sort by are
// derived from it. Text that lists are ordered by compares byte by byte
// (COLLATE "C"), and entities sort by keys computed in Go, so that both
// stores give one order whatever the server's locale. The counts of
// documents by collection, year, month and access are kept in a table of
// their own, so that a list's size costs a few rows, not the archive.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"fonds"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is a fonds.Store on a PostgreSQL database. It is safe for
// concurrent use, and several processes may share one database.
type Store struct {
	db *pgxpool.Pool
}

var _ fonds.Store = (*Store)(nil)

// An Option changes how Open opens a database.
type Option func(*pgxpool.Config)

// MaxConns sets the most connections the store holds open at once.
func MaxConns(n int32) Option {
	return func(c *pgxpool.Config) { c.MaxConns = n }
}

// Open connects to the database at url (postgres://user@host:port/name?…)
// and brings its schema up to date.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w: %w", fonds.ErrInvalid, err)
	}
	// No JIT compilation: every statement fonds sends reads or writes a
	// few rows through an index, and where the planner's estimates are
	// off (a table grown since it was last analyzed, as in an import of a
	// million documents) it compiled each of them anew, 58 ms of the
	// server's CPU for a delete of 0.03 ms. A URL that sets jit keeps it.
	if _, ok := cfg.ConnConfig.RuntimeParams["jit"]; !ok {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	for _, opt := range opts {
		opt(cfg)
	}
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", translate(err))
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open: %w", translate(err))
	}
	if err := derive(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open: %w", translate(err))
	}
	return &Store{db: db}, nil
}

// Close closes the connections of the store.
func (s *Store) Close() error {
	s.db.Close()
	return nil
}

// The classes of advisory locks the store takes, the first key of each.
const (
	lockSchema   = 1 // migrations
	lockDocument = 2 // the writes of one document, by a hash of its id
	lockFeed     = 3 // the numbering of changes and audit entries
	lockEntity   = 4 // the rows of one entity, by a hash of its kind and key
)

// lockID takes, until the end of tx, the lock of the writes of the
// document id. Two ids may share a lock, which costs only a wait.
func lockID(ctx context.Context, tx pgx.Tx, id string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, int32(lockDocument), idLockKey(id))
	return err
}

// lockIDs takes, until the end of tx, the locks of the documents' ids in
// the order of their keys, then those of the entities they mention as
// stored and of those in more: what a write of several documents at once
// takes before it changes any, so that it waits for no lock while holding
// one that a writer of one of them, which takes them in the same order,
// waits for.
func lockIDs(ctx context.Context, tx pgx.Tx, ids []string, more []ref) error {
	keys := make([]int32, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, idLockKey(id))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	// unnest yields the array in its order, the order the locks are taken.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int4[]) k`, int32(lockDocument), keys); err != nil {
		return err
	}
	// The entities the documents mention as stored, read under their ids'
	// locks so that no save changes them meanwhile.
	refs, err := storedRefs(ctx, tx, `SELECT DISTINCT kind, key FROM mentions WHERE document_id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	return lockEntities(ctx, tx, "", append(refs, more...))
}

// storedRefs returns the entities of the mentions a query of their kinds
// and keys reads.
func storedRefs(ctx context.Context, tx pgx.Tx, sql string, args ...any) ([]ref, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ref, error) {
		var r ref
		var kind string
		err := row.Scan(&kind, &r.key)
		r.kind = fonds.EntityKind(kind)
		return r, err
	})
}

// lockEntities takes, until the end of tx, the locks of the entities the
// document id mentions as stored and of those in refs, in the order of
// their hashes. A write changes the rows of each entity it touches (in
// entities, by the triggers on mentions, in entity_names and
// entity_authorities) in whatever order its mentions come; taking their
// locks first, in one order for all writers, keeps two writes of the same
// entities from each holding a row the other waits for. It is taken after
// the lock of the document's id and before the feed's. An empty id names
// no document.
func lockEntities(ctx context.Context, tx pgx.Tx, id string, refs []ref) error {
	if id != "" {
		old, err := storedRefs(ctx, tx, `SELECT kind, key FROM mentions WHERE document_id = $1`, id)
		if err != nil {
			return err
		}
		refs = append(old, refs...)
	}
	var hs []int32
	for _, r := range refs {
		h := fnv.New32a()
		h.Write([]byte(r.kind))
		h.Write([]byte{0})
		h.Write([]byte(r.key))
		hs = append(hs, int32(h.Sum32()))
	}
	if len(hs) == 0 {
		return nil
	}
	slices.Sort(hs)
	hs = slices.Compact(hs)
	// unnest yields the array in its order, the order the locks are taken.
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, h) FROM unnest($2::int4[]) h`, int32(lockEntity), hs)
	return err
}

// lockFeedOrder takes, until the end of tx, the lock under which writes
// number their changes and audit entries: taken last of a transaction's
// locks, it makes numbers follow the order of commits. A save or deletion
// takes it before it reads the time it writes, so that its datestamp
// follows that order too; the writes of documents wait for each other.
func lockFeedOrder(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, sqlLockFeedOrder, int32(lockFeed))
	return err
}

// sqlLockFeedOrder is the statement of lockFeedOrder, for a writer that
// queues it (see written).
const sqlLockFeedOrder = `SELECT pg_advisory_xact_lock($1, 0)`

// now returns the current time as the store keeps it: in UTC, to the
// microsecond as PostgreSQL keeps times, so that it equals itself read
// back.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// retries is how many times inTx runs a transaction again that lost to
// another (a deadlock, a serialization failure) before it reports
// ErrConflict.
const retries = 3

// inTx runs fn in a transaction, committed when fn returns nil. A
// transaction the server ended to break a deadlock, or that could not be
// serialized, runs again from the start, a few times: fn must do the same
// whether it ran before or not.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	for i := 0; ; i++ {
		err := s.tryTx(ctx, fn)
		if i == retries || !lostRace(err) || ctx.Err() != nil {
			return err
		}
	}
}

// lostRace reports whether err ended a transaction that lost to another:
// a deadlock broken or a serialization failure.
func lostRace(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && (e.Code == "40P01" || e.Code == "40001")
}

// tryTx runs fn in one transaction, committed when fn returns nil.
func (s *Store) tryTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// inReadTx runs fn in a read-only transaction that sees one snapshot,
// so that a count and the page it counts agree.
func (s *Store) inReadTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// translate turns the driver's and the server's errors into the domain's.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fonds.ErrNotFound
	}
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return err
	}
	switch code := e.Code; {
	case code == "23505", code == "40001", code == "40P01":
		// A unique key taken, or a transaction that lost to another
		// (serialization failure, deadlock): a conflict of writers.
		return fmt.Errorf("%w: %w", fonds.ErrConflict, err)
	case code[:2] == "23", code[:2] == "22", code == "54000":
		// A constraint the checks before a write did not catch, or a value
		// the column cannot hold or an index a key too long for it
		// (program_limit_exceeded), is the caller's invalid input.
		return fmt.Errorf("%w: %w", fonds.ErrInvalid, err)
	case code == "53100", code == "53400":
		return fmt.Errorf("%w: %w", fonds.ErrNoSpace, err)
	case code == "25006":
		return fmt.Errorf("%w: %w", fonds.ErrReadOnly, err)
	case code == "57014":
		return fmt.Errorf("%w: %w", fonds.ErrTimeout, err)
	}
	return err
}

// text returns s as a column of text keeps it: PostgreSQL's text cannot
// hold NUL, which a damaged import may leave in a title or a passage, so
// each becomes U+FFFD, the character that stands for one that cannot be
// shown. A document's body, kept as bytes, keeps them.
func text(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// texts returns the strings of l as text keeps them (see text), never nil.
func texts(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = text(s)
	}
	return out
}

// isForeignKey reports whether err is the violation of a foreign key.
func isForeignKey(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23503"
}
