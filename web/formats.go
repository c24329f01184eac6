package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"fonds"
	"fonds/cite"
	"fonds/text"
)

// documentText answers GET /documents/{id}.txt: the document in the
// transcription format, which imports back as the same document.
func (s *Server) documentText(w http.ResponseWriter, r *http.Request) error {
	return s.documentAs(w, r, "text/plain; charset=utf-8", ".txt", text.Write)
}

// documentTEI answers GET /documents/{id}.tei.xml: the document as TEI.
func (s *Server) documentTEI(w http.ResponseWriter, r *http.Request) error {
	return s.documentAs(w, r, "application/tei+xml; charset=utf-8", ".tei.xml", s.tei)
}

// documentAs writes the document with the request's id by write, into a
// buffer first, so that a failure is a clean error page and not half a
// file; ?rev=N writes that version. A document the viewer may not see is
// not found, as on its page.
func (s *Server) documentAs(w http.ResponseWriter, r *http.Request, ctype, ext string, write func(io.Writer, *fonds.Document) error) error {
	id := r.PathValue("id")
	d, err := s.visibleDocument(r, id)
	if errors.Is(err, fonds.ErrNotFound) {
		return s.documentNotFound(r, id)
	} else if err != nil {
		return err
	}
	if rev := r.URL.Query().Get("rev"); rev != "" {
		if d, err = s.version(r, d, rev); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := write(&buf, d); err != nil {
		return fmt.Errorf("write %s as %s: %w", d.ID, ext, err)
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s%s"`, d.ID, ext))
	if _, err := w.Write(buf.Bytes()); err != nil {
		s.log.Debug("write response", "err", err)
	}
	return nil
}

// citationFormat is a format reference managers import a citation from.
type citationFormat struct {
	label, ext, ctype string
	write             func(io.Writer, cite.Item) error
}

var citationFormats = []citationFormat{
	{"BibTeX", ".bib", "application/x-bibtex", cite.WriteBibTeX},
	{"RIS", ".ris", "application/x-research-info-systems", cite.WriteRIS},
	{"CSL-JSON", ".csl.json", "application/vnd.citationstyles.csl+json", cite.WriteCSLJSON},
}

// documentCitation returns the handler of GET /documents/{id}.EXT in the
// citation format f; ?rev=N cites that version.
func (s *Server) documentCitation(f citationFormat) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		id := r.PathValue("id")
		d, err := s.visibleDocument(r, id)
		if errors.Is(err, fonds.ErrNotFound) {
			return s.documentNotFound(r, id)
		} else if err != nil {
			return err
		}
		if rev := r.URL.Query().Get("rev"); rev != "" {
			if d, err = s.version(r, d, rev); err != nil {
				return err
			}
		}
		title := d.Collection
		if c, err := s.store.Collection(ctx, d.Collection); err == nil {
			title = c.Title
		}
		link := s.base(r) + documentPath(d.ID) + "?rev=" + strconv.Itoa(d.Version)
		var buf bytes.Buffer
		if err := f.write(&buf, cite.NewItem(d, title, s.site(r.Context()).Name, link, s.now())); err != nil {
			return fmt.Errorf("write %s as %s: %w", d.ID, f.ext, err)
		}
		h := w.Header()
		h.Set("Content-Type", f.ctype+"; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s%s"`, d.ID, f.ext))
		if _, err := w.Write(buf.Bytes()); err != nil {
			s.log.Debug("write response", "err", err)
		}
		return nil
	}
}
