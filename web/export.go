package web

import (
	_ "embed"
	"encoding/json"
	"net/http"
)

//go:embed openapi.json
var openAPI []byte

// apiOpenAPI answers GET /api/v1/openapi.json: the description of the JSON
// API, which a test holds to what the routes answer.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
	return nil
}

// exportPage is how many documents the export reads at once: memory stays
// flat however large the archive.
const exportPage = 500

// apiExport answers GET /api/v1/export.jsonl: every document the viewer
// sees in lists, one JSON document a line, in date order, streamed as it
// is read.
func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	base := s.base(r)
	f := listFilter(r)
	f.Limit = exportPage
	// The first page is read before anything is written, so that a failure
	// of the store is still a clean error answer.
	docs, _, err := s.store.Documents(ctx, f)
	if err != nil {
		return err
	}
	private(w, r)
	h := w.Header()
	h.Set("Content-Type", "application/jsonl; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="documents.jsonl"`)
	enc := json.NewEncoder(w)
	flusher, _ := w.(http.Flusher)
	for {
		for _, d := range docs {
			if err := enc.Encode(NewAPIDocument(d, base)); err != nil {
				return nil // the client went away
			}
		}
		if len(docs) < exportPage {
			return nil
		}
		if flusher != nil {
			flusher.Flush()
		}
		// Keyed, not offset: each page costs the same however deep
		// into the archive it is.
		f.After = docs[len(docs)-1].ID
		if docs, _, err = s.store.Documents(ctx, f); err != nil {
			// Half the data set is sent: the log says why the rest is not.
			s.log.Error("export", "err", err)
			return nil
		}
	}
}
