package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fonds"
)

// TestMigrate moves an archive of the sample collection and the shared
// corpus, with page images, users, edits, a deletion and an entity's
// description, from a data folder to PostgreSQL and back to another
// folder: fonds check is clean on all three, with the same counts and
// digest; a target that is not empty is refused.
func TestMigrate(t *testing.T) {
	corpus := corpusDir(t)
	db := testDatabase(t)
	from := filepath.Join(t.TempDir(), "from")
	mustFonds(t, "import", "--data", from, sampleDir)
	mustFonds(t, "import", "--data", from, filepath.Join(corpus, "frus"))
	mustFonds(t, "import", "--data", from, corpus, facsimiles(t))
	editArchive(t, from)

	check := func(args ...string) string {
		t.Helper()
		out, stderr := mustFonds(t, append([]string{"check"}, args...)...)
		if !strings.Contains(stderr, ": 0 problems") {
			t.Errorf("check %v: %s", args, stderr)
		}
		return out
	}
	want := check("--data", from)
	counts := regexp.MustCompile(`documents (\d+), versions (\d+), images (\d+), users (\d+), audit entries (\d+), aliases (\d+), deletions (\d+)`)
	m := counts.FindStringSubmatch(want)
	if m == nil {
		t.Fatalf("check prints no counts:\n%s", want)
	}
	for i, name := range []string{"documents", "versions", "images", "users", "audit entries", "aliases", "deletions"} {
		if m[i+1] == "0" {
			t.Errorf("check counts no %s: %s", name, m[0])
		}
	}
	t.Logf("the archive: %s", m[0])

	pgData := t.TempDir()
	start := time.Now()
	_, stderr := mustFonds(t, "migrate", "--from", from, "--to", db, "--data", pgData)
	t.Logf("folder → PostgreSQL in %s: %s", time.Since(start).Round(time.Millisecond), lastLines(stderr, 3))
	if got := check("--db", db, "--data", pgData); got != want {
		t.Errorf("check of the PostgreSQL archive:\n%s\nwant, as the folder's:\n%s", got, want)
	}

	back := filepath.Join(t.TempDir(), "back")
	start = time.Now()
	_, stderr = mustFonds(t, "migrate", "--from", db, "--to", back)
	t.Logf("PostgreSQL → folder in %s: %s", time.Since(start).Round(time.Millisecond), lastLines(stderr, 3))
	if got := check("--data", back); got != want {
		t.Errorf("check of the folder migrated back:\n%s\nwant, as the first folder's:\n%s", got, want)
	}
	// The search index was built: a search finds what the first archive
	// holds.
	if out, _ := mustFonds(t, "export", "--data", back, "--format", "json", seedID); !strings.Contains(out, `"Human rights"`) {
		t.Errorf("export of the seed from the folder migrated back:\n%.500s", out)
	}

	t.Run("refusals", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"migrate", "--from", from, "--to", back}, 1, "not empty"},
			{[]string{"migrate", "--from", back, "--to", db, "--data", t.TempDir()}, 1, "not empty"},
			{[]string{"migrate", "--from", filepath.Join(t.TempDir(), "none"), "--to", t.TempDir()}, 1, "holds no archive"},
			{[]string{"migrate", "--from", from, "--to", db}, 2, "give --data"},
			{[]string{"migrate", "--from", from}, 2, "give both"},
		} {
			_, stderr, code := runFonds(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("fonds %s: exit %d, want %d and %q:\n%s", strings.Join(tc.args, " "), code, tc.code, tc.want, stderr)
			}
		}
		// The refused target is as it was.
		if got := check("--data", back); got != want {
			t.Errorf("check of the folder after a refused migration:\n%s\nwant\n%s", got, want)
		}
	})
}

// editArchive adds to the archive in dir what an import does not: users,
// an edit by one of them, a deletion, an audited sign-in and an entity's
// description.
func editArchive(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	s := openData(t, dir)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.PutUser(ctx, &fonds.User{Name: "ed", FullName: "An Editor", Role: fonds.RoleEditor, PasswordHash: "not-a-real-hash"}))
	must(s.PutUser(ctx, &fonds.User{Name: "reader", Role: fonds.RoleReader, PasswordHash: "not-a-real-hash-either"}))
	must(s.Audit(ctx, &fonds.AuditEntry{User: "ed", Address: "127.0.0.1", Action: "login"}))
	d, err := s.Document(ctx, seedID)
	must(err)
	d.Summary += " (checked)"
	_, err = s.SaveDocument(ctx, d, fonds.Save{Author: "ed", Address: "127.0.0.1", Message: "checked the summary", Version: d.Version})
	must(err)
	docs, _, err := s.Documents(ctx, fonds.Filter{Published: true, Limit: 1, Collection: "sample"})
	must(err)
	if len(docs) == 0 {
		t.Fatal("no published document in the sample collection")
	}
	must(s.DeleteDocumentBy(ctx, docs[0].ID, fonds.Save{Author: "ed", Message: "a duplicate"}))
	es, err := s.Entities(ctx, fonds.EntityFilter{Kind: fonds.EntityPerson, Limit: 1})
	must(err)
	if len(es) == 0 {
		t.Fatal("the archive mentions no person")
	}
	must(s.DescribeEntity(ctx, fonds.Entity{Kind: es[0].Kind, Key: es[0].Key, Role: "Described in a test"}, fonds.Save{Author: "ed"}))
	must(s.Close())
}
