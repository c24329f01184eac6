package wxr

import (
	"fmt"
	"strings"
	"testing"

	"fonds"
)

// dump writes a text compactly for comparison: a block a line, its kind
// then its spans, each kind(text or children), plain text quoted.
func dump(t fonds.Text) string {
	var b strings.Builder
	var spans func([]fonds.Span)
	spans = func(ss []fonds.Span) {
		for i, s := range ss {
			if i > 0 {
				b.WriteString(" ")
			}
			if s.Kind == fonds.SpanText {
				fmt.Fprintf(&b, "%q", s.Text)
				continue
			}
			b.WriteString(string(s.Kind))
			if s.Target != "" {
				fmt.Fprintf(&b, "=%s", s.Target)
			}
			if s.Page != 0 {
				fmt.Fprintf(&b, "#%d", s.Page)
			}
			if s.Text == "" && len(s.Spans) == 0 {
				continue
			}
			b.WriteString("(")
			if s.Text != "" {
				fmt.Fprintf(&b, "%q", s.Text)
			}
			spans(s.Spans)
			b.WriteString(")")
		}
	}
	for i, blk := range t {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(string(blk.Kind))
		if len(blk.Spans) > 0 {
			b.WriteString(": ")
			spans(blk.Spans)
		}
	}
	return b.String()
}

// convert reads the content of a post into its text.
func convert(content string, conv Conventions) (fonds.Text, []string) {
	c := converter{conventions: conv}
	drafts := c.blocks(content)
	var tc textConverter
	t := tc.text(drafts)
	return t, append(c.messages, tc.messages...)
}

