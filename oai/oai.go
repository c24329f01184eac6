// Package oai is an OAI-PMH 2.0 data provider: it lets harvesters (library
// catalogues, aggregators) collect the published documents of the archive as
// Dublin Core (oai_dc) and, when a TEI writer is configured, as TEI P5.
//
// The handler answers the six verbs of the protocol by GET and by POST of a
// form. Protocol errors are answered, as the protocol says, with HTTP 200 and
// an error element; only faults of the server (a store that fails) are
// answered 500.
//
// # Identifiers
//
// The item of a document has the identifier "oai:HOST:ID", where HOST is the
// host name of the base URL (without its port) and ID the document's id,
// percent-encoding the characters OAI identifiers do not allow. A document's
// identifier is as stable as its id and the configured base URL.
//
// # Sets
//
// Each collection is a set: its setSpec is the collection's slug, its
// setName its title. Each subject category of the archive is a set too:
// "category-2-1" for category 2.1 (a setSpec cannot hold every character a
// category can, so it holds the category's slug).
//
// # Deleted records
//
// Deletions are persistent: a document deleted, or made a draft again after
// it was published, is listed with a header of status "deleted" and no
// metadata, in lists and by GetRecord; ListMetadataFormats of it answers
// noMetadataFormats. A draft never published is not an item at all
// (idDoesNotExist). Nothing of a draft is ever disseminated.
//
// # Resumption tokens
//
// Lists come in pages of Config.PageSize records. A resumption token holds
// the whole state of the list (format, set, bounds, the datestamp and id of
// the last record sent, how many were sent) signed with an HMAC, so the
// server keeps nothing between requests. Tokens expire an hour after they
// are issued. Their key is made at random when the handler is made, unless
// Config.TokenKey gives one: a restart then invalidates the tokens of
// harvests in progress, which harvesters answer by starting the list again.
package oai

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"fonds"
)

// The namespaces and schemas of the protocol and its metadata formats.
const (
	nsOAI        = "http://www.openarchives.org/OAI/2.0/"
	schemaOAI    = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
	nsOAIDC      = "http://www.openarchives.org/OAI/2.0/oai_dc/"
	schemaOAIDC  = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
	nsDC         = "http://purl.org/dc/elements/1.1/"
	nsTEI        = "http://www.tei-c.org/ns/1.0"
	schemaTEI    = "https://www.tei-c.org/release/xml/tei/custom/schema/xsd/tei_all.xsd"
	nsXSI        = "http://www.w3.org/2001/XMLSchema-instance"
	nsIdentifier = "http://www.openarchives.org/OAI/2.0/oai-identifier"
	schemaIdent  = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
)

// Defaults of a Config.
const (
	// DefaultPageSize is the number of records a list response holds
	// before a resumption token, when Config.PageSize is 0.
	DefaultPageSize = 100
	// DefaultRepositoryName names the repository when Config.RepositoryName
	// is empty.
	DefaultRepositoryName = "Archive"
	// tokenLifetime is how long a resumption token stays valid.
	tokenLifetime = time.Hour
	// maxBody bounds the form of a POST request.
	maxBody = 64 << 10
)

// Store is what the handler reads of the archive: the records, the
// collections that are its sets, and the site's settings.
type Store interface {
	fonds.RecordStore
	fonds.SettingReader // the site's name
	Collections(ctx context.Context, f fonds.Filter) ([]fonds.Collection, error)
}

// Config configures the handler that New returns.
type Config struct {
	// Store is where the records come from.
	Store Store
	// BaseURL is the URL harvesters send requests to, such as
	// "https://archive.example.org/oai". It is required: identifiers and
	// the baseURL harvesters see must never come from a client's Host
	// header.
	BaseURL string
	// RepositoryName is the name Identify gives; DefaultRepositoryName
	// when empty.
	RepositoryName string
	// AdminEmail is the address Identify gives. When empty it is
	// "archive@HOST" for the host of the base URL, or
	// "archive@localhost.localdomain" when that host has no dot (the
	// protocol's schema wants a domain with one).
	AdminEmail string
	// TEI writes a document as TEI P5 for the "tei" metadata format; nil
	// disables that format.
	TEI func(w io.Writer, d *fonds.Document) error
	// PageSize is the number of records per list response before a
	// resumption token; DefaultPageSize when 0.
	PageSize int
	// TokenKey signs resumption tokens. When empty a random key is made, and
	// the tokens of one process are refused by the next: a key shared by
	// the servers behind one address lets any of them continue a list.
	TokenKey []byte
	// Logger logs the faults of the store; slog.Default() when nil.
	Logger *slog.Logger
}

