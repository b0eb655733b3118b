package typed_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// A signed-in user kept in the session as a struct: no casts, no
// gob.Register, and "not signed in" told apart from a programming error.
func Example() {
	type Account struct {
		ID   int
		Name string
	}
	m := manager.New(manager.Config{Codec: codec.Msgpack()}) // memstore here; Redis in production

	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		if err := typed.Put(r.Context(), "user", Account{ID: 7, Name: "Ada"}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		u, err := typed.Get[Account](r.Context(), "user")
		if errors.Is(err, typed.ErrNotFound) {
			fmt.Fprintln(w, "not signed in")
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "hello %s (#%d)\n", u.Name, u.ID)
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	show := func(path string) {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Print(string(body))
	}
	show("/me")
	client.Get(srv.URL + "/login")
	show("/me")
	// Output:
	// not signed in
	// hello Ada (#7)
}

// A Key binds a name to a type once; the flash message is read once.
func ExampleKey() {
	var Flash = typed.NewKey[string]("flash")
	m := manager.New(manager.Config{})
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		_ = Flash.Put(ctx, "Signed in.")
		msg, err := Flash.Pop(ctx)
		fmt.Println(msg, err)
		_, err = Flash.Pop(ctx)
		fmt.Println(errors.Is(err, typed.ErrNotFound))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	// Output:
	// Signed in. <nil>
	// true
}

// A wrong-type read is an error that names the key and both types.
func ExampleGet_wrongType() {
	m := manager.New(manager.Config{})
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = typed.Put(r.Context(), "visits", 3)
		_, err := typed.Get[string](r.Context(), "visits")
		fmt.Println(errors.Is(err, typed.ErrType))
		fmt.Println(err)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	// Output:
	// true
	// typed: key "visits" holds int, want string
}

// GetOr gives a default for a missing key: a visit counter in two lines.
func ExampleGetOr() {
	m := manager.New(manager.Config{})
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := typed.GetOr(r.Context(), "visits", 0)
		if err == nil {
			err = typed.Put(r.Context(), "visits", n+1)
		}
		fmt.Println(n+1, err)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	// Output: 1 <nil>
}
