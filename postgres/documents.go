package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fonds"
	"fonds/internal/stored"

	"github.com/jackc/pgx/v5"
)

// args gathers the arguments of a query as its conditions are written.
type args []any

// add appends v and returns its placeholder.
func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// where returns the WHERE clause of the conditions, or "" if there are none.
func where(conds ...string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// limit returns the argument of a LIMIT: NULL, which is none, for 0.
func limit(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// PutCollection creates the collection, or updates its title and description.
func (s *Store) PutCollection(ctx context.Context, c fonds.Collection) error {
	if err := stored.CheckID("collection slug", c.Slug); err != nil {
		return fmt.Errorf("postgres: put collection: %w", err)
	}
	_, err := s.db.Exec(ctx, `INSERT INTO collections (slug, title, description) VALUES ($1, $2, $3)
		ON CONFLICT (slug) DO UPDATE SET title = excluded.title, description = excluded.description`,
		c.Slug, c.Title, c.Description)
	if err != nil {
		return fmt.Errorf("postgres: put collection %q: %w", c.Slug, translate(err))
	}
	return nil
}

// Collection returns the collection with the slug, its Count the number of
// its published documents.
func (s *Store) Collection(ctx context.Context, slug string) (fonds.Collection, error) {
	var c fonds.Collection
	err := s.db.QueryRow(ctx, `SELECT c.slug, c.title, c.description,
		coalesce((SELECT n FROM document_counts
			WHERE collection = c.slug AND year = -1 AND month = -1 AND access = 'published'), 0)
		FROM collections c WHERE c.slug = $1`, slug).Scan(&c.Slug, &c.Title, &c.Description, &c.Count)
	if err != nil {
		return fonds.Collection{}, fmt.Errorf("postgres: collection %q: %w", slug, translate(err))
	}
	return c, nil
}

// Collections returns every collection in order of title, each Count the
// number of its documents the filter admits.
func (s *Store) Collections(ctx context.Context, f fonds.Filter) ([]fonds.Collection, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, fmt.Errorf("postgres: collections: %w", err)
	}
	f.Collection = ""
	var a args
	var count string
	if counted(f) {
		count = countsSum(f, "c.slug", &a)
		if f.ExceptCollection != "" {
			// The collection left out counts none.
			count = `SELECT CASE WHEN c.slug = ` + a.add(f.ExceptCollection) + ` THEN 0 ELSE (` + count + `) END`
		}
	} else {
		count = `SELECT count(*) FROM documents` + where(append([]string{"collection = c.slug"}, conditions(f, &a)...)...)
	}
	rows, err := s.db.Query(ctx, `SELECT c.slug, c.title, c.description, (`+count+`)
		FROM collections c ORDER BY c.title, c.slug`, a...)
	if err != nil {
		return nil, fmt.Errorf("postgres: collections: %w", translate(err))
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (fonds.Collection, error) {
		var c fonds.Collection
		err := row.Scan(&c.Slug, &c.Title, &c.Description, &c.Count)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: collections: %w", translate(err))
	}
	if cs == nil {
		cs = []fonds.Collection{}
	}
	return cs, nil
}

// conditions returns the conditions selecting what f admits, their
// arguments added to a. The tests of access are written as literals, so
// that the partial indexes on public and released documents serve them.
func conditions(f fonds.Filter, a *args) []string {
	var conds []string
	switch {
	case f.Published && f.Restricted:
		conds = append(conds, "released")
	case f.Published:
		conds = append(conds, "status = 'published'")
	}
	if f.Status != "" {
		conds = append(conds, "state = "+a.add(string(f.Status)))
	}
	switch f.Held {
	case fonds.HeldEmbargoed:
		conds = append(conds, "state = 'published'", "NOT released")
	case fonds.HeldRestricted:
		conds = append(conds, "state = 'published'", "restricted")
	}
	if f.Collection != "" {
		conds = append(conds, "collection = "+a.add(f.Collection))
	}
	if f.Year != 0 {
		conds = append(conds, "year = "+a.add(f.Year))
		if f.Month != 0 {
			conds = append(conds, "month = "+a.add(f.Month))
		}
	}
	// A range of start dates leaves out undated documents.
	if f.From != "" || f.To != "" {
		conds = append(conds, "NOT undated")
	}
	if f.From != "" {
		conds = append(conds, "date_start >= "+a.add(f.From))
	}
	if f.To != "" {
		conds = append(conds, "date_start <= "+a.add(f.To))
	}
	if f.Section != "" {
		conds = append(conds, "section = "+a.add(text(f.Section)))
	}
	if f.ExceptCollection != "" {
		conds = append(conds, "collection <> "+a.add(f.ExceptCollection))
	}
	return conds
}

// lockSave takes, until the end of tx, the locks a save of d takes, in the
// order every writer takes them: its id's, those of the entities it
// mentions as stored and as saved, and the feed's order (see lockBatch for
// several documents). A save of the same document at once waits for this
// one to commit and then sees it.
func lockSave(ctx context.Context, tx pgx.Tx, d *fonds.Document) error {
	if err := lockID(ctx, tx, d.ID); err != nil {
		return err
	}
	if err := lockEntities(ctx, tx, d.ID, mentionRefs(d)); err != nil {
		return err
	}
	return lockFeedOrder(ctx, tx)
}

// put stores d in tx as saved by sv, and returns what it did and a copy of
// d as stored. It must hold the locks of lockSave (or lockBatch). The time
// of the save, a harvest's datestamp, is taken under the lock of the
// feed's order, so that datestamps follow the order of commits: a harvest
// from a time misses no save committed after it.
//
// Its writes are queued and sent in as few round trips as the reads among
// them allow (see pending).
func put(ctx context.Context, tx pgx.Tx, d *fonds.Document, sv fonds.Save) (fonds.PutResult, *fonds.Document, error) {
	t := now()
	var old struct {
		hash, origin, status, collection string
		created, updated                 time.Time
		year, month                      int
		released                         bool
	}
	// The version after those kept as revisions (which outlive a deleted
	// document, so that a re-added one carries on counting), and after
	// the stored one, which a change makes a revision: read with the
	// stored one in one round trip.
	var version int
	found := true
	p := newPending(tx)
	p.queue(`SELECT hash, origin, status, created, updated, collection, year, month, released
		FROM documents WHERE id = $1`, d.ID).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&old.hash, &old.origin, &old.status, &old.created, &old.updated, &old.collection, &old.year, &old.month, &old.released)
		if errors.Is(err, pgx.ErrNoRows) {
			found, err = false, nil
		}
		return err
	})
	p.queue(`SELECT coalesce(max(n), 0) + 1 FROM revisions WHERE document_id = $1`, d.ID).QueryRow(func(row pgx.Row) error {
		return row.Scan(&version)
	})
	if err := p.send(ctx); err != nil {
		return "", nil, err
	}
	if found && old.origin != "" && d.Origin != "" && old.origin != text(d.Origin) && !sv.Replace {
		return "", nil, fmt.Errorf("%w: the id is taken by the document from %s", fonds.ErrConflict, old.origin)
	}
	result, created := fonds.Added, t
	if found {
		result, created = fonds.Updated, old.created.UTC()
	}
	have := 0
	if found {
		have = version
		version++
	}
	if err := stored.CheckSave(d.ID, sv.Version, have); err != nil {
		return "", nil, err
	}
	// Encode a copy, so that d changes only once the transaction commits.
	c := *d
	c.Created, c.Updated, c.Version = created, t, version
	body, err := stored.Encode(&c)
	if err != nil {
		return "", nil, err
	}
	if found && old.hash == c.Hash {
		c.Updated, c.Version = old.updated.UTC(), have
		return fonds.Unchanged, &c, nil
	}
	if found {
		keepRevision(p, d.ID, have, t)
	}
	brief, err := json.Marshal(c.Brief())
	if err != nil {
		return "", nil, err
	}
	cats := texts(c.Categories)
	a := stored.AccessOf(&c, t)
	p.queue(`INSERT INTO documents
		(id, collection, date_start, date_end, year, month, status, state, released, restricted, embargo_at,
			title, hash, origin, created, updated, number, section, categories, body, sha256, brief)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
		ON CONFLICT (id) DO UPDATE SET
			collection = excluded.collection, date_start = excluded.date_start, date_end = excluded.date_end,
			year = excluded.year, month = excluded.month, status = excluded.status, state = excluded.state,
			released = excluded.released, restricted = excluded.restricted, embargo_at = excluded.embargo_at,
			title = excluded.title, hash = excluded.hash, origin = excluded.origin, updated = excluded.updated,
			number = excluded.number, section = excluded.section, categories = excluded.categories,
			body = excluded.body, sha256 = excluded.sha256, brief = excluded.brief`,
		c.ID, c.Collection, c.Date.Start, c.Date.End, c.Date.Year(), stored.Month(c.Date), string(a.Status),
		string(c.Status), a.Released, a.Restricted, embargoAt(a), text(c.Title), c.Hash, text(c.Origin), created, t,
		c.Number, text(c.Section), cats, body, stored.Sum(body), brief)
	putAliases(p, c.ID, c.Aliases)
	if err := link(ctx, p, &c, visibility{public: a.Status == fonds.StatusPublished, released: a.Released, state: c.Status}, !found); err != nil {
		return "", nil, savedErr(err, &c)
	}
	switch {
	case a.Status == fonds.StatusPublished:
		// Public again: the record is the document, not its deletion.
		p.queue(`DELETE FROM deletions WHERE id = $1`, c.ID)
	case found && old.status == string(fonds.StatusPublished):
		// Withdrawn, made a draft, restricted or embargoed again: to a
		// harvester, deleted.
		noteDeletion(p, c.ID, c.Collection, cats, t)
	}
	author, message := stored.Bound(sv.Author, stored.MaxName), stored.Bound(sv.Message, stored.MaxDetail)
	p.queue(`INSERT INTO versions (document_id, n, hash, saved, author, message, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (document_id, n) DO UPDATE SET hash = excluded.hash, saved = excluded.saved,
			author = excluded.author, message = excluded.message, status = excluded.status, deleted = false`,
		c.ID, c.Version, c.Hash, t, text(author), text(message), string(c.Status))
	detail := "added"
	if result == fonds.Updated {
		detail = fmt.Sprintf("updated to version %d", c.Version)
	}
	if message != "" {
		detail += ": " + message
	}
	e := fonds.AuditEntry{Time: t, User: author, Address: sv.Address, Action: "save", Target: c.ID, Detail: detail}
	cs := make(counts)
	if found {
		cs.add(old.collection, old.year, old.month, accessOf(old.status, old.released), -1)
	}
	cs.add(c.Collection, c.Date.Year(), stored.Month(c.Date), accessOf(string(a.Status), a.Released), 1)
	written(p, []string{c.ID}, cs, &e)
	if err := p.send(ctx); err != nil {
		return "", nil, savedErr(err, &c)
	}
	return result, &c, nil
}

