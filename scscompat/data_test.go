// Ported from github.com/alexedwards/scs/v2 v2.9.0, data_test.go,
// Copyright (c) 2016 Alex Edwards, MIT licence (see LICENSE-scs).
//
// Changes: scs's tests reach into the session data (s.contextKey,
// *sessionData, newSessionData, addSessionDataToContext, sd.values,
// sd.status, sd.token), which nothing outside package scs can. Each such
// step is replaced by its public equivalent, and the assertions are kept:
//   - a fresh sessionData in a context is the session a request without a
//     cookie gets from the middleware (inRequests, first request);
//   - sd.values[k] = v before the test is a value put in one request and
//     loaded from the store in the next: exactly what a user's session
//     holds (inRequests, second request);
//   - a sessionData with a given token, deadline and values is that blob
//     committed to s.Store and loaded with s.Load (seedSession); with
//     HashTokenInStore the token is one s.Commit generated (commitSession);
//   - sd.values[k] reads become s.Get / s.Exists, sd.status s.Status,
//     sd.token s.Token, s.getSessionDataFromContext any getter.
// Deadlines and times that go through the store lose their monotonic clock
// reading (in scs too), so the expected values are taken with Round(0);
// seeded deadlines are in UTC, as every deadline scs makes (newSessionData,
// RenewToken, Destroy), since a round trip need not keep time.Local.

package scscompat

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/mockstore"
)

// An scs app that stores a time.Time with scs's gob codec registers it, as
// every custom or non-basic type; the reference targets need it too.
func init() { gob.Register(time.Time{}) }

var dataCases = []scsCase{
	{"TestSessionDataFromContext", testSessionDataFromContext},
	{"TestSessionManager_Load/happy_path", testLoadHappyPath},
	{"TestSessionManager_Load/with_preexisting_session_data", testLoadPreexisting},
	{"TestSessionManager_Load/with_empty_token", testLoadEmptyToken},
	{"TestSessionManager_Load/with_error_finding_token_in_store", testLoadFindError},
	{"TestSessionManager_Load/with_unfound_token_in_store", testLoadUnfound},
	{"TestSessionManager_Load/with_error_decoding_found_token", testLoadDecodeError},
	{"TestSessionManager_Load/with_token_hashing", testLoadTokenHashing},
	{"TestSessionManager_Commit/happy_path", testCommitHappyPath},
	{"TestSessionManager_Commit/with_empty_token", testCommitEmptyToken},
	{"TestSessionManager_Commit/with_expired_deadline", testCommitExpiredDeadline},
	{"TestSessionManager_Commit/with_error_committing_to_store", testCommitStoreError},
	{"TestSessionManager_Commit/with_token_hashing", testCommitTokenHashing},
	{"TestPut", testPut},
	{"TestGet", testGet},
	{"TestPop", testPop},
	{"TestRemove", testRemove},
	{"TestClear", testClear},
	{"TestExists", testExists},
	{"TestKeys", testKeys},
	{"TestGetString", testGetString},
	{"TestGetBool", testGetBool},
	{"TestGetInt", testGetInt},
	{"TestGetFloat", testGetFloat},
	{"TestGetBytes", testGetBytes},
	{"TestGetTime", testGetTime},
	{"TestPopString", testPopString},
	{"TestPopBool", testPopBool},
	{"TestPopInt", testPopInt},
	{"TestPopFloat", testPopFloat},
	{"TestPopBytes", testPopBytes},
	{"TestPopTime", testPopTime},
	{"TestStatus", testStatus},
}

type step func(s *scs.SessionManager, ctx context.Context)