func TestHTMLMapping(t *testing.T) {
	hand := Conventions{ItalicIsHandwriting: true}
	plain := Conventions{}
	tests := []struct {
		name    string
		conv    Conventions
		html    string
		want    string
		message string // a warning wanted, if any
	}{
		{"paragraphs", hand, "<p>One.</p><p>Two.</p>", `paragraph: "One."` + "\nparagraph: \"Two.\"", ""},
		{"autop blank lines", hand, "One.\n\nTwo.\n \nThree.", `paragraph: "One."` + "\nparagraph: \"Two.\"\nparagraph: \"Three.\"", ""},
		{"autop newline", hand, "One\ntwo", `paragraph: "One" linebreak "two"`, ""},
		{"autop br and newline", hand, "One<br />\ntwo", `paragraph: "One" linebreak "two"`, ""},
		{"block editor newline", hand, "<!-- wp:paragraph -->\n<p>One\ntwo</p>\n<!-- /wp:paragraph -->", `paragraph: "One two"`, ""},
		{"white space", hand, "<p>  a \t <em> b </em>  c  </p>", `paragraph: "a " handwritten("b ") "c"`, ""},
		{"nbsp kept", hand, "<p>a&nbsp;b</p>", `paragraph: "a\u00a0b"`, ""},
		{"page marker", hand, "<p>[page two]</p>", `paragraph: pagebreak#2("page two")`, ""},
		{"page marker inline", hand, "<p>end [page 3] start</p>", `paragraph: "end " pagebreak#3("page 3") " start"`, ""},
		{"bad page marker", hand, "<p>[page x]</p>", `paragraph: note("page x")`, "unreadable page marker"},
		{"note", hand, "<p>relaxation [détente]</p>", `paragraph: "relaxation " note("détente")`, ""},
		{"nested note", hand, "<p>[a [nested] note]</p>", `paragraph: note("a [nested] note")`, ""},
		{"doubled brackets", hand, "<p>[[x]] y</p>", `paragraph: note("[x]") " y"`, ""},
		{"note with markup", hand, "<p>[see <em>here</em>]</p>", `paragraph: note("see " handwritten("here"))`, ""},
		{"note across link", hand, `<p>[<a href="/x">x</a>]</p>`, `paragraph: note(reference=/x("x"))`, ""},
		{"omission bracketed", hand, "<p>a […] b</p>", `paragraph: "a " omission("[…]") " b"`, ""},
		{"omission dots", hand, "<p>a… b... c</p>", `paragraph: "a" omission("…") " b" omission("...") " c"`, ""},
		{"stamp", hand, "<p>[Stamp: Secret]</p>", `paragraph: stamp("Stamp: Secret")`, ""},
		{"signature", hand, "<p>[signed] Ivanov</p>", `paragraph: signature("signed") " Ivanov"`, ""},
		{"added", hand, "<p>[added: Top] Secret</p>", `paragraph: insertion("Top") " Secret"`, ""},
		{"braces are text", hand, "<p>{hand:x} a\\b</p>", `paragraph: "{hand:x} a\\b"`, ""},
		{"braces in note", hand, "<p>[a {b} c\\d]</p>", `paragraph: note("a {b} c\\d")`, ""},
		{"unclosed bracket", hand, "<p>a [b</p>", `paragraph: "a [b"`, `unclosed "["`},
		{"stray bracket", hand, "<p>a] b</p>", `paragraph: "a] b"`, `"]" without "["`},
		{"em handwriting", hand, "<p><em>Agreed</em> <i>too</i></p>", `paragraph: handwritten("Agreed") " " handwritten("too")`, ""},
		{"em emphasis", plain, "<p><em>must</em> <i>too</i></p>", `paragraph: emphasis("must") " " emphasis("too")`, ""},
		{"u em insertion", hand, "<p><u><em>not</em></u></p>", `paragraph: insertion("not")`, ""},
		{"em u insertion", hand, "<p><em><u>not</u></em></p>", `paragraph: insertion("not")`, ""},
		{"u em plain", plain, "<p><u><em>not</em></u></p>", `paragraph: underline(emphasis("not"))`, ""},
		{"u mixed", hand, "<p><u><em>not</em> only</u></p>", `paragraph: underline(handwritten("not") " only")`, ""},
		{"underline", hand, "<p><u>Secret</u></p>", `paragraph: underline("Secret")`, ""},
		{"styled underline", hand, `<p><span style="text-decoration: underline;">Secret</span></p>`, `paragraph: underline("Secret")`, ""},
		{"styled insertion", hand, `<p><span style="font-style: italic; text-decoration: underline">not</span></p>`, `paragraph: insertion("not")`, ""},
		{"small caps", hand, `<p><span style="font-variant: small-caps">Tass</span></p>`, `paragraph: smallcaps("Tass")`, ""},
		{"plain span", hand, `<p><span class="x">a</span> b</p>`, `paragraph: "a b"`, ""},
		{"deletion", hand, "<p><del>a</del> <s>b</s> <strike>c</strike></p>", `paragraph: deletion("a") " " deletion("b") " " deletion("c")`, ""},
		{"strong", hand, "<p><strong>a</strong> <b>b</b></p>", `paragraph: strong("a") " " strong("b")`, ""},
		{"nested marks", hand, "<p><strong><em>a</em> b</strong></p>", `paragraph: strong(handwritten("a") " b")`, ""},
		{"blockquote", hand, "<blockquote><p>One.</p><p>Two.</p></blockquote>", `quote: "One."` + "\nquote: \"Two.\"", ""},
		{"list", hand, "<ul>\n<li>a</li>\n<li>b</li>\n</ul>", `item: "a"` + "\nitem: \"b\"", ""},
		{"ordered list", hand, "<ol><li>a</li></ol>", `item: "a"`, ""},
		{"nested list", hand, "<ul><li>a<ul><li>b</li></ul></li></ul>", `item: "a"` + "\nitem: \"b\"", ""},
		{"table", hand, "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td><p>2</p><p>3</p></td></tr></tbody></table>",
			`row: cell("A") cell("B")` + "\nrow: cell(\"1\") cell(\"2\" linebreak \"3\")", ""},
		{"empty cell", hand, "<table><tr><td></td><td>x</td></tr></table>", `row: cell cell("x")`, ""},
		{"br", hand, "<p>a<br>b</p>", `paragraph: "a" linebreak "b"`, ""},
		{"trailing br", hand, "<p>a<br></p>", `paragraph: "a"`, ""},
		{"link", hand, `<p>see <a href="https://x.example/1977/">this</a></p>`, `paragraph: "see " reference=https://x.example/1977/("this")`, ""},
		{"anchor without href", hand, `<p><a name="top">top</a></p>`, `paragraph: "top"`, ""},
		{"script link", hand, `<p><a href="javascript:alert(1)">x</a></p>`, `paragraph: "x"`, ""},
		{"headings", hand, "<h1>A</h1><h4>B</h4>", `heading: "A"` + "\nheading: \"B\"", ""},
		{"hr", hand, "<p>a</p><hr /><p>b</p>", `paragraph: "a"` + "\nseparator\nparagraph: \"b\"", ""},
		{"unknown inline", hand, "<p>word<sup>1</sup> more</p>", `paragraph: "word1 more"`, "<sup>"},
		{"unknown block", hand, "<dl><dt>a</dt><dd>b</dd></dl>", `paragraph: "a"` + "\nparagraph: \"b\"", "<dl>"},
		{"script dropped", hand, "<p>a</p><script>alert(1)</script>", `paragraph: "a"`, "<script>"},
		{"image", hand, `<p>a <img src="x.jpg"> b</p>`, `paragraph: "a b"`, "images"},
		{"shortcode", hand, `[caption id="attachment_1"]<img src="x.jpg"> A scan[/caption]`, `paragraph: "A scan"`, "shortcode [caption]"},
		{"comments", hand, "<!-- note --><p>a</p>", `paragraph: "a"`, ""},
		{"entities", hand, "<p>&lt;b&gt; &amp; &#8220;q&#8221;</p>", `paragraph: "<b> & “q”"`, ""},
		{"empty", hand, "", "", ""},
		{"only white space", hand, "\n\n  <p> </p>\n", "", ""},
		{"unclosed tags", hand, "<p><em>a<p>b", `paragraph: handwritten("a")` + "\nparagraph: handwritten(\"b\")", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, messages := convert(tt.html, tt.conv)
			if got := dump(text); got != tt.want {
				t.Errorf("convert(%q) =\n%s\nwant\n%s", tt.html, got, tt.want)
			}
			all := strings.Join(messages, "\n")
			if tt.message == "" && len(messages) > 0 {
				t.Errorf("convert(%q) warned %q, want no warning", tt.html, all)
			}
			if tt.message != "" && !strings.Contains(all, tt.message) {
				t.Errorf("convert(%q) warned %q, want %q", tt.html, all, tt.message)
			}
		})
	}
}

