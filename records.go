package fonds

import (
	"context"
	"time"
)

// Record is what a harvester sees of a document: its latest published
// version, or the fact that it was withdrawn (deleted, or made a draft again),
// with the time of that change.
type Record struct {
	ID         string
	Collection string
	Datestamp  time.Time // when the document was last published, changed or withdrawn
	Deleted    bool
	Document   *Document // nil when Deleted
	// Categories are the document's subject categories: of its latest
	// published version, or of the version withdrawn.
	Categories []string
}

// RecordFilter selects records for a harvest. Records come in order of
// datestamp, then id; After continues a list where a previous page ended.
type RecordFilter struct {
	From, Until time.Time // inclusive bounds on the datestamp; zero means open
	Collection  string
	Category    string    // only records of documents filed under this category
	ID          string    // only the record of this document
	AfterTime   time.Time // with AfterID: only records after this one in order
	AfterID     string
	Limit       int // 0 means no limit
}

// RecordStore is the part of a Store that harvesting protocols read.
// Deletions are remembered for ever (OAI-PMH's "persistent" deleted records).
type RecordStore interface {
	// Records returns the page of records the filter admits, and how many
	// it admits in all (After ignored for the count), or -1 when that
	// cannot be told without counting them: a harvest page must not cost
	// in proportion to the archive, and the size of the list is optional
	// in OAI-PMH.
	Records(ctx context.Context, f RecordFilter) ([]Record, int, error)
	// EarliestDatestamp returns the datestamp of the oldest record, or the
	// zero time when there is none.
	EarliestDatestamp(ctx context.Context) (time.Time, error)
	// Categories returns the categories of the published documents, sorted.
	Categories(ctx context.Context) ([]string, error)
}