// inRequests serves one request per step, in order, through the session
// middleware with one cookie jar, and runs the step in the handler. A
// step whose handler does not run (the middleware answered by itself)
// fails the test.
func inRequests(t testing.TB, e *env, steps ...step) {
	s, loadAndSave := e.New(t)
	var ran atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("step"))
		steps[i](s, r.Context())
		ran.Add(1)
	})
	ts := newTestServer(t, loadAndSave(h))
	defer ts.Close()
	for i := range steps {
		_, body := ts.execute(t, "/?step="+strconv.Itoa(i))
		if int(ran.Load()) != i+1 {
			t.Fatalf("request %d: the handler did not run; response %q", i+1, body)
		}
	}
}

// put returns a step that puts the values in the session.
func put(kv ...any) step {
	return func(s *scs.SessionManager, ctx context.Context) {
		for i := 0; i < len(kv); i += 2 {
			s.Put(ctx, kv[i].(string), kv[i+1])
		}
	}
}

// seedSession commits a session with this token, deadline and values to
// s.Store and loads it: the sessionData scs's tests put in the context.
func seedSession(t testing.TB, s *scs.SessionManager, token string, deadline time.Time, values map[string]interface{}) context.Context {
	t.Helper()
	b, err := s.Codec.Encode(deadline, values)
	if err != nil {
		t.Fatalf("encoding the seed session: %v", err)
	}
	if err := s.Store.Commit(token, b, deadline); err != nil {
		t.Fatalf("committing the seed session: %v", err)
	}
	ctx, err := s.Load(context.Background(), token)
	if err != nil {
		t.Fatalf("loading the seed session: %v", err)
	}
	return ctx
}

// commitSession commits a new session with these values through s and
// loads it again: a session with a token when the store key depends on
// HashTokenInStore.
func commitSession(t testing.TB, s *scs.SessionManager, values map[string]interface{}) context.Context {
	t.Helper()
	ctx, err := s.Load(context.Background(), "")
	if err != nil {
		t.Fatalf("loading a new session: %v", err)
	}
	for k, v := range values {
		s.Put(ctx, k, v)
	}
	token, _, err := s.Commit(ctx)
	if err != nil {
		t.Fatalf("committing the seed session: %v", err)
	}
	ctx, err = s.Load(context.Background(), token)
	if err != nil {
		t.Fatalf("loading the seed session: %v", err)
	}
	return ctx
}

func testSessionDataFromContext(t testing.TB, e *env) {
	defer func() {
		if r := recover(); r == nil {
			t.Errorf("the code did not panic")
		}
	}()

	s, _ := e.New(t)
	// getSessionDataFromContext is unexported; every getter calls it first.
	s.Get(context.Background(), "foo")
}

func testLoadHappyPath(t testing.TB, e *env) {
	s, _ := e.New(t)
	s.IdleTimeout = time.Hour * 24

	ctx := context.Background()
	expected := "example"
	exampleDeadline := time.Now().Add(time.Hour)

	encodedValue, err := s.Codec.Encode(exampleDeadline, map[string]interface{}{
		"things": "stuff",
	})
	if err != nil {
		t.Errorf("unexpected error encoding value: %v", err)
	}

	if err := s.Store.Commit(expected, encodedValue, exampleDeadline); err != nil {
		t.Errorf("error committing to session store: %v", err)
	}

	newCtx, err := s.Load(ctx, expected)
	if err != nil {
		t.Errorf("error loading from session manager: %v", err)
	}
	if newCtx == nil {
		t.Error("returned context is unexpectedly nil")
	}

	actual := s.Token(newCtx)

	if expected != actual {
		t.Errorf("expected %s to equal %s", expected, actual)
	}
}

func testLoadPreexisting(t testing.TB, e *env) {
	s, _ := e.New(t)

	// A context that already holds this manager's session data.
	ctx, err := s.Load(context.Background(), "")
	if err != nil {
		t.Fatalf("loading a new session: %v", err)
	}
	expected := "example"

	newCtx, err := s.Load(ctx, expected)
	if err != nil {
		t.Errorf("error loading from session manager: %v", err)
	}
	if newCtx == nil {
		t.Error("returned context is unexpectedly nil")
	}
}

