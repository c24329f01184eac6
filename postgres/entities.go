package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"fonds"
	"fonds/internal/entitysql"
	"fonds/internal/stored"
	"fonds/translit"

	"github.com/jackc/pgx/v5"
)

var _ fonds.Entities = (*Store)(nil)

// Entities lists the entities the filter admits, in its order: by the name
// they are shown by, surname first, then by key (and, of several kinds, in
// the order of fonds.EntityKinds). Each list is read from an index in its
// order from where it starts, one for each kind when it is of every kind;
// a list of the entities that match a prefix gathers those from the
// indexes of spellings, names and keys and sorts them.
func (s *Store) Entities(ctx context.Context, f fonds.EntityFilter) ([]fonds.Entity, error) {
	if err := stored.CheckEntityFilter(f); err != nil {
		return nil, fmt.Errorf("postgres: entities: %w", err)
	}
	var es []fonds.Entity
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		es, err = entities(ctx, tx, f)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: entities: %w", translate(err))
	}
	return es, nil
}

func entities(ctx context.Context, tx pgx.Tx, f fonds.EntityFilter) ([]fonds.Entity, error) {
	sortColumn := "sort_en"
	if f.Order == fonds.ByRussianName {
		sortColumn = "sort_ru"
	}
	// The place after which the list goes on.
	var after *entitysql.Listed
	if f.After != "" {
		var a args
		q := `SELECT e.kind, e.` + sortColumn + ` FROM entities e WHERE e.key = ` + a.add(f.After)
		if f.Kind != "" {
			q += ` AND e.kind = ` + a.add(string(f.Kind))
		}
		var l entitysql.Listed
		var kind string
		err := tx.QueryRow(ctx, q+` ORDER BY `+entitysql.KindRank+` LIMIT 1`, a...).Scan(&kind, &l.Sort)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("%w: no entity %q to continue after", fonds.ErrNotFound, f.After)
		} else if err != nil {
			return nil, err
		}
		l.Entity.Kind, l.Entity.Key = fonds.EntityKind(kind), f.After
		l.Rank = stored.Rank(l.Entity.Kind)
		after = &l
	}
	vis := entitysql.Visibility(f)
	seen := entitysql.SeenColumn(f.Published, f.Restricted)
	if f.Prefix != "" {
		return prefixed(ctx, tx, f, sortColumn, vis, after)
	}
	kinds := fonds.EntityKinds
	if f.Kind != "" {
		kinds = []fonds.EntityKind{f.Kind}
	}
	// One list of each kind, read through the index of the kind, the order
	// and the visibility, merged.
	var all []entitysql.Listed
	for _, k := range kinds {
		var a args
		conds := []string{"e.kind = " + a.add(string(k))}
		if vis != "" {
			conds = append(conds, vis)
		}
		if after != nil {
			// Entities of a later kind with the key of the place come
			// after it; of this kind and earlier ones, before.
			op := ">"
			if stored.Rank(k) > after.Rank {
				op = ">="
			}
			conds = append(conds, "(e."+sortColumn+", e.key) "+op+" ("+a.add(after.Sort)+", "+a.add(after.Entity.Key)+")")
		}
		rows, err := tx.Query(ctx, `SELECT `+entitysql.Columns+`, e.`+sortColumn+` FROM entities e`+where(conds...)+
			` ORDER BY e.`+sortColumn+`, e.key LIMIT `+a.add(limit(f.Limit)), a...)
		if err != nil {
			return nil, err
		}
		ls, err := scanListed(rows, seen)
		if err != nil {
			return nil, err
		}
		all = append(all, ls...)
	}
	if len(kinds) > 1 {
		all = entitysql.Merge(all, f.Limit)
	}
	return seenEntities(ctx, tx, all, seen)
}

// seenEntities returns the entities of a list as the documents that the
// column seen counts show them (see entitysql.Shown).
func seenEntities(ctx context.Context, tx pgx.Tx, ls []entitysql.Listed, seen string) ([]fonds.Entity, error) {
	return entitysql.Shown(ls, seen, func(kind fonds.EntityKind, key string) (string, error) {
		return seenName(ctx, tx, kind, key, seen)
	})
}

