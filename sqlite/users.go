package sqlite

import (
	"context"
	"fmt"
	"time"

	"fonds"
	"fonds/internal/stored"
)

// sweep is how many failures of other keys a call of LoginFailures
// forgets at most, beside those of its own.
const sweep = 16

// PutUser adds the user, or replaces the one with its name, keeping its
// creation time. It sets u.Created and u.Updated, and leaves u untouched
// when it fails.
func (s *Store) PutUser(ctx context.Context, u *fonds.User) error {
	if err := stored.CheckUser(u); err != nil {
		return fmt.Errorf("sqlite: put user: %w", err)
	}
	db, err := s.writer()
	if err != nil {
		return fmt.Errorf("sqlite: put user %s: %w", u.Name, err)
	}
	t := now()
	disabled := 0
	if u.Disabled {
		disabled = 1
	}
	var created string
	err = db.QueryRowContext(ctx, `INSERT INTO users
		(name, full_name, email, role, disabled, password_hash, created, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			full_name = excluded.full_name, email = excluded.email, role = excluded.role,
			disabled = excluded.disabled, password_hash = excluded.password_hash, updated = excluded.updated
		RETURNING created`,
		u.Name, u.FullName, u.Email, string(u.Role), disabled, u.PasswordHash, formatTime(t), formatTime(t)).Scan(&created)
	if err != nil {
		return fmt.Errorf("sqlite: put user %s: %w", u.Name, translate(err))
	}
	c, err := parseTime(created)
	if err != nil {
		return fmt.Errorf("sqlite: put user %s: stored creation time: %w", u.Name, err)
	}
	u.Created, u.Updated = c, t
	return nil
}

const userColumns = `name, full_name, email, role, disabled, password_hash, created, updated`

// scanUser reads a row of userColumns.
func scanUser(row interface{ Scan(...any) error }) (*fonds.User, error) {
	var (
		u                fonds.User
		role             string
		created, updated string
	)
	if err := row.Scan(&u.Name, &u.FullName, &u.Email, &role, &u.Disabled, &u.PasswordHash, &created, &updated); err != nil {
		return nil, err
	}
	u.Role = fonds.Role(role)
	var err error
	if u.Created, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("stored creation time: %w", err)
	}
	if u.Updated, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("stored update time: %w", err)
	}
	return &u, nil
}

