package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fonds"
	"fonds/internal/entitysql"
	"fonds/internal/stored"
	"fonds/translit"
)

var _ fonds.Entities = (*Store)(nil)

// Entities lists the entities the filter admits, in its order: by the name
// they are shown by, surname first, then by key (and, of several kinds,
// in the order of fonds.EntityKinds). Each list is read from an index in
// its order from where it starts, one for each kind when it is of every
// kind; a list of the entities that match a prefix gathers those from the
// indexes of spellings, names and keys and sorts them.
//
// An entity comes once in a list of every kind even when others of other
// kinds have its key; After, the key of the last entity of a page, then
// continues after the first of them in its order, so that a page may
// repeat one, never leave one out.
func (s *Store) Entities(ctx context.Context, f fonds.EntityFilter) ([]fonds.Entity, error) {
	if err := stored.CheckEntityFilter(f); err != nil {
		return nil, fmt.Errorf("sqlite: entities: %w", err)
	}
	es, err := s.entities(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("sqlite: entities: %w", translate(err))
	}
	return es, nil
}

// listed is the place in a list's order after which a page goes on: the
// entity there and its sort key.
type listed struct {
	e    fonds.Entity
	sort []byte
}

func (s *Store) entities(ctx context.Context, f fonds.EntityFilter) ([]fonds.Entity, error) {
	sortColumn := "sort_en"
	if f.Order == fonds.ByRussianName {
		sortColumn = "sort_ru"
	}
	limit := f.Limit
	if limit == 0 {
		limit = -1
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The place after which the list goes on.
	var after *listed
	if f.After != "" {
		q := `SELECT e.kind, e.` + sortColumn + ` FROM entities e WHERE e.key = ?`
		args := []any{f.After}
		if f.Kind != "" {
			q += ` AND e.kind = ?`
			args = append(args, string(f.Kind))
		}
		var a listed
		err := tx.QueryRowContext(ctx, q+` ORDER BY `+entitysql.KindRank+` LIMIT 1`, args...).Scan(&a.e.Kind, &a.sort)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%w: no entity %q to continue after", fonds.ErrNotFound, f.After)
		} else if err != nil {
			return nil, err
		}
		a.e.Key = f.After
		after = &a
	}
	vis := entitysql.Visibility(f)
	seen := entitysql.SeenColumn(f.Published, f.Restricted)
	if f.Prefix != "" {
		return prefixed(ctx, tx, f, sortColumn, vis, after, limit)
	}
	kinds := fonds.EntityKinds
	if f.Kind != "" {
		kinds = []fonds.EntityKind{f.Kind}
	}
	// One list of each kind, read through the index of the kind, the
	// order and the visibility, merged.
	var all []entitysql.Listed
	for _, k := range kinds {
		q, args := entitiesQuery(k, sortColumn, vis, after, limit)
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		es, err := scanListed(rows, seen)
		if err != nil {
			return nil, err
		}
		all = append(all, es...)
	}
	if len(kinds) > 1 {
		all = entitysql.Merge(all, limit)
	}
	return seenEntities(ctx, tx, all, seen)
}

// seenEntities returns the entities of a list as the documents that the
// column seen counts show them (see entitysql.Shown).
func seenEntities(ctx context.Context, tx *sql.Tx, ls []entitysql.Listed, seen string) ([]fonds.Entity, error) {
	return entitysql.Shown(ls, seen, func(kind fonds.EntityKind, key string) (string, error) {
		return seenName(ctx, tx, kind, key, seen)
	})
}

// maxSeenNames bounds the spellings seenName reads of one entity.
const maxSeenNames = 500

// seenName returns the name an entity is shown by among the spellings of
// the documents the column seen counts (see bestNames), "" when they
// write none.
func seenName(ctx context.Context, tx *sql.Tx, kind fonds.EntityKind, key, seen string) (string, error) {
	rows, err := tx.QueryContext(ctx, namesQuery(seen), string(kind), key, maxSeenNames)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return "", err
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	met, _ := stored.BestNames(kind, names)
	return met, nil
}

