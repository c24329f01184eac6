package web

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fonds"
	entitykey "fonds/entity"
)

// The documents the tests of the index add to the fixture.
const (
	mentionsRussianID    = "1976-11-15-test-ru" // published, in Russian only
	mentionsRestrictedID = "1976-12-01-test-restricted"
	mentionsDraftID      = "1976-12-02-test-draft"
)

// newEntityFixture is the fixture with three documents more: a Russian one
// naming Sakharov and Bonner in case forms ("Сахарова", "Боннэр"), a
// restricted one naming Voronkov, and a draft naming Zamyatkin, whom no
// other document names.
func newEntityFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	person := func(s string) fonds.Span { return fonds.Span{Kind: fonds.SpanPerson, Text: s} }
	text := func(s string) fonds.Span { return fonds.Span{Kind: fonds.SpanText, Text: s} }
	doc := func(id, date, title, lang string, status fonds.Status, spans ...fonds.Span) *fonds.Document {
		role := fonds.RoleOriginal
		if lang == "en" {
			role = fonds.RoleTranslation
		}
		return &fonds.Document{
			ID: id, Collection: testSlug, Status: status, Title: title,
			Date:      fonds.Date{Start: date, End: date, Precision: fonds.PrecisionDay},
			Languages: []string{lang},
			Witnesses: []fonds.Witness{{Language: lang, Role: role, Text: fonds.Text{{Kind: fonds.BlockParagraph, Spans: spans}}}},
		}
	}
	f.put(doc(mentionsRussianID, "1976-11-15", "Записка об академике", "ru", fonds.StatusPublished,
		text("О поведении академика "), person("Сахарова"), text(" и его жены "), person("Боннэр"), text(" за последний месяц.")))
	r := doc(mentionsRestrictedID, "1976-12-01", "A closed report", "en", fonds.StatusPublished,
		text("The informant "), person("Voronkov"), text(" reports on "), person("Sakharov"), text("."))
	r.Restricted = true
	f.put(r)
	f.put(doc(mentionsDraftID, "1976-12-02", "A draft report", "en", fonds.StatusDraft,
		text("Not yet: "), person("Zamyatkin"), text(" writes.")))
	return f
}

// personKey returns the key of the person named.
func personKey(name string) string { return entitykey.Key(fonds.EntityPerson, name) }

// signInAs makes a user of the role with a session in the fixture's store.
func (f *fixture) signInAs(name string, role fonds.Role) *client {
	f.t.Helper()
	ctx := context.Background()
	if err := f.store.PutUser(ctx, &fonds.User{Name: name, Role: role, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"}); err != nil {
		f.t.Fatal(err)
	}
	c := &client{name: name, token: newToken(), csrf: newToken()}
	now := time.Now()
	if err := f.store.PutSession(ctx, &fonds.Session{ID: sessionID(c.token), User: name, CSRF: c.csrf, Created: now, Seen: now}); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// send answers a request of the client (nil: anonymous); a form carries
// the client's CSRF token unless it has one.
func (f *fixture) send(c *client, method, path string, form url.Values) *httptest.ResponseRecorder {
	f.t.Helper()
	var r *http.Request
	if form != nil {
		form = maps.Clone(form)
		if c != nil && !form.Has("csrf") {
			form.Set("csrf", c.csrf)
		}
		r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	if c != nil {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.token})
	}
	w := httptest.NewRecorder()
	f.server.ServeHTTP(w, r)
	return w
}

// rowNames returns the names that head the rows of a list of entities, in
// order.
func rowNames(body string) []string {
	var out []string
	for _, m := range rowName.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

var rowName = regexp.MustCompile(`<li><a href="/[a-z]+/[a-z0-9-]+"><span class="doc-heading">([^<]*)</span>`)

func TestEntityList(t *testing.T) {
	f := newEntityFixture(t)
	reader := f.signInAs("rita", fonds.RoleReader)
	sakharov := "/persons/" + personKey("Sakharov")
	tests := []struct {
		name      string
		c         *client
		path      string
		status    int
		want, not []string
	}{
		{"all", nil, "/persons", 200,
			[]string{"<h1>People</h1>", `href="` + sakharov + `"`, "Andrei Sakharov", `href="/organizations"`, `href="/places"`, `href="/terms"`,
				`<a href="/persons">People</a>`, "Сахарова", "Андропова Ю. В.", `href="/persons?order=ru"`},
			[]string{"Zamyatkin", "Voronkov"}},
		{"a reader sees the restricted", reader, "/persons", 200, []string{"Voronkov", "Andrei Sakharov"}, []string{"Zamyatkin"}},

		{"latin prefix", nil, "/persons?q=sak", 200, []string{`href="` + sakharov + `"`}, []string{"Andropov", "Bonner"}},
		{"cyrillic prefix", nil, "/persons?q=%D1%81%D0%B0%D1%85", 200, []string{`href="` + sakharov + `"`, `value="сах"`}, []string{"Andropov", "Bonner"}},
		{"capitals", nil, "/persons?q=SAK", 200, []string{`href="` + sakharov + `"`}, nil},
		{"a name only a draft gives", nil, "/persons?q=zam", 200, []string{"No name begins with “zam”."}, []string{"Zamyatkin"}},
		{"another kind", nil, "/places", 200, []string{"<h1>Places</h1>", "Moscow", `<span aria-current="page">Places</span>`}, nil},
		{"bad order", nil, "/persons?order=fr", 400, []string{"is not an order of this list"}, nil},
		{"bad after", nil, "/persons?after=%3Cb%3E", 400, []string{"follow the link to the next page"}, []string{"<b>"}},
		{"long filter", nil, "/persons?q=" + strings.Repeat("a", 101), 400, []string{"at most 100 characters"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.send(tt.c, http.MethodGet, tt.path, nil)
			body := w.Body.String()
			if w.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%s", tt.path, w.Code, tt.status, clip(body, 3000))
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s lacks %q", tt.path, s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(body, s) {
					t.Errorf("GET %s has %q", tt.path, s)
				}
			}
			if w.Code == 200 {
				checkHeadings(t, tt.path, body)
			}
		})
	}
}

