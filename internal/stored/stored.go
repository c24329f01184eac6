// Package stored owns what every fonds.Store implementation does alike,
// whatever its database: the checks of what it is asked to keep (documents,
// filters, saves, users, sessions), who may see a stored document, the
// bounds of the texts its logs keep, the encoding of a document's body,
// whose bytes and checksum are those a store keeps, and the rules by which
// a store names and sorts the entities documents mention (entities.go).
//
// It holds no SQL, so that the SQLite and PostgreSQL stores share one
// definition of each.
package stored

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fonds"
)

// The longest texts the audit log and the versions keep, in bytes: a name,
// an address, an action, a target, and a message or detail. Longer ones are
// cut, so that no request can grow the log by more than a few kilobytes.
const (
	MaxName   = 256
	MaxTarget = 1024
	MaxDetail = 4096
)

// Bounds of what a store keeps of a user, a session and a failed sign-in.
const (
	MaxFullName = 200 // characters
	MaxEmail    = 254 // bytes, the longest address SMTP carries
	MaxHash     = 1024
	MaxCSRF     = 256
	MaxAddress  = 300
	MaxKeys     = 8   // keys a failed sign-in counts against
	MaxKey      = 300 // bytes: room for an IPv6 address or a user name and a prefix
)

// MaxID is the longest, in bytes, of a document's id, an alias path, a
// collection's slug and a setting's name: keys of indexes, which
// PostgreSQL cannot hold much longer than 2.7 kB, and parts of URLs.
const MaxID = 1024

// CheckID reports as an ErrInvalid an id (what says of what) that is empty
// or longer than MaxID.
func CheckID(what, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty %s", fonds.ErrInvalid, what)
	case len(id) > MaxID:
		return fmt.Errorf("%w: %s %q… longer than %d bytes", fonds.ErrInvalid, what, Bound(id, 40), MaxID)
	}
	return nil
}

// Bound returns s cut to at most n bytes, at the start of a character.
func Bound(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// CheckDocument reports what makes d unfit to store, as an ErrInvalid.
func CheckDocument(d *fonds.Document) error {
	switch {
	case d == nil:
		return fmt.Errorf("%w: no document", fonds.ErrInvalid)
	case d.ID == "":
		return fmt.Errorf("%w: document without an id", fonds.ErrInvalid)
	case len(d.ID) > MaxID:
		return CheckID("document id", d.ID)
	case d.Collection == "":
		return fmt.Errorf("%w: document %s has no collection", fonds.ErrInvalid, d.ID)
	case len(d.Collection) > MaxID:
		return fmt.Errorf("document %s: %w", d.ID, CheckID("collection", d.Collection))
	case !d.Status.Valid():
		return fmt.Errorf("%w: document %s: status %q is not one of %q", fonds.ErrInvalid, d.ID, d.Status, fonds.Statuses)
	}
	for _, p := range d.Aliases {
		if len(p) > MaxID {
			return fmt.Errorf("document %s: %w", d.ID, CheckID("alias", p))
		}
	}
	if d.Embargo != "" {
		if _, err := fonds.ParseEmbargo(d.Embargo); err != nil {
			return fmt.Errorf("document %s: %w", d.ID, err)
		}
	}
	for _, v := range []string{d.Date.Start, d.Date.End} {
		if v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return fmt.Errorf("%w: document %s: date %q is not YYYY-MM-DD", fonds.ErrInvalid, d.ID, v)
		}
	}
	if d.Date.Start == "" && d.Date.End != "" {
		return fmt.Errorf("%w: document %s: date ends %s but has no start", fonds.ErrInvalid, d.ID, d.Date.End)
	}
	if d.Number < 0 {
		return fmt.Errorf("%w: document %s: negative number %d", fonds.ErrInvalid, d.ID, d.Number)
	}
	return nil
}

// CheckFilter reports what makes f meaningless, as an ErrInvalid.
func CheckFilter(f fonds.Filter) error {
	switch {
	case f.Offset < 0:
		return fmt.Errorf("%w: negative offset %d", fonds.ErrInvalid, f.Offset)
	case f.Limit < 0:
		return fmt.Errorf("%w: negative limit %d", fonds.ErrInvalid, f.Limit)
	case f.Year < 0:
		return fmt.Errorf("%w: negative year %d", fonds.ErrInvalid, f.Year)
	case f.Month < 0 || f.Month > 12:
		return fmt.Errorf("%w: month %d is not 1 to 12", fonds.ErrInvalid, f.Month)
	case f.Month != 0 && f.Year == 0:
		return fmt.Errorf("%w: month %d without a year", fonds.ErrInvalid, f.Month)
	case f.Status != "" && !f.Status.Valid():
		return fmt.Errorf("%w: unknown status %q", fonds.ErrInvalid, f.Status)
	case f.Held != "" && !f.Held.Valid():
		return fmt.Errorf("%w: unknown list of held documents %q", fonds.ErrInvalid, f.Held)
	case f.Section != "" && f.Collection == "":
		return fmt.Errorf("%w: section %q without a collection", fonds.ErrInvalid, f.Section)
	case f.Order == fonds.ByNumber && f.Collection == "":
		return fmt.Errorf("%w: order by number without a collection: numbers are those of a volume", fonds.ErrInvalid)
	}
	for _, d := range []struct{ name, v string }{{"from", f.From}, {"to", f.To}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return fmt.Errorf("%w: %s date %q is not YYYY-MM-DD", fonds.ErrInvalid, d.name, d.v)
		}
	}
	switch f.Order {
	case "", fonds.ByDate, fonds.ByAdded, fonds.ByNumber:
		return nil
	}
	return fmt.Errorf("%w: unknown order %q", fonds.ErrInvalid, f.Order)
}

