package mojibake

import "testing"

func TestRepair(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"â€œquotedâ€", "“quoted”", true},
		{"Ã©tÃ©", "été", true},
		{"ÃƒÂ©", "é", true}, // garbled twice
		{"café, naïve, Ünter, ğreȧt", "café, naïve, Ünter, ğreȧt", false},
		{"Ü̷̢̯̭n̶̰̍", "Ü̷̢̯̭n̶̰̍", false},
		{"plain", "plain", false},
		{"Ð¯ÐºÐ¾Ð²Ð»ÐµÐ²", "Яковлев", true},
	}
	for _, tt := range tests {
		got, ok := Repair(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Repair(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDecodeWindows1252(t *testing.T) {
	if got, want := DecodeWindows1252([]byte{0x93, 'd', 0xE9, 't', 0xE9, 0x94}), "“dété”"; got != want {
		t.Errorf("DecodeWindows1252 = %q, want %q", got, want)
	}
}

func FuzzRepair(f *testing.F) {
	for _, s := range []string{"â€œquotedâ€", "ÃƒÂ©", "plain", "Ð¯ÐºÐ¾Ð²Ð»ÐµÐ²"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := Repair(s)
		if !ok && r != s {
			t.Errorf("Repair(%q) changed the text but says it did not", s)
		}
		if ok && len(r) >= len(s) {
			t.Errorf("Repair(%q) = %q, not shorter", s, r)
		}
		if again, ok := Repair(r); ok {
			t.Errorf("Repair(%q) = %q, which repairs again to %q", s, r, again)
		}
	})
}
