package synth

import (
	"reflect"
	"testing"
)

func TestDeterministicAndRealistic(t *testing.T) {
	a, b := New(1), New(1)
	total, langs := 0, map[string]int{}
	const n = 3000
	ids := map[string]bool{}
	for i := 0; i < n; i++ {
		da, db := a.Document(i), b.Document(i)
		if !reflect.DeepEqual(da, db) {
			t.Fatalf("Document(%d) differs between two generators of one seed", i)
		}
		if ids[da.ID] {
			t.Fatalf("Document(%d) repeats id %s", i, da.ID)
		}
		ids[da.ID] = true
		for _, w := range da.Witnesses {
			total += len(w.Text.PlainText())
			langs[w.Language]++
		}
	}
	mean := total / n
	if mean < 2000 || mean > 4500 {
		t.Errorf("mean text size = %d bytes, want about 3 KB", mean)
	}
	if langs["ru"] < n/2 || langs["en"] < n/2 {
		t.Errorf("witnesses by language = %v, want both in number", langs)
	}
}

func TestStopWordsInVocabularies(t *testing.T) {
	in := map[string]bool{}
	for _, w := range append(wordsEN, wordsRU...) {
		in[w] = true
	}
	for _, w := range StopWords() {
		if !in[w] {
			t.Errorf("stop word %q is not in the vocabularies: no text holds it", w)
		}
	}
}
