package express_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/express"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// TestReviewExpressTypes: numbers the type cannot hold, wrong kinds, and
// a value nested past codec.MaxDepth (within encoding/json's own limit)
// in an Express-written session.
func TestReviewExpressTypes(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	pool := srv.Pool()
	mc, err := express.Config{Secrets: []string{"s1"}, Pool: pool}.ManagerConfig()
	if err != nil {
		t.Fatal(err)
	}
	m := manager.New(mc)
	defer m.Close()
	sg, _ := express.NewSigner("s1")
	sid, _ := express.NewSID()
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	blob := `{"cookie":{"originalMaxAge":null,"httpOnly":true,"path":"/"},"f":3.5,"neg":-1,"big":1e20,"obj":{"name":"Ada"},"n":5,"deep":` + deep + `,"nul":null}`
	c := pool.Get()
	if _, err := c.Do("SET", "sess:"+sid, blob, "EX", 3600); err != nil {
		t.Fatal(err)
	}
	c.Close()
	type U struct {
		Name string `json:"name"`
	}
	var out []string
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		chk := func(name string, err error, want error) {
			if !errors.Is(err, want) {
				out = append(out, fmt.Sprintf("%s: got %v, want %v", name, err, want))
			}
		}
		_, e := typed.Get[int](ctx, "f")
		chk("3.5->int", e, typed.ErrType)
		_, e = typed.Get[uint](ctx, "neg")
		chk("-1->uint", e, typed.ErrType)
		_, e = typed.Get[int64](ctx, "big")
		chk("1e20->int64", e, typed.ErrType)
		_, e = typed.Get[int8](ctx, "n")
		chk("5->int8", e, nil)
		_, e = typed.Get[int](ctx, "obj")
		chk("obj->int", e, typed.ErrType)
		_, e = typed.Get[U](ctx, "n")
		chk("5->struct", e, typed.ErrType)
		_, e = typed.Get[string](ctx, "n")
		chk("5->string", e, typed.ErrType)
		_, e = typed.Get[[]any](ctx, "deep")
		chk("deep", e, codec.ErrCorrupt)
		p, e := typed.Get[*U](ctx, "nul")
		if e != nil || p != nil {
			out = append(out, fmt.Sprintf("null->*U: %v %v", p, e))
		}
	}))
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "connect.sid="+sg.Sign(sid))
	h.ServeHTTP(rec, r)
	if rec.Code != 200 || len(out) != 0 {
		t.Errorf("status %d; %v", rec.Code, out)
	}
}
