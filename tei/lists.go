package tei

import (
	"strings"
	"unicode"

	"fonds"
)

// entry is one item of a list an edition keeps beside its documents: a
// person of its persons list, a term of its list of abbreviations and
// terms.
type entry struct {
	name string // the person's name, the term as written
	rest string // what the item says after the name: a role, an expansion
}

// label returns what a mention of the entry shows: a term's expansion, a
// person's name.
func (e entry) label(term bool) string {
	if term && e.rest != "" {
		return e.rest
	}
	return e.name
}

// readList keeps the items of a list that carry an xml:id, on the item or
// on the name within it: FRUS writes
// <item><hi rend="strong"><term xml:id="t_SALT_1">SALT</term></hi>, Strategic
// Arms Limitation Talks</item>.
func (rd *reader) readList(list *node) {
	for _, item := range list.kids {
		if !item.is("item") {
			continue
		}
		for _, sub := range item.children("list") {
			rd.readList(sub)
		}
		id, named := item.getNS(xmlNS, "id"), idOwner(item)
		if named != nil {
			id = named.getNS(xmlNS, "id")
		}
		if id == "" {
			continue
		}
		if named == nil {
			// The name is the item's first element, often <hi rend="strong">.
			for _, k := range item.kids {
				if !k.isText() && !k.is("list") {
					named = k
					break
				}
			}
		}
		var e entry
		whole := itemText(item)
		if named != nil {
			e.name = named.plainText()
		}
		if rest, ok := strings.CutPrefix(whole, e.name); ok && e.name != "" {
			e.rest = strings.TrimSpace(strings.TrimLeft(rest, ",;:.—– "))
		} else if e.name == "" {
			e.name = whole
		}
		if e.name == "" {
			continue
		}
		if rd.entries == nil {
			rd.entries = make(map[string]entry)
		}
		rd.entries[id] = e
	}
}

// idOwner returns the first element within n that carries an xml:id.
func idOwner(n *node) *node {
	for _, k := range n.kids {
		if k.isText() || k.is("list") {
			continue
		}
		if k.getNS(xmlNS, "id") != "" {
			return k
		}
		if o := idOwner(k); o != nil {
			return o
		}
	}
	return nil
}

// itemText returns the words of an item without those of lists nested in
// it.
func itemText(item *node) string {
	var b strings.Builder
	for _, k := range item.kids {
		if k.is("list") {
			continue
		}
		if k.isText() {
			b.WriteString(k.text)
		} else {
			b.WriteString(k.rawText())
		}
	}
	return collapse(b.String())
}

// resolve returns what an identifier of the edition's lists stands for,
// or "" when the file holds no list that names it.
func (rd *reader) resolve(target string, term bool) string {
	id, ok := strings.CutPrefix(target, "#")
	if !ok || rd == nil {
		return ""
	}
	e, ok := rd.entries[id]
	if !ok {
		return ""
	}
	return e.label(term)
}

// lists writes, as front matter in the form FRUS volumes use, the persons
// and terms the mentions of d point to by id with the names or expansions
// they resolved to, so that a document exported from its volume keeps
// them.
func (x *writer) lists(d *fonds.Document) {
	type item struct{ id, el, name, rest string }
	var persons, terms []item
	seen := make(map[string]bool)
	walkSpans(d, func(s fonds.Span) {
		id, ok := strings.CutPrefix(s.Target, "#")
		if !ok || s.Label == "" || seen[id] || !xmlName(id) {
			return
		}
		switch s.Kind {
		case fonds.SpanTerm:
			seen[id] = true
			terms = append(terms, item{id, "term", s.PlainText(), s.Label})
		case fonds.SpanPerson, fonds.SpanPlace, fonds.SpanOrg:
			seen[id] = true
			persons = append(persons, item{id, mentionTags[s.Kind], s.Label, ""})
		}
	})
	if len(persons)+len(terms) == 0 {
		return
	}
	x.open(2, "front")
	for _, l := range []struct {
		typ   string
		items []item
	}{{"persons", persons}, {"terms", terms}} {
		if len(l.items) == 0 {
			continue
		}
		x.open(3, "div", "type", "section")
		x.open(4, "list", "type", l.typ)
		for _, it := range l.items {
			x.indent(5)
			x.raw("<item><" + it.el + ` xml:id="` + escape(it.id) + `">` + escape(it.name) + "</" + it.el + ">")
			if it.rest != "" {
				x.raw(", " + escape(it.rest))
			}
			x.raw("</item>\n")
		}
		x.close(4, "list")
		x.close(3, "div")
	}
	x.close(2, "front")
}

// xmlName reports whether id can be written as an xml:id: letters, digits,
// "_", "-" and ".", not starting with a digit, "-" or ".".
func xmlName(id string) bool {
	for i, r := range id {
		ok := r == '_' || unicode.IsLetter(r) || i > 0 && (r == '-' || r == '.' || unicode.IsDigit(r))
		if !ok {
			return false
		}
	}
	return id != ""
}

// mentionTags are the elements that write mentions of each kind.
var mentionTags = map[fonds.SpanKind]string{fonds.SpanPerson: "persName", fonds.SpanPlace: "placeName", fonds.SpanOrg: "orgName"}

// onlyLists reports whether n holds nothing but lists (in divisions with
// headings): front matter fonds reads whole.
func onlyLists(n *node) bool {
	for _, k := range n.kids {
		switch {
		case k.isText():
			if strings.TrimSpace(k.text) != "" {
				return false
			}
		case k.is("list"), k.is("head"):
		case k.is("div"):
			if !onlyLists(k) {
				return false
			}
		default:
			return false
		}
	}
	return true
}
