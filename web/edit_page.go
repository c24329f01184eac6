package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"fonds"
)

// PageImages keeps the images of documents' pages (iiif.Images does).
type PageImages interface {
	// Add stores an image of page n of document id under a name of its
	// own, keeping the page's other images, and returns the name to
	// record in the page's Facs. An image it refuses (not an image, too
	// large) is an ErrInvalid.
	Add(id string, n int, r io.Reader) (string, error)
	// RemoveImage removes the image facs of document id: the image a
	// page had once a save names another, or one added for a save that
	// failed.
	RemoveImage(id, facs string) error
	// Reorder moves the images of document id between its pages: the
	// image of page p becomes that of page to[p], for each p in to,
	// whose values are its keys in another order. It returns the name of
	// each page's image now ("" for none), to record in its Facs.
	// Reorder with the inverse of to undoes it.
	Reorder(id string, to map[int]int) (map[int]string, error)
}

// reorderLock serialises the reorders of page images, from the check of
// the version to the save: one that fails undoes its moves, which must
// find the images as it left them.
var reorderLock sync.Mutex

// maxImageUpload bounds an uploaded page image; the image store checks
// its own bounds (dimensions, decoding cost) besides.
const maxImageUpload = 64 << 20

// pageMarkerLine matches a page marker alone on its line: "[page two]".
var pageMarkerLine = regexp.MustCompile(`(?i)^\s*\[page\b[^\]]*\]\s*$`)

// witnessLine matches the line that opens a further witness.
var witnessLine = regexp.MustCompile(`^---\s*\S+:\s*\S+\s*---\s*$`)

// pageSpan is where the text of one page lies in a transcription: lines
// [start, end), 0-based.
type pageSpan struct{ start, end int }

// pageSpans finds the text of each page of d's first witness in its
// transcription t, split into lines: each page from its marker to the
// next marker or the next witness. Page 1 without a marker starts after
// the description. It fails when the markers of the text are not each
// alone on a line, as the page editor needs them.
func pageSpans(lines []string, d *fonds.Document) (map[int]pageSpan, error) {
	end := len(lines)
	var markers []int
	for i, l := range lines {
		if witnessLine.MatchString(l) {
			end = i
			break
		}
		if pageMarkerLine.MatchString(l) {
			markers = append(markers, i)
		}
	}
	pages := d.Pages
	spans := make(map[int]pageSpan)
	switch {
	case len(pages) == len(markers):
	case len(pages) == len(markers)+1:
		// The first page has no marker: it starts after the heading,
		// the lines of its access (@status, @embargo, @restricted) and
		// the description.
		start := afterHeading(lines)
		if len(markers) > 0 && markers[0] < start {
			start = markers[0]
		}
		stop := end
		if len(markers) > 0 {
			stop = markers[0]
		}
		spans[pages[0].N] = pageSpan{start, stop}
		pages = pages[1:]
	default:
		return nil, errors.New("some of this document's page markers are not alone on their lines")
	}
	for i, p := range pages {
		stop := end
		if i+1 < len(markers) {
			stop = markers[i+1]
		}
		spans[p.N] = pageSpan{markers[i], stop}
	}
	return spans, nil
}

// afterParagraphs returns the index of the line after the first n
// paragraphs of lines (and the blank lines after them).
func afterParagraphs(lines []string, n int) int {
	i := 0
	for range n {
		for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
			i++
		}
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			i++
		}
	}
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	return i
}

// afterHeading returns the index of the line after the heading, the
// paragraphs of @ lines and the description of a transcription (and the
// blank lines after them).
func afterHeading(lines []string) int {
	i := afterParagraphs(lines, 1)
	for i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "@") {
		i += afterParagraphs(lines[i:], 1)
	}
	return i + afterParagraphs(lines[i:], 1)
}

// splitText splits a transcription into lines, without their ends.
func splitText(t string) []string {
	t = strings.ReplaceAll(t, "\r\n", "\n")
	return strings.Split(strings.TrimSuffix(t, "\n"), "\n")
}

// pageEditData is the data of the page-by-page editor.
type pageEditData struct {
	CSRF      string
	ID        string
	URL       string
	Heading   string
	N         int
	Label     string
	Version   int
	Text      string
	Rows      int
	Message   string
	FirstLine int // the line of the whole transcription the page starts at
	Image     *pageImage
	Prev      string
	Next      string
	Pages     []pageLink
	Problems  []lineError
	Conflict  *conflictView
	EditURL   string
	Publisher bool
	Saved     bool
	Upload    string // the address images are sent to
	Reorder   bool   // whether the page's image may go to another page
}

