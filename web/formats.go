package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"fonds"
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

// documentAs writes the published document with the request's id by
// write, into a buffer first, so that a failure is a clean error page and
// not half a file. A draft is not found, as on its page.
func (s *Server) documentAs(w http.ResponseWriter, r *http.Request, ctype, ext string, write func(io.Writer, *fonds.Document) error) error {
	ctx := r.Context()
	id := r.PathValue("id")
	d, err := s.publicDocument(ctx, id)
	if errors.Is(err, fonds.ErrNotFound) {
		return s.documentNotFound(ctx, id)
	} else if err != nil {
		return err
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
