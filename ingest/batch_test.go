package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fonds"
)

// refusingStore is a real store that refuses the documents of one origin
// as invalid, whether saved alone or in a batch (which it then writes not
// at all), and counts the batches it is given.
type refusingStore struct {
	fonds.Store
	origin  string
	batches []int // the size of each batch, refused or not
}

func (s *refusingStore) SaveDocument(ctx context.Context, d *fonds.Document, sv fonds.Save) (fonds.PutResult, error) {
	if d.Origin == s.origin {
		return "", fmt.Errorf("store: put document %s: %w: refused", d.ID, fonds.ErrInvalid)
	}
	return s.Store.SaveDocument(ctx, d, sv)
}

func (s *refusingStore) SaveDocuments(ctx context.Context, docs []*fonds.Document, saves []fonds.Save) ([]fonds.PutResult, error) {
	s.batches = append(s.batches, len(docs))
	for _, d := range docs {
		if d.Origin == s.origin {
			return nil, fmt.Errorf("store: put document %s: %w: refused", d.ID, fonds.ErrInvalid)
		}
	}
	return s.Store.(fonds.BatchSaver).SaveDocuments(ctx, docs, saves)
}

// oneByOne hides that a store is a BatchSaver.
type oneByOne struct{ fonds.Store }

// TestBatchSameAsOneByOne imports the same files into a store that saves
// in batches and into one that saves one document at a time: a file that
// fails to parse, one whose document the store refuses, one with a
// warning, two the same document as another, more files than a batch
// holds. The two tell the same warnings,
// errors, progress and summary in the same order, and store the same.
func TestBatchSameAsOneByOne(t *testing.T) {
	dir := t.TempDir()
	files := make(map[string]string)
	for i := range batchDocuments + 30 {
		files[fmt.Sprintf("c/%03d.txt", i)] = strings.Replace(doc, "12/3", fmt.Sprintf("12/%d", i), 1)
	}
	files["c/010.txt"] = "no date here\n\nx\n\ny\n"
	// Not UTF-8, a warning; and the same document as 003.txt, kept once
	// with a warning, as is 021.txt.
	files["c/020.txt"] = strings.Replace(doc, "Text.", "Caf\xe9.", 1)
	files["c/021.txt"] = doc
	writeFiles(t, dir, files)

	type outcome struct {
		sum      Summary
		told     []string // warnings, errors and progress, in order
		stored   int
		versions map[string]int
	}
	run := func(batch bool) (outcome, *refusingStore) {
		im := newImporter(t)
		rs := &refusingStore{Store: im.Store.(fonds.Store), origin: "c/150.txt"}
		im.Store = rs
		if !batch {
			im.Store = oneByOne{rs}
		}
		var o outcome
		im.Warn = func(msg string) { o.told = append(o.told, msg) }
		im.Progress = func(path string) { o.told = append(o.told, "done "+filepath.Base(path)) }
		im.Stored = func() { o.stored++ }
		list, err := im.Files([]string{filepath.Join(dir, "c")})
		if err != nil {
			t.Fatal(err)
		}
		var errs []error
		o.sum, errs = im.Import(context.Background(), list)
		for _, err := range errs {
			o.told = append(o.told, "error "+err.Error())
		}
		ss, err := rs.Stamps(context.Background(), fonds.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		o.versions = make(map[string]int)
		for id := range ss {
			d, err := rs.Document(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			o.versions[id] = d.Version
		}
		return o, rs
	}
	one, _ := run(false)
	batched, rs := run(true)
	if want := (Summary{Added: batchDocuments + 26, Failed: 2, Warnings: 3, Duplicates: 2}); one.sum != want {
		t.Errorf("one by one: Import = %+v, want %+v", one.sum, want)
	}
	if batched.sum != one.sum {
		t.Errorf("in batches: Import = %+v, want %+v as one by one", batched.sum, one.sum)
	}
	if batched.stored != one.stored {
		t.Errorf("in batches: %d told stored, want %d as one by one", batched.stored, one.stored)
	}
	if !reflect.DeepEqual(batched.told, one.told) {
		for i := range max(len(one.told), len(batched.told)) {
			var b, o string
			if i < len(batched.told) {
				b = batched.told[i]
			}
			if i < len(one.told) {
				o = one.told[i]
			}
			if b != o {
				t.Fatalf("in batches, message %d is %q, want %q as one by one", i, b, o)
			}
		}
	}
	if !reflect.DeepEqual(batched.versions, one.versions) {
		t.Errorf("in batches the store holds %d documents, one by one %d; want the same", len(batched.versions), len(one.versions))
	}
	for _, want := range []string{"010.txt:1: ", "150.txt: document ", "refused"} {
		if !strings.Contains(strings.Join(batched.told, "\n"), want) {
			t.Errorf("in batches: told %q, want %q in it", batched.told, want)
		}
	}
	// The batch that holds the refused document is written not at all, and
	// saved again one document at a time; the others are saved whole.
	if len(rs.batches) < 2 || rs.batches[0] != batchDocuments {
		t.Errorf("batches saved: %v, want the first of %d", rs.batches, batchDocuments)
	}
}
