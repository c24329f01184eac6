package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"fonds/internal/stored"
)

// migrationFiles holds the schema changes, one file each, named
// NNNN_what.sql and applied in the order of their numbers.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// A migration is one numbered schema change.
type migration struct {
	stored.Migration
	// after, if set, is what SQL cannot do of the change, run after the
	// SQL in its transaction.
	after func(context.Context, *sql.Tx) error
}

// steps are the parts of migrations written in Go, by version.
var steps = map[int]func(context.Context, *sql.Tx) error{
	5:  fillSums,
	9:  fillAccess,
	14: fillInverted,
}

// migrations returns the embedded migrations in order of version.
func migrations() ([]migration, error) {
	sms, err := stored.Migrations(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	ms := make([]migration, len(sms))
	for i, m := range sms {
		ms[i] = migration{m, steps[m.Version]}
	}
	return ms, nil
}

// SchemaVersion returns the version of the newest schema this package knows,
// which Open brings every database to.
func SchemaVersion() int {
	return stored.SchemaVersion(migrationFiles, "migrations")
}

// migrate applies to db the migrations it has not had, each in its own
// transaction, and records them in schema_migrations. It refuses a database
// migrated by a newer program, whose schema this one does not know.
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		applied TEXT NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	newest, err := storedVersion(ctx, db)
	if err != nil {
		return err
	}
	if err := stored.CheckNewer(newest, SchemaVersion()); err != nil {
		return err
	}
	for _, m := range ms {
		if err := apply(ctx, db, m); err != nil {
			return err
		}
	}
	return nil
}

// apply applies m unless it is already applied. The check is made inside
// the write transaction, so two processes opening one new database apply
// each migration once.
func apply(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if m.after != nil {
		if err := m.after(ctx, tx); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`,
		m.Version, formatTime(time.Now())); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	return nil
}

// storedVersion returns the newest version recorded in db, 0 for none.
func storedVersion(ctx context.Context, db *sql.DB) (int, error) {
	var newest sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&newest); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(newest.Int64), nil
}

// checkVersion reports whether db, which cannot be migrated, has the schema
// this package knows.
func checkVersion(ctx context.Context, db *sql.DB) error {
	v, err := storedVersion(ctx, db)
	if err != nil {
		return err
	}
	switch known := SchemaVersion(); {
	case v > known:
		return stored.CheckNewer(v, known)
	case v < known:
		return fmt.Errorf("database schema version %d is older than this program's %d: open it once where it can be written, to bring it up to date", v, known)
	}
	return nil
}
