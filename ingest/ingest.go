// Package ingest imports files into a Store: it walks files and folders,
// reads each file with the Reader for its format, and saves the documents
// in transactions (many at a time when the Store is a fonds.BatchSaver, or
// one at a time), so that a file that fails, or a crash, leaves each
// document whole or absent.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"fonds"
)

// Store is what an Importer reads and writes of an archive: the
// collections it files documents in, and the documents it saves (reading
// the stored one first when a document arrives again). A fonds.Store is
// one. When it is also a fonds.BatchSaver, documents are saved many to a
// transaction.
type Store interface {
	// Collection returns the collection with the slug, or
	// fonds.ErrNotFound.
	Collection(ctx context.Context, slug string) (fonds.Collection, error)
	// PutCollection creates the collection, or updates its title and
	// description.
	PutCollection(ctx context.Context, c fonds.Collection) error
	// Document returns the document with the id, drafts included, or
	// fonds.ErrNotFound.
	Document(ctx context.Context, id string) (*fonds.Document, error)
	// SaveDocument saves d as fonds.Store's SaveDocument does.
	SaveDocument(ctx context.Context, d *fonds.Document, s fonds.Save) (fonds.PutResult, error)
}

// Importer imports files into Store.
type Importer struct {
	Store Store
	// Readers maps a file extension (".txt") to the reader of its format.
	// Files of other extensions found in folders are skipped; named on the
	// command line, they are an error.
	Readers map[string]fonds.Reader
	// Collection names the collection documents go to: its slug, or a
	// title of which fonds.CollectionSlug makes the slug ("Bukovsky
	// Archive" goes to bukovsky-archive, created with that title). If
	// empty, each file goes to the collection its file declares, or else
	// to one named after its folder.
	Collection string

	// Status, if set, is the status of every document imported, whatever
	// its file says. Otherwise a document takes the status its file gives,
	// or fonds.StatusPublished when it gives none.
	Status fonds.Status
	// Embargo, if set, is the embargo of every document imported (see
	// fonds.Document.Embargo), whatever its file says.
	Embargo string
	// Restricted, if set, says whether every document imported is
	// restricted, whatever its file says.
	Restricted *bool

	// Author is who the revisions an import stores are by: a user's
	// name, or "" for "import". Address is where from: "" for "cli".
	Author, Address string
	// Progress, if set, is called after each file.
	Progress func(path string)
	// Stored, if set, is called after each document stored (a volume holds
	// many): the count a progress bar shows.
	Stored func()
	// Warn, if set, is called with each warning, formatted "path:line: msg".
	Warn func(msg string)

	// Images, if set, receives the page images found beside a file: for
	// NAME.txt, the images in the folder NAME/, one a page in name order; for
	// a file whose pages name their images (TEI's pb/@facs), those files in
	// the file's folder.
	Images ImageStore

	// Index, if set, is kept in step with the store: changed published
	// documents are put in it, changed drafts taken out, in batches. Should
	// the import stop between a store write and the index write, the next
	// reindex.Sync mends the index.
	Index fonds.Index

	// MaxDocument is the most bytes of a file one document may take; a
	// larger one fails its file with "path:line: document is larger than
	// the limit of 16 MB". Zero means DefaultMaxDocument; a negative value,
	// no limit. It bounds the memory of an import: a reader holds at most
	// one document's worth of its file, and the documents waiting for the
	// index add up to no more than a few such.
	MaxDocument int64

	collections map[string]string // the title of each known to exist, by slug
	names       map[string]string // the slug each collection name went to
	saver       fonds.BatchSaver  // the Store, when it is one
	queue       []step            // what waits for the next batch to be saved
	queued      int64             // the bytes of file the documents queued took
	toIndex     []*fonds.Document
	toRemove    []string
	pending     int64      // the bytes of file the documents waiting for the index took
	indexing    chan error // the batch the index is working on, if any
}

// ImageStore keeps the page images of documents.
type ImageStore interface {
	// Put stores the image of page n of document id and returns the name
	// to record as the page's Facs. It refuses an image it cannot serve.
	Put(id string, n int, r io.Reader) (string, error)
	// Has reports whether the document has the image named facs.
	Has(id, facs string) bool
	// Remove removes the images of document id.
	Remove(id string) error
}

// indexBatch is how many changed documents wait before going to the index.
const indexBatch = 500

func (im *Importer) maxDocument() int64 {
	switch {
	case im.MaxDocument == 0:
		return DefaultMaxDocument
	case im.MaxDocument < 0:
		return 0
	}
	return im.MaxDocument
}

