package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fonds"
	"fonds/wdiff"
)

// reviewPerPage is how many documents waiting for review a page shows.
// The first reviewDiffs show their change, each in at most maxReviewDiff
// bytes of text around what changed; the others link to theirs. So the
// page costs a bounded amount, whatever contributors submit: at most
// reviewDiffs comparisons of texts of at most maxDiffText.
const (
	reviewPerPage = 20
	reviewDiffs   = 5
	maxReviewDiff = 8 << 10
	reviewContext = 200 // bytes of unchanged text shown beside a change
)

// reviewItem is a document waiting for review: who saved it, when, and
// what changed since it last was not waiting.
type reviewItem struct {
	ID, URL, Heading, Date string
	Version                int
	Saved                  fonds.Version // the version under review
	Since                  int           // the version compared with; 0 for a new document
	Diff                   []wdiff.Op
	Deleted, Inserted      int
	HistoryURL             string
	EditURL                string
	// Shown says the change is shown here; Cut that only its start is.
	// TooLarge says the texts are too large to compare word by word.
	Shown, Cut, TooLarge bool
	// DiffURL is the change on its own page, TextURL the text under
	// review.
	DiffURL, TextURL string
}

type reviewData struct {
	CSRF  string
	Items []reviewItem
	Next  string
	Total int
}

// reviewList shows editors the documents waiting for review, each with the
// change under review: from the latest version whose status was not
// "review" (what an editor last saw settled) to the current one.
func (s *Server) reviewList(w http.ResponseWriter, r *http.Request) error {
	e, err := s.editorOf(w, r)
	if err != nil {
		return err
	}
	if !e.publisher() {
		return notFound("There is no page at this address.")
	}
	ctx := r.Context()
	after := r.URL.Query().Get("after")
	if after != "" && !validSlug(after) {
		return badRequest("“%s” is not a document id.", clip(after, 80))
	}
	docs, total, err := s.store.Documents(ctx, fonds.Filter{Status: fonds.StatusReview, Order: fonds.ByAdded, After: after, Limit: reviewPerPage, Brief: true})
	if errors.Is(err, fonds.ErrNotFound) {
		return notFound("The list of documents in review has no document “%s” to continue after.", clip(after, 80))
	} else if err != nil {
		return err
	}
	data := reviewData{CSRF: e.csrf, Total: total}
	for i, d := range docs {
		it, err := s.reviewItem(r, d, i < reviewDiffs)
		if err != nil {
			return err
		}
		data.Items = append(data.Items, it)
	}
	if len(docs) == reviewPerPage {
		data.Next = "/review?after=" + docs[len(docs)-1].ID
	}
	p := s.newPage(r, "Waiting for review", data)
	p.NoIndex = true
	return s.render(w, "review", p)
}

// reviewItem returns the item of the review page of d, with its change
// when show is set.
func (s *Server) reviewItem(r *http.Request, d *fonds.Document, show bool) (reviewItem, error) {
	it := reviewItem{
		ID: d.ID, URL: documentPath(d.ID), Heading: d.Heading(), Date: d.Date.Display(), Version: d.Version,
		HistoryURL: documentPath(d.ID) + "/history", EditURL: documentPath(d.ID) + "/edit",
		TextURL: revisionText(d.ID, d.Version),
	}
	h, err := s.store.History(r.Context(), d.ID)
	if err != nil {
		return it, err
	}
	if len(h) > 0 {
		it.Saved = h[len(h)-1]
	}
	for i := len(h) - 2; i >= 0; i-- {
		if h[i].Status != fonds.StatusReview {
			it.Since = h[i].N
			break
		}
	}
	if it.Since > 0 {
		it.DiffURL = documentPath(d.ID) + "/diff?" + url.Values{"from": {strconv.Itoa(it.Since)}, "to": {strconv.Itoa(d.Version)}}.Encode()
	}
	if !show {
		return it, nil
	}
	ops, tooLarge, err := s.versionDiff(r, d.ID, it.Since, d.Version)
	if err != nil {
		return it, err
	}
	it.Shown, it.TooLarge = true, tooLarge
	it.Deleted, it.Inserted = wdiff.Count(ops)
	it.Diff, it.Cut = excerpt(ops, reviewContext, maxReviewDiff)
	return it, nil
}

// excerpt returns the ops of a diff with each run of unchanged text cut
// to its context bytes beside each change, and the whole cut to about
// limit bytes of text; cut reports whether anything of a change was left
// out.
func excerpt(ops []wdiff.Op, context, limit int) (out []wdiff.Op, cut bool) {
	n := 0
	for i, o := range ops {
		t := o.Text
		if o.Kind == wdiff.Equal {
			head, tail := context, context
			if i == 0 {
				head = 0 // nothing before it
			}
			if i == len(ops)-1 {
				tail = 0 // nothing after it
			}
			if len(t) > head+tail+len(" … ") {
				t = clipBytes(t, head) + " … " + lastBytes(t, tail)
			}
		}
		if n+len(t) > limit {
			if o.Kind != wdiff.Equal || i < len(ops)-1 {
				cut = true
			}
			if t = clipBytes(t, limit-n); t != "" {
				out = append(out, wdiff.Op{Kind: o.Kind, Text: t + " …"})
			}
			return out, cut
		}
		n += len(t)
		out = append(out, wdiff.Op{Kind: o.Kind, Text: t})
	}
	return out, false
}

// lastBytes returns the end of s, at most n bytes, from a character's
// start.
func lastBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8RuneStart(s[i]) {
		i++
	}
	return s[i:]
}

// review accepts (publishes) a document waiting for review, or returns it
// to its contributor as a draft with a comment, which its history and the
// contributor's work page show.
func (s *Server) review(w http.ResponseWriter, r *http.Request) error {
	d, e, err := s.editableDocument(r, true)
	if err != nil {
		return err
	}
	version, err := readEditForm(w, r, e, 64<<10)
	if err != nil {
		return err
	}
	if d.Status != fonds.StatusReview {
		return &httpError{status: http.StatusConflict, msg: "This document is not waiting for review any more: someone reviewed it already."}
	}
	comment := strings.TrimSpace(clipBytes(r.PostFormValue("comment"), maxMessage))
	var msg string
	switch r.PostFormValue("action") {
	case "accept":
		d.Status = fonds.StatusPublished
		msg = "Accepted"
		if comment != "" {
			msg += ": " + comment
		}
	case "return":
		if comment == "" {
			return badRequest("Say why the document goes back, in the comment: its contributor reads it.")
		}
		d.Status = fonds.StatusDraft
		msg = "Returned: " + comment
	default:
		return badRequest("Accept the document or return it.")
	}
	_, err = s.writes.SaveDocument(r.Context(), d, fonds.Save{Author: e.user.Name, Address: s.clientAddr(r), Message: msg, Version: version})
	if errors.Is(err, fonds.ErrConflict) {
		return &httpError{status: http.StatusConflict, msg: "The document changed since the review page was loaded: reload it to see the latest change before deciding."}
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/review", http.StatusSeeOther)
	return nil
}
