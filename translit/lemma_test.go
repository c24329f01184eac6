package translit

import (
	"strings"
	"testing"
)

// TestNameKey checks that every case form of a name, and its romanizations,
// have one key.
func TestNameKey(t *testing.T) {
	for _, tt := range []struct {
		forms []string
	}{
		// -ов, -ев, -ёв, -ин, -ын, in both genders and the plural.
		{[]string{"Брежнев", "Брежнева", "Брежневу", "Брежневым", "Брежневе", "Брежневой", "Брежневы", "Брежневых", "Brezhnev", "Brezhneva"}},
		{[]string{"Сахаров", "Сахарова", "Сахарову", "Сахаровым", "Сахарове", "Сахаровой", "Sakharov", "Sakharova", "Saxarov", "Sakharov's"}},
		{[]string{"Андропов", "Андропова", "Андропову", "Андроповым", "Андропове", "Andropov"}},
		{[]string{"Яковлев", "Яковлева", "Яковлеву", "Яковлевым", "Яковлеве", "Yakovlev", "Iakovlev", "Jakovlev", "Âkovlev", "Yakovleva"}},
		{[]string{"Горбачёв", "Горбачев", "Горбачёва", "Горбачёвым", "Горбачеве", "Gorbachev", "Gorbachëv"}},
		{[]string{"Щёлоков", "Щелокова", "Щёлоковым", "Shchelokov", "Ščelokov"}},
		{[]string{"Алексеева", "Алексеевой", "Алексеев", "Alekseeva", "Alekseyeva", "Alexeyeva"}},
		{[]string{"Орлов", "Орлова", "Орловым", "Орлове", "Orlov", "Orlova"}},
		{[]string{"Солженицын", "Солженицына", "Солженицыну", "Солженицыным", "Солженицыне", "Solzhenitsyn", "Solženicyn"}},
		{[]string{"Петрушин", "Петрушина", "Петрушину", "Петрушиным", "Petrushin"}},
		{[]string{"Ленин", "Ленина", "Ленину", "Лениным", "Ленине", "Lenin"}},
		// -ский, -цкий, -ской.
		{[]string{"Буковский", "Буковского", "Буковскому", "Буковским", "Буковском", "Буковская", "Буковской", "Буковскую", "Bukovsky", "Bukovskii", "Bukovskiy", "Bukovskij", "Bukovskaya"}},
		{[]string{"Щаранский", "Щаранского", "Щаранскому", "Щаранским", "Shcharansky", "Shcharanskii", "Ščaranskij"}},
		{[]string{"Синявский", "Синявского", "Синявскому", "Синявским", "Sinyavsky", "Siniavskii"}},
		{[]string{"Якубовский", "Якубовского", "Якубовским", "Yakubovsky"}},
		{[]string{"Троцкий", "Троцкого", "Троцкому", "Троцким", "Trotsky", "Trotskii"}},
		{[]string{"Донской", "Донского", "Донскому", "Donskoy", "Donskoi"}},
		// Other adjectival names.
		{[]string{"Толстой", "Толстого", "Толстому", "Толстым", "Толстом", "Tolstoy", "Tolstoi"}},
		{[]string{"Семичастный", "Семичастного", "Семичастному", "Семичастным", "Semichastny", "Semichastnyi", "Semichastnyy", "Semičastnyj"}},
		{[]string{"Горький", "Горького", "Горькому", "Горьким", "Gorky", "Gorkii", "Gor'kii"}},
		// Indeclinable: -ко, -их, -ых, foreign feminine.
		{[]string{"Григоренко", "Grigorenko"}},
		{[]string{"Кириленко", "Kirilenko"}},
		{[]string{"Громыко", "Gromyko"}},
		{[]string{"Черных", "Chernykh", "Černyh"}},
		{[]string{"Долгих", "Dolgikh"}},
		{[]string{"Боннэр", "Bonner"}},
		// First names.
		{[]string{"Андрей", "Андрея", "Андрею", "Андреем", "Андрее", "Andrei", "Andrey", "Andrej"}},
		{[]string{"Юрий", "Юрия", "Юрию", "Юрием", "Yury", "Yuri", "Iurii", "Jurij"}},
		{[]string{"Елена", "Елены", "Елене", "Елену", "Еленой", "Elena", "Yelena"}},
		{[]string{"Иван", "Ивана", "Ивану", "Иваном", "Иване", "Ivan"}},
		{[]string{"Ольга", "Ольги", "Ольге", "Ольгу", "Ольгой", "Olga"}},
		// Places.
		{[]string{"Москва", "Москвы", "Москве", "Москву", "Москвой", "Moskva"}},
	} {
		want := NameKey(tt.forms[0])
		if want == "" {
			t.Errorf("NameKey(%q) is empty", tt.forms[0])
		}
		for _, f := range tt.forms[1:] {
			if got := NameKey(f); got != want {
				t.Errorf("NameKey(%q) = %q, want %q (the key of %s); Lemma = %q", f, got, want, tt.forms[0], Lemma(FoldYo(strings.ToLower(f))))
			}
		}
	}
}

// TestNameKeyApart checks that names the lemmatizer must not merge keep
// their own keys.
func TestNameKeyApart(t *testing.T) {
	for _, pair := range [][2]string{
		{"Иванов", "Иван"},
		{"Сахаров", "Сахар"},
		{"Петров", "Петр"},
		{"Андропов", "Андрей"},
	} {
		if a, b := NameKey(pair[0]), NameKey(pair[1]); a == b {
			t.Errorf("NameKey(%q) = NameKey(%q) = %q, want them apart", pair[0], pair[1], a)
		}
	}
}

func TestLemma(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"брежнева", "брежнев"},
		{"брежневу", "брежнев"},
		{"брежневым", "брежнев"},
		{"брежневе", "брежнев"},
		{"солженицына", "солженицын"},
		{"буковского", "буковский"},
		{"буковскому", "буковский"},
		{"буковским", "буковский"},
		{"сахарове", "сахаров"},
		{"щаранского", "щаранский"},
		{"боннэр", "боннэр"},
		{"григоренко", "григоренко"},
		{"черных", "черных"},
		{"андрея", "андрей"},
		{"ивана", "иван"},
		{"кгб", "кгб"},
		{"sakharova", "sakharov"},
		{"bukovskaya", "bukovsky"},
		{"bonner", "bonner"},
	} {
		if got := Lemma(tt.in); got != tt.want {
			t.Errorf("Lemma(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
