package fonds

import "testing"

func TestItemString(t *testing.T) {
	for _, tt := range []struct {
		it   Item
		want string
	}{
		{Item{Kind: ItemVersion, Version: &StoredVersion{ID: "pb-1977-05-19", Version: Version{N: 3}}}, "version 3 of pb-1977-05-19"},
		{Item{Kind: ItemAlias, Name: "old/path", ID: "x"}, "alias old/path"},
		{Item{Kind: ItemAudit, Audit: &AuditEntry{}}, "audit"},
		{Item{Kind: ItemSetting, Name: "a\nb"}, `setting "a\nb"`},
	} {
		if got := tt.it.String(); got != tt.want {
			t.Errorf("String() = %s, want %s", got, tt.want)
		}
	}
}
