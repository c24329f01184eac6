package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/password"
)

// withStdin runs f with the standard input reading text.
func withStdin(t *testing.T, text string, f func()) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	old := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = old }()
	f()
}

func TestUserCommands(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	var out string
	withStdin(t, "first password\nignored\n", func() {
		out = mustRun(t, "user", "add", "ada", "--role", "admin", "--full-name", "Ada Lovelace", "--email", "ada@example.org", "--data", data)
	})
	if want := "added user ada (admin)\n"; out != want {
		t.Errorf("user add said %q, want %q", out, want)
	}
	withStdin(t, "second password", func() { // no line break at the end
		mustRun(t, "user", "add", "--data", data, "bob", "--role", "contributor")
	})

	st := openData(t, data)
	ada, err := st.User(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	if ada.Role != fonds.RoleAdmin || ada.FullName != "Ada Lovelace" || ada.Email != "ada@example.org" {
		t.Errorf("ada = %+v", ada)
	}
	if ok, err := password.Verify(ada.PasswordHash, "first password"); !ok || err != nil {
		t.Errorf("ada's password is not the first line of the input: %v, %v", ok, err)
	}
	if err := st.PutSession(ctx, &fonds.Session{ID: strings.Repeat("a", 64), User: "bob", CSRF: "x", Address: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"role", "bob", "editor"}, "bob is now editor (was contributor)\n"},
		{[]string{"role", "bob", "editor"}, "bob is already editor\n"},
		{[]string{"disable", "bob"}, "disabled bob; signed out everywhere\n"},
		{[]string{"disable", "bob"}, "bob is already disabled\n"},
		{[]string{"enable", "bob"}, "enabled bob\n"},
	} {
		args := append([]string{"user"}, tc.args...)
		if out := mustRun(t, append(args, "--data", data)...); out != tc.want {
			t.Errorf("fonds %s said %q, want %q", strings.Join(args, " "), out, tc.want)
		}
	}
	if _, err := st.Session(ctx, strings.Repeat("a", 64)); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("disabling bob left his session: %v", err)
	}
	withStdin(t, "a new password\r\n", func() {
		out = mustRun(t, "user", "passwd", "bob", "--data", data)
	})
	if want := "changed the password of bob; signed out everywhere\n"; out != want {
		t.Errorf("user passwd said %q, want %q", out, want)
	}
	bob, err := st.User(ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := password.Verify(bob.PasswordHash, "a new password"); !ok || bob.Role != fonds.RoleEditor || bob.Disabled {
		t.Errorf("bob = %+v, want an enabled editor with the new password", bob)
	}

	out = mustRun(t, "user", "list", "--data", data)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") ||
		strings.Join(strings.Fields(lines[1]), " ") != "ada admin no Ada Lovelace" ||
		strings.Join(strings.Fields(lines[2]), " ") != "bob editor no" {
		t.Errorf("user list =\n%s", out)
	}

	es, err := st.AuditEntries(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.Action == "user" {
			if e.User != "cli" || e.Address != "cli" || e.Time.Before(time.Now().Add(-time.Hour)) {
				t.Errorf("audit entry %+v: want by cli from cli, now", e)
			}
			got = append(got, e.Target+": "+e.Detail)
		}
	}
	want := []string{"ada: added, role admin", "bob: added, role contributor", `bob: role "contributor" → "editor"`,
		"bob: disabled", "bob: enabled", "bob: password changed"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUserErrors(t *testing.T) {
	data := t.TempDir()
	withStdin(t, "first password\n", func() {
		mustRun(t, "user", "add", "ada", "--role", "editor", "--data", data)
	})
	for _, tc := range []struct {
		args  []string
		stdin string
		code  int
		want  string
	}{
		{[]string{"add", "ada", "--role", "editor"}, "another password\n", 1, `user "ada" exists`},
		{[]string{"passwd", "nobody"}, "another password\n", 1, `no user "nobody"`},
		{[]string{"role", "nobody", "editor"}, "", 1, `no user "nobody"`},
		{[]string{"disable", "nobody"}, "", 1, `no user "nobody"`},
		{[]string{"add", "new"}, "another password\n", 2, "needs --role"},
		{[]string{"add", "new", "--role", "owner"}, "another password\n", 2, `role "owner"`},
		{[]string{"add", "Not Valid", "--role", "editor"}, "another password\n", 2, "user name"},
		{[]string{"add", "new", "--role", "editor", "--email", "nope"}, "another password\n", 2, "not an e-mail address"},
		{[]string{"add", "new", "--role", "editor"}, "short\n", 1, "a password must have 8 to 1024 bytes"},
		{[]string{"add", "new", "--role", "editor"}, "", 1, "no password on the standard input"},
		{[]string{"add", "new", "--role", "editor", "--password", "x"}, "", 2, "flag provided but not defined"},
		{[]string{"role", "ada"}, "", 2, "takes 2 argument(s)"},
		{[]string{"frobnicate"}, "", 2, `unknown subcommand "frobnicate"`},
	} {
		var code int
		var stderr string
		withStdin(t, tc.stdin, func() {
			_, stderr, code = runCmd(t, append(append([]string{"user"}, tc.args...), "--data", data)...)
		})
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("fonds user %s: exit %d, %q; want exit %d saying %q", strings.Join(tc.args, " "), code, stderr, tc.code, tc.want)
		}
	}
	st := openData(t, data)
	if _, err := st.User(context.Background(), "new"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("a refused user add made the user: %v", err)
	}
}
