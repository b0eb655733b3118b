package manager_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
	"github.com/sessionkit/sessionkit/typed"
)

// retainedProfile has several strings, so that a decode shares one
// string block among them, and a byte slice.
type retainedProfile struct {
	Name, Email, Note string
	Raw               []byte
	Tags              []string
}

// TestRetainedValuesSurviveLaterRequests: a handler that keeps strings and
// byte slices decoded from its session (a struct's shared string block, a
// plain string, a []byte) after its request sees them unchanged while
// later requests decode and commit other sessions of every size around the
// store's and the codec's limits (1 KiB arguments, 4 KiB string blocks)
// on a real Redis. Nothing kept may alias a pooled buffer.
func TestRetainedValuesSurviveLaterRequests(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	m := manager.New(manager.Config{Store: redisstore.New(srv.Pool())})
	defer m.Close()
	type kept struct {
		p    retainedProfile
		s    string
		b    []byte
		want string
	}
	var keeps []kept
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := len(r.URL.Query().Get("n"))
		fill := strings.Repeat(string(rune('a'+n%26)), n)
		if r.URL.Path == "/put" {
			p := retainedProfile{Name: "n" + fill, Email: "e" + fill, Note: fill + "!", Raw: []byte("r" + fill), Tags: []string{fill, "t"}}
			for _, err := range []error{typed.Put(r.Context(), "p", p), typed.Put(r.Context(), "s", "s"+fill), typed.Put(r.Context(), "b", []byte("b"+fill))} {
				if err != nil {
					t.Error(err)
				}
			}
			return
		}
		p, err1 := typed.Get[retainedProfile](r.Context(), "p")
		s, err2 := typed.Get[string](r.Context(), "s")
		b, err3 := typed.Get[[]byte](r.Context(), "b")
		if err1 != nil || err2 != nil || err3 != nil {
			t.Errorf("n=%d: %v %v %v", n, err1, err2, err3)
			return
		}
		keeps = append(keeps, kept{p, s, b, fill})
	}))
	for _, n := range []int{1, 100, 900, 1000, 1010, 1020, 1024, 1100, 1300, 2000, 4000, 4090, 4096, 4200, 9000, 3} {
		q := "/put?n=" + strings.Repeat("x", n)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", q, nil))
		cks := w.Result().Cookies()
		if len(cks) != 1 {
			t.Fatalf("n=%d: %d cookies", n, len(cks))
		}
		r := httptest.NewRequest("GET", strings.Replace(q, "/put", "/get", 1), nil)
		r.AddCookie(cks[0])
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	for _, k := range keeps {
		f := k.want
		got := fmt.Sprintf("%s|%s|%s|%s|%v|%s|%s", k.p.Name, k.p.Email, k.p.Note, k.p.Raw, k.p.Tags, k.s, k.b)
		want := fmt.Sprintf("%s|%s|%s|%s|%v|%s|%s", "n"+f, "e"+f, f+"!", "r"+f, []string{f, "t"}, "s"+f, "b"+f)
		if got != want {
			t.Errorf("kept values of the %d-byte session changed:\n got %.80q…\nwant %.80q…", len(f), got, want)
		}
	}
	if len(keeps) != 16 {
		t.Errorf("%d reads, want 16", len(keeps))
	}
}