// TestEntityOrder checks the two orders of a list: the English, by the
// Latin name, and the Russian, Cyrillic names first in the Russian
// alphabet, each row then headed by its Cyrillic spelling.
func TestEntityOrder(t *testing.T) {
	f := newEntityFixture(t)
	en := rowNames(f.get("/persons").Body.String())
	ru := rowNames(f.get("/persons?order=ru").Body.String())
	if len(en) < 10 || len(ru) != len(en) {
		t.Fatalf("the English order lists %d people, the Russian %d:\n%q\n%q", len(en), len(ru), en, ru)
	}
	for _, n := range en {
		if cyrillic(n) {
			t.Errorf("the English order heads a row with %q", n)
		}
	}
	if !slices.IsSortedFunc(en, func(a, b string) int { return strings.Compare(surnameOf(a), surnameOf(b)) }) {
		t.Errorf("the English order is not by surname: %q", en)
	}
	// Bonner, Andropov, Rudenko and Sakharov have Cyrillic spellings: in
	// the Russian order, А, Б, Р, С.
	var cyr []string
	for i, n := range ru {
		if !cyrillic(n) {
			continue
		}
		if i != len(cyr) {
			t.Errorf("the Russian order lists %q after a Latin name: %q", n, ru)
		}
		cyr = append(cyr, surnameOf(n))
	}
	// The lemma or a case form of each: Андропова Ю. В., Сахарова.
	want := []string{"андропов", "боннэр", "руденко", "сахаров"}
	if len(cyr) < len(want) || !slices.IsSorted(cyr) {
		t.Errorf("the Russian order lists first %q, want at least %q, in order", cyr, want)
	}
	for _, w := range want {
		if !slices.ContainsFunc(cyr, func(n string) bool { return strings.HasPrefix(n, w) }) {
			t.Errorf("the Russian order does not head a row with %q: %q", w, cyr)
		}
	}
}

// surnameOf returns the word of a person's name by which the tests expect
// the lists ordered: the one package entity's Surname finds.
func surnameOf(name string) string { return strings.ToLower(entitykey.Surname(name)) }

