package fondstest

import (
	"testing"

	"fonds"
)

func TestNewDate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want fonds.Date
	}{
		{"", fonds.Date{}},
		{"1970", fonds.Date{Start: "1970-01-01", End: "1970-12-31", Precision: fonds.PrecisionYear, Written: "1970"}},
		{"1991-06", fonds.Date{Start: "1991-06-01", End: "1991-06-30", Precision: fonds.PrecisionMonth, Written: "June 1991"}},
		{"1980-02", fonds.Date{Start: "1980-02-01", End: "1980-02-29", Precision: fonds.PrecisionMonth, Written: "February 1980"}},
		{"1977-05-19", fonds.Date{Start: "1977-05-19", End: "1977-05-19", Precision: fonds.PrecisionDay, Written: "19 May 1977"}},
	} {
		if got := NewDate(tt.in); got != tt.want {
			t.Errorf("NewDate(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{"77", "1977-5-19", "1977-13", "19 May 1977"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewDate(%q) did not panic", in)
				}
			}()
			NewDate(in)
		}()
	}
}

// TestDocuments checks that the documents the helpers make are what the
// contract tests take them to be: valid, and different for different ids.
func TestDocuments(t *testing.T) {
	for _, d := range []*fonds.Document{NewDocument("a", "1977-05-19"), NewFullDocument("a", "1977-05-19")} {
		if d.ID != "a" || d.Collection != Collection || d.Status != fonds.StatusPublished || d.Date.Year() != 1977 {
			t.Errorf("document = {%q %q %q %d}, want {a %s published 1977}", d.ID, d.Collection, d.Status, d.Date.Year(), Collection)
		}
		if len(d.Witnesses) == 0 || d.Witnesses[0].Text.PlainText() == "" {
			t.Errorf("document %s has no text", d.ID)
		}
	}
	if NewDocument("a", "").ContentHash() == NewDocument("b", "").ContentHash() {
		t.Errorf("NewDocument(a) and NewDocument(b) have the same ContentHash")
	}
	first, second := NewFullDocument("a", ""), NewFullDocument("a", "")
	if first.ContentHash() != second.ContentHash() {
		t.Errorf("NewFullDocument(a) twice have different ContentHashes")
	}
	kinds := NewFullDocument("a", "").Witnesses[0].Text.SpanKinds()
	for _, k := range []fonds.SpanKind{fonds.SpanText, fonds.SpanNote, fonds.SpanHandwritten, fonds.SpanInsertion,
		fonds.SpanDeletion, fonds.SpanOmission, fonds.SpanStamp, fonds.SpanSignature, fonds.SpanPageBreak,
		fonds.SpanEmphasis, fonds.SpanUnderline, fonds.SpanPerson, fonds.SpanReference} {
		if !kinds[k] {
			t.Errorf("NewFullDocument's text has no span of kind %s", k)
		}
	}
}
