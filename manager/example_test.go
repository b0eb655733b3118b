package manager_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
	"github.com/sessionkit/sessionkit/typed"
)

// LoadAndSave is plain net/http middleware; the Manager renews the token at
// sign-in and destroys the session at sign-out.
func ExampleManager_LoadAndSave() {
	m := manager.New(manager.Config{}) // in-memory store + msgpack

	mux := http.NewServeMux()
	mux.HandleFunc("/signin", func(w http.ResponseWriter, r *http.Request) {
		// A new token at every privilege change prevents session fixation.
		if err := m.RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = typed.Put(r.Context(), "name", r.FormValue("name"))
	})
	mux.HandleFunc("/signout", func(w http.ResponseWriter, r *http.Request) {
		if err := m.Destroy(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		name, err := typed.GetOr(r.Context(), "name", "stranger")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "hello, %s", name)
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(path string) {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if len(body) > 0 {
			fmt.Println(string(body))
		}
	}
	get("/")
	get("/signin?name=Ada")
	get("/")
	get("/signout")
	get("/")
	// Output:
	// hello, stranger
	// hello, Ada
	// hello, stranger
}

// Sessions in Redis with a 30-minute idle timeout. Unchanged sessions cost
// one GET per request, plus one PEXPIRE every 3 minutes per session.
func ExampleNew_redis() {
	pool := &redis.Pool{
		MaxIdle: 10, MaxActive: 100, Wait: true, IdleTimeout: 5 * time.Minute,
		Dial: func() (redis.Conn, error) { return redis.Dial("tcp", "127.0.0.1:6379") },
	}
	m := manager.New(manager.Config{
		Store:       redisstore.New(pool),
		Codec:       codec.Msgpack(),
		Lifetime:    7 * 24 * time.Hour,
		IdleTimeout: 30 * time.Minute,
		Cookie:      manager.CookieConfig{Name: "myapp_session", Secure: os.Getenv("HTTPS") != ""},
	})
	_ = http.ListenAndServe(":8080", m.LoadAndSave(http.NotFoundHandler()))
}

// A cookie named with the __Host- prefix is Secure on every response, with
// Path "/" and no Domain: no subdomain can set or overwrite it.
func ExampleCookieConfig_hostPrefix() {
	m := manager.New(manager.Config{Cookie: manager.CookieConfig{Name: "__Host-session"}})
	defer m.Close() // stops the default in-memory store's sweep
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = typed.Put(r.Context(), "k", "v")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost/", nil))
	c := rec.Result().Cookies()[0]
	fmt.Println(c.Name, c.Secure, c.Path, c.Domain == "")
	// Output: __Host-session true / true
}
