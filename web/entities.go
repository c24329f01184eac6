package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"fonds"
)

// The index of the edition: for each kind of entity a list of them with a
// filter box (/persons), a page for each (/persons/sakharov) listing the
// documents that mention it, and a form on which editors describe it; and
// the same in the JSON API. Like every list of the site, they show what
// the viewer may see in lists (listFilter): an entity that only documents
// hidden from the viewer mention is not found, exactly like one that does
// not exist.

// The bounds of the index's pages and forms.
const (
	entitiesPerPage    = 100 // entities on a page of a list
	entityDocsPerPage  = perPage
	maxEntityQuery     = 100  // characters of a filter
	maxEntityLine      = 256  // bytes of a name shown, a role, dates
	maxEntityNote      = 4096 // bytes of a note
	maxAuthority       = 16   // authority URIs of an entity
	maxAuthorityURI    = 1000 // bytes of one
	listedSpellings    = 6    // other spellings a row of a list shows
	maxEntityKeyLength = 120  // as package entity bounds a key
)

// entityKindNames are what the pages call each kind: the heading of its
// list and one of it.
var entityKindNames = map[fonds.EntityKind]struct{ plural, one string }{
	fonds.EntityPerson: {"People", "person"},
	fonds.EntityOrg:    {"Organizations", "organization"},
	fonds.EntityPlace:  {"Places", "place"},
	fonds.EntityTerm:   {"Terms", "term"},
}

// entityRoutes registers the index pages of every kind, their editing
// forms, and the API of the index.
func (s *Server) entityRoutes() {
	editor := fonds.Role.CanPublish
	for _, k := range fonds.EntityKinds {
		list := entityListPath(k)
		s.handle("GET "+list, s.cached(s.html(s.entityList(k))))
		s.handle("GET "+list+"/{key}", s.cached(s.html(s.entityPage(k))))
		if s.writes != nil {
			s.handle("GET "+list+"/{key}/edit", s.restricted(editor, s.entityForm(k)))
			s.handle("POST "+list+"/{key}/edit", s.restricted(editor, s.entityEdit(k)))
		}
	}
	s.handle("GET /api/v1/entities", s.cached(s.api(s.apiEntities)))
	s.handle("GET /api/v1/entities/{kind}/{key}", s.cached(s.api(s.apiEntity)))
}

// listEntities returns the entities f admits, each with its spellings,
// which a list of the store does not give. A list continues only after an
// entity the request's viewer sees: one they do not is no place in any
// list of theirs, and is answered as one that does not exist.
func (s *Server) listEntities(r *http.Request, f fonds.EntityFilter) ([]fonds.Entity, error) {
	ctx := r.Context()
	if f.After != "" {
		if _, _, err := s.visibleEntity(r, f.Kind, f.After, "", 0); errors.Is(err, fonds.ErrNotFound) {
			return nil, notFound("The list has no name to continue after there: follow the link to the next page.")
		} else if err != nil {
			return nil, err
		}
	}
	es, err := s.store.Entities(ctx, f)
	if errors.Is(err, fonds.ErrNotFound) {
		// Described meanwhile as nothing, and gone.
		return nil, notFound("The list has no name to continue after there: follow the link to the next page.")
	} else if err != nil {
		return nil, err
	}
	for i := range es {
		if len(es[i].Names) > 0 {
			continue
		}
		e, err := s.store.Entity(ctx, es[i].Kind, es[i].Key, fonds.Filter{Published: f.Published, Restricted: f.Restricted})
		if errors.Is(err, fonds.ErrNotFound) {
			continue // gone since the list was read
		} else if err != nil {
			return nil, err
		}
		es[i].Names = e.Names
	}
	return es, nil
}

