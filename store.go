package fonds

import (
	"context"
	"io"
	"time"
)

// Store keeps collections and documents: it is the archive's source of truth.
// Everything else (the search index, thumbnails) is derived from it.
//
// Implementations translate their errors to ErrNotFound, ErrConflict and
// ErrInvalid, and pass the contract tests of package fondstest.
type Store interface {
	// PutCollection creates the collection, or updates its title and
	// description.
	PutCollection(ctx context.Context, c Collection) error
	// Collection returns the collection with the slug, its Count the number
	// of its published documents.
	Collection(ctx context.Context, slug string) (Collection, error)
	// Collections returns every collection in order of title, each Count
	// the number of documents the filter admits (Filter.Collection ignored).
	Collections(ctx context.Context, f Filter) ([]Collection, error)

	// PutDocument stores d in one transaction, all or nothing. A new id is
	// added; a document whose ContentHash is unchanged is left alone; a changed
	// one replaces the stored version, which is kept as a revision. It sets
	// d.Hash, d.Created, d.Updated and d.Version. The collection must exist. A document
	// whose Origin differs from that of the stored one with its id is another
	// document: PutDocument refuses it with ErrConflict.
	PutDocument(ctx context.Context, d *Document) (PutResult, error)
	// SaveDocument is PutDocument by someone, for a reason, from a version
	// (see Save): the version it stores records them, and so does an
	// AuditEntry written in the same transaction. A document changed since
	// s.Version is refused with ErrConflict. PutDocument is SaveDocument
	// with a zero Save.
	SaveDocument(ctx context.Context, d *Document, s Save) (PutResult, error)
	// Document returns the document with the id, drafts included.
	Document(ctx context.Context, id string) (*Document, error)
	// Documents returns the page of documents the filter admits, and how
	// many it admits in all (Offset and After ignored). A Filter.After that
	// names no document, stored or deleted, is ErrNotFound.
	Documents(ctx context.Context, f Filter) ([]*Document, int, error)
	// Neighbours returns the documents just before and after the document in
	// date order among those the filter admits; either may be nil. They
	// come as Filter.Brief gives them, whatever f says: what a link to
	// them shows.
	Neighbours(ctx context.Context, id string, f Filter) (prev, next *Document, err error)
	// DateCounts returns how many documents the filter admits per year and
	// month, in date order; undated documents are left out.
	DateCounts(ctx context.Context, f Filter) ([]DateCount, error)
	// Stamps returns, by id, the content hash and update time of every
	// document the filter admits (its order and paging ignored): what a
	// derived index compares itself with, and a sitemap lists, without
	// reading whole documents.
	Stamps(ctx context.Context, f Filter) (map[string]Stamp, error)
	// Alias returns the id of the document that lists path among its
	// Aliases, or ErrNotFound.
	Alias(ctx context.Context, path string) (string, error)
	// DeleteDocument removes the document. Its revisions stay, and its last
	// version becomes one of them.
	DeleteDocument(ctx context.Context, id string) error

	// Revisions returns the earlier versions of the document, oldest first.
	Revisions(ctx context.Context, id string) ([]Revision, error)
	// History lists every version of the document, oldest first, the
	// stored one last, without reading their texts; ErrNotFound when it
	// never existed.
	History(ctx context.Context, id string) ([]Version, error)
	// Revision returns version n of the document (the stored one when n is
	// its Version), with its Version set to n, or ErrNotFound.
	Revision(ctx context.Context, id string, n int) (*Document, error)
	// DeleteDocumentBy is DeleteDocument by someone, recorded as Save
	// records a save (its Version is checked as SaveDocument checks it).
	DeleteDocumentBy(ctx context.Context, id string, s Save) error

	// Release makes public the published documents whose embargo ended by
	// now, as though they were published at the end of their embargo (a
	// harvest reports them with that datestamp, the change feed lists
	// them), and returns how many. A server calls it every few seconds,
	// so that an embargo ends without anyone acting; calls from several
	// servers at once are harmless.
	Release(ctx context.Context, now time.Time) (int, error)

	// Setting returns the value of the named setting, or ErrNotFound when
	// it was never set.
	Setting(ctx context.Context, name string) (string, error)
	// PutSetting sets the named setting to value.
	PutSetting(ctx context.Context, name, value string) error

	// Verify recomputes the checksum of every stored version of every
	// document (current and revisions), calls problem for each that does
	// not match what was recorded when it was written, naming the document
	// and the revision, and returns how many versions it checked. An error
	// is a failure to check, not a mismatch.
	Verify(ctx context.Context, problem func(string)) (checked int, err error)

	ChangeFeed
	RecordStore
	UserStore
	AuditLog
	Entities

	io.Closer
}

