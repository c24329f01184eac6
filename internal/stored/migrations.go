package stored

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// A Migration is one numbered schema change of a store, from a file named
// NNNN_what.sql.
type Migration struct {
	Version int
	Name    string // of the file
	SQL     string
}

// Migrations returns the migrations in the files dir/*.sql of fsys in
// order of version: each file's name starts with its version, above 0, and
// _, and no two have one version.
func Migrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	seen := make(map[int]string)
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name does not start with a version number and _", base)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s have the same version %d", other, base, v)
		}
		seen[v] = base
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// SchemaVersion returns the version of the newest of the migrations in the
// files dir/*.sql of fsys, 0 for none or for files Migrations refuses.
func SchemaVersion(fsys fs.FS, dir string) int {
	ms, err := Migrations(fsys, dir)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// CheckNewer reports a database whose schema, of version newest, is newer
// than the newest a program knows, known: it cannot read it.
func CheckNewer(newest, known int) error {
	if newest > known {
		return fmt.Errorf("database schema version %d is newer than this program's %d: use a newer fonds", newest, known)
	}
	return nil
}
