package typed_test

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/observe"
	"github.com/sessionkit/sessionkit/typed"
)

type User struct {
	ID   int
	Name string
}

// serve runs handlers behind one manager: /put stores values, /read runs
// the check under test. It returns the server and a client with a jar.
func serve(t *testing.T, m *manager.Manager, put, read func(ctx context.Context) error) (*httptest.Server, *http.Client) {
	t.Helper()
	mux := http.NewServeMux()
	run := func(f func(context.Context) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if err := f(r.Context()); err != nil {
				http.Error(w, err.Error(), http.StatusConflict)
				return
			}
			fmt.Fprint(w, "ok")
		}
	}
	mux.Handle("/put", run(put))
	mux.Handle("/read", run(read))
	srv := httptest.NewServer(m.LoadAndSave(mux))
	t.Cleanup(srv.Close)
	return srv, webtest.Client(t)
}

func TestGetErrors(t *testing.T) {
	for _, c := range codecs() {
		t.Run(c.Name(), func(t *testing.T) {
			m := manager.New(manager.Config{Codec: c})
			put := func(ctx context.Context) error {
				return errors.Join(typed.Put(ctx, "user", User{ID: 7, Name: "Ada"}), typed.Put(ctx, "n", 3))
			}
			checks := map[string]func(ctx context.Context) error{
				"wrong struct kind": func(ctx context.Context) error {
					v, err := typed.Get[int](ctx, "user")
					if v != 0 || !errors.Is(err, typed.ErrType) {
						return fmt.Errorf("Get[int](user) = %v, %v; want 0, ErrType", v, err)
					}
					var te *typed.TypeError
					if !errors.As(err, &te) || te.Key != "user" || te.Want.String() != "int" {
						return fmt.Errorf("TypeError = %+v", te)
					}
					for _, word := range []string{`"user"`, "struct", "int"} {
						if !strings.Contains(err.Error(), word) {
							return fmt.Errorf("error %q does not mention %s", err, word)
						}
					}
					return nil
				},
				"int read as int64": func(ctx context.Context) error {
					_, err := typed.Get[int64](ctx, "n")
					if !errors.Is(err, typed.ErrType) {
						return fmt.Errorf("Get[int64] of an int: %v, want ErrType", err)
					}
					return nil
				},
				"int read as string": func(ctx context.Context) error {
					v, err := typed.Get[string](ctx, "n")
					if v != "" || !errors.Is(err, typed.ErrType) {
						return fmt.Errorf("Get[string](n) = %q, %v", v, err)
					}
					return nil
				},
				"missing": func(ctx context.Context) error {
					_, err := typed.Get[User](ctx, "nobody")
					if !errors.Is(err, typed.ErrNotFound) || errors.Is(err, typed.ErrType) {
						return fmt.Errorf("Get(missing) = %v, want ErrNotFound", err)
					}
					return nil
				},
				"right type": func(ctx context.Context) error {
					u, err := typed.Get[User](ctx, "user")
					if err != nil || u != (User{ID: 7, Name: "Ada"}) {
						return fmt.Errorf("Get[User] = %v, %v", u, err)
					}
					return nil
				},
				"pop wrong type keeps value": func(ctx context.Context) error {
					if _, err := typed.Pop[string](ctx, "user"); !errors.Is(err, typed.ErrType) {
						return fmt.Errorf("Pop wrong type: %v", err)
					}
					if !typed.Exists(ctx, "user") {
						return errors.New("Pop with the wrong type removed the value")
					}
					return nil
				},
			}
			for name, check := range checks {
				t.Run(name, func(t *testing.T) {
					for _, sameRequest := range []bool{true, false} {
						srv, client := serve(t, m, put, check)
						if sameRequest {
							// Put and read in one request: the value is still native.
							srv2, c2 := serve(t, m, nil, func(ctx context.Context) error {
								if err := put(ctx); err != nil {
									return err
								}
								return check(ctx)
							})
							if r := webtest.Get(t, c2, srv2.URL+"/read"); r.Body != "ok" {
								t.Fatalf("same request: %s", r.Body)
							}
							continue
						}
						webtest.Get(t, client, srv.URL+"/put")
						if r := webtest.Get(t, client, srv.URL+"/read"); r.Body != "ok" {
							t.Fatalf("next request: %s", r.Body)
						}
					}
				})
			}
		})
	}
}

