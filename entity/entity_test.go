package entity

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fonds"
)

// TestPersonKey checks that every writing of one person's name has one key
// and that different people keep theirs.
func TestPersonKey(t *testing.T) {
	same := [][]string{
		{"Andrei Sakharov", "Sakharov's", "A. D. Sakharov", "САХАРОВ", "Сахарова", "Сахаровым", "Сахаров Андрей Дмитриевич", "Andrei SAKHAROV", "SAKHAROV A.D.", "academician Sakharov", "Sakharov, Andrei"},
		{"Yu.V. ANDROPOV", "Андропов", "Andropov", "Юрий Андропов", "Андропова"},
		{"Leonid Brezhnev", "Брежневым", "L.I. BREZHNEV", "Brezhnev"},
		{"Anatoly Shcharansky", "Щаранского", "Shcharansky", "Щаранский"},
		{"Hodding Carter III", "Mr. Carter"},
	}
	for _, names := range same {
		want := Key(fonds.EntityPerson, names[0])
		if want == "" {
			t.Fatalf("Key(%q) is empty", names[0])
		}
		for _, n := range names[1:] {
			if got := Key(fonds.EntityPerson, n); got != want {
				t.Errorf("Key(%q) = %q, want %q (the key of %q)", n, got, want, names[0])
			}
		}
	}
	for _, pair := range [][2]string{{"Sakharov", "Sakharova Street"}, {"Andropov", "Andreev"}, {"Vance", "Vins"}} {
		if a, b := Key(fonds.EntityPerson, pair[0]), Key(fonds.EntityPerson, pair[1]); a == b {
			t.Errorf("Key(%q) = Key(%q) = %q, want them apart", pair[0], pair[1], a)
		}
	}
}

