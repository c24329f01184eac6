// Command fonds publishes a research archive of historical documents and
// their translations.
//
// Usage:
//
//	fonds serve   [--data DIR] [--db URL] [--addr 127.0.0.1:8080] [--url URL] [--import PATH...] [--demo]
//	fonds import  [--data DIR] [--db URL] [--collection NAME] [--status draft|review|published] [--embargo DATE] [--restricted] [--user NAME] PATH...
//	fonds export  [--data DIR] [--db URL] --format text|json [--out DIR] (--all | ID...)
//	fonds reindex [--data DIR] [--db URL]
//	fonds check   [--data DIR] [--db URL]
//	fonds migrate --from DIR|URL --to DIR|URL [--data DIR]
//	fonds backup  [--data DIR] FILE
//	fonds restore [--data DIR] FILE
//	fonds bench   [--n 10000] [--queries 200]
//	fonds loadtest [--url http://127.0.0.1:8080] [--clients 16] [--duration 30s]
//	fonds user    add|passwd|role|disable|enable|list [--data DIR] [--db URL] ...
//	fonds site    show|set [--data DIR] [--db URL] [--name N] [--url U] [--email E] [--about TEXT]
//	fonds collection list|set [--data DIR] [--db URL] SLUG [--title T] [--description D] [--create]
//	fonds version
//
// The data folder (default ./fonds-data) holds the database, the source of
// truth of the archive, the page images, and the search index derived from
// them. Every command works while "fonds serve" runs on the same folder.
//
// With --db postgres://user:password@host:5432/name, or the environment
// variable FONDS_DB, the commands keep the store in that PostgreSQL database
// instead of the data folder; the search index and the page images stay in
// the data folder. fonds backup refuses such an archive (pg_dump backs up
// the database), and fonds restore restores only into a data folder.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"fonds"
	"fonds/ingest"
	"fonds/tei"
	"fonds/wxr"
)