func testLoadEmptyToken(t testing.TB, e *env) {
	s, _ := e.New(t)

	ctx := context.Background()
	expected := ""
	exampleDeadline := time.Now().Add(time.Hour)

	encodedValue, err := s.Codec.Encode(exampleDeadline, map[string]interface{}{
		"things": "stuff",
	})
	if err != nil {
		t.Errorf("unexpected error encoding value: %v", err)
	}

	if err := s.Store.Commit(expected, encodedValue, exampleDeadline); err != nil {
		t.Errorf("error committing to session store: %v", err)
	}

	newCtx, err := s.Load(ctx, "")
	if err != nil {
		t.Errorf("error loading from session manager: %v", err)
	}
	if newCtx == nil {
		t.Error("returned context is unexpectedly nil")
	}

	actual := s.Token(newCtx)

	if expected != actual {
		t.Errorf("expected %s to equal %s", expected, actual)
	}
}

func testLoadFindError(t testing.TB, e *env) {
	s, _ := e.New(t)
	store := &mockstore.MockStore{}

	ctx := context.Background()
	expected := "example"

	store.ExpectFind(expected, []byte{}, true, errors.New("arbitrary"))
	s.Store = store

	newCtx, err := s.Load(ctx, expected)
	if err == nil {
		t.Errorf("no error loading from session manager: %v", err)
	}
	if newCtx != nil {
		t.Error("returned context is unexpectedly not nil")
	}
}

func testLoadUnfound(t testing.TB, e *env) {
	s, _ := e.New(t)

	ctx := context.Background()
	exampleToken := "example"
	expected := ""

	newCtx, err := s.Load(ctx, exampleToken)
	if err != nil {
		t.Errorf("error loading from session manager: %v", err)
	}
	if newCtx == nil {
		t.Error("returned context is unexpectedly nil")
	}

	actual := s.Token(newCtx)

	if expected != actual {
		t.Errorf("expected %s to equal %s", expected, actual)
	}
}

func testLoadDecodeError(t testing.TB, e *env) {
	s, _ := e.New(t)

	ctx := context.Background()
	expected := "example"
	exampleDeadline := time.Now().Add(time.Hour)

	if err := s.Store.Commit(expected, []byte(""), exampleDeadline); err != nil {
		t.Errorf("error committing to session store: %v", err)
	}

	newCtx, err := s.Load(ctx, expected)
	if err == nil {
		t.Errorf("no error loading from session manager: %v", err)
	}
	if newCtx != nil {
		t.Error("returned context is unexpectedly nil")
	}
}

func testLoadTokenHashing(t testing.TB, e *env) {
	s, _ := e.New(t)
	s.HashTokenInStore = true
	s.IdleTimeout = time.Hour * 24

	initialCtx := commitSession(t, s, map[string]interface{}{
		"blah": "blah",
	})
	expectedToken := s.Token(initialCtx)
	expectedExpiry := s.Deadline(initialCtx)

	actualToken, actualExpiry, err := s.Commit(initialCtx)
	if expectedToken != actualToken {
		t.Errorf("expected token to equal %q, but received %q", expectedToken, actualToken)
	}
	if expectedExpiry != actualExpiry {
		t.Errorf("expected expiry to equal %v, but received %v", expectedExpiry, actualExpiry)
	}
	if err != nil {
		t.Errorf("unexpected error returned: %v", err)
	}

	retrievedCtx, err := s.Load(context.Background(), expectedToken)
	if err != nil {
		t.Errorf("unexpected error returned: %v", err)
	}
	if retrievedCtx == nil {
		t.Errorf("unexpected data in retrieved context")
	} else if s.Token(retrievedCtx) != expectedToken {
		t.Errorf("expected token in context's session data data to equal %v, but received %v", expectedToken, s.Token(retrievedCtx))
	}

	if err := s.Destroy(retrievedCtx); err != nil {
		t.Errorf("unexpected error returned: %v", err)
	}
}