// maxSeenNames bounds the spellings seenName reads of one entity.
const maxSeenNames = 500

// seenName returns the name an entity is shown by among the spellings of
// the documents the column seen counts, "" when they write none.
func seenName(ctx context.Context, tx pgx.Tx, kind fonds.EntityKind, key, seen string) (string, error) {
	rows, err := tx.Query(ctx, namesQuery(seen), string(kind), key, maxSeenNames)
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

// prefixed lists the entities that match f.Prefix: a spelling met, or the
// name shown with a person's surname first, that begins with it in any
// case, or a key that begins with its key (translit.Key), so that "sak",
// "Sakh" and "сах" all find Sakharov. Only the spellings of documents the
// filter admits match, and the name shown when an editor gave it.
func prefixed(ctx context.Context, tx pgx.Tx, f fonds.EntityFilter, sortColumn, vis string, after *entitysql.Listed) ([]fonds.Entity, error) {
	p := stored.Fold(f.Prefix)
	var a args
	lo, hi := a.add(p), a.add(p+"\U0010FFFF")
	seen := entitysql.SeenColumn(f.Published, f.Restricted)
	matches := `SELECT kind, key FROM entity_names WHERE folded >= ` + lo + ` AND folded < ` + hi + ` AND ` + seen + ` > 0
		UNION SELECT kind, key FROM entity_names WHERE inverted >= ` + lo + ` AND inverted < ` + hi + ` AND ` + seen + ` > 0
		UNION SELECT kind, key FROM entities WHERE folded >= ` + lo + ` AND folded < ` + hi + ` AND editor_name <> ''`
	if k := translit.Key(p); k != "" {
		matches += ` UNION SELECT kind, key FROM entities WHERE key >= ` + a.add(k) + ` AND key < ` + a.add(k+"\U0010FFFF")
	}
	var conds []string
	if f.Kind != "" {
		conds = append(conds, "e.kind = "+a.add(string(f.Kind)))
	}
	if vis != "" {
		conds = append(conds, vis)
	}
	if after != nil {
		conds = append(conds, "(e."+sortColumn+", e.key, "+entitysql.KindRank+") > ("+a.add(after.Sort)+", "+a.add(after.Entity.Key)+", "+a.add(after.Rank)+")")
	}
	q := `WITH m (kind, key) AS (` + matches + `)
		SELECT ` + entitysql.Columns + `, e.` + sortColumn + ` FROM m JOIN entities e ON e.kind = m.kind AND e.key = m.key` +
		where(conds...) + ` ORDER BY e.` + sortColumn + `, e.key, ` + entitysql.KindRank + ` LIMIT ` + a.add(limit(f.Limit))
	rows, err := tx.Query(ctx, q, a...)
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
// the sort key; seen is the column that counts the documents the list's
// filter admits.
func scanListed(rows pgx.Rows, seen string) ([]entitysql.Listed, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (entitysql.Listed, error) {
		var l entitysql.Listed
		var kind string
		var public, released int
		if err := row.Scan(&kind, &l.Entity.Key, &l.Entity.Name, &l.Editor, &l.Entity.Documents, &public, &released,
			&l.Entity.Role, &l.Entity.Dates, &l.Entity.Note, &l.Entity.Authority, &l.Sort); err != nil {
			return l, err
		}
		l.Entity.Kind = fonds.EntityKind(kind)
		l.Seen = entitysql.Count(seen, l.Entity.Documents, public, released)
		if len(l.Entity.Authority) == 0 {
			l.Entity.Authority = nil
		}
		l.Rank = stored.Rank(l.Entity.Kind)
		return l, nil
	})
}

// namesQuery and authoritiesQuery are the queries of an entity's
// spellings and identifiers that the column seen counts, the most frequent
// first, each read through the index of its order.
func namesQuery(seen string) string {
	return `SELECT name, ` + seen + ` FROM entity_names WHERE kind = $1 AND key = $2 AND ` + seen + ` > 0
		ORDER BY ` + seen + ` DESC, name LIMIT $3`
}

func authoritiesQuery(seen string) string {
	return `SELECT uri, ` + seen + ` FROM entity_authorities WHERE kind = $1 AND key = $2 AND ` + seen + ` > 0
		ORDER BY ` + seen + ` DESC, uri LIMIT $3`
}

// Entity returns the entity with its spellings, the most frequent first,
// and its identifiers in other catalogues, the editor's first, each list
// at most stored.MaxNames long: those of the documents f admits, counted
// among them, and the name the best of their spellings unless an editor
// gave one.
func (s *Store) Entity(ctx context.Context, kind fonds.EntityKind, key string, f fonds.Filter) (*fonds.Entity, error) {
	seen := entitysql.SeenColumn(f.Published, f.Restricted)
	e := fonds.Entity{Kind: kind, Key: key}
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var editor string
		var all int
		if err := tx.QueryRow(ctx, `SELECT name, editor_name, documents, `+seen+`, role, dates, note, authority
			FROM entities WHERE kind = $1 AND key = $2`, string(kind), key).
			Scan(&e.Name, &editor, &all, &e.Documents, &e.Role, &e.Dates, &e.Note, &e.Authority); err != nil {
			return err // pgx.ErrNoRows: nothing mentions it and no editor described it
		}
		if len(e.Authority) == 0 {
			e.Authority = nil
		}
		rows, err := tx.Query(ctx, namesQuery(seen), string(kind), key, stored.MaxNames)
		if err != nil {
			return err
		}
		names, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (fonds.EntityName, error) {
			var n fonds.EntityName
			err := row.Scan(&n.Name, &n.Documents)
			return n, err
		})
		if err != nil {
			return err
		}
		e.Names = names
		if editor == "" && e.Documents < all {
			name, err := seenName(ctx, tx, kind, key, seen)
			if err != nil {
				return err
			}
			// Described by an editor, with no document the filter
			// admits: nothing names it but the key.
			e.Name = cmp.Or(name, e.Key)
		}
		rows, err = tx.Query(ctx, authoritiesQuery(seen), string(kind), key, stored.MaxNames)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var uri string
			var n int
			if err := rows.Scan(&uri, &n); err != nil {
				return err
			}
			if !slices.Contains(e.Authority, uri) && len(e.Authority) < stored.MaxNames {
				e.Authority = append(e.Authority, uri)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: entity %s/%s: %w", kind, key, translate(err))
	}
	return &e, nil
}

