package fondstest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fonds"
)

// TestUserStore runs the contract of fonds.UserStore against stores made by
// open, a fresh empty store per subtest, which open arranges to close when
// the subtest ends (t.Cleanup).
//
// Beyond what the interface's documentation says, the contract fixes these
// choices, which the web and the command line rely on:
//   - a user whose name is not fonds.ValidUserName, whose role is not one of
//     fonds.Roles, whose full name is longer than 200 characters or email
//     longer than 254 bytes, either holding a control character or not
//     UTF-8, or who has no password hash, is an ErrInvalid; nothing is
//     stored and the user is left as it was;
//   - replacing a user keeps its Created; Users of an empty store is empty;
//   - a session whose ID is not a lower-case hex SHA-256 (64 digits), whose
//     user does not exist, or without a CSRF token is an ErrInvalid;
//     updating a session keeps its Created (touching a session never moves
//     its absolute expiry); a zero Created or Seen is the current time;
//   - DeleteSessions takes exactly one of an id, a user and a time, else it
//     is an ErrInvalid and deletes nothing; a session seen at exactly the
//     time is kept; deleting what does not exist is no error;
//   - LoginFailures takes 1 to 8 keys of 1 to 300 bytes, else it is an
//     ErrInvalid; a key given twice counts once; calls at the same time
//     count one after the other, so that each returns a different count;
//   - times are returned in UTC; they are compared to the microsecond.
func TestUserStore(t *testing.T, open func(t *testing.T) fonds.UserStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, fonds.UserStore)
	}{
		{"Users", testUsers},
		{"UsersInvalid", testUsersInvalid},
		{"UserNotFound", testUserNotFound},
		{"Sessions", testSessions},
		{"SessionsInvalid", testSessionsInvalid},
		{"DeleteSessionByID", testDeleteSessionByID},
		{"TouchSession", testTouchSession},
		{"DeleteSessionsByUser", testDeleteSessionsByUser},
		{"DeleteSessionsByAge", testDeleteSessionsByAge},
		{"DeleteSessionsSelectors", testDeleteSessionsSelectors},
		{"DisabledUserSessions", testDisabledUserSessions},
		{"LoginFailures", testLoginFailures},
		{"LoginFailuresForget", testLoginFailuresForget},
		{"LoginFailuresInvalid", testLoginFailuresInvalid},
		{"LoginFailuresConcurrent", testLoginFailuresConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// newUser returns a valid user with the name and role.
func newUser(name string, role fonds.Role) *fonds.User {
	return &fonds.User{
		Name:         name,
		FullName:     "Full Name of " + name,
		Email:        name + "@example.org",
		Role:         role,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
	}
}

func mustPutUser(t *testing.T, s fonds.UserStore, u *fonds.User) {
	t.Helper()
	if err := s.PutUser(context.Background(), u); err != nil {
		t.Fatalf("PutUser(%q) = %v", u.Name, err)
	}
}

// checkUser reports where got differs from want, times to the microsecond.
func checkUser(t *testing.T, what string, got, want *fonds.User) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = nil, want %+v", what, want)
		return
	}
	g, w := *got, *want
	g.Created, g.Updated = normalTime(g.Created), normalTime(g.Updated)
	w.Created, w.Updated = normalTime(w.Created), normalTime(w.Updated)
	if g != w {
		t.Errorf("%s = %+v\nwant %+v", what, g, w)
	}
	if got.Created.Location() != time.UTC || got.Updated.Location() != time.UTC {
		t.Errorf("%s: times %v, %v, want them in UTC", what, got.Created, got.Updated)
	}
}

func userNames(us []*fonds.User) []string {
	names := []string{}
	for _, u := range us {
		names = append(names, u.Name)
	}
	return names
}

