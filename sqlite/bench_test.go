package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/entity"
	"fonds/fondstest"
)

// bulk fills s with n documents of the size and shape of a real record
// (fondstest.NewFullDocument: two texts of four pages) in one transaction:
// ten collections, dates over 75 years (some known only to the year, some
// undated), one in ten a draft. Only the setup of benchmarks needs so many
// so fast.
func bulk(b *testing.B, s *Store, n int) { fill(b, s, n, nil) }

// fill is bulk with each document changed by edit, if not nil, before it
// is put.
func fill(b *testing.B, s *Store, n int, edit func(i int, d *fonds.Document)) {
	ctx := context.Background()
	for c := range 10 {
		if err := s.PutCollection(ctx, fonds.Collection{Slug: fmt.Sprintf("c%d", c), Title: fmt.Sprintf("Collection %d", c)}); err != nil {
			b.Fatal(err)
		}
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	for i := range n {
		date := fmt.Sprintf("%d-%02d-%02d", 1917+i%75, 1+i/75%12, 1+i/900%28)
		switch {
		case i%50 == 0:
			date = ""
		case i%37 == 0:
			date = date[:4]
		}
		d := fondstest.NewFullDocument(fmt.Sprintf("doc-%06d", i), date)
		d.Collection = fmt.Sprintf("c%d", i%10)
		if i%10 == 3 {
			d.Status = fonds.StatusDraft
		}
		if edit != nil {
			edit(i, d)
		}
		if _, _, err := put(ctx, tx, d, fonds.Save{}); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReads measures what the public pages ask of the store, at two
// sizes of archive: each figure should be the same at both, since each read
// seeks through an index and reads what it returns, never the archive.
func BenchmarkReads(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "fonds.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			bulk(b, s, n)
			mid := fmt.Sprintf("doc-%06d", n/2+1)
			seq, err := s.LastChange(ctx)
			if err != nil {
				b.Fatal(err)
			}
			// A page of briefs halfway down the list of everything
			// published, in date order, and the document it starts
			// after: what the two ways of paging cost beside the page.
			deep := fonds.Filter{Published: true, Offset: n / 2, Limit: 20, Brief: true}
			before, _, err := s.Documents(ctx, fonds.Filter{Published: true, Offset: n/2 - 1, Limit: 1})
			if err != nil || len(before) != 1 {
				b.Fatalf("Documents(offset %d) = %d documents, %v", n/2-1, len(before), err)
			}
			after := fonds.Filter{Published: true, After: before[0].ID, Limit: 20, Brief: true}
			for _, bb := range []struct {
				name string
				fn   func() error
			}{
				{"Collection", func() error {
					c, err := s.Collection(ctx, "c4")
					if err == nil && c.Count != n/10 {
						err = fmt.Errorf("Collection(c4).Count = %d, want %d", c.Count, n/10)
					}
					return err
				}},
				{"Collections", func() error {
					_, err := s.Collections(ctx, fonds.Filter{Published: true})
					return err
				}},
				{"DateCounts", func() error {
					_, err := s.DateCounts(ctx, fonds.Filter{Published: true})
					return err
				}},
				{"DateCountsYear", func() error {
					_, err := s.DateCounts(ctx, fonds.Filter{Published: true, Year: 1950})
					return err
				}},
				{"DocumentsHome", func() error {
					_, total, err := s.Documents(ctx, fonds.Filter{Published: true, Order: fonds.ByAdded, Limit: 10})
					if err == nil && total != n-n/10 {
						err = fmt.Errorf("Documents(published) total = %d, want %d", total, n-n/10)
					}
					return err
				}},
				{"DocumentsCollection", func() error {
					_, _, err := s.Documents(ctx, fonds.Filter{Published: true, Collection: "c4", Offset: 20, Limit: 20})
					return err
				}},
				{"DocumentsMonth", func() error {
					_, _, err := s.Documents(ctx, fonds.Filter{Published: true, Year: 1951, Month: 5, Limit: 10})
					return err
				}},
				{"DocumentsCollectionBrief", func() error {
					_, _, err := s.Documents(ctx, fonds.Filter{Published: true, Collection: "c4", Offset: 20, Limit: 20, Brief: true})
					return err
				}},
				{"DocumentsDeepOffset", func() error {
					_, _, err := s.Documents(ctx, deep)
					return err
				}},
				{"DocumentsDeepAfter", func() error {
					docs, _, err := s.Documents(ctx, after)
					if err == nil && len(docs) != 20 {
						err = fmt.Errorf("Documents(%+v) = %d documents, want 20", after, len(docs))
					}
					return err
				}},
				{"Document", func() error {
					_, err := s.Document(ctx, mid)
					return err
				}},
				{"Records", func() error {
					_, _, err := s.Records(ctx, fonds.RecordFilter{Collection: "c4", Limit: 101})
					return err
				}},
				{"Neighbours", func() error {
					_, _, err := s.Neighbours(ctx, mid, fonds.Filter{Published: true})
					return err
				}},
				{"Changes", func() error {
					_, err := s.Changes(ctx, seq/2, 100)
					return err
				}},
				{"LastChange", func() error {
					_, err := s.LastChange(ctx)
					return err
				}},
			} {
				b.Run(bb.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if err := bb.fn(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkEditing measures what an editor's history page and the server's
// release of embargoes cost, at two sizes of archive: the same at both,
// since each seeks through an index. Every tenth document of the archive
// is under an embargo that has not ended.
func BenchmarkEditing(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "fonds.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			bulk(b, s, n)
			far := time.Now().UTC().AddDate(10, 0, 0)
			tx, err := s.write.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE documents SET released = 0, status = 'draft', embargo_at = ?
				WHERE rowid % 10 = 5 AND state = 'published'`, formatTime(far)); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			// A document of twenty versions.
			mid := fmt.Sprintf("doc-%06d", n/2+1)
			d, err := s.Document(ctx, mid)
			if err != nil {
				b.Fatal(err)
			}
			for i := range 19 {
				d.Title = fmt.Sprintf("Version %d", i+2)
				if _, err := s.SaveDocument(ctx, d, fonds.Save{Author: "ann", Message: "Corrected", Version: d.Version}); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("History", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if vs, err := s.History(ctx, mid); err != nil || len(vs) != 20 {
						b.Fatalf("History(%s) = %d versions, %v, want 20", mid, len(vs), err)
					}
				}
			})
			b.Run("Revision", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.Revision(ctx, mid, 10); err != nil {
						b.Fatal(err)
					}
				}
			})
			// What the server's loop costs when no embargo has ended.
			b.Run("ReleaseNone", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if k, err := s.Release(ctx, time.Now()); err != nil || k != 0 {
						b.Fatalf("Release(now) = %d, %v, want 0", k, err)
					}
				}
			})
			// The release of one document whose embargo ended.
			b.Run("ReleaseOne", func(b *testing.B) {
				b.ReportAllocs()
				e := fondstest.NewFullDocument("embargoed", "1977-05-19")
				e.Collection = "c1"
				i := 0
				for b.Loop() {
					b.StopTimer()
					i++
					end := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
					e.Embargo, e.Title = end.Format(time.RFC3339), fmt.Sprint(i)
					if _, err := s.SaveDocument(ctx, e, fonds.Save{}); err != nil {
						b.Fatal(err)
					}
					// Under embargo as of its save: at most a save in the
					// past releases it at once, so mark it held, as a save
					// before its end would have.
					if _, err := s.write.ExecContext(ctx, `UPDATE documents SET released = 0, status = 'draft', embargo_at = ? WHERE id = 'embargoed'`,
						formatTime(end)); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if k, err := s.Release(ctx, end); err != nil || k != 1 {
						b.Fatalf("Release(%v) = %d, %v, want 1", end, k, err)
					}
				}
			})
		})
	}
}

// syllables make the invented surnames of linked documents.
var syllables = []string{"ka", "ro", "mi", "le", "sa", "to", "vu", "ne", "di", "po"}

// surname returns the invented surname number j: "Karomi…ov".
func surname(j int) string {
	var b strings.Builder
	for k := 0; k < 5; k++ {
		b.WriteString(syllables[j%10])
		j /= 10
	}
	return strings.ToUpper(b.String()[:1]) + b.String()[1:] + "ov"
}

// linkedReference returns the archival reference of document i.
func linkedReference(i int) string { return fmt.Sprintf("Pb %d/%d", i/1000+1, i%1000+1) }

// linkDocument makes document i of n link as a real archive's do: it
// mentions Ivanov and Petrova (as every one does, in NewFullDocument) and
// one of n/10 other persons; it has a reference of its own, and cites the
// document before it by its reference, and the first document (whose
// reference is St 12-34), as every one does; the documents of collection
// c4 are a volume, numbered, in twenty chapters.
func linkDocument(n int) func(i int, d *fonds.Document) {
	volume := n / 10
	return func(i int, d *fonds.Document) {
		d.References = []fonds.Reference{fonds.NewReference(linkedReference(i), "heading"), fonds.NewReference("No. 567", "source")}
		if i == 0 {
			d.References = append(d.References, fonds.NewReference("St 12-34", "heading"))
		}
		if i%10 == 4 {
			d.Number = i/10 + 1
			d.Section = fmt.Sprintf("Chapter %d", (d.Number-1)*20/volume+1)
		}
		cites := ""
		if i > 0 {
			cites = " (" + linkedReference(i-1) + ")"
		}
		d.Witnesses[0].Text = append(d.Witnesses[0].Text, fonds.Block{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
			{Kind: fonds.SpanText, Text: "Reported by "},
			{Kind: fonds.SpanPerson, Text: "Ivan " + strings.ToUpper(surname(i%(n/10)))},
			{Kind: fonds.SpanText, Text: " as decided" + cites + "."},
		}})
	}
}

// BenchmarkLinks measures the reads of the linked edition and of the lists
// of volumes and weeks, at two sizes of archive: each figure should be the
// same at both but for a factor of log n, since each read seeks through
// an index and reads what it returns. Every document mentions Ivanov and
// cites the first; each of n/10 invented persons is mentioned by ten.
func BenchmarkLinks(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "fonds.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			fill(b, s, n, linkDocument(n))
			ivanov := entity.Key(fonds.EntityPerson, "Ivanov")
			mid := fmt.Sprintf("doc-%06d", n/2+1)
			midPerson := entity.Key(fonds.EntityPerson, surname(n/20))
			var targets []string
			for i := range 20 {
				targets = append(targets, "ref:"+fonds.NormalizeReference(linkedReference(n/2+i*37)))
			}
			week := fonds.Filter{Published: true, From: "1951-05-01", To: "1951-05-07", Limit: 20, Brief: true}
			// The volume's documents, a page from its middle.
			volumeAfter := fmt.Sprintf("doc-%06d", n/2+4)
			for _, bb := range []struct {
				name string
				fn   func() error
			}{
				// What a page of twenty briefs costs as BenchmarkReads
				// measures it, in this archive: the measure of the lists
				// below, each of which reads twenty briefs.
				{"DocumentsAfter", func() error {
					docs, _, err := s.Documents(ctx, fonds.Filter{Published: true, After: mid, Limit: 20, Brief: true})
					if err == nil && len(docs) != 20 {
						err = fmt.Errorf("Documents(after %s) = %d, want 20", mid, len(docs))
					}
					return err
				}},
				{"EntitiesPage", func() error {
					es, err := s.Entities(ctx, fonds.EntityFilter{Kind: fonds.EntityPerson, Published: true, After: midPerson, Limit: 20})
					if err == nil && len(es) != 20 {
						err = fmt.Errorf("Entities after %s = %d entities, want 20", midPerson, len(es))
					}
					return err
				}},
				{"EntitiesPageRussian", func() error {
					_, err := s.Entities(ctx, fonds.EntityFilter{Kind: fonds.EntityPerson, Published: true, After: midPerson, Limit: 20,
						Order: fonds.ByRussianName})
					return err
				}},
				{"EntitiesPageAllKinds", func() error {
					_, err := s.Entities(ctx, fonds.EntityFilter{Published: true, After: midPerson, Limit: 20})
					return err
				}},
				{"EntitiesPrefix", func() error {
					es, err := s.Entities(ctx, fonds.EntityFilter{Published: true, Prefix: surname(n / 20)[:8], Limit: 20})
					if err == nil && len(es) == 0 {
						err = fmt.Errorf("Entities(prefix %s) = none", surname(n / 20)[:8])
					}
					return err
				}},
				{"Entity", func() error {
					e, err := s.Entity(ctx, fonds.EntityPerson, ivanov, fonds.Filter{})
					if err == nil && e.Documents != n {
						err = fmt.Errorf("Entity(Ivanov) of %d documents, want %d", e.Documents, n)
					}
					return err
				}},
				{"MentioningPage", func() error {
					ms, err := s.Mentioning(ctx, fonds.EntityPerson, ivanov, fonds.Filter{Published: true, After: mid, Limit: 20})
					if err == nil && len(ms) != 20 {
						err = fmt.Errorf("Mentioning(Ivanov) after %s = %d, want 20", mid, len(ms))
					}
					return err
				}},
				{"CitedBy", func() error {
					docs, err := s.CitedBy(ctx, "doc-000000", fonds.Filter{Published: true, After: mid, Limit: 20})
					if err == nil && len(docs) != 20 {
						err = fmt.Errorf("CitedBy(doc-000000) after %s = %d, want 20", mid, len(docs))
					}
					return err
				}},
				{"Resolve20", func() error {
					m, err := s.Resolve(ctx, targets)
					if err == nil && len(m) != 20 {
						err = fmt.Errorf("Resolve(%d targets) = %d", len(targets), len(m))
					}
					return err
				}},
				{"DocumentsWeek", func() error {
					docs, _, err := s.Documents(ctx, week)
					if err == nil && len(docs) == 0 {
						err = fmt.Errorf("Documents(%+v) = none", week)
					}
					return err
				}},
				{"DocumentsByNumber", func() error {
					docs, _, err := s.Documents(ctx, fonds.Filter{Published: true, Collection: "c4", Order: fonds.ByNumber, After: volumeAfter, Limit: 20, Brief: true})
					if err == nil && len(docs) != 20 {
						err = fmt.Errorf("Documents(c4 by number) = %d, want 20", len(docs))
					}
					return err
				}},
				{"NeighboursByNumber", func() error {
					prev, next, err := s.Neighbours(ctx, volumeAfter, fonds.Filter{Published: true, Collection: "c4", Order: fonds.ByNumber})
					if err == nil && (prev == nil || next == nil) {
						err = fmt.Errorf("Neighbours(%s by number) = %v, %v", volumeAfter, prev, next)
					}
					return err
				}},
				{"Sections", func() error {
					ss, err := s.Sections(ctx, "c4")
					if err == nil && len(ss) != 20 {
						err = fmt.Errorf("Sections(c4) = %d, want 20", len(ss))
					}
					return err
				}},
			} {
				b.Run(bb.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if err := bb.fn(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
