package manager_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/sessionkit/sessionkit/manager"
)

// Sign a user in from three browsers, then out of the two others from one.
func ExampleManager_DestroyUserSessions() {
	m := manager.New(manager.Config{}) // memstore here; Redis in production
	defer m.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/signin", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := m.RenewToken(ctx); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if err := m.BindUser(ctx, "ada@example.com"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) {
		user, _ := m.User(r.Context())
		list, _ := m.UserSessions(r.Context(), user)
		fmt.Fprintf(w, "%d sessions\n", len(list))
		n, err := m.DestroyUserSessions(r.Context(), user, true) // keep this one
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "ended %d\n", n)
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		user, ok := m.User(r.Context())
		fmt.Fprintln(w, user, ok)
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()

	var browsers []*http.Client
	for i := 0; i < 3; i++ {
		jar, _ := cookiejar.New(nil)
		browsers = append(browsers, &http.Client{Jar: jar})
		if resp, err := browsers[i].Get(srv.URL + "/signin"); err == nil {
			resp.Body.Close()
		}
	}
	show := func(c *http.Client, path string) {
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Print(string(body))
	}
	show(browsers[0], "/elsewhere")
	for _, b := range browsers {
		show(b, "/me")
	}
	// Output:
	// 3 sessions
	// ended 2
	// ada@example.com true
	//  false
	//  false
}