func testUsers(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	us, err := s.Users(ctx)
	if err != nil || len(us) != 0 {
		t.Fatalf("Users() of an empty store = %v, %v, want none", userNames(us), err)
	}

	alice := newUser("alice", fonds.RoleEditor)
	mustPutUser(t, s, alice)
	if alice.Created.IsZero() || !alice.Updated.Equal(alice.Created) {
		t.Errorf("PutUser(alice) set Created %v, Updated %v, want the same time, not zero", alice.Created, alice.Updated)
	}
	got, err := s.User(ctx, "alice")
	if err != nil {
		t.Fatalf("User(%q) = %v", "alice", err)
	}
	checkUser(t, `User("alice")`, got, alice)

	// Replace: every field changes but the creation time.
	waitPast(alice.Updated)
	first := alice.Created
	changed := &fonds.User{
		Name:         "alice",
		FullName:     "Alice Liddell",
		Email:        "",
		Role:         fonds.RoleAdmin,
		Disabled:     true,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$b3RoZXJzYWx0$b3RoZXJoYXNob3RoZXJoYXNo",
	}
	mustPutUser(t, s, changed)
	if !sameTime(changed.Created, first) {
		t.Errorf("PutUser(alice) again set Created %v, want the first %v", changed.Created, first)
	}
	if !normalTime(changed.Updated).After(normalTime(first)) {
		t.Errorf("PutUser(alice) again set Updated %v, want after %v", changed.Updated, first)
	}
	got, err = s.User(ctx, "alice")
	if err != nil {
		t.Fatalf("User(%q) = %v", "alice", err)
	}
	checkUser(t, `User("alice") replaced`, got, changed)

	// Users come by name, whatever the order they were added in.
	for _, name := range []string{"carol", "bob", "a.b-c_d", "0day"} {
		mustPutUser(t, s, newUser(name, fonds.RoleReader))
	}
	us, err = s.Users(ctx)
	if err != nil {
		t.Fatalf("Users() = %v", err)
	}
	want := []string{"0day", "a.b-c_d", "alice", "bob", "carol"}
	if got := userNames(us); !slices.Equal(got, want) {
		t.Errorf("Users() = %q, want %q", got, want)
	}
	for _, u := range us {
		if u.Name == "alice" {
			checkUser(t, "Users() alice", u, changed)
		}
	}
}