// validEntityKey reports whether k could be the key of an entity: lower-case
// ASCII letters, digits and '-', as package entity makes them. Anything else
// is in no store, and is not worth asking it about.
func validEntityKey(k string) bool {
	if k == "" || len(k) > maxEntityKeyLength {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// entityQuery is what a list of entities is asked for: the filter box, the
// order and where the page starts.
type entityQuery struct {
	q     string
	order fonds.EntityOrder
	after string
}

// readEntityQuery reads ?q=, ?order= and ?after= of a list of entities.
func readEntityQuery(r *http.Request) (entityQuery, error) {
	v := r.URL.Query()
	eq := entityQuery{q: strings.TrimSpace(v.Get("q")), after: v.Get("after")}
	if utf8.RuneCountInString(eq.q) > maxEntityQuery || !utf8.ValidString(eq.q) || strings.IndexFunc(eq.q, unicode.IsControl) >= 0 {
		return eq, badRequest("The filter must be one line of at most %d characters: the start of a name, such as “sak” or “сах”.", maxEntityQuery)
	}
	switch o := v.Get("order"); o {
	case "", string(fonds.ByEnglishName):
		eq.order = fonds.ByEnglishName
	case string(fonds.ByRussianName):
		eq.order = fonds.ByRussianName
	default:
		return eq, badRequest("“%s” is not an order of this list: use order=en or order=ru.", clip(o, 40))
	}
	if eq.after != "" && !validEntityKey(eq.after) {
		return eq, badRequest("“%s” is not where a page of this list can start: follow the link to the next page.", clip(eq.after, 40))
	}
	return eq, nil
}

// entityFilter returns the filter of a list of entities of the kind that
// the request's viewer is shown: those a document they see in lists
// mentions.
func entityFilter(r *http.Request, kind fonds.EntityKind, eq entityQuery, limit int) fonds.EntityFilter {
	lf := listFilter(r)
	return fonds.EntityFilter{
		Kind: kind, Published: lf.Published, Restricted: lf.Restricted,
		Prefix: eq.q, Order: eq.order, After: eq.after, Limit: limit,
	}
}

// entityListData is the data of the list of entities of a kind.
type entityListData struct {
	Heading string
	Kinds   []entityKindLink
	Action  string // the list's address, where the filter box sends
	Query   string
	Russian bool // in Russian order
	Orders  []entityKindLink
	Rows    []entityRow
	// First is the address of the list's first page, when this is not it;
	// Next that of the page after this one, when there is one.
	First, Next string
}

// entityKindLink is a link to a list: another kind, another order.
type entityKindLink struct {
	Label, URL string
	Current    bool
}

// entityRow is an entity as a list shows it.
type entityRow struct {
	Name, URL   string
	Spellings   []string
	More        int // spellings not shown
	Documents   int
	Role, Dates string
}

func (s *Server) entityList(kind fonds.EntityKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		eq, err := readEntityQuery(r)
		if err != nil {
			return err
		}
		es, err := s.listEntities(r, entityFilter(r, kind, eq, entitiesPerPage+1))
		if err != nil {
			return err
		}
		path := entityListPath(kind)
		data := entityListData{
			Heading: entityKindNames[kind].plural,
			Action:  path,
			Query:   eq.q,
			Russian: eq.order == fonds.ByRussianName,
		}
		for _, k := range fonds.EntityKinds {
			data.Kinds = append(data.Kinds, entityKindLink{Label: entityKindNames[k].plural, URL: entityListPath(k), Current: k == kind})
		}
		link := func(order fonds.EntityOrder, after string) string {
			q := url.Values{}
			if eq.q != "" {
				q.Set("q", eq.q)
			}
			if order == fonds.ByRussianName {
				q.Set("order", string(order))
			}
			if after != "" {
				q.Set("after", after)
			}
			u := url.URL{Path: path, RawQuery: q.Encode()}
			return u.String()
		}
		data.Orders = []entityKindLink{
			{Label: "English order", URL: link(fonds.ByEnglishName, ""), Current: !data.Russian},
			{Label: "Russian order (Cyrillic names first)", URL: link(fonds.ByRussianName, ""), Current: data.Russian},
		}
		if len(es) > entitiesPerPage {
			es = es[:entitiesPerPage]
			data.Next = link(eq.order, es[len(es)-1].Key)
		}
		if eq.after != "" {
			data.First = link(eq.order, "")
		}
		for _, e := range es {
			data.Rows = append(data.Rows, newEntityRow(e, data.Russian))
		}
		title := data.Heading
		if eq.q != "" {
			title += " beginning “" + clip(eq.q, 40) + "”"
		}
		p := s.newPage(r, title, data)
		if eq.q != "" || eq.after != "" || data.Russian {
			// One list, however it is filtered or paged.
			p.Canonical = s.base(r) + path
		}
		return s.render(w, "entities", p)
	}
}

// newEntityRow returns the row of e in a list; in the Russian order it is
// headed by its Cyrillic spelling, which the order follows.
func newEntityRow(e fonds.Entity, russian bool) entityRow {
	row := entityRow{Name: e.Name, URL: entityPath(e.Kind, e.Key), Documents: e.Documents, Role: e.Role, Dates: e.Dates}
	if russian {
		for _, n := range e.Names {
			if cyrillic(n.Name) {
				row.Name = n.Name
				break
			}
		}
	}
	for _, n := range spellings(e) {
		if n == row.Name {
			continue
		}
		if len(row.Spellings) == listedSpellings {
			row.More++
			continue
		}
		row.Spellings = append(row.Spellings, n)
	}
	return row
}

// spellings returns the names of e, its name first, each once.
func spellings(e fonds.Entity) []string {
	out := []string{e.Name}
	for _, n := range e.Names {
		if n.Name != "" && !slices.Contains(out, n.Name) {
			out = append(out, n.Name)
		}
	}
	return out
}

// cyrillic reports whether s has a Cyrillic letter.
func cyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}

