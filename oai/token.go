package oai

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"fonds"
)

// token is the state of a list between two of its pages: what a resumption
// token encodes. Times are in RFC 3339 with nanoseconds, "" when unset.
type token struct {
	Verb   string `json:"v"`
	Prefix string `json:"p"`
	Set    string `json:"s,omitempty"`
	// Collection and Category are what Set selects.
	Collection string `json:"sc,omitempty"`
	Category   string `json:"sk,omitempty"`
	From       string `json:"f,omitempty"`
	Until      string `json:"u,omitempty"`
	// AfterTime and AfterID are the datestamp, at full precision, and the
	// id of the last record sent: the list goes on after them.
	AfterTime string `json:"at,omitempty"`
	AfterID   string `json:"ai,omitempty"`
	Cursor    int    `json:"c"` // how many records were sent before
	Expires   int64  `json:"e"` // Unix seconds
}

// tokenVersion starts what is signed, so that a change of the token's form
// invalidates the tokens of the old form.
const tokenVersion = "oai-token-1\n"

// encodeToken returns the token as an opaque string of URL-safe characters:
// the state and its signature, both in base64.
func (h *handler) encodeToken(t token) string {
	b, err := json.Marshal(t)
	if err != nil {
		panic("oai: marshal token: " + err.Error()) // strings and numbers only
	}
	return base64.RawURLEncoding.EncodeToString(b) + "." + base64.RawURLEncoding.EncodeToString(h.sign(b))
}

func (h *handler) sign(b []byte) []byte {
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(tokenVersion))
	mac.Write(b)
	return mac.Sum(nil)
}

// filter returns the record filter of the token's list, from where it
// stopped, with a limit. decodeToken checked its times.
func (t token) filter(limit int) fonds.RecordFilter {
	f := fonds.RecordFilter{Collection: t.Collection, Category: t.Category, AfterID: t.AfterID, Limit: limit}
	f.From, _ = parseTime(t.From)
	f.Until, _ = parseTime(t.Until)
	f.AfterTime, _ = parseTime(t.AfterTime)
	return f
}

// decodeToken returns the state of the token, which must be signed by this
// handler's key, unexpired, and issued for the verb.
func (h *handler) decodeToken(s, verb string) (token, error) {
	bad := errors.New("the resumption token is not one this repository issued")
	payload, sig, ok := strings.Cut(s, ".")
	if !ok {
		return token{}, bad
	}
	b, err1 := base64.RawURLEncoding.DecodeString(payload)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, h.sign(b)) {
		return token{}, bad
	}
	var t token
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return token{}, bad
	}
	for _, s := range []string{t.From, t.Until, t.AfterTime} {
		if _, err := parseTime(s); err != nil {
			return token{}, bad
		}
	}
	switch {
	case t.Verb != verb:
		return token{}, errors.New("the resumption token continues a list of " + t.Verb + ", not of " + verb)
	case h.now().Unix() >= t.Expires:
		return token{}, errors.New("the resumption token has expired: start the list again")
	}
	return t, nil
}

// formatTime returns t for a token, "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// parseTime returns the time a token holds, the zero time for "".
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}