func testUsersInvalid(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	tests := []struct {
		name string
		edit func(u *fonds.User)
		ok   bool
	}{
		{"valid", func(u *fonds.User) {}, true},
		{"name of 64", func(u *fonds.User) { u.Name = strings.Repeat("n", 64) }, true},
		{"full name of 200 characters", func(u *fonds.User) { u.FullName = strings.Repeat("é", 200) }, true},
		{"email of 254", func(u *fonds.User) { u.Email = strings.Repeat("e", 242) + "@example.org" }, true},
		{"no full name or email", func(u *fonds.User) { u.FullName, u.Email = "", "" }, true},
		{"empty name", func(u *fonds.User) { u.Name = "" }, false},
		{"upper-case name", func(u *fonds.User) { u.Name = "Alice" }, false},
		{"name with a space", func(u *fonds.User) { u.Name = "a b" }, false},
		{"name with a slash", func(u *fonds.User) { u.Name = "a/b" }, false},
		{"name of 65", func(u *fonds.User) { u.Name = strings.Repeat("n", 65) }, false},
		{"no role", func(u *fonds.User) { u.Role = fonds.RoleAnonymous }, false},
		{"unknown role", func(u *fonds.User) { u.Role = "owner" }, false},
		{"role in capitals", func(u *fonds.User) { u.Role = "Editor" }, false},
		{"full name of 201 characters", func(u *fonds.User) { u.FullName = strings.Repeat("é", 201) }, false},
		{"full name with a line break", func(u *fonds.User) { u.FullName = "Alice\nadmin" }, false},
		{"full name not UTF-8", func(u *fonds.User) { u.FullName = "Al\xffce" }, false},
		{"email of 255", func(u *fonds.User) { u.Email = strings.Repeat("e", 243) + "@example.org" }, false},
		{"email of 256 bytes, fewer characters", func(u *fonds.User) { u.Email = strings.Repeat("é", 122) + "@example.org" }, false},
		{"email with a control character", func(u *fonds.User) { u.Email = "a\x00@example.org" }, false},
		{"no password hash", func(u *fonds.User) { u.PasswordHash = "" }, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUser(fmt.Sprintf("user%d", i), fonds.RoleContributor)
			tt.edit(u)
			before := *u
			err := s.PutUser(ctx, u)
			if tt.ok {
				if err != nil {
					t.Fatalf("PutUser(%q) = %v, want success", u.Name, err)
				}
				got, err := s.User(ctx, u.Name)
				if err != nil {
					t.Fatalf("User(%q) = %v", u.Name, err)
				}
				checkUser(t, fmt.Sprintf("User(%q)", u.Name), got, u)
				return
			}
			if !errors.Is(err, fonds.ErrInvalid) {
				t.Fatalf("PutUser(%q) = %v, want %v", u.Name, err, fonds.ErrInvalid)
			}
			if *u != before {
				t.Errorf("PutUser(%q) failed but changed the user to %+v", u.Name, *u)
			}
			if fonds.ValidUserName(u.Name) {
				if _, err := s.User(ctx, u.Name); !errors.Is(err, fonds.ErrNotFound) {
					t.Errorf("User(%q) after a refused PutUser = %v, want %v", u.Name, err, fonds.ErrNotFound)
				}
			}
		})
	}
	if err := s.PutUser(ctx, nil); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutUser(nil) = %v, want %v", err, fonds.ErrInvalid)
	}

	// A refused replacement leaves the stored user as it was.
	u := newUser("kept", fonds.RoleReader)
	mustPutUser(t, s, u)
	bad := *u
	bad.Role = "owner"
	if err := s.PutUser(ctx, &bad); !errors.Is(err, fonds.ErrInvalid) {
		t.Fatalf("PutUser(kept, role owner) = %v, want %v", err, fonds.ErrInvalid)
	}
	got, err := s.User(ctx, "kept")
	if err != nil {
		t.Fatalf("User(%q) = %v", "kept", err)
	}
	checkUser(t, `User("kept") after a refused replacement`, got, u)
}

func testUserNotFound(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	mustPutUser(t, s, newUser("alice", fonds.RoleReader))
	for _, name := range []string{"bob", "", "Alice", "alice ", "' OR 1=1 --"} {
		if u, err := s.User(ctx, name); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("User(%q) = %v, %v, want %v", name, u, err, fonds.ErrNotFound)
		}
	}
}

// sessionID returns the ID a session with the token has.
func sessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newSession returns a session of the user with the token, created and
// last seen at the time.
func newSession(token, user string, at time.Time) *fonds.Session {
	return &fonds.Session{
		ID:      sessionID(token),
		User:    user,
		CSRF:    "csrf-" + token,
		Address: "192.0.2.1",
		Created: at,
		Seen:    at,
	}
}

func mustPutSession(t *testing.T, s fonds.UserStore, ss *fonds.Session) {
	t.Helper()
	if err := s.PutSession(context.Background(), ss); err != nil {
		t.Fatalf("PutSession(%s of %s) = %v", ss.ID, ss.User, err)
	}
}

// checkSession reports where the stored session with want's ID differs
// from want, times to the microsecond.
func checkSession(t *testing.T, s fonds.UserStore, want *fonds.Session) {
	t.Helper()
	got, err := s.Session(context.Background(), want.ID)
	if err != nil {
		t.Errorf("Session(%s) = %v", want.ID, err)
		return
	}
	g, w := *got, *want
	g.Created, g.Seen = normalTime(g.Created), normalTime(g.Seen)
	w.Created, w.Seen = normalTime(w.Created), normalTime(w.Seen)
	if g != w {
		t.Errorf("Session(%s) = %+v\nwant %+v", want.ID, g, w)
	}
	if got.Created.Location() != time.UTC || got.Seen.Location() != time.UTC {
		t.Errorf("Session(%s): times %v, %v, want them in UTC", want.ID, got.Created, got.Seen)
	}
}

