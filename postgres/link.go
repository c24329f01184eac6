package postgres

import (
	"context"
	"errors"
	"slices"

	"fonds"
	"fonds/entity"
	"fonds/internal/entitysql"
	"fonds/internal/stored"

	"github.com/jackc/pgx/v5"
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

// mentionRow is a row of mentions.
type mentionRow struct {
	name, written, passage string
	spellings, authority   []string
	start                  string
	public, released       bool
	state                  string
}

func (a mentionRow) equal(b mentionRow) bool {
	return a.name == b.name && a.written == b.written && a.passage == b.passage &&
		slices.Equal(a.spellings, b.spellings) && slices.Equal(a.authority, b.authority) &&
		a.start == b.start && a.public == b.public && a.released == b.released && a.state == b.state
}

// mentionRefs returns the entities d mentions.
func mentionRefs(d *fonds.Document) []ref {
	var refs []ref
	for _, m := range entity.Mentions(d) {
		refs = append(refs, ref{m.Kind, m.Key})
	}
	return refs
}

// sendBatch runs the statements of b, if any, in one round trip.
func sendBatch(ctx context.Context, tx pgx.Tx, b *pgx.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, b).Close()
}

// link keeps what package entity derives from c, the document as stored,
// with visibility v: its mentions, citations and identities replace those
// kept before (none when fresh, a document just added), and the entities
// they mention are counted, named and sorted again. Mentions that did not
// change are left alone. The writes are queued on p, which is sent where
// a read needs them done.
func link(ctx context.Context, p *pending, c *fonds.Document, v visibility, fresh bool) error {
	var old map[ref]mentionRow
	if !fresh {
		var err error
		if old, err = storedMentions(ctx, p, c.ID); err != nil {
			return err
		}
	}
	d := make(deltas)
	for _, m := range entity.Mentions(c) {
		r := ref{m.Kind, m.Key}
		row := mentionRow{
			name:      text(stored.Bound(m.Name, stored.MaxWords)),
			written:   text(stored.Bound(m.Written, stored.MaxWords)),
			passage:   text(m.Passage),
			spellings: texts(stored.BoundList(m.Spellings, stored.MaxWords)),
			authority: texts(stored.BoundList(m.Authority, stored.MaxTarget)),
			start:     c.Date.Start,
			public:    v.public, released: v.released, state: string(v.state),
		}
		o, had := old[r]
		delete(old, r)
		if had && o.equal(row) {
			continue
		}
		if had {
			p.queue(`UPDATE mentions SET name = $4, written = $5, passage = $6, spellings = $7, authority = $8, date_start = $9
				WHERE document_id = $1 AND kind = $2 AND key = $3`,
				c.ID, string(r.kind), r.key, row.name, row.written, row.passage, row.spellings, row.authority, row.start)
			d.Add(r, o.spellings, o.authority, -1)
		} else {
			p.queue(`INSERT INTO mentions (document_id, kind, key, name, written, passage, spellings, authority,
				date_start, public, released, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
				c.ID, string(r.kind), r.key, row.name, row.written, row.passage, row.spellings, row.authority,
				row.start, row.public, row.released, row.state)
		}
		d.Add(r, row.spellings, row.authority, 1)
	}
	for r, o := range old {
		p.queue(`DELETE FROM mentions WHERE document_id = $1 AND kind = $2 AND key = $3`, c.ID, string(r.kind), r.key)
		d.Add(r, o.spellings, o.authority, -1)
	}
	if err := applyDeltas(ctx, p, d, v); err != nil {
		return err
	}
	linkCitations(p, c, v, fresh)
	return nil
}

// unlink removes what link kept of the document id, before its deletion.
func unlink(ctx context.Context, p *pending, id string) error {
	old, err := storedMentions(ctx, p, id)
	if err != nil {
		return err
	}
	d := make(deltas)
	var v visibility // every row of a document says the same
	for r, o := range old {
		d.Add(r, o.spellings, o.authority, -1)
		v = visibility{public: o.public, released: o.released}
	}
	for _, q := range []string{`DELETE FROM mentions WHERE document_id = $1`, `DELETE FROM citations WHERE document_id = $1`,
		`DELETE FROM identities WHERE document_id = $1`} {
		p.queue(q, id)
	}
	return applyDeltas(ctx, p, d, v)
}

// storedMentions returns the rows of mentions of the document id, after
// the writes queued on p.
func storedMentions(ctx context.Context, p *pending, id string) (map[ref]mentionRow, error) {
	if err := p.send(ctx); err != nil {
		return nil, err
	}
	rows, err := p.tx.Query(ctx, `SELECT kind, key, name, written, passage, spellings, authority, date_start, public, released, state
		FROM mentions WHERE document_id = $1`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	old := make(map[ref]mentionRow)
	for rows.Next() {
		var r ref
		var kind string
		var m mentionRow
		if err := rows.Scan(&kind, &r.key, &m.name, &m.written, &m.passage, &m.spellings, &m.authority, &m.start,
			&m.public, &m.released, &m.state); err != nil {
			return nil, err
		}
		r.kind = fonds.EntityKind(kind)
		old[r] = m
	}
	return old, rows.Err()
}

// linkCitations replaces the citations and identities of c (it has none
// when fresh).
func linkCitations(p *pending, c *fonds.Document, v visibility, fresh bool) {
	if !fresh {
		p.queue(`DELETE FROM citations WHERE document_id = $1`, c.ID)
		p.queue(`DELETE FROM identities WHERE document_id = $1`, c.ID)
	}
	for _, ct := range entity.Citations(c) {
		if len(ct.Target) <= stored.MaxTarget && len(ct.Anchor) <= stored.MaxWords {
			p.queue(`INSERT INTO citations (document_id, target, anchor, written, date_start, public, released, state)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
				c.ID, text(ct.Target), text(ct.Anchor), text(stored.Bound(ct.Written, stored.MaxWords)), c.Date.Start, v.public, v.released, string(v.state))
		}
	}
	for _, t := range entity.Identities(c) {
		if len(t) <= stored.MaxTarget {
			p.queue(`INSERT INTO identities (target, document_id, public) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, text(t), c.ID, v.public)
		}
	}
}

// deltas are how a save changes the counts of the spellings and
// identifiers of the entities it touches.
type deltas = entitysql.Deltas[ref]

// applyDeltas counts the spellings and identifiers of each entity up and down,
// in all and among the documents of visibility v, and names the entities
// whose spellings changed again: from the names added alone when none
// went, and from all their names when one went.
func applyDeltas(ctx context.Context, p *pending, ds deltas, v visibility) error {
	seen := entitysql.Seen
	added := make(map[ref][]string)
	var nameDrops []ref
	for r, d := range ds {
		for name, n := range d.Names {
			switch {
			case n > 0:
				p.queue(`INSERT INTO entity_names (kind, key, name, folded, inverted, documents, public, released)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
					ON CONFLICT (kind, key, name) DO UPDATE SET documents = entity_names.documents + excluded.documents,
						public = entity_names.public + excluded.public, released = entity_names.released + excluded.released`,
					string(r.kind), r.key, name, stored.Fold(name), stored.Inverted(r.kind, name), n, seen(n, v.public), seen(n, v.released))
				added[r] = append(added[r], name)
			case n < 0:
				p.queue(`UPDATE entity_names SET documents = documents + $4, public = public + $5, released = released + $6
					WHERE kind = $1 AND key = $2 AND name = $3`, string(r.kind), r.key, name, n, seen(n, v.public), seen(n, v.released))
				nameDrops = append(nameDrops, r)
			}
		}
		for uri, n := range d.Authority {
			switch {
			case n > 0:
				p.queue(`INSERT INTO entity_authorities (kind, key, uri, documents, public, released) VALUES ($1, $2, $3, $4, $5, $6)
					ON CONFLICT (kind, key, uri) DO UPDATE SET documents = entity_authorities.documents + excluded.documents,
						public = entity_authorities.public + excluded.public, released = entity_authorities.released + excluded.released`,
					string(r.kind), r.key, uri, n, seen(n, v.public), seen(n, v.released))
			case n < 0:
				p.queue(`UPDATE entity_authorities SET documents = documents + $4, public = public + $5, released = released + $6
					WHERE kind = $1 AND key = $2 AND uri = $3`, string(r.kind), r.key, uri, n, seen(n, v.public), seen(n, v.released))
				p.queue(`DELETE FROM entity_authorities WHERE kind = $1 AND key = $2 AND uri = $3 AND documents <= 0`, string(r.kind), r.key, uri)
			}
		}
	}
	// A spelling no document writes any more may have named the entity.
	removed := make(map[ref]bool)
	for _, r := range nameDrops {
		if removed[r] {
			continue
		}
		if err := p.send(ctx); err != nil {
			return err
		}
		tag, err := p.tx.Exec(ctx, `DELETE FROM entity_names WHERE kind = $1 AND key = $2 AND documents <= 0`, string(r.kind), r.key)
		if err != nil {
			return err
		}
		removed[r] = tag.RowsAffected() > 0
	}
	return rename(ctx, p, added, removed)
}

// rename names again the entities whose spellings a save added (added)
// and took away (removed), and writes those whose names changed.
func rename(ctx context.Context, p *pending, added map[ref][]string, removed map[ref]bool) error {
	rs := entitysql.Renamed(added, removed)
	if len(rs) == 0 {
		return nil
	}
	// The names of each entity as they are, read in one round trip after
	// the writes queued. The lock of each, which every writer of its rows
	// takes first (see lockEntities), keeps them from changing between
	// this read and the writes below.
	type names struct {
		met, ru, editor string
		sorted, found   bool
	}
	got := make([]names, len(rs))
	for i, r := range rs {
		n := &got[i]
		p.queue(`SELECT met_name, met_ru, editor_name, length(sort_en) > 0 FROM entities WHERE kind = $1 AND key = $2`,
			string(r.kind), r.key).QueryRow(func(row pgx.Row) error {
			err := row.Scan(&n.met, &n.ru, &n.editor, &n.sorted)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil // no document mentions it any more
			}
			n.found = err == nil
			return err
		})
	}
	if err := p.send(ctx); err != nil {
		return err
	}
	type change struct {
		r               ref
		met, ru, editor string
	}
	var changed []change
	for i, r := range rs {
		n := got[i]
		if !n.found {
			continue
		}
		var met, ru string
		if removed[r] {
			var err error
			if met, ru, err = metNames(ctx, p.tx, r); err != nil {
				return err
			}
		} else {
			met, ru = stored.BestNames(r.kind, append(added[r], n.met, n.ru))
		}
		if n.sorted && met == n.met && ru == n.ru {
			continue
		}
		changed = append(changed, change{r, met, ru, n.editor})
	}
	// Queued once every read above is done, so that each read the names
	// as they were.
	for _, c := range changed {
		queueNames(&p.b, c.r, c.met, c.ru, c.editor)
	}
	return nil
}

// metNames returns the best names of the entity r among every spelling
// met (see stored.BestNames).
func metNames(ctx context.Context, tx pgx.Tx, r ref) (met, ru string, err error) {
	rows, err := tx.Query(ctx, `SELECT name FROM entity_names WHERE kind = $1 AND key = $2`, string(r.kind), r.key)
	if err != nil {
		return "", "", err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", "", err
	}
	met, ru = stored.BestNames(r.kind, names)
	return met, ru, nil
}

// queueNames queues the writing of the names of the entity r (see
// stored.ShownName).
func queueNames(b *pgx.Batch, r ref, met, ru, editor string) {
	shown, k := stored.ShownName(r.kind, met, ru, editor)
	b.Queue(`UPDATE entities SET met_name = $1, met_ru = $2, name = $3, folded = $4, sort_en = $5, sort_ru = $6
		WHERE kind = $7 AND key = $8`, met, ru, shown, k.Folded, k.En, k.Ru, string(r.kind), r.key)
}
