package tei

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fonds"
)

// application is the ident of the application Write declares in the
// encodingDesc; a header that declares it holds the whole catalogue record,
// which the reader then takes as written instead of inferring it.
const application = "fonds"

// header is what a teiHeader says.
type header struct {
	fonds       bool // written by Write: the catalogue record is complete
	id          string
	collection  string
	status      fonds.Status
	embargo     string
	restricted  bool
	badEmbargo  int // the line of an embargo that could not be read
	aliases     []string
	title       string
	volumeTitle string
	volumeID    string
	credits     []credit
	date        *fonds.Date
	mark        string
	summary     string
	source      string
	sourceNote  *node // the source note, whose mentions Write marks
	number      int
	section     string
	creator     string
	typ         string
	excerpt     bool
	extent      int
	refs        []fonds.Reference
	categories  []string
	conventions []string
	languages   []string
	persons     []fonds.Person
	pages       []fonds.Page
	badDates    []int // lines of dates that could not be read
}

// credit is a credit of a respStmt, and the witness it belongs to ("" for
// the first).
type credit struct {
	witness string
	fonds.Credit
}

func parseHeader(h *node) *header {
	out := &header{}
	if app := h.find("application"); app != nil && app.get("ident") == application {
		out.fonds = true
	}
	if fd := h.child("fileDesc"); fd != nil {
		out.fileDesc(fd)
	}
	if ed := h.child("encodingDesc"); ed != nil {
		if decl := ed.child("editorialDecl"); decl != nil {
			for _, p := range decl.children("p") {
				out.conventions = append(out.conventions, p.plainText())
			}
		}
	}
	if pd := h.child("profileDesc"); pd != nil {
		out.profileDesc(pd)
	}
	if rd := h.child("revisionDesc"); rd != nil {
		if st := docStatus(rd.get("status")); st != "" {
			// The availability said only whether the public sees it.
			free := out.status == fonds.StatusPublished
			out.status = st
			if st == fonds.StatusPublished && !free && out.embargo == "" {
				out.restricted = true
			}
		}
	}
	return out
}

// availability reads who may see the document: the availability's status
// (free, or restricted: a draft, unless the revisionDesc says otherwise), a
// licence that applies from a time (an embargo), and the paragraph Write
// marks n="restricted".
func (out *header) availability(av *node) {
	switch av.get("status") {
	case "free":
		out.status = fonds.StatusPublished
	case "restricted":
		out.status = fonds.StatusDraft
	}
	for _, l := range av.children("licence") {
		nb := l.get("notBefore")
		if nb == "" {
			continue
		}
		if _, err := fonds.ParseEmbargo(nb); err != nil {
			out.badEmbargo = l.line
			continue
		}
		out.embargo = nb
	}
	for _, p := range av.children("p") {
		if p.get("n") == "restricted" {
			out.restricted = true
		}
	}
}

// docStatus returns the status a revisionDesc's @status means (TEI's
// att.docStatus suggests draft, submitted, published, withdrawn, …), or
// "" for one fonds has no status for.
func docStatus(s string) fonds.Status {
	switch s {
	case "draft", "unfinished", "proposed":
		return fonds.StatusDraft
	case "review", "submitted", "candidate":
		return fonds.StatusReview
	case "published", "approved", "embargoed":
		return fonds.StatusPublished
	case "withdrawn", "deprecated":
		return fonds.StatusWithdrawn
	}
	return ""
}

