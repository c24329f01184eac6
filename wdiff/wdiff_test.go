package wdiff

import (
	"strings"
	"testing"
)

// texts returns the two texts the ops were made from.
func texts(d []Op) (a, b string) {
	var sa, sb strings.Builder
	for _, o := range d {
		if o.Kind != Insert {
			sa.WriteString(o.Text)
		}
		if o.Kind != Delete {
			sb.WriteString(o.Text)
		}
	}
	return sa.String(), sb.String()
}

func show(d []Op) string {
	var b strings.Builder
	for _, o := range d {
		switch o.Kind {
		case Delete:
			b.WriteString("[-" + o.Text + "-]")
		case Insert:
			b.WriteString("{+" + o.Text + "+}")
		default:
			b.WriteString(o.Text)
		}
	}
	return b.String()
}

func TestDiff(t *testing.T) {
	tests := []struct {
		a, b, want string
	}{
		{"", "", ""},
		{"same text", "same text", "same text"},
		{"", "new", "{+new+}"},
		{"old", "", "[-old-]"},
		{"the quick fox", "the slow fox", "the [-quick-]{+slow+} fox"},
		{"Human rights, the Politburo", "Human rights: the Politburo", "Human rights[-,-]{+:+} the Politburo"},
		{"one\ntwo\nthree\n", "one\n2\nthree\n", "one\n[-two-]{+2+}\nthree\n"},
		{"a b c d", "a c d e", "a [-b -]c d{+ e+}"},
		{"[page two]\nСекретно\n", "[page two]\nСовершенно секретно\n", "[page two]\n[-Секретно-]{+Совершенно секретно+}\n"},
	}
	for _, tt := range tests {
		d := Diff(tt.a, tt.b)
		if got := show(d); got != tt.want {
			t.Errorf("Diff(%q, %q) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
		if a, b := texts(d); a != tt.a || b != tt.b {
			t.Errorf("Diff(%q, %q) gives back %q and %q", tt.a, tt.b, a, b)
		}
		if got, want := Changed(d), tt.a != tt.b; got != want {
			t.Errorf("Changed(Diff(%q, %q)) = %v, want %v", tt.a, tt.b, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	del, ins := Count(Diff("the quick brown fox", "the slow fox jumps"))
	if del != 2 || ins != 2 {
		t.Errorf("Count = %d deleted, %d inserted, want 2, 2", del, ins)
	}
}

// TestBound checks that texts differing by more edits than
// MaxEdits are given as one replaced run between what they share.
func TestBound(t *testing.T) {
	var a, b strings.Builder
	for i := range 3000 {
		if i%2 == 0 {
			a.WriteString("alpha ")
			b.WriteString("beta ")
		} else {
			a.WriteString("gamma ")
			b.WriteString("gamma ")
		}
	}
	sa, sb := "start "+a.String()+"end", "start "+b.String()+"end"
	d := Diff(sa, sb)
	if ga, gb := texts(d); ga != sa || gb != sb {
		t.Fatalf("Diff of long texts does not give them back")
	}
	want := []Kind{Equal, Delete, Insert, Equal}
	if len(d) != len(want) {
		t.Fatalf("Diff of long texts = %d ops, want %d (one replaced run)", len(d), len(want))
	}
	for i, o := range d {
		if o.Kind != want[i] {
			t.Errorf("op %d is %v, want %v", i, o.Kind, want[i])
		}
	}
}

// TestLongDocument checks that a long text with a few changes, past the
// bound as words, is compared line by line and keeps its words.
func TestLongDocument(t *testing.T) {
	var lines []string
	for i := range 5000 {
		lines = append(lines, strings.Repeat("word ", i%7)+"line")
	}
	a := strings.Join(lines, "\n")
	lines[10] = "a changed line"
	lines[4000] = "another changed line"
	b := strings.Join(lines, "\n")
	d := Diff(a, b)
	if ga, gb := texts(d); ga != a || gb != b {
		t.Fatalf("Diff of long documents does not give them back")
	}
	del, ins := Count(d)
	if ins > 10 || del > 10 {
		t.Errorf("Count = %d deleted, %d inserted, want a few words", del, ins)
	}
}

func FuzzDiff(f *testing.F) {
	f.Add("the quick fox", "the slow fox")
	f.Add("one\ntwo\n", "one\nthree\ntwo\n")
	f.Add("", "x")
	f.Add("Секретно [page 2]", "секретно [page two]")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := Diff(a, b)
		if ga, gb := texts(d); ga != a || gb != b {
			t.Fatalf("Diff(%q, %q) gives back %q and %q", a, b, ga, gb)
		}
		for i, o := range d {
			if o.Text == "" {
				t.Fatalf("Diff(%q, %q): op %d is empty", a, b, i)
			}
			if i > 0 && d[i-1].Kind == o.Kind {
				t.Fatalf("Diff(%q, %q): ops %d and %d are both %v", a, b, i-1, i, o.Kind)
			}
		}
		if Changed(d) != (a != b) {
			t.Fatalf("Changed(Diff(%q, %q)) = %v", a, b, Changed(d))
		}
	})
}
