package main

import (
	"context"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"fonds/bleve"
)

// TestBench runs a small benchmark to its end, server and all, and checks
// that the report holds every figure.
func TestBench(t *testing.T) {
	stdout, _ := mustFonds(t, "bench", "--n", "60", "--queries", "3", "--duration", "1s", "--dir", t.TempDir())
	for _, want := range []string{
		"| Import rate |", "| CPU per document |", "| On disk: store |", "| On disk: index |",
		"| On disk: together |", "| Peak memory: import |", "| Peak memory: serving |",
		"| Search page at 16 clients |", "| word |", "| phrase |", "| phrase with a stop word |",
		"| stop words only |", "| Russian case form |", "| name in a romanization |",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout)
		}
	}
	if runtime.GOOS == "linux" {
		for _, want := range []string{"| Peak anonymous memory: import |", "| Peak anonymous memory: serving |"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("the report lacks %q:\n%s", want, stdout)
			}
		}
	}
	if strings.Contains(stdout, "errors of the search page") {
		t.Errorf("the search page failed:\n%s", stdout)
	}
}

// TestBenchPostgres runs a small benchmark into a PostgreSQL database, and
// then again into the same one, which it refuses: it is no longer empty.
func TestBenchPostgres(t *testing.T) {
	db := testDatabase(t)
	stdout, _ := mustFonds(t, "bench", "--n", "60", "--queries", "3", "--duration", "1s", "-v", "--dir", t.TempDir(), "--db", db)
	for _, want := range []string{
		"Store: PostgreSQL", "search index: *", "| Import rate |", "| On disk: store |", "pg_database_size",
		"| On disk: index |", "| Search page at 16 clients |", "| word |", "| documents |",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "errors of the search page") {
		t.Errorf("the search page failed:\n%s", stdout)
	}
	_, stderr, code := runFonds(t, "bench", "--n", "60", "--duration", "0", "--dir", t.TempDir(), "--db", db)
	if code == 0 || !strings.Contains(stderr, "empty database") {
		t.Errorf("fonds bench --db (a database not empty): exit %d, %q; want a refusal", code, stderr)
	}
}

func TestBenchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--n", "0"},
		{"bench", "--clients", "0"},
		{"bench", "--duration", "-1s"},
		{"bench", "extra"},
	} {
		if _, _, code := runFonds(t, args...); code != 2 {
			t.Errorf("fonds %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
}

func TestCaseForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for w, forms := range map[string][]string{
		"Сахаров":     {"Сахарова", "Сахарову", "Сахаровым", "Сахарове"},
		"комитет":     {"комитета", "комитету", "комитетом", "комитете"},
		"группа":      {"группы", "группе", "группу", "группой"},
		"решение":     {"решения", "решению", "решением"},
		"Буковский":   {"Буковского", "Буковскому", "Буковским"},
		"организация": {"организации", "организацию", "организацией"},
		"Brezhnev":    {"Brezhnev"},
	} {
		for range 20 {
			if got := caseForm(w, rng); !strings.Contains(" "+strings.Join(forms, " ")+" ", " "+got+" ") {
				t.Errorf("caseForm(%q) = %q, want one of %v", w, got, forms)
			}
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestBenchStopped times searches in an index that stops every one at its
// timeout: each is counted as stopped, none ends the benchmark.
func TestBenchStopped(t *testing.T) {
	ix, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ix.Timeout = time.Nanosecond
	kinds := []*benchKind{{name: "word", queries: []string{"committee", "report"}}}
	if err := timeSearches(context.Background(), ix, kinds); err != nil {
		t.Fatalf("timeSearches: %v", err)
	}
	if want := 2 * len(searchModes); kinds[0].stopped != want || len(kinds[0].modes) != len(searchModes) {
		t.Errorf("stopped %d, modes %d; want %d, %d", kinds[0].stopped, len(kinds[0].modes), want, len(searchModes))
	}
	// A search that fails otherwise still ends it.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := timeSearches(ctx, ix, []*benchKind{{name: "word", queries: []string{"committee"}}}); err == nil {
		t.Error("timeSearches with its context cancelled: no error")
	}
}
