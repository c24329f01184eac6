package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"fonds"
	"fonds/password"
)

const userUsage = `Usage:
  fonds user add NAME --role ROLE [--full-name NAME] [--email ADDRESS] [--data DIR] [--db URL]
  fonds user passwd NAME [--data DIR] [--db URL]
  fonds user role NAME ROLE [--data DIR] [--db URL]
  fonds user disable NAME [--data DIR] [--db URL]
  fonds user enable NAME [--data DIR] [--db URL]
  fonds user list [--data DIR] [--db URL]

Roles: reader, contributor, editor, admin. A password is read from the
terminal without echo, or from the first line of the standard input when it
is not a terminal; never from the command line, where others can see it.
`

// userCmd manages the accounts of the archive.
func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return usageError{"want a subcommand: add, passwd, role, disable, enable or list"}
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("user "+sub, stderr)
	fs.Usage = func() { fmt.Fprint(stderr, userUsage) }
	loc := locationFlags(fs)
	var role, fullName, email *string
	want := 1 // the arguments the subcommand takes
	switch sub {
	case "add":
		role = fs.String("role", "", "the user's `role`: reader, contributor, editor or admin")
		fullName = fs.String("full-name", "", "the user's full `name`, shown in revisions")
		email = fs.String("email", "", "the user's e-mail `address`")
	case "role":
		want = 2
	case "passwd", "disable", "enable":
	case "list":
		want = 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, userUsage)
		return nil
	default:
		fmt.Fprint(stderr, userUsage)
		return usageError{fmt.Sprintf("unknown subcommand %q", sub)}
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != want {
		fmt.Fprint(stderr, userUsage)
		return usageError{fmt.Sprintf("user %s takes %d argument(s), got %d", sub, want, len(pos))}
	}
	var name string
	if want > 0 {
		name = pos[0]
		if !fonds.ValidUserName(name) {
			return usageError{fmt.Sprintf("user name %q: want 1 to 64 lower-case letters, digits, '.', '_' or '-'", name)}
		}
	}
	// Check what the command line says before asking for a password.
	var r fonds.Role
	switch sub {
	case "add":
		if *role == "" {
			return usageError{"user add needs --role (reader, contributor, editor or admin)"}
		}
		if r, err = fonds.ParseRole(*role); err != nil {
			return usageError{strings.TrimPrefix(err.Error(), fonds.ErrInvalid.Error()+": ")}
		}
		if *email != "" {
			if a, err := mail.ParseAddress(*email); err != nil || a.Address != *email {
				return usageError{fmt.Sprintf("--email: %q is not an e-mail address", *email)}
			}
		}
	case "role":
		if r, err = fonds.ParseRole(pos[1]); err != nil {
			return usageError{strings.TrimPrefix(err.Error(), fonds.ErrInvalid.Error()+": ")}
		}
	}

	a, err := openArchiveAt(ctx, loc, noIndex)
	if err != nil {
		return err
	}
	defer a.Close()
	st := a.store
	if sub == "list" {
		return listUsers(ctx, st, stdout)
	}
	if a.readOnly {
		return fmt.Errorf("%s: %w", a.dir, fonds.ErrReadOnly)
	}

	u, err := st.User(ctx, name)
	switch {
	case sub == "add" && err == nil:
		return fmt.Errorf("user %q exists", name)
	case sub == "add" && errors.Is(err, fonds.ErrNotFound):
		u = &fonds.User{Name: name, Role: r, FullName: strings.TrimSpace(*fullName), Email: *email}
	case errors.Is(err, fonds.ErrNotFound):
		return fmt.Errorf("no user %q", name)
	case err != nil:
		return err
	}

	var done, detail string
	signOut := false
	switch sub {
	case "add", "passwd":
		pw, err := readNewPassword(stderr, name)
		if err != nil {
			return err
		}
		if u.PasswordHash, err = password.Hash(pw); err != nil {
			return err
		}
		if sub == "add" {
			done = fmt.Sprintf("added user %s (%s)", name, r)
			detail = "added, role " + string(r)
		} else {
			done = fmt.Sprintf("changed the password of %s; signed out everywhere", name)
			detail, signOut = "password changed", true
		}
	case "role":
		if u.Role == r {
			fmt.Fprintf(stdout, "%s is already %s\n", name, r)
			return nil
		}
		done = fmt.Sprintf("%s is now %s (was %s)", name, r, u.Role)
		detail = fmt.Sprintf("role %q → %q", u.Role, r)
		u.Role = r
	case "disable", "enable":
		off := sub == "disable"
		if u.Disabled == off {
			fmt.Fprintf(stdout, "%s is already %sd\n", name, sub)
			return nil
		}
		u.Disabled = off
		done, detail, signOut = sub+"d "+name, sub+"d", off
		if off {
			done += "; signed out everywhere"
		}
	}
	if err := st.PutUser(ctx, u); err != nil {
		return err
	}
	if signOut {
		if err := st.DeleteSessions(ctx, "", name, time.Time{}); err != nil {
			return err
		}
	}
	if err := st.Audit(ctx, &fonds.AuditEntry{User: "cli", Address: "cli", Action: "user", Target: name, Detail: detail}); err != nil {
		return fmt.Errorf("%s, but the audit log was not written: %w", done, err)
	}
	fmt.Fprintln(stdout, done)
	return nil
}

// listUsers prints a line for each user: name, role, whether disabled, and
// full name.
func listUsers(ctx context.Context, st fonds.UserStore, stdout io.Writer) error {
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tDISABLED\tFULL NAME")
	for _, u := range users {
		disabled := "no"
		if u.Disabled {
			disabled = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, disabled, u.FullName)
	}
	return tw.Flush()
}

// parseInterspersed parses flags given before, between and after the
// arguments ("add NAME --role editor"), and returns the arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// readNewPassword reads a new password for the user: from the terminal
// without echo, twice, or from the first line of the standard input when it
// is not a terminal (a script, a test).
func readNewPassword(stderr io.Writer, name string) (string, error) {
	var pw string
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		fmt.Fprintf(stderr, "New password for %s: ", name)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if err := password.Check(string(b)); err != nil {
			return "", err
		}
		fmt.Fprintf(stderr, "The same again: ")
		again, err := term.ReadPassword(fd)
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(again) != string(b) {
			return "", errors.New("the two passwords differ")
		}
		pw = string(b)
	} else {
		line, err := bufio.NewReader(io.LimitReader(os.Stdin, password.MaxLen+2)).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", errors.New("no password on the standard input: give it as its first line")
		}
		pw = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	}
	if err := password.Check(pw); err != nil {
		return "", fmt.Errorf("a password must have %d to %d bytes", password.MinLen, password.MaxLen)
	}
	return pw, nil
}
