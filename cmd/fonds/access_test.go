package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/entity"
	"fonds/fondstest"
	"fonds/reindex"
	"fonds/sqlite"
	"fonds/web"
)

// accessBase is the public address of the site the access test builds.
const accessBase = "http://archive.test"

// accessDoc is a document of the access test: what it is, and the word
// only it holds (in its title, summary, text, persons and categories),
// which must reach nobody who may not see it. Its collection, which holds
// it alone, has a word of its own in its title and description, which
// must reach nobody who sees no document in it, but for those who file
// documents (contributors and editors), to whom the editing pages name
// every collection.
type accessDoc struct {
	name string // "draft", "restricted", …; "absent" for one never stored
	word string
	// once is true of a document that was public once: OAI-PMH tells
	// harvesters it is gone (a deleted record), as it must.
	once    bool
	colWord string
	doc     *fonds.Document
}

// accessRole is a person of the access test, with the cookie of a session.
type accessRole struct {
	role   fonds.Role
	cookie string // "" for the anonymous visitor
}

// accessSite is the whole site of an archive, as serve builds it, holding a
// public document and one of each kind of hidden one.
type accessSite struct {
	a        *archive
	site     *web.Server
	follower *reindex.Follower
	public   accessDoc
	hidden   []accessDoc
	roles    []accessRole
	oaiID    string // the OAI-PMH identifier of a document, with %s for its id
}

