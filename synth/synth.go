// Package synth generates synthetic archives of known size for benchmarks:
// documents in English and Russian of realistic length (a mean near 3 KB with a
// long tail), with names, dates and reference codes drawn from realistic lists.
// The same seed always gives the same archive.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"fonds"
)

// Generator makes synthetic documents.
type Generator struct {
	rng *rand.Rand
	// zipfEN and zipfRU draw ranks of the vocabularies: a few words are
	// very common, most are rare, as in real text.
	zipfEN, zipfRU *rand.Zipf
	// Collection is the collection of the documents made.
	Collection string
}

// New returns a generator seeded with seed.
func New(seed uint64) *Generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &Generator{
		rng:        rng,
		zipfEN:     rand.NewZipf(rng, 1.1, 2, uint64(len(vocabEN)-1)),
		zipfRU:     rand.NewZipf(rng, 1.1, 2, uint64(len(vocabRU)-1)),
		Collection: "synthetic",
	}
}

// The vocabularies: the common words of the genre first, then a long tail
// of made-up words built from syllables, so that the number of distinct
// words, and so the size of the index, grows with the archive as it does
// with real text.
var (
	vocabEN = vocabulary(wordsEN, strings.Fields("ba de ri mo tal ven sor ca lin pe ro gra mi tes nal do cu fer pol star"), 30000)
	vocabRU = vocabulary(wordsRU, strings.Fields("ба де ри мо тал вен сор ка лин пе ро гра ми тес нал до ку фер пол стар"), 30000)
)