// entitiesQuery returns the query of a page of the entities of kind k in
// the order of sortColumn that vis admits, after the place after (if not
// nil), and its arguments.
func entitiesQuery(k fonds.EntityKind, sortColumn, vis string, after *listed, limit int) (string, []any) {
	conds := []string{"e.kind = ?"}
	args := []any{string(k)}
	if vis != "" {
		conds = append(conds, vis)
	}
	if after != nil {
		// Entities of a later kind with the key of the place come after
		// it; of this kind and earlier ones, before.
		cmp := ">"
		if stored.Rank(k) > stored.Rank(after.e.Kind) {
			cmp = ">="
		}
		conds = append(conds, "(e."+sortColumn+", e.key) "+cmp+" (?, ?)")
		args = append(args, after.sort, after.e.Key)
	}
	return `SELECT ` + entitysql.Columns + `, e.` + sortColumn + ` FROM entities e` + where(conds...) +
		` ORDER BY e.` + sortColumn + `, e.key LIMIT ?`, append(args, limit)
}

// prefixed lists the entities that match f.Prefix: a spelling met, or the
// name shown with a person's surname first, that begins with it in any
// case, or a key that begins with its key (translit.Key), so that "sak",
// "Sakh" and "сах" all find Sakharov. The matches are gathered through
// three indexes and sorted: the cost grows with their number.
func prefixed(ctx context.Context, tx *sql.Tx, f fonds.EntityFilter, sortColumn, vis string, after *listed, limit int) ([]fonds.Entity, error) {
	p := stored.Fold(f.Prefix)
	// "\xff" follows every continuation of p in the byte order of text.
	args := []any{p, p + "\xff"}
	// Only the spellings of documents the filter admits match, as
	// written or surname first, and the name shown when an editor gave
	// it: a spelling of another document tells of it.
	seen := entitysql.SeenColumn(f.Published, f.Restricted)
	matches := `SELECT kind, key FROM entity_names WHERE folded >= ?1 AND folded < ?2 AND ` + seen + ` > 0
		UNION SELECT kind, key FROM entity_names WHERE inverted >= ?1 AND inverted < ?2 AND ` + seen + ` > 0
		UNION SELECT kind, key FROM entities WHERE folded >= ?1 AND folded < ?2 AND editor_name != ''`
	if k := translit.Key(p); k != "" {
		matches += ` UNION SELECT kind, key FROM entities WHERE key >= ?3 AND key < ?4`
		args = append(args, k, k+"\xff")
	}
	var conds []string
	n := len(args)
	arg := func(v any) string {
		args = append(args, v)
		n++
		return "?" + strconv.Itoa(n)
	}
	if f.Kind != "" {
		conds = append(conds, "e.kind = "+arg(string(f.Kind)))
	}
	if vis != "" {
		conds = append(conds, vis)
	}
	if after != nil {
		s, k, r := arg(after.sort), arg(after.e.Key), arg(stored.Rank(after.e.Kind))
		conds = append(conds, "(e."+sortColumn+", e.key, "+entitysql.KindRank+") > ("+s+", "+k+", "+r+")")
	}
	q := `WITH m (kind, key) AS (` + matches + `)
		SELECT ` + entitysql.Columns + `, e.` + sortColumn + ` FROM m JOIN entities e ON e.kind = m.kind AND e.key = m.key` +
		where(conds...) + ` ORDER BY e.` + sortColumn + `, e.key, ` + entitysql.KindRank + ` LIMIT ` + arg(limit)
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	ls, err := scanListed(rows, seen)
	if err != nil {
		return nil, err
	}
	return seenEntities(ctx, tx, ls, seen)
}

