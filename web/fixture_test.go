package web

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
	"fonds/internal/testenv"
	"fonds/sample"
	"fonds/sqlite"
	"fonds/text"
)

// seedPath returns the record the archive grew from, read in place from
// the shared corpus; without the corpus, the tests of the fixture skip.
func seedPath(t testing.TB) string {
	t.Helper()
	return filepath.Join(testenv.Corpus(t), "seed", "000_4215be4c9e9eb522.txt")
}

// The ids of the fixture's hand-built documents.
const (
	draftID      = "1977-05-19-pb-99-1"  // a draft of the seed's date
	draftOnlyID  = "1999-01-02-st-1-1"   // a draft in a collection of drafts, alone in its year
	allKindsID   = "1901-02-03-test-all" // every span kind, in two witnesses
	draftTitle   = "Unpublished draft of a secret"
	draftsSlug   = "drafts"
	testSlug     = "test"
	testBaseURL  = "http://archive.test"
	allKindsName = "Every convention"
)

// fixture is a server on a real SQLite store holding the seed, the sample
// collection, a hand-built document with every span kind, and drafts.
type fixture struct {
	t         testing.TB
	store     *sqlite.Store
	index     fonds.Index // set by newSearchFixture
	server    *Server
	seedID    string
	published int // how many published documents the store holds
	log       *bytes.Buffer
	path      string // of the store's file
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fonds.db")
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, store: st, log: new(bytes.Buffer), path: path}
	for _, c := range []fonds.Collection{
		{Slug: sample.Slug, Title: sample.Title, Description: sample.Description},
		{Slug: testSlug, Title: "Test collection", Description: "Documents made for the tests."},
		{Slug: draftsSlug, Title: "Drafts only", Description: "Nothing published yet."},
	} {
		if err := st.PutCollection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}

	seed := parseFile(t, seedPath(t))
	seed.Collection = sample.Slug
	seed.Status = fonds.StatusPublished
	f.put(seed)
	f.seedID = seed.ID

	err = fs.WalkDir(sample.Files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".txt") {
			return err
		}
		b, err := fs.ReadFile(sample.Files, path)
		if err != nil {
			return err
		}
		doc, _, err := text.Parse(bytes.NewReader(b), path)
		if err != nil {
			return err
		}
		if doc.ID == "" {
			doc.ID = fonds.DocumentID(doc)
		}
		doc.Collection = sample.Slug
		doc.Status = fonds.StatusPublished
		f.put(doc)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	all := allKindsDocument()
	f.put(all)

	draft := &fonds.Document{
		ID: draftID, Collection: sample.Slug, Status: fonds.StatusDraft,
		Date:       fonds.Date{Start: "1977-05-19", End: "1977-05-19", Precision: fonds.PrecisionDay, Written: "19 May 1977"},
		Title:      draftTitle,
		References: []fonds.Reference{fonds.NewReference("Pb 99/1", "heading")},
		Witnesses:  []fonds.Witness{{Language: "en", Role: fonds.RoleTranslation, Text: paragraphs("Not for the public.")}},
	}
	f.put(draft)
	draftOnly := &fonds.Document{
		ID: draftOnlyID, Collection: draftsSlug, Status: fonds.StatusDraft,
		Date:  fonds.Date{Start: "1999-01-02", End: "1999-01-02", Precision: fonds.PrecisionDay},
		Title: draftTitle + " too",
	}
	f.put(draftOnly)

	logger := slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.server, err = New(Config{Store: st, Logger: logger, BaseURL: testBaseURL})
	if err != nil {
		t.Fatal(err)
	}
	freshStamps(f.server)
	return f
}

// freshStamps makes the server's page cache ask the store for the archive's
// stamp on every request, so that a test sees its writes at once, as a
// reader sees them within the refresh interval.
func freshStamps(s *Server) {
	if s.cache != nil {
		s.cache.refresh = 0
	}
}

func (f *fixture) put(d *fonds.Document) {
	f.t.Helper()
	if _, err := f.store.PutDocument(context.Background(), d); err != nil {
		f.t.Fatalf("PutDocument(%s): %v", d.ID, err)
	}
	if d.Public() {
		f.published++
	}
}

func parseFile(t testing.TB, path string) *fonds.Document {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	d, _, err := text.Parse(file, path)
	if err != nil {
		t.Fatalf("text.Parse(%s): %v", path, err)
	}
	if d.ID == "" {
		d.ID = fonds.DocumentID(d)
	}
	return d
}

func paragraphs(ps ...string) fonds.Text {
	var t fonds.Text
	for _, p := range ps {
		t = append(t, fonds.Block{Kind: fonds.BlockParagraph, Spans: []fonds.Span{{Kind: fonds.SpanText, Text: p}}})
	}
	return t
}

