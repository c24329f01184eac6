// Package fonds holds the domain of an archive of historical documents and
// their translations: collections, documents, their structured text, and the
// interfaces (Store, Reader) that the adapters in the sub-packages implement.
//
// It imports only the standard library, so that every adapter can depend on
// it and it depends on none of them.
package fonds

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Status is where a document stands in its editing: being written, waiting
// for an editor's review, published, or withdrawn after publication.
type Status string

// The statuses of a document. Only published documents appear to the
// public, and of them only those neither restricted nor under embargo.
const (
	StatusDraft     Status = "draft"
	StatusReview    Status = "review" // a contributor's work, waiting for an editor
	StatusPublished Status = "published"
	// StatusWithdrawn is a document published before and hidden now: a
	// harvester is told it was deleted.
	StatusWithdrawn Status = "withdrawn"
)

// Statuses lists the statuses in the order of a document's life.
var Statuses = []Status{StatusDraft, StatusReview, StatusPublished, StatusWithdrawn}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Precision says how much of a date is known.
type Precision string

// The precisions of a Date.
const (
	PrecisionDay   Precision = "day"
	PrecisionMonth Precision = "month"
	PrecisionYear  Precision = "year"
)

// Date is the date of a document, or of one of its pages: the range it
// covers, how precisely it is known, and how the source wrote it.
//
// Start and End are ISO 8601 calendar dates (YYYY-MM-DD). A date known to the
// month covers the whole month: "June 1991" is 1991-06-01 to 1991-06-30.
type Date struct {
	Start       string    `json:"start"`
	End         string    `json:"end"`
	Precision   Precision `json:"precision"`
	Approximate bool      `json:"approximate,omitempty"`
	Written     string    `json:"written,omitempty"` // as the source wrote it: "19 May 1977"
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Start == "" }

// Year returns the year of the start of the date, or 0 if it is unknown.
func (d Date) Year() int { return datePart(d.Start, 0, 4) }

// Month returns the month (1-12) of the start of the date, or 0.
func (d Date) Month() int { return datePart(d.Start, 5, 7) }

