package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"fonds"
	"fonds/entity"
	"fonds/internal/entitysql"
	"fonds/internal/stored"
)

// visibility is who may see a document, as the rows of its mentions and
// citations copy it from documents.
type visibility struct {
	public   bool // status = 'published'
	released bool
	state    fonds.Status
}

// ref names an entity.
type ref struct {
	kind fonds.EntityKind
	key  string
}

// mentionRow is a row of mentions, its lists as JSON.
type mentionRow struct {
	name, written, passage string
	spellings, authority   string
	start                  string
	public, released       bool
	state                  string
}

// link keeps what package entity derives from c, the document as stored,
// with visibility v: its mentions, citations and identities replace those
// kept before (none when fresh, a document just added), and the entities
// they mention are counted, named and sorted again. Mentions that did not
// change are left alone. It writes rows of one kind in one statement, so
// that a save costs a few statements, not a few for each mention: SQLite
// compiles each statement, and the triggers it fires, anew.
func link(ctx context.Context, tx *sql.Tx, c *fonds.Document, v visibility, fresh bool) error {
	var old map[ref]mentionRow
	if !fresh {
		var err error
		if old, err = storedMentions(ctx, tx, c.ID); err != nil {
			return err
		}
	}
	d := make(deltas)
	var inserts, updates []any
	for _, m := range entity.Mentions(c) {
		r := ref{m.Kind, m.Key}
		row := mentionRow{
			name:    stored.Bound(m.Name, stored.MaxWords),
			written: stored.Bound(m.Written, stored.MaxWords),
			passage: m.Passage,
			start:   c.Date.Start,
			public:  v.public, released: v.released, state: string(v.state),
		}
		spellings, authority := stored.BoundList(m.Spellings, stored.MaxWords), stored.BoundList(m.Authority, stored.MaxTarget)
		var err error
		if row.spellings, err = jsonList(spellings); err != nil {
			return err
		}
		if row.authority, err = jsonList(authority); err != nil {
			return err
		}
		o, had := old[r]
		delete(old, r)
		if had && o == row {
			continue
		}
		values := []any{c.ID, string(r.kind), r.key, row.name, row.written, row.passage, row.spellings, row.authority,
			row.start, row.public, row.released, row.state}
		if had {
			updates = append(updates, values[:9]...)
			d.Add(r, list(o.spellings), list(o.authority), -1)
		} else {
			inserts = append(inserts, values...)
		}
		d.Add(r, spellings, authority, 1)
	}
	if err := execRows(ctx, tx, `INSERT INTO mentions (document_id, kind, key, name, written, passage, spellings, authority,
		date_start, public, released, state) %s`, 12, inserts); err != nil {
		return err
	}
	// Who may see the document is not written here: the trigger
	// documents_links_access copied it into these rows when the document
	// was written, and moved the counts of their spellings with it.
	if err := execRows(ctx, tx, `UPDATE mentions SET name = v.column4, written = v.column5, passage = v.column6,
			spellings = v.column7, authority = v.column8, date_start = v.column9
		FROM (%s) AS v WHERE mentions.document_id = v.column1 AND mentions.kind = v.column2 AND mentions.key = v.column3`, 9, updates); err != nil {
		return err
	}
	var gone []any
	for r, o := range old {
		gone = append(gone, c.ID, string(r.kind), r.key)
		d.Add(r, list(o.spellings), list(o.authority), -1)
	}
	if err := execRows(ctx, tx, `DELETE FROM mentions WHERE (document_id, kind, key) IN (%s)`, 3, gone); err != nil {
		return err
	}
	if err := applyDeltas(ctx, tx, d, v); err != nil {
		return err
	}
	return linkCitations(ctx, tx, c, v, fresh)
}

