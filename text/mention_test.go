package text

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"fonds"
)

const (
	sakharovQ = "https://www.wikidata.org/entity/Q160556"
	sakharovV = "https://example.org/persons/sakharov"
)

// mention returns a mention span of the kind naming target, its words s.
func mention(k fonds.SpanKind, target, s string, children ...fonds.Span) fonds.Span {
	return fonds.Span{Kind: k, Target: target, Text: s, Spans: children}
}

func TestMentionForms(t *testing.T) {
	withRef := func(s fonds.Span, ref string) fonds.Span { s.Ref = ref; return s }
	withID := func(s fonds.Span, id string) fonds.Span { s.Label, s.Target = s.Target, id; return s }
	tests := []struct {
		body string
		want []fonds.Span
		same string // a brace form that reads the same, if any
	}{
		{"[[Andrei Sakharov|Sakharov]]", []fonds.Span{mention(fonds.SpanPerson, "Andrei Sakharov", "Sakharov")}, "{person=Andrei Sakharov:Sakharov}"},
		{"[[Andrei Sakharov]]", []fonds.Span{mention(fonds.SpanPerson, "Andrei Sakharov", "Andrei Sakharov")}, "{person=Andrei Sakharov:Andrei Sakharov}"},
		{"[[person:Brezhnev]]", []fonds.Span{mention(fonds.SpanPerson, "Brezhnev", "Brezhnev")}, ""},
		{"[[ Andrei  Sakharov |Sakharov]]", []fonds.Span{mention(fonds.SpanPerson, "Andrei  Sakharov", "Sakharov")}, ""},
		{"[[place:Moscow|Москве]]", []fonds.Span{mention(fonds.SpanPlace, "Moscow", "Москве")}, "{place=Moscow:Москве}"},
		{"[[ place: Helsinki ]]", []fonds.Span{mention(fonds.SpanPlace, "Helsinki", "Helsinki")}, ""},
		{"[[org:Committee for State Security|KGB]]", []fonds.Span{mention(fonds.SpanOrg, "Committee for State Security", "KGB")}, "{org=Committee for State Security:KGB}"},
		{"[[org:TASS]]", []fonds.Span{mention(fonds.SpanOrg, "TASS", "TASS")}, ""},
		{"[[term:Central Committee of the CPSU|CC CPSU]]", []fonds.Span{mention(fonds.SpanTerm, "Central Committee of the CPSU", "CC CPSU")}, "{term=Central Committee of the CPSU:CC CPSU}"},
		{"[[person:samizdat:Chronicle]]", []fonds.Span{mention(fonds.SpanPerson, "samizdat:Chronicle", "samizdat:Chronicle")}, ""},
		{"[[Andrei Sakharov|Sakharov|" + sakharovQ + "]]", []fonds.Span{withRef(mention(fonds.SpanPerson, "Andrei Sakharov", "Sakharov"), sakharovQ)}, ""},
		{"[[Andrei Sakharov|Sakharov| " + sakharovQ + "   " + sakharovV + " ]]", []fonds.Span{withRef(mention(fonds.SpanPerson, "Andrei Sakharov", "Sakharov"), sakharovQ+" "+sakharovV)}, ""},
		{"[[Andrei Sakharov||" + sakharovQ + "]]", []fonds.Span{withRef(mention(fonds.SpanPerson, "Andrei Sakharov", "Andrei Sakharov"), sakharovQ)}, ""},
		{"[[Andrei Sakharov|Sakharov|#p_SAA_1 " + sakharovQ + "]]", []fonds.Span{withRef(withID(mention(fonds.SpanPerson, "Andrei Sakharov", "Sakharov"), "#p_SAA_1"), sakharovQ)}, ""},
		{"[[place:Helsinki||#pl12]]", []fonds.Span{withID(mention(fonds.SpanPlace, "Helsinki", "Helsinki"), "#pl12")}, ""},
		{"[[Leonid Brezhnev|{hand:L.I.}]]", []fonds.Span{mention(fonds.SpanPerson, "Leonid Brezhnev", "", kind(fonds.SpanHandwritten, "L.I."))}, "{person=Leonid Brezhnev:{hand:L.I.}}"},
		{"[[Mikhail Suslov|Suslov [sic]]] did", []fonds.Span{mention(fonds.SpanPerson, "Mikhail Suslov", "", txt("Suslov "), note("sic")), txt(" did")}, ""},
		{"[[Andrei Sakharov|Sakharov and [[Elena Bonner|Bonner]]]]", []fonds.Span{mention(fonds.SpanPerson, "Andrei Sakharov", "", txt("Sakharov and "), mention(fonds.SpanPerson, "Elena Bonner", "Bonner"))}, ""},
		{`[[A\|B \]\] C|x\|y \]]]`, []fonds.Span{mention(fonds.SpanPerson, "A|B ]] C", "x|y ]")}, ""},
		{"[[Andrei\nSakharov|A. D.\nSakharov]]", []fonds.Span{mention(fonds.SpanPerson, "Andrei Sakharov", "A. D. Sakharov")}, ""},
		{"{hand:[[Yuri Andropov|Andropov]]}", []fonds.Span{kind(fonds.SpanHandwritten, "", mention(fonds.SpanPerson, "Yuri Andropov", "Andropov"))}, ""},
		{`\[\[not a mention\]\]`, []fonds.Span{txt("[[not a mention]]")}, ""},
		{`\[[a note]`, []fonds.Span{txt("["), note("a note")}, ""},
		{"[a [[B]] note]", []fonds.Span{note("a [[B]] note")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			d, w := parseString(t, "1 May 1977\n\nDescription.\n\n"+tt.body+"\n")
			if len(w) > 0 {
				t.Errorf("Parse(%q) warnings = %+v, want none", tt.body, w)
			}
			want := fonds.Text{para(tt.want...)}
			if got := d.Witnesses[0].Text; !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q) =\n%+v\nwant\n%+v", tt.body, got, want)
			}
			if tt.same != "" {
				d2, _ := parseString(t, "1 May 1977\n\nDescription.\n\n"+tt.same+"\n")
				if !reflect.DeepEqual(d2.Witnesses[0].Text, want) {
					t.Errorf("Parse(%q) = %+v, want the same as %q", tt.same, d2.Witnesses[0].Text, tt.body)
				}
			}
			checkRoundTrip(t, d, tt.body)
		})
	}
}

