package boltstore_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/boltstore"
	"github.com/sessionkit/sessionkit/typed"
)

// Sessions in one file survive a restart: here the store is opened, used
// for one request and closed, twice, as a server stopped and started again
// would.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "sessions")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sessions.db")

	// run serves one request with h on a newly opened store.
	run := func(h http.HandlerFunc, cookie *http.Cookie) *http.Response {
		st, err := boltstore.Open(path) // creates the file (and its directory) if needed
		if err != nil {
			log.Fatal(err)
		}
		defer st.Close() // stops the expiry sweep and releases the file lock
		m := manager.New(manager.Config{Store: st})

		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		m.LoadAndSave(h).ServeHTTP(rec, req)
		return rec.Result()
	}

	resp := run(func(w http.ResponseWriter, r *http.Request) {
		if err := typed.Put(r.Context(), "name", "Ada"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}, nil)
	cookie := resp.Cookies()[0]

	run(func(w http.ResponseWriter, r *http.Request) {
		name, err := typed.Get[string](r.Context(), "name")
		fmt.Println(name, err)
	}, cookie)
	// Output: Ada <nil>
}
