package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"time"
	"unicode/utf8"

	"fonds"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Blobs keeps blobs in the database of the store, in chunks of a row each
// (table blob_chunks): every server on the database sees the same ones, a
// blob is written in one transaction, and reading one holds a chunk of it
// in memory at a time.
type Blobs struct {
	db  *pgxpool.Pool
	max int64
}

var _ fonds.Blobs = (*Blobs)(nil)

// blobChunk is the size of the chunks of the blobs written: large enough
// that reading a scan takes few round trips, small enough that a reader
// holds little.
const blobChunk = 1 << 20

// The classes of the advisory locks of blobs: the lock under which a key
// is given to a blob, and the one a caller holds on a key (Lock).
const (
	lockBlob     = 5
	lockBlobHeld = 6
)

// Blobs returns the blobs of the store's database, each at most maxBytes.
func (s *Store) Blobs(maxBytes int64) *Blobs {
	return &Blobs{db: s.db, max: maxBytes}
}

func checkKey(op, key string) error {
	if !fonds.ValidBlobKey(key) {
		return fmt.Errorf("postgres: %s blob %q: not a key: %w", op, key, fonds.ErrInvalid)
	}
	return nil
}

// lockKey takes, until the end of tx, the lock under which key is given.
func lockKey(ctx context.Context, tx pgx.Tx, key string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, int32(lockBlob), blobLockKey(key))
	return err
}

// blobLockKey returns the second key of the locks of key.
func blobLockKey(key string) int32 {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int32(h.Sum32())
}

var _ fonds.BlobLocker = (*Blobs)(nil)

// Lock takes the lock of key in every server on the database, on a
// connection of its own that it holds until unlock: a session's advisory
// lock, which the database gives back if the connection is lost. Two keys
// may share a lock, which costs only a wait.
func (b *Blobs) Lock(ctx context.Context, key string) (func(), error) {
	if err := checkKey("lock", key); err != nil {
		return nil, err
	}
	conn, err := b.db.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: lock blob %q: %w", key, translate(err))
	}
	k := blobLockKey(key)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, int32(lockBlobHeld), k); err != nil {
		conn.Release()
		return nil, fmt.Errorf("postgres: lock blob %q: %w", key, translate(err))
	}
	return func() {
		// Given back whatever the caller's context became; a connection
		// that cannot give it back is closed, which does.
		if _, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1, $2)`, int32(lockBlobHeld), k); err != nil {
			conn.Conn().Close(context.Background())
		}
		conn.Release()
	}, nil
}

// errTooLarge stops the copy of a blob larger than the bound.
var errTooLarge = errors.New("too large")

// Put copies r into the chunks of a new blob without a key, then gives it
// the key in place of the blob that had it, in one transaction.
func (b *Blobs) Put(ctx context.Context, key string, r io.Reader) (fonds.BlobInfo, error) {
	if err := checkKey("put", key); err != nil {
		return fonds.BlobInfo{}, err
	}
	fail := func(err error) (fonds.BlobInfo, error) {
		if errors.Is(err, errTooLarge) {
			return fonds.BlobInfo{}, fmt.Errorf("postgres: put blob %s: larger than %d bytes: %w", key, b.max, fonds.ErrInvalid)
		}
		return fonds.BlobInfo{}, fmt.Errorf("postgres: put blob %s: %w", key, translate(err))
	}
	tx, err := b.db.Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback(ctx)
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO blobs (size, chunk) VALUES (0, $1) RETURNING id`, blobChunk).Scan(&id); err != nil {
		return fail(err)
	}
	var (
		buf  = make([]byte, blobChunk)
		size int64
		n    int32
		// The copy tells the server why it stopped, and returns the
		// server's error.
		tooLarge bool
	)
	// The copy encodes each row before asking for the next, so one
	// buffer serves them all.
	rows := pgx.CopyFromFunc(func() ([]any, error) {
		k, err := io.ReadFull(r, buf)
		switch {
		case k == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF):
			return nil, nil
		case err != nil && err != io.EOF && err != io.ErrUnexpectedEOF:
			return nil, err
		}
		size += int64(k)
		if size > b.max {
			tooLarge = true
			return nil, errTooLarge
		}
		n++
		return []any{id, n - 1, buf[:k]}, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"blob_chunks"}, []string{"blob", "n", "data"}, rows); err != nil {
		if tooLarge {
			err = errTooLarge
		}
		return fail(err)
	}
	if err := lockKey(ctx, tx, key); err != nil {
		return fail(err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM blobs WHERE key = $1`, key); err != nil {
		return fail(err)
	}
	info := fonds.BlobInfo{Key: key, Size: size}
	if err := tx.QueryRow(ctx, `UPDATE blobs SET key = $2, size = $3, modified = clock_timestamp()
		WHERE id = $1 RETURNING modified`, id, key, size).Scan(&info.Modified); err != nil {
		return fail(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(err)
	}
	return info, nil
}

// Open returns the blob at key, read a chunk at a time as it is asked for.
func (b *Blobs) Open(ctx context.Context, key string) (fonds.Blob, error) {
	if err := checkKey("open", key); err != nil {
		return nil, err
	}
	f := &blob{db: b.db, ctx: ctx, n: -1}
	f.info.Key = key
	err := b.db.QueryRow(ctx, `SELECT id, size, chunk, modified FROM blobs WHERE key = $1`, key).
		Scan(&f.id, &f.info.Size, &f.chunk, &f.info.Modified)
	if err != nil {
		return nil, fmt.Errorf("postgres: open blob %s: %w", key, translate(err))
	}
	return f, nil
}

// blob is a blob of the database open for reading. Its chunks are those of
// the blob when it was opened: should the key be given another blob
// meanwhile, reading the rest of this one fails.
type blob struct {
	db    *pgxpool.Pool
	ctx   context.Context
	info  fonds.BlobInfo
	id    int64
	chunk int64
	pos   int64
	n     int64  // the number of the chunk in data, -1 for none
	data  []byte // chunk n
}

func (f *blob) Info() fonds.BlobInfo { return f.info }

func (f *blob) Read(p []byte) (int, error) {
	if f.pos >= f.info.Size {
		return 0, io.EOF
	}
	if n := f.pos / f.chunk; n != f.n {
		f.n, f.data = -1, f.data[:0]
		err := f.db.QueryRow(f.ctx, `SELECT data FROM blob_chunks WHERE blob = $1 AND n = $2`, f.id, n).Scan(&f.data)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, fmt.Errorf("postgres: blob %s was replaced or removed while it was read", f.info.Key)
		} else if err != nil {
			return 0, fmt.Errorf("postgres: read blob %s: %w", f.info.Key, translate(err))
		}
		f.n = n
	}
	off := f.pos - f.n*f.chunk
	if off >= int64(len(f.data)) {
		return 0, fmt.Errorf("postgres: blob %s: chunk %d is short", f.info.Key, f.n)
	}
	k := copy(p, f.data[off:])
	f.pos += int64(k)
	return k, nil
}

func (f *blob) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += f.pos
	case io.SeekEnd:
		offset += f.info.Size
	default:
		return 0, errors.New("postgres: seek: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("postgres: seek: negative position")
	}
	f.pos = offset
	return offset, nil
}

func (f *blob) Close() error {
	f.data = nil
	return nil
}

// Stat returns the size and time of the blob at key.
func (b *Blobs) Stat(ctx context.Context, key string) (fonds.BlobInfo, error) {
	if err := checkKey("stat", key); err != nil {
		return fonds.BlobInfo{}, err
	}
	info := fonds.BlobInfo{Key: key}
	err := b.db.QueryRow(ctx, `SELECT size, modified FROM blobs WHERE key = $1`, key).Scan(&info.Size, &info.Modified)
	if err != nil {
		return fonds.BlobInfo{}, fmt.Errorf("postgres: blob %s: %w", key, translate(err))
	}
	return info, nil
}

// Delete removes the blob at key and its chunks.
func (b *Blobs) Delete(ctx context.Context, key string) error {
	if err := checkKey("delete", key); err != nil {
		return err
	}
	if _, err := b.db.Exec(ctx, `DELETE FROM blobs WHERE key = $1`, key); err != nil {
		return fmt.Errorf("postgres: delete blob %s: %w", key, translate(err))
	}
	return nil
}

// Rename gives the blob at from the key to: its chunks stay where they are.
func (b *Blobs) Rename(ctx context.Context, from, to string) error {
	if err := checkKey("rename", from); err != nil {
		return err
	}
	if err := checkKey("rename", to); err != nil {
		return err
	}
	fail := func(err error) error {
		return fmt.Errorf("postgres: rename blob %s to %s: %w", from, to, translate(err))
	}
	tx, err := b.db.Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback(ctx)
	if err := lockKey(ctx, tx, to); err != nil {
		return fail(err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM blobs WHERE key = $1 AND key <> $2`, to, from); err != nil {
		return fail(err)
	}
	tag, err := tx.Exec(ctx, `UPDATE blobs SET key = $2, modified = clock_timestamp() WHERE key = $1`, from, to)
	if err != nil {
		return fail(err)
	}
	if tag.RowsAffected() == 0 {
		return fail(fonds.ErrNotFound)
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(err)
	}
	return nil
}

