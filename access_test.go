package fonds

import (
	"testing"
	"time"
)

func TestVisibleTo(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	roles := []Role{RoleAnonymous, RoleReader, RoleContributor, RoleEditor, RoleAdmin}
	// Each row says who sees the document, in the order of roles.
	tests := []struct {
		name string
		doc  Document
		sees [5]bool
	}{
		{"published", Document{Status: StatusPublished}, [5]bool{true, true, true, true, true}},
		{"embargo ended", Document{Status: StatusPublished, Embargo: "2026-12-03"}, [5]bool{true, true, true, true, true}},
		{"embargo ends later today", Document{Status: StatusPublished, Embargo: "2026-12-03T12:00:01Z"}, [5]bool{false, false, false, true, true}},
		{"embargo ends at this moment", Document{Status: StatusPublished, Embargo: "2026-12-03T12:00:00Z"}, [5]bool{true, true, true, true, true}},
		{"unreadable embargo", Document{Status: StatusPublished, Embargo: "soon"}, [5]bool{false, false, false, true, true}},
		{"restricted", Document{Status: StatusPublished, Restricted: true}, [5]bool{false, true, false, true, true}},
		{"restricted under embargo", Document{Status: StatusPublished, Restricted: true, Embargo: "2027-01-01"}, [5]bool{false, false, false, true, true}},
		{"draft", Document{Status: StatusDraft}, [5]bool{false, false, true, true, true}},
		{"draft with an embargo", Document{Status: StatusDraft, Embargo: "2027-01-01"}, [5]bool{false, false, true, true, true}},
		{"restricted draft", Document{Status: StatusDraft, Restricted: true}, [5]bool{false, false, false, true, true}},
		{"in review", Document{Status: StatusReview}, [5]bool{false, false, true, true, true}},
		{"restricted in review", Document{Status: StatusReview, Restricted: true}, [5]bool{false, false, false, true, true}},
		{"withdrawn", Document{Status: StatusWithdrawn}, [5]bool{false, false, false, true, true}},
		{"no status", Document{}, [5]bool{false, false, false, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, r := range roles {
				if got := tt.doc.VisibleTo(r, now); got != tt.sees[i] {
					t.Errorf("VisibleTo(%q) of %+v = %v, want %v", r, tt.doc, got, tt.sees[i])
				}
			}
		})
	}
}

func TestParseEmbargo(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2027-01-01", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"2027-01-01T09:30:00+02:00", time.Date(2027, 1, 1, 7, 30, 0, 0, time.UTC), true},
		{"2027-13-01", time.Time{}, false},
		{"1 January 2027", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := ParseEmbargo(tt.in)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ParseEmbargo(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
