package main

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sessionkit/sessionkit/express"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// User is who signed in, kept in the session as a struct. The json tags
// give it the shape an Express app stores with
// req.session.user = {name, signedInAt: new Date()}, which the demo reads
// and writes in Express mode (SESSION_COMPAT=express).
type User struct {
	Name       string    `json:"name"`
	SignedInAt time.Time `json:"signedInAt"`
}

// The session's keys, each bound to its type once. A visitor who is not
// signed in has no session at all until a form posts something: the visit
// counter counts a signed-in user's page views, so an anonymous GET stores
// nothing.
var (
	currentUser = typed.NewKey[User]("user")
	visits      = typed.NewKey[int]("visits")
	flash       = typed.NewKey[string]("flash")
)

type app struct {
	m   *manager.Manager
	log *slog.Logger
}

func newApp(m *manager.Manager, log *slog.Logger) *app { return &app{m: m, log: log} }

// routes serves the pages. Every state-changing request must come from the
// demo's own pages: net/http's CrossOriginProtection answers 403 to a POST
// that a browser sends from another origin (login CSRF), and lets through
// GET, HEAD and requests without browser headers (curl, tests).
func (a *app) routes() http.Handler {
	sessions := http.NewServeMux()
	sessions.HandleFunc("GET /{$}", a.home)
	sessions.HandleFunc("POST /signin", a.signIn)
	sessions.HandleFunc("POST /signout", a.signOut)
	sessions.HandleFunc("POST /signout-everywhere", a.signOutEverywhere)

	root := http.NewServeMux()
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	root.Handle("/", noStore(a.m.LoadAndSave(sessions))) // only pages that use the session pay for it
	return http.NewCrossOriginProtection().Handler(root)
}

// noStore keeps pages that show session data out of shared and browser
// caches: after sign-out, Back must not show the previous user's page.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