func testCommitHappyPath(t testing.TB, e *env) {
	s, _ := e.New(t)
	s.IdleTimeout = time.Hour * 24

	expectedToken := "example"
	expectedExpiry := time.Now().Add(time.Hour).Round(0).UTC()

	ctx := seedSession(t, s, expectedToken, expectedExpiry, map[string]interface{}{
		"blah": "blah",
	})

	actualToken, actualExpiry, err := s.Commit(ctx)
	if expectedToken != actualToken {
		t.Errorf("expected token to equal %q, but received %q", expectedToken, actualToken)
	}
	if expectedExpiry != actualExpiry {
		t.Errorf("expected expiry to equal %v, but received %v", expectedExpiry, actualExpiry)
	}
	if err != nil {
		t.Errorf("unexpected error returned: %v", err)
	}
}

func testCommitEmptyToken(t testing.TB, e *env) {
	s, _ := e.New(t)
	s.IdleTimeout = time.Hour * 24

	expectedToken := "XO6_D4NBpGP3D_BtekxTEO6o2ZvOzYnArauSQbgg"
	expectedExpiry := time.Now().Add(time.Hour).Round(0).UTC()

	ctx := seedSession(t, s, expectedToken, expectedExpiry, map[string]interface{}{
		"blah": "blah",
	})

	actualToken, actualExpiry, err := s.Commit(ctx)
	if expectedToken != actualToken {
		t.Errorf("expected token to equal %q, but received %q", expectedToken, actualToken)
	}
	if expectedExpiry != actualExpiry {
		t.Errorf("expected expiry to equal %v, but received %v", expectedExpiry, actualExpiry)
	}
	if err != nil {
		t.Errorf("unexpected error returned: %v", err)
	}
}

func testCommitExpiredDeadline(t testing.TB, e *env) {
	s, _ := e.New(t)
	s.IdleTimeout = time.Millisecond

	expectedToken := "example"
	expectedExpiry := time.Now().Add(time.Hour * -100)

	ctx := seedSession(t, s, expectedToken, time.Now().Add(time.Hour*24), map[string]interface{}{
		"blah": "blah",
	})

	actualToken, actualExpiry, err := s.Commit(ctx)
	if expectedToken != actualToken {
		t.Errorf("expected token to equal %q, but received %q", expectedToken, actualToken)
	}
	if expectedExpiry == actualExpiry {
		t.Errorf("expected expiry not to equal %v", actualExpiry)
	}
	if err != nil {
		t.Errorf("unexpected error returned: %v", err)
	}
}

func testCommitStoreError(t testing.TB, e *env) {
	s, _ := e.New(t)
	s.IdleTimeout = time.Hour * 24

	store := &mockstore.MockStore{}
	expectedErr := errors.New("arbitrary")

	values := map[string]interface{}{
		"blah": "blah",
	}
	ctx := seedSession(t, s, "example", time.Now().Add(time.Hour), values)
	token, deadline := s.Token(ctx), s.Deadline(ctx)
	expectedBytes, err := s.Codec.Encode(deadline, values)
	if err != nil {
		t.Errorf("unexpected encode error: %v", err)
	}

	store.ExpectCommit(token, expectedBytes, deadline, expectedErr)
	s.Store = store

	actualToken, _, err := s.Commit(ctx)
	if actualToken != "" {
		t.Error("expected empty token")
	}
	if err == nil {
		t.Error("expected error not returned")
	}
}

func testCommitTokenHashing(t testing.TB, e *env) {
	s, _ := e.New(t)
	s.HashTokenInStore = true
	s.IdleTimeout = time.Hour * 24

	ctx := commitSession(t, s, map[string]interface{}{
		"blah": "blah",
	})
	expectedToken := s.Token(ctx)
	expectedExpiry := s.Deadline(ctx)

	actualToken, actualExpiry, err := s.Commit(ctx)
	if expectedToken != actualToken {
		t.Errorf("expected token to equal %q, but received %q", expectedToken, actualToken)
	}
	if expectedExpiry != actualExpiry {
		t.Errorf("expected expiry to equal %v, but received %v", expectedExpiry, actualExpiry)
	}
	if err != nil {
		t.Errorf("unexpected error returned: %v", err)
	}
}