// TestEntityPaging reads the list of people a page at a time, through the
// API's short pages and the links of the site's, and finds every person
// once.
func TestEntityPaging(t *testing.T) {
	f := newEntityFixture(t)
	var all APIEntityList
	getJSON(t, f, "/api/v1/entities?kind=person&per_page=100", &all)
	if all.Next != "" || len(all.Entities) < 10 {
		t.Fatalf("the whole list has %d people and a next page %q", len(all.Entities), all.Next)
	}
	for _, order := range []string{"en", "ru"} {
		var keys []string
		after := ""
		for range 100 {
			var page APIEntityList
			getJSON(t, f, "/api/v1/entities?kind=person&per_page=3&order="+order+"&after="+after, &page)
			for _, e := range page.Entities {
				keys = append(keys, e.Key)
			}
			if page.Next == "" {
				break
			}
			if len(page.Entities) != 3 {
				t.Fatalf("a page of %d people has a next page", len(page.Entities))
			}
			after = page.Next
		}
		var whole APIEntityList
		getJSON(t, f, "/api/v1/entities?kind=person&per_page=100&order="+order, &whole)
		var want []string
		for _, e := range whole.Entities {
			want = append(want, e.Key)
		}
		if !slices.Equal(keys, want) {
			t.Errorf("order %s: page by page %q, want %q", order, keys, want)
		}
	}
	// The site's pages link to the next and back to the first.
	body := f.get("/persons?after=" + all.Entities[len(all.Entities)-2].Key).Body.String()
	if names := rowNames(body); len(names) != 1 || names[0] != all.Entities[len(all.Entities)-1].Name {
		t.Errorf("the page after the last but one lists %q, want [%s]", names, all.Entities[len(all.Entities)-1].Name)
	}
	if !strings.Contains(body, `<a href="/persons">← First page</a>`) {
		t.Errorf("a page after the first does not link to the first")
	}
}