// vocabulary returns head followed by words of two to four syllables, n in
// all.
func vocabulary(head, syllables []string, n int) []string {
	words := slices.Clone(head)
	rng := rand.New(rand.NewPCG(7, 11))
	seen := make(map[string]bool)
	for len(words) < n {
		var b strings.Builder
		for k := 2 + rng.IntN(3); k > 0; k-- {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// Surnames of the period, in Cyrillic and in the simplified romanization,
// index for index. Texts name people in both scripts.
var (
	surnamesRU = []string{"Андропов", "Брежнев", "Буковский", "Якир", "Семичастный", "Чебриков", "Щаранский",
		"Солженицын", "Сахаров", "Яковлев", "Григоренко", "Орлов", "Медведев", "Горбачёв", "Хрущёв", "Суслов",
		"Громыко", "Косыгин", "Устинов", "Черненко", "Пономарёв", "Цвигун", "Щёлоков", "Гинзбург", "Синявский",
		"Даниэль", "Богораз", "Кузнецов", "Литвинов", "Красин", "Амальрик", "Ковалёв", "Буковская", "Вольпин"}
	surnamesEN = []string{"Andropov", "Brezhnev", "Bukovsky", "Yakir", "Semichastny", "Chebrikov", "Shcharansky",
		"Solzhenitsyn", "Sakharov", "Yakovlev", "Grigorenko", "Orlov", "Medvedev", "Gorbachev", "Khrushchev", "Suslov",
		"Gromyko", "Kosygin", "Ustinov", "Chernenko", "Ponomarev", "Tsvigun", "Shchelokov", "Ginzburg", "Sinyavsky",
		"Daniel", "Bogoraz", "Kuznetsov", "Litvinov", "Krasin", "Amalrik", "Kovalev", "Bukovskaya", "Volpin"}
	creators = []string{"Politburo", "Secretariat", "KGB", "Council of Ministers", "Central Committee", "Procuracy"}
	types    = []string{"resolution", "report", "note", "instruction", "letter", "memorandum", "telegram"}
	months   = []string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}

	wordsEN = strings.Fields(`the committee report meeting decision measures emigration dissident writers
		human rights detente campaign abroad embassy ambassador samizdat trial sentence exile psychiatric hospital
		appeal signature letter foreign press radio broadcast department instruction propaganda conference
		delegation agreement Helsinki group monitoring violation socialist countries government proposal approve
		information activity organisation illegal material distribution investigation article court witness
		procurator leadership party comrade secretary chairman minister question situation public opinion
		western correspondents statement necessary work prevent measures circles hostile and of to in on for
		with by that which was were has have is are be been this it as at from an or their its`)
	wordsRU = strings.Fields(`комитет доклад заседание решение меры эмиграция диссидент писатели права человека
		разрядка кампания за рубежом посольство посол самиздат суд приговор ссылка психиатрическая больница
		обращение подпись письмо иностранная печать радио отдел указание пропаганда совещание делегация
		соглашение Хельсинкская группа нарушение социалистические страны правительство предложение одобрить
		информация деятельность организация незаконный материал распространение следствие статья свидетель
		прокурор руководство партия товарищ секретарь председатель министр вопрос положение общественное мнение
		западные корреспонденты заявление необходимо работа предотвратить враждебные круги и в на с по что
		который был были это как из от или их`)
)

// Document returns the i-th synthetic document. About a third are in
// Russian only, a third in English, a third in English with the Russian
// original.
func (g *Generator) Document(i int) *fonds.Document {
	r := g.rng
	year := 1965 + r.IntN(27)
	month := 1 + r.IntN(12)
	day := 1 + r.IntN(28)
	date := fonds.Date{
		Start: fmt.Sprintf("%04d-%02d-%02d", year, month, day), End: fmt.Sprintf("%04d-%02d-%02d", year, month, day),
		Precision: fonds.PrecisionDay, Written: fmt.Sprintf("%d %s %d", day, months[month-1], year),
	}
	series := []string{"Pb", "St", "P"}[r.IntN(3)]
	ref := fmt.Sprintf("%s %d/%d", series, 1+i/200, 1+i%200)
	creator := creators[r.IntN(len(creators))]
	typ := types[r.IntN(len(types))]
	person := r.IntN(len(surnamesEN))
	d := &fonds.Document{
		Collection: g.Collection,
		Date:       date,
		Mark:       "*",
		Title:      fmt.Sprintf("%s %d", strings.ToUpper(typ[:1])+typ[1:], i),
		Summary:    fmt.Sprintf("%s. %s on %s. Synthetic.", creator, strings.ToUpper(typ[:1])+typ[1:], surnamesEN[person]),
		Creator:    creator,
		Type:       typ,
		References: []fonds.Reference{fonds.NewReference(ref, "heading")},
		Persons:    []fonds.Person{{Name: surnamesEN[person]}},
		Categories: []string{fmt.Sprint(1 + r.IntN(9))},
		Status:     fonds.StatusPublished,
		Origin:     fmt.Sprintf("synthetic/%d", i),
	}
	size := g.size()
	pages := 1 + size/1800
	for p := 1; p <= pages; p++ {
		d.Pages = append(d.Pages, fonds.Page{N: p, Label: fmt.Sprint(p)})
	}
	switch i % 3 {
	case 0:
		d.Witnesses = []fonds.Witness{g.witness("ru", fonds.RoleOriginal, vocabRU, g.zipfRU, surnamesRU, size, pages)}
	case 1:
		d.Witnesses = []fonds.Witness{g.witness("en", fonds.RoleOriginal, vocabEN, g.zipfEN, surnamesEN, size, pages)}
	default:
		d.Witnesses = []fonds.Witness{
			g.witness("en", fonds.RoleTranslation, vocabEN, g.zipfEN, surnamesEN, size/2, pages),
			g.witness("ru", fonds.RoleOriginal, vocabRU, g.zipfRU, surnamesRU, size/2, pages),
		}
	}
	for _, w := range d.Witnesses {
		d.Languages = append(d.Languages, w.Language)
	}
	d.ID = fonds.DocumentID(d)
	return d
}

// size draws a text size in bytes from a log-normal distribution with a
// median near 2.3 KB and a mean near 3 KB, capped at 60 KB.
func (g *Generator) size() int {
	n := int(math.Exp(7.75 + 0.75*g.rng.NormFloat64()))
	return min(max(n, 200), 60_000)
}

// witness makes a text of about size bytes over pages pages, with a page
// break opening each page and names mentioned now and then.
func (g *Generator) witness(lang, role string, words []string, zipf *rand.Zipf, names []string, size, pages int) fonds.Witness {
	r := g.rng
	w := fonds.Witness{Language: lang, Role: role}
	per := size/pages + 1
	for p := 1; p <= pages; p++ {
		var b strings.Builder
		var spans []fonds.Span
		spans = append(spans, fonds.Span{Kind: fonds.SpanPageBreak, Page: p, Text: fmt.Sprintf("page %d", p)})
		for b.Len() < per {
			if r.IntN(25) == 0 {
				b.WriteString(names[r.IntN(len(names))])
			} else {
				b.WriteString(words[zipf.Uint64()])
			}
			if r.IntN(12) == 0 {
				b.WriteString(". ")
			} else {
				b.WriteByte(' ')
			}
		}
		spans = append(spans, fonds.Span{Kind: fonds.SpanText, Text: strings.TrimSpace(b.String())})
		w.Text = append(w.Text, fonds.Block{Kind: fonds.BlockParagraph, Spans: spans})
	}
	return w
}

// stopWords are the function words of the vocabularies: words a search
// engine commonly leaves out of its index, which readers search for all the
// same ("to be or not to be", "еще").
var stopWords = strings.Fields(`the and of to in on for with by that which was were has have is are be been
	this it as at from an or their its и в на с по что который был были это как из от или их`)

// StopWords returns the function words the texts hold, English and Russian,
// for queries made of them.
func StopWords() []string { return slices.Clone(stopWords) }

// Surnames returns the Cyrillic surnames the generator draws from, for
// queries that look a name up in its romanizations.
func Surnames() []string { return slices.Clone(surnamesRU) }