// visibilityConditions returns the conditions on the rows of mentions or
// citations (as t) that admit what the filter's Published, Restricted and
// Status admit, their arguments added to a.
func visibilityConditions(t string, f fonds.Filter, a *args) []string {
	var conds []string
	switch {
	case f.Published && f.Restricted:
		conds = append(conds, t+".released")
	case f.Published:
		conds = append(conds, t+".public")
	}
	if f.Status != "" {
		conds = append(conds, t+".state = "+a.add(string(f.Status)))
	}
	return conds
}

// Mentioning lists the documents that mention the entity, as briefs, by
// date then id, with the words of each and the passage they stand in. Of
// the filter it heeds who may see what (Published, Restricted, Status)
// and the page (After, Offset, Limit).
func (s *Store) Mentioning(ctx context.Context, kind fonds.EntityKind, key string, f fonds.Filter) ([]fonds.Mentioning, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, fmt.Errorf("postgres: mentioning %s/%s: %w", kind, key, err)
	}
	ms := []fonds.Mentioning{}
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var a args
		conds := append([]string{"m.kind = " + a.add(string(kind)), "m.key = " + a.add(key)}, visibilityConditions("m", f, &a)...)
		if f.After != "" {
			p, err := place(ctx, tx, f.After)
			if err != nil {
				return err
			}
			conds = append(conds, "(m.undated, m.date_start, m.document_id) > ("+a.add(p.start == "")+", "+a.add(p.start)+", "+a.add(f.After)+")")
		}
		rows, err := tx.Query(ctx, `SELECT d.brief, m.name, m.written, m.passage
			FROM mentions m JOIN documents d ON d.id = m.document_id`+where(conds...)+
			` ORDER BY m.undated, m.date_start, m.document_id LIMIT `+a.add(limit(f.Limit))+` OFFSET `+a.add(f.Offset), a...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var brief []byte
			var name, written string
			var m fonds.Mentioning
			if err := rows.Scan(&brief, &name, &written, &m.Passage); err != nil {
				return err
			}
			if m.Document, err = stored.Decode(brief); err != nil {
				return err
			}
			// The document's own words: those it wrote, or the name when
			// they are the same.
			m.Written = cmp.Or(written, name)
			ms = append(ms, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: mentioning %s/%s: %w", kind, key, translate(err))
	}
	return ms, nil
}

