package bleve

import (
	"context"
	"testing"

	"fonds"
	"fonds/synth"
)

// BenchmarkPutSynth indexes batches of 1,000 documents of package synth,
// whose texts have the stop words and the word frequencies of real ones,
// and reports the index's size on disk per byte of text.
func BenchmarkPutSynth(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	ix, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	g := synth.New(1)
	const batch = 1000
	size, n := 0, 0
	for b.Loop() {
		b.StopTimer()
		docs := make([]*fonds.Document, batch)
		for i := range docs {
			d := g.Document(n*batch + i)
			d.Hash = d.ContentHash()
			docs[i] = d
			size += len(d.Title) + len(d.Summary)
			for _, w := range d.Witnesses {
				size += len(w.Text.PlainText())
			}
		}
		b.StartTimer()
		if err := ix.Put(ctx, docs...); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n*batch)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(diskSize(b, dir))/float64(size), "disk/text")
}
