package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"fonds"
	"fonds/oai"
	"fonds/postgres"
	"fonds/sqlite"
)

// TestOAITokenKeySQLite checks that the servers of one archive share the
// key of resumption tokens, and that it outlives a restart.
func TestOAITokenKeySQLite(t *testing.T) {
	data := t.TempDir()
	mustFonds(t, "import", "--data", data, sampleDir)
	open := func() fonds.Store {
		st, err := sqlite.Open(filepath.Join(data, "fonds.db"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	testTokenKey(t, open)
}

// TestOAITokenKeyPostgres is TestOAITokenKeySQLite on PostgreSQL.
func TestOAITokenKeyPostgres(t *testing.T) {
	db := testDatabase(t)
	mustFonds(t, "import", "--db", db, "--data", t.TempDir(), sampleDir)
	open := func() fonds.Store {
		st, err := postgres.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	testTokenKey(t, open)
}

// testTokenKey starts servers at once on the stores open returns (each
// its own connection, as separate processes have), harvests a page from
// one and the next from another, then, all of them stopped, the page
// after from a server started anew.
func testTokenKey(t *testing.T, open func() fonds.Store) {
	ctx := context.Background()
	const servers = 4
	stores := make([]fonds.Store, servers)
	keys := make([][]byte, servers)
	errs := make([]error, servers)
	for i := range stores {
		stores[i] = open()
	}
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { keys[i], errs[i] = oaiTokenKey(ctx, stores[i]) })
	}
	wg.Wait()
	for i := range keys {
		if errs[i] != nil || len(keys[i]) != 32 || string(keys[i]) != string(keys[0]) {
			t.Fatalf("server %d: key %x, %v; want the 32 bytes of server 0, %x", i, keys[i], errs[i], keys[0])
		}
	}
	handler := func(st fonds.Store, key []byte) func(query string) string {
		h, err := oai.New(oai.Config{Store: st, BaseURL: "http://127.0.0.1/oai", PageSize: 3, TokenKey: key})
		if err != nil {
			t.Fatal(err)
		}
		return func(query string) string {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/oai?"+query, nil))
			return rec.Body.String()
		}
	}
	token := regexp.MustCompile(`<resumptionToken[^>]*>([^<]+)</resumptionToken>`)
	next := func(body string) string {
		t.Helper()
		m := token.FindStringSubmatch(body)
		if m == nil || strings.Contains(body, "badResumptionToken") {
			t.Fatalf("no resumption token in\n%.1500s", body)
		}
		return "verb=ListIdentifiers&resumptionToken=" + strings.ReplaceAll(m[1], "&amp;", "%26")
	}
	first := handler(stores[0], keys[0])("verb=ListIdentifiers&metadataPrefix=oai_dc")
	second := handler(stores[1], keys[1])(next(first))
	if strings.Contains(second, "<error") {
		t.Fatalf("another server refuses the token:\n%.1500s", second)
	}
	for _, st := range stores {
		st.Close()
	}

	st := open()
	defer st.Close()
	key, err := oaiTokenKey(ctx, st)
	if err != nil || string(key) != string(keys[0]) {
		t.Fatalf("after a restart, key %x, %v; want %x", key, err, keys[0])
	}
	if third := handler(st, key)(next(second)); strings.Contains(third, "<error") {
		t.Errorf("after a restart, the harvest's token is refused:\n%.1500s", third)
	}
}
