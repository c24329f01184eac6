package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fonds"
	"fonds/entity"
	"fonds/fondstest"
)

// plan returns the query plan of q on db, its lines joined by "; ".
func plan(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q)
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", q, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "; ")
}

// TestLinkPlans checks that the reads of the linked edition, and the
// lists of volumes and weeks, seek through an index in their order: no
// scan of a table, no sort beyond what is noted, so that each costs
// O(log n) and its page.
func TestLinkPlans(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	type query struct {
		q    string
		want string // in the plan
	}
	var qs []query
	at := &position{start: "1977-05-19", number: 3}

	// The lists of a volume by number, of a chapter, of a week, of the
	// rest of the archive, and their neighbours.
	for _, tt := range []struct {
		f    fonds.Filter
		want string
	}{
		{fonds.Filter{Collection: "v", Order: fonds.ByNumber}, "documents_by_number"},
		{fonds.Filter{Collection: "v", Order: fonds.ByNumber, Published: true}, "documents_published_by_number"},
		{fonds.Filter{Collection: "v", Order: fonds.ByNumber, Published: true, Restricted: true}, "documents_released_by_number"},
		{fonds.Filter{Collection: "v", Order: fonds.ByNumber, Status: fonds.StatusDraft}, "documents_by_state_number"},
		{fonds.Filter{Collection: "v", Order: fonds.ByNumber, Section: "1"}, "documents_by_section"},
		{fonds.Filter{Collection: "v", Order: fonds.ByNumber, Section: "1", Published: true}, "documents_published_by_section"},
		{fonds.Filter{Collection: "v", Order: fonds.ByNumber, Section: "1", Published: true, Restricted: true}, "documents_by_section"},
		// By status and collection, or by collection and chapter: either
		// holds the other column, which the list is filtered by.
		{fonds.Filter{Collection: "v", Order: fonds.ByNumber, Section: "1", Status: fonds.StatusReview}, "INDEX"},
		{fonds.Filter{From: "1977-05-16", To: "1977-05-22"}, "documents_by_date (undated=? AND date_start>? AND date_start<?)"},
		{fonds.Filter{From: "1977-05-16", To: "1977-05-22", Published: true}, "documents_published_by_date (undated=? AND date_start>? AND date_start<?)"},
		{fonds.Filter{From: "1977-05-16", To: "1977-05-22", Published: true, Restricted: true}, "documents_released_by_date (undated=? AND date_start>? AND date_start<?)"},
		{fonds.Filter{From: "1977-05-16", Published: true, Collection: "v"}, "documents_published_by_collection (collection=? AND undated=? AND date_start>?)"},
		{fonds.Filter{To: "1977-05-22", Published: true, ExceptCollection: "v"}, "documents_published_by_date (undated=? AND date_start<?)"},
		{fonds.Filter{From: "1977-05-16", To: "1977-05-22", Status: fonds.StatusDraft}, "documents_by_state (state=? AND undated=? AND date_start>? AND date_start<?)"},
	} {
		conds, args := conditions(tt.f)
		order, place, desc := dateOrder, "(undated, date_start, id)", "undated DESC, date_start DESC, id DESC"
		if tt.f.Order == fonds.ByNumber {
			order, place, desc = numberOrder, "("+numberOrder+")", "unnumbered DESC, number DESC, undated DESC, date_start DESC, id DESC"
		}
		marks := "0, '1977-05-19', 'x'"
		if tt.f.Order == fonds.ByNumber {
			marks = "0, 3, 0, '1977-05-19', 'x'"
		}
		sel := `SELECT ` + column(true) + ` FROM documents`
		qs = append(qs,
			query{bind(sel+where(conds...)+` ORDER BY `+order+` LIMIT 20`, args), tt.want},
			query{bind(sel+where(append(conds, place+" > ("+marks+")")...)+` ORDER BY `+order+` LIMIT 20`, args), tt.want},
			query{bind(sel+where(append(conds, place+" < ("+marks+")")...)+` ORDER BY `+desc+` LIMIT 1`, args), tt.want},
		)
		if !counted(tt.f) {
			q, cargs := countQuery(tt.f, "'v'")
			qs = append(qs, query{bind(q, cargs), "INDEX"})
		}
	}
	for _, f := range []fonds.Filter{{ExceptCollection: "v"}, {ExceptCollection: "v", Published: true, Year: 1977}} {
		q, args := countedQuery(f)
		qs = append(qs, query{bind(q, args), "PRIMARY KEY (collection=? AND year=? AND month=?"})
	}

	// The entities of a kind in each order and visibility, from the
	// start and after a place.
	for _, order := range []string{"en", "ru"} {
		for _, vis := range []struct{ cond, index string }{{"", "entities_"}, {"e.public > 0", "entities_public_"}, {"e.released > 0", "entities_released_"}} {
			for _, after := range []*listed{nil, {e: fonds.Entity{Key: "x"}, sort: []byte("x")}} {
				q, args := entitiesQuery(fonds.EntityPerson, "sort_"+order, vis.cond, after, 20)
				for i, a := range args {
					if b, ok := a.([]byte); ok {
						args[i] = string(b)
					}
				}
				qs = append(qs, query{bind(q, args), vis.index + order})
			}
		}
	}
	// The documents that mention an entity, for each visibility.
	for _, tt := range []struct {
		f    fonds.Filter
		want string
	}{
		{fonds.Filter{}, "mentions_by_date"},
		{fonds.Filter{Published: true}, "mentions_public_by_date"},
		{fonds.Filter{Published: true, Restricted: true}, "mentions_released_by_date"},
		{fonds.Filter{Status: fonds.StatusDraft}, "mentions_by_state"},
	} {
		for _, p := range []*position{nil, at} {
			f := tt.f
			if p != nil {
				f.After = "x"
			}
			q, args := mentioningQuery(fonds.EntityPerson, "saharov", f, p, 20)
			qs = append(qs, query{bind(q, args), tt.want})
		}
	}
	// The documents that cite a target.
	for _, tt := range []struct {
		f    fonds.Filter
		want string
	}{
		{fonds.Filter{}, "citations_by_target"},
		{fonds.Filter{Published: true}, "citations_public_by_target"},
		{fonds.Filter{Published: true, Restricted: true}, "citations_released_by_target"},
	} {
		for _, p := range []*position{nil, at} {
			f := tt.f
			if p != nil {
				f.After = "x"
			}
			q, args := citingQuery("v#d9", "y", f, p, 20)
			qs = append(qs, query{bind(q, args), tt.want})
		}
	}
	qs = append(qs,
		query{bind(resolveQuery, []any{"v#d9"}), "identities_resolve (target=?)"},
		query{bind(namesQuery("documents"), []any{"person", "saharov", 20}), "entity_names_by_frequency (kind=? AND key=? AND "},
		query{bind(namesQuery("public"), []any{"person", "saharov", 20}), "entity_names_public (kind=? AND key=? AND "},
		query{bind(namesQuery("released"), []any{"person", "saharov", 20}), "entity_names_released (kind=? AND key=? AND "},
		query{bind(authoritiesQuery("documents"), []any{"person", "saharov", 20}), "entity_authorities_by_frequency (kind=? AND key=? AND "},
		query{bind(authoritiesQuery("public"), []any{"person", "saharov", 20}), "entity_authorities_public (kind=? AND key=? AND "},
		query{bind(authoritiesQuery("released"), []any{"person", "saharov", 20}), "entity_authorities_released (kind=? AND key=? AND "},
		query{`SELECT target FROM identities WHERE document_id = 'x'`, "identities_by_document (document_id=?)"},
		query{`SELECT kind, key, name, written, passage, spellings, authority, date_start, public, released, state
			FROM mentions WHERE document_id = 'x'`, "(document_id=?)"},
	)
	for _, q := range qs {
		p := plan(t, s.read, q.q)
		if !strings.Contains(p, q.want) || strings.Contains(p, "TEMP B-TREE") || scans(p) {
			t.Errorf("plan of %s = %s, want %s and neither a sort nor a scan of a table", q.q, p, q.want)
		}
	}

	// What sorts, and what it sorts: the chapters of a collection (all
	// of them, a handful), the matches of a prefix (the matches alone).
	for _, q := range []query{
		{bind(sectionsQuery, []any{"v"}), "PRIMARY KEY (collection=?)"},
	} {
		if p := plan(t, s.read, q.q); !strings.Contains(p, q.want) || scans(p) {
			t.Errorf("plan of %s = %s, want %s and no scan of a table", q.q, p, q.want)
		}
	}
	p := plan(t, s.read, bind(`WITH m (kind, key) AS (SELECT kind, key FROM entity_names WHERE folded >= 'sak' AND folded < 'sal' AND public > 0
		UNION SELECT kind, key FROM entity_names WHERE inverted >= 'sak' AND inverted < 'sal' AND public > 0
		UNION SELECT kind, key FROM entities WHERE folded >= 'sak' AND folded < 'sal' AND editor_name != ''
		UNION SELECT kind, key FROM entities WHERE key >= 'sak' AND key < 'sal')
		SELECT e.kind FROM m JOIN entities e ON e.kind = m.kind AND e.key = m.key WHERE e.public > 0 ORDER BY e.sort_en, e.key`, nil))
	for _, want := range []string{"entity_names_by_folded (folded>? AND folded<?)", "entity_names_by_inverted (inverted>? AND inverted<?)", "entities_by_folded (folded>? AND folded<?)",
		"entities_by_key (key>? AND key<?)", "PRIMARY KEY (kind=? AND key=?)"} {
		if !strings.Contains(p, want) {
			t.Errorf("plan of the matches of a prefix = %s, want %s", p, want)
		}
	}
}

