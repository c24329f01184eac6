package query

import (
	"reflect"
	"strings"
	"testing"
)

// rootString returns the canonical form of the tree of q, or "".
func rootString(q Query) string {
	if q.Root == nil {
		return ""
	}
	return q.Root.String()
}

var long = strings.Repeat("права ", 2000) // 12,000 characters

var seventy = func() string {
	var b strings.Builder
	for i := range 70 {
		b.WriteString("w")
		b.WriteByte(byte('a' + i/26))
		b.WriteByte(byte('a' + i%26))
		b.WriteByte(' ')
	}
	return b.String()
}()

var parseTests = []struct {
	in          string
	root        string // Root.String(), "" when nil
	from, to    string
	year        int
	interpreted string
}{
	// Words.
	{in: "", root: ""},
	{in: "   ", root: ""},
	{in: "human rights", root: "human rights"},
	{in: "Human   RIGHTS", root: "human rights"},
	{in: "права человека", root: "права человека"},
	{in: "ПРАВА Человека", root: "права человека"},
	{in: "anti-Soviet O’Brien", root: "anti-soviet o'brien"},
	{in: "human rights, détente!", root: "human rights détente"},
	{in: "Сахаров: ссылка", root: "сахаров ссылка"},
	{in: "10:30", root: "10 30"},
	{in: "human\trights\n", root: "human rights"},
	{in: "soft\u00adhyphen", root: "softhyphen"},
	{in: "a\xffb", root: "a b"},
	{in: "ст. 70", root: "ст 70"},
	{in: "70-х годов", root: "70-х годов"},

	// Phrases.
	{in: `"human rights"`, root: `"human rights"`},
	{in: `“human rights”`, root: `"human rights"`},
	{in: `«права человека»`, root: `"права человека"`},
	{in: `„Menschenrechte“ Helsinki`, root: `"menschenrechte" helsinki`},
	{in: `"Sakharov OR Bonner"`, root: `"sakharov or bonner"`},
	{in: `"May 1977"`, root: `"may 1977"`},
	{in: `""`, root: ""},
	{in: `"human rights"Helsinki`, root: `"human rights" helsinki`},

	// OR, AND and grouping.
	{in: "Sakharov OR Bonner", root: "sakharov OR bonner"},
	{in: "Sakharov | Bonner", root: "sakharov OR bonner"},
	{in: "Sakharov || Bonner", root: "sakharov OR bonner"},
	{in: "Сахаров ИЛИ Боннэр", root: "сахаров OR боннэр"},
	{in: "(Sakharov OR Bonner) exile", root: "(sakharov OR bonner) exile"},
	{in: "Sakharov OR Bonner exile", root: "(sakharov OR bonner) exile"},
	{in: "exile (Sakharov OR Bonner OR Orlov)", root: "exile (sakharov OR bonner OR orlov)"},
	{in: "(Sakharov OR Bonner) OR Orlov", root: "sakharov OR bonner OR orlov"},
	{in: "(Gorky exile) OR Sakharov", root: "(gorky exile) OR sakharov"},
	{in: "права человека ИЛИ Сахаров", root: "права (человека OR сахаров)"},
	{in: "Sakharov or Bonner", root: "sakharov or bonner"},
	{in: "((Sakharov))", root: "sakharov"},
	{in: "()", root: ""},
	{in: "Sakharov AND Bonner", root: "sakharov bonner"},
	{in: "Сахаров И Боннэр", root: "сахаров боннэр"},

	// Exclusion.
	{in: "-KGB", root: "-kgb"},
	{in: "Helsinki -KGB", root: "helsinki -kgb"},
	{in: `Helsinki -"human rights"`, root: `helsinki -"human rights"`},
	{in: "Helsinki NOT KGB", root: "helsinki -kgb"},
	{in: "Хельсинки НЕ КГБ", root: "хельсинки -кгб"},
	{in: "-(Sakharov OR Bonner) exile", root: "-(sakharov OR bonner) exile"},
	{in: "-(Gorky exile)", root: "-(gorky exile)"},
	{in: "--KGB", root: "-kgb"},
	{in: "NOT -KGB", root: "kgb"},
	{in: "-OR", root: "-or"},
	{in: "Sakharov OR -Bonner", root: "sakharov OR -bonner"},

	// Prefixes and fuzzy words.
	{in: "dissid*", root: "dissid*"},
	{in: "диссид*", root: "диссид*"},
	{in: "dissid**", root: "dissid*"},
	{in: "dissid*.", root: "dissid*"},
	{in: "ab*", root: "ab*"},
	{in: "d*", root: "d", interpreted: `A prefix needs at least 2 letters before "*"; read as: d`},
	{in: "dis*sid", root: "dis sid", interpreted: `"*" and "~" work only at the end of a word; read as: dis sid`},
	{in: "Shcharansky~", root: "shcharansky~2"},
	{in: "Orlov~", root: "orlov~1"},
	{in: "Orlov~2", root: "orlov~2"},
	{in: "Щаранский~1", root: "щаранский~1"},
	{in: "Orlov~3", root: "orlov~2", interpreted: `"~" takes 1 or 2; read as: orlov~2`},
	{in: "Orlov~0", root: "orlov", interpreted: `"~" takes 1 or 2; read as: orlov`},
	{in: "a~", root: "a", interpreted: `"~" needs a word of at least 2 letters; read as: a`},

	// Fields.
	{in: "title:rights", root: "title:rights"},
	{in: `person:"Andrei Sakharov"`, root: `person:"andrei sakharov"`},
	{in: `person:«Андрей Сахаров»`, root: `person:"андрей сахаров"`},
	{in: "Person:Sakharov", root: "person:sakharov"},
	{in: "creator:Politburo", root: "creator:politburo"},
	{in: "collection:sample lang:ru type:letter category:emigration",
		root: "collection:sample lang:ru type:letter category:emigration"},
	{in: "language:en", root: "lang:en"},
	{in: "title:dissid*", root: "title:dissid*"},
	{in: "person:Sakharov~", root: "person:sakharov~2"},
	{in: "-person:Brezhnev Helsinki", root: "-person:brezhnev helsinki"},
	{in: "title:human,rights", root: `title:"human rights"`},
	{in: `title:"Human Rights" OR person:Orlov`, root: `title:"human rights" OR person:orlov`},
	{in: "title:", root: "title", interpreted: `"title:" had no value; read as: title`},
	{in: `title:""`, root: "title", interpreted: `"title:" had no value; read as: title`},
	{in: "title: rights", root: "title rights", interpreted: `"title:" had no value; read as: title rights`},
	{in: "title:*", root: "title", interpreted: `"title:" had no value; read as: title`},
	{in: "foo:bar", root: "foo bar", interpreted: `There is no field "foo:"; read as: foo bar`},
	{in: "автор:Сахаров", root: "автор сахаров", interpreted: `There is no field "автор:"; read as: автор сахаров`},
	{in: "http://example.org", root: "http example.org", interpreted: `There is no field "http:"; read as: http example.org`},

	// Date filters.
	{in: "year:1977", from: "1977-01-01", to: "1977-12-31"},
	{in: "Helsinki year:1977", root: "helsinki", from: "1977-01-01", to: "1977-12-31"},
	{in: "from:1977-05 to:1977-06", from: "1977-05-01", to: "1977-06-30"},
	{in: "from:1977", from: "1977-01-01"},
	{in: "to:1977-05-19", to: "1977-05-19"},
	{in: "from:19.05.1977", from: "1977-05-19"},
	{in: `from:"May 1977"`, from: "1977-05-01"},
	{in: `to:"19 мая 1977 г."`, to: "1977-05-19"},
	{in: "decade:1970s", from: "1970-01-01", to: "1979-12-31"},
	{in: "decade:1970", from: "1970-01-01", to: "1979-12-31"},
	{in: "date:1977-05", from: "1977-05-01", to: "1977-05-31"},
	{in: "date:1980-02", from: "1980-02-01", to: "1980-02-29"},
	{in: "year:1977 from:1977-06", from: "1977-06-01", to: "1977-12-31"},
	{in: "(Sakharov year:1977)", root: "sakharov", from: "1977-01-01", to: "1977-12-31"},
	{in: "decade:1977", root: "decade 1977", year: 1977,
		interpreted: `"1977" is not a date; read as: decade 1977`},
	{in: "year:abc", root: "year abc", interpreted: `"abc" is not a date; read as: year abc`},
	{in: "from:1977-13", root: "from 1977-13", interpreted: `"1977-13" is not a date; read as: from 1977-13`},
	{in: "year:1977 year:1978", from: "1978-01-01", to: "1978-12-31",
		interpreted: "The dates did not overlap, so only the last was used; read as: year:1978"},
	{in: "from:1980 to:1977", from: "1977-01-01", to: "1980-12-31",
		interpreted: `"from:" and "to:" were swapped; read as: from:1977 to:1980`},
	{in: "Helsinki OR year:1977", root: "helsinki", from: "1977-01-01", to: "1977-12-31",
		interpreted: "Dates apply to the whole query; read as: helsinki year:1977"},
	{in: "Helsinki -year:1977", root: "helsinki",
		interpreted: "Dates cannot be excluded; read as: helsinki"},

	// Plain dates.
	{in: "May 1977", from: "1977-05-01", to: "1977-05-31"},
	{in: "19 May 1977", from: "1977-05-19", to: "1977-05-19"},
	{in: "May 19, 1977", from: "1977-05-19", to: "1977-05-19"},
	{in: "Politburo 19 May 1977", root: "politburo", from: "1977-05-19", to: "1977-05-19"},
	{in: "1977-05-19", from: "1977-05-19", to: "1977-05-19"},
	{in: "1977-05 Helsinki", root: "helsinki", from: "1977-05-01", to: "1977-05-31"},
	{in: "Nov. 1969", from: "1969-11-01", to: "1969-11-30"},
	{in: "Солженицын февраль 1974", root: "солженицын", from: "1974-02-01", to: "1974-02-28"},
	{in: "19 мая 1977 г. Политбюро", root: "политбюро", from: "1977-05-19", to: "1977-05-19"},
	{in: "19.05.1977", from: "1977-05-19", to: "1977-05-19"},
	{in: "(Sakharov May 1977)", root: "sakharov", from: "1977-05-01", to: "1977-05-31"},
	{in: "year:1977 May 1977", from: "1977-05-01", to: "1977-05-31"},
	{in: "30 February 1977", root: "30", from: "1977-02-01", to: "1977-02-28"},
	{in: "Sakharov OR May 1977", root: "(sakharov OR may) 1977", year: 1977},
	{in: "-May 1977", root: "-may 1977", year: 1977},
	{in: "May", root: "may"},
	{in: "1977-13", root: "1977-13"},

	// Years as hints.
	{in: "1977", root: "1977", year: 1977},
	{in: "Sakharov 1977", root: "sakharov 1977", year: 1977},
	{in: "Sakharov 1977 1980", root: "sakharov 1977 1980", year: 1977},
	{in: "1850", root: "1850"},
	{in: "2030", root: "2030"},
	{in: "-1977", root: "-1977"},
	{in: "1977 OR 1978", root: "1977 OR 1978"},

	// Credits.
	{in: "translator:Crowfoot", root: "translator:crowfoot"},
	{in: `Translator:"John Crowfoot"`, root: `translator:"john crowfoot"`},
	{in: "credit:Crowfoot", root: "credit:crowfoot"},
	{in: "credits:Crowfoot", root: "credit:crowfoot"},
	{in: "transcriber:Orlov", root: "transcriber:orlov"},
	{in: "editor:Orlov*", root: "editor:orlov*"},

	// References.
	{in: "Pb 56/68", root: `ref:"Pb 56/68"`},
	{in: "pb 56-68", root: `ref:"pb 56-68"`},
	{in: "PB 56 / 68", root: `ref:"PB 56/68"`},
	{in: "P 56/68", root: `ref:"P 56/68"`},
	{in: "St 118/12", root: `ref:"St 118/12"`},
	{in: "St-21/7", root: `ref:"St-21/7"`},
	{in: "2811-A", root: `ref:"2811-A"`},
	{in: "1530-A/ov", root: `ref:"1530-A/ov"`},
	{in: "1102\u2011S", root: "ref:\"1102\u2011S\""},
	{in: "No 340", root: `ref:"No 340"`},
	{in: "No. 340", root: `ref:"No 340"`},
	{in: "П 56/68", root: `ref:"П 56/68"`},
	{in: "Пб 56/68", root: `ref:"Пб 56/68"`},
	{in: "P56/68", root: `ref:"P56/68"`},
	{in: "Ст 248/9", root: `ref:"Ст 248/9"`},
	{in: "Ст-248/9", root: `ref:"Ст-248/9"`},
	{in: "ст. 70", root: "ст 70"},
	{in: "Pb 56/68 human rights", root: `ref:"Pb 56/68" human rights`},
	{in: "[Pb 56-68]", root: `ref:"Pb 56-68"`},
	{in: "Pb 56/68 OR St 118/12", root: `ref:"Pb 56/68" OR ref:"St 118/12"`},
	{in: "-Pb 56/68", root: `-ref:"Pb 56/68"`},
	{in: "NOT Pb 56/68", root: `-ref:"Pb 56/68"`},
	{in: "pb (56/68)", root: `ref:"pb 56/68"`},
	{in: "-(pb) 56/68", root: `-ref:"pb 56/68"`},
	{in: "ref:2811-A", root: `ref:"2811-A"`},
	{in: `ref:"Pb 56/68"`, root: `ref:"Pb 56/68"`},
	{in: "ref:Pb 56/68", root: `ref:"Pb 56/68"`},
	{in: "reference:Pb 56/68", root: `ref:"Pb 56/68"`},
	{in: "ref:Pb (56/68)", root: `ref:"Pb" 56/68`},
	{in: "pb May 1977 56/68", root: `ref:"pb 56/68"`, from: "1977-05-01", to: "1977-05-31"},
	{in: "ref:pb*", root: `ref:"pb"`, interpreted: `"*" and "~" do not apply to "ref:"; read as: ref:"pb"`},
	{in: "Pb", root: "pb"},
	{in: "p 5", root: "p 5"},
	{in: "56/68", root: "56/68"},

	// Malformed queries.
	{in: `"human rights`, root: "human rights", interpreted: "The closing quote was missing; read as: human rights"},
	{in: `human rights"`, root: "human rights", interpreted: "The closing quote was missing; read as: human rights"},
	{in: `“human rights`, root: "human rights", interpreted: "The closing quote was missing; read as: human rights"},
	{in: `«права человека`, root: "права человека", interpreted: "The closing quote was missing; read as: права человека"},
	{in: `person:"Sakharov`, root: "person sakharov",
		interpreted: `"person:" had no value; the closing quote was missing; read as: person sakharov`},
	{in: "(Sakharov OR Bonner exile", root: "(sakharov OR bonner) exile",
		interpreted: "The closing parenthesis was missing; read as: (sakharov OR bonner) exile"},
	{in: "Sakharov OR Bonner) exile", root: "(sakharov OR bonner) exile",
		interpreted: "A closing parenthesis without an opening one was ignored; read as: (sakharov OR bonner) exile"},
	{in: ")(", root: "",
		interpreted: "A closing parenthesis without an opening one was ignored; the closing parenthesis was missing; nothing is left to search for."},
	{in: "Sakharov OR", root: "sakharov or", interpreted: `"OR" needs a term on each side; read as: sakharov or`},
	{in: "OR Sakharov", root: "or sakharov", interpreted: `"OR" needs a term on each side; read as: or sakharov`},
	{in: "Сахаров ИЛИ", root: "сахаров или", interpreted: `"ИЛИ" needs a term on each side; read as: сахаров или`},
	{in: "Sakharov |", root: "sakharov", interpreted: `"|" needs a term on each side; read as: sakharov`},
	{in: "(Sakharov OR) Bonner", root: "sakharov or bonner", interpreted: `"OR" needs a term on each side; read as: sakharov or bonner`},
	{in: "NOT", root: "not", interpreted: `"NOT" needs a term after it; read as: not`},
	{in: "Sakharov NOT", root: "sakharov not", interpreted: `"NOT" needs a term after it; read as: sakharov not`},
	{in: "AND", root: "and", interpreted: `"AND" needs a term on each side; read as: and`},
	{in: "-", root: "", interpreted: `A lone "-" was ignored; nothing is left to search for.`},
	{in: "Sakharov - Bonner", root: "sakharov bonner", interpreted: `A lone "-" was ignored; read as: sakharov bonner`},
	{in: "Sakharov -", root: "sakharov", interpreted: `A lone "-" was ignored; read as: sakharov`},
	{in: "***", root: "", interpreted: `"***" has no words; nothing is left to search for.`},
	{in: "~", root: "", interpreted: `"~" has no words; nothing is left to search for.`},
	{in: "human\x00rights\x07", root: "human rights", interpreted: "Control characters were ignored; read as: human rights"},
	{in: long, root: strings.TrimSpace(strings.Repeat("права ", 64)),
		interpreted: "The query was cut to 1,000 characters; only the first 64 terms were used; read as: " +
			strings.TrimSpace(strings.Repeat("права ", 64))},
	{in: seventy, root: strings.Join(strings.Fields(seventy)[:64], " "),
		interpreted: "Only the first 64 terms were used; read as: " + strings.Join(strings.Fields(seventy)[:64], " ")},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		name := tt.in
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			q := Parse(tt.in)
			if got := rootString(q); got != tt.root {
				t.Errorf("Parse(%q).Root = %q, want %q", tt.in, got, tt.root)
			}
			if q.DateFrom != tt.from || q.DateTo != tt.to {
				t.Errorf("Parse(%q) dates = %q..%q, want %q..%q", tt.in, q.DateFrom, q.DateTo, tt.from, tt.to)
			}
			if q.YearHint != tt.year {
				t.Errorf("Parse(%q).YearHint = %d, want %d", tt.in, q.YearHint, tt.year)
			}
			if q.Interpreted != tt.interpreted {
				t.Errorf("Parse(%q).Interpreted = %q, want %q", tt.in, q.Interpreted, tt.interpreted)
			}
		})
	}
}