func TestCanonicalName(t *testing.T) {
	for _, tt := range []struct {
		s    fonds.Span
		want string
	}{
		{fonds.Span{Kind: fonds.SpanPerson, Text: "Andrei GROMYKO"}, "Andrei Gromyko"},
		{fonds.Span{Kind: fonds.SpanPerson, Text: "Vance", Target: "p_VCR_1"}, "Vance"},
		{fonds.Span{Kind: fonds.SpanPerson, Text: "Sakharov, Andrei", Target: "p_SAA_1"}, "Andrei Sakharov"},
		{fonds.Span{Kind: fonds.SpanPerson, Text: "Carter, Hodding, III"}, "Hodding Carter III"},
		{fonds.Span{Kind: fonds.SpanPerson, Text: "Comrade ANDROPOV"}, "Andropov"},
		{fonds.Span{Kind: fonds.SpanPerson, Text: "Secretary"}, "Secretary"},
		{fonds.Span{Kind: fonds.SpanPerson, Text: "Vance", Target: "p_VCR_1", Label: "Cyrus R. Vance"}, "Cyrus R. Vance"},
		{fonds.Span{Kind: fonds.SpanPerson, Text: "L.I.", Target: "Leonid Brezhnev"}, "Leonid Brezhnev"},
		{fonds.Span{Kind: fonds.SpanTerm, Text: "SALT", Target: "t_SALT_1", Label: "Strategic Arms Limitation Talks"}, "SALT"},
		{fonds.Span{Kind: fonds.SpanOrg, Spans: []fonds.Span{{Kind: fonds.SpanText, Text: "KGB"}}}, "KGB"},
	} {
		if got := CanonicalName(tt.s); got != tt.want {
			t.Errorf("CanonicalName(%+v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestMentions(t *testing.T) {
	d := &fonds.Document{
		Title:   "Memorandum From Vance",
		Summary: "On Andrei SAKHAROV.",
		Persons: []fonds.Person{{Name: "Andrei Sakharov", Written: "Andrei SAKHAROV"}},
		TitleText: []fonds.Span{{Kind: fonds.SpanText, Text: "Memorandum From "},
			{Kind: fonds.SpanPerson, Target: "p_VCR_1", Spans: []fonds.Span{{Kind: fonds.SpanText, Text: "Vance"}}}},
		Witnesses: []fonds.Witness{{Text: fonds.Text{{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
			{Kind: fonds.SpanText, Text: "The weather was fine. The case of "},
			{Kind: fonds.SpanPerson, Text: "Сахарова", Ref: "https://www.wikidata.org/entity/Q160556"},
			{Kind: fonds.SpanFootnote, Target: "1", Spans: []fonds.Span{{Kind: fonds.SpanText, Text: "See the note on "}, {Kind: fonds.SpanPlace, Text: "Gorky"}, {Kind: fonds.SpanText, Text: "."}}},
			{Kind: fonds.SpanText, Text: " was raised. Nothing else."},
		}}}}},
	}
	ms := Mentions(d)
	byKey := make(map[string]fonds.Mention)
	for _, m := range ms {
		byKey[string(m.Kind)+"/"+m.Key] = m
	}
	if len(ms) != 3 {
		t.Fatalf("Mentions = %+v, want 3 (Vance, Sakharov, Gorky)", ms)
	}
	s := byKey["person/saharov"]
	if s.Name != "Andrei Sakharov" || s.Passage != "On Andrei Sakharov." {
		t.Errorf("Sakharov = %+v", s)
	}
	if len(s.Authority) != 1 || !contains(s.Spellings, "Сахарова") {
		t.Errorf("Sakharov's authority and spellings = %v, %v", s.Authority, s.Spellings)
	}
	if v := byKey["person/"+Key(fonds.EntityPerson, "Vance")]; v.Passage != "Memorandum From Vance" {
		t.Errorf("Vance = %+v", v)
	}
	if g := byKey["place/"+Key(fonds.EntityPlace, "Gorky")]; g.Passage != "See the note on Gorky." {
		t.Errorf("Gorky's passage = %q, want the footnote's words", g.Passage)
	}
}

func TestCitations(t *testing.T) {
	d := &fonds.Document{
		Collection: "frus1977-80v02",
		Number:     14,
		References: []fonds.Reference{fonds.NewReference("Pb 56/68", "heading")},
		Source:     "R 19 May 1977, Pb 56-68",
		Witnesses: []fonds.Witness{{Text: fonds.Text{{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
			{Kind: fonds.SpanText, Text: "As decided (St 248/9) and in 2154-S; see Document 3 and Document 4 in volume X. "},
			{Kind: fonds.SpanReference, Target: "frus1977-80v02#d8fn3", Text: "Document 8"},
			{Kind: fonds.SpanReference, Target: "#d9", Text: "Document 9"},
			{Kind: fonds.SpanReference, Target: "https://history.state.gov/", Text: "the Office"},
			{Kind: fonds.SpanText, Text: " See Document 5 in Foreign Relations, 1969–1976."},
		}}}}},
	}
	var got []string
	for _, c := range Citations(d) {
		got = append(got, c.Target+"|"+c.Anchor)
	}
	want := "frus1977-80v02#d8|fn3 frus1977-80v02#d9| ref:st 248/9| ref:2154-s| frus1977-80v02#d3|"
	if strings.Join(got, " ") != want {
		t.Errorf("Citations =\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	if ids := Identities(d); strings.Join(ids, " ") != "frus1977-80v02#d14 ref:pb 56/68" {
		t.Errorf("Identities = %v", ids)
	}
}

func TestPassageBounded(t *testing.T) {
	long := strings.Repeat("word ", 400) + "Sakharov " + strings.Repeat("мир ", 400)
	p := Passage(long, strings.Index(long, "Sakharov"))
	if !strings.Contains(p, "Sakharov") || len(p) > maxPassage+8 || !utf8.ValidString(p) {
		t.Errorf("Passage = %q (%d bytes)", p, len(p))
	}
}

// FuzzKey checks that a key is short, URL-safe and stable.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"Andrei Sakharov", "Сахаров А.Д.", "", "...", "A. B. C.", "x_y_1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		for _, kind := range fonds.EntityKinds {
			k := Key(kind, name)
			if len(k) > maxKey {
				t.Fatalf("Key(%q) is %d bytes", name, len(k))
			}
			for _, r := range k {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
					t.Fatalf("Key(%q) = %q holds %q", name, k, r)
				}
			}
		}
		_ = Passage(name, len(name)/2)
	})
}