// newAccessSite builds the site on a new archive, stores the documents and
// the users with their sessions, and indexes the documents as a running
// server would.
func newAccessSite(t *testing.T) *accessSite {
	t.Helper()
	ctx := context.Background()
	a, err := openArchive(t.TempDir(), indexHeld)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	site, err := newSite(a, siteOptions{base: accessBase, logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	s := &accessSite{a: a, site: site, follower: reindex.NewFollower(a.store, a.index, 0)}
	if err := a.store.PutCollection(ctx, fonds.Collection{Slug: "sample", Title: "Sample papers"}); err != nil {
		t.Fatal(err)
	}
	s.public = s.put(t, "public", "publicarium", 1970, fonds.StatusPublished, "")
	s.hidden = []accessDoc{
		s.put(t, "draft", "xandrilux", 1961, fonds.StatusDraft, ""),
		s.put(t, "review", "quorvenal", 1962, fonds.StatusReview, ""),
		s.put(t, "withdrawn", "plimsatter", 1963, fonds.StatusPublished, ""),
		s.put(t, "embargoed", "tembrosial", 1964, fonds.StatusPublished, "2999-01-01"),
		s.put(t, "restricted", "glaucophrane", 1965, fonds.StatusPublished, ""),
		// Public first, restricted later, as an editor restricts.
		s.put(t, "closed", "obsidiary", 1966, fonds.StatusPublished, ""),
		// Work in progress that is restricted: for editors alone, not
		// for contributors, who see the others.
		s.put(t, "restricted-draft", "morvantic", 1967, fonds.StatusDraft, ""),
		s.put(t, "restricted-review", "zelquorine", 1968, fonds.StatusReview, ""),
	}
	// Withdrawn after it was published, as an editor withdraws.
	w := s.hidden[2].doc
	w.Status = fonds.StatusWithdrawn
	if _, err := a.store.SaveDocument(ctx, w, fonds.Save{Address: "cli", Message: "withdrawn"}); err != nil {
		t.Fatal(err)
	}
	r := s.hidden[5].doc
	r.Restricted = true
	if _, err := a.store.SaveDocument(ctx, r, fonds.Save{Address: "cli", Message: "restricted"}); err != nil {
		t.Fatal(err)
	}
	s.hidden[2].once, s.hidden[5].once = true, true
	s.roles = []accessRole{{role: fonds.RoleAnonymous}}
	for _, role := range fonds.Roles {
		name := "the-" + string(role)
		u := &fonds.User{Name: name, Role: role, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2g"}
		if err := a.store.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		token := "token-of-" + name
		sum := sha256.Sum256([]byte(token))
		now := time.Now()
		sess := &fonds.Session{ID: hex.EncodeToString(sum[:]), User: name, CSRF: "csrf-of-" + name, Created: now, Seen: now}
		if err := a.store.PutSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		s.roles = append(s.roles, accessRole{role: role, cookie: "fonds_session=" + token})
	}
	s.step(t, time.Now())
	// The OAI-PMH identifier of the public document tells the form of all.
	_, body := s.get(t, accessRole{}, "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc")
	m := regexp.MustCompile(`<identifier>([^<]*)` + regexp.QuoteMeta(s.public.doc.ID) + `</identifier>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("ListIdentifiers does not list the public document:\n%s", body)
	}
	s.oaiID = m[1] + "%s"
	return s
}

// put stores a document of the kind name holding word, dated in year, with
// a page image, an alias and a collection of its own (the public one's is
// "sample").
func (s *accessSite) put(t *testing.T, name, word string, year int, status fonds.Status, embargo string) accessDoc {
	t.Helper()
	ctx := context.Background()
	d := fondstest.NewDocument(fmt.Sprintf("%d-03-04-%s", year, name), fmt.Sprintf("%d-03-04", year))
	d.Collection = "sample"
	colWord := reverse(word)
	if name != "public" {
		d.Collection = "papers-" + name
		c := fonds.Collection{Slug: d.Collection, Title: "Papers of " + strings.ToUpper(colWord[:1]) + colWord[1:], Description: "The " + colWord + " papers."}
		if err := s.a.store.PutCollection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	d.Title = "Report on " + word
	d.Summary = "A report that names " + word + " on every page."
	d.Witnesses[0].Text = append(d.Witnesses[0].Text, fonds.Block{Kind: fonds.BlockParagraph,
		Spans: []fonds.Span{{Kind: fonds.SpanText, Text: "Only this document says " + word + "."}}})
	if name == "public" {
		d.Number = 1 // document 1 of the sample, which every other cites
	} else {
		d.Witnesses[0].Text = append(d.Witnesses[0].Text, fonds.Block{Kind: fonds.BlockParagraph,
			Spans: []fonds.Span{{Kind: fonds.SpanReference, Target: "sample#d1", Text: "See the public report."}}})
	}
	// Anna's surname is the secret word; Ivan's is a word of its own, so
	// that the address of his index page names the document (he is
	// mentioned by it alone) without holding the word.
	// Andrei Sakharov is named by every document, by the hidden ones with
	// the word: a fuller name than the public one's, which the archive
	// would show him by if it heeded them.
	shared := fonds.Person{Name: "Andrei Sakharov"}
	if name != "public" {
		shared.Name = "Andrei " + strings.ToUpper(word[:1]) + word[1:] + " Sakharov"
	}
	d.Persons = []fonds.Person{shared, {Name: "Anna " + strings.ToUpper(word[:1]) + word[1:]}, {Name: "Ivan " + ownSurname(word)}}
	d.Categories = []string{"9." + word}
	d.Aliases = []string{"/" + name + "-post/"}
	d.Status = status
	d.Embargo = embargo
	d.Restricted = strings.HasPrefix(name, "restricted")
	var img bytes.Buffer
	m := image.NewGray(image.Rect(0, 0, 40, 60))
	for i := range m.Pix {
		m.Pix[i] = uint8(i)
	}
	m.Set(0, 0, color.White)
	if err := png.Encode(&img, m); err != nil {
		t.Fatal(err)
	}
	facs, err := s.a.images.Put(d.ID, 1, &img)
	if err != nil {
		t.Fatal(err)
	}
	d.Pages = []fonds.Page{{N: 1, Label: "one", Facs: facs}}
	if _, err := s.a.store.SaveDocument(ctx, d, fonds.Save{Address: "cli", Message: "made for the access test"}); err != nil {
		t.Fatalf("SaveDocument(%s): %v", d.ID, err)
	}
	return accessDoc{name: name, word: word, colWord: colWord, doc: d}
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// step does what the running server does every second: release the
// documents whose embargo ended by now, and index what changed.
func (s *accessSite) step(t *testing.T, now time.Time) {
	t.Helper()
	if err := followStep(context.Background(), s.a.store, s.follower, now, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("followStep: %v", err)
	}
}

// do answers a request of the role.
func (s *accessSite) do(t *testing.T, r accessRole, method, path string, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, accessBase+path, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, accessBase+path, nil)
	}
	if r.cookie != "" {
		req.Header.Set("Cookie", r.cookie)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.site.ServeHTTP(rec, req)
	return rec
}

func (s *accessSite) get(t *testing.T, r accessRole, path string) (int, string) {
	t.Helper()
	rec := s.do(t, r, http.MethodGet, path, "")
	return rec.Code, rec.Body.String()
}

// leaks returns the words of the hidden documents the role may not see
// that the answer holds, in its body or its headers.
func (s *accessSite) leaks(r accessRole, rec *httptest.ResponseRecorder, now time.Time) []string {
	var all strings.Builder
	all.Write(rec.Body.Bytes())
	for k, vs := range rec.Header() {
		all.WriteString(k + ": " + strings.Join(vs, ", ") + "\n")
	}
	text := strings.ToLower(all.String())
	var out []string
	for _, h := range s.hidden {
		if h.doc.VisibleTo(r.role, now) {
			continue
		}
		if strings.Contains(text, h.word) {
			out = append(out, h.word+" ("+h.name+")")
		}
		if !r.role.CanEdit() && strings.Contains(text, h.colWord) {
			out = append(out, h.colWord+" (the collection of "+h.name+")")
		}
	}
	return out
}

// absent returns a document like d, of the same shape, that was never
// stored: its id, alias and collection have d's length and form.
func absent(d accessDoc) accessDoc {
	doc := *d.doc
	x := strings.Repeat("x", len(d.name))
	doc.ID = strings.TrimSuffix(d.doc.ID, d.name) + x
	doc.Aliases = []string{"/" + x + "-post/"}
	doc.Collection = "papers-" + x
	ivan := d.doc.Persons[len(d.doc.Persons)-1].Name
	doc.Persons = []fonds.Person{{Name: "Ivan Q" + strings.Repeat("x", len(ivan)-len("Ivan Q"))}}
	return accessDoc{name: "absent", doc: &doc}
}

// ownSurname returns a surname like word that is not word: its first
// letter changed.
func ownSurname(word string) string {
	first := "Q"
	if word[0] == 'q' {
		first = "J"
	}
	return first + word[1:]
}

// personKey returns the key of the index page of the person only d names.
func personKey(d accessDoc) string {
	return entity.Key(fonds.EntityPerson, d.doc.Persons[len(d.doc.Persons)-1].Name)
}

// names reports whether the address p names the document d (its id, its
// alias) or its collection: whoever may not see d must get the same answer
// for it as for the address that names a document or collection that was
// never stored.
func names(p string, d accessDoc) bool {
	return strings.Contains(p, d.doc.ID) || strings.Contains(p, d.doc.Aliases[0]) || strings.Contains(p, d.doc.Collection) ||
		strings.Contains(p, "/"+personKey(d))
}

// answerOf describes an answer about the document d for comparison with
// the answer about another: its status, its headers (but its date) and its
// body, with d's id, alias and collection replaced by placeholders.
func answerOf(rec *httptest.ResponseRecorder, d accessDoc) []string {
	mask := strings.NewReplacer(d.doc.ID, "{id}", strings.Trim(d.doc.Aliases[0], "/"), "{alias}", d.doc.Collection, "{slug}", personKey(d), "{key}").Replace
	out := []string{fmt.Sprint("status ", rec.Code)}
	for _, k := range slices.Sorted(maps.Keys(rec.Header())) {
		if k == "Date" || k == "Content-Length" { // the body tells
			continue
		}
		out = append(out, k+": "+mask(strings.Join(rec.Header()[k], ", ")))
	}
	return append(out, took.ReplaceAllString(mask(rec.Body.String()), "took${1}0"))
}

// took matches the time a search took, in its page and its JSON, which
// differs from one answer to the next.
var took = regexp.MustCompile(`(took_ms": |took )[0-9.]+`)

// sameAnswer returns "" if the answers a and b, from answerOf, are the
// same, or else where they differ first.
func sameAnswer(a, b []string) string {
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x == y {
			continue
		}
		// The first difference, with a little before it.
		n := 0
		for n < len(x) && n < len(y) && x[n] == y[n] {
			n++
		}
		from := max(0, n-60)
		return fmt.Sprintf("%q\nwhere one never stored answers\n%q", shorten(x[from:], 160), shorten(y[from:], 160))
	}
	return ""
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// wildcard matches a wildcard of a route pattern: {id}, {path...}, {$}.
var wildcard = regexp.MustCompile(`\{([A-Za-z_]*)(\.\.\.)?\}`)

// accessPaths returns the addresses that exercise a route's pattern (its
// path, without the method) with the values of the document d, and
// whether they are about d alone: those answer 404 to whoever may not see
// it. It fails the test on a pattern it does not know, so that a route
// added later must be added here.
func (s *accessSite) accessPaths(t *testing.T, pattern string, d accessDoc) ([]string, bool) {
	t.Helper()
	id := d.doc.ID
	ident := url.PathEscape(id + "~1")
	// Patterns whose wildcards mean something else, or that take any path.
	switch pattern {
	case "/":
		return []string{d.doc.Aliases[0], "/?p=1"}, true
	case "/api/":
		return []string{"/api/v1/documents/" + id + "/nothing"}, false
	case "/iiif/":
		// The IIIF handler's own routes: a manifest, a canvas's
		// transcription, an image service, its information and an image.
		return []string{
			"/iiif/" + id + "/manifest",
			"/iiif/" + id + "/canvas/1/transcription",
			"/iiif/image/" + ident,
			"/iiif/image/" + ident + "/info.json",
			"/iiif/image/" + ident + "/full/20,/0/default.jpg",
			"/iiif/" + id + "/nothing",
		}, true
	case "/static/":
		return []string{"/static/fonds.css"}, false
	case "/oai":
		oid := url.QueryEscape(fmt.Sprintf(s.oaiID, id))
		return []string{
			"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=" + oid,
			"/oai?verb=GetRecord&metadataPrefix=tei&identifier=" + oid,
			"/oai?verb=ListRecords&metadataPrefix=oai_dc",
			"/oai?verb=ListRecords&metadataPrefix=oai_dc&set=" + d.doc.Collection,
			"/oai?verb=ListIdentifiers&metadataPrefix=oai_dc",
			"/oai?verb=ListSets",
			"/oai?verb=Identify",
		}, false
	case "/sitemaps/{file}":
		return []string{"/sitemaps/1.xml"}, false
	}
	values := map[string]string{
		"id":       id,
		"slug":     d.doc.Collection,
		"year":     fmt.Sprint(d.doc.Date.Year()),
		"month":    fmt.Sprint(d.doc.Date.Month()),
		"day":      strings.TrimLeft(d.doc.Date.Start[8:10], "0"),
		"kind":     string(fonds.EntityPerson),
		"key":      personKey(d),
		"n":        "1",
		"name":     "the-reader",
		"ident":    ident,
		"region":   "full",
		"size":     "20,",
		"rotation": "0",
		"file":     "default.jpg",
	}
	single := false
	var unknown []string
	p := wildcard.ReplaceAllStringFunc(pattern, func(w string) string {
		if w == "{$}" {
			return ""
		}
		m := wildcard.FindStringSubmatch(w)
		v, ok := values[m[1]]
		if !ok {
			unknown = append(unknown, w)
			return w
		}
		if m[1] == "id" || m[1] == "ident" || m[1] == "key" && !strings.HasSuffix(pattern, "/edit") {
			single = true
		}
		return v
	})
	if len(unknown) > 0 {
		t.Fatalf("the route %q has wildcards %v that the access test does not know: give them values in accessPaths", pattern, unknown)
	}
	paths := []string{p}
	// The lists and searches that take a collection.
	switch pattern {
	case "/api/v1/documents", "/search", "/api/v1/search":
		paths = append(paths, p+"?collection="+url.QueryEscape(d.doc.Collection))
	}
	// The lists paged by a document's id.
	switch pattern {
	case "/browse/{year}/{month}/{day}", "/persons/{key}":
		paths = append(paths, p+"?after="+url.QueryEscape(id))
	}
	// A document and its formats, at an old version too.
	if rest, ok := strings.CutPrefix(pattern, "/documents/{id}"); ok && !strings.Contains(rest, "/") {
		paths = append(paths, p+"?rev=1")
	}
	return paths, single
}

// TestAccessEveryRoute walks every route the site registers, as read from
// the site itself, with the values of each hidden document (a draft, a
// document in review, a withdrawn, an embargoed and a restricted one, a
// restricted draft and a restricted document in review) as
// the anonymous visitor, a reader, a contributor, an editor and an admin,
// and checks that the word only that document holds reaches nobody who may
// not see it, that a route about the document alone answers them 404,
// never 403, that every address naming the document or its collection
// answers them exactly as the same address naming a document or collection
// never stored does (status, headers, body), and that those who may see it
// find it where it belongs.
func TestAccessEveryRoute(t *testing.T) {
	s := newAccessSite(t)
	now := time.Now()
	routes := s.site.Routes()
	t.Logf("%d routes", len(routes))

	before := s.snapshot(t)
	requests, compared := 0, 0
	for _, route := range routes {
		method, pattern, ok := strings.Cut(route, " ")
		if !ok {
			method, pattern = "", route
		}
		for _, d := range append([]accessDoc{s.public}, s.hidden...) {
			paths, single := s.accessPaths(t, pattern, d)
			none := absent(d)
			nonePaths, _ := s.accessPaths(t, pattern, none)
			// same checks that whoever may not see d is answered at
			// paths[i] as at the address of a document never stored.
			same := func(r accessRole, method string, i int, rec *httptest.ResponseRecorder, send func(p string) *httptest.ResponseRecorder) {
				t.Helper()
				if d.doc.VisibleTo(r.role, now) || !names(paths[i], d) || d.once && pattern == "/oai" {
					return
				}
				requests++
				compared++
				if diff := sameAnswer(answerOf(rec, d), answerOf(send(nonePaths[i]), none)); diff != "" {
					t.Errorf("%s: %s %s as %q, a document they may not see, answers\n%s", route, method, paths[i], r.role, diff)
				}
			}
			switch method {
			case "", http.MethodGet:
				for _, r := range s.roles {
					may := d.doc.VisibleTo(r.role, now)
					for i, p := range paths {
						rec := s.do(t, r, http.MethodGet, p, "")
						requests++
						same(r, http.MethodGet, i, rec, func(p string) *httptest.ResponseRecorder {
							return s.do(t, r, http.MethodGet, p, "")
						})
						if l := s.leaks(r, rec, now); len(l) > 0 {
							t.Errorf("%s: GET %s as %q (%d) shows %v", route, p, r.role, rec.Code, l)
						}
						if rec.Code == http.StatusForbidden || rec.Code >= 500 {
							t.Errorf("%s: GET %s as %q = %d, want no 403 and no failure", route, p, r.role, rec.Code)
						}
						if single && !may && rec.Code != http.StatusNotFound {
							t.Errorf("%s: GET %s as %q = %d, want 404 for a document they may not see", route, p, r.role, rec.Code)
						}
					}
				}
			default:
				// As the anonymous visitor, and as a reader without a valid
				// CSRF token and with it (but for signing out), and as a
				// contributor with theirs at the address of a document or
				// collection they may not see: nothing changes, nothing
				// leaks, and they are told nothing of a document they may
				// not see, not even that it exists.
				reader, contributor := s.roles[1], s.roles[2]
				for _, c := range []struct {
					r    accessRole
					csrf string
				}{{s.roles[0], ""}, {reader, "not-the-token"}, {reader, "csrf-of-the-reader"}, {contributor, "csrf-of-the-contributor"}} {
					if c.csrf == "csrf-of-the-reader" && pattern == "/logout" {
						continue
					}
					may := d.doc.VisibleTo(c.r.role, now)
					for i, p := range paths {
						if c.r.role == fonds.RoleContributor && (may || !names(p, d)) {
							continue // what a contributor may change
						}
						send := func(p string) *httptest.ResponseRecorder {
							form := url.Values{"csrf": {c.csrf}, "status": {"published"}, "restricted": {""},
								"text": {"Changed."}, "title": {"Changed"}, "role": {"admin"}, "name": {"the-reader"}}
							return s.do(t, c.r, method, p, form.Encode(), "Content-Type", "application/x-www-form-urlencoded",
								"If-Match", `"1"`, "X-CSRF-Token", c.csrf)
						}
						rec := send(p)
						requests++
						if l := s.leaks(c.r, rec, now); len(l) > 0 {
							t.Errorf("%s: %s %s as %q (%d) shows %v", route, method, p, c.r.role, rec.Code, l)
						}
						if rec.Code >= 200 && rec.Code < 300 && !c.r.role.CanPublish() && (c.r.role == fonds.RoleReader || !may) {
							t.Errorf("%s: %s %s as %q = %d, want a refusal", route, method, p, c.r.role, rec.Code)
						}
						if c.csrf != "" && c.csrf != "not-the-token" && single && !may && rec.Code != http.StatusNotFound {
							t.Errorf("%s: %s %s as %q = %d, want 404 for a document they may not see", route, method, p, c.r.role, rec.Code)
						}
						same(c.r, method, i, rec, send)
					}
				}
			}
		}
	}
	if after := s.snapshot(t); after != before {
		t.Errorf("requests that may change nothing changed the archive:\nbefore %s\nafter  %s", before, after)
	}
	t.Logf("%d requests, %d of them to compare an answer about a hidden document or collection with one about none", requests, compared)
	if compared == 0 {
		t.Errorf("no answer about a hidden document was compared with one about a document never stored")
	}

	// Where each document belongs: its page, its API record, its text.
	for _, d := range append([]accessDoc{s.public}, s.hidden...) {
		for _, r := range s.roles {
			if !d.doc.VisibleTo(r.role, now) {
				continue
			}
			for _, p := range []string{"/documents/" + d.doc.ID, "/api/v1/documents/" + d.doc.ID, "/documents/" + d.doc.ID + ".txt"} {
				code, body := s.get(t, r, p)
				if code != http.StatusOK || !strings.Contains(strings.ToLower(body), d.word) {
					t.Errorf("GET %s as %q = %d, want 200 with %q", p, r.role, code, d.word)
				}
			}
		}
	}

	// Searches for each word: found by those who may find it in lists
	// (released documents: the public one, the restricted one by a reader
	// or an editor), by nobody else.
	for _, d := range append([]accessDoc{s.public}, s.hidden...) {
		for _, r := range s.roles {
			want := d.doc.Released(now) && d.doc.VisibleTo(r.role, now)
			ids := s.searchIDs(t, r, d.word)
			if got := slices.Contains(ids, d.doc.ID); got != want {
				t.Errorf("/api/v1/search?q=%s as %q finds %v, want the document found: %t", d.word, r.role, ids, want)
			}
			code, body := s.get(t, r, "/search?q="+d.word)
			if got := strings.Contains(body, "/documents/"+d.doc.ID); code != http.StatusOK || got != want {
				t.Errorf("/search?q=%s as %q = %d, links to the document: %t, want %t", d.word, r.role, code, got, want)
			}
			if !want && strings.Contains(strings.ToLower(body), "<mark>"+d.word) {
				t.Errorf("/search?q=%s as %q shows a snippet of the document", d.word, r.role)
			}
		}
	}

	// The home page hides a collection in which nobody sees a document
	// (today's "drafts (0 documents)").
	_, home := s.get(t, s.roles[0], "/")
	if strings.Contains(home, "(0 documents)") {
		t.Errorf("the home page lists an empty collection:\n%s", home)
	}
}

// searchIDs returns the ids of what /api/v1/search finds for q as the role.
func (s *accessSite) searchIDs(t *testing.T, r accessRole, q string) []string {
	t.Helper()
	code, body := s.get(t, r, "/api/v1/search?q="+url.QueryEscape(q))
	if code != http.StatusOK {
		t.Fatalf("/api/v1/search?q=%s as %q = %d %s", q, r.role, code, body)
	}
	var res struct{ Hits []struct{ ID string } }
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// snapshot describes what a request might change: the documents, the
// change feed, the users, the collections and the site's settings.
func (s *accessSite) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	stamps, err := s.a.store.Stamps(ctx, fonds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	seq, err := s.a.store.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	users, err := s.a.store.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := s.a.store.Collections(ctx, fonds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	site, err := fonds.ReadSite(ctx, s.a.store)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "change %d;", seq)
	for _, id := range slices.Sorted(maps.Keys(stamps)) {
		fmt.Fprintf(&b, " %s %s;", id, stamps[id].Hash[:8])
	}
	for _, u := range users {
		fmt.Fprintf(&b, " user %s %s %t %s;", u.Name, u.Role, u.Disabled, u.PasswordHash)
	}
	for _, c := range cols {
		fmt.Fprintf(&b, " collection %s %q %q;", c.Slug, c.Title, c.Description)
	}
	fmt.Fprintf(&b, " site %+v", site)
	return b.String()
}

// TestAccessEmbargoEnds checks that a document under an embargo that ends
// two seconds from now appears, once it has, in the pages, the search and
// OAI-PMH (with the end of the embargo as its datestamp), through the steps
// the running server takes every second, without a restart; and that the
// page cache does not go on serving what it kept before.
func TestAccessEmbargoEnds(t *testing.T) {
	s := newAccessSite(t)
	until := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second).UTC()
	soon := s.put(t, "soon", "sempiternal", 1980, fonds.StatusPublished, until.Format(time.RFC3339))
	s.step(t, time.Now())
	anon := s.roles[0]
	oai := "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc"

	// Before: hidden everywhere, and the pages that list documents kept
	// in the page cache.
	listing := []string{"/", "/browse/1980", "/collections/" + soon.doc.Collection, "/api/v1/documents"}
	for _, p := range append(listing, "/documents/"+soon.doc.ID, oai, "/feed.atom", "/sitemaps/1.xml") {
		rec := s.do(t, anon, http.MethodGet, p, "")
		if strings.Contains(rec.Body.String(), soon.word) || strings.Contains(rec.Body.String(), "/documents/"+soon.doc.ID) {
			t.Errorf("before the embargo ends, GET %s shows the document", p)
		}
	}
	if rec := s.do(t, anon, http.MethodGet, "/", ""); rec.Header().Get("ETag") == "" {
		t.Errorf("the home page is not answered from the page cache (no ETag): the test of its refresh tests nothing")
	}
	if ids := s.searchIDs(t, anon, soon.word); len(ids) != 0 {
		t.Errorf("before the embargo ends, a search finds %v", ids)
	}

	time.Sleep(time.Until(until))
	seq, err := s.a.store.LastChange(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Another server on the same archive releases it first: this one's
	// release finds nothing left to do, and its follower indexes it all
	// the same.
	other, err := sqlite.Open(filepath.Join(s.a.dir, "fonds.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if n, err := other.Release(context.Background(), time.Now()); n != 1 || err != nil {
		t.Errorf("Release by another server = %d, %v; want 1 document released", n, err)
	}
	s.step(t, time.Now())
	after, err := s.a.store.LastChange(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if after == seq {
		t.Errorf("Release recorded no change (LastChange %d before and after): the page cache's stamp cannot see the embargo end", seq)
	}
	// The page cache trusts its stamp for a second; the server's clock
	// moves on past it as a reader's next visit would.
	time.Sleep(time.Second)

	for _, p := range append(listing, "/documents/"+soon.doc.ID, "/documents/"+soon.doc.ID+".txt", "/feed.atom", "/sitemaps/1.xml") {
		code, body := s.get(t, anon, p)
		if code != http.StatusOK || !strings.Contains(body, soon.doc.ID) {
			t.Errorf("after the embargo ended, GET %s = %d without the document", p, code)
		}
	}
	if ids := s.searchIDs(t, anon, soon.word); !slices.Equal(ids, []string{soon.doc.ID}) {
		t.Errorf("after the embargo ended, a search finds %v, want [%s]", ids, soon.doc.ID)
	}
	_, body := s.get(t, anon, oai)
	want := regexp.MustCompile(`<identifier>` + regexp.QuoteMeta(fmt.Sprintf(s.oaiID, soon.doc.ID)) + `</identifier>\s*<datestamp>([^<]*)</datestamp>`)
	m := want.FindStringSubmatch(body)
	switch {
	case m == nil:
		t.Errorf("after the embargo ended, ListIdentifiers does not list the document:\n%s", body)
	case m[1] != until.Format(time.RFC3339):
		t.Errorf("after the embargo ended, the document's datestamp is %s, want the embargo's end %s", m[1], until.Format(time.RFC3339))
	}
}

// TestAccessOldVersions checks that a version of a public document that was
// never public itself (its first draft) is shown to editors and to those
// who see drafts (contributors), and to nobody else, on the page and in
// every format.
func TestAccessOldVersions(t *testing.T) {
	s := newAccessSite(t)
	ctx := context.Background()
	d := fondstest.NewDocument("1990-01-02-later", "1990-01-02")
	d.Collection = "sample"
	d.Title = "A first draft on vorpalite"
	d.Status = fonds.StatusDraft
	if _, err := s.a.store.SaveDocument(ctx, d, fonds.Save{Address: "cli", Message: "draft"}); err != nil {
		t.Fatal(err)
	}
	draft := *d
	d.Title = "The published report"
	d.Status = fonds.StatusPublished
	if _, err := s.a.store.SaveDocument(ctx, d, fonds.Save{Address: "cli", Message: "published"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/documents/" + d.ID, "/documents/" + d.ID + ".txt", "/documents/" + d.ID + ".tei.xml", "/documents/" + d.ID + ".bib"} {
		for _, r := range s.roles {
			code, body := s.get(t, r, p+"?rev=1")
			if r.role.CanPublish() || draft.VisibleTo(r.role, time.Now()) {
				if code != http.StatusOK || !strings.Contains(body, "vorpalite") {
					t.Errorf("GET %s?rev=1 as %q = %d, want 200 with the draft's title", p, r.role, code)
				}
				continue
			}
			if code != http.StatusNotFound || strings.Contains(body, "vorpalite") {
				t.Errorf("GET %s?rev=1 as %q = %d, want 404 without the draft's title", p, r.role, code)
			}
			if code, _ := s.get(t, r, p+"?rev=2"); code != http.StatusOK {
				t.Errorf("GET %s?rev=2 as %q = %d, want 200", p, r.role, code)
			}
		}
	}
}

// TestAccessSharedName checks the pages of a person whom public and hidden
// documents name in different spellings: each role sees only the
// spellings, count and name of the documents it may see.
func TestAccessSharedName(t *testing.T) {
	s := newAccessSite(t)
	now := time.Now()
	key := entity.Key(fonds.EntityPerson, "Andrei Sakharov")
	for _, r := range s.roles {
		seen := 1
		for _, h := range s.hidden {
			if h.doc.VisibleTo(r.role, now) && h.doc.Released(now) {
				seen++
			}
		}
		for _, path := range []string{"/persons", "/persons?q=andrei", "/persons/" + key, "/api/v1/entities?kind=person",
			"/api/v1/entities/person/" + key} {
			rec := s.do(t, r, http.MethodGet, path, "")
			if rec.Code != http.StatusOK {
				t.Errorf("%s: GET %s = %d, want 200", r.role, path, rec.Code)
				continue
			}
			if l := s.leaks(r, rec, now); len(l) > 0 {
				t.Errorf("%s: GET %s shows %v", r.role, path, l)
			}
		}
		_, body := s.get(t, r, "/api/v1/entities/person/"+key)
		var got struct{ Entity struct{ Documents int } }
		if err := json.Unmarshal([]byte(body), &got); err != nil || got.Entity.Documents != seen {
			t.Errorf("%s: the API's Sakharov = %s, %v, want %d documents", r.role, shorten(body, 400), err, seen)
		}
	}
}

// TestAccessCitedBy checks that the public document's "Cited by", a list
// like the others, names the hidden documents that cite it to those who
// may find them in lists alone: released ones they may see.
func TestAccessCitedBy(t *testing.T) {
	s := newAccessSite(t)
	now := time.Now()
	for _, r := range s.roles {
		_, body := s.get(t, r, "/documents/"+s.public.doc.ID)
		for _, h := range s.hidden {
			want := h.doc.Released(now) && h.doc.VisibleTo(r.role, now)
			if got := strings.Contains(body, `href="/documents/`+h.doc.ID+`"`); got != want {
				t.Errorf("the public document as %q links to %s (%s) under Cited by: %t, want %t", r.role, h.doc.ID, h.name, got, want)
			}
		}
	}
}