// DescribeEntity keeps what an editor says of the entity, and writes it in
// the audit log (action "entity", the target its kind and key) in the same
// transaction. An empty Name keeps the name met; a description of nothing
// removes the editor's, and an entity that no document mentions with it.
func (s *Store) DescribeEntity(ctx context.Context, e fonds.Entity, sv fonds.Save) error {
	if err := stored.CheckDescription(&e); err != nil {
		return fmt.Errorf("postgres: describe entity %s/%s: %w", e.Kind, e.Key, err)
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockEntities(ctx, tx, "", []ref{{e.Kind, e.Key}}); err != nil {
			return err
		}
		described := stored.Described(e)
		if _, err := tx.Exec(ctx, `INSERT INTO entities (kind, key, described, editor_name, role, dates, note, authority)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (kind, key) DO UPDATE SET described = excluded.described, editor_name = excluded.editor_name,
				role = excluded.role, dates = excluded.dates, note = excluded.note, authority = excluded.authority`,
			string(e.Kind), e.Key, described, e.Name, e.Role, e.Dates, e.Note, texts(e.Authority)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM entities WHERE kind = $1 AND key = $2 AND NOT described AND documents <= 0`,
			string(e.Kind), e.Key); err != nil {
			return err
		}
		var met, ru string
		err := tx.QueryRow(ctx, `SELECT met_name, met_ru FROM entities WHERE kind = $1 AND key = $2`, string(e.Kind), e.Key).Scan(&met, &ru)
		switch {
		case err == nil:
			var b pgx.Batch
			queueNames(&b, ref{e.Kind, e.Key}, met, ru, e.Name)
			if err := sendBatch(ctx, tx, &b); err != nil {
				return err
			}
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		// A new value, so that caches of the pages that show it know.
		if _, err := tx.Exec(ctx, `INSERT INTO settings (name, value) VALUES ($1, '1')
			ON CONFLICT (name) DO UPDATE SET value = convert_to((convert_from(settings.value, 'UTF8')::bigint + 1)::text, 'UTF8')`,
			fonds.SettingEntitiesDescribed); err != nil {
			return err
		}
		a := stored.DescriptionEntry(e, sv, now())
		p := newPending(tx)
		written(p, nil, nil, &a)
		return p.send(ctx)
	})
	if err != nil {
		return fmt.Errorf("postgres: describe entity %s/%s: %w", e.Kind, e.Key, translate(err))
	}
	return nil
}

// CitedBy lists the documents that cite the document id by any of its
// identities, as briefs, by date then id, each once. Of the filter it
// heeds who may see what and the page, as Mentioning does.
func (s *Store) CitedBy(ctx context.Context, id string, f fonds.Filter) ([]*fonds.Document, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, fmt.Errorf("postgres: cited by %s: %w", id, err)
	}
	var docs []*fonds.Document
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var found bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM documents WHERE id = $1)`, id).Scan(&found); err != nil {
			return err
		}
		if !found {
			return fonds.ErrNotFound
		}
		var a args
		conds := append([]string{"c.target IN (SELECT target FROM identities WHERE document_id = " + a.add(id) + ")",
			"c.document_id <> $1"}, visibilityConditions("c", f, &a)...)
		if f.After != "" {
			p, err := place(ctx, tx, f.After)
			if err != nil {
				return err
			}
			conds = append(conds, "(c.undated, c.date_start, c.document_id) > ("+a.add(p.start == "")+", "+a.add(p.start)+", "+a.add(f.After)+")")
		}
		rows, err := tx.Query(ctx, `SELECT d.brief FROM documents d WHERE d.id IN (
				SELECT DISTINCT c.document_id FROM citations c`+where(conds...)+`)
			ORDER BY d.undated, d.date_start, d.id LIMIT `+a.add(limit(f.Limit))+` OFFSET `+a.add(f.Offset), a...)
		if err != nil {
			return err
		}
		docs, err = scanDocuments(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: cited by %s: %w", id, translate(err))
	}
	return docs, nil
}

// Resolve returns, for each target that identifies a document, the id of
// that document: of several that share it (an archival reference), the
// first by id of those the public sees, or else the first by id. A target
// with a place within the document ("v#d8fn3") resolves as the document
// ("v#d8") does.
func (s *Store) Resolve(ctx context.Context, targets []string) (map[string]string, error) {
	var m map[string]string
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		m, err = stored.Resolve(targets, func(t string) (string, bool, error) {
			var id string
			err := tx.QueryRow(ctx, `SELECT document_id FROM identities WHERE target = $1
				ORDER BY public DESC, document_id LIMIT 1`, text(t)).Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				return "", false, nil
			}
			return id, err == nil, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: resolve: %w", translate(err))
	}
	return m, nil
}

// Unresolved calls fn for every citation whose target no document has as
// an identity and no collection has as its slug, in the order of the
// citing documents' ids (then of targets and anchors). It reads them a
// batch at a time and calls fn between reads, so that fn may use the
// store.
func (s *Store) Unresolved(ctx context.Context, fn func(id string, c fonds.Citation) error) error {
	return stored.Unresolved(func(after stored.Cited) ([]stored.Cited, error) {
		rows, err := s.db.Query(ctx, `SELECT c.document_id, c.target, c.anchor, c.written FROM citations c
			WHERE (c.document_id, c.target, c.anchor) > ($1, $2, $3)
				AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.target = c.target)
				AND NOT EXISTS (SELECT 1 FROM collections WHERE slug = c.target)
			ORDER BY c.document_id, c.target, c.anchor LIMIT $4`,
			after.ID, after.Citation.Target, after.Citation.Anchor, stored.UnresolvedBatch)
		if err != nil {
			return nil, fmt.Errorf("postgres: unresolved: %w", translate(err))
		}
		batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (stored.Cited, error) {
			var c stored.Cited
			err := row.Scan(&c.ID, &c.Citation.Target, &c.Citation.Anchor, &c.Citation.Written)
			return c, err
		})
		if err != nil {
			return nil, fmt.Errorf("postgres: unresolved: %w", translate(err))
		}
		return batch, nil
	}, fn)
}

