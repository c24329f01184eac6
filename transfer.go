package fonds

import (
	"context"
	"fmt"
	"time"
)

// Transferer is a Store that can write out everything it holds, and take
// in, when it is empty, what another wrote out: how an archive moves from
// one kind of store to another (fonds migrate) with its history whole. The
// items carry what the store itself writes (times, authors, sequence
// numbers, statuses), not what a save would make anew, so that the
// target's history, audit log, harvests and change feed read as the
// source's did. Times are kept to the microsecond, the precision of
// PostgreSQL.
//
// What a store derives from its documents (counts, the linked edition's
// mentions, citations and entities) is not among the items: the target
// derives it as its own saves do. The search index is not either: it is
// rebuilt after the move.
type Transferer interface {
	// Dump calls fn for every item the store holds, from one snapshot of
	// it, in the order Load takes them: settings, collections, users,
	// sessions, the versions of each document (each document's in order,
	// its stored version last), aliases, deletions, entity descriptions,
	// the audit log in order, and the change feed in order. An error of
	// fn stops it and is returned.
	Dump(ctx context.Context, fn func(*Item) error) error
	// Load begins taking in items, in one transaction. It refuses with
	// ErrConflict a store that holds any collection, document, version,
	// deletion, user or audit entry. Nothing is seen by others, and
	// nothing is kept, until Commit.
	Load(ctx context.Context) (Loading, error)
}

// Loading is a load under way: all or nothing.
type Loading interface {
	// Add takes in one item; an item out of order (a version of a
	// document without its collection, an alias of a document not
	// loaded) is ErrInvalid.
	Add(ctx context.Context, it *Item) error
	// Commit keeps every item added, and ends the load.
	Commit(ctx context.Context) error
	// Abort forgets every item added, and ends the load. After Commit it
	// does nothing, so that it may be deferred.
	Abort()
}

// ItemKind names what an Item holds.
type ItemKind string

// The kinds of Item, in the order of a Dump.
const (
	ItemSetting    ItemKind = "setting"
	ItemCollection ItemKind = "collection"
	ItemUser       ItemKind = "user"
	ItemSession    ItemKind = "session"
	ItemVersion    ItemKind = "version"
	ItemAlias      ItemKind = "alias"
	ItemDeletion   ItemKind = "deletion"
	ItemEntity     ItemKind = "entity"
	ItemAudit      ItemKind = "audit"
	ItemChange     ItemKind = "change"
)

// Item is one thing a store holds, as Dump gives it and Load takes it.
// Kind says which of its fields is set.
type Item struct {
	Kind ItemKind
	// Name and Value are a setting's (ItemSetting); Name and ID an alias's
	// path and the document it leads to (ItemAlias).
	Name, Value string
	ID          string
	Collection  *Collection
	User        *User // with its PasswordHash
	Session     *Session
	Version     *StoredVersion
	Deletion    *Deletion
	// Entity is what an editor said of an entity (Name, Role, Dates,
	// Note, Authority): DescribeEntity's.
	Entity *Entity
	Audit  *AuditEntry
	Change *Change
}

// String names the item in a message: its kind, and the version and id
// or the name it is of.
func (it *Item) String() string {
	switch {
	case it.Version != nil:
		return fmt.Sprintf("version %d of %s", it.Version.N, QuoteName(it.Version.ID))
	case it.Name != "":
		return string(it.Kind) + " " + QuoteName(it.Name)
	}
	return string(it.Kind)
}

// StoredVersion is one version of a document as a store keeps it: a
// revision, or the stored document itself (Current).
type StoredVersion struct {
	ID string
	Version
	// Body is the document as the store encoded it, byte for byte, and
	// Sum the SHA-256 recorded when it was written ("" when none was),
	// so that the target verifies what the source did.
	Body []byte
	Sum  string
	// Replaced is when a revision was replaced (or its document deleted).
	Replaced time.Time
	// Of the stored version: when the document was created and last
	// updated as the store's columns say (the harvest's datestamp), and
	// whether it is released from its embargo as of the last Release.
	Created, Updated time.Time
	Released         bool
}

// Deletion is the record of a document withdrawn from the public, kept for
// ever for harvesters.
type Deletion struct {
	ID         string
	Collection string
	Datestamp  time.Time
	Categories []string
}

// TransferTime returns t as a transfer keeps it: in UTC, to the
// microsecond.
func TransferTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Transfer copies everything from holds into the empty store to, all or
// nothing, and returns how many items it copied. progress, when not nil,
// is called after each item with the count so far and the item.
func Transfer(ctx context.Context, from, to Transferer, progress func(n int, it *Item)) (int, error) {
	l, err := to.Load(ctx)
	if err != nil {
		return 0, err
	}
	defer l.Abort()
	n := 0
	err = from.Dump(ctx, func(it *Item) error {
		if err := l.Add(ctx, it); err != nil {
			return err
		}
		n++
		if progress != nil {
			progress(n, it)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := l.Commit(ctx); err != nil {
		return 0, err
	}
	return n, nil
}