// format is a metadata format the repository disseminates.
type format struct {
	prefix, schema, namespace string
	// write writes the metadata of the document: one element, without an
	// XML declaration.
	write func(h *handler, w *xmlWriter, d *fonds.Document, site *site) error
}

// handler is the http.Handler that New returns.
type handler struct {
	store     Store
	base      *url.URL // nil: derived from each request
	name      string
	email     string
	pageSize  int
	key       []byte
	formats   []format
	log       *slog.Logger
	tei       func(w io.Writer, d *fonds.Document) error
	now       func() time.Time
	siteCache *fonds.SiteCache // the site's name and e-mail, for Identify
}

// New returns the OAI-PMH handler of the configuration. It answers at
// whatever path it is mounted.
func New(cfg Config) (http.Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("oai: no store")
	}
	h := &handler{
		store:    cfg.Store,
		name:     cfg.RepositoryName,
		email:    cfg.AdminEmail,
		pageSize: cfg.PageSize,
		key:      cfg.TokenKey,
		log:      cfg.Logger,
		tei:      cfg.TEI,
		now:      time.Now,
	}
	h.siteCache = &fonds.SiteCache{Settings: cfg.Store, Now: func() time.Time { return h.now() }}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("oai: base URL %q is not an http or https URL without query", cfg.BaseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	h.base = u
	if h.name == "" {
		h.name = DefaultRepositoryName
	}
	if h.email != "" && !strings.Contains(h.email, "@") {
		return nil, fmt.Errorf("oai: admin email %q has no @", h.email)
	}
	switch {
	case h.pageSize < 0:
		return nil, fmt.Errorf("oai: negative page size %d", h.pageSize)
	case h.pageSize == 0:
		h.pageSize = DefaultPageSize
	}
	if len(h.key) == 0 {
		h.key = make([]byte, 32)
		rand.Read(h.key)
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.formats = []format{{prefix: "oai_dc", schema: schemaOAIDC, namespace: nsOAIDC, write: writeDC}}
	if h.tei != nil {
		h.formats = append(h.formats, format{prefix: "tei", schema: schemaTEI, namespace: nsTEI, write: writeTEI})
	}
	return h, nil
}

// site is what one request knows of where the repository is.
type site struct {
	baseURL string // the base URL of the protocol
	host    string // the namespace of identifiers: the base URL's host name
	root    string // the site's root, without a trailing slash: permalinks start with it
	// collections maps slugs to titles, loaded when a response needs them.
	collections map[string]string
}

// siteOf returns the site: the configured base URL, whatever the request
// says of its host.
func (h *handler) siteOf(r *http.Request) *site {
	u := h.base
	root := *u
	root.Path = strings.TrimSuffix(path.Dir("/"+strings.TrimPrefix(u.Path, "/")), "/")
	host := strings.ToLower(u.Hostname())
	if host == "" {
		host = "localhost"
	}
	return &site{baseURL: u.String(), host: host, root: root.String()}
}

// adminEmail returns the site's e-mail address, else the configured one,
// else one made of the host.
func (h *handler) adminEmail(ctx context.Context, s *site) string {
	switch {
	case h.settings(ctx).Email != "":
		return h.settings(ctx).Email
	case h.email != "":
		return h.email
	case strings.Contains(s.host, ".") && net.ParseIP(s.host) == nil:
		return "archive@" + s.host
	}
	return "archive@localhost.localdomain"
}

// ServeHTTP answers one protocol request.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "OAI-PMH requests are GET or POST", http.StatusMethodNotAllowed)
		return
	}
	s := h.siteOf(r)
	resp := &response{site: s, date: h.now().UTC()}
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		resp.fail(badArgument, "the arguments cannot be read: "+err.Error())
	} else if err := h.answer(r.Context(), resp, r.Form); err != nil {
		if r.Context().Err() == nil {
			h.log.Error("oai: answer request", "query", r.Form.Encode(), "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
		return
	}
	body := resp.bytes()
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.Write(body)
}

// answer fills resp with the answer to the arguments. An error is a fault
// of the server; the protocol's errors are in resp.
func (h *handler) answer(ctx context.Context, resp *response, form url.Values) error {
	req, e := parseRequest(form)
	if e != nil {
		resp.errs = append(resp.errs, *e)
		return nil
	}
	resp.req = req
	switch req.verb {
	case "Identify":
		return h.identify(ctx, resp)
	case "ListMetadataFormats":
		return h.listMetadataFormats(ctx, resp)
	case "ListSets":
		return h.listSets(ctx, resp)
	case "ListIdentifiers", "ListRecords":
		return h.list(ctx, resp)
	case "GetRecord":
		return h.getRecord(ctx, resp)
	}
	panic("oai: verb " + req.verb + " has no answer") // parseRequest admits only the verbs above
}

// format returns the format of the prefix, if the repository has it.
func (h *handler) format(prefix string) (format, bool) {
	for _, f := range h.formats {
		if f.prefix == prefix {
			return f, true
		}
	}
	return format{}, false
}

// identify answers Identify.
func (h *handler) identify(ctx context.Context, resp *response) error {
	earliest, err := h.store.EarliestDatestamp(ctx)
	if err != nil {
		return err
	}
	if earliest.IsZero() {
		// No record yet: every future record is later than now.
		earliest = resp.date
	}
	s := resp.site
	w := &resp.body
	w.open("Identify")
	w.elem("repositoryName", h.repositoryName(ctx))
	w.elem("baseURL", s.baseURL)
	w.elem("protocolVersion", "2.0")
	w.elem("adminEmail", h.adminEmail(ctx, s))
	w.elem("earliestDatestamp", datestamp(earliest))
	w.elem("deletedRecord", "persistent")
	w.elem("granularity", "YYYY-MM-DDThh:mm:ssZ")
	if repositoryIdentifier.MatchString(s.host) {
		w.open("description")
		w.open("oai-identifier", "xmlns", nsIdentifier, "xmlns:xsi", nsXSI,
			"xsi:schemaLocation", nsIdentifier+" "+schemaIdent)
		w.elem("scheme", "oai")
		w.elem("repositoryIdentifier", s.host)
		w.elem("delimiter", ":")
		w.elem("sampleIdentifier", identifier(s.host, "1977-05-19-pb-56-68"))
		w.close("oai-identifier")
		w.close("description")
	}
	w.close("Identify")
	return nil
}

// listMetadataFormats answers ListMetadataFormats.
func (h *handler) listMetadataFormats(ctx context.Context, resp *response) error {
	if id, ok := resp.req.args["identifier"]; ok {
		rec, found, err := h.record(ctx, resp.site, id)
		switch {
		case err != nil:
			return err
		case !found:
			resp.fail(idDoesNotExist, "no item has the identifier "+id)
			return nil
		case rec.Deleted:
			resp.fail(noMetadataFormats, "the item "+id+" is deleted: no metadata is disseminated for it")
			return nil
		}
	}
	w := &resp.body
	w.open("ListMetadataFormats")
	for _, f := range h.formats {
		w.open("metadataFormat")
		w.elem("metadataPrefix", f.prefix)
		w.elem("schema", f.schema)
		w.elem("metadataNamespace", f.namespace)
		w.close("metadataFormat")
	}
	w.close("ListMetadataFormats")
	return nil
}

// listSets answers ListSets: the collections.
func (h *handler) listSets(ctx context.Context, resp *response) error {
	if _, ok := resp.req.args["resumptionToken"]; ok {
		// The sets come in one response: no token was ever issued.
		resp.fail(badResumptionToken, "the list of sets is never split: this token was not issued")
		return nil
	}
	// Only the collections holding a public document: the name of one
	// that holds only hidden documents may say what they are.
	all, err := h.store.Collections(ctx, fonds.Filter{Published: true})
	if err != nil {
		return err
	}
	var cols []fonds.Collection
	for _, c := range all {
		if c.Count > 0 {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		resp.fail(noSetHierarchy, "the repository has no collections")
		return nil
	}
	w := &resp.body
	w.open("ListSets")
	for _, c := range cols {
		w.open("set")
		w.elem("setSpec", c.Slug)
		w.elem("setName", c.Title)
		if c.Description != "" {
			w.open("setDescription")
			openDC(w)
			w.elem("dc:description", c.Description)
			w.close("oai_dc:dc")
			w.close("setDescription")
		}
		w.close("set")
	}
	cats, err := h.store.Categories(ctx)
	if err != nil {
		return err
	}
	for _, c := range cats {
		w.open("set")
		w.elem("setSpec", categorySet+fonds.Slug(c))
		w.elem("setName", "Category "+c)
		w.close("set")
	}
	w.close("ListSets")
	return nil
}

// categorySet begins the setSpec of a category's set: "category-2-1" holds
// the documents filed under category 2.1. A setSpec may not hold every
// character a category may, so the category is written as a slug.
const categorySet = "category-"

// category returns the category whose slug is slug.
func (h *handler) category(ctx context.Context, slug string) (string, bool, error) {
	cats, err := h.store.Categories(ctx)
	if err != nil {
		return "", false, err
	}
	for _, c := range cats {
		if fonds.Slug(c) == slug {
			return c, true, nil
		}
	}
	return "", false, nil
}

// loadCollections fills s.collections, for dc:relation.
func (h *handler) loadCollections(ctx context.Context, s *site) error {
	cols, err := h.store.Collections(ctx, fonds.Filter{})
	if err != nil {
		return err
	}
	s.collections = make(map[string]string, len(cols))
	for _, c := range cols {
		s.collections[c.Slug] = c.Title
	}
	return nil
}

// list answers ListIdentifiers and ListRecords.
func (h *handler) list(ctx context.Context, resp *response) error {
	req := resp.req
	var tok token
	t, resumed := req.args["resumptionToken"]
	if resumed {
		var err error
		if tok, err = h.decodeToken(t, req.verb); err != nil {
			resp.fail(badResumptionToken, err.Error())
			return nil
		}
	} else {
		tok = token{Verb: req.verb, Prefix: req.args["metadataPrefix"], Set: req.args["set"]}
		if _, ok := h.format(tok.Prefix); !ok {
			resp.fail(cannotDisseminateFormat, "the repository has no metadata format "+tok.Prefix)
			return nil
		}
		from, until, msg := parseRange(req.args["from"], req.args["until"])
		if msg != "" {
			resp.fail(badArgument, msg)
			return nil
		}
		tok.From, tok.Until = formatTime(from), formatTime(until)
		if tok.Set != "" {
			cols, err := h.store.Collections(ctx, fonds.Filter{})
			if err != nil {
				return err
			}
			if len(cols) == 0 {
				resp.fail(noSetHierarchy, "the repository has no collections")
				return nil
			}
			tok.Collection = tok.Set
			if slug, ok := strings.CutPrefix(tok.Set, categorySet); ok {
				cat, found, err := h.category(ctx, slug)
				if err != nil {
					return err
				}
				if !found {
					resp.fail(noRecordsMatch, "no document is filed under the category of set "+tok.Set)
					return nil
				}
				tok.Collection, tok.Category = "", cat
			}
		}
	}
	f, ok := h.format(tok.Prefix)
	if !ok {
		// A token signed for a format since disabled.
		resp.fail(badResumptionToken, "the token's metadata format is no longer disseminated")
		return nil
	}
	// One record more than a page tells whether another page follows.
	recs, total, err := h.store.Records(ctx, tok.filter(h.pageSize+1))
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		resp.fail(noRecordsMatch, "no record matches the arguments")
		return nil
	}
	more := len(recs) > h.pageSize
	if more {
		recs = recs[:h.pageSize]
	}
	s := resp.site
	if req.verb == "ListRecords" {
		if err := h.loadCollections(ctx, s); err != nil {
			return err
		}
	}
	var body xmlWriter
	body.open(req.verb)
	for _, rec := range recs {
		if req.verb == "ListIdentifiers" {
			writeHeader(&body, s, rec)
			continue
		}
		if err := h.writeRecord(&body, s, f, rec); err != nil {
			return fmt.Errorf("record %s as %s: %w", rec.ID, f.prefix, err)
		}
	}
	if more || resumed {
		h.writeToken(&body, resp, tok, recs, more, total)
	}
	body.close(req.verb)
	resp.body.Write(body.Bytes())
	return nil
}

// writeToken writes the resumption token of a page of a list: the token of
// the next page after recs when there is more, else the empty token that
// ends a list resumed. The size of the list is told when the store tells
// it (total is not -1) without counting the list, which would cost every
// page the whole of it; it is optional in the protocol.
func (h *handler) writeToken(body *xmlWriter, resp *response, tok token, recs []fonds.Record, more bool, total int) {
	var text string
	var attrs []string
	if more {
		last := recs[len(recs)-1]
		next := tok
		next.AfterTime, next.AfterID = formatTime(last.Datestamp), last.ID
		next.Cursor = tok.Cursor + len(recs)
		next.Expires = resp.date.Add(tokenLifetime).Unix()
		text = h.encodeToken(next)
		attrs = append(attrs, "expirationDate", datestamp(time.Unix(next.Expires, 0)))
	}
	if total >= 0 {
		attrs = append(attrs, "completeListSize", fmt.Sprint(total))
	}
	body.elem("resumptionToken", text, append(attrs, "cursor", fmt.Sprint(tok.Cursor))...)
}

// getRecord answers GetRecord.
func (h *handler) getRecord(ctx context.Context, resp *response) error {
	args := resp.req.args
	f, ok := h.format(args["metadataPrefix"])
	if !ok {
		resp.fail(cannotDisseminateFormat, "the repository has no metadata format "+args["metadataPrefix"])
		return nil
	}
	rec, found, err := h.record(ctx, resp.site, args["identifier"])
	if err != nil {
		return err
	}
	if !found {
		resp.fail(idDoesNotExist, "no item has the identifier "+args["identifier"])
		return nil
	}
	if !rec.Deleted {
		if err := h.loadCollections(ctx, resp.site); err != nil {
			return err
		}
	}
	var body xmlWriter
	body.open("GetRecord")
	if err := h.writeRecord(&body, resp.site, f, rec); err != nil {
		var we *writeError
		if errors.As(err, &we) {
			h.log.Warn("oai: cannot write record", "id", rec.ID, "format", f.prefix, "err", err)
			resp.fail(cannotDisseminateFormat, "the item cannot be disseminated as "+f.prefix)
			return nil
		}
		return err
	}
	body.close("GetRecord")
	resp.body.Write(body.Bytes())
	return nil
}

// record returns the record of the item with the identifier, and whether
// there is one: a published document, or a deletion. A draft never
// published is no item.
func (h *handler) record(ctx context.Context, s *site, ident string) (fonds.Record, bool, error) {
	id, ok := parseIdentifier(s.host, ident)
	if !ok {
		return fonds.Record{}, false, nil
	}
	recs, _, err := h.store.Records(ctx, fonds.RecordFilter{ID: id, Limit: 1})
	if err != nil || len(recs) == 0 {
		return fonds.Record{}, false, err
	}
	return recs[0], true, nil
}

// writeHeader writes the header of the record.
func writeHeader(w *xmlWriter, s *site, rec fonds.Record) {
	if rec.Deleted {
		w.open("header", "status", "deleted")
	} else {
		w.open("header")
	}
	w.elem("identifier", identifier(s.host, rec.ID))
	w.elem("datestamp", datestamp(rec.Datestamp))
	if rec.Deleted {
		// A document withdrawn, restricted or embargoed again says
		// nothing more of itself than that it is gone: not even its sets.
		w.close("header")
		return
	}
	if rec.Collection != "" {
		w.elem("setSpec", rec.Collection)
	}
	for _, c := range rec.Categories {
		w.elem("setSpec", categorySet+fonds.Slug(c))
	}
	w.close("header")
}

// writeError is a failure to write the metadata of a document in a format.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// writeRecord writes the record: its header, and the metadata of a document
// not deleted, in the format.
func (h *handler) writeRecord(w *xmlWriter, s *site, f format, rec fonds.Record) error {
	if rec.Deleted || rec.Document == nil {
		w.open("record")
		writeHeader(w, s, fonds.Record{ID: rec.ID, Collection: rec.Collection, Categories: rec.Categories, Datestamp: rec.Datestamp, Deleted: true})
		w.close("record")
		return nil
	}
	var md xmlWriter
	if err := f.write(h, &md, rec.Document, s); err != nil {
		return &writeError{err}
	}
	w.open("record")
	writeHeader(w, s, rec)
	w.open("metadata")
	w.Write(md.Bytes())
	w.close("metadata")
	w.close("record")
	return nil
}

// writeTEI writes the document as TEI with the configured writer, without
// the XML declaration and anything else before its root element.
func writeTEI(h *handler, w *xmlWriter, d *fonds.Document, _ *site) error {
	var buf bytes.Buffer
	if err := h.tei(&buf, d); err != nil {
		return err
	}
	root, start, err := rootElement(buf.Bytes())
	if err != nil {
		return fmt.Errorf("TEI of %s: %w", d.ID, err)
	}
	if start.Name.Space != nsTEI {
		return fmt.Errorf("TEI of %s: the root element %s is not in the TEI namespace", d.ID, start.Name.Local)
	}
	w.Write(withSchemaLocation(root, start, nsTEI, schemaTEI))
	w.WriteByte('\n')
	return nil
}
