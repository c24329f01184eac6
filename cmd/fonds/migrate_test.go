package main

import (
	"context"
	"errors"
	"os"
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

	// check runs fonds check, which must find no problem, and an index
	// in step with the store: the migration built it.
	check := func(args ...string) string {
		t.Helper()
		out, stderr := mustFonds(t, append([]string{"check"}, args...)...)
		if !strings.Contains(stderr, ": 0 problems") || !strings.Contains(stderr, "; 0 indexed, 0 removed") {
			t.Errorf("check %v: %s", args, stderr)
		}
		return out
	}
	// The edits went to the store alone: a first check brings the index
	// into step.
	mustFonds(t, "check", "--data", from)
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
	if out, _ := mustFonds(t, "export", "--data", back, "--format", "json", seedID); !strings.Contains(out, "(checked)") {
		t.Errorf("export of the edited seed from the folder migrated back:\n%.500s", out)
	}

	// Between two folders too.
	again := filepath.Join(t.TempDir(), "again")
	mustFonds(t, "migrate", "--from", back, "--to", again)
	if got := check("--data", again); got != want {
		t.Errorf("check of a folder migrated to a folder:\n%s\nwant\n%s", got, want)
	}

	t.Run("refusals", func(t *testing.T) {
		// A folder with images and no store: what a migration killed
		// midway leaves.
		withImages := t.TempDir()
		if err := os.MkdirAll(filepath.Join(withImages, "images", "doc"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(withImages, "images", "doc", "page.png"), []byte("not really"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"migrate", "--from", from, "--to", back}, 1, "not empty"},
			{[]string{"migrate", "--from", back, "--to", db, "--data", t.TempDir()}, 1, "not empty"},
			{[]string{"migrate", "--from", filepath.Join(t.TempDir(), "none"), "--to", t.TempDir()}, 1, "holds no archive"},
			{[]string{"migrate", "--from", from, "--to", withImages}, 1, "holds page images already"},
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
	// Withdrawn to a draft, restricted, and embargoed: three statuses a
	// harvest and the public lists tell apart.
	for i, change := range []func(*fonds.Document){
		func(d *fonds.Document) { d.Status = fonds.StatusDraft },
		func(d *fonds.Document) { d.Restricted = true },
		func(d *fonds.Document) { d.Embargo = "2999-01-01" },
	} {
		docs, _, err := s.Documents(ctx, fonds.Filter{Published: true, Limit: 1, Offset: i, Collection: "sample"})
		must(err)
		if len(docs) == 0 {
			t.Fatal("too few published documents in the sample collection")
		}
		d, err := s.Document(ctx, docs[0].ID)
		must(err)
		change(d)
		_, err = s.SaveDocument(ctx, d, fonds.Save{Author: "ed", Message: "held back", Version: d.Version})
		must(err)
	}
	must(s.PutSession(ctx, &fonds.Session{ID: strings.Repeat("0f", 32), User: "ed", CSRF: "token", Address: "127.0.0.1"}))
	es, err := s.Entities(ctx, fonds.EntityFilter{Kind: fonds.EntityPerson, Limit: 1})
	must(err)
	if len(es) == 0 {
		t.Fatal("the archive mentions no person")
	}
	must(s.DescribeEntity(ctx, fonds.Entity{Kind: es[0].Kind, Key: es[0].Key, Role: "Described in a test"}, fonds.Save{Author: "ed"}))
	must(s.Close())
}

// TestMigrateUndo fails a migration midway through the store, after the
// page images are copied: the target is left as it was, its images removed
// and its store empty.
func TestMigrateUndo(t *testing.T) {
	ctx := context.Background()
	from := filepath.Join(t.TempDir(), "from")
	mustFonds(t, "import", "--data", from, sampleDir, facsimiles(t))
	src, err := openEnd(ctx, "--from", from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	to := filepath.Join(t.TempDir(), "to")
	dst, err := openEnd(ctx, "--to", to)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.close()
	target := dst.tr
	dst.tr = failingLoad{target, 20}
	var stderr strings.Builder
	_, err = migrate(ctx, src, dst, &stderr)
	if err == nil || !strings.Contains(err.Error(), "is left as it was") {
		t.Fatalf("migrate failing at item 20 = %v, want an error saying the target is left as it was", err)
	}
	n := 0
	dst.blobs.List(ctx, "", func(b fonds.BlobInfo) error { n++; return nil })
	if n > 0 {
		t.Errorf("the target holds %d page images after the failed migration, want none", n)
	}
	l, err := target.Load(ctx)
	if err != nil {
		t.Fatalf("Load of the target after the failed migration = %v, want it empty", err)
	}
	l.Abort()
}

// failingLoad is a store whose loads fail at the item after the first n.
type failingLoad struct {
	fonds.Transferer
	n int
}

func (f failingLoad) Load(ctx context.Context) (fonds.Loading, error) {
	l, err := f.Transferer.Load(ctx)
	if err != nil {
		return nil, err
	}
	return &failingLoading{Loading: l, left: f.n}, nil
}

type failingLoading struct {
	fonds.Loading
	left int
}

func (l *failingLoading) Add(ctx context.Context, it *fonds.Item) error {
	if l.left == 0 {
		return errors.New("the disk is full")
	}
	l.left--
	return l.Loading.Add(ctx, it)
}