// entityData is the data of an entity's page.
type entityData struct {
	Kind      string // "person"
	ListURL   string
	ListLabel string
	Name      string
	Spellings []string
	Role      string
	Dates     string
	Note      string
	Authority []authorityLink
	EditURL   string
	Docs      []entityDoc
	// First is the address of the page's first documents, when these are
	// not they; Next that of the documents after these.
	First, Next string
}

// authorityLink is an identifier of an entity in another catalogue.
type authorityLink struct {
	URL   string
	Label string // "Wikidata Q160556"
}

// entityDoc is a document that mentions the entity, as its page lists it.
type entityDoc struct {
	listItem
	Collection    string
	CollectionURL string
	Written       string // the words of the document, when not the name
	Passage       string
}

// visibleEntity returns the entity of the kind with the key, and the page
// of the documents that mention it that the request's viewer may see: after
// the document id after, at most limit of them and one more to say there
// are more. An entity none of whose documents they see on this page is not
// found, exactly like one that does not exist.
func (s *Server) visibleEntity(r *http.Request, kind fonds.EntityKind, key, after string, limit int) (*fonds.Entity, []fonds.Mentioning, error) {
	if !validEntityKey(key) {
		return nil, nil, fonds.ErrNotFound
	}
	if after != "" {
		// A page starts after a document the viewer may see: one they may
		// not is not a place in any list of theirs.
		if _, err := s.visibleDocument(r, after); err != nil {
			return nil, nil, err
		}
	}
	ctx := r.Context()
	f := listFilter(r)
	e, err := s.store.Entity(ctx, kind, key, f)
	if err != nil {
		return nil, nil, err
	}
	f.After, f.Limit, f.Brief = after, limit+1, true
	ms, err := s.store.Mentioning(ctx, kind, key, f)
	if err != nil {
		return nil, nil, err
	}
	if len(ms) == 0 {
		return nil, nil, fonds.ErrNotFound
	}
	return e, ms, nil
}

// entityNotFound is the answer for an entity that is not there for the
// viewer. It does not repeat the key, which would tell of the documents it
// comes from.
func entityNotFound(kind fonds.EntityKind) error {
	return notFound("There is no %s of that name in the documents you may see.", entityKindNames[kind].one)
}

