package oai

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fonds"
	"fonds/fondstest"
	"fonds/internal/testenv"
)

// harvested is one record as the harvester printed it.
type harvested struct {
	identifier, datestamp, status string
	sets                          []string
	metadata                      string
}

// parseHarvest reads the output of oai_pmh: for each record, lines
// "name: value" (identifier, datestamp, status, setSpec), a blank line, the
// metadata if any, and a form feed.
func parseHarvest(t *testing.T, out []byte) []harvested {
	t.Helper()
	var recs []harvested
	for chunk := range strings.SplitSeq(string(out), "\f") {
		if strings.TrimSpace(chunk) == "" {
			continue
		}
		head, metadata, _ := strings.Cut(strings.TrimLeft(chunk, "\n"), "\n\n")
		r := harvested{metadata: metadata}
		for line := range strings.SplitSeq(head, "\n") {
			name, value, ok := strings.Cut(line, ": ")
			if !ok {
				name, value = strings.TrimSuffix(line, ":"), ""
			}
			switch name {
			case "identifier":
				r.identifier = value
			case "datestamp":
				r.datestamp = value
			case "status":
				r.status = value
			case "setSpec":
				r.sets = append(r.sets, value)
			default:
				t.Errorf("harvester printed an unexpected line %q", line)
			}
		}
		recs = append(recs, r)
	}
	return recs
}

// TestHarvester harvests the repository with a real OAI-PMH harvester,
// HTTP::OAI's oai_pmh, through every resumption token.
func TestHarvester(t *testing.T) {
	harvester := testenv.Tool(t, "oai_pmh")
	a := newArchive(t, Config{PageSize: 100}, false)
	ctx := context.Background()
	published := make(map[string]bool)
	for i := range 250 {
		d := fondstest.NewDocument(fmt.Sprintf("1977-05-%02d-doc-%03d", i%28+1, i), "1977-05-19")
		if i%7 == 0 {
			d.Collection = "other"
		}
		a.put(t, d)
		published[d.ID] = true
	}
	drafts := make(map[string]bool)
	for i := range 8 {
		d := fondstest.NewDocument(fmt.Sprintf("draft-%d", i), "1980-01-01")
		d.Status = fonds.StatusDraft
		a.put(t, d)
		drafts[d.ID] = true
	}
	deleted := make(map[string]bool)
	for i := range 12 {
		d := fondstest.NewDocument(fmt.Sprintf("gone-%02d", i), "1981-01-01")
		a.put(t, d)
		var err error
		if i%2 == 0 {
			err = a.store.DeleteDocument(ctx, d.ID)
		} else {
			d.Status = fonds.StatusDraft // withdrawn
			_, err = a.store.PutDocument(ctx, d)
		}
		if err != nil {
			t.Fatal(err)
		}
		deleted[d.ID] = true
	}

	run := func(t *testing.T, args ...string) []harvested {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, harvester, append(args, a.base)...)
		cmd.Env = append(os.Environ(), "no_proxy=127.0.0.1", "NO_PROXY=127.0.0.1", "http_proxy=", "HTTP_PROXY=")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("oai_pmh %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return parseHarvest(t, stdout.Bytes())
	}
	check := func(t *testing.T, recs []harvested, withMetadata bool) {
		t.Helper()
		seen := make(map[string]int)
		for _, r := range recs {
			id, ok := parseIdentifier("127.0.0.1", r.identifier)
			if !ok {
				t.Errorf("harvested identifier %q is not of the repository", r.identifier)
				continue
			}
			seen[id]++
			if !utcDatetime.MatchString(r.datestamp) {
				t.Errorf("%s: datestamp %q", id, r.datestamp)
			}
			switch {
			case drafts[id]:
				t.Errorf("the draft %s was harvested", id)
			case deleted[id]:
				if r.status != "deleted" || strings.TrimSpace(r.metadata) != "" {
					t.Errorf("%s: status %q, metadata %q; want deleted without metadata", id, r.status, r.metadata)
				}
			case published[id]:
				if r.status != "" {
					t.Errorf("%s: status %q, want none", id, r.status)
				}
				if withMetadata && !strings.Contains(r.metadata, "<dc:title>Document "+id+"</dc:title>") {
					t.Errorf("%s: metadata without its title: %q", id, r.metadata)
				}
			default:
				t.Errorf("harvested %s, which the archive does not have", id)
			}
		}
		for id := range published {
			if seen[id] != 1 {
				t.Errorf("the published document %s was harvested %d times, want once", id, seen[id])
			}
		}
		for id := range deleted {
			if seen[id] != 1 {
				t.Errorf("the deleted document %s was harvested %d times, want once", id, seen[id])
			}
		}
	}

	t.Run("ListIdentifiers", func(t *testing.T) {
		recs := run(t, "-X", "ListIdentifiers", "--metadataPrefix", "oai_dc")
		if len(recs) != 262 {
			t.Errorf("harvested %d headers, want 262", len(recs))
		}
		check(t, recs, false)
	})
	t.Run("ListRecords", func(t *testing.T) {
		recs := run(t, "-X", "ListRecords", "--metadataPrefix", "oai_dc")
		if len(recs) != 262 {
			t.Errorf("harvested %d records, want 262", len(recs))
		}
		check(t, recs, true)
	})
	t.Run("set", func(t *testing.T) {
		recs := run(t, "-X", "ListIdentifiers", "--metadataPrefix", "oai_dc", "--set", "other")
		for _, r := range recs {
			if len(r.sets) != 1 || r.sets[0] != "other" {
				t.Errorf("%s: sets %q, want other", r.identifier, r.sets)
			}
		}
		if len(recs) != 36 { // 0, 7, …, 245
			t.Errorf("harvested %d headers of set other, want 36", len(recs))
		}
	})
	t.Run("GetRecord", func(t *testing.T) {
		id := "1977-05-01-doc-000"
		recs := run(t, "-X", "GetRecord", "--metadataPrefix", "oai_dc", "--identifier", a.ident(id))
		if len(recs) != 1 || recs[0].identifier != a.ident(id) || !strings.Contains(recs[0].metadata, "Document "+id) {
			t.Errorf("GetRecord(%s) harvested %+v", id, recs)
		}
	})
}
