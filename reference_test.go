package fonds

import "testing"

func TestNormalizeReference(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Pb 56/68", "pb 56/68"},
		{"Pb 56-68", "pb 56/68"},
		{"PB  56 / 68", "pb 56/68"},
		{"Pb 120 / 33", "pb 120/33"},
		{"Pb 71/X", "pb 71/x"},
		{"Pb", "pb"},
		{"St-21/7", "st 21/7"},
		{"St 21/7", "st 21/7"},
		{"2811-A", "2811-a"},
		{"1102\u2011S", "1102-s"},
		{"1530-A/ov", "1530-a/ov"},
		{"No 340", "no 340"},
		{"No. 340", "no 340"},
		{"812-A", "812-a"},
	}
	for _, tt := range tests {
		if got := NormalizeReference(tt.in); got != tt.want {
			t.Errorf("NormalizeReference(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReferenceKey(t *testing.T) {
	tests := []struct{ in, key, number string }{
		{"Pb 56/68", "pb 56/68", "56/68"},
		{"P56/68", "pb 56/68", "56/68"},
		{"П 56/68", "pb 56/68", "56/68"},
		{"Пб 56-68", "pb 56/68", "56/68"},
		{"St-56/68", "st 56/68", "56/68"},
		{"Ст 248/9", "st 248/9", "248/9"},
		{"St-248/9", "st 248/9", "248/9"},
		{"№ 340", "no 340", ""},
		{"No. 340", "no 340", ""},
		{"2811-A", "2811-a", ""},
		{"Pb", "pb", ""},
		{"Pb writers", "pb writers", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := ReferenceKey(tt.in); got != tt.key {
			t.Errorf("ReferenceKey(%q) = %q, want %q", tt.in, got, tt.key)
		}
		if got := ReferenceNumber(tt.in); got != tt.number {
			t.Errorf("ReferenceNumber(%q) = %q, want %q", tt.in, got, tt.number)
		}
	}
}

func TestDocumentID(t *testing.T) {
	d := &Document{Date: Date{Start: "1977-05-19"}, References: []Reference{NewReference("Pb 56-68", "source"), NewReference("Pb 56/68", "heading")}}
	if got, want := DocumentID(d), "1977-05-19-pb-56-68"; got != want {
		t.Errorf("DocumentID = %q, want %q", got, want)
	}
	d = &Document{Date: Date{Start: "1972-03-16"}, Title: "Writers' Union", References: []Reference{NewReference("Pb", "heading")}}
	if got, want := DocumentID(d), "1972-03-16-pb-writers-union"; got != want {
		t.Errorf("DocumentID of a series without a number = %q, want %q", got, want)
	}
	d = &Document{Date: Date{Start: "1991-06-01"}, Title: "Writers' union"}
	if got, want := DocumentID(d), "1991-06-01-writers-union"; got != want {
		t.Errorf("DocumentID = %q, want %q", got, want)
	}
}

func TestDateDisplay(t *testing.T) {
	tests := []struct {
		d    Date
		want string
	}{
		{Date{Start: "1977-05-19", End: "1977-05-19", Precision: PrecisionDay}, "19 May 1977"},
		{Date{Start: "1991-06-01", End: "1991-06-30", Precision: PrecisionMonth}, "June 1991"},
		{Date{Start: "1970-01-01", End: "1970-12-31", Precision: PrecisionYear, Approximate: true}, "c. 1970"},
		{Date{}, "undated"},
	}
	for _, tt := range tests {
		if got := tt.d.Display(); got != tt.want {
			t.Errorf("%+v.Display() = %q, want %q", tt.d, got, tt.want)
		}
	}
}
