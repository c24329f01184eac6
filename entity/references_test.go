package entity

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fonds/internal/testenv"
)

// wholeReferences is References as the expressions find the references in
// the whole of s: what References must return, found faster.
func wholeReferences(s string) []string {
	var out []string
	for _, m := range seriesReference.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	for _, m := range numberReference.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestReferencesPartByPart checks that searching the parts of a text near
// its digits finds what searching the whole text finds, in texts made of
// the pieces references are made of, with long runs of words between them,
// and in the corpus.
func TestReferencesPartByPart(t *testing.T) {
	pieces := []string{"Pb", "St", "P", "Пб", "Ст", "П", "S", "Ш", "ОП", "ов", "Lu", ".", ". ", " ", "  ", "-", "‑", "/",
		"1", "23", "456", "7890", "12345", "a", "я", "\n", "(", ")", ",", "é", "\u00a0", "Document 4", "x1"}
	filler := strings.Repeat("the report of the committee и решение ", 3)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		var b strings.Builder
		for range rng.IntN(40) {
			if rng.IntN(15) == 0 {
				b.WriteString(filler[:rng.IntN(len(filler))])
			}
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := References(s), wholeReferences(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: References(%q) = %q, want %q", i, s, got, want)
		}
	}
	dir := testenv.Corpus(t)
	checked := 0
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || checked >= 200 {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		s := string(b)
		if got, want := References(s), wholeReferences(s); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: References = %q, want %q", path, got, want)
		}
		checked++
		return nil
	})
}

func FuzzReferences(f *testing.F) {
	for _, s := range []string{"Pb 56/68", "St-248/9 and П 56/68, Пб 56-68", "2154-S 1102-Ш", "x Pb 1/2 Pb 3/4 y", "П.56‑68"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := References(s), wholeReferences(s); !reflect.DeepEqual(got, want) {
			t.Errorf("References(%q) = %q, want %q", s, got, want)
		}
	})
}

// BenchmarkReferences finds the references in the files of the corpus,
// part by part as References does and in the whole of each, as before.
func BenchmarkReferences(b *testing.B) {
	var texts []string
	var size int64
	filepath.WalkDir(testenv.Corpus(b), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		texts = append(texts, string(data))
		size += int64(len(data))
		return err
	})
	for _, bb := range []struct {
		name string
		find func(string) []string
	}{{"parts", References}, {"whole", wholeReferences}} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				for _, s := range texts {
					bb.find(s)
				}
			}
		})
	}
}
