// Package bleve is the embedded search index of the archive: a fonds.Index
// kept in a folder with the bleve library (scorch segments).
//
// It finds a person under every spelling researchers bring: the names a
// document mentions are indexed by a key that is the same for the Russian
// case forms of a surname (Брежнева, Брежневым) and for the Cyrillic and
// every romanization of it (Brezhnev), and every word of the text is
// indexed by its transliteration key as well, so that a Latin spelling finds
// Cyrillic text and a Cyrillic query finds romanized text. English text is
// stemmed as English, Russian text as Russian, with ё read as е.
package bleve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bolterrors "go.etcd.io/bbolt/errors"

	"fonds"
)

// Index is a fonds.Index in a folder.
//
// Its fields are the bounds of a search, set before the index is searched.
type Index struct {
	// Timeout bounds the time of one search: a search past it stops with
	// an error that is a fonds.ErrTimeout. Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxExpansion bounds the words that the prefixes (dissid*) and fuzzy
	// words (Sharansky~) of one query stand for, all together: the most
	// frequent are searched, and the results say so. Zero means
	// DefaultMaxExpansion.
	MaxExpansion int

	idx      blevesearch.Index
	an       analyzers
	readOnly bool
	// unpersisted counts the batches not yet written to disk, which Close
	// waits for.
	unpersisted sync.WaitGroup
}

var _ fonds.Index = (*Index)(nil)

// DefaultTimeout is the default of Index.Timeout: longer than any search a
// reader means to make takes, short enough that a search meant to exhaust
// the server gives up soon.
const DefaultTimeout = 5 * time.Second

func (ix *Index) timeout() time.Duration {
	if ix.Timeout > 0 {
		return ix.Timeout
	}
	return DefaultTimeout
}

func (ix *Index) maxExpansion() int {
	if ix.MaxExpansion > 0 {
		return ix.MaxExpansion
	}
	return DefaultMaxExpansion
}

// ErrLocked is the error of opening an index that another process, or
// another Open in this one, holds open.
var ErrLocked = errors.New("the search index is in use by another process")

// lockWait is how long Open waits for an index held by another to be
// released before it fails with ErrLocked.
const lockWait = 500 * time.Millisecond

// versionKey is the internal key under which an index records its
// mappingVersion.
var versionKey = []byte("fonds.mapping")

// putChunk is the number of documents indexed in one bleve batch: big enough
// that the per-batch cost is spread thin, small enough to bound memory.
const putChunk = 1000

func errorf(format string, args ...any) error {
	return fmt.Errorf("bleve: "+format, args...)
}

// Open opens the index in dir, or creates it there. An index written with
// another mapping is deleted and created anew, empty: the index is derived
// from the store, and its empty Stamps tell the caller to index everything.
//
// An index held open by another process, or by another Open in this one,
// is not waited for: Open fails within a second with an error that is
// ErrLocked.
func Open(dir string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err == nil {
		idx, err := blevesearch.OpenUsing(dir, runtimeConfig(false))
		if err != nil {
			return nil, openError(dir, err)
		}
		v, err := idx.GetInternal(versionKey)
		if err == nil && string(v) == mappingVersion {
			return newIndex(idx, false)
		}
		idx.Close()
		// Remove only what bleve wrote, in case dir holds anything else.
		for _, name := range []string{"index_meta.json", "store"} {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				return nil, errorf("remove outdated index: %w", err)
			}
		}
	}
	m, err := newMapping()
	if err != nil {
		return nil, errorf("mapping: %w", err)
	}
	idx, err := blevesearch.NewUsing(dir, m, scorch.Name, scorch.Name, runtimeConfig(false))
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, openError(dir, err)
		}
		return nil, errorf("create %s: %w", dir, err)
	}
	return newIndex(idx, true)
}

// OpenReadOnly opens the index in dir for searching only, writing nothing
// in dir, as on read-only media: its Put and Delete fail with an error that
// is a fonds.ErrReadOnly. Unlike Open it neither creates an index nor
// rebuilds one written with another mapping.
func OpenReadOnly(dir string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		return nil, errorf("open %s read-only: no index there: %w", dir, fonds.ErrNotFound)
	}
	idx, err := blevesearch.OpenUsing(dir, runtimeConfig(true))
	if err != nil {
		return nil, openError(dir, err)
	}
	if v, err := idx.GetInternal(versionKey); err != nil || string(v) != mappingVersion {
		idx.Close()
		return nil, errorf("open %s read-only: the index was written by another version of fonds, and cannot be rebuilt where it is read-only", dir)
	}
	ix, err := newIndex(idx, false)
	if err != nil {
		return nil, err
	}
	ix.readOnly = true
	return ix, nil
}

// openError translates the error of opening the index in dir: a lock
// another holds becomes ErrLocked.
func openError(dir string, err error) error {
	if errors.Is(err, bolterrors.ErrTimeout) {
		return fmt.Errorf("bleve: open %s: %w", dir, ErrLocked)
	}
	return errorf("open %s: %w", dir, err)
}

// runtimeConfig returns the settings of scorch. A batch returns once its
// documents are searchable, without waiting for them to be written to disk:
// the index is derived, and a crash that loses the last batches loses
// nothing Stamps does not tell the caller to index again. An index another
// holds open fails to open after lockWait rather than blocking.
func runtimeConfig(readOnly bool) map[string]interface{} {
	return map[string]interface{}{
		"unsafe_batch": true,
		"bolt_timeout": lockWait.String(),
		"read_only":    readOnly,
	}
}

