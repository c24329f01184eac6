package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fonds"
	"fonds/iiif"
	"fonds/reindex"
)

// checkCmd verifies the archive: the checksum of every stored version and
// every page image, and the search index against the store, mending the
// index where it differs (what a crash between a store write and an index
// write leaves). It ends with a digest of the archive's content, the same
// for two archives that hold the same documents and images, so that a
// restored backup can be compared with its original.
func checkCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, err := openArchiveCmd(ctx, "check", args, indexIfFree, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	problems := 0
	report := func(p string) {
		problems++
		fmt.Fprintln(stderr, fonds.QuoteName(p))
	}
	versions, err := a.store.Verify(ctx, report)
	if err != nil {
		return err
	}
	images, err := a.images.Verify(ctx, report)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "checked %d stored versions and %d page images: %d problems\n", versions, images, problems)
	if err := listUnresolved(ctx, a, stderr); err != nil {
		return err
	}

	switch {
	case a.served:
		fmt.Fprintln(stderr, "search index: held by the running fonds serve, which keeps it in step with the store")
	case a.readOnly:
		rep, err := compareIndex(ctx, a)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "search index (read-only, not mended): %s\n", rep)
		if rep.Indexed+rep.Removed > 0 {
			problems++
		}
	default:
		rep, err := reindex.Sync(ctx, a.store, a.index, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "search index: %s\n", rep)
	}
	digest, counts, err := archiveDigest(ctx, a, images)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "archive digest %s\n", digest)
	if counts != "" {
		fmt.Fprintln(stdout, counts)
	}
	if problems > 0 {
		return errReported
	}
	return nil
}

// compareIndex counts what the index lacks or holds in excess, without
// mending it.
func compareIndex(ctx context.Context, a *archive) (reindex.Report, error) {
	var rep reindex.Report
	want, err := a.store.Stamps(ctx, reindex.Released)
	if err != nil {
		return rep, err
	}
	have, err := a.index.Stamps(ctx)
	if err != nil {
		return rep, err
	}
	rep.Total = len(want)
	for id, s := range want {
		if have[id] != s.Hash {
			rep.Indexed++
		}
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			rep.Removed++
		}
	}
	return rep, nil
}

// archiveDigest returns the SHA-256 of the archive's content, and a line
// of the counts of what it holds. A store that writes itself out (a
// fonds.Transferer) is digested whole: every version of every document
// with its body and save, collections, settings, users, the audit log,
// aliases, deletions, entity descriptions and the change feed, times to
// the microsecond, so that an archive and its migration to another kind of
// store give the same digest. Sessions, which come and go with sign-ins,
// are counted out, and so are the settings of the search index. Another
// store is digested by every document's id, status and content hash. Every
// page image counts, through the manifests of their checksums.
func archiveDigest(ctx context.Context, a *archive, images int) (digest, counts string, err error) {
	h := sha256.New()
	if tr, ok := a.store.(fonds.Transferer); ok {
		c, err := digestStore(ctx, tr, h)
		if err != nil {
			return "", "", err
		}
		counts = fmt.Sprintf("documents %d, versions %d, images %d, users %d, audit entries %d, aliases %d, deletions %d",
			c.documents, c.versions, images, c.users, c.audit, c.aliases, c.deletions)
	} else if err := digestStamps(ctx, a.store, h); err != nil {
		return "", "", err
	}
	// Verify has checked every image against its document's manifest of
	// checksums, so the manifests stand for the images: the digest reads
	// them, not every image a second time.
	err = a.images.Walk(func(rel, path string) error {
		if filepath.Base(rel) != iiif.ManifestName {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "manifest %q %x\n", rel, sha256.Sum256(b))
		return nil
	})
	if err != nil {
		return "", "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), counts, nil
}

// storeCounts counts what digestStore read.
type storeCounts struct {
	documents, versions, users, audit, aliases, deletions int
}

// digestStore writes every item of the store but its sessions to h, one
// line each, and counts them.
func digestStore(ctx context.Context, tr fonds.Transferer, h io.Writer) (storeCounts, error) {
	var c storeCounts
	err := tr.Dump(ctx, func(it *fonds.Item) error {
		switch it.Kind {
		case fonds.ItemSession:
			return nil
		case fonds.ItemSetting:
			if strings.HasPrefix(it.Name, "index.") {
				return nil
			}
		case fonds.ItemVersion:
			c.versions++
			if it.Version.Current {
				c.documents++
			}
			// The checksum recorded is the store's own (an old SQLite
			// version may have none, which PostgreSQL computes): the body
			// it stands for is digested.
			v := *it.Version
			v.Sum = ""
			it = &fonds.Item{Kind: it.Kind, Version: &v}
		case fonds.ItemUser:
			c.users++
			// The hash of the password is no part of the user as JSON.
			fmt.Fprintf(h, "password %q %x\n", it.User.Name, sha256.Sum256([]byte(it.User.PasswordHash)))
		case fonds.ItemAudit:
			c.audit++
		case fonds.ItemAlias:
			c.aliases++
		case fonds.ItemDeletion:
			c.deletions++
		}
		b, err := json.Marshal(it)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %s\n", it.Kind, b)
		return nil
	})
	return c, err
}

// digestStamps writes every document's id, status and content hash to h.
func digestStamps(ctx context.Context, store fonds.Store, h io.Writer) error {
	stamps, err := store.Stamps(ctx, fonds.Filter{})
	if err != nil {
		return err
	}
	public, err := store.Stamps(ctx, fonds.Filter{Published: true})
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(stamps))
	for id := range stamps {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		_, pub := public[id]
		fmt.Fprintf(h, "document %q %s %t\n", id, stamps[id].Hash, pub)
	}
	return nil
}

// rebuild settings: "fonds reindex" asks a running server to rebuild its
// index by writing a token under rebuildRequested; the server writes the
// same token, a tab and its report under rebuildDone when it has.
const (
	rebuildRequested = "index.rebuild-requested"
	rebuildDone      = "index.rebuild-done"
)

// requestRebuild asks the server that holds the index to rebuild it, and
// waits until it has.
func requestRebuild(ctx context.Context, store fonds.Store, stderr io.Writer) error {
	token := time.Now().UTC().Format(time.RFC3339Nano)
	if err := store.PutSetting(ctx, rebuildRequested, token); err != nil {
		return err
	}
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		done, err := store.Setting(ctx, rebuildDone)
		if err != nil && !errors.Is(err, fonds.ErrNotFound) {
			return err
		}
		if tok, rep, ok := strings.Cut(done, "\t"); ok && tok == token {
			fmt.Fprintln(stderr, rep)
			return nil
		}
	}
}

// listUnresolved lists the cross-references that lead nowhere in the
// archive: a document cited by a volume or a reference the archive does
// not hold. They are no fault of the archive (the volume may come later),
// so they are listed, not counted as problems.
func listUnresolved(ctx context.Context, a *archive, w io.Writer) error {
	n := 0
	err := a.store.Unresolved(ctx, func(id string, c fonds.Citation) error {
		n++
		target := c.Target
		if c.Anchor != "" {
			target += " (" + c.Anchor + ")"
		}
		fmt.Fprintf(w, "%s: unresolved reference %s to %s\n", fonds.QuoteName(id), strconv.Quote(c.Written), fonds.QuoteName(target))
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d unresolved cross-references (left as text)\n", n)
	return nil
}
