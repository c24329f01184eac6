package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fonds"
	"fonds/postgres"
	"fonds/sqlite"
)

// dbEnv names the environment variable that gives --db its default.
const dbEnv = "FONDS_DB"

// location is where an archive is kept: its data folder, and the database
// that holds its store and page images when that is PostgreSQL rather than
// the SQLite file in the data folder. The search index and the cache of
// derived images stay in the data folder either way.
type location struct {
	data string
	db   dbFlag
}

// dbFlag is the --db flag. It prints no default: the default comes from
// FONDS_DB, which may hold a password that "fonds serve -h" must not show.
type dbFlag struct {
	url string
	set bool // given on the command line, even as ""
}

func (f *dbFlag) String() string     { return redactURL(f.url) }
func (f *dbFlag) Set(v string) error { f.url, f.set = v, true; return nil }

// locationFlags adds --data and --db to fs.
func locationFlags(fs *flag.FlagSet) *location {
	l := new(location)
	fs.StringVar(&l.data, "data", "fonds-data", "the data `folder`")
	fs.Var(&l.db, "db", "keep the store and page images in the PostgreSQL database at this `URL` (postgres://user:password@host:5432/name; default $"+dbEnv+"); the search index and derived images stay in --data")
	return l
}

// dbURL returns the URL of the PostgreSQL database the store is in, and
// the name of where it came from (--db or FONDS_DB); "" for the SQLite
// store of the data folder.
func (l *location) dbURL() (raw, from string) {
	if l.db.set {
		return l.db.url, "--db"
	}
	return os.Getenv(dbEnv), dbEnv
}

// postgresURL checks the URL given by --db or FONDS_DB (from) and returns
// it ready to open. A mistake is a usageError naming from, never showing
// the password.
func postgresURL(raw, from string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password and all: keep only
		// what it found wrong.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", usageError{fmt.Sprintf("%s is not a URL (%v): want postgres://user:password@host:5432/name", from, err)}
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return "", usageError{fmt.Sprintf("%s %s: want a postgres:// URL (postgres://user:password@host:5432/name)", from, u.Redacted())}
	}
	if strings.Trim(u.Path, "/") == "" {
		return "", usageError{fmt.Sprintf("%s %s: name the database (postgres://host:5432/NAME)", from, u.Redacted())}
	}
	// A server that does not answer should not hang a command forever.
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "10")
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// secretParams are the parameters of a PostgreSQL URL that hold secrets,
// besides the password before the "@".
var secretParams = []string{"password", "sslpassword"}

// redactURL returns the URL with its passwords, if any — before the "@"
// or as a parameter — replaced by "xxxxx", as it may be shown in a log or
// an error.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") || strings.Contains(strings.ToLower(raw), "password") {
			return "(a URL that does not parse)"
		}
		return raw
	}
	q := u.Query()
	changed := false
	for _, p := range secretParams {
		if q.Has(p) {
			q.Set(p, "xxxxx")
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// passwords returns the secrets the URL raw holds.
func passwords(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	if u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			out = append(out, pw, url.UserPassword("", pw).String()[1:])
		}
	}
	q := u.Query()
	for _, p := range secretParams {
		if v := q.Get(p); v != "" {
			out = append(out, v, url.QueryEscape(v))
		}
	}
	return out
}

// redactError returns err with any appearance of a secret of the URL raw
// replaced, so that it may be shown.
func redactError(err error, raw string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := msg
	for _, pw := range passwords(raw) {
		clean = strings.ReplaceAll(clean, pw, "xxxxx")
	}
	if clean == msg {
		return err
	}
	return redacted{msg: clean, err: err}
}

// redacted is an error whose message no longer shows a password; errors.Is
// still sees through it.
type redacted struct {
	msg string
	err error
}

func (e redacted) Error() string { return e.msg }
func (e redacted) Unwrap() error { return e.err }

// openStoreAt opens the store of the archive at l: the PostgreSQL database
// of --db or FONDS_DB, else the SQLite database in the data folder,
// created if need be.
func openStoreAt(ctx context.Context, l *location) (fonds.Store, error) {
	raw, from := l.dbURL()
	if raw == "" {
		return sqlite.Open(filepath.Join(l.data, "fonds.db"))
	}
	return openPostgres(ctx, raw, from)
}

// openPostgres opens the PostgreSQL store at the URL raw, given by from.
func openPostgres(ctx context.Context, raw, from string) (*postgres.Store, error) {
	dsn, err := postgresURL(raw, from)
	if err != nil {
		return nil, err
	}
	s, err := postgres.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", from, redactURL(raw), redactError(err, raw))
	}
	return s, nil
}

// isPostgres reports whether the store of the archive is kept in
// PostgreSQL.
func (l *location) isPostgres() bool {
	raw, _ := l.dbURL()
	return raw != ""
}
