package oai

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The error codes of the protocol.
const (
	badArgument             = "badArgument"
	badResumptionToken      = "badResumptionToken"
	badVerb                 = "badVerb"
	cannotDisseminateFormat = "cannotDisseminateFormat"
	idDoesNotExist          = "idDoesNotExist"
	noRecordsMatch          = "noRecordsMatch"
	noMetadataFormats       = "noMetadataFormats"
	noSetHierarchy          = "noSetHierarchy"
)

// verbArgs says which arguments each verb takes besides the verb: those it
// requires, those it may have, and the one that excludes every other.
var verbArgs = map[string]struct {
	required, optional []string
	exclusive          string
}{
	"Identify":            {},
	"ListMetadataFormats": {optional: []string{"identifier"}},
	"ListSets":            {exclusive: "resumptionToken"},
	"ListIdentifiers": {required: []string{"metadataPrefix"}, optional: []string{"from", "until", "set"},
		exclusive: "resumptionToken"},
	"ListRecords": {required: []string{"metadataPrefix"}, optional: []string{"from", "until", "set"},
		exclusive: "resumptionToken"},
	"GetRecord": {required: []string{"identifier", "metadataPrefix"}},
}

// request is a request whose verb and arguments are legal.
type request struct {
	verb string
	args map[string]string
}

// oaiError is an error of the protocol.
type oaiError struct {
	code, msg string
}

// parseRequest checks the verb and arguments of the form, which arrive in
// the query or a posted form.
func parseRequest(form url.Values) (request, *oaiError) {
	verbs := form["verb"]
	switch {
	case len(verbs) == 0 || verbs[0] == "":
		return request{}, &oaiError{badVerb, "the request has no verb"}
	case len(verbs) > 1:
		return request{}, &oaiError{badVerb, "the verb is repeated"}
	}
	verb := verbs[0]
	spec, ok := verbArgs[verb]
	if !ok {
		return request{}, &oaiError{badVerb, "there is no verb " + verb}
	}
	req := request{verb: verb, args: make(map[string]string)}
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	slices.Sort(names) // name the same argument first each time
	for _, name := range names {
		if name == "verb" {
			continue
		}
		values := form[name]
		switch {
		case name != spec.exclusive && !slices.Contains(spec.required, name) && !slices.Contains(spec.optional, name):
			return request{}, &oaiError{badArgument, verb + " has no argument " + name}
		case len(values) > 1:
			return request{}, &oaiError{badArgument, "the argument " + name + " is repeated"}
		case values[0] == "":
			return request{}, &oaiError{badArgument, "the argument " + name + " is empty"}
		}
		req.args[name] = values[0]
	}
	if _, ok := req.args[spec.exclusive]; ok && spec.exclusive != "" {
		if len(req.args) > 1 {
			return request{}, &oaiError{badArgument, spec.exclusive + " is exclusive: it admits no other argument"}
		}
		return req, nil
	}
	for _, name := range spec.required {
		if _, ok := req.args[name]; !ok {
			return request{}, &oaiError{badArgument, verb + " requires the argument " + name}
		}
	}
	return req, nil
}

// response is the answer to one request, built before it is sent so that a
// fault half way sends nothing.
type response struct {
	site *site
	date time.Time // in UTC
	req  request   // the zero request when the verb or arguments are bad
	errs []oaiError
	body xmlWriter // the verb's element
}

// fail adds a protocol error to the response.
func (r *response) fail(code, msg string) {
	r.errs = append(r.errs, oaiError{code, msg})
}

// bytes returns the whole response document.
func (r *response) bytes() []byte {
	var w xmlWriter
	w.WriteString(xml.Header)
	w.open("OAI-PMH", "xmlns", nsOAI, "xmlns:xsi", nsXSI, "xsi:schemaLocation", nsOAI+" "+schemaOAI)
	w.elem("responseDate", datestamp(r.date))
	// The request element echoes the verb and arguments, except when they
	// are bad: then the protocol wants the base URL alone.
	var attrs []string
	if r.req.verb != "" && !slices.ContainsFunc(r.errs, func(e oaiError) bool {
		return e.code == badVerb || e.code == badArgument
	}) {
		attrs = append(attrs, "verb", r.req.verb)
		names := make([]string, 0, len(r.req.args))
		for name := range r.req.args {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			attrs = append(attrs, name, r.req.args[name])
		}
	}
	w.elem("request", r.site.baseURL, attrs...)
	if len(r.errs) > 0 {
		for _, e := range r.errs {
			w.elem("error", e.msg, "code", e.code)
		}
	} else {
		w.Write(r.body.Bytes())
	}
	w.close("OAI-PMH")
	return w.Bytes()
}

// xmlWriter writes XML one element at a time, escaping text and attribute
// values. Names are the writer's own and written as they are.
type xmlWriter struct {
	bytes.Buffer
}

// open writes a start tag with the attributes, given as name, value pairs.
func (w *xmlWriter) open(name string, attrs ...string) {
	w.startTag(name, attrs)
	w.WriteString(">\n")
}

func (w *xmlWriter) startTag(name string, attrs []string) {
	w.WriteByte('<')
	w.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.WriteByte(' ')
		w.WriteString(attrs[i])
		w.WriteString(`="`)
		w.text(attrs[i+1])
		w.WriteByte('"')
	}
}

// close writes an end tag.
func (w *xmlWriter) close(name string) {
	w.WriteString("</")
	w.WriteString(name)
	w.WriteString(">\n")
}

// elem writes an element holding only text.
func (w *xmlWriter) elem(name, text string, attrs ...string) {
	w.startTag(name, attrs)
	if text == "" {
		w.WriteString("/>\n")
		return
	}
	w.WriteByte('>')
	w.text(text)
	w.close(name)
}

// text writes s escaped. Characters XML does not allow become U+FFFD.
func (w *xmlWriter) text(s string) {
	xml.EscapeText(w, []byte(strings.ToValidUTF8(s, "\uFFFD")))
}
