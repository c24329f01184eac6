package postgres

import (
	"context"
	"testing"

	"fonds"
	"fonds/internal/blobtest"
)

func TestBlobs(t *testing.T) {
	db := testDatabase(t)
	s, err := Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	blobtest.Run(t, 3<<20, func(t *testing.T) fonds.Blobs {
		// Each test empties the table rather than making a database.
		if _, err := s.db.Exec(context.Background(), `DELETE FROM blobs`); err != nil {
			t.Fatal(err)
		}
		return s.Blobs(3 << 20)
	})
}

func TestSuccessor(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "", false},
		{"doc/", "doc0", true},
		{"a", "b", true},
		{"\uD7FF", "\uE000", true},
		{"a\U0010FFFF", "b", true},
	}
	for _, tt := range tests {
		if got, ok := successor(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("successor(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func BenchmarkBlobs20MB(b *testing.B) {
	s, err := Open(context.Background(), testDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	blobtest.Bench(b, 20<<20, s.Blobs(256<<20))
}