// checkSessions reports which of the sessions with the tokens exist that
// should not, or do not that should.
func checkSessions(t *testing.T, s fonds.UserStore, what string, kept, gone []string) {
	t.Helper()
	for _, token := range kept {
		if _, err := s.Session(context.Background(), sessionID(token)); err != nil {
			t.Errorf("%s: Session(%s) = %v, want it kept", what, token, err)
		}
	}
	for _, token := range gone {
		if _, err := s.Session(context.Background(), sessionID(token)); !errors.Is(err, fonds.ErrNotFound) {
			t.Errorf("%s: Session(%s) = %v, want %v", what, token, err, fonds.ErrNotFound)
		}
	}
}

func testSessions(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	mustPutUser(t, s, newUser("alice", fonds.RoleEditor))
	t0 := time.Date(2024, 3, 1, 9, 30, 0, 123456000, time.FixedZone("CET", 3600))

	ss := newSession("token-one", "alice", t0)
	mustPutSession(t, s, ss)
	checkSession(t, s, ss)
	if _, err := s.Session(ctx, sessionID("token-two")); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Session(another) = %v, want %v", err, fonds.ErrNotFound)
	}
	// The token itself is not the ID.
	if _, err := s.Session(ctx, "token-one"); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("Session(the token) = %v, want %v", err, fonds.ErrNotFound)
	}

	// A touch moves Seen; the address and the CSRF token may change too.
	touch := *ss
	touch.Seen = t0.Add(10 * time.Minute)
	touch.Address = "2001:db8::1"
	touch.CSRF = "csrf-rotated"
	mustPutSession(t, s, &touch)
	checkSession(t, s, &touch)

	// An update never moves the creation time, whatever it is given.
	later := touch
	later.Created = t0.Add(time.Hour)
	later.Seen = t0.Add(time.Hour)
	mustPutSession(t, s, &later)
	if !sameTime(later.Created, t0) {
		t.Errorf("PutSession(Created moved) set Created %v, want the stored %v", later.Created, t0)
	}
	want := later
	want.Created = t0
	checkSession(t, s, &want)

	// Zero times are the current time.
	before := time.Now()
	zero := &fonds.Session{ID: sessionID("token-zero"), User: "alice", CSRF: "c"}
	mustPutSession(t, s, zero)
	after := time.Now()
	for _, tm := range []time.Time{zero.Created, zero.Seen} {
		if normalTime(tm).Before(normalTime(before)) || normalTime(tm).After(normalTime(after).Add(time.Microsecond)) {
			t.Errorf("PutSession(zero times) set %v, want between %v and %v", tm, before, after)
		}
	}
	checkSession(t, s, zero)
}

func testSessionsInvalid(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	mustPutUser(t, s, newUser("alice", fonds.RoleEditor))
	at := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		edit func(ss *fonds.Session)
	}{
		{"empty id", func(ss *fonds.Session) { ss.ID = "" }},
		{"the token as id", func(ss *fonds.Session) { ss.ID = "token" }},
		{"upper-case id", func(ss *fonds.Session) { ss.ID = strings.ToUpper(ss.ID) }},
		{"id too long", func(ss *fonds.Session) { ss.ID += "0" }},
		{"id not hex", func(ss *fonds.Session) { ss.ID = strings.Repeat("g", 64) }},
		{"no user", func(ss *fonds.Session) { ss.User = "" }},
		{"user that does not exist", func(ss *fonds.Session) { ss.User = "bob" }},
		{"no csrf token", func(ss *fonds.Session) { ss.CSRF = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := newSession("token", "alice", at)
			tt.edit(ss)
			if err := s.PutSession(ctx, ss); !errors.Is(err, fonds.ErrInvalid) {
				t.Errorf("PutSession(%s) = %v, want %v", tt.name, err, fonds.ErrInvalid)
			}
			if _, err := s.Session(ctx, ss.ID); !errors.Is(err, fonds.ErrNotFound) {
				t.Errorf("Session(%s) after a refused PutSession = %v, want %v", tt.name, err, fonds.ErrNotFound)
			}
		})
	}
	if err := s.PutSession(ctx, nil); !errors.Is(err, fonds.ErrInvalid) {
		t.Errorf("PutSession(nil) = %v, want %v", err, fonds.ErrInvalid)
	}
}

