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
// change are left alone. The statements go in batches, a round trip each.
func link(ctx context.Context, tx pgx.Tx, c *fonds.Document, v visibility, fresh bool) error {
	var old map[ref]mentionRow
	if !fresh {
		var err error
		if old, err = storedMentions(ctx, tx, c.ID); err != nil {
			return err
		}
	}
	d := make(deltas)
	var b pgx.Batch
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
			b.Queue(`UPDATE mentions SET name = $4, written = $5, passage = $6, spellings = $7, authority = $8, date_start = $9
				WHERE document_id = $1 AND kind = $2 AND key = $3`,
				c.ID, string(r.kind), r.key, row.name, row.written, row.passage, row.spellings, row.authority, row.start)
			d.Add(r, o.spellings, o.authority, -1)
		} else {
			b.Queue(`INSERT INTO mentions (document_id, kind, key, name, written, passage, spellings, authority,
				date_start, public, released, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
				c.ID, string(r.kind), r.key, row.name, row.written, row.passage, row.spellings, row.authority,
				row.start, row.public, row.released, row.state)
		}
		d.Add(r, row.spellings, row.authority, 1)
	}
	for r, o := range old {
		b.Queue(`DELETE FROM mentions WHERE document_id = $1 AND kind = $2 AND key = $3`, c.ID, string(r.kind), r.key)
		d.Add(r, o.spellings, o.authority, -1)
	}
	if err := sendBatch(ctx, tx, &b); err != nil {
		return err
	}
	if err := applyDeltas(ctx, tx, d, v); err != nil {
		return err
	}
	return linkCitations(ctx, tx, c, v, fresh)
}

// unlink removes what link kept of the document id, before its deletion.
func unlink(ctx context.Context, tx pgx.Tx, id string) error {
	old, err := storedMentions(ctx, tx, id)
	if err != nil {
		return err
	}
	d := make(deltas)
	var v visibility // every row of a document says the same
	for r, o := range old {
		d.Add(r, o.spellings, o.authority, -1)
		v = visibility{public: o.public, released: o.released}
	}
	var b pgx.Batch
	for _, q := range []string{`DELETE FROM mentions WHERE document_id = $1`, `DELETE FROM citations WHERE document_id = $1`,
		`DELETE FROM identities WHERE document_id = $1`} {
		b.Queue(q, id)
	}
	if err := sendBatch(ctx, tx, &b); err != nil {
		return err
	}
	return applyDeltas(ctx, tx, d, v)
}

// storedMentions returns the rows of mentions of the document id.
func storedMentions(ctx context.Context, tx pgx.Tx, id string) (map[ref]mentionRow, error) {
	rows, err := tx.Query(ctx, `SELECT kind, key, name, written, passage, spellings, authority, date_start, public, released, state
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
func linkCitations(ctx context.Context, tx pgx.Tx, c *fonds.Document, v visibility, fresh bool) error {
	var b pgx.Batch
	if !fresh {
		b.Queue(`DELETE FROM citations WHERE document_id = $1`, c.ID)
		b.Queue(`DELETE FROM identities WHERE document_id = $1`, c.ID)
	}
	for _, ct := range entity.Citations(c) {
		if len(ct.Target) <= stored.MaxTarget && len(ct.Anchor) <= stored.MaxWords {
			b.Queue(`INSERT INTO citations (document_id, target, anchor, written, date_start, public, released, state)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
				c.ID, text(ct.Target), text(ct.Anchor), text(stored.Bound(ct.Written, stored.MaxWords)), c.Date.Start, v.public, v.released, string(v.state))
		}
	}
	for _, t := range entity.Identities(c) {
		if len(t) <= stored.MaxTarget {
			b.Queue(`INSERT INTO identities (target, document_id, public) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, text(t), c.ID, v.public)
		}
	}
	return sendBatch(ctx, tx, &b)
}

// deltas are how a save changes the counts of the spellings and
// identifiers of the entities it touches.
type deltas = entitysql.Deltas[ref]

// applyDeltas counts the spellings and identifiers of each entity up and down,
// in all and among the documents of visibility v, and names the entities
// whose spellings changed again: from the names added alone when none
// went, and from all their names when one went.
func applyDeltas(ctx context.Context, tx pgx.Tx, ds deltas, v visibility) error {
	seen := entitysql.Seen
	added := make(map[ref][]string)
	var b pgx.Batch
	var nameDrops []ref
	for r, d := range ds {
		for name, n := range d.Names {
			switch {
			case n > 0:
				b.Queue(`INSERT INTO entity_names (kind, key, name, folded, inverted, documents, public, released)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
					ON CONFLICT (kind, key, name) DO UPDATE SET documents = entity_names.documents + excluded.documents,
						public = entity_names.public + excluded.public, released = entity_names.released + excluded.released`,
					string(r.kind), r.key, name, stored.Fold(name), stored.Inverted(r.kind, name), n, seen(n, v.public), seen(n, v.released))
				added[r] = append(added[r], name)
			case n < 0:
				b.Queue(`UPDATE entity_names SET documents = documents + $4, public = public + $5, released = released + $6
					WHERE kind = $1 AND key = $2 AND name = $3`, string(r.kind), r.key, name, n, seen(n, v.public), seen(n, v.released))
				nameDrops = append(nameDrops, r)
			}
		}
		for uri, n := range d.Authority {
			switch {
			case n > 0:
				b.Queue(`INSERT INTO entity_authorities (kind, key, uri, documents, public, released) VALUES ($1, $2, $3, $4, $5, $6)
					ON CONFLICT (kind, key, uri) DO UPDATE SET documents = entity_authorities.documents + excluded.documents,
						public = entity_authorities.public + excluded.public, released = entity_authorities.released + excluded.released`,
					string(r.kind), r.key, uri, n, seen(n, v.public), seen(n, v.released))
			case n < 0:
				b.Queue(`UPDATE entity_authorities SET documents = documents + $4, public = public + $5, released = released + $6
					WHERE kind = $1 AND key = $2 AND uri = $3`, string(r.kind), r.key, uri, n, seen(n, v.public), seen(n, v.released))
				b.Queue(`DELETE FROM entity_authorities WHERE kind = $1 AND key = $2 AND uri = $3 AND documents <= 0`, string(r.kind), r.key, uri)
			}
		}
	}
	if err := sendBatch(ctx, tx, &b); err != nil {
		return err
	}
	// A spelling no document writes any more may have named the entity.
	removed := make(map[ref]bool)
	for _, r := range nameDrops {
		if removed[r] {
			continue
		}
		tag, err := tx.Exec(ctx, `DELETE FROM entity_names WHERE kind = $1 AND key = $2 AND documents <= 0`, string(r.kind), r.key)
		if err != nil {
			return err
		}
		removed[r] = tag.RowsAffected() > 0
	}
	return rename(ctx, tx, added, removed)
}

// rename names again the entities whose spellings a save added (added)
// and took away (removed), and writes those whose names changed.
func rename(ctx context.Context, tx pgx.Tx, added map[ref][]string, removed map[ref]bool) error {
	var b pgx.Batch
	for _, r := range entitysql.Renamed(added, removed) {
		var met, ru, editor string
		var sorted bool
		// The lock of the entity, which every writer of its rows takes
		// first (see lockEntities), keeps its names from changing between
		// this read and the write below.
		err := tx.QueryRow(ctx, `SELECT met_name, met_ru, editor_name, length(sort_en) > 0 FROM entities WHERE kind = $1 AND key = $2`,
			string(r.kind), r.key).Scan(&met, &ru, &editor, &sorted)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // no document mentions it any more
		} else if err != nil {
			return err
		}
		var newMet, newRu string
		if removed[r] {
			if newMet, newRu, err = metNames(ctx, tx, r); err != nil {
				return err
			}
		} else {
			newMet, newRu = stored.BestNames(r.kind, append(added[r], met, ru))
		}
		if sorted && newMet == met && newRu == ru {
			continue
		}
		queueNames(&b, r, newMet, newRu, editor)
	}
	return sendBatch(ctx, tx, &b)
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
