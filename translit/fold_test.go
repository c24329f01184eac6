package translit

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Щёлоков", "щелоков"},
		{"ЁЛКИН", "елкин"},
		{"Sakharov's", "sakharov's"},
		{"I͡akovlev", "i͡akovlev"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		var runes []rune
		for _, r := range tt.in {
			runes = append(runes, FoldRune(r))
		}
		if got := string(runes); got != tt.want {
			t.Errorf("FoldRune of each rune of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsWordRune(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{'a', true}, {'Я', true}, {'ё', true}, {'7', true}, {'\u0361', true}, // the tie of I͡akovlev
		{' ', false}, {'\'', false}, {'’', false}, {'-', false}, {'«', false}, {'\uE000', false},
	}
	for _, tt := range tests {
		if got := IsWordRune(tt.r); got != tt.want {
			t.Errorf("IsWordRune(%q) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

func TestWordKey(t *testing.T) {
	for _, w := range []string{"Хрущёв", "ХРУЩЕВ", "Khrushchev", "khrushchëv"} {
		if got, want := WordKey(w), Key("хрущев"); got != want {
			t.Errorf("WordKey(%q) = %q, want %q", w, got, want)
		}
	}
}