// savedErr returns the error of a save of c, naming c's collection when
// the database refused its row for a collection that does not exist: the
// one reference the writes of a save can break, the others being to the
// document they write.
func savedErr(err error, c *fonds.Document) error {
	if isForeignKey(err) {
		return fmt.Errorf("%w: collection %q does not exist", fonds.ErrInvalid, c.Collection)
	}
	return err
}

// embargoAt returns the end of the embargo of a, or nil (NULL) for none.
func embargoAt(a stored.Access) any {
	if a.EmbargoAt.IsZero() {
		return nil
	}
	return a.EmbargoAt
}

// written ends a write queued on p: under the lock of the feed's order,
// held to the commit, it changes the counts of documents, numbers the
// change of each document id and adds the audit entries (setting their
// Seq when p is sent), so that their numbers follow the order of commits.
func written(p *pending, ids []string, cs counts, entries ...*fonds.AuditEntry) {
	p.queue(sqlLockFeedOrder, int32(lockFeed))
	cs.apply(p)
	for _, id := range ids {
		p.queue(`INSERT INTO changes (document_id, seq) VALUES ($1, nextval('changes_seq'))
			ON CONFLICT (document_id) DO UPDATE SET seq = excluded.seq`, id)
	}
	for _, e := range entries {
		audit(p, e)
	}
}