// Sections lists the chapters of the collection that the public sees, in
// the order of their first numbers (those without numbers last, by
// title), each with the number of its documents the public sees and the
// smallest of their numbers. They are counted from the public documents
// of the collection, through the index of its public documents: a
// volume's documents are few beside the archive. It is ErrNotFound for a
// collection that does not exist.
func (s *Store) Sections(ctx context.Context, collection string) ([]fonds.Section, error) {
	var ss []fonds.Section
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var found bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM collections WHERE slug = $1)`, collection).Scan(&found); err != nil {
			return err
		}
		if !found {
			return fonds.ErrNotFound
		}
		rows, err := tx.Query(ctx, `SELECT title, first, n FROM (
				SELECT section AS title, coalesce(min(number) FILTER (WHERE number > 0), 0) AS first, count(*) AS n
				FROM documents WHERE collection = $1 AND status = 'published' AND section <> '' GROUP BY section) s
			ORDER BY first = 0, first, title COLLATE "C"`, collection)
		if err != nil {
			return err
		}
		ss, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (fonds.Section, error) {
			var sc fonds.Section
			err := row.Scan(&sc.Title, &sc.First, &sc.Count)
			return sc, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: sections of %q: %w", collection, translate(err))
	}
	if ss == nil {
		ss = []fonds.Section{}
	}
	return ss, nil
}
