package bleve

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"fonds"
)

// Invented vocabulary of the generated documents.
var (
	benchEnglish = strings.Fields(`committee report meeting delegation ministry instruction
		question proposal decision comrade department secretary conference foreign press
		correspondent statement campaign measures information agreement exhibition writer
		journal manuscript trial sentence appeal release prison camp exile hospital
		academy institute university student reading poetry leaflet letter telegram
		embassy ambassador visa permission travel abroad return citizen right law article
		code procedure investigation witness organisation group member activity hostile
		considered expedient request approve prepare inform circulate publish broadcast`)
	benchRussian = strings.Fields(`комитет доклад совещание делегация министерство указание
		вопрос предложение решение товарищ отдел секретарь конференция иностранный печать
		корреспондент заявление кампания меры информация соглашение выставка писатель
		журнал рукопись процесс приговор жалоба освобождение тюрьма лагерь ссылка больница
		академия институт университет студент чтение стихи листовка письмо телеграмма
		посольство посол виза разрешение поездка границей возвращение гражданин право закон
		статья кодекс порядок следствие свидетель организация группа член деятельность
		враждебный считать целесообразным просить одобрить подготовить проинформировать`)
	benchNames = [][2]string{
		{"Брежнев", "Brezhnev"}, {"Андропов", "Andropov"}, {"Громыко", "Gromyko"},
		{"Суслов", "Suslov"}, {"Сахаров", "Sakharov"}, {"Боннэр", "Bonner"},
		{"Буковский", "Bukovsky"}, {"Щаранский", "Shcharansky"}, {"Яковлев", "Yakovlev"},
		{"Орлов", "Orlov"}, {"Григоренко", "Grigorenko"}, {"Солженицын", "Solzhenitsyn"},
		{"Семичастный", "Semichastny"}, {"Кириленко", "Kirilenko"}, {"Пономарёв", "Ponomarev"},
		{"Черненко", "Chernenko"}, {"Щёлоков", "Shchelokov"}, {"Цвигун", "Tsvigun"},
	}
	benchCases      = []string{"", "а", "у", "ым", "е"}
	benchCreators   = []string{"Politburo", "KGB", "Secretariat", "Central Committee", "Procuracy"}
	benchTypes      = []string{"report", "note", "resolution", "instruction", "letter"}
	benchCategories = []string{"1.1", "1.3", "2.1", "2.3", "4.1", "5", "6.1"}
)

// benchDocument returns an invented document of about 3 KB: an English
// translation of two pages and a Russian original of two pages, naming
// persons in both scripts.
func benchDocument(i int, r *rand.Rand) *fonds.Document {
	year := 1960 + r.IntN(32)
	date := fmt.Sprintf("%d-%02d-%02d", year, 1+r.IntN(12), 1+r.IntN(28))
	name := benchNames[r.IntN(len(benchNames))]
	other := benchNames[r.IntN(len(benchNames))]
	sentence := func(words []string, n int, names ...string) string {
		var b strings.Builder
		for j := range n {
			if j > 0 {
				b.WriteByte(' ')
			}
			if j%9 == 4 && len(names) > 0 {
				b.WriteString(names[r.IntN(len(names))])
				continue
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		b.WriteString(". ")
		return b.String()
	}
	page := func(lang string, n int) fonds.Block {
		var b strings.Builder
		for range 5 {
			if lang == "ru" {
				b.WriteString(sentence(benchRussian, 10, name[0]+benchCases[r.IntN(len(benchCases))], other[0]))
			} else {
				b.WriteString(sentence(benchEnglish, 14, name[1], other[1]))
			}
		}
		return fonds.Block{Kind: fonds.BlockParagraph, Spans: []fonds.Span{
			{Kind: fonds.SpanPageBreak, Page: n},
			{Kind: fonds.SpanText, Text: b.String()},
		}}
	}
	id := fmt.Sprintf("%s-gen-%d", date, i)
	d := &fonds.Document{
		ID:         id,
		Collection: fmt.Sprintf("collection-%d", i%7),
		Date:       fonds.Date{Start: date, End: date, Precision: fonds.PrecisionDay},
		Title:      strings.TrimSuffix(sentence(benchEnglish, 4), ". "),
		Summary:    benchCreators[i%len(benchCreators)] + ". " + sentence(benchEnglish, 16, strings.ToUpper(name[1])),
		Creator:    benchCreators[i%len(benchCreators)],
		Type:       benchTypes[r.IntN(len(benchTypes))],
		References: []fonds.Reference{fonds.NewReference(fmt.Sprintf("Pb %d/%d", i/100, i%100), "heading")},
		Languages:  []string{"en", "ru"},
		Pages:      []fonds.Page{{N: 1}, {N: 2}},
		Persons:    []fonds.Person{{Name: name[1]}, {Name: other[1]}},
		Categories: []string{benchCategories[r.IntN(len(benchCategories))]},
		Witnesses: []fonds.Witness{
			{Language: "en", Role: fonds.RoleTranslation, Text: fonds.Text{page("en", 1), page("en", 2)}},
			{Language: "ru", Role: fonds.RoleOriginal, Text: fonds.Text{page("ru", 1), page("ru", 2)}},
		},
		Status: fonds.StatusPublished,
	}
	d.Hash = fmt.Sprintf("%064x", i)
	return d
}

func benchDocuments(from, n int, seed uint64) []*fonds.Document {
	r := rand.New(rand.NewPCG(seed, uint64(from)))
	docs := make([]*fonds.Document, n)
	for i := range docs {
		docs[i] = benchDocument(from+i, r)
	}
	return docs
}

// benchSize returns the mean size of the documents' text, in bytes.
func benchSize(docs []*fonds.Document) int {
	total := 0
	for _, d := range docs {
		total += len(d.Title) + len(d.Summary)
		for _, w := range d.Witnesses {
			total += len(w.Text.PlainText())
		}
	}
	return total / len(docs)
}

// BenchmarkPut indexes batches of 1,000 documents of about 3 KB.
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	ix, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	const batch = 1000
	size := 0
	n := 0
	for b.Loop() {
		b.StopTimer()
		docs := benchDocuments(n*batch, batch, 1)
		size += benchSize(docs)
		b.StartTimer()
		if err := ix.Put(ctx, docs...); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n*batch)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(size/n), "bytes/doc")
	b.ReportMetric(float64(diskSize(b, dir))/float64(size*batch), "disk/text")
}