// keepRevision keeps the stored version of the document id, replaced or
// deleted at t, as its revision n, copying it inside the database with the
// checksum stored with it, so that damage to it is still found.
func keepRevision(p *pending, id string, n int, t time.Time) {
	p.queue(`INSERT INTO revisions (document_id, n, hash, created, body, sha256)
		SELECT id, $2, hash, $3, body, sha256 FROM documents WHERE id = $1`, id, n, t)
}

// putAliases makes paths the aliases of the document id. A path another
// document held moves to this one: the latest import of an old URL wins.
func putAliases(p *pending, id string, paths []string) {
	p.queue(`DELETE FROM aliases WHERE document_id = $1`, id)
	if len(paths) > 0 {
		p.queue(`INSERT INTO aliases (path, document_id) SELECT DISTINCT p, $2 FROM unnest($1::text[]) p
			ON CONFLICT (path) DO UPDATE SET document_id = excluded.document_id`, paths, id)
	}
}

// noteDeletion records that the document was withdrawn from the public at t.
// A deletion is kept until the document is public again.
func noteDeletion(p *pending, id, collection string, cats []string, t time.Time) {
	p.queue(`INSERT INTO deletions (id, collection, datestamp, categories) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET collection = excluded.collection, datestamp = excluded.datestamp,
			categories = excluded.categories`, id, collection, t, cats)
}

