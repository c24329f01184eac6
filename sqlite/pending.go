package sqlite

// This file holds the methods of fonds.Store that the store does not have
// yet, so that the rest builds while they are written. It goes when they
// are in.

import (
	"context"
	"errors"
	"time"

	"fonds"
)

var errPending = errors.New("sqlite: not yet")

func (s *Store) SaveDocument(ctx context.Context, d *fonds.Document, sv fonds.Save) (fonds.PutResult, error) {
	return s.PutDocument(ctx, d)
}
func (s *Store) History(ctx context.Context, id string) ([]fonds.Version, error) {
	return nil, errPending
}
func (s *Store) Revision(ctx context.Context, id string, n int) (*fonds.Document, error) {
	return nil, errPending
}
func (s *Store) DeleteDocumentBy(ctx context.Context, id string, sv fonds.Save) error {
	return s.DeleteDocument(ctx, id)
}
func (s *Store) Release(ctx context.Context, now time.Time) (int, error) { return 0, nil }
func (s *Store) PutUser(ctx context.Context, u *fonds.User) error        { return errPending }
func (s *Store) User(ctx context.Context, name string) (*fonds.User, error) {
	return nil, fonds.ErrNotFound
}
func (s *Store) Users(ctx context.Context) ([]*fonds.User, error)        { return nil, errPending }
func (s *Store) PutSession(ctx context.Context, ss *fonds.Session) error { return errPending }
func (s *Store) Session(ctx context.Context, id string) (*fonds.Session, error) {
	return nil, fonds.ErrNotFound
}
func (s *Store) DeleteSessions(ctx context.Context, id, user string, seenBefore time.Time) error {
	return errPending
}
func (s *Store) LoginFailures(ctx context.Context, since time.Time, record bool, keys ...string) (int, error) {
	return 0, errPending
}
func (s *Store) Audit(ctx context.Context, e *fonds.AuditEntry) error { return errPending }
func (s *Store) AuditEntries(ctx context.Context, after int64, limit int) ([]fonds.AuditEntry, error) {
	return nil, errPending
}