func testPut(t testing.TB, e *env) {
	inRequests(t, e, func(s *scs.SessionManager, ctx context.Context) {
		s.Put(ctx, "foo", "bar")

		if s.Get(ctx, "foo") != "bar" {
			t.Errorf("got %q: expected %q", s.Get(ctx, "foo"), "bar")
		}

		if s.Status(ctx) != scs.Modified {
			t.Errorf("got %v: expected %v", s.Status(ctx), "modified")
		}
	})
}

func testGet(t testing.TB, e *env) {
	inRequests(t, e, put("foo", "bar"), func(s *scs.SessionManager, ctx context.Context) {
		str, ok := s.Get(ctx, "foo").(string)
		if !ok {
			t.Errorf("could not convert %T to string", s.Get(ctx, "foo"))
		}

		if str != "bar" {
			t.Errorf("got %q: expected %q", str, "bar")
		}
	})
}

func testPop(t testing.TB, e *env) {
	inRequests(t, e, put("foo", "bar"), func(s *scs.SessionManager, ctx context.Context) {
		str, ok := s.Pop(ctx, "foo").(string)
		if !ok {
			t.Errorf("could not convert %T to string", s.Get(ctx, "foo"))
		}

		if str != "bar" {
			t.Errorf("got %q: expected %q", str, "bar")
		}

		ok = s.Exists(ctx, "foo")
		if ok {
			t.Errorf("got %v: expected %v", ok, false)
		}

		if s.Status(ctx) != scs.Modified {
			t.Errorf("got %v: expected %v", s.Status(ctx), "modified")
		}
	})
}

func testRemove(t testing.TB, e *env) {
	inRequests(t, e, put("foo", "bar"), func(s *scs.SessionManager, ctx context.Context) {
		s.Remove(ctx, "foo")

		if s.Get(ctx, "foo") != nil {
			t.Errorf("got %v: expected %v", s.Get(ctx, "foo"), nil)
		}

		if s.Status(ctx) != scs.Modified {
			t.Errorf("got %v: expected %v", s.Status(ctx), "modified")
		}
	})
}

func testClear(t testing.TB, e *env) {
	inRequests(t, e, put("foo", "bar", "baz", "boz"), func(s *scs.SessionManager, ctx context.Context) {
		if err := s.Clear(ctx); err != nil {
			t.Errorf("unexpected error encountered clearing session: %v", err)
		}

		if s.Get(ctx, "foo") != nil {
			t.Errorf("got %v: expected %v", s.Get(ctx, "foo"), nil)
		}

		if s.Get(ctx, "baz") != nil {
			t.Errorf("got %v: expected %v", s.Get(ctx, "baz"), nil)
		}

		if s.Status(ctx) != scs.Modified {
			t.Errorf("got %v: expected %v", s.Status(ctx), "modified")
		}
	})
}

func testExists(t testing.TB, e *env) {
	inRequests(t, e, put("foo", "bar"), func(s *scs.SessionManager, ctx context.Context) {
		if !s.Exists(ctx, "foo") {
			t.Errorf("got %v: expected %v", s.Exists(ctx, "foo"), true)
		}

		if s.Exists(ctx, "baz") {
			t.Errorf("got %v: expected %v", s.Exists(ctx, "baz"), false)
		}
	})
}

func testKeys(t testing.TB, e *env) {
	inRequests(t, e, put("foo", "bar", "woo", "waa"), func(s *scs.SessionManager, ctx context.Context) {
		keys := s.Keys(ctx)
		if !reflect.DeepEqual(keys, []string{"foo", "woo"}) {
			t.Errorf("got %v: expected %v", keys, []string{"foo", "woo"})
		}
	})
}

