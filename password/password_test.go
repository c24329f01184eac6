package password

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"fonds"
)

// quick is a hash of "correct horse" with the least parameters Verify
// accepts, so that the tests that only parse run fast.
const quick = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$"

func quickHash(t testing.TB, pw string) string {
	t.Helper()
	key := derive(pw, []byte("saltsaltsalt"), 1, 8, 1, 32)
	return quick + b64.EncodeToString(key)
}

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("Hash = %q, want the PHC form with m=65536,t=3,p=2", h)
	}
	h2, err := Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if h == h2 {
		t.Errorf("two hashes of one password are equal: %q; want each its own salt", h)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"correct horse", true},
		{"correct horsE", false},
		{"correct horse ", false},
		{"correct", false},
	} {
		ok, err := Verify(h, tc.pw)
		if tc.pw == "correct" {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Verify(h, %q) error = %v, want ErrInvalid", tc.pw, err)
			}
		} else if err != nil {
			t.Errorf("Verify(h, %q): %v", tc.pw, err)
		}
		if ok != tc.want {
			t.Errorf("Verify(h, %q) = %v, want %v", tc.pw, ok, tc.want)
		}
	}
}

func TestLength(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want error
	}{
		{0, ErrInvalid},
		{7, ErrInvalid},
		{8, nil},
		{1024, nil},
		{1025, ErrInvalid},
	} {
		pw := strings.Repeat("x", tc.n)
		if err := Check(pw); !errors.Is(err, tc.want) {
			t.Errorf("Check(%d bytes) = %v, want %v", tc.n, err, tc.want)
		}
	}
	if _, err := Hash("short"); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("Hash(%q) error = %v, want fonds.ErrInvalid", "short", err)
	}
	long := strings.Repeat("é", 600)
	if _, err := Hash(long); !errors.Is(err, ErrInvalid) {
		t.Errorf("Hash(1200 bytes) error = %v, want ErrInvalid", err)
	}
}

func TestVerifyReadsParameters(t *testing.T) {
	h := quickHash(t, "correct horse")
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct horse", true}, {"wrong horse", false}} {
		if ok, err := Verify(h, tc.pw); ok != tc.want || err != nil {
			t.Errorf("Verify(%q, %q) = %v, %v; want %v, nil", h, tc.pw, ok, err, tc.want)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	valid := quickHash(t, "correct horse")
	salt := b64.EncodeToString([]byte("saltsaltsalt"))
	key := valid[strings.LastIndex(valid, "$")+1:]
	for _, enc := range []string{
		"",
		"correct horse",
		"$argon2i$v=19$m=8,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=8,t=1,p=1$" + salt + "$" + key,
		"$argon2id$m=8,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=8,t=1$" + salt + "$" + key,
		"$argon2id$v=19$t=1,m=8,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=08,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=+8,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=8,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=8,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=4,t=1,p=1$" + salt + "$" + key,                    // less than 8 KiB a lane
		"$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key,           // 4 TiB
		"$argon2id$v=19$m=524288,t=1,p=1$" + salt + "$" + key,               // 512 MiB
		"$argon2id$v=19$m=8,t=1000000,p=1$" + salt + "$" + key,              // a million passes
		"$argon2id$v=19$m=4096,t=1,p=255$" + salt + "$" + key,               // 255 lanes
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key + "$",              // a field more
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "=$" + key,                   // padded
		"$argon2id$v=19$m=8,t=1,p=1$c2FsdA$" + key,                          // a 4-byte salt
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key[:10],               // a short key
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + strings.Repeat(key, 8), // too long
		"$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key[:len(key)-1] + "!",
	} {
		if ok, err := Verify(enc, "correct horse"); ok || !errors.Is(err, ErrMalformed) {
			t.Errorf("Verify(%q) = %v, %v; want false, ErrMalformed", enc, ok, err)
		}
	}
}

// TestConcurrent runs more hashes than the processors at once: they wait
// for one another, and each gives its own answer.
func TestConcurrent(t *testing.T) {
	h := quickHash(t, "correct horse")
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Go(func() {
			pw := "correct horse"
			if i%2 == 1 {
				pw = "wrong horse!"
			}
			ok, err := Verify(h, pw)
			if err == nil && ok != (i%2 == 0) {
				err = errors.New("wrong answer")
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Verify %d: %v", i, err)
		}
	}
	if n := len(running); n != 0 {
		t.Errorf("%d tokens still held after every hash returned", n)
	}
}

// FuzzVerify checks that no encoded string makes Verify panic or accept a
// password it was not made from, and that what it accepts is within the
// bounds.
func FuzzVerify(f *testing.F) {
	f.Add(quickHash(f, "correct horse"), "correct horse")
	f.Add(quick+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "correct horse")
	f.Add("$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$AAAA", "password")
	f.Add("$argon2id$v=19$m=99999999999,t=1,p=1$$", "password")
	f.Fuzz(func(t *testing.T, enc, pw string) {
		h, err := parse(enc)
		if err != nil {
			if ok, verr := Verify(enc, pw); ok || verr == nil {
				t.Fatalf("Verify(%q) = %v, %v; parse refused it: %v", enc, ok, verr, err)
			}
			return
		}
		if h.memory > maxMemory || h.passes > maxPasses || h.passes == 0 || h.lanes == 0 || h.lanes > maxLanes ||
			len(h.salt) < minSaltLen || len(h.key) < minKeyLen || len(h.key) > maxKeyLen {
			t.Fatalf("parse(%q) accepted parameters out of bounds: %+v", enc, h)
		}
		if h.memory > 1<<10 || h.passes > 2 {
			return // costly; the bounds are what matter here
		}
		ok, err := Verify(enc, pw)
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("Verify(%q, %q): %v", enc, pw, err)
		}
		if ok {
			key := derive(pw, h.salt, h.passes, h.memory, h.lanes, uint32(len(h.key)))
			if string(key) != string(h.key) {
				t.Fatalf("Verify(%q, %q) = true for another key", enc, pw)
			}
		}
	})
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	h, err := Hash("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, err := Verify(h, "correct horse battery staple"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
