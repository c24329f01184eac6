package stored

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fonds/entity"
)

// The settings that say which rules derived what a store keeps of the
// documents' links: the version of package entity whose rules derived it
// all, and how far a derivation under way has gone ("version id").
const (
	SettingEntityVersion  = "entity.version"
	SettingEntityProgress = "entity.progress"
)

// DeriveBatch is how many documents a derivation reads in one transaction.
const DeriveBatch = 100

// A Deriver is what Derive asks of a store, in its dialect.
type Deriver interface {
	// Setting returns the value of the named setting, "" when it is not
	// set.
	Setting(ctx context.Context, name string) (string, error)
	// PutSetting sets the named setting, and DeleteSetting removes it.
	PutSetting(ctx context.Context, name, value string) error
	DeleteSetting(ctx context.Context, name string) error
	// Documents derives the links of the next batch of documents after the
	// id after, in one transaction, and returns how many and the last id.
	Documents(ctx context.Context, after string) (n int, last string, err error)
	// Entities names the next batch of entities after *kind, *key again
	// from their spellings, in one transaction, advancing *kind and *key,
	// and returns how many it named.
	Entities(ctx context.Context, kind, key *string) (int, error)
}

// Derive derives again, from every stored document, what a store keeps of
// its links, when the rules it was derived by are not entity.Version's: in
// an archive written by an older program. It goes through the documents in
// order of id, a batch at a time, so that it holds neither the archive in
// memory nor a lock for long, and notes how far it went, so that a
// derivation interrupted goes on where it stopped. At the end it names
// every entity again.
func Derive(ctx context.Context, d Deriver) error {
	want := strconv.Itoa(entity.Version)
	have, err := d.Setting(ctx, SettingEntityVersion)
	if err != nil || have == want {
		return err
	}
	progress, err := d.Setting(ctx, SettingEntityProgress)
	if err != nil {
		return err
	}
	after := ""
	if v, id, ok := strings.Cut(progress, " "); ok && v == want {
		after = id
	}
	for {
		n, last, err := d.Documents(ctx, after)
		if err != nil {
			return fmt.Errorf("derive the links of the documents after %q: %w", after, err)
		}
		if n == 0 {
			break
		}
		after = last
		if err := d.PutSetting(ctx, SettingEntityProgress, want+" "+after); err != nil {
			return err
		}
	}
	var kind, key string
	for {
		n, err := d.Entities(ctx, &kind, &key)
		if err != nil {
			return fmt.Errorf("name the entities after %s/%s: %w", kind, key, err)
		}
		if n == 0 {
			break
		}
	}
	if err := d.PutSetting(ctx, SettingEntityVersion, want); err != nil {
		return err
	}
	return d.DeleteSetting(ctx, SettingEntityProgress)
}