// scanListed reads the rows of a list of entities, entitysql.Columns and
// the sort key, and closes them; seen is the column that counts the
// documents the list's filter admits.
func scanListed(rows *sql.Rows, seen string) ([]entitysql.Listed, error) {
	defer rows.Close()
	var ls []entitysql.Listed
	for rows.Next() {
		var l entitysql.Listed
		var authority string
		var public, released int
		if err := rows.Scan(&l.Entity.Kind, &l.Entity.Key, &l.Entity.Name, &l.Editor, &l.Entity.Documents, &public, &released,
			&l.Entity.Role, &l.Entity.Dates, &l.Entity.Note, &authority, &l.Sort); err != nil {
			return nil, err
		}
		l.Seen = entitysql.Count(seen, l.Entity.Documents, public, released)
		l.Entity.Authority = list(authority)
		l.Rank = stored.Rank(l.Entity.Kind)
		ls = append(ls, l)
	}
	return ls, rows.Err()
}

// Entity returns the entity with its spellings, the most frequent first,
// and its identifiers in other catalogues, the editor's first, each list
// at most maxNames long: those of the documents f admits, counted among
// them, and the name the best of their spellings unless an editor gave one.
func (s *Store) Entity(ctx context.Context, kind fonds.EntityKind, key string, f fonds.Filter) (*fonds.Entity, error) {
	e, err := s.entity(ctx, kind, key, entitysql.SeenColumn(f.Published, f.Restricted))
	if err != nil {
		return nil, fmt.Errorf("sqlite: entity %s/%s: %w", kind, key, translate(err))
	}
	return e, nil
}

// namesQuery and authoritiesQuery are the queries of an entity's
// spellings and identifiers that the column seen counts, the most frequent
// first, each read through the index of its order.
func namesQuery(seen string) string {
	return `SELECT name, ` + seen + ` FROM entity_names WHERE kind = ? AND key = ? AND ` + seen + ` > 0
		ORDER BY ` + seen + ` DESC, name LIMIT ?`
}

func authoritiesQuery(seen string) string {
	return `SELECT uri, ` + seen + ` FROM entity_authorities WHERE kind = ? AND key = ? AND ` + seen + ` > 0
		ORDER BY ` + seen + ` DESC, uri LIMIT ?`
}