// TestRoundTrip checks that the canonical form of a query reads back as the
// same query, read as written.
func TestRoundTrip(t *testing.T) {
	for _, tt := range parseTests {
		checkRoundTrip(t, tt.in)
	}
}

func checkRoundTrip(t *testing.T, s string) {
	t.Helper()
	q := Parse(s)
	r := Parse(rootString(q))
	if !reflect.DeepEqual(r.Root, q.Root) || r.YearHint != q.YearHint {
		t.Errorf("Parse(%q) = %#v (year %d), but Parse(%q) = %#v (year %d)",
			rootString(q), r.Root, r.YearHint, s, q.Root, q.YearHint)
	}
	c := q.String()
	if len([]rune(c)) > MaxLength {
		return // it would be cut
	}
	r = Parse(c)
	if !reflect.DeepEqual(r.Root, q.Root) || r.DateFrom != q.DateFrom || r.DateTo != q.DateTo || r.YearHint != q.YearHint {
		t.Errorf("Parse(%q) = %#v, but Parse(%q) = %#v", c, r, s, q)
	}
	if r.Interpreted != "" {
		t.Errorf("Parse(%q).Interpreted = %q, want \"\" for a canonical query", c, r.Interpreted)
	}
}

func TestNodes(t *testing.T) {
	tests := []struct {
		in   string
		want Node
	}{
		{"Shcharansky~1", Term{Text: "shcharansky", Fuzziness: 1}},
		{"title:dissid*", Term{Field: FieldTitle, Text: "dissid", Prefix: true}},
		{`person:"Andrei Sakharov"`, Phrase{Field: FieldPerson, Words: []string{"andrei", "sakharov"}}},
		{"pb 56-68", Reference{Written: "pb 56-68", Normalized: "pb 56/68"}},
		{"PB 56 / 68", Reference{Written: "PB 56/68", Normalized: "pb 56/68"}},
		{"St-21/7", Reference{Written: "St-21/7", Normalized: "st 21/7"}},
		{"No. 340", Reference{Written: "No 340", Normalized: "no 340"}},
		{"1530-A/ov", Reference{Written: "1530-A/ov", Normalized: "1530-a/ov"}},
		{"1102\u2011S", Reference{Written: "1102\u2011S", Normalized: "1102-s"}},
		{"-KGB Helsinki", And{[]Node{Not{Term{Text: "kgb"}}, Term{Text: "helsinki"}}}},
		{"a OR b", Or{[]Node{Term{Text: "a"}, Term{Text: "b"}}}},
	}
	for _, tt := range tests {
		if got := Parse(tt.in).Root; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q).Root = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestTerms(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"human rights", []string{"human", "rights"}},
		{`"human rights" Helsinki -KGB`, []string{"human", "rights", "helsinki"}},
		{"Sakharov OR Bonner sakharov", []string{"sakharov", "bonner"}},
		{"dissid* Shcharansky~ 1977 May 1977", []string{"shcharansky", "1977"}},
		{`person:"Andrei Sakharov" lang:ru collection:sample Pb 56/68`, []string{"andrei", "sakharov"}},
		{"-(a b) c", []string{"c"}},
	}
	for _, tt := range tests {
		if got := Parse(tt.in).Terms(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q).Terms() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestQueryString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Sakharov year:1977", "sakharov year:1977"},
		{"from:1977-05-19 to:1977-06", "from:1977-05-19 to:1977-06"},
		{"from:1977-05 to:1980", "from:1977-05 to:1980"},
		{"decade:1970s exile", "exile decade:1970s"},
		{"19 May 1977", "date:1977-05-19"},
		{"May 1977", "date:1977-05"},
		{"to:1977-05-18", "to:1977-05-18"},
	}
	for _, tt := range tests {
		if got := Parse(tt.in).String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}
