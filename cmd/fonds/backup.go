package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// A backup is a gzipped tar file: the database as backupDB (a consistent
// copy, settings included) and the page images with their checksum manifests
// under images/. The search index and the derived images are left out: they
// are rebuilt from the rest.
const backupDB = "fonds.db"

// fileBackup is a store that writes a consistent copy of itself to a file,
// as the SQLite store does.
type fileBackup interface {
	Backup(ctx context.Context, path string) error
}

// backupCmd writes a consistent backup of the archive while a server may
// be running on it.
func backupCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("backup", stderr)
	loc := locationFlags(fs)
	data := &loc.data
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"give the backup file to write: fonds backup [--data DIR] FILE"}
	}
	out := fs.Arg(0)
	if loc.isPostgres() {
		return errors.New("backup of a PostgreSQL archive: use pg_dump for the database, and copy the images folder of --data")
	}
	a, err := openArchiveAt(ctx, loc, noIndex)
	if err != nil {
		return err
	}
	defer a.Close()
	st, ok := a.store.(fileBackup)
	if !ok {
		return errors.New("this store cannot be backed up by fonds backup")
	}

	tmpDir, err := os.MkdirTemp(filepath.Dir(out), ".fonds-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmpDir)
	db := filepath.Join(tmpDir, backupDB)
	if err := st.Backup(ctx, db); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	// Written beside the target and renamed: never a half-written backup
	// under the name given.
	f, err := os.CreateTemp(filepath.Dir(out), ".fonds-backup-*.tar.gz")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	images := 0
	err = func() error {
		defer f.Close()
		zw := gzip.NewWriter(f)
		tw := tar.NewWriter(zw)
		if err := addFile(tw, backupDB, db); err != nil {
			return err
		}
		err := a.images.Walk(func(rel, p string) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			images++
			return addFile(tw, path.Join("images", filepath.ToSlash(rel)), p)
		})
		if err != nil {
			return err
		}
		if err := tw.Close(); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		return f.Sync()
	}()
	if err != nil {
		return err
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "backed up %s to %s (the database and %d image files)\n", *data, out, images)
	return nil
}

// addFile adds the file at p to the tar under name.
func addFile(tw *tar.Writer, name, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: name, Mode: 0o644, Size: info.Size(), ModTime: info.ModTime().UTC(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	// A file that grows while it is copied would break the tar: copy
	// exactly the size the header says.
	_, err = io.CopyN(tw, f, info.Size())
	return err
}

// restoreCmd brings a backup back into a new data folder and rebuilds its
// search index.
func restoreCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("restore", stderr)
	data := fs.String("data", "fonds-data", "the data `folder` to restore into; it must not hold an archive")
	var db dbFlag
	fs.Var(&db, "db", "not supported: a backup holds an SQLite database; restore a PostgreSQL database with pg_restore")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if db.url != "" {
		return usageError{"--db: fonds restore restores into a data folder (SQLite); restore a PostgreSQL database with pg_restore"}
	}
	if fs.NArg() != 1 {
		return usageError{"give the backup file to restore: fonds restore [--data DIR] FILE"}
	}
	if _, err := os.Stat(filepath.Join(*data, "fonds.db")); err == nil {
		return fmt.Errorf("%s already holds an archive: restore into a new folder", *data)
	}
	in, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()
	parent := filepath.Dir(filepath.Clean(*data))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".fonds-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	n, err := unpack(in, tmp)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	if _, err := os.Stat(filepath.Join(tmp, backupDB)); err != nil {
		return fmt.Errorf("%s: not a fonds backup: it holds no %s", fs.Arg(0), backupDB)
	}
	// Move what was unpacked into the data folder, which may exist empty.
	if err := os.MkdirAll(*data, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(tmp, e.Name()), filepath.Join(*data, e.Name())); err != nil {
			return err
		}
	}
	a, err := openArchive(*data, indexIfFree)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.index == nil {
		return fmt.Errorf("%s: the search index is held by another process", *data)
	}
	rep, err := a.rebuildIndex(ctx, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "restored %d files into %s; %s\n", n, *data, rep)
	return nil
}

// Bounds of what restore unpacks: a backup is read as untrusted input.
const (
	maxBackupFiles    = 10_000_000
	maxBackupFileSize = 64 << 30
)

// unpack writes the regular files of the gzipped tar r under dir, refusing
// any name that would land outside it, and returns how many it wrote.
func unpack(r io.Reader, dir string) (int, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return 0, fmt.Errorf("not a gzipped backup: %w", err)
	}
	tr := tar.NewReader(zr)
	n := 0
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if hdr.Typeflag != tar.TypeReg {
			return n, fmt.Errorf("entry %q is not a regular file", hdr.Name)
		}
		name := path.Clean(hdr.Name)
		if !fs.ValidPath(name) || strings.HasPrefix(name, ".") || (name != backupDB && !strings.HasPrefix(name, "images/")) {
			return n, fmt.Errorf("entry %q is not part of a fonds backup", hdr.Name)
		}
		if n++; n > maxBackupFiles || hdr.Size > maxBackupFileSize {
			return n, fmt.Errorf("entry %q: more than a backup holds", hdr.Name)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return n, err
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return n, err
		}
		_, err = io.CopyN(f, tr, hdr.Size)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return n, fmt.Errorf("entry %q: %w", hdr.Name, err)
		}
		os.Chtimes(p, time.Time{}, hdr.ModTime)
	}
}