func (s *Server) entityPage(kind fonds.EntityKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := r.PathValue("key")
		after := r.URL.Query().Get("after")
		e, ms, err := s.visibleEntity(r, kind, key, after, entityDocsPerPage)
		if errors.Is(err, fonds.ErrNotFound) {
			return entityNotFound(kind)
		} else if err != nil {
			return err
		}
		path := entityPath(kind, e.Key)
		data := entityData{
			Kind:      entityKindNames[kind].one,
			ListURL:   entityListPath(kind),
			ListLabel: entityKindNames[kind].plural,
			Name:      e.Name,
			Spellings: spellings(*e)[1:],
			Role:      e.Role,
			Dates:     e.Dates,
			Note:      e.Note,
			Authority: authorityLinks(e.Authority),
		}
		if roleOf(r).CanPublish() {
			data.EditURL = path + "/edit"
		}
		if len(ms) > entityDocsPerPage {
			ms = ms[:entityDocsPerPage]
			data.Next = path + "?" + url.Values{"after": {ms[len(ms)-1].Document.ID}}.Encode()
		}
		if after != "" {
			data.First = path
		}
		titles := s.collectionTitleOf(r.Context())
		for _, m := range ms {
			d := m.Document
			doc := entityDoc{
				listItem:      listItems([]*fonds.Document{d})[0],
				Collection:    titles(d.Collection),
				CollectionURL: "/collections/" + url.PathEscape(d.Collection),
				Passage:       m.Passage,
			}
			if m.Written != "" && m.Written != e.Name {
				doc.Written = m.Written
			}
			if doc.Passage == doc.Heading {
				// A mention in a document's description: the heading shows it.
				doc.Passage = ""
			}
			data.Docs = append(data.Docs, doc)
		}
		p := s.newPage(r, e.Name, data)
		p.Canonical = s.base(r) + path
		if ld, err := entityJSONLD(e, p.Canonical); err == nil {
			p.JSONLD = template.JS(ld)
		}
		return s.render(w, "entity", p)
	}
}

// collectionTitleOf returns a function giving the title of a collection by
// its slug, each asked of the store once; the slug when it has none.
func (s *Server) collectionTitleOf(ctx context.Context) func(string) string {
	seen := map[string]string{}
	return func(slug string) string {
		if t, ok := seen[slug]; ok {
			return t
		}
		t := slug
		if c, err := s.store.Collection(ctx, slug); err == nil && c.Title != "" {
			t = c.Title
		}
		seen[slug] = t
		return t
	}
}

// schemaTypes are the schema.org types of the kinds of entity.
var schemaTypes = map[fonds.EntityKind]string{
	fonds.EntityPerson: "Person",
	fonds.EntityOrg:    "Organization",
	fonds.EntityPlace:  "Place",
	fonds.EntityTerm:   "DefinedTerm",
}

// entityJSONLD returns the schema.org description of an entity's page: its
// names and the same entity in other catalogues.
func entityJSONLD(e *fonds.Entity, url string) (string, error) {
	ld := map[string]any{
		"@context": "https://schema.org",
		"@type":    schemaTypes[e.Kind],
		"@id":      url,
		"url":      url,
		"name":     e.Name,
	}
	if alt := spellings(*e)[1:]; len(alt) > 0 {
		ld["alternateName"] = alt
	}
	var same []string
	for _, a := range authorityLinks(e.Authority) {
		same = append(same, a.URL)
	}
	if len(same) > 0 {
		ld["sameAs"] = same
	}
	var desc []string
	for _, s := range []string{e.Role, e.Dates, e.Note} {
		if s != "" {
			desc = append(desc, s)
		}
	}
	if len(desc) > 0 {
		ld["description"] = strings.Join(desc, "; ")
	}
	// json.Marshal escapes <, > and &, so that the description cannot end
	// the script element it is written in.
	b, err := json.Marshal(ld)
	return string(b), err
}

// authorities are the catalogues whose identifiers a page names, by host:
// the label, and the path before the identifier.
var authorities = []struct {
	host, prefix, label string
}{
	{"www.wikidata.org", "/wiki/", "Wikidata"},
	{"www.wikidata.org", "/entity/", "Wikidata"},
	{"wikidata.org", "/wiki/", "Wikidata"},
	{"wikidata.org", "/entity/", "Wikidata"},
	{"viaf.org", "/viaf/", "VIAF"},
	{"id.loc.gov", "/authorities/names/", "Library of Congress"},
	{"id.loc.gov", "/authorities/subjects/", "Library of Congress"},
	{"d-nb.info", "/gnd/", "GND"},
	{"isni.org", "/isni/", "ISNI"},
	{"orcid.org", "/", "ORCID"},
	{"www.geonames.org", "/", "GeoNames"},
	{"sws.geonames.org", "/", "GeoNames"},
	{"data.bnf.fr", "/", "BnF"},
	{"catalogue.bnf.fr", "/ark:/12148/", "BnF"},
	{"history.state.gov", "/", "Office of the Historian"},
}

