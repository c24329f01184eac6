package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"fonds"
)

const siteUsage = `usage:
  fonds site show [--data DIR] [--db URL]
  fonds site set  [--data DIR] [--db URL] [--name NAME] [--url URL] [--email ADDRESS] [--about TEXT | --about-file FILE] [--user NAME]`

const collectionUsage = `usage:
  fonds collection list [--data DIR] [--db URL]
  fonds collection set  [--data DIR] [--db URL] SLUG [--title TITLE] [--description TEXT | --description-file FILE] [--create] [--user NAME]`

// The bounds of what the commands take.
const (
	maxAbout       = 64 << 10 // as fonds.Site.Check
	maxTitle       = 200
	maxDescription = 64 << 10
)

// siteCmd shows or sets the site's settings: its name, public address,
// contact e-mail and about text. It works beside a running server, which
// reads them within a second.
func siteCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runSubcommand(ctx, args, stdout, stderr, siteUsage, map[string]subcommand{"show": siteShow, "set": siteSet})
}

// subcommand is one of the commands of a command: "site show".
type subcommand func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// runSubcommand runs the subcommand args[0] names among subs with the
// arguments after it, prints usage for help, and refuses any other.
func runSubcommand(ctx context.Context, args []string, stdout, stderr io.Writer, usage string, subs map[string]subcommand) error {
	if len(args) == 0 {
		return usageError{usage}
	}
	if f, ok := subs[args[0]]; ok {
		return f(ctx, args[1:], stdout, stderr)
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown subcommand %q\n%s", args[0], usage)}
}

func siteShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := openArchiveCmd(ctx, "site show", args, noIndex, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	s, err := fonds.ReadSite(ctx, a.store)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "name:\t%s\n", s.Name)
	fmt.Fprintf(w, "url:\t%s\n", s.URL)
	fmt.Fprintf(w, "email:\t%s\n", s.Email)
	if err := w.Flush(); err != nil {
		return err
	}
	if s.About != "" {
		fmt.Fprintf(stdout, "about:\n%s\n", strings.TrimRight(s.About, "\n"))
	}
	return nil
}

func siteSet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("site set", stderr)
	loc := locationFlags(fs)
	name := fs.String("name", "", "the site's `name`, shown in the header, citations, OAI-PMH and the feed")
	url := fs.String("url", "", "the public `address` of the site: https://archive.example.org")
	email := fs.String("email", "", "the `address` to write to about the archive")
	about := fs.String("about", "", "the about `text`: a paragraph or more, plain text")
	aboutFile := fs.String("about-file", "", "read the about text from `FILE`")
	user := fs.String("user", "", "the `name` of the user making the change, for the audit log")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	set := flagsSet(fs)
	if set["about"] && set["about-file"] {
		return usageError{"give --about or --about-file, not both"}
	}
	if set["about-file"] {
		text, err := readBounded(*aboutFile, maxAbout)
		if err != nil {
			return err
		}
		*about, set["about"] = text, true
	}
	var changed []string
	for _, f := range []string{"name", "url", "email", "about"} {
		if set[f] {
			changed = append(changed, f)
		}
	}
	if len(changed) == 0 {
		return usageError{"nothing to set: give --name, --url, --email, --about or --about-file"}
	}
	a, err := openArchiveAt(ctx, loc, noIndex)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.readOnly {
		return fmt.Errorf("%s: %w", loc.data, fonds.ErrReadOnly)
	}
	if err := checkUser(ctx, a, *user); err != nil {
		return err
	}
	s, err := fonds.ReadSite(ctx, a.store)
	if err != nil {
		return err
	}
	if set["name"] {
		s.Name = *name
	}
	if set["url"] {
		s.URL = *url
	}
	if set["email"] {
		s.Email = *email
	}
	if set["about"] {
		s.About = *about
	}
	if err := s.Check(); err != nil {
		return usageError{strings.TrimPrefix(err.Error(), fonds.ErrInvalid.Error()+": ")}
	}
	if err := fonds.WriteSite(ctx, a.store, s); err != nil {
		return err
	}
	if err := a.store.Audit(ctx, &fonds.AuditEntry{User: *user, Address: "cli", Action: "site",
		Target: "site", Detail: "set " + strings.Join(changed, ", ")}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "site: set %s\n", strings.Join(changed, ", "))
	return nil
}

// collectionCmd lists collections or sets a collection's title and
// description.
func collectionCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runSubcommand(ctx, args, stdout, stderr, collectionUsage, map[string]subcommand{"list": collectionList, "set": collectionSet})
}

func collectionList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := openArchiveCmd(ctx, "collection list", args, noIndex, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	cs, err := a.store.Collections(ctx, fonds.Filter{Published: true})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SLUG\tTITLE\tPUBLIC")
	for _, c := range cs {
		fmt.Fprintf(w, "%s\t%s\t%d\n", c.Slug, oneLine(c.Title), c.Count)
	}
	return w.Flush()
}