// pageImage is the image of a page at the sizes the page editor offers.
type pageImage struct {
	Size  int    // the width shown
	Src   string // the image at that width
	Full  string // the whole image
	Sizes []imageSize
}

type imageSize struct {
	Width   int
	URL     string
	Current bool
}

// imageSizes are the widths the editor shows a page's image at.
var imageSizes = []int{600, 1000, 1600, 2400}

func (s *Server) editPage(w http.ResponseWriter, r *http.Request) error {
	d, e, err := s.editableDocument(r, false)
	if err != nil {
		return s.closedForm(w, r, err, "text")
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	var page *fonds.Page
	for i := range d.Pages {
		if err == nil && d.Pages[i].N == n {
			page = &d.Pages[i]
		}
	}
	if page == nil {
		return notFound("The document %s has no page “%s”.", d.ID, clip(r.PathValue("n"), 20))
	}
	full, err := writeText(d)
	if err != nil {
		return err
	}
	lines := splitText(full)
	spans, err := pageSpans(lines, d)
	if err != nil {
		return &httpError{status: http.StatusUnprocessableEntity, msg: "This document cannot be edited page by page: " + err.Error() + ". Edit the whole text instead, at " + documentPath(d.ID) + "/edit."}
	}
	sp := spans[n]
	data := &pageEditData{
		CSRF: e.csrf, ID: d.ID, URL: documentPath(d.ID), Heading: d.Heading(), N: n, Label: page.Label,
		Version: d.Version, Text: strings.Join(lines[sp.start:sp.end], "\n") + "\n", FirstLine: sp.start + 1,
		Message: fmt.Sprintf("Edited page %d", n), Pages: pageLinks(d), EditURL: documentPath(d.ID) + "/edit",
		Publisher: e.publisher(), Saved: r.URL.Query().Get("saved") != "", Upload: documentPath(d.ID) + "/images",
		Reorder: s.images != nil && len(d.Pages) > 1,
	}
	for i, p := range d.Pages {
		if p.N != n {
			continue
		}
		if i > 0 {
			data.Prev = pagePath(d.ID, d.Pages[i-1].N)
		}
		if i+1 < len(d.Pages) {
			data.Next = pagePath(d.ID, d.Pages[i+1].N)
		}
	}
	if page.Facs != "" && !strings.Contains(page.Facs, "://") {
		data.Image = newPageImage(r, d.ID, n)
	}
	if r.Method != http.MethodPost {
		return s.renderPageEdit(w, r, http.StatusOK, data)
	}
	version, err := readEditForm(w, r, e, maxEditForm)
	if err != nil {
		return err
	}
	data.Version = version
	data.Text = strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
	if m := clipBytes(strings.TrimSpace(r.PostFormValue("message")), maxMessage); m != "" {
		data.Message = m
	}
	// The page's text replaces its lines in the text as stored now; the
	// whole is read again, and its errors are at its lines.
	pageLines := splitText(data.Text)
	whole := append(append(append([]string(nil), lines[:sp.start]...), pageLines...), lines[sp.end:]...)
	ed := &edit{text: strings.Join(whole, "\n") + "\n", stored: d, by: e}
	nd, err := ed.document(s, r)
	if p := parseProblem(err); p != nil {
		data.Problems = append(data.Problems, *p)
		return s.renderPageEdit(w, r, http.StatusUnprocessableEntity, data)
	} else if err != nil {
		return err
	}
	next := pagePath(d.ID, n) + "?saved=1"
	return s.saveEdit(w, r, nd, e, data.Message, version, next, func(c *conflictView) error {
		data.Conflict = c
		data.Version = c.Version
		return s.renderPageEdit(w, r, http.StatusConflict, data)
	})
}

// newPageImage returns the image of page n at the width ?size= asks for.
func newPageImage(r *http.Request, id string, n int) *pageImage {
	size := imageSizes[0]
	if v, err := strconv.Atoi(r.URL.Query().Get("size")); err == nil {
		for _, s := range imageSizes {
			if s == v {
				size = v
			}
		}
	}
	base := "/iiif/image/" + url.PathEscape(fmt.Sprintf("%s~%d", id, n))
	im := &pageImage{Size: size, Src: fmt.Sprintf("%s/full/!%d,%d/0/default.jpg", base, size, size*4), Full: base + "/full/max/0/default.jpg"}
	for _, s := range imageSizes {
		im.Sizes = append(im.Sizes, imageSize{Width: s, URL: fmt.Sprintf("%s?size=%d", pagePath(id, n), s), Current: s == size})
	}
	return im
}

func (s *Server) renderPageEdit(w http.ResponseWriter, r *http.Request, status int, data *pageEditData) error {
	data.Rows = rows(data.Text)
	p := s.newPage(r, fmt.Sprintf("Page %d of %s", data.N, data.Heading), data)
	p.NoIndex = true
	return s.renderStatus(w, status, "page_edit", p)
}

// putImage stores the image sent for a page of a document, and records it
// in the page, as a save of the document.
func (s *Server) putImage(w http.ResponseWriter, r *http.Request) error {
	d, e, err := s.editableDocument(r, false)
	if err != nil {
		return err
	}
	if s.images == nil {
		return notFound("This archive keeps no page images.")
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		return s.reorderImages(w, r, d, e)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImageUpload+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return badRequest("Send the image as a form (multipart/form-data).")
	}
	// The fields come before the file, as the form orders them; the file
	// goes straight to the image store, never whole in memory.
	fields := map[string]string{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return badRequest("The form holds no image.")
		} else if err != nil {
			return badRequest("The image is larger than %d MB, or the form was cut off.", maxImageUpload>>20)
		}
		if part.FormName() != "image" {
			b, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				return badRequest("The form was cut off.")
			}
			fields[part.FormName()] = string(b)
			continue
		}
		if !e.validCSRF(fields["csrf"]) {
			return errCSRF
		}
		version, err := strconv.Atoi(fields["version"])
		if err != nil || version < 1 {
			return badRequest("The form does not say which version it was loaded from: reload the page.")
		}
		n, err := strconv.Atoi(fields["page"])
		page := -1
		for i := range d.Pages {
			if err == nil && d.Pages[i].N == n {
				page = i
			}
		}
		if page < 0 {
			return badRequest("The document %s has no page “%s”.", d.ID, clip(fields["page"], 20))
		}
		if d.Version != version {
			return &httpError{status: http.StatusConflict, msg: "Someone saved this document since you loaded the page: reload it and send the image again."}
		}
		// The new image is stored beside the page's image, which the
		// stored document names until the save commits: then the old one
		// goes, or, when the save fails, the new one. The reorders wait,
		// since they read every image of each page.
		reorderLock.Lock()
		defer reorderLock.Unlock()
		name, err := s.images.Add(d.ID, n, part)
		var tooLarge *http.MaxBytesError
		if errors.Is(err, fonds.ErrInvalid) || errors.As(err, &tooLarge) {
			return badRequest("This image cannot be used: it must be a PNG, JPEG or GIF of at most %d MB and of a size the image service can show.", maxImageUpload>>20)
		} else if err != nil {
			return err
		}
		old := d.Pages[page].Facs
		d.Pages[page].Facs = name
		if !e.publisher() {
			d.Status = fonds.StatusReview
		}
		msg := fmt.Sprintf("Image of page %d", n)
		_, err = s.writes.SaveDocument(r.Context(), d, fonds.Save{Author: e.user.Name, Address: s.clientAddr(r), Message: msg, Version: version})
		if err != nil {
			if old != name {
				if rerr := s.images.RemoveImage(d.ID, name); rerr != nil {
					s.log.Warn("remove an image no save names", "id", d.ID, "image", name, "err", rerr)
				}
			}
			if errors.Is(err, fonds.ErrConflict) {
				return &httpError{status: http.StatusConflict, msg: "Someone saved this document while the image was sent: the page keeps its image. Reload the page and send the image again."}
			}
			return err
		}
		if ownImage(d, n, old) && old != name {
			// An image the saved document names no more; should its
			// removal fail, it is left over, and the page shows the new
			// one all the same.
			if err := s.images.RemoveImage(d.ID, old); err != nil {
				s.log.Warn("remove a page's replaced image", "id", d.ID, "image", old, "err", err)
			}
		}
		http.Redirect(w, r, pagePath(d.ID, n)+"?saved=1", http.StatusSeeOther)
		return nil
	}
}

