package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fonds"
)

// writeSynthetic writes n small documents in the transcription format into
// dir, each with its own date and reference.
func writeSynthetic(t *testing.T, dir string, n int) {
	t.Helper()
	months := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	for i := 0; i < n; i++ {
		day, month, year := i%28+1, months[(i/28)%12], 1965+i/(28*12)
		doc := fmt.Sprintf("%d %s %d* (Pb %d/%d) Synthetic %d\n\n"+
			"Politburo. Resolution on matter %d (2 pp). [R %d %s %d, Pb %d-%d] Invented example.\n\n"+
			"[page one]\n\nThe matter [number %d] was discussed {hand:and agreed}.\n\n[page two]\n\n[signed] Ivanov\n",
			day, month, year, i/100+1, i%100+1, i, i, day, month, year, i/100+1, i%100+1, i)
		name := filepath.Join(dir, fmt.Sprintf("doc-%05d.txt", i))
		if err := os.WriteFile(name, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKillDuringImport kills an import with SIGKILL in the middle, then
// checks that the database opens with each document whole or absent, and that
// the next import finishes the job.
func TestKillDuringImport(t *testing.T) {
	// Enough documents that the kill comes in the middle of the import,
	// few enough that the next import finishes in seconds.
	const n = 3000
	data, src := t.TempDir(), t.TempDir()
	writeSynthetic(t, src, n)

	cmd := exec.Command(binary, "import", "--data", data, src)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	// Wait until some documents are in, then kill.
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(filepath.Join(data, "fonds.db")); err == nil {
			s := openData(t, data)
			_, total, err := s.Documents(ctx, fonds.Filter{Limit: 1})
			s.Close()
			if err == nil && total >= 200 {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("import ended before it could be killed (%v); make the corpus larger", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("import wrote nothing in time")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-done

	s := openData(t, data)
	docs, total, err := s.Documents(ctx, fonds.Filter{})
	if err != nil {
		t.Fatalf("after kill -9, listing documents: %v", err)
	}
	if total == 0 || total >= n {
		t.Fatalf("after kill -9, %d documents stored; want some but not all of %d", total, n)
	}
	for _, d := range docs {
		if d.Hash != d.ContentHash() || len(d.Witnesses) == 0 || len(d.Pages) != 2 {
			t.Fatalf("document %s is not whole after kill -9", d.ID)
		}
	}
	s.Close()
	t.Logf("killed with %d of %d documents stored", total, n)

	_, stderr := mustFonds(t, "import", "--data", data, src)
	want := fmt.Sprintf("added %d, updated 0, unchanged %d, failed 0", n-total, total)
	if !strings.Contains(stderr, want) {
		t.Errorf("the next import said %q, want %q", stderr, want)
	}
	// The search index is whole too: every document is found.
	_, stderr = mustFonds(t, "check", "--data", data)
	if want := fmt.Sprintf("%d published documents; 0 indexed, 0 removed", n); !strings.Contains(stderr, want) {
		t.Errorf("check after the next import said %q, want %q", stderr, want)
	}
}