func testGetString(t testing.TB, e *env) {
	inRequests(t, e, put("foo", "bar"), func(s *scs.SessionManager, ctx context.Context) {
		str := s.GetString(ctx, "foo")
		if str != "bar" {
			t.Errorf("got %q: expected %q", str, "bar")
		}

		str = s.GetString(ctx, "baz")
		if str != "" {
			t.Errorf("got %q: expected %q", str, "")
		}
	})
}

func testGetBool(t testing.TB, e *env) {
	inRequests(t, e, put("foo", true), func(s *scs.SessionManager, ctx context.Context) {
		b := s.GetBool(ctx, "foo")
		if b != true {
			t.Errorf("got %v: expected %v", b, true)
		}

		b = s.GetBool(ctx, "baz")
		if b != false {
			t.Errorf("got %v: expected %v", b, false)
		}
	})
}

func testGetInt(t testing.TB, e *env) {
	inRequests(t, e, put("foo", 123), func(s *scs.SessionManager, ctx context.Context) {
		i := s.GetInt(ctx, "foo")
		if i != 123 {
			t.Errorf("got %v: expected %d", i, 123)
		}

		i = s.GetInt(ctx, "baz")
		if i != 0 {
			t.Errorf("got %v: expected %d", i, 0)
		}
	})
}

func testGetFloat(t testing.TB, e *env) {
	inRequests(t, e, put("foo", 123.456), func(s *scs.SessionManager, ctx context.Context) {
		f := s.GetFloat(ctx, "foo")
		if f != 123.456 {
			t.Errorf("got %v: expected %f", f, 123.456)
		}

		f = s.GetFloat(ctx, "baz")
		if f != 0 {
			t.Errorf("got %v: expected %f", f, 0.00)
		}
	})
}

func testGetBytes(t testing.TB, e *env) {
	inRequests(t, e, put("foo", []byte("bar")), func(s *scs.SessionManager, ctx context.Context) {
		b := s.GetBytes(ctx, "foo")
		if !bytes.Equal(b, []byte("bar")) {
			t.Errorf("got %v: expected %v", b, []byte("bar"))
		}

		b = s.GetBytes(ctx, "baz")
		if b != nil {
			t.Errorf("got %v: expected %v", b, nil)
		}
	})
}

func testGetTime(t testing.TB, e *env) {
	now := time.Now().Round(0)

	inRequests(t, e, put("foo", now), func(s *scs.SessionManager, ctx context.Context) {
		tm := s.GetTime(ctx, "foo")
		if tm != now {
			t.Errorf("got %v: expected %v", tm, now)
		}

		tm = s.GetTime(ctx, "baz")
		if !tm.IsZero() {
			t.Errorf("got %v: expected %v", tm, time.Time{})
		}
	})
}

func testPopString(t testing.TB, e *env) {
	inRequests(t, e, put("foo", "bar"), func(s *scs.SessionManager, ctx context.Context) {
		str := s.PopString(ctx, "foo")
		if str != "bar" {
			t.Errorf("got %q: expected %q", str, "bar")
		}

		ok := s.Exists(ctx, "foo")
		if ok {
			t.Errorf("got %v: expected %v", ok, false)
		}

		if s.Status(ctx) != scs.Modified {
			t.Errorf("got %v: expected %v", s.Status(ctx), "modified")
		}

		str = s.PopString(ctx, "bar")
		if str != "" {
			t.Errorf("got %q: expected %q", str, "")
		}
	})
}

func testPopBool(t testing.TB, e *env) {
	inRequests(t, e, put("foo", true), func(s *scs.SessionManager, ctx context.Context) {
		b := s.PopBool(ctx, "foo")
		if b != true {
			t.Errorf("got %v: expected %v", b, true)
		}

		ok := s.Exists(ctx, "foo")
		if ok {
			t.Errorf("got %v: expected %v", ok, false)
		}

		if s.Status(ctx) != scs.Modified {
			t.Errorf("got %v: expected %v", s.Status(ctx), "modified")
		}

		b = s.PopBool(ctx, "bar")
		if b != false {
			t.Errorf("got %v: expected %v", b, false)
		}
	})
}

