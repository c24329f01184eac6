package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fonds"
)

// workPerList is how many documents each list of the work page shows.
const workPerList = 50

// workList is one list of the work page: the documents in one status, or
// the published ones held from the public.
type workList struct {
	Key     string // the list's name in ?list=
	Heading string
	Items   []workItem
	Total   int
	Next    string // the address of the list's next page
}

// workItem is a document on the work page, with its last save.
type workItem struct {
	listItem
	EditURL, HistoryURL string
	Last                fonds.Version
	// Returned is the editor's comment when the document came back from
	// review.
	Returned string
	// Embargo is the end of the document's embargo, as it is written,
	// while it lasts; Restricted says it is restricted.
	Embargo    string
	Restricted bool
}

type workData struct {
	Lists     []workList
	Publisher bool
}

// workListSpec is a list the work page may show, and who sees it.
type workListSpec struct {
	key       string
	heading   string
	filter    fonds.Filter
	publisher bool // shown only to those who may publish
}

// workLists are the lists of the work page, in the order it shows them.
var workLists = []workListSpec{
	{"draft", "Drafts", fonds.Filter{Status: fonds.StatusDraft}, false},
	{"review", "Waiting for review", fonds.Filter{Status: fonds.StatusReview}, false},
	{"embargoed", "Embargoed", fonds.Filter{Held: fonds.HeldEmbargoed}, true},
	{"restricted", "Restricted", fonds.Filter{Held: fonds.HeldRestricted}, true},
	{"withdrawn", "Withdrawn", fonds.Filter{Status: fonds.StatusWithdrawn}, true},
}

