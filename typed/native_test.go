package typed_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

type Role string

type Cents int64

type Blob []byte

// TestNamedBasicTypes: a named type over a basic kind reads as any type of
// that kind, in the request that put it and in the next (where the value
// is native after loading), and a different kind is still ErrType.
func TestNamedBasicTypes(t *testing.T) {
	for _, c := range codecs() {
		t.Run(c.Name(), func(t *testing.T) {
			m := manager.New(manager.Config{Codec: c})
			put := func(ctx context.Context) error {
				return errors.Join(typed.Put(ctx, "role", Role("admin")), typed.Put(ctx, "price", Cents(1999)),
					typed.Put(ctx, "name", "plain"), typed.Put(ctx, "blob", []byte{1, 2}))
			}
			check := func(ctx context.Context) error {
				var errs []error
				expect := func(what string, got any, err error, want any) {
					if err != nil || got != want {
						errs = append(errs, fmt.Errorf("%s = %#v, %v; want %#v", what, got, err, want))
					}
				}
				r, err := typed.Get[Role](ctx, "role")
				expect("Get[Role](role)", r, err, Role("admin"))
				s, err := typed.Get[string](ctx, "role")
				expect("Get[string](role)", s, err, "admin")
				r, err = typed.Get[Role](ctx, "name")
				expect("Get[Role](name)", r, err, Role("plain"))
				p, err := typed.Get[Cents](ctx, "price")
				expect("Get[Cents](price)", p, err, Cents(1999))
				n, err := typed.Get[int64](ctx, "price")
				expect("Get[int64](price)", n, err, int64(1999))
				b, err := typed.Get[Blob](ctx, "blob")
				if err != nil || !bytes.Equal(b, []byte{1, 2}) {
					errs = append(errs, fmt.Errorf("Get[Blob](blob) = %v, %v", b, err))
				}
				if _, err := typed.Get[int](ctx, "price"); !errors.Is(err, typed.ErrType) {
					errs = append(errs, fmt.Errorf("Get[int] of an int64 kind: %v, want ErrType", err))
				}
				if _, err := typed.Get[Cents](ctx, "role"); !errors.Is(err, typed.ErrType) {
					errs = append(errs, fmt.Errorf("Get[Cents] of a string kind: %v, want ErrType", err))
				}
				return errors.Join(errs...)
			}
			srv, client := serve(t, m, put, check)
			if r := webtest.Get(t, client, srv.URL+"/put"); r.Body != "ok" {
				t.Fatal(r.Body)
			}
			if r := webtest.Get(t, client, srv.URL+"/read"); r.Body != "ok" {
				t.Errorf("next request: %s", r.Body)
			}
			srv2, c2 := serve(t, m, nil, func(ctx context.Context) error { return errors.Join(put(ctx), check(ctx)) })
			if r := webtest.Get(t, c2, srv2.URL+"/read"); r.Body != "ok" {
				t.Errorf("same request: %s", r.Body)
			}
		})
	}
}

// TestSCSGettersAfterRoundTrip is issue 10 item 1 (codec part): values put
// with typed are seen by scs's getters in later requests, and PopString
// returns a flash message once instead of deleting it unread.
func TestSCSGettersAfterRoundTrip(t *testing.T) {
	when := time.Date(2026, 11, 28, 17, 30, 0, 0, time.UTC)
	for _, c := range codecs() {
		t.Run(c.Name(), func(t *testing.T) {
			m := manager.New(manager.Config{Codec: c})
			sm := m.SessionManager()
			mux := http.NewServeMux()
			mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) {
				ctx := r.Context()
				err := errors.Join(typed.Put(ctx, "s", "text"), typed.Put(ctx, "i", 42), typed.Put(ctx, "i64", int64(1<<40)),
					typed.Put(ctx, "i32", int32(-3)), typed.Put(ctx, "f", 2.5), typed.Put(ctx, "b", true),
					typed.Put(ctx, "bytes", []byte("raw")), typed.Put(ctx, "t", when), typed.Put(ctx, "flash", "saved!"))
				if err != nil {
					http.Error(w, err.Error(), 500)
				}
			})
			mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
				ctx := r.Context()
				fmt.Fprintf(w, "%s %d %d %d %g %t %s %s [%s]", sm.GetString(ctx, "s"), sm.GetInt(ctx, "i"),
					sm.GetInt64(ctx, "i64"), sm.GetInt32(ctx, "i32"), sm.GetFloat(ctx, "f"), sm.GetBool(ctx, "b"),
					sm.GetBytes(ctx, "bytes"), sm.GetTime(ctx, "t").UTC().Format(time.RFC3339), sm.PopString(ctx, "flash"))
			})
			srv := httptest.NewServer(m.LoadAndSave(mux))
			defer srv.Close()
			client := webtest.Client(t)
			webtest.Get(t, client, srv.URL+"/put")
			want := "text 42 1099511627776 -3 2.5 true raw 2026-11-28T17:30:00Z"
			if r := webtest.Get(t, client, srv.URL+"/get"); r.Body != want+" [saved!]" {
				t.Errorf("scs getters after a round trip:\n got %q\nwant %q", r.Body, want+" [saved!]")
			}
			if r := webtest.Get(t, client, srv.URL+"/get"); r.Body != want+" []" {
				t.Errorf("second read: %q; the flash must be gone, the rest kept", r.Body)
			}
		})
	}
}

// TestSCSGettersSeeTypedPut: what typed.Put stores, scs's own getters read
// in the same request, and a flash message put with typed is popped by
// scs's PopString in the next request, once.
func TestSCSGettersSeeTypedPut(t *testing.T) {
	at := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for _, c := range codecs() {
		t.Run(c.Name(), func(t *testing.T) {
			m := manager.New(manager.Config{Codec: c})
			defer m.Close()
			sm := m.SessionManager()
			mux := http.NewServeMux()
			mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) {
				ctx := r.Context()
				err := errors.Join(typed.Put(ctx, "flash", "saved"), typed.Put(ctx, "n", 42),
					typed.Put(ctx, "ok", true), typed.Put(ctx, "f", 1.5), typed.Put(ctx, "b", []byte("raw")),
					typed.Put(ctx, "t", at), typed.Put(ctx, "role", Role("admin")), typed.Put(ctx, "i64", int64(7)))
				if err != nil {
					t.Errorf("Put: %v", err)
				}
				got := fmt.Sprintf("%q %d %v %v %q %v %q %d", sm.GetString(ctx, "flash"), sm.GetInt(ctx, "n"),
					sm.GetBool(ctx, "ok"), sm.GetFloat(ctx, "f"), sm.GetBytes(ctx, "b"),
					sm.GetTime(ctx, "t").Equal(at), sm.GetString(ctx, "role"), sm.GetInt64(ctx, "i64"))
				if want := `"saved" 42 true 1.5 "raw" true "admin" 7`; got != want {
					t.Errorf("scs getters in the request that put: %s, want %s", got, want)
				}
			})
			mux.HandleFunc("/pop", func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(sm.PopString(r.Context(), "flash")))
			})
			srv := httptest.NewServer(m.LoadAndSave(mux))
			defer srv.Close()
			cl := webtest.Client(t)
			webtest.Get(t, cl, srv.URL+"/put")
			if got := webtest.Get(t, cl, srv.URL+"/pop").Body; got != "saved" {
				t.Errorf("first PopString = %q, want the flash", got)
			}
			if got := webtest.Get(t, cl, srv.URL+"/pop").Body; got != "" {
				t.Errorf("second PopString = %q, want nothing", got)
			}
		})
	}
}