// scans reports whether a plan reads a whole table rather than seeking in
// it or reading an index.
func scans(p string) bool {
	for _, step := range strings.Split(p, "; ") {
		if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, " USING ") && !strings.Contains(step, "CONSTANT ROW") {
			return true
		}
	}
	return false
}

// linkedDocuments returns documents that mention, cite and are cited: a
// volume of three numbered documents in two chapters, and a document of
// the archive that mentions Sakharov and cites the volume's first.
func linkedDocuments() []*fonds.Document {
	var docs []*fonds.Document
	for n := 1; n <= 3; n++ {
		d := fondstest.NewDocument(fmt.Sprintf("v-d%d", n), fmt.Sprintf("1977-05-%02d", 20-n))
		d.Collection, d.Number, d.Section = "v", n, "Chapter "+strconv.Itoa((n+1)/2)
		d.References = []fonds.Reference{fonds.NewReference(fmt.Sprintf("Pb 56/%d", n), "heading")}
		docs = append(docs, d)
	}
	d := fondstest.NewDocument("b", "1977-06-01")
	d.Witnesses[0].Text = fonds.Text{{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
		{Kind: fonds.SpanPerson, Text: "Andrei SAKHAROV"}, {Kind: fonds.SpanText, Text: " wrote (Pb 56/1)."}}}}
	return append(docs, d)
}

