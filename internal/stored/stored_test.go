package stored_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"fonds"
	"fonds/fondstest"
	"fonds/internal/stored"
)

// TestEncode checks that the one encoding of a document put makes gives
// the body json.Marshal gives and the hash ContentHash gives, for documents
// of every shape, and for times and versions of every length.
func TestEncode(t *testing.T) {
	full := fondstest.NewFullDocument("full", "1977-05-19")
	bare := &fonds.Document{ID: "bare", Collection: "c", Status: fonds.StatusDraft}
	odd := fondstest.NewDocument("odd <&> \u2028 \"quoted\"", "1970")
	odd.Origin = `,"hash":"` // as a value, quoted, it cannot end the content
	odd.Summary = "\xff invalid and \x00 control"
	stamp := time.Date(1999, 12, 31, 23, 59, 59, 123400000, time.UTC)
	for _, tt := range []struct {
		name             string
		d                *fonds.Document
		created, updated time.Time
		version          int
	}{
		{"full", full, stamp, stamp.Add(time.Hour), 1},
		{"bare", bare, stamp.Truncate(time.Second), stamp, 12345},
		{"odd", odd, time.Unix(0, 1).UTC(), time.Unix(1e9, 0).In(time.FixedZone("x", 3600)), 7},
		{"old hash kept", &fonds.Document{ID: "h", Collection: "c", Status: fonds.StatusPublished, Hash: "stale"}, stamp, stamp, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := *tt.d
			c.Created, c.Updated, c.Version = tt.created, tt.updated, tt.version
			wantHash := c.ContentHash()
			body, err := stored.Encode(&c)
			if err != nil {
				t.Fatal(err)
			}
			if c.Hash != wantHash {
				t.Errorf("stored.Encode(%s) set Hash %s, want ContentHash %s", tt.name, c.Hash, wantHash)
			}
			want, err := json.Marshal(&c)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(body, want) {
				t.Errorf("stored.Encode(%s) = %s, want %s", tt.name, body, want)
			}
		})
	}
}

func TestBound(t *testing.T) {
	for _, tt := range []struct {
		s    string
		n    int
		want string
	}{
		{"", 4, ""},
		{"abc", 4, "abc"},
		{"abcdef", 4, "abcd"},
		{"abcé", 4, "abc"}, // é is two bytes: cut before it, not through it
		{"жжж", 5, "жж"},
	} {
		if got := stored.Bound(tt.s, tt.n); got != tt.want {
			t.Errorf("stored.Bound(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}