// unlink removes what link kept of the document id, before its deletion.
func unlink(ctx context.Context, tx *sql.Tx, id string) error {
	old, err := storedMentions(ctx, tx, id)
	if err != nil {
		return err
	}
	d := make(deltas)
	var v visibility // every row of a document says the same
	for r, o := range old {
		d.Add(r, list(o.spellings), list(o.authority), -1)
		v = visibility{public: o.public, released: o.released}
	}
	for _, q := range []string{`DELETE FROM mentions WHERE document_id = ?`, `DELETE FROM citations WHERE document_id = ?`,
		`DELETE FROM identities WHERE document_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	return applyDeltas(ctx, tx, d, v)
}

// storedMentions returns the rows of mentions of the document id.
func storedMentions(ctx context.Context, tx *sql.Tx, id string) (map[ref]mentionRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT kind, key, name, written, passage, spellings, authority, date_start, public, released, state
		FROM mentions WHERE document_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	old := make(map[ref]mentionRow)
	for rows.Next() {
		var r ref
		var m mentionRow
		if err := rows.Scan(&r.kind, &r.key, &m.name, &m.written, &m.passage, &m.spellings, &m.authority, &m.start,
			&m.public, &m.released, &m.state); err != nil {
			return nil, err
		}
		old[r] = m
	}
	return old, rows.Err()
}

// linkCitations replaces the citations and identities of c (it has none
// when fresh).
func linkCitations(ctx context.Context, tx *sql.Tx, c *fonds.Document, v visibility, fresh bool) error {
	if !fresh {
		for _, q := range []string{`DELETE FROM citations WHERE document_id = ?`, `DELETE FROM identities WHERE document_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, c.ID); err != nil {
				return err
			}
		}
	}
	var rows []any
	for _, ct := range entity.Citations(c) {
		if len(ct.Target) <= stored.MaxTarget && len(ct.Anchor) <= stored.MaxWords {
			rows = append(rows, c.ID, ct.Target, ct.Anchor, stored.Bound(ct.Written, stored.MaxWords), c.Date.Start, v.public, v.released, string(v.state))
		}
	}
	if err := execRows(ctx, tx, `INSERT INTO citations (document_id, target, anchor, written, date_start, public, released, state) %s
		ON CONFLICT DO NOTHING`, 8, rows); err != nil {
		return err
	}
	rows = rows[:0]
	for _, t := range entity.Identities(c) {
		if len(t) <= stored.MaxTarget {
			rows = append(rows, t, c.ID, v.public)
		}
	}
	return execRows(ctx, tx, `INSERT INTO identities (target, document_id, public) %s ON CONFLICT DO NOTHING`, 3, rows)
}

// maxRows is how many rows of values execRows writes in one statement,
// well within SQLite's limit of 32766 arguments.
const maxRows = 200

// execRows runs q, in which %s stands for VALUES and a list of rows of
// cols values each, with args, the values of the rows one after the other;
// a statement for each maxRows of them, none for none.
func execRows(ctx context.Context, tx *sql.Tx, q string, cols int, args []any) error {
	for len(args) > 0 {
		n := min(len(args)/cols, maxRows)
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(q, valuesList(n, cols)), args[:n*cols]...); err != nil {
			return err
		}
		args = args[n*cols:]
	}
	return nil
}