// PutDocument stores d in one transaction. It is SaveDocument with a zero
// Save.
func (s *Store) PutDocument(ctx context.Context, d *fonds.Document) (fonds.PutResult, error) {
	return s.SaveDocument(ctx, d, fonds.Save{})
}

// SaveDocument is PutDocument by someone, for a reason, from a version: the
// version it stores records the author and message, and so does an entry
// of the audit log written in its transaction. The version is checked
// under the lock of the document's id, so that of two saves from one
// version one wins and the other is refused with ErrConflict.
func (s *Store) SaveDocument(ctx context.Context, d *fonds.Document, sv fonds.Save) (fonds.PutResult, error) {
	if err := stored.CheckDocument(d); err != nil {
		return "", fmt.Errorf("postgres: put document: %w", err)
	}
	if sv.Version < -1 {
		return "", fmt.Errorf("postgres: put document %s: %w: version %d", d.ID, fonds.ErrInvalid, sv.Version)
	}
	var res fonds.PutResult
	var c *fonds.Document
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lockSave(ctx, tx, d); err != nil {
			return err
		}
		var err error
		res, c, err = put(ctx, tx, d, sv)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("postgres: put document %s: %w", d.ID, translate(err))
	}
	// d changes only once the transaction has committed.
	d.Hash, d.Created, d.Updated, d.Version = c.Hash, c.Created, c.Updated, c.Version
	return res, nil
}

// Document returns the document with the id, drafts included.
func (s *Store) Document(ctx context.Context, id string) (*fonds.Document, error) {
	var body []byte
	if err := s.db.QueryRow(ctx, `SELECT body FROM documents WHERE id = $1`, id).Scan(&body); err != nil {
		return nil, fmt.Errorf("postgres: document %s: %w", id, translate(err))
	}
	d, err := stored.Decode(body)
	if err != nil {
		return nil, fmt.Errorf("postgres: document %s: %w", id, err)
	}
	return d, nil
}

