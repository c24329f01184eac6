package bleve

import (
	"context"
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"fonds"
	"fonds/searchdoc"
	"fonds/translit"
)

// TestSnippetsWithoutNotes checks on the FRUS documents of the corpus that
// a snippet never runs a footnote into the sentence it annotates: searched
// for the word before each footnote mark, no snippet holds the note's words.
func TestSnippetsWithoutNotes(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	docs := readFRUS(t, "frus1977-80v06_d5.xml", "frus1977-80v06_d8.xml", "frus1977-80v06_d9.xml",
		"frus1977-80v06_d12.xml", "frus1977-80v02_d17.xml", "frus1977-80v02_d12.xml")
	if err := ix.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, d := range docs {
		var body strings.Builder
		for _, p := range searchdoc.Of(d).Pages {
			body.WriteString(p.Text)
			body.WriteString("\n")
		}
		for _, w := range d.Witnesses {
			for _, q := range wordsBeforeNotes(w.Text) {
				res, err := ix.Search(ctx, fonds.SearchRequest{Query: q.word, Limit: 10, Highlight: true})
				if err != nil {
					t.Fatalf("Search(%q): %v", q.word, err)
				}
				for _, h := range res.Hits {
					if h.ID != d.ID {
						continue
					}
					checked++
					plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(html.UnescapeString(h.Snippet))
					// The note's beginning, unless the text says it too.
					note := []rune(q.note)
					note = note[:min(len(note), 30)]
					if len(note) >= 12 && !strings.Contains(body.String(), string(note)) && strings.Contains(plain, string(note)) {
						t.Errorf("Search(%q): snippet of %s = %q, holds the note %q", q.word, d.ID, h.Snippet, q.note)
					}
				}
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d snippets checked, want the word before each note to find its document", checked)
	}
}

// noteQuery is the word before a note, and the note.
type noteQuery struct{ word, note string }

// wordsBeforeNotes returns, for each footnote of the text, the word the
// text writes before its mark, and the note's words.
func wordsBeforeNotes(t fonds.Text) []noteQuery {
	var out []noteQuery
	for _, b := range t {
		var before strings.Builder
		var walk func([]fonds.Span)
		walk = func(spans []fonds.Span) {
			for _, s := range spans {
				if s.Kind == fonds.SpanNote || s.Kind == fonds.SpanFootnote {
					words := strings.FieldsFunc(before.String(), func(r rune) bool { return !translit.IsWordRune(r) })
					if len(words) > 0 && utf8.RuneCountInString(words[len(words)-1]) > 3 {
						out = append(out, noteQuery{words[len(words)-1], strings.TrimSpace(spanWords(s))})
					}
					continue
				}
				before.WriteString(s.Text)
				walk(s.Spans)
			}
		}
		walk(b.Spans)
	}
	return out
}

// TestSnippetsMarkStopWords checks that a query of only stop words, which
// the stops field finds, has them marked in its snippets: on the page, and
// in the summary when only the summary writes them.
func TestSnippetsMarkStopWords(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	onPage := textDocument("page", "A telegram", "Whether to be or not to be was the question of the day.")
	inSummary := textDocument("summary", "A letter", "Нечего сказать.")
	inSummary.Summary = "Он ещё не ответил."
	if err := ix.Put(ctx, onPage, inSummary); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, id, want string }{
		{`"to be or not to be"`, "page", "<mark>to</mark> <mark>be</mark> <mark>or</mark> <mark>not</mark> <mark>to</mark> <mark>be</mark>"},
		{"еще", "summary", "<mark>ещё</mark>"},
	} {
		res, err := ix.Search(ctx, fonds.SearchRequest{Query: c.q, Highlight: true})
		if err != nil {
			t.Fatalf("Search(%q): %v", c.q, err)
		}
		if len(res.Hits) != 1 || res.Hits[0].ID != c.id {
			t.Fatalf("Search(%q) = %+v, want %s alone", c.q, res.Hits, c.id)
		}
		if s := res.Hits[0].Snippet; !strings.Contains(s, c.want) {
			t.Errorf("Search(%q): snippet %q, want it to hold %q", c.q, s, c.want)
		}
	}
}

// spanWords returns the words of a span, without the labels of the page
// breaks in it.
func spanWords(s fonds.Span) string {
	switch s.Kind {
	case fonds.SpanPageBreak:
		return ""
	case fonds.SpanLineBreak:
		return "\n"
	}
	var b strings.Builder
	b.WriteString(s.Text)
	for _, c := range s.Spans {
		b.WriteString(spanWords(c))
	}
	return b.String()
}

// TestSnippetStopWordsOfPhrase checks that a phrase with a stop word marks
// the stop word where it stands in the phrase, and not every other place
// the document writes it; a query of stop words only marks them all.
func TestSnippetStopWordsOfPhrase(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	defer ix.Close()
	text := "The report of the committee went to the ministry. Then the Soviet Union replied to the note of the embassy."
	if err := ix.Put(ctx, textDocument("d1", "Reply", text)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ query, want string }{
		{`"the Soviet Union"`, "Then <mark>the</mark> <mark>Soviet</mark> <mark>Union</mark> replied to the note of the embassy."},
		{`"the note of the embassy"`, "replied to <mark>the</mark> <mark>note</mark> <mark>of</mark> <mark>the</mark> <mark>embassy</mark>."},
		{`"to the"`, "went <mark>to</mark> <mark>the</mark> ministry"},
	} {
		res, err := ix.Search(ctx, fonds.SearchRequest{Query: tt.query, Highlight: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 {
			t.Fatalf("Search(%s): %d hits, want 1", tt.query, len(res.Hits))
		}
		if got := res.Hits[0].Snippet; !strings.Contains(got, tt.want) {
			t.Errorf("Search(%s): snippet %q, want it to hold %q", tt.query, got, tt.want)
		}
		if tt.query != `"to the"` && strings.Contains(res.Hits[0].Snippet, "<mark>The</mark> report") {
			t.Errorf("Search(%s): snippet %q marks a stop word outside the phrase", tt.query, res.Hits[0].Snippet)
		}
	}
}
