package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"fonds"
	"fonds/internal/pgtest"
	"fonds/postgres"
)

// testDatabase returns the URL of a PostgreSQL database of the test's own
// (see pgtest.Database).
func testDatabase(t *testing.T) string {
	t.Helper()
	return pgtest.Database(t)
}

// TestPostgresArchive runs an archive whose store is in PostgreSQL: import,
// check, a user, export, and two servers on the one database, each with
// its own data folder (for the derived images): the second serves the page
// images the first imported, and searches the index in the database, which
// the import wrote.
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
	if _, err := os.Stat(filepath.Join(data, "index")); err == nil {
		t.Error("import --db wrote a search index into the data folder")
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
	// it reads the same store and the same search index. Its URL holds
	// a password (which the test server, trusting local connections,
	// ignores): the log shows the URL without it.
	const secret = "hunter2secret"
	withPassword, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	withPassword.User = url.UserPassword(withPassword.User.Username(), secret)
	otherData := t.TempDir()
	other, second, secondErr := startServer(t, "--db", withPassword.String(), "--data", otherData, "--follow", "200ms")
	code, body = get(t, other+"/documents/"+id)
	if code != 200 || !strings.Contains(body, id) {
		t.Errorf("GET the document from the second server: %d\n%.500s", code, body)
	}
	// The import through the first's folder is found through the second
	// at once: there is one index, in the database.
	if !found(t, other, "Iakovlev", id) {
		t.Errorf("a search for Iakovlev through the second server does not find %s", id)
	}
	if _, err := os.Stat(filepath.Join(otherData, "index")); err == nil {
		t.Error("the second server made a search index in its data folder")
	}
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
	editThroughOne(t, st, db, base, other, id)
	terminate(t, second, secondErr)
	if log := secondErr.String(); strings.Contains(log, secret) || !strings.Contains(log, ":xxxxx@") {
		t.Errorf("the server's log shows the password, or not the database:\n%s", log)
	}

	// The indexed words of the document lost, its row left at its hash,
	// as an index written by another analysis would be: an index Put
	// leaves such a document as it is, a reindex writes it again.
	ix, err := st.Index()
	if err != nil {
		t.Fatal(err)
	}
	finds := func() bool {
		t.Helper()
		res, err := ix.Search(context.Background(), fonds.SearchRequest{Query: "Iakovlev"})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(res.Hits, func(h fonds.Hit) bool { return h.ID == id })
	}
	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), `DELETE FROM search_elements WHERE doc_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	conn.Close(context.Background())
	if finds() {
		t.Fatalf("Iakovlev finds %s with its words lost", id)
	}

	// reindex, beside the first server, rebuilds the index in the
	// database, which the server searches meanwhile.
	if _, stderr, code := runCmd(t, "reindex", "--db", db, "--data", data); code != 0 || !strings.Contains(stderr, "19 published documents") {
		t.Errorf("reindex: exit %d\n%s", code, stderr)
	}
	if !finds() {
		t.Errorf("after reindex, Iakovlev does not find %s in the index", id)
	}
	if !found(t, base, "Iakovlev", id) {
		t.Errorf("after reindex, a search for Iakovlev does not find %s", id)
	}
	terminate(t, first, firstErr)
}

// editThroughOne edits the document id through the server at one, as an
// editor does through the API, then imports a new document through the
// store, and reads both changes — page and search — through the server at
// other within a second.
func editThroughOne(t *testing.T, st *postgres.Store, db, one, other, id string) {
	t.Helper()
	ctx := context.Background()
	const token = "token-of-ada"
	sum := sha256.Sum256([]byte(token))
	now := time.Now()
	sess := &fonds.Session{ID: hex.EncodeToString(sum[:]), User: "ada", CSRF: "csrf-of-ada", Created: now, Seen: now}
	if err := st.PutSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	d, err := st.Document(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	code, text := get(t, one+"/documents/"+id+".txt")
	if code != 200 {
		t.Fatalf("GET %s.txt = %d", id, code)
	}
	const word = "Quillfeather"
	i := strings.Index(text, "\n\n")
	if i < 0 {
		t.Fatalf("%s.txt has no paragraph:\n%s", id, text)
	}
	text = text[:i] + "\n\nA paragraph about " + word + " added by an editor." + text[i:]
	req, err := http.NewRequest(http.MethodPut, one+"/api/v1/documents/"+id, strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", "fonds_session="+token)
	req.Header.Set("X-CSRF-Token", sess.CSRF)
	req.Header.Set("If-Match", fmt.Sprintf("%q", strconv.Itoa(d.Version)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT %s through the first server = %d", id, resp.StatusCode)
	}
	took := eventually(t, time.Second, "the edit, seen through the second server", func() bool {
		_, page := get(t, other+"/documents/"+id)
		return strings.Contains(page, word) && found(t, other, word, id)
	})
	t.Logf("an edit through one server, page and search through the other: %v", took)

	// A document imported by another process: the same.
	dir := t.TempDir()
	file := "02 April 1979*, Pb 150/7\n\nCC CPSU. On the Tarnowskian question. Invented example.\n\nThe Tarnowskian question was raised again.\n"
	if err := os.WriteFile(filepath.Join(dir, "new.txt"), []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	mustFonds(t, "import", "--db", db, "--data", t.TempDir(), dir)
	hit := regexp.MustCompile(`"id": ?"([^"]+)"`)
	took = eventually(t, time.Second, "the import, seen through the second server", func() bool {
		code, body := get(t, other+"/api/v1/search?q=Tarnowskian")
		m := hit.FindStringSubmatch(body)
		if code != 200 || m == nil {
			return false
		}
		code, page := get(t, other+"/documents/"+m[1])
		return code == 200 && strings.Contains(page, "Tarnowskian")
	})
	t.Logf("an import beside both servers, page and search through the second: %v", took)
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
		{args: []string{"check", "--db", "postgres://ada@127.0.0.1:1/x?password=" + secret, "--data", t.TempDir()}, code: 1, want: "password=xxxxx"},
		{args: []string{"check", "--db", "postgres://ada@127.0.0.1:1/x?sslpassword=" + secret + "&password=" + secret, "--data", t.TempDir()}, code: 1, want: "--db postgres://ada@127.0.0.1:1/x?"},
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