func TestMentionCells(t *testing.T) {
	d, _ := parseString(t, "1 May 1977\n\nList.\n\n| [[Andrei Sakharov|Sakharov]] | [[place:Gorky|Горький|https://example.org/places/gorky]] |\n")
	want := fonds.Text{block(fonds.BlockRow,
		kind(fonds.SpanCell, "", mention(fonds.SpanPerson, "Andrei Sakharov", "Sakharov")),
		kind(fonds.SpanCell, "", fonds.Span{Kind: fonds.SpanPlace, Target: "Gorky", Text: "Горький", Ref: "https://example.org/places/gorky"}))}
	if got := d.Witnesses[0].Text; !reflect.DeepEqual(got, want) {
		t.Errorf("row =\n%+v\nwant\n%+v", got, want)
	}
}

func TestMentionErrors(t *testing.T) {
	const head = "19 May 1977* (Pb 56/68) Human rights\n\nPolitburo. Instructions.\n\n"
	tests := []struct {
		name, in string
		want     string
	}{
		{"unclosed", head + "Text of [[Andrei Sakharov|Sakharov\nand more.\n",
			`bad.txt:5: column 9: unclosed "[[" (a mention ends with "]]"; write \[\[ for two brackets)`},
		{"unclosed with one bracket", head + "[[Andrei Sakharov|Sakharov]\n", `bad.txt:5: column 1: unclosed "[["`},
		{"unclosed in markup", head + "A [[Yuri Andropov|{hand:Andropov]]}\n", `bad.txt:5: column 3: unclosed "[["`},
		{"old nested note", head + "[[x] y]\n", `bad.txt:5: column 1: unclosed "[["`},
		{"empty name", head + "Text\nof [[|Sakharov]]\n", `bad.txt:6: column 4: "[[" without a name: write [[Name]] or [[Name|as written]]`},
		{"blank name", head + "[[ \t]]\n", `bad.txt:5: column 1: "[[" without a name`},
		{"empty place", head + "In [[place:|Москве]].\n", `bad.txt:5: column 4: "[[" without a name`},
		{"not a URI", head + "[[Andrei Sakharov|Sakharov|Q160556]]\n",
			`bad.txt:5: column 28: "Q160556" is not a URI: the third part of "[[" holds URIs (https://…) and an identifier (#id), separated by spaces`},
		{"second token", head + "[[Andrei Sakharov||" + sakharovQ + " viaf]]\n", `bad.txt:5: column 60: "viaf" is not a URI`},
		{"two ids", head + "[[Andrei Sakharov||#p1 #p2]]\n", `bad.txt:5: column 24: "[[" gives two identifiers, "#p1" and "#p2"`},
		{"four parts", head + "[[Andrei Sakharov|Sakharov|" + sakharovQ + "|x]]\n", `bad.txt:5: column 67: "[[" has more than three parts (write \| for a bar)`},
		{"four empty parts", head + "[[Andrei Sakharov|Sakharov||]]\n", `bad.txt:5: column 28: "[[" has more than three parts`},
		{"unknown kind", head + "In [[plce:Moscow]].\n", `bad.txt:5: column 6: unknown kind "plce:" in "[[": person, place, org or term`},
		{"indented second line", head + "First line,\n   then [[place:]] here\n", `bad.txt:6: column 9: "[[" without a name`},
		{"after Cyrillic", head + "Доклад [[]]\n", `bad.txt:5: column 8: "[[" without a name`},
		{"in a cell", head + "| a | [[org:|b]] |\n", `bad.txt:5: column 7: "[[" without a name`},
		{"in a quote", head + "> quoted\n>  [[x|y|z]]\n", `bad.txt:6: column 10: "z" is not a URI`},
		{"in the title", "19 May 1977* (Pb 56/68) On  [[Andrei Sakharov|Sakharov\n", `bad.txt:1: column 29: unclosed "[["`},
		{"in the trailing-date title", "  On [[]] (14 May 1975)\n", `bad.txt:1: column 6: "[[" without a name`},
		{"in the source note", "19 May 1977\n\nPolitburo.\n  Instructions [Source: papers of [[Andrei Sakharov|Sakharov|Q1]]]\n",
			`bad.txt:4: column 62: "Q1" is not a URI`},
		{"nested too deep", head + strings.Repeat("[[A|", 101) + "x" + strings.Repeat("]]", 101) + "\n", `bad.txt:5: column 401: markup nested more than 100 deep`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _, err := Parse(strings.NewReader(tt.in), "bad.txt")
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error %q", tt.in, d, tt.want)
			}
			var pe *fonds.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, fonds.ErrInvalid) {
				t.Errorf("Parse(%q) error %#v is not a ParseError", tt.in, err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %q, want %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestTitleAndSourceMentions(t *testing.T) {
	in := "12 January 1974* (Pb 121/40) On [[Andrei Sakharov|A. D. Sakharov|" + sakharovQ + "]] and {braces} [x]\n\n" +
		"Politburo. Resolution. [R 12 January 1974, Pb 121/40] Excerpt.\n"
	d, _ := parseString(t, in)
	wantTitle := []fonds.Span{txt("On "), {Kind: fonds.SpanPerson, Target: "Andrei Sakharov", Text: "A. D. Sakharov", Ref: sakharovQ}, txt(" and {braces} [x]")}
	if d.Title != "On A. D. Sakharov and {braces} [x]" || !reflect.DeepEqual(d.TitleText, wantTitle) {
		t.Errorf("Title, TitleText = %q, %+v; want %q, %+v", d.Title, d.TitleText, "On A. D. Sakharov and {braces} [x]", wantTitle)
	}
	if d.SourceText != nil {
		t.Errorf("SourceText = %+v, want none for a note without mentions", d.SourceText)
	}
	wantPersons := []fonds.Person{{Name: "Andrei Sakharov", Written: "A. D. Sakharov"}}
	if !reflect.DeepEqual(d.Persons, wantPersons) {
		t.Errorf("Persons = %+v, want %+v", d.Persons, wantPersons)
	}
	checkRoundTrip(t, d, "a title with a mention")

	in = "Letter of [[Yuri Andropov|Andropov]] (14 May 1975)\n\n" +
		"Note. [Source: papers of [[place:Gorky|the Gorky\n  exile]] group, [[org:Committee for State Security|KGB|#o1]]] (2 pp)\n"
	d, _ = parseString(t, in)
	if d.Title != "Letter of Andropov" || len(d.TitleText) != 2 {
		t.Errorf("trailing-date title = %q, %+v", d.Title, d.TitleText)
	}
	wantSource := []fonds.Span{txt("papers of "), mention(fonds.SpanPlace, "Gorky", "the Gorky exile"), txt(" group, "),
		{Kind: fonds.SpanOrg, Target: "#o1", Label: "Committee for State Security", Text: "KGB"}}
	if d.Source != "papers of the Gorky exile group, KGB" || !reflect.DeepEqual(d.SourceText, wantSource) {
		t.Errorf("Source, SourceText = %q, %+v; want %+v", d.Source, d.SourceText, wantSource)
	}
	if d.Summary != "Note. (2 pp)" || d.ExtentPages != 2 {
		t.Errorf("Summary = %q, extent %d", d.Summary, d.ExtentPages)
	}
	checkRoundTrip(t, d, "a source note with mentions")

	// The reference of a source note is read from its words.
	d, _ = parseString(t, "19 May 1977\n\nLetter. [R 19 May 1977, [[org:Politburo|Pb]] 56-68]\n")
	if r := d.PrimaryReference(); r.Written != "Pb 56-68" || r.Origin != "source" {
		t.Errorf("reference of a source note with a mention = %+v, want Pb 56-68", r)
	}
	checkRoundTrip(t, d, "a reference with a mention")
}

// mentionFacts is what a mention says: its kind, canonical name, words and
// authority.
type mentionFacts struct {
	Kind            fonds.SpanKind
	Name, Words, ID string
	Ref             string
}

func mentionsOf(d *fonds.Document) []mentionFacts {
	var out []mentionFacts
	add := func(s fonds.Span) {
		if !isMention(s.Kind) {
			return
		}
		name, id := mentionName(s)
		out = append(out, mentionFacts{s.Kind, name, s.PlainText(), id, s.Ref})
	}
	fonds.Text{{Spans: d.TitleText}, {Spans: d.SourceText}}.Walk(add)
	for _, w := range d.Witnesses {
		w.Text.Walk(add)
	}
	return out
}

// TestWriteMentions writes mentions made elsewhere (by the TEI reader, the
// editor) and checks what is written and what is read back.
func TestWriteMentions(t *testing.T) {
	labelled := fonds.Span{Kind: fonds.SpanPerson, Target: "#p_SAA_1", Label: "Andrei Sakharov", Text: "Sakharov", Ref: sakharovQ}
	tests := []struct {
		span    fonds.Span
		written string
		// back is what is read back when it differs.
		back *mentionFacts
	}{
		{mention(fonds.SpanPerson, "Leonid Brezhnev", "L.I."), "[[Leonid Brezhnev|L.I.]]", nil},
		{mention(fonds.SpanPerson, "Andrei Sakharov", "Andrei Sakharov"), "[[Andrei Sakharov]]", nil},
		{mention(fonds.SpanPerson, "", "Brezhnev"), "{person:Brezhnev}", nil},
		{mention(fonds.SpanPlace, "Moscow", "Москве"), "[[place:Moscow|Москве]]", nil},
		{mention(fonds.SpanOrg, "TASS", "TASS"), "[[org:TASS]]", nil},
		{mention(fonds.SpanTerm, "United Nations", "UN"), "[[term:United Nations|UN]]", nil},
		{labelled, "[[Andrei Sakharov|Sakharov|#p_SAA_1 " + sakharovQ + "]]", nil},
		{fonds.Span{Kind: fonds.SpanPlace, Target: "#pl12", Text: "Helsinki"}, "{place=#pl12:Helsinki}", nil},
		{fonds.Span{Kind: fonds.SpanPlace, Target: "#pl12", Label: "Helsinki", Text: "Helsinki"}, "[[place:Helsinki||#pl12]]", nil},
		// An identifier that is no "#" reference is not written: the name is.
		{fonds.Span{Kind: fonds.SpanPerson, Target: "p_SAA_1", Label: "Andrei Sakharov", Text: "Sakharov"}, "[[Andrei Sakharov|Sakharov]]",
			&mentionFacts{fonds.SpanPerson, "Andrei Sakharov", "Sakharov", "", ""}},
		// URIs without a name: the words stand for it.
		{fonds.Span{Kind: fonds.SpanPerson, Text: "Сахарова", Ref: sakharovQ}, "[[Сахарова||" + sakharovQ + "]]",
			&mentionFacts{fonds.SpanPerson, "Сахарова", "Сахарова", "", sakharovQ}},
		// A token that is no URI could not be read back.
		{fonds.Span{Kind: fonds.SpanPerson, Target: "Andrei Sakharov", Text: "Sakharov", Ref: "Q160556 " + sakharovV}, "[[Andrei Sakharov|Sakharov|" + sakharovV + "]]",
			&mentionFacts{fonds.SpanPerson, "Andrei Sakharov", "Sakharov", "", sakharovV}},
		{mention(fonds.SpanPerson, "Leonid Brezhnev", "", kind(fonds.SpanHandwritten, "L.I.")), "[[Leonid Brezhnev|{hand:L.I.}]]", nil},
		{mention(fonds.SpanPerson, "place: x|y]]", "a|b]] [c"), `[[person:place: x\|y\]\]|a\|b\]\] \[c]]`, nil},
		{mention(fonds.SpanPerson, "Leonid Brezhnev", ""), "{person=Leonid Brezhnev:}", nil},
		{fonds.Span{Kind: fonds.SpanPerson, Target: "#p1", Label: " Yuri\nAndropov", Text: "Andropov"}, "[[Yuri Andropov|Andropov|#p1]]",
			&mentionFacts{fonds.SpanPerson, "Yuri Andropov", "Andropov", "#p1", ""}},
		{fonds.Span{Kind: fonds.SpanPerson, Target: " Yuri Andropov", Text: "Andropov"}, "{person= Yuri Andropov:Andropov}", nil},
		{fonds.Span{Kind: fonds.SpanPlace, Target: "#pl12", Text: "Helsinki", Ref: "https://example.org/places/helsinki"}, "[[place:#pl12|Helsinki|https://example.org/places/helsinki]]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.written, func(t *testing.T) {
			d := testDocument(fonds.Text{para(txt("By "), tt.span, txt("."))})
			var out bytes.Buffer
			if err := Write(&out, d); err != nil {
				t.Fatal(err)
			}
			if want := "\nBy " + tt.written + ".\n"; !strings.Contains(out.String(), want) {
				t.Errorf("Write(%+v) =\n%s\nwant the line %q", tt.span, out.String(), want)
			}
			d2, _, err := Parse(bytes.NewReader(out.Bytes()), "written.txt")
			if err != nil {
				t.Fatalf("Parse(Write(%+v)): %v", tt.span, err)
			}
			want := mentionsOf(d)
			if tt.back != nil {
				want = []mentionFacts{*tt.back}
			}
			if got := mentionsOf(d2); !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(Write(%+v)) mentions = %+v, want %+v", tt.span, got, want)
			}
		})
	}
}

func testDocument(text fonds.Text) *fonds.Document {
	d := &fonds.Document{Date: fonds.Date{Start: "1977-05-19", End: "1977-05-19", Precision: fonds.PrecisionDay, Written: "19 May 1977"},
		Summary: "Letter.", Type: "letter", Languages: []string{"en"},
		Witnesses: []fonds.Witness{{Language: "en", Role: fonds.RoleOriginal, Text: text}},
		Pages:     []fonds.Page{{N: 1}}, Status: fonds.StatusPublished}
	d.ID = fonds.DocumentID(d)
	return d
}

// TestWriteTitleAndSource writes the mentions of a heading and a source
// note made elsewhere, and literal brackets beside them.
func TestWriteTitleAndSource(t *testing.T) {
	vance := fonds.Span{Kind: fonds.SpanPerson, Target: "#p_VCR_1", Label: "Cyrus Vance", Text: "Vance"}
	tests := []struct {
		title, source []fonds.Span
		heading, note string // as written
		// back is the mentions read back when they differ.
		back []mentionFacts
	}{
		{[]fonds.Span{txt("Memorandum From "), vance}, nil, "Memorandum From [[Cyrus Vance|Vance|#p_VCR_1]]", "", nil},
		{[]fonds.Span{vance, txt(" to "), mention(fonds.SpanPerson, "Leonid Brezhnev", "Brezhnev")}, nil, "[[Cyrus Vance|Vance|#p_VCR_1]] to [[Leonid Brezhnev|Brezhnev]]", "", nil},
		{[]fonds.Span{txt("[[draft]] a["), vance, txt(`\`)}, nil, `\[[draft]] a\[[[Cyrus Vance|Vance|#p_VCR_1]]\\`, "", nil},
		// A mention of a title without a name takes its words for one.
		{[]fonds.Span{txt("(Secret) "), mention(fonds.SpanPerson, "", "Vance")}, nil, `\(Secret) [[Vance]]`, "",
			[]mentionFacts{{fonds.SpanPerson, "Vance", "Vance", "", ""}}},
		// An identifier without a name is written as the name.
		{[]fonds.Span{mention(fonds.SpanPerson, "#p_VCR_1", "Vance")}, nil, `[[#p_VCR_1|Vance]]`, "", nil},
		{[]fonds.Span{txt("By "), mention(fonds.SpanPerson, "Cyrus Vance", "", txt("Vance "), kind(fonds.SpanEmphasis, "himself"))}, nil,
			"By [[Cyrus Vance|Vance himself]]", "", nil},
		{nil, []fonds.Span{txt("Carter Library, drafted by "), vance, txt(" [x]")}, "", "[Source: Carter Library, drafted by [[Cyrus Vance|Vance|#p_VCR_1]] \\[x\\]]", nil},
		{nil, []fonds.Span{txt("R 1 May 1977, by "), mention(fonds.SpanPerson, "Cyrus Vance", "Vance")}, "", "[R 1 May 1977, by [[Cyrus Vance|Vance]]]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.heading+tt.note, func(t *testing.T) {
			d := testDocument(fonds.Text{para(txt("Text."))})
			d.Title, d.TitleText = plainOf(tt.title), tt.title
			d.Source, d.SourceText = plainOf(tt.source), tt.source
			var out bytes.Buffer
			if err := Write(&out, d); err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(out.String(), "\n")
			if tt.heading != "" && first != "19 May 1977 "+tt.heading {
				t.Errorf("heading = %q, want %q", first, "19 May 1977 "+tt.heading)
			}
			if tt.note != "" && !strings.Contains(out.String(), tt.note) {
				t.Errorf("written =\n%s\nwant the source note %q", out.String(), tt.note)
			}
			d2, _, err := Parse(bytes.NewReader(out.Bytes()), "written.txt")
			if err != nil {
				t.Fatalf("Parse(Write()): %v\n%s", err, out.String())
			}
			if d2.Title != d.Title || d2.Source != d.Source {
				t.Errorf("read back title %q, source %q; want %q, %q", d2.Title, d2.Source, d.Title, d.Source)
			}
			want := mentionsOf(d)
			if tt.back != nil {
				want = tt.back
			}
			if got := mentionsOf(d2); !reflect.DeepEqual(got, want) {
				t.Errorf("mentions read back = %+v, want %+v", got, want)
			}
		})
	}
}