func testPopInt(t testing.TB, e *env) {
	inRequests(t, e, put("foo", 123), func(s *scs.SessionManager, ctx context.Context) {
		i := s.PopInt(ctx, "foo")
		if i != 123 {
			t.Errorf("got %d: expected %d", i, 123)
		}

		ok := s.Exists(ctx, "foo")
		if ok {
			t.Errorf("got %v: expected %v", ok, false)
		}

		if s.Status(ctx) != scs.Modified {
			t.Errorf("got %v: expected %v", s.Status(ctx), "modified")
		}

		i = s.PopInt(ctx, "bar")
		if i != 0 {
			t.Errorf("got %d: expected %d", i, 0)
		}
	})
}

func testPopFloat(t testing.TB, e *env) {
	inRequests(t, e, put("foo", 123.456), func(s *scs.SessionManager, ctx context.Context) {
		f := s.PopFloat(ctx, "foo")
		if f != 123.456 {
			t.Errorf("got %f: expected %f", f, 123.456)
		}

		ok := s.Exists(ctx, "foo")
		if ok {
			t.Errorf("got %v: expected %v", ok, false)
		}

		if s.Status(ctx) != scs.Modified {
			t.Errorf("got %v: expected %v", s.Status(ctx), "modified")
		}

		f = s.PopFloat(ctx, "bar")
		if f != 0.0 {
			t.Errorf("got %f: expected %f", f, 0.0)
		}
	})
}

func testPopBytes(t testing.TB, e *env) {
	inRequests(t, e, put("foo", []byte("bar")), func(s *scs.SessionManager, ctx context.Context) {
		b := s.PopBytes(ctx, "foo")
		if !bytes.Equal(b, []byte("bar")) {
			t.Errorf("got %v: expected %v", b, []byte("bar"))
		}
		ok := s.Exists(ctx, "foo")
		if ok {
			t.Errorf("got %v: expected %v", ok, false)
		}

		if s.Status(ctx) != scs.Modified {
			t.Errorf("got %v: expected %v", s.Status(ctx), "modified")
		}

		b = s.PopBytes(ctx, "bar")
		if b != nil {
			t.Errorf("got %v: expected %v", b, nil)
		}
	})
}

func testPopTime(t testing.TB, e *env) {
	now := time.Now().Round(0)

	inRequests(t, e, put("foo", now), func(s *scs.SessionManager, ctx context.Context) {
		tm := s.PopTime(ctx, "foo")
		if tm != now {
			t.Errorf("got %v: expected %v", tm, now)
		}

		ok := s.Exists(ctx, "foo")
		if ok {
			t.Errorf("got %v: expected %v", ok, false)
		}

		if s.Status(ctx) != scs.Modified {
			t.Errorf("got %v: expected %v", s.Status(ctx), "modified")
		}

		tm = s.PopTime(ctx, "baz")
		if !tm.IsZero() {
			t.Errorf("got %v: expected %v", tm, time.Time{})
		}
	})
}

func testStatus(t testing.TB, e *env) {
	inRequests(t, e, func(s *scs.SessionManager, ctx context.Context) {
		status := s.Status(ctx)
		if status != scs.Unmodified {
			t.Errorf("got %d: expected %d", status, scs.Unmodified)
		}

		s.Put(ctx, "foo", "bar")
		status = s.Status(ctx)
		if status != scs.Modified {
			t.Errorf("got %d: expected %d", status, scs.Modified)
		}

		if err := s.Destroy(ctx); err != nil {
			t.Errorf("unexpected error destroying session data: %v", err)
		}

		status = s.Status(ctx)
		if status != scs.Destroyed {
			t.Errorf("got %d: expected %d", status, scs.Destroyed)
		}
	})
}