func collectionSet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("collection set", stderr)
	loc := locationFlags(fs)
	title := fs.String("title", "", "the collection's `title`")
	description := fs.String("description", "", "the collection's description: plain `text`")
	descFile := fs.String("description-file", "", "read the description from `FILE`")
	create := fs.Bool("create", false, "create the collection if there is none with the slug")
	user := fs.String("user", "", "the `name` of the user making the change, for the audit log")
	// The slug may come before the flags or after them.
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"no collection slug\n" + collectionUsage}
	}
	slug := fs.Arg(0)
	if err := parseFlags(fs, fs.Args()[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	set := flagsSet(fs)
	if set["description"] && set["description-file"] {
		return usageError{"give --description or --description-file, not both"}
	}
	if set["description-file"] {
		text, err := readBounded(*descFile, maxDescription)
		if err != nil {
			return err
		}
		*description, set["description"] = text, true
	}
	if set["title"] {
		*title = strings.TrimSpace(*title)
		if *title == "" || len(*title) > maxTitle || strings.ContainsAny(*title, "\r\n") || !utf8.ValidString(*title) {
			return usageError{fmt.Sprintf("--title must be one line of 1 to %d bytes", maxTitle)}
		}
	}
	if set["description"] && (len(*description) > maxDescription || !utf8.ValidString(*description)) {
		return usageError{fmt.Sprintf("the description must be UTF-8 text of at most %d KB", maxDescription>>10)}
	}
	if !set["title"] && !set["description"] {
		return usageError{"nothing to set: give --title, --description or --description-file"}
	}
	a, err := openArchiveAt(ctx, loc, noIndex)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.readOnly {
		return fmt.Errorf("%s: %w", loc.data, fonds.ErrReadOnly)
	}
	if err := checkUser(ctx, a, *user); err != nil {
		return err
	}
	c, err := a.store.Collection(ctx, slug)
	created := false
	switch {
	case errors.Is(err, fonds.ErrNotFound) && !*create:
		return usageError{fmt.Sprintf("there is no collection %q (fonds collection list; --create makes one)", slug)}
	case errors.Is(err, fonds.ErrNotFound):
		if fonds.CollectionSlug(slug) != slug {
			hint := ""
			if s := fonds.CollectionSlug(slug); s != "" {
				hint = fmt.Sprintf(": %q would be", s)
			}
			return usageError{fmt.Sprintf("%q is not a slug (lower-case ASCII letters and digits, words joined by \"-\", at most %d bytes)%s", slug, fonds.MaxSlug, hint)}
		}
		if !set["title"] {
			return usageError{"a new collection needs a --title"}
		}
		c, created = fonds.Collection{Slug: slug}, true
	case err != nil:
		return err
	}
	var changed []string
	if set["title"] {
		c.Title = *title
		changed = append(changed, "title")
	}
	if set["description"] {
		c.Description = strings.TrimSpace(*description)
		changed = append(changed, "description")
	}
	if err := a.store.PutCollection(ctx, c); err != nil {
		return err
	}
	detail := "set " + strings.Join(changed, ", ")
	if created {
		detail = "created: " + detail
	}
	if err := a.store.Audit(ctx, &fonds.AuditEntry{User: *user, Address: "cli", Action: "collection", Target: slug, Detail: detail}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "collection %s: %s\n", slug, detail)
	return nil
}

// flagsSet returns the names of the flags given on the command line.
func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// checkUser returns a usage error unless name is empty or names a user.
func checkUser(ctx context.Context, a *archive, name string) error {
	if name == "" {
		return nil
	}
	if !fonds.ValidUserName(name) {
		return usageError{fmt.Sprintf("--user %q is not a user name", name)}
	}
	if _, err := a.store.User(ctx, name); errors.Is(err, fonds.ErrNotFound) {
		return usageError{fmt.Sprintf("--user %q: there is no such user (fonds user list)", name)}
	} else if err != nil {
		return err
	}
	return nil
}

// readBounded reads the text file at path, refusing one larger than max
// bytes or not UTF-8.
func readBounded(path string, max int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return "", err
	}
	if int64(len(b)) > max {
		return "", usageError{fmt.Sprintf("%s is larger than %d KB", fonds.QuoteName(path), max>>10)}
	}
	if !utf8.Valid(b) {
		return "", usageError{fmt.Sprintf("%s is not UTF-8 text", fonds.QuoteName(path))}
	}
	return string(b), nil
}

// oneLine returns s with its line ends as spaces, for a table.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// publicAddress returns the public address of the site, and where it comes
// from, for the log: the --url flag when given, else the site's settings
// (site.url, set by "fonds site set --url" or an admin), else "". When the
// address is "" the second result, if not empty, says why: the settings
// could not be read. (It is not called publicURL: serveCmd's flag is.)
func publicAddress(ctx context.Context, st fonds.Settings, flagValue string) (url, from string) {
	if flagValue != "" {
		return flagValue, "--url"
	}
	s, err := fonds.ReadSite(ctx, st)
	if err != nil {
		return "", "the site's settings could not be read: " + err.Error()
	}
	if s.URL == "" {
		return "", ""
	}
	return s.URL, "the site's settings (fonds site set --url)"
}