// authorityLinks returns the links of the authority URIs that are absolute
// http(s) addresses, each labelled with its catalogue and identifier when
// the catalogue is known, else with its host and path.
func authorityLinks(uris []string) []authorityLink {
	var out []authorityLink
	for _, u := range uris {
		p, err := checkAuthority(u)
		if err != nil {
			continue
		}
		out = append(out, authorityLink{URL: u, Label: authorityLabel(p)})
	}
	return out
}

// authorityLabel returns the short label of an authority URI:
// "Wikidata Q160556".
func authorityLabel(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	for _, a := range authorities {
		if host != a.host || !strings.HasPrefix(u.Path, a.prefix) {
			continue
		}
		id := strings.Trim(strings.TrimPrefix(u.Path, a.prefix), "/")
		if id == "" {
			break
		}
		if strings.HasSuffix(id, ".html") || strings.HasSuffix(id, ".json") {
			id = id[:strings.LastIndexByte(id, '.')]
		}
		return a.label + " " + id
	}
	label := strings.TrimPrefix(host, "www.") + u.EscapedPath()
	return clip(strings.TrimSuffix(label, "/"), 80)
}

// checkAuthority returns the URI s parsed, or an error saying why it is not
// an authority URI: an absolute http or https address of a host, of one
// line.
func checkAuthority(s string) (*url.URL, error) {
	if len(s) > maxAuthorityURI {
		return nil, fmt.Errorf("it is longer than %d characters", maxAuthorityURI)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return nil, errors.New("an address has no spaces")
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return nil, errors.New("it is not an http or https address, such as https://www.wikidata.org/wiki/Q160556")
	}
	return u, nil
}

// entityForm is what an editor writes of an entity, with what is wrong with
// each field.
type entityForm struct {
	Kind      string // "person"
	URL       string // the entity's page
	Action    string
	Met       string // the name met in the documents
	Name      string
	Role      string
	Dates     string
	Note      string
	Authority string // one URI a line
	// Errors are what is wrong, by the field's name ("authority"); Error
	// is what is wrong with the whole.
	Errors map[string]string
	Error  string
}

// entityEditable returns the entity with the key, for an editor: any
// entity a document mentions or an editor described, whoever sees its
// documents.
func (s *Server) entityEditable(r *http.Request, kind fonds.EntityKind) (*fonds.Entity, error) {
	key := r.PathValue("key")
	if !validEntityKey(key) {
		return nil, entityNotFound(kind)
	}
	// Every spelling, whoever may see the documents that write it: the
	// editor names it from them all.
	e, err := s.store.Entity(r.Context(), kind, key, fonds.Filter{})
	if errors.Is(err, fonds.ErrNotFound) {
		return nil, entityNotFound(kind)
	}
	return e, err
}

func newEntityForm(e *fonds.Entity) *entityForm {
	path := entityPath(e.Kind, e.Key)
	return &entityForm{
		Kind:   entityKindNames[e.Kind].one,
		URL:    path,
		Action: path + "/edit",
		Met:    e.Name,
	}
}

func (s *Server) entityForm(kind fonds.EntityKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, err := s.entityEditable(r, kind)
		if err != nil {
			return err
		}
		f := newEntityForm(e)
		f.Name, f.Role, f.Dates, f.Note = e.Name, e.Role, e.Dates, e.Note
		f.Authority = strings.Join(e.Authority, "\n")
		return s.renderEntityForm(w, r, http.StatusOK, f)
	}
}

func (s *Server) renderEntityForm(w http.ResponseWriter, r *http.Request, status int, f *entityForm) error {
	p := s.newPage(r, "Describe the "+f.Kind+" "+f.Met, f)
	p.NoIndex = true
	return s.renderStatus(w, status, "entity_edit", p)
}