func testDeleteSessionByID(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	mustPutUser(t, s, newUser("alice", fonds.RoleEditor))
	at := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	mustPutSession(t, s, newSession("one", "alice", at))
	mustPutSession(t, s, newSession("two", "alice", at))
	if err := s.DeleteSessions(ctx, sessionID("one"), "", time.Time{}); err != nil {
		t.Fatalf("DeleteSessions(one) = %v", err)
	}
	checkSessions(t, s, "after signing one out", []string{"two"}, []string{"one"})
	// Signing out twice, or a session that never was, is no error.
	for _, token := range []string{"one", "never"} {
		if err := s.DeleteSessions(ctx, sessionID(token), "", time.Time{}); err != nil {
			t.Errorf("DeleteSessions(%s) = %v, want nil", token, err)
		}
	}
	checkSessions(t, s, "after signing out what was not", []string{"two"}, nil)
}

func testTouchSession(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	mustPutUser(t, s, newUser("alice", fonds.RoleEditor))
	at := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	mustPutSession(t, s, newSession("one", "alice", at))
	later := at.Add(time.Hour)
	if err := s.TouchSession(ctx, sessionID("one"), later); err != nil {
		t.Fatalf("TouchSession(one) = %v", err)
	}
	want := newSession("one", "alice", at)
	want.Seen = later
	checkSession(t, s, want)
	// A session deleted meanwhile stays deleted.
	if err := s.DeleteSessions(ctx, sessionID("one"), "", time.Time{}); err != nil {
		t.Fatalf("DeleteSessions(one) = %v", err)
	}
	if err := s.TouchSession(ctx, sessionID("one"), later.Add(time.Minute)); !errors.Is(err, fonds.ErrNotFound) {
		t.Errorf("TouchSession(one) after it was deleted = %v, want %v", err, fonds.ErrNotFound)
	}
	checkSessions(t, s, "after touching a deleted session", nil, []string{"one"})
}

func testDeleteSessionsByUser(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	mustPutUser(t, s, newUser("alice", fonds.RoleEditor))
	mustPutUser(t, s, newUser("bob", fonds.RoleReader))
	at := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	for _, token := range []string{"alice1", "alice2", "alice3"} {
		mustPutSession(t, s, newSession(token, "alice", at))
	}
	mustPutSession(t, s, newSession("bob1", "bob", at))
	if err := s.DeleteSessions(ctx, "", "alice", time.Time{}); err != nil {
		t.Fatalf("DeleteSessions(user alice) = %v", err)
	}
	checkSessions(t, s, "after signing alice out", []string{"bob1"}, []string{"alice1", "alice2", "alice3"})
	if err := s.DeleteSessions(ctx, "", "nobody", time.Time{}); err != nil {
		t.Errorf("DeleteSessions(user nobody) = %v, want nil", err)
	}
	checkSessions(t, s, "after signing nobody out", []string{"bob1"}, nil)
}

func testDeleteSessionsByAge(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	mustPutUser(t, s, newUser("alice", fonds.RoleEditor))
	mustPutUser(t, s, newUser("bob", fonds.RoleReader))
	t0 := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	mustPutSession(t, s, newSession("old", "alice", t0.Add(-2*time.Hour)))
	mustPutSession(t, s, newSession("older", "bob", t0.Add(-3*time.Hour)))
	mustPutSession(t, s, newSession("edge", "bob", t0))
	mustPutSession(t, s, newSession("new", "alice", t0.Add(time.Microsecond)))
	// Created long ago but seen lately: idle expiry goes by Seen.
	busy := newSession("busy", "alice", t0.Add(-5*time.Hour))
	busy.Seen = t0.Add(time.Hour)
	mustPutSession(t, s, busy)

	// The time in another zone is the same instant.
	if err := s.DeleteSessions(ctx, "", "", t0.In(time.FixedZone("EST", -5*3600))); err != nil {
		t.Fatalf("DeleteSessions(seen before %v) = %v", t0, err)
	}
	checkSessions(t, s, "after expiring", []string{"edge", "new", "busy"}, []string{"old", "older"})
}