func (out *header) fileDesc(fd *node) {
	if ts := fd.child("titleStmt"); ts != nil {
		for _, t := range ts.children("title") {
			text := t.plainText()
			if out.volumeTitle == "" || t.get("type") == "complete" {
				out.volumeTitle = text
			}
			switch t.get("type") {
			case "", "main":
				if out.title == "" {
					out.title = text
				}
			}
		}
		for _, rs := range ts.children("respStmt") {
			out.credits = append(out.credits, parseCredit(rs))
		}
	}
	if ps := fd.child("publicationStmt"); ps != nil {
		for _, id := range ps.children("idno") {
			switch v := id.plainText(); id.get("type") {
			case "fonds":
				out.id = v
			case "collection":
				out.collection = v
			case "alias":
				out.aliases = append(out.aliases, v)
			case "frus", "volume":
				out.volumeID = v
			}
		}
		if av := ps.child("availability"); av != nil {
			out.availability(av)
		}
	}
	sd := fd.child("sourceDesc")
	if sd == nil {
		return
	}
	bibl := sd.child("bibl")
	if bibl == nil {
		return
	}
	for _, k := range bibl.kids {
		switch {
		case k.isText():
		case k.is("date"):
			if d, ok := parseDate(k); ok {
				out.date = &d
			} else {
				out.badDates = append(out.badDates, k.line)
			}
		case k.is("author"):
			out.creator = k.plainText()
		case k.is("idno") && k.get("type") == "reference":
			w := k.plainText()
			out.refs = append(out.refs, fonds.NewReference(w, k.get("subtype")))
		case k.is("biblScope"):
			// Where the document stands in its volume.
			switch k.get("unit") {
			case "chapter":
				out.section = strings.TrimSpace(k.plainText())
			case "document":
				if n, err := strconv.Atoi(firstNonEmpty(k.get("n"), k.plainText())); err == nil && n > 0 {
					out.number = n
				}
			}
		case k.is("extent"):
			if m := k.find("measure"); m != nil {
				out.extent, _ = strconv.Atoi(m.get("quantity"))
			}
		case k.is("note"):
			v := k.plainText()
			switch k.get("type") {
			case "mark":
				out.mark = v
			case "summary":
				out.summary = v
			case "source":
				out.source, out.sourceNote = v, k
			case "type":
				out.typ = v
			case "excerpt":
				out.excerpt = true
			}
		}
	}
}

func parseCredit(rs *node) credit {
	c := credit{witness: strings.TrimPrefix(rs.get("corresp"), "#")}
	var resp string
	for _, k := range rs.kids {
		switch {
		case k.isText():
		case k.is("resp"):
			resp = k.plainText()
			c.Role = k.get("key")
		case k.is("note") && k.get("type") == "written":
			c.Written = k.plainText()
		case c.Name == "":
			c.Name = k.plainText()
		}
	}
	if c.Role == "" {
		l := strings.ToLower(resp)
		switch {
		case strings.Contains(l, "transl"):
			c.Role = "translator"
		case strings.Contains(l, "transcri"):
			c.Role = "transcriber"
		case strings.Contains(l, "edit"):
			c.Role = "editor"
		default:
			c.Role = l
		}
	}
	return c
}

func (out *header) profileDesc(pd *node) {
	if lu := pd.child("langUsage"); lu != nil {
		for _, l := range lu.children("language") {
			if id := l.get("ident"); id != "" {
				out.languages = append(out.languages, id)
			}
		}
	}
	if tc := pd.child("textClass"); tc != nil {
		for _, c := range tc.children("classCode") {
			if c.get("scheme") == "#categories" {
				out.categories = append(out.categories, c.plainText())
			}
		}
	}
	if cr := pd.child("creation"); cr != nil && out.date == nil {
		if dn := cr.find("date"); dn != nil {
			if d, ok := parseDate(dn); ok {
				out.date = &d
			}
		}
	}
	if part := pd.child("particDesc"); part != nil {
		var walk func(*node)
		walk = func(n *node) {
			for _, k := range n.kids {
				if !k.is("person") {
					walk(k)
					continue
				}
				var p fonds.Person
				for _, pn := range k.children("persName") {
					if pn.get("type") == "written" {
						p.Written = pn.plainText()
					} else if p.Name == "" {
						p.Name = pn.plainText()
					}
				}
				if p.Name != "" {
					out.persons = append(out.persons, p)
				}
			}
		}
		walk(part)
	}
}

// pageID matches the id Write gives a page's surface: "page-2".
var pageID = regexp.MustCompile(`^#?page-(\d+)$`)