func getJSON(t *testing.T, f *fixture, path string, v any) {
	t.Helper()
	w := f.get(path)
	if w.Code != 200 {
		t.Fatalf("GET %s = %d\n%s", path, w.Code, w.Body.String())
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// TestEntityPage checks the page of a person named in English and Russian
// documents: every spelling, and every document the viewer may see by date
// with its collection and passage.
func TestEntityPage(t *testing.T) {
	f := newEntityFixture(t)
	path := "/persons/" + personKey("Sakharov")
	w := f.get(path)
	body := w.Body.String()
	if w.Code != 200 {
		t.Fatalf("GET %s = %d\n%s", path, w.Code, body)
	}
	checkHeadings(t, path, body)
	for _, s := range []string{
		"<h1>Andrei Sakharov</h1>", "Andrei SAKHAROV", "Сахарова", `href="/persons">People</a>`,
		`href="/documents/` + mentionsRussianID + `"`, "Записка об академике", "Test collection",
		"О поведении академика Сахарова и его жены Боннэр за последний месяц.",
		`<link rel="canonical" href="` + testBaseURL + path + `">`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("GET %s lacks %q", path, s)
		}
	}
	if strings.Contains(body, mentionsRestrictedID) || strings.Contains(body, "Describe this person") {
		t.Errorf("GET %s shows the public a restricted document or the editors' link", path)
	}
	var at []int
	for _, id := range []string{"1975-06-27-1702-a-ov", mentionsRussianID, "1980-01-22-pb-177-x"} {
		at = append(at, strings.Index(body, `href="/documents/`+id+`"`))
	}
	if slices.Contains(at, -1) || !slices.IsSorted(at) {
		t.Errorf("GET %s lists the documents at %v, want all in order of date", path, at)
	}
	ld := regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(body)
	if ld == nil {
		t.Fatalf("GET %s has no JSON-LD", path)
	}
	var desc struct {
		Type string   `json:"@type"`
		Name string   `json:"name"`
		Alt  []string `json:"alternateName"`
	}
	if err := json.Unmarshal([]byte(ld[1]), &desc); err != nil {
		t.Fatalf("the JSON-LD of %s: %v\n%s", path, err, ld[1])
	}
	if desc.Type != "Person" || desc.Name != "Andrei Sakharov" || !slices.Contains(desc.Alt, "Сахарова") {
		t.Errorf("the JSON-LD of %s = %+v", path, desc)
	}

	// A reader sees the restricted document too.
	reader := f.signInAs("rita", fonds.RoleReader)
	if body := f.send(reader, http.MethodGet, path, nil).Body.String(); !strings.Contains(body, `href="/documents/`+mentionsRestrictedID+`"`) {
		t.Errorf("GET %s as a reader does not list the restricted document", path)
	}

	// The documents a page at a time, through the API, as all at once.
	var whole APIEntityPage
	getJSON(t, f, "/api/v1/entities/person/"+personKey("Sakharov")+"?per_page=100", &whole)
	var want []string
	for _, d := range whole.Documents {
		want = append(want, d.ID)
	}
	var ids []string
	after := ""
	for range 10 {
		var page APIEntityPage
		getJSON(t, f, "/api/v1/entities/person/"+personKey("Sakharov")+"?per_page=1&after="+after, &page)
		for _, d := range page.Documents {
			ids = append(ids, d.ID)
		}
		if after = page.Next; after == "" {
			break
		}
	}
	if len(want) < 3 || !slices.Equal(ids, want) {
		t.Errorf("the documents of Sakharov page by page are %q, all at once %q", ids, want)
	}
}

// TestEntityHiddenLikeAbsent checks that a person only a draft names, and
// one only a restricted document names, are answered to those who may not
// see those documents as a person nobody names is: the same status and
// the same page, on the site and in the API, and in no list.
func TestEntityHiddenLikeAbsent(t *testing.T) {
	f := newEntityFixture(t)
	contributor := f.signInAs("carl", fonds.RoleContributor)
	reader := f.signInAs("rita", fonds.RoleReader)
	editor := f.signInAs("edna", fonds.RoleEditor)
	absent := "nobodyatall"
	for _, tt := range []struct {
		who    string
		c      *client
		key    string
		hidden bool
	}{
		{"anonymous", nil, personKey("Zamyatkin"), true},
		{"anonymous", nil, personKey("Voronkov"), true},
		{"contributor", contributor, personKey("Zamyatkin"), true},
		{"contributor", contributor, personKey("Voronkov"), true},
		{"reader", reader, personKey("Zamyatkin"), true},
		{"reader", reader, personKey("Voronkov"), false},
		// Lists hold released documents alone, for editors too.
		{"editor", editor, personKey("Zamyatkin"), true},
	} {
		for _, prefix := range []string{"/persons/", "/api/v1/entities/person/"} {
			got := f.send(tt.c, http.MethodGet, prefix+tt.key, nil)
			if !tt.hidden {
				if got.Code != 200 {
					t.Errorf("GET %s%s as %s = %d, want 200", prefix, tt.key, tt.who, got.Code)
				}
				continue
			}
			none := f.send(tt.c, http.MethodGet, prefix+absent, nil)
			a := strings.ReplaceAll(got.Body.String(), tt.key, "{key}")
			b := strings.ReplaceAll(none.Body.String(), absent, "{key}")
			if got.Code != http.StatusNotFound || none.Code != http.StatusNotFound || a != b {
				t.Errorf("GET %s%s as %s = %d, and for nobody %d; the bodies:\n%s\n%s", prefix, tt.key, tt.who, got.Code, none.Code, a, b)
			}
			if strings.Contains(got.Body.String(), "Zamyatkin") || strings.Contains(got.Body.String(), "Voronkov") {
				t.Errorf("GET %s%s as %s names the person", prefix, tt.key, tt.who)
			}
		}
	}
	// Paging from a document the viewer may not see is paging from none.
	path := "/persons/" + personKey("Sakharov") + "?after=" + mentionsRestrictedID
	if w := f.get(path); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "1980-01-22") {
		t.Errorf("GET %s = %d, want 404 without the documents after it", path, w.Code)
	}
	// So is continuing a list after a person the viewer may not see.
	for _, prefix := range []string{"/persons?after=", "/api/v1/entities?kind=person&after="} {
		got, none := f.get(prefix+personKey("Zamyatkin")), f.get(prefix+absent)
		a := strings.ReplaceAll(got.Body.String(), personKey("Zamyatkin"), "{key}")
		b := strings.ReplaceAll(none.Body.String(), absent, "{key}")
		if got.Code != http.StatusNotFound || none.Code != http.StatusNotFound || a != b {
			t.Errorf("GET %s after a hidden person = %d, after nobody %d; the bodies:\n%s\n%s", prefix, got.Code, none.Code, a, b)
		}
	}
	var list APIEntityList
	getJSON(t, f, "/api/v1/entities?kind=person&q=zam", &list)
	if len(list.Entities) != 0 {
		t.Errorf("the API lists %v for q=zam", list.Entities)
	}
}

