package fonds

import (
	"strings"
	"testing"
)

func TestCollectionSlug(t *testing.T) {
	long := strings.Repeat("word ", 20)
	tests := []struct{ in, want string }{
		{"Bukovsky Archive", "bukovsky-archive"},
		{"Архив Буковского", "arkhiv-bukovskogo"},
		{"Щаранский, Натан", "shcharanskiy-natan"},
		{"Подъезд", "podezd"},
		{"Émigré Press — Paris", "emigre-press-paris"},
		{"Łódź Œuvres Straße", "lodz-oeuvres-strasse"},
		{"Writers' Union", "writers-union"},
		{"  FRUS 1969–1976, vol. XVI ", "frus-1969-1976-vol-xvi"},
		{"drafts", "drafts"},
		{"bukovsky-archive", "bukovsky-archive"},
		{"", ""},
		{"!!! --- ???", ""},
		{"東京", ""},
		{"Tokyo 東京 1964", "tokyo-1964"},
		{long, strings.TrimSuffix(strings.Repeat("word-", 13), "-")},
		{strings.Repeat("x", 100), strings.Repeat("x", MaxSlug)},
		{strings.Repeat("a", 63) + " bc", strings.Repeat("a", 63)},
		{strings.Repeat("a", 64) + " bc", strings.Repeat("a", 64)},
	}
	for _, tt := range tests {
		got := CollectionSlug(tt.in)
		if got != tt.want {
			t.Errorf("CollectionSlug(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > MaxSlug {
			t.Errorf("CollectionSlug(%q) is %d bytes, more than %d", tt.in, len(got), MaxSlug)
		}
	}
}

func FuzzCollectionSlug(f *testing.F) {
	f.Add("Архив Буковского")
	f.Add("Émigré Press")
	f.Fuzz(func(t *testing.T, title string) {
		s := CollectionSlug(title)
		if len(s) > MaxSlug || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
			t.Fatalf("CollectionSlug(%q) = %q: too long or dashes astray", title, s)
		}
		for _, r := range s {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
				t.Fatalf("CollectionSlug(%q) = %q holds %q", title, s, r)
			}
		}
		if CollectionSlug(s) != s {
			t.Fatalf("CollectionSlug(%q) = %q, which is not its own slug", title, s)
		}
	})
}