func TestNoSession(t *testing.T) {
	ctx := context.Background()
	if _, err := typed.Get[User](ctx, "user"); !errors.Is(err, typed.ErrNoSession) {
		t.Errorf("Get without middleware: %v", err)
	}
	if err := typed.Put(ctx, "user", User{}); !errors.Is(err, typed.ErrNoSession) {
		t.Errorf("Put without middleware: %v", err)
	}
	if _, err := typed.Pop[User](ctx, "user"); !errors.Is(err, typed.ErrNoSession) {
		t.Errorf("Pop without middleware: %v", err)
	}
	if err := typed.Remove(ctx, "user"); !errors.Is(err, typed.ErrNoSession) {
		t.Errorf("Remove without middleware: %v", err)
	}
	if typed.Exists(ctx, "user") {
		t.Error("Exists without middleware reported true")
	}
	// A real handler that someone forgot to wrap.
	var err error
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, err = typed.Get[User](r.Context(), "user") })
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if !errors.Is(err, typed.ErrNoSession) {
		t.Errorf("unwrapped handler: %v", err)
	}
	// One sentinel: code written against either package matches both.
	if !errors.Is(err, manager.ErrNoSession) || !errors.Is(manager.ErrNoSession, typed.ErrNoSession) {
		t.Errorf("typed.ErrNoSession and manager.ErrNoSession differ: %v", err)
	}
}

func TestPopAndKey(t *testing.T) {
	flash := typed.NewKey[string]("flash")
	current := typed.NewKey[User]("user")
	m := manager.New(manager.Config{})
	srv, client := serve(t, m,
		func(ctx context.Context) error {
			return errors.Join(flash.Put(ctx, "welcome"), current.Put(ctx, User{ID: 1, Name: "Bo"}))
		},
		func(ctx context.Context) error {
			u, err := current.Get(ctx)
			if err != nil || u.Name != "Bo" {
				return fmt.Errorf("current user: %v %v", u, err)
			}
			msg, err := flash.Pop(ctx)
			if errors.Is(err, typed.ErrNotFound) {
				return errors.New("gone")
			}
			if err != nil || msg != "welcome" {
				return fmt.Errorf("flash: %q %v", msg, err)
			}
			return nil
		})
	webtest.Get(t, client, srv.URL+"/put")
	if r := webtest.Get(t, client, srv.URL+"/read"); r.Body != "ok" {
		t.Fatalf("first read: %s", r.Body)
	}
	if r := webtest.Get(t, client, srv.URL+"/read"); !strings.Contains(r.Body, "gone") {
		t.Fatalf("flash survived Pop: %s", r.Body)
	}
}

// TestRememberMe: scs's own "__rememberMe" flag keeps working through every
// codec, so a browser-session cookie becomes persistent and stays so.
func TestRememberMe(t *testing.T) {
	for _, c := range codecs() {
		t.Run(c.Name(), func(t *testing.T) {
			m := manager.New(manager.Config{Codec: c, Cookie: manager.CookieConfig{SessionOnly: true}})
			mux := http.NewServeMux()
			mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
				m.SessionManager().RememberMe(r.Context(), true)
				_ = typed.Put(r.Context(), "user", User{ID: 1})
			})
			mux.HandleFunc("/visit", func(w http.ResponseWriter, r *http.Request) {
				// A new token forces a new cookie, whose persistence comes
				// from the __rememberMe flag decoded from the store.
				_ = m.SessionManager().RenewToken(r.Context())
			})
			mux.HandleFunc("/anon", func(w http.ResponseWriter, r *http.Request) { _ = typed.Put(r.Context(), "n", 1) })
			srv := httptest.NewServer(m.LoadAndSave(mux))
			defer srv.Close()
			client := webtest.Client(t)

			if ck := webtest.Get(t, client, srv.URL+"/anon").SetCookie("session"); ck == nil || ck.MaxAge != 0 || !ck.Expires.IsZero() {
				t.Fatalf("SessionOnly cookie without RememberMe should have no expiry: %+v", ck)
			}
			webtest.Get(t, client, srv.URL+"/login")
			ck := webtest.Get(t, client, srv.URL+"/visit").SetCookie("session")
			if ck == nil || ck.MaxAge <= 0 {
				t.Fatalf("second request after RememberMe(true): cookie %+v, want persistent", ck)
			}
		})
	}
}

