package cite

import (
	"bytes"
	"encoding/json"
)

// Meta is one <meta name content> tag of a document page.
type Meta struct{ Name, Content string }

// MetaTags returns the tags a document page carries for reference managers:
// the Highwire Press tags (citation_*) that Zotero's Embedded Metadata
// translator and Google Scholar read, and two Dublin Core tags that only
// Zotero's reading of them makes useful:
//
//   - DC.type "manuscript" makes Zotero save a manuscript; from the
//     Highwire tags alone it would guess a journal article. (A page that also
//     says og:type "website" makes it a web page instead.)
//   - DC.coverage carries the reference codes, which Zotero reads into the
//     manuscript's "Loc. in Archive".
//
// A document of a volume carries citation_inbook_title, the volume, in
// place of DC.type: Zotero then saves a part of a book.
//
// citation_author names the creator, an institution. Zotero reads no
// Highwire tag for translators, nor for the archive, so there are none:
// the downloadable formats carry them.
func MetaTags(it Item) []Meta {
	var tags []Meta
	add := func(name, content string) {
		if content = oneLine(content); content != "" {
			tags = append(tags, Meta{name, content})
		}
	}
	add("citation_title", it.Title)
	add("citation_author", it.Creator)
	if it.DateParts != nil {
		// Highwire dates are written YYYY/MM/DD, as far as known.
		add("citation_date", joinDate(it.DateParts, "/"))
	}
	add("citation_publisher", it.Site)
	add("citation_public_url", it.URL)
	add("citation_language", it.Language)
	if it.Volume != "" {
		// A part of a book: Zotero saves a book section, the volume its
		// book. No Highwire tag holds a number within a book; the title
		// of a FRUS document begins with it.
		add("citation_inbook_title", it.Volume)
	} else {
		add("DC.type", "manuscript")
	}
	add("DC.coverage", it.ArchiveLocation())
	return tags
}

// JSONLD returns the item as schema.org JSON-LD: an ArchiveComponent, part
// of its collection (at collectionURL) and held by the site's archive; a
// document of a volume is part of a Book, the volume, at its position, its
// number. It mentions the persons of the item, each with the identifiers
// of other catalogues known for it (sameAs).
// Its dateCreated is an ISO 8601 date of the precision known, or an
// interval; schema.org has no way to say that a date is approximate.
//
// The JSON is safe to put in a <script> element as it is: "<", ">" and "&"
// are written as \u escapes, so that no "</script>" can close it early.
func JSONLD(it Item, collectionURL string) ([]byte, error) {
	type thing struct {
		Type string `json:"@type"`
		ID   string `json:"@id,omitempty"`
		Name string `json:"name"`
		URL  string `json:"url,omitempty"`
	}
	type person struct {
		Type   string   `json:"@type"`
		Name   string   `json:"name"`
		SameAs []string `json:"sameAs,omitempty"`
	}
	type doc struct {
		Context        string   `json:"@context"`
		Type           string   `json:"@type"`
		ID             string   `json:"@id,omitempty"`
		URL            string   `json:"url,omitempty"`
		Name           string   `json:"name"`
		AlternateName  string   `json:"alternateName,omitempty"`
		Description    string   `json:"description,omitempty"`
		Genre          string   `json:"genre,omitempty"`
		DateCreated    string   `json:"dateCreated,omitempty"`
		Identifier     []string `json:"identifier,omitempty"`
		InLanguage     string   `json:"inLanguage,omitempty"`
		NumberOfPages  int      `json:"numberOfPages,omitempty"`
		Creator        *thing   `json:"creator,omitempty"`
		Translator     []thing  `json:"translator,omitempty"`
		IsPartOf       *thing   `json:"isPartOf,omitempty"`
		Position       int      `json:"position,omitempty"`
		HoldingArchive *thing   `json:"holdingArchive,omitempty"`
		Mentions       []person `json:"mentions,omitempty"`
	}
	d := doc{
		Context:       "https://schema.org",
		Type:          "ArchiveComponent",
		ID:            it.URL,
		URL:           it.URL,
		Name:          it.Title,
		Description:   it.Summary,
		Genre:         it.Type,
		Identifier:    it.References,
		InLanguage:    it.Language,
		NumberOfPages: it.Pages,
	}
	if it.Heading != it.Title {
		d.AlternateName = it.Heading
	}
	if it.DateParts != nil {
		d.DateCreated = isoDate(it.DateParts)
		if it.EndParts != nil {
			d.DateCreated += "/" + isoDate(it.EndParts)
		}
	}
	if it.Creator != "" {
		d.Creator = &thing{Type: "Organization", Name: it.Creator}
	}
	for _, t := range it.Translators {
		d.Translator = append(d.Translator, thing{Type: "Person", Name: t})
	}
	if it.Collection != "" {
		d.IsPartOf = &thing{Type: "Collection", ID: collectionURL, Name: it.Collection, URL: collectionURL}
	}
	if it.Volume != "" {
		d.IsPartOf = &thing{Type: "Book", ID: collectionURL, Name: it.Volume, URL: collectionURL}
		d.Position = it.Number
	}
	for _, p := range it.Persons {
		d.Mentions = append(d.Mentions, person{Type: "Person", Name: p.Name, SameAs: p.SameAs})
	}
	if it.Site != "" {
		d.HoldingArchive = &thing{Type: "ArchiveOrganization", Name: it.Site}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true) // the default, said aloud: the page embeds it
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