// Alias returns the id of the document that lists path among its aliases.
func (s *Store) Alias(ctx context.Context, path string) (string, error) {
	var id string
	if err := s.db.QueryRow(ctx, `SELECT document_id FROM aliases WHERE path = $1`, path).Scan(&id); err != nil {
		return "", fmt.Errorf("postgres: alias %q: %w", path, translate(err))
	}
	return id, nil
}

// column returns the column of documents a list reads: the whole body, or
// the brief.
func column(brief bool) string {
	if brief {
		return "brief"
	}
	return "body"
}

// scanDocuments decodes the documents the rows hold, in the column that
// column returns.
func scanDocuments(rows pgx.Rows) ([]*fonds.Document, error) {
	defer rows.Close()
	docs := []*fonds.Document{}
	for rows.Next() {
		// The raw bytes are the driver's buffer, valid until Next: decoded
		// where they are, not copied.
		d, err := stored.Decode(rows.RawValues()[0])
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// The orders of lists, as the columns of the indexes that serve them.
const (
	dateOrder       = "undated, date_start, id"
	dateOrderDesc   = "undated DESC, date_start DESC, id DESC"
	numberOrder     = "unnumbered, number, undated, date_start, id"
	numberOrderDesc = "unnumbered DESC, number DESC, undated DESC, date_start DESC, id DESC"
	addedOrder      = "created DESC, id DESC"
)

// Documents returns the page of documents the filter admits, and how many it
// admits in all.
func (s *Store) Documents(ctx context.Context, f fonds.Filter) ([]*fonds.Document, int, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, 0, fmt.Errorf("postgres: documents: %w", err)
	}
	var docs []*fonds.Document
	var total int
	err := s.inReadTx(ctx, func(tx pgx.Tx) error {
		var err error
		docs, total, err = documents(ctx, tx, f)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: documents: %w", translate(err))
	}
	return docs, total, nil
}

func documents(ctx context.Context, tx pgx.Tx, f fonds.Filter) ([]*fonds.Document, int, error) {
	q, ta := totalQuery(f)
	var total int
	if err := tx.QueryRow(ctx, q, ta...).Scan(&total); err != nil {
		return nil, 0, err
	}
	var a args
	conds := conditions(f, &a)
	order := dateOrder
	switch f.Order {
	case fonds.ByAdded:
		order = addedOrder
	case fonds.ByNumber:
		order = numberOrder
	}
	if f.After != "" {
		// The place of the document in the order, as a row value the
		// index of the order seeks to.
		p, err := place(ctx, tx, f.After)
		if err != nil {
			return nil, 0, err
		}
		switch f.Order {
		case fonds.ByAdded:
			conds = append(conds, "(created, id) < ("+a.add(p.created)+", "+a.add(f.After)+")")
		case fonds.ByNumber:
			conds = append(conds, "("+numberOrder+") > ("+a.add(p.number == 0)+", "+a.add(p.number)+", "+
				a.add(p.start == "")+", "+a.add(p.start)+", "+a.add(f.After)+")")
		default:
			conds = append(conds, "("+dateOrder+") > ("+a.add(p.start == "")+", "+a.add(p.start)+", "+a.add(f.After)+")")
		}
	}
	q = `SELECT ` + column(f.Brief) + ` FROM documents` + where(conds...) + ` ORDER BY ` + order +
		` LIMIT ` + a.add(limit(f.Limit)) + ` OFFSET ` + a.add(f.Offset)
	rows, err := tx.Query(ctx, q, a...)
	if err != nil {
		return nil, 0, err
	}
	docs, err := scanDocuments(rows)
	if err != nil {
		return nil, 0, err
	}
	return docs, total, nil
}

// A position is the place of a document in the orders of lists.
type position struct {
	start   string
	created time.Time
	number  int
}

// place returns the position of the document id: of the stored document,
// or else of its last version, kept as a revision when it was deleted, so
// that a list continued after a document deleted meanwhile goes on from
// where it was.
func place(ctx context.Context, tx pgx.Tx, id string) (position, error) {
	var p position
	err := tx.QueryRow(ctx, `SELECT date_start, created, number FROM documents WHERE id = $1`, id).Scan(&p.start, &p.created, &p.number)
	if !errors.Is(err, pgx.ErrNoRows) {
		return p, err
	}
	var body []byte
	err = tx.QueryRow(ctx, `SELECT body FROM revisions WHERE document_id = $1 ORDER BY n DESC LIMIT 1`, id).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return position{}, fmt.Errorf("%w: no document %s to continue after", fonds.ErrNotFound, id)
	} else if err != nil {
		return position{}, err
	}
	d, err := stored.Decode(body)
	if err != nil {
		return position{}, err
	}
	return position{start: d.Date.Start, created: d.Created.Truncate(time.Microsecond), number: d.Number}, nil
}

// Neighbours returns the documents just before and after the document in
// date order (or number order) among those the filter admits, as briefs;
// either may be nil.
func (s *Store) Neighbours(ctx context.Context, id string, f fonds.Filter) (prev, next *fonds.Document, err error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, nil, fmt.Errorf("postgres: neighbours of %s: %w", id, err)
	}
	err = s.inReadTx(ctx, func(tx pgx.Tx) error {
		var start string
		var number int
		if err := tx.QueryRow(ctx, `SELECT date_start, number FROM documents WHERE id = $1`, id).Scan(&start, &number); err != nil {
			return err
		}
		one := func(cmp string, desc bool) (*fonds.Document, error) {
			var a args
			conds := conditions(f, &a)
			var order string
			if f.Order == fonds.ByNumber {
				conds = append(conds, "("+numberOrder+") "+cmp+" ("+a.add(number == 0)+", "+a.add(number)+", "+
					a.add(start == "")+", "+a.add(start)+", "+a.add(id)+")")
				order = numberOrder
				if desc {
					order = numberOrderDesc
				}
			} else {
				conds = append(conds, "("+dateOrder+") "+cmp+" ("+a.add(start == "")+", "+a.add(start)+", "+a.add(id)+")")
				order = dateOrder
				if desc {
					order = dateOrderDesc
				}
			}
			rows, err := tx.Query(ctx, `SELECT brief FROM documents`+where(conds...)+` ORDER BY `+order+` LIMIT 1`, a...)
			if err != nil {
				return nil, err
			}
			docs, err := scanDocuments(rows)
			if err != nil || len(docs) == 0 {
				return nil, err
			}
			return docs[0], nil
		}
		var err error
		if prev, err = one("<", true); err != nil {
			return err
		}
		next, err = one(">", false)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: neighbours of %s: %w", id, translate(err))
	}
	return prev, next, nil
}

// DateCounts returns how many documents the filter admits per year and
// month, in date order; undated documents are left out. A document dated
// only to the year counts in month 0 of its year.
func (s *Store) DateCounts(ctx context.Context, f fonds.Filter) ([]fonds.DateCount, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, fmt.Errorf("postgres: date counts: %w", err)
	}
	q, a := dateCountsQuery(f)
	if !counted(f) {
		a = nil
		q = `SELECT year, month, count(*) FROM documents` + where(append(conditions(f, &a), "year > 0")...) +
			` GROUP BY year, month ORDER BY year, month`
	} else if q == "" {
		return []fonds.DateCount{}, nil
	}
	rows, err := s.db.Query(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("postgres: date counts: %w", translate(err))
	}
	counts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (fonds.DateCount, error) {
		var c fonds.DateCount
		err := row.Scan(&c.Year, &c.Month, &c.Count)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: date counts: %w", translate(err))
	}
	if counts == nil {
		counts = []fonds.DateCount{}
	}
	return counts, nil
}