// allKindsText is a text using every block and span kind.
func allKindsText() fonds.Text {
	text := func(s string) fonds.Span { return fonds.Span{Kind: fonds.SpanText, Text: s} }
	return fonds.Text{
		{Kind: fonds.BlockHeading, Spans: []fonds.Span{text("Extract from protocol No 7")}},
		{Kind: fonds.BlockParagraph, Spans: []fonds.Span{{Kind: fonds.SpanStamp, Text: "Stamp: Top secret"}}},
		{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
			text("To agree "),
			{Kind: fonds.SpanInsertion, Spans: []fonds.Span{{Kind: fonds.SpanUnderline, Text: "not"}}},
			text(" with the "),
			{Kind: fonds.SpanDeletion, Text: "urgent"},
			text(" proposal of "),
			{Kind: fonds.SpanPerson, Text: "Comrade ANDROPOV", Target: "Yury Andropov"},
			text(" "),
			{Kind: fonds.SpanNote, Text: "chairman of the KGB"},
			{Kind: fonds.SpanOmission, Text: "…"},
			text(" It "),
			{Kind: fonds.SpanEmphasis, Text: "must"},
			text(" be "),
			{Kind: fonds.SpanUnderline, Text: "done"},
			text("."),
		}},
		{Kind: fonds.BlockParagraph, Spans: []fonds.Span{{Kind: fonds.SpanPageBreak, Page: 2, Text: "page two"}}},
		{Kind: fonds.BlockQuote, Spans: []fonds.Span{text("First line,\nsecond line <with> & marks.")}},
		{Kind: fonds.BlockSeparator},
		{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
			text("See "),
			{Kind: fonds.SpanReference, Text: "the decree", Target: "1975-06-27-1702-a-ov"},
			text(" and "),
			{Kind: fonds.SpanReference, Text: "Pb 12/3", Target: "Pb 12/3"},
			text("; it goes on "),
			{Kind: fonds.SpanPageBreak, Page: 3, Text: "page 3"},
			text(" over the page."),
		}},
		{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
			{Kind: fonds.SpanHandwritten, Text: "Agreed. Yu. Andropov"},
			text(" "),
			{Kind: fonds.SpanSignature, Text: "[signed] Ivanov"},
		}},
		{Kind: fonds.BlockOpener, Spans: []fonds.Span{{Kind: fonds.SpanPlace, Text: "Moscow", Target: "Moscow, USSR"}, text(", 3 February"), {Kind: fonds.SpanLineBreak}, text("To the "), {Kind: fonds.SpanOrg, Text: "Central Committee"}}},
		{Kind: fonds.BlockItem, Spans: []fonds.Span{text("to "), {Kind: fonds.SpanStrong, Text: "refuse"}, text(" the request;")}},
		{Kind: fonds.BlockItem, Spans: []fonds.Span{text("to inform the "), {Kind: fonds.SpanSmallCaps, Text: "Tass"}, text(" agency.")}},
		{Kind: fonds.BlockRow, Spans: []fonds.Span{{Kind: fonds.SpanCell, Text: "Name"}, {Kind: fonds.SpanCell, Text: "Decision"}}},
		{Kind: fonds.BlockRow, Spans: []fonds.Span{{Kind: fonds.SpanCell, Text: "Petrov"}, {Kind: fonds.SpanCell, Spans: []fonds.Span{{Kind: fonds.SpanUnclear, Text: "refused"}}}}},
		{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
			text("The "),
			{Kind: fonds.SpanTerm, Text: "nomenklatura", Target: "the list of posts the Party filled"},
			text(" agreed"),
			{Kind: fonds.SpanFootnote, Target: "1", Spans: []fonds.Span{text("See the "), {Kind: fonds.SpanEmphasis, Text: "protocol"}, text(" of 1901.")}},
			text(" at once"),
			{Kind: fonds.SpanFootnote, Text: "A second <note> & more."},
			text("."),
		}},
		{Kind: fonds.BlockCloser, Spans: []fonds.Span{text("Secretary of the Central Committee")}},
		{Kind: fonds.BlockAttachment, Spans: []fonds.Span{text("Attachment: list of names")}},
		{Kind: fonds.BlockItem, Spans: []fonds.Span{text("Petrov, I. I.")}},
	}
}

// allKindsDocument is a published document whose translation uses every
// span kind, with a Russian original after it.
func allKindsDocument() *fonds.Document {
	return &fonds.Document{
		ID: allKindsID, Collection: testSlug, Status: fonds.StatusPublished,
		Date:       fonds.Date{Start: "1901-02-03", End: "1901-02-03", Precision: fonds.PrecisionDay, Written: "3 February 1901"},
		Mark:       "*",
		Title:      allKindsName,
		Summary:    "Council of Ministers. Resolution made for the tests (3 pp).",
		Creator:    "Council of Ministers",
		Type:       "resolution",
		References: []fonds.Reference{fonds.NewReference("Test 1/1", "heading")},
		Source:     "R 3 February 1901, Test 1-1",
		Languages:  []string{"en", "ru"},
		Categories: []string{"2.1", "5"},
		Persons:    []fonds.Person{{Name: "Yury Andropov", Written: "ANDROPOV"}},
		Pages:      []fonds.Page{{N: 1}, {N: 2, Label: "two"}, {N: 3, Label: "3"}},
		Witnesses: []fonds.Witness{
			{Language: "ru", Role: fonds.RoleOriginal, Text: fonds.Text{
				{Kind: fonds.BlockParagraph, Spans: []fonds.Span{{Kind: fonds.SpanText, Text: "Согласиться."}}},
				{Kind: fonds.BlockParagraph, Spans: []fonds.Span{{Kind: fonds.SpanPageBreak, Page: 2, Text: "страница 2"}}},
				{Kind: fonds.BlockParagraph, Spans: []fonds.Span{{Kind: fonds.SpanHandwritten, Text: "Согласен."}}},
			}},
			{Language: "en", Role: fonds.RoleTranslation, Text: allKindsText(),
				Credits: []fonds.Credit{{Role: "translator", Name: "Test Translator", Written: "Translation, Test Translator"}}},
		},
		ExtentPages: 3,
	}
}

// get answers a GET of path by the fixture's server.
func (f *fixture) get(path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	w := httptest.NewRecorder()
	f.server.ServeHTTP(w, req)
	return w
}
