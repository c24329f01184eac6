package bleve_test

import (
	"testing"

	"fonds/bleve"
	"fonds/fondstest"
)

func TestRelevance(t *testing.T) {
	ix, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	fondstest.TestRelevance(t, ix)
}
