package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fonds"
)

// unsupported is the error of a method this store does not implement yet.
func unsupported(method string) error {
	return fmt.Errorf("postgres: %s: %w", method, errors.ErrUnsupported)
}

func (s *Store) PutCollection(ctx context.Context, c fonds.Collection) error {
	return unsupported("put collection")
}
func (s *Store) Collection(ctx context.Context, slug string) (fonds.Collection, error) {
	return fonds.Collection{}, unsupported("collection")
}
func (s *Store) Collections(ctx context.Context, f fonds.Filter) ([]fonds.Collection, error) {
	return nil, unsupported("collections")
}
func (s *Store) PutDocument(ctx context.Context, d *fonds.Document) (fonds.PutResult, error) {
	return "", unsupported("put document")
}
func (s *Store) SaveDocument(ctx context.Context, d *fonds.Document, sv fonds.Save) (fonds.PutResult, error) {
	return "", unsupported("save document")
}
func (s *Store) Document(ctx context.Context, id string) (*fonds.Document, error) {
	return nil, unsupported("document")
}
func (s *Store) Documents(ctx context.Context, f fonds.Filter) ([]*fonds.Document, int, error) {
	return nil, 0, unsupported("documents")
}
func (s *Store) Neighbours(ctx context.Context, id string, f fonds.Filter) (prev, next *fonds.Document, err error) {
	return nil, nil, unsupported("neighbours")
}
func (s *Store) DateCounts(ctx context.Context, f fonds.Filter) ([]fonds.DateCount, error) {
	return nil, unsupported("date counts")
}
func (s *Store) Stamps(ctx context.Context, f fonds.Filter) (map[string]fonds.Stamp, error) {
	return nil, unsupported("stamps")
}
func (s *Store) Alias(ctx context.Context, path string) (string, error) {
	return "", unsupported("alias")
}
func (s *Store) DeleteDocument(ctx context.Context, id string) error {
	return unsupported("delete document")
}
func (s *Store) Revisions(ctx context.Context, id string) ([]fonds.Revision, error) {
	return nil, unsupported("revisions")
}
func (s *Store) History(ctx context.Context, id string) ([]fonds.Version, error) {
	return nil, unsupported("history")
}
func (s *Store) Revision(ctx context.Context, id string, n int) (*fonds.Document, error) {
	return nil, unsupported("revision")
}
func (s *Store) DeleteDocumentBy(ctx context.Context, id string, sv fonds.Save) error {
	return unsupported("delete document")
}
func (s *Store) Release(ctx context.Context, now time.Time) (int, error) {
	return 0, unsupported("release")
}
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	return "", unsupported("setting")
}
func (s *Store) PutSetting(ctx context.Context, name, value string) error {
	return unsupported("put setting")
}
func (s *Store) Verify(ctx context.Context, problem func(string)) (int, error) {
	return 0, unsupported("verify")
}
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]fonds.Change, error) {
	return nil, unsupported("changes")
}
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	return 0, unsupported("last change")
}
func (s *Store) Records(ctx context.Context, f fonds.RecordFilter) ([]fonds.Record, int, error) {
	return nil, 0, unsupported("records")
}
func (s *Store) EarliestDatestamp(ctx context.Context) (time.Time, error) {
	return time.Time{}, unsupported("earliest datestamp")
}
func (s *Store) Categories(ctx context.Context) ([]string, error) {
	return nil, unsupported("categories")
}
func (s *Store) PutUser(ctx context.Context, u *fonds.User) error { return unsupported("put user") }
func (s *Store) User(ctx context.Context, name string) (*fonds.User, error) {
	return nil, unsupported("user")
}
func (s *Store) Users(ctx context.Context) ([]*fonds.User, error) { return nil, unsupported("users") }
func (s *Store) PutSession(ctx context.Context, ss *fonds.Session) error {
	return unsupported("put session")
}
func (s *Store) Session(ctx context.Context, id string) (*fonds.Session, error) {
	return nil, unsupported("session")
}
func (s *Store) TouchSession(ctx context.Context, id string, seen time.Time) error {
	return unsupported("touch session")
}
func (s *Store) DeleteSessions(ctx context.Context, id, user string, seenBefore time.Time) error {
	return unsupported("delete sessions")
}
func (s *Store) LoginFailures(ctx context.Context, since time.Time, record bool, keys ...string) (int, error) {
	return 0, unsupported("login failures")
}
func (s *Store) Audit(ctx context.Context, e *fonds.AuditEntry) error { return unsupported("audit") }
func (s *Store) AuditEntries(ctx context.Context, after int64, limit int) ([]fonds.AuditEntry, error) {
	return nil, unsupported("audit entries")
}
func (s *Store) Entities(ctx context.Context, f fonds.EntityFilter) ([]fonds.Entity, error) {
	return nil, unsupported("entities")
}
func (s *Store) Entity(ctx context.Context, kind fonds.EntityKind, key string, f fonds.Filter) (*fonds.Entity, error) {
	return nil, unsupported("entity")
}
func (s *Store) Mentioning(ctx context.Context, kind fonds.EntityKind, key string, f fonds.Filter) ([]fonds.Mentioning, error) {
	return nil, unsupported("mentioning")
}
func (s *Store) DescribeEntity(ctx context.Context, e fonds.Entity, sv fonds.Save) error {
	return unsupported("describe entity")
}
func (s *Store) CitedBy(ctx context.Context, id string, f fonds.Filter) ([]*fonds.Document, error) {
	return nil, unsupported("cited by")
}
func (s *Store) Resolve(ctx context.Context, targets []string) (map[string]string, error) {
	return nil, unsupported("resolve")
}
func (s *Store) Unresolved(ctx context.Context, fn func(id string, c fonds.Citation) error) error {
	return unsupported("unresolved")
}
func (s *Store) Sections(ctx context.Context, collection string) ([]fonds.Section, error) {
	return nil, unsupported("sections")
}
