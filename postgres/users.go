package postgres

import (
	"context"
	"fmt"
	"time"

	"fonds"
	"fonds/internal/stored"

	"github.com/jackc/pgx/v5"
)

// sweep is how many failures of other keys a call of LoginFailures forgets
// at most, beside those of its own.
const sweep = 16

// lockLogins is the class of the advisory lock under which failed
// sign-ins are counted.
const lockLogins = 4

// PutUser adds the user, or replaces the one with its name, keeping its
// creation time. It sets u.Created and u.Updated, and leaves u untouched
// when it fails.
func (s *Store) PutUser(ctx context.Context, u *fonds.User) error {
	if err := stored.CheckUser(u); err != nil {
		return fmt.Errorf("postgres: put user: %w", err)
	}
	t := now()
	var created time.Time
	err := s.db.QueryRow(ctx, `INSERT INTO users
		(name, full_name, email, role, disabled, password_hash, created, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		ON CONFLICT (name) DO UPDATE SET
			full_name = excluded.full_name, email = excluded.email, role = excluded.role,
			disabled = excluded.disabled, password_hash = excluded.password_hash, updated = excluded.updated
		RETURNING created`,
		u.Name, u.FullName, u.Email, string(u.Role), u.Disabled, u.PasswordHash, t).Scan(&created)
	if err != nil {
		return fmt.Errorf("postgres: put user %s: %w", u.Name, translate(err))
	}
	u.Created, u.Updated = created.UTC(), t
	return nil
}

const userColumns = `name, full_name, email, role, disabled, password_hash, created, updated`

func scanUser(row pgx.Row) (*fonds.User, error) {
	var u fonds.User
	var role string
	if err := row.Scan(&u.Name, &u.FullName, &u.Email, &role, &u.Disabled, &u.PasswordHash, &u.Created, &u.Updated); err != nil {
		return nil, err
	}
	u.Role, u.Created, u.Updated = fonds.Role(role), u.Created.UTC(), u.Updated.UTC()
	return &u, nil
}

// User returns the user with the name, or fonds.ErrNotFound.
func (s *Store) User(ctx context.Context, name string) (*fonds.User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name))
	if err != nil {
		return nil, fmt.Errorf("postgres: user %q: %w", name, translate(err))
	}
	return u, nil
}

// Users returns every user, by name.
func (s *Store) Users(ctx context.Context) ([]*fonds.User, error) {
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("postgres: users: %w", translate(err))
	}
	us, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*fonds.User, error) { return scanUser(row) })
	if err != nil {
		return nil, fmt.Errorf("postgres: users: %w", translate(err))
	}
	if us == nil {
		us = []*fonds.User{}
	}
	return us, nil
}

// PutSession adds the session, or updates the one with its ID. An update
// keeps the stored creation time, so that keeping a session in use never
// moves its absolute expiry. A zero Created or Seen is the current time.
// It sets ss.Created and ss.Seen as stored, and leaves ss untouched when
// it fails. A session of a user that does not exist is an ErrInvalid.
func (s *Store) PutSession(ctx context.Context, ss *fonds.Session) error {
	if err := stored.CheckSession(ss); err != nil {
		return fmt.Errorf("postgres: put session: %w", err)
	}
	t := now()
	created, seen := ss.Created.UTC().Truncate(time.Microsecond), ss.Seen.UTC().Truncate(time.Microsecond)
	if ss.Created.IsZero() {
		created = t
	}
	if ss.Seen.IsZero() {
		seen = t
	}
	var kept time.Time
	err := s.db.QueryRow(ctx, `INSERT INTO sessions (id, user_name, csrf, address, created, seen)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET
			user_name = excluded.user_name, csrf = excluded.csrf, address = excluded.address, seen = excluded.seen
		RETURNING created`,
		ss.ID, ss.User, ss.CSRF, ss.Address, created, seen).Scan(&kept)
	if isForeignKey(err) {
		return fmt.Errorf("postgres: put session: %w: user %q does not exist", fonds.ErrInvalid, ss.User)
	}
	if err != nil {
		return fmt.Errorf("postgres: put session: %w", translate(err))
	}
	ss.Created, ss.Seen = kept.UTC(), seen
	return nil
}

