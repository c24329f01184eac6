package oai

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/fondstest"
	"fonds/internal/stored"
	"fonds/internal/testenv"
	"fonds/sqlite"
)

// archive is a real SQLite store behind the handler, served on 127.0.0.1.
type archive struct {
	store *sqlite.Store
	path  string // of the database file
	srv   *httptest.Server
	h     *handler
	base  string // the base URL: srv.URL + "/oai"
}

// newArchive opens an empty store with the collections "test" and "other"
// (unless bare) and serves the handler of cfg on it at /oai.
func newArchive(t *testing.T, cfg Config, bare bool) *archive {
	t.Helper()
	a := &archive{path: filepath.Join(t.TempDir(), "fonds.db")}
	s, err := sqlite.Open(a.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	a.store = s
	if !bare {
		for _, c := range []fonds.Collection{
			{Slug: fondstest.Collection, Title: "Test collection", Description: "Documents made for tests & such."},
			{Slug: "other", Title: "Other collection"},
		} {
			if err := s.PutCollection(context.Background(), c); err != nil {
				t.Fatal(err)
			}
		}
	}
	mux := http.NewServeMux()
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	a.base = a.srv.URL + "/oai"
	cfg.Store = s
	if cfg.BaseURL == "" {
		cfg.BaseURL = a.base
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.h = h.(*handler)
	mux.Handle("/oai", h)
	return a
}

// put stores the documents.
func (a *archive) put(t *testing.T, docs ...*fonds.Document) {
	t.Helper()
	for _, d := range docs {
		if _, err := a.store.PutDocument(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
}

// stamp sets the datestamp of the record of id, as months of editing would
// have: the time the store keeps of the document's last change, or of its
// deletion.
func (a *archive) stamp(t *testing.T, id string, at time.Time) {
	t.Helper()
	db, err := sql.Open("sqlite", a.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := at.UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
	if d, err := a.store.Document(context.Background(), id); err == nil {
		// The body goes back as JSON, as a store wrote it before bodies
		// were packed, which the store reads alike.
		d.Updated = at.UTC()
		body, err := stored.Encode(d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE documents SET updated = ?, body = CAST(? AS TEXT), packed = NULL WHERE id = ?`, s, body, id); err != nil {
			t.Fatal(err)
		}
		return
	} else if !errors.Is(err, fonds.ErrNotFound) {
		t.Fatal(err)
	}
	res, err := db.Exec(`UPDATE deletions SET datestamp = ? WHERE id = ?`, s, id)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("stamp(%s): no document or deletion has the id", id)
	}
}

func (a *archive) ident(id string) string { return identifier("127.0.0.1", id) }

// node is an element of a response, for checking.
type node struct {
	name  xml.Name
	attrs []xml.Attr
	text  string // its character data, trimmed
	kids  []*node
}

func (n *node) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

// kid returns the first child element of the name.
func (n *node) kid(local string) *node {
	for _, k := range n.kids {
		if k.name.Local == local {
			return k
		}
	}
	return nil
}

// all returns the child elements of the name.
func (n *node) all(local string) []*node {
	var ks []*node
	for _, k := range n.kids {
		if k.name.Local == local {
			ks = append(ks, k)
		}
	}
	return ks
}

// path follows the first child of each name.
func (n *node) path(locals ...string) *node {
	for _, l := range locals {
		if n == nil {
			return nil
		}
		n = n.kid(l)
	}
	return n
}

// texts returns the text of the child elements of the name.
func (n *node) texts(local string) []string {
	var s []string
	for _, k := range n.all(local) {
		s = append(s, k.text)
	}
	return s
}

func parseTree(b []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []*node
	var root *node
	var text []*strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name, attrs: slices.Clone(tok.Attr)}
			if len(stack) == 0 {
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
			text = append(text, new(strings.Builder))
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.text = strings.TrimSpace(text[len(text)-1].String())
			stack, text = stack[:len(stack)-1], text[:len(text)-1]
		case xml.CharData:
			if len(text) > 0 {
				text[len(text)-1].Write(tok)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// The content models of the OAI-PMH 2.0 schema (OAI-PMH.xsd), as regular
// expressions over the names of an element's children, each followed by a
// space. The schema itself is not at hand offline: these mirror it.
var contentModels = map[string]*regexp.Regexp{
	"OAI-PMH":             regexp.MustCompile(`^responseDate request ((error )+|(Identify|ListMetadataFormats|ListSets|GetRecord|ListIdentifiers|ListRecords) )$`),
	"Identify":            regexp.MustCompile(`^repositoryName baseURL protocolVersion (adminEmail )+earliestDatestamp deletedRecord granularity (compression )*(description )*$`),
	"ListMetadataFormats": regexp.MustCompile(`^(metadataFormat )+$`),
	"metadataFormat":      regexp.MustCompile(`^metadataPrefix schema metadataNamespace $`),
	"ListSets":            regexp.MustCompile(`^(set )+(resumptionToken )?$`),
	"set":                 regexp.MustCompile(`^setSpec setName (setDescription )*$`),
	"GetRecord":           regexp.MustCompile(`^record $`),
	"ListIdentifiers":     regexp.MustCompile(`^(header )+(resumptionToken )?$`),
	"ListRecords":         regexp.MustCompile(`^(record )+(resumptionToken )?$`),
	"record":              regexp.MustCompile(`^header (metadata )?(about )*$`),
	"header":              regexp.MustCompile(`^identifier datestamp (setSpec )*$`),
}

// The simple types of the schema.
var (
	utcDatetime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	utcDate     = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
	setSpecType = regexp.MustCompile(`^([A-Za-z0-9\-_\.!~\*'\(\)])+(:[A-Za-z0-9\-_\.!~\*'\(\)]+)*$`)
	prefixType  = regexp.MustCompile(`^[A-Za-z0-9\-_\.!~\*'\(\)]+$`)
	emailType   = regexp.MustCompile(`^\S+@(\S+\.)+\S+$`)
	errorCodes  = []string{"cannotDisseminateFormat", "idDoesNotExist", "badArgument", "badVerb",
		"noMetadataFormats", "noRecordsMatch", "badResumptionToken", "noSetHierarchy"}
	dcElements = []string{"title", "creator", "subject", "description", "publisher", "contributor", "date",
		"type", "format", "identifier", "source", "language", "relation", "coverage", "rights"}
)

// wrapper elements hold one element of another namespace (the schema's
// "any namespace ##other").
var wrappers = map[string]bool{"metadata": true, "about": true, "description": true, "setDescription": true}

// validate checks the response against the schema of the protocol and of
// oai_dc, element by element, and reports each violation.
func validate(t *testing.T, root *node) {
	t.Helper()
	if root.name != (xml.Name{Space: nsOAI, Local: "OAI-PMH"}) {
		t.Fatalf("root element %v, want OAI-PMH in %s", root.name, nsOAI)
	}
	if loc := attrNS(root, nsXSI, "schemaLocation"); loc != nsOAI+" "+schemaOAI {
		t.Errorf("OAI-PMH xsi:schemaLocation = %q", loc)
	}
	var check func(n *node)
	check = func(n *node) {
		if n.name.Space != nsOAI {
			t.Errorf("element %v is not in the OAI namespace", n.name)
			return
		}
		if wrappers[n.name.Local] {
			if len(n.kids) != 1 || n.kids[0].name.Space == nsOAI || n.kids[0].name.Space == "" {
				t.Errorf("%s holds %d elements, want one of another namespace", n.name.Local, len(n.kids))
			} else if n.kids[0].name == (xml.Name{Space: nsOAIDC, Local: "dc"}) {
				validateDC(t, n.kids[0])
			}
			return
		}
		if re, ok := contentModels[n.name.Local]; ok {
			var seq strings.Builder
			for _, k := range n.kids {
				seq.WriteString(k.name.Local + " ")
			}
			if !re.MatchString(seq.String()) {
				t.Errorf("%s holds %q, which its content model %s refuses", n.name.Local, seq.String(), re)
			}
		} else if len(n.kids) > 0 {
			t.Errorf("%s holds elements; its type is simple", n.name.Local)
		}
		checkSimple(t, n)
		for _, k := range n.kids {
			check(k)
		}
	}
	check(root)
}

func attrNS(n *node, space, local string) string {
	for _, a := range n.attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// checkSimple checks the text and attributes of an element of the protocol.
func checkSimple(t *testing.T, n *node) {
	t.Helper()
	v := n.text
	bad := func(what string) { t.Errorf("%s %q is not %s", n.name.Local, v, what) }
	switch n.name.Local {
	case "responseDate", "earliestDatestamp":
		if !utcDatetime.MatchString(v) {
			bad("a UTC datetime")
		}
	case "datestamp":
		if !utcDatetime.MatchString(v) && !utcDate.MatchString(v) {
			bad("a UTC datestamp")
		}
	case "request", "baseURL", "schema", "metadataNamespace":
		if u, err := url.Parse(v); err != nil || !u.IsAbs() {
			bad("an absolute URI")
		}
		if n.name.Local == "request" {
			for _, a := range n.attrs {
				if !slices.Contains([]string{"verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken"}, a.Name.Local) {
					t.Errorf("request has the attribute %s", a.Name.Local)
				}
			}
		}
	case "identifier":
		if u, err := url.Parse(v); err != nil || u.Scheme == "" {
			bad("a URI")
		}
	case "protocolVersion":
		if v != "2.0" {
			bad("2.0")
		}
	case "adminEmail":
		if !emailType.MatchString(v) {
			bad("an email address")
		}
	case "deletedRecord":
		if !slices.Contains([]string{"no", "persistent", "transient"}, v) {
			bad("a deletedRecord value")
		}
	case "granularity":
		if v != "YYYY-MM-DD" && v != "YYYY-MM-DDThh:mm:ssZ" {
			bad("a granularity")
		}
	case "setSpec":
		if !setSpecType.MatchString(v) {
			bad("a setSpec")
		}
	case "metadataPrefix":
		if !prefixType.MatchString(v) {
			bad("a metadataPrefix")
		}
	case "error":
		if c, _ := n.attr("code"); !slices.Contains(errorCodes, c) {
			t.Errorf("error code %q is not one of the protocol", c)
		}
	case "header":
		if s, ok := n.attr("status"); ok && s != "deleted" {
			t.Errorf("header status %q", s)
		}
	case "resumptionToken":
		for _, a := range n.attrs {
			switch a.Name.Local {
			case "expirationDate":
				if !utcDatetime.MatchString(a.Value) {
					t.Errorf("expirationDate %q is not a UTC datetime", a.Value)
				}
			case "completeListSize", "cursor":
				if i, err := strconv.Atoi(a.Value); err != nil || i < 0 {
					t.Errorf("%s %q is not a non-negative integer", a.Name.Local, a.Value)
				}
			default:
				t.Errorf("resumptionToken has the attribute %s", a.Name.Local)
			}
		}
	}
}

// validateDC checks an oai_dc:dc element against oai_dc.xsd and the Dublin
// Core elements' schema: only the fifteen elements, text only.
func validateDC(t *testing.T, dc *node) {
	t.Helper()
	if loc := attrNS(dc, nsXSI, "schemaLocation"); loc != nsOAIDC+" "+schemaOAIDC {
		t.Errorf("oai_dc:dc xsi:schemaLocation = %q", loc)
	}
	for _, k := range dc.kids {
		if k.name.Space != nsDC || !slices.Contains(dcElements, k.name.Local) {
			t.Errorf("oai_dc:dc holds %v, not a Dublin Core element", k.name)
		}
		if len(k.kids) > 0 {
			t.Errorf("dc:%s holds elements", k.name.Local)
		}
	}
}

// do sends the request and returns the checked response.
func (a *archive) do(t *testing.T, req *http.Request) *node {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: status %d: %s", req.Method, req.URL, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if !bytes.HasPrefix(body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("the response does not start with an XML declaration: %.60s", body)
	}
	wellFormed(t, body)
	root, err := parseTree(body)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", req.Method, req.URL, err, body)
	}
	validate(t, root)
	if got := root.kid("request").text; got != a.base {
		t.Errorf("request element = %q, want %q", got, a.base)
	}
	return root
}

// wellFormed has xmllint, when it is installed, check that the body is
// well-formed and namespace-well-formed.
func wellFormed(t *testing.T, body []byte) {
	t.Helper()
	xmllint := testenv.Tool(t, "xmllint")
	cmd := exec.Command(xmllint, "--noout", "--nonet", "-")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}

// get sends a GET request with the query and returns the checked response.
func (a *archive) get(t *testing.T, query string) *node {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.base+"?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a.do(t, req)
}

// post sends the query as a posted form.
func (a *archive) post(t *testing.T, query string) *node {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.base, strings.NewReader(query))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.do(t, req)
}

// errorCode returns the code of the response's error, or "".
func errorCode(root *node) string {
	if e := root.kid("error"); e != nil {
		c, _ := e.attr("code")
		return c
	}
	return ""
}

// mustOK fails the test if the response is an error.
func mustOK(t *testing.T, query string, root *node) {
	t.Helper()
	if e := root.kid("error"); e != nil {
		t.Fatalf("%s: error %s: %s", query, errorCode(root), e.text)
	}
}

// standInTEI writes a minimal TEI document, standing for the TEI writer of
// the project.
func standInTEI(w io.Writer, d *fonds.Document) error {
	var title bytes.Buffer
	xml.EscapeText(&title, []byte(d.Heading()))
	_, err := fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<!-- a TEI document -->
<TEI xmlns="%s"><teiHeader><fileDesc><titleStmt><title>%s</title></titleStmt>`+
		`<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>`+
		`<text><body><p/></body></text></TEI>
`, nsTEI, title.String())
	return err
}

func TestIdentify(t *testing.T) {
	a := newArchive(t, Config{RepositoryName: "Test <Archive> & Co"}, false)
	root := a.get(t, "verb=Identify")
	mustOK(t, "Identify", root)
	id := root.kid("Identify")
	// Before any record, the earliest datestamp is the time of the response.
	if got, want := id.kid("earliestDatestamp").text, root.kid("responseDate").text; got != want {
		t.Errorf("earliestDatestamp of an empty repository = %q, want the responseDate %q", got, want)
	}

	first := fondstest.NewDocument("first", "1977-05-19")
	a.put(t, first, fondstest.NewDocument("second", "1978-01-01"))
	a.stamp(t, "first", time.Date(2021, 3, 4, 5, 6, 7, 800, time.UTC))
	for _, root := range []*node{a.get(t, "verb=Identify"), a.post(t, "verb=Identify")} {
		mustOK(t, "Identify", root)
		if v, _ := root.kid("request").attr("verb"); v != "Identify" {
			t.Errorf("request verb = %q, want Identify", v)
		}
		id := root.kid("Identify")
		for name, want := range map[string]string{
			"repositoryName":    "Test <Archive> & Co",
			"baseURL":           a.base,
			"protocolVersion":   "2.0",
			"adminEmail":        "archive@localhost.localdomain",
			"earliestDatestamp": "2021-03-04T05:06:07Z",
			"deletedRecord":     "persistent",
			"granularity":       "YYYY-MM-DDThh:mm:ssZ",
		} {
			if got := id.kid(name).text; got != want {
				t.Errorf("Identify %s = %q, want %q", name, got, want)
			}
		}
		// 127.0.0.1 is no domain name: no oai-identifier description.
		if d := id.kid("description"); d != nil {
			t.Errorf("Identify has a description for host 127.0.0.1")
		}
	}
}

// TestIdentifyDomain checks what a domain name as host adds to Identify,
// through the handler alone: no server has the name.
func TestIdentifyDomain(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h, err := New(Config{Store: s, BaseURL: "https://Archive.Example.org/oai/"})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/oai?verb=Identify", nil))
	root, err := parseTree(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	validate(t, root)
	id := root.kid("Identify")
	if got, want := id.kid("baseURL").text, "https://Archive.Example.org/oai"; got != want {
		t.Errorf("baseURL = %q, want %q", got, want)
	}
	if got, want := id.kid("adminEmail").text, "archive@archive.example.org"; got != want {
		t.Errorf("default adminEmail = %q, want %q", got, want)
	}
	oid := id.path("description", "oai-identifier")
	if oid == nil || oid.name.Space != nsIdentifier {
		t.Fatalf("Identify has no oai-identifier description")
	}
	for name, want := range map[string]string{
		"scheme": "oai", "repositoryIdentifier": "archive.example.org", "delimiter": ":",
		"sampleIdentifier": "oai:archive.example.org:1977-05-19-pb-56-68",
	} {
		if got := oid.kid(name).text; got != want {
			t.Errorf("oai-identifier %s = %q, want %q", name, got, want)
		}
	}
}

func TestNewErrors(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, cfg := range []Config{
		{},
		{Store: s, BaseURL: "ftp://example.org/oai"},
		{Store: s, BaseURL: "/oai"},
		{Store: s, BaseURL: "http://example.org/oai?x=1"},
		{Store: s, AdminEmail: "nobody"},
		{Store: s, PageSize: -1},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) = nil error, want one", cfg)
		}
	}
}

// TestBaseURLRequired checks that identifiers never come from a client's
// Host header: a handler needs a base URL, and a forged Host changes nothing.
func TestBaseURLRequired(t *testing.T) {
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := New(Config{Store: s}); err == nil {
		t.Error("New without a base URL = nil error, want one")
	}
	a := newArchive(t, Config{}, false)
	req, err := http.NewRequest("GET", a.base+"?verb=Identify", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "evil.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "evil.example") {
		t.Errorf("Identify with Host evil.example names it:\n%s", body)
	}
}

func TestListMetadataFormats(t *testing.T) {
	a := newArchive(t, Config{TEI: standInTEI}, false)
	draft := fondstest.NewDocument("draft", "1980-01-01")
	draft.Status = fonds.StatusDraft
	a.put(t, fondstest.NewDocument("pub", "1977-05-19"), fondstest.NewDocument("gone", "1978-01-01"), draft)
	if err := a.store.DeleteDocument(context.Background(), "gone"); err != nil {
		t.Fatal(err)
	}
	prefixes := func(root *node) []string {
		var p []string
		for _, f := range root.kid("ListMetadataFormats").all("metadataFormat") {
			p = append(p, f.kid("metadataPrefix").text)
		}
		return p
	}
	root := a.get(t, "verb=ListMetadataFormats")
	mustOK(t, "ListMetadataFormats", root)
	if got := prefixes(root); !slices.Equal(got, []string{"oai_dc", "tei"}) {
		t.Errorf("ListMetadataFormats = %q, want oai_dc, tei", got)
	}
	dc := root.path("ListMetadataFormats", "metadataFormat")
	if dc.kid("schema").text != schemaOAIDC || dc.kid("metadataNamespace").text != nsOAIDC {
		t.Errorf("oai_dc format = %q, %q", dc.kid("schema").text, dc.kid("metadataNamespace").text)
	}
	root = a.get(t, "verb=ListMetadataFormats&identifier="+url.QueryEscape(a.ident("pub")))
	mustOK(t, "ListMetadataFormats of pub", root)
	if got := prefixes(root); !slices.Equal(got, []string{"oai_dc", "tei"}) {
		t.Errorf("ListMetadataFormats(pub) = %q, want oai_dc, tei", got)
	}
	if got, _ := root.kid("request").attr("identifier"); got != a.ident("pub") {
		t.Errorf("request identifier = %q, want %q", got, a.ident("pub"))
	}
	for _, tt := range []struct{ ident, code string }{
		{a.ident("gone"), noMetadataFormats},
		{a.ident("draft"), idDoesNotExist},
		{a.ident("missing"), idDoesNotExist},
		{"oai:example.org:pub", idDoesNotExist},
		{"pub", idDoesNotExist},
	} {
		root := a.get(t, "verb=ListMetadataFormats&identifier="+url.QueryEscape(tt.ident))
		if got := errorCode(root); got != tt.code {
			t.Errorf("ListMetadataFormats(%s) error = %q, want %q", tt.ident, got, tt.code)
		}
	}

	// Without a TEI writer, oai_dc alone.
	b := newArchive(t, Config{}, false)
	if got := prefixes(b.get(t, "verb=ListMetadataFormats")); !slices.Equal(got, []string{"oai_dc"}) {
		t.Errorf("ListMetadataFormats without TEI = %q, want oai_dc", got)
	}
}

func TestListSets(t *testing.T) {
	a := newArchive(t, Config{}, false)
	// A set is a collection holding a public document; one holding only
	// drafts is none, for its name may say what they are.
	if err := a.store.PutCollection(context.Background(), fonds.Collection{Slug: "hidden", Title: "Hidden collection"}); err != nil {
		t.Fatal(err)
	}
	other := fondstest.NewDocument("o", "1977-05-19")
	other.Collection = "other"
	draft := fondstest.NewDocument("h", "1977-05-19")
	draft.Collection, draft.Status = "hidden", fonds.StatusDraft
	a.put(t, fondstest.NewDocument("t", "1977-05-19"), other, draft)
	root := a.get(t, "verb=ListSets")
	mustOK(t, "ListSets", root)
	sets := root.kid("ListSets").all("set")
	if len(sets) != 2 {
		t.Fatalf("ListSets has %d sets, want 2", len(sets))
	}
	// In order of title: Other collection, Test collection.
	if sets[0].kid("setSpec").text != "other" || sets[0].kid("setName").text != "Other collection" || sets[0].kid("setDescription") != nil {
		t.Errorf("first set = %s, %s", sets[0].kid("setSpec").text, sets[0].kid("setName").text)
	}
	if sets[1].kid("setSpec").text != fondstest.Collection || sets[1].kid("setName").text != "Test collection" {
		t.Errorf("second set = %s, %s", sets[1].kid("setSpec").text, sets[1].kid("setName").text)
	}
	if d := sets[1].path("setDescription", "dc", "description"); d == nil || d.text != "Documents made for tests & such." {
		t.Errorf("setDescription of test = %+v", d)
	}
	if got := errorCode(a.get(t, "verb=ListSets&resumptionToken=abc")); got != badResumptionToken {
		t.Errorf("ListSets with a token: error %q, want %q", got, badResumptionToken)
	}

	bare := newArchive(t, Config{}, true)
	if got := errorCode(bare.get(t, "verb=ListSets")); got != noSetHierarchy {
		t.Errorf("ListSets without collections: error %q, want %q", got, noSetHierarchy)
	}
	if got := errorCode(bare.get(t, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=test")); got != noSetHierarchy {
		t.Errorf("ListIdentifiers of a set without collections: error %q, want %q", got, noSetHierarchy)
	}
}

func TestGetRecord(t *testing.T) {
	a := newArchive(t, Config{TEI: standInTEI}, false)
	full := fondstest.NewFullDocument("1977-05-19-st-12-34", "1977-05")
	a.put(t, full)
	a.stamp(t, full.ID, time.Date(2024, 1, 2, 3, 4, 5, 600_000_000, time.UTC))
	ident := a.ident(full.ID)

	root := a.get(t, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(ident))
	mustOK(t, "GetRecord", root)
	req := root.kid("request")
	for name, want := range map[string]string{"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": ident} {
		if got, _ := req.attr(name); got != want {
			t.Errorf("request %s = %q, want %q", name, got, want)
		}
	}
	rec := root.path("GetRecord", "record")
	h := rec.kid("header")
	if _, ok := h.attr("status"); ok {
		t.Errorf("header of a published document has a status")
	}
	if h.kid("identifier").text != ident || h.kid("datestamp").text != "2024-01-02T03:04:05Z" || h.kid("setSpec").text != "test" {
		t.Errorf("header = %s, %s, %s", h.kid("identifier").text, h.kid("datestamp").text, h.kid("setSpec").text)
	}
	dc := rec.path("metadata", "dc")
	if dc == nil {
		t.Fatal("no oai_dc:dc")
	}
	root2 := strings.TrimSuffix(a.base, "/oai")
	for name, want := range map[string][]string{
		"title":       {"Cultural exchanges"},
		"creator":     {"Ministry"},
		"subject":     {"2.1", "5", "Pyotr Ivanov", "Anna Petrova"},
		"description": {"Instruction of the Ministry to its delegations, signed by Pyotr Ivanov, on cultural exchanges", "Source: R 19 May 1977, St 12-34"},
		"contributor": {"Maria Sokolova"},
		"date":        {"1977-05"},
		"type":        {"Text", "instruction"},
		"format":      {"text/html"},
		"identifier":  {root2 + "/documents/1977-05-19-st-12-34", "St 12-34", "No. 567"},
		"language":    {"ru", "en"},
		"relation":    {"Test collection"},
	} {
		if got := dc.texts(name); !slices.Equal(got, want) {
			t.Errorf("dc:%s = %q, want %q", name, got, want)
		}
	}

	root = a.post(t, "verb=GetRecord&metadataPrefix=tei&identifier="+url.QueryEscape(ident))
	mustOK(t, "GetRecord tei", root)
	tei := root.path("GetRecord", "record", "metadata", "TEI")
	if tei == nil || tei.name.Space != nsTEI {
		t.Fatalf("GetRecord tei has no TEI element")
	}
	if loc := attrNS(tei, nsXSI, "schemaLocation"); loc != nsTEI+" "+schemaTEI {
		t.Errorf("TEI xsi:schemaLocation = %q", loc)
	}
	if got := tei.path("teiHeader", "fileDesc", "titleStmt", "title").text; got != "Cultural exchanges" {
		t.Errorf("TEI title = %q", got)
	}

	// Identifiers read back whatever the case of scheme and host.
	root = a.get(t, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(" OAI:127.0.0.1:"+full.ID))
	mustOK(t, "GetRecord with a capital scheme", root)

	draft := fondstest.NewDocument("draft", "1980-01-01")
	draft.Status = fonds.StatusDraft
	a.put(t, draft)
	for _, tt := range []struct{ query, code string }{
		{"metadataPrefix=oai_dc&identifier=" + url.QueryEscape(a.ident("draft")), idDoesNotExist},
		{"metadataPrefix=oai_dc&identifier=" + url.QueryEscape(a.ident("nothing")), idDoesNotExist},
		{"metadataPrefix=oai_dc&identifier=" + url.QueryEscape("oai:127.0.0.1:"), idDoesNotExist},
		{"metadataPrefix=oai_dc&identifier=" + url.QueryEscape("oai:example.org:"+full.ID), idDoesNotExist},
		{"metadataPrefix=oai_dc&identifier=" + url.QueryEscape(full.ID), idDoesNotExist},
		{"metadataPrefix=marc21&identifier=" + url.QueryEscape(ident), cannotDisseminateFormat},
		{"metadataPrefix=oai_dc", badArgument},
		{"identifier=" + url.QueryEscape(ident), badArgument},
	} {
		root := a.get(t, "verb=GetRecord&"+tt.query)
		if got := errorCode(root); got != tt.code {
			t.Errorf("GetRecord %s: error %q, want %q", tt.query, got, tt.code)
		}
		// Valid arguments are echoed; bad ones are not.
		_, echoed := root.kid("request").attr("verb")
		if want := tt.code != badArgument; echoed != want {
			t.Errorf("GetRecord %s: request echoes arguments: %v, want %v", tt.query, echoed, want)
		}
	}
}

// TestTEIFailure checks that a document the TEI writer cannot write is not
// disseminated as TEI, and that its oai_dc still is.
func TestTEIFailure(t *testing.T) {
	for name, write := range map[string]func(io.Writer, *fonds.Document) error{
		"error":        func(io.Writer, *fonds.Document) error { return fmt.Errorf("cannot") },
		"no namespace": func(w io.Writer, _ *fonds.Document) error { _, err := io.WriteString(w, "<TEI/>"); return err },
		"malformed": func(w io.Writer, _ *fonds.Document) error {
			_, err := io.WriteString(w, "<TEI xmlns='"+nsTEI+"'>")
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			a := newArchive(t, Config{TEI: write, Logger: slog.New(slog.DiscardHandler)}, false)
			a.put(t, fondstest.NewDocument("a", "1977-05-19"))
			q := "verb=GetRecord&identifier=" + url.QueryEscape(a.ident("a"))
			if got := errorCode(a.get(t, q+"&metadataPrefix=tei")); got != cannotDisseminateFormat {
				t.Errorf("GetRecord tei: error %q, want %q", got, cannotDisseminateFormat)
			}
			mustOK(t, "GetRecord oai_dc", a.get(t, q+"&metadataPrefix=oai_dc"))
		})
	}
}

func TestErrors(t *testing.T) {
	a := newArchive(t, Config{}, false)
	a.put(t, fondstest.NewDocument("a", "1977-05-19"))
	a.stamp(t, "a", time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC))
	for _, tt := range []struct {
		query, code string
	}{
		{"", badVerb},
		{"verb=", badVerb},
		{"verb=Explain", badVerb},
		{"verb=identify", badVerb},
		{"verb=Identify&verb=Identify", badVerb},
		{"verb=Identify&verb=ListSets", badVerb},
		{"metadataPrefix=oai_dc", badVerb},
		{"verb=Identify&set=test", badArgument},
		{"verb=ListSets&identifier=x", badArgument},
		{"verb=ListRecords", badArgument},
		{"verb=ListIdentifiers&from=2020-01-01", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&from=", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&unknown=1", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=x", badArgument},
		{"verb=ListRecords&resumptionToken=x&set=test", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&from=2020-13-01", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01T00:00:00", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01T00:00:00.5Z", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&until=2020-01-01T00:00:00%2B01:00", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&until=yesterday", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2020-02-01T00:00:00Z", badArgument},
		{"verb=ListRecords&metadataPrefix=oai_dc&from=2020-02-01&until=2020-01-01", badArgument},
		{"verb=ListIdentifiers&metadataPrefix=oai_dc&from=2020-01-01T00:00:01Z&until=2020-01-01T00:00:00Z", badArgument},
		{"verb=GetRecord&identifier=x&metadataPrefix=oai_dc&from=2020-01-01", badArgument},
		{"verb=ListRecords&resumptionToken=x", badResumptionToken},
		{"verb=ListIdentifiers&resumptionToken=eyJ2IjoiTGlzdElkZW50aWZpZXJzIn0.AAAA", badResumptionToken},
		{"verb=ListRecords&metadataPrefix=marc21", cannotDisseminateFormat},
		{"verb=ListIdentifiers&metadataPrefix=tei", cannotDisseminateFormat},
		{"verb=GetRecord&identifier=oai:127.0.0.1:b&metadataPrefix=oai_dc", idDoesNotExist},
		{"verb=ListRecords&metadataPrefix=oai_dc&from=2020-06-02", noRecordsMatch},
		{"verb=ListRecords&metadataPrefix=oai_dc&until=2020-05-31T23:59:59Z", noRecordsMatch},
		{"verb=ListIdentifiers&metadataPrefix=oai_dc&set=nosuchset", noRecordsMatch},
		{"verb=ListIdentifiers&metadataPrefix=oai_dc&set=other", noRecordsMatch},
		{"verb=ListMetadataFormats&identifier=oai:127.0.0.1:b", idDoesNotExist},
	} {
		for _, method := range []string{"GET", "POST"} {
			var root *node
			if method == "GET" {
				root = a.get(t, tt.query)
			} else {
				root = a.post(t, tt.query)
			}
			if got := errorCode(root); got != tt.code {
				t.Errorf("%s %q: error %q, want %q", method, tt.query, got, tt.code)
			}
			req := root.kid("request")
			if tt.code == badVerb || tt.code == badArgument {
				if len(req.attrs) > 0 {
					t.Errorf("%s %q: request echoes %v after %s", method, tt.query, req.attrs, tt.code)
				}
			} else if v, _ := req.attr("verb"); v == "" {
				t.Errorf("%s %q: request does not echo the verb after %s", method, tt.query, tt.code)
			}
		}
	}
}

func TestHTTP(t *testing.T) {
	a := newArchive(t, Config{}, false)
	req, _ := http.NewRequest(http.MethodPut, a.base+"?verb=Identify", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") == "" {
		t.Errorf("PUT: status %d, Allow %q; want 405 with Allow", resp.StatusCode, resp.Header.Get("Allow"))
	}
	resp, err = http.Head(a.base + "?verb=Identify")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
		t.Errorf("HEAD: status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// A malformed query is a bad argument, not a fault.
	root := a.get(t, "verb=Identify&x=%zz")
	if got := errorCode(root); got != badArgument {
		t.Errorf("malformed query: error %q, want %q", got, badArgument)
	}
	resp, err = http.Post(a.base, "application/x-www-form-urlencoded", strings.NewReader("verb=Identify&x="+strings.Repeat("a", maxBody)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("POST of a huge form: status %d, want %d", resp.StatusCode, http.StatusRequestEntityTooLarge)
	}
}

// headerIDs returns the document ids of the headers of a list response, and
// the ids of those deleted.
func (a *archive) headerIDs(t *testing.T, root *node) (ids, deleted []string) {
	t.Helper()
	list := root.kid("ListIdentifiers")
	var headers []*node
	if list != nil {
		headers = list.all("header")
	} else if list = root.kid("ListRecords"); list != nil {
		for _, r := range list.all("record") {
			headers = append(headers, r.kid("header"))
		}
	}
	for _, h := range headers {
		id, ok := parseIdentifier("127.0.0.1", h.kid("identifier").text)
		if !ok {
			t.Errorf("identifier %q is not of the repository", h.kid("identifier").text)
		}
		ids = append(ids, id)
		if s, _ := h.attr("status"); s == "deleted" {
			deleted = append(deleted, id)
		}
	}
	return ids, deleted
}

func TestDatestampSelection(t *testing.T) {
	a := newArchive(t, Config{}, false)
	stamps := map[string]time.Time{
		"a": time.Date(2020, 1, 1, 10, 0, 0, 500_000_000, time.UTC),
		"b": time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC),
		"c": time.Date(2020, 1, 2, 23, 59, 59, 900_000_000, time.UTC),
		"d": time.Date(2020, 1, 3, 0, 0, 0, 0, time.UTC),
		"e": time.Date(2020, 1, 3, 0, 0, 1, 0, time.UTC),
	}
	for id, at := range stamps {
		d := fondstest.NewDocument(id, "1977-05-19")
		if id == "e" {
			d.Collection = "other"
		}
		a.put(t, d)
		a.stamp(t, id, at)
	}
	for _, tt := range []struct {
		args string
		want []string
	}{
		{"", []string{"a", "b", "c", "d", "e"}},
		{"&from=2020-01-02", []string{"b", "c", "d", "e"}},
		{"&until=2020-01-02", []string{"a", "b", "c"}},
		{"&from=2020-01-02&until=2020-01-02", []string{"b", "c"}},
		{"&from=2020-01-01T10:00:00Z&until=2020-01-01T10:00:00Z", []string{"a"}},
		{"&from=2020-01-01T10:00:01Z&until=2020-01-02T23:59:59Z", []string{"b", "c"}},
		{"&from=2020-01-02T23:59:59Z", []string{"c", "d", "e"}},
		{"&until=2020-01-03T00:00:00Z", []string{"a", "b", "c", "d"}},
		{"&from=2020-01-03T00:00:00Z&until=2020-01-03T00:00:00Z", []string{"d"}},
		{"&from=2019-12-31&until=2020-01-01", []string{"a"}},
		{"&set=test", []string{"a", "b", "c", "d"}},
		{"&set=other&from=2020-01-03", []string{"e"}},
		{"&set=test&from=2020-01-03", []string{"d"}},
	} {
		for _, verb := range []string{"ListIdentifiers", "ListRecords"} {
			q := "verb=" + verb + "&metadataPrefix=oai_dc" + tt.args
			root := a.get(t, q)
			mustOK(t, q, root)
			if got, _ := a.headerIDs(t, root); !slices.Equal(got, tt.want) {
				t.Errorf("%s = %q, want %q", q, got, tt.want)
			}
		}
	}
	// Datestamps are written to the second, in UTC.
	root := a.get(t, "verb=ListIdentifiers&metadataPrefix=oai_dc&until=2020-01-01")
	if got := root.path("ListIdentifiers", "header", "datestamp").text; got != "2020-01-01T10:00:00Z" {
		t.Errorf("datestamp = %q, want 2020-01-01T10:00:00Z", got)
	}
	if got := root.path("ListIdentifiers", "header", "setSpec").text; got != "test" {
		t.Errorf("setSpec = %q, want test", got)
	}
	// A single page has no resumption token.
	if root.path("ListIdentifiers", "resumptionToken") != nil {
		t.Errorf("a complete list has a resumption token")
	}
}

func TestDeletedRecords(t *testing.T) {
	a := newArchive(t, Config{TEI: standInTEI}, false)
	ctx := context.Background()
	draft := fondstest.NewDocument("draft", "1980-01-01")
	draft.Status = fonds.StatusDraft
	withdrawn := fondstest.NewDocument("withdrawn", "1979-01-01")
	a.put(t, fondstest.NewDocument("kept", "1977-05-19"), fondstest.NewDocument("deleted", "1978-01-01"), withdrawn, draft)
	if err := a.store.DeleteDocument(ctx, "deleted"); err != nil {
		t.Fatal(err)
	}
	withdrawn.Status = fonds.StatusDraft
	a.put(t, withdrawn)

	for _, verb := range []string{"ListIdentifiers", "ListRecords"} {
		for _, prefix := range []string{"oai_dc", "tei"} {
			q := "verb=" + verb + "&metadataPrefix=" + prefix
			root := a.get(t, q)
			mustOK(t, q, root)
			ids, deleted := a.headerIDs(t, root)
			slices.Sort(ids)
			slices.Sort(deleted)
			if want := []string{"deleted", "kept", "withdrawn"}; !slices.Equal(ids, want) {
				t.Errorf("%s = %q, want %q", q, ids, want)
			}
			if want := []string{"deleted", "withdrawn"}; !slices.Equal(deleted, want) {
				t.Errorf("%s deleted = %q, want %q", q, deleted, want)
			}
			if verb == "ListRecords" {
				for _, r := range root.kid("ListRecords").all("record") {
					s, _ := r.kid("header").attr("status")
					if (s == "deleted") != (r.kid("metadata") == nil) {
						t.Errorf("%s: record %s of status %q has metadata: %v", q, r.path("header", "identifier").text, s, r.kid("metadata") != nil)
					}
				}
			}
		}
	}
	for _, id := range []string{"deleted", "withdrawn"} {
		root := a.get(t, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(a.ident(id)))
		mustOK(t, "GetRecord "+id, root)
		rec := root.path("GetRecord", "record")
		if s, _ := rec.kid("header").attr("status"); s != "deleted" || rec.kid("metadata") != nil {
			t.Errorf("GetRecord(%s) = status %q, metadata %v; want deleted without metadata", id, s, rec.kid("metadata") != nil)
		}
		// A deleted record names no set: the title of its collection or
		// its categories may say what the withdrawn document was.
		if spec := rec.path("header", "setSpec"); spec != nil {
			t.Errorf("GetRecord(%s) setSpec = %q, want none", id, spec.text)
		}
	}
	if got := errorCode(a.get(t, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(a.ident("draft")))); got != idDoesNotExist {
		t.Errorf("GetRecord(draft) error %q, want %q", got, idDoesNotExist)
	}

	// Published again, the withdrawn document is a record again.
	withdrawn.Status = fonds.StatusPublished
	a.put(t, withdrawn)
	root := a.get(t, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(a.ident("withdrawn")))
	if s, _ := root.path("GetRecord", "record", "header").attr("status"); s != "" || root.path("GetRecord", "record", "metadata") == nil {
		t.Errorf("GetRecord(withdrawn, published again) status %q; want a record with metadata", s)
	}
}

// harvest follows the resumption tokens of a list to its end, and returns
// the ids of its records in order, checking the attributes of the tokens:
// a completeListSize of total, or none when total is -1.
func (a *archive) harvest(t *testing.T, verb, args string, post bool, total int) []string {
	t.Helper()
	var ids []string
	q := "verb=" + verb + args
	for page := 0; ; page++ {
		var root *node
		if post {
			root = a.post(t, q)
		} else {
			root = a.get(t, q)
		}
		mustOK(t, q, root)
		got, _ := a.headerIDs(t, root)
		tok := root.path(verb, "resumptionToken")
		if tok == nil {
			t.Fatalf("page %d of %s has no resumptionToken", page, verb)
		}
		if size, ok := tok.attr("completeListSize"); total < 0 && ok {
			t.Errorf("page %d: completeListSize %q, want none", page, size)
		} else if total >= 0 && size != strconv.Itoa(total) {
			t.Errorf("page %d: completeListSize %q, want %d", page, size, total)
		}
		if cursor, _ := tok.attr("cursor"); cursor != strconv.Itoa(len(ids)) {
			t.Errorf("page %d: cursor %q, want %d", page, cursor, len(ids))
		}
		ids = append(ids, got...)
		if tok.text == "" {
			if _, ok := tok.attr("expirationDate"); ok {
				t.Errorf("the last page's empty token has an expiration date")
			}
			return ids
		}
		if len(got) != a.h.pageSize {
			t.Errorf("page %d has %d records, want %d", page, len(got), a.h.pageSize)
		}
		exp, _ := tok.attr("expirationDate")
		if e, err := time.Parse(secondLayout, exp); err != nil || !e.After(time.Now().Add(-time.Minute)) {
			t.Errorf("page %d: expirationDate %q is not in the future", page, exp)
		}
		if page > 10 {
			t.Fatalf("more than 10 pages")
		}
		q = "verb=" + verb + "&resumptionToken=" + url.QueryEscape(tok.text)
	}
}

func TestPaging(t *testing.T) {
	a := newArchive(t, Config{PageSize: 100, TEI: standInTEI}, false)
	var want []string
	for i := range 250 {
		d := fondstest.NewDocument(fmt.Sprintf("doc-%03d", i), "1977-05-19")
		if i%5 == 0 {
			d.Collection = "other"
		}
		a.put(t, d)
		want = append(want, d.ID)
	}
	base := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	// Ten records share each datestamp: the id orders them.
	for i, id := range want {
		a.stamp(t, id, base.Add(time.Duration(i/10)*time.Second))
	}
	for _, tt := range []struct {
		verb, args string
		post       bool
	}{
		{"ListIdentifiers", "&metadataPrefix=oai_dc", false},
		{"ListRecords", "&metadataPrefix=oai_dc", false},
		{"ListRecords", "&metadataPrefix=tei", true},
	} {
		got := a.harvest(t, tt.verb, tt.args, tt.post, 250)
		if !slices.Equal(got, want) {
			t.Errorf("%s%s harvested %d records, want each of %d once in order", tt.verb, tt.args, len(got), len(want))
		}
	}
	// A set and bounds carry over to the next pages.
	var wantSet []string
	for i, id := range want {
		if i%5 != 0 && i >= 50 {
			wantSet = append(wantSet, id)
		}
	}
	// Its size is not told: it could be only by counting it.
	got := a.harvest(t, "ListIdentifiers", "&metadataPrefix=oai_dc&set=test&from=2022-01-01T00:00:05Z", false, -1)
	if !slices.Equal(got, wantSet) {
		t.Errorf("harvest of set test from 00:00:05 = %d records, want %d", len(got), len(wantSet))
	}
	// The size of a set without bounds is told.
	var inSet []string
	for i, id := range want {
		if i%5 != 0 {
			inSet = append(inSet, id)
		}
	}
	if got := a.harvest(t, "ListIdentifiers", "&metadataPrefix=oai_dc&set=test", false, len(inSet)); !slices.Equal(got, inSet) {
		t.Errorf("harvest of set test = %d records, want %d", len(got), len(inSet))
	}

	first := a.get(t, "verb=ListRecords&metadataPrefix=oai_dc")
	tok := first.path("ListRecords", "resumptionToken").text
	payload, sig, _ := strings.Cut(tok, ".")
	other := newArchive(t, Config{PageSize: 100}, false)
	expired := a.h.encodeToken(token{Verb: "ListRecords", Prefix: "oai_dc", Cursor: 100, Expires: time.Now().Add(-time.Second).Unix()})
	for _, tt := range []struct {
		name, verb, token string
	}{
		{"tampered payload", "ListRecords", payload[:len(payload)-2] + "AA." + sig},
		{"tampered signature", "ListRecords", payload + "." + sig[:len(sig)-2] + "AA"},
		{"no signature", "ListRecords", payload},
		{"another verb", "ListIdentifiers", tok},
		{"expired", "ListRecords", expired},
		{"garbage", "ListRecords", "%%%"},
	} {
		root := a.get(t, "verb="+tt.verb+"&resumptionToken="+url.QueryEscape(tt.token))
		if got := errorCode(root); got != badResumptionToken {
			t.Errorf("%s token: error %q, want %q", tt.name, got, badResumptionToken)
		}
	}
	// Another handler's key refuses this one's tokens.
	if got := errorCode(other.get(t, "verb=ListRecords&resumptionToken="+url.QueryEscape(tok))); got != badResumptionToken {
		t.Errorf("token of another handler: error %q, want %q", got, badResumptionToken)
	}
	// A token signed with a shared key works across handlers.
	key := []byte("a key shared by the servers")
	b := newArchive(t, Config{PageSize: 1, TokenKey: key}, false)
	b.put(t, fondstest.NewDocument("x", "1977-05-19"), fondstest.NewDocument("y", "1977-05-19"))
	c := newArchive(t, Config{PageSize: 1, TokenKey: key}, false)
	c.put(t, fondstest.NewDocument("x", "1977-05-19"), fondstest.NewDocument("y", "1977-05-19"))
	tok = b.get(t, "verb=ListIdentifiers&metadataPrefix=oai_dc").path("ListIdentifiers", "resumptionToken").text
	mustOK(t, "token of a shared key", c.get(t, "verb=ListIdentifiers&resumptionToken="+url.QueryEscape(tok)))
}

func TestIdentifierRoundTrip(t *testing.T) {
	for _, id := range []string{"1977-05-19-pb-56-68", "a b", "50%", "x:y/z", "Политбюро", "a&b<c>"} {
		ident := identifier("archive.example.org", id)
		if strings.ContainsAny(ident, " <>\"") || !utf8ASCII(ident) {
			t.Errorf("identifier(%q) = %q, which has characters OAI identifiers do not allow", id, ident)
		}
		if got, ok := parseIdentifier("archive.example.org", ident); !ok || got != id {
			t.Errorf("parseIdentifier(%q) = %q, %v; want %q", ident, got, ok, id)
		}
	}
	for _, s := range []string{"", "oai:", "oai:archive.example.org:", "oai:other.org:x", "urn:archive.example.org:x", "oai:archive.example.org:%zz"} {
		if got, ok := parseIdentifier("archive.example.org", s); ok {
			t.Errorf("parseIdentifier(%q) = %q, true; want false", s, got)
		}
	}
}

func utf8ASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func TestDCDate(t *testing.T) {
	for _, tt := range []struct {
		date fonds.Date
		want string
	}{
		{fonds.Date{}, ""},
		{fondstest.NewDate("1977-05-19"), "1977-05-19"},
		{fondstest.NewDate("1991-06"), "1991-06"},
		{fondstest.NewDate("1970"), "1970"},
		{fondstest.NewDate("1980-02"), "1980-02"},
		{fonds.Date{Start: "1977-05-19", End: "1977-05-25", Precision: fonds.PrecisionDay}, "1977-05-19/1977-05-25"},
		{fonds.Date{Start: "1977-05-19"}, "1977-05-19"},
	} {
		if got := dcDate(tt.date); got != tt.want {
			t.Errorf("dcDate(%+v) = %q, want %q", tt.date, got, tt.want)
		}
	}
}

func TestRootElement(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{`<?xml version="1.0"?>` + "\n<!-- c --><a x='1'><b/></a>\n", `<a x='1'><b/></a>`},
		{`<a/>`, `<a/>`},
		{`<!DOCTYPE a><a>t</a>`, `<a>t</a>`},
	} {
		got, _, err := rootElement([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("rootElement(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "text", "<a>", "<a/><b/>"} {
		if got, _, err := rootElement([]byte(in)); err == nil {
			t.Errorf("rootElement(%q) = %q, nil error; want one", in, got)
		}
	}
}

// TestCategorySets harvests the documents of a subject category, the
// deletion of one included.
func TestCategorySets(t *testing.T) {
	a := newArchive(t, Config{}, false)
	filed := fondstest.NewDocument("filed", "1977-05-19")
	filed.Categories = []string{"2.1", "Human rights"}
	gone := fondstest.NewDocument("gone", "1977-05-20")
	gone.Categories = []string{"2.1"}
	a.put(t, filed, gone, fondstest.NewDocument("unfiled", "1977-05-21"))
	if err := a.store.DeleteDocument(context.Background(), "gone"); err != nil {
		t.Fatal(err)
	}

	root := a.get(t, "verb=ListSets")
	mustOK(t, "ListSets", root)
	var specs []string
	for _, s := range root.kid("ListSets").all("set") {
		specs = append(specs, s.kid("setSpec").text)
	}
	// "other" holds no document: it is no set.
	if got, want := strings.Join(specs, " "), "test category-2-1 category-human-rights"; got != want {
		t.Errorf("ListSets = %s, want %s", got, want)
	}
	root = a.get(t, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=category-2-1")
	mustOK(t, "ListIdentifiers of category 2.1", root)
	ids, deleted := a.headerIDs(t, root)
	if strings.Join(ids, " ") != "filed gone" || strings.Join(deleted, " ") != "gone" {
		t.Errorf("category 2.1 lists %v (deleted %v), want filed and the deletion of gone", ids, deleted)
	}
	var headerSets []string
	for _, s := range root.kid("ListIdentifiers").all("header")[0].all("setSpec") {
		headerSets = append(headerSets, s.text)
	}
	if got, want := strings.Join(headerSets, " "), "test category-2-1 category-human-rights"; got != want {
		t.Errorf("the header of filed names the sets %s, want %s", got, want)
	}
	if got := errorCode(a.get(t, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=category-nothing")); got != noRecordsMatch {
		t.Errorf("a category nothing is filed under: error %q, want %q", got, noRecordsMatch)
	}
}