type page struct {
	User   *User
	Visits int
	Flash  string
	Others []time.Time // when the user's other sessions signed in
	Index  bool        // the store keeps a user index (not in Express mode)
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var p page
	if u, ok := read(a, r, currentUser); ok {
		p.User = &u
		// A read-modify-write that parallel page loads do not undo: at a
		// contended commit the increment runs again on the newer count.
		if err := visits.Update(ctx, func(n int) int { return n + 1 }); err != nil {
			read(a, r, visits) // an unreadable count is logged and removed
			if err = visits.Put(ctx, 1); err != nil {
				a.fail(w, r, err)
				return
			}
		}
		p.Visits, _ = read(a, r, visits)
		// One store operation, in proportion to this user's sessions.
		others, err := a.m.UserSessions(ctx, u.Name)
		p.Index = !noIndex(err)
		if err != nil && p.Index {
			a.fail(w, r, err)
			return
		}
		for _, s := range others {
			if !s.Current {
				p.Others = append(p.Others, s.BoundAt)
			}
		}
	}
	if msg, ok := read(a, r, flash); ok {
		p.Flash = msg
		_ = flash.Remove(ctx)
	}
	if r.URL.Query().Get("invalid") == "name" {
		p.Flash = "Please give a name of 1 to 40 characters."
	}
	// A stored session that now holds nothing (at most it held a flash
	// message, which has done its job): end it rather than keep it a day.
	// One that holds anything else is not ours to end: in Express mode it
	// may be the Express app's.
	if p.User == nil && a.m.Token(ctx) != "" && a.holdsNothing(r) {
		if err := a.m.Destroy(ctx); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTemplate.Execute(w, p)
}

// holdsNothing reports whether the request's session holds no value
// besides express-session's cookie object (see express.CookieKey).
func (a *app) holdsNothing(r *http.Request) bool {
	for _, k := range a.m.SessionManager().Keys(r.Context()) {
		if k != express.CookieKey {
			return false
		}
	}
	return true
}

// read returns the value under k and whether there is one. A value that
// no longer reads (damaged, or written by another version of the app with
// another type) is logged and removed, so it costs one log line once rather
// than an error on every request of that session.
func read[T any](a *app, r *http.Request, k typed.Key[T]) (T, bool) {
	v, err := k.Get(r.Context())
	switch {
	case err == nil:
		return v, true
	case !errors.Is(err, typed.ErrNotFound):
		a.log.LogAttrs(r.Context(), slog.LevelWarn, "sessiondemo: removed an unreadable session value",
			slog.String("key", k.Name()), slog.String("err", err.Error()))
		_ = k.Remove(r.Context())
	}
	var zero T
	return zero, false
}

func (a *app) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := strings.TrimSpace(r.FormValue("name"))
	if name == "" || utf8.RuneCountInString(name) > 40 {
		// Said in the URL, not in a flash: a visitor without a session
		// must not get one stored for a refused form (anonymous floods).
		http.Redirect(w, r, "/?invalid=name", http.StatusSeeOther)
		return
	}
	// A new token at sign-in: a token planted before it (session fixation)
	// is worth nothing after it.
	if err := a.m.RenewToken(ctx); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := currentUser.Put(ctx, User{Name: name, SignedInAt: signInTime()}); err != nil {
		a.fail(w, r, err)
		return
	}
	// The demo has no passwords: the name is the user. Binding the session
	// to it lets "Sign out everywhere" find every session of that name.
	if err := a.m.BindUser(ctx, name); err != nil && !noIndex(err) {
		a.fail(w, r, err)
		return
	}
	_ = flash.Put(ctx, "Signed in as "+name+".")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signInTime is now to the millisecond, in UTC: what JavaScript's Date
// holds, so Express reads and writes back the same instant.
func signInTime() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func (a *app) signOut(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stored := a.m.Token(ctx) != "" // a visitor without a session gets none
	if err := a.m.Destroy(ctx); err != nil {
		a.fail(w, r, err)
		return
	}
	if stored {
		_ = flash.Put(ctx, "Signed out.")
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signOutEverywhere ends every session of the signed-in user, this one
// included, at a cost in proportion to that user's sessions.
func (a *app) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, ok := read(a, r, currentUser)
	if !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	_, err := a.m.DestroyUserSessions(ctx, u.Name, false)
	if noIndex(err) {
		err = a.m.Destroy(ctx) // without an index, this session at least
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	_ = flash.Put(ctx, "Signed out everywhere.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// noIndex reports an error saying the store keeps no user index: in
// Express mode the store keys are Express's raw session ids, which an
// index must not hold, so the demo offers no "sign out everywhere".
func noIndex(err error) bool {
	return errors.Is(err, manager.ErrNoUserIndex) || errors.Is(err, manager.ErrRawTokenIndex)
}

// genericError is all a visitor learns of an internal failure; the details
// go to the log, where the operator looks.
const genericError = "Something went wrong on our side. Please try again in a moment."

func (a *app) fail(w http.ResponseWriter, r *http.Request, err error) {
	a.log.LogAttrs(r.Context(), slog.LevelError, "sessiondemo: request failed",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("err", err.Error()))
	http.Error(w, genericError, http.StatusInternalServerError)
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
 input, button { font: inherit; padding: .25rem .5rem; }
</style>
</head>
<body>
{{with .Flash}}<p class="flash" id="flash">{{.}}</p>{{end}}
{{if .User}}
<h1 id="greeting">Hello, {{.User.Name}}!</h1>
<p>Signed in at {{.User.SignedInAt.Format "15:04:05 MST"}}. Restart the server: you stay signed in.</p>
<p>Pages seen since you signed in: <span id="visits">{{.Visits}}</span></p>
<form method="post" action="/signout"><button id="signout">Sign out</button></form>
{{if .Index}}{{with .Others}}<p>You are also signed in elsewhere, since:</p>
<ul id="others">{{range .}}<li>{{.Format "2006-01-02 15:04:05 MST"}}</li>{{end}}</ul>
{{else}}<p id="others-none">You are signed in nowhere else.</p>{{end}}
<form method="post" action="/signout-everywhere"><button id="signout-everywhere">Sign out everywhere</button></form>{{end}}
{{else}}
<h1 id="greeting">Hello, stranger.</h1>
<p>Sign in to get a session; until then the server stores nothing about you.</p>
<form method="post" action="/signin">
 <label>Your name <input name="name" id="name" maxlength="40" required autofocus></label>
 <button id="signin">Sign in</button>
</form>
{{end}}
</body>
</html>
`))