// noSpace reports whether err is a write refused for want of space, after
// which no other write can succeed.
func noSpace(err error) bool {
	return errors.Is(err, fonds.ErrNoSpace) || errors.Is(err, syscall.ENOSPC)
}

// Summary counts what an import did.
type Summary struct {
	Added, Updated, Unchanged int
	// Duplicates counts the documents not stored because another file's
	// version of the same document, stored before, is kept (see
	// Importer.Import); one that replaces the stored version counts as
	// Updated.
	Duplicates int
	Failed     int // files that failed
	Warnings   int
}

func (s Summary) String() string {
	str := fmt.Sprintf("added %d, updated %d, unchanged %d, failed %d, warnings %d",
		s.Added, s.Updated, s.Unchanged, s.Failed, s.Warnings)
	if s.Duplicates > 0 {
		str += fmt.Sprintf(", kept once %d", s.Duplicates)
	}
	return str
}

// File is a file to import, with the name it is known by in the archive.
type File struct {
	Path string // where to read it
	// Origin is the path relative to the folder the import named (or the
	// base name of a file named directly): what tells a re-import of the same
	// file from another document with the same id, wherever the import runs.
	Origin string
	fsys   fs.FS // if set, Path names a file of it
	// root is the folder the import named (for a file named directly, its
	// folder): the images of the file's documents are read from it alone.
	root string
}

func (f File) open() (fs.File, error) {
	if f.fsys != nil {
		return f.fsys.Open(f.Path)
	}
	file, err := os.Open(f.Path)
	return file, quoteError(err)
}

// FilesFS lists the files of a known format in fsys, a folder built into the
// binary or otherwise not on disk; their origins are prefix/NAME.
func (im *Importer) FilesFS(fsys fs.FS, prefix string) ([]File, error) {
	var files []File
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && im.reader(path) != nil {
			files = append(files, File{Path: path, Origin: prefix + "/" + path, fsys: fsys})
		}
		return nil
	})
	return files, err
}

// Files lists the files to import below paths, in a stable order: each path
// named, and every file of a known format below each folder named. A named file
// of unknown format, or a path that does not exist, is an error.
func (im *Importer) Files(paths []string) ([]File, error) {
	var files []File
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, quoteError(err)
		}
		if !info.IsDir() {
			if im.reader(p) == nil {
				return nil, fmt.Errorf("%s: unknown format (known: %s)", quote(p), im.known())
			}
			files = append(files, File{Path: p, Origin: filepath.Base(p), root: filepath.Dir(p)})
			continue
		}
		root := filepath.Dir(filepath.Clean(p))
		var found []File
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && path != p {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && im.reader(path) != nil && !isFolderNote(d.Name()) {
				rel, err := filepath.Rel(root, path)
				if err != nil {
					rel = path
				}
				found = append(found, File{Path: path, Origin: filepath.ToSlash(rel), root: p})
			}
			return nil
		})
		if err != nil {
			return nil, quoteError(err)
		}
		sort.Slice(found, func(i, j int) bool { return found[i].Path < found[j].Path })
		files = append(files, found...)
	}
	return files, nil
}

