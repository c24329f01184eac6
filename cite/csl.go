package cite

import (
	"encoding/json"
	"io"
	"strconv"
)

// cslItem is an item of CSL-JSON, the input of citation processors and one
// of Zotero's import formats. Only the variables a document fills are here.
type cslItem struct {
	ID              string    `json:"id"`
	Type            string    `json:"type"`
	Title           string    `json:"title"`
	Author          []cslName `json:"author,omitempty"`
	Translator      []cslName `json:"translator,omitempty"`
	Issued          *cslDate  `json:"issued,omitempty"`
	Genre           string    `json:"genre,omitempty"`
	CollectionTitle string    `json:"collection-title,omitempty"`
	ContainerTitle  string    `json:"container-title,omitempty"`
	ChapterNumber   string    `json:"chapter-number,omitempty"`
	Archive         string    `json:"archive,omitempty"`
	ArchiveLocation string    `json:"archive_location,omitempty"`
	Abstract        string    `json:"abstract,omitempty"`
	NumberOfPages   int       `json:"number-of-pages,omitempty"`
	URL             string    `json:"URL,omitempty"`
	Accessed        *cslDate  `json:"accessed,omitempty"`
	Language        string    `json:"language,omitempty"`
}

// cslName is a name: a person's given and family names, or the literal name
// of an institution (or of a person whose name cannot be split).
type cslName struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Literal string `json:"literal,omitempty"`
}

// cslDate is a date as date parts: one list of parts, or two for a range.
type cslDate struct {
	DateParts [][]int `json:"date-parts"`
	Circa     bool    `json:"circa,omitempty"`
}

// WriteCSLJSON writes the item as a CSL-JSON array of one item of type
// "manuscript", or for a document of a volume of type "chapter", the
// volume its container-title and its number in the volume its
// chapter-number (as BibTeX's chapter and RIS's SE are read). Its
// issued date has the parts that are known, a range when
// the date spans several days (or months, or years), and "circa" when it is
// approximate.
func WriteCSLJSON(w io.Writer, it Item) error {
	c := cslItem{
		ID:              it.ID,
		Type:            "manuscript",
		Title:           it.Title,
		Genre:           capitalize(it.Type),
		CollectionTitle: it.Collection,
		Archive:         it.Archive(),
		ArchiveLocation: it.ArchiveLocation(),
		NumberOfPages:   it.Pages,
		URL:             it.URL,
		Language:        it.Language,
	}
	if it.Volume != "" {
		c.Type, c.CollectionTitle = "chapter", ""
		c.ContainerTitle, c.ChapterNumber = it.Volume, strconv.Itoa(it.Number)
	}
	if it.Creator != "" {
		c.Author = []cslName{{Literal: it.Creator}}
	}
	if !it.Descriptive {
		// A description standing in for the title is made from the
		// summary, which would only repeat it.
		c.Abstract = it.Summary
	}
	for _, t := range it.Translators {
		c.Translator = append(c.Translator, personName(t))
	}
	if it.DateParts != nil {
		c.Issued = &cslDate{DateParts: [][]int{it.DateParts}, Circa: it.Circa()}
		if it.EndParts != nil {
			c.Issued.DateParts = append(c.Issued.DateParts, it.EndParts)
		}
	}
	if !it.Accessed.IsZero() {
		y, m, d := it.Accessed.Date()
		c.Accessed = &cslDate{DateParts: [][]int{{y, int(m), d}}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode([]cslItem{c})
}

// personName returns a person's name as CSL names it.
func personName(name string) cslName {
	if given, family, ok := splitName(name); ok {
		return cslName{Given: given, Family: family}
	}
	return cslName{Literal: oneLine(name)}
}
