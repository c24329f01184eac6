package wxr

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"fonds"
	"fonds/text"
)

// A post's catalogue fields come from its heading, in the archive's form
// "19 May 1977* (Pb 56/68) Human rights", and its description line, read by
// package text exactly as a transcription file's: the post's title or the
// first line of its content is given to text.Parse as the heading of a
// transcription, the paragraph after as its description. The text itself is
// not: it keeps the structure its HTML gives it.

// maxHeading is the longest first line of a post read as its heading: a
// heading is a line, not a paragraph that happens to start with a year.
const maxHeading = 300

// cataloguing is what the heading and description of a post say.
type cataloguing struct {
	doc   *fonds.Document
	found bool   // the post has a catalogue heading
	role  string // the role of its text as the source note implies it
}

// parseCatalogue reads a heading and a description (possibly "") with
// package text.
func parseCatalogue(heading, desc string) (*fonds.Document, []fonds.Warning, error) {
	clean := func(s string) string {
		s = strings.ReplaceAll(s, `\`, `\\`)
		return strings.Join(strings.Fields(s), " ")
	}
	src := clean(heading) + "\n"
	if desc != "" {
		src += "\n" + clean(desc) + "\n"
	}
	return text.Parse(strings.NewReader(src), "")
}

// describes reports whether d, read from a heading and a paragraph, found
// in the paragraph what a description says: a source note, categories, the
// mark of an excerpt, an extent or an issuing body. Only then is the
// paragraph taken for the description; otherwise it is the text's.
func describes(d, headingOnly *fonds.Document) bool {
	return d.Source != "" || d.Excerpt || len(d.Categories) > 0 || d.ExtentPages > 0 ||
		(d.Creator != "" && d.Creator != headingOnly.Creator)
}

// catalogue reads the catalogue fields of a post from its title or its
// first block, and its description from the block after, and returns the
// blocks that remain the text.
func catalogue(title string, blocks []draft, contentLine int) (cataloguing, []draft, []fonds.Warning) {
	c := cataloguing{role: fonds.RoleOriginal}
	firstRaw := ""
	if len(blocks) > 0 && (blocks[0].kind == fonds.BlockParagraph || blocks[0].kind == fonds.BlockHeading) {
		firstRaw = rawText(blocks[0].nodes)
		if len(firstRaw) > maxHeading {
			firstRaw = ""
		}
	}
	var (
		heading string
		hd      *fonds.Document
		// fallbackTitle is the title of a heading that gives none.
		fallbackTitle string
	)
	if d, _, err := parseCatalogue(title, ""); err == nil && title != "" {
		heading, hd = title, d
		// A post may repeat its heading as its first line, more fully
		// ("19 May 1977* (Pb 56/68) Human rights" under "Human rights
		// (19 May 1977)"): the fuller one is read, the line dropped.
		if firstRaw != "" {
			if d2, _, err := parseCatalogue(firstRaw, ""); err == nil && d2.Date == d.Date {
				heading, hd, fallbackTitle = firstRaw, d2, d.Title
				blocks = blocks[1:]
			}
		}
	} else if firstRaw != "" {
		if d, _, err := parseCatalogue(firstRaw, ""); err == nil {
			heading, hd, fallbackTitle = firstRaw, d, title
			blocks = blocks[1:]
		}
	}
	if hd == nil {
		c.doc = &fonds.Document{Title: title}
		return c, blocks, nil
	}
	c.found = true
	doc := hd
	var warnings []fonds.Warning
	if len(blocks) > 0 && blocks[0].kind == fonds.BlockParagraph {
		desc := rawText(blocks[0].nodes)
		if d, ws, err := parseCatalogue(heading, desc); err == nil && describes(d, hd) {
			doc = d
			blocks = blocks[1:]
			for _, w := range ws {
				w.Line = contentLine
				warnings = append(warnings, w)
			}
		}
	}
	if doc.Title == "" {
		doc.Title = fallbackTitle
	}
	c.doc = &fonds.Document{
		Date:        doc.Date,
		Mark:        doc.Mark,
		Title:       doc.Title,
		Summary:     doc.Summary,
		Creator:     doc.Creator,
		Type:        doc.Type,
		References:  doc.References,
		Source:      doc.Source,
		ExtentPages: doc.ExtentPages,
		Excerpt:     doc.Excerpt,
		Categories:  doc.Categories,
		Persons:     doc.Persons,
	}
	if len(doc.Witnesses) > 0 {
		c.role = doc.Witnesses[0].Role
	}
	return c, blocks, warnings
}

// creditLine is a credit at the end of a text: "Translation, John Crowfoot".
var creditLine = regexp.MustCompile(`^(?i)(translation|translated by|translator|transcription|transcribed by|edited by|editor)[ \t]*[,:]?[ \t]+(\S.*)$`)

var creditRoles = map[string]string{
	"translation": "translator", "translated by": "translator", "translator": "translator",
	"transcription": "transcriber", "transcribed by": "transcriber",
	"edited by": "editor", "editor": "editor",
}

// takeCredits takes the credit lines off the end of the text.
func takeCredits(t fonds.Text) (fonds.Text, []fonds.Credit) {
	var credits []fonds.Credit
	for len(t) > 0 {
		b := t[len(t)-1]
		if b.Kind != fonds.BlockParagraph {
			break
		}
		line := strings.TrimSpace(b.PlainText())
		m := creditLine.FindStringSubmatch(line)
		if m == nil || strings.Contains(line, "\n") {
			break
		}
		credits = append(credits, fonds.Credit{Role: creditRoles[strings.ToLower(m[1])], Name: strings.TrimSpace(m[2]), Written: line})
		t = t[:len(t)-1]
	}
	slices.Reverse(credits)
	return t, credits
}

// language returns the language of a text by its script: Russian if it is
// written mostly in Cyrillic, else English.
func language(t fonds.Text) string {
	var cyrillic, latin int
	t.Walk(func(s fonds.Span) {
		for _, r := range s.Text {
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				cyrillic++
			case unicode.Is(unicode.Latin, r):
				latin++
			}
		}
	})
	if cyrillic > latin {
		return "ru"
	}
	return "en"
}