// TestEntityEdit checks the form on which editors describe a person: a
// contributor is refused, a wrong address is said next to its field and
// nothing is kept, a good description is shown on the page, in its JSON-LD
// and in the API, at once to the public too.
func TestEntityEdit(t *testing.T) {
	f := newEntityFixture(t)
	editor := f.signInAs("edna", fonds.RoleEditor)
	contributor := f.signInAs("carl", fonds.RoleContributor)
	key := personKey("Sakharov")
	page, edit := "/persons/"+key, "/persons/"+key+"/edit"
	if w := f.send(nil, http.MethodGet, edit, nil); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
		t.Errorf("GET %s signed out = %d %q, want a redirect to sign in", edit, w.Code, w.Header().Get("Location"))
	}
	good := url.Values{"name": {"Andrei Sakharov"}, "role": {"Soviet physicist"}, "dates": {"1921–1989"},
		"note": {"Nobel Peace Prize, 1975."}, "authority": {"https://www.wikidata.org/wiki/Q160556\r\n\r\nhttps://viaf.org/viaf/95199870\r\n"}}
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		var form url.Values
		if m == http.MethodPost {
			form = good
		}
		if w := f.send(contributor, m, edit, form); w.Code != http.StatusNotFound {
			t.Errorf("%s %s as a contributor = %d, want 404", m, edit, w.Code)
		}
	}
	w := f.send(editor, http.MethodGet, edit, nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `name="csrf" value="`+editor.csrf+`"`) || !strings.Contains(w.Body.String(), `value="Andrei Sakharov"`) {
		t.Fatalf("GET %s as an editor = %d\n%s", edit, w.Code, w.Body.String())
	}
	if body := f.send(editor, http.MethodGet, page, nil).Body.String(); !strings.Contains(body, `href="`+edit+`"`) {
		t.Errorf("GET %s as an editor does not link to the form", page)
	}
	if w := f.send(editor, http.MethodGet, "/persons/nobodyatall/edit", nil); w.Code != http.StatusNotFound {
		t.Errorf("GET the form of nobody = %d, want 404", w.Code)
	}

	bad := url.Values{"role": {"Physicist"}, "dates": {"1921–1989"},
		"authority": {"https://www.wikidata.org/wiki/Q160556\nwww.wikidata.org/wiki/Q160556\njavascript:alert(1)"}}
	w = f.send(editor, http.MethodPost, edit, bad)
	body := w.Body.String()
	if w.Code != http.StatusBadRequest {
		t.Fatalf("POST %s with wrong addresses = %d, want 400\n%s", edit, w.Code, body)
	}
	field := regexp.MustCompile(`(?s)id="entity-authority".*?<span class="form-error" id="entity-authority-error">([^<]*)</span>`).FindStringSubmatch(body)
	if field == nil || !strings.Contains(field[1], "Line 2") || !strings.Contains(field[1], "Line 3") || strings.Contains(field[1], "Line 1") {
		t.Errorf("the form does not say which addresses are wrong next to their field:\n%s", body)
	}
	if !strings.Contains(body, `value="Physicist"`) || strings.Contains(body, "entity-role-error") {
		t.Errorf("the form sent back loses what was written, or finds the role wrong")
	}
	if e, err := f.store.Entity(context.Background(), fonds.EntityPerson, key, fonds.Filter{}); err != nil || e.Role != "" {
		t.Errorf("after a refused form the person is %+v, %v; want nothing kept", e, err)
	}
	long := url.Values{"dates": {strings.Repeat("1", maxEntityLine+1)}, "role": {"a\nb"}}
	body = f.send(editor, http.MethodPost, edit, long).Body.String()
	for _, id := range []string{"entity-dates-error", "entity-role-error"} {
		if !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("a form with a long date and a role of two lines has no %s", id)
		}
	}
	if w := f.send(editor, http.MethodPost, edit, url.Values{"csrf": {"wrong"}, "role": {"x"}}); w.Code != http.StatusForbidden {
		t.Errorf("POST %s without the CSRF token = %d, want 403", edit, w.Code)
	}

	w = f.send(editor, http.MethodPost, edit, good)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != page {
		t.Fatalf("POST %s = %d to %q, want 303 to %s\n%s", edit, w.Code, w.Header().Get("Location"), page, w.Body.String())
	}
	after := f.send(editor, http.MethodGet, page, nil).Body.String()
	for _, s := range []string{"Soviet physicist", "1921–1989", "Nobel Peace Prize, 1975.",
		`<a href="https://www.wikidata.org/wiki/Q160556" rel="external">Wikidata Q160556</a>`,
		`<a href="https://viaf.org/viaf/95199870" rel="external">VIAF 95199870</a>`,
		`"sameAs":["https://www.wikidata.org/wiki/Q160556","https://viaf.org/viaf/95199870"]`} {
		if !strings.Contains(after, s) {
			t.Errorf("after the description, GET %s lacks %q", page, s)
		}
	}
	var api APIEntityPage
	getJSON(t, f, "/api/v1/entities/person/"+key, &api)
	if api.Entity.Role != "Soviet physicist" || !slices.Equal(api.Entity.Authority, []string{"https://www.wikidata.org/wiki/Q160556", "https://viaf.org/viaf/95199870"}) {
		t.Errorf("the API gives %+v after the description", api.Entity)
	}
	if body := f.get("/persons?q=sak").Body.String(); !strings.Contains(body, "Soviet physicist") {
		t.Errorf("the list does not show the role described")
	}
}

