package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"fonds"
	"fonds/wdiff"
)

// History is shown only to those who may edit the document: an old version
// may hold what was hidden since (a name, a passage withdrawn), and the
// public reads the versions that were public through ?rev=N.

// historyData is the data of a document's history.
type historyData struct {
	CSRF      string
	ID        string
	URL       string
	Heading   string
	Versions  []fonds.Version // newest first
	Current   int
	Publisher bool
	DiffURL   string
	EditURL   string
}

func (s *Server) history(w http.ResponseWriter, r *http.Request) error {
	d, e, err := s.editableDocument(r, false)
	if err != nil {
		return err
	}
	h, err := s.store.History(r.Context(), d.ID)
	if err != nil {
		return err
	}
	vs := make([]fonds.Version, len(h))
	for i, v := range h {
		vs[len(h)-1-i] = v
	}
	data := historyData{
		CSRF: e.csrf, ID: d.ID, URL: documentPath(d.ID), Heading: d.Heading(), Versions: vs, Current: d.Version,
		Publisher: e.publisher(), DiffURL: documentPath(d.ID) + "/diff", EditURL: documentPath(d.ID) + "/edit",
	}
	p := s.newPage(r, "History of "+d.Heading(), data)
	p.NoIndex = true
	return s.render(w, "history", p)
}

// maxDiffText bounds each text a word diff compares: a larger one is said
// to have changed, with links to both versions, since comparing it would
// cost seconds and a page of many megabytes.
const maxDiffText = 512 << 10

// textDiff compares a and b word by word, or reports them too large to.
func textDiff(a, b string) (ops []wdiff.Op, tooLarge bool) {
	if len(a) > maxDiffText || len(b) > maxDiffText {
		return nil, true
	}
	return wdiff.Diff(a, b), false
}

// diffData is the data of the comparison of two versions.
type diffData struct {
	ID, URL, Heading string
	From, To         fonds.Version
	Diff             []wdiff.Op
	Deleted          int
	Inserted         int
	HistoryURL       string
	Versions         []fonds.Version
	// TooLarge says a version is too large to compare here; FromText and
	// ToText are the versions' texts.
	TooLarge         bool
	FromText, ToText string
}

// revisionText returns the address of version n of a document's text.
func revisionText(id string, n int) string {
	return documentPath(id) + ".txt?rev=" + strconv.Itoa(n)
}

// versionParam reads a version number of the query.
func versionParam(r *http.Request, name string, h []fonds.Version) (fonds.Version, error) {
	v := r.URL.Query().Get(name)
	n, err := strconv.Atoi(v)
	if err == nil {
		for _, ver := range h {
			if ver.N == n {
				return ver, nil
			}
		}
	}
	return fonds.Version{}, badRequest("“%s” is not a version of this document: versions are numbered 1 to %d.", clip(v, 20), len(h))
}

func (s *Server) diff(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.editableDocument(r, false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	h, err := s.store.History(ctx, d.ID)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("to") == "" {
		q := r.URL.Query()
		q.Set("to", strconv.Itoa(d.Version))
		r.URL.RawQuery = q.Encode()
	}
	to, err := versionParam(r, "to", h)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("from") == "" {
		q := r.URL.Query()
		q.Set("from", strconv.Itoa(max(to.N-1, 1)))
		r.URL.RawQuery = q.Encode()
	}
	from, err := versionParam(r, "from", h)
	if err != nil {
		return err
	}
	ops, tooLarge, err := s.versionDiff(r, d.ID, from.N, to.N)
	if err != nil {
		return err
	}
	del, ins := wdiff.Count(ops)
	data := diffData{
		ID: d.ID, URL: documentPath(d.ID), Heading: d.Heading(), From: from, To: to, Diff: ops,
		Deleted: del, Inserted: ins, HistoryURL: documentPath(d.ID) + "/history", Versions: h,
		TooLarge: tooLarge, FromText: revisionText(d.ID, from.N), ToText: revisionText(d.ID, to.N),
	}
	p := s.newPage(r, fmt.Sprintf("Versions %d and %d of %s", from.N, to.N, d.Heading()), data)
	p.NoIndex = true
	return s.render(w, "diff", p)
}

// versionDiff compares the transcriptions of two versions of a document,
// or reports them too large to compare (textDiff).
func (s *Server) versionDiff(r *http.Request, id string, from, to int) ([]wdiff.Op, bool, error) {
	texts := make([]string, 2)
	for i, n := range []int{from, to} {
		if n == 0 {
			continue // before the first version: nothing
		}
		v, err := s.store.Revision(r.Context(), id, n)
		if err != nil {
			return nil, false, err
		}
		if texts[i], err = writeText(v); err != nil {
			return nil, false, err
		}
	}
	ops, tooLarge := textDiff(texts[0], texts[1])
	return ops, tooLarge, nil
}

// restore saves an old version of a document as its newest. Its text and
// catalogue come back; its status, embargo and restriction stay as they
// are, so that restoring an old text never publishes or hides anything.
func (s *Server) restore(w http.ResponseWriter, r *http.Request) error {
	d, e, err := s.editableDocument(r, true)
	if err != nil {
		return err
	}
	version, err := readEditForm(w, r, e, 64<<10)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PostFormValue("rev"))
	if err != nil || n < 1 {
		return badRequest("The form does not say which version to restore.")
	}
	old, err := s.store.Revision(r.Context(), d.ID, n)
	if errors.Is(err, fonds.ErrNotFound) {
		return badRequest("The document %s has no version %d.", d.ID, n)
	} else if err != nil {
		return err
	}
	old.ID = d.ID
	old.Status, old.Embargo, old.Restricted = d.Status, d.Embargo, d.Restricted
	old.Version = 0
	msg := fmt.Sprintf("Restored version %d", n)
	if m := strings.TrimSpace(clipBytes(r.PostFormValue("message"), maxMessage)); m != "" {
		msg += ": " + m
	}
	_, err = s.writes.SaveDocument(r.Context(), old, fonds.Save{Author: e.user.Name, Address: s.clientAddr(r), Message: msg, Version: version})
	if errors.Is(err, fonds.ErrConflict) {
		return &httpError{status: http.StatusConflict, msg: "Someone saved this document since you loaded its history: reload it and restore again if you still mean to."}
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, documentPath(d.ID)+"/history", http.StatusSeeOther)
	return nil
}
