package cite

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"fonds/translit"
)

// WriteBibTeX writes the item as a BibTeX entry of type @unpublished, which
// Zotero and biblatex read as a manuscript, or for a document of a volume
// @incollection, the volume its booktitle and its number in the volume its
// chapter. Its key is BibTeXKey(it.ID).
//
// The file is UTF-8: letters of any script are written as they are, and only
// the characters TeX gives a meaning to are escaped. The fields biblatex
// adds (date, translator, urldate, langid) are written beside the classic
// year and month, so that both kinds of reader find the date. The date is
// written only as far as it is known; an approximate one is marked with
// biblatex's "~" in date, and year stays a plain number.
func WriteBibTeX(w io.Writer, it Item) error {
	bw := bufio.NewWriter(w)
	typ := "unpublished"
	if it.Volume != "" {
		typ = "incollection"
	}
	fmt.Fprintf(bw, "@%s{%s,\n", typ, BibTeXKey(it.ID))
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(bw, "  %-10s = %s,\n", name, value)
		}
	}
	if it.Creator != "" {
		// Double braces keep an institution one name: BibTeX would read
		// "Council of Ministers" as a person called Ministers.
		field("author", "{{"+bibEscape(it.Creator)+"}}")
	}
	// The title is braced whole so that styles keep its case as written.
	field("title", "{{"+bibEscape(it.Title)+"}}")
	if it.Volume != "" {
		field("booktitle", "{{"+bibEscape(it.Volume)+"}}")
		// Its number in the volume is the unit of the book it is: the
		// chapter, not the number of the book in a series.
		field("chapter", "{"+strconv.Itoa(it.Number)+"}")
	}
	if it.DateParts != nil {
		d := isoDate(it.DateParts)
		if it.EndParts != nil {
			d += "/" + isoDate(it.EndParts)
		}
		if it.Circa() {
			d += "~"
		}
		field("date", "{"+d+"}")
		field("year", "{"+fmt.Sprint(it.DateParts[0])+"}")
		if len(it.DateParts) > 1 {
			field("month", monthMacros[it.DateParts[1]-1])
		}
	}
	if len(it.Translators) > 0 {
		names := make([]string, len(it.Translators))
		for i, t := range it.Translators {
			names[i] = bibName(t)
		}
		field("translator", "{"+strings.Join(names, " and ")+"}")
	}
	if it.Type != "" {
		field("type", "{"+bibEscape(capitalize(it.Type))+"}")
	}
	// BibTeX has no fields for an archive: the note says where the
	// document is, as Chicago does.
	var note []string
	collection := it.Collection
	if it.Volume != "" {
		collection = "" // the booktitle
	}
	for _, s := range []string{it.ArchiveLocation(), collection, it.Site} {
		if s != "" {
			note = append(note, s)
		}
	}
	if len(note) > 0 {
		field("note", "{"+bibEscape(strings.Join(note, ", "))+"}")
	}
	if it.URL != "" {
		field("url", "{"+bibURL(it.URL)+"}")
	}
	if !it.Accessed.IsZero() {
		field("urldate", "{"+it.Accessed.Format("2006-01-02")+"}")
	}
	if l := babelLanguage(it.Language); l != "" {
		field("langid", "{"+l+"}")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

var monthMacros = [12]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// BibTeXKey returns a citation key made from a document id: Cyrillic
// romanized, and every character other than ASCII letters, digits, "-", "_",
// ":" and "." written as "-", so that BibTeX (which reads keys as bytes) and
// biber agree on it.
func BibTeXKey(id string) string {
	s := translit.Simple.Romanize(id)
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_:.", r)
		if !ok {
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "document"
	}
	return b.String()
}

// bibEscape escapes the characters TeX gives a meaning to, and writes a line
// break as a space.
func bibEscape(s string) string {
	var b strings.Builder
	for _, r := range oneLine(s) {
		switch r {
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '{', '}', '&', '%', '$', '#', '_':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '^':
			b.WriteString(`\textasciicircum{}`)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// bibName writes a person's name for a BibTeX name list. A name BibTeX would
// split wrongly (one that contains the word "and", or a comma) is braced
// whole.
func bibName(name string) string {
	e := bibEscape(name)
	words := strings.Fields(strings.ToLower(name))
	for _, w := range words {
		if w == "and" {
			return "{" + e + "}"
		}
	}
	if strings.Contains(name, ",") {
		return "{" + e + "}"
	}
	return e
}

// bibURL writes a URL for the url field, which biblatex reads verbatim:
// nothing is escaped, but the characters that would end the field or the
// entry are percent-encoded.
func bibURL(u string) string {
	return strings.NewReplacer("{", "%7B", "}", "%7D", `\`, "%5C", " ", "%20", "\n", "", "\r", "").Replace(u)
}

// babelLanguage returns the babel name biblatex's langid takes for a BCP 47
// tag, or "" for a language it does not list here.
func babelLanguage(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	return map[string]string{
		"en": "english", "ru": "russian", "uk": "ukrainian", "de": "german",
		"fr": "french", "pl": "polish", "cs": "czech", "it": "italian", "es": "spanish",
		"be": "belarusian", "lt": "lithuanian", "lv": "latvian", "et": "estonian",
	}[base]
}

// capitalize returns s with its first letter upper case: "instruction" is
// "Instruction".
func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