// checkLinked checks that s keeps what it derives from linkedDocuments.
func checkLinked(t *testing.T, s *Store, when string) {
	t.Helper()
	ctx := context.Background()
	ss, err := s.Sections(ctx, "v")
	if want := []fonds.Section{{Title: "Chapter 1", First: 1, Count: 2}, {Title: "Chapter 2", First: 3, Count: 1}}; err != nil || !slices.Equal(ss, want) {
		t.Errorf("%s: Sections(v) = %+v, %v, want %+v", when, ss, err, want)
	}
	docs, _, err := s.Documents(ctx, fonds.Filter{Collection: "v", Order: fonds.ByNumber, Section: "Chapter 1", Published: true})
	if got := fmt.Sprint(ids(docs)); err != nil || got != "[v-d1 v-d2]" {
		t.Errorf("%s: Documents(Chapter 1, by number) = %s, %v, want [v-d1 v-d2]", when, got, err)
	}
	key := entity.Key(fonds.EntityPerson, "Sakharov")
	e, err := s.Entity(ctx, fonds.EntityPerson, key, fonds.Filter{})
	if err != nil || e.Name != "Andrei Sakharov" || e.Documents != 1 {
		t.Errorf("%s: Entity(Sakharov) = %+v, %v, want Andrei Sakharov of one document", when, e, err)
	}
	if es, err := s.Entities(ctx, fonds.EntityFilter{Published: true, Prefix: "сах"}); err != nil || len(es) != 1 {
		t.Errorf("%s: Entities(сах) = %+v, %v, want Sakharov", when, es, err)
	}
	cited, err := s.CitedBy(ctx, "v-d1", fonds.Filter{Published: true})
	if got := fmt.Sprint(ids(cited)); err != nil || got != "[b]" {
		t.Errorf("%s: CitedBy(v-d1) = %s, %v, want [b]", when, got, err)
	}
	if m, err := s.Resolve(ctx, []string{"v#d2", "ref:pb 56/3"}); err != nil || m["v#d2"] != "v-d2" || m["ref:pb 56/3"] != "v-d3" {
		t.Errorf("%s: Resolve = %v, %v", when, m, err)
	}
}