// errReadOnly is the error of a write to an index opened read-only.
func errReadOnly(what string) error {
	return fmt.Errorf("bleve: %s: %w", what, fonds.ErrReadOnly)
}

func newIndex(idx blevesearch.Index, created bool) (*Index, error) {
	an, err := analyzersOf(idx.Mapping())
	if err != nil {
		idx.Close()
		return nil, err
	}
	ix := &Index{idx: idx, an: an}
	if created {
		b := idx.NewBatch()
		b.SetInternal(versionKey, []byte(mappingVersion))
		if err := ix.batch(b); err != nil {
			ix.Close()
			return nil, errorf("create: %w", err)
		}
	}
	return ix, nil
}

// closeWait bounds how long Close waits for the last batches to be written.
const closeWait = time.Minute

// Close writes what is not yet on disk and closes the index.
func (ix *Index) Close() error {
	done := make(chan struct{})
	go func() {
		ix.unpersisted.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(closeWait):
	}
	return ix.idx.Close()
}

// batch applies a batch of changes. It returns once they are searchable;
// Close waits until they are on disk.
func (ix *Index) batch(b *blevesearch.Batch) error {
	if b.Size() == 0 {
		return nil
	}
	ix.unpersisted.Add(1)
	persisted := sync.OnceFunc(ix.unpersisted.Done)
	b.SetPersistedCallback(func(error) { persisted() })
	err := ix.idx.Batch(b)
	if err != nil {
		persisted()
	}
	return err
}

// Count returns the number of documents indexed.
func (ix *Index) Count() (uint64, error) { return ix.idx.DocCount() }

// Put indexes the documents, replacing those of the same ids. Only released
// documents (Document.Released) are indexed: putting a draft, a document in
// review, a withdrawn one or one under embargo removes its id from the
// index, so that a document taken back disappears from search. A
// restricted document is indexed, marked so that only a search for
// restricted documents finds it.
//
// The documents are indexed in batches, several at once: bleve analyzes
// the documents of a batch in parallel but builds its segment on one core.
func (ix *Index) Put(ctx context.Context, docs ...*fonds.Document) error {
	if ix.readOnly {
		return errReadOnly("index")
	}
	// The last of the documents of one id wins, as if they were put in
	// turn; the batches, which run at once, then hold distinct ids.
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		if d == nil {
			continue
		}
		if d.ID == "" {
			return fmt.Errorf("%w: index a document without an id", fonds.ErrInvalid)
		}
		last[d.ID] = i
	}
	var todo []*fonds.Document
	for i, d := range docs {
		if d != nil && last[d.ID] == i {
			todo = append(todo, d)
		}
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	size := min(putChunk, (len(todo)+workers-1)/workers)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, workers)
	)
	for len(todo) > 0 {
		n := min(len(todo), size)
		chunk := todo[:n]
		todo = todo[n:]
		if err := ctx.Err(); err != nil {
			mu.Lock()
			firstErr = cmp.Or(firstErr, err)
			mu.Unlock()
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := ix.put(chunk); err != nil {
				mu.Lock()
				firstErr = cmp.Or(firstErr, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// put indexes the documents in one batch.
func (ix *Index) put(docs []*fonds.Document) error {
	batch := ix.idx.NewBatch()
	now := time.Now()
	for _, d := range docs {
		// Only what is released is ever indexed: a draft, a withdrawn
		// document or one under embargo put here is taken out instead.
		if !d.Released(now) {
			batch.Delete(d.ID)
			continue
		}
		doc, err := ix.an.documentOf(d)
		if err != nil {
			return errorf("index %s: %w", d.ID, err)
		}
		if err := batch.IndexAdvanced(doc); err != nil {
			return errorf("index %s: %w", d.ID, err)
		}
	}
	if err := ix.batch(batch); err != nil {
		return errorf("index: %w", err)
	}
	return nil
}

// Delete removes the documents with the ids; unknown ids are ignored.
func (ix *Index) Delete(ctx context.Context, ids ...string) error {
	if ix.readOnly {
		return errReadOnly("delete")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	batch := ix.idx.NewBatch()
	for _, id := range ids {
		batch.Delete(id)
	}
	if err := ix.batch(batch); err != nil {
		return errorf("delete: %w", err)
	}
	return nil
}

// Stamps returns the id and content hash of every indexed document. It
// reads the doc values of the two fields of every document once, in the
// order of the index: paging through a search sorted by id read every
// document again for each page, and the stored fields of each, its texts
// with its hash (2.1 s at 100,000 documents, and growing as their square).
func (ix *Index) Stamps(ctx context.Context) (map[string]string, error) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, errorf("stamps: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, errorf("stamps: %w", err)
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		return nil, errorf("stamps: %w", err)
	}
	all, err := r.DocIDReaderAll()
	if err != nil {
		return nil, errorf("stamps: %w", err)
	}
	defer all.Close()
	dv, err := r.DocValueReader([]string{fieldID, fieldHash})
	if err != nil {
		return nil, errorf("stamps: %w", err)
	}
	stamps := make(map[string]string, n)
	var id, hash string
	visit := func(field string, term []byte) {
		switch field {
		case fieldID:
			id = string(term)
		case fieldHash:
			hash = string(term)
		}
	}
	for i := 0; ; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		doc, err := all.Next()
		if err != nil {
			return nil, errorf("stamps: %w", err)
		}
		if doc == nil {
			return stamps, nil
		}
		id, hash = "", ""
		if err := dv.VisitDocValues(doc, visit); err != nil {
			return nil, errorf("stamps: %w", err)
		}
		if id != "" {
			stamps[id] = hash
		}
	}
}
