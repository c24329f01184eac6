package web

import (
	"context"

	"fonds"
)

// Reads is what the site reads of an archive: the public pages (home,
// browsing, collections, documents and their versions, entities), search's
// glue, the API, the page cache's stamp and the health check. It writes
// nothing, so that a site may be served from a read-only store. A
// fonds.Store is one.
type Reads interface {
	// Collection returns the collection with the slug.
	Collection(ctx context.Context, slug string) (fonds.Collection, error)
	// Collections returns every collection, counting what the filter admits.
	Collections(ctx context.Context, f fonds.Filter) ([]fonds.Collection, error)

	// Document returns the document with the id, drafts included.
	Document(ctx context.Context, id string) (*fonds.Document, error)
	// Documents returns the page of documents the filter admits, and how
	// many it admits in all.
	Documents(ctx context.Context, f fonds.Filter) ([]*fonds.Document, int, error)
	// Neighbours returns the documents just before and after the document
	// in date order among those the filter admits.
	Neighbours(ctx context.Context, id string, f fonds.Filter) (prev, next *fonds.Document, err error)
	// DateCounts returns how many documents the filter admits per year
	// and month.
	DateCounts(ctx context.Context, f fonds.Filter) ([]fonds.DateCount, error)
	// Alias returns the id of the document that lists path among its
	// aliases.
	Alias(ctx context.Context, path string) (string, error)
	// History lists every version of the document, oldest first.
	History(ctx context.Context, id string) ([]fonds.Version, error)
	// Revision returns version n of the document.
	Revision(ctx context.Context, id string, n int) (*fonds.Document, error)

	// LastChange returns the sequence number of the latest change: what
	// the page cache's stamp of the archive starts from.
	LastChange(ctx context.Context) (int64, error)
	// Setting returns the value of the named setting, or fonds.ErrNotFound.
	Setting(ctx context.Context, name string) (string, error)

	// Entities returns a page of the people, places and subjects the
	// documents mention.
	Entities(ctx context.Context, f fonds.EntityFilter) ([]fonds.Entity, error)
	// Entity returns the entity of the kind with the key.
	Entity(ctx context.Context, kind fonds.EntityKind, key string, f fonds.Filter) (*fonds.Entity, error)
	// Mentioning returns the documents that mention the entity.
	Mentioning(ctx context.Context, kind fonds.EntityKind, key string, f fonds.Filter) ([]fonds.Mentioning, error)
	// CitedBy returns the documents that cite the document.
	CitedBy(ctx context.Context, id string, f fonds.Filter) ([]*fonds.Document, error)
	// Resolve returns the id each citation target names.
	Resolve(ctx context.Context, targets []string) (map[string]string, error)
	// Sections returns the chapters of a collection.
	Sections(ctx context.Context, collection string) ([]fonds.Section, error)
}

// Writes is what the site needs beyond Reads once people sign in: the
// accounts and sessions they sign in with, the audit log of what they do,
// and the writes of editing (documents, collections, entities, the site's
// settings). A fonds.Store is one. A site without it is read-only: no one
// signs in, and no page edits anything.
type Writes interface {
	fonds.UserStore
	fonds.AuditLog

	// SaveDocument saves an editor's version of a document.
	SaveDocument(ctx context.Context, d *fonds.Document, s fonds.Save) (fonds.PutResult, error)
	// PutCollection creates a collection, or updates its title and
	// description.
	PutCollection(ctx context.Context, c fonds.Collection) error
	// DescribeEntity saves what an editor says of an entity.
	DescribeEntity(ctx context.Context, e fonds.Entity, s fonds.Save) error
	// PutSetting sets one of the site's settings.
	PutSetting(ctx context.Context, name, value string) error
}