func testDeleteSessionsSelectors(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	mustPutUser(t, s, newUser("alice", fonds.RoleEditor))
	at := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	mustPutSession(t, s, newSession("one", "alice", at))
	id, later := sessionID("one"), at.Add(time.Hour)
	tests := []struct {
		name       string
		id, user   string
		seenBefore time.Time
	}{
		{"none", "", "", time.Time{}},
		{"id and user", id, "alice", time.Time{}},
		{"id and time", id, "", later},
		{"user and time", "", "alice", later},
		{"all three", id, "alice", later},
	}
	for _, tt := range tests {
		if err := s.DeleteSessions(ctx, tt.id, tt.user, tt.seenBefore); !errors.Is(err, fonds.ErrInvalid) {
			t.Errorf("DeleteSessions(%s) = %v, want %v", tt.name, err, fonds.ErrInvalid)
		}
	}
	checkSessions(t, s, "after refused deletions", []string{"one"}, nil)
}

func testDisabledUserSessions(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	u := newUser("alice", fonds.RoleEditor)
	mustPutUser(t, s, u)
	at := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	mustPutSession(t, s, newSession("one", "alice", at))

	// Disabling is the caller's to follow with DeleteSessions: the store
	// keeps the sessions and stores new ones.
	u.Disabled = true
	mustPutUser(t, s, u)
	mustPutSession(t, s, newSession("two", "alice", at))
	checkSessions(t, s, "after disabling alice", []string{"one", "two"}, nil)
	if err := s.DeleteSessions(ctx, "", "alice", time.Time{}); err != nil {
		t.Fatalf("DeleteSessions(user alice) = %v", err)
	}
	checkSessions(t, s, "after signing disabled alice out", nil, []string{"one", "two"})
	got, err := s.User(ctx, "alice")
	if err != nil || !got.Disabled {
		t.Errorf("User(alice) = %+v, %v, want her kept, disabled", got, err)
	}
}

// failures calls LoginFailures and fails the test on an error.
func failures(t *testing.T, s fonds.UserStore, since time.Time, record bool, keys ...string) int {
	t.Helper()
	n, err := s.LoginFailures(context.Background(), since, record, keys...)
	if err != nil {
		t.Fatalf("LoginFailures(%v, %v, %q) = %v", since, record, keys, err)
	}
	return n
}

func testLoginFailures(t *testing.T, s fonds.UserStore) {
	since := time.Now().Add(-time.Hour)
	if n := failures(t, s, since, false, "user:alice"); n != 0 {
		t.Errorf("LoginFailures(none yet) = %d, want 0", n)
	}
	for want := 1; want <= 3; want++ {
		if n := failures(t, s, since, true, "user:alice"); n != want {
			t.Errorf("LoginFailures(record alice) = %d, want %d", n, want)
		}
	}
	if n := failures(t, s, since, true, "addr:192.0.2.1"); n != 1 {
		t.Errorf("LoginFailures(record address) = %d, want 1", n)
	}
	tests := []struct {
		record bool
		keys   []string
		want   int
	}{
		{false, []string{"user:alice"}, 3},
		{false, []string{"addr:192.0.2.1"}, 1},
		{false, []string{"user:bob"}, 0},
		{false, []string{"user:bob", "addr:192.0.2.1", "user:alice"}, 3},
		// Recorded under each key: alice has 4, the address 2.
		{true, []string{"user:alice", "addr:192.0.2.1"}, 4},
		{false, []string{"addr:192.0.2.1"}, 2},
		// A key given twice is recorded once.
		{true, []string{"addr:192.0.2.1", "addr:192.0.2.1"}, 3},
		{false, []string{"user:alice"}, 4},
		// Keys are compared exactly.
		{false, []string{"user:Alice", "user:alice "}, 0},
	}
	for _, tt := range tests {
		if n := failures(t, s, since, tt.record, tt.keys...); n != tt.want {
			t.Errorf("LoginFailures(%v, %q) = %d, want %d", tt.record, tt.keys, n, tt.want)
		}
	}
}