// User returns the user with the name, or fonds.ErrNotFound.
func (s *Store) User(ctx context.Context, name string) (*fonds.User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`, name))
	if err != nil {
		return nil, fmt.Errorf("sqlite: user %q: %w", name, translate(err))
	}
	return u, nil
}

// Users returns every user, by name.
func (s *Store) Users(ctx context.Context) ([]*fonds.User, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: users: %w", translate(err))
	}
	defer rows.Close()
	us := []*fonds.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: users: %w", err)
		}
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: users: %w", translate(err))
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
		return fmt.Errorf("sqlite: put session: %w", err)
	}
	db, err := s.writer()
	if err != nil {
		return fmt.Errorf("sqlite: put session: %w", err)
	}
	t := now()
	created, seen := ss.Created.UTC().Round(0), ss.Seen.UTC().Round(0)
	if ss.Created.IsZero() {
		created = t
	}
	if ss.Seen.IsZero() {
		seen = t
	}
	var kept string
	err = db.QueryRowContext(ctx, `INSERT INTO sessions (id, user, csrf, address, created, seen)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			user = excluded.user, csrf = excluded.csrf, address = excluded.address, seen = excluded.seen
		RETURNING created`,
		ss.ID, ss.User, ss.CSRF, ss.Address, formatTime(created), formatTime(seen)).Scan(&kept)
	if isForeignKey(err) {
		return fmt.Errorf("sqlite: put session: %w: user %q does not exist", fonds.ErrInvalid, ss.User)
	}
	if err != nil {
		return fmt.Errorf("sqlite: put session: %w", translate(err))
	}
	if created, err = parseTime(kept); err != nil {
		return fmt.Errorf("sqlite: put session: stored creation time: %w", err)
	}
	ss.Created, ss.Seen = created, seen
	return nil
}

// TouchSession sets the last request of the session with the id, if it is
// still there.
func (s *Store) TouchSession(ctx context.Context, id string, seen time.Time) error {
	if !stored.ValidSessionID(id) {
		return fmt.Errorf("sqlite: touch session: %w: the id is not a hex SHA-256", fonds.ErrInvalid)
	}
	db, err := s.writer()
	if err != nil {
		return fmt.Errorf("sqlite: touch session: %w", err)
	}
	res, err := db.ExecContext(ctx, `UPDATE sessions SET seen = ? WHERE id = ?`, formatTime(seen.UTC().Round(0)), id)
	if err != nil {
		return fmt.Errorf("sqlite: touch session: %w", translate(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: touch session: %w", err)
	} else if n == 0 {
		return fmt.Errorf("sqlite: touch session: %w", fonds.ErrNotFound)
	}
	return nil
}

// Session returns the session with the ID, or fonds.ErrNotFound.
func (s *Store) Session(ctx context.Context, id string) (*fonds.Session, error) {
	var (
		ss            fonds.Session
		created, seen string
	)
	err := s.read.QueryRowContext(ctx, `SELECT id, user, csrf, address, created, seen FROM sessions WHERE id = ?`, id).
		Scan(&ss.ID, &ss.User, &ss.CSRF, &ss.Address, &created, &seen)
	if err != nil {
		// The id is not quoted: it is as good as a password to whoever
		// holds the token.
		return nil, fmt.Errorf("sqlite: session: %w", translate(err))
	}
	if ss.Created, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("sqlite: session: stored creation time: %w", err)
	}
	if ss.Seen, err = parseTime(seen); err != nil {
		return nil, fmt.Errorf("sqlite: session: stored time last seen: %w", err)
	}
	return &ss, nil
}

// DeleteSessions removes the session with the id, or every session of the
// user, or every session last seen before seenBefore: exactly one of the
// three must be given (not empty, not zero), else it is an ErrInvalid, so
// that a mistake never signs everyone out. Removing sessions that do not
// exist is no error.
func (s *Store) DeleteSessions(ctx context.Context, id, user string, seenBefore time.Time) error {
	if err := stored.CheckSessionsDeletion(id, user, seenBefore); err != nil {
		return fmt.Errorf("sqlite: delete sessions: %w", err)
	}
	db, err := s.writer()
	if err != nil {
		return fmt.Errorf("sqlite: delete sessions: %w", err)
	}
	switch {
	case id != "":
		_, err = db.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	case user != "":
		_, err = db.ExecContext(ctx, `DELETE FROM sessions WHERE user = ?`, user)
	default:
		_, err = db.ExecContext(ctx, `DELETE FROM sessions WHERE seen < ?`, formatTime(seenBefore))
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete sessions: %w", translate(err))
	}
	return nil
}

// LoginFailures forgets the failures of the keys older than since, records
// one now under each key when record is set, and returns the most failures
// any of the keys has had since then. It does so in one transaction, which
// holds the write lock from its start: two sign-ins failing at once count
// one after the other, each seeing the other's failure or being seen by it.
// It costs O(log n) beside the failures of the keys.
//
// It also forgets a few of the oldest failures of other keys, when they are
// older than since: a key asked about once (an address that tried once)
// would otherwise be kept forever. A throttle passes the same window to
// every call, so this never forgets a failure it still counts.
//
// There must be 1 to 8 keys, each of 1 to 300 bytes; others are an
// ErrInvalid.
func (s *Store) LoginFailures(ctx context.Context, since time.Time, record bool, keys ...string) (int, error) {
	keys, err := stored.CheckKeys(keys)
	if err != nil {
		return 0, fmt.Errorf("sqlite: login failures: %w", err)
	}
	n, err := s.loginFailures(ctx, since, record, keys)
	if err != nil {
		return 0, fmt.Errorf("sqlite: login failures: %w", translate(err))
	}
	return n, nil
}

func (s *Store) loginFailures(ctx context.Context, since time.Time, record bool, keys []string) (int, error) {
	db, err := s.writer()
	if err != nil {
		return 0, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	at, cut := formatTime(now()), formatTime(since)
	most := 0
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ? AND at < ?`, k, cut); err != nil {
			return 0, err
		}
		if record {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, k, at); err != nil {
				return 0, err
			}
		}
		var n int
		// at >= since: a failure recorded now, before a since to come,
		// does not count.
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM login_failures WHERE key = ? AND at >= ?`, k, cut).Scan(&n)
		if err != nil {
			return 0, err
		}
		most = max(most, n)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE rowid IN
		(SELECT rowid FROM login_failures WHERE at < ? ORDER BY at LIMIT ?)`, cut, sweep); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return most, nil
}