func TestReportedOnce(t *testing.T) {
	_, messages := convert("<p><sup>1</sup> <sup>2</sup> [caption x]a[/caption] [caption y]b[/caption]</p>", Conventions{})
	if len(messages) != 2 {
		t.Errorf("convert warned %q, want one warning for <sup> and one for the shortcode", messages)
	}
}

func TestHeading(t *testing.T) {
	tests := []struct {
		name, title, content string
		date, wantTitle      string
		summary, ref         string
		body                 string // the text's first block
	}{
		{"title heading", "19 May 1977* (Pb 56/68) Human rights", "Politburo. Instructions (21 pp). [R 19 May 1977, Pb 56-68]\n\nText.",
			"1977-05-19", "Human rights", "Politburo. Instructions (21 pp).", "Pb 56/68", `paragraph: "Text."`},
		{"title heading, no description", "19 May 1977* (Pb 56/68) Human rights", "To all ambassadors.",
			"1977-05-19", "Human rights", "", "Pb 56/68", `paragraph: "To all ambassadors."`},
		{"trailing date", "Gromyko notes (14 May 1975)", "Text.", "1975-05-14", "Gromyko notes", "", "", `paragraph: "Text."`},
		{"heading in content", "Human rights", "<p>19 May 1977* (Pb 56/68)</p><p>Text.</p>",
			"1977-05-19", "Human rights", "", "Pb 56/68", `paragraph: "Text."`},
		{"heading repeated", "Human rights (19 May 1977)", "<h2>19 May 1977* (Pb 56/68) Human rights</h2><p>Text.</p>",
			"1977-05-19", "Human rights", "", "Pb 56/68", `paragraph: "Text."`},
		{"description with categories", "June 1991* (no number)", "A note. [2.1; 5]\n\n[page two]",
			"1991-06-01", "", "A note.", "", `paragraph: pagebreak#2("page two")`},
		{"impossible date", "31 February 1977 Nothing", "Text.", "2001-02-03", "31 February 1977 Nothing", "", "", `paragraph: "Text."`},
		{"no heading", "Hello", "Text.", "2001-02-03", "Hello", "", "", `paragraph: "Text."`},
		{"long first line", "Hello", "1977 " + strings.Repeat("word ", 80), "2001-02-03", "Hello", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := item{title: tt.title, content: tt.content, postType: "post", status: "publish", postDate: "2001-02-03 04:05:06", line: 1}
			d, _, ok := bukovsky.document(it, channel{})
			if !ok {
				t.Fatalf("document(%s) = not a document", tt.name)
			}
			ref := d.PrimaryReference().Written
			if d.Date.Start != tt.date || d.Title != tt.wantTitle || d.Summary != tt.summary || ref != tt.ref {
				t.Errorf("document(%s) = date %s, title %q, summary %q, reference %q; want %s, %q, %q, %q",
					tt.name, d.Date.Start, d.Title, d.Summary, ref, tt.date, tt.wantTitle, tt.summary, tt.ref)
			}
			if tt.body != "" {
				if got := dump(d.Witnesses[0].Text[:1]); got != tt.body {
					t.Errorf("document(%s) text starts %s, want %s", tt.name, got, tt.body)
				}
			}
		})
	}
}

func TestPages(t *testing.T) {
	tests := []struct {
		name, html string
		want       string
	}{
		{"none", "<p>a</p>", "1"},
		{"marker first", "<p>[page one]</p><p>a</p><p>[page two]</p>", "1 2"},
		{"text first", "<p>a</p><p>[page three]</p>", "2 3"},
		{"of", "<p>[page one of four]</p>", "1/4"},
	}
	for _, tt := range tests {
		c := converter{conventions: Conventions{}}
		var tc textConverter
		text := tc.text(c.blocks(tt.html))
		ps, _ := pages(text, tc.pages)
		var got []string
		for _, p := range ps {
			s := fmt.Sprint(p.N)
			if p.Of > 0 {
				s += fmt.Sprintf("/%d", p.Of)
			}
			got = append(got, s)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("pages(%s) = %v, want %s", tt.name, got, tt.want)
		}
	}
}