// BatchSaver is a Store that saves many documents in one transaction: an
// import, which writes thousands, pays the cost of a commit once a batch
// instead of once a document. A Store need not be one; the importer asks.
type BatchSaver interface {
	// SaveDocuments saves docs[i] as SaveDocument(ctx, docs[i], saves[i])
	// would, in order, all in one transaction: all of them or none. Each
	// is versioned, audited and linked as SaveDocument does it, and the
	// change feed lists them in their order; a document may see those
	// before it in docs (a later one with the same id updates an earlier).
	// It returns the result of each, in order, and sets each document's
	// Hash, Created, Updated and Version only once all are stored. An
	// error names the document it is about, and leaves every document as
	// it was. saves must be as long as docs.
	SaveDocuments(ctx context.Context, docs []*Document, saves []Save) ([]PutResult, error)
}

// ChangeFeed is the part of a Store that tells what was written, by this
// process or by another on the same archive, so that what derives from the
// store (the search index of a running server) can follow it.
type ChangeFeed interface {
	// Changes returns the changes with Seq greater than after, oldest
	// first, at most limit (which must be positive). Each document appears
	// at most once, at its latest change: a follower that read up to a
	// Seq and reads on from it misses no write, though it may not see
	// every one of several writes of one document.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)
	// LastChange returns the Seq of the latest change, 0 when there is none.
	LastChange(ctx context.Context) (int64, error)
}

// Change is a write of a document: a PutDocument that added or updated it,
// or its deletion. Whether the document is there now is for Document to say.
type Change struct {
	Seq int64 // increases with each write
	ID  string
}

// Stamp is what tells one version of a document from another.
type Stamp struct {
	Hash    string
	Updated time.Time
}

// PutResult says what PutDocument did.
type PutResult string

// The results of PutDocument.
const (
	Added     PutResult = "added"
	Updated   PutResult = "updated"
	Unchanged PutResult = "unchanged"
)

// Order is the order of a list of documents.
type Order string

// The orders of a list of documents.
const (
	ByDate  Order = "date"  // by start date, then id; the default
	ByAdded Order = "added" // most recently created first
	// ByNumber orders a volume's documents by their numbers (documents
	// without one last, by date).
	ByNumber Order = "number"
)

// Filter selects documents. Its zero value admits every document, drafts
// included: the public pages set Published.
type Filter struct {
	// Published admits only the documents the public sees: published,
	// released from any embargo (by the store's last Release), not
	// restricted.
	Published bool
	// Restricted, with Published, admits also the released documents
	// that are restricted: what a reader granted access sees.
	Restricted bool
	// Status admits only documents in this status: an editor's lists of
	// drafts, of documents waiting for review, of withdrawn ones.
	Status Status
	// Held admits only published documents the public does not see yet:
	// HeldEmbargoed those whose embargo has not ended (as of the store's
	// last Release), HeldRestricted the restricted ones, under embargo or
	// not. An editor's lists of what waits for its date or its readers.
	Held       Held
	Collection string // only documents of this collection
	Year       int    // only documents whose date starts in this year
	Month      int    // and this month (1-12), with Year
	// From and To admit only documents whose date starts on or after From,
	// and on or before To (YYYY-MM-DD; either may be empty): a day, a
	// week of a timeline.
	From, To string
	// Section admits only the documents of this chapter (with Collection).
	Section string
	// ExceptCollection leaves out the documents of this collection: "the
	// same week elsewhere".
	ExceptCollection string
	Order            Order
	// After continues a list where a page of it ended: it is the id of the
	// last document of that page, and the list goes on after it in the
	// filter's order (Offset counts from there), even if it was deleted
	// since. Unlike an Offset, it costs the same however deep into the
	// list it is.
	After  string
	Offset int
	Limit  int // 0 means no limit
	// Brief asks for the documents without their texts (each Witness's
	// Text): what a list of them shows, which costs a fraction of whole
	// documents to read.
	Brief bool
}

// Held names one of the lists of published documents the public does not
// see (Filter.Held).
type Held string

// The lists of Filter.Held.
const (
	HeldEmbargoed  Held = "embargoed"
	HeldRestricted Held = "restricted"
)

// Valid reports whether h is one of the lists of Filter.Held.
func (h Held) Valid() bool { return h == HeldEmbargoed || h == HeldRestricted }

// Brief returns d as a list asks for it with Filter.Brief: a copy without
// the texts of its witnesses. It shares d's other slices.
func (d *Document) Brief() *Document {
	b := *d
	if d.Witnesses != nil {
		b.Witnesses = make([]Witness, len(d.Witnesses))
		for i, w := range d.Witnesses {
			w.Text = nil
			b.Witnesses[i] = w
		}
	}
	return &b
}

// DateCount is the number of documents of one year and month.
type DateCount struct {
	Year  int `json:"year"`
	Month int `json:"month"`
	Count int `json:"count"`
}

// Reader reads the documents of one file format.
type Reader interface {
	// ReadDocuments reads the documents in r, the file named name, and calls
	// fn for each in order with the warnings about it. An error in the file
	// is a *ParseError that names the file and the line.
	ReadDocuments(r io.Reader, name string, fn func(*Document, []Warning) error) error
}