// TestLazyDecode counts value decodes through the codec hooks: loading a
// session decodes its plain values (bools, strings, numbers, []byte,
// time.Time: cheap, and what scs's getters need) and no composite value;
// reading a composite key decodes that key only; a commit re-encodes the
// changed key and the plain values, and carries the composite values over
// as their stored bytes.
func TestLazyDecode(t *testing.T) {
	var decodes, encodes atomic.Int64
	hooks := &observe.Hooks{Codec: func(e observe.CodecEvent) {
		switch e.Op {
		case observe.OpDecodeValue:
			decodes.Add(1)
		case observe.OpEncodeValue:
			encodes.Add(1)
		}
	}}
	for _, c := range []codec.Codec{codec.JSON(codec.WithHooks(hooks)), codec.Msgpack(codec.WithHooks(hooks)), codec.Gob(codec.WithHooks(hooks))} {
		t.Run(c.Name(), func(t *testing.T) {
			m := manager.New(manager.Config{Codec: c})
			mux := http.NewServeMux()
			mux.HandleFunc("/fill", func(w http.ResponseWriter, r *http.Request) {
				ctx := r.Context()
				_ = typed.Put(ctx, "user", User{ID: 1, Name: "Ada"})
				_ = typed.Put(ctx, "cart", make([]User, 50))
				_ = typed.Put(ctx, "n", 1)
				_ = typed.Put(ctx, "flash", "hello")
			})
			mux.HandleFunc("/nothing", func(w http.ResponseWriter, r *http.Request) {})
			mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) { _, _ = typed.Get[int](r.Context(), "n") })
			mux.HandleFunc("/one", func(w http.ResponseWriter, r *http.Request) { _, _ = typed.Get[User](r.Context(), "user") })
			mux.HandleFunc("/bump", func(w http.ResponseWriter, r *http.Request) {
				u, _ := typed.Get[User](r.Context(), "user")
				u.ID++
				_ = typed.Put(r.Context(), "user", u)
			})
			srv := httptest.NewServer(m.LoadAndSave(mux))
			defer srv.Close()
			client := webtest.Client(t)
			webtest.Get(t, client, srv.URL+"/fill")

			for _, tc := range []struct {
				path             string
				decodes, encodes int64
			}{
				{"/nothing", 2, 0}, // n and flash, at load
				{"/plain", 2, 0},   // already native: reading costs nothing more
				{"/one", 3, 0},     // plus user
				{"/bump", 3, 3},    // user put; n and flash re-encoded; cart carried as stored bytes
			} {
				decodes.Store(0)
				encodes.Store(0)
				webtest.Get(t, client, srv.URL+tc.path)
				if d, e := decodes.Load(), encodes.Load(); d != tc.decodes || e != tc.encodes {
					t.Errorf("%s: %d value decodes, %d encodes; want %d, %d", tc.path, d, e, tc.decodes, tc.encodes)
				}
			}
		})
	}
}

// TestForeignCodec: with a codec from outside package codec (here scs's own
// GobCodec), typed still works by type assertion, and Put still reports a
// value the codec cannot encode.
func TestForeignCodec(t *testing.T) {
	type unregistered struct{ X int }
	gob.Register(User{})
	m := manager.New(manager.Config{Codec: scs.GobCodec{}})
	var putErr error
	srv, client := serve(t, m,
		func(ctx context.Context) error {
			putErr = typed.Put(ctx, "stranger", unregistered{1}) // gob needs Register for interface values
			return typed.Put(ctx, "user", User{ID: 3, Name: "Cy"})
		},
		func(ctx context.Context) error {
			u, err := typed.Get[User](ctx, "user")
			if err != nil || u.Name != "Cy" {
				return fmt.Errorf("Get[User] = %v, %v", u, err)
			}
			if _, err := typed.Get[string](ctx, "user"); !errors.Is(err, typed.ErrType) {
				return fmt.Errorf("Get[string] of a User: %v", err)
			}
			if typed.Exists(ctx, "stranger") {
				return errors.New("an unencodable value was stored")
			}
			return nil
		})
	if r := webtest.Get(t, client, srv.URL+"/put"); r.Body != "ok" {
		t.Fatalf("put: %s", r.Body)
	}
	if putErr == nil {
		t.Error("Put of an unregistered type under scs's gob: no error")
	}
	if r := webtest.Get(t, client, srv.URL+"/read"); r.Body != "ok" {
		t.Fatalf("read: %s", r.Body)
	}
}