// TouchSession sets the last request of the session with the id, if it is
// still there.
func (s *Store) TouchSession(ctx context.Context, id string, seen time.Time) error {
	if !stored.ValidSessionID(id) {
		return fmt.Errorf("postgres: touch session: %w: the id is not a hex SHA-256", fonds.ErrInvalid)
	}
	tag, err := s.db.Exec(ctx, `UPDATE sessions SET seen = $1 WHERE id = $2`, seen.UTC(), id)
	if err != nil {
		return fmt.Errorf("postgres: touch session: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: touch session: %w", fonds.ErrNotFound)
	}
	return nil
}

// Session returns the session with the ID, or fonds.ErrNotFound.
func (s *Store) Session(ctx context.Context, id string) (*fonds.Session, error) {
	var ss fonds.Session
	err := s.db.QueryRow(ctx, `SELECT id, user_name, csrf, address, created, seen FROM sessions WHERE id = $1`, id).
		Scan(&ss.ID, &ss.User, &ss.CSRF, &ss.Address, &ss.Created, &ss.Seen)
	if err != nil {
		// The id is not quoted: it is as good as a password to whoever
		// holds the token.
		return nil, fmt.Errorf("postgres: session: %w", translate(err))
	}
	ss.Created, ss.Seen = ss.Created.UTC(), ss.Seen.UTC()
	return &ss, nil
}

// DeleteSessions removes the session with the id, or every session of the
// user, or every session last seen before seenBefore: exactly one of the
// three must be given, else it is an ErrInvalid, so that a mistake never
// signs everyone out.
func (s *Store) DeleteSessions(ctx context.Context, id, user string, seenBefore time.Time) error {
	if err := stored.CheckSessionsDeletion(id, user, seenBefore); err != nil {
		return fmt.Errorf("postgres: delete sessions: %w", err)
	}
	var err error
	switch {
	case id != "":
		_, err = s.db.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	case user != "":
		_, err = s.db.Exec(ctx, `DELETE FROM sessions WHERE user_name = $1`, user)
	default:
		_, err = s.db.Exec(ctx, `DELETE FROM sessions WHERE seen < $1`, seenBefore.UTC())
	}
	if err != nil {
		return fmt.Errorf("postgres: delete sessions: %w", translate(err))
	}
	return nil
}

// LoginFailures forgets the failures of the keys older than since, records
// one now under each key when record is set, and returns the most failures
// any of the keys has had since then, in one transaction under a lock held
// to its commit: two sign-ins failing at once, on one server or two, count
// one after the other. It also forgets a few of the oldest failures of
// other keys older than since, so that a key asked about once is not kept
// forever.
func (s *Store) LoginFailures(ctx context.Context, since time.Time, record bool, keys ...string) (int, error) {
	keys, err := stored.CheckKeys(keys)
	if err != nil {
		return 0, fmt.Errorf("postgres: login failures: %w", err)
	}
	most := 0
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		most = 0
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, 0)`, int32(lockLogins)); err != nil {
			return err
		}
		at, cut := now(), since.UTC()
		for _, k := range keys {
			if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = $1 AND at < $2`, k, cut); err != nil {
				return err
			}
			if record {
				if _, err := tx.Exec(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, k, at); err != nil {
					return err
				}
			}
			var n int
			// at >= since: a failure recorded now, before a since to
			// come, does not count.
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE key = $1 AND at >= $2`, k, cut).Scan(&n); err != nil {
				return err
			}
			most = max(most, n)
		}
		_, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE ctid IN
			(SELECT ctid FROM login_failures WHERE at < $1 ORDER BY at LIMIT $2)`, cut, sweep)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: login failures: %w", translate(err))
	}
	return most, nil
}