// work lists the documents being worked on: for editors drafts, documents
// in review, published ones under embargo or restricted, and withdrawn
// ones; for contributors drafts and documents in review. ?list= (or
// ?status=, as earlier pages linked) and ?after= page through one list.
func (s *Server) work(w http.ResponseWriter, r *http.Request) error {
	e, err := s.editorOf(w, r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	after := q.Get("after")
	only := q.Get("list")
	if only == "" {
		only = q.Get("status")
	}
	known := only == ""
	for _, l := range workLists {
		known = known || l.key == only && (e.publisher() || !l.publisher)
	}
	if !known || after != "" && (!validSlug(after) || only == "") {
		return badRequest("Continue a list with ?list= the list's name and ?after= a document id.")
	}
	data := workData{Publisher: e.publisher()}
	now := time.Now()
	for _, spec := range workLists {
		if spec.publisher && !e.publisher() || only != "" && spec.key != only {
			continue
		}
		l := workList{Key: spec.key, Heading: spec.heading}
		f := spec.filter
		f.Order, f.Limit, f.Brief = fonds.ByAdded, workPerList, true
		f.After = after
		docs, total, more, err := s.workDocuments(r, f)
		if errors.Is(err, fonds.ErrNotFound) {
			return notFound("The list has no document “%s” to continue after.", clip(after, 80))
		} else if err != nil {
			return err
		}
		l.Total = total
		for i, it := range listItems(docs) {
			wi := workItem{listItem: it, EditURL: it.URL + "/edit", HistoryURL: it.URL + "/history",
				Restricted: docs[i].Restricted}
			if t, err := fonds.ParseEmbargo(docs[i].Embargo); err == nil && now.Before(t) {
				wi.Embargo = docs[i].Embargo // an embargo over is no news
			}
			if h, err := s.store.History(r.Context(), docs[i].ID); err == nil && len(h) > 0 {
				wi.Last = h[len(h)-1]
				if c, ok := strings.CutPrefix(wi.Last.Message, "Returned: "); ok && spec.key == "draft" {
					wi.Returned = c
				}
			}
			l.Items = append(l.Items, wi)
		}
		if more != "" {
			l.Next = "/work?" + url.Values{"list": {spec.key}, "after": {more}}.Encode()
		}
		data.Lists = append(data.Lists, l)
	}
	p := s.newPage(r, "Work in progress", data)
	p.NoIndex = true
	return s.render(w, "work", p)
}

// workScan bounds the documents read for one list of a contributor's work
// page, so that a page costs the same however many they may not see.
const workScan = 10 * workPerList

// workDocuments returns a page of the list f, those of its documents the
// person may see; the number of documents in the list, -1 when it is not
// known; and the id to continue the list after, "" at its end. For those
// who may see every document of the list it is the store's page. Others
// (contributors, who may not see restricted work) get the page without
// what they may not see, read a page of the store's at a time but no more
// than workScan documents, and no count, which would tell how many they
// may not see.
func (s *Server) workDocuments(r *http.Request, f fonds.Filter) ([]*fonds.Document, int, string, error) {
	docs, total, err := s.store.Documents(r.Context(), f)
	if err != nil {
		return nil, 0, "", err
	}
	if roleOf(r).CanPublish() {
		more := ""
		if len(docs) == f.Limit {
			more = docs[len(docs)-1].ID
		}
		return docs, total, more, nil
	}
	var out []*fonds.Document
	read := 0
	for {
		for _, d := range docs {
			if len(out) == workPerList {
				return out, -1, f.After, nil
			}
			f.After = d.ID
			if s.visible(r, d) {
				out = append(out, d)
			}
		}
		read += len(docs)
		if len(docs) < f.Limit {
			return out, -1, "", nil // the end of the list
		}
		if read >= workScan {
			return out, -1, f.After, nil
		}
		if docs, _, err = s.store.Documents(r.Context(), f); err != nil {
			return nil, 0, "", err
		}
	}
}

// apiPutDocument replaces a document with a transcription:
// PUT /api/v1/documents/{id} with the text as the body, If-Match: "N" (the
// version it was made from) and X-CSRF-Token. It answers 200 with the new
// version, 409 naming the current one when the document changed since, 428
// without If-Match, 422 with the line of an error of the text.
func (s *Server) apiPutDocument(w http.ResponseWriter, r *http.Request) error {
	d, e, err := s.editableDocument(r, false)
	if err != nil {
		return err
	}
	if err := checkCSRF(r, e); err != nil {
		return err
	}
	match := strings.TrimSpace(r.Header.Get("If-Match"))
	if match == "" || match == "*" {
		// "*" would match whatever version is stored: a save that
		// overwrites what others saved since, which If-Match is here
		// to prevent. A version is required.
		return &httpError{status: http.StatusPreconditionRequired, msg: fmt.Sprintf("Say which version the text was made from, with If-Match: \"N\" (the current version is %d).", d.Version)}
	}
	version, ok := ifMatchVersion(match)
	if !ok {
		return badRequest("If-Match must be a version in quotes: \"%d\".", d.Version)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEditText))
	if err != nil {
		return &httpError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("The text is larger than %d MB.", maxEditText>>20)}
	}
	ed := &edit{text: string(b), stored: d, by: e}
	nd, err := ed.document(s, r)
	if p := parseProblem(err); p != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": p.Msg, "line": p.Line})
		return nil
	} else if err != nil {
		return err
	}
	msg := clipBytes(strings.TrimSpace(r.Header.Get("X-Message")), maxMessage)
	if msg == "" {
		msg = "Edited through the API"
	}
	_, err = s.writes.SaveDocument(r.Context(), nd, fonds.Save{Author: e.user.Name, Address: s.clientAddr(r), Message: msg, Version: version})
	if errors.Is(err, fonds.ErrConflict) {
		cur, cerr := s.store.Document(r.Context(), d.ID)
		if cerr != nil {
			return cerr
		}
		w.Header().Set("ETag", strconv.Quote(strconv.Itoa(cur.Version)))
		writeJSON(w, http.StatusConflict, map[string]any{
			"error":   fmt.Sprintf("The document changed since version %d: it is at version %d. Merge your text with it and send it again with If-Match: \"%d\".", version, cur.Version, cur.Version),
			"version": cur.Version,
		})
		return nil
	} else if err != nil {
		return err
	}
	cur, err := s.store.Document(r.Context(), d.ID)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(cur.Version)))
	writeJSON(w, http.StatusOK, map[string]any{"id": cur.ID, "version": cur.Version, "status": cur.Status})
	return nil
}

// ifMatchVersion reads the version an If-Match header names: "N" as the
// ETag gives it, W/"N", or N without quotes.
func ifMatchVersion(match string) (int, bool) {
	tag := strings.TrimPrefix(match, "W/")
	if len(tag) >= 2 && tag[0] == '"' && tag[len(tag)-1] == '"' {
		tag = tag[1 : len(tag)-1]
	} else if tag != match {
		return 0, false // W/ without quotes
	}
	n, err := strconv.Atoi(tag)
	return n, err == nil && n >= 1 && tag == strconv.Itoa(n)
}
