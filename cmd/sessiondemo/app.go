package main

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// User is who signed in, kept in the session as a struct.
type User struct {
	Name       string
	SignedInAt time.Time
}

// The session's keys, each bound to its type once.
var (
	currentUser = typed.NewKey[User]("user")
	visits      = typed.NewKey[int]("visits")
	flash       = typed.NewKey[string]("flash")
)

type app struct {
	m      *manager.Manager
	status string
}

func newApp(m *manager.Manager, status string) *app { return &app{m: m, status: status} }

func (a *app) routes() http.Handler {
	sessions := http.NewServeMux()
	sessions.HandleFunc("GET /{$}", a.home)
	sessions.HandleFunc("POST /signin", a.signIn)
	sessions.HandleFunc("POST /signout", a.signOut)

	root := http.NewServeMux()
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	root.Handle("/", a.m.LoadAndSave(sessions)) // only pages that use the session pay for it
	return root
}

type page struct {
	User   *User
	Visits int
	Flash  string
	Status string
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := page{Status: a.status}
	n, err := visits.GetOr(ctx, 0)
	if err == nil {
		p.Visits = n + 1
		err = visits.Put(ctx, p.Visits)
	}
	if err != nil {
		a.fail(w, err)
		return
	}
	switch u, err := currentUser.Get(ctx); {
	case err == nil:
		p.User = &u
	case !errors.Is(err, typed.ErrNotFound):
		a.fail(w, err)
		return
	}
	if msg, err := flash.Pop(ctx); err == nil {
		p.Flash = msg
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTemplate.Execute(w, p)
}

func (a *app) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := strings.TrimSpace(r.FormValue("name"))
	if name == "" || utf8.RuneCountInString(name) > 40 {
		_ = flash.Put(ctx, "Please give a name of 1 to 40 characters.")
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	// A new token at sign-in: a token planted before it (session fixation)
	// is worth nothing after it.
	if err := a.m.SessionManager().RenewToken(ctx); err != nil {
		a.fail(w, err)
		return
	}
	if err := currentUser.Put(ctx, User{Name: name, SignedInAt: time.Now()}); err != nil {
		a.fail(w, err)
		return
	}
	_ = flash.Put(ctx, "Signed in as "+name+".")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (a *app) signOut(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := a.m.SessionManager().Destroy(ctx); err != nil {
		a.fail(w, err)
		return
	}
	_ = flash.Put(ctx, "Signed out.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (a *app) fail(w http.ResponseWriter, err error) {
	http.Error(w, "session error: "+err.Error(), http.StatusInternalServerError)
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sessiondemo</title>
<style>
 body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
 .flash { background: #e8f5e9; border: 1px solid #a5d6a7; padding: .5rem .75rem; border-radius: 4px; }
 .status { color: #666; font-size: .85rem; border-top: 1px solid #ddd; margin-top: 2rem; padding-top: .5rem; }
 input, button { font: inherit; padding: .25rem .5rem; }
</style>
</head>
<body>
{{with .Flash}}<p class="flash" id="flash">{{.}}</p>{{end}}
{{if .User}}
<h1 id="greeting">Hello, {{.User.Name}}!</h1>
<p>Signed in at {{.User.SignedInAt.Format "15:04:05 MST"}}. Restart the server: you stay signed in.</p>
<form method="post" action="/signout"><button id="signout">Sign out</button></form>
{{else}}
<h1 id="greeting">Hello, stranger.</h1>
<form method="post" action="/signin">
 <label>Your name <input name="name" id="name" maxlength="40" required autofocus></label>
 <button id="signin">Sign in</button>
</form>
{{end}}
<p>Visits in this session: <span id="visits">{{.Visits}}</span></p>
<p class="status" id="status">Sessions: {{.Status}}</p>
</body>
</html>
`))