// readEntityForm reads the form into f, and returns the description it
// makes of e, or false when a field is wrong (f.Errors says which).
func readEntityForm(r *http.Request, e *fonds.Entity, f *entityForm) (fonds.Entity, bool) {
	field := func(name string) string {
		return strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get(name), "\r\n", "\n"))
	}
	f.Name, f.Role, f.Dates = field("name"), field("role"), field("dates")
	f.Note, f.Authority = field("note"), field("authority")
	f.Errors = map[string]string{}
	for _, c := range []struct{ name, label, value string }{
		{"name", "The name", f.Name},
		{"role", "The role", f.Role},
		{"dates", "The dates", f.Dates},
	} {
		if len(c.value) > maxEntityLine || checkLine(c.label, c.value, maxEntityLine) != nil {
			f.Errors[c.name] = fmt.Sprintf("%s must be one line of at most %d bytes: about %d letters in Latin script, %d in Cyrillic.",
				c.label, maxEntityLine, maxEntityLine, maxEntityLine/2)
		}
	}
	if len(f.Note) > maxEntityNote || !utf8.ValidString(f.Note) {
		f.Errors["note"] = fmt.Sprintf("The note must be text of at most %d bytes.", maxEntityNote)
	}
	d := fonds.Entity{Kind: e.Kind, Key: e.Key, Name: f.Name, Role: f.Role, Dates: f.Dates, Note: f.Note}
	var wrong []string
	for i, line := range strings.Split(f.Authority, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || slices.Contains(d.Authority, line) {
			continue
		}
		if _, err := checkAuthority(line); err != nil {
			wrong = append(wrong, fmt.Sprintf("Line %d, “%s”: %s.", i+1, clip(line, 80), err))
			continue
		}
		d.Authority = append(d.Authority, line)
	}
	switch {
	case len(wrong) > 0:
		f.Errors["authority"] = strings.Join(wrong, " ")
	case len(d.Authority) > maxAuthority:
		f.Errors["authority"] = fmt.Sprintf("At most %d addresses, one a line.", maxAuthority)
	}
	return d, len(f.Errors) == 0
}

func (s *Server) entityEdit(kind fonds.EntityKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := readForm(w, r, maxAdminForm); err != nil {
			return err
		}
		e, err := s.entityEditable(r, kind)
		if err != nil {
			return err
		}
		f := newEntityForm(e)
		d, ok := readEntityForm(r, e, f)
		if !ok {
			return s.renderEntityForm(w, r, http.StatusBadRequest, f)
		}
		v := viewerOf(r)
		save := fonds.Save{Author: v.user.Name, Address: s.clientAddr(r), Message: "Described " + f.Kind + " " + e.Key}
		err = s.writes.DescribeEntity(r.Context(), d, save)
		if errors.Is(err, fonds.ErrInvalid) {
			// The form checks what the store does; should they differ,
			// the editor keeps what they wrote.
			s.log.Warn("a description the form admitted was refused", "kind", kind, "key", e.Key, "err", err)
			f.Error = "The archive cannot keep this description as it is: shorten the fields, or check the addresses."
			return s.renderEntityForm(w, r, http.StatusBadRequest, f)
		} else if err != nil {
			return err
		}
		http.Redirect(w, r, f.URL, http.StatusSeeOther)
		return nil
	}
}

// APIEntity is an entity of the index as the JSON API gives it.
type APIEntity struct {
	Kind      string          `json:"kind"`
	Key       string          `json:"key"`
	Name      string          `json:"name"`
	Names     []APIEntityName `json:"names"`
	Documents int             `json:"documents"`
	Role      string          `json:"role"`
	Dates     string          `json:"dates"`
	Note      string          `json:"note"`
	Authority []string        `json:"authority"`
	URL       string          `json:"url"`
}

// APIEntityName is one spelling of an entity's name, and how many
// documents write it so.
type APIEntityName struct {
	Name      string `json:"name"`
	Documents int    `json:"documents"`
}