func ids(docs []*fonds.Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

// TestDeriveAgain checks that a store opened for writing derives again
// what it keeps of the documents' links when the version of the rules it
// was derived by is not package entity's: all of it, rows gone or stale,
// and only what is left when a derivation was interrupted.
func TestDeriveAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fonds.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []string{"v", fondstest.Collection} {
		if err := s.PutCollection(ctx, fonds.Collection{Slug: c, Title: c}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range linkedDocuments() {
		if _, err := s.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	checkLinked(t, s, "saved")
	if v, err := s.Setting(ctx, settingEntityVersion); err != nil || v != strconv.Itoa(entity.Version) {
		t.Errorf("Setting(%s) = %q, %v, want %d", settingEntityVersion, v, err, entity.Version)
	}

	// Rules of another version derived rows that are gone, or stale.
	spoil := func(progress string) {
		t.Helper()
		for _, q := range []string{
			`DELETE FROM citations`, `DELETE FROM identities WHERE document_id <> 'v-d3'`,
			`UPDATE mentions SET passage = 'stale', spellings = '["Sakharoff"]'`,
			`DELETE FROM entity_names WHERE name <> 'Andrei SAKHAROV'`,
			`UPDATE entity_names SET name = 'Sakharoff', folded = 'sakharoff'`,
			`UPDATE entities SET met_name = 'Sakharoff', name = 'Sakharoff'`,
			`UPDATE documents SET section = '' WHERE id = 'v-d1'`,
			`INSERT INTO settings (name, value) VALUES ('entity.version', '0') ON CONFLICT (name) DO UPDATE SET value = '0'`,
		} {
			if _, err := s.write.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if progress != "" {
			if err := s.PutSetting(ctx, settingEntityProgress, progress); err != nil {
				t.Fatal(err)
			}
		}
	}
	spoil("")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	checkLinked(t, s, "derived again")
	var passage string
	if err := s.read.QueryRowContext(ctx, `SELECT passage FROM mentions WHERE document_id = 'b'`).Scan(&passage); err != nil || passage == "stale" {
		t.Errorf("passage of b's mention derived again = %q, %v", passage, err)
	}
	if _, err := s.Setting(ctx, settingEntityProgress); err == nil {
		t.Errorf("Setting(%s) after a derivation = found, want it gone", settingEntityProgress)
	}

	// Interrupted after b, a derivation goes on from there: the volume's
	// documents are derived again, b is not.
	spoil(fmt.Sprintf("%d b", entity.Version))
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.read.QueryRowContext(ctx, `SELECT passage FROM mentions WHERE document_id = 'b'`).Scan(&passage); err != nil || passage != "stale" {
		t.Errorf("passage of b's mention, before the place a derivation stopped = %q, %v, want it left", passage, err)
	}
	var section string
	if err := s.read.QueryRowContext(ctx, `SELECT section FROM documents WHERE id = 'v-d1'`).Scan(&section); err != nil || section != "Chapter 1" {
		t.Errorf("section of v-d1, after the place a derivation stopped = %q, %v, want Chapter 1", section, err)
	}
	if v, err := s.Setting(ctx, settingEntityVersion); err != nil || v != strconv.Itoa(entity.Version) {
		t.Errorf("Setting(%s) after a derivation = %q, %v, want %d", settingEntityVersion, v, err, entity.Version)
	}
}

// TestMigrationDerivesLinks copies documents into a database of version
// 12, before the store kept links, numbers and chapters, and checks that
// opening it derives them.
func TestMigrationDerivesLinks(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	src := filepath.Join(dir, "src.db")
	s, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"v", fondstest.Collection} {
		if err := s.PutCollection(ctx, fonds.Collection{Slug: c, Title: c}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range linkedDocuments() {
		if _, err := s.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	srcDB, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	if err := UnpackBodies(srcDB); err != nil {
		t.Fatal(err)
	}
	srcDB.Close()

	old := filepath.Join(dir, "old.db")
	db, err := sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, err := filepath.Glob(filepath.Join("migrations", "00*.sql"))
	if err != nil || len(files) < 12 {
		t.Fatalf("migrations = %v, %v", files, err)
	}
	for i, f := range files[:12] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(b)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL) STRICT;
			INSERT INTO schema_migrations VALUES (?, 'then')`, i+1); err != nil {
			t.Fatal(err)
		}
	}
	const cols = `id, collection, date_start, date_end, year, month, status, title, hash, origin, created, updated, body, sha256,
		categories, state, released, restricted, embargo_at`
	if _, err := db.Exec(`ATTACH ? AS src;
		INSERT INTO collections SELECT * FROM src.collections;
		INSERT INTO documents (`+cols+`) SELECT `+cols+` FROM src.documents;
		INSERT INTO document_briefs SELECT * FROM src.document_briefs;
		INSERT INTO versions SELECT * FROM src.versions;
		DETACH src`, src); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err = Open(old)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkLinked(t, s, "migrated")
	if n, err := s.Verify(ctx, func(p string) { t.Errorf("Verify: %s", p) }); err != nil || n != 4 {
		t.Errorf("Verify() after the migration = %d, %v, want 4", n, err)
	}
}