func datePart(s string, i, j int) int {
	if len(s) < j {
		return 0
	}
	n := 0
	for _, c := range s[i:j] {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// Display returns the date for a reader: "19 May 1977", "June 1991", "1970",
// prefixed with "c." when approximate.
func (d Date) Display() string {
	if d.IsZero() {
		return "undated"
	}
	t, err := time.Parse("2006-01-02", d.Start)
	if err != nil {
		return d.Start
	}
	var s string
	switch d.Precision {
	case PrecisionYear:
		s = t.Format("2006")
	case PrecisionMonth:
		s = t.Format("January 2006")
	default:
		s = t.Format("2 January 2006")
	}
	if d.Approximate {
		s = "c. " + s
	}
	return s
}

// Reference is an archival reference code, kept as written and in the
// normalized form by which two writings of one reference compare equal
// ("Pb 56/68" and "Pb 56-68" are both "pb 56/68").
type Reference struct {
	Written    string `json:"written"`
	Normalized string `json:"normalized"`
	// Origin says where the document gives it: "heading", "source" (the
	// bracketed source note) or "page" (a page marker).
	Origin string `json:"origin,omitempty"`
}

// NewReference returns the reference written as s, with its normalized form.
func NewReference(s, origin string) Reference {
	return Reference{Written: s, Normalized: NormalizeReference(s), Origin: origin}
}

// Page is one page of a document's text, opened by a page marker.
type Page struct {
	N     int    `json:"n"`
	Label string `json:"label,omitempty"` // as written: "two" in "[page two]"
	// Of is the number of pages the marker announces: 4 in "[page one of four]".
	Of        int    `json:"of,omitempty"`
	Date      *Date  `json:"date,omitempty"`      // a page with its own date
	Reference string `json:"reference,omitempty"` // and its own reference, as written
	// Facs names the image of the page (a file name or URL), where the
	// source gives one.
	Facs string `json:"facs,omitempty"`
}

// Person is a person the document mentions.
type Person struct {
	Name    string `json:"name"`              // for display: "Andrei Gromyko"
	Written string `json:"written,omitempty"` // as written, when it differs: "Andrei GROMYKO"
}

// Credit names who made a witness: the translator, the transcriber.
type Credit struct {
	Role    string `json:"role"` // "translator", "transcriber", "editor"
	Name    string `json:"name"`
	Written string `json:"written,omitempty"` // the credit line: "Translation, John Crowfoot"
}

// The roles of a Witness.
const (
	RoleOriginal      = "original"
	RoleTranslation   = "translation"
	RoleTranscription = "transcription"
)

// Witness is one text of a document: the original, or a translation of it.
type Witness struct {
	Language string   `json:"language"` // BCP 47: "en", "ru"
	Role     string   `json:"role"`     // RoleOriginal or RoleTranslation
	Credits  []Credit `json:"credits,omitempty"`
	Text     Text     `json:"text"`
}

// Document is one catalogued document of the archive.
type Document struct {
	// ID is the document's permalink: stable across re-imports, derived from
	// its date and reference (see DocumentID).
	ID         string `json:"id"`
	Collection string `json:"collection"`

	Date Date `json:"date"`
	// Mark is the catalogue mark written after the date ("*", "**"): the
	// edition's sign, kept as such, not part of the date.
	Mark string `json:"mark,omitempty"`

	Title string `json:"title,omitempty"` // the short title of the heading: "Human rights"
	// TitleText is the title with the mentions it marks (the persName of a
	// FRUS heading), when it marks any; its plain text is Title.
	TitleText []Span `json:"title_text,omitempty"`
	Summary   string `json:"summary,omitempty"` // the description line, as written
	Creator   string `json:"creator,omitempty"` // the issuing body: Politburo, KGB, …
	Type      string `json:"type,omitempty"`    // document type where stated: instruction, report, …

	References []Reference `json:"references,omitempty"`
	// Source is the source note: where the original is held, e.g.
	// "R 19 May 1977, Pb 56-68" (R: the Russian original).
	Source string `json:"source,omitempty"`
	// SourceText is the source note with the mentions it marks, when it
	// marks any; its plain text is Source.
	SourceText  []Span `json:"source_text,omitempty"`
	ExtentPages int    `json:"extent_pages,omitempty"`
	Excerpt     bool   `json:"excerpt,omitempty"`

	// Number is the document's number in its volume (FRUS "Document 12"),
	// 0 when it has none; Section the chapter of the volume it stands in.
	Number  int    `json:"number,omitempty"`
	Section string `json:"section,omitempty"`

	Languages []string  `json:"languages,omitempty"`
	Witnesses []Witness `json:"witnesses,omitempty"` // the first is the one shown first
	Pages     []Page    `json:"pages,omitempty"`
	Persons   []Person  `json:"persons,omitempty"`
	// Categories are the archive's subject sections the document is filed
	// under ("2.1", "5").
	Categories []string `json:"categories,omitempty"`
	// Conventions is the edition's legend of transcription conventions, one
	// line each, as written.
	Conventions []string `json:"conventions,omitempty"`
	// Aliases are other paths the document was published at (the URL of a
	// WordPress post it was imported from): the site redirects them to it.
	Aliases []string `json:"aliases,omitempty"`

	Status Status `json:"status"`
	// Embargo is when a published document may first be seen: a date
	// (YYYY-MM-DD, from its first moment in UTC) or an RFC 3339 time.
	// Until then it is hidden as a draft is. Empty means no embargo.
	Embargo string `json:"embargo,omitempty"`
	// Restricted documents are seen only by readers granted access to
	// restricted material, and by editors.
	Restricted bool `json:"restricted,omitempty"`
	// Origin is where the document was imported from (a file path), which
	// tells a re-import of the same file from another document of the same id.
	Origin  string    `json:"origin,omitempty"`
	Hash    string    `json:"hash,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Version counts the versions of the document the store has kept: 1
	// for the first; version N of a changed document is its Revision N. A
	// citation pins a version (/documents/ID?rev=N).
	Version int `json:"version,omitempty"`
}

// ContentHash returns a hash of what the document says: every field but the
// hash itself and the times it was stored. Two imports of an unchanged file
// give the same hash.
func (d *Document) ContentHash() string {
	c := *d
	c.Hash = ""
	c.Created = time.Time{}
	c.Updated = time.Time{}
	c.Version = 0
	b, err := json.Marshal(&c)
	if err != nil {
		// A Document holds only strings, numbers and slices of them.
		panic("fonds: marshal document: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Public reports whether the public may see the document now: it is
// published, not restricted, and its embargo, if any, has ended.
func (d *Document) Public() bool { return d.VisibleTo(RoleAnonymous, time.Now()) }

// Released reports whether the document is published and its embargo, if
// it has one, has ended by now. A document with an embargo that cannot be
// read is never released.
func (d *Document) Released(now time.Time) bool {
	if d.Status != StatusPublished {
		return false
	}
	if d.Embargo == "" {
		return true
	}
	t, err := ParseEmbargo(d.Embargo)
	return err == nil && !now.Before(t)
}

// VisibleTo reports whether a person of the role may see the document at
// the time now. Anonymous visitors see released documents that are not
// restricted; readers see restricted ones too; contributors see the public
// documents and the work in progress (drafts and documents in review) that
// is not restricted — restricted material is for the readers granted it —
// though an embargo, which only delays publication, does not keep work
// from them; editors and admins see everything.
func (d *Document) VisibleTo(r Role, now time.Time) bool {
	switch r {
	case RoleAdmin, RoleEditor:
		return true
	case RoleContributor:
		if (d.Status == StatusDraft || d.Status == StatusReview) && !d.Restricted {
			return true
		}
	case RoleReader:
		return d.Released(now)
	}
	return d.Released(now) && !d.Restricted
}

// ParseEmbargo reads an embargo as Document.Embargo holds it: a date
// (YYYY-MM-DD), meaning its first moment in UTC, or an RFC 3339 time.
func ParseEmbargo(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: embargo %q is neither a date (YYYY-MM-DD) nor a time (2006-01-02T15:04:05Z)", ErrInvalid, s)
	}
	return t.UTC(), nil
}

// PrimaryReference returns the first reference written in the heading, or
// else the first reference, or the zero Reference.
func (d *Document) PrimaryReference() Reference {
	for _, r := range d.References {
		if r.Origin == "heading" {
			return r
		}
	}
	if len(d.References) > 0 {
		return d.References[0]
	}
	return Reference{}
}

// Translators returns the names of everyone credited with a translation.
func (d *Document) Translators() []string {
	var names []string
	for _, w := range d.Witnesses {
		for _, c := range w.Credits {
			if c.Role == "translator" {
				names = append(names, c.Name)
			}
		}
	}
	return names
}

// DisplaySummary returns the summary with the names it writes in capitals
// ("Andrei GROMYKO") in normal case ("Andrei Gromyko").
func (d *Document) DisplaySummary() string {
	s := d.Summary
	for _, p := range d.Persons {
		if p.Written != "" && p.Written != p.Name {
			s = strings.ReplaceAll(s, p.Written, p.Name)
		}
	}
	return s
}

// Heading returns the document's title for lists and page titles: the title,
// or failing one the summary, or the date.
func (d *Document) Heading() string {
	switch {
	case d.Title != "":
		return d.Title
	case d.Summary != "":
		return d.DisplaySummary()
	}
	return d.Date.Display()
}

// Collection is a named group of documents: a fonds, a series, a volume.
type Collection struct {
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Count is the number of documents in it, filled in by listings.
	Count int `json:"count"`
}

// Revision is an earlier version of a document, kept when an import or an
// edit changed it.
type Revision struct {
	DocumentID string    `json:"document_id"`
	N          int       `json:"n"` // 1 for the first version, counting up
	Hash       string    `json:"hash"`
	Created    time.Time `json:"created"` // when this version was replaced
	Document   *Document `json:"document"`
}

// Warning is a defect of an input that was repaired or tolerated on import.
type Warning struct {
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}
