package tei

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"fonds"
	"fonds/text"
)

// TestAccess checks that the status, embargo and restriction of a document
// are written in its header and read back.
func TestAccess(t *testing.T) {
	src := "2 March 1981* (Pb 7/41) Invented record\n\nResolution. Invented example.\n\nText.\n"
	base, _, err := text.Parse(strings.NewReader(src), "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range fonds.Statuses {
		for _, embargo := range []string{"", "2031-01-01", "2031-01-01T09:00:00+02:00"} {
			for _, restricted := range []bool{false, true} {
				d := *base
				d.Status, d.Embargo, d.Restricted = st, embargo, restricted
				label := fmt.Sprintf("%s/%q/%v", st, embargo, restricted)
				out := writeDoc(t, &d)
				free := bytes.Contains(out, []byte(`<availability status="free">`))
				if want := st == fonds.StatusPublished && embargo == "" && !restricted; free != want {
					t.Errorf("Write(%s): availability free %v, want %v", label, free, want)
				}
				checkRoundTrip(t, &d, label)
			}
		}
	}
}

// TestAccessRead checks what the headers of files from elsewhere say.
func TestAccessRead(t *testing.T) {
	tests := []struct {
		name, header string
		status       fonds.Status
		embargo      string
		restricted   bool
		warning      string
	}{
		{"nothing", ``, "", "", false, ""},
		{"free", `<availability status="free"><p>Open.</p></availability>`, fonds.StatusPublished, "", false, ""},
		{"restricted alone is a draft", `<availability status="restricted"><p>Not yet.</p></availability>`, fonds.StatusDraft, "", false, ""},
		{"submitted", `<availability status="restricted"><p>x</p></availability>|<revisionDesc status="submitted"><change/></revisionDesc>`, fonds.StatusReview, "", false, ""},
		{"published but restricted", `<availability status="restricted"><p>x</p></availability>|<revisionDesc status="published"><change/></revisionDesc>`, fonds.StatusPublished, "", true, ""},
		{"embargoed", `<availability status="restricted"><licence notBefore="2030-06-01">Later.</licence></availability>|<revisionDesc status="embargoed"><change/></revisionDesc>`, fonds.StatusPublished, "2030-06-01", false, ""},
		{"bad embargo", `<availability status="free"><licence notBefore="2030-13-01">x</licence></availability>`, fonds.StatusPublished, "", false, "no embargo kept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub, rev, _ := strings.Cut(tt.header, "|")
			in := `<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt><publicationStmt><p>x</p>` +
				pub + `</publicationStmt><sourceDesc><bibl><date when="1981-03-02">2 March 1981</date></bibl></sourceDesc></fileDesc>` + rev +
				`</teiHeader><text><body><p>Text.</p></body></text></TEI>`
			res, err := readAll(t, strings.NewReader(in), "in.xml")
			if err != nil || len(res) != 1 {
				t.Fatalf("ReadDocuments = %v, %v", res, err)
			}
			d := res[0].doc
			if d.Status != tt.status || d.Embargo != tt.embargo || d.Restricted != tt.restricted {
				t.Errorf("status, embargo, restricted = %q, %q, %v; want %q, %q, %v", d.Status, d.Embargo, d.Restricted, tt.status, tt.embargo, tt.restricted)
			}
			var warned string
			for _, w := range res[0].warnings {
				warned += w.Message + "\n"
			}
			if tt.warning != "" && !strings.Contains(warned, tt.warning) {
				t.Errorf("warnings = %q, want one saying %q", warned, tt.warning)
			}
		})
	}
}