// CheckSave reports whether a save from version want may replace the
// stored version have (0 when the id names no stored document), as an
// ErrConflict naming the stored one when it may not.
func CheckSave(id string, want, have int) error {
	switch {
	case want == 0:
		return nil
	case want == -1 && have != 0:
		return fmt.Errorf("%w: document %s already exists, at version %d", fonds.ErrConflict, id, have)
	case want > 0 && have == 0:
		return fmt.Errorf("%w: document %s was deleted after version %d", fonds.ErrConflict, id, want)
	case want > 0 && have != want:
		return fmt.Errorf("%w: document %s is at version %d, saved since version %d", fonds.ErrConflict, id, have, want)
	}
	return nil
}

// Month returns the month stored for a date: 0 for a date known only to
// the year, which is a year's document and not January's.
func Month(d fonds.Date) int {
	if d.Precision == fonds.PrecisionYear {
		return 0
	}
	return d.Month()
}

// Access is who may see a document, as a store keeps it beside the
// document to select by it.
type Access struct {
	// Status is what the public sees: StatusPublished for a document
	// released and not restricted, StatusDraft otherwise.
	Status     fonds.Status
	Released   bool      // published and out of any embargo, restricted or not
	EmbargoAt  time.Time // the end of the embargo, or zero
	Restricted bool
}

// AccessOf returns the access of d at t. An embargo that cannot be read
// (only a document stored before embargoes were checked may have one) keeps
// the document hidden and is never released.
func AccessOf(d *fonds.Document, t time.Time) Access {
	a := Access{Status: fonds.StatusDraft, Released: d.Released(t), Restricted: d.Restricted}
	if d.Embargo != "" {
		if e, err := fonds.ParseEmbargo(d.Embargo); err == nil {
			a.EmbargoAt = e
		}
	}
	if a.Released && !a.Restricted {
		a.Status = fonds.StatusPublished
	}
	return a
}

// Sum returns the SHA-256 of a stored body, in hex: the fixity of one
// version, recorded when it is written and compared by Verify.
func Sum(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}

// hashHolder stands for the content hash in an encoding of a document, to
// be overwritten by it: as long as a hash in hex.
var hashHolder = strings.Repeat("0", sha256.Size*2)

// Encode sets c.Hash to c.ContentHash() and returns c encoded as stored, as
// json.Marshal encodes it, from one encoding of c where ContentHash and the
// body would take two: a document may be megabytes.
//
// ContentHash hashes the encoding of the document with the fields that
// follow its content (Hash, Created, Updated and Version, last in the
// struct) zeroed; the stored body differs from that only after the
// content. So c is encoded with a placeholder for its hash, the hash is
// taken of the content and of the end ContentHash's encoding would have,
// and it is written over the placeholder. Should the encoding not end as
// expected (the struct changed), Encode falls back on encoding twice.
func Encode(c *fonds.Document) ([]byte, error) {
	c.Hash = hashHolder
	body, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	stored, err := encodingEnd(hashHolder, c.Created, c.Updated, c.Version)
	if err != nil {
		return nil, err
	}
	hashed, err := encodingEnd("", time.Time{}, time.Time{}, 0)
	if err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(body, stored) {
		c.Hash = c.ContentHash()
		return json.Marshal(c)
	}
	content := body[:len(body)-len(stored)]
	h := sha256.New()
	h.Write(content)
	h.Write(hashed)
	c.Hash = hex.EncodeToString(h.Sum(nil))
	copy(body[len(content)+len(`,"hash":"`):], c.Hash)
	return body, nil
}

// encodingEnd returns how json.Marshal ends the encoding of a document with
// the hash, times and version, after its content.
func encodingEnd(hash string, created, updated time.Time, version int) ([]byte, error) {
	var b bytes.Buffer
	if hash != "" {
		b.WriteString(`,"hash":"` + hash + `"`)
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"created", created}, {"updated", updated}} {
		v, err := f.t.MarshalJSON()
		if err != nil {
			return nil, err
		}
		b.WriteString(`,"` + f.name + `":`)
		b.Write(v)
	}
	if version != 0 {
		b.WriteString(`,"version":` + strconv.Itoa(version))
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

// Decode returns the document stored as body.
func Decode(body []byte) (*fonds.Document, error) {
	var d fonds.Document
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("decode stored document: %w", err)
	}
	d.Created, d.Updated = d.Created.UTC(), d.Updated.UTC()
	return &d, nil
}

