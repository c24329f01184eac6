package postgres

import (
	"context"
	"embed"
	"fmt"

	"fonds/internal/stored"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles holds the schema changes, one file each, named
// NNNN_what.sql and applied in the order of their numbers.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// SchemaVersion returns the version of the newest schema this package
// knows, which Open brings every database to.
func SchemaVersion() int {
	return stored.SchemaVersion(migrationFiles, "migrations")
}

// migrate applies to db the migrations it has not had, each in its own
// transaction, and records them in schema_migrations. Each transaction
// first takes the schema's advisory lock, so that of two processes opening
// one database at once the second waits, then finds the migration applied.
// It refuses a database migrated by a newer program.
func migrate(ctx context.Context, db *pgxpool.Pool) error {
	ms, err := stored.Migrations(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	known := SchemaVersion()
	for _, m := range ms {
		if err := apply(ctx, db, m, known); err != nil {
			return err
		}
	}
	return nil
}

// apply applies m unless the database has it.
func apply(ctx context.Context, db *pgxpool.Pool, m stored.Migration, known int) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, 0)`, int32(lockSchema)); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY,
		applied timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var newest int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if err := stored.CheckNewer(newest, known); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if n > 0 {
		return nil
	}
	// Without arguments the file goes in the simple protocol, which runs
	// its several statements in order.
	if _, err := tx.Exec(ctx, m.SQL, pgx.QueryExecModeSimpleProtocol); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, m.Version); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migration %s: %w", m.Name, err)
	}
	return nil
}
