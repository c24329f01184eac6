package fonds

import (
	"context"
	"fmt"
	"time"
)

// Role is what a person signed in may do. The zero Role is an anonymous
// visitor.
type Role string

// The roles, from the least to the most trusted.
const (
	RoleAnonymous Role = ""
	// RoleReader sees restricted material besides what the public sees.
	RoleReader Role = "reader"
	// RoleContributor transcribes and translates: what they save waits
	// for review, and they publish nothing.
	RoleContributor Role = "contributor"
	// RoleEditor creates, edits, reviews, publishes, embargoes and
	// restricts documents, and edits collections.
	RoleEditor Role = "editor"
	// RoleAdmin does everything: users and the site's settings too.
	RoleAdmin Role = "admin"
)

// Roles lists the roles a user may have, from the least trusted.
var Roles = []Role{RoleReader, RoleContributor, RoleEditor, RoleAdmin}

// ParseRole returns the role named s, or an ErrInvalid naming the roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("%w: role %q: want one of reader, contributor, editor, admin", ErrInvalid, s)
}

// CanEdit reports whether the role may change documents at all (a
// contributor's changes wait for review).
func (r Role) CanEdit() bool { return r == RoleContributor || r == RoleEditor || r == RoleAdmin }

// CanPublish reports whether the role may publish, review, embargo,
// restrict, withdraw and delete documents and edit collections.
func (r Role) CanPublish() bool { return r == RoleEditor || r == RoleAdmin }

// User is a person who signs in.
type User struct {
	// Name is what they sign in with: lower-case letters, digits and
	// ".", "_", "-", at most 64 (see ValidUserName).
	Name     string `json:"name"`
	FullName string `json:"full_name,omitempty"` // for display and in revisions
	Email    string `json:"email,omitempty"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled,omitempty"`
	// PasswordHash is the password as an argon2id hash in the PHC string
	// form ("$argon2id$v=19$m=…"); the password itself is never kept.
	PasswordHash string    `json:"-"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
}

// ValidUserName reports whether name can be a User.Name.
func ValidUserName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, c := range name {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Session is a signed-in browser. The cookie holds a random token; the
// store keeps only its hash, so that a copy of the database signs no one in.
type Session struct {
	ID      string    // the hex SHA-256 of the cookie's token
	User    string    // User.Name
	CSRF    string    // the token every form of the session carries
	Address string    // the client's address at sign-in
	Created time.Time // for the absolute expiry
	Seen    time.Time // the last request, for the idle expiry
}

// AuditEntry is one line of the audit log: a write or a sign-in, who did
// it, from where, when.
type AuditEntry struct {
	Seq     int64     `json:"seq"`
	Time    time.Time `json:"time"`
	User    string    `json:"user,omitempty"`    // "" for the command line without a user
	Address string    `json:"address,omitempty"` // the client's address, or "cli"
	Action  string    `json:"action"`            // "save", "delete", "login", "login-failed", "logout", "user", "site", "collection", …
	Target  string    `json:"target,omitempty"`  // a document id, a user name, a setting
	Detail  string    `json:"detail,omitempty"`  // the message of a save, what changed
}

// UserStore is the part of a Store that keeps accounts, their sessions and
// the record of failed sign-ins: everything a server would otherwise hold
// in memory, so that several servers on one store share it.
type UserStore interface {
	// PutUser adds the user, or replaces the one with its name. It sets
	// Created and Updated.
	PutUser(ctx context.Context, u *User) error
	// User returns the user with the name, or ErrNotFound.
	User(ctx context.Context, name string) (*User, error)
	// Users returns every user, by name.
	Users(ctx context.Context) ([]*User, error)

	// PutSession adds the session, or updates the one with its ID.
	PutSession(ctx context.Context, s *Session) error
	// Session returns the session with the ID, or ErrNotFound.
	Session(ctx context.Context, id string) (*Session, error)
	// TouchSession notes the session's latest request; ErrNotFound when it
	// is gone. Unlike PutSession it never brings back a session deleted
	// meanwhile (signed out in another tab, or everywhere by an admin).
	TouchSession(ctx context.Context, id string, seen time.Time) error
	// DeleteSessions removes the session with the id, or with user set
	// and id empty every session of the user, or with both empty every
	// session last seen before the time: sign-out, a changed password, a
	// disabled account, expiry.
	DeleteSessions(ctx context.Context, id, user string, seenBefore time.Time) error

	// LoginFailures records a failed sign-in at the time under each key
	// (the account, the address) when record is set, forgets those older
	// than since, and returns the most failures any of the keys has had
	// since then: what a throttle compares with its limit.
	LoginFailures(ctx context.Context, since time.Time, record bool, keys ...string) (int, error)
}

// AuditLog is the part of a Store that keeps the audit log. SaveDocument
// and DeleteDocument write their own entries, in their transaction.
type AuditLog interface {
	// Audit adds the entry; it sets Seq, and Time when zero.
	Audit(ctx context.Context, e *AuditEntry) error
	// AuditEntries returns the entries with Seq greater than after, oldest
	// first, at most limit (which must be positive).
	AuditEntries(ctx context.Context, after int64, limit int) ([]AuditEntry, error)
}

// Save says who saves a document, why, and from which version.
type Save struct {
	Author  string // User.Name, or "" for an import without one
	Address string // the client's address, "cli" for the command line
	Message string // why: "Transcribed page 2", "import of seed/1977.txt"
	// Version is the version the change was made from: a save is refused
	// with ErrConflict when the stored document has another (another person
	// saved it meanwhile). 0 skips the check; -1 requires that the
	// document does not exist yet.
	Version int
	// Replace lets the document replace a stored one of the same id that
	// came from another origin, as a new version of it: the importer's
	// choice between two arrivals of one document (a FRUS document read
	// from its own file and from its volume). Without it such a save is
	// refused with ErrConflict.
	Replace bool
}

// Version describes one version of a document without its text: what a
// history page lists.
type Version struct {
	N       int       `json:"n"` // 1 for the first
	Hash    string    `json:"hash"`
	Saved   time.Time `json:"saved"`
	Author  string    `json:"author,omitempty"`
	Message string    `json:"message,omitempty"`
	Status  Status    `json:"status"`
	Current bool      `json:"current,omitempty"` // the stored document itself
	Deleted bool      `json:"deleted,omitempty"` // the last version before a deletion
}

type roleKey struct{}

// WithRole returns ctx carrying the role of who makes a request, so that
// handlers mounted from other packages (IIIF, OAI-PMH) can ask
// Document.VisibleTo without knowing how people sign in.
func WithRole(ctx context.Context, r Role) context.Context {
	return context.WithValue(ctx, roleKey{}, r)
}

// RoleFrom returns the role WithRole put in ctx, RoleAnonymous when none.
func RoleFrom(ctx context.Context) Role {
	r, _ := ctx.Value(roleKey{}).(Role)
	return r
}