// ownImage reports whether facs, the image page n of d had, is one the
// image store keeps for that page alone: a file name of the page's (not
// an address, nor a name another page of d records).
func ownImage(d *fonds.Document, n int, facs string) bool {
	page := fmt.Sprintf("%04d", n)
	if strings.Contains(facs, "/") || !strings.HasPrefix(facs, page+".") && !strings.HasPrefix(facs, page+"-") {
		return false
	}
	for _, p := range d.Pages {
		if p.N != n && p.Facs == facs {
			return false
		}
	}
	return true
}

// maxReorderForm bounds the form that reorders page images.
const maxReorderForm = 16 << 10

// reorderImages moves the image of page "from" to page "to" (action move:
// the images of the pages between shift by one towards from's place), or
// swaps the images of the two pages (action swap), as a save of the
// document. It sends the browser back to the page editor of page "back",
// or to the document's editor.
func (s *Server) reorderImages(w http.ResponseWriter, r *http.Request, d *fonds.Document, e *editor) error {
	version, err := readEditForm(w, r, e, maxReorderForm)
	if err != nil {
		return err
	}
	action := r.PostFormValue("action")
	if action != "move" && action != "swap" {
		return badRequest("Say whether to move the image or to swap the two pages’ images.")
	}

	reorderLock.Lock()
	defer reorderLock.Unlock()
	// The document as it is now, under the lock: the pages' images are
	// those the moves start from.
	d, err = s.store.Document(r.Context(), d.ID)
	if err != nil {
		return err
	}
	stale := &httpError{status: http.StatusConflict, msg: fmt.Sprintf("Someone saved this document since you loaded the page (version %d, now %d): reload it and move the images again.", version, d.Version)}
	if d.Version != version {
		return stale
	}
	index := func(field string) (int, error) {
		n, err := strconv.Atoi(r.PostFormValue(field))
		for i := range d.Pages {
			if err == nil && d.Pages[i].N == n {
				return i, nil
			}
		}
		return 0, badRequest("The document %s has no page “%s”.", d.ID, clip(r.PostFormValue(field), 20))
	}
	i, err := index("from")
	if err != nil {
		return err
	}
	j, err := index("to")
	if err != nil {
		return err
	}
	from, to := d.Pages[i].N, d.Pages[j].N
	if i == j {
		return badRequest("The image of page %d is on page %d already: choose another page.", from, to)
	}
	moves, msg := map[int]int{from: to, to: from}, fmt.Sprintf("Swapped the images of pages %d and %d", from, to)
	if action == "move" {
		moves, msg = imageMoves(d.Pages, i, j), fmt.Sprintf("Moved the image of page %d to page %d", from, to)
	}
	next := documentPath(d.ID) + "/edit?saved=1"
	if k, err := index("back"); err == nil {
		next = pagePath(d.ID, d.Pages[k].N) + "?saved=1"
	}
	names, err := s.images.Reorder(d.ID, moves)
	if errors.Is(err, fonds.ErrInvalid) {
		return badRequest("These pages’ images cannot be moved.")
	} else if err != nil {
		return err
	}
	facs := make(map[int]string, len(d.Pages))
	for _, p := range d.Pages {
		facs[p.N] = p.Facs
	}
	back := make(map[int]int, len(moves))
	for p, q := range moves {
		back[q] = p
		switch f := facs[p]; {
		case names[q] != "":
			facs[q] = names[q]
		case f != "" && !strings.HasPrefix(f, fmt.Sprintf("%04d.", p)):
			// An image the store does not keep (an address, or a
			// name an import gave and no file came with): the
			// reference moves as it is.
			facs[q] = f
		default:
			facs[q] = ""
		}
	}
	for k := range d.Pages {
		d.Pages[k].Facs = facs[d.Pages[k].N]
	}
	if !e.publisher() {
		d.Status = fonds.StatusReview
	}
	_, err = s.writes.SaveDocument(r.Context(), d, fonds.Save{Author: e.user.Name, Address: s.clientAddr(r), Message: msg, Version: version})
	if err != nil {
		// The images go back where the stored document has them.
		if _, uerr := s.images.Reorder(d.ID, back); uerr != nil {
			return errors.Join(err, uerr)
		}
		if errors.Is(err, fonds.ErrConflict) {
			return stale
		}
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// imageMoves returns where the images of the pages go when the image of
// pages[i] moves to pages[j]: those of the pages between shift by one
// towards i, so that the images keep their order but for the one moved.
func imageMoves(pages []fonds.Page, i, j int) map[int]int {
	moves := map[int]int{pages[i].N: pages[j].N}
	for k := i + 1; k <= j; k++ {
		moves[pages[k].N] = pages[k-1].N
	}
	for k := j; k < i; k++ {
		moves[pages[k].N] = pages[k+1].N
	}
	return moves
}
