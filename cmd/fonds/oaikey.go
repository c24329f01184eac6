package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"fonds"
)

// settingTokenKey names the setting that holds the key signing OAI-PMH
// resumption tokens, in hex.
const settingTokenKey = "oai.token_key"

// oaiTokenKey returns the key that signs OAI-PMH resumption tokens, kept in
// the store: made by the first server that asks, and read by every other on
// the database, so that a harvest goes on whichever server answers its
// next request, and across restarts. It is nil, and each server makes a key
// of its own, when the store cannot create settings, or cannot be written
// and holds none.
func oaiTokenKey(ctx context.Context, st fonds.Store) ([]byte, error) {
	v, err := st.Setting(ctx, settingTokenKey)
	if errors.Is(err, fonds.ErrNotFound) {
		c, ok := st.(fonds.SettingCreator)
		if !ok {
			return nil, nil
		}
		fresh := make([]byte, 32)
		rand.Read(fresh)
		v, err = c.CreateSetting(ctx, settingTokenKey, hex.EncodeToString(fresh))
		if errors.Is(err, fonds.ErrReadOnly) {
			return nil, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("the key of OAI-PMH resumption tokens: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("the setting %s is not a key of at least 16 bytes in hex", settingTokenKey)
	}
	return key, nil
}