func testLoginFailuresForget(t *testing.T, s fonds.UserStore) {
	past := time.Now().Add(-time.Hour)
	for range 3 {
		failures(t, s, past, true, "user:alice")
	}
	// Those recorded before since do not count, and are forgotten: asking
	// again with the earlier since finds none.
	future := time.Now().Add(time.Hour)
	if n := failures(t, s, future, false, "user:alice"); n != 0 {
		t.Errorf("LoginFailures(since after them) = %d, want 0", n)
	}
	if n := failures(t, s, past, false, "user:alice"); n != 0 {
		t.Errorf("LoginFailures(since before them, once forgotten) = %d, want 0", n)
	}
	if n := failures(t, s, past, true, "user:alice"); n != 1 {
		t.Errorf("LoginFailures(record after forgetting) = %d, want 1", n)
	}
	// One recorded with since after now does not count either.
	if n := failures(t, s, future, true, "user:bob"); n != 0 {
		t.Errorf("LoginFailures(record, since after now) = %d, want 0", n)
	}
}

func testLoginFailuresInvalid(t *testing.T, s fonds.UserStore) {
	ctx := context.Background()
	since := time.Now().Add(-time.Hour)
	many := func(n, size int) []string {
		var keys []string
		for i := range n {
			k := fmt.Sprintf("%d:", i)
			keys = append(keys, k+strings.Repeat("k", size-len(k)))
		}
		return keys
	}
	tests := []struct {
		name string
		keys []string
		ok   bool
	}{
		{"8 keys of 300 bytes", many(8, 300), true},
		{"no key", nil, false},
		{"9 keys", many(9, 10), false},
		{"a key of 301 bytes", many(1, 301), false},
		{"an empty key", []string{"user:alice", ""}, false},
	}
	for _, tt := range tests {
		for _, record := range []bool{false, true} {
			n, err := s.LoginFailures(ctx, since, record, tt.keys...)
			switch {
			case tt.ok && err != nil:
				t.Errorf("LoginFailures(%s, record %v) = %v, want success", tt.name, record, err)
			case !tt.ok && !errors.Is(err, fonds.ErrInvalid):
				t.Errorf("LoginFailures(%s, record %v) = %d, %v, want %v", tt.name, record, n, err, fonds.ErrInvalid)
			}
		}
	}
	// The refused calls recorded nothing.
	if n := failures(t, s, since, false, "user:alice"); n != 0 {
		t.Errorf("LoginFailures(alice) after refused calls = %d, want 0", n)
	}
}

func testLoginFailuresConcurrent(t *testing.T, s fonds.UserStore) {
	const n = 40
	since := time.Now().Add(-time.Hour)
	counts := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// Half the calls count against a second key too, which the
			// others do not see.
			keys := []string{"user:alice"}
			if i%2 == 0 {
				keys = append(keys, fmt.Sprintf("addr:192.0.2.%d", i))
			}
			counts[i], errs[i] = s.LoginFailures(context.Background(), since, true, keys...)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("LoginFailures(call %d of %d at once) = %v", i, n, err)
		}
	}
	// Each call saw those before it and none after: the counts are 1 to n,
	// each once, so that a throttle lets no more than its limit through.
	slices.Sort(counts)
	for i, c := range counts {
		if c != i+1 {
			t.Fatalf("LoginFailures(%d calls at once) returned %v, want 1 to %d each once", n, counts, n)
		}
	}
	if got := failures(t, s, since, false, "user:alice"); got != n {
		t.Errorf("LoginFailures(alice) after %d failures at once = %d, want %d", n, got, n)
	}
	if got := failures(t, s, since, false, "addr:192.0.2.0", "addr:192.0.2.2"); got != 1 {
		t.Errorf("LoginFailures(two addresses) = %d, want 1", got)
	}
}