// diskSize returns the bytes of the files under dir.
func diskSize(b *testing.B, dir string) int64 {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return total
}

// BenchmarkSearch searches a corpus of 10,000 documents for words: with
// every facet and snippets, as the API asked before it could choose; with
// the facets the search page shows and snippets; with snippets alone; and
// bare.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	ix, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	for i := 0; i < 10000; i += 1000 {
		if err := ix.Put(ctx, benchDocuments(i, 1000, 2)...); err != nil {
			b.Fatal(err)
		}
	}
	queries := []string{
		"ambassador", "Brezhnev", "Брежнева", "Yakovlev exile", `"foreign press"`,
		"корреспондент", "Pb 42/17", "dissid* OR manuscript", "Sakharov -KGB", "Shcharansky 1977",
	}
	for _, k := range []struct {
		name      string
		facets    []string
		highlight bool
	}{
		{"all-facets+snippets", fonds.AllFacets, true},
		{"two-facets+snippets", []string{fonds.FacetCollection, fonds.FacetYear}, true},
		{"snippets", nil, true},
		{"all-facets", fonds.AllFacets, false},
		{"bare", nil, false},
	} {
		b.Run(k.name, func(b *testing.B) {
			cpu := cpuTime(b)
			i := 0
			for b.Loop() {
				req := fonds.SearchRequest{Query: queries[i%len(queries)], Facets: k.facets, Highlight: k.highlight}
				if _, err := ix.Search(ctx, req); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkSearchWords searches a corpus of 10,000 documents for queries of
// several plain words, as a reader types a title or a subject line without
// quotes: their words are searched side by side too (see proximity), which
// reads their positions. Bare, without facets or snippets.
func BenchmarkSearchWords(b *testing.B) {
	ctx := context.Background()
	ix, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	for i := 0; i < 10000; i += 1000 {
		if err := ix.Put(ctx, benchDocuments(i, 1000, 2)...); err != nil {
			b.Fatal(err)
		}
	}
	queries := []string{
		"foreign press correspondent", "Brezhnev letter to the ambassador",
		"report of the committee on the exhibition", "Sakharov exile hospital appeal",
		"решение комитета о выставке", "письмо Сахарова послу",
		"meeting of the delegation with the ministry", "trial sentence appeal release",
	}
	cpu := cpuTime(b)
	i := 0
	for b.Loop() {
		if _, err := ix.Search(ctx, fonds.SearchRequest{Query: queries[i%len(queries)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
}