// isFolderNote reports whether a file found in a folder is a note about the
// folder rather than a document: a name in capitals, like README.txt,
// SOURCES.txt or LICENSE.txt. Named on the command line, it is imported all
// the same.
func isFolderNote(name string) bool {
	base := strings.TrimSuffix(name, filepath.Ext(name))
	if base == "" {
		return false
	}
	for _, r := range base {
		if !(r >= 'A' && r <= 'Z' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func (im *Importer) reader(path string) fonds.Reader {
	return im.Readers[strings.ToLower(filepath.Ext(path))]
}

func (im *Importer) known() string {
	var exts []string
	for e := range im.Readers {
		exts = append(exts, e)
	}
	sort.Strings(exts)
	return strings.Join(exts, ", ")
}

// ErrStopped wraps the error that stopped an import before its last file:
// a full disk, on which no further write can succeed.
var ErrStopped = errors.New("import stopped")

// Import imports the files. It goes on past a file that fails and returns
// the errors of all that failed, each naming its file (and line, where the
// reader knows it). A cancelled context stops it early, and so does a full
// disk: its error then wraps ErrStopped and the cause.
//
// When the Store is a fonds.BatchSaver, the documents are saved many to a
// transaction (see flush), and the warnings, errors, counts and progress
// of each are told once it is saved, in the order read, as when they are
// saved one at a time. A cancellation may leave out the documents read
// since the last batch was saved.
//
// A document that arrives twice, from two files (a single document and the
// volume that holds it, a re-export of a text), is stored once, under one
// id, whether the two come in one import or in two and in either order: see
// sameDocument and ranksBefore. The later arrival is told of with a warning.
func (im *Importer) Import(ctx context.Context, files []File) (Summary, []error) {
	r := &run{files: len(files), failed: make(map[int]error)}
	im.saver, _ = im.Store.(fonds.BatchSaver)
	im.queue, im.queued = nil, 0
	for i, f := range files {
		if ctx.Err() != nil {
			im.flush(ctx, r)
			if !r.stopped {
				r.errs = append(r.errs, ctx.Err())
			}
			break
		}
		err := im.importFile(ctx, r, i, f)
		im.enqueue(ctx, r, step{file: i, f: f, end: true, err: err})
		if r.stopped {
			break
		}
	}
	im.flush(ctx, r)
	err := im.flushIndex(ctx)
	if err == nil {
		err = im.waitIndex()
	}
	if err != nil {
		r.errs = append(r.errs, err)
	}
	return r.sum, r.errs
}

// queueIndex puts d in the next batch for the index, size the bytes of file
// it took, and sends the batch once it holds enough.
func (im *Importer) queueIndex(ctx context.Context, d *fonds.Document, size int64) error {
	if im.Index == nil {
		return nil
	}
	// The index holds what is released, restricted documents too: a search
	// leaves them out for those who may not see them. Drafts, documents in
	// review and those under embargo wait for a reindex.Sync or a
	// server's follower to put them in once they are released.
	if d.Released(time.Now()) {
		im.toIndex = append(im.toIndex, d)
	} else {
		im.toRemove = append(im.toRemove, d.ID)
	}
	im.pending += size
	// A batch is bounded in bytes as well as in count: a folder of large
	// documents must not wait five hundred at a time.
	budget := im.maxDocument()
	if budget == 0 {
		budget = DefaultMaxDocument
	}
	if len(im.toIndex)+len(im.toRemove) >= indexBatch || im.pending >= budget {
		return im.flushIndex(ctx)
	}
	return nil
}

// flushIndex sends the changed documents waiting to the index. The index
// works on them while the import reads and stores the next ones: it waits
// only for the batch before, so that at most two are in hand at once.
func (im *Importer) flushIndex(ctx context.Context) error {
	if im.Index == nil || len(im.toIndex)+len(im.toRemove) == 0 {
		return nil
	}
	if err := im.waitIndex(); err != nil {
		return err
	}
	put, remove := im.toIndex, im.toRemove
	im.toIndex, im.toRemove, im.pending = nil, nil, 0
	done := make(chan error, 1)
	im.indexing = done
	go func() {
		if len(put) > 0 {
			if err := im.Index.Put(ctx, put...); err != nil {
				done <- fmt.Errorf("search index: %w", err)
				return
			}
		}
		if len(remove) > 0 {
			if err := im.Index.Delete(ctx, remove...); err != nil {
				done <- fmt.Errorf("search index: %w", err)
				return
			}
		}
		done <- nil
	}()
	return nil
}

// waitIndex waits for the batch the index is working on, if any.
func (im *Importer) waitIndex() error {
	if im.indexing == nil {
		return nil
	}
	err := <-im.indexing
	im.indexing = nil
	return err
}

// importFile reads f, the file of index i, and queues its documents to be
// saved. It returns what ended its reading early: an error of the file, or
// of one of its documents.
func (im *Importer) importFile(ctx context.Context, r *run, i int, f File) error {
	file, err := f.open()
	if err != nil {
		return err
	}
	defer file.Close()
	collection, err := im.collectionOf(ctx, f)
	if err != nil {
		return fmt.Errorf("%s: %w", quote(f.Path), quoteError(err))
	}
	lim := &limitReader{r: file, path: f.Path, max: im.maxDocument()}
	n := 0
	// fnErr is the error of the last document, as the importer made it:
	// a reader may pass it on reworded, and what stops an import (a full
	// disk) must be told apart.
	var fnErr error
	err = im.reader(f.Path).ReadDocuments(lim, f.Path, func(d *fonds.Document, warnings []fonds.Warning) error {
		n++
		fnErr = im.importDocument(ctx, r, i, f, d, warnings, collection, n, lim.document())
		return fnErr
	})
	switch {
	case lim.err != nil:
		return lim.err
	case fnErr != nil:
		return fnErr
	}
	return err
}

// importDocument settles d, the nth document of f (the file of index i),
// which took size bytes of it, and the page images found for it, and
// queues it to be saved with them.
func (im *Importer) importDocument(ctx context.Context, r *run, i int, f File, d *fonds.Document, warnings []fonds.Warning, collection string, n int, size int64) error {
	s := step{file: i, f: f, size: size}
	for _, w := range warnings {
		s.warnings = append(s.warnings, (&fonds.ParseError{Path: f.Path, Line: w.Line, Msg: "warning: " + w.Message}).Error())
	}
	if collection == "" {
		c, err := im.documentCollection(ctx, f, d)
		if err != nil {
			// The warnings are told all the same, after what came before.
			if qerr := im.enqueue(ctx, r, s); qerr != nil {
				return qerr
			}
			return fmt.Errorf("%s: %w", quote(f.Path), quoteError(err))
		}
		collection = c
	}
	d.Collection = collection
	// A reader of files holding many documents names each within its
	// file ("#p123" for a WordPress post), so that its origin stays the
	// same when others are added or taken out; failing that, its place.
	switch {
	case strings.HasPrefix(d.Origin, "#"):
		d.Origin = f.Origin + d.Origin
	case n > 1:
		d.Origin = fmt.Sprintf("%s#%d", f.Origin, n)
	default:
		d.Origin = f.Origin
	}
	im.access(d)
	if d.ID == "" {
		d.ID = fonds.DocumentID(d)
	}
	images, notes := im.pageImages(f, d)
	for _, w := range notes {
		s.warnings = append(s.warnings, (&fonds.ParseError{Path: f.Path, Msg: "warning: " + w}).Error())
	}
	s.d, s.images, s.save = d, images, im.save(f)
	return im.enqueue(ctx, r, s)
}

// saved tells of s's document, stored with the result res: counts it,
// queues it for the index, and warns when it was kept once with same.
func (im *Importer) saved(ctx context.Context, r *run, s step, res fonds.PutResult, same *fonds.Document) error {
	if same != nil {
		// The readers do not say on which line a document starts: the
		// warning names the file, and the other arrival by its origin.
		im.warn(&r.sum, (&fonds.ParseError{Path: s.f.Path, Msg: "warning: same document as " + quote(same.Origin) + ", kept once"}).Error())
	}
	if res == "" {
		r.sum.Duplicates++
		return nil
	}
	if res != fonds.Unchanged {
		if err := im.queueIndex(ctx, s.d, s.size); err != nil {
			return err
		}
	}
	if im.Stored != nil {
		im.Stored()
	}
	switch res {
	case fonds.Added:
		r.sum.Added++
	case fonds.Updated:
		r.sum.Updated++
	case fonds.Unchanged:
		r.sum.Unchanged++
	}
	return nil
}

// access settles d's status, embargo and restriction: what the import
// says, else what its file says, else published, open to all.
func (im *Importer) access(d *fonds.Document) {
	if im.Status != "" {
		d.Status = im.Status
	}
	if d.Status == "" {
		d.Status = fonds.StatusPublished
	}
	if im.Embargo != "" {
		d.Embargo = im.Embargo
	}
	if im.Restricted != nil {
		d.Restricted = *im.Restricted
	}
}

// save returns what the revisions of f's documents record.
func (im *Importer) save(f File) fonds.Save {
	s := fonds.Save{Author: im.Author, Address: im.Address, Message: "import of " + f.Origin}
	if s.Author == "" {
		s.Author = "import"
	}
	if s.Address == "" {
		s.Address = "cli"
	}
	return s
}

func (im *Importer) warn(sum *Summary, msg string) {
	sum.Warnings++
	if im.Warn != nil {
		im.Warn(msg)
	}
}

// A CollectionDeclarer is a Reader of a format whose files may declare the
// collection they hold, as a TEI volume does.
type CollectionDeclarer interface {
	// DeclaredCollection returns the collection the file declares, reading
	// no further than it must, or ok false if it declares none.
	DeclaredCollection(r io.Reader) (c fonds.Collection, ok bool, err error)
}

// collectionOf returns the slug of the collection the documents of f go to,
// creating it if need be: the one the import names, else the one the file
// declares. It returns "" when neither names one: each document then goes
// to the collection it names, or else to one named after its file's folder
// (see documentCollection).
func (im *Importer) collectionOf(ctx context.Context, f File) (string, error) {
	if im.Collection != "" {
		return im.namedCollection(ctx, im.Collection)
	}
	if cd, ok := im.reader(f.Path).(CollectionDeclarer); ok {
		file, err := f.open()
		if err != nil {
			return "", err
		}
		c, ok, err := cd.DeclaredCollection(file)
		file.Close()
		if err != nil {
			return "", err
		}
		if ok {
			if err := im.declaredSlug(ctx, &c); err != nil {
				return "", err
			}
			return c.Slug, im.ensureCollection(ctx, c)
		}
	}
	return "", nil
}

// documentCollection returns the slug of the collection d goes to when
// neither the import nor its file f names one, creating it if need be: the
// one the reader found for it (the volume of a document read from a file
// of its own, so that it goes where the volume's copy goes), else one named
// after the folder of f.
func (im *Importer) documentCollection(ctx context.Context, f File, d *fonds.Document) (string, error) {
	if d.Collection != "" {
		// Known by its slug alone until its volume declares its title.
		c := fonds.Collection{Slug: d.Collection, Title: d.Collection}
		if err := im.declaredSlug(ctx, &c); err != nil {
			return "", err
		}
		return c.Slug, im.ensureCollection(ctx, c)
	}
	slug, err := im.namedCollection(ctx, filepath.Base(filepath.Dir(f.Path)))
	if errors.Is(err, fonds.ErrInvalid) {
		// A folder whose name leaves no slug ("!!!", "東京"): the archive's.
		return "archive", im.ensureCollection(ctx, fonds.Collection{Slug: "archive", Title: "Archive"})
	}
	return slug, err
}

// namedCollection returns the slug of the collection name names, creating
// it titled name if need be. A name that is the slug of a collection
// already there (as an earlier import made it from a folder's name) names
// it; otherwise the slug is fonds.CollectionSlug(name). An existing
// collection keeps its title.
func (im *Importer) namedCollection(ctx context.Context, name string) (string, error) {
	if slug, ok := im.names[name]; ok {
		return slug, nil
	}
	slug := fonds.CollectionSlug(name)
	if slug == "" {
		return "", fmt.Errorf("%w: collection %q: its name holds no letter or digit to make a slug of", fonds.ErrInvalid, name)
	}
	// Earlier imports made slugs of folder names with fonds.Slug, which
	// keeps letters of every script: a re-import goes where they went.
	if old := fonds.Slug(name); old != slug && old != "" {
		if _, ok := im.collections[old]; ok {
			slug = old
		} else if _, err := im.Store.Collection(ctx, old); err == nil {
			slug = old
		} else if !errors.Is(err, fonds.ErrNotFound) {
			return "", err
		}
	}
	if err := im.ensureCollection(ctx, fonds.Collection{Slug: slug, Title: strings.TrimSpace(name)}); err != nil {
		return "", err
	}
	if im.names == nil {
		im.names = make(map[string]string)
	}
	im.names[name] = slug
	return slug, nil
}

// declaredSlug makes the slug a file declares (a TEI volume's idno) a
// slug, unless an earlier import stored a collection under it as it is.
func (im *Importer) declaredSlug(ctx context.Context, c *fonds.Collection) error {
	slug := fonds.CollectionSlug(c.Slug)
	if _, ok := im.collections[c.Slug]; ok || slug == c.Slug {
		return nil
	}
	if _, err := im.Store.Collection(ctx, c.Slug); err == nil {
		return nil
	} else if !errors.Is(err, fonds.ErrNotFound) {
		return err
	}
	if slug == "" {
		slug = fonds.CollectionSlug(c.Title)
	}
	if slug == "" {
		return fmt.Errorf("%w: the collection the file declares, %q, holds no letter or digit to make a slug of", fonds.ErrInvalid, c.Slug)
	}
	c.Slug = slug
	return nil
}

// ensureCollection creates the collection unless it exists. It asks the
// store once per collection: an import of many files into one collection
// should cost one look-up, not one per file. A collection titled by its
// slug alone, as a document that names it makes it, takes the title c
// gives when c has one of its own: a volume's, read after one of its
// documents read alone.
func (im *Importer) ensureCollection(ctx context.Context, c fonds.Collection) error {
	title, ok := im.collections[c.Slug]
	if ok && (title != c.Slug || c.Title == "" || c.Title == c.Slug) {
		return nil
	}
	stored, err := im.Store.Collection(ctx, c.Slug)
	switch {
	case errors.Is(err, fonds.ErrNotFound):
		err = im.Store.PutCollection(ctx, c)
	case err == nil && stored.Title == stored.Slug && c.Title != "" && c.Title != c.Slug:
		if c.Description == "" {
			c.Description = stored.Description
		}
		err = im.Store.PutCollection(ctx, c)
	case err == nil:
		c.Title = stored.Title
	}
	if err != nil {
		return err
	}
	if im.collections == nil {
		im.collections = make(map[string]string)
	}
	im.collections[c.Slug] = c.Title
	return nil
}
