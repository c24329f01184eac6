package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fonds"
)

// frusFile names a single FRUS document: frus1977-80v02_d14.xml.
var frusFile = regexp.MustCompile(`^(frus[0-9-]+v[0-9]+)_d([0-9]+)\.xml$`)

// frusID is a FRUS id of a person or term (p_SAA_1, t_SALT_1), which a
// reader must never see.
var frusID = regexp.MustCompile(`\b[pt]_[A-Za-z0-9]+_[0-9]+\b`)

// storedDocuments returns the id and collection of every document of the
// archive in dir.
func storedDocuments(t *testing.T, dir string) map[string]string {
	t.Helper()
	s := openData(t, dir)
	defer s.Close()
	docs, _, err := s.Documents(context.Background(), fonds.Filter{Brief: true})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string)
	for _, d := range docs {
		out[d.ID] = d.Collection
	}
	return out
}

// TestLinkedEdition imports ../shared/corpus in two orders and reads the
// edition it makes through the server: each document once with the same
// id, no FRUS id on any page, every cross-reference within the corpus a
// link that the target lists under "Cited by", and one person page for
// Sakharov whatever the script.
func TestLinkedEdition(t *testing.T) {
	corpus := corpusDir(t)
	forward := t.TempDir()
	_, stderr := mustFonds(t, "import", "--data", forward, corpus)
	if !strings.Contains(stderr, "kept once") {
		t.Errorf("importing the corpus does not say which documents it kept once:\n%.2000s", stderr)
	}
	// The folder reads the volumes first; now the single files first, and
	// the volumes in a later run.
	backward := t.TempDir()
	mustFonds(t, "import", "--data", backward, filepath.Join(corpus, "frus"))
	mustFonds(t, "import", "--data", backward, filepath.Join(corpus, "wxr"), filepath.Join(corpus, "seed"), filepath.Join(corpus, "frus-volumes"))
	got, other := storedDocuments(t, forward), storedDocuments(t, backward)
	if len(got) != 51 {
		t.Errorf("the corpus is stored as %d documents, want 51", len(got))
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range got {
			if !yield(id) {
				return
			}
		}
	})
	for _, id := range ids {
		if c, ok := other[id]; !ok {
			t.Errorf("%s is stored when the volumes come first, not when the single files do", id)
		} else if c != got[id] {
			t.Errorf("%s is in collection %s one way, %s the other", id, got[id], c)
		}
	}
	if len(other) != len(got) {
		t.Errorf("%d documents one way, %d the other", len(got), len(other))
	}

	sample, err := filepath.Abs(filepath.Join("..", "..", "sample"))
	if err != nil {
		t.Fatal(err)
	}
	mustFonds(t, "import", "--data", forward, sample)
	base, _, _ := startServer(t, "--data", forward)
	pages := make(map[string]string)
	page := func(path string) string {
		if body, ok := pages[path]; ok {
			return body
		}
		code, body := get(t, base+path)
		if code != 200 {
			t.Errorf("GET %s: %d", path, code)
		}
		pages[path] = body
		return body
	}
	for _, id := range ids {
		body := page("/documents/" + url.PathEscape(id))
		if m := frusID.FindString(body); m != "" {
			t.Errorf("/documents/%s shows the id %s", id, m)
		}
	}

	// Every reference of a FRUS file whose target is in the corpus links to
	// it, and the target names the source under "Cited by".
	refTarget := regexp.MustCompile(`<ref\s+target="([^"]+)"`)
	files, err := filepath.Glob(filepath.Join(corpus, "frus", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	resolved := 0
	for _, f := range files {
		m := frusFile.FindStringSubmatch(filepath.Base(f))
		if m == nil {
			continue
		}
		volume, source := m[1], m[1]+"-d"+m[2]
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range refTarget.FindAllStringSubmatch(string(b), -1) {
			target := r[1]
			if strings.HasPrefix(target, "#") {
				target = volume + target
			}
			vol, frag, _ := strings.Cut(target, "#")
			var href string
			if frag == "" {
				if hasCollection(t, forward, vol) {
					href = "/collections/" + vol
				}
			} else if n := regexp.MustCompile(`^d([0-9]+)`).FindStringSubmatch(frag); n != nil {
				if id := vol + "-d" + n[1]; got[id] != "" {
					href = "/documents/" + id
				}
			}
			if href == "" {
				continue // not in the corpus
			}
			resolved++
			if body := page("/documents/" + source); !strings.Contains(body, `href="`+href) {
				t.Errorf("/documents/%s: the reference to %s is not a link to %s", source, r[1], href)
			}
			if strings.HasPrefix(href, "/documents/") {
				if cited := citedBy(page(href)); !strings.Contains(cited, `href="/documents/`+source+`"`) {
					t.Errorf("%s does not list %s under Cited by", href, source)
				}
			}
		}
	}
	if resolved < 30 {
		t.Errorf("only %d references of the FRUS files resolve within the corpus", resolved)
	}

	// One person, whatever the script: the FRUS documents that name
	// Sakharov, and the sample's reports on him.
	body := page("/persons/saharov")
	for _, id := range []string{"frus1977-80v06-d2", "frus1977-80v02-d7", "1975-06-27-1702-a-ov"} {
		if !strings.Contains(body, `href="/documents/`+id+`"`) {
			t.Errorf("the person page of Sakharov does not list %s", id)
		}
	}
	for _, name := range []string{"Andrei Sakharov", "Сахаров"} {
		if !strings.Contains(body, name) {
			t.Errorf("the person page of Sakharov does not give the spelling %q", name)
		}
	}
	if m := frusID.FindString(body); m != "" {
		t.Errorf("the person page shows the id %s", m)
	}
}

// citedBy returns the "Cited by" section of a document page.
func citedBy(body string) string {
	i := strings.Index(body, `id="cited-by"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func hasCollection(t *testing.T, dir, slug string) bool {
	t.Helper()
	s := openData(t, dir)
	defer s.Close()
	_, err := s.Collection(context.Background(), slug)
	return err == nil
}