// queryRows is execRows for a query, calling fn for each row it returns.
func queryRows(ctx context.Context, tx *sql.Tx, q string, cols int, args []any, fn func(*sql.Rows) error) error {
	for len(args) > 0 {
		n := min(len(args)/cols, maxRows)
		rows, err := tx.QueryContext(ctx, fmt.Sprintf(q, valuesList(n, cols)), args[:n*cols]...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := fn(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		args = args[n*cols:]
	}
	return nil
}

// valuesList returns "VALUES (?, ?), (?, ?)" for rows rows of cols values.
func valuesList(rows, cols int) string {
	row := "(" + strings.Repeat("?, ", cols-1) + "?)"
	var b strings.Builder
	b.WriteString("VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// deltas are how a save changes the counts of the spellings and
// identifiers of the entities it touches.
type deltas = entitysql.Deltas[ref]

// applyDeltas counts the spellings and identifiers of each entity up and down,
// in all and among the documents of visibility v, and names the entities
// whose spellings changed again: from the names added alone when none
// went, so that a save costs what it adds, and from all their names when
// one went.
func applyDeltas(ctx context.Context, tx *sql.Tx, ds deltas, v visibility) error {
	var names, nameDrops, uris, uriDrops []any
	added := make(map[ref][]string)
	seen := entitysql.Seen
	for r, d := range ds {
		for name, n := range d.Names {
			switch {
			case n > 0:
				names = append(names, string(r.kind), r.key, name, stored.Fold(name), stored.Inverted(r.kind, name), n, seen(n, v.public), seen(n, v.released))
				added[r] = append(added[r], name)
			case n < 0:
				nameDrops = append(nameDrops, string(r.kind), r.key, name, n, seen(n, v.public), seen(n, v.released))
			}
		}
		for uri, n := range d.Authority {
			switch {
			case n > 0:
				uris = append(uris, string(r.kind), r.key, uri, n, seen(n, v.public), seen(n, v.released))
			case n < 0:
				uriDrops = append(uriDrops, string(r.kind), r.key, uri, n, seen(n, v.public), seen(n, v.released))
			}
		}
	}
	if err := execRows(ctx, tx, `INSERT INTO entity_names (kind, key, name, folded, inverted, documents, public, released) %s
		ON CONFLICT (kind, key, name) DO UPDATE SET documents = documents + excluded.documents,
			public = public + excluded.public, released = released + excluded.released`, 8, names); err != nil {
		return err
	}
	if err := execRows(ctx, tx, `INSERT INTO entity_authorities (kind, key, uri, documents, public, released) %s
		ON CONFLICT (kind, key, uri) DO UPDATE SET documents = documents + excluded.documents,
			public = public + excluded.public, released = released + excluded.released`, 6, uris); err != nil {
		return err
	}
	removed := make(map[ref]bool)
	for _, t := range []struct {
		table, column string
		drops         []any
	}{{"entity_names", "name", nameDrops}, {"entity_authorities", "uri", uriDrops}} {
		if err := execRows(ctx, tx, `UPDATE `+t.table+` SET documents = documents + v.column4,
				public = public + v.column5, released = released + v.column6 FROM (%s) AS v
			WHERE `+t.table+`.kind = v.column1 AND `+t.table+`.key = v.column2 AND `+t.table+`.`+t.column+` = v.column3`, 6, t.drops); err != nil {
			return err
		}
		var keys []any
		for i := 0; i < len(t.drops); i += 6 {
			keys = append(keys, t.drops[i:i+3]...)
		}
		// A spelling no document writes any more may have named the
		// entity.
		err := queryRows(ctx, tx, `DELETE FROM `+t.table+` WHERE documents <= 0 AND (kind, key, `+t.column+`) IN (%s)
			RETURNING kind, key`, 3, keys, func(rows *sql.Rows) error {
			var r ref
			if err := rows.Scan(&r.kind, &r.key); err != nil {
				return err
			}
			if t.table == "entity_names" {
				removed[r] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return rename(ctx, tx, added, removed)
}

// rename names again the entities whose spellings a save added (added)
// and took away (removed), and writes those whose names changed.
func rename(ctx context.Context, tx *sql.Tx, added map[ref][]string, removed map[ref]bool) error {
	var keys []any
	for _, r := range entitysql.Renamed(added, removed) {
		keys = append(keys, string(r.kind), r.key)
	}
	type named struct {
		r               ref
		met, ru, editor string
		sorted          bool
		newMet, newRu   string
	}
	var es []named
	err := queryRows(ctx, tx, `SELECT kind, key, met_name, met_ru, editor_name, length(sort_en) > 0 FROM entities
		WHERE (kind, key) IN (%s)`, 2, keys, func(rows *sql.Rows) error {
		var e named
		if err := rows.Scan(&e.r.kind, &e.r.key, &e.met, &e.ru, &e.editor, &e.sorted); err != nil {
			return err
		}
		es = append(es, e)
		return nil
	})
	if err != nil {
		return err
	}
	var changed []any
	for _, e := range es {
		if removed[e.r] {
			if e.newMet, e.newRu, err = metNames(ctx, tx, e.r); err != nil {
				return err
			}
		} else {
			e.newMet, e.newRu = stored.BestNames(e.r.kind, append(added[e.r], e.met, e.ru))
		}
		if e.sorted && e.newMet == e.met && e.newRu == e.ru {
			continue
		}
		shown, k := stored.ShownName(e.r.kind, e.newMet, e.newRu, e.editor)
		changed = append(changed, string(e.r.kind), e.r.key, e.newMet, e.newRu, shown, k.Folded, k.En, k.Ru)
	}
	return execRows(ctx, tx, `UPDATE entities SET met_name = v.column3, met_ru = v.column4, name = v.column5, folded = v.column6,
			sort_en = v.column7, sort_ru = v.column8
		FROM (%s) AS v WHERE entities.kind = v.column1 AND entities.key = v.column2`, 8, changed)
}

// metNames returns the best names of the entity r among every spelling
// met (see bestNames).
func metNames(ctx context.Context, tx *sql.Tx, r ref) (met, ru string, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM entity_names WHERE kind = ? AND key = ?`, string(r.kind), r.key)
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", "", err
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return "", "", err
	}
	met, ru = stored.BestNames(r.kind, names)
	return met, ru, nil
}

// setNames writes the names of the entity r (see names).
func setNames(ctx context.Context, tx *sql.Tx, r ref, met, ru, editor string) error {
	shown, k := stored.ShownName(r.kind, met, ru, editor)
	_, err := tx.ExecContext(ctx, `UPDATE entities SET met_name = ?, met_ru = ?, name = ?, folded = ?, sort_en = ?, sort_ru = ?
		WHERE kind = ? AND key = ?`, met, ru, shown, k.Folded, k.En, k.Ru, string(r.kind), r.key)
	return err
}

// fillInverted writes entity_names.inverted of every spelling kept before
// it was, in migration 14.
func fillInverted(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT kind, key, name FROM entity_names`)
	if err != nil {
		return err
	}
	var args []any
	for rows.Next() {
		var kind, key, name string
		if err := rows.Scan(&kind, &key, &name); err != nil {
			rows.Close()
			return err
		}
		args = append(args, kind, key, name, stored.Inverted(fonds.EntityKind(kind), name))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return execRows(ctx, tx, `UPDATE entity_names SET inverted = v.column4 FROM (%s) AS v
		WHERE entity_names.kind = v.column1 AND entity_names.key = v.column2 AND entity_names.name = v.column3`, 4, args)
}

// list decodes a JSON list kept in a row.
func list(s string) []string {
	var l []string
	json.Unmarshal([]byte(s), &l) // written by jsonList
	return l
}

// jsonList encodes l as a row keeps it, [] rather than null.
func jsonList(l []string) (string, error) {
	if l == nil {
		l = []string{}
	}
	b, err := json.Marshal(l)
	return string(b), err
}

// The settings that say which rules derived what the store keeps of the
// documents' links (see stored.Derive).
const (
	settingEntityVersion  = stored.SettingEntityVersion
	settingEntityProgress = stored.SettingEntityProgress
)

// derive derives again, from every stored document, what link keeps, when
// the rules it was derived by are not entity.Version's: in an archive
// written before the store kept links, or by an older program (see
// stored.Derive). A batch of documents is linked in one transaction, one
// document at a time; a document saved meanwhile is linked by its save.
func derive(ctx context.Context, db *sql.DB) error {
	return stored.Derive(ctx, deriver{db})
}

// deriver is a stored.Deriver of an SQLite database.
type deriver struct {
	db *sql.DB
}

func (d deriver) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := d.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func (d deriver) PutSetting(ctx context.Context, name, value string) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return err
}

func (d deriver) DeleteSetting(ctx context.Context, name string) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM settings WHERE name = ?`, name)
	return err
}

func (d deriver) Documents(ctx context.Context, after string) (int, string, error) {
	return deriveDocuments(ctx, d.db, after)
}

func (d deriver) Entities(ctx context.Context, kind, key *string) (int, error) {
	return renameEntities(ctx, d.db, kind, key)
}

// deriveDocuments links the next batch of documents after the id after,
// in one transaction, and returns how many and the last id.
func deriveDocuments(ctx context.Context, db *sql.DB, after string) (int, string, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, "", err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?`, after, stored.DeriveBatch)
	if err != nil {
		return 0, "", err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, "", err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, "", err
	}
	for _, id := range ids {
		var body []byte
		var v visibility
		var number int
		var section string
		if err := tx.QueryRowContext(ctx, `SELECT `+bodyOf("")+`, status = 'published', released, state, number, section
			FROM documents WHERE id = ?`, id).Scan(&body, &v.public, &v.released, &v.state, &number, &section); err != nil {
			return 0, "", err
		}
		d, err := decodeBody(body)
		if err != nil {
			return 0, "", fmt.Errorf("%s: %w", id, err)
		}
		body = nil
		// A document stored before the columns of its number and chapter
		// were kept has them in its body alone.
		if d.Number != number || d.Section != section {
			if _, err := tx.ExecContext(ctx, `UPDATE documents SET number = ?, section = ? WHERE id = ?`, max(d.Number, 0), d.Section, id); err != nil {
				return 0, "", err
			}
		}
		if err := link(ctx, tx, d, v, false); err != nil {
			return 0, "", fmt.Errorf("%s: %w", id, err)
		}
	}
	return len(ids), ids[len(ids)-1], tx.Commit()
}

// renameEntities names the next batch of entities after *kind, *key again
// from their spellings, in one transaction, advancing *kind and *key, and
// returns how many it named.
func renameEntities(ctx context.Context, db *sql.DB, kind, key *string) (int, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT kind, key, editor_name FROM entities WHERE (kind, key) > (?, ?) ORDER BY kind, key LIMIT ?`,
		*kind, *key, 10*stored.DeriveBatch)
	if err != nil {
		return 0, err
	}
	type named struct {
		r      ref
		editor string
	}
	var es []named
	for rows.Next() {
		var e named
		if err := rows.Scan(&e.r.kind, &e.r.key, &e.editor); err != nil {
			rows.Close()
			return 0, err
		}
		es = append(es, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(es) == 0 {
		return 0, err
	}
	for _, e := range es {
		met, ru, err := metNames(ctx, tx, e.r)
		if err != nil {
			return 0, err
		}
		if err := setNames(ctx, tx, e.r, met, ru, e.editor); err != nil {
			return 0, err
		}
	}
	last := es[len(es)-1].r
	*kind, *key = string(last.kind), last.key
	return len(es), tx.Commit()
}
