package fonds

import "context"

// SettingCreator is a Settings that can create a setting only if it is not
// there yet, atomically: of several servers starting at once on one
// database, each gets the value the first one stored. The key that signs
// OAI-PMH resumption tokens is made this way, so that every server
// accepts the tokens of every other, and a restart keeps them valid.
type SettingCreator interface {
	// CreateSetting stores value under name unless the setting is
	// already there, and returns the value the setting holds.
	CreateSetting(ctx context.Context, name, value string) (string, error)
}