const usage = `fonds publishes a research archive of historical documents and their translations.

Usage:
  fonds serve   [--data DIR] [--db URL] [--addr 127.0.0.1:8080] [--url URL] [--import PATH]... [--demo]
  fonds import  [--data DIR] [--db URL] [--collection NAME] [--status draft|review|published]
                [--embargo YYYY-MM-DD] [--restricted] [--user NAME] PATH...
  fonds export  [--data DIR] [--db URL] --format text|json|jsonl|tei|tei-zip [--out DIR] (--all | ID...)
  fonds reindex [--data DIR] [--db URL]
                                 rebuild the search index from the database
  fonds check   [--data DIR] [--db URL]
                                 verify checksums and the search index; print the archive's digest
  fonds migrate --from DIR|URL --to DIR|URL [--data DIR]
                                 copy an archive, history and images whole, into an empty one of
                                 either kind (data folder or PostgreSQL), and build its search index
  fonds backup  [--data DIR] FILE
                                 write a consistent backup (database and images), even while serving
                                 (an archive on PostgreSQL: back it up with pg_dump)
  fonds restore [--data DIR] FILE
                                 bring a backup back into a new data folder
  fonds bench   [--n N] [--queries Q]
                                 measure import and search on a synthetic archive of N documents
  fonds loadtest [--url http://127.0.0.1:8080] [--clients 16] [--duration 30s]
                                 run a mixed load against a server on this machine; print requests/s, p50/p99, errors
  fonds user add NAME --role reader|contributor|editor|admin [--full-name N] [--email E] [--db URL]
  fonds user passwd|disable|enable NAME,  fonds user role NAME ROLE,  fonds user list
                                 manage who signs in (passwords are read from the terminal or stdin)
  fonds site show | fonds site set [--name N] [--url U] [--email E] [--about TEXT | --about-file F]
                                 the site's name, public address, contact and about text
  fonds collection list | fonds collection set SLUG [--title T] [--description D] [--create]
                                 a collection's title and description
  fonds version                  print the version of this binary

Every command works while "fonds serve" runs on the same data folder.

The data folder (--data, default ./fonds-data) holds the database, the page
images and the search index. With --db postgres://user:password@host:5432/name
(or FONDS_DB set to that URL), serve, import, export, reindex, check and the
user, site and collection commands keep the database in PostgreSQL instead:
the index and images stay in --data for now. Back such an archive up with
pg_dump and a copy of --data; fonds backup and restore are for data folders.

Run "fonds COMMAND -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command named by args and returns the exit code: 0 for
// success, 1 for a failure of the work, 2 for a misuse of the command line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serveCmd(ctx, args[1:], stderr)
	case "import":
		err = importCmd(ctx, args[1:], stderr)
	case "export":
		err = exportCmd(ctx, args[1:], stdout, stderr)
	case "reindex":
		err = reindexCmd(ctx, args[1:], stderr)
	case "check":
		err = checkCmd(ctx, args[1:], stdout, stderr)
	case "migrate":
		err = migrateCmd(ctx, args[1:], stdout, stderr)
	case "backup":
		err = backupCmd(ctx, args[1:], stderr)
	case "restore":
		err = restoreCmd(ctx, args[1:], stderr)
	case "user":
		err = userCmd(ctx, args[1:], stdout, stderr)
	case "site":
		err = siteCmd(ctx, args[1:], stdout, stderr)
	case "collection":
		err = collectionCmd(ctx, args[1:], stdout, stderr)
	case "version":
		err = versionCmd(args[1:], stdout, stderr)
	case "loadtest":
		err = loadtestCmd(ctx, args[1:], stdout, stderr)
	case "bench":
		err = benchCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "fonds: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "fonds %s: %v\n", args[0], err)
		return 2
	case errors.Is(err, errReported):
		return 1
	}
	fmt.Fprintf(stderr, "fonds %s: %v\n", args[0], err)
	return 1
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errReported is returned by a command that has told the user what failed.
var errReported = errors.New("failed")

// newFlagSet returns a flag set for the command that reports its errors as
// usage errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("fonds "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// stringsFlag is a flag that may be given several times.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// newLoggerFormat returns a logger writing text or JSON lines to w.
func newLoggerFormat(w io.Writer, format string) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError{fmt.Sprintf("--log must be text or json, not %q", format)}
}

// versionCmd prints the version of the binary: the module version and the
// commit it was built from, as the Go toolchain recorded them.
func versionCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, versionString())
	return nil
}

func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "fonds (unknown version)"
	}
	v := "fonds " + info.Main.Version
	var rev, modified, at string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		case "vcs.time":
			at = s.Value
		}
	}
	if rev != "" {
		v += " commit " + rev
		if modified == "true" {
			v += " (modified)"
		}
		if at != "" {
			v += " of " + at
		}
	}
	return v + " " + info.GoVersion + " " + runtime.GOOS + "/" + runtime.GOARCH
}

// teiWriter writes a document as TEI P5: for the OAI-PMH "tei" format, TEI
// downloads and exports.
var teiWriter = tei.Write

// teiReader reads TEI files; a volume declares its collection.
type teiReader struct{ tei.Reader }

func (teiReader) DeclaredCollection(r io.Reader) (fonds.Collection, bool, error) {
	return tei.Volume(r)
}

// readers returns the reader of each file format fonds imports, by
// extension. italic says what italic means in WordPress exports:
// "handwriting", the Bukovsky Archive's convention (underlined italic is then
// a handwritten insertion), or "emphasis".
func readers(italic string) map[string]fonds.Reader {
	wp := wxr.Reader{Conventions: wxr.Conventions{ItalicIsHandwriting: italic != "emphasis"}}
	return map[string]fonds.Reader{
		".txt": textReader,
		".xml": ingest.Sniffer{
			{Name: "TEI", Sniff: tei.Sniff, Reader: teiReader{}},
			{Name: "WordPress export", Sniff: wxr.Sniff, Reader: wp},
		},
	}
}
