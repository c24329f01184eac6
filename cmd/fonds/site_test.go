package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
)

// runCmd runs the command line through run, in this process.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, code := runCmd(t, args...)
	if code != 0 {
		t.Fatalf("fonds %s: exit %d\n%s", strings.Join(args, " "), code, errs)
	}
	return out
}

func TestSiteSetShow(t *testing.T) {
	data := t.TempDir()
	about := filepath.Join(t.TempDir(), "about.txt")
	if err := os.WriteFile(about, []byte("An invented archive.\n\nSecond paragraph.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "site", "set", "--data", data, "--name", "Bukovsky Archive", "--url", "https://archive.example.org/", "--about-file", about)
	mustRun(t, "site", "set", "--data", data, "--email", "editors@example.org")
	out := mustRun(t, "site", "show", "--data", data)
	for _, want := range []string{"name:   Bukovsky Archive\n", "url:    https://archive.example.org\n", "email:  editors@example.org\n", "about:\nAn invented archive.\n\nSecond paragraph.\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("site show =\n%s\nwant it to hold %q", out, want)
		}
	}
	s := openData(t, data)
	site, err := fonds.ReadSite(context.Background(), s)
	if err != nil || site.Name != "Bukovsky Archive" || site.URL != "https://archive.example.org" || site.Email != "editors@example.org" {
		t.Errorf("ReadSite = %+v, %v", site, err)
	}
	entries, err := s.AuditEntries(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var sites []string
	for _, e := range entries {
		if e.Action == "site" {
			if e.Address != "cli" {
				t.Errorf("audit entry %+v: address %q, want cli", e, e.Address)
			}
			sites = append(sites, e.Detail)
		}
	}
	if want := []string{"set name, url, about", "set email"}; strings.Join(sites, "|") != strings.Join(want, "|") {
		t.Errorf("audit entries of the site = %q, want %q", sites, want)
	}
}

func TestSiteSetRefuses(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--url", "ftp://example.org"}, "is not an http or https address"},
		{[]string{"--email", "not an address"}, "is not an e-mail address"},
		{[]string{"--name", "two\nlines"}, "one line"},
		{[]string{"--about", "a", "--about-file", "x"}, "not both"},
		{[]string{}, "nothing to set"},
		{[]string{"--name", "A", "--user", "nobody"}, `--user "nobody": there is no such user`},
	}
	for _, tt := range tests {
		args := append([]string{"site", "set", "--data", data}, tt.args...)
		_, errs, code := runCmd(t, args...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("fonds %q: exit %d, %q; want 2 and %q", args, code, errs, tt.want)
		}
	}
	if out := mustRun(t, "site", "show", "--data", data); !strings.Contains(out, "name:   \n") {
		t.Errorf("site show after refusals =\n%s\nwant no name", out)
	}
}

func TestCollectionSetList(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	docs := map[string]string{
		"a.txt": "17 September 1979* (Pb 12/3) Meeting\n\nPolitburo. Resolution. Invented example.\n\nText.\n",
		"b.txt": "18 September 1979* (Pb 12/4) Meeting\n\n@status draft\n\nPolitburo. Resolution. Invented example.\n\nText.\n",
	}
	for name, body := range docs {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, "import", "--data", data, "--collection", "Bukovsky Archive", src)
	out := mustRun(t, "collection", "list", "--data", data)
	if !strings.Contains(out, "bukovsky-archive  Bukovsky Archive  1\n") {
		t.Errorf("collection list =\n%s\nwant bukovsky-archive titled Bukovsky Archive with 1 public document", out)
	}
	// A later import names the collection by its slug and keeps its title.
	mustRun(t, "collection", "set", "bukovsky-archive", "--data", data, "--title", "Архив Буковского", "--description", "Invented.")
	mustRun(t, "import", "--data", data, "--collection", "bukovsky-archive", src)
	s := openData(t, data)
	c, err := s.Collection(context.Background(), "bukovsky-archive")
	if err != nil || c.Title != "Архив Буковского" || c.Description != "Invented." {
		t.Errorf("Collection = %+v, %v; want the title and description set", c, err)
	}

	_, errs, code := runCmd(t, "collection", "set", "--data", data, "nowhere", "--title", "X")
	if code != 2 || !strings.Contains(errs, `there is no collection "nowhere"`) {
		t.Errorf("set of an unknown slug: exit %d, %q", code, errs)
	}
	_, errs, code = runCmd(t, "collection", "set", "--data", data, "--create", "Not A Slug", "--title", "X")
	if code != 2 || !strings.Contains(errs, `"not-a-slug" would be`) {
		t.Errorf("create with a bad slug: exit %d, %q", code, errs)
	}
	mustRun(t, "collection", "set", "--data", data, "--create", "samizdat", "--title", "Samizdat")
	if out := mustRun(t, "collection", "list", "--data", data); !strings.Contains(out, "samizdat          Samizdat          0\n") {
		t.Errorf("collection list =\n%s\nwant samizdat with none public", out)
	}
	entries, err := s.AuditEntries(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.Action == "collection" {
			got = append(got, e.Target+": "+e.Detail)
		}
	}
	if want := "bukovsky-archive: set title, description|samizdat: created: set title"; strings.Join(got, "|") != want {
		t.Errorf("audit entries of collections = %q, want %q", got, want)
	}
}

func TestImportAccessFlags(t *testing.T) {
	src := t.TempDir()
	doc := "17 September 1979* (Pb 12/3) Meeting\n\n@status review\n\nPolitburo. Resolution. Invented example.\n\nText.\n"
	if err := os.WriteFile(filepath.Join(src, "a.txt"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		flags      []string
		status     fonds.Status
		embargo    string
		restricted bool
	}{
		{nil, fonds.StatusReview, "", false},
		{[]string{"--status", "published", "--embargo", "2031-01-01", "--restricted"}, fonds.StatusPublished, "2031-01-01", true},
		{[]string{"--draft"}, fonds.StatusDraft, "", false},
	}
	for _, tt := range tests {
		data := t.TempDir()
		args := append(append([]string{"import", "--data", data}, tt.flags...), src)
		mustRun(t, args...)
		s := openData(t, data)
		d, err := s.Document(context.Background(), "1979-09-17-pb-12-3")
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != tt.status || d.Embargo != tt.embargo || d.Restricted != tt.restricted {
			t.Errorf("import %q: status, embargo, restricted = %q, %q, %v; want %q, %q, %v", tt.flags, d.Status, d.Embargo, d.Restricted, tt.status, tt.embargo, tt.restricted)
		}
		h, err := s.History(context.Background(), d.ID)
		if err != nil || len(h) != 1 || h[0].Author != "import" || !strings.HasPrefix(h[0].Message, "import of ") {
			t.Errorf("History = %+v, %v; want one version by import", h, err)
		}
	}
	for _, bad := range [][]string{{"--status", "done"}, {"--embargo", "2031-13-01"}, {"--draft", "--status", "review"}, {"--collection", "!!!"}} {
		args := append(append([]string{"import", "--data", t.TempDir()}, bad...), src)
		if _, errs, code := runCmd(t, args...); code != 2 {
			t.Errorf("fonds %q: exit %d (%s), want 2", args, code, errs)
		}
	}
}

func TestPublicAddress(t *testing.T) {
	s := openData(t, t.TempDir())
	ctx := context.Background()
	if u, _ := publicAddress(ctx, s, ""); u != "" {
		t.Errorf("publicAddress with nothing set = %q, want none", u)
	}
	if err := fonds.WriteSite(ctx, s, fonds.Site{URL: "https://archive.example.org"}); err != nil {
		t.Fatal(err)
	}
	if u, _ := publicAddress(ctx, s, ""); u != "https://archive.example.org" {
		t.Errorf("publicAddress = %q, want the site's", u)
	}
	if u, from := publicAddress(ctx, s, "http://127.0.0.1:8080"); u != "http://127.0.0.1:8080" || from != "--url" {
		t.Errorf("publicAddress with --url = %q, %q; want the flag's", u, from)
	}
}
