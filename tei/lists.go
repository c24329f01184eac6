package tei

import "strings"

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