// parseFacsimile reads the pages Write records as surfaces.
func parseFacsimile(f *node, out *header) {
	for _, s := range f.children("surface") {
		m := pageID.FindStringSubmatch(s.getNS(xmlNS, "id"))
		if m == nil {
			continue
		}
		p := fonds.Page{Label: s.get("n")}
		p.N, _ = strconv.Atoi(m[1])
		if desc := s.child("desc"); desc != nil {
			for _, k := range desc.kids {
				switch {
				case k.is("date"):
					if d, ok := parseDate(k); ok {
						p.Date = &d
					}
				case k.is("idno"):
					p.Reference = k.plainText()
				case k.is("measure") && k.get("type") == "of":
					p.Of, _ = strconv.Atoi(k.get("quantity"))
				}
			}
		}
		if g := s.child("graphic"); g != nil {
			p.Facs = g.get("url")
		}
		out.pages = append(out.pages, p)
	}
}

// parseDate reads a TEI date: @when, @from/@to or @notBefore/@notAfter,
// in ISO 8601 (a year, a month, a day, or a date and time). The precision
// is that of the start; a date is approximate when it is a range of
// notBefore/notAfter, when its @cert is not high, or when the edition says
// it inferred it (FRUS: ana="#date_undated-inferred-…").
func parseDate(n *node) (fonds.Date, bool) {
	when, from, to := n.get("when"), n.get("from"), n.get("to")
	nb, na := n.get("notBefore"), n.get("notAfter")
	var start, end string
	approx := false
	switch {
	case when != "":
		start, end = when, when
	case from != "" || to != "":
		start, end = from, to
	case nb != "" || na != "":
		start, end, approx = nb, na, true
	default:
		return fonds.Date{}, false
	}
	if start == "" {
		start = end
	}
	if end == "" {
		end = start
	}
	s, prec, ok := isoStart(start)
	if !ok {
		return fonds.Date{}, false
	}
	e, _, ok := isoEnd(end)
	if !ok || e < s {
		return fonds.Date{}, false
	}
	if c := n.get("cert"); c != "" && c != "high" {
		approx = true
	}
	if ana := n.get("ana"); strings.Contains(ana, "undated") || strings.Contains(ana, "inferred") {
		approx = true
	}
	return fonds.Date{Start: s, End: e, Precision: prec, Approximate: approx, Written: n.plainText()}, true
}

// isoStart reads the start of an ISO 8601 date of any precision.
func isoStart(s string) (string, fonds.Precision, bool) {
	switch {
	case len(s) == 4:
		if _, err := time.Parse("2006", s); err == nil {
			return s + "-01-01", fonds.PrecisionYear, true
		}
	case len(s) == 7:
		if _, err := time.Parse("2006-01", s); err == nil {
			return s + "-01", fonds.PrecisionMonth, true
		}
	case len(s) >= 10:
		if _, err := time.Parse("2006-01-02", s[:10]); err == nil && (len(s) == 10 || s[10] == 'T') {
			return s[:10], fonds.PrecisionDay, true
		}
	}
	return "", "", false
}

// isoEnd reads the end of an ISO 8601 date: the last day it covers.
func isoEnd(s string) (string, fonds.Precision, bool) {
	start, prec, ok := isoStart(s)
	if !ok {
		return "", "", false
	}
	t, _ := time.Parse("2006-01-02", start)
	switch prec {
	case fonds.PrecisionYear:
		t = t.AddDate(1, 0, -1)
	case fonds.PrecisionMonth:
		t = t.AddDate(0, 1, -1)
	}
	return t.Format("2006-01-02"), prec, true
}

// frusDate returns the date the frus:doc-dateTime-min and -max attributes
// of a document's div give: a day, or an approximate range of days.
func frusDate(div *node) (fonds.Date, bool) {
	lo, hi := div.getNS(frusNS, "doc-dateTime-min"), div.getNS(frusNS, "doc-dateTime-max")
	if lo == "" && hi == "" {
		return fonds.Date{}, false
	}
	if lo == "" {
		lo = hi
	}
	if hi == "" {
		hi = lo
	}
	s, _, ok1 := isoStart(lo)
	e, _, ok2 := isoStart(hi)
	if !ok1 || !ok2 || e < s {
		return fonds.Date{}, false
	}
	return fonds.Date{Start: s, End: e, Precision: fonds.PrecisionDay, Approximate: s != e}, true
}

func lineWarning(line int, format string, args ...any) fonds.Warning {
	return fonds.Warning{Line: line, Message: fmt.Sprintf(format, args...)}
}
