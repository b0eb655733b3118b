// Command sessiondemo is a small web app whose sessions are typed values:
// a signed-in User and a visit counter.
package main

import (
	"errors"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// User is kept in the session as a struct.
type User struct {
	Name string
}

var (
	currentUser = typed.NewKey[User]("user")
	visits      = typed.NewKey[int]("visits")
)

var page = template.Must(template.New("page").Parse(`<!doctype html>
<title>sessiondemo</title>
<h1>{{if .User}}Hello, {{.User.Name}}!{{else}}Hello, stranger.{{end}}</h1>
<p>Visits in this session: {{.Visits}}</p>
<form method="post" action="/signin"><input name="name" placeholder="your name" required> <button>Sign in</button></form>
`))

func main() {
	m := manager.New(manager.Config{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		n, err := visits.GetOr(ctx, 0)
		if err == nil {
			err = visits.Put(ctx, n+1)
		}
		var user *User
		u, uerr := currentUser.Get(ctx)
		switch {
		case uerr == nil:
			user = &u
		case !errors.Is(uerr, typed.ErrNotFound):
			err = errors.Join(err, uerr)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = page.Execute(w, map[string]any{"User": user, "Visits": n + 1})
	})
	mux.HandleFunc("POST /signin", func(w http.ResponseWriter, r *http.Request) {
		if err := m.SessionManager().RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if err := currentUser.Put(r.Context(), User{Name: r.FormValue("name")}); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	fmt.Printf("sessiondemo: listening on http://localhost:%s/ (sessions in memory)\n", port)
	log.Fatal(http.ListenAndServe(":"+port, m.LoadAndSave(mux)))
}
