package manager_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// TestMirrorAndSCSInterleaved: goroutines of one request interleave scs's
// own methods (Put, GetString, PopString, Status, Exists, Keys, Remove,
// RenewToken, RememberMe, Commit) with typed.Get and typed.Put on the
// same session — a loaded one, which the manager reads through its mirror
// of scs's session data, and a cookieless one, made on first use. Under
// -race both must share scs's lock; and every value each goroutine put
// last must be there on the next request.
func TestMirrorAndSCSInterleaved(t *testing.T) {
	m := manager.New(manager.Config{})
	defer m.Close()
	sm := m.SessionManager()
	const workers = 6
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/read":
			for i := range workers {
				v, err := typed.Get[int](r.Context(), fmt.Sprint("t", i))
				if err != nil || v != i {
					t.Errorf("t%d = %d, %v; want %d", i, v, err, i)
				}
				if s := sm.GetString(r.Context(), fmt.Sprint("s", i)); s != strings.Repeat("x", 5000+i) {
					t.Errorf("s%d has %d bytes, want %d", i, len(s), 5000+i)
				}
			}
			return
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithCancel(r.Context())
				defer cancel()
				<-start
				for j := range 20 {
					_ = sm.Status(ctx)
					sm.Put(ctx, fmt.Sprint("s", i), strings.Repeat("x", 5000+i))
					if err := typed.Put(ctx, fmt.Sprint("t", i), i); err != nil {
						t.Error(err)
					}
					if _, err := typed.Get[int](ctx, fmt.Sprint("t", (i+1)%workers)); err != nil && !strings.Contains(err.Error(), "not found") {
						_ = err // a key not put yet
					}
					sm.Put(ctx, "tmp", j)
					_ = sm.PopString(ctx, "tmp")
					_ = sm.Exists(ctx, "tmp")
					_ = sm.Keys(ctx)
					sm.Remove(ctx, "gone")
					switch {
					case i == 0 && j == 10:
						if err := sm.RenewToken(ctx); err != nil {
							t.Error(err)
						}
					case i == 1 && j == 5:
						sm.RememberMe(ctx, true)
					}
					_ = sm.Token(ctx)
					_ = sm.Deadline(ctx)
				}
			}()
		}
		close(start)
		wg.Wait()
	}))
	var cookie *http.Cookie
	for round := range 4 {
		r := httptest.NewRequest("GET", "/write", nil)
		if cookie != nil && round%2 == 1 {
			r.AddCookie(cookie) // a loaded session: the mirror
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		cks := w.Result().Cookies()
		if len(cks) != 1 {
			t.Fatalf("round %d: %d cookies set, want 1", round, len(cks))
		}
		cookie = cks[0]
		r = httptest.NewRequest("GET", "/read", nil)
		r.AddCookie(cookie)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}
