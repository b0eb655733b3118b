// Package typedtest reads values out of an encoded session the way a
// handler does, for tests of codecs that live outside package typed.
package typedtest

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/memstore"
	"github.com/sessionkit/sessionkit/typed"
)

// From reads key from an encoded session the way a handler does: the
// blob is loaded by a Manager with codec c and read with typed.Get inside a
// request, so the test sees typed's own conversions and errors.
func From[T any](tb testing.TB, c codec.Codec, blob []byte, key string) (T, error) {
	tb.Helper()
	st := memstore.New()
	defer st.Close()
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	if err := st.Commit(token, blob, time.Now().Add(time.Hour)); err != nil {
		tb.Fatal(err)
	}
	m := manager.New(manager.Config{Store: st, Codec: c, StoreRawTokens: true})
	defer m.Close()
	var (
		out    T
		err    error
		loaded bool
	)
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loaded = m.Token(r.Context()) == token
		out, err = typed.Get[T](r.Context(), key)
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(&http.Cookie{Name: m.CookieName(), Value: token})
	h.ServeHTTP(httptest.NewRecorder(), req)
	if !loaded {
		tb.Fatalf("the manager did not load the planted session")
	}
	return out, err
}