// CheckUser reports what makes u unfit to store, as an ErrInvalid.
func CheckUser(u *fonds.User) error {
	if u == nil {
		return fmt.Errorf("%w: no user", fonds.ErrInvalid)
	}
	if !fonds.ValidUserName(u.Name) {
		return fmt.Errorf("%w: user name %q: want 1 to 64 lower-case letters, digits, '.', '_' or '-'", fonds.ErrInvalid, u.Name)
	}
	if _, err := fonds.ParseRole(string(u.Role)); err != nil {
		return fmt.Errorf("user %s: %w", u.Name, err)
	}
	if err := CheckText("full name", u.FullName, MaxFullName, utf8.RuneCountInString(u.FullName)); err != nil {
		return fmt.Errorf("user %s: %w", u.Name, err)
	}
	if err := CheckText("email", u.Email, MaxEmail, len(u.Email)); err != nil {
		return fmt.Errorf("user %s: %w", u.Name, err)
	}
	if u.PasswordHash == "" {
		return fmt.Errorf("%w: user %s has no password hash", fonds.ErrInvalid, u.Name)
	}
	if len(u.PasswordHash) > MaxHash {
		return fmt.Errorf("%w: user %s: password hash longer than %d bytes", fonds.ErrInvalid, u.Name, MaxHash)
	}
	return nil
}

// CheckText reports as an ErrInvalid a text of n units over max, or one
// that is not UTF-8 or holds control characters (a line break in a name
// would break the lines of the audit log and of a history).
func CheckText(what, s string, max, n int) error {
	switch {
	case n > max:
		return fmt.Errorf("%w: %s longer than %d", fonds.ErrInvalid, what, max)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: %s is not UTF-8", fonds.ErrInvalid, what)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: %s holds a control character", fonds.ErrInvalid, what)
	}
	return nil
}

// ValidSessionID reports whether id is a hex SHA-256 in lower case: what
// a store keeps of a session's token, never the token itself.
func ValidSessionID(id string) bool {
	if len(id) != 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// CheckSession reports what makes ss unfit to store, as an ErrInvalid.
func CheckSession(ss *fonds.Session) error {
	switch {
	case ss == nil:
		return fmt.Errorf("%w: no session", fonds.ErrInvalid)
	case !ValidSessionID(ss.ID):
		return fmt.Errorf("%w: session id is not the lower-case hex SHA-256 of a token", fonds.ErrInvalid)
	case ss.User == "":
		return fmt.Errorf("%w: session without a user", fonds.ErrInvalid)
	case ss.CSRF == "" || len(ss.CSRF) > MaxCSRF:
		return fmt.Errorf("%w: session CSRF token empty or longer than %d bytes", fonds.ErrInvalid, MaxCSRF)
	case len(ss.Address) > MaxAddress:
		return fmt.Errorf("%w: session address longer than %d bytes", fonds.ErrInvalid, MaxAddress)
	}
	return nil
}

// CheckKeys reports as an ErrInvalid keys that are none, too many, empty
// or too long, and returns them without repeats.
func CheckKeys(keys []string) ([]string, error) {
	if len(keys) == 0 || len(keys) > MaxKeys {
		return nil, fmt.Errorf("%w: %d keys, want 1 to %d", fonds.ErrInvalid, len(keys), MaxKeys)
	}
	var uniq []string
	for _, k := range keys {
		if k == "" || len(k) > MaxKey {
			return nil, fmt.Errorf("%w: key empty or longer than %d bytes", fonds.ErrInvalid, MaxKey)
		}
		if !slices.Contains(uniq, k) {
			uniq = append(uniq, k)
		}
	}
	return uniq, nil
}

// CheckSum returns what is wrong with the stored version n (0 for the
// current one) of the document id, whose body is body and whose SHA-256
// was recorded as recorded when it was written: "" when nothing is.
func CheckSum(id string, n int, body []byte, recorded string) string {
	switch got := Sum(body); {
	case recorded == "":
		return fmt.Sprintf("document %q, %s: no SHA-256 recorded", id, versionName(n))
	case got != recorded:
		return fmt.Sprintf("document %q, %s: SHA-256 is %s, recorded %s: the stored text has changed",
			id, versionName(n), got, recorded)
	}
	return ""
}

// Damaged returns the problem of the stored version n (0 for the current
// one) of the document id, whose body could not be read as stored (err),
// in the words of CheckSum.
func Damaged(id string, n int, err error) string {
	return fmt.Sprintf("document %q, %s: %v: the stored text is damaged", id, versionName(n), err)
}

// versionName names the stored version n of a document: 0 is the current
// one.
func versionName(n int) string {
	if n > 0 {
		return fmt.Sprintf("revision %d", n)
	}
	return "current version"
}

// CheckSessionsDeletion reports, as an ErrInvalid, a deletion of sessions
// that does not give exactly one of an id, a user and a time (not empty,
// not zero), so that a mistake never signs everyone out.
func CheckSessionsDeletion(id, user string, seenBefore time.Time) error {
	n := 0
	for _, given := range []bool{id != "", user != "", !seenBefore.IsZero()} {
		if given {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("%w: want exactly one of an id, a user and a time, got %d", fonds.ErrInvalid, n)
	}
	return nil
}