// TestEntityAPI checks the answers of the API of the index, and its
// refusals.
func TestEntityAPI(t *testing.T) {
	f := newEntityFixture(t)
	key := personKey("Sakharov")
	var list APIEntityList
	getJSON(t, f, "/api/v1/entities?kind=person&q=%D1%81%D0%B0%D1%85", &list)
	if len(list.Entities) != 1 || list.Entities[0].Key != key || list.Entities[0].URL != testBaseURL+"/persons/"+key {
		t.Errorf("q=сах finds %+v, want %s alone", list.Entities, key)
	}
	if e := list.Entities; len(e) == 1 && !slices.ContainsFunc(e[0].Names, func(n APIEntityName) bool { return n.Name == "Сахарова" }) {
		t.Errorf("the names of %s are %+v, without Сахарова", key, e[0].Names)
	}
	getJSON(t, f, "/api/v1/entities", &list)
	if list.Kind != "person" || len(list.Entities) == 0 {
		t.Errorf("the list without a kind is of %q, %d entities; want people", list.Kind, len(list.Entities))
	}
	getJSON(t, f, "/api/v1/entities?kind=place", &list)
	if !slices.ContainsFunc(list.Entities, func(e APIEntity) bool { return strings.HasPrefix(e.Name, "Moscow") }) {
		t.Errorf("the places are %+v, without Moscow", list.Entities)
	}
	var page APIEntityPage
	getJSON(t, f, "/api/v1/entities/person/"+key, &page)
	if page.Entity.Name != "Andrei Sakharov" || len(page.Documents) < 3 || page.Next != "" {
		t.Errorf("GET /api/v1/entities/person/%s = %+v", key, page)
	}
	for _, d := range page.Documents {
		if d.URL != testBaseURL+"/documents/"+d.ID || d.Title == "" || d.Date.Display == "" {
			t.Errorf("a document of %s is %+v", key, d)
		}
		if d.ID == mentionsRussianID && (d.Passage == "" || d.Collection != testSlug) {
			t.Errorf("the Russian document of %s is %+v", key, d)
		}
	}
	for path, status := range map[string]int{
		"/api/v1/entities?kind=ship":                                   400,
		"/api/v1/entities?order=xx":                                    400,
		"/api/v1/entities?per_page=0":                                  400,
		"/api/v1/entities/ship/" + key:                                 404,
		"/api/v1/entities/person/NOT-A-KEY":                            404,
		"/api/v1/entities/person/" + key + "?after=1900-01-01-nothing": 404,
	} {
		w := f.get(path)
		if w.Code != status || w.Header().Get("Content-Type") != jsonType || !strings.Contains(w.Body.String(), `"error"`) {
			t.Errorf("GET %s = %d %q, want %d with a JSON error", path, w.Code, w.Header().Get("Content-Type"), status)
		}
	}
}

func TestAuthorityLabel(t *testing.T) {
	for _, tt := range []struct{ uri, want string }{
		{"https://www.wikidata.org/wiki/Q160556", "Wikidata Q160556"},
		{"http://www.wikidata.org/entity/Q160556", "Wikidata Q160556"},
		{"https://viaf.org/viaf/95199870/", "VIAF 95199870"},
		{"https://id.loc.gov/authorities/names/n80013396.html", "Library of Congress n80013396"},
		{"https://d-nb.info/gnd/118605275", "GND 118605275"},
		{"https://www.geonames.org/524901", "GeoNames 524901"},
		{"https://example.org/people/1", "example.org/people/1"},
	} {
		u, err := checkAuthority(tt.uri)
		if err != nil {
			t.Errorf("checkAuthority(%q) = %v", tt.uri, err)
			continue
		}
		if got := authorityLabel(u); got != tt.want {
			t.Errorf("authorityLabel(%q) = %q, want %q", tt.uri, got, tt.want)
		}
	}
	for _, bad := range []string{"www.wikidata.org/wiki/Q1", "ftp://x.org/1", "javascript:alert(1)", "https:///x", "https://a b.org/", "mailto:a@b.org", "https://user:pw@x.org/"} {
		if _, err := checkAuthority(bad); err == nil {
			t.Errorf("checkAuthority(%q) = nil, want an error", bad)
		}
	}
}
