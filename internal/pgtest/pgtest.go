// Package pgtest gives tests a PostgreSQL database of their own, on the
// server FONDS_TEST_POSTGRES names.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"fonds/internal/testenv"

	"github.com/jackc/pgx/v5"
)

// Database creates an empty database on the server FONDS_TEST_POSTGRES
// names, dropped when the test ends, and returns its URL. Without a server
// the test is skipped, or fails where tools are required (testenv).
func Database(t testing.TB) string {
	t.Helper()
	server := os.Getenv("FONDS_TEST_POSTGRES")
	if server == "" {
		testenv.Missing(t, "FONDS_TEST_POSTGRES does not name a PostgreSQL server (postgres://user@localhost:5432/db)")
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("FONDS_TEST_POSTGRES: %v", err)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connect to FONDS_TEST_POSTGRES: %v", err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 8)
	rand.Read(b)
	name := "fonds_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Errorf("connect to drop database %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