// Stamps returns the content hash and update time of every document the
// filter admits, by id.
func (s *Store) Stamps(ctx context.Context, f fonds.Filter) (map[string]fonds.Stamp, error) {
	if err := stored.CheckFilter(f); err != nil {
		return nil, fmt.Errorf("postgres: stamps: %w", err)
	}
	var a args
	rows, err := s.db.Query(ctx, `SELECT id, hash, updated FROM documents`+where(conditions(f, &a)...), a...)
	if err != nil {
		return nil, fmt.Errorf("postgres: stamps: %w", translate(err))
	}
	defer rows.Close()
	stamps := make(map[string]fonds.Stamp)
	for rows.Next() {
		var id string
		var st fonds.Stamp
		if err := rows.Scan(&id, &st.Hash, &st.Updated); err != nil {
			return nil, fmt.Errorf("postgres: stamps: %w", err)
		}
		st.Updated = st.Updated.UTC()
		stamps[id] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: stamps: %w", translate(err))
	}
	return stamps, nil
}

// DeleteDocument removes the document, keeping its last version as a
// revision. It is DeleteDocumentBy with a zero Save.
func (s *Store) DeleteDocument(ctx context.Context, id string) error {
	return s.DeleteDocumentBy(ctx, id, fonds.Save{})
}

