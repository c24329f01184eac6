package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/internal/testenv"
	"fonds/postgres"

	"github.com/jackc/pgx/v5"
)

// testDatabase creates an empty database on the server FONDS_TEST_POSTGRES
// names, dropped when the test ends, and returns its URL. Without a server
// the test is skipped, or fails where tools are required.
func testDatabase(t *testing.T) string {
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
	name := "fonds_cmd_test_" + hex.EncodeToString(b)
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

// TestPostgresArchive runs an archive whose store is in PostgreSQL: import,
// check, a user, export, and two servers on the one database, each with
// its own data folder (for the search index and the derived images): the
// second serves the page images the first imported.
func TestPostgresArchive(t *testing.T) {
	db := testDatabase(t)
	data := t.TempDir()
	const id = "1990-07-01-central-committee-note-by-the-ideological"

	_, stderr, code := runCmd(t, "import", "--db", db, "--data", data, sampleDir)
	if code != 0 || !strings.Contains(stderr, "added 17, updated 0, unchanged 0, failed 0") {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(data, "fonds.db")); err == nil {
		t.Error("import --db wrote an SQLite database into the data folder")
	}
	const scanned = "1972-03-03-pb-31-7"
	mustFonds(t, "import", "--db", db, "--data", data, facsimiles(t))
	if files, _ := filepath.Glob(filepath.Join(data, "images", "*", "*")); len(files) > 0 {
		t.Errorf("import --db wrote page images into the data folder: %v", files)
	}
	out, stderr, code := runCmd(t, "check", "--db", db, "--data", data)
	if code != 0 || !strings.Contains(stderr, "2 page images: 0 problems") || !strings.HasPrefix(out, "archive digest sha256:") {
		t.Errorf("check: exit %d\n%s%s", code, out, stderr)
	}
	// FONDS_DB stands for --db: the same archive, the same digest.
	t.Setenv("FONDS_DB", db)
	again, stderr, code := runCmd(t, "check", "--data", data)
	if code != 0 || again != out {
		t.Errorf("check with FONDS_DB: exit %d, %q, want %q\n%s", code, again, out, stderr)
	}
	t.Setenv("FONDS_DB", "")

	// The user commands need no data folder.
	withStdin(t, "a long enough password\n", func() {
		mustRun(t, "user", "add", "ada", "--role", "editor", "--db", db, "--data", filepath.Join(t.TempDir(), "unused"))
	})
	if out := mustRun(t, "user", "list", "--db", db); !strings.Contains(out, "ada") {
		t.Errorf("user list =\n%s\nwant ada", out)
	}
	ctx := context.Background()
	st, err := postgres.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if u, err := st.User(ctx, "ada"); err != nil || u.Role != fonds.RoleEditor {
		t.Errorf("ada in the database: %+v, %v", u, err)
	}
	if out := mustRun(t, "export", "--db", db, "--format", "json", id); !strings.Contains(out, `"id":"`+id+`"`) {
		t.Errorf("export:\n%.300s", out)
	}

	base, first, firstErr := startServer(t, "--db", db, "--data", data)
	code, body := get(t, base+"/documents/"+id)
	if code != 200 || !strings.Contains(body, "Яковлев") {
		t.Errorf("GET the document: %d\n%.500s", code, body)
	}
	if !found(t, base, "Iakovlev", id) {
		t.Errorf("a search for Iakovlev does not find %s", id)
	}

	// A second server on the same database, with a data folder of its own:
	// it reads the same store, and builds its index from it. Its URL holds
	// a password (which the test server, trusting local connections,
	// ignores): the log shows the URL without it.
	const secret = "hunter2secret"
	withPassword, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	withPassword.User = url.UserPassword(withPassword.User.Username(), secret)
	other, second, secondErr := startServer(t, "--db", withPassword.String(), "--data", t.TempDir())
	code, body = get(t, other+"/documents/"+id)
	if code != 200 || !strings.Contains(body, id) {
		t.Errorf("GET the document from the second server: %d\n%.500s", code, body)
	}
	eventually(t, time.Minute, "the second server's index built from the database", func() bool {
		return found(t, other, "Iakovlev", id)
	})
	// The scans the first imported, from the database; each server
	// derives its own.
	for _, b := range []string{other, base} {
		resp, err := http.Get(b + "/iiif/image/" + scanned + "~2/full/!480,720/0/default.jpg")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("GET the scan of page 2 from %s = %d %s", b, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	terminate(t, second, secondErr)
	if log := secondErr.String(); strings.Contains(log, secret) || !strings.Contains(log, ":xxxxx@") {
		t.Errorf("the server's log shows the password, or not the database:\n%s", log)
	}

	// reindex, beside the first server, asks it to rebuild its index.
	if _, stderr, code := runCmd(t, "reindex", "--db", db, "--data", data); code != 0 || !strings.Contains(stderr, "18 published documents") {
		t.Errorf("reindex: exit %d\n%s", code, stderr)
	}
	if !found(t, base, "Iakovlev", id) {
		t.Errorf("after reindex, a search for Iakovlev does not find %s", id)
	}
	terminate(t, first, firstErr)
}

// facsimiles returns a folder holding a transcription of two pages and
// their scans beside it, NAME/ beside NAME.txt.
func facsimiles(t *testing.T) string {
	src := t.TempDir()
	doc := "3 March 1972* (Pb 31/7) Writers\n\nSecretariat. Note (2 pp). Invented example.\n\n[page 1]\n\nFirst.\n\n[page 2]\n\nSecond.\n"
	if err := os.WriteFile(filepath.Join(src, "note.txt"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(src, "note"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"scan-1.png", "scan-2.png"} {
		var b bytes.Buffer
		if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 300, 420))); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, "note", name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

// TestPostgresURLErrors checks that a bad --db or FONDS_DB names the flag
// or the variable, and never shows the password; and that backup refuses a
// PostgreSQL archive with a clear error. It needs no server: nothing
// listens on port 1.
func TestPostgresURLErrors(t *testing.T) {
	const secret = "hunter2secret"
	tests := []struct {
		args []string
		env  string
		code int
		want string
	}{
		{args: []string{"user", "list", "--db", "mysql://ada:" + secret + "@127.0.0.1/x"}, code: 2, want: "--db mysql://ada:xxxxx@127.0.0.1/x: want a postgres:// URL"},
		{args: []string{"user", "list", "--db", "postgres://ada:" + secret + "@127.0.0.1:port/x"}, code: 2, want: "--db is not a URL"},
		{args: []string{"user", "list", "--db", "postgres://ada:" + secret + "@127.0.0.1:5432"}, code: 2, want: "name the database"},
		{args: []string{"check", "--db", "postgres://ada:" + secret + "@127.0.0.1:1/x", "--data", t.TempDir()}, code: 1, want: "--db postgres://ada:xxxxx@127.0.0.1:1/x"},
		{args: []string{"site", "show"}, env: "postgres://ada:" + secret + "@127.0.0.1:1/x", code: 1, want: "FONDS_DB postgres://ada:xxxxx@127.0.0.1:1/x"},
		{args: []string{"backup", "--db", "postgres://ada:" + secret + "@127.0.0.1:1/x", filepath.Join(t.TempDir(), "b.tar.gz")}, code: 1, want: "use pg_dump"},
		{args: []string{"restore", "--db", "postgres://ada:" + secret + "@127.0.0.1:1/x", "--data", t.TempDir(), "b.tar.gz"}, code: 2, want: "pg_restore"},
	}
	for _, tt := range tests {
		t.Setenv("FONDS_DB", tt.env)
		out, stderr, code := runCmd(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) || strings.Contains(out+stderr, secret) {
			t.Errorf("fonds %s (FONDS_DB=%q): exit %d\n%s%s\nwant exit %d and %q, without the password", strings.Join(tt.args, " "), tt.env, code, out, stderr, tt.code, tt.want)
		}
	}
}
