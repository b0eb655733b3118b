// Ported from github.com/alexedwards/scs/v2 v2.9.0, session_go120_test.go,
// Copyright (c) 2016 Alex Edwards, MIT licence (see LICENSE-scs).
// Changes: as in session_test.go; the go1.20 build tag is gone (the module
// needs a newer Go anyway).

package scscompat

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

var sessionGo120Cases = []scsCase{
	{"TestFlusher", testFlusher},
	{"TestHijacker", testHijacker},
}

func testFlusher(t testing.TB, e *env) {
	sessionManager, loadAndSave := e.New(t)
	sessionManager.Lifetime = 500 * time.Millisecond

	mux := http.NewServeMux()

	mux.HandleFunc("/get", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok := w.(http.Flusher)

		fmt.Fprint(w, ok)
	}))

	ts := newTestServer(t, loadAndSave(mux))
	defer ts.Close()

	ts.execute(t, "/put")

	_, body := ts.execute(t, "/get")
	if body != "true" {
		t.Errorf("want %q; got %q", "true", body)
	}
}

func testHijacker(t testing.TB, e *env) {
	sessionManager, loadAndSave := e.New(t)
	sessionManager.Lifetime = 500 * time.Millisecond

	mux := http.NewServeMux()

	mux.HandleFunc("/get", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok := w.(http.Hijacker)

		fmt.Fprint(w, ok)
	}))

	ts := newTestServer(t, loadAndSave(mux))
	defer ts.Close()

	ts.execute(t, "/put")

	_, body := ts.execute(t, "/get")
	if body != "true" {
		t.Errorf("want %q; got %q", "true", body)
	}
}
