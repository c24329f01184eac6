package ingest

import (
	"context"
	"fmt"

	"fonds"
)

// A batch of documents saved in one transaction holds at most
// batchDocuments of them, or the documents that took batchBytes of file
// and the one that passed it: the commit, and the sync of the store's log,
// are paid once a batch, and the documents waiting stay few.
const (
	batchDocuments = 200
	batchBytes     = 4 << 20
)

// run is what one Import has done so far, as its caller sees it.
type run struct {
	sum     Summary
	errs    []error
	files   int           // how many files the import names
	failed  map[int]error // the error of each file a save failed, by index, until its end is told
	stopped bool          // a full disk or a cancellation stopped the import
}

// A step is something an import did, told (warnings, counts, errors,
// progress) only once the documents before it have been saved, so that
// what an import tells is the same in the same order whether it saves its
// documents one at a time or in batches: a document read, with the
// warnings about it; warnings alone; the end of a file.
type step struct {
	file     int // the index of the file among those imported
	f        File
	warnings []string
	d        *fonds.Document // nil but for a document
	images   []pageImage
	save     fonds.Save
	size     int64 // the bytes of file d took
	end      bool  // the end of the file, its reading ended by err
	err      error
}

// enqueue queues s, and saves what is queued once there is enough for a
// batch, or at once when the store saves one document at a time. A
// document with page images is saved alone, after those before it: its
// images go to the image store around its save (see put). It returns an
// error when the file of s must be read no further: a document of it
// failed, or the import stopped.
func (im *Importer) enqueue(ctx context.Context, r *run, s step) error {
	if s.images != nil {
		im.flush(ctx, r)
		if err := r.stop(s.file); err != nil {
			return err
		}
	}
	im.queue = append(im.queue, s)
	if s.d != nil {
		im.queued += s.size
	}
	_, failed := r.failed[s.file]
	if im.saver == nil || s.images != nil || failed || im.queued >= batchBytes || im.documents() >= batchDocuments {
		im.flush(ctx, r)
	}
	return r.stop(s.file)
}

// documents returns how many documents are queued.
func (im *Importer) documents() int {
	n := 0
	for _, s := range im.queue {
		if s.d != nil {
			n++
		}
	}
	return n
}

// stop returns the error that stops the reading of the file of index i,
// or nil.
func (r *run) stop(i int) error {
	if err, ok := r.failed[i]; ok {
		return err
	}
	if r.stopped {
		return ErrStopped
	}
	return nil
}

// flush saves the documents queued, in one transaction when the store is
// a BatchSaver, and tells of each step in order. When the batch fails, it
// is written not at all, and its documents are saved again one at a time,
// as without a BatchSaver: the one at fault fails its file with its own
// error, the others are stored, and an id taken by another file's document
// is settled as put settles it.
func (im *Importer) flush(ctx context.Context, r *run) {
	queue := im.queue
	im.queue, im.queued = nil, 0
	var results []fonds.PutResult
	if im.saver != nil && !r.stopped {
		var docs []*fonds.Document
		var saves []fonds.Save
		for _, s := range queue {
			if s.d != nil && s.images == nil {
				docs = append(docs, s.d)
				saves = append(saves, s.save)
			}
		}
		if len(docs) > 1 {
			// After an error each is saved alone, below, which tells it.
			if res, err := im.saver.SaveDocuments(ctx, docs, saves); err == nil && len(res) == len(docs) {
				results = res
			}
		}
	}
	k := 0 // the index in results of the next document batched
	for _, s := range queue {
		if r.stopped {
			return
		}
		if s.end {
			im.endFile(ctx, r, s)
			continue
		}
		batched := results != nil && s.d != nil && s.images == nil
		if batched {
			k++
		}
		if _, failed := r.failed[s.file]; failed {
			// Read after the document that failed its file, which a
			// reader saving one at a time would not have gone on to.
			// Saved in the batch all the same, it is whole.
			continue
		}
		for _, w := range s.warnings {
			im.warn(&r.sum, w)
		}
		if s.d == nil {
			continue
		}
		var res fonds.PutResult
		var same *fonds.Document
		var err error
		if batched {
			res = results[k-1]
		} else if res, same, err = im.put(ctx, s.d, s.images, s.save); err != nil {
			err = fmt.Errorf("%s: document %s: %w", quote(s.f.Path), s.d.ID, err)
		}
		if err == nil {
			err = im.saved(ctx, r, s, res, same)
		}
		if err != nil {
			r.failed[s.file] = err
		}
	}
}

// endFile tells of the end of a file: its error, if it failed, and the
// progress. A full disk stops the import, and so does a cancellation
// before the next file.
func (im *Importer) endFile(ctx context.Context, r *run, s step) {
	err := s.err
	if e, ok := r.failed[s.file]; ok {
		// The reading went on past the document that failed, or stopped
		// at it and gave its error.
		err = e
		delete(r.failed, s.file)
	}
	if err != nil {
		r.sum.Failed++
		if noSpace(err) {
			r.errs = append(r.errs, fmt.Errorf("%w after %d of %d files: out of space: %w", ErrStopped, s.file, r.files, err))
			r.stopped = true
			return
		}
		r.errs = append(r.errs, err)
	}
	if im.Progress != nil {
		im.Progress(s.f.Path)
	}
	if s.file+1 < r.files && ctx.Err() != nil {
		r.errs = append(r.errs, ctx.Err())
		r.stopped = true
	}
}