func newAPIEntity(e *fonds.Entity, base string) APIEntity {
	a := APIEntity{
		Kind: string(e.Kind), Key: e.Key, Name: e.Name, Names: []APIEntityName{}, Documents: e.Documents,
		Role: e.Role, Dates: e.Dates, Note: e.Note, Authority: []string{},
		URL: base + entityPath(e.Kind, e.Key),
	}
	for _, n := range e.Names {
		a.Names = append(a.Names, APIEntityName{Name: n.Name, Documents: n.Documents})
	}
	for _, l := range authorityLinks(e.Authority) {
		a.Authority = append(a.Authority, l.URL)
	}
	return a
}

// APIEntityList is the answer of GET /api/v1/entities.
type APIEntityList struct {
	Kind     string      `json:"kind"`
	Entities []APIEntity `json:"entities"`
	// Next is the key to give as after for the next page, "" at the end.
	Next string `json:"next"`
}

// apiKind reads the kind of entity of the API: person when not given.
func apiKind(v string) (fonds.EntityKind, error) {
	if v == "" {
		return fonds.EntityPerson, nil
	}
	k := fonds.EntityKind(v)
	if !k.Valid() {
		return "", badRequest("“%s” is not a kind of entity: use person, org, place or term.", clip(v, 40))
	}
	return k, nil
}

func (s *Server) apiEntities(w http.ResponseWriter, r *http.Request) error {
	kind, err := apiKind(r.URL.Query().Get("kind"))
	if err != nil {
		return err
	}
	eq, err := readEntityQuery(r)
	if err != nil {
		return err
	}
	size, err := intParam(r, "per_page", apiPerPage)
	if err != nil {
		return err
	}
	size = min(size, apiMaxPerPage)
	es, err := s.listEntities(r, entityFilter(r, kind, eq, size+1))
	if err != nil {
		return err
	}
	out := APIEntityList{Kind: string(kind), Entities: []APIEntity{}}
	if len(es) > size {
		es = es[:size]
		out.Next = es[len(es)-1].Key
	}
	base := s.base(r)
	for i := range es {
		out.Entities = append(out.Entities, newAPIEntity(&es[i], base))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// APIEntityPage is the answer of GET /api/v1/entities/{kind}/{key}: the
// entity and a page of the documents that mention it, by date.
type APIEntityPage struct {
	Entity    APIEntity            `json:"entity"`
	Documents []APIEntityMentioner `json:"documents"`
	// Next is the id to give as after for the next page, "" at the end.
	Next string `json:"next"`
}

// APIEntityMentioner is a document that mentions an entity: what a list
// gives of it, and how it writes the name, in which passage.
type APIEntityMentioner struct {
	ID         string  `json:"id"`
	Title      string  `json:"title"`
	Date       APIDate `json:"date"`
	Collection string  `json:"collection"`
	URL        string  `json:"url"`
	Written    string  `json:"written"`
	Passage    string  `json:"passage"`
}

func (s *Server) apiEntity(w http.ResponseWriter, r *http.Request) error {
	kind := fonds.EntityKind(r.PathValue("kind"))
	missing := notFound("There is no entity of that kind and key in the documents you may see.")
	if !kind.Valid() {
		return missing
	}
	size, err := intParam(r, "per_page", apiPerPage)
	if err != nil {
		return err
	}
	size = min(size, apiMaxPerPage)
	e, ms, err := s.visibleEntity(r, kind, r.PathValue("key"), r.URL.Query().Get("after"), size)
	if errors.Is(err, fonds.ErrNotFound) {
		return missing
	} else if err != nil {
		return err
	}
	base := s.base(r)
	out := APIEntityPage{Entity: newAPIEntity(e, base), Documents: []APIEntityMentioner{}}
	if len(ms) > size {
		ms = ms[:size]
		out.Next = ms[len(ms)-1].Document.ID
	}
	for _, m := range ms {
		d := m.Document
		out.Documents = append(out.Documents, APIEntityMentioner{
			ID: d.ID, Title: d.Heading(), Collection: d.Collection, URL: base + documentPath(d.ID),
			Date: APIDate{
				Start: d.Date.Start, End: d.Date.End, Precision: string(d.Date.Precision),
				Approximate: d.Date.Approximate, Written: d.Date.Written, Display: d.Date.Display(),
			},
			Written: m.Written, Passage: m.Passage,
		})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
