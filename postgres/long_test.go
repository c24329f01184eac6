package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fonds"
	"fonds/fondstest"
)

// TestLongKeys stores keys of indexes longer than PostgreSQL's btree holds
// (about 2.7 kB): each is refused as invalid input, not as a server error.
func TestLongKeys(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	if err := s.PutCollection(ctx, fonds.Collection{Slug: fondstest.Collection, Title: "Test"}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("\u4e00", 1000) // 3000 bytes
	d := fondstest.NewDocument("1977-05-19-"+long, "1977-05-19")
	_, err := s.SaveDocument(ctx, d, fonds.Save{})
	check(t, "long id", err)
	d = fondstest.NewDocument("alias", "1977-05-19")
	d.Aliases = []string{"/old/" + long}
	_, err = s.SaveDocument(ctx, d, fonds.Save{})
	check(t, "long alias", err)
	check(t, "long slug", s.PutCollection(ctx, fonds.Collection{Slug: long, Title: "x"}))
	check(t, "long setting name", s.PutSetting(ctx, long, "x"))
	_, err = s.CreateSetting(ctx, long, "x")
	check(t, "long setting name created", err)
}

func check(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("%s: %v, want ErrInvalid", what, err)
	} else if len(err.Error()) > 300 {
		t.Errorf("%s: error of %d bytes", what, len(err.Error()))
	}
}
