package bleve

import (
	"context"
	"testing"
)

// TestSourceNoteKeys checks that a name only in the source note is found
// in another script, by its name and transliteration keys.
func TestSourceNoteKeys(t *testing.T) {
	ix := openTemp(t)
	defer ix.Close()
	d := textDocument("noted", "Memorandum of conversation", "The meeting began at noon.")
	d.Source = "Source: Carter Library, Gromyko file, Spaso House conversations."
	if err := ix.Put(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"Громыко", "Gromyko", "Спасо", "Громыко Спасо"} {
		if got := searchIDs(t, ix, q, 0, 10); len(got) != 1 {
			t.Errorf("Search(%q) = %v, want the document whose source note names it", q, got)
		}
	}
}