// DeleteDocumentBy removes the document as saved by sv: its version is
// checked as SaveDocument checks it, and the deletion is written in the
// audit log and on its last version.
func (s *Store) DeleteDocumentBy(ctx context.Context, id string, sv fonds.Save) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error { return deleteDocument(ctx, tx, id, sv) })
	if err != nil {
		return fmt.Errorf("postgres: delete document %s: %w", id, translate(err))
	}
	return nil
}

func deleteDocument(ctx context.Context, tx pgx.Tx, id string, sv fonds.Save) error {
	if err := lockID(ctx, tx, id); err != nil {
		return err
	}
	if err := lockEntities(ctx, tx, id, nil); err != nil {
		return err
	}
	var version int
	err := tx.QueryRow(ctx, `SELECT (SELECT coalesce(max(n), 0) + 1 FROM revisions WHERE document_id = $1)
		FROM documents WHERE id = $1`, id).Scan(&version)
	if err != nil {
		return err // pgx.ErrNoRows: not found
	}
	if err := stored.CheckSave(id, sv.Version, version); err != nil {
		return err
	}
	// Under the feed's lock, as in put.
	if err := lockFeedOrder(ctx, tx); err != nil {
		return err
	}
	t := now()
	// The deleted version is kept like any replaced one: nothing is lost,
	// and a citation of it still finds it.
	p := newPending(tx)
	keepRevision(p, id, version, t)
	if err := unlink(ctx, p, id); err != nil {
		return err
	}
	var collection, status string
	var cats []string
	var year, month int
	var released bool
	p.queue(`DELETE FROM documents WHERE id = $1 RETURNING collection, status, categories, year, month, released`, id).
		QueryRow(func(row pgx.Row) error {
			return row.Scan(&collection, &status, &cats, &year, &month, &released)
		})
	if err := p.send(ctx); err != nil {
		return err
	}
	if status == string(fonds.StatusPublished) {
		noteDeletion(p, id, collection, cats, t)
	}
	p.queue(`UPDATE versions SET deleted = true WHERE document_id = $1 AND n = $2`, id, version)
	detail := fmt.Sprintf("deleted version %d", version)
	if m := stored.Bound(sv.Message, stored.MaxDetail); m != "" {
		detail += ": " + m
	}
	e := fonds.AuditEntry{Time: t, User: sv.Author, Address: sv.Address, Action: "delete", Target: id, Detail: detail}
	cs := make(counts)
	cs.add(collection, year, month, accessOf(status, released), -1)
	written(p, []string{id}, cs, &e)
	return p.send(ctx)
}
