// Package password hashes passwords with argon2id (RFC 9106) and checks
// them against their hash. A hash is kept in the PHC string form,
// "$argon2id$v=19$m=65536,t=3,p=2$SALT$KEY", which carries its own
// parameters, so that they can be raised later without invalidating the
// hashes already kept.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"

	"fonds"
)

// The bounds of a password's length, in bytes. The upper one keeps a
// megabyte of text from being hashed.
const (
	MinLen = 8
	MaxLen = 1024
)

// The parameters of the hashes Hash makes: RFC 9106's second recommended
// option (64 MiB, 3 passes) with two lanes, one per processor of a small
// server.
const (
	memory  = 64 << 10 // KiB
	passes  = 3
	lanes   = 2
	saltLen = 16
	keyLen  = 32
)

// The bounds of the parameters Verify accepts from a hash: a hash crafted
// with absurd ones (a terabyte of memory, a million passes) is refused
// rather than computed.
const (
	maxMemory  = 256 << 10 // KiB
	maxPasses  = 16
	maxLanes   = 16
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
	maxEncoded = 256
)

var (
	// ErrInvalid is a password too short or too long.
	ErrInvalid = fmt.Errorf("%w: a password must have %d to %d bytes", fonds.ErrInvalid, MinLen, MaxLen)
	// ErrMalformed is a hash that is not an argon2id hash in the PHC
	// string form, or whose parameters are out of bounds.
	ErrMalformed = errors.New("password: not an argon2id hash with acceptable parameters")
)

// running holds a token for each hash being computed. Each costs its
// memory (64 MiB) while it runs: a flood of sign-ins waits for a token
// instead of taking a gigabyte at once.
var running = make(chan struct{}, runtime.GOMAXPROCS(0))

// Check returns ErrInvalid if pw cannot be a password.
func Check(pw string) error {
	if len(pw) < MinLen || len(pw) > MaxLen {
		return ErrInvalid
	}
	return nil
}

// Hash returns the argon2id hash of pw, with a new random salt, in the PHC
// string form.
func Hash(pw string) (string, error) {
	if err := Check(pw); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := derive(pw, salt, passes, memory, lanes, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memory, passes, lanes,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw is the password encoded was made from,
// comparing in constant time. It reads the parameters from encoded, and
// returns ErrMalformed when it is not a hash Hash could have made (or one
// with parameters within bounds), and ErrInvalid when pw cannot be a
// password.
func Verify(encoded, pw string) (bool, error) {
	h, err := parse(encoded)
	if err != nil {
		return false, err
	}
	if err := Check(pw); err != nil {
		return false, err
	}
	key := derive(pw, h.salt, h.passes, h.memory, h.lanes, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// derive computes the key, waiting for a token to do it.
func derive(pw string, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	running <- struct{}{}
	defer func() { <-running }()
	return argon2.IDKey([]byte(pw), salt, t, m, p, n)
}

// PHC strings encode in standard base64 without padding.
var b64 = base64.RawStdEncoding

type hash struct {
	memory, passes uint32
	lanes          uint8
	salt, key      []byte
}

// parse reads a hash in the PHC string form, and checks its parameters.
func parse(encoded string) (*hash, error) {
	if len(encoded) > maxEncoded {
		return nil, ErrMalformed
	}
	f := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" || f[2] != "v="+strconv.Itoa(argon2.Version) {
		return nil, ErrMalformed
	}
	params := strings.Split(f[3], ",")
	if len(params) != 3 {
		return nil, ErrMalformed
	}
	var v [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		s, ok := strings.CutPrefix(params[i], name)
		if !ok || s == "" || s[0] == '0' || s[0] == '+' {
			return nil, ErrMalformed
		}
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return nil, ErrMalformed
		}
		v[i] = n
	}
	h := &hash{memory: uint32(v[0]), passes: uint32(v[1])}
	if v[2] > maxLanes || h.passes > maxPasses || h.memory > maxMemory || h.memory < 8*uint32(v[2]) {
		return nil, ErrMalformed
	}
	h.lanes = uint8(v[2])
	var err error
	if h.salt, err = b64.Strict().DecodeString(f[4]); err != nil || len(h.salt) < minSaltLen || len(h.salt) > maxSaltLen {
		return nil, ErrMalformed
	}
	if h.key, err = b64.Strict().DecodeString(f[5]); err != nil || len(h.key) < minKeyLen || len(h.key) > maxKeyLen {
		return nil, ErrMalformed
	}
	return h, nil
}