// listPage is the number of keys List reads at once.
const listPage = 1000

// List reads the keys with the prefix a page at a time, calling fn between
// the queries, so that fn may use the database.
func (b *Blobs) List(ctx context.Context, prefix string, fn func(fonds.BlobInfo) error) error {
	// The keys with the prefix are those from it up to, and without, its
	// successor: the index answers the range.
	upper, bounded := successor(prefix)
	from, first := prefix, true
	for {
		var (
			rows pgx.Rows
			err  error
		)
		if bounded {
			rows, err = b.db.Query(ctx, `SELECT key, size, modified FROM blobs
				WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3`, from, upper, listPage+1)
		} else {
			rows, err = b.db.Query(ctx, `SELECT key, size, modified FROM blobs
				WHERE key >= $1 ORDER BY key LIMIT $2`, from, listPage+1)
		}
		if err != nil {
			return fmt.Errorf("postgres: list blobs: %w", translate(err))
		}
		var page []fonds.BlobInfo
		for rows.Next() {
			var (
				info     fonds.BlobInfo
				modified time.Time
			)
			if err := rows.Scan(&info.Key, &info.Size, &modified); err != nil {
				rows.Close()
				return fmt.Errorf("postgres: list blobs: %w", translate(err))
			}
			info.Modified = modified
			if !first && info.Key == from {
				continue // the last key of the page before
			}
			page = append(page, info)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("postgres: list blobs: %w", translate(err))
		}
		for _, info := range page {
			if err := fn(info); err != nil {
				return err
			}
		}
		if len(page) < listPage {
			return nil
		}
		from, first = page[len(page)-1].Key, false
	}
}

// successor returns the least string greater than every string that starts
// with prefix (in the byte order of UTF-8, the collation "C" of the key),
// and false when there is none: the prefix is empty, or all its runes are
// the greatest.
func successor(prefix string) (string, bool) {
	for prefix != "" {
		r, size := utf8.DecodeLastRuneInString(prefix)
		prefix = prefix[:len(prefix)-size]
		switch {
		case r == 0xD7FF:
			return prefix + string(rune(0xE000)), true // past the surrogates
		case r < utf8.MaxRune:
			return prefix + string(r+1), true
		}
	}
	return "", false
}