func (s *Store) entity(ctx context.Context, kind fonds.EntityKind, key, seen string) (*fonds.Entity, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	e := fonds.Entity{Kind: kind, Key: key}
	var authority, editor string
	var all int
	if err := tx.QueryRowContext(ctx, `SELECT name, editor_name, documents, `+seen+`, role, dates, note, authority
		FROM entities WHERE kind = ? AND key = ?`,
		string(kind), key).Scan(&e.Name, &editor, &all, &e.Documents, &e.Role, &e.Dates, &e.Note, &authority); err != nil {
		return nil, err // sql.ErrNoRows: nothing mentions it and no editor described it
	}
	e.Authority = list(authority)
	// The spellings, read through the index of their order: every one, or
	// those of the documents the public or a reader sees.
	rows, err := tx.QueryContext(ctx, namesQuery(seen), string(kind), key, stored.MaxNames)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n fonds.EntityName
		if err := rows.Scan(&n.Name, &n.Documents); err != nil {
			return nil, err
		}
		e.Names = append(e.Names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if editor == "" && e.Documents < all {
		name, err := seenName(ctx, tx, kind, key, seen)
		if err != nil {
			return nil, err
		}
		// Described by an editor, with no document the filter admits:
		// nothing names it but the key.
		e.Name = cmp.Or(name, e.Key)
	}
	rows, err = tx.QueryContext(ctx, authoritiesQuery(seen), string(kind), key, stored.MaxNames)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var uri string
		var n int
		if err := rows.Scan(&uri, &n); err != nil {
			return nil, err
		}
		if !slices.Contains(e.Authority, uri) && len(e.Authority) < stored.MaxNames {
			e.Authority = append(e.Authority, uri)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return &e, nil
}

// visibilityConditions returns the conditions on the rows of mentions or
// citations (as t) that admit what the filter's Published, Restricted and
// Status admit, and their arguments: the literals of the partial indexes.
func visibilityConditions(t string, f fonds.Filter) ([]string, []any) {
	var conds []string
	var args []any
	switch {
	case f.Published && f.Restricted:
		conds = append(conds, t+".released = 1")
	case f.Published:
		conds = append(conds, t+".public = 1")
	}
	if f.Status != "" {
		conds = append(conds, t+".state = ?")
		args = append(args, string(f.Status))
	}
	return conds, args
}

// Mentioning lists the documents that mention the entity, as briefs, by
// date then id, with the words of each and the passage they stand in. Of
// the filter it heeds who may see what (Published, Restricted, Status)
// and the page (After, Offset, Limit); the list is read from an index of
// the entity's mentions in date order from where it starts.
func (s *Store) Mentioning(ctx context.Context, kind fonds.EntityKind, key string, f fonds.Filter) ([]fonds.Mentioning, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, fmt.Errorf("sqlite: mentioning %s/%s: %w", kind, key, err)
	}
	ms, err := s.mentioning(ctx, kind, key, f)
	if err != nil {
		return nil, fmt.Errorf("sqlite: mentioning %s/%s: %w", kind, key, translate(err))
	}
	return ms, nil
}

func (s *Store) mentioning(ctx context.Context, kind fonds.EntityKind, key string, f fonds.Filter) ([]fonds.Mentioning, error) {
	limit := f.Limit
	if limit == 0 {
		limit = -1
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var p *position
	if f.After != "" {
		at, err := place(ctx, tx, f.After)
		if err != nil {
			return nil, err
		}
		p = &at
	}
	q, args := mentioningQuery(kind, key, f, p, limit)
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ms := []fonds.Mentioning{}
	for rows.Next() {
		var brief sql.RawBytes
		var name, written string
		var m fonds.Mentioning
		if err := rows.Scan(&brief, &name, &written, &m.Passage); err != nil {
			return nil, err
		}
		if m.Document, err = stored.Decode(brief); err != nil {
			return nil, err
		}
		// The document's own words: those it wrote, or the name when they
		// are the same.
		m.Written = written
		if m.Written == "" {
			m.Written = name
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// mentioningQuery returns the query of a page of the documents that
// mention an entity, after the position p of f.After (if not nil), and its
// arguments.
func mentioningQuery(kind fonds.EntityKind, key string, f fonds.Filter, p *position, limit int) (string, []any) {
	conds, args := visibilityConditions("m", f)
	conds = append([]string{"m.kind = ?", "m.key = ?"}, conds...)
	args = append([]any{string(kind), key}, args...)
	if p != nil {
		conds = append(conds, "(m.undated, m.date_start, m.document_id) > (?, ?, ?)")
		args = append(args, p.start == "", p.start, f.After)
	}
	return `SELECT CAST((SELECT brief FROM document_briefs WHERE id = m.document_id) AS BLOB), m.name, m.written, m.passage
		FROM mentions m` + where(conds...) + ` ORDER BY m.undated, m.date_start, m.document_id LIMIT ? OFFSET ?`,
		append(args, limit, f.Offset)
}

// DescribeEntity keeps what an editor says of the entity, and writes it in
// the audit log (action "entity", the target its kind and key) in the same
// transaction. An empty Name keeps the name met; a description of nothing
// removes the editor's, and an entity that no document mentions with it.
// s.Version is not checked: an entity has no versions.
func (s *Store) DescribeEntity(ctx context.Context, e fonds.Entity, sv fonds.Save) error {
	if err := stored.CheckDescription(&e); err != nil {
		return fmt.Errorf("sqlite: describe entity %s/%s: %w", e.Kind, e.Key, err)
	}
	if err := s.describe(ctx, e, sv); err != nil {
		return fmt.Errorf("sqlite: describe entity %s/%s: %w", e.Kind, e.Key, translate(err))
	}
	return nil
}

func (s *Store) describe(ctx context.Context, e fonds.Entity, sv fonds.Save) error {
	db, err := s.writer()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	authority, err := jsonList(e.Authority)
	if err != nil {
		return err
	}
	described := stored.Described(e)
	if _, err := tx.ExecContext(ctx, `INSERT INTO entities (kind, key, described, editor_name, role, dates, note, authority)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, key) DO UPDATE SET described = excluded.described, editor_name = excluded.editor_name,
			role = excluded.role, dates = excluded.dates, note = excluded.note, authority = excluded.authority`,
		string(e.Kind), e.Key, described, e.Name, e.Role, e.Dates, e.Note, authority); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM entities WHERE kind = ? AND key = ? AND described = 0 AND documents <= 0`,
		string(e.Kind), e.Key); err != nil {
		return err
	}
	var met, ru string
	err = tx.QueryRowContext(ctx, `SELECT met_name, met_ru FROM entities WHERE kind = ? AND key = ?`, string(e.Kind), e.Key).Scan(&met, &ru)
	switch {
	case err == nil:
		if err := setNames(ctx, tx, ref{e.Kind, e.Key}, met, ru, e.Name); err != nil {
			return err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	// A new value, so that caches of the pages that show it know.
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, '1')
		ON CONFLICT (name) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`, fonds.SettingEntitiesDescribed); err != nil {
		return err
	}
	a := stored.DescriptionEntry(e, sv, now())
	if err := audit(ctx, tx, &a); err != nil {
		return err
	}
	return tx.Commit()
}

// CitedBy lists the documents that cite the document id by any of its
// identities, as briefs, by date then id, each once. Of the filter it
// heeds who may see what and the page, as Mentioning does. Each identity's
// citations are read from an index in date order from where the page
// starts, a page of them, and merged: a document has a few identities.
func (s *Store) CitedBy(ctx context.Context, id string, f fonds.Filter) ([]*fonds.Document, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, fmt.Errorf("sqlite: cited by %s: %w", id, err)
	}
	docs, err := s.citedBy(ctx, id, f)
	if err != nil {
		return nil, fmt.Errorf("sqlite: cited by %s: %w", id, translate(err))
	}
	return docs, nil
}

func (s *Store) citedBy(ctx context.Context, id string, f fonds.Filter) ([]*fonds.Document, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, id).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fonds.ErrNotFound
	}
	targets, err := strings1(ctx, tx, `SELECT target FROM identities WHERE document_id = ?`, id)
	if err != nil {
		return nil, err
	}
	var p *position
	if f.After != "" {
		at, err := place(ctx, tx, f.After)
		if err != nil {
			return nil, err
		}
		p = &at
	}
	limit := -1
	if f.Limit > 0 {
		limit = f.Offset + f.Limit
	}
	type citing struct {
		undated bool
		start   string
		id      string
	}
	var all []citing
	for _, t := range targets {
		q, args := citingQuery(t, id, f, p, limit)
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c citing
			if err := rows.Scan(&c.undated, &c.start, &c.id); err != nil {
				rows.Close()
				return nil, err
			}
			all = append(all, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// The first limit citing documents of each identity hold the first
	// limit of them all.
	slices.SortFunc(all, func(a, b citing) int {
		switch {
		case a.undated != b.undated:
			if a.undated {
				return 1
			}
			return -1
		case a.start != b.start:
			return strings.Compare(a.start, b.start)
		}
		return strings.Compare(a.id, b.id)
	})
	all = slices.CompactFunc(all, func(a, b citing) bool { return a.id == b.id })
	all = all[min(f.Offset, len(all)):]
	if f.Limit > 0 && len(all) > f.Limit {
		all = all[:f.Limit]
	}
	docs := []*fonds.Document{}
	for _, c := range all {
		var brief []byte
		if err := tx.QueryRowContext(ctx, `SELECT CAST(brief AS BLOB) FROM document_briefs WHERE id = ?`, c.id).Scan(&brief); err != nil {
			return nil, err
		}
		d, err := stored.Decode(brief)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// citingQuery returns the query of the first documents but id that cite
// the target, after the position p of f.After (if not nil), and its
// arguments.
func citingQuery(target, id string, f fonds.Filter, p *position, limit int) (string, []any) {
	conds, args := visibilityConditions("c", f)
	conds = append([]string{"c.target = ?", "c.document_id <> ?"}, conds...)
	args = append([]any{target, id}, args...)
	if p != nil {
		conds = append(conds, "(c.undated, c.date_start, c.document_id) > (?, ?, ?)")
		args = append(args, p.start == "", p.start, f.After)
	}
	return `SELECT c.undated, c.date_start, c.document_id FROM citations c` + where(conds...) +
		` ORDER BY c.undated, c.date_start, c.document_id LIMIT ?`, append(args, limit)
}

// strings1 returns the first column of the rows of a query.
func strings1(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Resolve returns, for each target that identifies a document, the id of
// that document: of several that share it (an archival reference), the
// first by id of those the public sees, or else the first by id. A target
// with a place within the document ("v#d8fn3") resolves as the document
// ("v#d8") does.
func (s *Store) Resolve(ctx context.Context, targets []string) (map[string]string, error) {
	m, err := s.resolve(ctx, targets)
	if err != nil {
		return nil, fmt.Errorf("sqlite: resolve: %w", translate(err))
	}
	return m, nil
}

// resolveQuery is the query of the document a target resolves to.
const resolveQuery = `SELECT document_id FROM identities WHERE target = ? ORDER BY public DESC, document_id LIMIT 1`

func (s *Store) resolve(ctx context.Context, targets []string) (map[string]string, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, resolveQuery)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	return stored.Resolve(targets, func(t string) (string, bool, error) {
		var id string
		err := stmt.QueryRowContext(ctx, t).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", false, nil
		}
		return id, err == nil, err
	})
}

// Unresolved calls fn for every citation whose target no document has as
// an identity and no collection has as its slug, in the order of the
// citing documents' ids (then of targets and anchors). It reads them a
// batch at a time, each in a read of its own, and calls fn between reads,
// so that fn may use the store.
func (s *Store) Unresolved(ctx context.Context, fn func(id string, c fonds.Citation) error) error {
	return stored.Unresolved(func(after stored.Cited) ([]stored.Cited, error) {
		rows, err := s.read.QueryContext(ctx, `SELECT c.document_id, c.target, c.anchor, c.written FROM citations c
			WHERE (c.document_id, c.target, c.anchor) > (?, ?, ?)
				AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.target = c.target)
				AND NOT EXISTS (SELECT 1 FROM collections WHERE slug = c.target)
			ORDER BY c.document_id, c.target, c.anchor LIMIT ?`,
			after.ID, after.Citation.Target, after.Citation.Anchor, stored.UnresolvedBatch)
		if err != nil {
			return nil, fmt.Errorf("sqlite: unresolved: %w", translate(err))
		}
		defer rows.Close()
		var batch []stored.Cited
		for rows.Next() {
			var c stored.Cited
			if err := rows.Scan(&c.ID, &c.Citation.Target, &c.Citation.Anchor, &c.Citation.Written); err != nil {
				return nil, fmt.Errorf("sqlite: unresolved: %w", err)
			}
			batch = append(batch, c)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: unresolved: %w", translate(err))
		}
		return batch, nil
	}, fn)
}

// Sections lists the chapters of the collection that the public sees, in
// the order of their first numbers (those without numbers last, by
// title), each with the number of its documents the public sees and the
// smallest of their numbers, as Collection counts the public's documents:
// read from a table the triggers on documents keep. It is ErrNotFound for
// a collection that does not exist.
func (s *Store) Sections(ctx context.Context, collection string) ([]fonds.Section, error) {
	ss, err := s.sections(ctx, collection)
	if err != nil {
		return nil, fmt.Errorf("sqlite: sections of %q: %w", collection, translate(err))
	}
	return ss, nil
}

// sectionsQuery is the query of the chapters of a collection, in order.
const sectionsQuery = `SELECT title, first, n FROM sections WHERE collection = ? ORDER BY first = 0, first, title`

func (s *Store) sections(ctx context.Context, collection string) ([]fonds.Section, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM collections WHERE slug = ?`, collection).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fonds.ErrNotFound
	}
	rows, err := tx.QueryContext(ctx, sectionsQuery, collection)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ss := []fonds.Section{}
	for rows.Next() {
		var sc fonds.Section
		if err := rows.Scan(&sc.Title, &sc.First, &sc.Count); err != nil {
			return nil, err
		}
		ss = append(ss, sc)
	}
	return ss, rows.Err()
}
