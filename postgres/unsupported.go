package postgres

import (
	"context"
	"errors"
	"fmt"

	"fonds"
)

// unsupported is the error of a method this store does not implement yet.
func unsupported(method string) error {
	return fmt.Errorf("postgres: %s: %w", method, errors.ErrUnsupported)
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
