package fondstest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fonds"
)

// testLongKeys checks that an id, alias, collection slug or setting name
// longer than a store keeps is refused as ErrInvalid, by every store alike,
// rather than failing as the database's own limit would (an index row has
// at most about 2.7 kB in PostgreSQL).
func testLongKeys(t *testing.T, s fonds.Store) {
	ctx := context.Background()
	long := strings.Repeat("ф", 1500) // 3,000 bytes
	mustPutCollection(t, s, fonds.Collection{Slug: Collection, Title: "Test"})
	d := NewDocument(long, "1977-05-19")
	if _, err := s.PutDocument(ctx, d); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutDocument(a 3,000-byte id) = %v, want %v", err, fonds.ErrInvalid)
	}
	d = NewDocument("short", "1977-05-19")
	d.Aliases = []string{"/" + long + "/"}
	if _, err := s.PutDocument(ctx, d); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutDocument(a 3,000-byte alias) = %v, want %v", err, fonds.ErrInvalid)
	}
	if err := s.PutCollection(ctx, fonds.Collection{Slug: long, Title: "Long"}); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutCollection(a 3,000-byte slug) = %v, want %v", err, fonds.ErrInvalid)
	}
	if err := s.PutSetting(ctx, long, "x"); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutSetting(a 3,000-byte name) = %v, want %v", err, fonds.ErrInvalid)
	}
}
